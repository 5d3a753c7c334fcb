package provider

// Shared pieces of terraform-plugin-testing tests: the test cases every
// test against one mock cluster runs (terraform query's among them), and
// short forms of the checks the steps repeat.

import (
	"fmt"
	"slices"
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

// queryTest runs steps in parallel with other tests, under a CLI that has
// terraform query (skipped otherwise), with the provider (built with opts)
// served in-process against c.
func (c *testCluster) queryTest(t *testing.T, steps []resource.TestStep, opts ...Option) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryChecks,
		ProtoV6ProviderFactories: c.factories(opts...),
		Steps:                    steps,
	})
}

// onlyKeysLeft is a CheckDestroy for tests that leave keys on purpose
// (a credential made on the mock, a key the provider may not revoke):
// after the destroy, the keys whose ids the pointers hold, read then, must
// be exactly those left.
func (c *testCluster) onlyKeysLeft(ids ...*string) func(*terraform.State) error {
	return func(*terraform.State) error {
		want := make([]string, 0, len(ids))
		for _, id := range ids {
			want = append(want, *id)
		}
		got := make([]string, 0, len(want))
		for _, k := range c.srv.Keys() {
			got = append(got, k.ID)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("expected only %v left on the mock after destroy, found %v", want, got)
		}
		return nil
	}
}

// preApply checks the plan of a step before it is applied.
func preApply(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: checks}
}

// actionStep is a step that applies cfg, whose plan must take action on
// hellgate_api_key.test, and then checks the state.
func actionStep(cfg string, action plancheck.ResourceActionType, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		Config:            cfg,
		ConfigPlanChecks:  preApply(plancheck.ExpectResourceAction(keyAddr, action)),
		ConfigStateChecks: checks,
	}
}

// createCapturingID is a step that applies cfg and records the id of
// hellgate_api_key.test in *id, for a later step to act on that key.
func createCapturingID(cfg string, id *string) resource.TestStep {
	return resource.TestStep{
		Config:            cfg,
		ConfigStateChecks: []statecheck.StateCheck{captureString("id", id)},
	}
}
