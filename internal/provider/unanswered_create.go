package provider

// Finding the key of a create that got no answer, shared by the resource
// (the next apply cleans up a tainted placeholder) and the ephemeral
// resource (Open cleans up at once): repeat the create with its idempotency
// key, accept the answer only if the key was made while the create was
// attempted, and otherwise look for that key by listing. Whatever is found
// is revoked: nobody ever received its secret.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// recoveryClockSkew is how far Hellgate's clock, by which it stamps
// created_at, may be from the provider's, by which the attempt window is
// measured.
const recoveryClockSkew = time.Minute

// unansweredCreate is a create that may have made a key on Hellgate
// without the provider learning of it.
type unansweredCreate struct {
	// in is the create as it was sent: scopes sorted, expires_in, and the
	// idempotency key.
	in hellgate.CreateAPIKeyInput
	// from and until bound when the key was made, if it was: from just
	// before the first attempt was sent to just after the last one ended,
	// by the provider's clock. Both zero when unknown (a placeholder
	// written by an older version of the provider).
	from, until time.Time
	// repeatedAtOnce is set when the create is repeated in the same run,
	// with the same credential, right after it failed: the idempotency
	// record then answers with the original key, if there is one.
	repeatedAtOnce bool
}

// madeWithin reports whether a key created at t may be the one this create
// made.
func (u unansweredCreate) madeWithin(t time.Time) bool {
	return !t.Before(u.from.Add(-recoveryClockSkew)) && !t.After(u.until.Add(recoveryClockSkew))
}

// window describes the attempt window for messages.
func (u unansweredCreate) window() string {
	return fmt.Sprintf("between %s and %s", formatTime(u.from.Add(-recoveryClockSkew)), formatTime(u.until.Add(recoveryClockSkew)))
}

// recoveryOutcome is what a recovery found and did.
type recoveryOutcome struct {
	// original is the key the unanswered create made, found and revoked;
	// empty when there was none (the create never took effect, or the key
	// was revoked since).
	original string
	// stray is a key that the repeated create made anew (its idempotency
	// record was gone, or another credential sent it), revoked at once.
	stray string
	// candidates are keys that may each be the original: none of them is
	// revoked, since the provider never guesses. Exactly one means that
	// the repeated create's key (stray) and that one both fit the attempt
	// window; several, that several keys fit it.
	candidates []string
	// unverified is set when the repeated create's key was accepted
	// without an attempt window to check it against.
	unverified bool
}

// recoverUnansweredCreate finds the key that u may have made and revokes
// it. It repeats the create with the same idempotency key: the key that
// comes back is revoked whatever it is (the original, or a new key nobody
// received). Unless that key was certainly the original, it then lists the
// keys made while u was attempted to find the original. An error means the
// recovery could not finish; what it had found and revoked by then is in
// the outcome.
func recoverUnansweredCreate(ctx context.Context, client *hellgate.Client, now func() time.Time, u unansweredCreate) (recoveryOutcome, error) {
	var out recoveryOutcome
	repeated := now()
	key, err := client.CreateAPIKey(ctx, u.in)
	// inWindow: the repeat answered with a key made while u was attempted,
	// which may be the original.
	inWindow := err == nil && u.madeWithin(key.CreatedAt)
	switch {
	case err == nil && u.from.IsZero():
		// No window to check it against: taken as the original.
		out.original, out.unverified = key.ID, true
		return out, revokeKey(ctx, client, key.ID)
	case err == nil && (u.repeatedAtOnce || inWindow && repeated.After(u.until.Add(2*recoveryClockSkew))):
		// Made while the create was attempted, and the repeat came well
		// after that: the idempotency record answered with the original.
		out.original = key.ID
		tflog.Info(ctx, "found the API key of a create that got no answer, revoking it", map[string]any{"id": key.ID})
		return out, revokeKey(ctx, client, key.ID)
	case err == nil:
		// Either a new key, made just now (the idempotency record has
		// expired, or this run uses another credential than the create
		// did), or the original, repeated too soon to tell by the time.
		// Nobody received it either way.
		out.stray = key.ID
		tflog.Info(ctx, "repeating an unanswered create returned a key that may be new, revoking it and looking for the original by listing",
			map[string]any{"id": key.ID, "created_at": formatTime(key.CreatedAt)})
		if err := revokeKey(ctx, client, key.ID); err != nil {
			return out, err
		}
	case u.from.IsZero():
		return out, err
	case hellgate.IsConflict(err) || hellgate.IsForbidden(err):
		// Refused (the record holds another body, or this credential may
		// not create keys): listing may still find the original.
		tflog.Info(ctx, "repeating an unanswered create was refused, looking for the original by listing", map[string]any{"error": err.Error()})
	default:
		return out, err
	}

	keys, err := client.ListAllAPIKeys(ctx, 0)
	if err != nil {
		return out, fmt.Errorf("listing the API keys to find the one an unanswered create made "+
			"(this needs the admin:api-keys:read scope when the provider uses an API key): %w", err)
	}
	for _, k := range keys {
		if k.ID != out.stray && u.madeWithin(k.CreatedAt) && sameRequest(u.in, k) {
			out.candidates = append(out.candidates, k.ID)
		}
	}
	switch {
	case len(out.candidates) == 0 && inWindow:
		// Nothing else fits: the repeated key was the original after all.
		out.original, out.stray = out.stray, ""
		return out, nil
	case len(out.candidates) == 1 && !inWindow:
		out.original, out.candidates = out.candidates[0], nil
		tflog.Info(ctx, "found the API key of a create that got no answer by listing, revoking it", map[string]any{"id": out.original})
		return out, revokeKey(ctx, client, out.original)
	}
	// Otherwise none fits, or several do; or exactly one does and so did
	// the repeated key: either may be the original, and this one may be
	// somebody else's.
	return out, nil
}

// sameRequest reports whether key k has what the create in asked for: the
// same scopes, and the same lifetime (within a second, as servers round
// timestamps). in.Scopes is as createInput made it: sorted, and without
// duplicates since it came from a set.
func sameRequest(in hellgate.CreateAPIKeyInput, k hellgate.APIKey) bool {
	if !slices.Equal(slices.Compact(slices.Sorted(slices.Values(k.Scopes))), in.Scopes) {
		return false
	}
	lifetime, expires := keyLifetime(&k)
	if in.ExpiresIn == nil || !expires {
		return in.ExpiresIn == nil && !expires
	}
	return lifetimeMatches(*in.ExpiresIn, lifetime)
}

// revokeKey deletes a key; one that is already gone is fine.
func revokeKey(ctx context.Context, client *hellgate.Client, id string) error {
	if err := client.DeleteAPIKey(ctx, id); err != nil && !hellgate.IsNotFound(err) {
		return fmt.Errorf("revoking the API key %s: %w", id, err)
	}
	return nil
}

// severalCandidatesDetail explains why a recovery stopped at several
// candidate keys, and what to do.
func severalCandidatesDetail(u unansweredCreate, candidates []string) string {
	return fmt.Sprintf("An earlier create got no answer from Hellgate, and %d API keys match it (the same scopes and expires_in, "+
		"created %s): %s. The provider does not guess which of them that create made, and revokes none of them. "+
		"Revoke the ones that no configuration manages (for example with the hellgate_revoke_api_key action, or "+
		"DELETE /api/admin/api-keys/{id}), then run terraform apply again; or, if all of them are in use, "+
		"remove the placeholder with terraform state rm.",
		len(candidates), u.window(), strings.Join(candidates, ", "))
}
