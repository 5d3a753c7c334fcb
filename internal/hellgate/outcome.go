package hellgate

// What a failed call tells its caller about the server's side: whether the
// request certainly never reached a server, whether a create may have made
// its key although no answer said so, and whether the host did not exist.
// Callers decide by these predicates instead of by status codes and
// transport errors of their own.

import (
	"errors"
	"net"
	"net/http"
)

// NeverSent reports whether err is from a call whose every attempt failed
// before reaching a server (the host did not resolve, no connection could
// be made, TLS failed), so Hellgate certainly did not act on it. A create
// that failed otherwise may still have made its key.
func NeverSent(err error) bool {
	var ns *neverSentError
	return errors.As(err, &ns)
}

// neverSentError marks such an error without changing its text.
type neverSentError struct{ err error }

func (e *neverSentError) Error() string { return e.err.Error() }
func (e *neverSentError) Unwrap() error { return e.err }

// MayHaveCommitted reports whether a failed call may still have taken
// effect on the server, so that a caller who needs to know (a create whose
// key would otherwise be left behind) must find out. It is false when the
// request never reached a server (NeverSent), when Hellgate answered with a
// refusal (a 4xx *Error) and for a redirect, which is never followed; it is
// true for a server error (5xx) and for every failure that left no answer
// (a dropped connection, a timeout, the caller's context ending mid-call).
func MayHaveCommitted(err error) bool {
	if err == nil || NeverSent(err) {
		return false
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500
	}
	return !errors.Is(err, ErrRedirect)
}

// IsHostNotFound reports whether err says that the host name of the base
// URL does not resolve (typically a mistyped cluster id), and which host
// that was.
func IsHostNotFound(err error) (host string, ok bool) {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return dnsErr.Name, true
	}
	return "", false
}

// isHostNotFound is IsHostNotFound without the host.
func isHostNotFound(err error) bool {
	_, ok := IsHostNotFound(err)
	return ok
}

// IsConflict reports whether err is or wraps a 409 *Error: an idempotency
// key reused with another body, or by Hellgate's own rules another request
// in the way of this one.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }
