package provider

// Tests of creates that got no answer, and of creates that never reached
// a server: no key is left behind either way.

import (
	"fmt"
	"net"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// A create whose answer never arrives (Hellgate committed the key, then the
// connection dropped) must not leave an unknown live key behind: the object
// is kept as tainted, and the next apply revokes that key before creating
// its replacement.
func TestAccAPIKey_unansweredCreateIsNotLost(t *testing.T) {
	c := newTestCluster(t, func(o *mockcluster.Options) {
		o.Faults = mockcluster.Faults{DropRate: 1, Seed: 1}
	})
	cfg := c.providerBlock("max_retries = 1") + `
resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}
`
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
				Config: providerConfig(fmt.Sprintf("endpoint = %q", closed), fmt.Sprintf("admin_token = %q", c.token), "max_retries = 1") + `
resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`,
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
