package scopes

// The scopes that let a key mint or widen API keys, itself included, and
// so make it as strong as an admin token.

import "slices"

// escalating maps each scope that lets a key make itself or other keys
// stronger to why. Either makes a key as strong as an admin token.
//
//nolint:gosec // scope names and reasons, not credentials (G101 matches "key")
var escalating = map[string]string{
	APIKeysCreate: "lets whoever holds the key create API keys with any scope",
	APIKeysUpdate: "lets whoever holds the key change the scopes of any API key, its own included",
}

// Escalating returns the scopes among list that let a key mint or widen
// API keys, itself included, in the order of All, each with why.
func Escalating(list []string) []Escalation {
	var out []Escalation
	for _, s := range all {
		if why, ok := escalating[s]; ok && slices.Contains(list, s) {
			out = append(out, Escalation{Scope: s, Why: why})
		}
	}
	return out
}

// Escalation is a scope that makes a key as strong as an admin token, and
// why.
type Escalation struct {
	Scope string
	Why   string
}
