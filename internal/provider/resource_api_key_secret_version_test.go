package provider

// secret_version changes exactly when the key is replaced, grows with every
// replacement, two within one second included, and fits a 32-bit signed
// integer.

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

func TestSecretVersionOf(t *testing.T) {
	for _, tc := range []struct {
		created time.Time
		want    int64
	}{
		{secretVersionEpoch.Add(-time.Hour), 1},
		{secretVersionEpoch, 1},
		{secretVersionEpoch.Add(249 * time.Millisecond), 1},
		{secretVersionEpoch.Add(250 * time.Millisecond), 2},
		{time.Date(2024, 6, 1, 9, 30, 0, 0, time.UTC), 52_668_001},
	} {
		if got := secretVersionOf(tc.created); got != tc.want {
			t.Errorf("secretVersionOf(%s) = %d, want %d", tc.created.Format(time.RFC3339Nano), got, tc.want)
		}
	}
	// A 32-bit signed integer holds it past 2038, into 2041.
	for _, at := range []time.Time{
		time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC),
		time.Date(2040, 12, 31, 23, 59, 59, 999_000_000, time.UTC),
	} {
		if v := secretVersionOf(at); v > math.MaxInt32 {
			t.Errorf("secretVersionOf(%s) = %d does not fit 32 bits", at.Format(time.RFC3339), v)
		}
	}
}

// Replaced by -replace, by a keeper, and by the rotation window, the key's
// secret_version grows each time, also when Hellgate stamps two
// replacements within one second (created_at, to the second, is then the
// same); plans without a replacement keep it, and so does an import.
func TestAccAPIKey_secretVersion(t *testing.T) {
	t.Parallel()
	clk := newKeyClock()
	// The first key a quarter second into a second: a key stamped at the
	// start of a whole second is waited out to that second's end (Hellgate
	// may stamp created_at to the second), which TestSecretVersionWait
	// covers; here the first two keys fall within one second. (The Date
	// header, to the second, leaves Hellgate's clock known only within a
	// second, so a plan may wait up to a second after a key is made.)
	clk.Advance(300 * time.Millisecond)
	c := newClockedCluster(t, clk)
	tf := initCLI(t, c, cliKeyConfig(`
  scopes        = ["pci:tokens:read"]
  expires_in    = 86400
  rotate_before = "1h"
  keepers       = { release = var.release }
  lifecycle {
    create_before_destroy = true
  }`)+`
variable "release" {
  type    = string
  default = "1"
}

output "secret_version" {
  value = hellgate_api_key.test.secret_version
}
`, WithClock(clk))

	type seen struct {
		id, createdAt string
		version       int64
	}
	current := func(what string) seen {
		t.Helper()
		r := tf.stateResource(keyAddr)
		id, _ := r.Values["id"].(string)
		createdAt, _ := r.Values["created_at"].(string)
		v, ok := r.Values["secret_version"].(float64)
		if !ok {
			t.Fatalf("%s: secret_version in state is %v", what, r.Values["secret_version"])
		}
		key, ok := c.srv.Key(id)
		if !ok {
			t.Fatalf("%s: key %s is not on the mock", what, id)
		}
		if want := secretVersionOf(key.CreatedAt); int64(v) != want {
			t.Errorf("%s: secret_version = %v, want %d (created %s)", what, v, want, key.CreatedAt.Format(time.RFC3339Nano))
		}
		if v > math.MaxInt32 {
			t.Errorf("%s: secret_version %v does not fit 32 bits", what, v)
		}
		var out float64
		if err := json.Unmarshal([]byte(tf.mustRun("output", "-json", "secret_version")), &out); err != nil {
			t.Fatal(err)
		}
		if out != v {
			t.Errorf("%s: output secret_version = %v, state has %v", what, out, v)
		}
		return seen{id: id, createdAt: createdAt, version: int64(v)}
	}
	var vars []string // -var arguments of every plan
	replacedBy := func(what string, prev seen, extra ...string) seen {
		t.Helper()
		tf.mustPlan(append(append([]string{"-out=step.tfplan"}, vars...), extra...)...)
		plan := tf.showPlan("step.tfplan")
		plan.expectActions(t, keyAddr, "create", "delete")
		if v, ok := plan.After[keyAddr]["secret_version"]; ok && v != nil {
			t.Errorf("%s: the plan knows the new key's secret_version (%v); it is known only once the key exists", what, v)
		}
		tf.mustApplyPlan("step.tfplan")
		next := current(what)
		if next.id == prev.id {
			t.Fatalf("%s: the key was not replaced", what)
		}
		if next.version <= prev.version {
			t.Errorf("%s: secret_version went from %d to %d; it must grow with every new key", what, prev.version, next.version)
		}
		tf.planIsEmpty(vars...)
		if again := current(what + ", then a plan with nothing to do"); again != next {
			t.Errorf("%s: a plan with nothing to do changed %+v to %+v", what, next, again)
		}
		return next
	}

	tf.mustApply()
	first := current("the create")
	tf.planIsEmpty()

	// Replacements 10 ms after the key before: every plan with a young key
	// in state waits out its step (by the provider's clock, which a sleep
	// moves here), so the successor is stamped in a later one. The first
	// two keys share created_at to the second; secret_version differs.
	clk.SetAutoAdvance(true)
	clk.Advance(10 * time.Millisecond)
	second := replacedBy("terraform apply -replace", first, "-replace="+keyAddr)
	clk.Advance(10 * time.Millisecond)
	vars = []string{"-var=release=2"}
	third := replacedBy("a keeper's change", second)
	if first.createdAt != second.createdAt {
		t.Fatalf("the test wants two keys stamped within one second; created_at: %s, %s", first.createdAt, second.createdAt)
	}

	// The rotation window.
	clk.Advance(23*time.Hour + 30*time.Minute)
	fourth := replacedBy("the rotation window", third)

	// An import gets the same secret_version from Hellgate's created_at.
	tf.mustRun("state", "rm", "-no-color", keyAddr)
	tf.mustRun(usual("import", "-var=release=2", keyAddr, fourth.id)...)
	if got := current("an import"); got.version != fourth.version {
		t.Errorf("the import gave secret_version %d, the key had %d", got.version, fourth.version)
	}
}

// The wait before a successor is the rest of the key's step by Hellgate's
// clock, at most one step, and nothing once the step has passed.
func TestSecretVersionWait(t *testing.T) {
	created := secretVersionEpoch.Add(1001*secretVersionStep + 100*time.Millisecond)
	v := secretVersionOf(created)
	second := secretVersionEpoch.Add(300 * time.Second)
	for _, tt := range []struct {
		name    string
		version int64
		now     time.Time
		want    time.Duration
	}{
		{"at the create", v, created, 150 * time.Millisecond},
		{"later in the step", v, created.Add(100 * time.Millisecond), 50 * time.Millisecond},
		{"at the step's end", v, created.Add(150 * time.Millisecond), 0},
		{"a second later", v, created.Add(time.Second), -850 * time.Millisecond},
		{"Hellgate's clock behind the stamp", v, created.Add(-time.Hour), time.Second},
		{"no version", 0, created, 0},
		// A created_at stamped to the second gives the first step of that
		// second: the key may have been made as late as its end.
		{"a stamp to the second", secretVersionOf(second), second, time.Second},
		{"a stamp to the second, 900 ms on", secretVersionOf(second), second.Add(900 * time.Millisecond), 100 * time.Millisecond},
		{"a stamp to the second, a second on", secretVersionOf(second), second.Add(time.Second), 0},
	} {
		if got := secretVersionWait(tt.version, tt.now); got != tt.want {
			t.Errorf("%s: wait %s, want %s", tt.name, got, tt.want)
		}
	}
	if next := secretVersionOf(created.Add(150 * time.Millisecond)); next != v+1 {
		t.Errorf("a key created when the wait ends has version %d, want %d", next, v+1)
	}
}

// A refresh keeps the secret_version in state: where Hellgate's read
// answer stamps created_at less precisely than its create answer, the
// number derived from it would move (and could move down). A model
// without one (a create, an import, a listed key) gets it from created_at.
func TestSecretVersionKeptByRefresh(t *testing.T) {
	created := secretVersionEpoch.Add(1001*secretVersionStep + 100*time.Millisecond)
	key := &hellgate.APIKey{ID: "123e4567-e89b-42d3-a456-426614174000", Scopes: []string{"pci:tokens:read"},
		CreatedAt: created.Truncate(time.Second)}
	m := apiKeyModel{SecretVersion: types.Int64Value(secretVersionOf(created))}
	if diags := resourceModelFromAPI(t.Context(), &m, key); diags.HasError() {
		t.Fatal(diags)
	}
	if got, want := m.SecretVersion.ValueInt64(), secretVersionOf(created); got != want {
		t.Errorf("a refresh changed secret_version from %d to %d", want, got)
	}
	fresh := apiKeyModel{SecretVersion: types.Int64Null()}
	if diags := resourceModelFromAPI(t.Context(), &fresh, key); diags.HasError() {
		t.Fatal(diags)
	}
	if got, want := fresh.SecretVersion.ValueInt64(), secretVersionOf(key.CreatedAt); got != want {
		t.Errorf("an import got secret_version %d, want %d from created_at", got, want)
	}
}
