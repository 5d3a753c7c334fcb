package hellgate

// The headers the client sends and reads: their names, the headers of every
// attempt, what Go's HTTP client would refuse in a value, and the rule a
// credential must meet, checked before any request so that a value that can
// never be sent is never retried.

import (
	"errors"
	"fmt"
	"net/http"
)

// Header names. Go canonicalises them on the wire; they are written here as
// Hellgate documents them.
const (
	headerAPIKey         = "x-api-key"
	headerAdminToken     = "x-admin-token"
	headerIdempotencyKey = "x-idempotency-key"
	headerRequestID      = "x-request-id"
)

// setHeaders sets the headers of one attempt of r. New checked the
// credential and the user agent, and do checked the idempotency key.
func (c *Client) setHeaders(h http.Header, r apiRequest) {
	if r.apiKey != "" {
		h.Set(headerAPIKey, r.apiKey)
	} else {
		h.Set(c.authHeader, c.credential)
	}
	h.Set("User-Agent", c.userAgent)
	h.Set("Accept", "application/json")
	if r.body != nil {
		h.Set("Content-Type", "application/json")
	}
	if r.idempotencyKey != "" {
		h.Set(headerIdempotencyKey, r.idempotencyKey)
	}
}

// badHeaderByte returns the first byte of v that Go's HTTP client refuses
// in a header value (a control character other than tab), if any.
func badHeaderByte(v string) (byte, bool) {
	for i := range len(v) {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return b, true
		}
	}
	return 0, false
}

// CheckCredential reports why s cannot be sent as an x-api-key or
// x-admin-token header value, or nil. A credential may hold only printable
// ASCII characters (letters, digits, punctuation and inner spaces), and no
// leading or trailing space, which a server would strip. The error
// describes the problem without quoting s.
func CheckCredential(s string) error {
	switch {
	case s == "":
		return errors.New("it is empty")
	case s[0] == ' ' || s[len(s)-1] == ' ':
		return errors.New("it starts or ends with a space")
	}
	for i := range len(s) {
		switch b := s[i]; {
		case b == '\r' || b == '\n':
			return fmt.Errorf("it contains a line break at position %d", i+1)
		case b < ' ' || b == 0x7f:
			return fmt.Errorf("it contains the control character 0x%02x at position %d", b, i+1)
		case b > 0x7f:
			return fmt.Errorf("it contains a non-ASCII character at position %d", i+1)
		}
	}
	return nil
}
