package hellgate_test

// A 404 counts as "gone" only when it is Hellgate's: the client against
// the mock cluster behind a loopback reverse proxy that plays an ingress
// or gateway, which routes the API-key collection but answers some
// single-key requests itself.

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// ingress is a reverse proxy in front of the mock. answer decides, for
// the nth single-key request (counted from 1), whether the proxy answers
// it itself (true) instead of passing it on.
type ingress struct {
	answer    func(n int64, w http.ResponseWriter, r *http.Request) bool
	singleKey atomic.Int64
	passed    atomic.Int64 // single-key requests passed to the mock
	next      http.Handler
}

func (in *ingress) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/admin/api-keys/") {
		if in.answer(in.singleKey.Add(1), w, r) {
			return
		}
		in.passed.Add(1)
	}
	in.next.ServeHTTP(w, r)
}

// startIngress starts the mock with three keys and, in front of it, an
// ingress that answers single-key requests as answer decides. It returns
// the mock, the three keys' ids and the ingress's URL.
func startIngress(t *testing.T, answer func(n int64, w http.ResponseWriter, r *http.Request) bool) (*mockcluster.Server, []string, string) {
	t.Helper()
	srv, base := startMock(t, mockcluster.Options{})
	var ids []string
	for range 3 {
		k, err := srv.CreateKey([]string{"pci:tokens:read"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, k.ID)
	}
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(&ingress{answer: answer, next: httputil.NewSingleHostReverseProxy(target)})
	t.Cleanup(ts.Close)
	return srv, ids, ts.URL
}

// defaultBackend is an ingress's page for a path it has no route for. It
// echoes the credential, as a careless gateway might.
func defaultBackend(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("x-request-id", "ingress-req-7")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, //nolint:gosec // a stand-in ingress echoing the credential on purpose, to prove it is redacted
		"<html><head><title>404 Not Found – default backend</title></head><body><h1>404 Not Found</h1>"+
			"<p>no route for "+r.URL.Path+" (token "+r.Header.Get("x-admin-token")+")</p></body></html>")
}

// always answers every single-key request with page.
func always(page http.HandlerFunc) func(int64, http.ResponseWriter, *http.Request) bool {
	return func(_ int64, w http.ResponseWriter, r *http.Request) bool { page(w, r); return true }
}

// afterFirst passes the first single-key request on and answers every
// later one with page.
func afterFirst(page http.HandlerFunc) func(int64, http.ResponseWriter, *http.Request) bool {
	return func(n int64, w http.ResponseWriter, r *http.Request) bool {
		if n == 1 {
			return false
		}
		page(w, r)
		return true
	}
}

// mustNotBeGone checks that err, from a call on key id through the
// ingress at base, is an error that says the answer did not come from
// Hellgate, and not a not-found.
func mustNotBeGone(t *testing.T, what string, err error, method, base, id string) {
	t.Helper()
	if err == nil || hellgate.IsNotFound(err) || hellgate.IsWrongEndpoint(err) || !hellgate.IsNotFromHellgate(err) {
		t.Fatalf("%s: err = %v (IsNotFound %v, IsWrongEndpoint %v), want an error that the answer did not come from Hellgate",
			what, err, hellgate.IsNotFound(err), hellgate.IsWrongEndpoint(err))
	}
	msg := err.Error()
	for _, want := range []string{method + " " + base + "/api/admin/api-keys/" + id, "404 Not Found", "did not come from Hellgate"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%s: the error does not say %q: %v", what, want, err)
		}
	}
	if strings.Contains(msg, adminToken) {
		t.Errorf("%s: the error shows the credential: %v", what, err)
	}
}

// The ingress routes the collection but answers every single-key path
// with an HTML page: no key reads as gone, none is revoked, and each
// error names the URL, the answer and its request id.
func TestIngress_htmlOnEveryKeyPath(t *testing.T) {
	t.Parallel()
	srv, ids, base := startIngress(t, always(defaultBackend))
	c := client(t, base)
	for _, id := range ids {
		_, err := c.GetAPIKey(t.Context(), id)
		mustNotBeGone(t, "GetAPIKey", err, http.MethodGet, base, id)
		if err != nil && !strings.Contains(err.Error(), "(request id ingress-req-7)") {
			t.Errorf("the error does not show the request id: %v", err)
		}
		err = c.DeleteAPIKey(t.Context(), id)
		mustNotBeGone(t, "DeleteAPIKey", err, http.MethodDelete, base, id)
	}
	if n := len(srv.Keys()); n != 3 {
		t.Errorf("the mock holds %d keys, want all 3", n)
	}
}

// The ingress passes the first single-key request and answers the later
// ones with an HTML page: one good answer does not make the later pages
// Hellgate's.
func TestIngress_htmlAfterGoodAnswer(t *testing.T) {
	t.Parallel()
	srv, ids, base := startIngress(t, afterFirst(defaultBackend))
	c := client(t, base)
	if _, err := c.GetAPIKey(t.Context(), ids[0]); err != nil {
		t.Fatalf("the first read, passed on to Hellgate: %v", err)
	}
	for _, id := range ids {
		_, err := c.GetAPIKey(t.Context(), id)
		mustNotBeGone(t, "GetAPIKey", err, http.MethodGet, base, id)
		err = c.DeleteAPIKey(t.Context(), id)
		mustNotBeGone(t, "DeleteAPIKey", err, http.MethodDelete, base, id)
	}
	if n := len(srv.Keys()); n != 3 {
		t.Errorf("the mock holds %d keys, want all 3", n)
	}
}

// Hellgate's own 404 for a deleted key still reads as gone, through an
// ingress that passes everything on; learning what it looks like costs
// requests once, on the first 404 of each method, and a run with no 404
// costs none.
func TestIngress_hellgatesOwnNotFound(t *testing.T) {
	t.Parallel()
	pass := func(int64, http.ResponseWriter, *http.Request) bool { return false }
	srv, ids, base := startIngress(t, pass)
	c := client(t, base)
	if _, err := c.GetAPIKey(t.Context(), ids[2]); err != nil {
		t.Fatal(err)
	}
	if n := srv.Stats().Requests; n != (mockcluster.RequestStats{Get: 1}) {
		t.Errorf("a read with no 404 made the requests %+v, want one get", n)
	}
	for _, id := range ids[:2] {
		if !srv.DeleteKey(id) {
			t.Fatal("could not delete the key on the mock")
		}
	}
	for round := range 2 {
		for _, id := range ids[:2] {
			if _, err := c.GetAPIKey(t.Context(), id); !hellgate.IsNotFound(err) {
				t.Errorf("round %d: GetAPIKey of a deleted key: err = %v, want a not-found", round, err)
			}
			if err := c.DeleteAPIKey(t.Context(), id); !hellgate.IsNotFound(err) {
				t.Errorf("round %d: DeleteAPIKey of a deleted key: err = %v, want a not-found", round, err)
			}
		}
	}
	st := srv.Stats().Requests
	// The calls: 1 + 4 gets, 4 deletes. The check: one list, a get of
	// the key it names, a get and a delete of an id that cannot exist.
	if want := (mockcluster.RequestStats{Get: 1 + 4 + 2, List: 1, Delete: 4 + 1}); st != want {
		t.Errorf("requests %+v, want %+v", st, want)
	}
}

// A 404 whose body is JSON, but of another shape than Hellgate's own
// not-found, is not trusted, before or after a 404 of Hellgate's was.
func TestIngress_otherJSONShape(t *testing.T) {
	t.Parallel()
	var victim atomic.Pointer[string]
	gateway := func(_ int64, w http.ResponseWriter, r *http.Request) bool {
		if id := victim.Load(); id == nil || !strings.HasSuffix(r.URL.Path, "/"+*id) {
			return false
		}
		// A gateway's JSON 404, of another shape than the mock's
		// {"code","message"}.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		// It echoes the credential, even as a member name.
		_, _ = io.WriteString(w, //nolint:gosec // a stand-in gateway echoing the credential on purpose, to prove it is redacted
			`{"message":"no Route matched with those values","request_id":"gw-1","seen_`+r.Header.Get("x-admin-token")+`":true}`)
		return true
	}
	srv, ids, base := startIngress(t, gateway)
	victim.Store(&ids[1]) // not ids[0], the key the check reads
	gone := ids[2]
	if !srv.DeleteKey(gone) {
		t.Fatal("could not delete the key on the mock")
	}

	// Before any 404 was judged.
	c := client(t, base)
	_, err := c.GetAPIKey(t.Context(), ids[1])
	mustNotBeGone(t, "GetAPIKey before", err, http.MethodGet, base, ids[1])

	// After Hellgate's own 404 was taken as gone.
	c = client(t, base)
	if _, err := c.GetAPIKey(t.Context(), gone); !hellgate.IsNotFound(err) {
		t.Fatalf("GetAPIKey of a deleted key: err = %v, want a not-found", err)
	}
	if err := c.DeleteAPIKey(t.Context(), gone); !hellgate.IsNotFound(err) {
		t.Fatalf("DeleteAPIKey of a deleted key: err = %v, want a not-found", err)
	}
	_, err = c.GetAPIKey(t.Context(), ids[1])
	mustNotBeGone(t, "GetAPIKey after", err, http.MethodGet, base, ids[1])
	err = c.DeleteAPIKey(t.Context(), ids[1])
	mustNotBeGone(t, "DeleteAPIKey after", err, http.MethodDelete, base, ids[1])
	if err != nil && !strings.Contains(err.Error(), "a JSON body shaped {message,request_id,seen_[REDACTED]} (application/json)") {
		t.Errorf("the error does not describe the answer's shape: %v", err)
	}
	if _, ok := srv.Key(ids[1]); !ok {
		t.Error("the key the gateway answered for is no longer on the mock")
	}
}

// Once Hellgate's own 404 has been taken as gone, an HTML page that comes
// later (a rollout of the ingress, say) is still not.
func TestIngress_htmlAfterHellgatesNotFound(t *testing.T) {
	t.Parallel()
	var broken atomic.Bool
	srv, ids, base := startIngress(t, func(_ int64, w http.ResponseWriter, r *http.Request) bool {
		if !broken.Load() {
			return false
		}
		defaultBackend(w, r)
		return true
	})
	gone := ids[2]
	if !srv.DeleteKey(gone) {
		t.Fatal("could not delete the key on the mock")
	}
	c := client(t, base)
	if _, err := c.GetAPIKey(t.Context(), gone); !hellgate.IsNotFound(err) {
		t.Fatalf("GetAPIKey of a deleted key: err = %v, want a not-found", err)
	}
	if err := c.DeleteAPIKey(t.Context(), gone); !hellgate.IsNotFound(err) {
		t.Fatalf("DeleteAPIKey of a deleted key: err = %v, want a not-found", err)
	}
	broken.Store(true)
	for _, id := range ids[:2] {
		_, err := c.GetAPIKey(t.Context(), id)
		mustNotBeGone(t, "GetAPIKey", err, http.MethodGet, base, id)
		err = c.DeleteAPIKey(t.Context(), id)
		mustNotBeGone(t, "DeleteAPIKey", err, http.MethodDelete, base, id)
	}
	if n := len(srv.Keys()); n != 2 {
		t.Errorf("the mock holds %d keys, want the 2 live ones", n)
	}
}

// A credential that may only revoke keys cannot list them, so the check
// cannot read a key through its path. No 404 is then taken for "gone", not
// even one shaped like Hellgate's own: a gateway that answers its own 404
// in JSON for every path it does not route (as Kong does) answers a
// made-up id just so. The error says how to get out; the keys stay.
func TestIngress_deleteOnlyCredential(t *testing.T) {
	t.Parallel()
	var broken atomic.Bool
	srv, ids, base := startIngress(t, func(_ int64, w http.ResponseWriter, r *http.Request) bool {
		if !broken.Load() {
			return false
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"no Route matched with those values"}`)
		return true
	})
	revoker, err := srv.CreateKey([]string{"admin:api-keys:delete"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	asRevoker := func(cfg *hellgate.Config) { cfg.AdminToken, cfg.APIKey = "", revoker.KeyValue }
	undecided := func(what string, err error) {
		t.Helper()
		if err == nil || hellgate.IsNotFound(err) || !strings.Contains(err.Error(), "admin:api-keys:read") ||
			!strings.Contains(err.Error(), "terraform state rm") {
			t.Errorf("%s: err = %v (IsNotFound %v), want an error that the 404 cannot be judged, saying how to get out",
				what, err, hellgate.IsNotFound(err))
		}
		if err != nil && strings.Contains(err.Error(), revoker.KeyValue) {
			t.Errorf("%s: the error shows the credential: %v", what, err)
		}
	}
	if !srv.DeleteKey(ids[2]) {
		t.Fatal("could not delete the key on the mock")
	}
	c := client(t, base, asRevoker)
	undecided("DeleteAPIKey of a deleted key, Hellgate's own 404", c.DeleteAPIKey(t.Context(), ids[2]))
	broken.Store(true)
	undecided("DeleteAPIKey through a gateway's JSON 404", c.DeleteAPIKey(t.Context(), ids[0]))
	undecided("DeleteAPIKey through a gateway's JSON 404, new client", client(t, base, asRevoker).DeleteAPIKey(t.Context(), ids[1]))
	if n := len(srv.Keys()); n != 3 {
		t.Errorf("the mock holds %d keys, want the 2 live ones and the revoker", n)
	}
}

// Where the API-key list is empty, no key exists, so a 404 on any key's
// path stands, whoever answered it; nothing is learned from that.
func TestIngress_emptyList(t *testing.T) {
	t.Parallel()
	srv, ids, base := startIngress(t, always(defaultBackend))
	for _, id := range ids {
		if !srv.DeleteKey(id) {
			t.Fatal("could not delete the key on the mock")
		}
	}
	c := client(t, base)
	for range 2 {
		if err := c.DeleteAPIKey(t.Context(), ids[0]); !hellgate.IsNotFound(err) {
			t.Fatalf("DeleteAPIKey with no key on Hellgate: err = %v, want a not-found", err)
		}
	}
	if st := srv.Stats().Requests; st != (mockcluster.RequestStats{List: 2}) {
		t.Errorf("requests %+v, want one list for each 404", st)
	}
}
