package provider

// The schema of the hellgate_api_key resource: every attribute with its
// description, validators and plan modifiers, and the timeouts block.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/validators"
)

// rotate_before's bounds: a second, up to the longest expires_in.
const (
	minRotateBefore = time.Second
	maxRotateBefore = maxExpiresIn * time.Second
)

func (r *apiKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An API key of a Hellgate Guardian cluster, with the scopes a service needs. " +
			"The key's secret, `key_value`, is returned by Hellgate only when the key is created; " +
			"the provider keeps it in state (as a sensitive value) so it can be passed to a secret store or another resource. " +
			"Changing `scopes`, `expires_in` or `keepers` replaces the key: a new key is created and the old one revoked.\n\n" +
			"A plan replaces a key that has expired, and with `rotate_before` one that is about to; " +
			"with `lifecycle { create_before_destroy = true }` the new key exists before the old one is revoked. " +
			"Run `terraform apply` regularly (more often than `rotate_before`) to rotate keys on time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: descID,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: descScopes + " Changing it replaces the key, so that a secret already handed out never gains privileges.",
				ElementType:         types.StringType,
				Required:            true,
				Validators:          validators.ScopeSet(),
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
			},
			"expires_in": schema.NumberAttribute{
				MarkdownDescription: descExpiresIn + " Omit it for a key that never expires. Changing it replaces the key.",
				Optional:            true,
				Validators:          []validator.Number{validators.Seconds(1, maxExpiresIn)},
				PlanModifiers:       []planmodifier.Number{numberplanmodifier.RequiresReplace()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: descCreatedAt,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: descExpiresAt,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_value": schema.StringAttribute{
				MarkdownDescription: descKeyValue + ". " +
					"Hellgate returns it only when the key is created, so it is known after the first apply and kept in state; " +
					"for an imported key it is null, unless the import was given the key's secret (see Import).",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"secret_version": schema.Int64Attribute{
				MarkdownDescription: "A version number for the key's secret, for a secret store's write-only version argument " +
					"(such as `data_json_wo_version` or `secret_string_wo_version`): it changes exactly when the key is replaced, " +
					"is larger for every new key than for the key it replaces, and fits a 32-bit signed integer until 2041. " +
					"It counts quarter seconds of Hellgate's `created_at` since 2024-01-01T00:00:00Z, plus one " +
					"(a key created earlier has `1`); a refresh keeps it. A plan of a key made less than a second ago waits until " +
					"the key's quarter second has passed (its whole second where Hellgate stamps `created_at` to the second), so that " +
					"the key's successor always gets a larger number; any other plan does not wait.",
				Computed:      true,
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"rotate_before": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Replace the key once it is this close to `expires_at`: a duration such as `\"720h\"` "+
					"(units `s`, `m`, `h`), from `%s` to `%s`, and shorter than `expires_in`. Requires `expires_in`. "+
					"The replacement is planned by the first `terraform plan` or `terraform apply` that runs inside that window, "+
					"with a warning that gives the reason (a plan with `-refresh=false` judges by the time of the last refresh); "+
					"combine it with `lifecycle { create_before_destroy = true }` "+
					"so that the new key exists before the old one is revoked. Changing it alone does not replace the key. "+
					"Without it, a plan warns about a key within %s of its expiry, or within the last quarter of its life "+
					"if that is shorter (the last 6 hours of a key that lives a day), and replaces a key that has expired.",
					minRotateBefore, maxRotateBefore, "7 days"),
				Optional:   true,
				Validators: []validator.String{validators.Duration(minRotateBefore, maxRotateBefore)},
			},
			"rotation_status": schema.StringAttribute{
				MarkdownDescription: "What the last refresh found due: `\"rotation_due\"` once the key is within `rotate_before` of `expires_at`, " +
					"`\"expired\"` once `expires_at` has passed, and null while nothing is due (always, for a key that never expires). " +
					"Every refresh sets it by the provider's clock and the `rotate_before` in state, so `terraform plan -refresh-only` " +
					"(what drift detection and health checks run) shows a key that has become due as a change of this attribute, " +
					"while ordinary runs show nothing. The plan that replaces a due key plans it null, since a new key is not due; " +
					"a `check` block can assert `rotation_status == null`.",
				Computed: true,
			},
			"revoke_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying or replacing the key revokes it on Hellgate at once. Defaults to `true`. " +
					"Set to `false`, the old key is left to expire on its own (at its `expires_at`), so that services still " +
					"holding it keep working until they pick up the new one; Hellgate cannot shorten a key's life after creation. " +
					"Allowed only together with `expires_in`, so that a key that never expires is never abandoned. " +
					"Changing it does not replace the key; it applies to the key in state once applied.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"keepers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary strings that, when any of them changes, replace the key: a new key is created " +
					"and the old one revoked (with `lifecycle { create_before_destroy = true }`, the new key exists first). " +
					"Feed it what a rotation should follow, such as a release version or a date bumped by a scheduled job. " +
					"Adding, changing or removing a value replaces the key; null and an empty map are the same. " +
					"Nothing is sent to Hellgate. Null for an imported key, so a configuration without `keepers` plans no change.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{keepersRequireReplace()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Read: true, Delete: true,
				CreateDescription: fmt.Sprintf("How long creating the key may take, retries included, as a duration of at least one second such as `\"30s\"` or `\"10m\"`. "+
					"Defaults to `\"%s\"`.", defaultCreateTimeout),
				ReadDescription: fmt.Sprintf("How long reading the key during a refresh may take, as a duration of at least one second such as `\"30s\"` or `\"10m\"`. "+
					"Defaults to `\"%[1]s\"`; a shorter value still allows a refresh `\"%[1]s\"`, since a refresh uses the value in state, "+
					"which no configuration can change once the resource is removed from it.", defaultReadTimeout),
				DeleteDescription: fmt.Sprintf("How long revoking the key may take, as a duration of at least one second such as `\"30s\"` or `\"10m\"`. "+
					"Defaults to `\"%[1]s\"`; a shorter value still allows a revoke `\"%[1]s\"`. A destroy uses the value in state, so a change applies "+
					"to destroys after the next apply has saved it, and none applies once the resource is removed from the configuration.", defaultDeleteTimeout),
			}),
		},
	}
}
