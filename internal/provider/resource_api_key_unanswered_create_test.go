package provider

// Tests of creates that got no answer, and of creates that never reached a
// server: the create is repeated once with its idempotency key, a key that
// may have been made is kept in state as a placeholder (with its keepers and
// identity, and untainting it changes nothing), and the next apply revokes
// it before creating the replacement; the ephemeral resource, which has no
// state to keep it in, revokes it or warns. A create that never reached a
// server leaves nothing behind.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
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

// Someone who untaints the placeholder of an unanswered create still gets
// it replaced, and its key revoked.
func TestAccAPIKey_unansweredCreateUntainted(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{DropRate: 1, Seed: 2}))
	tf := initCLI(t, c, rootModule("max_retries = 0", `resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read", "pci:tokens:create"]
}
`))
	mustFailUnanswered(t, tf)
	orphan := onlyKey(t, c) // made by the dropped create
	c.srv.SetFaults(mockcluster.Faults{})
	tf.mustRun("untaint", "-no-color", keyAddr)
	tf.mustPlan("-out=p")
	tf.showPlan("p").expectActions(t, keyAddr, "delete", "create")
	tf.mustApply()
	if _, ok := c.srv.Key(orphan.ID); ok {
		t.Errorf("the key of the unanswered create %s is still live", orphan.ID)
	}
	if n := len(c.srv.Keys()); n != 1 {
		t.Errorf("expected exactly 1 live key, found %d", n)
	}
	endsCleanly(t, tf, c)
}

// The placeholder of a create that got no answer records the keepers as
// configured; the next apply replaces it and keeps them.
func TestAccAPIKey_keepersUnansweredCreate(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{DropRate: 1, Seed: 3}))
	tf := initCLI(t, c, rootModule("max_retries = 0", `resource "hellgate_api_key" "test" {
  scopes  = ["pci:tokens:read"]
  keepers = { release = "1.0.0" }
}
`))
	mustFailUnanswered(t, tf)
	placeholder := tf.stateResource(keyAddr).Values
	if id, _ := placeholder["id"].(string); !strings.HasPrefix(id, unanswered.PlaceholderIDPrefix) {
		t.Fatalf("id in state %q, want the placeholder of an unanswered create", id)
	}
	if got, _ := json.Marshal(placeholder["keepers"]); string(got) != `{"release":"1.0.0"}` {
		t.Errorf("keepers of the placeholder: %s, want the configured {\"release\":\"1.0.0\"}", got)
	}

	c.srv.SetFaults(mockcluster.Faults{})
	tf.mustApply()
	key := onlyKey(t, c)
	recovered := tf.stateResource(keyAddr).Values
	if recovered["id"] != key.ID {
		t.Errorf("id in state %v, want the new key %s", recovered["id"], key.ID)
	}
	if got, _ := json.Marshal(recovered["keepers"]); string(got) != `{"release":"1.0.0"}` {
		t.Errorf("keepers after the recovery: %s, want {\"release\":\"1.0.0\"}", got)
	}
	endsCleanly(t, tf, c)
}

// The placeholder of a create that got no answer carries its placeholder
// id as identity, is refreshed and planned without an identity error, and
// is replaced by a key whose identity is its real id.
func TestAccAPIKeyIdentity_unansweredCreate(t *testing.T) {
	requireCLIFeature(t, featureIdentityOfFailedCreate)
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{DropRate: 1, Seed: 1}))
	tf := initCLI(t, c, rootModule("max_retries = 1", `resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
}
`))
	if out, err := tf.apply(); err == nil {
		t.Fatalf("the apply succeeded although every answer was dropped:\n%s", out)
	}
	placeholder := tf.stateResource(keyAddr)
	id, _ := placeholder.Values["id"].(string)
	if !strings.HasPrefix(id, unanswered.PlaceholderIDPrefix) || placeholder.Identity["id"] != id {
		t.Fatalf("placeholder: id %q, identity %v; want an %s id that is also the identity", id, placeholder.Identity, unanswered.PlaceholderIDPrefix)
	}

	c.srv.SetFaults(mockcluster.Faults{})
	tf.mustPlan("-out=p")
	tf.showPlan("p").expectActions(t, keyAddr, "delete", "create")
	tf.mustApplyPlan("p")

	key := onlyKey(t, c)
	got := tf.stateResource(keyAddr)
	if got.Values["id"] != key.ID || got.Identity["id"] != key.ID {
		t.Errorf("after the replacement: id %v, identity %v; want both %s", got.Values["id"], got.Identity, key.ID)
	}
	tf.planIsEmpty()
}

// A placeholder keeps the delete timeout it was written with, and no
// later configuration can change it: one too short to clean up (1ns
// stands for any such value) must not wedge every apply. The clean-up takes at least the default
// delete timeout.
func TestAccAPIKey_placeholderOutlivesShortDeleteTimeout(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t)
	tf := initCLI(t, c, rootModule("max_retries = 0", `resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read", "pci:tokens:create"]
  expires_in = 7776000
}
`))
	c.srv.SetFaults(mockcluster.Faults{DropRate: 1, Seed: 1})
	if out, err := tf.apply(); err == nil || !wsRegexp(`Hellgate did not confirm that it created the API key`).MatchString(out) {
		t.Fatalf("the apply whose create got no answer: %v\n%s", err, out)
	}
	var orphan string
	recordOrphan(t, c, &orphan)
	setStoredTimeouts(t, tf, "test", map[string]any{"create": nil, "read": nil, "delete": "1ns"})

	tf.mustApply()
	if key := onlyKey(t, c); key.ID == orphan {
		t.Errorf("the key of the unanswered create, %s, is still live", orphan)
	}
	stateMatchesMock(t, tf, c)
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

// An Open whose create got no answer, on a cluster that answers nothing:
// the provider repeats the create at once to find and revoke its key, and
// when that cannot be done either, it warns which key may be left live and
// until when, besides failing the run.
func TestAccEphemeralAPIKey_unansweredCreateWarns(t *testing.T) {
	skipBelowEphemeralCLI(t)
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{DropRate: 1, Seed: 3}))
	diags, out, err := planOneEphemeralKey(t, c)
	if err == nil {
		t.Fatalf("the plan succeeded although every answer was dropped:\n%s", out)
	}
	expectDiagnostic(t, diags, "error", "Unable to Create Ephemeral API Key", ephemeralKeyAddr)
	expectDiagnostic(t, diags, "warning", "Ephemeral API Key May Be Left Live", ephemeralKeyAddr,
		"Hellgate may have made an ephemeral API key with the scopes pci:tokens:read that nobody received")
	if st := c.srv.Stats().Requests; st.Create != 2 {
		t.Errorf("requests: %+v, want 2 creates (the lost one and its repeat)", st)
	}
}

// An Open whose create got no answer, on a cluster that answers again at
// once: the repeated create returns the key the lost one made, which is
// revoked there and then, so the failed run leaves no key live and needs
// no warning.
func TestAccEphemeralAPIKey_unansweredCreateRevoked(t *testing.T) {
	skipBelowEphemeralCLI(t)
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepDrop}}))
	diags, out, err := planOneEphemeralKey(t, c)
	if err == nil {
		t.Fatalf("the plan succeeded although the create's answer was lost:\n%s", out)
	}
	expectDiagnostic(t, diags, "error", "Unable to Create Ephemeral API Key", ephemeralKeyAddr)
	if w := withSummary(diags, "warning", "Ephemeral API Key May Be Left Live"); len(w) != 0 {
		t.Errorf("the plan warns about a key that was revoked: %+v", w)
	}
	if n := len(c.srv.Keys()); n != 0 {
		t.Errorf("the mock holds %d live keys after the failed Open, want none", n)
	}
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 1 {
		t.Errorf("requests: %+v, want 2 creates (lost, repeated) and 1 delete", st)
	}
}

// An Open whose create got no answer, and whose repeat Hellgate refuses
// with 409 (the create still in progress): the key the lost create made
// is found only by listing, so it is named in the warning, with how long
// it may live, and not revoked: a key of the same shape may be another's.
func TestAccEphemeralAPIKey_unansweredCreateRepeatRefused(t *testing.T) {
	skipBelowEphemeralCLI(t)
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepDrop, mockcluster.StepError(409)}}))
	diags, out, err := planOneEphemeralKey(t, c)
	if err == nil {
		t.Fatalf("the plan succeeded although the create's answer was lost:\n%s", out)
	}
	orphan := onlyKey(t, c)
	expectDiagnostic(t, diags, "error", "Unable to Create Ephemeral API Key", ephemeralKeyAddr)
	expectDiagnostic(t, diags, "warning", "Ephemeral API Key May Be Left Live", ephemeralKeyAddr,
		"The API key "+orphan.ID+" has the same scopes and expires_in", "so the provider does not revoke it")
	if st := c.srv.Stats().Requests; st.Create != 2 || st.Delete != 0 || st.List != 1 {
		t.Errorf("requests: %+v, want 2 creates (lost, refused), a list and no delete", st)
	}
}

// mustFailUnanswered applies, and fails the test unless the apply fails
// because Hellgate did not confirm the create of hellgate_api_key.test.
func mustFailUnanswered(t *testing.T, tf *terraformCLI) {
	t.Helper()
	diags, out, err := tf.diagnosticsOf(approved("apply")...)
	if err == nil {
		t.Fatalf("expected the apply to fail with an unanswered create, it succeeded:\n%s", out)
	}
	expectDiagnostic(t, diags, "error", "Unable to Create API Key", keyAddr, "Hellgate did not confirm that it created the API key.")
}

// ephemeralKeyAddr is the address of the key planOneEphemeralKey opens.
const ephemeralKeyAddr = "ephemeral.hellgate_api_key.test"

// planOneEphemeralKey plans, against c and without retries, a root module
// that opens one ephemeral key, and returns the plan's diagnostics, its
// output and its error.
func planOneEphemeralKey(t *testing.T, c *testCluster) ([]jsonDiagnostic, string, error) {
	t.Helper()
	tf := initCLI(t, c, rootModule("max_retries = 0", `ephemeral "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read"]
  expires_in = 300
}
`))
	return tf.diagnosticsOf(usual("plan")...)
}
