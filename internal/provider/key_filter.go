package provider

// The filter that the hellgate_api_keys data source and the
// hellgate_api_key list resource share: scopes, expiry, and the window of
// creation times set by created_after and created_before; the part of the
// configuration both objects hold alike and how the filter is read from
// it; the filter's schema descriptions and the config validator that
// refuses an empty window, so that both objects select keys by the same
// rules; and filterAPIKeys, which applies the filter to a whole listing
// and puts the keys in the order both objects return them in.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

var (
	_ datasource.ConfigValidator = createdWindowValidator{}
	_ list.ConfigValidator       = createdWindowValidator{}
)

const (
	descCreatedAfter = "Only keys created at or after this time: `created_at >= created_after`. " +
		"An RFC 3339 timestamp, such as `\"2030-01-01T09:00:00Z\"` or `\"2030-01-01T10:00:00+01:00\"`, " +
		"compared with the `created_at` Hellgate returns, fractions of a second included. " +
		"Omit it for keys created at any time before `created_before`."
	descCreatedBefore = "Only keys created before this time: `created_at < created_before` " +
		"(a key created at exactly `created_before` is left out, so two windows where one's `created_before` " +
		"is the other's `created_after` hold each key once). An RFC 3339 timestamp, later than `created_after`. " +
		"Omit it for keys created at any time from `created_after` on."
)

// descScopeFilter describes the scopes filter, which
// validators.ScopeFilterSet and validators.ScopeFilterList check.
var descScopeFilter = "Only keys that have all of these scopes (and possibly more). Each one of " + scopeList() + ". " +
	"Omit it for keys with any scopes."

// keyFilter selects keys: each one of scopes (none: any scopes), not
// expired at now unless includeExpired, and created within
// [createdAfter, createdBefore) where those are set.
type keyFilter struct {
	scopes         []string
	includeExpired bool
	createdAfter   *time.Time // inclusive; nil: no lower bound
	createdBefore  *time.Time // exclusive; nil: no upper bound
	now            time.Time
}

// selects reports whether f keeps k.
func (f *keyFilter) selects(k *hellgate.APIKey) bool {
	if f.createdAfter != nil && k.CreatedAt.Before(*f.createdAfter) {
		return false
	}
	if f.createdBefore != nil && !k.CreatedAt.Before(*f.createdBefore) {
		return false
	}
	return (f.includeExpired || !keyExpired(k, f.now)) && hasAllScopes(k.Scopes, f.scopes)
}

// filterAPIKeys keeps the keys that f selects and sorts them by
// created_at, then id, so that the list is stable from one read to the
// next and the same for the data source and the list resource.
func filterAPIKeys(keys []hellgate.APIKey, f keyFilter) []hellgate.APIKey {
	out := make([]hellgate.APIKey, 0, len(keys))
	for i := range keys {
		if f.selects(&keys[i]) {
			out = append(out, keys[i])
		}
	}
	// By created_at as the data source shows it (whole seconds), so that
	// the order can be checked from the data itself.
	slices.SortFunc(out, func(a, b hellgate.APIKey) int {
		if c := a.CreatedAt.Truncate(time.Second).Compare(b.CreatedAt.Truncate(time.Second)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// keyFilterConfig is the part of the filter's configuration that the data
// source and the list resource hold alike, embedded in both models; scopes
// is a set in one and a list in the other (list resources have no set
// attributes).
type keyFilterConfig struct {
	IncludeExpired types.Bool   `tfsdk:"include_expired"`
	CreatedAfter   types.String `tfsdk:"created_after"`
	CreatedBefore  types.String `tfsdk:"created_before"`
}

// scopesValue is a set or list of scopes.
type scopesValue interface {
	IsNull() bool
	ElementsAs(ctx context.Context, target any, allowUnhandled bool) diag.Diagnostics
}

// keyFilterFrom reads a filter from its configuration: scopes (null: any
// scopes), include_expired (null: includeExpiredByDefault) and the window.
// Validation has already refused a window end that is not a timestamp;
// should one get here anyway, it is the same error. The filter's now is
// left for the caller to set.
func keyFilterFrom(ctx context.Context, scopes scopesValue, cfg keyFilterConfig, includeExpiredByDefault bool) (keyFilter, diag.Diagnostics) {
	f := keyFilter{includeExpired: includeExpiredByDefault}
	if !cfg.IncludeExpired.IsNull() {
		f.includeExpired = cfg.IncludeExpired.ValueBool()
	}
	var diags diag.Diagnostics
	if !scopes.IsNull() {
		diags.Append(scopes.ElementsAs(ctx, &f.scopes, false)...)
	}
	f.createdAfter = windowEnd(cfg.CreatedAfter, path.Root("created_after"), &diags)
	f.createdBefore = windowEnd(cfg.CreatedBefore, path.Root("created_before"), &diags)
	return f, diags
}

// windowEnd parses one end of the window: nil when it is not set.
func windowEnd(v types.String, p path.Path, diags *diag.Diagnostics) *time.Time {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	t, err := validators.CheckTimestamp(v.ValueString())
	if err != nil {
		diags.AddAttributeError(p, "Invalid Timestamp", fmt.Sprintf("Attribute %s: %s.", p, err))
		return nil
	}
	return &t
}

// hasAllScopes reports whether have holds every scope of want.
func hasAllScopes(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// createdWindowValidator refuses a window that no key can fall into:
// created_before at or before created_after. It judges only values that
// are known and are timestamps (the attributes' own validator explains
// the others), so a window known only at apply is judged then.
type createdWindowValidator struct{}

func (createdWindowValidator) Description(context.Context) string {
	return "created_before must be later than created_after"
}

func (createdWindowValidator) MarkdownDescription(context.Context) string {
	return "`created_before` must be later than `created_after`"
}

func (v createdWindowValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	v.validate(ctx, req.Config, &resp.Diagnostics)
}

func (v createdWindowValidator) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	v.validate(ctx, req.Config, &resp.Diagnostics)
}

func (createdWindowValidator) validate(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) {
	var after, before types.String
	var d diag.Diagnostics
	d.Append(cfg.GetAttribute(ctx, path.Root("created_after"), &after)...)
	d.Append(cfg.GetAttribute(ctx, path.Root("created_before"), &before)...)
	diags.Append(d...)
	if d.HasError() || after.IsNull() || after.IsUnknown() || before.IsNull() || before.IsUnknown() {
		return
	}
	a, errA := validators.CheckTimestamp(after.ValueString())
	b, errB := validators.CheckTimestamp(before.ValueString())
	if errA != nil || errB != nil || a.Before(b) {
		return
	}
	diags.AddAttributeError(path.Root("created_before"), "Invalid Attribute Combination",
		fmt.Sprintf("Attribute created_before (%q) must be later than created_after (%q): "+
			"a key is selected when created_after <= created_at < created_before, so no key can be. "+
			"Set created_before to a later time or created_after to an earlier one, or remove one of them.",
			before.ValueString(), after.ValueString()))
}
