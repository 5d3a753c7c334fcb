package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestWithStringAttributesMatchesSetAttribute checks that the plan
// steps' direct update of the plan object gives what tfsdk.Plan's
// SetAttribute gives, attribute by attribute, for a new key without
// expires_in (expires_at null) and for a replacement (the server-set
// values unknown).
func TestWithStringAttributesMatchesSetAttribute(t *testing.T) {
	ctx := t.Context()
	var sresp resource.SchemaResponse
	NewAPIKeyResource().Schema(ctx, resource.SchemaRequest{}, &sresp)
	objType, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T, not an object", sresp.Schema.Type().TerraformType(ctx))
	}
	attrs := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	attrs["id"] = tftypes.NewValue(tftypes.String, "2b0f5a52-3c8e-4f43-9a57-0d5c1b0c6f11")
	attrs["created_at"] = tftypes.NewValue(tftypes.String, "2026-11-30T08:00:00Z")
	attrs["expires_at"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	attrs["key_value"] = tftypes.NewValue(tftypes.String, "hg_secret_value_for_the_test")
	attrs["scopes"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String},
		[]tftypes.Value{tftypes.NewValue(tftypes.String, "pci:tokens:create")})
	raw := tftypes.NewValue(objType, attrs)
	original := raw.Copy()

	for _, tc := range []struct {
		name  string
		value any
		set   types.String
		attrs []string
	}{
		{"never expires", nil, types.StringNull(), []string{"expires_at"}},
		{"replacement", tftypes.UnknownValue, types.StringUnknown(), []string{"id", "created_at", "expires_at", "key_value"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tfsdk.Plan{Schema: sresp.Schema, Raw: raw.Copy()}
			for _, name := range tc.attrs {
				if diags := want.SetAttribute(ctx, path.Root(name), tc.set); diags.HasError() {
					t.Fatalf("SetAttribute(%s): %v", name, diags)
				}
			}
			got, diags := withStringAttributes(raw, tc.value, tc.attrs...)
			if diags.HasError() {
				t.Fatalf("withStringAttributes: %v", diags)
			}
			if !got.Equal(want.Raw) {
				t.Errorf("withStringAttributes gave\n%s\nSetAttribute gave\n%s", got, want.Raw)
			}
			if !raw.Equal(original) {
				t.Errorf("withStringAttributes changed the object it was given:\n%s\nwas\n%s", raw, original)
			}
		})
	}

	t.Run("no such attribute", func(t *testing.T) {
		got, diags := withStringAttributes(raw, nil, "expires_at", "not_an_attribute")
		if !diags.HasError() {
			t.Fatal("no error for an attribute the object does not have")
		}
		if !got.Equal(original) || !raw.Equal(original) {
			t.Errorf("an update that failed changed the object: got %s, given %s", got, raw)
		}
	})
	t.Run("not an object", func(t *testing.T) {
		if _, diags := withStringAttributes(tftypes.NewValue(tftypes.String, "x"), nil, "id"); !diags.HasError() {
			t.Fatal("no error for a value that is not an object")
		}
	})
}
