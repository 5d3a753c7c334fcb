package provider

// The module of the guide "Handing keys to a secret store"
// (examples/guides/secret-store) through a key's life: created, applied
// again without change, rotated by a keeper, by -replace and by its
// rotation window, and outlived by its successors. Its store is a
// stand-in that records what it is given, so the tests can prove that the
// store receives each new secret in the apply that makes it and at no
// other time, that a replaced key keeps authenticating until it expires
// (revoke_on_destroy = false), and that no secret shows in a plan, an
// apply or an output.
//
// It runs with the example's own stand-in, a store resource with a plain
// sensitive argument, and with a stand-in for a write-only argument and its
// version, which needs a CLI with write-only arguments.

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

const (
	storeGuideExample = "../../examples/guides/secret-store"
	// The example's module, relative to the example's folder.
	storeGuideModuleDir = "modules/service_key"
	storeGuideKeyAddr   = "module.checkout_key.hellgate_api_key.this"
)

// Write-only arguments of managed resources (the store side of the
// guide): Terraform 1.11, OpenTofu 1.11.
var featureWriteOnly = cliFeature{name: "write-only arguments", terraform: tfversion.Version1_11_0, openTofu: true}

// secretStoreStandIn is one stand-in for the example's store.tf.
type secretStoreStandIn struct {
	// install puts the stand-in in place in the copied example dir.
	install func(t *testing.T, dir string)
	// delivered returns what the store recorded of each secret it was
	// given by the apply of the saved plan, in order.
	delivered func(t *testing.T, tf *terraformCLI, plan plannedChanges) []string
	// record is what the store records when it is given key's secret.
	record func(key mockcluster.Key) string
	// statefulStore: whether the store's own state holds the secret, as a
	// plain argument's does and a write-only argument's does not.
	statefulStore bool
}

// The example as it is: terraform_data keeps the secret in its state
// (triggers_replace), as a store resource with a plain argument does, and
// was given a secret when the apply created or replaced it.
var plainStandIn = secretStoreStandIn{
	install: func(*testing.T, string) {},
	delivered: func(t *testing.T, tf *terraformCLI, plan plannedChanges) []string {
		t.Helper()
		const addr = "module.checkout_key.terraform_data.store"
		switch actions := plan.Actions[addr]; {
		case slices.Equal(actions, []string{"no-op"}):
			return nil
		case slices.Equal(actions, []string{"create"}), slices.Equal(actions, []string{"delete", "create"}):
		default:
			t.Fatalf("the plan's actions for %s: %v, want no-op, create or a replacement", addr, actions)
		}
		given, _ := childResource(t, tf, addr).Values["triggers_replace"].(map[string]any)
		value, _ := given["value"].(string)
		if value == "" {
			t.Fatalf("%s holds no value after the apply: %v", addr, given)
		}
		return []string{sha256Hex(value)}
	},
	record:        func(key mockcluster.Key) string { return sha256Hex(key.KeyValue) },
	statefulStore: true,
}

// A stand-in for a write-only argument and its version (testdata): it
// takes the secret in an ephemeral variable and records a delivery, by a
// provisioner, only when the version changes.
var writeOnlyStandIn = secretStoreStandIn{
	install: func(t *testing.T, dir string) {
		t.Helper()
		module := filepath.Join(dir, storeGuideModuleDir)
		writeFile(t, filepath.Join(module, "store.tf"), testdataFile(t, "store.tf"))
		if err := os.Mkdir(filepath.Join(module, "write_only_store"), 0o750); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(module, "write_only_store", "main.tf"), testdataFile(t, "write_only_store/main.tf"))
	},
	delivered: func(t *testing.T, tf *terraformCLI, _ plannedChanges) []string {
		t.Helper()
		return newDeliveries(t, tf.dir)
	},
	// The version the store was given with the secret: the key's creation
	// time as a number.
	record: func(key mockcluster.Key) string { return secretVersion(key) + " " + sha256Hex(key.KeyValue) },
}

// TestAccSecretStoreGuide_plain runs the example as it is, on every CLI.
func TestAccSecretStoreGuide_plain(t *testing.T) {
	t.Parallel()
	testSecretStoreRotation(t, plainStandIn)
}

// TestAccSecretStoreGuide_writeOnly runs the example with a stand-in for a
// write-only argument in place of its store.tf.
func TestAccSecretStoreGuide_writeOnly(t *testing.T) {
	requireCLIFeature(t, featureWriteOnly)
	t.Parallel()
	testSecretStoreRotation(t, writeOnlyStandIn)
}

// secretStoreRun is the example under one CLI against one mock cluster,
// with what the test has seen so far.
type secretStoreRun struct {
	t     *testing.T
	c     *testCluster
	clk   *clock.Fake
	tf    *terraformCLI
	store secretStoreStandIn
	// vars are the -var arguments of every plan (the release keeper).
	vars []string
	// secrets are every key_value the mock has issued, revoked or not.
	secrets map[string]bool
}

func testSecretStoreRotation(t *testing.T, store secretStoreStandIn) {
	clk := newKeyClock()
	c := newClockedCluster(t, clk)
	dir := copyDir(t, storeGuideExample)
	store.install(t, dir)
	setUpExample(t, dir, string(readTestFile(t, filepath.Join(dir, "main.tf"))), c.url)
	r := &secretStoreRun{
		t: t, c: c, clk: clk, tf: newTerraformCLI(t, dir, c, WithClock(clk)), store: store,
		secrets: map[string]bool{},
	}
	r.tf.mustInit()

	// The first apply makes the key and hands it to the store.
	first := r.rotation("create", []string{"create"})

	// Nothing changed: the apply makes no key and gives the store nothing.
	r.noRotation("an apply with nothing to change")

	// A keeper changes (a new release): a new key, in the store in the
	// same apply; the old one keeps working.
	r.clk.Advance(time.Hour)
	r.vars = []string{"-var=release=2024.07.1"}
	second := r.rotation("a keeper's change", replaced)
	r.expectAuthenticates(first, second)

	// -replace, as after a suspected leak: the same.
	r.clk.Advance(time.Hour)
	third := r.rotation("terraform apply -replace", replaced, "-replace="+storeGuideKeyAddr)
	r.expectAuthenticates(first, second, third)

	// 61 days on, the newest key is within its 30-day rotation window: the
	// plan replaces it. All three earlier keys still work: each has up to
	// 29 days left.
	r.clk.Advance(61 * 24 * time.Hour)
	fourth := r.rotation("the rotation window", replaced)
	r.expectAuthenticates(first, second, third, fourth)
	r.noRotation("an apply after the rotation")

	// Once the third key's expiry has passed, only the fourth works: the
	// overlap lasts until a replaced key's own expiry, and no longer.
	r.clk.Advance(30 * 24 * time.Hour)
	r.expectAuthenticates(fourth)
	for _, old := range []mockcluster.Key{first, second, third} {
		if keyAccepted(t, c, old.KeyValue) {
			t.Errorf("key %s, which expired at %s, still authenticates", old.ID, old.ExpiresAt.UTC().Format(time.RFC3339))
		}
	}
	r.noRotation("an apply after the replaced keys expired")

	out := r.tf.mustDestroy(r.vars...)
	r.noSecretIn("terraform destroy", out)
	// revoke_on_destroy = false: the last key, too, is left to expire.
	if _, ok := c.srv.Key(fourth.ID); !ok {
		t.Errorf("the destroy revoked key %s; the module leaves it to expire", fourth.ID)
	}
}

// replaced is what a plan does to a key it replaces: with
// create_before_destroy, the new key first.
var replaced = []string{"create", "delete"}

// rotation plans (with the extra arguments) and applies a change that
// makes a key, the plan proposing actions for it, and checks that the
// store got the new key's secret, and only it, in that apply. It returns
// the new key.
func (r *secretStoreRun) rotation(what string, actions []string, extra ...string) mockcluster.Key {
	t := r.t
	t.Helper()
	plan := r.planAndApply(what, extra...)
	plan.expectActions(t, storeGuideKeyAddr, actions...)

	key := r.currentKey(what)
	got := r.store.delivered(t, r.tf, plan)
	if want := []string{r.store.record(key)}; !slices.Equal(got, want) {
		t.Errorf("%s: the store recorded %v, want exactly the new key %s's secret: %v", what, got, key.ID, want)
	}
	return key
}

// noRotation plans and applies with nothing to change: no key is made and
// the store is given nothing.
func (r *secretStoreRun) noRotation(what string) {
	t := r.t
	t.Helper()
	creates := r.c.srv.Stats().Requests.Create
	before := r.currentKey(what)
	plan := r.planAndApply(what)
	plan.expectActions(t, storeGuideKeyAddr, "no-op")
	if n := r.c.srv.Stats().Requests.Create - creates; n != 0 {
		t.Errorf("%s made %d key(s)", what, n)
	}
	if after := r.currentKey(what); after.ID != before.ID {
		t.Errorf("%s replaced key %s with %s", what, before.ID, after.ID)
	}
	if got := r.store.delivered(t, r.tf, plan); len(got) != 0 {
		t.Errorf("%s gave the store %d secret(s) %v, want none", what, len(got), got)
	}
}

// planAndApply saves a plan, applies it and checks that neither's text,
// the outputs nor any state but the key's (and, for a plain argument, the
// store's) holds a secret. It returns the plan.
func (r *secretStoreRun) planAndApply(what string, extra ...string) plannedChanges {
	t := r.t
	t.Helper()
	args := append([]string{"-out=step.tfplan"}, r.vars...)
	out := r.tf.mustPlan(append(args, extra...)...)
	r.learnSecrets()
	r.noSecretIn(what+": the plan", out)
	plan := r.tf.showPlan("step.tfplan")
	out = r.tf.mustApplyPlan("step.tfplan")
	r.learnSecrets()
	r.noSecretIn(what+": the apply", out)
	r.noSecretIn(what+": terraform output", r.tf.mustRun("output", "-json"))
	r.secretsOnlyWhereExpected(what)
	return plan
}

// currentKey returns the key in state, checks it against the mock and
// checks the outputs that describe it.
func (r *secretStoreRun) currentKey(what string) mockcluster.Key {
	t := r.t
	t.Helper()
	id, _ := childResource(t, r.tf, storeGuideKeyAddr).Values["id"].(string)
	key, ok := r.c.srv.Key(id)
	if !ok {
		t.Fatalf("%s: the key in state, %q, is not on the mock", what, id)
	}
	var outputs map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(r.tf.mustRun("output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"key_id":         key.ID,
		"expires_at":     key.ExpiresAt.UTC().Format(time.RFC3339),
		"secret_version": secretVersion(key),
		"secret_ref":     "hellgate-checkout",
	} {
		if got := jsonScalar(outputs[name].Value); got != want {
			t.Errorf("%s: output %s = %q, want %q", what, name, got, want)
		}
	}
	return key
}

// learnSecrets adds the secrets of the mock's keys to those the output is
// searched for; a revoked key leaves the mock, so this runs after each CLI
// run that may create one.
func (r *secretStoreRun) learnSecrets() {
	for _, k := range r.c.srv.Keys() {
		r.secrets[k.KeyValue] = true
	}
}

// noSecretIn fails the test when text holds any secret seen so far.
func (r *secretStoreRun) noSecretIn(what, text string) {
	r.t.Helper()
	for s := range r.secrets {
		if strings.Contains(text, s) {
			r.t.Errorf("%s shows a key's secret:\n%s", what, text)
			return
		}
	}
}

// secretsOnlyWhereExpected reads the state file and fails the test unless
// the secret is held by the key's resource and, for a plain argument, by
// the store's, and by nothing else.
func (r *secretStoreRun) secretsOnlyWhereExpected(what string) {
	t := r.t
	t.Helper()
	var state struct {
		Resources []struct {
			Module    string            `json:"module"`
			Type      string            `json:"type"`
			Name      string            `json:"name"`
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(readTestFile(t, filepath.Join(r.tf.dir, "terraform.tfstate")), &state); err != nil {
		t.Fatal(err)
	}
	var holders []string
	for _, res := range state.Resources {
		for _, inst := range res.Instances {
			for s := range r.secrets {
				if strings.Contains(string(inst), s) {
					holders = append(holders, res.Module+"."+res.Type+"."+res.Name)
					break
				}
			}
		}
	}
	slices.Sort(holders)
	holders = slices.Compact(holders)
	want := []string{"module.checkout_key.hellgate_api_key.this"}
	if r.store.statefulStore {
		want = append(want, "module.checkout_key.terraform_data.store")
	}
	if !slices.Equal(holders, want) {
		t.Errorf("%s: the state holds a secret in %v, want in %v only", what, holders, want)
	}
}

// expectAuthenticates fails the test unless each key authenticates.
func (r *secretStoreRun) expectAuthenticates(keys ...mockcluster.Key) {
	r.t.Helper()
	for _, k := range keys {
		if !keyAccepted(r.t, r.c, k.KeyValue) {
			r.t.Errorf("key %s (expires %s) no longer authenticates at %s", k.ID, k.ExpiresAt.UTC().Format(time.RFC3339), r.clk.Now().UTC().Format(time.RFC3339))
		}
	}
}

// keyAccepted reports whether the cluster accepts keyValue as a
// credential. The example's keys may not list keys, so an accepted key is
// answered 403 and a revoked, expired or unknown one 401.
func keyAccepted(t *testing.T, c *testCluster, keyValue string) bool {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.url+"/api/admin/api-keys", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", keyValue)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusForbidden:
		return true
	case http.StatusUnauthorized:
		return false
	}
	t.Fatalf("a request with an API key was answered %s, want 403 or 401", resp.Status)
	return false
}

// childResource returns the resource addr, which may be in a child module,
// from the working folder's state.
func childResource(t *testing.T, tf *terraformCLI, addr string) stateResource {
	t.Helper()
	type module struct {
		Resources    []stateResource `json:"resources"`
		ChildModules []module        `json:"child_modules"`
	}
	var state struct {
		Values struct {
			RootModule module `json:"root_module"`
		} `json:"values"`
	}
	out := tf.mustRun("show", "-json")
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		t.Fatalf("reading the state's JSON: %v\n%s", err, out)
	}
	var find func(m module) (stateResource, bool)
	find = func(m module) (stateResource, bool) {
		for _, r := range m.Resources {
			if r.Address == addr {
				return r, true
			}
		}
		for _, c := range m.ChildModules {
			if r, ok := find(c); ok {
				return r, true
			}
		}
		return stateResource{}, false
	}
	r, ok := find(state.Values.RootModule)
	if !ok {
		t.Fatalf("%s is not in state", addr)
	}
	return r
}

// newDeliveries returns the lines the write-only stand-in appended to
// dir/deliveries.log since the last call: the version and the SHA-256 of
// each secret it was given.
func newDeliveries(t *testing.T, dir string) []string {
	t.Helper()
	log := filepath.Join(dir, "deliveries.log")
	f, err := os.Open(log) //nolint:gosec // a file in the test's own temporary folder
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		got = append(got, sc.Text())
	}
	_ = f.Close()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// Read once: the next call sees only what comes after.
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	return got
}

// secretVersion is the version the module hands the store: the key's
// secret_version, from its creation time.
func secretVersion(key mockcluster.Key) string {
	return strconv.FormatInt(secretVersionOf(key.CreatedAt), 10)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// jsonScalar renders a string or number decoded from JSON as Terraform
// prints it (a whole number without an exponent).
func jsonScalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// A service name that some store would refuse fails the plan, naming the
// input and what it allows, before any request to Hellgate.
func TestAccSecretStoreGuide_badServiceName(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	dir := copyDir(t, storeGuideExample)
	writeFile(t, filepath.Join(dir, "main_override.tf"), "module \"checkout_key\" {\n  service = \"Checkout_API\"\n}\n")
	tf := newTerraformCLI(t, dir, c)
	tf.mustInit()
	out, err := tf.plan()
	if err == nil {
		t.Fatalf("the plan accepted service = \"Checkout_API\":\n%s", out)
	}
	mustContain(t, out, "Invalid value for variable", `var.service`,
		"service must be 1 to 54 lower-case letters and digits, in words joined by single dashes, so that every store accepts the secret's name, hellgate-<service>.")
	if n := c.requests(); n != 0 {
		t.Errorf("the failed plan made %d request(s) to Hellgate", n)
	}
}
