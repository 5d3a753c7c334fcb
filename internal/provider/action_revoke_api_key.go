package provider

// The hellgate_revoke_api_key action: revokes one API key at once, by id,
// for the incident where a key leaked that no configuration here manages
// (terraform apply -invoke=action.hellgate_revoke_api_key.NAME).

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

var (
	_ action.Action              = (*revokeAPIKeyAction)(nil)
	_ action.ActionWithConfigure = (*revokeAPIKeyAction)(nil)
)

// NewRevokeAPIKeyAction returns the hellgate_revoke_api_key action.
func NewRevokeAPIKeyAction() action.Action {
	return &revokeAPIKeyAction{}
}

type revokeAPIKeyAction struct {
	data *providerData
}

type revokeAPIKeyActionModel struct {
	ID types.String `tfsdk:"id"`
}

func (a *revokeAPIKeyAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_revoke_api_key"
}

func (a *revokeAPIKeyAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Revokes one API key of the Hellgate Guardian cluster at once, by its id " +
			"(Terraform 1.14+: `terraform apply -invoke=action.hellgate_revoke_api_key.NAME`). " +
			"It is meant for the incident where a key leaked that no Terraform configuration manages. " +
			"A key that is already gone is reported as a warning, not an error, so the action can be run again safely. " +
			"A key that a `hellgate_api_key` resource manages should be replaced with `terraform apply -replace=ADDRESS` instead: " +
			"if it is revoked with this action, the next apply sees it gone and creates a new key in its place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The id of the key to revoke, a UUID such as `123e4567-e89b-12d3-a456-426614174000`.",
				Required:            true,
				Validators:          []validator.String{uuidValidator()},
			},
		},
	}
}

func (a *revokeAPIKeyAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if data := configuredData(req.ProviderData, "Action", &resp.Diagnostics); data != nil {
		a.data = data
	}
}

func (a *revokeAPIKeyAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg revokeAPIKeyActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := strings.ToLower(cfg.ID.ValueString())
	if a.data == nil || a.data.client == nil {
		notConfigured(&resp.Diagnostics, "revoke the API key "+id)
		return
	}

	ctx, cancel := context.WithTimeout(ctx, defaultDeleteTimeout)
	defer cancel()

	progress(resp, "Revoking API key "+id+" on Hellgate")
	err := a.data.client.DeleteAPIKey(ctx, id)
	switch {
	case hellgate.IsNotFound(err):
		resp.Diagnostics.AddWarning("API Key Already Gone",
			apiErrorDetail(fmt.Sprintf("Hellgate has no API key %s: it was already revoked or deleted, or the id is wrong. "+
				"Nothing was revoked; check the id if you expected the key to exist", id), err))
		return
	case err != nil:
		resp.Diagnostics.AddError(apiErrorSummary("Unable to Revoke API Key", err),
			apiErrorDetail(fmt.Sprintf("Hellgate did not revoke the API key %s; it may still be valid. Run the action again", id), err))
		return
	}
	tflog.Info(ctx, "revoked API key", map[string]any{"id": id})
	progress(resp, "Revoked API key "+id+": it no longer authenticates")
}

// progress reports a step of the action to Terraform, which shows it as
// the action runs.
func progress(resp *action.InvokeResponse, message string) {
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: message})
	}
}
