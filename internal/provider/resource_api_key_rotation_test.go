package provider

// Tests of hellgate_api_key's rotation: a key replaced inside its
// rotate_before window (also by a saved plan applied later), a key past its
// expiry replaced, the warning of a key that expires soon with nothing to
// replace it, a create-before-destroy replacement, and the rules that tie
// rotate_before and revoke_on_destroy to expires_in.

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// rotate_before: not yet inside the window, no change; inside it, a
// create-before-destroy replacement that leaves one live key. Changing
// rotate_before alone updates in place.
func TestAccAPIKey_rotateBeforeWindow(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	cfg := func(rotateBefore string) string {
		return apiKeyConfig(c, `["pci:tokens:read"]`, fmt.Sprintf("  expires_in    = 3600\n  rotate_before = %q\n%s", rotateBefore, cbdLifecycle))
	}
	var firstID string
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())

	c.parallelTest(t, []resource.TestStep{
		{
			Config: cfg("30m"),
			ConfigStateChecks: []statecheck.StateCheck{
				captureString("id", &firstID),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("rotate_before"), knownvalue.StringExact("30m")),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("revoke_on_destroy"), knownvalue.Bool(true)),
			},
		},
		{
			// One second before the window opens: nothing to do.
			PreConfig:        func() { clock.Advance(30*time.Minute - time.Second) },
			Config:           cfg("30m"),
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
		{
			// A shorter rotate_before alone: updated in place, same key.
			Config:           cfg("20m"),
			ConfigPlanChecks: preApply(plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate)),
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("rotate_before"), knownvalue.StringExact("20m")),
				c.liveKeys(1),
			},
		},
		{
			// The window of 20m opens at 40m: rotate.
			PreConfig: func() { clock.Advance(10*time.Minute + time.Second) },
			Config:    cfg("20m"),
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("id")),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("key_value")),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				c.keyGone(&firstID),
				c.onlyLiveKey(keyAddr),
				expiresAfter(3600),
			},
		},
		{
			Config:           cfg("20m"),
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
	}, WithClock(clock))
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 2 {
		t.Errorf("requests: %+v, want 2 creates and 2 deletes (rotation and destroy)", st)
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
	tf := initCLI(t, c, cliKeyConfig(`  scopes        = ["pci:tokens:read"]
  expires_in    = 5
  rotate_before = "3s"
`+cbdLifecycle), WithClock(clock))
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
	endsCleanly(t, tf, c)
}

// A plan saved while the key is outside its window updates it in place;
// applied after the window has opened, it still does exactly that (the
// plan made while applying reaches the same decision), and the next plan
// rotates the key.
func TestAccAPIKey_savedUpdatePlanAppliedInsideWindow(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	tf := initCLI(t, c, cliKeyConfig(fmt.Sprintf(rotateBeforeBody, "10m")), WithClock(clock))
	tf.mustApply()
	old := onlyKey(t, c)

	clock.Advance(40 * time.Minute)
	writeMainTF(t, tf.dir, cliKeyConfig(fmt.Sprintf(rotateBeforeBody, "15m")))
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

	expectDiagnostic(t, tf.mustDiagnosticsOf(approved("apply")...), "warning", "API Key Due for Rotation", keyAddr)
	if got := onlyKey(t, c); got.ID == old.ID {
		t.Fatalf("the key was not rotated")
	}
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 1 {
		t.Errorf("requests: %+v, want 2 creates and 1 delete", st)
	}
}

// A change of scopes with create_before_destroy makes the new key, with a
// new secret, before the old one is revoked.
func TestAccAPIKey_createBeforeDestroyRotation(t *testing.T) {
	c := newTestCluster(t)
	var firstID string
	secret := statecheck.CompareValue(compare.ValuesDiffer())

	c.parallelTest(t, []resource.TestStep{
		{
			Config: apiKeyConfig(c, `["generic:tokens:read"]`, cbdLifecycle),
			ConfigStateChecks: []statecheck.StateCheck{
				captureString("id", &firstID),
				secret.AddStateValue(keyAddr, tfjsonpath.New("key_value")),
			},
		},
		{
			Config: apiKeyConfig(c, `["generic:tokens:read", "generic:tokens:create"]`, cbdLifecycle),
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				secret.AddStateValue(keyAddr, tfjsonpath.New("key_value")),
				c.keyGone(&firstID),
				c.onlyLiveKey(keyAddr),
			},
		},
	})
}

// A key past its expiry stays in state (it is not "deleted outside
// Terraform"), and the plan replaces it and says why.
func TestAccAPIKey_expiredKeyReplaced(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	tf := initCLI(t, c, cliKeyConfig(`  scopes     = ["pci:tokens:read"]
  expires_in = 3600`), WithClock(clock))
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
	tf := initCLI(t, c, cliKeyConfig(`  scopes     = ["pci:tokens:read"]
  expires_in = `+expiresIn), WithClock(clock))
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

// Bad rotate_before and revoke_on_destroy settings fail at plan time,
// naming the attribute and the rule, before any request to Hellgate.
func TestAccAPIKey_rotationValidation(t *testing.T) {
	c := newTestCluster(t)
	step := func(extra string, want string) resource.TestStep {
		return resource.TestStep{
			Config:      apiKeyConfig(c, `["pci:tokens:read"]`, extra),
			PlanOnly:    true,
			ExpectError: wsRegexp(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			step(`  rotate_before = "720h"`,
				`(?s)Invalid Attribute Combination.*Attribute rotate_before \("720h"\) requires.*expires_in`),
			step("  expires_in    = 3600\n  rotate_before = \"1h\"",
				`(?s)Attribute rotate_before \("1h"\) must be shorter than expires_in.*\(3600 seconds, 1h0m0s\)`),
			step("  expires_in    = 3600\n  rotate_before = \"2h\"",
				`(?s)Attribute rotate_before \("2h"\) must be shorter than expires_in`),
			step("  expires_in    = 3600\n  rotate_before = \"30 days\"",
				`(?s)Invalid Duration.*Attribute rotate_before: "30 days" is not a duration`),
			step("  expires_in    = 3600\n  rotate_before = \"0s\"",
				`(?s)Invalid Duration.*Attribute rotate_before: "0s" is out of range: expected a duration from 1s to 2160h0m0s`),
			step(`  revoke_on_destroy = false`,
				`(?s)Invalid Attribute Combination.*Attribute revoke_on_destroy = false requires expires_in`),
		},
	})
	if n := c.requests(); n != 0 {
		t.Errorf("the mock received %d requests; validation must fail before any", n)
	}
}

func TestDecideRotation(t *testing.T) {
	exp := time.Date(2030, 1, 10, 0, 0, 0, 0, time.UTC)
	const day = 24 * time.Hour
	for _, tc := range []struct {
		now      time.Time
		lifetime time.Duration
		before   time.Duration
		want     rotation
	}{
		{exp, 90 * day, 0, rotationExpired},
		{exp.Add(time.Hour), 90 * day, time.Hour, rotationExpired},
		{exp.Add(-time.Hour), 90 * day, time.Hour, rotationDue},
		{exp.Add(-time.Hour - time.Second), 90 * day, time.Hour, rotationNone},
		{exp.Add(-7 * day), 90 * day, 0, rotationSoon},
		{exp.Add(-7*day - time.Second), 90 * day, 0, rotationNone},
		{exp.Add(-2 * time.Hour), 90 * day, time.Hour, rotationNone}, // rotate_before set: no warning
		// A key of 28 days or more is warned about for its last 7 days;
		// a shorter one for the last quarter of its life.
		{exp.Add(-7 * day), 28 * day, 0, rotationSoon},
		{exp.Add(-2 * day), 8 * day, 0, rotationSoon},
		{exp.Add(-2*day - time.Second), 8 * day, 0, rotationNone},
		{exp.Add(-day), day, 0, rotationNone}, // just made
		{exp.Add(-6*time.Hour - time.Second), day, 0, rotationNone},
		{exp.Add(-6 * time.Hour), day, 0, rotationSoon},
		{exp.Add(-15 * time.Minute), time.Hour, 0, rotationSoon},
		{exp.Add(-7 * day), 0, 0, rotationSoon}, // lifetime not known: 7 days
		{exp.Add(-7*day - time.Second), 0, 0, rotationNone},
	} {
		if got := decideRotation(tc.now, exp, tc.lifetime, tc.before); got != tc.want {
			t.Errorf("decideRotation(%s, %s, lifetime %s, rotate_before %s) = %d, want %d", tc.now, exp, tc.lifetime, tc.before, got, tc.want)
		}
	}
}

// rotateBeforeBody is a one-hour key with create_before_destroy whose
// rotate_before is filled in with fmt.Sprintf.
const rotateBeforeBody = `  scopes        = ["pci:tokens:read"]
  expires_in    = 3600
  rotate_before = %q
` + cbdLifecycle

// A change of rotate_before that makes the key due by the clock is decided
// by the recorded refresh time, as the plan made again while applying it
// will be: the plan updates rotate_before and says that the next plan
// replaces the key, and the next plan does.
func TestAccAPIKey_rotateBeforeWidenedIntoTheWindow(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	tf := initCLI(t, c, cliKeyConfig(fmt.Sprintf(rotateBeforeBody, "10m")), WithClock(clock))
	tf.mustApply()
	old := onlyKey(t, c)

	clock.Advance(48 * time.Minute) // 12 minutes before expiry: inside 15m, not 10m
	writeMainTF(t, tf.dir, cliKeyConfig(fmt.Sprintf(rotateBeforeBody, "15m")))
	diags := tf.mustDiagnosticsOf(usual("plan", "-out=p")...)
	expectDiagnostic(t, diags, "warning", "API Key Due for Rotation at the Next Plan", keyAddr, "the next plan, after this one is applied, replaces the key")
	tf.showPlan("p").expectActions(t, keyAddr, "update")
	tf.mustApplyPlan("p")
	if got := onlyKey(t, c); got.ID != old.ID {
		t.Fatalf("the update plan replaced the key")
	}

	expectDiagnostic(t, tf.mustDiagnosticsOf(approved("apply")...), "warning", "API Key Due for Rotation", keyAddr)
	if got := onlyKey(t, c); got.ID == old.ID {
		t.Fatalf("the next apply did not rotate the key")
	}
}
