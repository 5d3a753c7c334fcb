package provider

// The provider configuration after the environment and the defaults: which
// settings are still unknown at plan time, and the precedence rules that
// turn the provider block and HELLGATE_* variables into the client's
// settings, each value checked as its attribute's validator checks it.

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

// unknownAttributes names the provider settings whose values are not known
// yet (they come from another resource), in no particular order.
func unknownAttributes(cfg providerModel) []string {
	var out []string
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"cluster_id": cfg.ClusterID, "endpoint": cfg.Endpoint,
		"api_key": cfg.APIKey, "admin_token": cfg.AdminToken,
		"max_retries": cfg.MaxRetries, "request_timeout": cfg.RequestTimeout,
	} {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	return out
}

// settings is the provider configuration after environment variables and
// defaults have been applied.
type settings struct {
	baseURL        string
	apiKey         string
	adminToken     string
	maxRetries     int
	requestTimeout time.Duration
}

// resolveSettings applies the provider's precedence rules: a value written
// in the provider block always wins over the environment, for the target
// cluster and for credentials alike, so an aliased provider block can use a
// narrower key while the default one reads the environment.
func resolveSettings(cfg providerModel, lookupEnv func(string) (string, bool)) (settings, diag.Diagnostics) {
	var s settings
	var diags diag.Diagnostics
	env := func(name string) string {
		v, _ := lookupEnv(name)
		return strings.TrimSpace(v)
	}

	// Target cluster.
	switch {
	case !cfg.Endpoint.IsNull():
		s.baseURL = strings.TrimRight(cfg.Endpoint.ValueString(), "/")
	case !cfg.ClusterID.IsNull():
		s.baseURL = hellgate.ClusterURL(cfg.ClusterID.ValueString())
	case env(EnvEndpoint) != "":
		raw := env(EnvEndpoint)
		if _, err := validators.CheckEndpoint(raw); err != nil {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid Endpoint",
				fmt.Sprintf("The %s environment variable (used because endpoint is not set in the provider block) is invalid: %s.", EnvEndpoint, err))
		}
		s.baseURL = strings.TrimRight(raw, "/")
	case env(EnvClusterID) != "":
		id := env(EnvClusterID)
		if err := validators.CheckClusterID(id); err != nil {
			diags.AddAttributeError(path.Root("cluster_id"), "Invalid Cluster ID",
				fmt.Sprintf("The %s environment variable (used because cluster_id is not set in the provider block) is invalid: %s.", EnvClusterID, err))
		}
		s.baseURL = hellgate.ClusterURL(id)
	default:
		diags.AddAttributeError(path.Root("cluster_id"), "Missing Hellgate Cluster",
			fmt.Sprintf("The provider needs to know which Guardian cluster to manage. Set cluster_id in the provider block "+
				"(or the %s environment variable) to your cluster's id, or endpoint (or %s) to a full base URL such as "+
				"\"https://my-cluster-id.on-hellgate.cloud\".", EnvClusterID, EnvEndpoint))
	}

	// Credentials.
	switch {
	case !cfg.APIKey.IsNull() && !cfg.AdminToken.IsNull():
		// Also caught by ConfigValidators at validate time.
		diags.AddAttributeError(path.Root("api_key"), "Conflicting Hellgate Credentials",
			"Both api_key and admin_token are set in the provider block. Set exactly one of them.")
	case !cfg.APIKey.IsNull():
		s.apiKey = cfg.APIKey.ValueString()
	case !cfg.AdminToken.IsNull():
		s.adminToken = cfg.AdminToken.ValueString()
	default:
		apiKey, adminToken := env(EnvAPIKey), env(EnvAdminToken)
		switch {
		case apiKey != "" && adminToken != "":
			diags.AddAttributeError(path.Root("api_key"), "Conflicting Hellgate Credentials",
				fmt.Sprintf("Both the %s and %s environment variables are set, and neither api_key nor admin_token is set "+
					"in the provider block. Unset one of the variables, or set the credential to use in the provider block.",
					EnvAPIKey, EnvAdminToken))
		case apiKey != "":
			s.apiKey = apiKey
			diags.Append(checkEnvCredential(EnvAPIKey, "api_key", apiKey)...)
		case adminToken != "":
			s.adminToken = adminToken
			diags.Append(checkEnvCredential(EnvAdminToken, "admin_token", adminToken)...)
		default:
			diags.AddAttributeError(path.Root("api_key"), "Missing Hellgate Credentials",
				fmt.Sprintf("The provider needs a credential. Set exactly one of api_key (or the %s environment variable) "+
					"or admin_token (or the %s environment variable).", EnvAPIKey, EnvAdminToken))
		}
	}

	s.maxRetries = hellgate.DefaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		s.maxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	s.requestTimeout = hellgate.DefaultRequestTimeout
	if !cfg.RequestTimeout.IsNull() {
		d, err := validators.CheckDuration(cfg.RequestTimeout.ValueString(), minRequestTimeout, maxRequestTimeout)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid Duration", "Attribute request_timeout: "+err.Error()+".")
		}
		s.requestTimeout = d
	}
	return s, diags
}

// checkEnvCredential checks a credential read from the environment variable
// name, as the validator of attr checks one in the provider block, without
// ever quoting it.
func checkEnvCredential(name, attr, value string) diag.Diagnostics {
	var diags diag.Diagnostics
	if err := validators.CheckCredential(value); err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid Credential",
			fmt.Sprintf("The %s environment variable (used because %s is not set in the provider block) %s.", name, attr, err))
	}
	return diags
}
