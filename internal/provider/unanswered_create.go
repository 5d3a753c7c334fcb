package provider

// The calls of the recovery of a create that got no answer, shared by the
// resource (whose next apply cleans up its tainted placeholder, see
// resource_api_key_unanswered.go) and the ephemeral resource (whose Open
// cleans up at once). What the answers mean, and what to tell the user, is
// decided in internal/unanswered; the repeat of a create cut short by a
// stop is the client's (hellgate.Client.CreateAPIKeyThroughStop). The
// provider revokes only a key it can name: the one that Hellgate returns
// for the create's idempotency key. Keys found by listing are only ever
// named in a warning, since a key of the same shape may be in use by
// another resource.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
)

// recoverUnansweredCreate repeats the create c with its idempotency key and
// revokes the key Hellgate returns, whatever it is: the original, or a new
// key nobody received. Unless that key is certainly the original, and
// when the repeat is refused, it lists the cluster's keys, so that
// c.Listed names those that look like the one c made; it revokes none of
// them. An error means the repeat failed otherwise, or the run stopped
// before the recovery could finish: the caller keeps what it needs to try
// again. The revoke of the repeat's key is finished even when the run is
// stopped (hellgate.Client.RevokeAPIKeyThroughStop), so that a key whose
// secret nobody holds never lives on; no listing starts after a stop. c's
// clock offset is set to what the client measured.
func recoverUnansweredCreate(ctx context.Context, client *hellgate.Client, now func() time.Time, c *unanswered.Create) (unanswered.Outcome, error) {
	repeated := now()
	key, err := client.CreateAPIKey(ctx, c.In)
	measureClock(client, c)
	out, err := c.Repeated(key, err, repeated)
	if err != nil {
		return out, err
	}
	if out.Revoked != "" {
		tflog.Info(ctx, "repeating a create that got no answer returned a key, revoking it",
			map[string]any{"id": key.ID, "created_at": formatTime(key.CreatedAt), "original": out.Original,
				"clock_offset_known": c.OffsetKnown, "clock_offset_min": c.Offset.Min.String(), "clock_offset_max": c.Offset.Max.String()})
		if err := client.RevokeAPIKeyThroughStop(ctx, out.Revoked); err != nil {
			return out, err
		}
	}
	if out.Settled() {
		return out, nil
	}
	if ctx.Err() != nil {
		return out, fmt.Errorf("the run was stopped before the keys made while the create was attempted could be looked up: %w", ctx.Err())
	}
	keys, err := client.ListAllAPIKeys(ctx, 0)
	measureClock(client, c)
	return c.Listed(out, keys, err), nil
}

// measureClock takes the offset of Hellgate's clock into c from the
// client's answers so far.
func measureClock(client *hellgate.Client, c *unanswered.Create) {
	c.Offset, c.OffsetKnown = client.ServerClockOffset()
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
