package hellgate

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  Error
		want string
	}{
		{
			Error{Method: "DELETE", Path: "/api/admin/api-keys/ID", StatusCode: 404, Code: "not_found", Message: "API key not found", RequestID: "1234", Attempts: 1},
			"DELETE /api/admin/api-keys/ID: 404 Not Found: not_found: API key not found (request id 1234)",
		},
		{
			Error{Method: "GET", Path: "/api/admin/api-keys", StatusCode: 401, Message: "Unauthorized"},
			"GET /api/admin/api-keys: 401 Unauthorized",
		},
		{
			Error{Method: "GET", Path: "/p", StatusCode: 599, Message: "odd"},
			"GET /p: 599: odd",
		},
		{
			Error{Method: "POST", Path: "/api/admin/api-keys", StatusCode: 503, Message: "busy", Attempts: 6},
			"POST /api/admin/api-keys: 503 Service Unavailable: busy (after 6 attempts)",
		},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q\nwant      %q", got, tt.want)
		}
	}
}

func TestErrorBodyShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body string
		wantCode, wantMessage   string
	}{
		{"hellgate object", "application/json", `{"code":"validation_error","message":"scopes must not be empty"}`, "validation_error", "scopes must not be empty"},
		{"error string", "application/json", `{"error":"bad things"}`, "", "bad things"},
		{"nested error object", "application/json", `{"error":{"code":"E1","message":"nested"}}`, "E1", "nested"},
		{"numeric code", "application/json", `{"code":42,"detail":"rfc 9457"}`, "42", "rfc 9457"},
		{"array of errors", "application/json", `[{"message":"first"},{"message":"second"}]`, "", "first; second"},
		{"errors field", "application/json", `{"errors":[{"code":"c","message":"m"}]}`, "c", "m"},
		{"array of strings", "application/json", `["a","b"]`, "", "a; b"},
		{"unknown object", "application/json", `{"status": "down", "n": 3}`, "", `{"status":"down","n":3}`},
		{"invalid json", "application/json", `{"code":`, "", `{"code":`},
		{"plain text", "text/plain", "  upstream connect error\n  or disconnect  ", "", "upstream connect error or disconnect"},
		{"empty", "", "", "", http.StatusText(http.StatusBadRequest)},
		{"whitespace", "text/plain", " \n\t ", "", http.StatusText(http.StatusBadRequest)},
		{"html with title", "text/html", "<!DOCTYPE html><html><head><title>400 Bad &amp; Sad</title></head><body><h1>x</h1></body></html>", "", "400 Bad & Sad"},
		{"html without title", "text/html; charset=utf-8", "<html><body><p>no</p></body></html>", "", http.StatusText(http.StatusBadRequest)},
		{"html sniffed", "application/octet-stream", "<!doctype html><title>Proxy</title>", "", "Proxy"},
		{"long text", "text/plain", strings.Repeat("x", 1000), "", strings.Repeat("x", maxMessageLen) + "…"},
		{"control characters", "text/plain", "bad\x00\x1b[31m red", "", "bad[31m red"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			headers := []string{"x-request-id", "rid-9"}
			if tt.contentType != "" {
				headers = append(headers, "Content-Type", tt.contentType)
			}
			c, _ := newTestClient(t, replies(status(http.StatusBadRequest, tt.body, headers...)))
			_, err := c.GetAPIKey(t.Context(), "x")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %#v, want *Error", err)
			}
			if e.Code != tt.wantCode || e.Message != tt.wantMessage || e.RequestID != "rid-9" ||
				e.StatusCode != 400 || e.Method != "GET" || e.Path != "/api/admin/api-keys/x" {
				t.Errorf("got %+v\nwant code %q message %q", e, tt.wantCode, tt.wantMessage)
			}
			if !strings.Contains(e.Error(), "400 Bad Request") || !strings.Contains(e.Error(), "(request id rid-9)") {
				t.Errorf("Error() = %q", e.Error())
			}
		})
	}
}

func TestIsHelpers(t *testing.T) {
	t.Parallel()
	wrap := func(status int) error {
		return fmt.Errorf("outer: %w", &Error{StatusCode: status})
	}
	checks := map[string]func(error) bool{
		"IsNotFound": IsNotFound, "IsUnauthorized": IsUnauthorized, "IsForbidden": IsForbidden, "IsConflict": IsConflict,
	}
	statuses := map[string]int{"IsNotFound": 404, "IsUnauthorized": 401, "IsForbidden": 403, "IsConflict": 409, "other": 429}
	for name, check := range checks {
		for other, status := range statuses {
			if got, want := check(wrap(status)), name == other; got != want {
				t.Errorf("%s(%d) = %v, want %v", name, status, got, want)
			}
		}
		if check(nil) || check(errors.New("404")) {
			t.Errorf("%s is true for a non-*Error", name)
		}
	}
}

// TestErrorsNeverContainSecrets has a server echo the credential and a key
// value back in every part of an error; none of it may reach Error().
func TestErrorsNeverContainSecrets(t *testing.T) {
	t.Parallel()
	const keyValue = "key_FRESHLY-CREATED-99"
	echo := func(w http.ResponseWriter, r *http.Request) {
		secret := r.Header.Get(headerAPIKey) + r.Header.Get(headerAdminToken)
		w.Header().Set("x-request-id", "id-"+secret)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintf(w, `{"code":"bad_%[1]s","message":"key %[1]s lacks scope; also %[2]s is known"}`, secret, keyValue) //nolint:gosec // a test server echoing secrets on purpose, to prove they are redacted
	}
	for _, cred := range []string{"api-key", "admin-token"} {
		t.Run(cred, func(t *testing.T) {
			t.Parallel()
			rec := replies(jsonStatus(http.StatusCreated, createdJSON("k1", keyValue)), echo)
			c, _ := newTestClient(t, rec, func(c *Config) {
				if cred == "api-key" {
					c.AdminToken, c.APIKey = "", testAPIKey
				}
			})
			if _, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}}); err != nil {
				t.Fatal(err)
			}
			_, err := c.GetAPIKey(t.Context(), "k1")
			if !IsForbidden(err) {
				t.Fatalf("err = %v, want 403", err)
			}
			msg := err.Error()
			for _, secret := range []string{testToken, testAPIKey, keyValue} {
				if strings.Contains(msg, secret) {
					t.Errorf("Error() = %q contains a secret", msg)
				}
			}
			if !strings.Contains(msg, redacted) {
				t.Errorf("Error() = %q, want the secrets marked %s", msg, redacted)
			}
		})
	}
}

func TestNewErrorsNeverContainTheCredential(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{
		{BaseURL: "https://x", APIKey: testAPIKey, AdminToken: testToken},
		{BaseURL: "ftp://x", APIKey: testAPIKey},
		{BaseURL: "https://user:" + testToken + "@x", AdminToken: testToken},
		{BaseURL: "https://x", AdminToken: testToken + "\n"},
		{BaseURL: "https://x", AdminToken: testToken, RetryWaitMin: 2, RetryWaitMax: 1},
	} {
		_, err := New(cfg)
		if err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
			continue
		}
		if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), testAPIKey) {
			t.Errorf("New error %q contains the credential", err)
		}
	}
}

// TestRedactionSurvivesEscapingAndTruncation covers the ways a secret could
// slip past a plain string replace: JSON escapes in the body, and a cut at
// the message length limit that leaves half a secret behind.
func TestRedactionSurvivesEscapingAndTruncation(t *testing.T) {
	t.Parallel()
	escaped := fmt.Sprintf(`\u%04x`, testToken[0]) + testToken[1:]
	tests := map[string]string{
		"json escape":        `{"message":"token ` + escaped + ` rejected"}`,
		"cut in plain text":  strings.Repeat("x", maxMessageLen-10) + testToken,
		"cut in json":        `{"message":"` + strings.Repeat("y", maxMessageLen-10) + testToken + `"}`,
		"html title":         `<html><title>bad &#x` + fmt.Sprintf("%x", testToken[0]) + `;` + testToken[1:] + `</title></html>`,
		"spread by newlines": "a\n\n\n" + strings.Repeat(" ", 400) + testToken,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestClient(t, replies(status(http.StatusBadRequest, body, "x-request-id", strings.Repeat("r", 90)+testToken)))
			_, err := c.GetAPIKey(t.Context(), "a")
			if err == nil {
				t.Fatal("want an error")
			}
			// Any 6-byte piece of the token is a leak.
			for i := 0; i+minSecretLen <= len(testToken); i++ {
				if piece := testToken[i : i+minSecretLen]; strings.Contains(err.Error(), piece) {
					t.Fatalf("Error() = %q contains %q, part of the credential", err, piece)
				}
			}
		})
	}
}

// TestShortCredentialDoesNotGarbleMessages: a test token such as "t" is not
// redacted, or every "t" in every message would be.
func TestShortCredentialDoesNotGarbleMessages(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, notFoundReplies(status(http.StatusNotFound, `{"code":"not_found","message":"No API key with that id exists."}`)),
		func(c *Config) { c.AdminToken = "t" })
	_, err := c.GetAPIKey(t.Context(), "a")
	if want := "GET /api/admin/api-keys/a: 404 Not Found: not_found: No API key with that id exists."; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}
