package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// badInput is a configuration mistake and the message that must explain
// it. Every one must be caught before the provider calls Hellgate.
type badInput struct {
	name string
	// provider is the body of the provider block. The endpoint and the
	// admin token come from env, which defaults to the test cluster's
	// HELLGATE_ENDPOINT and HELLGATE_ADMIN_TOKEN; in env, "{url}" and
	// "{token}" stand for the test cluster's.
	provider string
	env      map[string]string
	// resource is the body of resource "hellgate_api_key" "test"; empty
	// means a valid one.
	resource string
	// extra is appended to the configuration (an import block).
	extra string
	// importID, when set, runs terraform import with this id instead of a
	// plan.
	importID string
	want     string // regexp the error must match
}

var badInputs = []badInput{
	// scopes
	{name: "unknown scope", resource: `scopes = ["pci:tokens:fly"]`,
		want: `(?s)Invalid Scope.*"pci:tokens:fly" is not a Hellgate scope.*Valid scopes are: admin:api-keys:create,`},
	{name: "scope typo", resource: `scopes = ["pci:token:read"]`,
		want: `(?s)Invalid Scope.*"pci:token:read" is not a Hellgate scope\. Did you mean "pci:tokens:read"\?`},
	{name: "scope typo in the resource part", resource: `scopes = ["admin:apikeys:create"]`,
		want: `(?s)Did you mean "admin:api-keys:create"\?`},
	{name: "scope in upper case", resource: `scopes = ["PCI:TOKENS:READ"]`,
		want: `(?s)"PCI:TOKENS:READ" is not a Hellgate scope\. Did you mean "pci:tokens:read"\?`},
	{name: "empty scope set", resource: `scopes = []`,
		want: `(?s)No Scopes.*Attribute scopes is empty, but an API key needs at least one\s+scope. Valid scopes are: admin:api-keys:create`},
	{name: "empty scope string", resource: `scopes = [""]`,
		want: `(?s)Invalid Scope.*"" is not a Hellgate scope.*Valid scopes are:`},
	{name: "scopes missing", resource: `expires_in = 60`,
		want: `(?s)The argument "scopes" is required`},
	{name: "scopes as a string", resource: `scopes = "pci:tokens:read"`,
		want: `(?s)Inappropriate value for attribute "scopes": set of string required`},
	{name: "misspelt attribute", resource: `scope = ["pci:tokens:read"]`,
		want: `(?s)An argument named "scope" is not expected here\. Did you mean "scopes"\?`},

	// expires_in
	{name: "expires_in zero", resource: validKeyBody + "\n  expires_in = 0",
		want: `(?s)Invalid Number of Seconds.*Attribute expires_in must be a whole number of seconds from 1 to\s+7776000\s+\(2160h0m0s\), got: 0\.`},
	{name: "expires_in over 90 days", resource: validKeyBody + "\n  expires_in = 7776001",
		want: `(?s)Invalid Number of Seconds.*Attribute expires_in must be a whole number of seconds from 1 to\s+7776000\s+\(2160h0m0s\), got: 7776001\.`},
	{name: "expires_in negative", resource: validKeyBody + "\n  expires_in = -1",
		want: `(?s)Invalid Number of Seconds.*Attribute expires_in must be a whole number of seconds from 1 to\s+7776000\s+\(2160h0m0s\), got: -1\.`},
	{name: "expires_in a string", resource: validKeyBody + "\n  expires_in = \"soon\"",
		want: `(?s)Inappropriate value for attribute "expires_in": a number is required`},
	{name: "expires_in a list", resource: validKeyBody + "\n  expires_in = [3600]",
		want: `(?s)Inappropriate value for attribute "expires_in": number required`},
	// The framework rejects a fraction for an Int64 attribute before any
	// validator runs, as a "Configuration Read Error" that blames the
	// provider; it does name the line and say "not an integer".
	{name: "expires_in a fraction", resource: validKeyBody + "\n  expires_in = 1.5",
		want: `(?s)Invalid Number of Seconds.*Attribute expires_in must be a whole number of seconds from 1 to\s+7776000\s+\(2160h0m0s\), got: 1\.5\.`},

	// read-only attributes and timeouts
	{name: "key_value set by hand", resource: validKeyBody + "\n  key_value = \"my-own-secret\"",
		want: `(?s)Invalid Configuration for Read-Only Attribute.*key_value`},
	{name: "timeout not a duration", resource: validKeyBody + "\n  timeouts {\n    create = \"soon\"\n  }",
		want: `(?s)create.*soon`},

	// provider settings
	{name: "cluster_id not a DNS label", provider: `cluster_id = "My_Cluster"`,
		want: `(?s)Invalid Cluster ID.*Attribute cluster_id "My_Cluster" is not a valid cluster id: expected a DNS label`},
	{name: "cluster_id empty", provider: `cluster_id = ""`,
		want: `(?s)Invalid Cluster ID.*cluster_id must not be empty`},
	{name: "endpoint plain http to another host", provider: `endpoint = "http://hellgate.example.com"`,
		want: `(?s)Invalid Endpoint.*"http://hellgate.example.com" uses plain http:// with a host that is not loopback: use https://`},
	{name: "endpoint ftp", provider: `endpoint = "ftp://127.0.0.1:21"`,
		want: `(?s)Invalid Endpoint.*has scheme "ftp": expected https://`},
	{name: "endpoint with user info", provider: `endpoint = "https://ops:hunter2-pass@x.on-hellgate.cloud"`, //nolint:gosec // a made-up password the message must not repeat
		want: `(?s)Invalid Endpoint.*"https://REDACTED@x.on-hellgate.cloud" must not contain user information`},
	{name: "endpoint with a query", provider: `endpoint = "https://x.on-hellgate.cloud/?debug=1"`,
		want: `(?s)Invalid Endpoint.*must not have a query or fragment`},
	{name: "endpoint without a scheme", provider: `endpoint = "x.on-hellgate.cloud"`,
		want: `(?s)Invalid Endpoint.*"x.on-hellgate.cloud" is not an absolute URL`},
	{name: "both credentials in the block", provider: `
  api_key     = "key-in-block-1234"
  admin_token = "token-in-block-1234"`,
		want: `(?s)Invalid Attribute Combination.*cannot be configured together.*api_key.*admin_token`},
	{name: "no credential", env: map[string]string{EnvEndpoint: "{url}"},
		want: `(?s)Missing Hellgate Credentials.*Set exactly one of api_key \(or the HELLGATE_API_KEY environment variable\)`},
	{name: "no cluster", env: map[string]string{EnvAdminToken: "{token}"},
		want: `(?s)Missing Hellgate Cluster.*Set cluster_id in the provider block`},
	{name: "empty api_key", provider: `api_key = ""`,
		want: `(?s)Empty Value.*Attribute api_key must not be an empty string`},
	{name: "empty admin_token", provider: `admin_token = ""`,
		want: `(?s)Empty Value.*Attribute admin_token must not be an empty string`},
	{name: "api_key with an escape character", provider: `api_key = "key-\u001b[31m-1234"`,
		want: `(?s)Invalid Credential.*Attribute api_key is not a valid HTTP header value: it contains the control character 0x1b at position 5`},
	{name: "admin_token with a DEL character", provider: `admin_token = "token\u007f"`,
		want: `(?s)Invalid Credential.*Attribute admin_token is not a valid HTTP header value: it contains the control character 0x7f`},
	{name: "HELLGATE_API_KEY with a NUL character", env: map[string]string{EnvEndpoint: "{url}", EnvAPIKey: "key\x00-1234"},
		want: `(?s)Invalid Credential.*The HELLGATE_API_KEY environment variable \(used because api_key is not set in the provider block\) is not a valid HTTP header value: it contains the control character 0x00`},
	{name: "max_retries too high", provider: `max_retries = 11`,
		want: `(?s)Attribute max_retries value must be between 0 and 10, got: 11`},
	{name: "max_retries negative", provider: `max_retries = -1`,
		want: `(?s)Attribute max_retries value must be between 0 and 10, got: -1`},
	{name: "request_timeout not a duration", provider: `request_timeout = "abc"`,
		want: `(?s)Invalid Duration.*Attribute request_timeout: "abc" is not a duration: expected a number with a unit`},
	{name: "request_timeout without a unit", provider: `request_timeout = "30"`,
		want: `(?s)Invalid Duration.*"30" is not a duration`},
	{name: "request_timeout zero", provider: `request_timeout = "0s"`,
		want: `(?s)Invalid Duration.*"0s" is out of range: expected a duration from 1s to 10m0s`},
	{name: "request_timeout too long", provider: `request_timeout = "1h"`,
		want: `(?s)Invalid Duration.*"1h" is out of range`},
	{name: "HELLGATE_ENDPOINT plain http to another host",
		env:  map[string]string{EnvEndpoint: "http://hellgate.example.com", EnvAdminToken: "token-1234567"},
		want: `(?s)Invalid Endpoint.*The HELLGATE_ENDPOINT environment variable.*is invalid: "http://hellgate.example.com" uses plain http://`},
	{name: "HELLGATE_CLUSTER_ID not a DNS label",
		env:  map[string]string{EnvClusterID: "Bad.Id", EnvAdminToken: "token-1234567"},
		want: `(?s)Invalid Cluster ID.*The HELLGATE_CLUSTER_ID environment variable.*"Bad.Id" is not a valid cluster id`},
	{name: "both credential variables",
		env:  map[string]string{EnvEndpoint: "{url}", EnvAPIKey: "key-1234567", EnvAdminToken: "token-1234567"},
		want: `(?s)Conflicting Hellgate Credentials.*Both the HELLGATE_API_KEY and HELLGATE_ADMIN_TOKEN environment variables are set`},

	// import ids
	{name: "import id not a UUID", importID: "my-key",
		want: `(?s)Invalid Import ID.*a UUID such as "123e4567-e89b-12d3-a456-426614174000", got: "my-key"`},
	{name: "import id a UUID cut short", importID: "123e4567-e89b-12d3-a456-42661417400",
		want: `(?s)Invalid Import ID.*got: "123e4567-e89b-12d3-a456-42661417400"`},
	{name: "import block id not a UUID", extra: `
import {
  to = hellgate_api_key.test
  id = "api-key-checkout"
}`,
		want: `(?s)Invalid Import ID.*got: "api-key-checkout"`},
	// A key's secret pasted in place of its id is not printed back.
	{name: "import id a key's secret", importID: "key_1234567890ABCDEFsecret",
		want: `(?s)Invalid Import ID.*got: a value of 26 characters that is not shown`},
}

// TestAccAPIKey_badInput checks that every mistake in badInputs fails with
// a message that names the attribute, what is wrong and what is allowed,
// and that none of them reaches Hellgate.
func TestAccAPIKey_badInput(t *testing.T) {
	if n := len(badInputs); n < 25 {
		t.Fatalf("only %d bad inputs", n)
	}
	for _, tc := range badInputs {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t)
			env := map[string]string{EnvEndpoint: c.url, EnvAdminToken: c.token}
			if tc.env != nil {
				env = map[string]string{}
				for k, v := range tc.env {
					env[k] = strings.NewReplacer("{url}", c.url, "{token}", c.token).Replace(v)
				}
			}
			body := tc.resource
			if body == "" {
				body = validKeyBody
			}
			cfg := fmt.Sprintf("provider \"hellgate\" {\n  %s\n}\n\nresource \"hellgate_api_key\" \"test\" {\n  %s\n}\n%s",
				tc.provider, body, tc.extra)

			// Terraform wraps messages at 80 columns: a space in want
			// matches any run of white space.
			want := wsRegexp(tc.want)
			step := resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: want}
			if tc.importID != "" {
				step = resource.TestStep{
					Config:        cfg,
					ResourceName:  keyAddr,
					ImportState:   true,
					ImportStateId: tc.importID,
					ExpectError:   want,
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: c.factories(WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })),
				Steps:                    []resource.TestStep{step},
			})

			if st := c.srv.Stats(); st.Requests != (mockcluster.RequestStats{}) {
				t.Errorf("the mock received requests: %+v, want none", st.Requests)
			}
		})
	}
}
