package mockcluster

// The mock's error type, rendered as {"code", "message"}, and the
// sentinels of its direct-access API.

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel errors of the direct-access API (CreateKey, UpdateScopes), for use
// with errors.Is.
var (
	// ErrInvalid reports input that the API would reject with 400.
	ErrInvalid = errors.New("invalid request")
	// ErrNotFound reports an id that names no live API key.
	ErrNotFound = errors.New("API key not found")
)

// apiError is an error the mock answers with: an HTTP status and the JSON body
// {"code": "<snake_case>", "message": "<sentence>"}.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
}

// Is maps the status onto the exported sentinels, so that callers of the
// direct-access API can test for them without knowing apiError.
func (e *apiError) Is(target error) bool {
	switch target {
	case ErrInvalid:
		return e.status == http.StatusBadRequest
	case ErrNotFound:
		return e.status == http.StatusNotFound
	}
	return false
}

// newError builds an apiError; the message is formatted like fmt.Sprintf.
func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func badRequest(code, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, code, format, args...)
}

// quote renders a client-supplied value for an error message: quoted and cut
// short, so that a huge or binary value cannot blow up the response.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
