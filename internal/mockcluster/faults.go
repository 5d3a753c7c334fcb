package mockcluster

// Fault injection: the settings, and the draw (or script step) that
// decides each request's fault.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Faults configures fault injection on the /api/... routes. The zero value
// injects nothing. Each request draws from one random source seeded with
// Seed, so the same sequence of requests meets the same faults on every run;
// a Script fixes the faults of the next requests exactly.
type Faults struct {
	// Script, when not empty, decides the faults of the next len(Script)
	// requests to /api, one step each, in order, instead of the rates
	// below; once it is used up the rates apply again. Latency applies to
	// scripted requests too.
	Script []FaultStep
	// ErrorRate is the probability (0..1) of answering a 5xx (500, 502, 503
	// or 504, picked at random) before doing anything.
	// ThrottleRate is the probability (0..1) of answering 429 with
	// Retry-After before doing anything.
	// DropRate is the probability (0..1) of doing the operation, committing
	// it, and then closing the connection without an answer.
	// The three are drawn independently, in that order: with ErrorRate 0.5
	// and ThrottleRate 0.5 a quarter of the requests are throttled.
	ErrorRate, ThrottleRate, DropRate float64
	// ThrottleRetryAfter is the Retry-After of a throttled answer, rounded
	// up to whole seconds; 0 means 1s.
	ThrottleRetryAfter time.Duration
	// Latency is added to every request before it is handled.
	Latency time.Duration
	// Seed seeds the random source of the faults.
	Seed int64
}

// validate reports the first setting out of range.
func (f Faults) validate() error {
	for _, r := range []struct {
		name string
		v    float64
	}{{"ErrorRate", f.ErrorRate}, {"ThrottleRate", f.ThrottleRate}, {"DropRate", f.DropRate}} {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Errorf("mockcluster: Faults.%s must be within 0..1, got %v", r.name, r.v)
		}
	}
	for i, step := range f.Script {
		if _, _, ok := step.fault(); !ok {
			return fmt.Errorf("mockcluster: Faults.Script step %d is %q: expected pass, drop, throttle or a status from 400 to 599", i+1, step)
		}
	}
	if f.ThrottleRetryAfter < 0 {
		return fmt.Errorf("mockcluster: Faults.ThrottleRetryAfter must not be negative, got %s", f.ThrottleRetryAfter)
	}
	if f.Latency < 0 {
		return fmt.Errorf("mockcluster: Faults.Latency must not be negative, got %s", f.Latency)
	}
	return nil
}

// clamped returns f with every setting forced into range (NaN counts as 0,
// an invalid script step passes) and a script of its own.
func (f Faults) clamped() Faults {
	clamp := func(v float64) float64 {
		if math.IsNaN(v) || v < 0 {
			return 0
		}
		return min(v, 1)
	}
	f.ErrorRate, f.ThrottleRate, f.DropRate = clamp(f.ErrorRate), clamp(f.ThrottleRate), clamp(f.DropRate)
	f.ThrottleRetryAfter = max(f.ThrottleRetryAfter, 0)
	f.Latency = max(f.Latency, 0)
	script := make([]FaultStep, len(f.Script))
	for i, step := range f.Script {
		if _, _, ok := step.fault(); !ok {
			step = StepPass
		}
		script[i] = step
	}
	f.Script = script
	return f
}

// retryAfterSeconds is the Retry-After header value, at least 1.
func (f Faults) retryAfterSeconds() int64 {
	d := f.ThrottleRetryAfter
	if d <= 0 {
		d = time.Second
	}
	return int64((d + time.Second - 1) / time.Second)
}

// faultKind is the fault chosen for one request.
type faultKind int

const (
	faultNone faultKind = iota
	faultError
	faultThrottle
	faultDrop
)

func (k faultKind) String() string {
	switch k {
	case faultError:
		return "error"
	case faultThrottle:
		return "throttle"
	case faultDrop:
		return "drop"
	}
	return "none"
}

// errorStatuses are the statuses an injected error picks from.
var errorStatuses = []int{
	http.StatusInternalServerError,
	http.StatusBadGateway,
	http.StatusServiceUnavailable,
	http.StatusGatewayTimeout,
}

// faultInjector holds the current fault settings and their random source.
// cfg.Script holds the steps not yet used.
type faultInjector struct {
	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
}

func newFaultInjector(f Faults) *faultInjector {
	fi := &faultInjector{}
	fi.set(f)
	return fi
}

// set replaces the settings and reseeds the random source, so that the
// faults after a change repeat from run to run as well.
func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.cfg = f.clamped()
	seed := uint64(f.Seed) //nolint:gosec // the seed's bits reinterpreted: every int64 is a fine seed
	// A deterministic, seeded source is the point here: faults must repeat
	// from run to run. Nothing secret comes from it.
	fi.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) //nolint:gosec // see above
}

// decide picks the fault for one request and, for an error, its status.
// It always draws the same number of values, so one request's outcome does
// not shift the random sequence of the next.
func (fi *faultInjector) decide() (faultKind, int, Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	e, t, d := fi.rng.Float64(), fi.rng.Float64(), fi.rng.Float64()
	status := errorStatuses[fi.rng.IntN(len(errorStatuses))]
	if len(fi.cfg.Script) > 0 {
		step := fi.cfg.Script[0]
		fi.cfg.Script = fi.cfg.Script[1:]
		kind, status, _ := step.fault()
		return kind, status, fi.cfg
	}
	switch {
	case e < fi.cfg.ErrorRate:
		return faultError, status, fi.cfg
	case t < fi.cfg.ThrottleRate:
		return faultThrottle, 0, fi.cfg
	case d < fi.cfg.DropRate:
		return faultDrop, 0, fi.cfg
	}
	return faultNone, 0, fi.cfg
}

// scriptLeft returns how many script steps are not yet used.
func (fi *faultInjector) scriptLeft() int {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return len(fi.cfg.Script)
}

// dropConnection closes the client's connection without an answer. Over
// HTTP/1.x it hijacks the connection and closes it. Where that is not
// possible (HTTP/2, or a ResponseWriter that is not a connection, such as
// httptest.ResponseRecorder) it panics with http.ErrAbortHandler, the
// sentinel with which net/http aborts a response without logging; a drop is
// therefore only meaningful behind a real server such as httptest.Server.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
