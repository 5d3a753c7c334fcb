package provider

// A create of hellgate_api_key that got no answer: it may have made a key
// on Hellgate without the provider learning of it, so Create keeps it in
// state as a tainted placeholder, and the next apply's Delete finds that
// key again (unanswered_create.go) and revokes it. The placeholder's id
// and what a recovery tells the user are internal/unanswered's.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
)

// recordUnansweredCreate writes the tainted placeholder of a create that
// got no answer: the configured values, null for what only Hellgate knows,
// and an id that carries the create's idempotency key and when it was
// attempted. It is written to *state, an object of type typ.
func recordUnansweredCreate(ctx context.Context, plan *apiKeyModel, c unanswered.Create, state *tftypes.Value, typ tftypes.Type) diag.Diagnostics {
	plan.ID = types.StringValue(c.PlaceholderID())
	plan.CreatedAt, plan.KeyValue = types.StringNull(), types.StringNull()
	plan.SecretVersion = types.Int64Null()
	if plan.ExpiresAt.IsUnknown() {
		plan.ExpiresAt = types.StringNull()
	}
	if plan.RevokeOnDestroy.IsUnknown() {
		plan.RevokeOnDestroy = types.BoolValue(true)
	}
	return plan.writeTo(ctx, state, typ)
}

// cleanUpUnansweredCreate is Delete of a placeholder: it repeats the
// create with its idempotency key and revokes the key Hellgate returns
// (nobody received its secret, so it is revoked whatever revoke_on_destroy
// says). Keys that merely look like the one the create may have made are
// named in a warning, never revoked, and the placeholder is resolved, so
// the next apply converges. Only when the repeat fails without a definite
// answer, or the run is stopped before the recovery finishes, does Delete
// fail and keep the placeholder, so that the next apply tries again.
func (r *apiKeyResource) cleanUpUnansweredCreate(ctx context.Context, state *apiKeyModel, resp *resource.DeleteResponse) {
	c, ok := unanswered.ParsePlaceholderID(state.ID.ValueString())
	if !ok {
		resp.Diagnostics.AddError("Invalid Placeholder ID in State",
			fmt.Sprintf("The placeholder of an unanswered create has the id %q, which the provider cannot read. %s",
				state.ID.ValueString(), bugReport))
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	in, diags := createInput(ctx, state.Scopes, state.ExpiresIn)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	in.IdempotencyKey = c.In.IdempotencyKey
	c.In = in
	// The delete timeout stored with the placeholder cannot be changed by
	// any configuration, so one too short must not wedge every apply.
	ctx, cancel := context.WithTimeout(ctx, atLeastDefault(timeout, defaultDeleteTimeout))
	defer cancel()

	out, err := recoverUnansweredCreate(ctx, r.data.client, r.data.now, &c)
	if err != nil {
		resp.Diagnostics.AddError(apiErrorSummary(unanswered.FailedSummary, err),
			apiErrorDetail(unanswered.FailedDetail(c, out, err), err))
		return
	}
	if summary, detail, ok := unanswered.Warning(c, out); ok {
		resp.Diagnostics.AddWarning(summary, detail)
	}
}
