package provider

// Tests of the recovery of an unanswered create by the next apply, once
// Hellgate no longer answers the repeated create with the original key (a
// day later, or under another credential): the repeat's key is revoked, a
// key the listing finds in the attempt window is named and never revoked (a
// sibling in state, twins, one made while the create was attempted), a
// refused repeat or listing is reported, and a recovery interrupted by a
// Ctrl-C keeps the placeholder for the next one.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
)

// recoveryKey is the key of the recovery tests: one that outlives the
// idempotency window.
const recoveryKey = `
resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read", "pci:tokens:create"]
  expires_in = 7776000
}
`

// adminConfig is recoveryKey under the admin token, with one attempt per
// request, so that a dropped answer fails the create at once.
func (c *testCluster) adminConfig() string {
	return c.providerBlock("max_retries = 0") + recoveryKey
}

// credentialConfig is recoveryKey under another credential: an API key
// that may create, read and delete keys, made here. It returns the
// configuration and the credential's key id.
func (c *testCluster) credentialConfig(t *testing.T) (cfg, credID string) {
	t.Helper()
	cred := c.mustCreateKey(t, 0, "admin:api-keys:create", "admin:api-keys:read", "admin:api-keys:delete")
	return providerConfig(fmt.Sprintf("endpoint = %q", c.url), fmt.Sprintf("api_key = %q", cred.KeyValue), "max_retries = 0") +
		recoveryKey, cred.ID
}

// failUnanswered is the first step of a recovery: a create that Hellgate
// commits while its answer is lost, recorded in state as a placeholder.
func failUnanswered(c *testCluster) resource.TestStep {
	return resource.TestStep{
		PreConfig:   func() { c.srv.SetFaults(mockcluster.Faults{DropRate: 1, Seed: 1}) },
		Config:      c.adminConfig(),
		ExpectError: regexp.MustCompile(`Hellgate did not confirm that it created the API\s+key`),
	}
}

// recordOrphan stores the id of the key the unanswered create made (the
// one key on the mock but those in except), and stops the faults.
func recordOrphan(t *testing.T, c *testCluster, orphan *string, except ...string) {
	t.Helper()
	var ids []string
	for _, k := range c.srv.Keys() {
		if !slices.Contains(except, k.ID) {
			ids = append(ids, k.ID)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("expected the unanswered create to have made exactly 1 key, found %v", ids)
	}
	*orphan = ids[0]
	c.srv.SetFaults(mockcluster.Faults{})
}

// A failed apply retried after the idempotency record has expired (by the
// mock's clock, a day later): repeating the create makes a new key, which
// is revoked (nobody received it). The original is then found only by
// listing, so it is named, not revoked: it might be another resource's.
// The apply converges with the new key in state.
func TestAccAPIKey_unansweredAfterIdempotencyWindow(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	var orphan string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithClock(clock)),
		CheckDestroy:             c.onlyKeysLeft(&orphan),
		Steps: []resource.TestStep{
			failUnanswered(c),
			{
				PreConfig: func() {
					recordOrphan(t, c, &orphan)
					clock.Advance(25 * time.Hour)
				},
				Config: c.adminConfig(),
				ConfigStateChecks: []statecheck.StateCheck{
					c.keyLive(&orphan),
					c.liveKeys(2), // the orphan, named to the user, and the key in state
					c.matchesMock(keyAddr),
				},
			},
		},
	})
	// The lost create, the repeat that made a new key, the replacement;
	// the repeat's key revoked, then the destroy.
	if st := c.srv.Stats().Requests; st.Create != 3 || st.Delete != 2 || st.List < 1 {
		t.Errorf("requests: %+v, want 3 creates, 2 deletes and a list", st)
	}
}

// A failed apply retried ten minutes later with another credential (CI
// with the admin token, then a laptop with an API key): Hellgate keeps
// idempotency records per credential, so repeating the create makes a new
// key, which is revoked. The original, found only by listing, is named and
// left alone.
func TestAccAPIKey_unansweredUnderAnotherCredential(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	var orphan string
	cfg, credKeyID := c.credentialConfig(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithClock(clock)),
		CheckDestroy:             c.onlyKeysLeft(&orphan, &credKeyID),
		Steps: []resource.TestStep{
			failUnanswered(c),
			{
				PreConfig: func() {
					recordOrphan(t, c, &orphan, credKeyID)
					clock.Advance(10 * time.Minute)
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					c.keyLive(&orphan),
					c.liveKeys(3), // the credential, the orphan and the key in state
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}

// Two keys that both fit an unanswered create (same scopes and lifetime,
// made while it was attempted): the provider revokes neither, names both,
// and the apply goes on.
func TestAccAPIKey_unansweredNeverGuesses(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	var orphan string
	var twin mockcluster.Key
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithClock(clock)),
		CheckDestroy:             c.onlyKeysLeft(&orphan, &twin.ID),
		Steps: []resource.TestStep{
			failUnanswered(c),
			{
				PreConfig: func() {
					recordOrphan(t, c, &orphan)
					var err error
					twin, err = c.srv.CreateKey([]string{"pci:tokens:create", "pci:tokens:read"}, 7776000*time.Second)
					if err != nil {
						t.Fatal(err)
					}
					clock.Advance(25 * time.Hour)
				},
				Config: c.adminConfig(),
				ConfigStateChecks: []statecheck.StateCheck{
					c.keyLive(&orphan),
					c.keyLive(&twin.ID),
					c.liveKeys(3),
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}

// The key of an unanswered create was revoked by hand before the retry, a
// day later: the repeat makes a new key (revoked at once), the listing
// finds nothing, and the apply goes on to create the key.
func TestAccAPIKey_unansweredFindsNothing(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	var orphan string
	c.parallelTest(t, []resource.TestStep{
		failUnanswered(c),
		{
			PreConfig: func() {
				recordOrphan(t, c, &orphan)
				c.srv.DeleteKey(orphan)
				clock.Advance(25 * time.Hour)
			},
			Config: c.adminConfig(),
			ConfigStateChecks: []statecheck.StateCheck{
				c.onlyLiveKey(keyAddr),
			},
		},
	}, WithClock(clock))
	if st := c.srv.Stats().Requests; st.Create != 3 || st.Delete != 2 {
		t.Errorf("requests: %+v, want 3 creates (lost, repeated, new) and 2 deletes (the repeat's key, the destroy)", st)
	}
}

// The same, retried at once under another credential: the repeat makes a
// new key, revoked at once; the original, found by listing, is named and
// left alone, and the apply goes on.
func TestAccAPIKey_unansweredTooSoonToTell(t *testing.T) {
	c := newTestCluster(t)
	var orphan string
	cfg, credKeyID := c.credentialConfig(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		CheckDestroy:             c.onlyKeysLeft(&orphan, &credKeyID),
		Steps: []resource.TestStep{
			failUnanswered(c),
			{
				PreConfig: func() { recordOrphan(t, c, &orphan, credKeyID) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					c.keyLive(&orphan),
					c.liveKeys(3),
					c.matchesMock(keyAddr),
				},
			},
		},
	})
}

// Two services with keys of the same shape; every attempt of one create
// is answered 503 (Hellgate made nothing), the other succeeds. The next
// apply, at once or minutes later, repeats the lost create: that makes a
// new key, which is revoked. Listing then finds the sibling in the attempt
// window; it is in state and in use, so it is named in a warning and left
// alone, and the apply converges.
func TestAccAPIKey_unansweredSparesSibling(t *testing.T) {
	t.Parallel()
	for name, later := range map[string]time.Duration{"at once": 0, "after the window": 3 * time.Minute} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := newKeyClock()
			c := newClockedCluster(t, clk)
			tf := initCLI(t, c, rootModule("max_retries = 0", `resource "hellgate_api_key" "svc" {
  for_each   = toset(["checkout", "payouts"])
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}
`), WithClock(clk))

			c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepPass, mockcluster.StepError(503)}})
			diags, out, err := tf.diagnosticsOf(approved("apply", "-parallelism=1")...)
			if err == nil {
				t.Fatalf("the apply succeeded although one create was answered 503:\n%s", out)
			}
			expectDiagnostic(t, diags, "error", "Unable to Create API Key", anyObject, "Hellgate did not confirm that it created the API key")
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
			diags = tf.mustDiagnosticsOf(approved("apply")...)
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
func TestAccAPIKey_unansweredRepeatRefused(t *testing.T) {
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
func TestAccAPIKey_unansweredCleanUpInterrupted(t *testing.T) {
	t.Parallel()
	clk := newKeyClock()
	c := newClockedCluster(t, clk)
	tf := initCLI(t, c, rootModule(fmt.Sprintf("max_retries = 0\nrequest_timeout = %q", interruptRequestTimeout), recoveryKey), WithClock(clk))

	c.srv.SetFaults(mockcluster.Faults{DropRate: 1, Seed: 1})
	if out, err := tf.apply(); err == nil {
		t.Fatalf("the apply succeeded although its answer was lost:\n%s", out)
	}
	var orphan string
	recordOrphan(t, c, &orphan)

	clk.Advance(25 * time.Hour)
	c.srv.SetFaults(mockcluster.Faults{Latency: time.Second})
	apply := tf.start(approved("apply")...)
	eventually(t, "the revoke of the repeat's key to reach the mock", func() bool { return c.srv.Stats().Requests.Delete >= 1 })
	apply.interrupt()
	stopped := time.Now()
	out, err := apply.wait()
	exitsSoonAfterInterrupt(t, "recovery", time.Since(stopped), out)
	if st := c.srv.Stats().Requests; st.List != 0 {
		t.Errorf("requests: %+v, want no listing after the stop", st)
	}
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
	expectDiagnostic(t, tf.mustDiagnosticsOf(approved("apply")...), "warning", "Unanswered Create May Have Left a Key", anyObject,
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

// mockOffset is Hellgate's clock minus this machine's, as a run that
// measured it against the mock would record it: the mock keeps the real
// time, and Date headers have whole seconds.
var mockOffset = hellgate.ClockOffset{Min: -time.Second, Max: time.Second}

// What cleaning up a placeholder tells the user. terraform-plugin-testing
// does not show warnings, so the recovery tests above cannot see these:
// Delete's cleanup is called directly, against the mock.
func TestCleanUpUnansweredCreate_diagnostics(t *testing.T) {
	c := newTestCluster(t)
	client, err := hellgate.New(hellgate.Config{BaseURL: c.url, AdminToken: c.token, MaxRetries: 0, RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r := &apiKeyResource{data: &providerData{client: client}}
	// revoke cleans up the placeholder id of a key with scopes and no
	// expires_in, and returns the one diagnostic it leaves.
	revoke := func(t *testing.T, id string, scopes ...string) diag.Diagnostic {
		t.Helper()
		elems := make([]attr.Value, 0, len(scopes))
		for _, s := range scopes {
			elems = append(elems, types.StringValue(s))
		}
		state := apiKeyModel{ID: types.StringValue(id), Scopes: types.SetValueMust(types.StringType, elems), ExpiresIn: types.NumberNull()}
		var resp fwresource.DeleteResponse
		r.cleanUpUnansweredCreate(t.Context(), &state, &resp)
		if len(resp.Diagnostics) != 1 {
			t.Fatalf("cleaning up %q left %d diagnostics, want 1: %v", id, len(resp.Diagnostics), resp.Diagnostics)
		}
		return resp.Diagnostics[0]
	}
	expect := func(t *testing.T, d diag.Diagnostic, severity diag.Severity, summary string, details ...string) {
		t.Helper()
		if d.Severity() != severity || d.Summary() != summary {
			t.Errorf("got %s %q, want %s %q", d.Severity(), d.Summary(), severity, summary)
		}
		for _, want := range details {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("the detail of %q lacks %q:\n%s", d.Summary(), want, d.Detail())
			}
		}
	}
	create := func(t *testing.T, in hellgate.CreateAPIKeyInput) *hellgate.APIKey {
		t.Helper()
		k, err := client.CreateAPIKey(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}

	t.Run("unreadable id", func(t *testing.T) {
		d := revoke(t, "unanswered-create:", "pci:tokens:read")
		expect(t, d, diag.SeverityError, "Invalid Placeholder ID in State",
			`The placeholder of an unanswered create has the id "unanswered-create:", which the provider cannot read.`)
		if st := c.srv.Stats().Requests; st != (mockcluster.RequestStats{}) {
			t.Errorf("requests: %+v, want none", st)
		}
	})

	t.Run("repeat makes a new key", func(t *testing.T) {
		// Attempted a day ago: Hellgate no longer remembers the create,
		// and nothing was made then.
		from := time.Now().Add(-25 * time.Hour)
		u := unanswered.Create{From: from, Until: from.Add(time.Second), Offset: mockOffset, OffsetKnown: true}
		u.In.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, u.PlaceholderID(), "pci:tokens:read")
		expect(t, d, diag.SeverityWarning, "No Key Left by an Unanswered Create",
			"Repeating it with its idempotency key returned the API key ", "which has been revoked, since nobody received its secret",
			"No other key with the same scopes and expires_in was created between", "Nothing is left behind.")
		if n := len(c.srv.Keys()); n != 0 {
			t.Errorf("%d keys left on the mock, want none", n)
		}
	})

	t.Run("repeat refused", func(t *testing.T) {
		// The idempotency key was last used for another create (other
		// scopes), so Hellgate refuses the repeat, and no key made while
		// the create was attempted has its scopes.
		ik := hellgate.NewIdempotencyKey()
		other := create(t, hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:create"}, IdempotencyKey: ik})
		now := time.Now()
		u := unanswered.Create{From: now.Add(-time.Second), Until: now.Add(time.Second), Offset: mockOffset, OffsetKnown: true}
		u.In.IdempotencyKey = ik
		d := revoke(t, u.PlaceholderID(), "pci:tokens:read")
		// A 409 may mean "still in progress": never an all-clear.
		expect(t, d, diag.SeverityWarning, "No Key Found Yet for an Unanswered Create",
			"Repeating it with its idempotency key was refused (", "409",
			"No other key with the same scopes and expires_in was created between", "may still make its key",
			"look again later for a key with the scopes pci:tokens:read created since",
			"The placeholder of that create has been removed from state")
		if strings.Contains(d.Detail(), "Nothing is left") {
			t.Errorf("after a 409 the warning says that nothing is left:\n%s", d.Detail())
		}
		if keys := c.srv.Keys(); len(keys) != 1 || keys[0].ID != other.ID {
			t.Errorf("keys on the mock: %v, want only %s, which has other scopes", keys, other.ID)
		}
		c.srv.DeleteKey(other.ID)
	})

	// A repeat refused as invalid (the placeholder's scopes or lifetime
	// are no longer accepted): no apply can send it differently, so the
	// placeholder is resolved with a warning naming the window, instead
	// of failing every apply.
	for _, status := range []int{400, 422} {
		t.Run(fmt.Sprintf("repeat refused with %d", status), func(t *testing.T) {
			c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(status)}})
			defer c.srv.SetFaults(mockcluster.Faults{})
			now := time.Now()
			u := unanswered.Create{From: now.Add(-time.Second), Until: now.Add(time.Second), Offset: mockOffset, OffsetKnown: true}
			u.In.IdempotencyKey = hellgate.NewIdempotencyKey()
			d := revoke(t, u.PlaceholderID(), "pci:tokens:read")
			expect(t, d, diag.SeverityWarning, "No Key Left by an Unanswered Create",
				"was refused (", strconv.Itoa(status), "No later apply can send that create differently",
				"No other key with the same scopes and expires_in was created between")
		})
	}

	// A repeat refused for a reason that only the user can fix: the
	// placeholder stays, and the error says exactly how to get out.
	t.Run("repeat refused with 401", func(t *testing.T) {
		c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(401)}})
		defer c.srv.SetFaults(mockcluster.Faults{})
		now := time.Now()
		u := unanswered.Create{From: now.Add(-time.Second), Until: now.Add(time.Second), Offset: mockOffset, OffsetKnown: true}
		u.In.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, u.PlaceholderID(), "pci:tokens:read")
		expect(t, d, diag.SeverityError, "Unable to Revoke Unanswered API Key",
			"The placeholder stays in state", "set a valid api_key or admin_token", "terraform state rm",
			"look for a key with the scopes pci:tokens:read created between", "hellgate_revoke_api_key action")
	})
	t.Run("repeat sent to a wrong endpoint", func(t *testing.T) {
		wrong, err := hellgate.New(hellgate.Config{BaseURL: c.url + "/wrong", AdminToken: c.token, MaxRetries: 0, RequestTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		saved := r.data
		r.data = &providerData{client: wrong}
		defer func() { r.data = saved }()
		now := time.Now()
		u := unanswered.Create{From: now.Add(-time.Second), Until: now.Add(time.Second), Offset: mockOffset, OffsetKnown: true}
		u.In.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, u.PlaceholderID(), "pci:tokens:read")
		expect(t, d, diag.SeverityError, d.Summary(),
			"The placeholder stays in state", "correct the provider's cluster_id or endpoint", "terraform state rm",
			"look for a key with the scopes pci:tokens:read created between")
	})

	t.Run("listing refused", func(t *testing.T) {
		// A credential that may create and revoke keys but not read them:
		// the repeat's key is revoked, the listing is refused, and the
		// placeholder is resolved all the same, with what to look for.
		cred := c.mustCreateKey(t, 0, "admin:api-keys:create", "admin:api-keys:delete")
		defer c.srv.DeleteKey(cred.ID)
		limited, err := hellgate.New(hellgate.Config{BaseURL: c.url, APIKey: cred.KeyValue, MaxRetries: 0, RequestTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		saved := r.data
		r.data = &providerData{client: limited}
		defer func() { r.data = saved }()
		now := time.Now()
		u := unanswered.Create{From: now.Add(-time.Second), Until: now.Add(time.Second), Offset: mockOffset, OffsetKnown: true}
		u.In.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, u.PlaceholderID(), "pci:tokens:read")
		expect(t, d, diag.SeverityWarning, "Keys of an Unanswered Create Not Looked Up",
			"It could not list the cluster's keys:", "403", "Look for keys with the scopes pci:tokens:read created between",
			"The placeholder of that create has been removed from state")
		if keys := c.srv.Keys(); len(keys) != 1 || keys[0].ID != cred.ID {
			t.Errorf("keys on the mock: %v, want only the credential: the repeat's key must be revoked", keys)
		}
	})

	t.Run("similar key named, not revoked", func(t *testing.T) {
		// A key of the same shape made while the create was attempted,
		// and a repeat that makes a new key: the new key is revoked, the
		// other one is named, and kept.
		sibling := create(t, hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
		now := time.Now()
		u := unanswered.Create{From: now.Add(-time.Second), Until: now.Add(time.Second), Offset: mockOffset, OffsetKnown: true}
		u.In.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, u.PlaceholderID(), "pci:tokens:read")
		expect(t, d, diag.SeverityWarning, "Unanswered Create May Have Left a Key",
			"The API key "+sibling.ID+" has the same scopes and expires_in and was created between",
			"so the provider does not revoke it", "terraform state list", "hellgate_revoke_api_key action",
			"The placeholder of that create has been removed from state")
		if keys := c.srv.Keys(); len(keys) != 1 || keys[0].ID != sibling.ID {
			t.Errorf("keys on the mock: %v, want only the sibling %s", keys, sibling.ID)
		}
		c.srv.DeleteKey(sibling.ID)
	})
}
