package provider

// Creates whose outcome is unknown, shared by the resource and the
// ephemeral resource: the one repeat of a create cut short by a stop, and
// the recovery of a create that got no answer (the resource's next apply
// cleans up its tainted placeholder; the ephemeral resource's Open cleans
// up at once). The provider revokes only a key it can name: the one that
// Hellgate returns for the create's idempotency key. Keys found by
// listing are only ever named in a warning, since a key of the same shape
// may be in use by another resource.

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

// repeatTimeout bounds the one repeat of a create that a stop (or the end
// of the create's time) left without a definite answer.
const repeatTimeout = 10 * time.Second

// createKey creates the key for in, whose idempotency key is set. When the
// call's context ended (Terraform stopped the provider, or the create
// timeout ran out) with the create's outcome unknown, it repeats the
// create once, at once, with the same idempotency key, on a short timeout
// of its own, and returns the key that repeat returns: the key the first
// create made, if Hellgate made one, or a new one; either way, this call's
// key. Only when the repeat gets no key either does it return the first
// call's error (with the repeat's).
func createKey(ctx context.Context, client *hellgate.Client, in hellgate.CreateAPIKeyInput) (*hellgate.APIKey, error) {
	key, err := client.CreateAPIKey(ctx, in)
	if err == nil || ctx.Err() == nil || !hellgate.MayHaveCommitted(err) {
		return key, err
	}
	tflog.Info(ctx, "the run stopped before Hellgate answered a create; repeating it once with its idempotency key", map[string]any{"error": err.Error()})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), repeatTimeout)
	defer cancel()
	key, rerr := client.RepeatCreateAPIKey(rctx, in)
	if rerr != nil {
		return nil, fmt.Errorf("%w; repeating it once with the same idempotency key did not return the key either: %w", err, rerr)
	}
	return key, nil
}

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
	// revoked is the key Hellgate returned when the create was repeated
	// with its idempotency key, now revoked: nobody ever received its
	// secret. Empty when the repeat returned no key.
	revoked string
	// original is set when revoked is certainly the key the unanswered
	// create made, so nothing else can be left.
	original bool
	// refused is the repeat's definite refusal (409 or 403), when it
	// returned no key.
	refused error
	// similar are the keys with the create's scopes and lifetime made
	// while it was attempted (but revoked): one of them may be the key it
	// made, or all may belong to other resources. They are named to the
	// user, never revoked.
	similar []string
	// listErr is why the keys could not be listed to look for similar ones.
	listErr error
	// unverified is set when revoked was accepted without an attempt
	// window to check it against.
	unverified bool
}

// settled reports whether the recovery leaves nothing to name: the key
// the create made, if any, is the one revoked.
func (o recoveryOutcome) settled() bool {
	return o.original && !o.unverified
}

// recoverUnansweredCreate repeats the create u with its idempotency key and
// revokes the key Hellgate returns, whatever it is: the original, or a new
// key nobody received. That key is the original when it was made while u
// was attempted and either the repeat comes at once in the same run or
// well after the window (a new key would be stamped with the repeat's
// time). Otherwise, and when the repeat is refused (409 or 403), it lists
// the keys made while u was attempted with u's scopes and lifetime and
// returns them as similar, to be named to the user; it revokes none of
// them. An error means the repeat failed otherwise, or the run stopped
// before the recovery could finish: the caller keeps what it needs to try
// again. The revoke of the repeat's key runs to its end even when the run
// is stopped, so that a key whose secret nobody holds never lives on.
func recoverUnansweredCreate(ctx context.Context, client *hellgate.Client, now func() time.Time, u unansweredCreate) (recoveryOutcome, error) {
	var out recoveryOutcome
	repeated := now()
	key, err := client.CreateAPIKey(ctx, u.in)
	switch {
	case err == nil:
		out.revoked = key.ID
		out.unverified = u.from.IsZero()
		out.original = !out.unverified && u.madeWithin(key.CreatedAt) &&
			(u.repeatedAtOnce || repeated.After(u.until.Add(2*recoveryClockSkew)))
		tflog.Info(ctx, "repeating a create that got no answer returned a key, revoking it",
			map[string]any{"id": key.ID, "created_at": formatTime(key.CreatedAt), "original": out.original})
		if err := revokeDetached(ctx, client, key.ID); err != nil {
			return out, err
		}
		if out.original || out.unverified {
			return out, nil
		}
	case u.from.IsZero():
		return out, err
	case hellgate.IsConflict(err) || hellgate.IsForbidden(err):
		// Refused for good (the record holds another body, the create is
		// still in progress, or this credential may not create keys).
		out.refused = err
	default:
		return out, err
	}

	if ctx.Err() != nil {
		return out, fmt.Errorf("the run was stopped before the keys made while the create was attempted could be looked up: %w", ctx.Err())
	}
	keys, err := client.ListAllAPIKeys(ctx, 0)
	if err != nil {
		// A listing only ever names keys: failing it must not fail an
		// apply or a destroy. The caller says what could not be checked.
		out.listErr = err
		return out, nil //nolint:nilerr // reported through out.listErr
	}
	for _, k := range keys {
		if k.ID != out.revoked && u.madeWithin(k.CreatedAt) && sameRequest(u.in, k) {
			out.similar = append(out.similar, k.ID)
		}
	}
	return out, nil
}

// revokeDetached revokes a key the provider received and nobody else did,
// on a context that a stop does not cancel (bounded by the caller's
// deadline, or by defaultDeleteTimeout), so that a Ctrl-C between the
// create and this revoke cannot leave the key live.
func revokeDetached(ctx context.Context, client *hellgate.Client, id string) error {
	deadline, ok := ctx.Deadline()
	if !ok || time.Until(deadline) <= 0 {
		deadline = time.Now().Add(defaultDeleteTimeout)
	}
	dctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	return revokeKey(dctx, client, id)
}

// similarKeysDetail names the keys that look like the one an unanswered
// create may have made, says why none of them was revoked, and how to
// tell whether one of them is a stray.
func similarKeysDetail(u unansweredCreate, similar []string) string {
	what := fmt.Sprintf("The API key %s has the same scopes and expires_in and was created %s. "+
		"That create may have made it, but it may as well belong to another resource or configuration and be in use, "+
		"so the provider does not revoke it.", similar[0], u.window())
	if len(similar) > 1 {
		what = fmt.Sprintf("%d API keys (%s) have the same scopes and expires_in and were created %s. "+
			"That create may have made one of them, but they may as well belong to other resources or configurations and be in use, "+
			"so the provider revokes none of them.", len(similar), strings.Join(similar, ", "), u.window())
	}
	return what + " To tell, look for the ids in the state of each configuration that manages keys (terraform state list, " +
		"terraform state show), or list the cluster's keys with the hellgate_api_key list resource (terraform query) or the " +
		"hellgate_api_keys data source, filtered with created_after and created_before. Revoke a key that nothing manages " +
		"with the hellgate_revoke_api_key action."
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
