// Command floor is the benchmark's floor: a terraform-plugin-framework
// provider whose floor_api_key resource has the shape of hellgate_api_key
// (the same attributes, types, flags, default, plan-modifier kinds,
// timeouts block and identity; shape_test.go keeps them the same) and does
// no work: no API, no client, no validation beyond the schema's, no plan
// modification of its own. It is built from this module's own framework
// versions, so that the difference between the two providers is the
// hellgate provider's own code: the framework's cost per key grows with the
// schema, and both pay it alike.
//
// HELLGATE_BENCH_FLOOR_SLEEP (a Go duration, e.g. "20ms") makes every
// create, read and delete wait that long, standing in for the one request
// per key and operation that the hellgate provider makes in the benchmark's
// latency runs.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

const (
	address  = "registry.terraform.io/starfish-codes/floor"
	envSleep = "HELLGATE_BENCH_FLOOR_SLEEP"
)

func main() {
	// The same logging set-up as the hellgate provider's main: without
	// TF_LOG the plugin loggers are off, and no line looks up its caller.
	if os.Getenv("TF_LOG") == "" && os.Getenv("TF_LOG_PROVIDER") == "" {
		for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
			if _, ok := os.LookupEnv(v); !ok {
				_ = os.Setenv(v, "OFF")
			}
		}
	}
	sleep, err := time.ParseDuration(envOr(envSleep, "0s"))
	if err != nil {
		log.Fatalf("%s: %v", envSleep, err)
	}
	p := &floorProvider{sleep: sleep}
	if err := tf6server.Serve(address, providerserver.NewProtocol6(p), tf6server.WithoutLogLocation()); err != nil {
		log.Fatal(err.Error())
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// floorProvider has no configuration; its one resource waits sleep per call.
type floorProvider struct {
	sleep time.Duration
}

func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}

func (p *floorProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &apiKey{sleep: p.sleep} }}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// apiKey is floor_api_key.
type apiKey struct {
	sleep time.Duration
}

var (
	_ resource.Resource                = (*apiKey)(nil)
	_ resource.ResourceWithImportState = (*apiKey)(nil)
	_ resource.ResourceWithIdentity    = (*apiKey)(nil)
)

// The hellgate provider's default timeouts.
const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
)

type apiKeyModel struct {
	ID        types.String `tfsdk:"id"`
	Scopes    types.Set    `tfsdk:"scopes"`
	ExpiresIn types.Number `tfsdk:"expires_in"`
	CreatedAt types.String `tfsdk:"created_at"`
	ExpiresAt types.String `tfsdk:"expires_at"`
	KeyValue  types.String `tfsdk:"key_value"`

	SecretVersion types.Int64 `tfsdk:"secret_version"`

	RotateBefore    types.String `tfsdk:"rotate_before"`
	RotationStatus  types.String `tfsdk:"rotation_status"`
	RevokeOnDestroy types.Bool   `tfsdk:"revoke_on_destroy"`
	Keepers         types.Map    `tfsdk:"keepers"`

	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// apiKeyIdentity is the identity, { id }, as hellgate_api_key's.
type apiKeyIdentity struct {
	ID types.String `tfsdk:"id"`
}

func (r *apiKey) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{RequiredForImport: true},
		},
	}
}

func (r *apiKey) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKey) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep},
			"scopes": schema.SetAttribute{
				ElementType:   types.StringType,
				Required:      true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"expires_in": schema.NumberAttribute{
				Optional:      true,
				PlanModifiers: []planmodifier.Number{numberplanmodifier.RequiresReplace()},
			},
			"created_at":    schema.StringAttribute{Computed: true, PlanModifiers: keep},
			"expires_at":    schema.StringAttribute{Computed: true, PlanModifiers: keep},
			"key_value":     schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keep},
			"rotate_before": schema.StringAttribute{Optional: true},
			"secret_version": schema.Int64Attribute{
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"rotation_status": schema.StringAttribute{Computed: true},
			"revoke_on_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"keepers": schema.MapAttribute{
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func (r *apiKey) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m apiKeyModel
	if !r.request(ctx, req.Plan.Get, &m, timeouts.Value.Create, defaultCreateTimeout, &resp.Diagnostics) {
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	m.ID = types.StringValue(randomHex(16))
	m.KeyValue = types.StringValue(randomHex(32))
	m.CreatedAt = types.StringValue(now.Format(time.RFC3339))
	m.SecretVersion = types.Int64Value(now.Unix())
	m.RotationStatus = types.StringNull()
	m.ExpiresAt = types.StringNull()
	if !m.ExpiresIn.IsNull() && !m.ExpiresIn.IsUnknown() {
		secs, _ := m.ExpiresIn.ValueBigFloat().Int64()
		m.ExpiresAt = types.StringValue(now.Add(time.Duration(secs) * time.Second).Format(time.RFC3339))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	// The framework keeps the identity from here on: Read, Update and
	// Delete receive it with the state.
	resp.Diagnostics.Append(resp.Identity.Set(ctx, apiKeyIdentity{ID: m.ID})...)
}

func (r *apiKey) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m apiKeyModel
	if r.request(ctx, req.State.Get, &m, timeouts.Value.Read, defaultReadTimeout, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

// Update is reached only by a change of timeouts: every other attribute
// forces replacement.
func (r *apiKey) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m apiKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if m.RotationStatus.IsUnknown() {
		m.RotationStatus = types.StringNull() // as hellgate_api_key plans it
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *apiKey) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m apiKeyModel
	r.request(ctx, req.State.Get, &m, timeouts.Value.Delete, defaultDeleteTimeout, &resp.Diagnostics)
}

func (r *apiKey) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}

// request does what each create, read and delete of the hellgate resource
// does before it has an answer: it decodes the object into m (with get, the
// plan's or the state's), reads the operation's timeout from its timeouts
// block (with timeout, e.g. timeouts.Value.Create) and, standing in for the one
// request, sleeps r.sleep within it. It reports whether all went well.
func (r *apiKey) request(ctx context.Context, get func(context.Context, any) diag.Diagnostics, m *apiKeyModel,
	timeout func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics,
) bool {
	diags.Append(get(ctx, m)...)
	if diags.HasError() {
		return false
	}
	d, tdiags := timeout(m.Timeouts, ctx, def)
	diags.Append(tdiags...)
	if diags.HasError() || r.sleep <= 0 {
		return !diags.HasError()
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	t := time.NewTimer(r.sleep)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		diags.AddError("Request Timed Out", fmt.Sprintf("the floor's stand-in request did not finish: %v", ctx.Err()))
		return false
	}
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
