package provider

// Acceptance tests of importing hellgate_api_key with its secret, supplied
// in HELLGATE_IMPORT_KEY_VALUE_<ID> or HELLGATE_IMPORT_KEY_VALUES: one key
// with terraform import, several with import blocks (written by hand or by
// terraform query), and secrets that do not verify, refused without a
// state write or a trace of them in output or Terraform's trace log.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// envWith is the environment of a provider served in-process by the CLI
// harness: the cluster's endpoint and token, and extra.
func (c *testCluster) envWith(extra map[string]string) Option {
	env := map[string]string{EnvEndpoint: c.url, EnvAdminToken: c.token}
	for k, v := range extra {
		env[k] = v
	}
	return WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
}

// keyValuesJSON is HELLGATE_IMPORT_KEY_VALUES for keys.
func keyValuesJSON(t *testing.T, keys ...mockcluster.Key) string {
	t.Helper()
	m := map[string]string{}
	for _, k := range keys {
		m[k.ID] = k.KeyValue
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mustNotShow fails the test for each secret that out holds, naming its
// role only.
func mustNotShow(t *testing.T, what, out string, secrets map[string]string) {
	t.Helper()
	for role, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s shows %s", what, role)
		}
	}
}

// importedKeyWithStore is a root module holding hellgate_api_key.test (a key
// of pci:tokens:read living two days), a stand-in secret store given its
// key_value, and a sensitive output of it.
var importedKeyWithStore = rootModule("", `resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read"]
  expires_in = 172800
}

resource "terraform_data" "store" {
  triggers_replace = { key_value = hellgate_api_key.test.key_value }
}

output "key_value" {
  value     = hellgate_api_key.test.key_value
  sensitive = true
}
`)

// terraform import with the key's secret in its variable: the state holds
// the secret, nothing printed shows it, a downstream resource and an
// output receive it, and the next plan is empty. Runs under every CLI
// (terraform import is older than any supported version).
func TestAccAPIKeyImportSecret_terraformImport(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 48*time.Hour, "pci:tokens:read")
	tf := initCLI(t, c, importedKeyWithStore, c.envWith(map[string]string{importKeyValueVar(key.ID): key.KeyValue}))
	secret := map[string]string{"the key's secret": key.KeyValue}

	out := tf.mustRun(usual("import", keyAddr, key.ID)...)
	mustNotShow(t, "terraform import", out, secret)
	if strings.Contains(out, "Has No key_value") {
		t.Errorf("the import warns that it has no key_value:\n%s", out)
	}
	if got := tf.stateResource(keyAddr).Values["key_value"]; got != key.KeyValue {
		t.Fatalf("key_value in state after import: %v, want the key's secret", got)
	}

	out = tf.mustApply()
	mustNotShow(t, "terraform apply", out, secret)
	given, _ := tf.stateResource("terraform_data.store").Values["triggers_replace"].(map[string]any)
	if given["key_value"] != key.KeyValue {
		t.Errorf("terraform_data.store was given %v, want the key's secret", given["key_value"])
	}
	if got := tf.mustRun("output", "-raw", "key_value"); got != key.KeyValue {
		t.Errorf("output key_value is not the key's secret")
	}
	mustNotShow(t, "the next plan", tf.planIsEmpty(), secret)
	if st := c.srv.Stats().Requests; st.Create != 0 || st.Delete != 0 {
		t.Errorf("requests %+v: the import must create and revoke nothing", st)
	}
}

// Several keys adopted in one plan with import blocks: two with their
// secrets in HELLGATE_IMPORT_KEY_VALUES, one in its own variable, one with
// none. The plan imports all four and changes nothing, shows no secret,
// and warns only about the key without one; the state holds each secret.
func TestAccAPIKeyImportSecret_importBlocks(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	keys := map[string]mockcluster.Key{}
	var body strings.Builder
	for _, name := range []string{"a", "b", "c", "d"} {
		keys[name] = c.mustCreateKey(t, 0, "pci:tokens:read")
		fmt.Fprintf(&body, `resource "hellgate_api_key" %[1]q {
  scopes = ["pci:tokens:read"]
}

import {
  to = hellgate_api_key.%[1]s
  id = %[2]q
}

`, name, keys[name].ID)
	}
	env := map[string]string{
		EnvImportKeyValues:              keyValuesJSON(t, keys["a"], keys["b"]),
		importKeyValueVar(keys["c"].ID): keys["c"].KeyValue,
	}
	tf := initCLI(t, c, rootModule("", body.String()), c.envWith(env))
	secrets := map[string]string{}
	for name, k := range keys {
		secrets["the secret of "+name] = k.KeyValue
	}

	diags, out, err := tf.diagnosticsOf(usual("plan", "-json", "-out=adopt.plan")...)
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	mustNotShow(t, "the plan", out, secrets)
	mustNotShow(t, "the plan as text", tf.mustRun("show", "-no-color", "adopt.plan"), secrets)
	plan := tf.showPlan("adopt.plan")
	for name := range keys {
		addr := "hellgate_api_key." + name
		if !plan.Importing[addr] {
			t.Errorf("%s is not imported", addr)
		}
		plan.expectActions(t, addr, "no-op")
	}
	// Terraform ties no address to an import's diagnostics: the detail
	// names the key.
	if warned := withSummary(diags, "warning", "Imported API Key Has No key_value"); len(warned) != 1 || !strings.Contains(warned[0].Detail, keys["d"].ID) {
		t.Errorf("warnings about a missing key_value: %+v, want one, about key d (%s)", warned, keys["d"].ID)
	}

	mustNotShow(t, "the apply", tf.mustRun(usual("apply", "adopt.plan")...), secrets)
	for name, k := range keys {
		want := any(k.KeyValue)
		if name == "d" {
			want = nil
		}
		if got := tf.stateResource("hellgate_api_key." + name).Values["key_value"]; got != want {
			t.Errorf("key_value of %s in state: set=%v, want set=%v", name, got != nil, want != nil)
		}
	}
	tf.planIsEmpty()
}

// The resource and import blocks terraform query -generate-config-out
// writes import each key with the secret HELLGATE_IMPORT_KEY_VALUES holds
// for it, without any edit to the generated file.
func TestAccAPIKeyImportSecret_generatedConfig(t *testing.T) {
	requireCLIFeature(t, featureQuery)
	t.Parallel()
	c := newTestCluster(t)
	a := c.mustCreateKey(t, time.Hour, "pci:tokens:read")
	b := c.mustCreateKey(t, 0, "network:tokens:use")
	dir := t.TempDir()
	writeMainTF(t, dir, rootModule("", ""))
	writeFile(t, filepath.Join(dir, "adopt.tfquery.hcl"), queryConfig)
	tf := newTerraformCLI(t, dir, c, c.envWith(map[string]string{EnvImportKeyValues: keyValuesJSON(t, a, b)}))
	tf.mustInit()
	tf.mustRun("query", "-no-color", "-generate-config-out=generated.tf")

	secrets := map[string]string{"the secret of a": a.KeyValue, "the secret of b": b.KeyValue}
	mustNotShow(t, "the apply", tf.mustApply(), secrets)
	byID := map[string]any{}
	for _, r := range tf.showState() {
		byID[fmt.Sprint(r.Values["id"])] = r.Values["key_value"]
	}
	for _, k := range []mockcluster.Key{a, b} {
		if byID[k.ID] != k.KeyValue {
			t.Errorf("key %s: key_value in state is not its secret (imported: %v)", k.ID, byID[k.ID] != nil)
		}
	}
	tf.planIsEmpty()
}

// Secrets that do not verify, under Terraform's trace log: another key's
// secret and a made-up one with the key's visible prefix are refused by
// terraform import and by an import block, naming the key's id, with no
// state written; then the right one is accepted. No secret appears in
// anything Terraform printed or logged.
func TestAccAPIKeyImportSecret_refused(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 48*time.Hour, "pci:tokens:read")
	other := c.mustCreateKey(t, 48*time.Hour, "pci:tokens:read")
	madeUp := key.KeyValue[:12] + strings.Repeat("Q", len(key.KeyValue)-12)
	secrets := map[string]string{
		"the key's secret":     key.KeyValue,
		"another key's secret": other.KeyValue,
		"a made-up secret":     madeUp,
		"the admin token":      c.token,
	}
	providerDir := buildProvider(t)
	base := map[string]string{EnvEndpoint: c.url, EnvAdminToken: c.token}
	traced := func(extra map[string]string) *terraformCLI {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		tf := newTracedCLI(t, providerDir, env)
		writeMainTF(t, tf.dir, importedKeyWithStore)
		return tf
	}
	var logs strings.Builder

	for _, tt := range []struct {
		name, value, reason string
	}{
		{"another key's secret", other.KeyValue, "masked_key_value"},
		{"a made-up secret", madeUp, "401 Unauthorized"},
	} {
		// terraform import: fails, and writes no state.
		tf := traced(map[string]string{importKeyValueVar(key.ID): tt.value})
		// With trace logging, errors are among what the harness keeps on
		// stderr, with the log.
		if out, err := tf.run(usual("import", keyAddr, key.ID)...); err == nil {
			t.Errorf("%s: terraform import succeeded:\n%s", tt.name, out)
		}
		mustContain(t, tf.trace.String(), "Error: API Key Secret Not Verified", key.ID, tt.reason, importKeyValueVar(key.ID))
		if _, err := os.Stat(filepath.Join(tf.dir, "terraform.tfstate")); !os.IsNotExist(err) {
			t.Errorf("%s: terraform import wrote a state (stat: %v)", tt.name, err)
		}
		logs.WriteString(tf.trace.String())

		// An import block: the plan fails at the key.
		tf = traced(map[string]string{EnvImportKeyValues: fmt.Sprintf(`{%q: %q}`, key.ID, tt.value)})
		writeFile(t, filepath.Join(tf.dir, "import.tf"), fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", keyAddr, key.ID))
		diags, out, err := tf.diagnosticsOf(usual("apply", "-json", "-auto-approve")...)
		if err == nil {
			t.Errorf("%s: the apply of an import block succeeded:\n%s", tt.name, out)
		}
		expectDiagnostic(t, diags, "error", "API Key Secret Not Verified", anyObject, key.ID, tt.reason, EnvImportKeyValues)
		if state := tf.showState(); len(state) != 0 {
			t.Errorf("%s: the failed apply left %d resources in state", tt.name, len(state))
		}
		logs.WriteString(tf.trace.String())
	}

	tf := traced(map[string]string{importKeyValueVar(key.ID): key.KeyValue})
	tf.mustRun(usual("import", keyAddr, key.ID)...)
	// Before terraform show -json, which prints the state's secret.
	logs.WriteString(tf.trace.String())
	if got := tf.stateResource(keyAddr).Values["key_value"]; got != key.KeyValue {
		t.Errorf("key_value in state after the import with the right secret is not the secret")
	}

	log := logs.String()
	if !someLineHasAll(strings.Split(log, "\n"), []string{"Received Hellgate API response", "http.status=401", "@module=hellgate.hellgate"}) {
		t.Error("the log has no 401 response line from the provider: was the made-up secret sent?")
	}
	assertNoSecrets(t, log, secrets)
	if st := c.srv.Stats().Requests; st.Create != 0 || st.Delete != 0 || len(c.srv.Keys()) != 2 {
		t.Errorf("requests %+v, %d keys: the imports must create and revoke nothing", st, len(c.srv.Keys()))
	}
}
