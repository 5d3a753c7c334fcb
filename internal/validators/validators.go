package validators

// The schema validators (cluster id, endpoint, scopes, durations,
// seconds) built on the plain checks in checks.go.

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// Text is a validator's description, the same in plain text and in
// Markdown. Embedded in a validator, it gives the validator both methods.
type Text string

// Description returns t.
func (t Text) Description(context.Context) string { return string(t) }

// MarkdownDescription returns t.
func (t Text) MarkdownDescription(context.Context) string { return string(t) }

// ClusterID validates a string attribute with CheckClusterID.
func ClusterID() validator.String {
	return clusterIDValidator{Text: "must be a DNS label (lower-case letters, digits and hyphens)"}
}

// Endpoint validates a string attribute with CheckEndpoint.
func Endpoint() validator.String {
	return endpointValidator{Text: "must be an https:// URL, or http:// for a loopback host"}
}

// NotEmpty rejects an empty string; the framework's LengthAtLeast message
// talks about lengths, which reads oddly for a credential.
func NotEmpty() validator.String {
	return notEmptyValidator{Text: "must not be empty"}
}

// Scope validates that a string is one of Hellgate's scopes and suggests
// the closest one when it is not.
func Scope() validator.String { return scopeValidator{} }

// Duration validates a Go duration string within [minD, maxD].
func Duration(minD, maxD time.Duration) validator.String {
	return durationValidator{
		Text: Text(fmt.Sprintf("must be a duration such as \"30s\" or \"720h\", from %s to %s", minD, maxD)),
		min:  minD, max: maxD,
	}
}

type clusterIDValidator struct{ Text }

func (clusterIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := CheckClusterID(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Cluster ID",
			fmt.Sprintf("Attribute %s %s.", req.Path, err))
	}
}

type endpointValidator struct{ Text }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := CheckEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Endpoint",
			fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	}
}

type notEmptyValidator struct{ Text }

func (notEmptyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if req.ConfigValue.ValueString() == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty Value",
			fmt.Sprintf("Attribute %s must not be an empty string. Remove it to fall back to its environment variable.", req.Path))
	}
}

type scopeValidator struct{}

func (scopeValidator) Description(context.Context) string {
	return "must be one of: " + strings.Join(scopes.All(), ", ")
}

func (v scopeValidator) MarkdownDescription(context.Context) string {
	return "must be one of: `" + strings.Join(scopes.All(), "`, `") + "`"
}

func (scopeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if scopes.Valid(s) {
		return
	}
	msg := fmt.Sprintf("%q is not a Hellgate scope.", s)
	if best := Closest(s, scopes.All()); best != "" {
		msg += fmt.Sprintf(" Did you mean %q?", best)
	}
	msg += " Valid scopes are: " + strings.Join(scopes.All(), ", ") + "."
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Scope", msg)
}

type durationValidator struct {
	Text
	min, max time.Duration
}

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := CheckDuration(req.ConfigValue.ValueString(), v.min, v.max); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	}
}

// Closest returns the candidate nearest to s by edit distance, ignoring
// case (so "PCI:TOKENS:READ" finds "pci:tokens:read"), or "" when none is
// close enough to be a plausible typo.
func Closest(s string, candidates []string) string {
	best, bestD := "", -1
	lower := strings.ToLower(s)
	for _, c := range candidates {
		d := levenshtein(lower, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > len(s)/3+1 {
		return ""
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// AtLeastOneScope rejects an empty set of scopes with a message that says
// why and what to write instead (the framework's size validator speaks of
// "elements").
func AtLeastOneScope() validator.Set {
	return atLeastOneScopeValidator{Text: "must hold at least one scope"}
}

type atLeastOneScopeValidator struct{ Text }

func (atLeastOneScopeValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if knownEmpty(req.ConfigValue) {
		resp.Diagnostics.AddAttributeError(req.Path, "No Scopes",
			fmt.Sprintf("Attribute %s is empty, but an API key needs at least one scope. Valid scopes are: %s.",
				req.Path, strings.Join(scopes.All(), ", ")))
	}
}

// ScopeFilter rejects an empty filter of scopes, a set in a data source or
// a list in a list resource (list resources have no set attributes): a
// filter selects the keys that hold all of its scopes, so it names at
// least one, or is left out to select keys with any scopes.
func ScopeFilter() interface {
	validator.Set
	validator.List
} {
	return scopeFilterValidator{Text: "must hold at least one scope, or be left out for keys with any scopes"}
}

type scopeFilterValidator struct{ Text }

func (scopeFilterValidator) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	checkScopeFilter(req.ConfigValue, req.Path, &resp.Diagnostics)
}

func (scopeFilterValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	checkScopeFilter(req.ConfigValue, req.Path, &resp.Diagnostics)
}

func checkScopeFilter(v collection, p path.Path, diags *diag.Diagnostics) {
	if knownEmpty(v) {
		diags.AddAttributeError(p, "No Scopes to Filter By",
			fmt.Sprintf("Attribute %s is empty. It selects the keys that hold all of its scopes: name at least one scope, "+
				"or omit it to select keys with any scopes. Valid scopes are: %s.",
				p, strings.Join(scopes.All(), ", ")))
	}
}

// collection is a set or list value.
type collection interface {
	IsNull() bool
	IsUnknown() bool
	Elements() []attr.Value
}

// knownEmpty reports whether v is known and holds nothing.
func knownEmpty(v collection) bool {
	return !v.IsNull() && !v.IsUnknown() && len(v.Elements()) == 0
}

// Seconds validates a number attribute that holds a whole number of
// seconds within [minS, maxS]. It takes a number rather than an integer
// attribute so that a fraction such as 1.5 gets this message instead of
// the framework's conversion error.
func Seconds(minS, maxS int64) validator.Number {
	return secondsValidator{
		Text: Text(fmt.Sprintf("must be a whole number of seconds from %d to %d", minS, maxS)),
		min:  minS, max: maxS,
	}
}

type secondsValidator struct {
	Text
	min, max int64
}

func (v secondsValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	n, acc := f.Int64()
	if !f.IsInt() || acc != big.Exact || n < v.min || n > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Number of Seconds",
			fmt.Sprintf("Attribute %s must be a whole number of seconds from %d to %d (%s), got: %s.",
				req.Path, v.min, v.max, time.Duration(v.max)*time.Second, f.Text('f', -1)))
	}
}

// ScopeSet is every rule for a set of scopes that a key is made with: at
// least one, each a Hellgate scope. The resource and the ephemeral resource
// both use it, so their rules cannot drift apart.
func ScopeSet() []validator.Set {
	return []validator.Set{AtLeastOneScope(), setvalidator.ValueStringsAre(Scope())}
}

// ScopeFilterSet is every rule for a set of scopes that filters keys, as
// in the hellgate_api_keys data source: not empty, each a Hellgate scope.
func ScopeFilterSet() []validator.Set {
	return []validator.Set{ScopeFilter(), setvalidator.ValueStringsAre(Scope())}
}

// ScopeFilterList is ScopeFilterSet for a list of scopes, as in the
// configuration of the hellgate_api_key list resource.
func ScopeFilterList() []validator.List {
	return []validator.List{ScopeFilter(), listvalidator.ValueStringsAre(Scope())}
}
