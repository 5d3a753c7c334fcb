package provider

// Acceptance tests of the hellgate_revoke_api_key action under the CLI
// harness (terraform-plugin-testing cannot invoke actions): it revokes one
// key at once and reports its progress, a key already gone is a warning,
// an id that is not a UUID fails before any request, and a managed key
// revoked this way is created anew by the next apply.

import (
	"fmt"
	"strings"
	"testing"
)

const revokeAction = "action.hellgate_revoke_api_key.leak"

// revokeConfig is a root module with the action, for the key id.
func revokeConfig(id, more string) string {
	return rootModule("", fmt.Sprintf(`action "hellgate_revoke_api_key" "leak" {
  config {
    id = %q
  }
}
`, id)+more)
}

// actionRun is what terraform apply -invoke -json reported.
type actionRun struct {
	progress    []string
	completed   bool
	diagnostics []jsonDiagnostic
}

// invoke runs terraform apply -invoke=action.hellgate_revoke_api_key.leak
// -json and reads its messages.
func (tf *terraformCLI) invoke() (actionRun, error) {
	tf.t.Helper()
	const addr = revokeAction
	msgs, out, err := tf.runJSON("apply", "-input=false", "-auto-approve", "-invoke="+addr)
	var run actionRun
	for _, msg := range msgs {
		switch {
		case msg.Type == "action_progress" && msg.actionAddr() == addr:
			run.progress = append(run.progress, msg.Hook.Message)
		case msg.Type == "action_complete" && msg.actionAddr() == addr:
			run.completed = true
		case msg.Diagnostic != nil:
			run.diagnostics = append(run.diagnostics, *msg.Diagnostic)
		}
	}
	if err != nil {
		return run, fmt.Errorf("%w\n%s", err, out)
	}
	return run, nil
}

// The action revokes the key it names at once, with one request, says so
// as it goes, and leaves every other key alone.
func TestAccRevokeAPIKeyAction_revokes(t *testing.T) {
	requireCLIFeature(t, featureActions)
	t.Parallel()
	c := newTestCluster(t)
	leaked := c.mustCreateKey(t, 0, "pci:tokens:read")
	other := c.mustCreateKey(t, 0, "pci:tokens:read")
	tf := initCLI(t, c, revokeConfig(strings.ToUpper(leaked.ID), ""))

	run, err := tf.invoke()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Revoking API key " + leaked.ID + " on Hellgate",
		"Revoked API key " + leaked.ID + ": it no longer authenticates",
	}
	if strings.Join(run.progress, "\n") != strings.Join(want, "\n") || !run.completed {
		t.Errorf("progress %q (completed %v), want %q and completion", run.progress, run.completed, want)
	}
	for _, d := range run.diagnostics {
		t.Errorf("unexpected %s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	if _, ok := c.srv.Key(leaked.ID); ok {
		t.Errorf("key %s is still on the mock", leaked.ID)
	}
	if _, ok := c.srv.Key(other.ID); !ok {
		t.Errorf("key %s, which the action does not name, was revoked", other.ID)
	}
	if st := c.srv.Stats().Requests; st.Delete != 1 || c.requests() != 1 {
		t.Errorf("requests %+v, want exactly one delete", st)
	}
}

// A key that is already gone is a warning that says so, with Hellgate's
// answer; the action still completes, so it can be run again safely.
func TestAccRevokeAPIKeyAction_alreadyGone(t *testing.T) {
	requireCLIFeature(t, featureActions)
	t.Parallel()
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 0, "pci:tokens:read")
	if !c.srv.DeleteKey(key.ID) {
		t.Fatal("could not delete the key on the mock")
	}
	tf := initCLI(t, c, revokeConfig(key.ID, ""))

	run, err := tf.invoke()
	if err != nil {
		t.Fatalf("a key already gone failed the run: %v", err)
	}
	if !run.completed {
		t.Error("the action did not complete")
	}
	var warned bool
	for _, d := range run.diagnostics {
		switch {
		// Terraform 1.15 reports it as "Warning when invoking action",
		// with the provider's summary in front of its detail.
		case d.Severity == "warning" && strings.Contains(d.Summary+": "+d.Detail, "API Key Already Gone: "):
			warned = true
			mustContain(t, d.Detail, "Hellgate has no API key "+key.ID, "404 Not Found", "(request id ")
		case d.Severity == "error":
			t.Errorf("unexpected error: %s: %s", d.Summary, d.Detail)
		}
	}
	if !warned {
		t.Errorf("no \"API Key Already Gone\" warning among %+v", run.diagnostics)
	}
	if n := c.srv.Stats().Requests.Delete; n != 1 {
		t.Errorf("%d delete requests, want 1", n)
	}
}

// An id that is not a UUID fails validation, naming the attribute and the
// expected form, before any request.
func TestAccRevokeAPIKeyAction_invalidID(t *testing.T) {
	requireCLIFeature(t, featureActions)
	t.Parallel()
	c := newTestCluster(t)
	tf := initCLI(t, c, revokeConfig("checkout-key", ""))

	out, err := tf.run("validate", "-no-color")
	if err == nil {
		t.Fatalf("validate accepted the id:\n%s", out)
	}
	mustContain(t, out, `Attribute id must be a UUID such as "123e4567-e89b-12d3-a456-426614174000", got: checkout-key`)

	run, err := tf.invoke()
	if err == nil || run.completed || len(run.progress) != 0 {
		t.Fatalf("the action ran with an invalid id (completed %v, progress %q)", run.completed, run.progress)
	}
	if n := c.requests(); n != 0 {
		t.Errorf("an invalid id made %d requests, want 0", n)
	}
}

// A key that a hellgate_api_key resource manages, revoked with the action,
// is created anew by the next apply, as the action's documentation says;
// invoking the action changes no resource.
func TestAccRevokeAPIKeyAction_managedKeyIsRecreated(t *testing.T) {
	requireCLIFeature(t, featureActions)
	t.Parallel()
	c := newTestCluster(t)
	dir := t.TempDir()
	managed := `resource "hellgate_api_key" "managed" {
  scopes = ["pci:tokens:read"]
}
`
	writeMainTF(t, dir, rootModule("", managed))
	tf := newTerraformCLI(t, dir, c)
	tf.mustInit()
	tf.mustApply()
	first := onlyKey(t, c)

	writeMainTF(t, dir, revokeConfig(first.ID, "\n"+managed))
	if _, err := tf.invoke(); err != nil {
		t.Fatal(err)
	}
	if keys := c.srv.Keys(); len(keys) != 0 || c.srv.Stats().Requests.Create != 1 {
		t.Fatalf("after the action: %d keys and %d creates, want the managed key revoked and nothing created", len(keys), c.srv.Stats().Requests.Create)
	}

	tf.mustPlan("-out=recreate.plan")
	tf.showPlan("recreate.plan").expectActions(t, "hellgate_api_key.managed", "create")
	tf.mustApplyPlan("recreate.plan")
	if second := onlyKey(t, c); second.ID == first.ID {
		t.Errorf("the key was not created anew")
	}
	tf.planIsEmpty()
	tf.mustDestroy()
}

// A credential that may not revoke keys fails the action with Hellgate's
// answer: the status, its message and the request id.
func TestAccRevokeAPIKeyAction_forbidden(t *testing.T) {
	requireCLIFeature(t, featureActions)
	t.Parallel()
	c := newTestCluster(t)
	reader := c.mustCreateKey(t, 0, "admin:api-keys:read")
	tf := initCLI(t, c, rootModule(fmt.Sprintf("api_key = %q", reader.KeyValue), fmt.Sprintf(`action "hellgate_revoke_api_key" "leak" {
  config {
    id = %q
  }
}
`, reader.ID)))

	run, err := tf.invoke()
	if err == nil {
		t.Fatal("the action succeeded with a credential that may not revoke keys")
	}
	var failed bool
	for _, d := range run.diagnostics {
		if d.Severity == "error" && strings.Contains(d.Summary+": "+d.Detail, "Unable to Revoke API Key") {
			failed = true
			mustContain(t, d.Detail, "Hellgate did not revoke the API key "+reader.ID, "403 Forbidden", "(request id ")
			if strings.Contains(d.Detail, reader.KeyValue) {
				t.Error("the error shows the credential")
			}
		}
	}
	if !failed {
		t.Errorf("no \"Unable to Revoke API Key\" error among %+v", run.diagnostics)
	}
	if _, ok := c.srv.Key(reader.ID); !ok {
		t.Error("the key was revoked")
	}
}
