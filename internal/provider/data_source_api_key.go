package provider

// The hellgate_api_key data source: one API key looked up by id, within a
// read timeout, with whether it has expired; and the model of one key and
// the read timeout that both data sources share.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

var (
	_ datasource.DataSource                     = (*apiKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*apiKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*apiKeyDataSource)(nil)
)

// NewAPIKeyDataSource returns the hellgate_api_key data source.
func NewAPIKeyDataSource() datasource.DataSource {
	return &apiKeyDataSource{}
}

type apiKeyDataSource struct {
	data *providerData
}

// apiKeyDataModel is one key as both data sources show it. It never holds
// the secret: Hellgate returns only its masked form after creation.
type apiKeyDataModel struct {
	ID             types.String `tfsdk:"id"`
	Scopes         types.Set    `tfsdk:"scopes"`
	CreatedAt      types.String `tfsdk:"created_at"`
	ExpiresAt      types.String `tfsdk:"expires_at"`
	MaskedKeyValue types.String `tfsdk:"masked_key_value"`
	Expired        types.Bool   `tfsdk:"expired"`
}

// apiKeyDataAttrTypes is the object type of one key in hellgate_api_keys.
func apiKeyDataAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"id":               types.StringType,
		"scopes":           types.SetType{ElemType: types.StringType},
		"created_at":       types.StringType,
		"expires_at":       types.StringType,
		"masked_key_value": types.StringType,
		"expired":          types.BoolType,
	}
}

// apiKeyDataSourceModel is the data source's object: the key, as both
// data sources show one, and the read timeout.
type apiKeyDataSourceModel struct {
	apiKeyDataModel

	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *apiKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (d *apiKeyDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one API key of the Hellgate Guardian cluster by its id: its scopes, its lifetime and whether it has expired. " +
			"Useful to audit a key made elsewhere; the key's secret is never available (Hellgate returns it only when the key is created).",
		Attributes: keyDataAttributes(schema.StringAttribute{
			MarkdownDescription: "The key's id, a UUID such as `123e4567-e89b-12d3-a456-426614174000`.",
			Required:            true,
			Validators:          []validator.String{uuidValidator()},
		}),
		Blocks: map[string]schema.Block{
			"timeouts": readTimeoutBlock(ctx, "reading the key", defaultReadTimeout),
		},
	}
}

// ConfigValidators refuses a zero or negative read timeout at validate
// time, before any call to Hellgate.
func (d *apiKeyDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{validators.Timeouts()}
}

func (d *apiKeyDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req.ProviderData, "Data Source", &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *apiKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg apiKeyDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := strings.ToLower(cfg.ID.ValueString())
	if d.data == nil || d.data.client == nil {
		notConfigured(&resp.Diagnostics, "read the API key "+id)
		return
	}

	ctx, cancel, diags := withReadTimeout(ctx, cfg.Timeouts, defaultReadTimeout)
	defer cancel()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	key, err := d.data.client.GetAPIKey(ctx, id)
	if hellgate.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "API Key Not Found",
			apiErrorDetail(fmt.Sprintf("No API key with id %s exists on the cluster: check the id, "+
				"or whether the key was deleted (an expired key is still found until it is deleted)", id), err))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError(apiErrorSummary("Unable to Read API Key", err),
			apiErrorDetail(fmt.Sprintf("Hellgate did not return the API key %s", id), err))
		return
	}

	m, diags := dataModelFromAPI(ctx, key, d.data.now())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = cfg.ID // as configured, so that the value Terraform checks is unchanged
	resp.Diagnostics.Append(resp.State.Set(ctx, &apiKeyDataSourceModel{apiKeyDataModel: m, Timeouts: cfg.Timeouts})...)
}

// readTimeoutBlock is the timeouts block of both data sources: read only,
// bounding what, def when not set.
func readTimeoutBlock(ctx context.Context, what string, def time.Duration) schema.Block {
	return timeouts.BlockWithOpts(ctx, timeouts.Opts{
		ReadDescription: fmt.Sprintf("How long %s may take, retries included, as a duration of at least one second such as `\"30s\"` or `\"5m\"`. "+
			"Defaults to `\"%s\"`.", what, def),
	})
}

// withReadTimeout bounds ctx by a data source's read timeout t, or by def
// when t is not set. cancel is never nil.
func withReadTimeout(ctx context.Context, t timeouts.Value, def time.Duration) (context.Context, context.CancelFunc, diag.Diagnostics) {
	timeout, diags := t.Read(ctx, def)
	if diags.HasError() {
		return ctx, func() {}, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, diags
}

// keyDataAttributes are the attributes both data sources read of one key:
// id as given, and what Hellgate says of the key.
func keyDataAttributes(id schema.StringAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":               id,
		"scopes":           schema.SetAttribute{MarkdownDescription: descKeyScopes, ElementType: types.StringType, Computed: true},
		"created_at":       schema.StringAttribute{MarkdownDescription: descCreatedAt, Computed: true},
		"expires_at":       schema.StringAttribute{MarkdownDescription: descExpiresAt, Computed: true},
		"masked_key_value": schema.StringAttribute{MarkdownDescription: descMaskedKeyValue, Computed: true},
		"expired":          schema.BoolAttribute{MarkdownDescription: descExpired, Computed: true},
	}
}

// dataModelFromAPI maps a key from Hellgate to the data sources' model;
// expired is judged by now, the provider clock.
func dataModelFromAPI(ctx context.Context, k *hellgate.APIKey, now time.Time) (apiKeyDataModel, diag.Diagnostics) {
	scopeSet, diags := types.SetValueFrom(ctx, types.StringType, k.Scopes)
	m := apiKeyDataModel{
		ID:             types.StringValue(k.ID),
		Scopes:         scopeSet,
		CreatedAt:      types.StringValue(formatTime(k.CreatedAt)),
		ExpiresAt:      expiresAtValue(k),
		MaskedKeyValue: types.StringNull(),
		Expired:        types.BoolValue(keyExpired(k, now)),
	}
	if k.MaskedKeyValue != "" {
		m.MaskedKeyValue = types.StringValue(k.MaskedKeyValue)
	}
	return m, diags
}
