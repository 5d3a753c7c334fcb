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

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

// waitOutSecretVersionStep returns once the step of secret_version that
// created (Hellgate's creation time of the key just made) falls in has
// passed by Hellgate's clock, or when ctx ends. Terraform never shows a
// new key the one it replaces, so the version cannot be chosen relative to
// the old key's; instead no create that follows this one (the successor
// of this key comes in a later apply) can reach Hellgate within the same
// step, and the successor's version is always larger. It waits on the
// wall clock, for the real time Hellgate's clock needs to pass the step's
// end, whatever clock the provider reads: at most one step, a quarter of a
// second on average half that.
func waitOutSecretVersionStep(ctx context.Context, created time.Time) {
	rest := secretVersionStep - created.Sub(secretVersionEpoch)%secretVersionStep
	if created.Before(secretVersionEpoch) {
		return
	}
	timer := time.NewTimer(rest)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// withUnknownSecretVersion returns raw, a known object of hellgate_api_key,
// with secret_version unknown, as the plan of a replacement has it. raw
// itself is left as it was.
func withUnknownSecretVersion(raw tftypes.Value) (tftypes.Value, diag.Diagnostics) {
	own, diags := objectAttributes(raw)
	if diags.HasError() {
		return raw, diags
	}
	attrs := make(map[string]tftypes.Value, len(own))
	for name, v := range own {
		attrs[name] = v
	}
	attrs["secret_version"] = tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
	return tftypes.NewValue(raw.Type(), attrs), diags
}
