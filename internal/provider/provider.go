// Package provider implements the hellgate Terraform provider on
// terraform-plugin-framework. It holds framework glue only: every call to
// Hellgate goes through the typed client in internal/hellgate.
package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

var (
	_ provider.Provider                       = (*hellgateProvider)(nil)
	_ provider.ProviderWithConfigValidators   = (*hellgateProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*hellgateProvider)(nil)
	_ provider.ProviderWithFunctions          = (*hellgateProvider)(nil)
	_ provider.ProviderWithListResources      = (*hellgateProvider)(nil)
	_ provider.ProviderWithActions            = (*hellgateProvider)(nil)
)

// Environment variables read by the provider block.
//
//nolint:gosec // names of environment variables, not credentials (G101 matches "API_KEY" and "TOKEN")
const (
	EnvClusterID  = "HELLGATE_CLUSTER_ID"
	EnvEndpoint   = "HELLGATE_ENDPOINT"
	EnvAPIKey     = "HELLGATE_API_KEY"
	EnvAdminToken = "HELLGATE_ADMIN_TOKEN"
)

// The bounds of max_retries and request_timeout; their defaults are the
// client's (hellgate.DefaultMaxRetries, hellgate.DefaultRequestTimeout).
const (
	maxMaxRetries     = 10
	minRequestTimeout = time.Second
	maxRequestTimeout = 10 * time.Minute
)

const (
	// The default timeouts of the resource's and the ephemeral resource's
	// operations (their timeouts blocks override them).
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
	// defaultListTimeout bounds a listing of every page (data source, list resource).
	defaultListTimeout = 5 * time.Minute
)

// Option adjusts a provider instance; tests use it to inject a clock.
type Option func(*hellgateProvider)

// WithClock makes the provider and everything it configures read the time
// from c instead of the system clock.
func WithClock(c clock.Clock) Option {
	return func(p *hellgateProvider) { p.clock = c }
}

// WithEnv makes the provider read environment variables through lookup
// instead of the process environment; tests that serve the provider
// in-process use it to give each run its own environment.
func WithEnv(lookup func(string) (string, bool)) Option {
	return func(p *hellgateProvider) { p.lookupEnv = lookup }
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &hellgateProvider{version: version, clock: clock.Real(), lookupEnv: os.LookupEnv}
		for _, o := range opts {
			o(p)
		}
		return p
	}
}

type hellgateProvider struct {
	version   string
	clock     clock.Clock
	lookupEnv func(string) (string, bool)
}

type providerModel struct {
	ClusterID      types.String `tfsdk:"cluster_id"`
	Endpoint       types.String `tfsdk:"endpoint"`
	APIKey         types.String `tfsdk:"api_key"`
	AdminToken     types.String `tfsdk:"admin_token"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

// providerData is what Configure hands to resources and data sources.
// client is nil when the provider configuration was not known yet at plan
// time; objects then plan without calling Hellgate and report a clear
// error if they must.
type providerData struct {
	client *hellgate.Client
	clock  clock.Clock
	// lookupEnv reads the environment at the time of a call (the secrets
	// of keys being imported); nil reads nothing.
	lookupEnv func(string) (string, bool)
}

// now returns the time by the provider's clock; the system clock's when
// the provider was not configured.
func (d *providerData) now() time.Time {
	if d == nil {
		return time.Now()
	}
	return clock.OrReal(d.clock).Now()
}

func (p *hellgateProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hellgate"
	resp.Version = p.version
}

func (p *hellgateProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages API keys of a [Hellgate](https://www.hellgate.io) Guardian cluster.",
		Attributes: map[string]schema.Attribute{
			"cluster_id": schema.StringAttribute{
				MarkdownDescription: "Your Guardian cluster's id, a DNS label such as `my-cluster-id`. " +
					"The provider talks to `https://{cluster_id}.on-hellgate.cloud`. " +
					"Can be set with the `" + EnvClusterID + "` environment variable. " +
					"One of `cluster_id` or `endpoint` is required.",
				Optional:   true,
				Validators: []validator.String{validators.ClusterID()},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "A full base URL of the Guardian API, such as `https://my-cluster-id.on-hellgate.cloud` " +
					"or `http://127.0.0.1:8089` for a mock cluster; overrides `cluster_id`. " +
					"The API paths (`/api/admin/api-keys/...`) are appended to it, so leave out `/api`: an endpoint whose " +
					"API-key list answers `404` fails every operation with a \"Wrong Hellgate Endpoint\" error, and " +
					"its `404`s are never taken to mean that a key is gone. " +
					"Must use `https://`; plain `http://` is accepted only for loopback hosts " +
					"(`localhost`, `127.0.0.0/8`, `::1`), because credentials for a card vault never travel in clear text. " +
					"Can be set with the `" + EnvEndpoint + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{validators.Endpoint()},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "An API key (`x-api-key`) with the `admin:api-keys:*` scopes the configuration needs. " +
					"Can be set with the `" + EnvAPIKey + "` environment variable. " +
					"Exactly one of `api_key` or `admin_token` must be set.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{validators.NotEmpty(), validators.Credential()},
			},
			"admin_token": schema.StringAttribute{
				MarkdownDescription: "An admin token (`x-admin-token`), allowed every API-key operation. " +
					"Can be set with the `" + EnvAdminToken + "` environment variable. " +
					"Exactly one of `api_key` or `admin_token` must be set.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{validators.NotEmpty(), validators.Credential()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request that failed transiently "+
					"(a connection error, or a `429`, `500`, `502`, `503` or `504` answer) is retried, with exponential backoff "+
					"and jitter; an answer with a `Retry-After` header is retried after the wait it asks for, up to %d seconds. "+
					"`0` to `%d`; defaults to `%d`. Creates are retried with the same idempotency key, so a retry never makes a second key.",
					int(hellgate.DefaultMaxRetryAfter/time.Second), maxMaxRetries, hellgate.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, maxMaxRetries)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one HTTP request may take before it is abandoned (and retried), "+
					"as a duration such as `\"30s\"`, from `%s` to `%s`. Defaults to `\"%s\"`. "+
					"The whole operation is bounded by the resource's `timeouts`.",
					minRequestTimeout, maxRequestTimeout, hellgate.DefaultRequestTimeout),
				Optional:   true,
				Validators: []validator.String{validators.Duration(minRequestTimeout, maxRequestTimeout)},
			},
		},
	}
}

func (p *hellgateProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		providervalidator.Conflicting(path.MatchRoot("api_key"), path.MatchRoot("admin_token")),
	}
}

func (p *hellgateProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if unknown := unknownAttributes(cfg); len(unknown) > 0 {
		// A setting produced by another resource is not known until apply.
		// Creating or planning keys needs no API call, so the plan goes on;
		// an object that must call Hellgate during this plan says why it
		// cannot.
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
			return
		}
		tflog.Debug(ctx, "provider configuration not yet known, deferring client set-up", map[string]any{"attributes": unknown})
		p.share(resp, &providerData{clock: p.clock, lookupEnv: p.lookupEnv})
		return
	}

	settings, diags := resolveSettings(cfg, p.lookupEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := hellgate.New(hellgate.Config{
		BaseURL:        settings.baseURL,
		APIKey:         settings.apiKey,
		AdminToken:     settings.adminToken,
		UserAgent:      userAgent(p.version, req.TerraformVersion),
		MaxRetries:     settings.maxRetries,
		RequestTimeout: settings.requestTimeout,
		Clock:          p.clock,
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Hellgate Client",
			"The provider could not set up its Hellgate client: "+err.Error())
		return
	}

	p.share(resp, &providerData{client: client, clock: p.clock, lookupEnv: p.lookupEnv})
}

// share hands data to every kind of object the provider serves.
func (p *hellgateProvider) share(resp *provider.ConfigureResponse, data *providerData) {
	resp.ResourceData, resp.DataSourceData, resp.EphemeralResourceData = data, data, data
	resp.ListResourceData, resp.ActionData = data, data
}

func (p *hellgateProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewAPIKeyResource,
	}
}

func (p *hellgateProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewAPIKeyDataSource,
		NewAPIKeysDataSource,
	}
}

func (p *hellgateProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAPIKeyEphemeralResource,
	}
}

func (p *hellgateProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewScopesFunction,
	}
}

func (p *hellgateProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewAPIKeyListResource,
	}
}

func (p *hellgateProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewRevokeAPIKeyAction,
	}
}

func userAgent(version, terraformVersion string) string {
	ua := "terraform-provider-hellgate/" + version + " (+https://registry.terraform.io/providers/starfish-codes/hellgate)"
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}
