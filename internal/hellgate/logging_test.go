package hellgate

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestLoggingIsSecretSafe runs a create, a retried get and a failing get
// with a TRACE logger and checks that the logs say what happened without a
// credential or key value anywhere in them.
func TestLoggingIsSecretSafe(t *testing.T) {
	const keyValue = "key_LOGGED-NEVER-1234"
	for _, cred := range []string{"api-key", "admin-token"} {
		t.Run(cred, func(t *testing.T) {
			echo := func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("x-request-id", "req-echo")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = fmt.Fprintf(w, `{"code":"bad","message":"you sent %s%s and %s"}`, //nolint:gosec // a test server echoing credentials on purpose, to prove they are redacted
					r.Header.Get(headerAPIKey), r.Header.Get(headerAdminToken), keyValue)
			}
			rec := replies(
				jsonStatus(http.StatusCreated, createdJSON("k1", keyValue)),
				status(http.StatusServiceUnavailable, "", "x-request-id", "req-503"),
				jsonStatus(http.StatusOK, keyJSON("k1")),
				echo,
			)
			c, _ := newTestClient(t, rec, func(c *Config) {
				if cred == "api-key" {
					c.AdminToken, c.APIKey = "", testAPIKey
				}
			})

			var buf bytes.Buffer
			ctx := tflogtest.RootLogger(t.Context(), &buf)
			if _, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetAPIKey(ctx, "k1"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetAPIKey(ctx, "k1"); err == nil {
				t.Fatal("want an error")
			}
			// Even a caller logging a secret in this subsystem's fields is
			// masked by field key.
			lctx := c.logContext(ctx)
			tflog.SubsystemDebug(lctx, logSubsystem, "field check", map[string]any{"key_value": "plain-1", "x-api-key": "plain-2"})

			logs := buf.String()
			for _, secret := range []string{testToken, testAPIKey, keyValue, "plain-1", "plain-2"} {
				if strings.Contains(logs, secret) {
					t.Errorf("logs contain the secret %q:\n%s", secret, logs)
				}
			}

			entries, err := tflogtest.MultilineJSONDecode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				msg    string
				fields map[string]any
			}{
				{"Sending Hellgate API request", map[string]any{"http.method": "POST", "http.path": "/api/admin/api-keys", "attempt": float64(1)}},
				{"Received Hellgate API response", map[string]any{"http.method": "POST", "http.status": float64(201)}},
				{"Received Hellgate API response", map[string]any{"http.method": "GET", "http.status": float64(503), "http.requestid": "req-503", "attempt": float64(1)}},
				{"Retrying Hellgate API request", map[string]any{"http.method": "GET", "attempt": float64(1)}},
				{"Received Hellgate API response", map[string]any{"http.method": "GET", "http.status": float64(200), "attempt": float64(2)}},
				{"Hellgate API response body", map[string]any{"http.status": float64(400)}},
				{"field check", map[string]any{"key_value": "***", "x-api-key": "***"}},
			}
			for _, w := range want {
				if !hasEntry(entries, w.msg, w.fields) {
					t.Errorf("no log entry %q with %v in:\n%s", w.msg, w.fields, logs)
				}
			}
			for _, e := range entries {
				if e["@module"] != "provider."+logSubsystem {
					t.Errorf("entry %v is not in the %s subsystem", e, logSubsystem)
				}
				if _, ok := e["duration_ms"]; e["@message"] == "Received Hellgate API response" && !ok {
					t.Errorf("response entry without duration: %v", e)
				}
				// The create response body is never logged.
				if e["@message"] == "Hellgate API response body" && e["http.method"] == "POST" {
					t.Errorf("create response body logged: %v", e)
				}
			}
		})
	}
}

func hasEntry(entries []map[string]any, msg string, fields map[string]any) bool {
next:
	for _, e := range entries {
		if e["@message"] != msg {
			continue
		}
		for k, v := range fields {
			if e[k] != v {
				continue next
			}
		}
		return true
	}
	return false
}
