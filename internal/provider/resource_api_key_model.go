package provider

// The model of hellgate_api_key, the mapping of Hellgate's key into it
// (resourceModelFromAPI), and its decoding and encoding without the
// framework's reflection: the one way the resource (Create, Read, Update,
// Delete, import, the placeholder of an unanswered create) and the list
// resource read and write the model. tfsdk's Get and Set walk the model struct by reflection
// on every call (parsing each field's tag) and check every value against
// the schema again; a refresh or destroy of hundreds of keys does that for
// each of them, and it was the largest share of the provider's own CPU time
// under Terraform. The schema's attribute types are fixed, so the object is
// converted attribute by attribute here, with the same types and the same
// results (TestAPIKeyModelCodecMatchesFramework holds it to Get and Set).

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// apiKeyModel is hellgate_api_key's object: a plan, a state, or a list
// result's resource.
type apiKeyModel struct {
	ID        types.String `tfsdk:"id"`
	Scopes    types.Set    `tfsdk:"scopes"`
	ExpiresIn types.Number `tfsdk:"expires_in"`
	CreatedAt types.String `tfsdk:"created_at"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	KeyValue  types.String `tfsdk:"key_value"`

	SecretVersion types.Int64 `tfsdk:"secret_version"`

	RotateBefore    types.String `tfsdk:"rotate_before"`
	RotationStatus  types.String `tfsdk:"rotation_status"`
	RevokeOnDestroy types.Bool   `tfsdk:"revoke_on_destroy"`
	Keepers         types.Map    `tfsdk:"keepers"`

	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// The attribute types of hellgate_api_key's schema.
var (
	stringSetType   = types.SetType{ElemType: types.StringType}
	stringMapType   = types.MapType{ElemType: types.StringType}
	timeoutsBlockTy = timeouts.Type{ObjectType: types.ObjectType{AttrTypes: timeoutsAttrTypes()}}
)

// apiKeyModelFrom decodes raw, a plan or state of hellgate_api_key, as
// tfsdk's Get would into an apiKeyModel.
func apiKeyModelFrom(ctx context.Context, raw tftypes.Value) (apiKeyModel, diag.Diagnostics) {
	var m apiKeyModel
	var diags diag.Diagnostics
	if raw.IsNull() || !raw.IsKnown() {
		diags.AddError("Value Conversion Error",
			fmt.Sprintf("Received a null or unknown object where the API key's attributes were expected. %s", bugReport))
		return m, diags
	}
	attrs, diags := objectAttributes(raw)
	if diags.HasError() {
		return m, diags
	}
	p := decodePlanAttributes(ctx, attrs, &diags)
	m.ID, m.SecretVersion, m.Scopes, m.ExpiresIn, m.ExpiresAt, m.RotateBefore, m.Keepers =
		p.ID, p.SecretVersion, p.Scopes, p.ExpiresIn, p.ExpiresAt, p.RotateBefore, p.Keepers
	m.CreatedAt = decodeAttr[types.String](ctx, attrs, "created_at", types.StringType, &diags)
	m.KeyValue = decodeAttr[types.String](ctx, attrs, "key_value", types.StringType, &diags)
	m.RevokeOnDestroy = decodeAttr[types.Bool](ctx, attrs, "revoke_on_destroy", types.BoolType, &diags)
	m.RotationStatus = decodeAttr[types.String](ctx, attrs, "rotation_status", types.StringType, &diags)
	m.Timeouts = decodeAttr[timeouts.Value](ctx, attrs, "timeouts", timeoutsBlockTy, &diags)
	return m, diags
}

// planAttributes are the attributes ModifyPlan decides by. Reading them
// from the object as Terraform sent it costs a fraction of decoding the
// whole object into apiKeyModel, or of reading them one by one by path,
// which a plan of hundreds of keys does for every key.
type planAttributes struct {
	ID            types.String
	SecretVersion types.Int64
	Scopes        types.Set
	ExpiresIn     types.Number
	ExpiresAt     types.String
	RotateBefore  types.String
	Keepers       types.Map
}

func readPlanAttributes(ctx context.Context, raw tftypes.Value) (planAttributes, diag.Diagnostics) {
	attrs, diags := objectAttributes(raw)
	if diags.HasError() {
		return planAttributes{}, diags
	}
	return decodePlanAttributes(ctx, attrs, &diags), diags
}

// decodePlanAttributes decodes the planAttributes of attrs, the attributes
// of an object of hellgate_api_key; apiKeyModelFrom decodes the rest.
func decodePlanAttributes(ctx context.Context, attrs map[string]tftypes.Value, diags *diag.Diagnostics) planAttributes {
	return planAttributes{
		ID:            decodeAttr[types.String](ctx, attrs, "id", types.StringType, diags),
		SecretVersion: decodeAttr[types.Int64](ctx, attrs, "secret_version", types.Int64Type, diags),
		Scopes:        decodeAttr[types.Set](ctx, attrs, "scopes", stringSetType, diags),
		ExpiresIn:     decodeAttr[types.Number](ctx, attrs, "expires_in", types.NumberType, diags),
		ExpiresAt:     decodeAttr[types.String](ctx, attrs, "expires_at", types.StringType, diags),
		RotateBefore:  decodeAttr[types.String](ctx, attrs, "rotate_before", types.StringType, diags),
		Keepers:       decodeAttr[types.Map](ctx, attrs, "keepers", stringMapType, diags),
	}
}

// objectAttributes splits a known object of hellgate_api_key (a plan,
// state or configuration) into its attributes. The map is raw's own
// (tftypes hands it out without copying): read it, never write to it.
func objectAttributes(raw tftypes.Value) (map[string]tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		diags.AddError("Value Conversion Error",
			fmt.Sprintf("Unable to read the API key's attributes: %s. %s", err, bugReport))
	}
	return attrs, diags
}

// withStringAttributes returns raw, a known object of hellgate_api_key,
// with each of names set to value (a null or unknown string), as
// tfsdk.Plan's SetAttribute would one by one, without walking the schema by
// path for each. raw itself is left as it was: the framework may hold it
// elsewhere (ModifyPlan's request and response start from the same value).
func withStringAttributes(raw tftypes.Value, value any, names ...string) (tftypes.Value, diag.Diagnostics) {
	return withAttributes(raw, tftypes.String, value, names...)
}

// withAttributes is withStringAttributes for attributes of type typ.
func withAttributes(raw tftypes.Value, typ tftypes.Type, value any, names ...string) (tftypes.Value, diag.Diagnostics) {
	own, diags := objectAttributes(raw)
	if diags.HasError() {
		return raw, diags
	}
	attrs := make(map[string]tftypes.Value, len(own))
	for name, v := range own {
		attrs[name] = v
	}
	for _, name := range names {
		if _, ok := attrs[name]; !ok {
			diags.AddAttributeError(path.Root(name), "Value Conversion Error",
				fmt.Sprintf("The object has no attribute %s. %s", name, bugReport))
			return raw, diags
		}
		attrs[name] = tftypes.NewValue(typ, value)
	}
	return tftypes.NewValue(raw.Type(), attrs), diags
}

// decodeAttr converts attribute name of attrs to T, by typ.
func decodeAttr[T attr.Value](ctx context.Context, attrs map[string]tftypes.Value, name string, typ attr.Type, diags *diag.Diagnostics) T {
	var zero T
	raw, ok := attrs[name]
	if !ok {
		diags.AddAttributeError(path.Root(name), "Value Conversion Error",
			fmt.Sprintf("The object has no attribute %s. %s", name, bugReport))
		return zero
	}
	v, err := typ.ValueFromTerraform(ctx, raw)
	if err != nil {
		diags.AddAttributeError(path.Root(name), "Value Conversion Error",
			fmt.Sprintf("Unable to read attribute %s: %s. %s", name, err, bugReport))
		return zero
	}
	t, ok := v.(T)
	if !ok {
		diags.AddAttributeError(path.Root(name), "Value Conversion Error",
			fmt.Sprintf("Attribute %s has the type %T, expected %T. %s", name, v, zero, bugReport))
		return zero
	}
	return t
}

// terraformValue encodes m as an object of type typ (the schema's object
// type, as a plan or state of hellgate_api_key carries it), as tfsdk's Set
// would.
func (m apiKeyModel) terraformValue(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := map[string]attr.Value{
		"id":                m.ID,
		"scopes":            m.Scopes,
		"expires_in":        m.ExpiresIn,
		"created_at":        m.CreatedAt,
		"expires_at":        m.ExpiresAt,
		"key_value":         m.KeyValue,
		"secret_version":    m.SecretVersion,
		"rotate_before":     m.RotateBefore,
		"revoke_on_destroy": m.RevokeOnDestroy,
		"rotation_status":   m.RotationStatus,
		"keepers":           m.Keepers,
		"timeouts":          m.Timeouts,
	}
	attrs := make(map[string]tftypes.Value, len(values))
	for name, v := range values {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Value Conversion Error",
				fmt.Sprintf("Unable to write attribute %s: %s. %s", name, err, bugReport))
			continue
		}
		attrs[name] = tv
	}
	if diags.HasError() {
		return tftypes.Value{}, diags
	}
	if err := tftypes.ValidateValue(typ, attrs); err != nil {
		diags.AddError("Value Conversion Error",
			fmt.Sprintf("Unable to write the API key's attributes: %s. %s", err, bugReport))
		return tftypes.Value{}, diags
	}
	return tftypes.NewValue(typ, attrs), diags
}

// writeTo writes m as the whole object *raw (a state's, or a list
// result's resource), of type typ. On error *raw is left as it was.
func (m apiKeyModel) writeTo(ctx context.Context, raw *tftypes.Value, typ tftypes.Type) diag.Diagnostics {
	v, diags := m.terraformValue(ctx, typ)
	if !diags.HasError() {
		*raw = v
	}
	return diags
}

// nullAPIKeyModel returns a model whose every attribute is null, as in the
// object the framework starts an import from.
func nullAPIKeyModel() apiKeyModel {
	return apiKeyModel{
		ID:              types.StringNull(),
		Scopes:          types.SetNull(types.StringType),
		ExpiresIn:       types.NumberNull(),
		CreatedAt:       types.StringNull(),
		ExpiresAt:       types.StringNull(),
		KeyValue:        types.StringNull(),
		SecretVersion:   types.Int64Null(),
		RotateBefore:    types.StringNull(),
		RevokeOnDestroy: types.BoolNull(),
		RotationStatus:  types.StringNull(),
		Keepers:         types.MapNull(types.StringType),
		Timeouts:        timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes())},
	}
}

// resourceModelFromAPI copies what Hellgate says about a key into m, the
// resource's model, for the resource and for the list resource's results.
// It leaves key_value alone: only the create response carries it. The
// provider-side attributes (keepers, timeouts, rotate_before,
// revoke_on_destroy) are left as they are, so m must already hold them
// typed as the schema has them.
func resourceModelFromAPI(ctx context.Context, m *apiKeyModel, k *hellgate.APIKey) diag.Diagnostics {
	scopeSet, diags := types.SetValueFrom(ctx, types.StringType, k.Scopes)
	m.ID = types.StringValue(k.ID)
	m.Scopes = scopeSet
	m.CreatedAt = types.StringValue(formatTime(k.CreatedAt))
	if m.SecretVersion.IsNull() || m.SecretVersion.IsUnknown() {
		// Kept once known: a refresh never moves it, even where Hellgate's
		// read answer stamps created_at less precisely than its create answer.
		m.SecretVersion = types.Int64Value(secretVersionOf(k.CreatedAt))
	}
	m.ExpiresAt = expiresAtValue(k)
	m.ExpiresIn = reconcileExpiresIn(m.ExpiresIn, k)
	if m.KeyValue.IsUnknown() {
		m.KeyValue = types.StringNull()
	}
	return diags
}
