package provider

// The hellgate_api_key resource: its model, create, read (with the refresh
// time that plans judge expiry by), update, delete and import. Its schema
// is in resource_api_key_schema.go, its plan in resource_api_key_plan.go,
// and the placeholder of a create that got no answer in
// resource_api_key_unanswered.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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

// NewAPIKeyResource returns the hellgate_api_key resource.
func NewAPIKeyResource() resource.Resource {
	return &apiKeyResource{}
}

type apiKeyResource struct {
	data *providerData
}

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
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
		// The next apply may run on another machine, whose clock is off
		// by another amount: the window is recorded on Hellgate's clock,
		// by this run's measure of it, when there is one.
		measureClock(r.data.client, &c)
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
	// Judged now; the time recorded for the next plan decides alike (it is
	// written again whenever it would not), so the status and the plan's
	// replacement always agree.
	now := r.data.now()
	state.RotationStatus = rotationStatus(now, state.ExpiresAt, state.RotateBefore)
	resp.Diagnostics.Append(state.writeTo(ctx, &resp.State.Raw, req.State.Raw.Type())...)
	if refreshTimeChangesDecision(ctx, req.Private, state, now) {
		resp.Diagnostics.Append(setRefreshedAt(ctx, resp.Private, now)...)
	}
}

// privateRefreshedAt is the private-state key holding the provider
// clock's time at a refresh (or create). Plans decide about expiry by it
// rather than by the clock (planTime), so that the plan Terraform makes
// again while applying a saved plan reaches the same decision. A refresh
// records its time only when the decision at that time differs from the
// decision at the time recorded (see refreshTimeChangesDecision): private
// state is part of what Terraform compares, and a time written at every
// refresh made every `terraform plan -refresh-only -detailed-exitcode` exit
// 2, as if something had drifted.
const privateRefreshedAt = "refreshed_at"

// refreshTimeChangesDecision reports whether a refresh at now must record
// its time: when none is recorded, or when the expiry decision (expired,
// due for rotation, expiring soon, nothing) for the key in state differs
// between the recorded time and now. Otherwise the recorded time decides
// exactly as now does, and private state stays as it is.
func refreshTimeChangesDecision(ctx context.Context, private privateState, state apiKeyModel, now time.Time) bool {
	recorded, ok := recordedRefreshTime(ctx, private)
	if !ok {
		return true
	}
	terms, expires, err := readExpiryTerms(state.ExpiresAt, state.ExpiresIn, state.RotateBefore)
	if err != nil {
		return true
	}
	return expires && terms.decide(recorded) != terms.decide(now)
}

// privateState is the part of the framework's private state that
// setRefreshedAt and the plan's planTime use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func setRefreshedAt(ctx context.Context, private privateState, now time.Time) diag.Diagnostics {
	raw, err := json.Marshal(now.UTC().Format(time.RFC3339Nano))
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Unable to Record Refresh Time", err.Error()+" "+bugReport)
		return diags
	}
	return private.SetKey(ctx, privateRefreshedAt, raw)
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
