package provider

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// soakKeys is how many keys the soak test declares (count = soakKeys).
const soakKeys = 60

// soakFaults is the share of requests the mock spoils during the soak test:
// 10% answered with a 5xx, 10% with 429 (Retry-After: 1s), 10% committed and
// then dropped without an answer. The three are drawn one after the other,
// so about 27% of all requests meet a fault.
func soakFaults(seed int64) mockcluster.Faults {
	return mockcluster.Faults{
		ErrorRate:          0.10,
		ThrottleRate:       0.10,
		DropRate:           0.10,
		ThrottleRetryAfter: time.Second,
		Seed:               seed,
	}
}

// soakSeeds returns the fault seeds to soak with: HELLGATE_SOAK_SEED, a
// comma-separated list of integers, or one fixed seed so that make test
// always runs the soak once.
func soakSeeds(t *testing.T) []int64 {
	t.Helper()
	raw := strings.TrimSpace(os.Getenv("HELLGATE_SOAK_SEED"))
	if raw == "" {
		return []int64{1}
	}
	var seeds []int64
	for _, f := range strings.Split(raw, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			t.Fatalf("HELLGATE_SOAK_SEED: %q is not an integer", f)
		}
		seeds = append(seeds, n)
	}
	return seeds
}

// TestAccSoak_apiKeysUnderFaults applies, re-plans and destroys many keys
// with Terraform's parallelism raised while the mock answers about a
// quarter of all requests with a 5xx, a 429 or a dropped connection after
// committing. State and cluster must agree at the end of every step:
// exactly the declared keys, each with the secret the cluster issued, no
// duplicates, no orphans.
//
// HELLGATE_SOAK_SEED=1,2,3 soaks once per seed.
func TestAccSoak_apiKeysUnderFaults(t *testing.T) {
	t.Parallel()
	for _, seed := range soakSeeds(t) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			soak(t, seed)
		})
	}
}

func soak(t *testing.T, seed int64) {
	start := time.Now()
	c := newTestCluster(t, withFaults(soakFaults(seed)))
	dir := t.TempDir()
	writeMainTF(t, dir, rootModule("max_retries = 8", testdataFile(t, "main.tf")))
	writeFile(t, dir+"/terraform.tfvars", fmt.Sprintf("key_count = %d\n", soakKeys))
	tf := newTerraformCLI(t, dir, c)
	tf.mustInit()

	// Apply.
	tf.mustApply("-parallelism=20")
	applied := c.srv.Stats()
	applyTime := time.Since(start)

	inState := soakState(t, tf)
	if len(inState) != soakKeys {
		t.Fatalf("state holds %d keys, want %d", len(inState), soakKeys)
	}
	live := map[string]mockcluster.Key{}
	for _, k := range c.srv.Keys() {
		live[k.ID] = k
	}
	if len(live) != soakKeys {
		t.Errorf("the mock holds %d live keys, want exactly %d", len(live), soakKeys)
	}
	ids, secrets := map[string]string{}, map[string]string{}
	for addr, r := range inState {
		if prev, dup := ids[r.ID]; dup {
			t.Errorf("%s and %s both hold key %s", prev, addr, r.ID)
		}
		ids[r.ID] = addr
		if prev, dup := secrets[r.KeyValue]; dup {
			t.Errorf("%s and %s hold the same key_value", prev, addr)
		}
		secrets[r.KeyValue] = addr
		k, ok := live[r.ID]
		switch {
		case !ok:
			t.Errorf("%s: key %s from state does not exist on the mock", addr, r.ID)
		case r.KeyValue == "" || r.KeyValue != k.KeyValue:
			t.Errorf("%s: key_value in state is not the secret the mock issued for key %s", addr, r.ID)
		}
	}
	for id := range live {
		if _, ok := ids[id]; !ok {
			t.Errorf("key %s on the mock is in no resource's state: an orphan", id)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// Faults stay on: the refresh of a second plan meets them too.
	tf.planIsEmpty("-parallelism=20")

	// Destroy, still with faults.
	tf.mustDestroy("-parallelism=20")
	if err := c.checkDestroyed(nil); err != nil {
		t.Error(err)
	}
	if left := soakState(t, tf); len(left) != 0 {
		t.Errorf("state still holds %d keys after destroy", len(left))
	}

	st := c.srv.Stats()
	t.Logf("seed %d: %d keys; faults injected: %d 5xx, %d 429, %d dropped (%d during apply); "+
		"requests: %d create, %d get, %d list, %d update, %d delete; apply %s, total %s",
		seed, soakKeys, st.Faults.Error, st.Faults.Throttle, st.Faults.Drop,
		applied.Faults.Error+applied.Faults.Throttle+applied.Faults.Drop,
		st.Requests.Create, st.Requests.Get, st.Requests.List, st.Requests.Update, st.Requests.Delete,
		applyTime.Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
	if st.Faults.Error == 0 || st.Faults.Throttle == 0 || st.Faults.Drop == 0 {
		t.Errorf("faults injected: %+v, want some of every kind", st.Faults)
	}
	if applied.Faults.Drop == 0 || applied.Requests.Create <= soakKeys {
		t.Errorf("apply saw %d dropped answers in %d creates, want creates retried after drops", applied.Faults.Drop, applied.Requests.Create)
	}
}

// soakResource is one hellgate_api_key instance in state.
type soakResource struct {
	ID       string
	KeyValue string
}

// soakState returns the hellgate_api_key instances in the working folder's
// state by address, as terraform show -json reports them.
func soakState(t *testing.T, tf *terraformCLI) map[string]soakResource {
	t.Helper()
	res := map[string]soakResource{}
	for _, r := range tf.showState() {
		if r.Type != "hellgate_api_key" {
			continue
		}
		id, _ := r.Values["id"].(string)
		kv, _ := r.Values["key_value"].(string)
		res[r.Address] = soakResource{ID: id, KeyValue: kv}
	}
	return res
}
