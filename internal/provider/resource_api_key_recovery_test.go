package provider

// Tests of creates that got no answer, and of creates that never reached
// a server: no key is left behind either way.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// A create whose answer never arrives (Hellgate committed the key, then the
// connection dropped) must not leave an unknown live key behind: the object
// is kept as tainted, and the next apply revokes that key before creating
// its replacement.
func TestAccAPIKey_unansweredCreateIsNotLost(t *testing.T) {
	c := newTestCluster(t, withFaults(mockcluster.Faults{DropRate: 1, Seed: 1}))
	cfg := c.providerBlock("max_retries = 1") + `
resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}
`
	var orphan string

	c.parallelTest(t, []resource.TestStep{
		{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Unable to Create API Key.*Hellgate did not confirm that it created the API\s+key`),
		},
		{
			PreConfig: func() {
				if st := c.srv.Stats(); st.Faults.Drop < 2 {
					t.Fatalf("expected the create and its retry to be dropped, stats %+v", st)
				}
				recordOrphan(t, c, &orphan)
			},
			Config: cfg,
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionDestroyBeforeCreate),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				c.keyGone(&orphan),
				c.onlyLiveKey(keyAddr),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.NotNull()),
			},
		},
	})
}

// A create that never reached a server (nothing listens at the endpoint,
// or the cluster id does not resolve) made nothing: it fails plainly and
// leaves nothing in state to clean up.
func TestAccAPIKey_unreachableClusterLeavesNothing(t *testing.T) {
	c := newTestCluster(t)
	closed := "http://" + refusingAddr(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			{
				Config: providerConfig(fmt.Sprintf("endpoint = %q", closed), fmt.Sprintf("admin_token = %q", c.token), "max_retries = 1") + `
resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`,
				ExpectError: regexp.MustCompile(`(?s)Unable to Create API Key.*Hellgate did not create the API key\..*giving up after 2\s+attempts.*refused`),
			},
			{
				// Nothing was recorded: a plan against the real cluster
				// creates the key afresh, with no replacement of a placeholder.
				Config: apiKeyConfig(c, `["pci:tokens:read"]`, ""),
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreate),
				),
				ConfigStateChecks: []statecheck.StateCheck{c.liveKeys(1), c.matchesMock(keyAddr)},
			},
		},
		CheckDestroy: c.checkDestroyed,
	})
}

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
	cred, err := c.srv.CreateKey([]string{"admin:api-keys:create", "admin:api-keys:read", "admin:api-keys:delete"}, 0)
	if err != nil {
		t.Fatal(err)
	}
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
func TestAccAPIKey_recoveryAfterIdempotencyWindow(t *testing.T) {
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
func TestAccAPIKey_recoveryUnderAnotherCredential(t *testing.T) {
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
func TestAccAPIKey_recoveryNeverGuesses(t *testing.T) {
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
func TestAccAPIKey_recoveryFindsNothing(t *testing.T) {
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
func TestAccAPIKey_recoveryTooSoonToTell(t *testing.T) {
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

// The order of failures seen in real life: the first create reaches
// Hellgate and makes the key, its answer is lost, and every retry is then
// throttled until the retries run out. The create is judged by all its
// attempts, not by the last 429: the key is recorded as a placeholder, and
// the next apply revokes it before creating the replacement. The retries
// wait on the fake clock, so the test waits on no wall clock.
func TestAccAPIKey_lostAnswerThenThrottled(t *testing.T) {
	clock := newKeyClock()
	clock.SetAutoAdvance(true)
	c := newClockedCluster(t, clock)
	cfg := c.providerBlock("max_retries = 5") + recoveryKey
	var orphan string
	c.parallelTest(t, []resource.TestStep{
		{
			PreConfig: func() {
				c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{
					mockcluster.StepDrop, mockcluster.StepThrottle, mockcluster.StepThrottle,
					mockcluster.StepThrottle, mockcluster.StepThrottle, mockcluster.StepThrottle,
				}})
			},
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Hellgate did not confirm that it created the API\s+key.*429`),
		},
		{
			PreConfig: func() {
				if st := c.srv.Stats().Requests; st.Create != 6 {
					t.Fatalf("expected 6 create attempts (1 dropped, 5 throttled), stats %+v", st)
				}
				recordOrphan(t, c, &orphan)
			},
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				c.keyGone(&orphan),
				c.onlyLiveKey(keyAddr),
			},
		},
	}, WithClock(clock))
}

// A placeholder's id carries the idempotency key and the attempt window,
// widened to whole seconds; one written by an older version carries only
// the key, and anything else is not a placeholder id.
func TestPlaceholderID(t *testing.T) {
	from := time.Date(2030, 1, 1, 9, 0, 0, 400_000_000, time.UTC)
	u := unansweredCreate{from: from, until: from.Add(1200 * time.Millisecond)}
	u.in.IdempotencyKey = "ik-1"
	id := placeholderID(u)
	if want := "unconfirmed-create:ik-1@2030-01-01T09:00:00Z/2030-01-01T09:00:02Z"; id != want {
		t.Fatalf("placeholderID = %q, want %q", id, want)
	}
	got, ok := parsePlaceholderID(id)
	if !ok || got.in.IdempotencyKey != "ik-1" || !got.from.Equal(from.Truncate(time.Second)) ||
		!got.until.Equal(time.Date(2030, 1, 1, 9, 0, 2, 0, time.UTC)) {
		t.Errorf("parsePlaceholderID(%q) = %+v, %v", id, got, ok)
	}
	if !got.madeWithin(from) || got.madeWithin(from.Add(-2*recoveryClockSkew)) || got.madeWithin(from.Add(2*recoveryClockSkew)) {
		t.Errorf("the window of %q does not hold what it should", id)
	}

	old, ok := parsePlaceholderID("unconfirmed-create:ik-2")
	if !ok || old.in.IdempotencyKey != "ik-2" || !old.from.IsZero() {
		t.Errorf("an older placeholder id reads as %+v, %v", old, ok)
	}
	for _, bad := range []string{
		"0b7e7dc4-6d6a-4c1e-9c55-0d7a3d0a1f00",
		"unconfirmed-create:",
		"unconfirmed-create:ik@2030-01-01T09:00:00Z",
		"unconfirmed-create:ik@2030-01-01T09:00:02Z/2030-01-01T09:00:00Z",
		"unconfirmed-create:@2030-01-01T09:00:00Z/2030-01-01T09:00:02Z",
	} {
		if _, ok := parsePlaceholderID(bad); ok {
			t.Errorf("parsePlaceholderID(%q) accepted it", bad)
		}
	}
}

// A placeholder written by an older version has no attempt window: the
// repeated create's key is taken for the original, revoked, and reported
// as unverified.
func TestRecoverUnansweredCreate_withoutWindow(t *testing.T) {
	c := newTestCluster(t)
	client, err := hellgate.New(hellgate.Config{BaseURL: c.url, AdminToken: c.token, MaxRetries: 0, RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	in := hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: hellgate.NewIdempotencyKey()}
	orig, err := client.CreateAPIKey(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := recoverUnansweredCreate(t.Context(), client, time.Now, unansweredCreate{in: in})
	if err != nil {
		t.Fatal(err)
	}
	if out.revoked != orig.ID || !out.unverified || len(out.similar) != 0 {
		t.Errorf("outcome %+v, want the original %s, unverified", out, orig.ID)
	}
	if n := len(c.srv.Keys()); n != 0 {
		t.Errorf("%d keys left on the mock, want none", n)
	}
}

// What cleaning up a placeholder tells the user. terraform-plugin-testing
// does not show warnings, so the recovery tests above cannot see these:
// Delete's cleanup is called directly, against the mock.
func TestRevokeUnconfirmed_diagnostics(t *testing.T) {
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
		r.revokeUnconfirmed(t.Context(), &state, &resp)
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
		d := revoke(t, "unconfirmed-create:", "pci:tokens:read")
		expect(t, d, diag.SeverityError, "Invalid Placeholder ID in State",
			`The placeholder of an unanswered create has the id "unconfirmed-create:", which the provider cannot read.`)
		if st := c.srv.Stats().Requests; st != (mockcluster.RequestStats{}) {
			t.Errorf("requests: %+v, want none", st)
		}
	})

	t.Run("placeholder of an older version", func(t *testing.T) {
		ik := hellgate.NewIdempotencyKey()
		orig := create(t, hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: ik})
		d := revoke(t, unconfirmedIDPrefix+ik, "pci:tokens:read")
		expect(t, d, diag.SeverityWarning, "Unanswered Create Recovered Without Verification",
			"Repeating it returned the API key "+orig.ID+", which has been revoked.",
			"does not record when the create was attempted")
		if _, ok := c.srv.Key(orig.ID); ok {
			t.Errorf("key %s is still on the mock", orig.ID)
		}
	})

	t.Run("repeat makes a new key", func(t *testing.T) {
		// Attempted a day ago: Hellgate no longer remembers the create,
		// and nothing was made then.
		from := time.Now().Add(-25 * time.Hour)
		u := unansweredCreate{from: from, until: from.Add(time.Second)}
		u.in.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, placeholderID(u), "pci:tokens:read")
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
		u := unansweredCreate{from: now.Add(-time.Second), until: now.Add(time.Second)}
		u.in.IdempotencyKey = ik
		d := revoke(t, placeholderID(u), "pci:tokens:read")
		expect(t, d, diag.SeverityWarning, "No Key Left by an Unanswered Create",
			"Repeating it with its idempotency key was refused (", "409",
			"No other key with the same scopes and expires_in was created between", "Nothing is left behind.")
		if keys := c.srv.Keys(); len(keys) != 1 || keys[0].ID != other.ID {
			t.Errorf("keys on the mock: %v, want only %s, which has other scopes", keys, other.ID)
		}
		c.srv.DeleteKey(other.ID)
	})

	t.Run("listing refused", func(t *testing.T) {
		// A credential that may create and revoke keys but not read them:
		// the repeat's key is revoked, the listing is refused, and the
		// placeholder is resolved all the same, with what to look for.
		cred, err := c.srv.CreateKey([]string{"admin:api-keys:create", "admin:api-keys:delete"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer c.srv.DeleteKey(cred.ID)
		limited, err := hellgate.New(hellgate.Config{BaseURL: c.url, APIKey: cred.KeyValue, MaxRetries: 0, RequestTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		saved := r.data
		r.data = &providerData{client: limited}
		defer func() { r.data = saved }()
		now := time.Now()
		u := unansweredCreate{from: now.Add(-time.Second), until: now.Add(time.Second)}
		u.in.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, placeholderID(u), "pci:tokens:read")
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
		u := unansweredCreate{from: now.Add(-time.Second), until: now.Add(time.Second)}
		u.in.IdempotencyKey = hellgate.NewIdempotencyKey()
		d := revoke(t, placeholderID(u), "pci:tokens:read")
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

// refusingAddr returns a loopback address that refuses every connection:
// a TCP socket bound to it that never listens. Unlike a listener that is
// closed again, the socket keeps the port for the whole test, so a mock
// of a test running in parallel cannot be given it and receive this
// test's requests.
func refusingAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	in4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		t.Fatalf("bound address is %T", sa)
	}
	return fmt.Sprintf("127.0.0.1:%d", in4.Port)
}

// A placeholder keeps the delete timeout of the configuration it was
// written under, and no later configuration can change it: one too short
// to clean up must not wedge every apply. The clean-up takes at least the
// default delete timeout.
func TestAccAPIKey_placeholderOutlivesShortDeleteTimeout(t *testing.T) {
	c := newTestCluster(t)
	cfg := c.providerBlock("max_retries = 0") + `
resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read", "pci:tokens:create"]
  expires_in = 7776000
  timeouts {
    delete = "1ns"
  }
}
`
	var orphan string
	c.parallelTest(t, []resource.TestStep{
		{
			PreConfig:   func() { c.srv.SetFaults(mockcluster.Faults{DropRate: 1, Seed: 1}) },
			Config:      cfg,
			ExpectError: regexp.MustCompile(`Hellgate did not confirm that it created the API\s+key`),
		},
		{
			PreConfig: func() { recordOrphan(t, c, &orphan) },
			Config:    strings.Replace(cfg, `"1ns"`, `"5m"`, 1),
			ConfigStateChecks: []statecheck.StateCheck{
				c.keyGone(&orphan),
				c.onlyLiveKey(keyAddr),
			},
		},
	})
}
