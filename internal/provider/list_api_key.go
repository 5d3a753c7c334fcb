package provider

// The hellgate_api_key list resource, for terraform query: it reads every
// page of the cluster's keys, filters them by scopes, expiry and creation
// time, and returns them in the order of the hellgate_api_keys data source
// up to the list block's limit, with each key's identity and, on request,
// the resource object an import of that key would produce.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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
	Scopes types.List `tfsdk:"scopes"`
	keyFilterConfig
}

func (l *apiKeyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (l *apiKeyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API keys of the Hellgate Guardian cluster for `terraform query` (Terraform 1.14+), " +
			"so that keys made outside Terraform can be brought under management: " +
			"`terraform query -generate-config-out=FILE` writes a `hellgate_api_key` resource block and an `import` block " +
			"(by identity) for each key found. Every page of the cluster's keys is read (100 keys per request, the most Hellgate allows), " +
			"and the keys are returned ordered by `created_at`, then by `id`, as the `hellgate_api_keys` data source orders them, " +
			"up to the `list` block's `limit` (default 100), with a warning that says how many more keys match. " +
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
	var filter keyFilter
	if !diags.HasError() {
		var d diag.Diagnostics
		filter, d = keyFilterFrom(ctx, cfg.Scopes, cfg.keyFilterConfig, false)
		diags.Append(d...)
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
		// Every page is read before the first result: no page on its own
		// shows which keys come first in the data source's order.
		keys, err := client.ListAllAPIKeys(ctx, hellgate.MaxPageSize)
		if err != nil {
			var d diag.Diagnostics
			d.AddError(apiErrorSummary("Unable to List API Keys", err), apiErrorDetail("Hellgate did not list the API keys", err))
			push(list.ListResult{Diagnostics: d})
			return
		}
		keys = filterAPIKeys(keys, filter)
		for i := range keys {
			result := listResult(ctx, req, &keys[i], filter.now)
			atLimit := req.Limit > 0 && int64(i+1) >= req.Limit
			if left := len(keys) - (i + 1); atLimit && left > 0 {
				// Terraform drops whatever follows the limit without a
				// word; say so.
				result.Diagnostics.AddWarning("API Key List Stopped at Its Limit", limitDetail(req.Limit, left))
			}
			if !push(result) || atLimit {
				return
			}
		}
	}
}

// limitDetail explains a listing cut short by the list block's limit,
// with left more keys that match.
func limitDetail(limit int64, left int) string {
	return fmt.Sprintf("terraform query listed the first %d API keys, the list block's limit (100 when limit is not set). "+
		"The cluster holds more keys that match this list block: %d beyond the limit, which configuration generated now leaves out. "+
		"Set limit in the list block to %d or more to list them all.", limit, left, limit+int64(left))
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
	// What an import of the key records: expires_in, derived from the
	// key's lifetime, and the provider-side settings (keepers, timeouts,
	// rotate_before) stay null; key_value is never listed.
	m := nullAPIKeyModel()
	m.RevokeOnDestroy = types.BoolValue(true)
	result.Diagnostics.Append(resourceModelFromAPI(ctx, &m, k)...)
	result.Diagnostics.Append(m.writeTo(ctx, &result.Resource.Raw, result.Resource.Schema.Type().TerraformType(ctx))...)
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
