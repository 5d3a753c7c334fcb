package hellgate

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// A base64-looking credential and key value, with the characters that
// encoders write in other forms: "/" and "+" (and "=").
//
//nolint:gosec // fake credentials, made up for the tests
const (
	b64Token    = "dG9rZW4/aGVsbGdhdGU+c2VjcmV0/Zm9v+YmFy=="
	b64KeyValue = "key_a2V5/dmFsdWU+c2VjcmV0/YmF6+cXV4=="
)

// secretForms returns s as servers write it: raw, JSON-escaped in the
// ways encoders do it (\/ for /, \u00XX in either case for +, <, >, &
// and the like), and URL-encoded (query- and path-escaped, in either
// case of hex digits).
func secretForms(s string) map[string]string {
	uEsc := func(lower bool) string {
		var b strings.Builder
		for _, r := range s {
			switch r {
			case '/':
				b.WriteString(`\/`)
			case '+', '=', '<', '>', '&':
				f := `\u%04X`
				if lower {
					f = `\u%04x`
				}
				fmt.Fprintf(&b, f, r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return map[string]string{
		"raw":                 s,
		"JSON \\/ only":       strings.ReplaceAll(s, "/", `\/`),
		"JSON \\u00XX":        uEsc(false),
		"JSON \\u00xx":        uEsc(true),
		"query-escaped":       url.QueryEscape(s),
		"query-escaped lower": lowerHex(url.QueryEscape(s)),
		"path-escaped":        url.PathEscape(s),
	}
}

// lowerHex lowers the hex digits of every %XX in s.
func lowerHex(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			b.WriteString("%" + strings.ToLower(s[i+1:i+3]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// A server that echoes the credential and a key value it issued, in every
// form, in error bodies of several shapes: the errors and the TRACE log
// hold no form of either.
func TestRedaction_escapedForms(t *testing.T) {
	t.Parallel()
	tokenForms, keyForms := secretForms(b64Token), secretForms(b64KeyValue)
	for name := range tokenForms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tok, kv := tokenForms[name], keyForms[name]
			bodies := []func(http.ResponseWriter, *http.Request){
				// JSON without a message field: the client shows the body.
				status(http.StatusBadRequest, `{"received":{"x-admin-token":"`+tok+`","last_key":"`+kv+`"}}`, "Content-Type", "application/json"),
				// Hellgate's shape.
				status(http.StatusUnauthorized, `{"code":"unauthorized","message":"bad token `+tok+` (not `+kv+`)"}`, "Content-Type", "application/json"),
				// Plain text.
				status(http.StatusForbidden, "token="+tok+"&key="+kv, "Content-Type", "text/plain", "x-request-id", "id-"+tok),
			}
			rec := replies(append([]func(http.ResponseWriter, *http.Request){
				jsonStatus(http.StatusCreated, createdJSON("k1", b64KeyValue)),
			}, bodies...)...)
			c, _ := newTestClient(t, rec, func(c *Config) { c.AdminToken = b64Token })

			var buf bytes.Buffer
			ctx := tflogtest.RootLogger(t.Context(), &buf)
			if _, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}}); err != nil {
				t.Fatal(err)
			}
			var texts []string
			for range bodies {
				_, err := c.GetAPIKey(ctx, "k1")
				if err == nil {
					t.Fatal("want an error")
				}
				texts = append(texts, err.Error())
			}
			// The log is JSON, which doubles every backslash: search the
			// text it holds, not its encoding, or no \/ or \u form could
			// ever be found in it.
			logText := decodedLog(t, &buf)
			all := strings.Join(texts, "\n") + "\n" + logText
			if !strings.Contains(logText, "Hellgate API response body") {
				t.Fatalf("no response body in the TRACE log:\n%s", logText)
			}
			for form, secret := range map[string]string{"the credential": tok, "the key value": kv} {
				if strings.Contains(all, secret) {
					t.Errorf("%s, %s, is in the errors or the log:\n%s", form, name, all)
				}
			}
			if !strings.Contains(strings.Join(texts, "\n"), redacted) {
				t.Errorf("no error says %s:\n%s", redacted, strings.Join(texts, "\n"))
			}
		})
	}
}

// decodedLog returns the text a JSON-lines log holds: every message, field
// name and string field value, one per line, decoded from JSON.
func decodedLog(t *testing.T, buf *bytes.Buffer) string {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(buf)
	if err != nil {
		t.Fatalf("decoding the log: %v", err)
	}
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v + "\n")
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				b.WriteString(k + "\n")
				walk(e)
			}
		}
	}
	for _, e := range entries {
		walk(e)
	}
	return b.String()
}
