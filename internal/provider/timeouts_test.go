package provider

// Acceptance tests of the timeouts blocks: a duration shorter than one
// second (zero and negative ones included) fails validation, naming the
// block's attribute, the value and what is allowed, before any request;
// one of a second or more is accepted and used. A resource's refresh and
// revoke take at least the default timeouts, whatever its state holds.

import (
	"encoding/json"
	"fmt"
	"path/filepath"
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
	return wsRegexp(`(?s)Invalid Timeout.*` + regexp.QuoteMeta(timeoutDetail(attr, value)))
}

// timeoutDetail is the start of the detail of the error for attribute attr
// of a timeouts block set to value.
func timeoutDetail(attr, value string) string {
	return fmt.Sprintf(`Attribute timeouts.%s must be a duration of at least one second, such as "30s", "10m" or "1h30m", got: %q.`, attr, value)
}

func TestAccAPIKey_timeoutsAtLeastOneSecond(t *testing.T) {
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
		{"create", "1ns"}, {"read", "500ms"}, {"delete", "999ms"}, {"delete", "999999us"},
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
		Config: keyWith(`create = "1s"
    read   = "1m30s"
    delete = "1h"`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("timeouts").AtMapKey("create"), knownvalue.StringExact("1s")),
			statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("timeouts").AtMapKey("delete"), knownvalue.StringExact("1h")),
		},
	})
	c.parallelTest(t, steps)
}

func TestAccDataSourceAPIKeys_timeoutsAtLeastOneSecond(t *testing.T) {
	c := newTestCluster(t)
	listWith := func(read string) string {
		return c.providerBlock() + fmt.Sprintf("data \"hellgate_api_keys\" \"all\" {\n  timeouts {\n    read = %q\n  }\n}\n", read)
	}
	c.parallelTest(t, readTimeoutSteps(t, c, listWith,
		statecheck.ExpectKnownValue("data.hellgate_api_keys.all", tfjsonpath.New("keys"), knownvalue.ListSizeExact(0))))
}

func TestAccDataSourceAPIKey_timeoutsAtLeastOneSecond(t *testing.T) {
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

// readTimeoutSteps are the steps of a data source's read timeout: "0s",
// "-5m" and "500ms" fail validation before any request; "45s" reads, as
// check says. withRead is the configuration with a given read timeout.
func readTimeoutSteps(t *testing.T, c *testCluster, withRead func(read string) string, check statecheck.StateCheck) []resource.TestStep {
	t.Helper()
	return []resource.TestStep{
		{Config: withRead("0s"), PlanOnly: true, ExpectError: timeoutError("read", "0s")},
		{Config: withRead("-5m"), PlanOnly: true, ExpectError: timeoutError("read", "-5m")},
		{Config: withRead("500ms"), PlanOnly: true, ExpectError: timeoutError("read", "500ms")},
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

// terraform validate refuses a timeout shorter than one second in every
// object with a timeouts block, naming the attribute, the value and what
// is allowed, without configuring the provider or sending a request.
func TestAccTimeouts_shortRefusedByValidate(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	tf := initCLI(t, c, rootModule("", `resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
  timeouts {
    create = "1ns"
    delete = "500ms"
  }
}

data "hellgate_api_key" "test" {
  id = "0b7e7dc4-6d6a-4c1e-9c55-0d7a3d0a1f00"
  timeouts {
    read = "999ms"
  }
}

data "hellgate_api_keys" "all" {
  timeouts {
    read = "0s"
  }
}
`))
	diags, out, err := tf.validateDiagnostics()
	if err == nil {
		t.Fatalf("terraform validate accepted timeouts shorter than one second:\n%s", out)
	}
	for _, tt := range []struct{ addr, attr, value string }{
		{"hellgate_api_key.test", "create", "1ns"},
		{"hellgate_api_key.test", "delete", "500ms"},
		{"data.hellgate_api_key.test", "read", "999ms"},
		{"data.hellgate_api_keys.all", "read", "0s"},
	} {
		expectDiagnostic(t, diags, "error", "Invalid Timeout", tt.addr, timeoutDetail(tt.attr, tt.value),
			"A shorter timeout would end the operation before Hellgate could answer; remove the attribute to use its default.")
	}
	if n := len(withSummary(diags, "error", "Invalid Timeout")); n != 4 {
		t.Errorf("%d Invalid Timeout errors, want 4: %+v", n, diags)
	}
	if st := c.srv.Stats(); st.Requests != (mockcluster.RequestStats{}) {
		t.Errorf("terraform validate reached the mock: %+v, want no request", st.Requests)
	}
}

// A resource's timeouts come from its state on a refresh and a destroy,
// and once the resource is removed from the configuration no
// configuration can change them. One too short for the call (1ns stands
// for any such value): the refresh and the revoke still take at least the
// default timeouts, so the key is read and revoked.
func TestAccAPIKey_storedShortTimeoutsStillReadAndRevoke(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	tf := initCLI(t, c, rootModule("", `resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`))
	tf.mustApply()
	id := onlyKey(t, c).ID
	setStoredTimeouts(t, tf, "test", map[string]any{"create": nil, "read": "1ns", "delete": "1ns"})

	writeMainTF(t, tf.dir, rootModule("", ""))
	// The refresh alone, then the revoke alone.
	tf.mustPlan("-refresh-only")
	tf.mustApply("-refresh=false")
	if keys := c.srv.Keys(); len(keys) != 0 {
		t.Errorf("keys left after the resource was removed: %+v, want %s revoked", keys, id)
	}
	if n := stateMatchesMock(t, tf, c); n != 0 {
		t.Errorf("%d keys in state, want none", n)
	}
}

// setStoredTimeouts sets the timeouts of the hellgate_api_key named name
// in the working folder's state file, to values no configuration could
// set, so that a test shows what the provider does with a stored value
// too short for any call.
func setStoredTimeouts(t *testing.T, tf *terraformCLI, name string, timeouts map[string]any) {
	t.Helper()
	path := filepath.Join(tf.dir, "terraform.tfstate")
	var state map[string]any
	if err := json.Unmarshal(readTestFile(t, path), &state); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	resources, _ := state["resources"].([]any)
	found := false
	for _, r := range resources {
		r, _ := r.(map[string]any)
		if r["type"] != "hellgate_api_key" || r["name"] != name {
			continue
		}
		instances, _ := r["instances"].([]any)
		for _, inst := range instances {
			attrs, _ := inst.(map[string]any)["attributes"].(map[string]any)
			attrs["timeouts"] = timeouts
			found = true
		}
	}
	if !found {
		t.Fatalf("no hellgate_api_key.%s in %s", name, path)
	}
	data, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(data))
}
