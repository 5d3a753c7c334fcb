package provider

// Tests of runs that are interrupted or confused, in the order things
// happen in real life: a Ctrl-C during an apply, a destroy or a recovery;
// a create that got no answer next to a sibling key of the same shape;
// a repeat that Hellgate refuses. The provider keeps every key it made in
// state, and revokes only keys it can name.

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// eventually waits until cond holds, failing the test if it does not
// within a minute. It is for waiting on an event (a request arriving at
// the mock), never for asserting how long something takes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after a minute", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stateMatchesMock checks that the keys in the working folder's state are
// exactly the live keys on the mock, none of them tainted or a
// placeholder, and returns how many there are.
func stateMatchesMock(t *testing.T, tf *terraformCLI, c *testCluster) int {
	t.Helper()
	var inState []string
	for _, r := range tf.showState() {
		if r.Type != "hellgate_api_key" {
			continue
		}
		id, _ := r.Values["id"].(string)
		if r.Tainted || isPlaceholderID(id) {
			t.Errorf("%s is tainted (id %s): a create was recorded as unanswered", r.Address, id)
		}
		inState = append(inState, id)
	}
	var live []string
	for _, k := range c.srv.Keys() {
		live = append(live, k.ID)
	}
	slices.Sort(inState)
	slices.Sort(live)
	if !slices.Equal(inState, live) {
		t.Errorf("state holds %d keys and the mock %d live keys; in state only: %v; on the mock only: %v",
			len(inState), len(live), missingFrom(inState, live), missingFrom(live, inState))
	}
	return len(live)
}

// missingFrom returns the elements of a that b lacks.
func missingFrom(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// One Ctrl-C during an apply of 60 keys, every answer 400 ms late and ten
// creates in flight: the creates already sent finish and are recorded, so
// every key Hellgate holds is in state and no placeholder is written; the
// next apply makes the rest. The same during destroy: every key revoked
// has left state, every key left is in state, and the next destroy leaves
// nothing.
func TestAccAPIKey_interruptedApplyAndDestroy(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{Latency: 400 * time.Millisecond}))
	dir := t.TempDir()
	writeMainTF(t, dir, rootModule("", `resource "hellgate_api_key" "svc" {
  count      = 60
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}
`))
	tf := newTerraformCLI(t, dir, c)
	tf.mustInit()

	apply := tf.start(applyArgs("-parallelism=10")...)
	eventually(t, "15 creates to reach the mock", func() bool { return c.srv.Stats().Requests.Create >= 15 })
	apply.interrupt()
	out, _ := apply.wait()
	made := stateMatchesMock(t, tf, c)
	if made < 15 || made >= 60 {
		t.Fatalf("the interrupted apply made %d keys, want at least the 15 sent before the interrupt and fewer than 60:\n%s", made, out)
	}
	t.Logf("interrupted apply: %d of 60 keys made, every one in state", made)

	tf.mustApply("-parallelism=10")
	if n := stateMatchesMock(t, tf, c); n != 60 {
		t.Fatalf("after the next apply: %d keys, want 60", n)
	}
	tf.planIsEmpty()

	deletes := c.srv.Stats().Requests.Delete
	destroy := tf.start(destroyArgs("-parallelism=10")...)
	eventually(t, "15 deletes to reach the mock", func() bool { return c.srv.Stats().Requests.Delete >= deletes+15 })
	destroy.interrupt()
	out, _ = destroy.wait()
	left := stateMatchesMock(t, tf, c)
	if left == 0 || left > 45 {
		t.Fatalf("the interrupted destroy left %d keys, want at most the 45 not sent before the interrupt, and some:\n%s", left, out)
	}
	t.Logf("interrupted destroy: %d of 60 keys left, every one in state", left)

	tf.mustDestroy("-parallelism=10")
	if n := stateMatchesMock(t, tf, c); n != 0 {
		t.Errorf("after the next destroy: %d keys, want none", n)
	}
}

// Two services with keys of the same shape; every attempt of one create
// is answered 503 (Hellgate made nothing), the other succeeds. The next
// apply, at once or minutes later, repeats the lost create: that makes a
// new key, which is revoked. Listing then finds the sibling in the attempt
// window; it is in state and in use, so it is named in a warning and left
// alone, and the apply converges.
func TestAccAPIKey_recoverySparesSibling(t *testing.T) {
	t.Parallel()
	for name, later := range map[string]time.Duration{"at once": 0, "after the window": 3 * time.Minute} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := newKeyClock()
			c := newClockedCluster(t, clk)
			dir := t.TempDir()
			writeMainTF(t, dir, rootModule("max_retries = 0", `resource "hellgate_api_key" "svc" {
  for_each   = toset(["checkout", "payouts"])
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}
`))
			tf := newTerraformCLI(t, dir, c, WithClock(clk))
			tf.mustInit()

			c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepPass, mockcluster.StepError(503)}})
			out, err := tf.apply("-parallelism=1")
			if err == nil {
				t.Fatalf("the apply succeeded although one create was answered 503:\n%s", out)
			}
			mustContain(t, out, "Hellgate did not confirm that it created the API key")
			sibling := onlyKey(t, c).ID
			var siblingAddr string
			for _, r := range tf.showState() {
				if id, _ := r.Values["id"].(string); id == sibling && !r.Tainted {
					siblingAddr = r.Address
				}
			}
			if siblingAddr == "" {
				t.Fatalf("the sibling %s is not in state", sibling)
			}

			clk.Advance(later)
			diags := tf.mustDiagnosticsOf(applyArgs()...)
			expectDiagnostic(t, diags, "warning", "Unanswered Create May Have Left a Key", anyObject,
				"The API key "+sibling+" has the same scopes and expires_in", "so the provider does not revoke it")
			if _, ok := c.srv.Key(sibling); !ok {
				t.Fatalf("the sibling %s, in state and in use, was revoked: %+v", sibling, diags)
			}
			if id, _ := tf.stateResource(siblingAddr).Values["id"].(string); id != sibling {
				t.Errorf("%s now holds %s, want the sibling %s unchanged", siblingAddr, id, sibling)
			}
			if n := stateMatchesMock(t, tf, c); n != 2 {
				t.Errorf("%d keys after the recovery, want 2", n)
			}
			tf.planIsEmpty()
			tf.mustDestroy()
			if n := len(c.srv.Keys()); n != 0 {
				t.Errorf("%d keys left after destroy, want none", n)
			}
		})
	}
}

// The repeat of an unanswered create is refused for good: 409 (the
// create is still in progress, or the record holds another body) or 403
// (this credential may not create keys). The key the create made is found
// only by listing: it is named, never revoked, and the apply goes on.
func TestAccAPIKey_recoveryRepeatRefused(t *testing.T) {
	t.Parallel()
	for _, status := range []int{409, 403} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			c := newTestCluster(t)
			var orphan string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: c.factories(),
				CheckDestroy:             c.onlyKeysLeft(&orphan),
				Steps: []resource.TestStep{
					failUnanswered(c),
					{
						PreConfig: func() {
							recordOrphan(t, c, &orphan)
							c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(status)}})
						},
						Config: c.adminConfig(),
						ConfigStateChecks: []statecheck.StateCheck{
							c.keyLive(&orphan),
							c.liveKeys(2),
							c.matchesMock(keyAddr),
						},
					},
				},
			})
			if st := c.srv.Stats().Faults; st.Error != 1 {
				t.Errorf("faults: %+v, want the one refusal of the repeat", st)
			}
		})
	}
}

// A Ctrl-C while recovery revokes the key its repeat returned (a day
// later, so Hellgate made a new key): the revoke already sent finishes,
// the recovery stops before listing and keeps the placeholder. The next
// recovery, another day later, names the original instead of reporting
// that nothing is left, and the apply converges.
func TestAccAPIKey_interruptedRecovery(t *testing.T) {
	t.Parallel()
	clk := newKeyClock()
	c := newClockedCluster(t, clk)
	dir := t.TempDir()
	writeMainTF(t, dir, rootModule("max_retries = 0", recoveryKey))
	tf := newTerraformCLI(t, dir, c, WithClock(clk))
	tf.mustInit()

	c.srv.SetFaults(mockcluster.Faults{DropRate: 1, Seed: 1})
	if out, err := tf.apply(); err == nil {
		t.Fatalf("the apply succeeded although its answer was lost:\n%s", out)
	}
	var orphan string
	recordOrphan(t, c, &orphan)

	clk.Advance(25 * time.Hour)
	c.srv.SetFaults(mockcluster.Faults{Latency: time.Second})
	apply := tf.start(applyArgs()...)
	eventually(t, "the revoke of the repeat's key to reach the mock", func() bool { return c.srv.Stats().Requests.Delete >= 1 })
	apply.interrupt()
	out, err := apply.wait()
	if err == nil {
		t.Fatalf("the interrupted recovery succeeded:\n%s", out)
	}
	if keys := c.srv.Keys(); len(keys) != 1 || keys[0].ID != orphan {
		t.Fatalf("after the interrupted recovery the mock holds %v, want only the original %s: the repeat's key must be revoked\n%s",
			keys, orphan, out)
	}
	if r := tf.stateResource(keyAddr); !r.Tainted {
		t.Errorf("the placeholder is gone from state although the recovery did not finish")
	}

	clk.Advance(25 * time.Hour)
	c.srv.SetFaults(mockcluster.Faults{})
	expectDiagnostic(t, tf.mustDiagnosticsOf(applyArgs()...), "warning", "Unanswered Create May Have Left a Key", anyObject,
		"The API key "+orphan+" has the same scopes")
	if _, ok := c.srv.Key(orphan); !ok {
		t.Errorf("the original %s, found only by listing, was revoked", orphan)
	}
	c.srv.DeleteKey(orphan) // as the warning advises, once the user has checked
	if n := stateMatchesMock(t, tf, c); n != 1 {
		t.Errorf("%d keys after the recovery, want the one in state", n)
	}
	tf.mustDestroy()
}

// A create whose answer was lost, stopped while it waits to retry: the
// create is repeated once, at once, with its idempotency key, and the key
// Hellgate made for it is returned, not lost. When the repeat gets no
// answer either, the error says the create may have committed, so that a
// placeholder is written.
func TestCreateKey_stoppedWithOutcomeUnknown(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		script  []mockcluster.FaultStep
		wantKey bool
	}{
		"repeat answered": {script: []mockcluster.FaultStep{mockcluster.StepDrop}, wantKey: true},
		"repeat lost":     {script: []mockcluster.FaultStep{mockcluster.StepDrop, mockcluster.StepDrop}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newTestCluster(t, withFaults(mockcluster.Faults{Script: tc.script}))
			waits := clock.NewFake(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)) // a retry wait ends only with the stop
			client, err := hellgate.New(hellgate.Config{BaseURL: c.url, AdminToken: c.token, MaxRetries: 5, Clock: waits})
			if err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(t.Context())
			defer stop()
			go func() {
				if waits.WaitForSleepers(ctx, 1) == nil {
					stop()
				}
			}()
			in := hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: hellgate.NewIdempotencyKey()}
			key, err := createKey(ctx, client, in)
			if st := c.srv.Stats().Requests; st.Create != 2 {
				t.Errorf("requests: %+v, want 2 creates (the lost one and the one repeat)", st)
			}
			if !tc.wantKey {
				if err == nil || !hellgate.MayHaveCommitted(err) || !strings.Contains(err.Error(), "repeating it once with the same idempotency key") {
					t.Errorf("createKey = %v, %v; want an error that may have committed and names the repeat", key, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("createKey: %v", err)
			}
			if only := onlyKey(t, c); key.ID != only.ID || key.KeyValue == "" {
				t.Errorf("createKey returned %s, want the key the lost create made, %s, with its secret", key.ID, only.ID)
			}
		})
	}
}
