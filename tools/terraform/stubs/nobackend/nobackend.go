// Package nobackend holds the backend that every stub under stubs/ returns:
// each of its methods fails with "this build has no <name> backend". The
// methods on workspaces are in workspaces.go, or in workspaces_errors.go for
// Terraform releases whose backend interface returns a plain error there.
package nobackend

import (
	"fmt"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/tfdiags"
	"github.com/zclconf/go-cty/cty"
)

// New returns a backend called name that this build of Terraform leaves out.
func New(name string) backend.Backend {
	return missing{name: name}
}

// missing is a backend this build does not include.
type missing struct {
	name string
}

var _ backend.Backend = missing{}

// ConfigSchema accepts no arguments, so a configuration that sets any fails
// before PrepareConfig says why.
func (missing) ConfigSchema() *configschema.Block {
	return &configschema.Block{}
}

// PrepareConfig fails: the backend is not in this build.
func (m missing) PrepareConfig(v cty.Value) (cty.Value, tfdiags.Diagnostics) {
	return v, m.diags()
}

// Configure fails: the backend is not in this build.
func (m missing) Configure(cty.Value) tfdiags.Diagnostics {
	return m.diags()
}

func (m missing) diags() tfdiags.Diagnostics {
	var diags tfdiags.Diagnostics
	return diags.Append(tfdiags.Sourceless(
		tfdiags.Error,
		fmt.Sprintf("this build has no %s backend", m.name),
		fmt.Sprintf("This Terraform CLI was built from the Go module proxy for the terraform-provider-hellgate project, which cannot fetch the %s backend's module. Use the local backend, or an official Terraform release.", m.name),
	))
}
