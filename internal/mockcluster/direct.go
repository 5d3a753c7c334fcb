package mockcluster

// The direct-access API for tests: it bypasses HTTP, credentials and
// faults, is not counted in Stats, and validates its input as the API does.
// Changes are written to the state file like any other.

import (
	"slices"
	"time"
)

// Keys returns the live keys (expired ones included) in creation order.
func (s *Server) Keys() []Key {
	return s.store.all()
}

// Key returns the live key with the given id (UUIDs compare
// case-insensitively), expired or not.
func (s *Server) Key(id string) (Key, bool) {
	id, aerr := parseID(id, "id")
	if aerr != nil {
		return Key{}, false
	}
	return s.store.get(id)
}

// CreateKey creates a key with the given scopes that expires after expiresIn
// (0 means never; otherwise at most 90 days, and unlike the API not limited
// to whole seconds). Invalid input gives an error matching ErrInvalid.
func (s *Server) CreateKey(scopes []string, expiresIn time.Duration) (Key, error) {
	if aerr := validateScopes(scopes); aerr != nil {
		return Key{}, aerr
	}
	if err := validateExpiresIn(expiresIn); err != nil {
		return Key{}, err
	}
	k, _, err := s.store.create(createParams{scopes: slices.Clone(scopes), expiresIn: expiresIn})
	return k, err
}

// UpdateScopes replaces a live key's scopes. It returns an error matching
// ErrNotFound for an unknown or deleted id, ErrInvalid for bad scopes.
func (s *Server) UpdateScopes(id string, scopes []string) error {
	if aerr := validateScopes(scopes); aerr != nil {
		return aerr
	}
	canon, aerr := parseID(id, "id")
	if aerr != nil {
		return notFound(id)
	}
	_, err := s.store.updateScopes(canon, scopes)
	return err
}

// DeleteKey deletes a live key and reports whether there was one. A failure
// to write the state file leaves the key in place and reports false.
func (s *Server) DeleteKey(id string) bool {
	canon, aerr := parseID(id, "id")
	if aerr != nil {
		return false
	}
	if err := s.store.remove(canon); err != nil {
		if aerr, ok := errorsAs(err); !ok || aerr.code != "not_found" {
			s.logf("DeleteKey %s: %v", canon, err)
		}
		return false
	}
	return true
}

// logf writes to the logger, if any.
func (s *Server) logf(format string, args ...any) {
	if s.logger != nil {
		s.logger.Printf(format, args...)
	}
}

// secondsToDuration converts a validated expires_in.
func secondsToDuration(n int64) time.Duration {
	return time.Duration(n) * time.Second
}
