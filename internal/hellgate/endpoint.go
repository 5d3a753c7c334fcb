package hellgate

// Telling "this key is gone" from "this is not Hellgate's API". A base URL
// with a wrong path prefix answers 404 on every path, which on one key's
// path reads exactly like a key that is gone. So before a 404 on a key's
// path is reported as not found, the client checks, once, that the
// endpoint serves the API-key collection; a 404 on the collection itself
// needs no check.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// ErrWrongEndpoint is wrapped by the error of a call to an endpoint that
// does not serve Hellgate's API-key endpoints: the API-key collection
// answered 404.
var ErrWrongEndpoint = errors.New("the endpoint does not serve Hellgate's API-key endpoints")

// IsWrongEndpoint reports whether err says that the base URL, or its path
// prefix, is wrong: the API-key collection answered 404. Such an error
// names the URL requested, and IsNotFound is false for it.
func IsWrongEndpoint(err error) bool { return errors.Is(err, ErrWrongEndpoint) }

// endpointVerdict is what the client knows about its endpoint.
type endpointVerdict int

const (
	endpointUnknown endpointVerdict = iota
	endpointServes                  // the API-key collection is there
	endpointWrong                   // the API-key collection answered 404
)

// endpointState holds the endpoint's verdict, once known, and the check
// in flight, if any.
type endpointState struct {
	mu      sync.Mutex
	verdict endpointVerdict
	running *endpointCheck
}

// endpointCheck is one list request made to check the endpoint; callers
// that meet a 404 while it runs wait for it and share its verdict.
type endpointCheck struct {
	done    chan struct{}
	verdict endpointVerdict
	err     error // why it reached no verdict
	// abandoned: the caller that made it gave up (its context ended)
	// before any verdict, which says nothing about the endpoint.
	abandoned bool
}

// setVerdict records a verdict. That the endpoint serves the collection is
// final (a readable answer from it says so); that it is wrong is recorded
// only over no verdict.
func (c *Client) setVerdict(v endpointVerdict) endpointVerdict {
	c.ep.mu.Lock()
	defer c.ep.mu.Unlock()
	if v == endpointServes || c.ep.verdict == endpointUnknown {
		c.ep.verdict = v
	}
	return c.ep.verdict
}

// checkEndpoint returns the endpoint's verdict, checking it with a list of
// one key if it is not known yet. A check that reaches no verdict (the
// request failed, or it was answered with something other than 2xx, 403
// or 404) is not remembered: the next caller checks again.
func (c *Client) checkEndpoint(ctx context.Context) (endpointVerdict, error) {
	for {
		c.ep.mu.Lock()
		if v := c.ep.verdict; v != endpointUnknown {
			c.ep.mu.Unlock()
			return v, nil
		}
		if run := c.ep.running; run != nil {
			c.ep.mu.Unlock()
			select {
			case <-run.done:
			case <-ctx.Done():
				return endpointUnknown, ctx.Err()
			}
			if run.abandoned {
				continue // check again, on this caller's context
			}
			return run.verdict, run.err
		}
		run := &endpointCheck{done: make(chan struct{})}
		c.ep.running = run
		c.ep.mu.Unlock()

		v, err := c.listOne(ctx)
		run.abandoned = v == endpointUnknown && ctx.Err() != nil
		run.verdict, run.err = c.setVerdict(v), err
		if run.verdict != endpointUnknown {
			run.err = nil
		}
		c.ep.mu.Lock()
		c.ep.running = nil
		c.ep.mu.Unlock()
		close(run.done)
		return run.verdict, run.err
	}
}

// listOne asks for one key of the API-key collection and says what the
// answer tells about the endpoint.
func (c *Client) listOne(ctx context.Context) (endpointVerdict, error) {
	_, err := c.ListAPIKeys(ctx, ListAPIKeysInput{Limit: 1})
	switch {
	case err == nil:
		return endpointServes, nil
	case IsWrongEndpoint(err):
		return endpointWrong, err
	case IsForbidden(err):
		// Hellgate checks scopes per operation, so the collection is
		// there; this credential may only not list it.
		return endpointServes, nil
	default:
		return endpointUnknown, err
	}
}

// confirmNotFound judges err, the error of a call on one key's path. A 404
// stays a not-found only where the endpoint serves the API-key collection;
// where the collection answers 404 too it becomes a wrong-endpoint error,
// and where the check reaches no verdict an error that is neither.
func (c *Client) confirmNotFound(ctx context.Context, err error) error {
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return err
	}
	verdict, checkErr := c.checkEndpoint(ctx)
	switch verdict {
	case endpointServes:
		return err
	case endpointWrong:
		return rejudged(err, &wrongEndpointError{c: c, notFound: apiErr, listURL: c.requestURL(c.requestPath(apiKeysPath))})
	default:
		return rejudged(err, &unconfirmedNotFoundError{c: c, notFound: apiErr, check: checkErr})
	}
}

// collectionNotFound turns a 404 from the API-key collection itself (a
// list or a create) into a wrong-endpoint error, and remembers it.
func (c *Client) collectionNotFound(err error) error {
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return err
	}
	c.setVerdict(endpointWrong)
	return rejudged(err, &wrongEndpointError{c: c, notFound: apiErr})
}

// rejudged replaces the error of a call, keeping what the call's attempts
// told about the server's side (see NeverSent and MayHaveCommitted).
func rejudged(orig, err error) error {
	var ce *callError
	if errors.As(orig, &ce) {
		return &callError{err: err, sent: ce.sent, uncertain: ce.uncertain}
	}
	return err
}

// wrongEndpointError is a 404 from an endpoint whose API-key collection
// answers 404. It does not unwrap to the *Error: the key it asked for is
// not known to be gone.
type wrongEndpointError struct {
	c        *Client
	notFound *Error
	// listURL is the list that answered 404 too; empty when notFound came
	// from the collection itself.
	listURL string
}

func (e *wrongEndpointError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s answered %s", e.notFound.Method, e.c.requestURL(e.notFound.Path), e.notFound.answer())
	if e.listURL != "" {
		fmt.Fprintf(&b, ", and so did the API-key list at %s", e.listURL)
	}
	fmt.Fprintf(&b, ": the endpoint or its path prefix is wrong. "+
		"Requests go to the base URL %s followed by %s; a Hellgate cluster serves them directly below its base URL, as in %s%s",
		e.c.requestURL(e.c.baseURL.EscapedPath()), apiKeysPath, ClusterURL("my-cluster-id"), apiKeysPath)
	if prefix := e.c.baseURL.EscapedPath(); prefix != "" {
		fmt.Fprintf(&b, ", with no path prefix such as %s in front", prefix)
	}
	return b.String()
}

func (e *wrongEndpointError) Unwrap() error { return ErrWrongEndpoint }

// unconfirmedNotFoundError is a 404 on a key's path whose endpoint check
// reached no verdict. It unwraps to the check's error, not to the 404.
type unconfirmedNotFoundError struct {
	c        *Client
	notFound *Error
	check    error
}

func (e *unconfirmedNotFoundError) Error() string {
	return fmt.Sprintf("%s %s answered %s, but the client could not confirm that the endpoint serves Hellgate's API-key endpoints, "+
		"so this answer is not taken to mean that the API key is gone; checking the API-key list failed: %v",
		e.notFound.Method, e.c.requestURL(e.notFound.Path), e.notFound.answer(), e.check)
}

func (e *unconfirmedNotFoundError) Unwrap() error { return e.check }
