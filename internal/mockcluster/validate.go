package mockcluster

// Strict validation of request bodies and query strings.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

const (
	// maxBodyBytes bounds a request body; the largest valid body is a few KiB.
	maxBodyBytes = 1 << 20
	// maxExpiresIn is the largest expires_in the API accepts: 90 days.
	maxExpiresIn = 7776000
	// defaultLimit and maxLimit bound the page size of the list operation.
	defaultLimit = 20
	maxLimit     = 100
	// maxIdempotencyKeyLen bounds the x-idempotency-key header.
	maxIdempotencyKeyLen = 255
)

// createRequest is the parsed body of a create request.
type createRequest struct {
	Scopes []string
	// ExpiresIn is the lifetime in seconds; 0 means the key never expires.
	ExpiresIn int64
}

// fingerprint identifies a create request for idempotency. It is built from
// the parsed request, so whitespace and the order of the object's members do
// not matter, while the order of the scopes does (JSON arrays are ordered, and
// the response echoes them in the order given). An absent and a null
// expires_in both mean "never expires" and so compare equal.
func (c createRequest) fingerprint() string {
	b, _ := json.Marshal(struct {
		Scopes    []string `json:"scopes"`
		ExpiresIn int64    `json:"expires_in"`
	}{c.Scopes, c.ExpiresIn})
	return string(b)
}

// readObject reads a request body that must be one JSON object whose member
// names are all in allowed, and returns its members unparsed. It rejects
// malformed JSON, trailing data, non-objects, unknown and duplicate members.
// Member names match exactly (case-sensitive), unlike encoding/json's default.
func readObject(body io.Reader, allowed ...string) (map[string]json.RawMessage, *apiError) {
	if body == nil {
		body = http.NoBody
	}
	data, err := io.ReadAll(io.LimitReader(body, maxBodyBytes+1))
	if err != nil {
		return nil, badRequest("invalid_body", "The request body could not be read.")
	}
	if len(data) > maxBodyBytes {
		return nil, newError(http.StatusRequestEntityTooLarge, "body_too_large",
			"The request body is larger than %d bytes.", maxBodyBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, badRequest("missing_body", "A JSON object request body is required.")
	}
	if !json.Valid(data) {
		return nil, badRequest("invalid_json", "The request body is not valid JSON.")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	// The data is valid JSON, so the tokenizer cannot fail below except on
	// shape; errors are still checked rather than assumed away.
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, badRequest("invalid_body", "The request body must be a JSON object.")
	}
	members := make(map[string]json.RawMessage)
	for dec.More() {
		tok, err := dec.Token()
		name, ok := tok.(string)
		if err != nil || !ok {
			return nil, badRequest("invalid_json", "The request body is not valid JSON.")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, badRequest("invalid_json", "The request body is not valid JSON.")
		}
		if !slices.Contains(allowed, name) {
			return nil, badRequest("unknown_field", "Unknown field %s in the request body; allowed fields: %s.",
				quote(name), strings.Join(allowed, ", "))
		}
		if _, dup := members[name]; dup {
			return nil, badRequest("duplicate_field", "Field %s appears more than once in the request body.", quote(name))
		}
		members[name] = raw
	}
	return members, nil
}

// isNull reports whether a raw JSON value is the literal null.
func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// parseScopes validates the scopes member of a create or update body: a
// non-empty array of distinct, known scope strings.
func parseScopes(raw json.RawMessage, present bool) ([]string, *apiError) {
	if !present {
		return nil, badRequest("missing_scopes", "Field \"scopes\" is required: a non-empty array of scopes.")
	}
	if isNull(raw) {
		return nil, badRequest("invalid_scopes", "Field \"scopes\" must be a non-empty array of scopes, not null.")
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, badRequest("invalid_scopes", "Field \"scopes\" must be an array of scope strings.")
	}
	list := make([]string, 0, len(items))
	for i, item := range items {
		var s string
		if isNull(item) || json.Unmarshal(item, &s) != nil {
			return nil, badRequest("invalid_scopes", "scopes[%d] must be a string.", i)
		}
		list = append(list, s)
	}
	if err := validateScopes(list); err != nil {
		return nil, err
	}
	return list, nil
}

// validateScopes checks a list of scopes: at least one, none empty, each
// known, none twice.
func validateScopes(list []string) *apiError {
	if len(list) == 0 {
		return badRequest("invalid_scopes", "Field \"scopes\" must contain at least one scope.")
	}
	seen := make(map[string]bool, len(list))
	for i, s := range list {
		switch {
		case s == "":
			return badRequest("invalid_scopes", "scopes[%d] must not be an empty string.", i)
		case !scopes.Valid(s):
			return badRequest("unknown_scope", "scopes[%d] is %s, which is not a valid scope; allowed scopes: %s.",
				i, quote(s), strings.Join(scopes.All(), ", "))
		case seen[s]:
			return badRequest("duplicate_scope", "Scope %s appears more than once in \"scopes\".", quote(s))
		}
		seen[s] = true
	}
	return nil
}

// parseExpiresIn validates the expires_in member of a create body. Absent and
// null both mean "never expires" and give 0. Only an integer literal within
// 1..7776000 is accepted: 1.5, 1.0, 1e3, "60" and true are rejected.
func parseExpiresIn(raw json.RawMessage, present bool) (int64, *apiError) {
	if !present || isNull(raw) {
		return 0, nil
	}
	invalid := badRequest("invalid_expires_in",
		"Field \"expires_in\" must be an integer number of seconds from 1 to %d (90 days), or null for a key that never expires.",
		maxExpiresIn)
	lit := string(bytes.TrimSpace(raw))
	digits := strings.TrimPrefix(lit, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, invalid // not a number, or a number with a fraction or exponent
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	if err != nil || n < 1 || n > maxExpiresIn {
		return 0, invalid
	}
	return n, nil
}

// parseCreate reads and validates a create body.
func parseCreate(body io.Reader) (createRequest, *apiError) {
	m, aerr := readObject(body, "scopes", "expires_in")
	if aerr != nil {
		return createRequest{}, aerr
	}
	raw, ok := m["scopes"]
	list, aerr := parseScopes(raw, ok)
	if aerr != nil {
		return createRequest{}, aerr
	}
	raw, ok = m["expires_in"]
	exp, aerr := parseExpiresIn(raw, ok)
	if aerr != nil {
		return createRequest{}, aerr
	}
	return createRequest{Scopes: list, ExpiresIn: exp}, nil
}

// parseUpdate reads and validates an update body, which carries only scopes.
func parseUpdate(body io.Reader) ([]string, *apiError) {
	m, aerr := readObject(body, "scopes")
	if aerr != nil {
		return nil, aerr
	}
	raw, ok := m["scopes"]
	return parseScopes(raw, ok)
}

// parseQuery parses the raw query strictly: malformed escapes, parameters not
// in allowed and parameters given twice are errors, so that a client bug
// (a misspelt parameter, say) shows instead of being silently ignored.
func parseQuery(rawQuery string, allowed ...string) (map[string]string, *apiError) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, badRequest("invalid_query", "The query string is malformed.")
	}
	out := make(map[string]string, len(values))
	for name, vs := range values {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return nil, badRequest("unknown_query_parameter",
					"Unknown query parameter %s; this operation takes none.", quote(name))
			}
			return nil, badRequest("unknown_query_parameter",
				"Unknown query parameter %s; allowed parameters: %s.", quote(name), strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return nil, badRequest("invalid_query", "Query parameter %s is given more than once.", quote(name))
		}
		out[name] = vs[0]
	}
	return out, nil
}

// parseLimit validates the limit query parameter: an integer from 1 to 100.
func parseLimit(q map[string]string) (int, *apiError) {
	s, ok := q["limit"]
	if !ok {
		return defaultLimit, nil
	}
	invalid := badRequest("invalid_limit", "Query parameter \"limit\" must be an integer from 1 to %d; got %s.", maxLimit, quote(s))
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, invalid
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, invalid
	}
	return n, nil
}

// validUUID reports whether s has the textual form of a UUID
// (8-4-4-4-12 hexadecimal digits, either case). The version is not checked:
// any well-formed UUID is a valid id, and an unknown one is simply not found.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHexDigit(c) {
				return false
			}
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// parseID validates an id taken from the path or the after parameter and
// returns it in canonical lower case (UUIDs compare case-insensitively).
func parseID(s, what string) (string, *apiError) {
	if !validUUID(s) {
		code := "invalid_id"
		if what == "after" {
			code = "invalid_after"
		}
		return "", badRequest(code, "The %s %s is not a UUID; API keys are identified by UUIDs.", what, quote(s))
	}
	return strings.ToLower(s), nil
}

// idempotencyKey returns the x-idempotency-key header, or "" when absent.
// An empty, over-long or repeated header is rejected rather than ignored,
// since ignoring it would silently lose the protection the client asked for.
func idempotencyKey(h http.Header) (string, *apiError) {
	vs := h.Values("X-Idempotency-Key")
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1:
		return "", badRequest("invalid_idempotency_key", "Header x-idempotency-key is given more than once.")
	case strings.TrimSpace(vs[0]) == "":
		return "", badRequest("invalid_idempotency_key", "Header x-idempotency-key must not be empty.")
	case len(vs[0]) > maxIdempotencyKeyLen:
		return "", badRequest("invalid_idempotency_key",
			"Header x-idempotency-key must be at most %d characters long.", maxIdempotencyKeyLen)
	}
	return vs[0], nil
}

// validateExpiresIn checks a lifetime given to the direct-access CreateKey:
// 0 (never expires) or positive and at most 90 days.
func validateExpiresIn(d time.Duration) error {
	if d < 0 || d > maxExpiresIn*time.Second {
		return badRequest("invalid_expires_in", "expiresIn must be 0 (never expires) or within (0, 90 days]; got %s.", d)
	}
	return nil
}

// errorsAs is errors.As for the package's own error type.
func errorsAs(err error) (*apiError, bool) {
	var aerr *apiError
	ok := errors.As(err, &aerr)
	return aerr, ok
}
