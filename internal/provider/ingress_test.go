package provider

// Acceptance tests of an ingress in front of Hellgate that routes the
// API-key collection but answers single-key paths itself, with an HTML
// "404 Not Found" page: from the first request on, or after passing one
// request on. Its 404 must never read as "the key is gone": refresh,
// plan, destroy, import, the data source and the revoke action fail with
// a clear error naming the URL, every key stays in state and on Hellgate,
// and a later destroy through the healthy path revokes them all.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// testIngress is a loopback reverse proxy in front of a mock cluster that
// answers single-key requests with an HTML 404 page, all of them or all
// but the first since the last reset.
type testIngress struct {
	url string
	// passFirst: the first single-key request since the last reset is
	// passed on to the mock.
	passFirst bool
	singleKey atomic.Int64
}

// ingressPage is what the ingress's default backend says.
const ingressPage = "404 Not Found – default backend"

func newTestIngress(t *testing.T, c *testCluster, passFirst bool) *testIngress {
	t.Helper()
	target, err := url.Parse(c.url)
	if err != nil {
		t.Fatal(err)
	}
	in := &testIngress{passFirst: passFirst}
	proxy := httputil.NewSingleHostReverseProxy(target)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/admin/api-keys/") {
			if n := in.singleKey.Add(1); !in.passFirst || n > 1 {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, "<html><head><title>"+ingressPage+"</title></head><body><center><h1>404 Not Found</h1></center><hr><center>ingress</center></body></html>")
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	in.url = ts.URL
	return in
}

// reset makes the ingress pass its next single-key request on again.
func (in *testIngress) reset() { in.singleKey.Store(0) }

// setting is the provider setting of the endpoint through the ingress.
func (in *testIngress) setting() string { return fmt.Sprintf("endpoint = %q", in.url) }

// mustFailNotFromHellgate checks that a CLI run failed with the clear
// error, naming a key's URL through the ingress, and never took the
// ingress's page for a key that is gone.
func mustFailNotFromHellgate(t *testing.T, c *testCluster, in *testIngress, out string, err error, what, method string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s succeeded through an ingress that answers single-key paths itself:\n%s", what, out)
		return
	}
	mustContain(t, out, "Error: "+notFromHellgateSummary, method+" "+in.url+"/api/admin/api-keys/",
		"404 Not Found: "+ingressPage, "did not come from Hellgate", "removed nothing from state and revoked nothing")
	for _, bad := range []string{"Already Gone", "API Key Not Found", "Cannot import non-existent remote object", c.token} {
		if strings.Contains(out, bad) {
			t.Errorf("%s says %q:\n%s", what, bad, out)
		}
	}
}

// ingressKeys is a root module of three keys.
const ingressKeys = `resource "hellgate_api_key" "a" {
  scopes = ["pci:tokens:read"]
}

resource "hellgate_api_key" "b" {
  scopes = ["pci:tokens:create"]
}

resource "hellgate_api_key" "c" {
  scopes = ["generic:tokens:read"]
}
`

// ingressStory applies three keys through the healthy path, then runs
// refresh-only, plan and destroy (with and without refresh) through the
// ingress, and checks after each that every live key is in state; a
// destroy through the healthy path then leaves the mock empty.
func ingressStory(t *testing.T, passFirst bool) {
	t.Helper()
	c := newTestCluster(t)
	in := newTestIngress(t, c, passFirst)
	tf := initCLI(t, c, rootModule("", ingressKeys))
	tf.mustApply()
	if n := stateMatchesMock(t, tf, c); n != 3 {
		t.Fatalf("the apply made %d keys, want 3", n)
	}
	keysKept := func(step string, want int) {
		t.Helper()
		if n := stateMatchesMock(t, tf, c); n != want {
			t.Errorf("after %s the mock holds %d keys, want %d", step, n, want)
		}
	}

	writeMainTF(t, tf.dir, rootModule(in.setting(), ingressKeys))
	in.reset()
	out, err := tf.apply("-refresh-only")
	mustFailNotFromHellgate(t, c, in, out, err, "apply -refresh-only", http.MethodGet)
	keysKept("apply -refresh-only", 3)

	in.reset()
	out, err = tf.plan()
	mustFailNotFromHellgate(t, c, in, out, err, "plan", http.MethodGet)
	keysKept("the plan", 3)

	in.reset()
	out, err = tf.destroy()
	mustFailNotFromHellgate(t, c, in, out, err, "destroy", http.MethodGet)
	keysKept("the destroy", 3)

	// Without refreshing, destroy goes straight to the deletes. One
	// delete passed on revokes its key, which leaves state.
	in.reset()
	out, err = tf.destroy("-refresh=false")
	mustFailNotFromHellgate(t, c, in, out, err, "destroy -refresh=false", http.MethodDelete)
	want := 3
	if passFirst {
		want = 2
	}
	keysKept("destroy -refresh=false", want)

	// Through the healthy path, everything left is revoked.
	writeMainTF(t, tf.dir, rootModule("", ingressKeys))
	tf.mustDestroy()
	if err := c.checkDestroyed(nil); err != nil {
		t.Error(err)
	}
	if rs := tf.showState(); len(rs) != 0 {
		t.Errorf("after the destroy the state holds %d resources", len(rs))
	}
}

// The ingress answers every single-key path with its HTML page.
func TestAccAPIKey_ingressAnswersKeyPaths(t *testing.T) {
	t.Parallel()
	ingressStory(t, false)
}

// The ingress passes the first single-key request of each run on and
// answers the later ones with its HTML page.
func TestAccAPIKey_ingressAfterGoodAnswer(t *testing.T) {
	t.Parallel()
	ingressStory(t, true)
}

// Import, the data source and the revoke action through the ingress fail
// with the same clear error, and leave the key on Hellgate.
func TestAccIngress_importDataSourceAction(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	in := newTestIngress(t, c, false)
	key := c.mustCreateKey(t, 0, "pci:tokens:read")

	tf := initCLI(t, c, rootModule(in.setting(), `resource "hellgate_api_key" "a" {
  scopes = ["pci:tokens:read"]
}
`))
	out, err := tf.run(usual("import", "hellgate_api_key.a", key.ID)...)
	mustFailNotFromHellgate(t, c, in, out, err, "import", http.MethodGet)
	if rs := tf.showState(); len(rs) != 0 {
		t.Errorf("the failed import left %d resources in state", len(rs))
	}

	writeMainTF(t, tf.dir, rootModule(in.setting(), fmt.Sprintf(`data "hellgate_api_key" "k" {
  id = %q
}

data "hellgate_api_keys" "all" {}
`, key.ID)))
	out, err = tf.plan()
	mustFailNotFromHellgate(t, c, in, out, err, "plan of the data sources", http.MethodGet)

	if ok, _ := cliSupports(t, featureActions); ok {
		writeMainTF(t, tf.dir, rootModule(in.setting(), fmt.Sprintf(`action "hellgate_revoke_api_key" "leak" {
  config {
    id = %q
  }
}
`, key.ID)))
		run, err := tf.invoke()
		if err == nil || run.completed {
			t.Errorf("the action completed through the ingress (err %v)", err)
		}
		expectActionRefused(t, run, notFromHellgateSummary, "DELETE "+in.url+"/api/admin/api-keys/"+key.ID, "did not come from Hellgate")
	}
	if _, ok := c.srv.Key(key.ID); !ok {
		t.Error("the key is no longer on the mock")
	}
}
