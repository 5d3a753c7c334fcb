package unanswered

// What a recovery found: the repeat's answer judged, and the listed keys
// that look like the one the create may have made.

import (
	"slices"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// Outcome is what a recovery of a create that got no answer found and did.
type Outcome struct {
	// Revoked is the key Hellgate returned when the create was repeated
	// with its idempotency key, revoked by the caller: nobody ever
	// received its secret. Empty when the repeat returned no key.
	Revoked string
	// Original is set when Revoked is certainly the key the create made,
	// so nothing else can be left.
	Original bool
	// Refused is the repeat's definite refusal (409, 403, or a request
	// Hellgate finds invalid), when it returned no key.
	Refused error
	// GiveUp is set when the repeat was refused for a reason no later
	// apply can change (the request itself is invalid): the placeholder is
	// resolved with a warning rather than kept to fail every apply.
	GiveUp bool
	// Similar are the keys with the create's scopes and lifetime made
	// while it was attempted (but not revoked): one of them may be the key
	// it made, or all may belong to other resources. They are named to
	// the user, never revoked.
	Similar []string
	// ListErr is why the keys could not be listed to look for similar
	// ones.
	ListErr error
}

// Settled reports whether the recovery leaves nothing to name: the key the
// create made, if any, is the one revoked.
func (o Outcome) Settled() bool {
	return o.Original
}

// Repeated judges the answer to the repeat of c sent at repeated (by the
// provider's clock): key and err as the client returned them. fail is
// err when the repeat failed without a definite answer, and the caller
// keeps what it needs to try again. Otherwise the caller revokes
// out.Revoked, if set, and unless out.Settled(), lists the cluster's keys
// and passes them to Listed.
func (c Create) Repeated(key *hellgate.APIKey, err error, repeated time.Time) (out Outcome, fail error) {
	switch {
	case err == nil:
		out.Revoked = key.ID
		out.Original = c.IsOriginal(key.CreatedAt, repeated)
	case hellgate.IsConflict(err) || hellgate.IsForbidden(err):
		// Refused for good (the record holds another body, the create is
		// still in progress, or this credential may not create keys).
		out.Refused = err
	case hellgate.IsInvalidRequest(err):
		// The request itself is refused (the scopes or the lifetime the
		// placeholder holds are no longer accepted): no later apply can
		// send another, so keeping the placeholder would fail them all.
		out.Refused, out.GiveUp = err, true
	default:
		return out, err
	}
	return out, nil
}

// Listed adds to out what a listing of the cluster's keys found: keys, or
// err when they could not be listed. A listing only ever names keys, so
// its failure is part of the outcome, not a failure of the recovery.
func (c Create) Listed(out Outcome, keys []hellgate.APIKey, err error) Outcome {
	if err != nil {
		out.ListErr = err
		return out
	}
	for _, k := range keys {
		if k.ID != out.Revoked && c.MadeWithin(k.CreatedAt) && SameRequest(c.In, k) {
			out.Similar = append(out.Similar, k.ID)
		}
	}
	return out
}

// SameRequest reports whether key k has what the create in asked for: the
// same scopes, and the same lifetime (within a second, as servers round
// timestamps). in.Scopes is sorted and without duplicates, as the provider
// sends them.
func SameRequest(in hellgate.CreateAPIKeyInput, k hellgate.APIKey) bool {
	if !slices.Equal(slices.Compact(slices.Sorted(slices.Values(k.Scopes))), in.Scopes) {
		return false
	}
	if in.ExpiresIn == nil || k.ExpiresAt == nil {
		return in.ExpiresIn == nil && k.ExpiresAt == nil
	}
	lifetime := int64(k.ExpiresAt.Sub(k.CreatedAt).Round(time.Second) / time.Second)
	d := *in.ExpiresIn - lifetime
	return d >= -1 && d <= 1
}
