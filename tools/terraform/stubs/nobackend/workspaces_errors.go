//go:build nobackend_errors

// The workspace methods of the stand-in backend, for Terraform releases up
// to 1.13, whose backend.Backend returns a plain error from them.
// ../../build.sh sets the nobackend_errors tag when the release's
// internal/backend/backend.go declares them that way.

package nobackend

import (
	"github.com/hashicorp/terraform/internal/states/statemgr"
)

// StateMgr fails: the backend is not in this build.
func (m missing) StateMgr(string) (statemgr.Full, error) {
	return nil, m.diags().Err()
}

// DeleteWorkspace fails: the backend is not in this build.
func (m missing) DeleteWorkspace(string, bool) error {
	return m.diags().Err()
}

// Workspaces fails: the backend is not in this build.
func (m missing) Workspaces() ([]string, error) {
	return nil, m.diags().Err()
}
