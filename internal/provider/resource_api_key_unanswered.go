package provider

// Creates that got no answer: a create that may have made a key on Hellgate
// without the provider learning of it is kept in state as a tainted
// placeholder, and the next apply finds that key again (see
// unanswered_create.go) and revokes it.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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
// attempted. It is written to *state, an object of type typ.
func recordUnconfirmedCreate(ctx context.Context, plan *apiKeyModel, u unansweredCreate, state *tftypes.Value, typ tftypes.Type) diag.Diagnostics {
	plan.ID = types.StringValue(placeholderID(u))
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

// revokeUnconfirmed cleans up after a create that got no answer: it
// repeats the create with its idempotency key and revokes the key Hellgate
// returns (nobody received its secret, so it is revoked whatever
// revoke_on_destroy says). Keys that merely look like the one the create
// may have made are named in a warning, never revoked, and the
// placeholder is resolved, so the next apply converges. Only when the
// repeat fails without a definite answer, or the run is stopped before
// the recovery finishes, does Delete fail and keep the placeholder, so
// that the next apply tries again.
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
	// The delete timeout stored with the placeholder cannot be changed by
	// any configuration, so one too short must not wedge every apply.
	ctx, cancel := context.WithTimeout(ctx, atLeastDefault(timeout, defaultDeleteTimeout))
	defer cancel()

	out, err := recoverUnansweredCreate(ctx, r.data.client, r.data.now, &u)
	if err != nil {
		what := "An earlier create got no answer from Hellgate, and the provider could not finish cleaning up after it " +
			"(by repeating the create with its idempotency key and revoking the key Hellgate returns)."
		if out.revoked != "" {
			what += fmt.Sprintf(" The key %s that the repeat returned has been revoked.", out.revoked)
		}
		what += " The placeholder stays in state, so the next apply tries again"
		if way := wayOut(u, err); way != "" {
			what += ". " + way
		}
		resp.Diagnostics.AddError(apiErrorSummary("Unable to Revoke Unconfirmed API Key", err),
			apiErrorDetail(what, err))
		return
	}
	if summary, detail, ok := recoveryWarning(u, out); ok {
		resp.Diagnostics.AddWarning(summary, detail)
	}
}

// wayOut tells, for a repeat that failed for a reason that no apply fixes
// by itself (the credential is refused, or the requests go to a wrong
// endpoint), how to get out of the placeholder: fix the provider's
// settings, or remove the placeholder by hand and look for its key.
// Empty for a failure that may pass by itself.
func wayOut(u unansweredCreate, err error) string {
	var fix string
	switch {
	case hellgate.IsUnauthorized(err):
		fix = "Hellgate refuses the provider's credential, and every apply fails the same way until it changes: " +
			"set a valid api_key or admin_token (or HELLGATE_API_KEY, HELLGATE_ADMIN_TOKEN) for the provider and apply again."
	case hellgate.IsWrongEndpoint(err) || hellgate.IsNotFromHellgate(err):
		fix = "The requests do not reach Hellgate's API, and every apply fails the same way until that changes: " +
			"correct the provider's cluster_id or endpoint (or HELLGATE_CLUSTER_ID, HELLGATE_ENDPOINT) and apply again."
	default:
		return ""
	}
	return fix + " If that cannot be done, remove the placeholder from state with terraform state rm and the address of this " +
		"resource (the next apply then creates the key anew), look for a key with the scopes " + strings.Join(u.in.Scopes, ", ") +
		" created " + u.window() + " that nothing manages, and revoke it with the hellgate_revoke_api_key action"
}

// recoveryWarning is what a finished recovery tells the user, if anything:
// nothing when the repeat returned the very key the create made.
func recoveryWarning(u unansweredCreate, out recoveryOutcome) (summary, detail string, ok bool) {
	if out.settled() {
		return "", "", false
	}
	if out.unverified {
		return "Unanswered Create Recovered Without Verification",
			fmt.Sprintf("An earlier create got no answer from Hellgate. Repeating it returned the API key %s, which has been revoked. "+
				"The placeholder was written by an older version of the provider and does not record when the create was attempted, "+
				"so the provider could not check that this is the key that create made. If that create was more than a day ago, "+
				"or made with another credential, look for a key with these scopes that no configuration manages, and revoke it "+
				"with the hellgate_revoke_api_key action.", out.revoked), true
	}
	detail = "An earlier create got no answer from Hellgate. "
	if out.revoked != "" {
		detail += fmt.Sprintf("Repeating it with its idempotency key returned the API key %s, which has been revoked, since nobody "+
			"received its secret. Hellgate may have made that key just now (when it no longer remembers the create, or another "+
			"credential repeats it), so the provider looked for other keys the create may have made. ", out.revoked)
	} else {
		detail += fmt.Sprintf("Repeating it with its idempotency key was refused (%s), so the provider looked for "+
			"keys the create may have made. ", out.refused)
		if out.giveUp {
			detail += "No later apply can send that create differently, so the placeholder is not kept for one. "
		}
	}
	switch {
	case len(out.similar) > 0:
		summary = "Unanswered Create May Have Left a Key"
		detail += similarKeysDetail(u, out.similar)
	case out.listErr != nil:
		summary = "Keys of an Unanswered Create Not Looked Up"
		detail += fmt.Sprintf("It could not list the cluster's keys: %s. Look for keys with the scopes %s created %s "+
			"that nothing manages, and revoke them with the hellgate_revoke_api_key action.",
			out.listErr, strings.Join(u.in.Scopes, ", "), u.window())
	case hellgate.IsConflict(out.refused):
		// A 409 may mean that the create is still in progress: its key
		// may be made after the listing.
		summary = "No Key Found Yet for an Unanswered Create"
		detail += fmt.Sprintf("No other key with the same scopes and expires_in was created %s. But Hellgate may answer 409 "+
			"while the earlier create is still in progress, so it may still make its key: look again later for a key with the "+
			"scopes %s created since %s that nothing manages, and revoke it with the hellgate_revoke_api_key action.",
			u.window(), strings.Join(u.in.Scopes, ", "), windowStart(u))
	case !u.offsetKnown:
		summary = "No Key Found for an Unanswered Create"
		detail += fmt.Sprintf("No other key with the same scopes and expires_in was created %s. Hellgate's clock could not be "+
			"compared with this machine's, so a key made by that create may lie outside that window: look for a key with the "+
			"scopes %s created around that time that nothing manages, and revoke it with the hellgate_revoke_api_key action.",
			u.window(), strings.Join(u.in.Scopes, ", "))
	default:
		summary = "No Key Left by an Unanswered Create"
		return summary, detail + fmt.Sprintf("No other key with the same scopes and expires_in was created %s: "+
			"the earlier create did not take effect, or its key has been revoked since. Nothing is left behind.", u.window()), true
	}
	return summary, detail + " The placeholder of that create has been removed from state, so applies go on as usual.", true
}

// windowStart is the start of u's attempt window, for messages.
func windowStart(u unansweredCreate) string {
	from, _ := u.serverWindow()
	return formatTime(from)
}
