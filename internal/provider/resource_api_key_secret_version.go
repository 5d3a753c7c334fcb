package provider

// secret_version: the number a secret store's write-only version argument
// takes. It is derived from Hellgate's creation time of the key (to the
// millisecond), so it changes exactly when the key is replaced, grows with
// every replacement, and fits a 32-bit signed integer: the SDKv2 store
// providers (Vault, AWS, Azure, Kubernetes) read their version arguments
// into a Go int, which is 32 bits on their 386 and arm builds.

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

var (
	// secretVersionEpoch is secret_version's zero: a key created then has
	// version 1.
	secretVersionEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	// secretVersionStep is how much creation time one step of
	// secret_version stands for. 2^31-1 steps of a quarter second reach
	// into 2041.
	secretVersionStep = 250 * time.Millisecond
)

// secretVersionOf is the secret_version of a key created at created: the
// number of whole steps from the epoch, plus one; 1 for a key created
// before the epoch (only an import can bring one).
func secretVersionOf(created time.Time) int64 {
	d := created.Sub(secretVersionEpoch)
	if d < 0 {
		return 1
	}
	return int64(d/secretVersionStep) + 1
}

// secretVersionWait is how long, from hellgateNow (Hellgate's clock), until
// the key of secret_version version was certainly made before: nothing once
// that has passed. Version v stands for the creation times
// [epoch+(v-1)·step, epoch+v·step). A step that starts on a whole second
// may stand for a created_at that Hellgate stamped to the second, made at
// any time within that second, so its wait runs to the second's end.
func secretVersionWait(version int64, hellgateNow time.Time) time.Duration {
	if version < 1 {
		return 0
	}
	start := secretVersionEpoch.Add(time.Duration(version-1) * secretVersionStep)
	end := start.Add(secretVersionStep)
	if start.Sub(secretVersionEpoch)%time.Second == 0 {
		end = start.Add(time.Second)
	}
	return min(end.Sub(hellgateNow), time.Second)
}

// waitOutSecretVersionStep waits, when the key in state was created less
// than a step ago, until its step has passed by Hellgate's clock. Every
// plan with the key in state runs it, so no create that follows (the key's
// successor, made in the apply of this plan or of a later one) can be
// stamped within the key's step, and the successor's secret_version is
// always larger. Terraform never shows a new key the one it replaces, so
// the version cannot be chosen relative to the old key's; it is the plan,
// which sees the old key, that makes room. A key is almost always older
// than a step when it is planned again, and the wait is then nothing.
// Hellgate's clock is the provider's plus the least offset its answers
// allow (see hellgate.ClockOffset).
func (r *apiKeyResource) waitOutSecretVersionStep(ctx context.Context, version types.Int64) {
	if r.data == nil || version.IsNull() || version.IsUnknown() {
		return
	}
	now := r.data.now()
	if r.data.client != nil {
		if o, ok := r.data.client.ServerClockOffset(); ok {
			now, _ = o.ToServer(now)
		}
	}
	wait := secretVersionWait(version.ValueInt64(), now)
	if wait <= 0 {
		return
	}
	// On the provider's clock, and never longer than the wait in real
	// time: a clock that is stopped (in tests) does not hold the plan.
	sctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	_ = clock.OrReal(r.data.clock).Sleep(sctx, wait) // ends with the wait, or with the plan
}
