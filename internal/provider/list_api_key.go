package provider

// The hellgate_api_key list resource, for terraform query: it lists the
// cluster's keys page by page, filtered by scopes, expiry and creation
// time, with each key's identity and, on request, the resource object an
// import of that key would produce.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

var (
	_ list.ListResource                     = (*apiKeyListResource)(nil)
	_ list.ListResourceWithConfigure        = (*apiKeyListResource)(nil)
	_ list.ListResourceWithConfigValidators = (*apiKeyListResource)(nil)
)

// NewAPIKeyListResource returns the hellgate_api_key list resource.
func NewAPIKeyListResource() list.ListResource {
	return &apiKeyListResource{}
}

type apiKeyListResource struct {
	data *providerData
}

// apiKeyListModel is the config block of a list "hellgate_api_key" block.
type apiKeyListModel struct {
	Scopes         types.List   `tfsdk:"scopes"`
	IncludeExpired types.Bool   `tfsdk:"include_expired"`
	CreatedAfter   types.String `tfsdk:"created_after"`
	CreatedBefore  types.String `tfsdk:"created_before"`
}

func (l *apiKeyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (l *apiKeyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API keys of the Hellgate Guardian cluster for `terraform query` (Terraform 1.14+), " +
			"so that keys made outside Terraform can be brought under management: " +
			"`terraform query -generate-config-out=FILE` writes a `hellgate_api_key` resource block and an `import` block " +
			"(by identity) for each key found. Keys are listed in the order Hellgate lists them, " +
			"100 per request, and listing stops as soon as the `list` block's `limit` (default 100) is reached, " +
			"with a warning when more keys are left. " +
			"Each result is named by the key's id, scopes and expiry. With `include_resource = true`, each result carries " +
			"the resource as an import would record it: `key_value` is null (Hellgate returns a key's secret only when it is created), " +
			"`expires_in` is the key's lifetime (`expires_at` minus `created_at`), `revoke_on_destroy` is `true` and `keepers` is null.",
		Attributes: map[string]schema.Attribute{
			"scopes": schema.ListAttribute{
				MarkdownDescription: descScopeFilter,
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          validators.ScopeFilterList(),
			},
			"include_expired": schema.BoolAttribute{
				MarkdownDescription: "Whether to list keys that have expired but were not deleted. Defaults to `false`: " +
					"an expired key no longer authenticates, and a configuration generated for it would plan its replacement.",
				Optional: true,
			},
			"created_after": schema.StringAttribute{
				MarkdownDescription: descCreatedAfter,
				Optional:            true,
				Validators:          []validator.String{validators.Timestamp()},
			},
			"created_before": schema.StringAttribute{
				MarkdownDescription: descCreatedBefore,
				Optional:            true,
				Validators:          []validator.String{validators.Timestamp()},
			},
		},
	}
}

// ListResourceConfigValidators refuses a created_after and created_before
// window that no key can fall into.
func (l *apiKeyListResource) ListResourceConfigValidators(context.Context) []list.ConfigValidator {
	return []list.ConfigValidator{createdWindowValidator{}}
}

func (l *apiKeyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, "List Resource", &resp.Diagnostics); data != nil {
		l.data = data
	}
}

func (l *apiKeyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg apiKeyListModel
	diags := req.Config.Get(ctx, &cfg)
	filter := keyFilter{includeExpired: cfg.IncludeExpired.ValueBool()} // null: false
	if !diags.HasError() && !cfg.Scopes.IsNull() {
		diags.Append(cfg.Scopes.ElementsAs(ctx, &filter.scopes, false)...)
	}
	if !diags.HasError() {
		filter.setWindow(cfg.CreatedAfter, cfg.CreatedBefore, &diags)
	}
	if !diags.HasError() && (l.data == nil || l.data.client == nil) {
		notConfigured(&diags, "list the API keys")
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	client := l.data.client
	filter.now = l.data.now()

	stream.Results = func(push func(list.ListResult) bool) {
		ctx, cancel := context.WithTimeout(ctx, defaultListTimeout)
		defer cancel()
		var sent int64
		// APIKeyPages fetches the next page only when this loop asks for
		// it, so returning at the limit ends the listing.
		for page, err := range client.APIKeyPages(ctx, hellgate.MaxPageSize) {
			if err != nil {
				var d diag.Diagnostics
				d.AddError(apiErrorSummary("Unable to List API Keys", err), apiErrorDetail("Hellgate did not list the API keys", err))
				push(list.ListResult{Diagnostics: d})
				return
			}
			for i := range page.Keys {
				if !filter.selects(&page.Keys[i]) {
					continue
				}
				result := listResult(ctx, req, &page.Keys[i], filter.now)
				sent++
				atLimit := req.Limit > 0 && sent >= req.Limit
				if atLimit {
					// Terraform drops whatever follows the limit without a
					// word; say so, judged by the page at hand (no request
					// is made for it).
					more := slices.ContainsFunc(page.Keys[i+1:], func(k hellgate.APIKey) bool { return filter.selects(&k) })
					if more || page.Next != nil {
						result.Diagnostics.AddWarning("API Key List Stopped at Its Limit", limitDetail(req.Limit, more))
					}
				}
				if !push(result) || atLimit {
					return
				}
			}
		}
	}
}

// limitDetail explains a listing cut short by the list block's limit:
// more is true when a further key is known to match, false when only
// further pages are known to exist.
func limitDetail(limit int64, more bool) string {
	what := "The cluster holds more keys that match this list block"
	if !more {
		what = "The cluster holds more keys, which were not fetched, so more may match this list block"
	}
	return fmt.Sprintf("terraform query listed the first %d API keys, the list block's limit (100 when limit is not set). "+
		"%s: configuration generated now leaves them out. Set limit in the list block to a number above the count of keys "+
		"(for example limit = 1000) to list them all.", limit, what)
}

// listResult is one key as a list result: its display name, its identity
// and, when Terraform asks for it, the resource object an import of the
// key records, so that configuration generated from it plans no change.
func listResult(ctx context.Context, req list.ListRequest, k *hellgate.APIKey, now time.Time) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = keyDisplayName(k, now)
	result.Diagnostics.Append(setIdentity(ctx, result.Identity, types.StringValue(k.ID))...)
	if !req.IncludeResource {
		return result
	}
	m := apiKeyModel{
		ExpiresIn:       types.NumberNull(), // derived from the key's lifetime, as on import
		KeyValue:        types.StringNull(),
		RotateBefore:    types.StringNull(),
		RevokeOnDestroy: types.BoolValue(true),
		// Provider-side only: a key read from Hellgate alone has none.
		Keepers:  types.MapNull(types.StringType),
		Timeouts: timeouts.Value{Object: types.ObjectNull(timeoutsAttrTypes())},
	}
	result.Diagnostics.Append(applyAPIKey(ctx, &m, k)...)
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	return result
}

// keyDisplayName names a key in query output, for example
// "123e4567-e89b-12d3-a456-426614174000 (pci:tokens:create, pci:tokens:read; expires 2030-01-01T09:00:00Z)";
// whether it has expired is judged at now.
func keyDisplayName(k *hellgate.APIKey, now time.Time) string {
	scopeNames := slices.Clone(k.Scopes)
	slices.Sort(scopeNames)
	expiry := "never expires"
	switch {
	case keyExpired(k, now):
		expiry = "expired " + formatTime(*k.ExpiresAt)
	case k.ExpiresAt != nil:
		expiry = "expires " + formatTime(*k.ExpiresAt)
	}
	return fmt.Sprintf("%s (%s; %s)", k.ID, strings.Join(scopeNames, ", "), expiry)
}
