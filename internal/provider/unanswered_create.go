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
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// recoveryClockSkew is how far Hellgate's clock, by which it stamps
// created_at, is taken to be from the provider's, by which the attempt
// window is measured, when no answer of Hellgate's carried a Date header
// to measure it by. A window judged this way never gives an all-clear.
const recoveryClockSkew = time.Minute

// clockMargin widens a window judged on Hellgate's clock, for rounding:
// created_at and the Date header are not stamped at the same instant, nor
// to the same precision.
const clockMargin = time.Second

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
	// offset bounds Hellgate's clock minus the provider's, as measured
	// from the Date headers of Hellgate's answers during the recovery;
	// offsetKnown is false when none carried one.
	offset      hellgate.ClockOffset
	offsetKnown bool
}

// measureClock takes the offset of Hellgate's clock from the client's
// answers so far.
func (u *unansweredCreate) measureClock(client *hellgate.Client) {
	u.offset, u.offsetKnown = client.ServerClockOffset()
}

// serverWindow is the attempt window by Hellgate's clock, by which it
// stamps created_at: widened by the bounds of the measured offset, or,
// when the offset is unknown, by recoveryClockSkew either way.
func (u unansweredCreate) serverWindow() (from, until time.Time) {
	if !u.offsetKnown {
		return u.from.Add(-recoveryClockSkew), u.until.Add(recoveryClockSkew)
	}
	return u.from.Add(u.offset.Min - clockMargin), u.until.Add(u.offset.Max + clockMargin)
}

// madeWithin reports whether a key created at t (by Hellgate's clock) may
// be the one this create made.
func (u unansweredCreate) madeWithin(t time.Time) bool {
	from, until := u.serverWindow()
	return !t.Before(from) && !t.After(until)
}

// madeBefore reports whether a key created at t (by Hellgate's clock) was
// certainly made before the provider's time sent, judged on Hellgate's
// clock: false when the offset is unknown.
func (u unansweredCreate) madeBefore(t, sent time.Time) bool {
	return u.offsetKnown && t.Before(sent.Add(u.offset.Min-clockMargin))
}

// window describes the attempt window for messages, by Hellgate's clock
// (the clock of created_at, and of the created_after and created_before
// filters) when it was measured.
func (u unansweredCreate) window() string {
	from, until := u.serverWindow()
	w := fmt.Sprintf("between %s and %s", formatTime(from), formatTime(until))
	if !u.offsetKnown {
		w += " (by this machine's clock, widened by a minute either way: no answer of Hellgate's said what time its clock shows)"
	}
	return w
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
	// giveUp is set when the repeat was refused for a reason no later
	// apply can change (the request itself is invalid): the placeholder is
	// resolved with a warning rather than kept to fail every apply.
	giveUp bool
}

// settled reports whether the recovery leaves nothing to name: the key
// the create made, if any, is the one revoked.
func (o recoveryOutcome) settled() bool {
	return o.original && !o.unverified
}

// recoverUnansweredCreate repeats the create u with its idempotency key and
// revokes the key Hellgate returns, whatever it is: the original, or a new
// key nobody received. That key is the original when it was made while u
// was attempted and either the repeat comes at once in the same run, or
// it was stamped before the repeat was sent, both judged on Hellgate's
// clock as the Date headers of its answers show it (a new key would be
// stamped with the repeat's time). Otherwise, and when the repeat is
// refused (409, 403, or a request Hellgate finds invalid), it lists the
// keys made while u was attempted with u's scopes and lifetime and
// returns them as similar, to be named to the user; it revokes none of
// them. An error means the repeat failed otherwise, or the run stopped
// before the recovery could finish: the caller keeps what it needs to try
// again. The revoke of the repeat's key is finished even when the run is
// stopped (with one attempt, see revokeOwnKey), so that a key whose secret
// nobody holds never lives on; no listing starts after a stop. u's clock
// offset is set to what was measured.
func recoverUnansweredCreate(ctx context.Context, client *hellgate.Client, now func() time.Time, u *unansweredCreate) (recoveryOutcome, error) {
	var out recoveryOutcome
	repeated := now()
	key, err := client.CreateAPIKey(ctx, u.in)
	u.measureClock(client)
	switch {
	case err == nil:
		out.revoked = key.ID
		out.unverified = u.from.IsZero()
		out.original = !out.unverified && u.madeWithin(key.CreatedAt) &&
			(u.repeatedAtOnce || u.madeBefore(key.CreatedAt, repeated))
		tflog.Info(ctx, "repeating a create that got no answer returned a key, revoking it",
			map[string]any{"id": key.ID, "created_at": formatTime(key.CreatedAt), "original": out.original,
				"clock_offset_known": u.offsetKnown, "clock_offset_min": u.offset.Min.String(), "clock_offset_max": u.offset.Max.String()})
		if err := revokeOwnKey(ctx, client, key.ID); err != nil {
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
	case hellgate.IsInvalidRequest(err):
		// The request itself is refused (the scopes or the lifetime the
		// placeholder holds are no longer accepted): no later apply can
		// send another, so keeping the placeholder would fail them all.
		out.refused, out.giveUp = err, true
	default:
		return out, err
	}

	if ctx.Err() != nil {
		return out, fmt.Errorf("the run was stopped before the keys made while the create was attempted could be looked up: %w", ctx.Err())
	}
	keys, err := client.ListAllAPIKeys(ctx, 0)
	u.measureClock(client)
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

// revokeOwnKey revokes a key the provider received and nobody else did.
// Until ctx ends it revokes with the client's retries, on ctx. Once ctx
// has ended (Terraform stopped the provider, or the time ran out), before
// or during that, the revoke still happens, so that a Ctrl-C cannot leave
// the key live, but as one attempt on a short timeout of its own
// (repeatTimeout), detached from ctx, never with the retry budget: a stop
// must not keep the provider running for minutes.
func revokeOwnKey(ctx context.Context, client *hellgate.Client, id string) error {
	if ctx.Err() == nil {
		err := revokeKey(ctx, client, id)
		if err == nil || ctx.Err() == nil {
			return err
		}
	}
	tflog.Info(ctx, "the run stopped before a key nobody received was revoked; revoking it with one attempt", map[string]any{"id": id})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), repeatTimeout)
	defer cancel()
	if err := client.DeleteAPIKeyOnce(rctx, id); err != nil && !hellgate.IsNotFound(err) {
		return fmt.Errorf("revoking the API key %s with the one attempt made after the run stopped: %w", id, err)
	}
	return nil
}

// untilStopped returns a context for work that must go on after ctx's own
// deadline but never after a stop: it ends after timeout, or as soon as
// ctx is cancelled (Terraform stops a provider by cancelling the context
// of every call in flight), but not when ctx's deadline passes.
func untilStopped(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	stopped := func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			cancel()
		}
	}
	stopped() // already stopped: end at once, not in AfterFunc's goroutine
	release := context.AfterFunc(ctx, stopped)
	return dctx, func() { release(); cancel() }
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
