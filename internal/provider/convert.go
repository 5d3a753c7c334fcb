package provider

// Conversions and limits shared by the resource, the data sources and the
// ephemeral resource: API key to model, expires_in and timestamps, the
// scope list for descriptions, and the id pattern.

import (
	"context"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// maxExpiresIn is Hellgate's limit for expires_in: 90 days.
const maxExpiresIn = 7776000

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func scopeList() string {
	return "`" + strings.Join(scopes.All(), "`, `") + "`"
}

// applyAPIKey copies what Hellgate says about a key into the model. It
// leaves key_value alone: only the create response carries it. The
// provider-side attributes (keepers, timeouts, rotate_before,
// revoke_on_destroy) are left as they are, so m must already hold them
// typed as the schema has them.
func applyAPIKey(ctx context.Context, m *apiKeyModel, k *hellgate.APIKey) diag.Diagnostics {
	scopeSet, diags := types.SetValueFrom(ctx, types.StringType, k.Scopes)
	m.ID = types.StringValue(k.ID)
	m.Scopes = scopeSet
	m.CreatedAt = types.StringValue(formatTime(k.CreatedAt))
	if k.ExpiresAt == nil {
		m.ExpiresAt = types.StringNull()
	} else {
		m.ExpiresAt = types.StringValue(formatTime(*k.ExpiresAt))
	}
	m.ExpiresIn = reconcileExpiresIn(m.ExpiresIn, k)
	if m.KeyValue.IsUnknown() {
		m.KeyValue = types.StringNull()
	}
	return diags
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

func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

func timeoutsAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"create": types.StringType,
		"read":   types.StringType,
		"delete": types.StringType,
	}
}
