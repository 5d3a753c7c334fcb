// Package scopes lists the API-key scopes that Hellgate Guardian knows.
//
// The list is the single source for the mock cluster's validation, the
// provider's schema validators and the generated documentation, so that they
// cannot disagree.
package scopes

import "slices"

// all holds every scope an API key may carry, grouped by area in the order of
// Hellgate's API reference.
var all = []string{
	"admin:api-keys:create",
	"admin:api-keys:read",
	"admin:api-keys:update",
	"admin:api-keys:delete",
	"admin:webhooks:create",
	"admin:webhooks:read",
	"admin:webhooks:delete",
	"pci:tokens:create",
	"pci:tokens:read",
	"pci:tokens:update",
	"pci:tokens:delete",
	"pci:tokens:forward",
	"network:tokens:create",
	"network:tokens:read",
	"network:tokens:delete",
	"network:tokens:use",
	"generic:tokens:create",
	"generic:tokens:read",
	"generic:tokens:delete",
	"admin:types:create",
	"admin:types:read",
	"admin:types:delete",
}

// All returns a copy of every valid scope, in the API reference's order.
func All() []string {
	return slices.Clone(all)
}

// Valid reports whether s is a scope Hellgate knows.
func Valid(s string) bool {
	return slices.Contains(all, s)
}

// API-key management scopes, needed by the credential the provider uses.
//
//nolint:gosec // scope names, not credentials (G101 matches "api-keys")
const (
	APIKeysCreate = "admin:api-keys:create"
	APIKeysRead   = "admin:api-keys:read"
	APIKeysUpdate = "admin:api-keys:update"
	APIKeysDelete = "admin:api-keys:delete"
)
