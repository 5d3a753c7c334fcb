package hellgate

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

// A create is judged by all its attempts: once one attempt may have reached
// Hellgate without a definite answer (a dropped connection after the
// request was written, a 5xx, a timeout), the call may have made a key,
// whatever the later attempts answered.
func TestCreateIsJudgedByAllItsAttempts(t *testing.T) {
	t.Parallel()
	slow := func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	tests := []struct {
		name     string
		replies  []func(http.ResponseWriter, *http.Request)
		deadline time.Duration // 0: none
		want     bool
	}{
		{"dropped, then 429 until the retries run out", []func(http.ResponseWriter, *http.Request){
			drop, status(http.StatusTooManyRequests, "", "Retry-After", "0"),
		}, 0, true},
		{"dropped, then 409", []func(http.ResponseWriter, *http.Request){
			drop, status(http.StatusConflict, `{"code":"idempotency_conflict"}`),
		}, 0, true},
		{"503, then 400", []func(http.ResponseWriter, *http.Request){
			status(http.StatusServiceUnavailable, ""), status(http.StatusBadRequest, ""),
		}, 0, true},
		{"timed out, then 429 until the retries run out", []func(http.ResponseWriter, *http.Request){
			slow, status(http.StatusTooManyRequests, "", "Retry-After", "0"),
		}, 0, true},
		{"dropped, then a 429 whose Retry-After outlives the deadline", []func(http.ResponseWriter, *http.Request){
			drop, status(http.StatusTooManyRequests, "", "Retry-After", "3600"),
		}, time.Hour, true},
		{"429 until the retries run out", []func(http.ResponseWriter, *http.Request){
			status(http.StatusTooManyRequests, "", "Retry-After", "0"),
		}, 0, false},
		{"429, then 400", []func(http.ResponseWriter, *http.Request){
			status(http.StatusTooManyRequests, "", "Retry-After", "0"), status(http.StatusBadRequest, ""),
		}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := replies(tt.replies...)
			c, _ := newTestClient(t, rec, func(c *Config) {
				c.RequestTimeout = 200 * time.Millisecond
				c.MaxRetryAfter = 2 * time.Hour
			})
			ctx := t.Context()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
			if err == nil {
				t.Fatal("want an error")
			}
			if got := MayHaveCommitted(err); got != tt.want {
				t.Errorf("after %d attempts: MayHaveCommitted(%v) = %v, want %v", len(rec.requests()), err, got, tt.want)
			}
			if NeverSent(err) {
				t.Errorf("NeverSent(%v) = true, but the server saw %d requests", err, len(rec.requests()))
			}
		})
	}
}

// The caller's context ends while the client waits to retry a create whose
// first attempt was dropped: the key may exist.
func TestCreateCancelledDuringWaitAfterDrop(t *testing.T) {
	t.Parallel()
	rec := replies(drop)
	waits := clock.NewFake(clockStart)
	c, _ := newTestClient(t, rec, func(c *Config) { c.Clock = waits })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		if waits.WaitForSleepers(ctx, 1) == nil {
			cancel()
		}
	}()
	_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if err == nil || !MayHaveCommitted(err) || NeverSent(err) {
		t.Errorf("err = %v, MayHaveCommitted = %v, NeverSent = %v; want true, false", err, MayHaveCommitted(err), NeverSent(err))
	}
}

// A header value Go refuses to send (here an idempotency key with a control
// character) fails before any request: it is not retried, the call never
// waits, and the error says it was never sent, without quoting the value.
func TestInvalidHeaderValueIsNeverSent(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"QUOTED\x00value", "QUOTED\x1b[31m", "QUOTED\x7f", "QUOTED\nvalue"} {
		rec := replies(jsonStatus(http.StatusCreated, createdJSON("k2", "key_SECRET-VALUE")))
		waits := autoClock()
		c, _ := newTestClient(t, rec, func(c *Config) { c.Clock = waits; c.MaxRetries = DefaultMaxRetries })
		_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: bad})
		if err == nil {
			t.Fatalf("%q: want an error", bad)
		}
		if n := len(rec.requests()); n != 0 {
			t.Errorf("%q: the server saw %d requests, want none", bad, n)
		}
		if w := waits.Slept(); len(w) != 0 {
			t.Errorf("%q: waited %v before giving up, want no retries", bad, w)
		}
		if !NeverSent(err) || MayHaveCommitted(err) {
			t.Errorf("%q: NeverSent = %v, MayHaveCommitted = %v; want true, false (err %v)", bad, NeverSent(err), MayHaveCommitted(err), err)
		}
		if strings.Contains(err.Error(), "QUOTED") || !strings.Contains(err.Error(), headerIdempotencyKey) {
			t.Errorf("%q: err = %q, want it to name the header but not quote its value", bad, err)
		}
	}
}

// A credential Go would refuse to send is refused when the client is made,
// without quoting it; before, every call was retried (6 attempts with the
// default budget) and counted as having reached the server.
func TestCredentialThatIsNoHeaderValueIsRefused(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{testToken + "\x00", "\x1b" + testToken, testToken + "\x7f", testToken + "\n", testToken + "é"} {
		rec := replies(jsonStatus(http.StatusCreated, createdJSON("k3", "key_SECRET-VALUE")))
		ts := newServer(t, rec)
		waits := autoClock()
		cfg := testConfig(ts.URL)
		cfg.AdminToken, cfg.MaxRetries, cfg.Clock = bad, DefaultMaxRetries, waits
		c, err := New(cfg)
		if err == nil {
			_, err = c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
			t.Errorf("%q: New accepted the credential; the create then failed after waits %v (NeverSent %v, MayHaveCommitted %v): %v",
				bad, waits.Slept(), NeverSent(err), MayHaveCommitted(err), err)
			continue
		}
		if strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "admin token") {
			t.Errorf("%q: err = %q, want it to name the admin token without quoting it", bad, err)
		}
	}
}

// A 2xx answer that cannot be used still means the key was made.
func TestUnreadableCreateAnswerHasCommitted(t *testing.T) {
	t.Parallel()
	for name, reply := range map[string]func(http.ResponseWriter, *http.Request){
		"not json":     status(http.StatusCreated, "<html>"),
		"no id":        jsonStatus(http.StatusCreated, map[string]any{"key_value": "key_SECRET-VALUE"}),
		"no key_value": jsonStatus(http.StatusCreated, map[string]any{"id": "k1"}),
	} {
		c, _ := newTestClient(t, replies(reply))
		_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
		if err == nil || !MayHaveCommitted(err) || NeverSent(err) {
			t.Errorf("%s: err = %v, MayHaveCommitted = %v, NeverSent = %v; want true, false", name, err, MayHaveCommitted(err), NeverSent(err))
		}
	}
}

// A call whose context has ended before it starts sends nothing.
func TestEndedContextSendsNothing(t *testing.T) {
	t.Parallel()
	rec := replies(jsonStatus(http.StatusCreated, createdJSON("k4", "key_SECRET-VALUE")))
	c, _ := newTestClient(t, rec)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if !errors.Is(err, context.Canceled) || !NeverSent(err) || MayHaveCommitted(err) {
		t.Errorf("err = %v, NeverSent = %v, MayHaveCommitted = %v; want context.Canceled, true, false", err, NeverSent(err), MayHaveCommitted(err))
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("the server saw %d requests, want none", n)
	}
}
