package provider

// Tests of the warning about keys whose scopes let them mint or widen API
// keys (admin:api-keys:create, admin:api-keys:update): it appears on every
// plan that creates or replaces such a key, and on the ephemeral resource's
// open, and never on a plan that leaves the key as it is.

import (
	"fmt"
	"testing"
)

const escalationSummary = "API Key Can Mint or Widen API Keys"

// escalationWarnings returns the escalation warnings among diags.
func escalationWarnings(diags []jsonDiagnostic) []jsonDiagnostic {
	return withSummary(diags, "warning", escalationSummary)
}

// about returns the diagnostics among diags about the object at addr.
func about(diags []jsonDiagnostic, addr string) []jsonDiagnostic {
	var found []jsonDiagnostic
	for _, d := range diags {
		if d.Address == addr {
			found = append(found, d)
		}
	}
	return found
}

// expectOneEscalationWarning checks that the diagnostics of what hold
// exactly one escalation warning, about addr with the given details, and
// nothing about quiet, which cannot mint or widen keys.
func expectOneEscalationWarning(t *testing.T, diags []jsonDiagnostic, what, addr, quiet string, details ...string) {
	t.Helper()
	if w := escalationWarnings(diags); len(w) != 1 {
		t.Fatalf("%s shows %d escalation warnings, want 1: %+v", what, len(w), w)
	}
	expectDiagnostic(t, diags, "warning", escalationSummary, addr, details...)
	if d := about(diags, quiet); len(d) != 0 {
		t.Errorf("%s warns about %s, which cannot mint or widen keys: %+v", what, quiet, d)
	}
}

func TestAccAPIKey_escalationWarning(t *testing.T) {
	c := newTestCluster(t)
	cfg := func(adminScopes, adminExtra string) string {
		return rootModule("", fmt.Sprintf(`
resource "hellgate_api_key" "admin" {
  scopes     = %s
  expires_in = 3600
%s
}

# Reads keys but cannot make or change them: never warned about.
resource "hellgate_api_key" "reader" {
  scopes = ["admin:api-keys:read", "admin:api-keys:delete", "pci:tokens:read"]
}
`, adminScopes, adminExtra))
	}
	const createOnly = `["admin:api-keys:create", "pci:tokens:read"]`
	tf := initCLI(t, c, cfg(createOnly, ""))

	// A plan that creates the key warns once, at its scopes, naming the
	// scope, the resource and why; never about hellgate_api_key.reader,
	// which cannot mint or widen keys.
	expectOneEscalationWarning(t, tf.mustDiagnosticsOf(usual("plan")...), "plan creating the keys",
		"hellgate_api_key.admin", "hellgate_api_key.reader",
		"This plan creates a new API key with the scope admin:api-keys:create, "+
			"which lets whoever holds the key create API keys with any scope.",
		"Whoever holds such a key can give itself, or a new key, every scope: the key is as strong as the admin token.",
	)
	if n := c.requests(); n != 0 {
		t.Errorf("the plan made %d requests; the warning needs none", n)
	}
	tf.mustApply()

	// The key stays as it is: no warning on a no-op plan, a refresh-only
	// plan, or an in-place update.
	if w := escalationWarnings(tf.emptyPlanDiagnostics()); len(w) != 0 {
		t.Errorf("a no-op plan shows %d escalation warnings, want none: %+v", len(w), w)
	}
	if w := escalationWarnings(tf.mustDiagnosticsOf(usual("plan", "-refresh-only")...)); len(w) != 0 {
		t.Errorf("a refresh-only plan shows %d escalation warnings, want none: %+v", len(w), w)
	}
	writeMainTF(t, tf.dir, cfg(createOnly, `  revoke_on_destroy = false`))
	diags := tf.mustDiagnosticsOf(usual("plan", "-out=update.tfplan")...)
	tf.showPlan("update.tfplan").expectActions(t, "hellgate_api_key.admin", "update")
	if w := escalationWarnings(diags); len(w) != 0 {
		t.Errorf("a plan updating the key in place shows %d escalation warnings, want none: %+v", len(w), w)
	}

	// A replacement for a change of scopes warns, naming the key it
	// replaces and both scopes.
	adminID := stateID(t, tf, "hellgate_api_key.admin")
	writeMainTF(t, tf.dir, cfg(`["admin:api-keys:create", "admin:api-keys:update", "pci:tokens:read"]`, ""))
	diags = tf.mustDiagnosticsOf(usual("plan", "-out=replace.tfplan")...)
	tf.showPlan("replace.tfplan").expectActions(t, "hellgate_api_key.admin", "delete", "create")
	if w := escalationWarnings(diags); len(w) != 1 {
		t.Errorf("a plan replacing the key shows %d escalation warnings, want 1: %+v", len(w), w)
	}
	expectDiagnostic(t, diags, "warning", escalationSummary, "hellgate_api_key.admin",
		"This plan replaces the API key "+adminID+" with a new key with the scopes admin:api-keys:create, "+
			"which lets whoever holds the key create API keys with any scope, and "+
			"admin:api-keys:update, which lets whoever holds the key change the scopes of any API key, its own included.",
	)
	// Applying it warns again, as it creates the new key.
	if w := escalationWarnings(tf.mustDiagnosticsOf(usual("apply", "replace.tfplan")...)); len(w) != 1 {
		t.Errorf("applying the replacement shows %d escalation warnings, want 1: %+v", len(w), w)
	}
	tf.planIsEmpty()

	// A replacement forced with -replace is not visible to the provider
	// while planning; the apply, which creates the new key, warns.
	diags = tf.mustDiagnosticsOf(approved("apply", "-replace=hellgate_api_key.admin")...)
	if w := escalationWarnings(diags); len(w) != 1 {
		t.Errorf("an apply with -replace shows %d escalation warnings, want 1: %+v", len(w), w)
	}
	expectDiagnostic(t, diags, "warning", escalationSummary, "hellgate_api_key.admin",
		"This plan creates a new API key with the scopes admin:api-keys:create,")

	tf.mustDestroy()
	if n := len(c.srv.Keys()); n != 0 {
		t.Errorf("%d keys left on the mock after destroy", n)
	}
}

// Opening an ephemeral key with admin:api-keys:update warns as well, naming
// the ephemeral resource; one with narrower scopes does not.
func TestAccEphemeralAPIKey_escalationWarning(t *testing.T) {
	skipBelowEphemeralCLI(t)
	t.Parallel()
	c := newTestCluster(t)
	tf := initCLI(t, c, rootModule("", `
ephemeral "hellgate_api_key" "bootstrap" {
  scopes     = ["admin:api-keys:update", "admin:api-keys:read"]
  expires_in = 300
}

ephemeral "hellgate_api_key" "job" {
  scopes     = ["pci:tokens:read"]
  expires_in = 300
}
`))
	expectOneEscalationWarning(t, tf.mustDiagnosticsOf(usual("plan")...), "plan",
		"ephemeral.hellgate_api_key.bootstrap", "ephemeral.hellgate_api_key.job",
		"Terraform opens an ephemeral API key for this run with the scope admin:api-keys:update, "+
			"which lets whoever holds the key change the scopes of any API key, its own included.",
		"the key is as strong as the admin token.",
	)
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 2 {
		t.Errorf("requests %+v, want the two keys opened and revoked", st)
	}
}
