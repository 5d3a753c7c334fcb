package mockcluster

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// A script decides the faults of the next requests, in order, whatever the
// rates; once it is used up the rates apply again.
func TestFaultScript(t *testing.T) {
	h := newHarness(t, func(o *Options) {
		o.Faults = Faults{
			Script:             []FaultStep{StepDrop, StepThrottle, StepError(503), StepPass},
			ThrottleRetryAfter: 2e9,
			ErrorRate:          1, // after the script: every request fails
			Seed:               3,
		}
	})
	const body = `{"scopes":["pci:tokens:read"]}`
	idem := []string{"x-idempotency-key", "script-1"}
	send := func() (response, error) {
		return h.tryDo(http.MethodPost, "/api/admin/api-keys", body, append(append([]string{}, admin...), idem...)...)
	}

	// 1: done, committed, and the connection closed without an answer.
	if _, err := send(); err == nil {
		t.Fatal("step 1 (drop) got an answer")
	}
	keys := h.mock.Keys()
	if len(keys) != 1 {
		t.Fatalf("after the dropped create the mock holds %d keys, want 1", len(keys))
	}
	if left := h.mock.Stats().Faults.ScriptLeft; left != 3 {
		t.Errorf("script_left = %d after one step, want 3", left)
	}
	// 2: throttled, with Retry-After; nothing done.
	res, err := send()
	if err != nil {
		t.Fatal(err)
	}
	checkError(t, res, http.StatusTooManyRequests, "too_many_requests")
	if got := res.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2", got)
	}
	// 3: the scripted 503; nothing done.
	res, _ = send()
	checkError(t, res, http.StatusServiceUnavailable, "injected_fault")
	// 4: passed: the replay of the dropped create.
	res, _ = send()
	if res.status != http.StatusCreated || res.json(t)["id"] != keys[0].ID {
		t.Errorf("step 4: %d %s, want the replay of %s", res.status, res.body, keys[0].ID)
	}
	if n := len(h.mock.Keys()); n != 1 {
		t.Errorf("the mock holds %d keys, want 1", n)
	}
	// 5: the script is used up; the error rate applies again.
	res, _ = send()
	if res.status < 500 {
		t.Errorf("after the script: %d, want an injected 5xx", res.status)
	}
	st := h.mock.Stats()
	want := FaultStats{Error: 2, Throttle: 1, Drop: 1, ScriptLeft: 0}
	if st.Faults != want {
		t.Errorf("faults = %+v, want %+v", st.Faults, want)
	}

	// SetFaults replaces the script; an invalid step there passes.
	h.mock.SetFaults(Faults{Script: []FaultStep{"nonsense", StepThrottle}})
	if res, _ := h.tryDo(http.MethodGet, "/api/admin/api-keys", "", admin...); res.status != http.StatusOK {
		t.Errorf("invalid step: %d, want it to pass", res.status)
	}
	if res, _ := h.tryDo(http.MethodGet, "/api/admin/api-keys", "", admin...); res.status != http.StatusTooManyRequests {
		t.Errorf("second step: %d, want 429", res.status)
	}
}

// tryDo sends a request on a fresh connection (so that a dropped one is not
// retried by the transport) and returns the answer or the transport error.
func (h *harness) tryDo(method, path, body string, headers ...string) (response, error) {
	return tryRequest(h.t.Context(), noReuseClient(), method, h.http.URL+path, body, headers...)
}

func TestParseFaultScript(t *testing.T) {
	good := map[string][]FaultStep{
		"":                         nil,
		"drop":                     {StepDrop},
		"drop,throttle*3,503":      {StepDrop, StepThrottle, StepThrottle, StepThrottle, StepError(503)},
		" pass , 500*2 ":           {StepPass, StepError(500), StepError(500)},
		"throttle*1":               {StepThrottle},
		"599,drop*2,pass,throttle": {StepError(599), StepDrop, StepDrop, StepPass, StepThrottle},
		"drop,409,403":             {StepDrop, StepError(409), StepError(403)},
		"400":                      {StepError(400)},
	}
	for in, want := range good {
		got, err := ParseFaultScript(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseFaultScript(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"boom", "drop,,throttle", "399", "600", "0409", "drop*0", "drop*-1", "drop*x", "drop*100001", "drop*2*2"} {
		if _, err := ParseFaultScript(in); err == nil || !strings.Contains(err.Error(), "step") {
			t.Errorf("ParseFaultScript(%q) = %v, want an error naming the step", in, err)
		}
	}
	_, err := New(Options{AdminToken: "t", Faults: Faults{Script: []FaultStep{StepPass, "boom"}}})
	if want := `Faults.Script step 2 is "boom"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("New with an invalid script step: %v, want an error containing %q", err, want)
	}
}
