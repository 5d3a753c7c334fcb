package main

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/provider"
)

// TestFloorHasTheResourceShape keeps floor_api_key the shape of
// hellgate_api_key: the same attributes with the same types, the same
// required, optional, computed and sensitive flags, a default and plan
// modifiers where the provider has them, the same blocks and the same
// identity. The framework's cost per key grows with the schema, so a floor
// of another shape would charge that cost to the provider's own code (or
// hide it).
func TestFloorHasTheResourceShape(t *testing.T) {
	ctx := t.Context()
	hellgate := hellgateAPIKey(t)
	floor := &apiKey{}

	want, got := resourceSchema(ctx, hellgate), resourceSchema(ctx, floor)
	if w, g := sortedKeys(want.Attributes), sortedKeys(got.Attributes); !reflect.DeepEqual(w, g) {
		t.Fatalf("attributes: hellgate_api_key has %v, floor_api_key %v", w, g)
	}
	for name, w := range want.Attributes {
		if ws, gs := attributeShape(ctx, w), attributeShape(ctx, got.Attributes[name]); ws != gs {
			t.Errorf("attribute %s: hellgate_api_key has %+v, floor_api_key %+v", name, ws, gs)
		}
	}
	if w, g := sortedKeys(want.Blocks), sortedKeys(got.Blocks); !reflect.DeepEqual(w, g) {
		t.Fatalf("blocks: hellgate_api_key has %v, floor_api_key %v", w, g)
	}
	for name, w := range want.Blocks {
		if wt, gt := w.Type(), got.Blocks[name].Type(); !wt.Equal(gt) {
			t.Errorf("block %s: hellgate_api_key has %s, floor_api_key %s", name, wt, gt)
		}
	}

	wi, ok := hellgate.(resource.ResourceWithIdentity)
	gi, gok := resource.Resource(floor).(resource.ResourceWithIdentity)
	if ok != gok {
		t.Fatalf("identity: hellgate_api_key has one: %t, floor_api_key: %t", ok, gok)
	}
	if ok {
		var wr, gr resource.IdentitySchemaResponse
		wi.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &wr)
		gi.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &gr)
		if wt, gt := wr.IdentitySchema.Type(), gr.IdentitySchema.Type(); !wt.Equal(gt) {
			t.Errorf("identity: hellgate_api_key has %s, floor_api_key %s", wt, gt)
		}
	}
}

// hellgateAPIKey returns the provider's hellgate_api_key.
func hellgateAPIKey(t *testing.T) resource.Resource {
	t.Helper()
	ctx := t.Context()
	for _, newResource := range provider.New("test")().Resources(ctx) {
		r := newResource()
		var resp resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "hellgate"}, &resp)
		if resp.TypeName == "hellgate_api_key" {
			return r
		}
	}
	t.Fatal("the provider has no hellgate_api_key")
	return nil
}

func resourceSchema(ctx context.Context, r resource.Resource) schema.Schema {
	var resp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &resp)
	return resp.Schema
}

// shape is what the framework's work for an attribute depends on. The
// floor has no validators: validation is the provider's own work.
type shape struct {
	Type                                    string
	Required, Optional, Computed, Sensitive bool
	HasDefault, HasPlanModifiers            bool
}

func attributeShape(ctx context.Context, a schema.Attribute) shape {
	v := reflect.ValueOf(a)
	nonEmpty := func(field string) bool {
		f := v.FieldByName(field)
		return f.IsValid() && !f.IsZero()
	}
	return shape{
		Type:             a.GetType().TerraformType(ctx).String(),
		Required:         a.IsRequired(),
		Optional:         a.IsOptional(),
		Computed:         a.IsComputed(),
		Sensitive:        a.IsSensitive(),
		HasDefault:       nonEmpty("Default"),
		HasPlanModifiers: nonEmpty("PlanModifiers"),
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
