package hellgate

// What a failed call tells its caller about the server's side: whether the
// request certainly never reached a server, whether it may have taken
// effect although no answer said so, and whether the host did not exist.
// Callers decide by these predicates instead of by status codes and
// transport errors of their own.

import (
	"errors"
	"net"
)

// NeverSent reports whether err is from a call whose every attempt failed
// before reaching a server (a header value that cannot be sent, the host did
// not resolve, no connection could be made, TLS failed), so Hellgate
// certainly did not act on it. A create that failed otherwise may still
// have made its key.
func NeverSent(err error) bool {
	var ce *callError
	return errors.As(err, &ce) && !ce.sent
}

// MayHaveCommitted reports whether a failed call may still have taken
// effect on the server, so that a caller who needs to know (a create whose
// key would otherwise be left behind) must find out. A call is judged by
// all its attempts, not only the last: it may have committed when any
// attempt reached the server without a definite answer (the connection
// dropped after the request was written, the attempt timed out, the
// caller's context ended mid-attempt, or the server answered 5xx), or when
// a 2xx answer arrived that could not be read. It is false when no attempt
// reached a server (NeverSent) and when every attempt that did got a
// definite refusal (a 4xx, a redirect, which is never followed).
func MayHaveCommitted(err error) bool {
	if err == nil {
		return false
	}
	var ce *callError
	if errors.As(err, &ce) {
		return ce.uncertain
	}
	// Not from a call (no attempt was judged): assume the worst unless the
	// error is a definite refusal.
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500
	}
	return !errors.Is(err, ErrRedirect)
}

// callError wraps the final error of a call with what its attempts tell
// about the server's side, without changing the error's text.
type callError struct {
	err error
	// sent: some attempt may have reached a server.
	sent bool
	// uncertain: some attempt may have reached a server and got no
	// definite answer, so the call may have taken effect.
	uncertain bool
}

func (e *callError) Error() string { return e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// judge adds what one attempt tells about the server's side.
func (e *callError) judge(res attemptResult) {
	switch {
	case res.err == nil && res.status >= 500:
		e.sent, e.uncertain = true, true // the server failed: it may have acted
	case res.err == nil:
		e.sent = true // a definite answer
	case isPreSend(res.err), notSent(res.err):
		// Nothing reached a server.
	default:
		e.sent, e.uncertain = true, true // written, but no (complete) answer
	}
}

// committed marks an error that follows a 2xx answer: the call took effect.
func committed(err error) error {
	return &callError{err: err, sent: true, uncertain: true}
}

// preSendError is a failure to build or send a request that happened before
// anything went on the wire: it will fail the same way on every attempt.
type preSendError struct{ err error }

func (e *preSendError) Error() string { return e.err.Error() }
func (e *preSendError) Unwrap() error { return e.err }

func isPreSend(err error) bool {
	var pe *preSendError
	return errors.As(err, &pe)
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
