package provider

// Acceptance tests of the timeouts blocks: a zero or negative duration
// fails validation, naming the block's attribute, the value and what is
// allowed, before any request; a positive one is accepted and used.

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// timeoutError is the error for attribute attr of a timeouts block set to
// value.
func timeoutError(attr, value string) *regexp.Regexp {
	return wsRegexp(fmt.Sprintf(`(?s)Invalid Timeout.*Attribute timeouts\.%s must be a positive duration such as "30s", "10m" or "1h30m", got: %q`,
		attr, value))
}

func TestAccAPIKey_timeoutsMustBePositive(t *testing.T) {
	c := newTestCluster(t)
	keyWith := func(timeouts string) string {
		return c.providerBlock() + fmt.Sprintf("resource \"hellgate_api_key\" \"test\" {\n  %s\n  timeouts {\n    %s\n  }\n}\n", validKeyBody, timeouts)
	}
	var steps []resource.TestStep
	for _, tt := range []struct{ attr, value string }{
		{"create", "0s"}, {"create", "-5m"},
		{"read", "0s"}, {"read", "-5m"},
		{"delete", "0s"}, {"delete", "-5m"},
		{"delete", "0"},
	} {
		steps = append(steps, resource.TestStep{
			Config:      keyWith(fmt.Sprintf("%s = %q", tt.attr, tt.value)),
			PlanOnly:    true,
			ExpectError: timeoutError(tt.attr, tt.value),
		})
	}
	steps = append(steps, resource.TestStep{
		PreConfig: func() {
			if st := c.srv.Stats(); st.Requests != (mockcluster.RequestStats{}) {
				t.Errorf("invalid timeouts reached the mock: %+v, want no request", st.Requests)
			}
		},
		Config: keyWith(`create = "30s"
    read   = "1m30s"
    delete = "1h"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("30s")),
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("timeouts").AtMapKey("delete"), knownvalue.StringExact("1h")),
		},
	})
	c.parallelTest(t, steps)
}

func TestAccDataSourceAPIKeys_timeoutsMustBePositive(t *testing.T) {
	c := newTestCluster(t)
	listWith := func(read string) string {
		return c.providerBlock() + fmt.Sprintf("data \"hellgate_api_keys\" \"all\" {\n  timeouts {\n    read = %q\n  }\n}\n", read)
	}
	c.parallelTest(t, readTimeoutSteps(t, c, listWith,
		statecheck.ExpectKnownValue("data.hellgate_api_keys.all", tfjsonpath.New("keys"), knownvalue.ListSizeExact(0))))
}

func TestAccDataSourceAPIKey_timeoutsMustBePositive(t *testing.T) {
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 0, "pci:tokens:read")
	keyWith := func(read string) string {
		return c.providerBlock() + fmt.Sprintf("data \"hellgate_api_key\" \"test\" {\n  id = %q\n  timeouts {\n    read = %q\n  }\n}\n", key.ID, read)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.onlyKeysLeft(&key.ID), // made outside Terraform
		Steps: readTimeoutSteps(t, c, keyWith,
			statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("id"), knownvalue.StringExact(key.ID))),
	})
}

// readTimeoutSteps are the steps of a data source's read timeout: "0s"
// and "-5m" fail validation before any request; "45s" reads, as check
// says. withRead is the configuration with a given read timeout.
func readTimeoutSteps(t *testing.T, c *testCluster, withRead func(read string) string, check statecheck.StateCheck) []resource.TestStep {
	t.Helper()
	return []resource.TestStep{
		{Config: withRead("0s"), PlanOnly: true, ExpectError: timeoutError("read", "0s")},
		{Config: withRead("-5m"), PlanOnly: true, ExpectError: timeoutError("read", "-5m")},
		{
			PreConfig: func() {
				if st := c.srv.Stats(); st.Requests != (mockcluster.RequestStats{}) {
					t.Errorf("invalid timeouts reached the mock: %+v, want no request", st.Requests)
				}
			},
			Config:            withRead("45s"),
			ConfigStateChecks: []statecheck.StateCheck{check},
		},
	}
}
