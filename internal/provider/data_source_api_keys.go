package provider

// The hellgate_api_keys data source: every API key of the cluster, read
// page by page within a read timeout, filtered by scopes, expiry and
// creation time, in a stable order.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

var (
	_ datasource.DataSource                     = (*apiKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*apiKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*apiKeysDataSource)(nil)
)

// NewAPIKeysDataSource returns the hellgate_api_keys data source.
func NewAPIKeysDataSource() datasource.DataSource {
	return &apiKeysDataSource{}
}

type apiKeysDataSource struct {
	data *providerData
}

type apiKeysDataModel struct {
	Scopes types.Set `tfsdk:"scopes"`
	keyFilterConfig
	Keys types.List `tfsdk:"keys"`

	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *apiKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_keys"
}

func (d *apiKeysDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the API keys of the Hellgate Guardian cluster, for audits such as " +
			"\"which keys exist, with which scopes, and which have expired?\". " +
			"Reads every page of the list (100 keys per request, the most Hellgate allows). " +
			"Keys are ordered by `created_at`, then by `id`. The keys' secrets are never available.",
		Attributes: map[string]schema.Attribute{
			"scopes": schema.SetAttribute{
				MarkdownDescription: descScopeFilter,
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          validators.ScopeFilterSet(),
			},
			"include_expired": schema.BoolAttribute{
				MarkdownDescription: "Whether to list keys that have expired but were not deleted. Defaults to `true`.",
				Optional:            true,
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
			"keys": schema.ListNestedAttribute{
				MarkdownDescription: "The keys, ordered by `created_at`, then by `id`.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: keyDataAttributes(schema.StringAttribute{MarkdownDescription: descID, Computed: true}),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": readTimeoutBlock(ctx, "reading every page of the list", defaultListTimeout),
		},
	}
}

// ConfigValidators refuses a created_after and created_before window that
// no key can fall into, and a zero or negative read timeout, at validate
// time, before any call to Hellgate.
func (d *apiKeysDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{createdWindowValidator{}, validators.Timeouts()}
}

func (d *apiKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, "Data Source", &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *apiKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg apiKeysDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	filter, diags := keyFilterFrom(ctx, cfg.Scopes, cfg.keyFilterConfig, true)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil || d.data.client == nil {
		notConfigured(&resp.Diagnostics, "list the API keys")
		return
	}

	ctx, cancel, diags := withReadTimeout(ctx, cfg.Timeouts, defaultListTimeout)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	keys, err := d.data.client.ListAllAPIKeys(ctx, hellgate.MaxPageSize)
	if err != nil {
		resp.Diagnostics.AddError(apiErrorSummary("Unable to List API Keys", err),
			apiErrorDetail("Hellgate did not list the API keys", err))
		return
	}

	filter.now = d.data.now()
	keys = filterAPIKeys(keys, filter)
	items := make([]apiKeyDataModel, 0, len(keys))
	for i := range keys {
		m, diags := dataModelFromAPI(ctx, &keys[i], filter.now)
		resp.Diagnostics.Append(diags...)
		items = append(items, m)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	list, diags := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: apiKeyDataAttrTypes()}, items)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.Keys = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
