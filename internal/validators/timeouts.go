package validators

// The rule every timeouts block follows: each of its durations must be at
// least one second. The timeouts package builds the blocks' attributes and
// checks only that each is a duration, which lets "0s", "-5m" and "1ns"
// through; a config validator adds the rule to every object with such a
// block, the resource and the data sources alike.

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

// MinTimeout is the shortest duration a timeouts block accepts. A shorter
// one ends the operation before Hellgate can answer a request, and the
// resource's read and delete timeouts, which come from state, could then
// not be lengthened once the resource is removed from the configuration.
const MinTimeout = time.Second

// Timeouts returns the config validator that rejects a duration shorter
// than MinTimeout (zero and negative ones included) in the timeouts
// block, for a resource or a data source.
func Timeouts() TimeoutsValidator {
	return TimeoutsValidator{Text: "each duration in the timeouts block must be at least one second"}
}

// TimeoutsValidator is a resource.ConfigValidator and a
// datasource.ConfigValidator: each duration in the object's timeouts
// block must be at least MinTimeout.
type TimeoutsValidator struct{ Text }

var (
	_ resource.ConfigValidator   = TimeoutsValidator{}
	_ datasource.ConfigValidator = TimeoutsValidator{}
)

func (TimeoutsValidator) ValidateResource(_ context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	checkTimeouts(req.Config, &resp.Diagnostics)
}

func (TimeoutsValidator) ValidateDataSource(_ context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	checkTimeouts(req.Config, &resp.Diagnostics)
}

// checkTimeouts reports each attribute of the timeouts block that is set
// to a duration shorter than MinTimeout. It reads the raw configuration, since
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
		if d, err := time.ParseDuration(s); err != nil || d >= MinTimeout {
			continue
		}
		p := path.Root(timeoutsBlock).AtName(name)
		diags.AddAttributeError(p, "Invalid Timeout",
			fmt.Sprintf("Attribute %s must be a duration of at least one second, such as \"30s\", \"10m\" or \"1h30m\", got: %q. "+
				"A shorter timeout would end the operation before Hellgate could answer; remove the attribute to use its default.", p, s))
	}
}
