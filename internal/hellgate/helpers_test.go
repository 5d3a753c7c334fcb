package hellgate

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

// Test credentials: distinctive strings, so a leak is easy to grep for.
//
//nolint:gosec // fake credentials, made up for the tests
const (
	testToken  = "admin-token-SECRET-4711"
	testAPIKey = "key_CREDENTIAL-0815"
)

// testConfig returns a Config for base with the default retry waits on an
// auto-advancing fake clock, so that retry tests wait on no wall clock.
func testConfig(base string) Config {
	return Config{
		BaseURL:        base,
		AdminToken:     testToken,
		UserAgent:      "hellgate-test/1.0",
		MaxRetries:     3,
		RequestTimeout: 2 * time.Second,
		Clock:          autoClock(),
	}
}

// clockStart is where the tests' fake clocks start.
var clockStart = time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)

// autoClock returns a fake clock on which every wait passes at once, and
// which records the waits asked of it.
func autoClock() *clock.Fake {
	f := clock.NewFake(clockStart)
	f.SetAutoAdvance(true)
	return f
}

// newServer starts h on an httptest server.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// newTestClient starts h on an httptest server and returns a client for it,
// after letting edit change the config.
func newTestClient(t *testing.T, h http.Handler, edit ...func(*Config)) (*Client, *httptest.Server) {
	t.Helper()
	ts := newServer(t, h)
	cfg := testConfig(ts.URL)
	for _, e := range edit {
		e(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, ts
}

// refusingClient returns a client (its config changed by edit) of a
// server that is gone: every connection to its port is refused.
func refusingClient(t *testing.T, edit ...func(*Config)) *Client {
	t.Helper()
	c, srv := newTestClient(t, replies(status(http.StatusOK, "")), edit...)
	srv.Close()
	return c
}

// recorded is one request as a test server saw it.
type recorded struct {
	Method, URI string
	Header      http.Header
	Body        string
}

// recorder is an http.Handler that records requests and answers each with
// the next of its replies (the last one repeats).
type recorder struct {
	mu      sync.Mutex
	reqs    []recorded
	replies []func(w http.ResponseWriter, r *http.Request)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	n := len(rec.reqs)
	rec.reqs = append(rec.reqs, recorded{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: string(body)})
	reply := rec.replies[min(n, len(rec.replies)-1)]
	rec.mu.Unlock()
	reply(w, r)
}

func (rec *recorder) requests() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

func replies(fs ...func(w http.ResponseWriter, r *http.Request)) *recorder {
	return &recorder{replies: fs}
}

// status answers with a status, optional headers (name, value pairs) and a
// body.
func status(code int, body string, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// jsonStatus answers with a status and v as JSON.
func jsonStatus(code int, v any) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
}

// drop closes the connection without answering.
func drop(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("drop: the ResponseWriter cannot hijack the connection")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// notFoundReplies are a 404 on a key's path answered with page, then
// the answers of a cluster that serves the API-key collection to the
// check that follows: a list that names the key k0, k0 itself, and page
// again for an id that cannot exist.
func notFoundReplies(page func(w http.ResponseWriter, r *http.Request)) *recorder {
	return replies(page, listOfOne, jsonStatus(http.StatusOK, keyJSON("k0")), page)
}

// keyJSON is a Get-style API key body.
func keyJSON(id string) map[string]any {
	return map[string]any{
		"id":               id,
		"created_at":       "2023-10-01T12:00:00Z",
		"masked_key_value": "key_123xxxx",
		"scopes":           []string{"admin:api-keys:read"},
	}
}

// createdJSON is a Create body with the secret key value kv.
func createdJSON(id, kv string) map[string]any {
	m := keyJSON(id)
	delete(m, "masked_key_value")
	m["key_value"] = kv
	return m
}
