package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

var (
	uuidRegexp    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	rfc3339Regexp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
)

const keyAddr = "hellgate_api_key.test"

func apiKeyConfig(c *testCluster, scopes string, extra string) string {
	return c.providerBlock() + fmt.Sprintf(`
resource "hellgate_api_key" "test" {
  scopes = %s
%s
}
`, scopes, extra)
}

func stringSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.SetExact(checks)
}

// expiresAfter checks that expires_at is created_at plus seconds.
func expiresAfter(addr string, seconds int64) statecheck.StateCheck {
	var created, expires string
	return stateCheckFunc(func(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		captureString(addr, "created_at", &created).CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
		captureString(addr, "expires_at", &expires).CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
		c, err1 := time.Parse(time.RFC3339, created)
		e, err2 := time.Parse(time.RFC3339, expires)
		if err1 != nil || err2 != nil {
			resp.Error = fmt.Errorf("timestamps do not parse: %q, %q", created, expires)
			return
		}
		if got := int64(e.Sub(c) / time.Second); got != seconds {
			resp.Error = fmt.Errorf("expires_at - created_at = %ds, want %ds", got, seconds)
		}
	})
}

func TestAccAPIKey_basic(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:create", "pci:tokens:read"]`, `  expires_in = 3600`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("id")),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("key_value")),
						plancheck.ExpectSensitiveValue(keyAddr, tfjsonpath.New("key_value")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("scopes"), stringSet("pci:tokens:create", "pci:tokens:read")),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(3600)),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339Regexp)),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.StringRegexp(rfc3339Regexp)),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.StringRegexp(regexp.MustCompile(`^.{32,}$`))),
					statecheck.ExpectSensitiveValue(keyAddr, tfjsonpath.New("key_value")),
					expiresAfter(keyAddr, 3600),
					c.matchesMock(keyAddr),
					c.liveKeys(1),
				},
			},
			{
				// Nothing changed: the plan is empty, and key_value survives
				// the refresh even though Hellgate never returns it again.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.StringRegexp(regexp.MustCompile(`^.{32,}$`))),
					c.matchesMock(keyAddr),
				},
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
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: apiKeyConfig(c, `["network:tokens:read"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// A key without expires_in never expires, and the plan says so.
						plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}

func TestAccAPIKey_scopesChangeReplaces(t *testing.T) {
	c := newTestCluster(t)
	var firstID string
	sameID := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: apiKeyConfig(c, `["pci:tokens:read"]`, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					captureString(keyAddr, "id", &firstID),
					sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				},
			},
			{
				Config: apiKeyConfig(c, `["pci:tokens:read", "pci:tokens:create"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("scopes"), stringSet("pci:tokens:create", "pci:tokens:read")),
					c.keyGone(&firstID),
					c.liveKeys(1),
					c.matchesMock(keyAddr),
				},
			},
			{
				// Reordering a set is no change.
				Config: apiKeyConfig(c, `["pci:tokens:create", "pci:tokens:read"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAPIKey_expiresInChangeReplaces(t *testing.T) {
	c := newTestCluster(t)
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 600"),
				ConfigStateChecks: []statecheck.StateCheck{captureString(keyAddr, "id", &firstID)},
			},
			{
				Config: apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 1200"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(1200)),
					expiresAfter(keyAddr, 1200),
					c.keyGone(&firstID),
					c.liveKeys(1),
				},
			},
			{
				// Removing expires_in also replaces: the new key never expires.
				Config: apiKeyConfig(c, `["pci:tokens:read"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
					c.liveKeys(1),
				},
			},
		},
	})
}

func TestAccAPIKey_createBeforeDestroyRotation(t *testing.T) {
	c := newTestCluster(t)
	lifecycle := "  lifecycle {\n    create_before_destroy = true\n  }"
	var firstID, firstSecret string
	secret := statecheck.CompareValue(compare.ValuesDiffer())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: apiKeyConfig(c, `["generic:tokens:read"]`, lifecycle),
				ConfigStateChecks: []statecheck.StateCheck{
					captureString(keyAddr, "id", &firstID),
					captureString(keyAddr, "key_value", &firstSecret),
					secret.AddStateValue(keyAddr, tfjsonpath.New("key_value")),
				},
			},
			{
				Config: apiKeyConfig(c, `["generic:tokens:read", "generic:tokens:create"]`, lifecycle),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					secret.AddStateValue(keyAddr, tfjsonpath.New("key_value")),
					c.keyGone(&firstID),
					c.liveKeys(1),
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}

func TestAccAPIKey_deletedOutOfBandIsRecreated(t *testing.T) {
	c := newTestCluster(t)
	var id string
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{captureString(keyAddr, "id", &id)},
			},
			{
				PreConfig: func() {
					if !c.srv.DeleteKey(id) {
						t.Fatalf("key %s was not on the mock", id)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.NotNull()),
					c.liveKeys(1),
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}

func TestAccAPIKey_scopesChangedOutOfBandPlanReplace(t *testing.T) {
	c := newTestCluster(t)
	var id string
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{captureString(keyAddr, "id", &id)},
			},
			{
				PreConfig: func() {
					if err := c.srv.UpdateScopes(id, []string{"pci:tokens:read", "pci:tokens:delete"}); err != nil {
						t.Fatalf("changing scopes by hand: %v", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("scopes"), stringSet("pci:tokens:read")),
					c.keyGone(&id),
					c.liveKeys(1),
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}

func TestAccAPIKey_import(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["admin:webhooks:read", "admin:types:read"]`, "  expires_in = 86400")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
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
		},
	})
}

// A key made outside Terraform is adopted with an import block and then
// plans no change.
func TestAccAPIKey_importBlockAdoptsExistingKey(t *testing.T) {
	c := newTestCluster(t)
	key, err := c.srv.CreateKey([]string{"network:tokens:use"}, 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
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
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringExact(key.ID)),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.Null()),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(172800)),
					c.matchesMock(keyAddr),
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccAPIKey_importErrors(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
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
		},
	})
}

// A module that creates a key and exports key_value into terraform_data:
// the way most users hand a key to a secret store.
func TestAccAPIKey_moduleOutput(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	tf := newTerraformCLI(t, copyDir(t, "testdata/module_output"), c)

	tf.mustRun("init", "-input=false", "-no-color")
	out := tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	keys := c.srv.Keys()
	if len(keys) != 1 {
		t.Fatalf("expected 1 key on the mock, found %d", len(keys))
	}
	if strings.Contains(out, keys[0].KeyValue) {
		t.Fatalf("apply output shows the key's secret:\n%s", out)
	}

	// The secret reached the stand-in secret store through the module output.
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(tf.mustRun("show", "-json")), &state); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range state.Values.RootModule.Resources {
		if r.Address != "terraform_data.secret_store" {
			continue
		}
		output, _ := r.Values["output"].(map[string]any)
		if output["key_value"] != keys[0].KeyValue {
			t.Errorf("terraform_data.secret_store got %v, want the key's secret", output["key_value"])
		}
		found = true
	}
	if !found {
		t.Fatal("terraform_data.secret_store not in state")
	}
	if got := strings.TrimSpace(tf.mustRun("output", "-raw", "key_id")); got != keys[0].ID {
		t.Errorf("output key_id = %q, want %q", got, keys[0].ID)
	}

	tf.planIsEmpty()
	tf.mustRun("destroy", "-input=false", "-no-color", "-auto-approve")
	if err := c.checkDestroyed(nil); err != nil {
		t.Fatal(err)
	}
}

// keyClock is one fake clock shared by the mock cluster and the provider,
// advanced by hand (in PreConfig or between CLI runs) instead of sleeping.
type keyClock struct {
	mu sync.Mutex
	t  time.Time
}

func newKeyClock() *keyClock {
	return &keyClock{t: time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *keyClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *keyClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newClockedCluster starts a mock cluster on clock.
func newClockedCluster(t *testing.T, clock *keyClock) *testCluster {
	t.Helper()
	return newTestCluster(t, func(o *mockcluster.Options) { o.Now = clock.Now })
}

const cbdLifecycle = "  lifecycle {\n    create_before_destroy = true\n  }"

// cliKeyConfig is a root module for the CLI harness: the provider reads the
// cluster from the environment the harness sets.
func cliKeyConfig(body string) string {
	return `terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}

provider "hellgate" {}

resource "hellgate_api_key" "test" {
` + body + `
}
`
}

func writeMainTF(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// onlyKey returns the single key on the mock, failing unless there is
// exactly one.
func onlyKey(t *testing.T, c *testCluster) mockcluster.Key {
	t.Helper()
	keys := c.srv.Keys()
	if len(keys) != 1 {
		ids := make([]string, 0, len(keys))
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		t.Fatalf("expected exactly 1 live key on the mock, found %d: %v", len(keys), ids)
	}
	return keys[0]
}

// mustContain checks that Terraform's output holds each of wants, with runs
// of white space compared as one space (Terraform wraps diagnostics).
func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	for _, w := range wants {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// The "done when": a key made with expires_in = 5 and
// rotate_before = "3s" is planned for replacement, with its reason, by a
// plan made 3 seconds later; applying that saved plan (later still) with
// create_before_destroy leaves exactly one live, unexpired key.
func TestAccAPIKey_rotateBeforeSavedPlan(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	dir := t.TempDir()
	writeMainTF(t, dir, cliKeyConfig(`  scopes        = ["pci:tokens:read"]
  expires_in    = 5
  rotate_before = "3s"
`+cbdLifecycle))
	tf := newTerraformCLI(t, dir, c, WithClock(clock.Now))

	tf.mustRun("init", "-input=false", "-no-color")
	tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	old := onlyKey(t, c)
	tf.planIsEmpty() // 5s left, window starts at 2s

	clock.Advance(3 * time.Second)
	out := tf.mustRun("plan", "-input=false", "-no-color", "-out=p")
	mustContain(t, out,
		"Warning: API Key Due for Rotation",
		"with hellgate_api_key.test",
		"The API key "+old.ID+" expires at "+old.ExpiresAt.UTC().Format(time.RFC3339)+", in 2s, which is within rotate_before (3s)",
		"hellgate_api_key.test must be replaced",
		"+/- create replacement and then destroy",
		"# forces replacement",
		"Plan: 1 to add, 0 to change, 1 to destroy.")

	// Applied a second later: the saved plan still holds, no
	// "inconsistent final plan".
	clock.Advance(time.Second)
	out = tf.mustRun("apply", "-input=false", "-no-color", "p")
	mustContain(t, out, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.")

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
	tf.mustRun("destroy", "-input=false", "-no-color", "-auto-approve")
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
	tf := newTerraformCLI(t, dir, c, WithClock(clock.Now))

	tf.mustRun("init", "-input=false", "-no-color")
	tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	old := onlyKey(t, c)

	clock.Advance(2 * time.Hour)
	out := tf.mustRun("plan", "-input=false", "-no-color", "-out=p")
	mustContain(t, out,
		"Warning: API Key Expired",
		"The API key "+old.ID+" expired at "+old.ExpiresAt.UTC().Format(time.RFC3339)+" (1h0m0s ago)",
		"hellgate_api_key.test must be replaced",
		"-/+ destroy and then create replacement",
		"Plan: 1 to add, 0 to change, 1 to destroy.")
	if strings.Contains(out, "has been deleted") || strings.Contains(out, "will be created") {
		t.Errorf("the expired key is treated as deleted outside Terraform:\n%s", out)
	}

	clock.Advance(time.Minute)
	tf.mustRun("apply", "-input=false", "-no-color", "p")
	key := onlyKey(t, c)
	if key.ID == old.ID || !key.ExpiresAt.After(clock.Now()) {
		t.Fatalf("expected a new unexpired key, got %s expiring at %s (now %s)", key.ID, key.ExpiresAt, clock.Now())
	}
	tf.planIsEmpty()
}

// A key expiring within 7 days with no rotate_before: the plan warns and
// changes nothing. Eight days before expiry it says nothing.
func TestAccAPIKey_expiresSoonWarning(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	dir := t.TempDir()
	writeMainTF(t, dir, cliKeyConfig(`  scopes     = ["pci:tokens:read"]
  expires_in = 691200 # 8 days`))
	tf := newTerraformCLI(t, dir, c, WithClock(clock.Now))

	tf.mustRun("init", "-input=false", "-no-color")
	tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	key := onlyKey(t, c)

	out := tf.mustRun("plan", "-input=false", "-no-color")
	mustContain(t, out, "No changes.")
	if strings.Contains(out, "Warning") {
		t.Errorf("8 days before expiry the plan warns:\n%s", out)
	}

	clock.Advance(24*time.Hour + time.Second)
	out, err := tf.run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if err != nil {
		t.Fatalf("expected an empty plan with a warning: %v\n%s", err, out)
	}
	mustContain(t, out,
		"Warning: API Key Expires Soon",
		"with hellgate_api_key.test",
		"The API key "+key.ID+" expires at "+key.ExpiresAt.UTC().Format(time.RFC3339)+", in 168h0m0s, and nothing replaces it before then",
		"No changes.")
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
	tf := newTerraformCLI(t, dir, c, WithClock(clock.Now))

	tf.mustRun("init", "-input=false", "-no-color")
	tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	old := onlyKey(t, c)

	clock.Advance(40 * time.Minute)
	writeMainTF(t, dir, cliKeyConfig(fmt.Sprintf(body, "15m")))
	out := tf.mustRun("plan", "-input=false", "-no-color", "-out=p")
	mustContain(t, out, "hellgate_api_key.test will be updated in-place", `~ rotate_before     = "10m" -> "15m"`,
		"Plan: 0 to add, 1 to change, 0 to destroy.")

	clock.Advance(15 * time.Minute) // 5 minutes before expiry: inside both windows
	out = tf.mustRun("apply", "-input=false", "-no-color", "p")
	mustContain(t, out, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.")
	if got := onlyKey(t, c); got.ID != old.ID {
		t.Fatalf("the saved update plan replaced the key")
	}

	out = tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	mustContain(t, out, "Warning: API Key Due for Rotation", "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.")
	if got := onlyKey(t, c); got.ID == old.ID {
		t.Fatalf("the key was not rotated")
	}
}

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

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithClock(clock.Now)),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: cfg("30m"),
				ConfigStateChecks: []statecheck.StateCheck{
					captureString(keyAddr, "id", &firstID),
					sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
					newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("rotate_before"), knownvalue.StringExact("30m")),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("revoke_on_destroy"), knownvalue.Bool(true)),
				},
			},
			{
				// One second before the window opens: nothing to do.
				PreConfig: func() { clock.Advance(30*time.Minute - time.Second) },
				Config:    cfg("30m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A shorter rotate_before alone: updated in place, same key.
				Config: cfg("20m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate)},
				},
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
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("id")),
						plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("key_value")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue(keyAddr, tfjsonpath.New("id")),
					c.keyGone(&firstID),
					c.liveKeys(1),
					c.matchesMock(keyAddr),
					expiresAfter(keyAddr, 3600),
				},
			},
			{
				Config: cfg("20m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 2 {
		t.Errorf("requests: %+v, want 2 creates and 2 deletes (rotation and destroy)", st)
	}
}

// wsRegexp compiles pattern with each space matching any run of white
// space, since Terraform wraps the diagnostics it prints.
func wsRegexp(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
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
		ProtoV6ProviderFactories: c.factories(WithClock(clock.Now)),
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
					captureString(keyAddr, "id", &firstID),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("revoke_on_destroy"), knownvalue.Bool(false)),
				},
			},
			{
				PreConfig: func() { clock.Advance(50 * time.Minute) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					captureString(keyAddr, "id", &secondID),
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
				Config: cfg("  revoke_on_destroy = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate)},
				},
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
	for _, tc := range []struct {
		now    time.Time
		before time.Duration
		want   rotation
	}{
		{exp, 0, rotationExpired},
		{exp.Add(time.Hour), time.Hour, rotationExpired},
		{exp.Add(-time.Hour), time.Hour, rotationDue},
		{exp.Add(-time.Hour - time.Second), time.Hour, rotationNone},
		{exp.Add(-7 * 24 * time.Hour), 0, rotationSoon},
		{exp.Add(-7*24*time.Hour - time.Second), 0, rotationNone},
		{exp.Add(-2 * time.Hour), time.Hour, rotationNone}, // rotate_before set: no warning
	} {
		if got := decideRotation(tc.now, exp, tc.before); got != tc.want {
			t.Errorf("decideRotation(%s, %s, %s) = %d, want %d", tc.now, exp, tc.before, got, tc.want)
		}
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

	tf.mustRun("init", "-input=false", "-no-color")
	tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	key := onlyKey(t, c)
	when := key.ExpiresAt.UTC().Format(time.RFC3339)

	out := tf.mustRun("plan", "-destroy", "-input=false", "-no-color")
	mustContain(t, out, "Warning: API Key Will Not Be Revoked",
		"destroying the API key "+key.ID+" removes it from Terraform state without revoking it: it stays valid on Hellgate until it expires at "+when)
	out = tf.mustRun("destroy", "-input=false", "-no-color", "-auto-approve")
	mustContain(t, out, "Warning: API Key Left to Expire", "the API key "+key.ID+" was removed from Terraform state but not revoked",
		"Destroy complete! Resources: 1 destroyed.")
	if got := onlyKey(t, c); got.ID != key.ID {
		t.Fatalf("unexpected key %s on the mock", got.ID)
	}
	if d := c.srv.Stats().Requests.Delete; d != 0 {
		t.Errorf("the mock received %d delete requests, want none", d)
	}
}

// A create whose answer never arrives (Hellgate committed the key, then the
// connection dropped) must not leave an unknown live key behind: the object
// is kept as tainted, and the next apply revokes that key before creating
// its replacement.
func TestAccAPIKey_unansweredCreateIsNotLost(t *testing.T) {
	c := newTestCluster(t, func(o *mockcluster.Options) {
		o.Faults = mockcluster.Faults{DropRate: 1, Seed: 1}
	})
	cfg := fmt.Sprintf(`
provider "hellgate" {
  endpoint    = %q
  admin_token = %q
  max_retries = 1
}

resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}
`, c.url, c.token)
	var orphan string

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Unable to Create API Key.*Hellgate did not confirm that it created the API\s+key`),
			},
			{
				PreConfig: func() {
					keys := c.srv.Keys()
					if len(keys) != 1 {
						t.Fatalf("expected the dropped create to have made exactly 1 key, found %d", len(keys))
					}
					orphan = keys[0].ID
					if st := c.srv.Stats(); st.Faults.Drop < 2 {
						t.Fatalf("expected the create and its retry to be dropped, stats %+v", st)
					}
					c.srv.SetFaults(mockcluster.Faults{})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					c.keyGone(&orphan),
					c.liveKeys(1),
					c.matchesMock(keyAddr),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.NotNull()),
				},
			},
		},
	})
}

// Someone who untaints the placeholder of an unanswered create still gets
// it replaced, and its key revoked.
func TestAccAPIKey_unansweredCreateUntainted(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t, func(o *mockcluster.Options) {
		o.Faults = mockcluster.Faults{DropRate: 1, Seed: 2}
	})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`
terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}

provider "hellgate" {
  max_retries = 0
}

resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read", "pci:tokens:create"]
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := newTerraformCLI(t, dir, c)
	tf.mustRun("init", "-input=false", "-no-color")
	if out, err := tf.run("apply", "-input=false", "-no-color", "-auto-approve"); err == nil || !strings.Contains(out, "Hellgate did not confirm") {
		t.Fatalf("expected the apply to fail with an unconfirmed create, got %v:\n%s", err, out)
	}
	keys := c.srv.Keys()
	if len(keys) != 1 {
		t.Fatalf("expected 1 key made by the dropped create, found %d", len(keys))
	}
	c.srv.SetFaults(mockcluster.Faults{})
	tf.mustRun("untaint", "-no-color", keyAddr)
	out := tf.mustRun("plan", "-input=false", "-no-color")
	if !strings.Contains(out, "must be replaced") {
		t.Fatalf("expected the placeholder to be replaced:\n%s", out)
	}
	tf.mustRun("apply", "-input=false", "-no-color", "-auto-approve")
	if _, ok := c.srv.Key(keys[0].ID); ok {
		t.Errorf("the key of the unanswered create %s is still live", keys[0].ID)
	}
	if n := len(c.srv.Keys()); n != 1 {
		t.Errorf("expected exactly 1 live key, found %d", n)
	}
	tf.planIsEmpty()
	tf.mustRun("destroy", "-input=false", "-no-color", "-auto-approve")
	if err := c.checkDestroyed(nil); err != nil {
		t.Fatal(err)
	}
}

// A create that never reached a server (nothing listens at the endpoint,
// or the cluster id does not resolve) made nothing: it fails plainly and
// leaves nothing in state to clean up.
func TestAccAPIKey_unreachableClusterLeavesNothing(t *testing.T) {
	c := newTestCluster(t)
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "hellgate" {
  endpoint    = %q
  admin_token = %q
  max_retries = 1
}

resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`, closed, c.token),
				ExpectError: regexp.MustCompile(`(?s)Unable to Create API Key.*Hellgate did not create the API key\..*giving up after 2\s+attempts.*refused`),
			},
			{
				// Nothing was recorded: a plan against the real cluster
				// creates the key afresh, with no replacement of a placeholder.
				Config: apiKeyConfig(c, `["pci:tokens:read"]`, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{c.liveKeys(1), c.matchesMock(keyAddr)},
			},
		},
		CheckDestroy: c.checkDestroyed,
	})
}
