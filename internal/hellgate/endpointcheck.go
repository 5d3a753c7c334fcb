package hellgate

// Telling "this key is gone" from an answer that is not Hellgate's. A base
// URL with a wrong path prefix answers 404 on every path, and a gateway or
// ingress in front of Hellgate may route the API-key collection but answer
// 404 itself on single-key paths; either reads, on one key's path, exactly
// like a key that is gone. So on the first 404 on a key's path the client
// checks, once, that the endpoint serves the API-key collection, that
// single-key paths reach Hellgate (it reads a key the list names), and
// what Hellgate's own not-found looks like (it asks for an id that cannot
// exist); then it judges that 404, and every later one, by that. A 404 on
// the collection itself needs no check. A run with no 404 makes no
// extra request.

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

// endpointVerdict is what the client knows about the API-key collection.
type endpointVerdict int

const (
	endpointUnknown endpointVerdict = iota
	endpointServes                  // the API-key collection is there
	endpointWrong                   // the API-key collection answered 404
)

// endpointState holds what the client knows about its endpoint, and the
// check in flight, if any.
type endpointState struct {
	mu      sync.Mutex
	verdict endpointVerdict

	// reached: a key that the API-key list named was read through its
	// own path, so single-key paths reach Hellgate.
	reached bool
	// listForbidden: the credential may not list keys (403), so reached
	// cannot be learned; a learned not-found is trusted without it only
	// if it is JSON.
	listForbidden bool
	// notFound is Hellgate's own answer to each method on the path of an
	// id that does not exist, as learned.
	notFound map[string]answerShape
	// generation counts the times evidence against what was learned made
	// the client forget it; a check records nothing across one.
	generation int

	running *endpointCheck
}

// checkResult is what a check, or what the client knew already, tells
// about a 404 on a key's path.
type checkResult struct {
	verdict endpointVerdict
	// empty: the API-key list named no key, so no key exists and the 404
	// stands, whatever it looks like. Nothing else was learned.
	empty bool
	// notFound is Hellgate's own not-found for the method checked.
	notFound answerShape
	// against is evidence that single-key paths do not reach Hellgate,
	// already safe to show.
	against string
	err     error // why the check reached no verdict
}

// settled reports whether the check learned enough to judge a 404 of the
// method it was made for.
func (r checkResult) settled() bool {
	return r.verdict == endpointWrong || r.empty || r.against != "" || r.err != nil
}

// endpointCheck is one check in flight; callers that meet a 404 while it
// runs wait for it and share its result.
type endpointCheck struct {
	done   chan struct{}
	method string
	res    checkResult
	// abandoned: the caller that made it gave up (its context ended)
	// before any verdict, which says nothing about the endpoint.
	abandoned bool
}

// setVerdict records a verdict on the collection. That the endpoint
// serves it is final (a readable answer from it says so); that it is
// wrong is recorded only over no verdict.
func (c *Client) setVerdict(v endpointVerdict) {
	c.ep.mu.Lock()
	defer c.ep.mu.Unlock()
	if v == endpointServes || c.ep.verdict == endpointUnknown {
		c.ep.verdict = v
	}
}

// known returns what the client already knows about a 404 of method, if
// that is enough to judge it. The caller holds c.ep.mu.
func (s *endpointState) known(method string) (checkResult, bool) {
	if s.verdict == endpointWrong {
		return checkResult{verdict: endpointWrong}, true
	}
	shape, learned := s.notFound[method]
	if s.verdict == endpointServes && (s.reached || s.listForbidden) && learned {
		return checkResult{verdict: endpointServes, notFound: shape}, true
	}
	return checkResult{}, false
}

// forget drops what the client learned about single-key paths: evidence
// against it came, so the next 404 checks again.
func (c *Client) forget() {
	c.ep.mu.Lock()
	defer c.ep.mu.Unlock()
	c.ep.reached, c.ep.listForbidden, c.ep.notFound = false, false, nil
	c.ep.generation++
}

// checkKeyPaths returns what the client knows about a 404 of method on a
// key's path, checking what it does not know yet. A check that reaches no
// verdict (a request failed, or was answered unexpectedly) is not
// remembered, nor is one that found evidence against single-key paths
// reaching Hellgate: the next caller checks again.
func (c *Client) checkKeyPaths(ctx context.Context, method string) checkResult {
	for {
		c.ep.mu.Lock()
		if res, ok := c.ep.known(method); ok {
			c.ep.mu.Unlock()
			return res
		}
		if run := c.ep.running; run != nil {
			c.ep.mu.Unlock()
			select {
			case <-run.done:
			case <-ctx.Done():
				return checkResult{err: ctx.Err()}
			}
			if run.abandoned || (run.method != method && !run.res.settled()) {
				continue // check again, on this caller's context, for its method
			}
			return run.res
		}
		run := &endpointCheck{done: make(chan struct{}), method: method}
		c.ep.running = run
		st := checkStart{
			list:       c.ep.verdict != endpointServes || (!c.ep.reached && !c.ep.listForbidden),
			reached:    c.ep.reached,
			generation: c.ep.generation,
		}
		c.ep.mu.Unlock()

		res := c.runCheck(ctx, method, st)
		run.abandoned = res.err != nil && ctx.Err() != nil
		run.res = res
		c.ep.mu.Lock()
		c.ep.running = nil
		c.ep.mu.Unlock()
		close(run.done)
		return res
	}
}

// checkStart is what a check needs to do, as the client knew when it
// started.
type checkStart struct {
	// list: list one key and read it through its path, to learn whether
	// single-key paths reach Hellgate; otherwise reached says.
	list       bool
	reached    bool
	generation int
}

// reach is what a check learned about single-key paths.
type reach int

const (
	reachSettled   reach = iota // the result says all (a wrong endpoint, an empty list, evidence against, a failure)
	reachConfirmed              // a key the list named was read through its path
	reachForbidden              // the credential may not list keys: nothing to read
)

// runCheck checks what st says, then learns Hellgate's not-found for
// method, and records what it learned unless the client forgot in the
// meantime.
func (c *Client) runCheck(ctx context.Context, method string, st checkStart) checkResult {
	r := reachForbidden
	if st.reached {
		r = reachConfirmed
	}
	if st.list {
		var res checkResult
		if res, r = c.checkReach(ctx); r == reachSettled {
			if res.against != "" {
				c.forget()
			}
			return res
		}
	}
	res := c.learnNotFound(ctx, method, r == reachConfirmed)
	if res.against != "" {
		c.forget()
		return res
	}
	c.ep.mu.Lock()
	defer c.ep.mu.Unlock()
	if c.ep.generation != st.generation {
		return res // judged by what this check saw, but not remembered
	}
	c.ep.reached = c.ep.reached || r == reachConfirmed
	c.ep.listForbidden = c.ep.listForbidden || r == reachForbidden
	if res.err == nil {
		if c.ep.notFound == nil {
			c.ep.notFound = map[string]answerShape{}
		}
		c.ep.notFound[method] = res.notFound
	}
	return res
}

// maxReachTries bounds how often checkReach lists again because the key
// it read was deleted in the meantime.
const maxReachTries = 3

// checkReach lists one key and reads it through its own path. A 404 there
// may mean that the key was deleted since it was listed, so it lists
// again: a key listed again that still answers 404 on its path is
// evidence that single-key paths do not reach Hellgate.
func (c *Client) checkReach(ctx context.Context) (checkResult, reach) {
	var missing string // the key last listed whose path answered 404
	for range maxReachTries {
		page, err := c.ListAPIKeys(ctx, ListAPIKeysInput{Limit: 1})
		switch {
		case IsWrongEndpoint(err):
			return checkResult{verdict: endpointWrong}, reachSettled
		case IsForbidden(err):
			// Hellgate checks scopes per operation, so the collection is
			// there; this credential may only not list it.
			c.setVerdict(endpointServes)
			return checkResult{verdict: endpointServes}, reachForbidden
		case err != nil:
			return checkResult{err: err}, reachSettled
		case len(page.Keys) == 0:
			return checkResult{verdict: endpointServes, empty: true}, reachSettled
		}
		id := page.Keys[0].ID
		path, err := apiKeyPath(id)
		if err != nil {
			return checkResult{err: fmt.Errorf("GET %s: the response lists a key with an unusable id: %w", c.requestPath(apiKeysPath), err)}, reachSettled
		}
		resp, err := c.do(ctx, apiRequest{method: http.MethodGet, path: path})
		var apiErr *Error
		switch {
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && id == missing:
			return checkResult{verdict: endpointServes, against: fmt.Sprintf(
				"the API-key list names the key %s, yet its own path (%s) answered %s, so single-key paths do not reach Hellgate",
				c.headerText(id), c.requestURL(apiErr.Path), apiErr.answer())}, reachSettled
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
			missing = id // deleted since it was listed, or not reached: list again
			continue
		case err != nil:
			return checkResult{err: err}, reachSettled
		}
		k, err := c.decodeAPIKey(http.MethodGet, c.requestPath(path), resp)
		if err != nil || !strings.EqualFold(k.ID, id) {
			return checkResult{verdict: endpointServes, against: fmt.Sprintf(
				"the API-key list names the key %s, yet its own path (%s) answered status %d with something other than that key, so single-key paths do not reach Hellgate",
				c.headerText(id), c.requestURL(c.requestPath(path)), resp.status)}, reachSettled
		}
		return checkResult{verdict: endpointServes}, reachConfirmed
	}
	return checkResult{err: fmt.Errorf("each of %d keys that the API-key list named answered 404 on its own path, and was no longer listed after it", maxReachTries)}, reachSettled
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

// undecidedNotFoundError is a 404 on a key's path whose check reached
// no verdict. It unwraps to the check's error, not to the 404.
type undecidedNotFoundError struct {
	c        *Client
	notFound *Error
	check    error
}

func (e *undecidedNotFoundError) Error() string {
	why := "checking the endpoint failed: "
	if errors.Is(e.check, errReachUnconfirmed) {
		why = ""
	}
	return fmt.Sprintf("%s %s answered %s, but the client could not confirm that this is Hellgate's own answer for a key that does not exist, "+
		"so it is not taken to mean that the API key is gone; %s%v",
		e.notFound.Method, e.c.requestURL(e.notFound.Path), e.notFound.answer(), why, e.check)
}

func (e *undecidedNotFoundError) Unwrap() error { return e.check }
