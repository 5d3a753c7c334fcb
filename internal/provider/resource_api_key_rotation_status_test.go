package provider

// Tests of rotation_status, the attribute through which a refresh-only
// plan (what drift detection and health checks run) shows a key that is
// due for rotation or has expired: quiet before the window's edge, a
// change of the attribute after it, the usual replacement by a normal
// plan, quiet again once applied, and no change for a state written
// before the attribute existed.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// rotationStatusBody is a key whose rotation window (rotate_before = 20m
// of a one-hour key) opens 40 minutes after its creation.
const rotationStatusBody = `  scopes        = ["pci:tokens:read"]
  expires_in    = 3600
  rotate_before = "20m"
` + cbdLifecycle

// A refresh-only plan is empty one second before the rotation window
// opens, and shows rotation_status = "rotation_due" once it has; a normal
// plan then replaces the key with its reason, and afterwards every plan is
// quiet. The same for the key's expiry, with "expired".
func TestAccAPIKey_rotationStatusRefreshOnly(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	tf := initCLI(t, c, cliKeyConfig(rotationStatusBody), WithClock(clock))
	tf.mustApply()
	old := onlyKey(t, c)
	expectRotationStatus(t, tf, nil)

	// One second before the edge: nothing to show, nothing to do.
	clock.Advance(40*time.Minute - time.Second)
	tf.expectRefreshOnlyQuiet(t)
	tf.planIsEmpty()
	expectRotationStatus(t, tf, nil)

	// At the edge: the refresh-only plan shows the attribute's change, and
	// only that.
	clock.Advance(time.Second)
	tf.expectRefreshOnlyDrift(t, nil, "rotation_due")

	// A normal plan replaces the key, as before, with the reason.
	diags := tf.mustDiagnosticsOf(usual("plan", "-out=p")...)
	expectDiagnostic(t, diags, "warning", "API Key Due for Rotation", keyAddr, "The API key "+old.ID+" expires at")
	plan := tf.showPlan("p")
	plan.expectActions(t, keyAddr, "create", "delete")
	plan.expectReplacedFor(t, keyAddr, "expires_at")
	if got, ok := plan.After[keyAddr]["rotation_status"]; !ok || got != nil {
		t.Errorf("the replacement plans rotation_status = %v (present: %t), want null: a new key is not due", got, ok)
	}
	tf.mustApplyPlan("p")
	renewed := onlyKey(t, c)
	if renewed.ID == old.ID {
		t.Fatalf("the key was not replaced")
	}
	expectRotationStatus(t, tf, nil)
	tf.expectRefreshOnlyQuiet(t)
	tf.planIsEmpty()

	// The new key's expiry: skip its window (recorded by apply
	// -refresh-only, which changes nothing on Hellgate), then expire.
	clock.Advance(50 * time.Minute)
	tf.mustApply("-refresh-only")
	expectRotationStatus(t, tf, "rotation_due")
	clock.Advance(10 * time.Minute)
	tf.expectRefreshOnlyDrift(t, "rotation_due", "expired")
	diags = tf.mustDiagnosticsOf(usual("plan", "-out=p2")...)
	expectDiagnostic(t, diags, "warning", "API Key Expired", keyAddr, "The API key "+renewed.ID+" expired at")
	tf.showPlan("p2").expectActions(t, keyAddr, "create", "delete")
	tf.mustApplyPlan("p2")
	expectRotationStatus(t, tf, nil)
	tf.expectRefreshOnlyQuiet(t)
	tf.planIsEmpty()
	if st := c.srv.Stats().Requests; st.Create != 3 || st.Delete != 2 {
		t.Errorf("requests: %+v, want 3 creates and 2 deletes", st)
	}
}

// rotationCheck is the check block of the resource page, which turns a due
// rotation into a failed assertion, a warning of every plan.
const rotationCheck = `
check "key_rotation" {
  assert {
    condition     = hellgate_api_key.test.rotation_status == null
    error_message = "hellgate_api_key.test is ${coalesce(hellgate_api_key.test.rotation_status, "fine")}: run terraform apply to replace it."
  }
}
`

// The resource page's check block warns in a refresh-only plan once the
// key is due, and not before; the normal plan that replaces the key plans
// rotation_status null, so it does not warn there.
func TestAccAPIKey_rotationStatusCheckBlock(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	tf := initCLI(t, c, cliKeyConfig(rotationStatusBody)+rotationCheck, WithClock(clock))
	tf.mustApply()
	checkWarnings := func(args ...string) []jsonDiagnostic {
		return withSummary(tf.mustDiagnosticsOf(usual("plan", args...)...), "warning", "Check block assertion failed")
	}

	clock.Advance(40*time.Minute - time.Second)
	if w := checkWarnings("-refresh-only"); len(w) != 0 {
		t.Errorf("before the window the refresh-only plan warns: %+v", w)
	}
	clock.Advance(time.Second)
	diags := tf.mustDiagnosticsOf(usual("plan", "-refresh-only")...)
	expectDiagnostic(t, diags, "warning", "Check block assertion failed", anyObject, "hellgate_api_key.test is rotation_due")
	if w := checkWarnings(); len(w) != 0 {
		t.Errorf("the plan that replaces the key warns: %+v", w)
	}
}

// A new key plans rotation_status known and null, not "(known after
// apply)". A due key whose rotate_before is shortened so that it is no
// longer due is updated in place, rotation_status back to null, and kept.
func TestAccAPIKey_rotationStatusPlanned(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	cfg := func(rotateBefore string) string {
		return apiKeyConfig(c, `["pci:tokens:read"]`, fmt.Sprintf("  expires_in    = 3600\n  rotate_before = %q\n%s", rotateBefore, cbdLifecycle))
	}
	status := tfjsonpath.New("rotation_status")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	c.parallelTest(t, []resource.TestStep{
		{
			Config:           cfg("20m"),
			ConfigPlanChecks: preApply(plancheck.ExpectKnownValue(keyAddr, status, knownvalue.Null())),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, status, knownvalue.Null()),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			PreConfig:          func() { clock.Advance(45 * time.Minute) },
			RefreshState:       true,
			ExpectNonEmptyPlan: true, // the replacement, as the next step's configuration avoids
			Check:              resource.TestCheckResourceAttr(keyAddr, "rotation_status", "rotation_due"),
		},
		{
			Config: cfg("10m"),
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue(keyAddr, status, knownvalue.Null()),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, status, knownvalue.Null()),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			Config:           cfg("10m"),
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
	}, WithClock(clock))
}

// expectRotationStatus fails the test unless the key's rotation_status in
// state is want (nil for null).
func expectRotationStatus(t *testing.T, tf *terraformCLI, want any) {
	t.Helper()
	values := tf.stateResource(keyAddr).Values
	got, ok := values["rotation_status"]
	if !ok || got != want {
		t.Errorf("rotation_status in state = %v (present: %t), want %v", got, ok, want)
	}
}

// refreshOnlyDrift makes a refresh-only plan and returns what it reports
// as changed outside of Terraform. Its exit code says nothing here: with
// -detailed-exitcode it is 2 after every refresh, since each refresh
// records its time in the key's private state. The state is left as it
// was.
func (tf *terraformCLI) refreshOnlyDrift(t *testing.T) []driftedResource {
	t.Helper()
	tf.mustPlan("-refresh-only", "-out=refresh")
	var plan struct {
		ResourceDrift []driftedResource `json:"resource_drift"`
	}
	js := tf.mustRun("show", "-json", "refresh")
	if err := json.Unmarshal([]byte(js), &plan); err != nil {
		t.Fatalf("reading the plan's JSON: %v", err)
	}
	return plan.ResourceDrift
}

// driftedResource is a resource a refresh-only plan reports as changed.
type driftedResource struct {
	Address string `json:"address"`
	Change  struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	} `json:"change"`
}

// expectRefreshOnlyQuiet fails the test unless a refresh-only plan reports
// nothing changed outside of Terraform.
func (tf *terraformCLI) expectRefreshOnlyQuiet(t *testing.T) {
	t.Helper()
	if drift := tf.refreshOnlyDrift(t); len(drift) != 0 {
		t.Errorf("refresh-only plan reports drift: %+v, want none", drift)
	}
	code := tf.refreshOnlyExitCode(t)
	if exact, why := refreshOnlyExitCodeExact(t); !exact {
		t.Logf("terraform plan -refresh-only -detailed-exitcode exited %d: %s", code, why)
		return
	}
	if code != 0 {
		t.Errorf("terraform plan -refresh-only -detailed-exitcode exits %d with nothing due, want 0 (health checks read it)", code)
	}
}

// refreshOnlyExitCodeExact reports whether the CLI's terraform plan
// -refresh-only -detailed-exitcode exits 0 when a refresh changed nothing,
// and if not, why. Terraform 1.10 to 1.14 exit 2 after refreshing a
// resource of a framework provider even when the refresh changes nothing
// in state or private state, while printing "No changes": the benchmark's
// floor provider (tools/bench/floor), which keeps no private state at all,
// does the same under Terraform 1.14.9. Terraform 1.9 and earlier, 1.15
// and later, and OpenTofu exit 0.
func refreshOnlyExitCodeExact(t *testing.T) (bool, string) {
	t.Helper()
	if isOpenTofu() {
		return true, ""
	}
	ver := cliVersion(t, os.Getenv("TF_ACC_TERRAFORM_PATH"))
	v, err := version.NewVersion(ver)
	if err != nil {
		t.Fatalf("parsing Terraform version %q: %v", ver, err)
	}
	if core := v.Core(); !core.LessThan(tfversion.Version1_10_0) && core.LessThan(tfversion.Version1_15_0) {
		return false, fmt.Sprintf("Terraform %s exits 2 after any refresh of a framework provider's resource, changed or not", ver)
	}
	return true, ""
}

// refreshOnlyExitCode runs terraform plan -refresh-only -detailed-exitcode,
// as health checks do, and returns its exit code: 0 for no changes, 2 for
// changes.
func (tf *terraformCLI) refreshOnlyExitCode(t *testing.T) int {
	t.Helper()
	out, err := tf.plan("-refresh-only", "-detailed-exitcode")
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		return 2
	}
	t.Fatalf("terraform plan -refresh-only -detailed-exitcode: %v\n%s", err, out)
	return 1
}

// expectRefreshOnlyDrift fails the test unless a refresh-only plan reports
// exactly one change outside of Terraform: the key's rotation_status, from
// from (nil for null) to want.
func (tf *terraformCLI) expectRefreshOnlyDrift(t *testing.T, from any, want string) {
	t.Helper()
	if code := tf.refreshOnlyExitCode(t); code != 2 {
		t.Errorf("terraform plan -refresh-only -detailed-exitcode exits %d with the key's status changed, want 2", code)
	}
	drift := tf.refreshOnlyDrift(t)
	if len(drift) != 1 || drift[0].Address != keyAddr {
		t.Fatalf("refresh-only plan's drift: %+v, want %s only", drift, keyAddr)
	}
	ch := drift[0].Change
	if got := ch.After["rotation_status"]; got != want {
		t.Errorf("refresh-only plan: rotation_status after = %v, want %q", got, want)
	}
	if got := ch.Before["rotation_status"]; got != from {
		t.Errorf("refresh-only plan: rotation_status before = %v, want %v", got, from)
	}
	for name, before := range ch.Before {
		if name == "rotation_status" {
			continue
		}
		if b := mustJSON(t, before); b != mustJSON(t, ch.After[name]) {
			t.Errorf("refresh-only plan: %s drifted too, %s -> %s", name, b, mustJSON(t, ch.After[name]))
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rotationStatus across the edges of the window and of the expiry, and for
// what it cannot judge.
func TestRotationStatus(t *testing.T) {
	exp := time.Date(2030, 1, 10, 0, 0, 0, 0, time.UTC)
	at := types.StringValue(exp.Format(time.RFC3339))
	for _, tc := range []struct {
		now          time.Time
		expiresAt    types.String
		rotateBefore types.String
		want         types.String
	}{
		{exp.Add(-time.Hour - time.Second), at, types.StringValue("1h"), types.StringNull()},
		{exp.Add(-time.Hour), at, types.StringValue("1h"), types.StringValue("rotation_due")},
		{exp.Add(-time.Second), at, types.StringValue("1h"), types.StringValue("rotation_due")},
		{exp, at, types.StringValue("1h"), types.StringValue("expired")},
		{exp.Add(-time.Second), at, types.StringNull(), types.StringNull()}, // warned about, not due
		{exp, at, types.StringNull(), types.StringValue("expired")},
		{exp.Add(-time.Minute), at, types.StringUnknown(), types.StringNull()},
		{exp.Add(-time.Minute), at, types.StringValue("not a duration"), types.StringNull()},
		{exp.Add(time.Hour), types.StringNull(), types.StringValue("1h"), types.StringNull()}, // never expires
		{exp.Add(time.Hour), types.StringValue("not a time"), types.StringNull(), types.StringNull()},
	} {
		if got := rotationStatus(tc.now, tc.expiresAt, tc.rotateBefore); !got.Equal(tc.want) {
			t.Errorf("rotationStatus(%s, %s, %s) = %s, want %s", tc.now, tc.expiresAt, tc.rotateBefore, got, tc.want)
		}
	}
}
