package hellgate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

func TestRetryStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    int
		wantTries int // with MaxRetries 3
	}{
		{http.StatusTooManyRequests, 4},
		{http.StatusInternalServerError, 4},
		{http.StatusBadGateway, 4},
		{http.StatusServiceUnavailable, 4},
		{http.StatusGatewayTimeout, 4},
		{http.StatusBadRequest, 1},
		{http.StatusUnauthorized, 1},
		{http.StatusForbidden, 1},
		{http.StatusNotFound, 1},
		{http.StatusConflict, 1},
		{http.StatusRequestTimeout, 1},
		{http.StatusUnprocessableEntity, 1},
		{http.StatusNotImplemented, 1},
		{http.StatusHTTPVersionNotSupported, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			rec := replies(status(tt.status, "nope"))
			if tt.status == http.StatusNotFound {
				// A 404 on a key's path is followed by one check of the
				// endpoint, which finds the collection and learns that
				// this is Hellgate's not-found.
				rec = notFoundReplies(status(tt.status, "nope"))
			}
			c, _ := newTestClient(t, rec)

			_, err := c.GetAPIKey(t.Context(), "id")
			if !hasStatus(err, tt.status) {
				t.Fatalf("err = %v, want an *Error with status %d", err, tt.status)
			}
			got := 0
			for _, r := range rec.requests() {
				if r.URI == "/api/admin/api-keys/id" {
					got++
				}
			}
			if got != tt.wantTries {
				t.Errorf("attempts = %d, want %d", got, tt.wantTries)
			}
		})
	}
}

func TestShouldRetry(t *testing.T) {
	t.Parallel()
	connErr := errors.New("connection reset by peer")
	tests := []struct {
		method string
		key    bool
		status int
		err    error
		want   bool
	}{
		{http.MethodGet, false, 503, nil, true},
		{http.MethodGet, false, 0, connErr, true},
		{http.MethodDelete, false, 429, nil, true},
		{http.MethodDelete, false, 0, connErr, true},
		{http.MethodPatch, false, 502, nil, false},
		{http.MethodPatch, false, 0, connErr, false},
		{http.MethodPost, true, 500, nil, true},
		{http.MethodPost, true, 0, connErr, true},
		{http.MethodPost, false, 500, nil, false},
		{http.MethodPost, false, 429, nil, false},
		{http.MethodPost, false, 0, connErr, false},
		{http.MethodGet, false, 404, nil, false},
		{http.MethodGet, false, 200, nil, false},
		{http.MethodGet, false, 0, fmt.Errorf("wrapped: %w", ErrRedirect), false},
		{"CONNECT", false, 503, nil, false},
	}
	for _, tt := range tests {
		if got := shouldRetry(tt.method, tt.key, tt.status, tt.err); got != tt.want {
			t.Errorf("shouldRetry(%s, key=%v, %d, %v) = %v, want %v", tt.method, tt.key, tt.status, tt.err, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"  12 ", 12 * time.Second, true},
		{"-3", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"99999999999999999999", 0, false}, // overflows uint64: garbage
		{"9999999999", 365 * 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{now.Add(30 * time.Second).Format(time.RFC850), 30 * time.Second, true},
		{"Mon, 32 Foo 2025 99:00:00 GMT", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestWaitHonoursAndCapsRetryAfter(t *testing.T) {
	t.Parallel()
	p := retryPolicy{waitMin: time.Second, waitMax: 2 * time.Second, maxRetryAfter: 60 * time.Second}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration // 0: the backoff, between waitMin and waitMax
	}{
		{"10", 10 * time.Second},
		{"3600", 60 * time.Second},
		{now.Add(20 * time.Second).Format(http.TimeFormat), 20 * time.Second},
		{now.Add(2 * time.Hour).Format(http.TimeFormat), 60 * time.Second},
		{"0", 0},
		{"garbage", -1},
		{"", -1},
	}
	for _, tt := range tests {
		got := p.wait(1, tt.header, now)
		if tt.want >= 0 && got != tt.want {
			t.Errorf("wait(Retry-After %q) = %v, want %v", tt.header, got, tt.want)
		}
		if tt.want < 0 && (got < p.waitMin || got > p.waitMax) {
			t.Errorf("wait(Retry-After %q) = %v, want the backoff in [%v, %v]", tt.header, got, p.waitMin, p.waitMax)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := retryPolicy{waitMin: 500 * time.Millisecond, waitMax: 30 * time.Second}
	// Retry n waits within [waitMin*2^(n-1), waitMin*2^n], capped at waitMax.
	for retry := 1; retry <= 70; retry++ {
		lo := min(p.waitMin<<min(retry-1, 20), p.waitMax/2)
		hi := min(p.waitMin<<min(retry, 20), p.waitMax)
		if retry == 1 {
			lo = p.waitMin
		}
		for range 200 {
			d := p.backoff(retry)
			if d < lo || d > hi || d < p.waitMin || d > p.waitMax {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", retry, d, lo, hi)
			}
		}
	}
	// Jitter: the waits are not all the same.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[p.backoff(3)] = true
	}
	if len(seen) < 10 {
		t.Errorf("backoff(3) took only %d distinct values in 50 draws", len(seen))
	}
	// Degenerate bounds do not panic or escape them.
	same := retryPolicy{waitMin: time.Millisecond, waitMax: time.Millisecond}
	if d := same.backoff(5); d != time.Millisecond {
		t.Errorf("backoff with min == max = %v, want 1ms", d)
	}
	zero := retryPolicy{}
	if d := zero.backoff(3); d != 0 {
		t.Errorf("backoff with zero bounds = %v, want 0", d)
	}
}

func TestRetryBudget(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ maxRetries, wantTries int }{{-1, 1}, {0, 1}, {1, 2}, {4, 5}} {
		t.Run(fmt.Sprint(tt.maxRetries), func(t *testing.T) {
			t.Parallel()
			n := 0
			rec := replies(func(w http.ResponseWriter, r *http.Request) {
				n++
				w.Header().Set("x-request-id", fmt.Sprintf("req-%d", n))
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = fmt.Fprintf(w, `{"code":"unavailable","message":"busy (%d)"}`, n)
			})
			c, _ := newTestClient(t, rec, func(c *Config) { c.MaxRetries = tt.maxRetries })

			err := c.DeleteAPIKey(t.Context(), "id")
			if got := len(rec.requests()); got != tt.wantTries {
				t.Fatalf("attempts = %d, want %d", got, tt.wantTries)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %#v, want *Error", err)
			}
			if e.Attempts != tt.wantTries || e.RequestID != fmt.Sprintf("req-%d", tt.wantTries) ||
				e.Message != fmt.Sprintf("busy (%d)", tt.wantTries) || e.StatusCode != 503 {
				t.Errorf("err = %+v, want the last attempt's status, message and request id", e)
			}
			want := fmt.Sprintf("DELETE /api/admin/api-keys/id: 503 Service Unavailable: unavailable: busy (%[1]d) (request id req-%[1]d)", tt.wantTries)
			if tt.wantTries > 1 {
				want += fmt.Sprintf(" (after %d attempts)", tt.wantTries)
			}
			if err.Error() != want {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	t.Parallel()
	rec := replies(
		status(http.StatusTooManyRequests, "slow down", "Retry-After", "0"),
		status(http.StatusBadGateway, "<html><title>502 Bad Gateway</title></html>", "Content-Type", "text/html"),
		jsonStatus(http.StatusOK, keyJSON("abc")),
	)
	waits := autoClock()
	c, _ := newTestClient(t, rec, func(c *Config) { c.Clock = waits })
	k, err := c.GetAPIKey(t.Context(), "abc")
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != "abc" || len(rec.requests()) != 3 {
		t.Errorf("got %+v after %d attempts, want abc after 3", k, len(rec.requests()))
	}
	// Retry-After: 0 asks for no wait; the 502 gets the second backoff step,
	// 2*waitMin..4*waitMin.
	got := waits.Slept()
	if len(got) != 2 || got[0] != 0 || got[1] < 2*DefaultRetryWaitMin || got[1] > 4*DefaultRetryWaitMin {
		t.Errorf("waits = %v, want [0s, 1s..2s]", got)
	}
}

func TestBackoffWaitsBetweenAttempts(t *testing.T) {
	t.Parallel()
	rec := replies(status(http.StatusServiceUnavailable, "busy"))
	waits := autoClock()
	c, _ := newTestClient(t, rec, func(c *Config) { c.Clock = waits; c.MaxRetries = DefaultMaxRetries })
	if _, err := c.GetAPIKey(t.Context(), "a"); !hasStatus(err, http.StatusServiceUnavailable) {
		t.Fatalf("err = %v, want the 503", err)
	}
	// The documented default schedule: 0.5-1s, 1-2s, 2-4s, 4-8s, 8-16s.
	got := waits.Slept()
	if len(got) != DefaultMaxRetries {
		t.Fatalf("waits = %v, want %d", got, DefaultMaxRetries)
	}
	for i, d := range got {
		lo, hi := DefaultRetryWaitMin<<i, DefaultRetryWaitMin<<(i+1)
		if d < lo || d > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, d, lo, hi)
		}
	}
	if n := len(rec.requests()); n != DefaultMaxRetries+1 {
		t.Errorf("attempts = %d, want %d", n, DefaultMaxRetries+1)
	}
}

func TestRetryAfterIsHonouredAndCapped(t *testing.T) {
	t.Parallel()
	date := clockStart.Add(90 * time.Second).Format(http.TimeFormat)
	rec := replies(
		status(http.StatusTooManyRequests, "", "Retry-After", "7"),
		// An hour: MaxRetryAfter (60s by default) caps the wait.
		status(http.StatusTooManyRequests, "", "Retry-After", "3600"),
		// A date, 90s after the client clock's time when the wait began
		// (7s + 60s have passed on it by then).
		status(http.StatusServiceUnavailable, "", "Retry-After", date),
		jsonStatus(200, keyJSON("a")),
	)
	waits := autoClock()
	c, _ := newTestClient(t, rec, func(c *Config) { c.Clock = waits })
	if _, err := c.GetAPIKey(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{7 * time.Second, DefaultMaxRetryAfter, 90*time.Second - 67*time.Second}
	if got := waits.Slept(); !slices.Equal(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

func TestContextCancelStopsRetryAfterWait(t *testing.T) {
	t.Parallel()
	rec := replies(status(http.StatusServiceUnavailable, "maintenance", "Retry-After", "30", "x-request-id", "r1"))
	waits := clock.NewFake(clockStart) // time stands still: the wait never ends by itself
	c, _ := newTestClient(t, rec, func(c *Config) { c.Clock = waits })

	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		// Cancel once the client is waiting for its retry.
		if waits.WaitForSleepers(ctx, 1) == nil {
			cancel()
		}
	}()
	_, err := c.GetAPIKey(ctx, "a")
	cancel()
	if got := waits.Slept(); !slices.Equal(got, []time.Duration{30 * time.Second}) {
		t.Errorf("waits = %v, want the Retry-After of 30s", got)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if !hasStatus(err, 503) || !strings.Contains(err.Error(), "maintenance") || !strings.Contains(err.Error(), "r1") {
		t.Errorf("err = %v, want it to carry the last 503", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

func TestDeadlineBeforeRetryAfterGivesUpAtOnce(t *testing.T) {
	t.Parallel()
	rec := replies(status(http.StatusTooManyRequests, "", "Retry-After", "30"))
	waits := clock.NewFake(clockStart) // a wait would block this test for ever
	c, _ := newTestClient(t, rec, func(c *Config) { c.Clock = waits })

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.GetAPIKey(ctx, "a")
	if got := waits.Slept(); len(got) != 0 {
		t.Errorf("waits = %v, want none: the retry would be due after the deadline", got)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
	if !hasStatus(err, http.StatusTooManyRequests) || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("err = %v, want the 429 and a note about the deadline", err)
	}
}

func TestDroppedConnectionIsRetried(t *testing.T) {
	t.Parallel()
	rec := replies(drop, drop, jsonStatus(http.StatusOK, keyJSON("a")))
	c, _ := newTestClient(t, rec)
	if _, err := c.GetAPIKey(t.Context(), "a"); err != nil {
		t.Fatalf("GetAPIKey: %v", err)
	}
	if n := len(rec.requests()); n < 3 {
		t.Errorf("server saw %d requests, want at least 3", n)
	}
}

func TestDroppedConnectionsExhaustRetries(t *testing.T) {
	t.Parallel()
	rec := replies(drop)
	c, _ := newTestClient(t, rec, func(c *Config) { c.MaxRetries = 2 })
	_, err := c.GetAPIKey(t.Context(), "a")
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") ||
		!strings.HasPrefix(err.Error(), "GET /api/admin/api-keys/a: ") {
		t.Errorf("err = %v, want it to name the path and 3 attempts", err)
	}
	if strings.Contains(err.Error(), "http://") {
		t.Errorf("err = %v, want no URL", err)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	rec := replies(slow, jsonStatus(http.StatusOK, keyJSON("a")))
	c, _ := newTestClient(t, rec, func(c *Config) { c.RequestTimeout = 100 * time.Millisecond })
	if _, err := c.GetAPIKey(t.Context(), "a"); err != nil {
		t.Fatalf("GetAPIKey: %v", err)
	}
	if n := len(rec.requests()); n != 2 {
		t.Errorf("attempts = %d, want 2: the slow one cut short, then the answer", n)
	}

	// Without retries the timeout is reported as such.
	rec = replies(slow)
	c, _ = newTestClient(t, rec, func(c *Config) { c.RequestTimeout = 50 * time.Millisecond; c.MaxRetries = 0 })
	_, err := c.GetAPIKey(t.Context(), "a")
	if err == nil || !strings.Contains(err.Error(), "no complete response within 50ms") {
		t.Errorf("err = %v, want a per-attempt timeout", err)
	}
}

func TestCreateReusesIdempotencyKeyAcrossAttempts(t *testing.T) {
	t.Parallel()
	rec := replies(
		status(http.StatusServiceUnavailable, ""),
		drop,
		status(http.StatusInternalServerError, "oops"),
		jsonStatus(http.StatusCreated, createdJSON("k1", "key_NEWSECRET")),
	)
	c, _ := newTestClient(t, rec)
	exp := int64(3600)
	k, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"admin:api-keys:read"}, ExpiresIn: &exp})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	if k.ID != "k1" || k.KeyValue != "key_NEWSECRET" {
		t.Errorf("got %+v", k)
	}
	reqs := rec.requests()
	if len(reqs) != 4 {
		t.Fatalf("attempts = %d, want 4", len(reqs))
	}
	first := reqs[0].Header.Get(headerIdempotencyKey)
	if len(first) != 36 {
		t.Fatalf("idempotency key %q, want a UUID", first)
	}
	wantBody := `{"scopes":["admin:api-keys:read"],"expires_in":3600}`
	for i, r := range reqs {
		if got := r.Header.Get(headerIdempotencyKey); got != first {
			t.Errorf("attempt %d sent idempotency key %q, want %q", i+1, got, first)
		}
		if r.Body != wantBody || r.Method != http.MethodPost || r.URI != "/api/admin/api-keys" {
			t.Errorf("attempt %d: %s %s %s, want POST /api/admin/api-keys %s", i+1, r.Method, r.URI, r.Body, wantBody)
		}
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("attempt %d: Content-Type %q", i+1, r.Header.Get("Content-Type"))
		}
	}

	// A second call gets a fresh key; an explicit one is sent as given.
	if _, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: "mine-1"}); err != nil {
		t.Fatal(err)
	}
	reqs = rec.requests()
	if got := reqs[4].Header.Get(headerIdempotencyKey); got == first || len(got) != 36 {
		t.Errorf("second call sent idempotency key %q, want a fresh one (first was %q)", got, first)
	}
	if got := reqs[4].Body; got != `{"scopes":["pci:tokens:read"]}` {
		t.Errorf("body without expiry = %s", got)
	}
	if got := reqs[5].Header.Get(headerIdempotencyKey); got != "mine-1" {
		t.Errorf("explicit idempotency key sent as %q", got)
	}
}

func TestPostWithoutIdempotencyKeyIsNotRetried(t *testing.T) {
	t.Parallel()
	for name, reply := range map[string]func(http.ResponseWriter, *http.Request){
		"503":  status(http.StatusServiceUnavailable, ""),
		"429":  status(http.StatusTooManyRequests, "", "Retry-After", "0"),
		"drop": drop,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := replies(reply)
			c, _ := newTestClient(t, rec)
			_, err := c.do(t.Context(), apiRequest{method: http.MethodPost, path: apiKeysPath, body: []byte(`{}`)})
			if err == nil {
				t.Fatal("want an error")
			}
			if n := len(rec.requests()); n != 1 {
				t.Errorf("attempts = %d, want 1", n)
			}
		})
	}
}

func TestRedirectIsRefused(t *testing.T) {
	t.Parallel()
	other := replies(jsonStatus(http.StatusOK, keyJSON("a")))
	_, otherSrv := newTestClient(t, other)

	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			target := otherSrv.URL + "/elsewhere/api-keys?token=" + testToken
			rec := replies(status(code, "", "Location", target))
			c, _ := newTestClient(t, rec, func(c *Config) { c.MaxRetries = 3 })

			_, err := c.GetAPIKey(t.Context(), "a")
			if !errors.Is(err, ErrRedirect) {
				t.Fatalf("err = %v, want ErrRedirect", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, otherSrv.Listener.Addr().String()+"/elsewhere/api-keys") ||
				!strings.Contains(msg, "does not follow redirects") {
				t.Errorf("err = %q, want the target host/path and the refusal", msg)
			}
			if strings.Contains(msg, testToken) || strings.Contains(msg, "token=") {
				t.Errorf("err = %q leaks the query or credential", msg)
			}
			if n := len(rec.requests()); n != 1 {
				t.Errorf("attempts = %d, want 1 (a redirect is not retried)", n)
			}
		})
	}
	t.Cleanup(func() {
		if n := len(other.requests()); n != 0 {
			t.Errorf("redirect target got %d requests (first with headers %v), want none", n, other.requests()[0].Header)
		}
	})
}

func TestRedirectRefusedWithCallersHTTPClient(t *testing.T) {
	t.Parallel()
	other := replies(jsonStatus(http.StatusOK, keyJSON("a")))
	_, otherSrv := newTestClient(t, other)
	rec := replies(status(http.StatusTemporaryRedirect, "", "Location", otherSrv.URL+"/x"))

	hc := &http.Client{} // follows redirects by default
	c, _ := newTestClient(t, rec, func(c *Config) { c.HTTPClient = hc })
	if _, err := c.GetAPIKey(t.Context(), "a"); !errors.Is(err, ErrRedirect) {
		t.Fatalf("err = %v, want ErrRedirect", err)
	}
	if n := len(other.requests()); n != 0 {
		t.Errorf("redirect target got %d requests, want none", n)
	}
	if hc.CheckRedirect != nil {
		t.Error("New changed the caller's http.Client")
	}
}

// Terraform stops a provider (Ctrl-C) by cancelling every call's context.
// A request already sent finishes, and its answer is the call's: a create
// that Hellgate answered is not lost.
func TestStopDuringAttemptLetsItFinish(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stopThenAnswer := func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-ctx.Done()
		jsonStatus(http.StatusCreated, createdJSON("k1", "key_SECRET-VALUE"))(w, r)
	}
	rec := replies(stopThenAnswer)
	c, _ := newTestClient(t, rec, func(c *Config) { c.MaxRetries = 10; c.Clock = autoClock() })

	key, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if err != nil || key == nil || key.ID != "k1" {
		t.Fatalf("CreateAPIKey = %+v, %v; want the key k1 the server made", key, err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

// A stopped call whose attempt fails starts no further attempt: it
// returns that attempt's error, which says the call was stopped.
func TestStopDuringAttemptStartsNoOther(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stopThenFail := func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-ctx.Done()
		status(http.StatusServiceUnavailable, "maintenance", "x-request-id", "r9")(w, r)
	}
	rec := replies(stopThenFail)
	waits := autoClock()
	c, _ := newTestClient(t, rec, func(c *Config) { c.MaxRetries = 10; c.Clock = waits })

	_, err := c.GetAPIKey(ctx, "a")
	if !errors.Is(err, context.Canceled) || !hasStatus(err, 503) {
		t.Errorf("err = %v, want the 503 and context.Canceled", err)
	}
	if err == nil || !strings.Contains(err.Error(), "maintenance") || !strings.Contains(err.Error(), "not retried: the operation was stopped") {
		t.Errorf("err = %v, want the server's message and why it was not retried", err)
	}
	if got := waits.Slept(); len(got) != 0 {
		t.Errorf("waits = %v, want none: a stopped call does not wait to retry", got)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1: a stopped call must not try again", n)
	}
}

// A stop does not lift the attempt's own timeout: a server that never
// answers still ends the attempt.
func TestStopDuringAttemptKeepsItsTimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	hang := func(_ http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}
	rec := replies(hang)
	c, _ := newTestClient(t, rec, func(c *Config) { c.RequestTimeout = 200 * time.Millisecond; c.MaxRetries = 10; c.Clock = autoClock() })

	_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if !errors.Is(err, context.Canceled) || !MayHaveCommitted(err) || err == nil ||
		!strings.Contains(err.Error(), "no complete response within 200ms") {
		t.Errorf("err = %v, MayHaveCommitted = %v; want the attempt's timeout, the stop, and true", err, MayHaveCommitted(err))
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

// A repeated create is one attempt, with the idempotency key given, and
// never retried.
func TestRepeatCreateAPIKeyIsOneAttempt(t *testing.T) {
	t.Parallel()
	rec := replies(status(http.StatusServiceUnavailable, "busy"), jsonStatus(http.StatusCreated, createdJSON("k1", "key_SECRET-VALUE")))
	c, _ := newTestClient(t, rec, func(c *Config) { c.MaxRetries = 5; c.Clock = autoClock() })
	in := CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: "ik-1"}
	if _, err := c.RepeatCreateAPIKey(t.Context(), in); !hasStatus(err, 503) {
		t.Errorf("err = %v, want the 503 of the one attempt", err)
	}
	reqs := rec.requests()
	if len(reqs) != 1 || reqs[0].Header.Get(headerIdempotencyKey) != "ik-1" {
		t.Errorf("requests = %+v, want one with the idempotency key ik-1", reqs)
	}
	in.IdempotencyKey = ""
	if _, err := c.RepeatCreateAPIKey(t.Context(), in); err == nil || len(rec.requests()) != 1 {
		t.Errorf("a repeat without an idempotency key: err = %v, %d requests; want an error and nothing sent", err, len(rec.requests()))
	}
}

func TestConnectionRefusedIsRetriedWithinBudget(t *testing.T) {
	t.Parallel()
	c := refusingClient(t, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := c.GetAPIKey(t.Context(), "a")
	if err == nil || !strings.Contains(err.Error(), "giving up after 3 attempts") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("err = %v, want connection refused after 3 attempts", err)
	}
}

func TestRedirectCarriesCredentialNowhere(t *testing.T) {
	t.Parallel()
	for _, cred := range []string{"api-key", "admin-token"} {
		t.Run(cred, func(t *testing.T) {
			t.Parallel()
			secret := testToken
			if cred == "api-key" {
				secret = testAPIKey
			}
			// The target is another host name for the same machine, and
			// the Location repeats the credential in its path and query.
			other := replies(jsonStatus(http.StatusOK, keyJSON("a")))
			_, otherSrv := newTestClient(t, other)
			target := strings.Replace(otherSrv.URL, "127.0.0.1", "localhost", 1) + "/steal/" + secret + "?k=" + secret
			rec := replies(status(http.StatusTemporaryRedirect, "", "Location", target, "x-request-id", "req-redir"))
			c, _ := newTestClient(t, rec, func(c *Config) {
				if cred == "api-key" {
					c.AdminToken, c.APIKey = "", testAPIKey
				}
			})

			var buf bytes.Buffer
			ctx := tflogtest.RootLogger(t.Context(), &buf)
			err := c.DeleteAPIKey(ctx, "a")
			if !errors.Is(err, ErrRedirect) {
				t.Fatalf("err = %v, want ErrRedirect", err)
			}
			if n := len(other.requests()); n != 0 {
				t.Errorf("the redirect target got %d requests, want none", n)
			}
			if n := len(rec.requests()); n != 1 {
				t.Errorf("attempts = %d, want 1", n)
			}
			if !strings.Contains(err.Error(), "/steal/"+redacted) || !strings.Contains(err.Error(), "req-redir") {
				t.Errorf("err = %q, want the target path with the secret redacted, and the request id", err)
			}
			if !strings.Contains(buf.String(), `"http.status":307`) {
				t.Errorf("the logs do not show the 307:\n%s", buf.String())
			}
			for where, text := range map[string]string{"error": err.Error(), "logs": buf.String()} {
				if strings.Contains(text, secret) {
					t.Errorf("the %s contain the credential: %s", where, text)
				}
			}
		})
	}
}

// When the caller's deadline, not the attempt's own timeout, ends an
// attempt, the error does not blame the attempt's timeout, even though
// both end it at the same instant.
func TestCallerDeadlineIsNotTheAttemptTimeout(t *testing.T) {
	t.Parallel()
	hang := func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	for range 5 {
		c, _ := newTestClient(t, replies(hang), func(c *Config) { c.RequestTimeout = 30 * time.Second; c.Clock = autoClock() })
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		_, err := c.GetAPIKey(ctx, "a")
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "within 30s") {
			t.Fatalf("err = %v, want the caller's deadline, not the attempt's 30s timeout", err)
		}
	}
}
