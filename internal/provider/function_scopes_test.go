package provider

// Tests of the provider function scopes(patterns) under a real CLI: what it
// returns for each case of a table, and the error it gives for each bad
// input, naming the argument.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// functionProviders declares the provider, as a configuration must for
// its functions, without configuring it: a function needs no cluster.
const functionProviders = `terraform {
  required_providers {
    hellgate = {
      source = "hashicorp/hellgate"
    }
  }
}
`

// scopesFunctionCases is the function's table: patterns (an HCL
// expression) and either the list it returns or the error it gives.
var scopesFunctionCases = []struct {
	name     string
	patterns string
	want     []string
	wantErr  string // a wsRegexp pattern
}{
	{name: "exact", patterns: `["pci:tokens:read"]`, want: []string{"pci:tokens:read"}},
	{name: "last_segment", patterns: `["pci:tokens:*"]`,
		want: []string{"pci:tokens:create", "pci:tokens:delete", "pci:tokens:forward", "pci:tokens:read", "pci:tokens:update"}},
	{name: "first_segment", patterns: `["*:tokens:read"]`,
		want: []string{"generic:tokens:read", "network:tokens:read", "pci:tokens:read"}},
	{name: "middle_segment", patterns: `["admin:*:read"]`,
		want: []string{"admin:api-keys:read", "admin:types:read", "admin:webhooks:read"}},
	{name: "deduplicated", patterns: `["pci:tokens:read", "*:tokens:read", "pci:tokens:read"]`,
		want: []string{"generic:tokens:read", "network:tokens:read", "pci:tokens:read"}},
	{name: "sorted", patterns: `["pci:tokens:forward", "admin:types:read", "generic:tokens:create"]`,
		want: []string{"admin:types:read", "generic:tokens:create", "pci:tokens:forward"}},
	{name: "everything", patterns: `["*:*:*"]`, want: sortedScopes()},
	{name: "empty_list", patterns: `[]`, want: []string{}},
	{name: "from_expression", patterns: `[for area in ["pci", "network"] : "${area}:tokens:read"]`,
		want: []string{"network:tokens:read", "pci:tokens:read"}},

	{name: "partial_wildcard", patterns: `["pci:tok*"]`,
		wantErr: `Invalid value for "patterns" parameter: patterns\[0\] \("pci:tok\*"\) has the segment "tok\*", which mixes "\*" with other characters: "\*" stands only for a whole segment\. Allowed: a pattern is three segments separated by ":", each either a name \(lower-case letters, digits and "-"\) or "\*", which stands for one whole segment: for example "pci:tokens:read", "pci:tokens:\*", "\*:tokens:read" or "admin:\*:read"\.\n`},
	{name: "empty_string", patterns: `["pci:tokens:read", ""]`,
		wantErr: `Invalid value for "patterns" parameter: patterns\[1\] \(""\) is empty\. Allowed: a pattern is three segments`},
	{name: "too_few_segments", patterns: `["pci:tokens"]`,
		wantErr: `Invalid value for "patterns" parameter: patterns\[0\] \("pci:tokens"\) has 2 segments, not 3\. Allowed:`},
	{name: "too_many_segments", patterns: `["pci:tokens:read:all"]`,
		wantErr: `patterns\[0\] \("pci:tokens:read:all"\) has 4 segments, not 3\.`},
	{name: "upper_case", patterns: `["PCI:tokens:read"]`,
		wantErr: `patterns\[0\] \("PCI:tokens:read"\) has the segment "PCI", which holds 'P': a name has only lower-case letters, digits and "-"\.`},
	{name: "matches_nothing", patterns: `["billing:*:read"]`,
		wantErr: `Invalid value for "patterns" parameter: patterns\[0\] \("billing:\*:read"\) matches no valid scope\. The valid scopes are admin:api-keys:create, admin:api-keys:read, .* admin:types:delete\.`},
	{name: "unknown_exact_scope", patterns: `["network:tokens:forward"]`,
		wantErr: `patterns\[0\] \("network:tokens:forward"\) matches no valid scope\. The valid scopes are`},
	{name: "null_element", patterns: `["pci:tokens:read", null]`,
		wantErr: `Invalid value for "patterns" parameter: patterns\[1\] is null: every element must be a scope or a scope pattern`},
	{name: "every_problem_named", patterns: `["pci:tok*", "pci:tokens:read", "billing:*:read"]`,
		wantErr: `patterns\[0\] \("pci:tok\*"\) has the segment "tok\*".* patterns\[2\] \("billing:\*:read"\) matches no valid scope\. Allowed: .* The valid scopes are`},
}

func sortedScopes() []string {
	s := scopes.All()
	slices.Sort(s)
	return s
}

// One apply evaluates every case that returns a list, as an output each;
// each error case is a plan of its own, which must fail with its message.
// The function calls no API.
func TestAccScopesFunction(t *testing.T) {
	c := newTestCluster(t)
	var outputs strings.Builder
	var checks []statecheck.StateCheck
	var errorSteps []resource.TestStep
	for _, tc := range scopesFunctionCases {
		if tc.wantErr != "" {
			errorSteps = append(errorSteps, resource.TestStep{
				Config:      functionProviders + fmt.Sprintf("\noutput %q {\n  value = provider::hellgate::scopes(%s)\n}\n", tc.name, tc.patterns),
				PlanOnly:    true,
				ExpectError: wsRegexp(`(?s)` + tc.wantErr),
			})
			continue
		}
		fmt.Fprintf(&outputs, "\noutput %q {\n  value = provider::hellgate::scopes(%s)\n}\n", tc.name, tc.patterns)
		elems := make([]knownvalue.Check, 0, len(tc.want))
		for _, s := range tc.want {
			elems = append(elems, knownvalue.StringExact(s))
		}
		checks = append(checks, statecheck.ExpectKnownOutputValue(tc.name, knownvalue.ListExact(elems)))
	}
	if n := len(scopesFunctionCases); n < 12 || len(errorSteps) < 6 {
		t.Fatalf("the table has %d cases, %d of them errors; it should have at least 12, errors included", n, len(errorSteps))
	}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: c.factories(),
		Steps: append([]resource.TestStep{{
			Config:            functionProviders + outputs.String(),
			ConfigStateChecks: checks,
		}}, errorSteps...),
	})
	if n := c.requests(); n != 0 {
		t.Errorf("the mock received %d requests; the function makes none", n)
	}
}

// The function's result feeds a key's scopes; a pattern that matches
// nothing fails the plan before any request.
func TestAccScopesFunction_keyScopes(t *testing.T) {
	c := newTestCluster(t)
	cfg := func(patterns string) string {
		return functionProviders + apiKeyConfig(c, "provider::hellgate::scopes("+patterns+")", "")
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config:      cfg(`["pci:tokens:read", "billing:tokens:read"]`),
				PlanOnly:    true,
				ExpectError: wsRegexp(`patterns\[1\] \("billing:tokens:read"\) matches no valid scope`),
			},
			{
				PreConfig: func() {
					if n := c.requests(); n != 0 {
						t.Errorf("the mock received %d requests before the first valid plan", n)
					}
				},
				Config: cfg(`["*:tokens:read", "pci:tokens:create"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("scopes"),
						stringSet("generic:tokens:read", "network:tokens:read", "pci:tokens:create", "pci:tokens:read")),
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}
