package hellgate

// Errors from a non-2xx answer: the *Error type, status predicates, and
// reading Hellgate's message out of an error body of any shape.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// ErrRedirect is wrapped by the error returned when a server answers with a
// redirect. The client never follows redirects, because Go would send the
// x-api-key / x-admin-token header to the new location as well.
var ErrRedirect = errors.New("the Hellgate provider does not follow redirects")

// Error is a non-2xx answer from Hellgate. It never contains a credential or
// an API key's value: those are redacted from Message.
type Error struct {
	Method string // HTTP method, e.g. "DELETE"
	// Path is the path requested, without host or query: the base URL's
	// path prefix, if any, then the API path, e.g. /api/admin/api-keys/ID.
	Path string

	StatusCode int
	Code       string // Hellgate's error code, if the body had one
	// Message is Hellgate's message; for a body without one it is the
	// trimmed and truncated plain text of the body, or http.StatusText.
	Message   string
	RequestID string // the x-request-id response header, if any

	// Attempts is how many requests were made before giving up with this
	// error (1 when it came on the first attempt).
	Attempts int

	// shape is what a 404 answer looked like (see notfound.go); zero for
	// other statuses.
	shape answerShape
}

// Error formats the error as, for example,
// `DELETE /api/admin/api-keys/ID: 404 Not Found: not_found: API key not found (request id 1234)`.
func (e *Error) Error() string {
	return e.Method + " " + e.Path + ": " + e.answer()
}

// answer formats the answer alone, e.g.
// `404 Not Found: not_found: API key not found (request id 1234)`.
func (e *Error) answer() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// IsNotFound reports whether err is or wraps a 404 *Error that means what it
// says: on one key's path, the client has confirmed that the endpoint
// serves the API-key collection (see IsWrongEndpoint) and that the answer
// is Hellgate's own not-found (see IsNotFromHellgate), so the key is gone.
func IsNotFound(err error) bool {
	return hasStatus(err, http.StatusNotFound) && !IsWrongEndpoint(err) && !IsNotFromHellgate(err)
}

// IsUnauthorized reports whether err is or wraps a 401 *Error: the credential
// is missing, wrong or expired.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is or wraps a 403 *Error: the credential is
// valid but lacks a scope.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsConflict reports whether err is or wraps a 409 *Error: an idempotency
// key reused with another body, or by Hellgate's own rules another request
// in the way of this one.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsInvalidRequest reports whether err is or wraps a 400 or 422 *Error:
// Hellgate refused the request itself, so sending it again is refused the
// same way.
func IsInvalidRequest(err error) bool {
	return hasStatus(err, http.StatusBadRequest) || hasStatus(err, http.StatusUnprocessableEntity)
}

func hasStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == status
}

// maxMessageLen bounds the Message taken from a body that is not Hellgate's
// JSON error object, e.g. a proxy's plain-text or HTML page.
const maxMessageLen = 300

// parseErrorBody extracts Hellgate's code and message from an error body of
// any shape: a JSON object {"code","message"}, other JSON such as
// {"error":"..."} or an array, plain text, HTML or nothing. An empty message
// means the body said nothing useful. The results are neither redacted nor
// truncated; the caller does both, in that order.
func parseErrorBody(contentType string, body []byte) (code, message string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", ""
	}

	if trimmed[0] == '{' || trimmed[0] == '[' {
		var v any
		if json.Unmarshal(trimmed, &v) == nil {
			code, message = fromJSON(v, 0)
			if message == "" {
				// Valid JSON without a recognisable message: show it compactly.
				var buf bytes.Buffer
				if json.Compact(&buf, trimmed) == nil {
					message = buf.String()
				}
			}
			return code, message
		}
	}

	if looksLikeHTML(contentType, trimmed) {
		// A proxy or load balancer page; its <title> is the useful part.
		if m := htmlTitle.FindSubmatch(trimmed); m != nil {
			return "", html.UnescapeString(string(m[1]))
		}
		return "", ""
	}
	// Plain text; cap it early so that a huge page is not cleaned in full.
	return "", string(trimmed[:min(len(trimmed), 64*maxMessageLen)])
}

// fromJSON looks for a code and a message in a decoded JSON value. It knows
// Hellgate's {"code","message"}, the common {"error": "..."} and
// {"error": {...}} shapes, "detail"/"title" (RFC 9457), and arrays of those
// (messages joined with "; ").
func fromJSON(v any, depth int) (code, message string) {
	if depth > 3 {
		return "", ""
	}
	switch t := v.(type) {
	case string:
		return "", t
	case []any:
		var msgs []string
		for _, item := range t {
			c, m := fromJSON(item, depth+1)
			if code == "" {
				code = c
			}
			if m != "" {
				msgs = append(msgs, m)
			}
		}
		return code, strings.Join(msgs, "; ")
	case map[string]any:
		code = scalarString(t["code"])
		if code == "" {
			code = scalarString(t["error_code"])
		}
		for _, k := range []string{"message", "error_description", "detail", "title", "msg"} {
			if s, ok := t[k].(string); ok && s != "" {
				return code, s
			}
		}
		if errVal, ok := t["error"]; ok {
			c, m := fromJSON(errVal, depth+1)
			if code == "" {
				code = c
			}
			return code, m
		}
		if errs, ok := t["errors"]; ok {
			c, m := fromJSON(errs, depth+1)
			if code == "" {
				code = c
			}
			return code, m
		}
		return code, ""
	default:
		return "", ""
	}
}

// scalarString renders a JSON string or number as a string, anything else as
// "".
func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	default:
		return ""
	}
}

var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

func looksLikeHTML(contentType string, body []byte) bool {
	if strings.Contains(strings.ToLower(contentType), "html") {
		return true
	}
	prefix := strings.ToLower(string(body[:min(len(body), 64)]))
	return strings.HasPrefix(prefix, "<!doctype html") || strings.HasPrefix(prefix, "<html") ||
		strings.HasPrefix(prefix, "<head") || strings.HasPrefix(prefix, "<body")
}

// cleanText collapses whitespace and drops control characters, so that a
// message stays on one line in a Terraform diagnostic.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// truncate shortens s to at most n bytes (on a rune boundary), marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
