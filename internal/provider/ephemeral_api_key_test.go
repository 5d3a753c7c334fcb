package provider

// Acceptance tests of the ephemeral hellgate_api_key: a key opened for a run
// and revoked at its end, with no trace in state or plan, its validation,
// a failed revoke, and the Open and Close protocol calls.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

const echoAddr = "echo.test"

// noSecretIn fails the test when any issued key value occurs in b.
func noSecretIn(t *testing.T, what string, b []byte, keys []issuedKey) {
	t.Helper()
	for _, k := range keys {
		if bytes.Contains(b, []byte(k.KeyValue)) {
			t.Errorf("%s contains the secret of ephemeral key %s", what, k.ID)
		}
	}
}

func ephemeralKeyConfig(c *testCluster, scopes string, expiresIn string) string {
	return c.providerBlock() + fmt.Sprintf(`
ephemeral "hellgate_api_key" "test" {
  scopes     = %s
  expires_in = %s
}

provider "echo" {
  data = ephemeral.hellgate_api_key.test
}

resource "echo" "test" {}
`, scopes, expiresIn)
}

func (c *testCluster) ephemeralFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	f := c.factories()
	f["echo"] = echoprovider.NewProviderServer()
	return f
}

// echoMatchesIssued checks that the key echoed from the ephemeral resource
// is a key the mock issued during the run, with its real secret, and that
// it was revoked when the run ended.
func (rc *recordingCluster) echoMatchesIssued(expiresIn int64) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		vals, err := findResource(req.State, echoAddr)
		if err != nil {
			resp.Error = err
			return
		}
		data, ok := vals["data"].(map[string]any)
		if !ok {
			resp.Error = fmt.Errorf("echo.test.data is %T, not an object", vals["data"])
			return
		}
		id, _ := data["id"].(string)
		issued, ok := rc.issuedByID(id)
		if !ok {
			resp.Error = fmt.Errorf("the ephemeral key %q was not issued by the mock during the run", id)
			return
		}
		if kv, _ := data["key_value"].(string); kv != issued.KeyValue {
			resp.Error = fmt.Errorf("key_value of ephemeral key %s is not the secret the mock issued", id)
			return
		}
		created, err1 := time.Parse(time.RFC3339, fmt.Sprint(data["created_at"]))
		expires, err2 := time.Parse(time.RFC3339, fmt.Sprint(data["expires_at"]))
		if err1 != nil || err2 != nil {
			resp.Error = fmt.Errorf("timestamps do not parse: %v, %v", data["created_at"], data["expires_at"])
			return
		}
		if got := int64(expires.Sub(created) / time.Second); got != expiresIn {
			resp.Error = fmt.Errorf("expires_at - created_at = %ds, want %ds", got, expiresIn)
			return
		}
		// State checks run after the apply has finished, so Close has run.
		if _, live := rc.srv.Key(id); live {
			resp.Error = fmt.Errorf("ephemeral key %s is still live on the mock after the apply", id)
		}
	})
}

func TestAccEphemeralAPIKey_basic(t *testing.T) {
	rc := newRecordingCluster(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			tfversion.SkipBelow(tfversion.Version1_10_0),
		},
		ProtoV6ProviderFactories: rc.ephemeralFactories(),
		Steps: []resource.TestStep{
			{
				Config: ephemeralKeyConfig(rc.testCluster, `["pci:tokens:create", "pci:tokens:read"]`, "600"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey("id"), knownvalue.StringRegexp(uuidRegexp)),
					statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey("scopes"),
						stringSet("pci:tokens:create", "pci:tokens:read")),
					statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey("expires_in"), knownvalue.Int64Exact(600)),
					statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey("created_at"), knownvalue.StringRegexp(rfc3339Regexp)),
					statecheck.ExpectKnownValue(echoAddr, tfjsonpath.New("data").AtMapKey("key_value"), knownvalue.StringRegexp(regexp.MustCompile(`^.{32,}$`))),
					rc.echoMatchesIssued(600),
					rc.liveKeys(0),
				},
			},
		},
	})
	issued := rc.issuedKeys()
	// Opened during the plan and again during the apply (and the framework's
	// extra plans), each time a new key.
	if len(issued) < 2 {
		t.Errorf("the mock issued %d keys, want one per plan and apply (at least 2)", len(issued))
	}
	rc.allRevoked(t, issued)
	st := rc.srv.Stats()
	if st.LiveKeys != 0 {
		t.Errorf("live_keys = %d after the run, want 0", st.LiveKeys)
	}
	if st.Requests.Create != int64(len(issued)) || st.Requests.Delete != st.Requests.Create {
		t.Errorf("creates %d, deletes %d, issued %d: every key opened must be revoked once", st.Requests.Create, st.Requests.Delete, len(issued))
	}
}

func TestAccEphemeralAPIKey_validation(t *testing.T) {
	c := newTestCluster(t)
	steps := []struct {
		scopes, expiresIn string
		want              *regexp.Regexp
	}{
		{`["pci:tokens:read"]`, "0", regexp.MustCompile(`(?s)Attribute expires_in must be a whole number of seconds from 1 to\s+7776000\s+\(2160h0m0s\), got: 0\.`)},
		{`["pci:tokens:read"]`, "7776001", regexp.MustCompile(`(?s)Attribute expires_in must be a whole number of seconds from 1 to\s+7776000\s+\(2160h0m0s\), got: 7776001\.`)},
		{`[]`, "60", regexp.MustCompile(`(?s)No Scopes.*Attribute scopes is empty, but an API key needs at least one\s+scope`)},
		{`["pci:tokens:everything"]`, "60", regexp.MustCompile(`pci:tokens:everything`)},
	}
	var ts []resource.TestStep
	for _, s := range steps {
		ts = append(ts, resource.TestStep{
			Config:      ephemeralKeyConfig(c, s.scopes, s.expiresIn),
			ExpectError: s.want,
		})
	}
	// expires_in is required for the ephemeral key (it is optional on the
	// resource); the wording of this error is the CLI's own.
	ts = append(ts, resource.TestStep{
		Config: c.providerBlock() + `
ephemeral "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`,
		ExpectError: regexp.MustCompile(`(?s)Missing required argument.*"expires_in" is required`),
	})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{
			tfversion.SkipBelow(tfversion.Version1_10_0),
		},
		ProtoV6ProviderFactories: c.ephemeralFactories(),
		Steps:                    ts,
	})
	if got := c.srv.Stats().Requests.Create; got != 0 {
		t.Errorf("invalid configurations made %d create requests, want 0", got)
	}
}

// Under a CLI that runs ephemeral resources, a run that uses the ephemeral
// key leaves no trace of its value in the state, in a saved plan file or in
// "show -json" of it, and no live ephemeral key on the mock.
func TestAccEphemeralAPIKey_noTraceInStateOrPlan(t *testing.T) {
	skipBelowEphemeralCLI(t)
	t.Parallel()
	rc := newRecordingCluster(t)
	tf := initCLI(t, rc.testCluster, rootModule("max_retries = 0", testdataFile(t, "main.tf")))
	tf.mustPlan("-out=p")
	if n := len(rc.issuedKeys()); n != 1 {
		t.Fatalf("plan issued %d keys, want the one ephemeral key", n)
	}
	tf.mustApplyPlan("p")

	issued := rc.issuedKeys()
	// plan: ephemeral key; apply: ephemeral key, then svc made with it.
	if len(issued) != 3 {
		t.Fatalf("the mock issued %d keys, want 3 (an ephemeral key for plan and one for apply, and svc)", len(issued))
	}
	svcID := strings.Trim(strings.TrimSpace(tf.mustRun("output", "-raw", "svc_id")), `"`)
	var ephemeralKeys []issuedKey
	for _, k := range issued {
		if k.ID != svcID {
			ephemeralKeys = append(ephemeralKeys, k)
		}
	}
	if len(ephemeralKeys) != 2 {
		t.Fatalf("svc_id %q is not one of the issued keys", svcID)
	}
	// The aliased provider authenticated with the apply's ephemeral key.
	if !rc.usedAPIKey(ephemeralKeys[1].KeyValue) {
		t.Error("no request authenticated with the ephemeral key opened during apply")
	}
	rc.allRevoked(t, ephemeralKeys)
	if _, ok := rc.srv.Key(svcID); !ok {
		t.Errorf("svc key %s is not on the mock", svcID)
	}

	// The saved plan is a zip archive: look inside every entry, not only
	// at the compressed bytes.
	planBytes, err := os.ReadFile(filepath.Join(tf.dir, "p")) //nolint:gosec // a file in the test's own temporary folder
	if err != nil {
		t.Fatal(err)
	}
	noSecretIn(t, "the plan file", planBytes, ephemeralKeys)
	zr, err := zip.NewReader(bytes.NewReader(planBytes), int64(len(planBytes)))
	if err != nil {
		t.Fatalf("the plan file is not a zip archive: %v", err)
	}
	for _, f := range zr.File {
		noSecretIn(t, "plan file entry "+f.Name, zipEntry(t, f), ephemeralKeys)
	}
	noSecretIn(t, "show -json of the plan", []byte(tf.mustRun("show", "-json", "p")), ephemeralKeys)

	state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate")) //nolint:gosec // a file in the test's own temporary folder
	if err != nil {
		t.Fatal(err)
	}
	noSecretIn(t, "the state file", state, ephemeralKeys)
	if !bytes.Contains(state, []byte(svcID)) {
		t.Error("the state file does not hold the svc key: the check above would prove nothing")
	}
	noSecretIn(t, "show -json of the state", []byte(tf.mustRun("show", "-json")), ephemeralKeys)

	tf.mustDestroy()
	all := rc.issuedKeys()
	rc.allRevoked(t, all)
	if st := rc.srv.Stats(); st.LiveKeys != 0 {
		t.Errorf("live_keys = %d after destroy, want 0", st.LiveKeys)
	}
	if state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate")); err == nil { //nolint:gosec // a file in the test's own temporary folder
		noSecretIn(t, "the state file after destroy", state, all)
	}
}

// A revoke that fails at the end of the run is a warning that names the
// key and its expiry, and the key really is still live until then.
func TestAccEphemeralAPIKey_failedRevokeWarns(t *testing.T) {
	skipBelowEphemeralCLI(t)
	t.Parallel()
	rc := newRecordingCluster(t)
	rc.failDeletes.Store(true)
	dir := t.TempDir()
	cfg := rootModule("max_retries = 0", `ephemeral "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read"]
  expires_in = 300
}
`)
	writeMainTF(t, dir, cfg)
	tf := newTerraformCLI(t, dir, rc.testCluster)
	tf.mustInit()
	diags, out, err := tf.diagnosticsOf(usual("plan")...)
	if err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out)
	}

	issued := rc.issuedKeys()
	if len(issued) != 1 {
		t.Fatalf("plan issued %d keys, want 1", len(issued))
	}
	key, ok := rc.srv.Key(issued[0].ID)
	if !ok {
		t.Fatalf("key %s is not live on the mock although its revoke failed", issued[0].ID)
	}
	expectDiagnostic(t, diags, "warning", "Unable to Revoke Ephemeral API Key", anyObject,
		key.ID+" at the end of the run, so it stays live until it expires at "+key.ExpiresAt.UTC().Format(time.RFC3339),
		"500 Internal Server Error")
	if strings.Contains(out, issued[0].KeyValue) {
		t.Error("the warning shows the key's secret")
	}
	rc.srv.DeleteKey(key.ID)
}

// The protocol calls themselves, without a CLI, so they are tested under
// every CLI: Open hands Close the key id through private data, Close
// revokes, a second Close of a revoked key is fine, and a failed revoke is a
// warning naming the key and its expiry.
func TestEphemeralAPIKey_openCloseProtocol(t *testing.T) {
	rc := newRecordingCluster(t)
	ctx := t.Context()
	server, cfg, ephType := openableEphemeralKey(t, tftypes.NewValue(tftypes.String, rc.url), rc.token, 0)
	open := func() *tfprotov6.OpenEphemeralResourceResponse {
		t.Helper()
		resp, err := server.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "hellgate_api_key", Config: cfg})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("open: %v %v", err, resp.Diagnostics)
		}
		return resp
	}
	closeKey := func(private []byte) []*tfprotov6.Diagnostic {
		t.Helper()
		resp, err := server.CloseEphemeralResource(ctx, &tfprotov6.CloseEphemeralResourceRequest{TypeName: "hellgate_api_key", Private: private})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}

	opened := open()
	issued := rc.issuedKeys()
	if len(issued) != 1 {
		t.Fatalf("open issued %d keys, want 1", len(issued))
	}
	result, err := opened.Result.Unmarshal(ephType)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := result.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var id, keyValue string
	_ = attrs["id"].As(&id)
	_ = attrs["key_value"].As(&keyValue)
	if id != issued[0].ID || keyValue != issued[0].KeyValue {
		t.Fatalf("result id %q does not carry the key the mock issued (%s)", id, issued[0].ID)
	}
	// Private data is the framework's JSON map of base64-encoded values.
	var private map[string][]byte
	if err := json.Unmarshal(opened.Private, &private); err != nil {
		t.Fatalf("private data: %v", err)
	}
	var priv ephemeralKeyPrivate
	if err := json.Unmarshal(private[privateKeyEphemeralAPIKey], &priv); err != nil || priv.ID != id {
		t.Errorf("private data %q does not name the key %s (%v)", private[privateKeyEphemeralAPIKey], id, err)
	}
	for _, b := range [][]byte{opened.Private, private[privateKeyEphemeralAPIKey]} {
		if bytes.Contains(b, []byte(keyValue)) {
			t.Error("private data holds the key's secret")
		}
	}
	if !opened.RenewAt.IsZero() {
		t.Errorf("RenewAt = %v, want none: the key expires by itself", opened.RenewAt)
	}

	if diags := closeKey(opened.Private); len(diags) > 0 {
		t.Fatalf("close: %v", diags)
	}
	if _, ok := rc.srv.Key(id); ok {
		t.Fatalf("key %s still live after Close", id)
	}
	// Already gone (revoked by hand, or a second Close): no diagnostic.
	if diags := closeKey(opened.Private); len(diags) > 0 {
		t.Errorf("close of a revoked key: %v", diags)
	}
	// Nothing opened: nothing to do.
	if diags := closeKey(nil); len(diags) > 0 {
		t.Errorf("close without private data: %v", diags)
	}

	opened = open()
	issued = rc.issuedKeys()
	second := issued[len(issued)-1]
	key, _ := rc.srv.Key(second.ID)
	rc.failDeletes.Store(true)
	diags := closeKey(opened.Private)
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Fatalf("failed revoke: want one warning, got %v", diags)
	}
	d := diags[0]
	if d.Summary != "Unable to Revoke Ephemeral API Key" ||
		!strings.Contains(d.Detail, second.ID) ||
		!strings.Contains(d.Detail, "expires at "+key.ExpiresAt.UTC().Format(time.RFC3339)) {
		t.Errorf("warning does not name the key and its expiry: %s: %s", d.Summary, d.Detail)
	}
	if strings.Contains(d.Detail, second.KeyValue) {
		t.Error("the warning shows the key's secret")
	}
	if _, ok := rc.srv.Key(second.ID); !ok {
		t.Error("the key should still be live after a failed revoke")
	}
}

// An ephemeral key cannot be made while the provider configuration is not
// known: Open says so instead of returning a half-known key, and calls
// nothing.
func TestEphemeralAPIKey_openWithoutClient(t *testing.T) {
	c := newTestCluster(t)
	ctx := t.Context()
	server, cfg, _ := openableEphemeralKey(t, tftypes.NewValue(tftypes.String, tftypes.UnknownValue), c.token, nil)
	resp, err := server.OpenEphemeralResource(ctx, &tfprotov6.OpenEphemeralResourceRequest{TypeName: "hellgate_api_key", Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError ||
		resp.Diagnostics[0].Summary != "Provider Configuration Not Yet Known" ||
		!strings.Contains(resp.Diagnostics[0].Detail, "Unable to create the ephemeral API key") {
		t.Errorf("want the not-configured error, got %v", resp.Diagnostics)
	}
	if len(resp.Private) != 0 {
		t.Errorf("private data %q after a failed Open", resp.Private)
	}
	if n := c.requests(); n != 0 {
		t.Errorf("%d requests reached the mock", n)
	}
}

// The example in the docs works: under a CLI with ephemeral resources it
// validates, applies against the mock (the resource made with the
// short-lived key alone) and destroys, leaving nothing live.
func TestAccEphemeralAPIKey_example(t *testing.T) {
	skipBelowEphemeralCLI(t)
	t.Parallel()
	rc := newRecordingCluster(t)
	dir := copyDir(t, "../../examples/ephemeral-resources/hellgate_api_key")
	writeFile(t, filepath.Join(dir, "test_setup.tf"), rootModule("", ""))
	tf := newTerraformCLI(t, dir, rc.testCluster)
	tf.mustInit()
	tf.mustRun("validate", "-no-color")
	tf.mustApply()
	if n := len(rc.srv.Keys()); n != 1 {
		t.Errorf("after apply the mock holds %d live keys, want only hellgate_api_key.checkout", n)
	}
	state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate")) //nolint:gosec // a file in the test's own temporary folder
	if err != nil {
		t.Fatal(err)
	}
	issued := rc.issuedKeys()
	var ephemeralKeys []issuedKey
	for _, k := range issued {
		if _, live := rc.srv.Key(k.ID); !live {
			ephemeralKeys = append(ephemeralKeys, k)
		}
	}
	if len(ephemeralKeys) == 0 {
		t.Error("no ephemeral key was issued and revoked during the apply")
	}
	noSecretIn(t, "the state file", state, ephemeralKeys)
	tf.mustDestroy()
	if st := rc.srv.Stats(); st.LiveKeys != 0 {
		t.Errorf("live_keys = %d after destroy, want 0", st.LiveKeys)
	}
}

// openableEphemeralKey serves the provider in-process, configures it with
// endpoint, token and max_retries, and returns the server with a config for
// an ephemeral hellgate_api_key (one scope, 120 seconds) and its type.
func openableEphemeralKey(t *testing.T, endpoint tftypes.Value, token string, maxRetries any) (tfprotov6.ProviderServer, *tfprotov6.DynamicValue, tftypes.Type) {
	t.Helper()
	ctx := t.Context()
	server := providerserver.NewProtocol6(New("test")())()
	schemaResp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	provType := schemaResp.Provider.ValueType()
	provCfg, err := tfprotov6.NewDynamicValue(provType, tftypes.NewValue(provType, map[string]tftypes.Value{
		"cluster_id":      tftypes.NewValue(tftypes.String, nil),
		"endpoint":        endpoint,
		"api_key":         tftypes.NewValue(tftypes.String, nil),
		"admin_token":     tftypes.NewValue(tftypes.String, token),
		"max_retries":     tftypes.NewValue(tftypes.Number, maxRetries),
		"request_timeout": tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &provCfg}); err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	ephType := schemaResp.EphemeralResourceSchemas["hellgate_api_key"].ValueType()
	cfg, err := tfprotov6.NewDynamicValue(ephType, tftypes.NewValue(ephType, map[string]tftypes.Value{
		"scopes":     tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "pci:tokens:read")}),
		"expires_in": tftypes.NewValue(tftypes.Number, 120),
		"id":         tftypes.NewValue(tftypes.String, nil),
		"created_at": tftypes.NewValue(tftypes.String, nil),
		"expires_at": tftypes.NewValue(tftypes.String, nil),
		"key_value":  tftypes.NewValue(tftypes.String, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return server, &cfg, ephType
}
