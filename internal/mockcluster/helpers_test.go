package mockcluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

const testAdminToken = "test-admin-token"

// epoch is where the fake clocks of the tests start.
var epoch = time.Date(2023, 10, 1, 10, 0, 0, 0, time.UTC)

// harness is a mock served over real HTTP with a fake clock.
type harness struct {
	t     *testing.T
	mock  *Server
	http  *httptest.Server
	clock *clock.Fake
}

// newHarness starts a mock; opt, if given, adjusts the options first.
func newHarness(t *testing.T, opt ...func(*Options)) *harness {
	t.Helper()
	clk := clock.NewFake(epoch)
	opts := Options{AdminToken: testAdminToken, Clock: clk}
	for _, f := range opt {
		f(&opts)
	}
	mock, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = mock.Close() })
	hs := httptest.NewServer(mock)
	t.Cleanup(hs.Close)
	return &harness{t: t, mock: mock, http: hs, clock: clk}
}

// stop stops serving and closes the mock, releasing its state file for the
// next one.
func (h *harness) stop() {
	h.t.Helper()
	h.http.Close()
	if err := h.mock.Close(); err != nil {
		h.t.Fatalf("Close: %v", err)
	}
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic map.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

// code returns the code of an error body.
func (r response) code(t *testing.T) string {
	t.Helper()
	c, _ := r.json(t)["code"].(string)
	return c
}

// admin is the header list for the admin token.
var admin = []string{"x-admin-token", testAdminToken}

// apiKey is the header list for an API key.
func apiKey(v string) []string { return []string{"x-api-key", v} }

// do sends a request; headers is a flat list of name, value pairs.
func (h *harness) do(method, path, body string, headers ...string) response {
	h.t.Helper()
	return doRequest(h.t, h.http.Client(), method, h.http.URL+path, body, headers...)
}

func doRequest(t *testing.T, client *http.Client, method, url, body string, headers ...string) response {
	t.Helper()
	res, err := tryRequest(t.Context(), client, method, url, body, headers...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tryRequest sends a request and reads the answer; unlike doRequest it may be
// called from any goroutine.
func tryRequest(ctx context.Context, client *http.Client, method, url, body string, headers ...string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return response{}, fmt.Errorf("new request: %w", err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: read body: %w", method, url, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}, nil
}

// created is the body of a create answer.
type created struct {
	ID        string   `json:"id"`
	CreatedAt string   `json:"created_at"`
	ExpiresAt *string  `json:"expires_at"`
	KeyValue  string   `json:"key_value"`
	Scopes    []string `json:"scopes"`
}

// create makes a key over HTTP with the admin token and fails the test
// unless it gets 201.
func (h *harness) create(body string) created {
	h.t.Helper()
	res := h.do(http.MethodPost, "/api/admin/api-keys", body, admin...)
	if res.status != http.StatusCreated {
		h.t.Fatalf("create %s: status %d, body %s", body, res.status, res.body)
	}
	var c created
	if err := json.Unmarshal(res.body, &c); err != nil {
		h.t.Fatalf("decode create answer: %v", err)
	}
	return c
}

// createScoped makes a key with the given scopes directly.
func (h *harness) createScoped(scopes ...string) Key {
	h.t.Helper()
	k, err := h.mock.CreateKey(scopes, 0)
	if err != nil {
		h.t.Fatalf("CreateKey: %v", err)
	}
	return k
}

// listPage is the body of a list answer.
type listPage struct {
	Data []struct {
		ID             string   `json:"id"`
		CreatedAt      string   `json:"created_at"`
		ExpiresAt      *string  `json:"expires_at"`
		MaskedKeyValue string   `json:"masked_key_value"`
		KeyValue       *string  `json:"key_value"`
		Scopes         []string `json:"scopes"`
	} `json:"data"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
}

func (h *harness) list(query string) listPage {
	h.t.Helper()
	res := h.do(http.MethodGet, "/api/admin/api-keys"+query, "", admin...)
	if res.status != http.StatusOK {
		h.t.Fatalf("list %s: status %d, body %s", query, res.status, res.body)
	}
	var p listPage
	dec := json.NewDecoder(bytes.NewReader(res.body))
	if err := dec.Decode(&p); err != nil {
		h.t.Fatalf("decode list: %v", err)
	}
	return p
}

// checkError asserts an error answer: status, code, JSON content type and a
// request id.
func checkError(t *testing.T, res response, status int, code string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status = %d, want %d; body %s", res.status, status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if res.header.Get("X-Request-Id") == "" {
		t.Error("no x-request-id header")
	}
	m := res.json(t)
	if got := m["code"]; got != code {
		t.Errorf("code = %v, want %s; body %s", got, code, res.body)
	}
	msg, _ := m["message"].(string)
	if msg == "" {
		t.Errorf("empty message; body %s", res.body)
	}
	if len(m) != 2 {
		t.Errorf("error body has %d members, want code and message only: %s", len(m), res.body)
	}
}
