package hellgate

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// endpointServer answers like a cluster behind base path prefix: key
// answers every request on one key's path, list every list request, and
// it counts both. A GET of k0, the key listOfOne names, is answered with
// that key, as Hellgate would, and counted apart.
type endpointServer struct {
	key, list    func(w http.ResponseWriter, r *http.Request)
	keys, lists  atomic.Int64
	listedReads  atomic.Int64
	otherPaths   atomic.Int64
	listRequests sync.Map // RequestURI -> true
}

func (s *endpointServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/p/api/admin/api-keys/k0":
		s.listedReads.Add(1)
		jsonStatus(http.StatusOK, keyJSON("k0"))(w, r)
	case strings.HasPrefix(r.URL.Path, "/p/api/admin/api-keys/"):
		s.keys.Add(1)
		s.key(w, r)
	case r.URL.Path == "/p/api/admin/api-keys":
		s.lists.Add(1)
		s.listRequests.Store(r.RequestURI, true)
		s.list(w, r)
	default:
		s.otherPaths.Add(1)
		status(http.StatusNotFound, `{"code":"not_found","message":"No such route."}`, "x-request-id", "req-route")(w, r)
	}
}

// listOfOne answers a list request with one key and no next page.
func listOfOne(w http.ResponseWriter, r *http.Request) {
	jsonStatus(http.StatusOK, map[string]any{"data": []any{keyJSON("k0")}, "links": map[string]any{}})(w, r)
}

var keyNotFound = status(http.StatusNotFound, `{"code":"not_found","message":"No API key with that id exists."}`, "x-request-id", "req-404")

// newEndpointClient serves s and returns a client whose base URL has the
// path prefix /p.
func newEndpointClient(t *testing.T, s *endpointServer) (*Client, string) {
	t.Helper()
	ts := newServer(t, s)
	cfg := testConfig(ts.URL + "/p")
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, ts.URL
}

// A base URL whose path prefix is wrong gets 404 on every path: a 404 on a
// key's path is then not "the key is gone" but an error that names the URL
// requested and says the endpoint or its prefix is wrong. The check is one
// list of one key, made once.
func TestNotFound_wrongEndpoint(t *testing.T) {
	t.Parallel()
	var rec recorder
	rec.replies = []func(http.ResponseWriter, *http.Request){status(http.StatusNotFound, `{"code":"not_found","message":"No such route."}`, "x-request-id", "req-route")}
	c, ts := newTestClient(t, &rec, func(c *Config) { c.BaseURL += "/api" })

	_, getErr := c.GetAPIKey(t.Context(), "k1")
	delErr := c.DeleteAPIKey(t.Context(), "k2")
	for name, err := range map[string]error{"GetAPIKey": getErr, "DeleteAPIKey": delErr} {
		if err == nil || IsNotFound(err) || !IsWrongEndpoint(err) {
			t.Fatalf("%s: err = %v (IsNotFound %v, IsWrongEndpoint %v), want a wrong-endpoint error that is not a not-found",
				name, err, IsNotFound(err), IsWrongEndpoint(err))
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: the error shows the credential: %v", name, err)
		}
	}
	for _, want := range []string{"GET " + ts.URL + "/api/api/admin/api-keys/k1", "404 Not Found", "(request id req-route)",
		ts.URL + "/api/api/admin/api-keys", "endpoint or its path prefix is wrong"} {
		if !strings.Contains(getErr.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, getErr)
		}
	}
	if !strings.Contains(delErr.Error(), "DELETE "+ts.URL+"/api/api/admin/api-keys/k2") {
		t.Errorf("the error does not name the URL of the delete: %v", delErr)
	}

	var uris []string
	for _, r := range rec.requests() {
		uris = append(uris, r.Method+" "+r.URI)
	}
	want := []string{"GET /api/api/admin/api-keys/k1", "GET /api/api/admin/api-keys?limit=1", "DELETE /api/api/admin/api-keys/k2"}
	if strings.Join(uris, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(uris, "\n"), strings.Join(want, "\n"))
	}
}

// A 404 on the list or the create, the collection itself, needs no check:
// the endpoint is wrong.
func TestNotFound_collectionIsWrongEndpoint(t *testing.T) {
	t.Parallel()
	rec := replies(status(http.StatusNotFound, "404 page not found"))
	c, ts := newTestClient(t, rec)
	_, listErr := c.ListAPIKeys(t.Context(), ListAPIKeysInput{})
	_, createErr := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	for name, err := range map[string]error{"ListAPIKeys": listErr, "CreateAPIKey": createErr} {
		if IsNotFound(err) || !IsWrongEndpoint(err) {
			t.Errorf("%s: err = %v, want a wrong-endpoint error that is not a not-found", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), ts.URL+"/api/admin/api-keys") {
			t.Errorf("%s: the error does not name the URL requested: %v", name, err)
		}
	}
	if MayHaveCommitted(createErr) {
		t.Errorf("a create answered 404 may have committed: %v", createErr)
	}
	if n := len(rec.requests()); n != 2 {
		t.Errorf("%d requests, want 2 (no check)", n)
	}
}

// Where the endpoint serves the collection, a 404 on a key's path is
// still "not found", and only the first one costs a list request.
func TestNotFound_keyOnly(t *testing.T) {
	t.Parallel()
	s := &endpointServer{key: keyNotFound, list: listOfOne}
	c, _ := newEndpointClient(t, s)
	for i := range 3 {
		_, err := c.GetAPIKey(t.Context(), "k1")
		if !IsNotFound(err) || IsWrongEndpoint(err) {
			t.Fatalf("get %d: err = %v, want a not-found", i+1, err)
		}
		if err := c.DeleteAPIKey(t.Context(), "k1"); !IsNotFound(err) {
			t.Fatalf("delete %d: err = %v, want a not-found", i+1, err)
		}
	}
	if n := s.lists.Load(); n != 1 {
		t.Errorf("%d list requests for six 404s, want 1", n)
	}
	if _, ok := s.listRequests.Load("/p/api/admin/api-keys?limit=1"); !ok {
		t.Error("the check was not a list of one key")
	}
}

// No 404, no check.
func TestNotFound_noCheckWithout404(t *testing.T) {
	t.Parallel()
	s := &endpointServer{key: func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		jsonStatus(http.StatusOK, keyJSON("k1"))(w, r)
	}, list: listOfOne}
	c, _ := newEndpointClient(t, s)
	if _, err := c.GetAPIKey(t.Context(), "k1"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAPIKey(t.Context(), "k1"); err != nil {
		t.Fatal(err)
	}
	if n := s.lists.Load(); n != 0 {
		t.Errorf("%d list requests without a 404, want 0", n)
	}
}

// Twenty 404s at once wait for one check and share its verdict.
func TestNotFound_checkOnceConcurrent(t *testing.T) {
	t.Parallel()
	const n = 20
	allAsked := make(chan struct{})
	var asked atomic.Int64
	s := &endpointServer{
		key: func(w http.ResponseWriter, r *http.Request) {
			if asked.Add(1) == n {
				close(allAsked)
			}
			keyNotFound(w, r)
		},
		list: func(w http.ResponseWriter, r *http.Request) {
			// Answer only once every key request has been made, so that
			// all of them meet a check in flight or a verdict.
			select {
			case <-allAsked:
			case <-time.After(10 * time.Second):
			}
			listOfOne(w, r)
		},
	}
	c, _ := newEndpointClient(t, s)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = c.GetAPIKey(t.Context(), "k1") })
	}
	wg.Wait()
	for i, err := range errs {
		if !IsNotFound(err) {
			t.Errorf("get %d: err = %v, want a not-found", i, err)
		}
	}
	if got := s.lists.Load(); got != 1 {
		t.Errorf("%d list requests for %d concurrent 404s, want 1", got, n)
	}
}

// A check that fails reaches no verdict: the 404 is reported as neither
// not-found nor a wrong endpoint, and the next 404 checks again.
func TestNotFound_failedCheckIsRetried(t *testing.T) {
	t.Parallel()
	var lists atomic.Int64
	s := &endpointServer{key: keyNotFound, list: func(w http.ResponseWriter, r *http.Request) {
		if lists.Add(1) == 1 {
			status(http.StatusBadRequest, `{"code":"bad","message":"try later"}`, "x-request-id", "req-400")(w, r)
			return
		}
		listOfOne(w, r)
	}}
	c, base := newEndpointClient(t, s)

	_, err := c.GetAPIKey(t.Context(), "k1")
	if err == nil || IsNotFound(err) || IsWrongEndpoint(err) {
		t.Fatalf("err = %v (IsNotFound %v, IsWrongEndpoint %v), want an error that is neither", err, IsNotFound(err), IsWrongEndpoint(err))
	}
	for _, want := range []string{"GET " + base + "/p/api/admin/api-keys/k1", "404 Not Found", "could not confirm", "400 Bad Request", "try later"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("the error does not wrap the check's answer: %v", err)
	}

	for range 2 {
		if _, err := c.GetAPIKey(t.Context(), "k1"); !IsNotFound(err) {
			t.Fatalf("after a failed check: err = %v, want a not-found", err)
		}
	}
	if got := s.lists.Load(); got != 2 {
		t.Errorf("%d list requests, want 2 (the failed check, then one that succeeded)", got)
	}
}

// A credential that may not list keys gets 403 from the list: the
// collection is there, but no key can be read through its own path, so no
// 404 is judged: the list's 403 is remembered, nothing is learned from the
// made-up id, and each 404 asks for one again.
func TestNotFound_forbiddenListUndecided(t *testing.T) {
	t.Parallel()
	s := &endpointServer{key: keyNotFound, list: status(http.StatusForbidden, `{"code":"forbidden","message":"missing scope admin:api-keys:read"}`)}
	c, _ := newEndpointClient(t, s)
	for range 2 {
		if err := c.DeleteAPIKey(t.Context(), "k1"); IsNotFound(err) || !errors.Is(err, errReachUnconfirmed) {
			t.Fatalf("err = %v, want the 404 undecided", err)
		}
	}
	if got := s.lists.Load(); got != 1 {
		t.Errorf("%d list requests, want 1", got)
	}
}

// Error texts name the path actually requested, base path prefix included.
func TestErrorShowsFullPath(t *testing.T) {
	t.Parallel()
	s := &endpointServer{key: status(http.StatusBadRequest, `{"code":"bad","message":"nope"}`), list: listOfOne}
	c, _ := newEndpointClient(t, s)
	_, err := c.GetAPIKey(t.Context(), "k1")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Path != "/p/api/admin/api-keys/k1" {
		t.Fatalf("err = %#v, want an *Error with the path /p/api/admin/api-keys/k1", err)
	}
	if want := "GET /p/api/admin/api-keys/k1: 400 Bad Request: bad: nope"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// A check whose caller gives up reaches no verdict: the caller's 404 is
// not reported as not-found, and another caller, waiting for that check
// or coming after it, checks again on its own context.
func TestNotFound_abandonedCheck(t *testing.T) {
	t.Parallel()
	var lists atomic.Int64
	firstListSeen := make(chan struct{})
	s := &endpointServer{key: keyNotFound, list: func(w http.ResponseWriter, r *http.Request) {
		if lists.Add(1) == 1 {
			close(firstListSeen)
			<-r.Context().Done() // never answers; the caller gives up
			return
		}
		listOfOne(w, r)
	}}
	c, _ := newEndpointClient(t, s)

	ctxA, cancelA := context.WithCancel(t.Context())
	errA := make(chan error, 1)
	go func() { _, err := c.GetAPIKey(ctxA, "k1"); errA <- err }()
	<-firstListSeen
	errB := make(chan error, 1)
	go func() { _, err := c.GetAPIKey(t.Context(), "k2"); errB <- err }()
	cancelA()

	if err := <-errA; err == nil || IsNotFound(err) || IsWrongEndpoint(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("the caller that gave up: err = %v, want a context error that is neither not-found nor wrong endpoint", err)
	}
	if err := <-errB; !IsNotFound(err) {
		t.Errorf("the other caller: err = %v, want a not-found", err)
	}
	if got := lists.Load(); got != 2 {
		t.Errorf("%d list requests, want 2", got)
	}
}
