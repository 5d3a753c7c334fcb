package hellgate

// What a call still does after its caller's context ended (Terraform
// stopped the provider, or the caller's time ran out): a create whose
// outcome is unknown is repeated once with its idempotency key, and a key
// that nobody else received is still revoked, each as one attempt on a
// short timeout of its own, never with the retry policy's waits, so that a
// stop neither loses a key nor keeps the provider running for minutes.

import (
	"context"
	"fmt"
	"time"
)

// AfterStopTimeout bounds the one attempt a call makes once its caller's
// context has ended.
const AfterStopTimeout = 10 * time.Second

// CreateAPIKeyThroughStop creates a key, as CreateAPIKey, for in, whose
// idempotency key must be set. When ctx ended (a stop, or the end of the
// caller's time) with the create's outcome unknown, it repeats the create
// once, at once, with the same idempotency key, on AfterStopTimeout of its
// own, and returns the key that repeat returns: the key the first create
// made, if Hellgate made one, or a new one; either way, this call's key.
// Only when the repeat gets no key either does it return the first
// attempt's error (with the repeat's), for which MayHaveCommitted stays
// true.
func (c *Client) CreateAPIKeyThroughStop(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	key, err := c.CreateAPIKey(ctx, in)
	if err == nil || ctx.Err() == nil || !MayHaveCommitted(err) {
		return key, err
	}
	logInfo(c.logContext(ctx), "the run stopped before Hellgate answered a create; repeating it once with its idempotency key",
		map[string]any{"error": err.Error()})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), AfterStopTimeout)
	defer cancel()
	key, rerr := c.RepeatCreateAPIKey(rctx, in)
	if rerr != nil {
		return nil, fmt.Errorf("%w; repeating it once with the same idempotency key did not return the key either: %w", err, rerr)
	}
	return key, nil
}

// RevokeAPIKeyThroughStop revokes a key that the caller received and
// nobody else did; a key that is already gone is fine. Until ctx ends it
// revokes with the retry policy, on ctx. Once ctx has ended, before or
// during that, the revoke still happens, so that a stop cannot leave the
// key live, but as one attempt on AfterStopTimeout of its own, detached
// from ctx.
func (c *Client) RevokeAPIKeyThroughStop(ctx context.Context, id string) error {
	if ctx.Err() == nil {
		err := c.DeleteAPIKey(ctx, id)
		if err != nil && !IsNotFound(err) {
			err = fmt.Errorf("revoking the API key %s: %w", id, err)
		} else {
			err = nil
		}
		if err == nil || ctx.Err() == nil {
			return err
		}
	}
	logInfo(c.logContext(ctx), "the run stopped before a key nobody received was revoked; revoking it with one attempt",
		map[string]any{"id": id})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), AfterStopTimeout)
	defer cancel()
	if err := c.DeleteAPIKeyOnce(rctx, id); err != nil && !IsNotFound(err) {
		return fmt.Errorf("revoking the API key %s with the one attempt made after the run stopped: %w", id, err)
	}
	return nil
}
