package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// Diagnostics shared by several objects live here, so their wording cannot
// drift apart.

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
	if host, ok := hellgate.IsHostNotFound(err); ok {
		hint = fmt.Sprintf(" The host %s does not exist: check cluster_id (or HELLGATE_CLUSTER_ID), or endpoint (or HELLGATE_ENDPOINT).", host)
	}
	return fmt.Sprintf("%s.%s\n\n%s", what, hint, err.Error())
}
