package provider

// Diagnostics shared by several objects, so that their wording cannot
// drift apart: Configure's type check, an unknown provider configuration,
// API errors with what the user can do, and escalation warnings.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

const bugReport = "This is always a bug in the provider and should be reported to the provider developers."

// configuredData is what every object's Configure does with the provider's
// data: nothing yet (nil, before the provider is configured), or
// *providerData; anything else is a bug, reported as one.
func configuredData(data any, kind string, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected "+kind+" Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. %s", data, bugReport))
		return nil
	}
	return pd
}

// notConfigured reports an object that must call Hellgate while the
// provider configuration still has values that are unknown until apply.
func notConfigured(diags *diag.Diagnostics, action string) {
	diags.AddError("Provider Configuration Not Yet Known",
		fmt.Sprintf("Unable to %s: the hellgate provider block uses values that are only known after apply "+
			"(for example a credential produced by another resource), so the provider cannot call Hellgate yet. "+
			"Apply the resources the provider configuration depends on first (terraform apply -target=...), "+
			"or configure the provider with values known at plan time.", action))
}

// wrongEndpointSummary is the summary of an error that says the endpoint,
// or its path prefix, is wrong, whichever operation met it.
const wrongEndpointSummary = "Wrong Hellgate Endpoint"

// notFromHellgateSummary is the summary of an error that says a 404 on
// one key's path came from something in front of Hellgate, whichever
// operation met it.
const notFromHellgateSummary = "Answer Not From Hellgate"

// apiErrorSummary returns summary for a failed Hellgate call, or
// wrongEndpointSummary when err says the endpoint is wrong, or
// notFromHellgateSummary when a gateway in front of Hellgate answered:
// that, not the operation, is what the user must fix.
func apiErrorSummary(summary string, err error) string {
	switch {
	case hellgate.IsWrongEndpoint(err):
		return wrongEndpointSummary
	case hellgate.IsNotFromHellgate(err):
		return notFromHellgateSummary
	}
	return summary
}

// apiErrorDetail explains a failed Hellgate call: what the user can do,
// then the error itself, which carries the HTTP status, Hellgate's message
// and the request id.
func apiErrorDetail(what string, err error) string {
	hint := ""
	var apiErr *hellgate.Error
	if errors.As(err, &apiErr) {
		switch {
		case hellgate.IsUnauthorized(err):
			hint = " Hellgate rejected the provider's credential: check api_key/admin_token (or HELLGATE_API_KEY/HELLGATE_ADMIN_TOKEN), and that the API key has not expired or been revoked."
		case hellgate.IsForbidden(err):
			hint = " The provider's API key lacks the scope this operation needs (admin:api-keys:create, :read or :delete); use a key with that scope, or an admin token."
		}
	}
	if hellgate.IsWrongEndpoint(err) {
		hint = " The configured endpoint does not serve Hellgate's API-key endpoints, so the provider cannot tell whether any key exists: " +
			"it has removed nothing from state and revoked nothing. Set endpoint (or HELLGATE_ENDPOINT) to the cluster's base URL, " +
			"such as " + hellgate.ClusterURL("my-cluster-id") + ", without /api or another path after it, or set cluster_id instead."
	}
	if hellgate.IsNotFromHellgate(err) {
		hint = " A 404 came from something in front of Hellgate, not from Hellgate, so the provider cannot tell whether the key exists: " +
			"it has removed nothing from state and revoked nothing. Check the gateway, ingress or load balancer between the provider and Hellgate: " +
			"it must pass every path under /api/admin/api-keys/ on to Hellgate. Then run Terraform again."
	}
	if host, ok := hellgate.IsHostNotFound(err); ok {
		hint = fmt.Sprintf(" The host %s does not exist: check cluster_id (or HELLGATE_CLUSTER_ID), or endpoint (or HELLGATE_ENDPOINT).", host)
	}
	return fmt.Sprintf("%s.%s\n\n%s", what, hint, err.Error())
}

// warnEscalation warns, at the scopes attribute, about a key whose scopes
// let it mint or widen API keys: such a key is as strong as the admin
// token. subject names the key, such as "This plan creates an API key".
func warnEscalation(diags *diag.Diagnostics, scopeValues []string, subject string) {
	found := scopes.Escalating(scopeValues)
	if len(found) == 0 {
		return
	}
	parts := make([]string, 0, len(found))
	for _, e := range found {
		parts = append(parts, fmt.Sprintf("%s, which %s", e.Scope, e.Why))
	}
	noun := "scope"
	if len(found) > 1 {
		noun = "scopes"
	}
	diags.AddAttributeWarning(path.Root("scopes"), "API Key Can Mint or Widen API Keys",
		fmt.Sprintf("%s with the %s %s. Whoever holds such a key can give itself, or a new key, every scope: "+
			"the key is as strong as the admin token. Grant it only to a service whose job is managing API keys, "+
			"give it an expires_in, and keep its key_value where only that service can read it; "+
			"any other service needs narrower scopes.", subject, noun, strings.Join(parts, ", and ")))
}
