// Package azure stands in for Terraform's azurerm backend, which this build
// leaves out: every use of it fails with "this build has no azurerm backend".
package azure

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/nobackend"
)

// New returns the backend that says it is not in this build.
func New() backend.Backend {
	return nobackend.New("azurerm")
}
