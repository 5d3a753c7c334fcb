package hellgate

// Judging a 404 on one key's path: what a 404 looks like, learning what
// Hellgate's own looks like, the judgement, and the error of a 404 that
// is not Hellgate's. A gateway, ingress or load balancer in front of
// Hellgate answers 404 for a path it has no route for, and on one key's
// path that reads like a key that is gone. The API reference does not
// document Hellgate's error body, so the client does not expect one shape
// of it: it learns what Hellgate's own not-found looks like (the check is
// in endpointcheck.go) and compares each 404 with that, by shape only: the
// media type, the kind of body and, for JSON, the names of its members,
// never the text, which names the id.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// ErrNotFromHellgate is wrapped by the error of a 404 on one key's path
// that did not come from Hellgate: something in front of it answered.
var ErrNotFromHellgate = errors.New("the answer did not come from Hellgate")

// IsNotFromHellgate reports whether err is a 404 on one key's path that
// does not look like Hellgate's own not-found (an HTML page, another
// content type, another body shape), or that came where single-key paths
// were found not to reach Hellgate. Such an error names the URL
// requested, and IsNotFound is false for it: the key is not known to be
// gone.
func IsNotFromHellgate(err error) bool { return errors.Is(err, ErrNotFromHellgate) }

// Body kinds of an answerShape.
const (
	bodyEmpty = "empty"
	bodyJSON  = "json"
	bodyHTML  = "html"
	bodyText  = "text"
)

// Bounds of a JSON skeleton, so that a large or deep body makes a short
// one.
const (
	maxSkeletonDepth   = 2
	maxSkeletonMembers = 24
	maxMemberNameLen   = 40
)

// answerShape is what an error answer looks like without what it says.
// It is comparable.
type answerShape struct {
	mediaType string // of the Content-Type, lower case, without parameters
	kind      string // bodyEmpty, bodyJSON, bodyHTML or bodyText
	// skeleton is a JSON body's structure: member names, nested objects
	// and arrays, and the type of a scalar, e.g. {code,message}.
	skeleton string
}

// shapeOf returns the shape of an answer with the given Content-Type and
// body.
func shapeOf(contentType string, body []byte) answerShape {
	s := answerShape{mediaType: mediaType(contentType)}
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		s.kind = bodyEmpty
	case isJSONBody(s.mediaType, trimmed):
		var v any
		if json.Unmarshal(trimmed, &v) == nil {
			s.kind, s.skeleton = bodyJSON, skeleton(v, 0)
		} else {
			s.kind = bodyText
		}
	case looksLikeHTML(contentType, trimmed):
		s.kind = bodyHTML
	default:
		s.kind = bodyText
	}
	return s
}

// mediaType returns the media type of a Content-Type header value.
func mediaType(contentType string) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// isJSONBody reports whether a body is to be read as JSON: it says so,
// or it is an object or an array.
func isJSONBody(mediaType string, trimmed []byte) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json") ||
		trimmed[0] == '{' || trimmed[0] == '['
}

// skeleton renders the structure of a decoded JSON value: an object as
// its sorted member names, each followed by the skeleton of a nested
// object or array; an array as the skeleton of its first element; a
// scalar as its type.
func skeleton(v any, depth int) string {
	switch t := v.(type) {
	case map[string]any:
		names := make([]string, 0, len(t))
		for name := range t {
			names = append(names, name)
		}
		slices.Sort(names)
		var b strings.Builder
		b.WriteByte('{')
		for i, name := range names {
			if i == maxSkeletonMembers {
				b.WriteString(",…")
				break
			}
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(truncate(name, maxMemberNameLen))
			switch t[name].(type) {
			case map[string]any, []any:
				if depth < maxSkeletonDepth {
					b.WriteString(skeleton(t[name], depth+1))
				}
			}
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		if len(t) == 0 || depth >= maxSkeletonDepth {
			return "[]"
		}
		return "[" + skeleton(t[0], depth+1) + "]"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	default:
		return "null"
	}
}

// describe says what an answer of this shape is, for an error message;
// c redacts what came from the server.
func (s answerShape) describe(c *Client) string {
	ct := "no Content-Type"
	if s.mediaType != "" {
		ct = c.headerText(s.mediaType)
	}
	switch s.kind {
	case bodyEmpty:
		return "an empty body (" + ct + ")"
	case bodyHTML:
		return "an HTML page (" + ct + ")"
	case bodyText:
		return "a plain-text body (" + ct + ")"
	}
	return fmt.Sprintf("a JSON body shaped %s (%s)", truncate(c.redact(cleanText(c.redact(s.skeleton))), 200), ct)
}

// learnNotFound asks, with method, for an id that cannot exist (a fresh
// random UUID), and returns the answer's shape: Hellgate's own not-found.
// An HTML page never is: Hellgate's API answers in JSON. Where single-key
// paths are not confirmed to reach Hellgate (the credential may not list
// keys), nothing is learned and the check reaches no verdict: a gateway
// that answers its own 404 in JSON for every path it does not route would
// answer the made-up id just so, and its 404 would read as "gone".
func (c *Client) learnNotFound(ctx context.Context, method string, confirmed bool) checkResult {
	c.ep.mu.Lock()
	shape, ok := c.ep.notFound[method]
	c.ep.mu.Unlock()
	if ok {
		return checkResult{verdict: endpointServes, notFound: shape}
	}
	path, _ := apiKeyPath(NewIdempotencyKey()) // a fresh id is never empty
	_, err := c.do(ctx, apiRequest{method: method, path: path})
	var apiErr *Error
	switch {
	case err == nil:
		return checkResult{verdict: endpointServes, against: fmt.Sprintf(
			"%s %s, an id that cannot exist, was answered with success, so a 404 is not how Hellgate says that a key does not exist there",
			method, c.requestURL(c.requestPath(path)))}
	case !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound:
		return checkResult{err: err}
	case apiErr.shape.kind == bodyHTML:
		return checkResult{verdict: endpointServes, against: fmt.Sprintf(
			"%s %s, an id that cannot exist, was answered with %s as well, and Hellgate's API answers in JSON, so single-key paths do not reach Hellgate",
			method, c.requestURL(apiErr.Path), apiErr.shape.describe(c))}
	case !confirmed && apiErr.shape.kind != bodyJSON:
		return checkResult{verdict: endpointServes, against: fmt.Sprintf(
			"the credential may not list API keys, so the client cannot read a key to confirm that single-key paths reach Hellgate, "+
				"and %s %s, an id that cannot exist, was answered with %s, not JSON as Hellgate's API answers",
			method, c.requestURL(apiErr.Path), apiErr.shape.describe(c))}
	case !confirmed:
		return checkResult{err: errReachUnconfirmed}
	}
	return checkResult{verdict: endpointServes, notFound: apiErr.shape}
}

// errReachUnconfirmed is why a 404 cannot be judged for a credential that
// may not list keys.
var errReachUnconfirmed = errors.New("the credential may not list API keys (403), so the client cannot read a listed key " +
	"through its own path to confirm that single-key paths reach Hellgate, and a 404 there may be a gateway's; " +
	"give the credential admin:api-keys:read so that the client can check, or make sure the key is gone on Hellgate " +
	"and remove it from state (terraform state rm)")

// confirmNotFound judges err, the error of a call on one key's path. A 404
// stays a not-found only where the endpoint serves the API-key collection
// and the 404 looks like Hellgate's own not-found for its method (or the
// list says that no key exists at all). Where the collection answers 404
// too it becomes a wrong-endpoint error; where it does not look like
// Hellgate's, or single-key paths were found not to reach Hellgate, an
// error that says the answer did not come from Hellgate; and where the
// check reaches no verdict, an error that is none of these.
func (c *Client) confirmNotFound(ctx context.Context, err error) error {
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound {
		return err
	}
	res := c.checkKeyPaths(ctx, apiErr.Method)
	switch {
	case res.verdict == endpointWrong:
		return rejudged(err, &wrongEndpointError{c: c, notFound: apiErr, listURL: c.requestURL(c.requestPath(apiKeysPath))})
	case res.empty:
		return err
	case res.against != "":
		return c.notHellgates(err, apiErr, res.against)
	case res.err != nil:
		return rejudged(err, &undecidedNotFoundError{c: c, notFound: apiErr, check: res.err})
	case apiErr.shape != res.notFound || apiErr.shape.kind == bodyHTML:
		// Evidence against what was learned: the next 404 checks again.
		c.forget()
		return c.notHellgates(err, apiErr, fmt.Sprintf("it is %s, while Hellgate's own answer to %s for an id that does not exist is %s",
			apiErr.shape.describe(c), apiErr.Method, res.notFound.describe(c)))
	}
	return err
}

// notFromHellgateError is a 404 on one key's path that did not come from
// Hellgate. It does not unwrap to the *Error: the key it asked for is not
// known to be gone.
type notFromHellgateError struct {
	c        *Client
	notFound *Error
	reason   string // why, already safe to show
}

func (e *notFromHellgateError) Error() string {
	return fmt.Sprintf("%s %s answered %s, but this answer did not come from Hellgate: %s. "+
		"Something in front of Hellgate (a gateway, an ingress or a load balancer) answered instead, "+
		"so the answer is not taken to mean that the API key is gone",
		e.notFound.Method, e.c.requestURL(e.notFound.Path), e.notFound.answer(), e.reason)
}

func (e *notFromHellgateError) Unwrap() error { return ErrNotFromHellgate }

// notHellgates builds the error of a 404 that did not come from Hellgate.
func (c *Client) notHellgates(err error, notFound *Error, reason string) error {
	return rejudged(err, &notFromHellgateError{c: c, notFound: notFound, reason: reason})
}
