package hellgate

// Why an own retry loop instead of go-retryablehttp:
//
// go-retryablehttp's hooks do not fit three requirements of this client.
// Its CheckRetry gets a nil response on connection errors and so cannot see
// the request method, which a method-aware policy (POST only with an
// idempotency key) needs; it has no per-attempt timeout, only the
// http.Client's overall Timeout; and on giving up it drains the response and
// closes the shared pool's idle connections unless an ErrorHandler is set.
// Working around all three (method in the context, a body-wrapping timeout
// transport, a passthrough error handler, attempt numbers smuggled to a
// logging transport) costs more code than the loop in request.go, which is
// short, re-sends the same []byte body on every attempt, and is tested
// directly.

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryPolicy holds a Client's retry settings with defaults applied.
type retryPolicy struct {
	maxRetries     int
	requestTimeout time.Duration
	waitMin        time.Duration
	waitMax        time.Duration
	maxRetryAfter  time.Duration
}

func newRetryPolicy(cfg Config) (retryPolicy, error) {
	p := retryPolicy{
		maxRetries:     max(cfg.MaxRetries, 0),
		requestTimeout: cmpOr(cfg.RequestTimeout, DefaultRequestTimeout),
		waitMin:        cmpOr(cfg.RetryWaitMin, DefaultRetryWaitMin),
		waitMax:        cmpOr(cfg.RetryWaitMax, DefaultRetryWaitMax),
		maxRetryAfter:  cmpOr(cfg.MaxRetryAfter, DefaultMaxRetryAfter),
	}
	switch {
	case p.requestTimeout < 0, p.waitMin < 0, p.waitMax < 0, p.maxRetryAfter < 0:
		return p, errors.New("hellgate: timeouts and retry waits must not be negative")
	case p.waitMin > p.waitMax:
		return p, fmt.Errorf("hellgate: the minimum retry wait (%s) is longer than the maximum (%s)", p.waitMin, p.waitMax)
	}
	return p, nil
}

// cmpOr returns v, or def when v is zero.
func cmpOr(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

// retryableStatus reports whether a response status is transient: throttling
// or server trouble that a later attempt may not see.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests,
		http.StatusInternalServerError,
		http.StatusBadGateway,
		http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

// safeToRepeat reports whether sending the request again cannot do harm if
// the first one reached the server. GET, HEAD, OPTIONS, PUT and DELETE are
// idempotent by definition; PATCH is not in general (and this client sends
// none). A POST is repeated only with an idempotency key, which makes the
// server replay the first result instead of acting twice.
func safeToRepeat(method string, hasIdempotencyKey bool) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions,
		http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPost:
		return hasIdempotencyKey
	}
	return false
}

// retryableError reports whether a failure to get a response is worth
// another attempt. Connection refused/reset, a connection closed without a
// response and a per-attempt timeout are; a failed TLS handshake, a
// redirect, an unknown host and a request that could not be built are not,
// since they will fail the same way again. (A URL with another scheme
// cannot get here: New accepts only http and https base URLs.)
func retryableError(err error) bool {
	switch {
	case handshakeFailed(err), isHostNotFound(err):
		// Neither a certificate nor a host name that does not exist (a
		// mistyped cluster id) will change within a retry budget.
		return false
	case errors.Is(err, ErrRedirect), isPreSend(err):
		return false
	}
	return true
}

// notSent reports whether a failed attempt certainly never reached a
// server: the host name did not resolve, the connection could not be made,
// or the TLS handshake failed, all before a byte of the request was sent.
func notSent(err error) bool {
	var opErr *net.OpError
	return isHostNotFound(err) || errors.As(err, &opErr) && opErr.Op == "dial" || handshakeFailed(err)
}

// handshakeFailed reports whether err is a failed TLS handshake: a
// certificate that does not verify (unknown authority, wrong host name,
// expired or otherwise invalid) or a server that does not speak TLS (Go's
// client reports a plain HTTP server behind an https URL as
// http.ErrSchemeMismatch, other servers as a tls.RecordHeaderError). The
// request itself was never sent, and a repeat fails the same way.
// retryableError and notSent both judge by this one list.
func handshakeFailed(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalidCert      x509.CertificateInvalidError
		verification     *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
	)
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalidCert) || errors.As(err, &verification) ||
		errors.As(err, &recordHeader) || errors.Is(err, http.ErrSchemeMismatch)
}

// shouldRetry decides about one finished attempt: status is the response
// status (0 when err is set).
func shouldRetry(method string, hasIdempotencyKey bool, status int, err error) bool {
	if !safeToRepeat(method, hasIdempotencyKey) {
		return false
	}
	if err != nil {
		return retryableError(err)
	}
	return retryableStatus(status)
}

// backoff returns the wait before retry number retry (1 for the first retry):
// a random point in the upper half of the exponential step
// waitMin*2^retry, so waitMin..2*waitMin before the first retry,
// 2*waitMin..4*waitMin before the second and so on, never more than waitMax.
// The jitter keeps many clients throttled together from coming back together.
func (p retryPolicy) backoff(retry int) time.Duration {
	retry = max(retry, 1)
	step := p.waitMax
	if s := p.waitMin << retry; retry < 62 && s > 0 && s>>retry == p.waitMin && s < p.waitMax {
		step = s
	}
	half := step / 2
	wait := half + rand.N(step-half+1) //nolint:gosec // jitter, not security.
	return min(max(wait, p.waitMin), p.waitMax)
}

// wait returns how long to wait before retry number retry after a response
// with the given Retry-After header (empty for none or after a connection
// error). A valid Retry-After, in seconds or as an HTTP date, wins over the
// backoff, capped at maxRetryAfter; an invalid one is ignored.
func (p retryPolicy) wait(retry int, retryAfter string, now time.Time) time.Duration {
	if d, ok := parseRetryAfter(retryAfter, now); ok {
		return min(d, p.maxRetryAfter)
	}
	return p.backoff(retry)
}

// parseRetryAfter parses a Retry-After header value: a non-negative number of
// seconds or an HTTP date (a date in the past means "now"). ok is false for an
// empty or unparsable value.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil {
		// Avoid overflowing time.Duration; any cap is far below a year.
		const maxSecs = 365 * 24 * 60 * 60
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
