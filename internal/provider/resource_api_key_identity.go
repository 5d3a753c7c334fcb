package provider

// The identity of hellgate_api_key: its schema ({ id }), the id an import
// names (by import id or by identity), and the one helper every operation
// uses to record the identity next to the state.

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var _ resource.ResourceWithIdentity = (*apiKeyResource)(nil)

// apiKeyIdentityModel is the identity of a key: its id, which Hellgate
// never changes.
type apiKeyIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

// IdentitySchema declares { id }. Terraform 1.12+ stores it next to the
// state, and import blocks may name a key by it
// (identity = { id = "..." }) instead of by an import id.
func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       descID,
				RequiredForImport: true,
			},
		},
	}
}

// setIdentity records id as the key's identity. identity is nil when the
// framework does not track identities for this call; there is then nothing
// to record. The placeholder of a create that got no answer has its
// placeholder id as identity: Terraform requires one for every object in
// state, and that object is always replaced by a key with an identity of
// its own.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if identity == nil || id.IsNull() || id.IsUnknown() {
		return nil
	}
	// Written as the object itself: tfsdk's Set of a model walks it by
	// reflection, which every create and refresh of hundreds of keys pays.
	return identity.Set(ctx, tftypes.NewValue(apiKeyIdentityType, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, id.ValueString()),
	}))
}

// apiKeyIdentityType is the object type of IdentitySchema.
var apiKeyIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}}

// shownImportValue is how an import id that is not a key id appears in the
// error: quoted where it can only be a mistyped id or a name (hex digits
// split by hyphens, as long as a UUID give or take a few, or a short value
// that does not start with "key_"), and otherwise
// described without its value, since a key's secret or a credential pasted
// in place of the id must not be printed back.
func shownImportValue(v string) string {
	uuidLike := strings.Trim(v, "0123456789abcdefABCDEF-") == "" && strings.Contains(v, "-") && len(v) <= 40
	if uuidLike || (len(v) <= 24 && !strings.HasPrefix(v, "key_")) {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("a value of %d characters that is not shown, since it may be a secret (a key's key_value or a credential)", len(v))
}

// importedID returns the key id an import names: the import id
// (terraform import, or an import block's id), or else the identity's id
// (an import block's identity). It is validated and lowercased, as
// Hellgate writes ids.
func importedID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if req.ID != "" || req.Identity == nil {
		id := strings.TrimSpace(req.ID)
		if !uuidPattern.MatchString(id) {
			diags.AddError("Invalid Import ID",
				fmt.Sprintf("Expected the id of an existing API key, a UUID such as \"123e4567-e89b-12d3-a456-426614174000\", got: %s.", shownImportValue(req.ID)))
		}
		return strings.ToLower(id), diags
	}

	var ident apiKeyIdentityModel
	diags.Append(req.Identity.Get(ctx, &ident)...)
	if diags.HasError() {
		return "", diags
	}
	raw := ident.ID.ValueString()
	id := strings.TrimSpace(raw)
	if ident.ID.IsNull() || ident.ID.IsUnknown() || !uuidPattern.MatchString(id) {
		diags.AddError("Invalid Import Identity",
			fmt.Sprintf("Attribute id of the import block's identity must be the id of an existing API key, "+
				"a UUID such as \"123e4567-e89b-12d3-a456-426614174000\", got: %s.", shownImportValue(raw)))
	}
	return strings.ToLower(id), diags
}
