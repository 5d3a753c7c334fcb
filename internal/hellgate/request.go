package hellgate

// One API call: its attempts, what each attempt sends and reads, and the
// error built from the last one.
//
// The path of a call, e.g. CreateAPIKey (api_keys.go), which builds an
// apiRequest and decodes the answer:
//
//   - do (below): logContext (logging.go) sets up logging and masks on the
//     caller's ctx; endpoint (baseurl.go) resolves the URL; then, for each
//     attempt:
//   - attempt: attemptContext (below) detaches it from the caller's
//     cancellation but keeps the deadline; setHeaders (headers.go);
//     transportError names a per-attempt timeout;
//   - callError.judge (outcome.go) records what the attempt tells about the
//     server's side; shouldRetry and retryPolicy.wait (retry.go) decide on
//     the next attempt;
//   - resultError, redirectError or stoppedError (below) build the error;
//     errors.go turns it into what callers test (IsNotFound and the like).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxResponseBytes bounds a response body read into memory. A page of 100
// keys is a few tens of kilobytes.
const maxResponseBytes = 8 << 20

// apiRequest describes one API call, which may take several attempts.
type apiRequest struct {
	method string
	path   string // escaped path below the base URL, starting with "/"
	query  url.Values
	body   []byte // sent unchanged on every attempt; nil for none

	// idempotencyKey is sent as x-idempotency-key and makes a POST retryable.
	idempotencyKey string

	// once sends the request a single time, whatever the retry policy.
	once bool

	// apiKey, when set, is sent as x-api-key instead of the client's own
	// credential: a key value being checked (VerifyKeyValue), which the
	// caller has added to the secrets redact removes.
	apiKey string
}

// apiResponse is a 2xx answer with its body read.
type apiResponse struct {
	status int
	body   []byte
}

// attemptResult is the outcome of one attempt: a response (err nil) or a
// failure to get one.
type attemptResult struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// do sends r, retrying transient failures as retryPolicy and shouldRetry
// allow, and returns the 2xx response. Any other outcome is an error: *Error
// for a non-2xx answer, one wrapping ErrRedirect for a redirect, and a
// wrapped transport or context error otherwise. Every such error carries
// what all the attempts tell about the server's side (see NeverSent and
// MayHaveCommitted), whatever the last attempt's outcome.
func (c *Client) do(ctx context.Context, r apiRequest) (*apiResponse, error) {
	ctx = c.logContext(ctx)
	u := c.endpoint(r.path, r.query)
	// From here on, messages and logs name the path actually requested,
	// the base URL's path prefix included.
	r.path = u.EscapedPath()

	var outcome callError
	fail := func(err error) error {
		outcome.err = err
		return &outcome
	}
	// New checked the credential and the user agent, and the other headers
	// are constants: the caller's idempotency key is the one header value
	// that can be new. Go's client would refuse a control character in it
	// on every attempt, so refuse it once, before anything is sent, naming
	// the header but not quoting a value that may be secret.
	if b, bad := badHeaderByte(r.idempotencyKey); bad {
		return nil, fail(fmt.Errorf("%s %s: %w", r.method, r.path, &preSendError{err: fmt.Errorf(
			"the %s header value contains the control character 0x%02x, so the request was not sent", headerIdempotencyKey, b)}))
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			// Nothing of this attempt was sent.
			return nil, fail(fmt.Errorf("%s %s: %w", r.method, r.path, err))
		}
		res := c.attempt(ctx, r, u, attempt)
		outcome.judge(res)

		if res.err == nil && res.status >= 200 && res.status < 300 {
			return &apiResponse{status: res.status, body: res.body}, nil
		}
		if res.err == nil && isRedirect(res.status) {
			return nil, fail(c.redirectError(r, u, res))
		}

		lastErr := c.resultError(r, res, attempt)
		if ctx.Err() != nil {
			// Stopped (or out of time) while the attempt ran: its answer
			// is the call's, and no further attempt starts.
			return nil, fail(&stoppedError{last: lastErr, cause: ctx.Err()})
		}
		if r.once || attempt > c.retry.maxRetries || !shouldRetry(r.method, r.idempotencyKey != "", res.status, res.err) {
			return nil, fail(lastErr)
		}

		wait := c.retry.wait(attempt, res.header.Get("Retry-After"), c.clock.Now())
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Waiting would outlive the caller's deadline: report the real
			// problem now instead of a deadline error later.
			return nil, fail(fmt.Errorf("%w (not retrying: the next attempt would be due after the deadline)", lastErr))
		}
		logWarn(ctx, "Retrying Hellgate API request", map[string]any{
			"http.method":    r.method,
			"http.path":      r.path,
			"attempt":        attempt,
			"retry_in_ms":    wait.Milliseconds(),
			"retry_reason":   lastErr.Error(),
			"max_retries":    c.retry.maxRetries,
			"http.status":    res.status,
			"http.requestid": res.header.Get(headerRequestID),
		})
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return nil, fail(fmt.Errorf("stopped retrying after %d attempt(s): %w; last error: %w", attempt, err, lastErr))
		}
	}
}

// attempt sends r once, bounded by the per-attempt timeout, and reads the
// whole response body.
func (c *Client) attempt(ctx context.Context, r apiRequest, u *url.URL, attempt int) attemptResult {
	actx, cancel := c.attemptContext(ctx)
	defer cancel()

	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(actx, r.method, u.String(), body)
	if err != nil {
		return attemptResult{err: &preSendError{err: fmt.Errorf("building the request: %w", err)}}
	}
	c.setHeaders(req.Header, r)

	fields := map[string]any{
		"http.method": r.method,
		"http.path":   r.path,
		"attempt":     attempt,
	}
	logDebug(ctx, "Sending Hellgate API request", fields)
	if r.body != nil {
		// Request bodies hold scopes and expiry only, never a secret.
		logTrace(ctx, "Hellgate API request body", map[string]any{"http.method": r.method, "http.path": r.path, "body": string(r.body)})
	}

	start := time.Now()
	sent := c.clock.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		err = c.transportError(ctx, actx, err)
		fields["duration_ms"] = time.Since(start).Milliseconds()
		fields["error"] = err.Error()
		logDebug(ctx, "Hellgate API request failed", fields)
		return attemptResult{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	c.serverClock.note(resp.Header.Get("Date"), sent, c.clock.Now())

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	switch {
	case err != nil:
		err = fmt.Errorf("reading the response (status %d): %w", resp.StatusCode, c.transportError(ctx, actx, err))
	case len(data) > maxResponseBytes:
		err = fmt.Errorf("the response (status %d) is larger than %d bytes", resp.StatusCode, maxResponseBytes)
	}

	fields["http.status"] = resp.StatusCode
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if id := resp.Header.Get(headerRequestID); id != "" {
		fields["http.requestid"] = id
	}
	if err != nil {
		fields["error"] = err.Error()
		logDebug(ctx, "Hellgate API response failed", fields)
		return attemptResult{err: err}
	}
	logDebug(ctx, "Received Hellgate API response", fields)
	if resp.StatusCode >= 300 && len(data) > 0 {
		// Only error bodies are logged: a 2xx body may hold a key_value
		// (create), and the others add little to the fields above.
		logTrace(ctx, "Hellgate API response body", map[string]any{
			"http.method": r.method, "http.path": r.path, "http.status": resp.StatusCode,
			"body": truncate(c.redact(string(data)), 4096),
		})
	}
	return attemptResult{status: resp.StatusCode, header: resp.Header, body: data}
}

// attemptContext returns the context one attempt runs on: the caller's
// values and deadline, bounded by the per-attempt timeout, but not the
// caller's cancellation. Terraform stops a provider (on Ctrl-C) by
// cancelling the context of every call in flight; a request already sent
// is then allowed to finish, so that its answer (a key made, a key
// revoked) reaches the caller and is recorded, instead of being cut off
// with its outcome unknown. A stopped call starts no further attempt.
func (c *Client) attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(c.retry.requestTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	return context.WithDeadline(context.WithoutCancel(ctx), deadline)
}

// stoppedError is the error of a call whose context ended while an
// attempt ran: the attempt's own outcome, and why no other followed.
type stoppedError struct {
	last  error // the attempt's error
	cause error // the context's error
}

func (e *stoppedError) Error() string {
	reason := "the operation was stopped"
	if errors.Is(e.cause, context.DeadlineExceeded) {
		reason = "the operation's time ran out"
	}
	return fmt.Sprintf("%s (not retried: %s)", e.last, reason)
}

// Unwrap lets errors.Is and errors.As see both the attempt's error (its
// status, for IsNotFound and the like) and the context's.
func (e *stoppedError) Unwrap() []error { return []error{e.last, e.cause} }

// transportError turns an error from sending a request or reading its body
// into one that names no URL (the path is added by the caller) and says when
// the per-attempt timeout, not the caller's ctx, cut the attempt short.
func (c *Client) transportError(ctx, actx context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if actx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) && !pastDeadline(ctx) {
		// The attempt's own timeout, not the caller's deadline, cut it.
		// (Both may fire at once; ctx's own error may not be set yet.)
		return fmt.Errorf("no complete response within %s: %w", c.retry.requestTimeout, err)
	}
	return err
}

// pastDeadline reports whether ctx has a deadline that has passed.
func pastDeadline(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// resultError builds the error for a failed attempt that was not a redirect.
func (c *Client) resultError(r apiRequest, res attemptResult, attempts int) error {
	if res.err != nil {
		if attempts > 1 {
			return fmt.Errorf("%s %s: giving up after %d attempts: %w", r.method, r.path, attempts, res.err)
		}
		return fmt.Errorf("%s %s: %w", r.method, r.path, res.err)
	}
	// Redact the raw body (the secret as sent) and the parsed text (the
	// secret after JSON or HTML unescaping), then clean and cut.
	code, msg := parseErrorBody(res.header.Get("Content-Type"), []byte(c.redact(string(res.body))))
	msg = truncate(c.redact(cleanText(c.redact(msg))), maxMessageLen)
	if msg == "" {
		msg = http.StatusText(res.status)
	}
	e := &Error{
		Method:     r.method,
		Path:       r.path,
		StatusCode: res.status,
		Code:       c.headerText(code),
		Message:    msg,
		RequestID:  c.headerText(res.header.Get(headerRequestID)),
		Attempts:   attempts,
	}
	if res.status == http.StatusNotFound {
		e.shape = shapeOf(res.header.Get("Content-Type"), res.body)
	}
	return e
}

// headerText makes a short server-given string (a request id, an error
// code) safe to show: no secret, one line, at most 100 bytes.
func (c *Client) headerText(s string) string {
	return truncate(c.redact(cleanText(c.redact(s))), 100)
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirectError reports a redirect without following it, naming the target's
// scheme, host and path but not its query or user info.
func (c *Client) redirectError(r apiRequest, u *url.URL, res attemptResult) error {
	target := "an unspecified location"
	if loc := res.header.Get("Location"); loc != "" {
		if lu, err := u.Parse(loc); err == nil {
			target = (&url.URL{Scheme: lu.Scheme, Host: lu.Host, Path: lu.Path}).String()
		} else {
			target = "an unparsable location"
		}
	}
	msg := fmt.Sprintf("%s %s: the server answered %d %s, redirecting to %s",
		r.method, r.path, res.status, http.StatusText(res.status), c.redact(target))
	if id := res.header.Get(headerRequestID); id != "" {
		msg += fmt.Sprintf(" (request id %s)", c.headerText(id))
	}
	return fmt.Errorf("%s: %w; check that the base URL or cluster id points at the Hellgate API itself", msg, ErrRedirect)
}
