package provider

// Acceptance tests of hellgate_api_key's life cycle: create, refresh,
// replacement, import, changes made outside Terraform, and a key handed on
// through a module output.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccAPIKey_basic(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:create", "pci:tokens:read"]`, `  expires_in = 3600`)

	c.parallelTest(t, []resource.TestStep{
		{
			Config: cfg,
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("id")),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("key_value")),
				plancheck.ExpectSensitiveValue(keyAddr, tfjsonpath.New("key_value")),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("scopes"), stringSet("pci:tokens:create", "pci:tokens:read")),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(3600)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Regexp)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringRegexp(rfc3339Regexp)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.StringRegexp(regexp.MustCompile(`^.{32,}$`))),
				statecheck.ExpectSensitiveValue(keyAddr, tfjsonpath.New("key_value")),
				expiresAfter(3600),
				c.onlyLiveKey(keyAddr),
			},
		},
		{
			// Nothing changed: the plan is empty, and key_value survives
			// the refresh even though Hellgate never returns it again.
			Config:           cfg,
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.StringRegexp(regexp.MustCompile(`^.{32,}$`))),
				c.matchesMock(keyAddr),
			},
		},
	})

	// One POST, no extra GET after it, one DELETE.
	st := c.srv.Stats().Requests
	if st.Create != 1 || st.Delete != 1 || st.Update != 0 || st.List != 0 {
		t.Errorf("requests: got %+v, want exactly 1 create, 1 delete, no list or update", st)
	}
}

func TestAccAPIKey_noExpiry(t *testing.T) {
	c := newTestCluster(t)
	c.parallelTest(t, []resource.TestStep{
		{
			Config: apiKeyConfig(c, `["network:tokens:read"]`, ""),
			ConfigPlanChecks: preApply(
				// A key without expires_in never expires, and the plan says so.
				plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
				c.matchesMock(keyAddr),
			},
		},
	})
}

func TestAccAPIKey_scopesChangeReplaces(t *testing.T) {
	c := newTestCluster(t)
	var firstID string
	newID := statecheck.CompareValue(compare.ValuesDiffer())

	c.parallelTest(t, []resource.TestStep{
		{
			Config: apiKeyConfig(c, `["pci:tokens:read"]`, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				captureString("id", &firstID),
				newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		actionStep(apiKeyConfig(c, `["pci:tokens:read", "pci:tokens:create"]`, ""), plancheck.ResourceActionDestroyBeforeCreate,
			newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("scopes"), stringSet("pci:tokens:create", "pci:tokens:read")),
			c.keyGone(&firstID),
			c.onlyLiveKey(keyAddr),
		),
		{
			// Reordering a set is no change.
			Config:           apiKeyConfig(c, `["pci:tokens:create", "pci:tokens:read"]`, ""),
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
	})
}

func TestAccAPIKey_expiresInChangeReplaces(t *testing.T) {
	c := newTestCluster(t)
	var firstID string
	c.parallelTest(t, []resource.TestStep{
		{
			Config:            apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 600"),
			ConfigStateChecks: []statecheck.StateCheck{captureString("id", &firstID)},
		},
		actionStep(apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 1200"), plancheck.ResourceActionDestroyBeforeCreate,
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(1200)),
			expiresAfter(1200),
			c.keyGone(&firstID),
			c.liveKeys(1),
		),
		// Removing expires_in also replaces: the new key never expires.
		actionStep(apiKeyConfig(c, `["pci:tokens:read"]`, ""), plancheck.ResourceActionDestroyBeforeCreate,
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
			c.liveKeys(1),
		),
	})
}

func TestAccAPIKey_deletedOutOfBandIsRecreated(t *testing.T) {
	c := newTestCluster(t)
	var id string
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "")
	recreated := actionStep(cfg, plancheck.ResourceActionCreate,
		statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.NotNull()),
		c.onlyLiveKey(keyAddr),
	)
	recreated.PreConfig = func() {
		if !c.srv.DeleteKey(id) {
			t.Fatalf("key %s was not on the mock", id)
		}
	}
	c.parallelTest(t, []resource.TestStep{createCapturingID(cfg, &id), recreated})
}

func TestAccAPIKey_scopesChangedOutOfBandPlanReplace(t *testing.T) {
	c := newTestCluster(t)
	var id string
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "")
	replaced := actionStep(cfg, plancheck.ResourceActionDestroyBeforeCreate,
		statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("scopes"), stringSet("pci:tokens:read")),
		c.keyGone(&id),
		c.onlyLiveKey(keyAddr),
	)
	replaced.PreConfig = func() {
		if err := c.srv.UpdateScopes(id, []string{"pci:tokens:read", "pci:tokens:delete"}); err != nil {
			t.Fatalf("changing scopes by hand: %v", err)
		}
	}
	c.parallelTest(t, []resource.TestStep{createCapturingID(cfg, &id), replaced})
}

func TestAccAPIKey_import(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["admin:webhooks:read", "admin:types:read"]`, "  expires_in = 86400")
	c.parallelTest(t, []resource.TestStep{
		{Config: cfg},
		{
			// terraform import: every attribute but the secret round-trips,
			// expires_in included (derived from created_at and expires_at).
			ResourceName:            keyAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"key_value"},
		},
		{
			// An import block plans no change for a matching configuration.
			ResourceName:    keyAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			Config:          cfg,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(86400)),
					plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.Null()),
				},
			},
		},
	})
}

// A key made outside Terraform is adopted with an import block and then
// plans no change.
func TestAccAPIKey_importBlockAdoptsExistingKey(t *testing.T) {
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 48*time.Hour, "network:tokens:use")
	cfg := c.providerBlock() + fmt.Sprintf(`
import {
  to = hellgate_api_key.test
  id = %q
}

resource "hellgate_api_key" "test" {
  scopes     = ["network:tokens:use"]
  expires_in = 172800
}
`, key.ID)
	c.parallelTest(t, []resource.TestStep{
		{
			Config: cfg,
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionNoop),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringExact(key.ID)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(172800)),
				c.matchesMock(keyAddr),
			},
		},
		{
			Config:           cfg,
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
	})
}

func TestAccAPIKey_importErrors(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "")
	c.parallelTest(t, []resource.TestStep{
		{
			Config:        cfg,
			ResourceName:  keyAddr,
			ImportState:   true,
			ImportStateId: "not-a-uuid",
			ExpectError:   regexp.MustCompile(`(?s)Invalid Import ID.*a UUID such as.*got: "not-a-uuid"`),
		},
		{
			Config:        cfg,
			ResourceName:  keyAddr,
			ImportState:   true,
			ImportStateId: "0b7e7dc4-6d6a-4c1e-9c55-0d7a3d0a1f00",
			ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
		},
	})
}

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
