package provider

// The plan of hellgate_api_key: ModifyPlan and its steps (the expiry and
// rotation decision, judged by the time of the last refresh kept in private
// state, and the warning about scopes that mint or widen keys), and the
// replacement on a change of keepers. The configuration rules that tie
// rotate_before and revoke_on_destroy to expires_in are in
// resource_api_key_validate.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
)

const (
	// expiryWarningWindow is how close to its expiry a key without
	// rotate_before must be for a plan to warn about it, at the most: a
	// key that lives less than four times as long is warned about in the
	// last quarter of its life instead (see warningWindow).
	expiryWarningWindow = 7 * 24 * time.Hour
)

// ModifyPlan refines Terraform's plan of a key in a few steps: a destroy
// says whether the key is revoked, a new key says whether it will expire
// and warns when its scopes let it mint or widen keys, a placeholder of an
// unanswered create is always replaced, a key in state is judged for
// expiry and rotation, and rotation_status is planned null (see
// resource_api_key_rotation_status.go).
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.modifyDestroyPlan(ctx, req, resp)
		return
	}
	plan, diags := readPlanAttributes(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() || plan.ID.IsUnknown() {
		planNewKey(plan, resp)
		planRotationStatus(resp)
		if req.State.Raw.IsNull() {
			planEscalationWarning(plan, "This plan creates a new API key", resp)
		}
		return
	}

	state, diags := readPlanAttributes(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Whatever this plan does, the key's successor (now or in a later run)
	// must not be stamped within the key's secret_version step.
	r.waitOutSecretVersionStep(ctx, state.SecretVersion)
	replacedByConfig := configReplaces(plan, state)
	if unanswered.IsPlaceholderID(state.ID.ValueString()) {
		// Even if someone untainted it, a placeholder is never kept.
		planReplacement(resp, path.Root("id"))
	} else {
		r.planExpiry(ctx, req.Private, plan, state, replacedByConfig, resp)
	}
	if !resp.Diagnostics.HasError() && (len(resp.RequiresReplace) > 0 || replacedByConfig) {
		planEscalationWarning(plan, fmt.Sprintf("This plan replaces the API key %s with a new key", state.ID.ValueString()), resp)
	}
	if !resp.Diagnostics.HasError() {
		planRotationStatus(resp)
	}
}

// planNewKey says in the plan that a new key without expires_in never
// expires, instead of "(known after apply)".
func planNewKey(plan planAttributes, resp *resource.ModifyPlanResponse) {
	if plan.ExpiresIn.IsNull() && plan.ExpiresAt.IsUnknown() {
		raw, diags := withStringAttributes(resp.Plan.Raw, nil, "expires_at")
		resp.Diagnostics.Append(diags...)
		if !diags.HasError() {
			resp.Plan.Raw = raw
		}
	}
}

// planEscalationWarning warns about a new key whose scopes let it mint or
// widen API keys; subject says which key. It is a step of every plan that
// creates or replaces a key, and of no other: a key that stays (a no-op,
// an in-place update, a refresh) is never warned about. A replacement is
// warned about in the plan that has the key in state, because Terraform
// drops the warnings of the second plan it asks for the new key, and so a
// replacement forced with -replace, which the provider does not see, is
// warned about by the apply. Scopes not known yet are judged by the plan
// made while applying.
func planEscalationWarning(plan planAttributes, subject string, resp *resource.ModifyPlanResponse) {
	if plan.Scopes.IsNull() || plan.Scopes.IsUnknown() {
		return
	}
	elems := plan.Scopes.Elements()
	values := make([]string, 0, len(elems))
	for _, e := range elems {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			values = append(values, s.ValueString())
		}
	}
	warnEscalation(&resp.Diagnostics, values, subject)
}

// configReplaces reports whether the configuration replaces the key in
// state, as the attributes' RequiresReplace plan modifiers decide.
func configReplaces(plan, state planAttributes) bool {
	return !plan.Scopes.Equal(state.Scopes) || !plan.ExpiresIn.Equal(state.ExpiresIn) || keepersChanged(plan.Keepers, state.Keepers)
}

// planExpiry judges a key in state by its expiry, at the time of the last
// refresh: it warns about a key that expires soon, and replaces one that
// has expired or is within rotate_before of expiring. replacedByConfig is
// configReplaces(plan, state): the configuration replaces the key anyway.
func (r *apiKeyResource) planExpiry(ctx context.Context, private privateState, plan, state planAttributes, replacedByConfig bool, resp *resource.ModifyPlanResponse) {
	terms, expires, err := readExpiryTerms(state.ExpiresAt, state.ExpiresIn, plan.RotateBefore)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("expires_at"), "Invalid Expiry Time in State",
			fmt.Sprintf("The API key %s has expires_at %q in state, which is not an RFC 3339 timestamp. %s",
				state.ID.ValueString(), state.ExpiresAt.ValueString(), bugReport))
		return
	}
	if !expires || replacedByConfig {
		return // never expires, or replaced anyway for the change of configuration
	}
	now, expiresAt := r.planTime(ctx, private), terms.expiresAt

	// The messages say how long until (or since) the expiry by the clock:
	// the recorded time may be older than this plan, though it decides alike.
	id, when, clockNow := state.ID.ValueString(), formatTime(expiresAt), r.data.now()
	switch terms.decide(now) {
	case rotationExpired:
		resp.Diagnostics.AddWarning("API Key Expired",
			fmt.Sprintf("The API key %s expired at %s (%s ago) and no longer authenticates. "+
				"Terraform will replace it with a new key. Set rotate_before, with lifecycle { create_before_destroy = true }, "+
				"to replace keys before they expire.", id, when, roundDuration(clockNow.Sub(expiresAt))))
	case rotationDue:
		resp.Diagnostics.AddWarning("API Key Due for Rotation",
			fmt.Sprintf("The API key %s expires at %s, in %s, which is within rotate_before (%s). "+
				"Terraform will replace it with a new key.", id, when, roundDuration(expiresAt.Sub(clockNow)), plan.RotateBefore.ValueString()))
	case rotationSoon:
		if !plan.RotateBefore.IsUnknown() {
			resp.Diagnostics.AddWarning("API Key Expires Soon",
				fmt.Sprintf("The API key %s expires at %s, in %s, and nothing replaces it before then. "+
					"Set rotate_before (with lifecycle { create_before_destroy = true }) to have a plan replace it in time, "+
					"or replace it now with terraform apply -replace=ADDRESS.", id, when, roundDuration(expiresAt.Sub(clockNow))))
		}
		return
	default:
		warnDueAfterUpdate(plan, state, terms, clockNow, resp)
		return
	}
	// The change of expires_at is what forces the replacement (Terraform
	// shows it as "# forces replacement").
	planReplacement(resp, path.Root("expires_at"))
}

// warnDueAfterUpdate warns when a change of rotate_before makes the key due
// by the clock while the recorded refresh time (kept only while it decides
// as the clock does for the rotate_before in state) does not: this plan
// only updates rotate_before, and the next one replaces the key. A plan
// cannot decide by the clock here, since the plan Terraform makes again
// while applying it later might decide otherwise.
func warnDueAfterUpdate(plan, state planAttributes, terms expiryTerms, clockNow time.Time, resp *resource.ModifyPlanResponse) {
	if plan.RotateBefore.Equal(state.RotateBefore) {
		return
	}
	if d := terms.decide(clockNow); d != rotationDue && d != rotationExpired {
		return
	}
	resp.Diagnostics.AddWarning("API Key Due for Rotation at the Next Plan",
		fmt.Sprintf("With rotate_before = %s, the API key %s, which expires at %s, is due for rotation now. "+
			"This plan updates rotate_before; the next plan, after this one is applied, replaces the key.",
			plan.RotateBefore.ValueString(), state.ID.ValueString(), formatTime(terms.expiresAt)))
}

// planReplacement plans a new key in place of the one in state: its
// server-set values are unknown, and a change of the attribute at because
// is what forces the replacement.
func planReplacement(resp *resource.ModifyPlanResponse, because path.Path) {
	raw, diags := withStringAttributes(resp.Plan.Raw, tftypes.UnknownValue, "id", "created_at", "expires_at", "key_value")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	// secret_version is a number: the new key's is unknown too.
	raw, diags = withAttributes(raw, tftypes.Number, tftypes.UnknownValue, "secret_version")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Plan.Raw = raw
	resp.RequiresReplace = append(resp.RequiresReplace, because)
}

// modifyDestroyPlan says in a destroy plan that a key with
// revoke_on_destroy = false stays valid until it expires.
func (r *apiKeyResource) modifyDestroyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	state, diags := apiKeyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.RevokeOnDestroy.IsNull() || state.RevokeOnDestroy.ValueBool() {
		return
	}
	resp.Diagnostics.AddWarning("API Key Will Not Be Revoked",
		fmt.Sprintf("revoke_on_destroy is false, so destroying the API key %s removes it from Terraform state without revoking it: "+
			"it stays valid on Hellgate until it expires at %s.", state.ID.ValueString(), expiresAtText(state.ExpiresAt)))
}

// planTime is the time a plan judges expiry by: the provider clock's time
// at the last refresh, kept in private state. The plan that Terraform makes
// again while applying (a saved plan, possibly much later) sees the same
// private state and so plans the same action; a time read from the clock
// here could turn a planned update into a replacement, which Terraform
// rejects as an inconsistent final plan. Without a refresh time in private
// state the clock is used.
func (r *apiKeyResource) planTime(ctx context.Context, private privateState) time.Time {
	if t, ok := recordedRefreshTime(ctx, private); ok {
		return t
	}
	return r.data.now()
}

// recordedRefreshTime reads the refresh time kept in private state.
func recordedRefreshTime(ctx context.Context, private privateState) (time.Time, bool) {
	raw, diags := private.GetKey(ctx, privateRefreshedAt)
	if diags.HasError() || len(raw) == 0 {
		return time.Time{}, false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// keepersRequireReplace replaces the key when keepers change.
func keepersRequireReplace() planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = keepersChanged(req.PlanValue, req.StateValue)
		},
		"Changing keepers replaces the key.", "Changing `keepers` replaces the key.")
}

// keepersChanged reports whether keepers changed in a way that replaces the
// key: any change, except between null and an empty map, which both mean
// no keepers.
func keepersChanged(plan, state types.Map) bool {
	if !plan.IsUnknown() && !state.IsUnknown() && len(plan.Elements()) == 0 && len(state.Elements()) == 0 {
		return false
	}
	return !plan.Equal(state)
}

type rotation int

const (
	rotationNone    rotation = iota
	rotationSoon             // within warningWindow, no rotate_before: warn only
	rotationDue              // within rotate_before of expires_at: replace
	rotationExpired          // past expires_at: replace
)

// expiryTerms are what the expiry rule takes from a key: when it expires,
// how long it lives (0 when not known) and rotate_before (0: none).
type expiryTerms struct {
	expiresAt              time.Time
	lifetime, rotateBefore time.Duration
}

// readExpiryTerms reads the expiry terms from a key's expires_at,
// expires_in and rotate_before (a null, unknown or invalid one counts as
// none: its validator, or the plan made while applying, reports it).
// expires is false for a key that never expires; err says that expires_at
// is not an RFC 3339 timestamp.
func readExpiryTerms(expiresAt types.String, expiresIn types.Number, rotateBefore types.String) (terms expiryTerms, expires bool, err error) {
	if expiresAt.IsNull() || expiresAt.IsUnknown() {
		return terms, false, nil
	}
	if terms.expiresAt, err = time.Parse(time.RFC3339, expiresAt.ValueString()); err != nil {
		return terms, false, err
	}
	if s, ok := wholeSeconds(expiresIn); ok {
		terms.lifetime = time.Duration(s) * time.Second
	}
	if !rotateBefore.IsNull() && !rotateBefore.IsUnknown() {
		terms.rotateBefore, _ = time.ParseDuration(rotateBefore.ValueString())
	}
	return terms, true, nil
}

// decide is decideRotation at now for these terms.
func (e expiryTerms) decide(now time.Time) rotation {
	return decideRotation(now, e.expiresAt, e.lifetime, e.rotateBefore)
}

// decideRotation is the expiry rule of a plan, as a pure function, for a
// key that lives lifetime (0 when not known). rotateBefore 0 means none is
// set.
func decideRotation(now, expiresAt time.Time, lifetime, rotateBefore time.Duration) rotation {
	switch {
	case !now.Before(expiresAt):
		return rotationExpired
	case rotateBefore > 0 && !now.Before(expiresAt.Add(-rotateBefore)):
		return rotationDue
	case rotateBefore == 0 && expiresAt.Sub(now) <= warningWindow(lifetime):
		return rotationSoon
	}
	return rotationNone
}

// warningWindow is how close to its expiry a key that lives lifetime is
// warned about: within the last quarter of its life, or within
// expiryWarningWindow if that is shorter, so that a short-lived key is not
// warned about from the moment it is made. A lifetime of 0 (not known)
// gives expiryWarningWindow.
func warningWindow(lifetime time.Duration) time.Duration {
	if lifetime <= 0 {
		return expiryWarningWindow
	}
	return min(expiryWarningWindow, lifetime/4)
}

// roundDuration shortens a duration for messages: whole seconds, and whole
// minutes beyond an hour.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Hour {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}

func expiresAtText(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return "(never: the key has no expiry)"
	}
	return v.ValueString()
}
