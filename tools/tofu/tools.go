//go:build tools

// Package tofu pins the OpenTofu CLI as a dependency of this wrapper module;
// see go.mod for why the wrapper exists.
package tofu

import (
	_ "github.com/opentofu/opentofu/cmd/tofu"
)
