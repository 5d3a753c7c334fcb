package mockcluster

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a bytes.Buffer safe for a logger shared with a server.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogNeverContainsSecrets(t *testing.T) {
	var buf lockedBuffer
	h := newHarness(t, func(o *Options) { o.Logger = log.New(&buf, "", 0) })
	c := h.create(`{"scopes":["admin:api-keys:read"]}`)
	h.do(http.MethodGet, "/api/admin/api-keys?after="+c.ID, "", apiKey(c.KeyValue)...)
	h.do(http.MethodGet, "/api/admin/api-keys/"+c.KeyValue, "", admin...)
	h.do(http.MethodGet, "/"+testAdminToken+"/x", "", admin...)
	h.do(http.MethodGet, "/_mock/stats", "", admin...)
	h.mock.SetFaults(Faults{ThrottleRate: 1})
	h.do(http.MethodGet, "/api/admin/api-keys/"+c.ID, "", admin...)

	out := buf.String()
	for _, secret := range []string{c.KeyValue, testAdminToken, c.KeyValue[4:12]} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains the secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		"POST /api/admin/api-keys 201",
		"GET /api/admin/api-keys 200",
		"GET /api/admin/api-keys/* 400",
		"GET /_mock/stats 200",
		"GET /api/admin/api-keys/" + c.ID + " 429",
		"fault=throttle",
		"request_id=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestNextLinkWithoutHost(t *testing.T) {
	m, err := New(Options{AdminToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := m.CreateKey([]string{"pci:tokens:read"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/admin/api-keys?limit=1", nil)
	req.Host = ""
	req.Header.Set("x-admin-token", "t")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"next":"http://localhost/api/admin/api-keys?after=`) {
		t.Errorf("body %s", rec.Body.String())
	}
}
