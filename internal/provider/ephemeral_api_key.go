package provider

// The ephemeral hellgate_api_key: a key made when Terraform opens it and
// revoked when the run closes it, never written to state or a plan; Open
// recovers a create that got no answer at once.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

// The ephemeral resource implements Open and Close but not Renew: every key
// it opens has a required expires_in, so it dies on its own, and a run that
// outlives it should get a fresh key in the next run rather than have this
// one kept alive. Renewing would also have nothing to do: Hellgate cannot
// extend a key's lifetime.
var (
	_ ephemeral.EphemeralResource              = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure = (*apiKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*apiKeyEphemeralResource)(nil)
)

// privateKeyEphemeralAPIKey names the private data that Open hands to Close.
const privateKeyEphemeralAPIKey = "api_key"

// NewAPIKeyEphemeralResource returns the hellgate_api_key ephemeral resource.
func NewAPIKeyEphemeralResource() ephemeral.EphemeralResource {
	return &apiKeyEphemeralResource{}
}

type apiKeyEphemeralResource struct {
	data *providerData
}

type apiKeyEphemeralModel struct {
	ID        types.String `tfsdk:"id"`
	Scopes    types.Set    `tfsdk:"scopes"`
	ExpiresIn types.Number `tfsdk:"expires_in"`
	CreatedAt types.String `tfsdk:"created_at"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	KeyValue  types.String `tfsdk:"key_value"`
}

// ephemeralKeyPrivate is what Close needs to revoke the key, and to say
// which key it failed to revoke. It never holds the secret.
type ephemeralKeyPrivate struct {
	ID        string `json:"id"`
	ExpiresAt string `json:"expires_at"`
}

func (r *apiKeyEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived API key of a Hellgate Guardian cluster that exists only while Terraform runs. " +
			"The key is created when Terraform opens the ephemeral resource (during plan and again during apply) and " +
			"revoked when the run ends; it is never written to state or to a plan file. " +
			"Use it to configure another provider, to feed a write-only attribute, or for a one-off job. " +
			"`expires_in` is required, so a key that could not be revoked still expires by itself. " +
			"Requires Terraform 1.10 or later, or OpenTofu 1.11 or later.",
		Attributes: map[string]schema.Attribute{
			"scopes": schema.SetAttribute{
				MarkdownDescription: descScopes,
				ElementType:         types.StringType,
				Required:            true,
				Validators:          validators.ScopeSet(),
			},
			"expires_in": schema.NumberAttribute{
				MarkdownDescription: descExpiresIn + " Required: should the revoke at the end of the run fail, " +
					"the key still dies on its own. Choose it a little longer than the run.",
				Required:   true,
				Validators: []validator.Number{validators.Seconds(1, maxExpiresIn)},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: descID,
				Computed:            true,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: descCreatedAt,
				Computed:            true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: descExpiresAtPrefix + ".",
				Computed:            true,
			},
			"key_value": schema.StringAttribute{
				MarkdownDescription: descKeyValue + ", and never stored.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (r *apiKeyEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if data := configuredData(req.ProviderData, "Ephemeral Resource", &resp.Diagnostics); data != nil {
		r.data = data
	}
}

func (r *apiKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var cfg apiKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Terraform and OpenTofu open an ephemeral resource only once its
	// configuration is wholly known, and reject a result that is not, so an
	// unknown here can only be explained, not worked around.
	if cfg.Scopes.IsUnknown() || cfg.ExpiresIn.IsUnknown() {
		resp.Diagnostics.AddError("Ephemeral API Key Configuration Not Known",
			"Unable to create the ephemeral API key: scopes or expires_in is not known yet. "+
				"Set them to values known at plan time.")
		return
	}
	if r.data == nil || r.data.client == nil {
		notConfigured(&resp.Diagnostics, "create the ephemeral API key")
		return
	}

	// stop is Open's own context, which Terraform cancels to stop the
	// provider; ctx adds the create's deadline, which a stop is told from.
	stop := ctx
	ctx, cancel := context.WithTimeout(ctx, defaultCreateTimeout)
	defer cancel()

	in, diags := createInput(ctx, cfg.Scopes, cfg.ExpiresIn) // expires_in is required and validated
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	warnEscalation(&resp.Diagnostics, in.Scopes, "Terraform opens an ephemeral API key for this run")
	// One idempotency key for this Open, reused by the client's retries, so a
	// create whose answer was lost is replayed rather than made twice.
	in.IdempotencyKey = hellgate.NewIdempotencyKey()
	attempted := r.data.now()
	key, err := r.data.client.CreateAPIKeyThroughStop(ctx, in)
	if err != nil {
		if hellgate.MayHaveCommitted(err) {
			r.recoverUnansweredOpen(stop, unanswered.Create{In: in, From: attempted, Until: r.data.now(), RepeatedAtOnce: true}, &resp.Diagnostics)
		}
		resp.Diagnostics.AddError(apiErrorSummary("Unable to Create Ephemeral API Key", err),
			apiErrorDetail("Hellgate did not create the ephemeral API key", err))
		return
	}
	tflog.Debug(ctx, "created ephemeral API key", map[string]any{"id": key.ID})
	if errors.Is(ctx.Err(), context.Canceled) {
		// Terraform stopped the run while Hellgate made the key: nothing
		// will use it, and a failed Open is never closed.
		priv := ephemeralKeyPrivate{ID: key.ID, ExpiresAt: ephemeralModelFromAPI(cfg, key).ExpiresAt.ValueString()}
		r.revoke(stop, priv, &resp.Diagnostics)
		resp.Diagnostics.AddError("Ephemeral API Key Not Opened",
			fmt.Sprintf("Terraform stopped the run while Hellgate made the ephemeral API key %s. Nothing will use it, "+
				"so it has been revoked (a warning above says so if that failed).", key.ID))
		return
	}

	result := ephemeralModelFromAPI(cfg, key)
	priv := ephemeralKeyPrivate{ID: key.ID, ExpiresAt: result.ExpiresAt.ValueString()}
	raw, err := json.Marshal(priv)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Record Ephemeral API Key",
			fmt.Sprintf("Could not record the id of the ephemeral API key %s for revocation: %s. %s", key.ID, err, bugReport))
	} else {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateKeyEphemeralAPIKey, raw)...)
	}
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Result.Set(ctx, &result)...)
	}
	if resp.Diagnostics.HasError() {
		// A failed Open is never closed, so revoke the key here.
		r.revoke(stop, priv, &resp.Diagnostics)
	}
}

func (r *apiKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateKeyEphemeralAPIKey)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || len(raw) == 0 {
		return // Open created nothing.
	}
	var priv ephemeralKeyPrivate
	if err := json.Unmarshal(raw, &priv); err != nil || priv.ID == "" {
		resp.Diagnostics.AddWarning("Unable to Revoke Ephemeral API Key",
			"The provider could not read which ephemeral API key to revoke, so a key made during this run may still be live "+
				"until it expires (after its expires_in). "+bugReport)
		return
	}
	if r.data == nil || r.data.client == nil {
		resp.Diagnostics.AddWarning("Unable to Revoke Ephemeral API Key", revokeFailedDetail(priv, "the provider is not configured"))
		return
	}

	r.revoke(ctx, priv, &resp.Diagnostics)
}

// revoke deletes the key; a key that is already gone is fine, any other
// failure is a warning that names the key and its expiry. ctx is the
// call's own context, which a stop cancels: until then the revoke has the
// client's retries, within defaultDeleteTimeout; after a stop (before or
// during the revoke) it is one attempt on a short timeout
// (hellgate.Client.RevokeAPIKeyThroughStop).
func (r *apiKeyEphemeralResource) revoke(ctx context.Context, priv ephemeralKeyPrivate, diags *diag.Diagnostics) {
	ctx, cancel := untilStopped(ctx, defaultDeleteTimeout)
	defer cancel()

	if err := r.data.client.RevokeAPIKeyThroughStop(ctx, priv.ID); err != nil {
		diags.AddWarning("Unable to Revoke Ephemeral API Key", revokeFailedDetail(priv, err.Error()))
		return
	}
	tflog.Debug(ctx, "revoked ephemeral API key (or it was already gone)", map[string]any{"id": priv.ID})
}

// recoverUnansweredOpen cleans up after a create that got no answer
// during Open: a failed Open is never closed, so a key it made would stay
// live until it expires. Unless the run was stopped (CreateAPIKeyThroughStop has then
// repeated the create once already), it repeats the create with its
// idempotency key and revokes the key Hellgate returns, with a time of its
// own (the create's may be spent) but not past a stop: ctx is Open's own
// context, and once Terraform stops the provider no listing starts. Where
// that does not settle it, it warns with what may still be live and until
// when, naming the keys that look like it, which it never revokes.
func (r *apiKeyEphemeralResource) recoverUnansweredOpen(ctx context.Context, c unanswered.Create, diags *diag.Diagnostics) {
	var out unanswered.Outcome
	var err error
	if ctx.Err() == nil {
		rctx, cancel := untilStopped(ctx, defaultDeleteTimeout)
		defer cancel()
		out, err = recoverUnansweredCreate(rctx, r.data.client, r.data.now, &c)
		if err == nil && out.Settled() {
			return
		}
	} else {
		measureClock(r.data.client, &c)
	}
	what := unanswered.EphemeralDetail(c, out)
	if err != nil {
		what = apiErrorDetail(strings.TrimSuffix(what, "."), err)
	}
	diags.AddWarning(unanswered.EphemeralSummary, what)
}

// revokeFailedDetail says which key is still live and until when, so that
// a failed revoke is never a silent leak.
func revokeFailedDetail(priv ephemeralKeyPrivate, cause string) string {
	return fmt.Sprintf("Hellgate did not revoke the ephemeral API key %s at the end of the run, so it stays live until it expires at %s. "+
		"Revoke it by hand if it must not live that long (DELETE /api/admin/api-keys/%s).\n\n%s",
		priv.ID, priv.ExpiresAt, priv.ID, cause)
}

// ephemeralModelFromAPI maps a newly created key to the ephemeral
// resource's result. scopes and expires_in stay as configured: Hellgate
// grants exactly what was asked.
func ephemeralModelFromAPI(cfg apiKeyEphemeralModel, k *hellgate.APIKey) apiKeyEphemeralModel {
	return apiKeyEphemeralModel{
		ID:        types.StringValue(k.ID),
		Scopes:    cfg.Scopes,
		ExpiresIn: cfg.ExpiresIn,
		CreatedAt: types.StringValue(formatTime(k.CreatedAt)),
		ExpiresAt: expiresAtValue(k),
		KeyValue:  types.StringValue(k.KeyValue),
	}
}
