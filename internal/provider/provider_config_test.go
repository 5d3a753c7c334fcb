package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

func TestResolveSettings(t *testing.T) {
	str := types.StringValue
	null := types.StringNull()
	// block is a provider block with these four settings and no others.
	block := func(clusterID, endpoint, apiKey, adminToken types.String) providerModel {
		return providerModel{ClusterID: clusterID, Endpoint: endpoint, APIKey: apiKey, AdminToken: adminToken}
	}
	type vars = map[string]string
	type want struct {
		baseURL, apiKey, adminToken string
		err                         string
	}
	cases := []struct {
		name string
		cfg  providerModel
		env  map[string]string
		want want
	}{
		{"cluster id from the block", block(str("my-cluster-id"), null, null, str("t")), nil,
			want{baseURL: "https://my-cluster-id.on-hellgate.cloud", adminToken: "t"}},
		{"endpoint overrides cluster id", block(str("my-cluster-id"), str("http://127.0.0.1:8089/"), str("k"), null), nil,
			want{baseURL: "http://127.0.0.1:8089", apiKey: "k"}},
		{"environment when the block is empty", block(null, null, null, null), vars{EnvClusterID: "env-cluster", EnvAPIKey: "env-key"},
			want{baseURL: "https://env-cluster.on-hellgate.cloud", apiKey: "env-key"}},
		{"env endpoint wins over env cluster id", block(null, null, null, null), vars{EnvClusterID: "env-cluster", EnvEndpoint: "http://localhost:1", EnvAdminToken: "t"},
			want{baseURL: "http://localhost:1", adminToken: "t"}},
		{"block cluster id wins over env endpoint", block(str("block"), null, null, str("t")), vars{EnvEndpoint: "http://localhost:1"},
			want{baseURL: "https://block.on-hellgate.cloud", adminToken: "t"}},
		{"block api_key ignores env admin token", block(str("c"), null, str("block-key"), null), vars{EnvAdminToken: "env-token"},
			want{baseURL: "https://c.on-hellgate.cloud", apiKey: "block-key"}},
		{"block admin_token ignores env api key", block(str("c"), null, null, str("block-token")), vars{EnvAPIKey: "env-key"},
			want{baseURL: "https://c.on-hellgate.cloud", adminToken: "block-token"}},
		{"both credentials in the environment", block(str("c"), null, null, null), vars{EnvAPIKey: "k", EnvAdminToken: "t"},
			want{err: "Both the HELLGATE_API_KEY and HELLGATE_ADMIN_TOKEN environment variables are set"}},
		{"no credential", block(str("c"), null, null, null), nil,
			want{err: "Set exactly one of api_key (or the HELLGATE_API_KEY environment variable) or admin_token"}},
		{"no cluster", block(null, null, null, str("t")), nil,
			want{err: "Set cluster_id in the provider block (or the HELLGATE_CLUSTER_ID environment variable)"}},
		{"bad cluster id in the environment", block(null, null, null, str("t")), vars{EnvClusterID: "Not_A_Label"},
			want{err: "The HELLGATE_CLUSTER_ID environment variable (used because cluster_id is not set in the provider block) is invalid"}},
		{"plain http endpoint in the environment", block(null, null, null, str("t")), vars{EnvEndpoint: "http://hellgate.example.com"},
			want{err: "The HELLGATE_ENDPOINT environment variable (used because endpoint is not set in the provider block) is invalid"}},
		{"empty environment variables count as unset", block(str("c"), null, null, null), vars{EnvAPIKey: " ", EnvAdminToken: "t"},
			want{baseURL: "https://c.on-hellgate.cloud", adminToken: "t"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.MaxRetries = types.Int64Null()
			tc.cfg.RequestTimeout = types.StringNull()
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			s, diags := resolveSettings(tc.cfg, lookup)
			if tc.want.err != "" {
				if !diags.HasError() {
					t.Fatalf("want an error containing %q, got none", tc.want.err)
				}
				var all []string
				for _, d := range diags.Errors() {
					all = append(all, d.Summary()+": "+d.Detail())
				}
				if joined := strings.Join(all, "\n"); !strings.Contains(joined, tc.want.err) {
					t.Fatalf("errors %q do not contain %q", joined, tc.want.err)
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("unexpected errors: %v", diags)
			}
			if s.baseURL != tc.want.baseURL || s.apiKey != tc.want.apiKey || s.adminToken != tc.want.adminToken {
				t.Errorf("got %q/%q/%q, want %q/%q/%q", s.baseURL, s.apiKey, s.adminToken, tc.want.baseURL, tc.want.apiKey, tc.want.adminToken)
			}
			if s.maxRetries != hellgate.DefaultMaxRetries || s.requestTimeout != hellgate.DefaultRequestTimeout {
				t.Errorf("defaults: got %d retries, %s timeout", s.maxRetries, s.requestTimeout)
			}
		})
	}
}

func TestResolveSettingsRetriesAndTimeout(t *testing.T) {
	cfg := providerModel{
		ClusterID: types.StringValue("c"), Endpoint: types.StringNull(),
		APIKey: types.StringNull(), AdminToken: types.StringValue("t"),
		MaxRetries: types.Int64Value(0), RequestTimeout: types.StringValue("90s"),
	}
	s, diags := resolveSettings(cfg, func(string) (string, bool) { return "", false })
	if diags.HasError() {
		t.Fatal(diags)
	}
	if s.maxRetries != 0 || s.requestTimeout != 90*time.Second {
		t.Errorf("got %d retries and %s, want 0 and 90s", s.maxRetries, s.requestTimeout)
	}
}

func TestConfiguredData(t *testing.T) {
	var diags diag.Diagnostics
	if got := configuredData(nil, "Resource", &diags); got != nil || diags.HasError() {
		t.Errorf("nil provider data: got %v, %v; want nil and no error", got, diags)
	}
	want := &providerData{}
	if got := configuredData(want, "Resource", &diags); got != want || diags.HasError() {
		t.Errorf("provider data: got %v, %v", got, diags)
	}
	if got := configuredData("oops", "Data Source", &diags); got != nil || !diags.HasError() {
		t.Fatalf("wrong type: got %v, %v; want an error", got, diags)
	}
	if d := diags.Errors()[0]; d.Summary() != "Unexpected Data Source Configure Type" || !strings.Contains(d.Detail(), "got: string") || !strings.Contains(d.Detail(), "bug in the provider") {
		t.Errorf("wrong type: diagnostic %q / %q", d.Summary(), d.Detail())
	}
}
