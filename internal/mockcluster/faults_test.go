package mockcluster

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFaultError(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Faults = Faults{ErrorRate: 1, Seed: 7} })
	statuses := map[int]int{}
	for i := 0; i < 60; i++ {
		res := h.do(http.MethodPost, "/api/admin/api-keys", `{"scopes":["pci:tokens:read"]}`, admin...)
		if !slices.Contains(errorStatuses, res.status) {
			t.Fatalf("status %d, want one of %v", res.status, errorStatuses)
		}
		checkError(t, res, res.status, "injected_fault")
		statuses[res.status]++
	}
	if len(statuses) != len(errorStatuses) {
		t.Errorf("60 injected errors used only the statuses %v", statuses)
	}
	if n := len(h.mock.Keys()); n != 0 {
		t.Errorf("injected errors committed %d keys", n)
	}
	// Even a request that would fail auth is faulted first.
	if res := h.do(http.MethodGet, "/api/admin/api-keys", ""); !slices.Contains(errorStatuses, res.status) {
		t.Errorf("unauthenticated: status %d", res.status)
	}
	// The mock's own routes are never faulted.
	if res := h.do(http.MethodGet, "/_mock/stats", "", admin...); res.status != 200 {
		t.Errorf("stats: %d", res.status)
	}
	if got := h.mock.Stats().Faults.Error; got != 61 {
		t.Errorf("faults.error = %d, want 61", got)
	}
}

func TestFaultsRepeatWithTheSeed(t *testing.T) {
	run := func(seed int64) string {
		h := newHarness(t, func(o *Options) { o.Faults = Faults{ErrorRate: 0.3, ThrottleRate: 0.3, Seed: seed} })
		var b strings.Builder
		for i := 0; i < 40; i++ {
			fmt.Fprintf(&b, "%d ", h.do(http.MethodGet, "/api/admin/api-keys", "", admin...).status)
		}
		return b.String()
	}
	a, b, c := run(42), run(42), run(43)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("different seeds, same faults: %s", a)
	}
	for _, want := range []string{"200", "429"} {
		if !strings.Contains(a, want) {
			t.Errorf("rates 0.3/0.3 over 40 requests never gave %s: %s", want, a)
		}
	}
}

func TestFaultThrottle(t *testing.T) {
	for _, tt := range []struct {
		after time.Duration
		want  string
	}{{0, "1"}, {time.Second, "1"}, {2500 * time.Millisecond, "3"}, {10 * time.Second, "10"}} {
		t.Run(tt.after.String(), func(t *testing.T) {
			h := newHarness(t, func(o *Options) { o.Faults = Faults{ThrottleRate: 1, ThrottleRetryAfter: tt.after} })
			res := h.do(http.MethodPost, "/api/admin/api-keys", `{"scopes":["pci:tokens:read"]}`, admin...)
			checkError(t, res, http.StatusTooManyRequests, "too_many_requests")
			if got := res.header.Get("Retry-After"); got != tt.want {
				t.Errorf("Retry-After = %q, want %q", got, tt.want)
			}
			if n := len(h.mock.Keys()); n != 0 {
				t.Errorf("throttled create committed %d keys", n)
			}
			if got := h.mock.Stats().Faults.Throttle; got != 1 {
				t.Errorf("faults.throttle = %d", got)
			}
		})
	}
}

// noReuseClient opens a fresh connection per request, so that the transport
// does not transparently retry a request whose connection was dropped.
func noReuseClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// doRaw sends a request and returns the status, or the transport error.
func doRaw(t *testing.T, client *http.Client, method, url, body string, headers ...string) (int, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_ = res.Body.Close()
	return res.StatusCode, nil
}

func TestFaultDropAfterCommit(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Faults = Faults{DropRate: 1} })
	client := noReuseClient()

	// The create is committed, but the client gets no answer.
	status, err := doRaw(t, client, http.MethodPost, h.http.URL+"/api/admin/api-keys", `{"scopes":["pci:tokens:read"]}`, admin...)
	if err == nil {
		t.Fatalf("dropped create got an answer: %d", status)
	}
	keys := h.mock.Keys()
	if len(keys) != 1 {
		t.Fatalf("dropped create committed %d keys, want 1", len(keys))
	}

	// The same for a delete.
	if _, err := doRaw(t, client, http.MethodDelete, h.http.URL+"/api/admin/api-keys/"+keys[0].ID, "", admin...); err == nil {
		t.Fatal("dropped delete got an answer")
	}
	if n := len(h.mock.Keys()); n != 0 {
		t.Errorf("dropped delete left %d keys", n)
	}
	if got := h.mock.Stats().Faults.Drop; got != 2 {
		t.Errorf("faults.drop = %d, want 2", got)
	}

	// With drops off again, the retry with an idempotency key is answered.
	h.mock.SetFaults(Faults{})
	if st := h.do(http.MethodGet, "/api/admin/api-keys", "", admin...).status; st != 200 {
		t.Errorf("after SetFaults: %d", st)
	}
}

func TestFaultDropWithIdempotentRetry(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Faults = Faults{DropRate: 1} })
	body := `{"scopes":["pci:tokens:read"]}`
	hdr := append(slices.Clone(admin), "x-idempotency-key", "retry-me")
	if _, err := doRaw(t, noReuseClient(), http.MethodPost, h.http.URL+"/api/admin/api-keys", body, hdr...); err == nil {
		t.Fatal("dropped create got an answer")
	}
	h.mock.SetFaults(Faults{})
	res := h.do(http.MethodPost, "/api/admin/api-keys", body, hdr...)
	if res.status != 201 || res.header.Get("X-Idempotent-Replayed") != "true" {
		t.Errorf("retry: %d replayed=%q", res.status, res.header.Get("X-Idempotent-Replayed"))
	}
	if n := len(h.mock.Keys()); n != 1 {
		t.Errorf("%d keys, want 1", n)
	}
}

func TestFaultDropWithoutHijacker(t *testing.T) {
	// A recorder cannot be hijacked: the mock aborts the handler instead.
	m, err := New(Options{AdminToken: "t", Faults: Faults{DropRate: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, http.ErrAbortHandler) {
			t.Errorf("recovered %v, want http.ErrAbortHandler", err)
		}
	}()
	m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/admin/api-keys", nil))
}

func TestFaultLatency(t *testing.T) {
	const latency = 150 * time.Millisecond
	h := newHarness(t, func(o *Options) { o.Faults = Faults{Latency: latency} })
	start := time.Now()
	if st := h.do(http.MethodGet, "/api/admin/api-keys", "", admin...).status; st != 200 {
		t.Fatalf("status %d", st)
	}
	if d := time.Since(start); d < latency {
		t.Errorf("request took %s, want at least %s", d, latency)
	}
	// Not on the mock's own routes.
	start = time.Now()
	h.do(http.MethodGet, "/_mock/stats", "", admin...)
	if d := time.Since(start); d >= latency {
		t.Errorf("stats took %s: latency applied to /_mock", d)
	}
}

func TestSetFaults(t *testing.T) {
	h := newHarness(t)
	get := func() int { return h.do(http.MethodGet, "/api/admin/api-keys", "", admin...).status }
	if st := get(); st != 200 {
		t.Fatalf("no faults: %d", st)
	}
	h.mock.SetFaults(Faults{ThrottleRate: 1})
	if st := get(); st != 429 {
		t.Errorf("throttle on: %d", st)
	}
	// Out-of-range settings are clamped.
	h.mock.SetFaults(Faults{ErrorRate: 7})
	if st := get(); !slices.Contains(errorStatuses, st) {
		t.Errorf("error rate 7 clamped to 1: %d", st)
	}
	h.mock.SetFaults(Faults{ErrorRate: -1, ThrottleRetryAfter: -time.Second, Latency: -time.Hour})
	if st := get(); st != 200 {
		t.Errorf("negative settings clamped to 0: %d", st)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	bad := []Options{
		{},
		{AdminToken: "t", Faults: Faults{ErrorRate: 1.1}},
		{AdminToken: "t", Faults: Faults{ThrottleRate: -0.1}},
		{AdminToken: "t", Faults: Faults{DropRate: 2}},
		{AdminToken: "t", Faults: Faults{Latency: -1}},
		{AdminToken: "t", Faults: Faults{ThrottleRetryAfter: -1}},
	}
	for _, o := range bad {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted invalid options", o)
		}
	}
}
