package provider

import (
	"fmt"
	"maps"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
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
	schema, objType := apiKeySchema(t)
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
			want := tfsdk.Plan{Schema: schema, Raw: raw.Copy()}
			for _, name := range tc.attrs {
				noErrors(t, "SetAttribute("+name+")", want.SetAttribute(ctx, path.Root(name), tc.set))
			}
			got, diags := withStringAttributes(raw, tc.value, tc.attrs...)
			noErrors(t, "withStringAttributes", diags)
			sameObject(t, got, "withStringAttributes", want.Raw, "SetAttribute")
			sameObject(t, raw, "the object after withStringAttributes", original, "before")
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

// TestAPIKeyModelCodecMatchesFramework holds the resource's own codec
// (apiKeyModelFrom, terraformValue, nullAPIKeyModel) to the framework's
// Get, Set and SetAttribute, for every attribute of the schema: all null,
// all known, all unknown, and each attribute known or unknown on its own.
// An attribute added to the schema but not to the codec fails here.
func TestAPIKeyModelCodecMatchesFramework(t *testing.T) {
	ctx := t.Context()
	schema, objType := apiKeySchema(t)

	object := func(value func(name string, typ tftypes.Type) tftypes.Value) tftypes.Value {
		attrs := make(map[string]tftypes.Value, len(objType.AttributeTypes))
		for name, typ := range objType.AttributeTypes {
			attrs[name] = value(name, typ)
		}
		return tftypes.NewValue(objType, attrs)
	}
	null := func(_ string, typ tftypes.Type) tftypes.Value { return tftypes.NewValue(typ, nil) }
	unknown := func(_ string, typ tftypes.Type) tftypes.Value { return tftypes.NewValue(typ, tftypes.UnknownValue) }
	known := func(name string, typ tftypes.Type) tftypes.Value { return sampleValue(t, name, typ) }
	only := func(attr string, f func(string, tftypes.Type) tftypes.Value) func(string, tftypes.Type) tftypes.Value {
		return func(name string, typ tftypes.Type) tftypes.Value {
			if name == attr {
				return f(name, typ)
			}
			return null(name, typ)
		}
	}

	cases := map[string]tftypes.Value{
		"all null":    object(null),
		"all known":   object(known),
		"all unknown": object(unknown),
	}
	for name := range objType.AttributeTypes {
		cases[name+" known"] = object(only(name, known))
		cases[name+" unknown"] = object(only(name, unknown))
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			got, diags := apiKeyModelFrom(ctx, raw)
			noErrors(t, "apiKeyModelFrom", diags)
			var want apiKeyModel
			noErrors(t, "Get", tfsdk.Plan{Schema: schema, Raw: raw}.Get(ctx, &want))
			if diff := modelDiff(got, want); diff != "" {
				t.Errorf("apiKeyModelFrom and Get differ: %s", diff)
			}

			encoded, diags := got.terraformValue(ctx, objType)
			noErrors(t, "terraformValue", diags)
			set := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(objType, nil)}
			noErrors(t, "Set", set.Set(ctx, &want))
			sameObject(t, encoded, "terraformValue", set.Raw, "Set")
			sameObject(t, encoded, "decoded and encoded again", raw, "the object decoded")
		})
	}

	t.Run("import", func(t *testing.T) {
		// ImportState writes a null model with the id set, as
		// SetAttribute does on the null object an import starts from.
		want := tfsdk.State{Schema: schema, Raw: tftypes.NewValue(objType, nil)}
		noErrors(t, "SetAttribute", want.SetAttribute(ctx, path.Root("id"), types.StringValue("imported")))
		m := nullAPIKeyModel()
		m.ID = types.StringValue("imported")
		var got tftypes.Value
		noErrors(t, "writeTo", m.writeTo(ctx, &got, objType))
		sameObject(t, got, "writeTo", want.Raw, "SetAttribute")
	})

	t.Run("missing attribute", func(t *testing.T) {
		attrTypes := maps.Clone(objType.AttributeTypes)
		delete(attrTypes, "keepers")
		short := tftypes.Object{AttributeTypes: attrTypes}
		if _, diags := nullAPIKeyModel().terraformValue(ctx, short); !diags.HasError() {
			t.Error("terraformValue wrote an object of a type without keepers")
		}
		attrs := map[string]tftypes.Value{}
		for name, typ := range attrTypes {
			attrs[name] = tftypes.NewValue(typ, nil)
		}
		if _, diags := apiKeyModelFrom(ctx, tftypes.NewValue(short, attrs)); !diags.HasError() {
			t.Error("apiKeyModelFrom read an object without keepers")
		}
	})
}

// sampleValue returns a known value of typ for the attribute name.
func sampleValue(t *testing.T, name string, typ tftypes.Type) tftypes.Value {
	t.Helper()
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(typ, "sample-"+name)
	case typ.Is(tftypes.Number):
		return tftypes.NewValue(typ, big.NewFloat(86400))
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(typ, false)
	case typ.Is(tftypes.Set{ElementType: tftypes.String}):
		return tftypes.NewValue(typ, []tftypes.Value{
			tftypes.NewValue(tftypes.String, "pci:tokens:create"), tftypes.NewValue(tftypes.String, "pci:tokens:read"),
		})
	case typ.Is(tftypes.Map{ElementType: tftypes.String}):
		return tftypes.NewValue(typ, map[string]tftypes.Value{"service": tftypes.NewValue(tftypes.String, "checkout")})
	}
	if obj, ok := typ.(tftypes.Object); ok {
		attrs := make(map[string]tftypes.Value, len(obj.AttributeTypes))
		for n, at := range obj.AttributeTypes {
			attrs[n] = sampleValue(t, name+"."+n, at)
		}
		return tftypes.NewValue(typ, attrs)
	}
	t.Fatalf("no sample value for %s of type %s: add one", name, typ)
	return tftypes.Value{}
}

// modelDiff names the fields in which a and b differ, or returns "".
func modelDiff(a, b apiKeyModel) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var diffs []string
	for i := range va.NumField() {
		x, _ := va.Field(i).Interface().(attr.Value)
		y, _ := vb.Field(i).Interface().(attr.Value)
		if x == nil || y == nil || !x.Equal(y) {
			diffs = append(diffs, fmt.Sprintf("%s: %v vs %v", va.Type().Field(i).Name, x, y))
		}
	}
	return strings.Join(diffs, "; ")
}

// apiKeySchema returns hellgate_api_key's schema and its object type.
func apiKeySchema(t *testing.T) (rschema.Schema, tftypes.Object) {
	t.Helper()
	var resp resource.SchemaResponse
	NewAPIKeyResource().Schema(t.Context(), resource.SchemaRequest{}, &resp)
	objType, ok := resp.Schema.Type().TerraformType(t.Context()).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T, not an object", resp.Schema.Type().TerraformType(t.Context()))
	}
	return resp.Schema, objType
}

// noErrors fails the test at once if diags holds an error from what.
func noErrors(t *testing.T, what string, diags diag.Diagnostics) {
	t.Helper()
	if diags.HasError() {
		t.Fatalf("%s: %v", what, diags)
	}
}

// sameObject reports an error unless got (from gotFrom) equals want (from
// wantFrom).
func sameObject(t *testing.T, got tftypes.Value, gotFrom string, want tftypes.Value, wantFrom string) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s gave\n%s\n%s gave\n%s", gotFrom, got, wantFrom, want)
	}
}
