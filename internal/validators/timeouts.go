package validators

// The rule every timeouts block follows: each of its durations must be
// positive. The timeouts package builds the blocks' attributes and checks
// only that each is a duration, which lets "0s" and "-5m" through; a
// config validator adds the rule to every object with such a block, the
// resource and the data sources alike.

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// timeoutsBlock is the name of the timeouts block.
const timeoutsBlock = "timeouts"

// PositiveTimeouts returns the config validator that rejects a zero or
// negative duration in the timeouts block, for a resource or a data
// source.
func PositiveTimeouts() PositiveTimeoutsValidator {
	return PositiveTimeoutsValidator{Text: "each duration in the timeouts block must be positive"}
}

// PositiveTimeoutsValidator is a resource.ConfigValidator and a
// datasource.ConfigValidator: each duration in the object's timeouts
// block must be positive.
type PositiveTimeoutsValidator struct{ Text }

var (
	_ resource.ConfigValidator   = PositiveTimeoutsValidator{}
	_ datasource.ConfigValidator = PositiveTimeoutsValidator{}
)

func (PositiveTimeoutsValidator) ValidateResource(_ context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	checkTimeouts(req.Config, &resp.Diagnostics)
}

func (PositiveTimeoutsValidator) ValidateDataSource(_ context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	checkTimeouts(req.Config, &resp.Diagnostics)
}

// checkTimeouts reports each attribute of the timeouts block that is set
// to a zero or negative duration. It reads the raw configuration, since
// which attributes the block has differs from object to object. Values
// that are unknown, or no duration at all, are left alone: the latter are
// the timeouts package's to report.
func checkTimeouts(config tfsdk.Config, diags *diag.Diagnostics) {
	var top map[string]tftypes.Value
	if !config.Raw.IsKnown() || config.Raw.IsNull() || config.Raw.As(&top) != nil {
		return
	}
	block, ok := top[timeoutsBlock]
	var attrs map[string]tftypes.Value
	if !ok || !block.IsKnown() || block.IsNull() || block.As(&attrs) != nil {
		return
	}
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := attrs[name]
		var s string
		if !v.IsKnown() || v.IsNull() || v.As(&s) != nil {
			continue
		}
		if d, err := time.ParseDuration(s); err != nil || d > 0 {
			continue
		}
		p := path.Root(timeoutsBlock).AtName(name)
		diags.AddAttributeError(p, "Invalid Timeout",
			fmt.Sprintf("Attribute %s must be a positive duration such as \"30s\", \"10m\" or \"1h30m\", got: %q. "+
				"A timeout of zero or less would end the operation before it starts; remove the attribute to use its default.", p, s))
	}
}
