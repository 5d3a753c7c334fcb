package provider

// Tests of hellgate_api_key's plan: rotation before and after expiry,
// revoke_on_destroy, and the rules that tie them to expires_in.

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
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

// revoke_on_destroy = false: a rotated key and, at the end, the destroyed
// one stay alive on the mock until they expire; nothing is ever revoked.
func TestAccAPIKey_revokeOnDestroyFalse(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`,
		"  expires_in        = 3600\n  rotate_before     = \"10m\"\n  revoke_on_destroy = false\n"+cbdLifecycle)
	var firstID, secondID string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithClock(clock)),
		CheckDestroy: func(*terraform.State) error {
			// Both keys outlive Terraform, each until its expiry.
			for _, id := range []string{firstID, secondID} {
				if _, ok := c.srv.Key(id); !ok {
					return fmt.Errorf("key %s was revoked, though revoke_on_destroy is false", id)
				}
			}
			if n := len(c.srv.Keys()); n != 2 {
				return fmt.Errorf("expected 2 keys left on the mock, found %d", n)
			}
			if d := c.srv.Stats().Requests.Delete; d != 0 {
				return fmt.Errorf("the mock received %d delete requests, want none", d)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					captureString("id", &firstID),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("revoke_on_destroy"), knownvalue.Bool(false)),
				},
			},
			{
				PreConfig: func() { clock.Advance(50 * time.Minute) },
				Config:    cfg,
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					captureString("id", &secondID),
					c.matchesMock(keyAddr),
					c.liveKeys(2), // the old key is left to expire in 10 minutes
				},
			},
		},
	})
}

// Turning revoke_on_destroy off is an in-place change, and it is what
// state says at destroy time that counts.
func TestAccAPIKey_revokeOnDestroyUpdate(t *testing.T) {
	c := newTestCluster(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	cfg := func(extra string) string {
		return apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 3600\n"+extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy: func(*terraform.State) error {
			if n := len(c.srv.Keys()); n != 1 {
				return fmt.Errorf("expected the key left on the mock, found %d keys", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:            cfg(""),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(keyAddr, tfjsonpath.New("id"))},
			},
			{
				Config:           cfg("  revoke_on_destroy = false"),
				ConfigPlanChecks: preApply(plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("revoke_on_destroy"), knownvalue.Bool(false)),
				},
			},
		},
	})
	if st := c.srv.Stats().Requests; st.Create != 1 || st.Update != 0 || st.Delete != 0 {
		t.Errorf("requests: %+v, want 1 create and nothing else changing", st)
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
