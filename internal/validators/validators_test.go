package validators

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
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
