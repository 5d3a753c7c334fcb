//go:build tools

// Package terraform pins the Terraform CLI as a dependency of this wrapper
// module; see go.mod for why the wrapper exists.
package terraform

import (
	_ "github.com/hashicorp/terraform"
)
