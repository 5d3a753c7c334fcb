package provider

// Tests of revoke_on_destroy = false: a replaced or destroyed key is left on
// Hellgate to expire, never revoked, and the destroy says so; turning it
// off is an in-place change.

import (
	"fmt"
	"strings"
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

// With revoke_on_destroy = false, the destroy plan and the destroy itself
// say that the key stays valid until it expires, and no request revokes it.
func TestAccAPIKey_revokeOnDestroyFalseWarnings(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	tf := initCLI(t, c, cliKeyConfig(`  scopes            = ["pci:tokens:read"]
  expires_in        = 600
  revoke_on_destroy = false`))
	tf.mustApply()
	key := onlyKey(t, c)
	when := key.ExpiresAt.UTC().Format(time.RFC3339)

	expectDiagnostic(t, tf.mustDiagnosticsOf(usual("plan", "-destroy")...), "warning", "API Key Will Not Be Revoked", anyObject,
		"destroying the API key "+key.ID+" removes it from Terraform state without revoking it: it stays valid on Hellgate until it expires at "+when)
	expectDiagnostic(t, tf.mustDiagnosticsOf(approved("destroy")...), "warning", "API Key Left to Expire", anyObject,
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
