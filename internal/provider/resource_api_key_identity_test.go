package provider

// Acceptance tests of hellgate_api_key's identity ({ id }): recorded on
// create, read and import, import by identity, and a state without
// identity (written by a Terraform before 1.12) gaining one with an empty
// plan.

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// identityChecks are the version checks of every identity test: under
// Terraform, skipUnsupported skips below 1.12 itself.
var identityChecks = []tfversion.TerraformVersionCheck{
	skipUnsupported(featureIdentity),
}

// identityTest runs steps in parallel with other tests, under a CLI that
// has resource identity (skipped otherwise), with the provider served
// in-process against c, and after the last step checks that the destroy
// left no key on the mock.
func (c *testCluster) identityTest(t *testing.T, steps []resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityChecks,
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps:                    steps,
	})
}

// A created key has its id as identity, and an import block that names the
// key by that identity imports it with nothing to change.
func TestAccAPIKeyIdentity_createAndImport(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 3600")
	c.identityTest(t, []resource.TestStep{
		{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(keyAddr, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(uuidRegexp)}),
				statecheck.ExpectIdentityValueMatchesState(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			// import { to = ..., identity = { id = "<id>" } }: a no-op
			// import (the step fails otherwise) whose identity is the
			// one in state.
			ResourceName:    keyAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("expires_in"), knownvalue.Int64Exact(3600)),
					plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.Null()),
					plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("revoke_on_destroy"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// A key made outside Terraform is adopted with an import block that names
// it by identity (in capitals, as someone may paste it): the key is
// imported with nothing to change, its identity and id are the lowercase
// id, and the next plan is empty.
func TestAccAPIKeyIdentity_importKeyMadeElsewhere(t *testing.T) {
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 0, "pci:tokens:read", "pci:tokens:create")
	cfg := apiKeyConfig(c, `["pci:tokens:create", "pci:tokens:read"]`, "") + fmt.Sprintf(`
import {
  to       = hellgate_api_key.test
  identity = { id = %q }
}
`, strings.ToUpper(key.ID))
	before := c.requests()

	c.identityTest(t, []resource.TestStep{
		{
			Config: cfg,
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionNoop),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentity(keyAddr, map[string]knownvalue.Check{"id": knownvalue.StringExact(key.ID)}),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("id"), knownvalue.StringExact(key.ID)),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.Null()),
				c.onlyLiveKey(keyAddr),
			},
		},
		{
			Config:           cfg,
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
	})
	if st := c.srv.Stats().Requests; st.Create != 0 || st.Update != 0 || c.requests()-before == 0 {
		t.Errorf("requests %+v: the import must read the key and create or change nothing", st)
	}
}

// An identity that is not a key id fails the plan with a message naming
// the attribute and the expected form, before any request.
func TestAccAPIKeyIdentity_invalidIdentity(t *testing.T) {
	c := newTestCluster(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityChecks,
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			{
				Config: apiKeyConfig(c, `["pci:tokens:read"]`, "") + `
import {
  to       = hellgate_api_key.test
  identity = { id = "checkout-key" }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Import Identity.*Attribute id of the import block's identity must be.*a UUID such as.*got:\s+"checkout-key"`),
			},
		},
	})
	if n := c.requests(); n != 0 {
		t.Errorf("an invalid identity made %d requests, want 0", n)
	}
}

// A state without identity, as a Terraform before 1.12 writes it (staged
// here by the same resource serving no identity schema), gains one without
// a change: the first plan with identities is empty, and the refresh
// records the identity.
func TestAccAPIKeyIdentity_upgradeFromStateWithoutIdentity(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 3600")
	c.upgradeTest(t, cfg, c.matchesMock(keyAddr), resource.TestStep{
		ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectIdentityValueMatchesState(keyAddr, tfjsonpath.New("id")),
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.NotNull()),
			c.matchesMock(keyAddr),
		},
	})
}

// A key in a state without identity that was revoked outside Terraform is
// dropped by the refresh and planned anew, without an error about a
// missing identity.
func TestAccAPIKeyIdentity_goneBeforeFirstRefresh(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "")
	var first string
	c.upgradeTest(t, cfg, captureString("id", &first), resource.TestStep{
		PreConfig: func() {
			if !c.srv.DeleteKey(first) {
				t.Fatalf("key %s not on the mock", first)
			}
		},
		ConfigPlanChecks: preApply(plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate)),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectIdentityValueMatchesState(keyAddr, tfjsonpath.New("id")),
			c.onlyLiveKey(keyAddr),
		},
	})
}

// upgradeTest applies cfg with the provider serving no identity schema,
// as a Terraform before 1.12 sees it, checks that the state has no identity and runs before on it, then runs
// next, which applies cfg with this provider, and after it checks that the
// destroy left no key on the mock.
func (c *testCluster) upgradeTest(t *testing.T, cfg string, before statecheck.StateCheck, next resource.TestStep) {
	t.Helper()
	next.ProtoV6ProviderFactories = c.factories()
	next.Config = cfg
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: identityChecks,
		CheckDestroy:           c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: factoriesWithoutIdentity(t),
				Config:                   cfg,
				ConfigStateChecks:        []statecheck.StateCheck{noIdentity(keyAddr), before},
			},
			next,
		},
	})
}

// noIdentity checks that the resource at addr has no identity in state.
func noIdentity(addr string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address == addr {
				if len(r.IdentityValues) != 0 {
					resp.Error = fmt.Errorf("%s has identity %v, want none", addr, r.IdentityValues)
				}
				return
			}
		}
		resp.Error = fmt.Errorf("%s not in state", addr)
	})
}

// factoriesWithoutIdentity serves the provider as a Terraform before 1.12
// sees it: the same objects and schemas, but hellgate_api_key declares no
// identity schema (so Terraform stores none), and there are no list
// resources or actions. It writes the state such a Terraform writes.
func factoriesWithoutIdentity(t *testing.T) map[string]func() (tfprotov6.ProviderServer, error) {
	t.Helper()
	p, ok := New("test")().(*hellgateProvider)
	if !ok {
		t.Fatal("New does not return *hellgateProvider")
	}
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hellgate": providerserver.NewProtocol6WithError(providerWithoutIdentity{p}),
	}
}

// providerBeforeIdentity is the part of the provider that was served before
// resource identity: embedded in a struct, an interface promotes only its
// own methods, so list resources, actions and functions stay hidden.
type providerBeforeIdentity interface {
	provider.ProviderWithConfigValidators
	provider.ProviderWithEphemeralResources
}

type providerWithoutIdentity struct{ providerBeforeIdentity }

func (w providerWithoutIdentity) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{func() fwresource.Resource { return apiKeyWithoutIdentity{&apiKeyResource{}} }}
}

// resourceBeforeIdentity is hellgate_api_key's method set without
// IdentitySchema.
type resourceBeforeIdentity interface {
	fwresource.ResourceWithConfigure
	fwresource.ResourceWithConfigValidators
	fwresource.ResourceWithModifyPlan
	fwresource.ResourceWithImportState
}

// apiKeyWithoutIdentity is hellgate_api_key without IdentitySchema.
type apiKeyWithoutIdentity struct{ resourceBeforeIdentity }

// An import id that is not a key id is quoted back only where it can be a
// mistyped id or a name; a value that may be a secret is described.
func TestShownImportValue(t *testing.T) {
	for v, want := range map[string]string{
		"my-key":                                   `"my-key"`,
		"123e4567-e89b-12d3-a456-42661417400":      `"123e4567-e89b-12d3-a456-42661417400"`,
		"123E4567-E89B-12D3-A456-4266141740000":    `"123E4567-E89B-12D3-A456-4266141740000"`,
		"key_1234567890ABCDEF":                     "a value of 20 characters that is not shown",
		"9f2c4b7e1d6a3f8c0b5e2d9a7c4f1e3b6d8a0c2e": "a value of 40 characters that is not shown",
	} {
		got := shownImportValue(v)
		if !strings.HasPrefix(got, want) {
			t.Errorf("shownImportValue(%q) = %s, want %s...", v, got, want)
		}
		if strings.HasPrefix(want, "a value") && strings.Contains(got, v) {
			t.Errorf("shownImportValue(%q) shows the value: %s", v, got)
		}
	}
}
