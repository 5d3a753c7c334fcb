package provider

// The hellgate_api_key resource: its schema, create, read, update, delete
// and import. The plan, and the recovery of creates that got no answer,
// are in resource_api_key_plan.go and resource_api_key_recovery.go.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

var (
	_ resource.Resource                = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigure   = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiKeyResource)(nil)

	_ resource.ResourceWithConfigValidators = (*apiKeyResource)(nil)
)

// rotate_before's bounds: a second, up to the longest expires_in.
const (
	minRotateBefore = time.Second
	maxRotateBefore = maxExpiresIn * time.Second
)

// NewAPIKeyResource returns the hellgate_api_key resource.
func NewAPIKeyResource() resource.Resource {
	return &apiKeyResource{}
}

type apiKeyResource struct {
	data *providerData
}

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

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API key of a Hellgate Guardian cluster, with the scopes a service needs. " +
			"The key's secret, `key_value`, is returned by Hellgate only when the key is created; " +
			"the provider keeps it in state (as a sensitive value) so it can be passed to a secret store or another resource. " +
			"Changing `scopes`, `expires_in` or `keepers` replaces the key: a new key is created and the old one revoked.\n\n" +
			"A plan replaces a key that has expired, and with `rotate_before` one that is about to; " +
			"with `lifecycle { create_before_destroy = true }` the new key exists before the old one is revoked. " +
			"Run `terraform apply` regularly (more often than `rotate_before`) to rotate keys on time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: descID,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: descScopes + " Changing it replaces the key, so that a secret already handed out never gains privileges.",
				ElementType:         types.StringType,
				Required:            true,
				Validators:          validators.ScopeSet(),
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"expires_in": schema.NumberAttribute{
				MarkdownDescription: descExpiresIn + " Omit it for a key that never expires. Changing it replaces the key.",
				Optional:            true,
				Validators:          []validator.Number{validators.Seconds(1, maxExpiresIn)},
				PlanModifiers:       []planmodifier.Number{numberplanmodifier.RequiresReplace()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: descCreatedAt,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: descExpiresAt,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_value": schema.StringAttribute{
				MarkdownDescription: descKeyValue + ". " +
					"Hellgate returns it only when the key is created, so it is known after the first apply and kept in state; " +
					"for an imported key it is null, unless the import was given the key's secret (see Import).",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"secret_version": schema.Int64Attribute{
				MarkdownDescription: "A version number for the key's secret, for a secret store's write-only version argument " +
					"(such as `data_json_wo_version` or `secret_string_wo_version`): it changes exactly when the key is replaced, " +
					"is larger for every new key than for the key it replaces, and fits a 32-bit signed integer until 2041. " +
					"It counts quarter seconds of Hellgate's `created_at` since 2024-01-01T00:00:00Z, plus one " +
					"(a key created earlier has `1`); a create waits out the rest of its quarter second, " +
					"so that the next key is always in a later one.",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Replace the key once it is this close to `expires_at`: a duration such as `\"720h\"` "+
					"(units `s`, `m`, `h`), from `%s` to `%s`, and shorter than `expires_in`. Requires `expires_in`. "+
					"The replacement is planned by the first `terraform plan` or `terraform apply` that runs inside that window, "+
					"with a warning that gives the reason (a plan with `-refresh=false` judges by the time of the last refresh); "+
					"combine it with `lifecycle { create_before_destroy = true }` "+
					"so that the new key exists before the old one is revoked. Changing it alone does not replace the key. "+
					"Without it, a plan warns about a key within %s of its expiry, or within the last quarter of its life "+
					"if that is shorter (the last 6 hours of a key that lives a day), and replaces a key that has expired.",
					minRotateBefore, maxRotateBefore, "7 days"),
				Optional:   true,
				Validators: []validator.String{validators.Duration(minRotateBefore, maxRotateBefore)},
			},
			"rotation_status": schema.StringAttribute{
				MarkdownDescription: "What the last refresh found due: `\"rotation_due\"` once the key is within `rotate_before` of `expires_at`, " +
					"`\"expired\"` once `expires_at` has passed, and null while nothing is due (always, for a key that never expires). " +
					"Every refresh sets it by the provider's clock and the `rotate_before` in state, so `terraform plan -refresh-only` " +
					"(what drift detection and health checks run) shows a key that has become due as a change of this attribute, " +
					"while ordinary runs show nothing. The plan that replaces a due key plans it null, since a new key is not due; " +
					"a `check` block can assert `rotation_status == null`.",
				Computed: true,
			},
			"revoke_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying or replacing the key revokes it on Hellgate at once. Defaults to `true`. " +
					"Set to `false`, the old key is left to expire on its own (at its `expires_at`), so that services still " +
					"holding it keep working until they pick up the new one; Hellgate cannot shorten a key's life after creation. " +
					"Allowed only together with `expires_in`, so that a key that never expires is never abandoned. " +
					"Changing it does not replace the key; it applies to the key in state once applied.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"keepers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings that, when any of them changes, replace the key: a new key is created " +
					"and the old one revoked (with `lifecycle { create_before_destroy = true }`, the new key exists first). " +
					"Feed it what a rotation should follow, such as a release version or a date bumped by a scheduled job. " +
					"Adding, changing or removing a value replaces the key; null and an empty map are the same. " +
					"Nothing is sent to Hellgate. Null for an imported key, so a configuration without `keepers` plans no change.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{keepersRequireReplace()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Read: true, Delete: true,
				CreateDescription: fmt.Sprintf("How long creating the key may take, retries included, as a duration of at least one second such as `\"30s\"` or `\"10m\"`. "+
					"Defaults to `\"%s\"`.", defaultCreateTimeout),
				ReadDescription: fmt.Sprintf("How long reading the key during a refresh may take, as a duration of at least one second such as `\"30s\"` or `\"10m\"`. "+
					"Defaults to `\"%[1]s\"`; a shorter value still allows a refresh `\"%[1]s\"`, since a refresh uses the value in state, "+
					"which no configuration can change once the resource is removed from it.", defaultReadTimeout),
				DeleteDescription: fmt.Sprintf("How long revoking the key may take, as a duration of at least one second such as `\"30s\"` or `\"10m\"`. "+
					"Defaults to `\"%[1]s\"`; a shorter value still allows a revoke `\"%[1]s\"`. A destroy uses the value in state, so a change applies "+
					"to destroys after the next apply has saved it, and none applies once the resource is removed from the configuration.", defaultDeleteTimeout),
			}),
		},
	}
}

// ConfigValidators holds the rules that tie rotate_before and
// revoke_on_destroy to expires_in, and the one that every timeout is at
// least one second, so that they fail at validate time, before any call to
// Hellgate.
func (r *apiKeyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{rotationRules, validators.Timeouts()}
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, "Resource", &resp.Diagnostics); data != nil {
		r.data = data
	}
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, diags := apiKeyModelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
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

	in, diags := createInput(ctx, plan.Scopes, plan.ExpiresIn)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The idempotency key is chosen here, not in the client, so that a
	// create whose answer was lost can be recovered by a later run.
	in.IdempotencyKey = hellgate.NewIdempotencyKey()
	attempted := r.data.now()
	key, err := r.data.client.CreateAPIKeyThroughStop(ctx, in)
	if err != nil {
		if !hellgate.MayHaveCommitted(err) {
			resp.Diagnostics.AddError(apiErrorSummary("Unable to Create API Key", err),
				apiErrorDetail("Hellgate did not create the API key", err))
			return
		}
		// Hellgate may hold a key that nobody knows of. Keep what is needed
		// to find it again: Terraform records this object as tainted, and
		// the next apply revokes the key (if it exists) before creating a
		// new one, so no key is left behind.
		c := unanswered.Create{In: in, From: attempted, Until: r.data.now()}
		resp.Diagnostics.Append(recordUnansweredCreate(ctx, &plan, c, &resp.State.Raw, req.Plan.Raw.Type())...)
		resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
		resp.Diagnostics.AddError(apiErrorSummary("Unable to Create API Key", err),
			apiErrorDetail("Hellgate did not confirm that it created the API key. The attempt is recorded in state (as tainted); "+
				"the next apply revokes the key if Hellgate created it, and creates a new one", err))
		return
	}
	tflog.Debug(ctx, "created API key", map[string]any{"id": key.ID})

	// Everything Terraform needs is in the create response: no GET follows.
	resp.Diagnostics.Append(resourceModelFromAPI(ctx, &plan, key)...)
	plan.KeyValue = types.StringValue(key.KeyValue)
	plan.RotationStatus = types.StringNull() // as planned: a new key is not due
	resp.Diagnostics.Append(plan.writeTo(ctx, &resp.State.Raw, req.Plan.Raw.Type())...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
	resp.Diagnostics.Append(setRefreshedAt(ctx, resp.Private, r.data.now())...)
	// The key's successor must get a larger secret_version.
	waitOutSecretVersionStep(ctx, key.CreatedAt)
}

func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := apiKeyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
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
	ctx, cancel := context.WithTimeout(ctx, atLeastDefault(timeout, defaultReadTimeout))
	defer cancel()

	// Recorded before anything else: a state written by a Terraform
	// without identities (before 1.12) gets one on its first refresh, and
	// the framework requires one even when the key turns out to be gone.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)
	if unanswered.IsPlaceholderID(state.ID.ValueString()) {
		// A create that got no answer: nothing to read until Delete has
		// cleaned it up (the object is tainted and will be replaced).
		return
	}
	key, err := r.data.client.GetAPIKey(ctx, state.ID.ValueString())
	if hellgate.IsNotFound(err) {
		// Revoked outside Terraform: forget it, so the next plan creates it anew.
		tflog.Info(ctx, "API key no longer exists on Hellgate, removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(apiErrorSummary("Unable to Read API Key", err),
			apiErrorDetail(fmt.Sprintf("Hellgate did not return the API key %s", state.ID.ValueString()), err))
		return
	}

	// An expired key stays in state (Hellgate still returns it): the plan
	// replaces it and says why, instead of recreating it as if it had been
	// deleted outside Terraform.
	resp.Diagnostics.Append(resourceModelFromAPI(ctx, &state, key)...)
	if state.RevokeOnDestroy.IsNull() || state.RevokeOnDestroy.IsUnknown() {
		// Imported: the import leaves it null.
		state.RevokeOnDestroy = types.BoolValue(true)
	}
	// Judged at the time recorded as the refresh time, which the next plan
	// decides by: the status and the plan's replacement always agree.
	now := r.data.now()
	state.RotationStatus = rotationStatus(now, state.ExpiresAt, state.RotateBefore)
	resp.Diagnostics.Append(state.writeTo(ctx, &resp.State.Raw, req.State.Raw.Type())...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, state.ID)...)
	resp.Diagnostics.Append(setRefreshedAt(ctx, resp.Private, now)...)
}

// Update only ever changes provider-side settings (rotate_before,
// revoke_on_destroy, timeouts): every attribute that Hellgate stores forces
// a replacement. It makes no API call.
func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, diags := apiKeyModelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	state, diags := apiKeyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.CreatedAt, plan.ExpiresAt, plan.KeyValue = state.ID, state.CreatedAt, state.ExpiresAt, state.KeyValue
	plan.SecretVersion = state.SecretVersion
	if plan.RotationStatus.IsUnknown() {
		plan.RotationStatus = types.StringNull() // as planned by ModifyPlan
	}
	resp.Diagnostics.Append(plan.writeTo(ctx, &resp.State.Raw, req.Plan.Raw.Type())...)
	// A plan made with -refresh=false from a state without identity (one
	// written by a Terraform before 1.12) plans none; the framework
	// requires one after an update.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, plan.ID)...)
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, diags := apiKeyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil || r.data.client == nil {
		notConfigured(&resp.Diagnostics, "revoke the API key "+state.ID.ValueString())
		return
	}

	if unanswered.IsPlaceholderID(state.ID.ValueString()) {
		r.cleanUpUnansweredCreate(ctx, &state, resp)
		return
	}
	if !state.RevokeOnDestroy.IsNull() && !state.RevokeOnDestroy.ValueBool() {
		// Left to expire: no API call at all.
		tflog.Info(ctx, "revoke_on_destroy is false: leaving the API key to expire instead of revoking it",
			map[string]any{"id": state.ID.ValueString(), "expires_at": state.ExpiresAt.ValueString()})
		resp.Diagnostics.AddWarning("API Key Left to Expire",
			fmt.Sprintf("revoke_on_destroy is false, so the API key %s was removed from Terraform state but not revoked: "+
				"it stays valid on Hellgate until it expires at %s. To revoke it sooner, delete it with Hellgate's API.",
				state.ID.ValueString(), expiresAtText(state.ExpiresAt)))
		return
	}

	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, atLeastDefault(timeout, defaultDeleteTimeout))
	defer cancel()

	err := r.data.client.DeleteAPIKey(ctx, state.ID.ValueString())
	if err != nil && !hellgate.IsNotFound(err) {
		resp.Diagnostics.AddError(apiErrorSummary("Unable to Revoke API Key", err),
			apiErrorDetail(fmt.Sprintf("Hellgate did not revoke the API key %s; it stays in state so the next apply tries again", state.ID.ValueString()), err))
		return
	}
}

// atLeastDefault returns a read or delete timeout taken from state, or its
// default def when that is longer. Read and Delete have no configuration:
// they use the value saved by the last apply, which no configuration can
// change once the resource is removed from it. Too short a value must not
// leave a key that can be neither refreshed nor revoked.
func atLeastDefault(timeout, def time.Duration) time.Duration {
	return max(timeout, def)
}

func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := importedID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := nullAPIKeyModel()
	m.ID = types.StringValue(id)
	// The secret, when the environment supplies one (resource_api_key_import.go).
	resp.Diagnostics.Append(r.importKeyValue(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.writeTo(ctx, &resp.State.Raw, resp.State.Schema.Type().TerraformType(ctx))...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, types.StringValue(id))...)
}
