package provider

// Acceptance tests of an endpoint with a wrong path prefix (".../api" in
// front of the mock, so that every request goes to /api/api/...): every
// answer is a 404, which must never read as "the key is gone". Refresh,
// destroy, import, the data source and the revoke action fail with a
// clear error naming the URL requested, and nothing leaves state or
// Hellgate.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// wrongPrefix is the provider setting of an endpoint with a wrong path
// prefix in front of the mock.
func (c *testCluster) wrongPrefix() string { return fmt.Sprintf("endpoint = %q", c.url+"/api") }

// mustFailWrongEndpoint checks that a CLI run failed with the clear error,
// naming the URL of key id as requested.
func mustFailWrongEndpoint(t *testing.T, c *testCluster, out string, err error, what, id string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s succeeded against an endpoint with a wrong path prefix:\n%s", what, out)
		return
	}
	mustContain(t, out, "Error: "+wrongEndpointSummary, c.url+"/api/api/admin/api-keys/"+id,
		"404 Not Found", "the endpoint or its path prefix is wrong", "without /api")
	for _, bad := range []string{"Already Gone", "API Key Not Found", "Cannot import non-existent remote object", c.token} {
		if strings.Contains(out, bad) {
			t.Errorf("%s says %q:\n%s", what, bad, out)
		}
	}
}

func TestAccAPIKey_wrongEndpointPrefix(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	dir := t.TempDir()
	const keys = `resource "hellgate_api_key" "a" {
  scopes = ["pci:tokens:read"]
}

resource "hellgate_api_key" "b" {
  scopes = ["pci:tokens:create"]
}
`
	writeMainTF(t, dir, rootModule("", keys))
	tf := newTerraformCLI(t, dir, c)
	tf.mustInit()
	tf.mustApply()
	idA, _ := tf.stateResource("hellgate_api_key.a").Values["id"].(string)
	idB, _ := tf.stateResource("hellgate_api_key.b").Values["id"].(string)
	if idA == "" || idB == "" {
		t.Fatalf("the apply recorded the ids %q and %q", idA, idB)
	}
	stillThere := func(step string) {
		t.Helper()
		var inState []string
		for _, r := range tf.showState() {
			inState = append(inState, r.Address+"="+fmt.Sprint(r.Values["id"]))
		}
		if want := []string{"hellgate_api_key.a=" + idA, "hellgate_api_key.b=" + idB}; !slices.Equal(inState, want) {
			t.Errorf("after %s the state holds %v, want %v", step, inState, want)
		}
		for _, id := range []string{idA, idB} {
			if _, ok := c.srv.Key(id); !ok {
				t.Errorf("after %s key %s is no longer on the mock", step, id)
			}
		}
	}

	writeMainTF(t, dir, rootModule(c.wrongPrefix(), keys))
	out, err := tf.plan()
	mustFailWrongEndpoint(t, c, out, err, "plan", idA)
	stillThere("the plan")

	out, err = tf.destroy()
	mustFailWrongEndpoint(t, c, out, err, "destroy", idA)
	stillThere("the destroy")

	// Without refreshing, destroy goes straight to the deletes.
	out, err = tf.destroy("-refresh=false")
	mustFailWrongEndpoint(t, c, out, err, "destroy -refresh=false", idA)
	mustContain(t, out, "DELETE "+c.url+"/api/api/admin/api-keys/")
	stillThere("destroy -refresh=false")

	// A refresh that writes state drops nothing either.
	out, err = tf.apply("-refresh-only")
	mustFailWrongEndpoint(t, c, out, err, "apply -refresh-only", idA)
	stillThere("apply -refresh-only")

	// An import of a key that exists fails the same way.
	other := c.mustCreateKey(t, 0, "pci:tokens:read")
	writeMainTF(t, dir, rootModule(c.wrongPrefix(), keys+`
resource "hellgate_api_key" "c" {
  scopes = ["pci:tokens:read"]
}
`))
	out, err = tf.run(usual("import", "hellgate_api_key.c", other.ID)...)
	mustFailWrongEndpoint(t, c, out, err, "import", other.ID)
	stillThere("the import")

	// With the endpoint put right, everything is where it was.
	writeMainTF(t, dir, rootModule("", keys))
	tf.planIsEmpty()
	tf.mustDestroy()
	if keys := c.srv.Keys(); len(keys) != 1 || keys[0].ID != other.ID {
		t.Errorf("after the destroy the mock holds %v, want only the key never managed", keys)
	}
}

func TestAccDataSourceAPIKey_wrongEndpointPrefix(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 0, "pci:tokens:read")
	tf := initCLI(t, c, rootModule(c.wrongPrefix(), fmt.Sprintf(`data "hellgate_api_key" "k" {
  id = %q
}
`, key.ID)))
	out, err := tf.plan()
	mustFailWrongEndpoint(t, c, out, err, "plan", key.ID)
}

func TestAccRevokeAPIKeyAction_wrongEndpointPrefix(t *testing.T) {
	requireCLIFeature(t, featureActions)
	t.Parallel()
	c := newTestCluster(t)
	leaked := c.mustCreateKey(t, 0, "pci:tokens:read")
	tf := initCLI(t, c, rootModule(c.wrongPrefix(), fmt.Sprintf(`action "hellgate_revoke_api_key" "leak" {
  config {
    id = %q
  }
}
`, leaked.ID)))

	run, err := tf.invoke()
	if err == nil || run.completed {
		t.Fatalf("the action completed against an endpoint with a wrong path prefix (err %v)", err)
	}
	expectActionRefused(t, run, wrongEndpointSummary, "DELETE "+c.url+"/api/api/admin/api-keys/"+leaked.ID, "the endpoint or its path prefix is wrong")
	if _, ok := c.srv.Key(leaked.ID); !ok {
		t.Error("the key is no longer on the mock")
	}
}

// A create against a wrong path prefix is refused with the same clear
// error, and leaves nothing in state to clean up.
func TestAccAPIKey_wrongEndpointPrefixOnCreate(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	tf := initCLI(t, c, rootModule(c.wrongPrefix(), `resource "hellgate_api_key" "a" {
  scopes = ["pci:tokens:read"]
}
`))
	out, err := tf.apply()
	if err == nil {
		t.Fatalf("the apply succeeded against an endpoint with a wrong path prefix:\n%s", out)
	}
	mustContain(t, out, "Error: "+wrongEndpointSummary, c.url+"/api/api/admin/api-keys", "the endpoint or its path prefix is wrong")
	if rs := tf.showState(); len(rs) != 0 {
		t.Errorf("the failed create left %d resources in state", len(rs))
	}
	if n := len(c.srv.Keys()); n != 0 {
		t.Errorf("the mock holds %d keys", n)
	}
}

// expectActionRefused checks the diagnostics of a revoke action that must
// not count the key as gone: an error with summary whose detail contains
// each of wants, and no "Already Gone" anywhere.
func expectActionRefused(t *testing.T, run actionRun, summary string, wants ...string) {
	t.Helper()
	var failed bool
	for _, d := range run.diagnostics {
		text := d.Summary + ": " + d.Detail
		switch {
		case d.Severity == "error" && strings.Contains(text, summary+": "):
			failed = true
			mustContain(t, d.Detail, wants...)
		case strings.Contains(text, "Already Gone"):
			t.Errorf("the action says the key is gone: %s", text)
		}
	}
	if !failed {
		t.Errorf("no %q error among %+v", summary, run.diagnostics)
	}
}
