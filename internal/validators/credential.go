package validators

// The credential check: api_key and admin_token (and the environment
// variables that stand in for them) must be values that can be sent as an
// HTTP header unchanged.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// credentialRule says what a credential may hold.
const credentialRule = "a credential may hold only printable ASCII characters (letters, digits, punctuation and spaces between them)" //nolint:gosec // a sentence about credentials, not one

// CheckCredential reports why s cannot be sent as a credential header
// (x-api-key or x-admin-token), or nil. The error says what is wrong and
// what is allowed, and never quotes s. It is the rule the Hellgate client
// applies, so a value that passes here is never refused later.
func CheckCredential(s string) error {
	if err := hellgate.CheckCredential(s); err != nil {
		return fmt.Errorf("is not a valid HTTP header value: %w; %s", err, credentialRule)
	}
	return nil
}

// Credential validates a string attribute holding a credential with
// CheckCredential. It passes the empty string: every credential attribute
// also carries NotEmpty, which reports that case, and one error for one
// mistake is enough.
func Credential() validator.String {
	return credentialValidator{Text: "must hold only printable ASCII characters, with no leading or trailing space"}
}

type credentialValidator struct{ Text }

func (credentialValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if err := CheckCredential(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Credential",
			fmt.Sprintf("Attribute %s %s.", req.Path, err))
	}
}
