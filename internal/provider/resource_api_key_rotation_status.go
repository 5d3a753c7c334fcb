package provider

// hellgate_api_key's rotation_status: what a refresh found due (the
// rotation window or the expiry), so that a refresh-only plan, which drift
// detection and health checks run, shows a key that needs replacing. Read
// sets it by the same rule and the same time as the plan's replacement
// decision (decideRotation, at the refresh time kept in private state);
// every plan that keeps or makes a key plans it null.

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The values of rotation_status. Nothing due is null rather than a value
// of its own, so that an imported key and a new key hold what a refresh
// of a key that is not due gives, and no run shows a change until a key
// becomes due.
const (
	rotationStatusDue     = "rotation_due"
	rotationStatusExpired = "expired"
)

// rotationStatus is rotation_status at now for a key that expires at
// expiresAt (null: never) with rotateBefore (null, unknown or not a
// duration: none). A key is due exactly when a plan made at now replaces
// it for its expiry.
func rotationStatus(now time.Time, expiresAt, rotateBefore types.String) types.String {
	terms, expires, err := readExpiryTerms(expiresAt, types.NumberNull(), rotateBefore)
	if err != nil || !expires {
		return types.StringNull() // the plan reports an unreadable expires_at
	}
	switch terms.decide(now) {
	case rotationExpired:
		return types.StringValue(rotationStatusExpired)
	case rotationDue:
		return types.StringValue(rotationStatusDue)
	}
	return types.StringNull()
}

// planRotationStatus plans rotation_status null, a step of every plan
// that creates, keeps or replaces a key: a new key is not due (rotate_before
// is shorter than expires_in), and a key that is due is replaced by the
// same plan. The value is known, so a plan never shows "(known after
// apply)" for it, and a key that stays as it is keeps the null its refresh
// gave it: no change.
func planRotationStatus(resp *resource.ModifyPlanResponse) {
	attrs, diags := objectAttributes(resp.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	if v, ok := attrs["rotation_status"]; ok && v.IsNull() {
		return
	}
	raw, diags := withStringAttributes(resp.Plan.Raw, nil, "rotation_status")
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.Plan.Raw = raw
	}
}
