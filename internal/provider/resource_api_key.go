package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

var (
	_ resource.Resource                = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigure   = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiKeyResource)(nil)
)

const (
	// maxExpiresIn is Hellgate's limit for expires_in: 90 days.
	maxExpiresIn = 7776000

	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// NewAPIKeyResource returns the hellgate_api_key resource.
func NewAPIKeyResource() resource.Resource {
	return &apiKeyResource{}
}

type apiKeyResource struct {
	data *providerData
}

type apiKeyModel struct {
	ID        types.String   `tfsdk:"id"`
	Scopes    types.Set      `tfsdk:"scopes"`
	ExpiresIn types.Int64    `tfsdk:"expires_in"`
	CreatedAt types.String   `tfsdk:"created_at"`
	ExpiresAt types.String   `tfsdk:"expires_at"`
	KeyValue  types.String   `tfsdk:"key_value"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
}

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API key of a Hellgate Guardian cluster, with the scopes a service needs. " +
			"The key's secret, `key_value`, is returned by Hellgate only when the key is created; " +
			"the provider keeps it in state (as a sensitive value) so it can be passed to a secret store or another resource. " +
			"Changing `scopes` or `expires_in` replaces the key: a new key is created and the old one revoked.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id, a UUID assigned by Hellgate.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "What the key may do: a set of at least one scope, each one of " +
					scopeList() + ". Changing it replaces the key.",
				ElementType: types.StringType,
				Required:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(validators.Scope()),
				},
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"expires_in": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Seconds after creation at which Hellgate expires the key, "+
					"from `1` to `%d` (90 days). Omit it for a key that never expires. Changing it replaces the key.", maxExpiresIn),
				Optional:      true,
				Validators:    []validator.Int64{int64validator.Between(1, maxExpiresIn)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the key was created, as an RFC 3339 timestamp in UTC.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the key expires, as an RFC 3339 timestamp in UTC; null for a key that never expires.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_value": schema.StringAttribute{
				MarkdownDescription: "The key's secret, sent as the `x-api-key` header. Sensitive. " +
					"Hellgate returns it only when the key is created, so it is known after the first apply and kept in state; " +
					"it is null for an imported key.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func scopeList() string {
	return "`" + strings.Join(scopes.All(), "`, `") + "`"
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		unexpectedConfigureType(&resp.Diagnostics, "Resource", req.ProviderData)
		return
	}
	r.data = data
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil || r.data.client == nil {
		notConfigured(&resp.Diagnostics, "create the API key")
		return
	}

	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var scopeValues []string
	resp.Diagnostics.Append(plan.Scopes.ElementsAs(ctx, &scopeValues, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := hellgate.CreateAPIKeyInput{Scopes: scopeValues}
	if !plan.ExpiresIn.IsNull() {
		v := plan.ExpiresIn.ValueInt64()
		in.ExpiresIn = &v
	}

	key, err := r.data.client.CreateAPIKey(ctx, in)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create API Key",
			apiErrorDetail("Hellgate did not create the API key", err))
		return
	}
	tflog.Debug(ctx, "created API key", map[string]any{"id": key.ID})

	// Everything Terraform needs is in the create response: no GET follows.
	resp.Diagnostics.Append(applyAPIKey(ctx, &plan, key)...)
	plan.KeyValue = types.StringValue(key.KeyValue)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil || r.data.client == nil {
		notConfigured(&resp.Diagnostics, "read the API key "+state.ID.ValueString())
		return
	}

	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	key, err := r.data.client.GetAPIKey(ctx, state.ID.ValueString())
	if hellgate.IsNotFound(err) {
		// Revoked outside Terraform: forget it, so the next plan creates it anew.
		tflog.Info(ctx, "API key no longer exists on Hellgate, removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read API Key",
			apiErrorDetail(fmt.Sprintf("Hellgate did not return the API key %s", state.ID.ValueString()), err))
		return
	}

	resp.Diagnostics.Append(applyAPIKey(ctx, &state, key)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only ever changes provider-side settings such as timeouts: every
// attribute that Hellgate stores forces a replacement.
func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.CreatedAt, plan.ExpiresAt, plan.KeyValue = state.ID, state.CreatedAt, state.ExpiresAt, state.KeyValue
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil || r.data.client == nil {
		notConfigured(&resp.Diagnostics, "revoke the API key "+state.ID.ValueString())
		return
	}

	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	err := r.data.client.DeleteAPIKey(ctx, state.ID.ValueString())
	if err != nil && !hellgate.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Revoke API Key",
			apiErrorDetail(fmt.Sprintf("Hellgate did not revoke the API key %s; it stays in state so the next apply tries again", state.ID.ValueString()), err))
		return
	}
}

func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !uuidPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected the id of an existing API key, a UUID such as \"123e4567-e89b-12d3-a456-426614174000\", got: %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.ToLower(id))...)
	resp.Diagnostics.AddWarning("Imported API Key Has No key_value",
		fmt.Sprintf("Hellgate returns an API key's secret only when the key is created, so the imported key %s has no key_value in state "+
			"(it is null). Everything else is managed as usual. If a configuration needs the secret, create a new key instead "+
			"(for example with terraform apply -replace=ADDRESS).", id))
}

func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan apiKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A new key without expires_in never expires: say so in the plan
	// instead of "(known after apply)".
	if req.State.Raw.IsNull() || plan.ID.IsUnknown() {
		if plan.ExpiresIn.IsNull() && plan.ExpiresAt.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringNull())...)
		}
	}
}

// applyAPIKey copies what Hellgate says about a key into the model. It
// leaves key_value alone: only the create response carries it.
func applyAPIKey(ctx context.Context, m *apiKeyModel, k *hellgate.APIKey) diag.Diagnostics {
	scopeSet, diags := types.SetValueFrom(ctx, types.StringType, k.Scopes)
	m.ID = types.StringValue(k.ID)
	m.Scopes = scopeSet
	m.CreatedAt = types.StringValue(formatTime(k.CreatedAt))
	if k.ExpiresAt == nil {
		m.ExpiresAt = types.StringNull()
	} else {
		m.ExpiresAt = types.StringValue(formatTime(*k.ExpiresAt))
	}
	m.ExpiresIn = reconcileExpiresIn(m.ExpiresIn, k)
	if m.KeyValue.IsUnknown() {
		m.KeyValue = types.StringNull()
	}
	if m.Timeouts.Object.IsNull() || m.Timeouts.Object.IsUnknown() {
		m.Timeouts = timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes())}
	}
	return diags
}

// reconcileExpiresIn derives expires_in from the key's lifetime. The
// configured value is kept while it matches (within a second, since a
// server may round its timestamps), so that an unchanged key never plans a
// replacement; an imported key gets its lifetime as expires_in, so a
// matching configuration plans no change.
func reconcileExpiresIn(current types.Int64, k *hellgate.APIKey) types.Int64 {
	if k.ExpiresAt == nil {
		return types.Int64Null()
	}
	lifetime := int64(k.ExpiresAt.Sub(k.CreatedAt).Round(time.Second) / time.Second)
	if !current.IsNull() && !current.IsUnknown() {
		if d := current.ValueInt64() - lifetime; d >= -1 && d <= 1 {
			return current
		}
	}
	return types.Int64Value(lifetime)
}

func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

func timeoutsAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"create": types.StringType,
		"read":   types.StringType,
		"delete": types.StringType,
	}
}
