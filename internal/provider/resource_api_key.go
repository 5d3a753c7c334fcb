package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
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

	_ resource.ResourceWithConfigValidators = (*apiKeyResource)(nil)
)

const (
	// maxExpiresIn is Hellgate's limit for expires_in: 90 days.
	maxExpiresIn = 7776000

	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute

	// expiryWarningWindow is how close to its expiry a key without
	// rotate_before must be for a plan to warn about it.
	expiryWarningWindow = 7 * 24 * time.Hour

	// privateRefreshedAt is the private-state key holding the provider
	// clock's time at the last refresh (or create). Plans decide about
	// expiry by it rather than by the clock, so that the plan Terraform
	// makes again while applying a saved plan reaches the same decision.
	privateRefreshedAt = "refreshed_at"

	// unconfirmedIDPrefix marks the id of a key whose create may have
	// succeeded on Hellgate although no answer arrived; the rest of the id
	// is the create's idempotency key. Terraform does not keep private
	// state for a failed create, so the id carries it, and Delete uses it
	// to find that key again and revoke it.
	unconfirmedIDPrefix = "unconfirmed-create:"
)

// rotate_before's bounds: a second, up to the longest expires_in.
const (
	minRotateBefore = time.Second
	maxRotateBefore = maxExpiresIn * time.Second
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
	ID        types.String `tfsdk:"id"`
	Scopes    types.Set    `tfsdk:"scopes"`
	ExpiresIn types.Number `tfsdk:"expires_in"`
	CreatedAt types.String `tfsdk:"created_at"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	KeyValue  types.String `tfsdk:"key_value"`

	RotateBefore    types.String `tfsdk:"rotate_before"`
	RevokeOnDestroy types.Bool   `tfsdk:"revoke_on_destroy"`

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
			"Changing `scopes` or `expires_in` replaces the key: a new key is created and the old one revoked.\n\n" +
			"A plan replaces a key that has expired, and with `rotate_before` one that is about to; " +
			"with `lifecycle { create_before_destroy = true }` the new key exists before the old one is revoked. " +
			"Run `terraform apply` regularly (more often than `rotate_before`) to rotate keys on time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key's id, a UUID assigned by Hellgate.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "What the key may do: a set of at least one scope, each one of " +
					scopeList() + ". Changing it replaces the key.",
				ElementType:   types.StringType,
				Required:      true,
				Validators:    validators.ScopeSet(),
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"expires_in": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("Seconds after creation at which Hellgate expires the key, "+
					"from `1` to `%d` (90 days). Omit it for a key that never expires. Changing it replaces the key.", maxExpiresIn),
				Optional:      true,
				Validators:    []validator.Number{validators.Seconds(1, maxExpiresIn)},
				PlanModifiers: []planmodifier.Number{numberplanmodifier.RequiresReplace()},
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
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Replace the key once it is this close to `expires_at`: a duration such as `\"720h\"` "+
					"(units `s`, `m`, `h`), from `%s` to `%s`, and shorter than `expires_in`. Requires `expires_in`. "+
					"The replacement is planned by the first `terraform plan` or `terraform apply` that runs inside that window, "+
					"with a warning that gives the reason (a plan with `-refresh=false` judges by the time of the last refresh); "+
					"combine it with `lifecycle { create_before_destroy = true }` "+
					"so that the new key exists before the old one is revoked. Changing it alone does not replace the key. "+
					"Without it, a plan warns about a key that expires within %s, and replaces a key that has expired.",
					minRotateBefore, maxRotateBefore, "7 days"),
				Optional:   true,
				Validators: []validator.String{validators.Duration(minRotateBefore, maxRotateBefore)},
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
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func scopeList() string {
	return "`" + strings.Join(scopes.All(), "`, `") + "`"
}

// ConfigValidators holds the rules that tie rotate_before and
// revoke_on_destroy to expires_in, so that they fail at validate time,
// before any call to Hellgate.
func (r *apiKeyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{rotationConfigValidator{}}
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, "Resource", &resp.Diagnostics); data != nil {
		r.data = data
	}
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
	// Sorted, so that the same configuration always sends the same body
	// (a create is found again by repeating it, see revokeUnconfirmed).
	slices.Sort(scopeValues)
	in := hellgate.CreateAPIKeyInput{Scopes: scopeValues}
	if v, ok := wholeSeconds(plan.ExpiresIn); ok {
		in.ExpiresIn = &v
	}

	// The idempotency key is chosen here, not in the client, so that a
	// create whose answer was lost can be recovered by a later run.
	in.IdempotencyKey = hellgate.NewIdempotencyKey()
	key, err := r.data.client.CreateAPIKey(ctx, in)
	if err != nil {
		if !createMayHaveSucceeded(err) {
			resp.Diagnostics.AddError("Unable to Create API Key",
				apiErrorDetail("Hellgate did not create the API key", err))
			return
		}
		// Hellgate may hold a key that nobody knows of. Keep what is needed
		// to find it again: Terraform records this object as tainted, and
		// the next apply revokes the key (if it exists) before creating a
		// new one, so no key is left behind.
		resp.Diagnostics.Append(recordUnconfirmedCreate(ctx, &plan, in.IdempotencyKey, resp)...)
		resp.Diagnostics.AddError("Unable to Create API Key",
			apiErrorDetail("Hellgate did not confirm that it created the API key. The attempt is recorded in state (as tainted); "+
				"the next apply revokes the key if Hellgate created it, and creates a new one", err))
		return
	}
	tflog.Debug(ctx, "created API key", map[string]any{"id": key.ID})

	// Everything Terraform needs is in the create response: no GET follows.
	resp.Diagnostics.Append(applyAPIKey(ctx, &plan, key)...)
	plan.KeyValue = types.StringValue(key.KeyValue)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setRefreshedAt(ctx, resp.Private, r.data.clock())...)
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

	if strings.HasPrefix(state.ID.ValueString(), unconfirmedIDPrefix) {
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
		resp.Diagnostics.AddError("Unable to Read API Key",
			apiErrorDetail(fmt.Sprintf("Hellgate did not return the API key %s", state.ID.ValueString()), err))
		return
	}

	// An expired key stays in state (Hellgate still returns it): the plan
	// replaces it and says why, instead of recreating it as if it had been
	// deleted outside Terraform.
	resp.Diagnostics.Append(applyAPIKey(ctx, &state, key)...)
	if state.RevokeOnDestroy.IsNull() || state.RevokeOnDestroy.IsUnknown() {
		// Imported, or written by a version without the attribute.
		state.RevokeOnDestroy = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(setRefreshedAt(ctx, resp.Private, r.data.clock())...)
}

// Update only ever changes provider-side settings (rotate_before,
// revoke_on_destroy, timeouts): every attribute that Hellgate stores forces
// a replacement. It makes no API call.
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

	if ik, ok := strings.CutPrefix(state.ID.ValueString(), unconfirmedIDPrefix); ok {
		r.revokeUnconfirmed(ctx, &state, ik, resp)
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
		r.modifyDestroyPlan(ctx, req, resp)
		return
	}
	plan, diags := readPlanAttributes(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A new key without expires_in never expires: say so in the plan
	// instead of "(known after apply)".
	if req.State.Raw.IsNull() || plan.ID.IsUnknown() {
		if plan.ExpiresIn.IsNull() && plan.ExpiresAt.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("expires_at"), types.StringNull())...)
		}
		return
	}

	state, diags := readPlanAttributes(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if strings.HasPrefix(state.ID.ValueString(), unconfirmedIDPrefix) {
		// Even if someone untainted it, a placeholder is never kept.
		for _, attr := range []string{"id", "created_at", "expires_at", "key_value"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), types.StringUnknown())...)
		}
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id"))
		return
	}
	if state.ExpiresAt.IsNull() || state.ExpiresAt.IsUnknown() {
		return // never expires
	}
	expiresAt, err := time.Parse(time.RFC3339, state.ExpiresAt.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Invalid Expiry Time in State",
			fmt.Sprintf("The API key %s has expires_at %q in state, which is not an RFC 3339 timestamp. %s",
				state.ID.ValueString(), state.ExpiresAt.ValueString(), bugReport))
		return
	}
	if !plan.Scopes.Equal(state.Scopes) || !plan.ExpiresIn.Equal(state.ExpiresIn) {
		return // replaced anyway, for the change of configuration
	}

	now, diags := r.planTime(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// An invalid or unknown rotate_before is left to its validator, or to
	// the plan made while applying.
	var rotateBefore time.Duration
	if !plan.RotateBefore.IsNull() && !plan.RotateBefore.IsUnknown() {
		rotateBefore, _ = time.ParseDuration(plan.RotateBefore.ValueString())
	}

	id, when := state.ID.ValueString(), formatTime(expiresAt)
	switch decideRotation(now, expiresAt, rotateBefore) {
	case rotationExpired:
		resp.Diagnostics.AddWarning("API Key Expired",
			fmt.Sprintf("The API key %s expired at %s (%s ago) and no longer authenticates. "+
				"Terraform will replace it with a new key. Set rotate_before, with lifecycle { create_before_destroy = true }, "+
				"to replace keys before they expire.", id, when, roundDuration(now.Sub(expiresAt))))
	case rotationDue:
		resp.Diagnostics.AddWarning("API Key Due for Rotation",
			fmt.Sprintf("The API key %s expires at %s, in %s, which is within rotate_before (%s). "+
				"Terraform will replace it with a new key.", id, when, roundDuration(expiresAt.Sub(now)), plan.RotateBefore.ValueString()))
	case rotationSoon:
		if plan.RotateBefore.IsUnknown() {
			return
		}
		resp.Diagnostics.AddWarning("API Key Expires Soon",
			fmt.Sprintf("The API key %s expires at %s, in %s, and nothing replaces it before then. "+
				"Set rotate_before (with lifecycle { create_before_destroy = true }) to have a plan replace it in time, "+
				"or replace it now with terraform apply -replace=ADDRESS.", id, when, roundDuration(expiresAt.Sub(now))))
		return
	default:
		return
	}

	// Replace: the new key's server-set values are unknown, and the change
	// of expires_at is what forces the replacement (Terraform shows it as
	// "# forces replacement").
	for _, attr := range []string{"id", "created_at", "expires_at", "key_value"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), types.StringUnknown())...)
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("expires_at"))
}

// createMayHaveSucceeded reports whether a failed create may still have
// made a key: no answer arrived (connection dropped, timeout) or the server
// failed (5xx). A 4xx answer means Hellgate refused the request, and a
// request that never reached a server (unknown host, refused connection)
// made nothing.
func createMayHaveSucceeded(err error) bool {
	if hellgate.NeverSent(err) {
		return false // no attempt reached a server
	}
	var apiErr *hellgate.Error
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500
	}
	return !errors.Is(err, hellgate.ErrRedirect)
}

// recordUnconfirmedCreate writes the tainted placeholder of a create that
// got no answer: the configured values, null for what only Hellgate knows,
// and an id that carries the create's idempotency key.
func recordUnconfirmedCreate(ctx context.Context, plan *apiKeyModel, idempotencyKey string, resp *resource.CreateResponse) diag.Diagnostics {
	plan.ID = types.StringValue(unconfirmedIDPrefix + idempotencyKey)
	plan.CreatedAt, plan.KeyValue = types.StringNull(), types.StringNull()
	if plan.ExpiresAt.IsUnknown() {
		plan.ExpiresAt = types.StringNull()
	}
	if plan.RevokeOnDestroy.IsUnknown() {
		plan.RevokeOnDestroy = types.BoolValue(true)
	}
	return resp.State.Set(ctx, plan)
}

// revokeUnconfirmed cleans up after a create that got no answer: it sends
// the same create again with the same idempotency key, which returns the key
// Hellgate made (or makes one now), and revokes that key. Nobody received
// its secret, so it is revoked whatever revoke_on_destroy says.
func (r *apiKeyResource) revokeUnconfirmed(ctx context.Context, state *apiKeyModel, idempotencyKey string, resp *resource.DeleteResponse) {
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	var scopeValues []string
	resp.Diagnostics.Append(state.Scopes.ElementsAs(ctx, &scopeValues, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	slices.Sort(scopeValues)
	in := hellgate.CreateAPIKeyInput{Scopes: scopeValues, IdempotencyKey: idempotencyKey}
	if v, ok := wholeSeconds(state.ExpiresIn); ok {
		in.ExpiresIn = &v
	}
	key, err := r.data.client.CreateAPIKey(ctx, in)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Revoke Unconfirmed API Key",
			apiErrorDetail("An earlier create got no answer from Hellgate, and the provider could not look up the key it may have made "+
				"(by sending the same request with the same idempotency key); it stays in state so the next apply tries again", err))
		return
	}
	tflog.Info(ctx, "found the API key of a create that got no answer, revoking it", map[string]any{"id": key.ID})
	if err := r.data.client.DeleteAPIKey(ctx, key.ID); err != nil && !hellgate.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Revoke Unconfirmed API Key",
			apiErrorDetail(fmt.Sprintf("An earlier create got no answer from Hellgate; it had made the API key %s, which the provider "+
				"could not revoke. It stays in state so the next apply tries again", key.ID), err))
	}
}

// planAttributes are the attributes ModifyPlan decides by. Reading them
// one by one costs a fraction of decoding the whole object into
// apiKeyModel, which a plan of hundreds of keys does for every key.
type planAttributes struct {
	ID           types.String
	Scopes       types.Set
	ExpiresIn    types.Number
	ExpiresAt    types.String
	RotateBefore types.String
}

// attributeGetter is tfsdk.Plan or tfsdk.State.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

func readPlanAttributes(ctx context.Context, from attributeGetter) (planAttributes, diag.Diagnostics) {
	var a planAttributes
	var diags diag.Diagnostics
	diags.Append(from.GetAttribute(ctx, path.Root("id"), &a.ID)...)
	diags.Append(from.GetAttribute(ctx, path.Root("scopes"), &a.Scopes)...)
	diags.Append(from.GetAttribute(ctx, path.Root("expires_in"), &a.ExpiresIn)...)
	diags.Append(from.GetAttribute(ctx, path.Root("expires_at"), &a.ExpiresAt)...)
	diags.Append(from.GetAttribute(ctx, path.Root("rotate_before"), &a.RotateBefore)...)
	return a, diags
}

// modifyDestroyPlan says in a destroy plan that a key with
// revoke_on_destroy = false stays valid until it expires.
func (r *apiKeyResource) modifyDestroyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state apiKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.RevokeOnDestroy.IsNull() || state.RevokeOnDestroy.ValueBool() {
		return
	}
	resp.Diagnostics.AddWarning("API Key Will Not Be Revoked",
		fmt.Sprintf("revoke_on_destroy is false, so destroying the API key %s removes it from Terraform state without revoking it: "+
			"it stays valid on Hellgate until it expires at %s.", state.ID.ValueString(), expiresAtText(state.ExpiresAt)))
}

// planTime is the time a plan judges expiry by: the provider clock's time
// at the last refresh, kept in private state. The plan that Terraform makes
// again while applying (a saved plan, possibly much later) sees the same
// private state and so plans the same action; a time read from the clock
// here could turn a planned update into a replacement, which Terraform
// rejects as an inconsistent final plan. Without a refresh time (-refresh=false
// on a state from an older version) the clock is used.
func (r *apiKeyResource) planTime(ctx context.Context, private privateState) (time.Time, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateRefreshedAt)
	if diags.HasError() || len(raw) == 0 {
		return r.data.clock(), diags
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return r.data.clock(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return r.data.clock(), nil
	}
	return t, nil
}

// privateState is the part of the framework's private state that planTime
// and setRefreshedAt use.
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

// clock returns the provider's time source; the system clock when the
// provider was not configured.
func (d *providerData) clock() time.Time {
	if d == nil || d.now == nil {
		return time.Now()
	}
	return d.now()
}

type rotation int

const (
	rotationNone    rotation = iota
	rotationSoon             // within expiryWarningWindow, no rotate_before: warn only
	rotationDue              // within rotate_before of expires_at: replace
	rotationExpired          // past expires_at: replace
)

// decideRotation is the expiry rule of a plan, as a pure function.
// rotateBefore 0 means none is set.
func decideRotation(now, expiresAt time.Time, rotateBefore time.Duration) rotation {
	switch {
	case !now.Before(expiresAt):
		return rotationExpired
	case rotateBefore > 0 && !now.Before(expiresAt.Add(-rotateBefore)):
		return rotationDue
	case rotateBefore == 0 && expiresAt.Sub(now) <= expiryWarningWindow:
		return rotationSoon
	}
	return rotationNone
}

// roundDuration shortens a duration for messages: whole seconds, and whole
// minutes beyond an hour.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Hour {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}

func expiresAtText(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return "(never: the key has no expiry)"
	}
	return v.ValueString()
}

// rotationConfigValidator checks the attributes that only make sense for a
// key that expires.
type rotationConfigValidator struct{}

func (rotationConfigValidator) Description(context.Context) string {
	return "rotate_before and revoke_on_destroy = false require expires_in; rotate_before must be shorter than expires_in"
}

func (v rotationConfigValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (rotationConfigValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var ei types.Number
	var rb types.String
	var rod types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("expires_in"), &ei)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("rotate_before"), &rb)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("revoke_on_destroy"), &rod)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if !rb.IsNull() && !rb.IsUnknown() {
		switch {
		case ei.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Invalid Attribute Combination",
				fmt.Sprintf("Attribute rotate_before (%q) requires expires_in: only a key that expires can be rotated before it does. "+
					"Set expires_in (seconds, from 1 to %d), or remove rotate_before.", rb.ValueString(), maxExpiresIn))
		case !ei.IsUnknown():
			seconds, whole := wholeSeconds(ei)
			d, err := time.ParseDuration(rb.ValueString())
			lifetime := time.Duration(seconds) * time.Second
			if whole && err == nil && d >= lifetime {
				resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Invalid Attribute Combination",
					fmt.Sprintf("Attribute rotate_before (%q) must be shorter than expires_in (%d seconds, %s): "+
						"otherwise every new key would be due for rotation as soon as it is created. "+
						"Choose a rotate_before below %s, or a longer expires_in.",
						rb.ValueString(), seconds, lifetime, lifetime))
			}
		}
	}
	if !rod.IsNull() && !rod.IsUnknown() && !rod.ValueBool() && ei.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("revoke_on_destroy"), "Invalid Attribute Combination",
			"Attribute revoke_on_destroy = false requires expires_in: a key left unrevoked must expire on its own, "+
				"and a key without expires_in never does. Set expires_in, or remove revoke_on_destroy (it defaults to true).")
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
	if m.Timeouts.IsNull() || m.Timeouts.IsUnknown() {
		m.Timeouts = timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes())}
	}
	return diags
}

// reconcileExpiresIn derives expires_in from the key's lifetime. The
// configured value is kept while it matches (within a second, since a
// server may round its timestamps), so that an unchanged key never plans a
// replacement; an imported key gets its lifetime as expires_in, so a
// matching configuration plans no change.
func reconcileExpiresIn(current types.Number, k *hellgate.APIKey) types.Number {
	if k.ExpiresAt == nil {
		return types.NumberNull()
	}
	lifetime := int64(k.ExpiresAt.Sub(k.CreatedAt).Round(time.Second) / time.Second)
	if v, ok := wholeSeconds(current); ok {
		if d := v - lifetime; d >= -1 && d <= 1 {
			return current
		}
	}
	return types.NumberValue(new(big.Float).SetInt64(lifetime))
}

// wholeSeconds returns a known, whole number of seconds; validation has
// rejected anything else before a plan is made.
func wholeSeconds(n types.Number) (int64, bool) {
	if n.IsNull() || n.IsUnknown() || n.ValueBigFloat() == nil || !n.ValueBigFloat().IsInt() {
		return 0, false
	}
	v, acc := n.ValueBigFloat().Int64()
	return v, acc == big.Exact
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
