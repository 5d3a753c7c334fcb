package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// A provider block whose endpoint comes from another resource is unknown
// during the first plan. The plan still works (creating keys needs no API
// call), and the apply configures the provider once the value is known.
func TestAccProvider_unknownConfigurationAtPlanTime(t *testing.T) {
	c := newTestCluster(t)
	cfg := fmt.Sprintf(`
resource "terraform_data" "endpoint" {
  input = %q
}

provider "hellgate" {
  endpoint    = terraform_data.endpoint.output
  admin_token = %q
}

resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`, c.url, c.token)
	c.parallelTest(t, []resource.TestStep{
		actionStep(cfg, plancheck.ResourceActionCreate,
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.NotNull()),
			c.onlyLiveKey(keyAddr),
		),
		{
			Config:           cfg,
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
	})
}

// Credentials from the environment: HELLGATE_ENDPOINT and HELLGATE_API_KEY
// with a scoped key made on the mock, and no provider block at all.
func TestAccProvider_environmentWithScopedAPIKey(t *testing.T) {
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 0, "admin:api-keys:create", "admin:api-keys:read", "admin:api-keys:delete")
	env := map[string]string{EnvEndpoint: c.url, EnvAPIKey: key.KeyValue, EnvAdminToken: ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithEnv(lookup)),
		Steps: []resource.TestStep{
			{
				Config: `
resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					c.matchesMock(keyAddr),
					c.liveKeys(2),
				},
			},
		},
	})
	if got := len(c.srv.Keys()); got != 1 {
		t.Errorf("after destroy the mock holds %d keys, want only the provider's own", got)
	}
}
