package hellgate

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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

// A credential and a key value with every kind of character that HTML
// writes as an entity: the ones html.EscapeString escapes (& < > " '),
// those html/template escapes in text (+ as well), and other punctuation
// that has a named entity (/ = _ . : ! ? @ and the brackets).
//
//nolint:gosec // fake credentials, made up for the tests
const (
	htmlToken    = `tok&en<b>"c"'d'/e+f=g_h.i:j!k?l@m[n]o{p}q|r`
	htmlKeyValue = `key_v&a<l>u"e'/Zm9v+YmFy==`
)

// htmlForms returns s as HTML pages write it: with every character other
// than a letter or digit as a decimal character reference (with and
// without leading zeros or the final semicolon), a hexadecimal one (x or
// X, digits in either case), a named one, in a mix of those, and as
// html/template and html.EscapeString write it.
func htmlForms(t *testing.T, s string) map[string]string {
	t.Helper()
	each := func(f func(i int, r rune) string) string {
		var b strings.Builder
		for i, r := range s {
			if r < utf8.RuneSelf && isAlnum(s[i]) {
				b.WriteRune(r)
				continue
			}
			b.WriteString(f(i, r))
		}
		return b.String()
	}
	named := func(r rune) string {
		for name, c := range testEntityNames {
			if c == r {
				return "&" + name + ";"
			}
		}
		return fmt.Sprintf("&#%d;", r)
	}
	var tmpl bytes.Buffer
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&tmpl, s); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"decimal":               each(func(_ int, r rune) string { return fmt.Sprintf("&#%d;", r) }),
		"decimal, zeros":        each(func(_ int, r rune) string { return fmt.Sprintf("&#%04d;", r) }),
		"decimal, no semicolon": each(func(_ int, r rune) string { return fmt.Sprintf("&#%d", r) }),
		"hex &#x, upper digits": each(func(_ int, r rune) string { return fmt.Sprintf("&#x%X;", r) }),
		"hex &#X, lower digits": each(func(_ int, r rune) string { return fmt.Sprintf("&#X%04x;", r) }),
		"named":                 each(func(_ int, r rune) string { return named(r) }),
		"mixed": each(func(i int, r rune) string {
			return []string{named(r), fmt.Sprintf("&#%d;", r), fmt.Sprintf("&#x%x;", r)}[i%3]
		}),
		"html/template":             tmpl.String(),
		"html.EscapeString":         html.EscapeString(s),
		"html.EscapeString, by key": strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s),
	}
}

// testEntityNames are HTML's named character references for the ASCII
// characters of htmlToken and htmlKeyValue that have one.
var testEntityNames = map[string]rune{
	"amp": '&', "lt": '<', "gt": '>', "quot": '"', "apos": '\'', "sol": '/', "plus": '+', "equals": '=',
	"lowbar": '_', "period": '.', "colon": ':', "excl": '!', "quest": '?', "commat": '@',
	"lsqb": '[', "rsqb": ']', "lcub": '{', "rcub": '}', "verbar": '|',
}

// A gateway whose error pages echo the credential and a key value as HTML
// writes them: neither the errors nor the TRACE log hold any of those
// forms.
func TestRedaction_htmlEntityForms(t *testing.T) {
	t.Parallel()
	for name, c := range testEntityNames {
		if got := html.UnescapeString("&" + name + ";"); got != string(c) {
			t.Fatalf("&%s; is %q in HTML, not %q", name, got, c)
		}
	}
	tokenForms, keyForms := htmlForms(t, htmlToken), htmlForms(t, htmlKeyValue)
	for name := range tokenForms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tok, kv := tokenForms[name], keyForms[name]
			if html.UnescapeString(tok) != htmlToken || html.UnescapeString(kv) != htmlKeyValue {
				t.Fatalf("the test's forms are wrong: %q and %q unescape to %q and %q", tok, kv, html.UnescapeString(tok), html.UnescapeString(kv))
			}
			bodies := []func(http.ResponseWriter, *http.Request){
				// An ingress's page: the title becomes the message, the
				// whole page goes to the TRACE log.
				status(http.StatusForbidden, "<!DOCTYPE html><html><head><title>403 "+tok+"</title></head><body><p>token: "+tok+
					"</p><p>last key: "+kv+"</p></body></html>", "Content-Type", "text/html; charset=utf-8"),
				// A page without a title.
				status(http.StatusBadGateway, "<html><body>"+tok+" "+kv+"</body></html>", "Content-Type", "text/html"),
				// JSON holding HTML-escaped text, without a message field.
				status(http.StatusBadRequest, `{"received":{"x-admin-token":"`+tok+`","last_key":"`+kv+`"}}`, "Content-Type", "application/json"),
				// Plain text.
				status(http.StatusUnauthorized, "token="+tok+" key="+kv, "Content-Type", "text/plain"),
			}
			rec := replies(append([]func(http.ResponseWriter, *http.Request){
				jsonStatus(http.StatusCreated, createdJSON("k1", htmlKeyValue)),
			}, bodies...)...)
			c, _ := newTestClient(t, rec, func(c *Config) { c.AdminToken, c.MaxRetries = htmlToken, 0 })

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
			errs, logText := strings.Join(texts, "\n"), decodedLog(t, &buf)
			if !strings.Contains(logText, "Hellgate API response body") {
				t.Fatalf("no response body in the TRACE log:\n%s", logText)
			}
			for where, text := range map[string]string{"the errors": errs, "the log": logText} {
				for what, secret := range map[string]string{
					"the credential": tok, "the key value": kv,
					"the credential, unescaped": htmlToken, "the key value, unescaped": htmlKeyValue,
				} {
					if strings.Contains(text, secret) {
						t.Errorf("%s holds %s:\n%s", where, what, text)
					}
				}
			}
			if !strings.Contains(errs, redacted) {
				t.Errorf("no error says %s:\n%s", redacted, errs)
			}
		})
	}
}

// Every named reference the redactor knows decodes, in HTML, to the
// character it is listed for.
func TestEntityNamesDecodeToTheirCharacter(t *testing.T) {
	t.Parallel()
	for r, names := range entityNames {
		for _, name := range names {
			if got := html.UnescapeString("&" + name + ";"); got != string(r) {
				t.Errorf("&%s; decodes to %q, not %q", name, got, r)
			}
		}
	}
}

// A gateway that answers 2xx with a body the client cannot use, echoing
// the credential or a key value in the very value it chokes on: the
// errors, which quote that value, hold no form of either.
func TestRedaction_2xxAnswers(t *testing.T) {
	t.Parallel()
	for _, secrets := range []struct{ name, token, keyValue string }{
		{"base64", b64Token, b64KeyValue},
		{"quotes and entities", htmlToken, htmlKeyValue},
	} {
		for _, echoed := range []string{"credential", "key value"} {
			secret := secrets.token
			if echoed == "key value" {
				secret = secrets.keyValue
			}
			page := func(next string) func(http.ResponseWriter, *http.Request) {
				return jsonStatus(http.StatusOK, map[string]any{"data": []any{keyJSON("k1")}, "links": map[string]any{"next": next}})
			}
			for _, tt := range []struct {
				name string
				call func(context.Context, *Client) error
				// answers follow the create that makes the key value known.
				answers []func(http.ResponseWriter, *http.Request)
			}{
				{
					name: "get, undecodable", call: getK1,
					answers: []func(http.ResponseWriter, *http.Request){jsonStatus(http.StatusOK, map[string]any{"id": "k1", "created_at": secret})},
				},
				{
					name: "list, undecodable", call: listPage,
					answers: []func(http.ResponseWriter, *http.Request){jsonStatus(http.StatusOK, map[string]any{"data": []any{map[string]any{"id": "k1", "created_at": secret}}})},
				},
				{
					name: "list, links.next unparsable", call: listPage,
					answers: []func(http.ResponseWriter, *http.Request){page("%zz" + secret)},
				},
				{
					name: "list, links.next without after", call: listPage,
					answers: []func(http.ResponseWriter, *http.Request){page("/api/admin/api-keys?limit=1&token=" + secret)},
				},
				{
					name: "list, links.next with a bad limit", call: listPage,
					answers: []func(http.ResponseWriter, *http.Request){page("/api/admin/api-keys?after=k1&limit=" + url.QueryEscape(secret))},
				},
				{
					name: "list all, the same after twice", call: listAll,
					answers: []func(http.ResponseWriter, *http.Request){
						page("/api/admin/api-keys?after=" + url.QueryEscape(secret)),
						page("/api/admin/api-keys?after=" + url.QueryEscape(secret)),
					},
				},
			} {
				t.Run(secrets.name+"/"+echoed+"/"+tt.name, func(t *testing.T) {
					t.Parallel()
					rec := replies(append([]func(http.ResponseWriter, *http.Request){
						jsonStatus(http.StatusCreated, createdJSON("k1", secrets.keyValue)),
					}, tt.answers...)...)
					c, _ := newTestClient(t, rec, func(c *Config) { c.AdminToken = secrets.token })
					if _, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}}); err != nil {
						t.Fatal(err)
					}
					err := tt.call(t.Context(), c)
					if err == nil {
						t.Fatal("want an error")
					}
					for what, s := range map[string]string{"the secret": secret, "the secret, quoted": strconv.Quote(secret)} {
						if strings.Contains(err.Error(), s) {
							t.Errorf("the error holds %s: %v", what, err)
						}
					}
					if !strings.Contains(err.Error(), redacted) {
						t.Errorf("the error does not say %s: %v", redacted, err)
					}
				})
			}
		}
	}
}

func getK1(ctx context.Context, c *Client) error {
	_, err := c.GetAPIKey(ctx, "k1")
	return err
}

func listPage(ctx context.Context, c *Client) error {
	_, err := c.ListAPIKeys(ctx, ListAPIKeysInput{})
	return err
}

func listAll(ctx context.Context, c *Client) error {
	_, err := c.ListAllAPIKeys(ctx, 0)
	return err
}
