package provider

// Creates that got no answer: a create that may have made a key on Hellgate
// without the provider learning of it is kept in state as a tainted
// placeholder, and the next apply finds that key again (see
// unanswered_create.go) and revokes it.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// unconfirmedIDPrefix marks the id of a key whose create may have
// succeeded on Hellgate although no answer arrived. Terraform does not keep
// private state for a failed create, so the id carries what Delete needs to
// find that key again: the create's idempotency key and the attempt window,
// as unconfirmed-create:<idempotency key>@<from>/<until> (RFC 3339). A
// placeholder written by an older version has no window.
const unconfirmedIDPrefix = "unconfirmed-create:"

// placeholderID is the id of the placeholder of u.
func placeholderID(u unansweredCreate) string {
	return unconfirmedIDPrefix + u.in.IdempotencyKey + "@" +
		u.from.UTC().Truncate(time.Second).Format(time.RFC3339) + "/" +
		u.until.UTC().Add(time.Second-time.Nanosecond).Truncate(time.Second).Format(time.RFC3339)
}

// isPlaceholderID reports whether id is that of a placeholder.
func isPlaceholderID(id string) bool {
	return strings.HasPrefix(id, unconfirmedIDPrefix)
}

// parsePlaceholderID reads the idempotency key and the attempt window from
// a placeholder's id.
func parsePlaceholderID(id string) (u unansweredCreate, ok bool) {
	rest, ok := strings.CutPrefix(id, unconfirmedIDPrefix)
	if !ok || rest == "" {
		return u, false
	}
	ik, window, hasWindow := strings.Cut(rest, "@")
	u.in.IdempotencyKey = ik
	if !hasWindow {
		return u, true // written by an older version
	}
	from, until, _ := strings.Cut(window, "/")
	var err1, err2 error
	u.from, err1 = time.Parse(time.RFC3339, from)
	u.until, err2 = time.Parse(time.RFC3339, until)
	return u, ik != "" && err1 == nil && err2 == nil && !u.until.Before(u.from)
}

// recordUnconfirmedCreate writes the tainted placeholder of a create that
// got no answer: the configured values, null for what only Hellgate knows,
// and an id that carries the create's idempotency key and when it was
// attempted.
func recordUnconfirmedCreate(ctx context.Context, plan *apiKeyModel, u unansweredCreate, resp *resource.CreateResponse) diag.Diagnostics {
	plan.ID = types.StringValue(placeholderID(u))
	plan.CreatedAt, plan.KeyValue = types.StringNull(), types.StringNull()
	if plan.ExpiresAt.IsUnknown() {
		plan.ExpiresAt = types.StringNull()
	}
	if plan.RevokeOnDestroy.IsUnknown() {
		plan.RevokeOnDestroy = types.BoolValue(true)
	}
	return resp.State.Set(ctx, plan)
}

// revokeUnconfirmed cleans up after a create that got no answer: it finds
// the key that create made, if any, and revokes it. Nobody received its
// secret, so it is revoked whatever revoke_on_destroy says. Whenever the
// provider cannot be sure that no key is left, Delete fails and the
// placeholder stays in state, so the next apply tries again.
func (r *apiKeyResource) revokeUnconfirmed(ctx context.Context, state *apiKeyModel, resp *resource.DeleteResponse) {
	u, ok := parsePlaceholderID(state.ID.ValueString())
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
	in.IdempotencyKey = u.in.IdempotencyKey
	u.in = in
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	out, err := recoverUnansweredCreate(ctx, r.data.client, r.data.now, u)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Unable to Revoke Unconfirmed API Key",
			apiErrorDetail("An earlier create got no answer from Hellgate, and the provider could not make sure that it left no key behind "+
				"(by repeating the create with its idempotency key, and by listing the keys made when it was attempted). "+
				"The placeholder stays in state, so the next apply tries again", err))
	case len(out.candidates) > 1:
		resp.Diagnostics.AddError("Several Keys May Be Left by an Unanswered Create", severalCandidatesDetail(u, out.candidates))
	case len(out.candidates) == 1:
		// The repeated create's key and this one both fit the window.
		resp.Diagnostics.AddError("A Key May Be Left by an Unanswered Create",
			fmt.Sprintf("An earlier create got no answer from Hellgate. Repeating it so soon after (with another credential, "+
				"or after Hellgate forgot it) returned the key %s, which has been revoked, but the API key %s also has the same scopes "+
				"and expires_in and was created %s: either may be the one that create made. The provider does not guess, and "+
				"leaves %s alone. Revoke it if no configuration manages it (for example with the hellgate_revoke_api_key action), "+
				"then run terraform apply again; or, if it is in use, remove the placeholder with terraform state rm.",
				out.stray, out.candidates[0], u.window(), out.candidates[0]))
	case out.original == "" && out.stray != "":
		resp.Diagnostics.AddWarning("No Key Left by an Unanswered Create",
			fmt.Sprintf("An earlier create got no answer from Hellgate. Repeating it made a new key (%s, revoked at once), "+
				"so Hellgate no longer remembered it, and no key with the same scopes and expires_in was created %s: "+
				"the earlier create did not take effect, or its key has been revoked since. Nothing is left behind.", out.stray, u.window()))
	case out.original == "":
		resp.Diagnostics.AddWarning("No Key Left by an Unanswered Create",
			fmt.Sprintf("An earlier create got no answer from Hellgate, and no key with the same scopes and expires_in was created %s: "+
				"it did not take effect, or its key has been revoked since. Nothing is left behind.", u.window()))
	case out.unverified:
		resp.Diagnostics.AddWarning("Unanswered Create Recovered Without Verification",
			fmt.Sprintf("An earlier create got no answer from Hellgate. Repeating it returned the API key %s, which has been revoked. "+
				"The placeholder was written by an older version of the provider and does not record when the create was attempted, "+
				"so the provider could not check that this is the key that create made. If that create was more than a day ago, "+
				"or made with another credential, look for a key with these scopes that no configuration manages, and revoke it.",
				out.original))
	}
}

// createInput is the create request for the configured scopes and
// expires_in: scopes sorted, so that the same configuration always sends
// the same body (a create is found again by repeating it).
func createInput(ctx context.Context, scopes types.Set, expiresIn types.Number) (hellgate.CreateAPIKeyInput, diag.Diagnostics) {
	var in hellgate.CreateAPIKeyInput
	diags := scopes.ElementsAs(ctx, &in.Scopes, false)
	slices.Sort(in.Scopes)
	if v, ok := wholeSeconds(expiresIn); ok {
		in.ExpiresIn = &v
	}
	return in, diags
}
