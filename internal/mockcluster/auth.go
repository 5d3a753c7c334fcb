package mockcluster

// Credentials and scopes: who a request is, and whether it may do what it
// asks.

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"time"
)

// credential is who a request authenticated as.
type credential struct {
	admin  bool
	keyID  string   // the API key's id, when not admin
	scopes []string // the API key's scopes, when not admin
}

// identity names the credential for scoping idempotency records: "admin" for
// the admin token, "key:<id>" for an API key.
func (c credential) identity() string {
	if c.admin {
		return "admin"
	}
	return "key:" + c.keyID
}

// authenticate checks the request's credentials.
//
// Exactly one credential header must be present, once. When both x-api-key
// and x-admin-token are sent (or either is repeated) the mock answers
// 400 ambiguous_credentials instead of guessing which one the client meant:
// picking one silently could let a request succeed with more rights than
// the client intended, or hide a client bug.
//
// No credential, a wrong admin token, and an API key that is unknown,
// deleted or expired all give 401.
func (s *Server) authenticate(r *http.Request) (credential, *apiError) {
	tokens := r.Header.Values("X-Admin-Token")
	keys := r.Header.Values("X-Api-Key")
	switch {
	case len(tokens)+len(keys) == 0:
		return credential{}, newError(http.StatusUnauthorized, "unauthorized",
			"Missing credentials: send an x-api-key or an x-admin-token header.")
	case len(tokens)+len(keys) > 1:
		return credential{}, badRequest("ambiguous_credentials",
			"Send exactly one credential: either one x-api-key or one x-admin-token header, not both.")
	case len(tokens) == 1:
		if !s.isAdminToken(tokens[0]) {
			return credential{}, newError(http.StatusUnauthorized, "unauthorized", "The x-admin-token is not valid.")
		}
		return credential{admin: true}, nil
	}
	k, res := s.store.authenticate(keys[0])
	switch res {
	case authOK:
		return credential{keyID: k.ID, scopes: k.Scopes}, nil
	case authExpired:
		return credential{}, newError(http.StatusUnauthorized, "unauthorized",
			"The API key expired at %s.", formatTime(*k.ExpiresAt))
	}
	return credential{}, newError(http.StatusUnauthorized, "unauthorized",
		"The x-api-key is not valid: unknown or deleted.")
}

// isAdminToken compares in constant time (over hashes, so that the length of
// the token does not leak either).
func (s *Server) isAdminToken(token string) bool {
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(s.adminToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// authorize checks that the credential may use scope: the admin token may do
// everything, an API key what its scopes allow.
func authorize(c credential, scope string) *apiError {
	if c.admin || slices.Contains(c.scopes, scope) {
		return nil
	}
	return newError(http.StatusForbidden, "forbidden",
		"The API key lacks the scope %s, which this operation needs.", scope)
}

// formatTime renders a timestamp as RFC 3339 in UTC, with fractional seconds
// only when there are any.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
