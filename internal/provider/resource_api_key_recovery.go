package provider

// Creates that got no answer: a create that may have made a key on Hellgate
// without the provider learning of it is kept in state as a tainted
// placeholder, and the next apply finds that key again and revokes it.

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// unconfirmedIDPrefix marks the id of a key whose create may have
// succeeded on Hellgate although no answer arrived; the rest of the id
// is the create's idempotency key. Terraform does not keep private
// state for a failed create, so the id carries it, and Delete uses it
// to find that key again and revoke it.
const unconfirmedIDPrefix = "unconfirmed-create:"

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
