package provider

// Secrets in Terraform's trace log. These tests run the built provider
// binary, installed through a dev override, under a real Terraform CLI
// with TF_LOG=trace (newTracedCLI): Terraform then includes the plugin's
// own logs in its log, exactly as a user who turns on logging in CI sees
// them. (A provider served in-process logs to the test instead, so its
// logs would not be part of what Terraform prints.)

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// assertNoSecrets fails the test for every secret found in the log,
// naming the secret's role and the line it is on, never the secret.
func assertNoSecrets(t *testing.T, log string, secrets map[string]string) {
	t.Helper()
	for role, secret := range secrets {
		if len(secret) < 8 {
			t.Fatalf("secret %s is too short (%d bytes) to search for", role, len(secret))
		}
		if i := strings.Index(log, secret); i >= 0 {
			start := strings.LastIndexByte(log[:i], '\n') + 1
			t.Errorf("the log contains %s, in a line starting %q", role, truncateForReport(log[start:i]))
		}
	}
}

func truncateForReport(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// assertProviderLogged checks that the log holds the provider's HTTP log
// lines, so that a test finding no secret has really looked at something.
// The fields of a log line come in no fixed order, so each is matched on
// its own.
func assertProviderLogged(t *testing.T, log string, keyIDs []string) {
	t.Helper()
	lines := strings.Split(log, "\n")
	for _, want := range [][]string{
		{"Sending Hellgate API request", "@module=hellgate.hellgate", "http.method=POST", "http.path=/api/admin/api-keys", "attempt=1"},
		{"Hellgate API request body", "@module=hellgate.hellgate", `pci:tokens:read`},
		{"Received Hellgate API response", "http.method=DELETE", "http.status=204"},
		{"Retrying Hellgate API request", "retry_reason=", "retry_in_ms="},
	} {
		if !someLineHasAll(lines, want) {
			t.Errorf("the log has no line with all of %q: did the provider's logs reach Terraform's?", want)
		}
	}
	requestID := regexp.MustCompile(`Received Hellgate API response: .*http\.requestid=[0-9a-f]{8}-[0-9a-f]{4}-`)
	if !requestID.MatchString(log) {
		t.Error("the log has no response line with a request id")
	}
	for _, id := range keyIDs {
		if !strings.Contains(log, id) {
			t.Errorf("the log never mentions key %s", id)
		}
	}
}

func someLineHasAll(lines, parts []string) bool {
	for _, l := range lines {
		all := true
		for _, p := range parts {
			if !strings.Contains(l, p) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// writeLogLeakConfig writes the root module of the log tests into dir:
// providerSettings go into the provider block, and hellgate_api_key.a gets
// the scopes aScopes (an HCL list).
func writeLogLeakConfig(t *testing.T, dir, providerSettings, aScopes string) {
	t.Helper()
	writeMainTF(t, dir, rootModule("max_retries = 8\n"+providerSettings, testdataFile(t, "main.tf")))
	writeFile(t, filepath.Join(dir, "terraform.tfvars"), "a_scopes = "+aScopes+"\n")
}

// TestAccLogLeak_trace applies, replaces, plans and destroys keys with
// TF_LOG=trace and faults on, and checks that no key value the mock issued
// and no credential appears in anything Terraform printed.
func TestAccLogLeak_trace(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	providerDir := buildProvider(t)
	faults := func(o *mockcluster.Options) {
		o.Faults = mockcluster.Faults{ErrorRate: 0.2, ThrottleRate: 0.1, DropRate: 0.2, ThrottleRetryAfter: time.Second, Seed: 5}
	}

	t.Run("admin token from the environment", func(t *testing.T) {
		t.Parallel()
		c := newTestCluster(t, faults)
		logLeakRoundTrip(t, c, providerDir, "",
			map[string]string{EnvEndpoint: c.url, EnvAdminToken: c.token},
			map[string]string{"the admin token": c.token})
	})

	t.Run("api key in the provider block", func(t *testing.T) {
		t.Parallel()
		c := newTestCluster(t, faults)
		cred := c.mustCreateKey(t, 0, "admin:api-keys:create", "admin:api-keys:read", "admin:api-keys:delete")
		logLeakRoundTrip(t, c, providerDir, fmt.Sprintf("  api_key = %q", cred.KeyValue),
			map[string]string{EnvEndpoint: c.url},
			map[string]string{"the provider's api_key": cred.KeyValue, "the admin token": c.token})
	})

	t.Run("api key lacking a scope", func(t *testing.T) {
		t.Parallel()
		c := newTestCluster(t)
		cred := c.mustCreateKey(t, 0, "admin:api-keys:read")
		tf := newTracedCLI(t, providerDir, map[string]string{EnvEndpoint: c.url, EnvAPIKey: cred.KeyValue})
		writeLogLeakConfig(t, tf.dir, "", `["pci:tokens:read"]`)
		out, err := tf.apply()
		if err == nil {
			t.Fatalf("apply with a key lacking admin:api-keys:create succeeded:\n%s", out)
		}
		log := tf.trace.String()
		for _, want := range []string{"Unable to Create API Key", "403 Forbidden", "admin:api-keys:create", "request id"} {
			if !strings.Contains(log, want) {
				t.Errorf("the failed apply does not say %q:\n%s", want, tailLines(log, 40))
			}
		}
		if n := len(c.srv.Keys()); n != 1 {
			t.Errorf("the mock holds %d keys, want only the credential", n)
		}
		assertNoSecrets(t, log, map[string]string{"the provider's api_key": cred.KeyValue, "the admin token": c.token})
		if !someLineHasAll(strings.Split(log, "\n"), []string{"Received Hellgate API response", "http.status=403", "http.path=/api/admin/api-keys"}) {
			t.Error("the log has no 403 response line from the provider")
		}
	})
}

// logLeakRoundTrip applies two keys, replaces both, plans and destroys,
// then searches everything Terraform printed for the credentials and
// every key value the mock issued.
func logLeakRoundTrip(t *testing.T, c *testCluster, providerDir, providerSettings string, env, secrets map[string]string) {
	t.Helper()
	issued := map[string]string{} // key id -> key value
	record := func() {
		for _, k := range c.srv.Keys() {
			issued[k.ID] = k.KeyValue
		}
	}
	record() // the credential, if it is a key
	credKeyID := ""
	for id := range issued {
		credKeyID = id
	}

	tf := newTracedCLI(t, providerDir, env)
	writeLogLeakConfig(t, tf.dir, providerSettings, `["pci:tokens:read"]`)
	if out, err := tf.plan("-detailed-exitcode"); exitCode(err) != 2 {
		t.Errorf("expected a plan with changes (exit code 2), got %v:\n%s", err, out)
	}
	tf.mustApply()
	record()
	// A control: the secrets searched for are the real ones, which the
	// state (and only the state) holds.
	state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for id, kv := range issued {
		if id != credKeyID && !strings.Contains(string(state), kv) {
			t.Errorf("the state does not hold the key_value of key %s", id)
		}
	}

	// Replace both keys: a destroy-then-create and a create-before-destroy.
	before := c.srv.Keys()
	writeLogLeakConfig(t, tf.dir, providerSettings, `["pci:tokens:read", "pci:tokens:create"]`)
	if err := c.srv.UpdateScopes(firstKeyWith(t, c, "network:tokens:use"), []string{"network:tokens:use", "network:tokens:read"}); err != nil {
		t.Fatal(err)
	}
	tf.mustApply()
	for _, k := range before {
		if _, live := c.srv.Key(k.ID); live && k.ID != credKeyID {
			t.Errorf("the second apply did not replace key %s", k.ID)
		}
	}
	if n := len(c.srv.Keys()); n != len(before) {
		t.Errorf("after replacing both keys the mock holds %d keys, want %d", n, len(before))
	}
	record()
	if out, err := tf.plan("-detailed-exitcode"); err != nil {
		t.Errorf("expected an empty plan: %v\n%s", err, out)
	}
	tf.mustDestroy()
	for _, k := range c.srv.Keys() {
		if k.ID != credKeyID {
			t.Errorf("key %s is still on the mock after destroy", k.ID)
		}
	}

	var keyIDs []string
	for id, kv := range issued {
		if id == credKeyID {
			continue
		}
		keyIDs = append(keyIDs, id)
		secrets["key_value of key "+id] = kv
	}
	if len(keyIDs) != 4 {
		t.Errorf("the mock issued %d keys, want 4 (2 created, 2 replacements)", len(keyIDs))
	}
	log := tf.trace.String()
	assertProviderLogged(t, log, keyIDs)
	assertNoSecrets(t, log, secrets)
	st := c.srv.Stats()
	t.Logf("searched %d bytes of trace log for %d secrets; faults: %+v", len(log), len(secrets), st.Faults)
	if st.Faults.Error == 0 || st.Faults.Drop == 0 {
		t.Errorf("faults injected: %+v, want 5xx and dropped answers in the log too", st.Faults)
	}
}

// firstKeyWith returns the id of the first key on the mock whose only
// scope is scope.
func firstKeyWith(t *testing.T, c *testCluster, scope string) string {
	t.Helper()
	for _, k := range c.srv.Keys() {
		if len(k.Scopes) == 1 && k.Scopes[0] == scope {
			return k.ID
		}
	}
	t.Fatalf("no key with only the scope %s on the mock", scope)
	return ""
}

// escapedForms returns s as servers write it back: JSON-escaped (\/ for
// /, \u002b or \u002B for + and =) and URL-encoded (query- and
// path-escaped, hex digits in either case).
func escapedForms(s string) map[string]string {
	unicodeEscaped := func(format string) string {
		var b strings.Builder
		for _, r := range s {
			if r == '+' || r == '=' || r == '/' {
				fmt.Fprintf(&b, format, r)
				continue
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	return map[string]string{
		"JSON with \\/":                 strings.ReplaceAll(s, "/", `\/`),
		"JSON with \\u00XX":             unicodeEscaped(`\u%04X`),
		"JSON with \\u00xx":             unicodeEscaped(`\u%04x`),
		"query-escaped":                 url.QueryEscape(s),
		"query-escaped, lower-case hex": strings.NewReplacer("%2F", "%2f", "%2B", "%2b", "%3D", "%3d").Replace(url.QueryEscape(s)),
		"path-escaped":                  url.PathEscape(s),
	}
}

// TestAccLogLeak_escapedEcho runs a plan with TF_LOG=trace against a server
// that answers every request with an error body echoing the credential,
// a base64-like token with / and +, JSON-escaped and URL-encoded, as
// other servers write it: neither the error Terraform shows nor its log
// holds any form of the credential.
func TestAccLogLeak_escapedEcho(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	token := fmt.Sprintf("Zm9v/%s+YmFy/%s+cXV4==", randomHex(t, 8), randomHex(t, 8))
	forms := escapedForms(token)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`{"error_info":{`)
		i := 0
		for name, form := range escapedForms(r.Header.Get("x-admin-token")) {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:\"%s\"", name, form)
			i++
		}
		b.WriteString("}}")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-request-id", "req-echo")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(b.String()))
	}))
	t.Cleanup(echo.Close)

	tf := newTracedCLI(t, buildProvider(t), map[string]string{EnvEndpoint: echo.URL, EnvAdminToken: token})
	writeMainTF(t, tf.dir, rootModule("", `data "hellgate_api_keys" "all" {}`+"\n"))
	if out, err := tf.plan(); err == nil {
		t.Fatalf("the plan succeeded against a server that refuses every request:\n%s", out)
	}
	log := tf.trace.String()
	for _, want := range []string{"Unable to List API Keys", "401 Unauthorized", "(request id req-echo)", "[REDACTED]", "Hellgate API response body"} {
		if !strings.Contains(log, want) {
			t.Errorf("the failed plan and its log do not say %q:\n%s", want, tailLines(log, 40))
		}
	}
	secrets := map[string]string{"the admin token": token}
	for name, form := range forms {
		secrets["the admin token, "+name] = form
	}
	assertNoSecrets(t, log, secrets)
}
