//go:build !nobackend_errors

// The workspace methods of the stand-in backend, for Terraform 1.14 and
// later, whose backend.Backend returns tfdiags.Diagnostics from them.
// ../../build.sh builds older releases with the nobackend_errors tag, which
// picks workspaces_errors.go instead.

package nobackend

import (
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
)

// StateMgr fails: the backend is not in this build.
func (m missing) StateMgr(string) (statemgr.Full, tfdiags.Diagnostics) {
	return nil, m.diags()
}

// DeleteWorkspace fails: the backend is not in this build.
func (m missing) DeleteWorkspace(string, bool) tfdiags.Diagnostics {
	return m.diags()
}

// Workspaces fails: the backend is not in this build.
func (m missing) Workspaces() ([]string, tfdiags.Diagnostics) {
	return nil, m.diags()
}
