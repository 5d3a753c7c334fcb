package provider

// Shared pieces of terraform-plugin-testing tests: the test case every
// test against one mock cluster runs, and short forms of the checks the
// steps repeat.

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// parallelTest runs steps in parallel with other tests, with the provider
// (built with opts) served in-process against c, and after the last step
// checks that the destroy left no key on the mock.
func (c *testCluster) parallelTest(t *testing.T, steps []resource.TestStep, opts ...Option) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(opts...),
		CheckDestroy:             c.checkDestroyed,
		Steps:                    steps,
	})
}

// onlyKeyLeft is a CheckDestroy for tests that run under a credential
// made on the mock: after the destroy, that credential, whose key id is
// id, must be the one key left.
func (c *testCluster) onlyKeyLeft(id string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if keys := c.srv.Keys(); len(keys) != 1 || keys[0].ID != id {
			return fmt.Errorf("expected only the credential %s left on the mock, found %d keys", id, len(keys))
		}
		return nil
	}
}

// preApply checks the plan of a step before it is applied.
func preApply(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: checks}
}

// createCapturingID is a step that applies cfg and records the id of
// hellgate_api_key.test in *id, for a later step to act on that key.
func createCapturingID(cfg string, id *string) resource.TestStep {
	return resource.TestStep{
		Config:            cfg,
		ConfigStateChecks: []statecheck.StateCheck{captureString("id", id)},
	}
}
