package provider

// The configuration rules of hellgate_api_key that span attributes:
// rotate_before and revoke_on_destroy = false need expires_in, and
// rotate_before must be shorter than it. They are checked at validate
// time, before any plan or request.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

// rotationConfigValidator checks the attributes that only make sense for a
// key that expires.
type rotationConfigValidator struct{ validators.Text }

// rotationRules is the one rotationConfigValidator, with its description.
var rotationRules = rotationConfigValidator{
	Text: "rotate_before and revoke_on_destroy = false require expires_in; rotate_before must be shorter than expires_in",
}

func (rotationConfigValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	// Read from the object Terraform sent: by path, each attribute would
	// cost a walk of the schema, for every key on every validate.
	if req.Config.Raw.IsNull() || !req.Config.Raw.IsKnown() {
		return
	}
	attrs, diags := objectAttributes(req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ei := decodeAttr[types.Number](ctx, attrs, "expires_in", types.NumberType, &resp.Diagnostics)
	rb := decodeAttr[types.String](ctx, attrs, "rotate_before", types.StringType, &resp.Diagnostics)
	rod := decodeAttr[types.Bool](ctx, attrs, "revoke_on_destroy", types.BoolType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	if !rb.IsNull() && !rb.IsUnknown() {
		switch {
		case ei.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Invalid Attribute Combination",
				fmt.Sprintf("Attribute rotate_before (%q) requires expires_in: only a key that expires can be rotated before it does. "+
					"Set expires_in (seconds, from 1 to %d), or remove rotate_before.", rb.ValueString(), maxExpiresIn))
		case !ei.IsUnknown():
			seconds, whole := wholeSeconds(ei)
			d, err := time.ParseDuration(rb.ValueString())
			lifetime := time.Duration(seconds) * time.Second
			if whole && err == nil && d >= lifetime {
				resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "Invalid Attribute Combination",
					fmt.Sprintf("Attribute rotate_before (%q) must be shorter than expires_in (%d seconds, %s): "+
						"otherwise every new key would be due for rotation as soon as it is created. "+
						"Choose a rotate_before below %s, or a longer expires_in.",
						rb.ValueString(), seconds, lifetime, lifetime))
			}
		}
	}
	if !rod.IsNull() && !rod.IsUnknown() && !rod.ValueBool() && ei.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("revoke_on_destroy"), "Invalid Attribute Combination",
			"Attribute revoke_on_destroy = false requires expires_in: a key left unrevoked must expire on its own, "+
				"and a key without expires_in never does. Set expires_in, or remove revoke_on_destroy (it defaults to true).")
	}
}
