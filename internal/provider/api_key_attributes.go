package provider

// An API key's attributes as every object shows them: the descriptions the
// resource, the ephemeral resource and the data sources share; the pieces
// that every mapping of Hellgate's API key into an object's model uses
// (each mapping, …FromAPI, is beside its model); a configuration turned
// into a create request; how timestamps and expiry are written; and the
// limits on expires_in and ids. The filters
// that select keys are in key_filter.go.

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// maxExpiresIn is Hellgate's limit for expires_in: 90 days.
const maxExpiresIn = 7776000

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// uuidValidator checks an id given in a configuration (the data source's,
// the action's).
func uuidValidator() validator.String {
	return stringvalidator.RegexMatches(uuidPattern, `must be a UUID such as "123e4567-e89b-12d3-a456-426614174000"`)
}

func scopeList() string {
	return "`" + strings.Join(scopes.All(), "`, `") + "`"
}

// Descriptions of the attributes that the resource, the ephemeral resource
// and the data sources share, so that a key's attributes read the same in
// each; an object adds what is its own (what a change replaces, whether a
// value is stored).
const (
	descID              = "The key's id, a UUID assigned by Hellgate."
	descCreatedAt       = "When the key was created, as an RFC 3339 timestamp in UTC."
	descExpiresAtPrefix = "When the key expires, as an RFC 3339 timestamp in UTC"
	// descExpiresAt is for a key that may never expire; an ephemeral key
	// always does, and says so with descExpiresAtPrefix + ".".
	descExpiresAt = descExpiresAtPrefix + "; null for a key that never expires."
	descKeyValue  = "The key's secret, sent as the `x-api-key` header. Sensitive"

	// The data sources' own: what Hellgate shows of a key after its creation.
	descKeyScopes      = "The key's scopes."
	descMaskedKeyValue = "A display form of the key's secret, such as `key_123xxxx`, to recognise it by. Not usable as a credential."
	descExpired        = "Whether the key has expired (`expires_at` is not after the time the data source was read). " +
		"An expired key no longer authenticates but is still listed until it is deleted."
)

// The descriptions of the two attributes a key is made with, shared by the
// resource and the ephemeral resource.
var (
	descScopes    = "What the key may do: a set of at least one scope, each one of " + scopeList() + "."
	descExpiresIn = fmt.Sprintf("Seconds after creation at which Hellgate expires the key, from `1` to `%d` (90 days).", maxExpiresIn)
)

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

// reconcileExpiresIn derives expires_in from the key's lifetime. The
// configured value is kept while it matches (within a second, since a
// server may round its timestamps), so that an unchanged key never plans a
// replacement; an imported key gets its lifetime as expires_in, so a
// matching configuration plans no change.
func reconcileExpiresIn(current types.Number, k *hellgate.APIKey) types.Number {
	lifetime, ok := keyLifetime(k)
	if !ok {
		return types.NumberNull()
	}
	if v, ok := wholeSeconds(current); ok && lifetimeMatches(v, lifetime) {
		return current
	}
	return types.NumberValue(new(big.Float).SetInt64(lifetime))
}

// keyLifetime is the key's lifetime in whole seconds, from its creation to
// its expiry; false for a key that never expires.
func keyLifetime(k *hellgate.APIKey) (int64, bool) {
	if k.ExpiresAt == nil {
		return 0, false
	}
	return int64(k.ExpiresAt.Sub(k.CreatedAt).Round(time.Second) / time.Second), true
}

// lifetimeMatches reports whether expiresIn seconds is a key's lifetime,
// within a second, since a server may round its timestamps.
func lifetimeMatches(expiresIn, lifetime int64) bool {
	d := expiresIn - lifetime
	return d >= -1 && d <= 1
}

// wholeSeconds returns a known, whole number of seconds; validation has
// rejected anything else before a plan is made.
func wholeSeconds(n types.Number) (int64, bool) {
	if n.IsNull() || n.IsUnknown() || n.ValueBigFloat() == nil || !n.ValueBigFloat().IsInt() {
		return 0, false
	}
	v, acc := n.ValueBigFloat().Int64()
	return v, acc == big.Exact
}

// keyExpired reports whether k no longer authenticates at now.
func keyExpired(k *hellgate.APIKey, now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// expiresAtValue is k's expires_at as every object shows it: null for a
// key that never expires.
func expiresAtValue(k *hellgate.APIKey) types.String {
	if k.ExpiresAt == nil {
		return types.StringNull()
	}
	return types.StringValue(formatTime(*k.ExpiresAt))
}

// formatTime writes a time as every attribute and message shows it: RFC
// 3339, in UTC, to the second.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// timeoutsAttrTypes is the object type of the resource's timeouts block,
// which a list result's resource object holds as null.
func timeoutsAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"create": types.StringType,
		"read":   types.StringType,
		"delete": types.StringType,
	}
}
