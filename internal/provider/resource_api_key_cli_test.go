package provider

// hellgate_api_key under the CLI harness (harness_cli_test.go): runs that
// terraform-plugin-testing cannot express, such as a saved plan applied
// later, a module, an untainted placeholder, and destroy-time warnings.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// The module-output example: a module creates a key and exports key_value
// into terraform_data, the way most users hand a key to a secret store.
func TestAccAPIKey_moduleOutput(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	tf := newTerraformCLI(t, copyDir(t, "../../examples/resources/hellgate_api_key/module-output"), c)

	tf.mustInit()
	out := tf.mustApply()
	key := onlyKey(t, c)
	if strings.Contains(out, key.KeyValue) {
		t.Fatalf("apply output shows the key's secret:\n%s", out)
	}

	// The secret reached the stand-in secret store through the module output.
	given, _ := tf.stateResource("terraform_data.checkout_secret").Values["triggers_replace"].(map[string]any)
	if given["key_value"] != key.KeyValue {
		t.Errorf("terraform_data.checkout_secret was given %v, want the key's secret", given["key_value"])
	}
	if got := strings.TrimSpace(tf.mustRun("output", "-raw", "checkout_key_id")); got != key.ID {
		t.Errorf("output key_id = %q, want %q", got, key.ID)
	}

	tf.planIsEmpty()
	out = tf.mustDestroy()
	if strings.Contains(out, key.KeyValue) {
		t.Errorf("destroy output shows the key's secret:\n%s", out)
	}
	if err := c.checkDestroyed(nil); err != nil {
		t.Fatal(err)
	}
}

// A key made with expires_in = 5 and rotate_before = "3s" is planned for
// replacement, with its reason, by a plan made 3 seconds later; applying
// that saved plan (later still) with create_before_destroy leaves exactly
// one live, unexpired key.
func TestAccAPIKey_rotateBeforeSavedPlan(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	dir := t.TempDir()
	writeMainTF(t, dir, cliKeyConfig(`  scopes        = ["pci:tokens:read"]
  expires_in    = 5
  rotate_before = "3s"
`+cbdLifecycle))
	tf := newTerraformCLI(t, dir, c, WithClock(clock))

	tf.mustInit()
	tf.mustApply()
	old := onlyKey(t, c)
	tf.planIsEmpty() // 5s left, window starts at 2s

	clock.Advance(3 * time.Second)
	diags := tf.mustDiagnosticsOf(usual("plan", "-out=p")...)
	expectDiagnostic(t, diags, "warning", "API Key Due for Rotation", keyAddr,
		"The API key "+old.ID+" expires at "+old.ExpiresAt.UTC().Format(time.RFC3339)+", in 2s, which is within rotate_before (3s)")
	plan := tf.showPlan("p")
	plan.expectActions(t, keyAddr, "create", "delete") // create_before_destroy
	plan.expectReplacedFor(t, keyAddr, "expires_at")

	// Applied a second later: the saved plan still holds, no
	// "inconsistent final plan".
	clock.Advance(time.Second)
	tf.mustApplyPlan("p")

	key := onlyKey(t, c)
	if key.ID == old.ID {
		t.Fatalf("the key was not replaced: still %s", key.ID)
	}
	if key.ExpiresAt == nil || !key.ExpiresAt.After(clock.Now()) {
		t.Fatalf("the new key expires at %v, not after now (%s)", key.ExpiresAt, clock.Now())
	}
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 1 {
		t.Errorf("requests: %+v, want 2 creates and 1 delete", st)
	}
	tf.planIsEmpty()
	tf.mustDestroy()
	if err := c.checkDestroyed(nil); err != nil {
		t.Fatal(err)
	}
}

// A key past its expiry stays in state (it is not "deleted outside
// Terraform"), and the plan replaces it and says why.
func TestAccAPIKey_expiredKeyReplaced(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	dir := t.TempDir()
	writeMainTF(t, dir, cliKeyConfig(`  scopes     = ["pci:tokens:read"]
  expires_in = 3600`))
	tf := newTerraformCLI(t, dir, c, WithClock(clock))

	tf.mustInit()
	tf.mustApply()
	old := onlyKey(t, c)

	clock.Advance(2 * time.Hour)
	diags := tf.mustDiagnosticsOf(usual("plan", "-out=p")...)
	expectDiagnostic(t, diags, "warning", "API Key Expired", keyAddr,
		"The API key "+old.ID+" expired at "+old.ExpiresAt.UTC().Format(time.RFC3339)+" (1h0m0s ago)")
	// Replaced, not created afresh as if it had been deleted outside Terraform.
	plan := tf.showPlan("p")
	plan.expectActions(t, keyAddr, "delete", "create")
	plan.expectReplacedFor(t, keyAddr, "expires_at")

	clock.Advance(time.Minute)
	tf.mustApplyPlan("p")
	key := onlyKey(t, c)
	if key.ID == old.ID || !key.ExpiresAt.After(clock.Now()) {
		t.Fatalf("expected a new unexpired key, got %s expiring at %s (now %s)", key.ID, key.ExpiresAt, clock.Now())
	}
	tf.planIsEmpty()
}

// A 30-day key expiring within 7 days with no rotate_before: the plan
// warns and changes nothing. Eight days before expiry it says nothing.
func TestAccAPIKey_expiresSoonWarning(t *testing.T) {
	t.Parallel()
	expiresSoonPlans(t, "2592000 # 30 days", []expiryPlan{
		{after: 22 * 24 * time.Hour}, // 8 days left
		{after: 24*time.Hour + time.Second, warnsIn: "168h0m0s"},
	})
}

// A key that lives one day is warned about in the last quarter of its
// life, not from the moment it is made: no warning right after creation
// nor with 6 hours and a minute left; a warning with 5 hours 59 minutes
// left, and still no change.
func TestAccAPIKey_expiresSoonWarningOneDayKey(t *testing.T) {
	t.Parallel()
	expiresSoonPlans(t, "86400 # 1 day", []expiryPlan{
		{after: 0},
		{after: 17*time.Hour + 59*time.Minute},
		{after: 2 * time.Minute, warnsIn: "5h59m0s"},
	})
}

// expiryPlan is one plan of expiresSoonPlans: made after the clock
// advanced by after, it warns that the key expires in warnsIn, or does
// not warn at all when warnsIn is empty.
type expiryPlan struct {
	after   time.Duration
	warnsIn string
}

// expiresSoonPlans applies a key with expires_in and no rotate_before,
// then makes each plan in turn: every one of them plans no change, and
// warns about the key's expiry exactly as the plan says.
func expiresSoonPlans(t *testing.T, expiresIn string, plans []expiryPlan) {
	t.Helper()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	dir := t.TempDir()
	writeMainTF(t, dir, cliKeyConfig(`  scopes     = ["pci:tokens:read"]
  expires_in = `+expiresIn))
	tf := newTerraformCLI(t, dir, c, WithClock(clock))

	tf.mustInit()
	tf.mustApply()
	key := onlyKey(t, c)

	for _, p := range plans {
		clock.Advance(p.after)
		left := key.ExpiresAt.Sub(clock.Now())
		diags := tf.emptyPlanDiagnostics()
		if p.warnsIn == "" {
			if len(diags) != 0 {
				t.Errorf("%s before expiry the plan reports %+v, want nothing", left, diags)
			}
			continue
		}
		expectDiagnostic(t, diags, "warning", "API Key Expires Soon", keyAddr,
			"The API key "+key.ID+" expires at "+key.ExpiresAt.UTC().Format(time.RFC3339)+", in "+p.warnsIn+", and nothing replaces it before then")
	}
	if got := onlyKey(t, c); got.ID != key.ID {
		t.Fatalf("the key changed: %s, was %s", got.ID, key.ID)
	}
}

// A plan saved while the key is outside its window updates it in place;
// applied after the window has opened, it still does exactly that (the
// plan made while applying reaches the same decision), and the next plan
// rotates the key.
func TestAccAPIKey_savedUpdatePlanAppliedInsideWindow(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	dir := t.TempDir()
	body := `  scopes        = ["pci:tokens:read"]
  expires_in    = 3600
  rotate_before = %q
` + cbdLifecycle
	writeMainTF(t, dir, cliKeyConfig(fmt.Sprintf(body, "10m")))
	tf := newTerraformCLI(t, dir, c, WithClock(clock))

	tf.mustInit()
	tf.mustApply()
	old := onlyKey(t, c)

	clock.Advance(40 * time.Minute)
	writeMainTF(t, dir, cliKeyConfig(fmt.Sprintf(body, "15m")))
	tf.mustPlan("-out=p")
	plan := tf.showPlan("p")
	plan.expectActions(t, keyAddr, "update")
	if got := plan.After[keyAddr]["rotate_before"]; got != "15m" {
		t.Errorf("planned rotate_before = %v, want 15m", got)
	}

	clock.Advance(15 * time.Minute) // 5 minutes before expiry: inside both windows
	tf.mustApplyPlan("p")
	if got := onlyKey(t, c); got.ID != old.ID {
		t.Fatalf("the saved update plan replaced the key")
	}
	if st := c.srv.Stats().Requests; st.Create != 1 || st.Delete != 0 || st.Update != 0 {
		t.Fatalf("the saved update plan called Hellgate: %+v", st)
	}

	expectDiagnostic(t, tf.mustDiagnosticsOf(applyArgs()...), "warning", "API Key Due for Rotation", keyAddr)
	if got := onlyKey(t, c); got.ID == old.ID {
		t.Fatalf("the key was not rotated")
	}
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 1 {
		t.Errorf("requests: %+v, want 2 creates and 1 delete", st)
	}
}

// With revoke_on_destroy = false, the destroy plan and the destroy itself
// say that the key stays valid until it expires, and no request revokes it.
func TestAccAPIKey_revokeOnDestroyFalseWarnings(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	dir := t.TempDir()
	writeMainTF(t, dir, cliKeyConfig(`  scopes            = ["pci:tokens:read"]
  expires_in        = 600
  revoke_on_destroy = false`))
	tf := newTerraformCLI(t, dir, c)

	tf.mustInit()
	tf.mustApply()
	key := onlyKey(t, c)
	when := key.ExpiresAt.UTC().Format(time.RFC3339)

	expectDiagnostic(t, tf.mustDiagnosticsOf(usual("plan", "-destroy")...), "warning", "API Key Will Not Be Revoked", anyObject,
		"destroying the API key "+key.ID+" removes it from Terraform state without revoking it: it stays valid on Hellgate until it expires at "+when)
	expectDiagnostic(t, tf.mustDiagnosticsOf(destroyArgs()...), "warning", "API Key Left to Expire", anyObject,
		"the API key "+key.ID+" was removed from Terraform state but not revoked")
	if list := strings.TrimSpace(tf.mustRun("state", "list")); list != "" {
		t.Errorf("state after destroy still lists %q", list)
	}
	if got := onlyKey(t, c); got.ID != key.ID {
		t.Fatalf("unexpected key %s on the mock", got.ID)
	}
	if d := c.srv.Stats().Requests.Delete; d != 0 {
		t.Errorf("the mock received %d delete requests, want none", d)
	}
}

// Someone who untaints the placeholder of an unanswered create still gets
// it replaced, and its key revoked.
func TestAccAPIKey_unansweredCreateUntainted(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{DropRate: 1, Seed: 2}))
	dir := t.TempDir()
	writeMainTF(t, dir, rootModule("max_retries = 0", `resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read", "pci:tokens:create"]
}
`))
	tf := newTerraformCLI(t, dir, c)
	tf.mustInit()
	if out, err := tf.apply(); err == nil || !strings.Contains(out, "Hellgate did not confirm") {
		t.Fatalf("expected the apply to fail with an unconfirmed create, got %v:\n%s", err, out)
	}
	orphan := onlyKey(t, c) // made by the dropped create
	c.srv.SetFaults(mockcluster.Faults{})
	tf.mustRun("untaint", "-no-color", keyAddr)
	tf.mustPlan("-out=p")
	tf.showPlan("p").expectActions(t, keyAddr, "delete", "create")
	tf.mustApply()
	if _, ok := c.srv.Key(orphan.ID); ok {
		t.Errorf("the key of the unanswered create %s is still live", orphan.ID)
	}
	if n := len(c.srv.Keys()); n != 1 {
		t.Errorf("expected exactly 1 live key, found %d", n)
	}
	tf.planIsEmpty()
	tf.mustDestroy()
	if err := c.checkDestroyed(nil); err != nil {
		t.Fatal(err)
	}
}
