package validators

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSeconds(t *testing.T) {
	v := Seconds(1, 7776000)
	cases := map[string]string{ // value -> wanted error ("" for none)
		"1":        "",
		"7776000":  "",
		"3600":     "",
		"0":        "got: 0.",
		"-1":       "got: -1.",
		"7776001":  "got: 7776001.",
		"1.5":      "got: 1.5.",
		"1e30":     "got: 1000000000000000000000000000000.",
		"59.99999": "got: 59.99999.",
	}
	for in, want := range cases {
		f, _, err := big.ParseFloat(in, 10, 512, big.ToNearestEven)
		if err != nil {
			t.Fatal(err)
		}
		resp := &validator.NumberResponse{}
		v.ValidateNumber(t.Context(), validator.NumberRequest{Path: path.Root("expires_in"), ConfigValue: types.NumberValue(f)}, resp)
		switch {
		case want == "" && resp.Diagnostics.HasError():
			t.Errorf("%s: unexpected error %v", in, resp.Diagnostics)
		case want != "" && !resp.Diagnostics.HasError():
			t.Errorf("%s: want an error containing %q, got none", in, want)
		case want != "":
			detail := resp.Diagnostics.Errors()[0].Detail()
			if !strings.Contains(detail, want) || !strings.Contains(detail, "expires_in must be a whole number of seconds from 1 to 7776000") {
				t.Errorf("%s: detail %q, want it to contain %q", in, detail, want)
			}
		}
	}
	for _, nv := range []types.Number{types.NumberNull(), types.NumberUnknown()} {
		resp := &validator.NumberResponse{}
		v.ValidateNumber(t.Context(), validator.NumberRequest{Path: path.Root("expires_in"), ConfigValue: nv}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: null and unknown values are left alone, got %v", nv, resp.Diagnostics)
		}
	}
}

func TestAtLeastOneScope(t *testing.T) {
	empty := types.SetValueMust(types.StringType, nil)
	resp := &validator.SetResponse{}
	AtLeastOneScope().ValidateSet(t.Context(), validator.SetRequest{Path: path.Root("scopes"), ConfigValue: empty}, resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), "pci:tokens:create") {
		t.Fatalf("an empty set must be refused with the valid scopes listed, got %v", resp.Diagnostics)
	}
	one := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("pci:tokens:read")})
	resp = &validator.SetResponse{}
	AtLeastOneScope().ValidateSet(t.Context(), validator.SetRequest{Path: path.Root("scopes"), ConfigValue: one}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("one scope is enough, got %v", resp.Diagnostics)
	}
}

// The scope filter refuses only a known, empty set or list, with its own
// message; null (no filter), unknown and non-empty values pass.
func TestScopeFilter(t *testing.T) {
	one := []attr.Value{types.StringValue("pci:tokens:read")}
	sets := map[string]types.Set{
		"empty":   types.SetValueMust(types.StringType, nil),
		"one":     types.SetValueMust(types.StringType, one),
		"null":    types.SetNull(types.StringType),
		"unknown": types.SetUnknown(types.StringType),
	}
	lists := map[string]types.List{
		"empty":   types.ListValueMust(types.StringType, nil),
		"one":     types.ListValueMust(types.StringType, one),
		"null":    types.ListNull(types.StringType),
		"unknown": types.ListUnknown(types.StringType),
	}
	for name := range sets {
		setResp := &validator.SetResponse{}
		ScopeFilter().ValidateSet(t.Context(), validator.SetRequest{Path: path.Root("scopes"), ConfigValue: sets[name]}, setResp)
		listResp := &validator.ListResponse{}
		ScopeFilter().ValidateList(t.Context(), validator.ListRequest{Path: path.Root("scopes"), ConfigValue: lists[name]}, listResp)
		for kind, diags := range map[string]diag.Diagnostics{"set": setResp.Diagnostics, "list": listResp.Diagnostics} {
			if name != "empty" {
				if diags.HasError() {
					t.Errorf("%s %s: unexpected error %v", name, kind, diags)
				}
				continue
			}
			if len(diags.Errors()) != 1 {
				t.Fatalf("empty %s: diagnostics %v, want one error", kind, diags)
			}
			d := diags.Errors()[0]
			if d.Summary() != "No Scopes to Filter By" || !strings.Contains(d.Detail(), "omit it to select keys with any scopes") ||
				strings.Contains(d.Detail(), "an API key needs") {
				t.Errorf("empty %s: %q: %q, want the filter's own message", kind, d.Summary(), d.Detail())
			}
		}
	}
}
