package provider

// Tests of the time rule of a recovery judged on Hellgate's clock, as the
// Date headers of its answers show it, not on this machine's: a key is
// taken for the one an unanswered create made only when Hellgate stamped
// it before the repeat was sent, and the keys named are those made in the
// attempt window by Hellgate's clock.

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// skewedClock is a fake clock seen from a machine whose clock is off by
// by: Hellgate's, when the provider reads the fake clock itself.
type skewedClock struct {
	*clock.Fake
	by time.Duration
}

func (s skewedClock) Now() time.Time { return s.Fake.Now().Add(s.by) }

// machineClock is a fake clock seen from a machine whose clock is off by
// an amount the test changes between runs, as if each ran on another
// machine.
type machineClock struct {
	*clock.Fake
	by *atomic.Int64 // a time.Duration
}

func (m machineClock) Now() time.Time { return m.Fake.Now().Add(time.Duration(m.by.Load())) }

// measuredThenLost is recoveryKey made after another key, whose answer
// gives the run a Date header to measure Hellgate's clock by before the
// create whose answer is lost.
const measuredThenLost = `
resource "hellgate_api_key" "first" {
  scopes = ["pci:tokens:read"]
}

resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read", "pci:tokens:create"]
  expires_in = 7776000
  depends_on = [hellgate_api_key.first]
}
`

// loseAfterMeasuring applies measuredThenLost with the answer of the
// second create lost, and returns the id of the key that create made.
func loseAfterMeasuring(t *testing.T, c *testCluster, tf *terraformCLI) (orphan string) {
	t.Helper()
	// Two drops: net/http sends a request with an Idempotency-Key once
	// more, on a new connection, when a reused one closes unanswered.
	c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepPass, mockcluster.StepDrop, mockcluster.StepDrop}})
	if out, err := tf.apply(); err == nil {
		t.Fatalf("the apply succeeded although its answer was lost:\n%s", out)
	}
	var first []string
	for _, k := range c.srv.Keys() {
		if slices.Equal(k.Scopes, []string{"pci:tokens:read"}) {
			first = append(first, k.ID)
		}
	}
	if len(first) != 1 {
		t.Fatalf("keys with the first key's scopes: %v, want one", first)
	}
	recordOrphan(t, c, &orphan, first...)
	return orphan
}

// The first run's clock 2 min slow, and the next apply on a machine whose
// clock is right, after Hellgate has forgotten the idempotency key: the
// repeat makes a new key, which is revoked, and the original is found in
// the window the first run recorded on Hellgate's clock, and named. By
// the first run's clock moved with the second run's offset, the window
// lay 2 min before the original, and the warning said that nothing was
// left behind.
func TestAccAPIKey_unansweredRecordedOnHellgatesClock(t *testing.T) {
	t.Parallel()
	clk := newKeyClock()
	c := newTestCluster(t, func(o *mockcluster.Options) {
		o.Clock = clk
		o.IdempotencyTTL = time.Minute
	})
	var by atomic.Int64
	by.Store(int64(-2 * time.Minute))
	tf := initCLI(t, c, rootModule("max_retries = 0", measuredThenLost), WithClock(machineClock{clk, &by}))
	orphan := loseAfterMeasuring(t, c, tf)

	by.Store(0)
	clk.Advance(3 * time.Minute)
	diags := tf.mustDiagnosticsOf(approved("apply")...)
	expectDiagnostic(t, diags, "warning", "Unanswered Create May Have Left a Key", anyObject,
		"The API key "+orphan+" has the same scopes",
		"between 2030-01-01T08:59:59Z and 2030-01-01T09:00:02Z")
	orphanNamedNotRevoked(t, c, tf, orphan)
}

// Hellgate's clock 90 s behind the provider's, an idempotency record that
// Hellgate forgets after a minute, and the next apply two minutes after
// the create whose answer was lost: the repeat makes a new key, which
// Hellgate stamps within a minute of the attempt window by the provider's
// clock. It is revoked but not taken for the original, and the original,
// stamped 90 s before the window by the provider's clock, is found and
// named, never revoked.
func TestAccAPIKey_unansweredOnHellgatesClock(t *testing.T) {
	t.Parallel()
	// Two and a half minutes later, by the provider's clock the repeat
	// comes well after the window, and the new key is stamped within a
	// minute of it: the old rule took it for the original.
	for _, later := range []time.Duration{2 * time.Minute, 150 * time.Second} {
		t.Run(later.String(), func(t *testing.T) {
			t.Parallel()
			recoverOnHellgatesClock(t, later)
		})
	}
}

func recoverOnHellgatesClock(t *testing.T, later time.Duration) {
	clk := newKeyClock()
	c := newTestCluster(t, func(o *mockcluster.Options) {
		o.Clock = skewedClock{clk, -90 * time.Second}
		o.IdempotencyTTL = time.Minute
	})
	tf := initCLI(t, c, rootModule("max_retries = 0", measuredThenLost), WithClock(clk))
	orphan := loseAfterMeasuring(t, c, tf)

	clk.Advance(later)
	diags := tf.mustDiagnosticsOf(approved("apply")...)
	expectDiagnostic(t, diags, "warning", "Unanswered Create May Have Left a Key", anyObject,
		"The API key "+orphan+" has the same scopes",
		"between 2030-01-01T08:58:29Z and 2030-01-01T08:58:32Z")
	orphanNamedNotRevoked(t, c, tf, orphan)
}

// orphanNamedNotRevoked checks what follows a recovery that named the
// original key orphan: it is still live, the repeat's key was the only one
// revoked, and once the user revokes orphan the mock holds just the keys
// in state; then it destroys them.
func orphanNamedNotRevoked(t *testing.T, c *testCluster, tf *terraformCLI, orphan string) {
	t.Helper()
	if _, ok := c.srv.Key(orphan); !ok {
		t.Errorf("the original %s, found only by listing, was revoked", orphan)
	}
	if st := c.srv.Stats().Requests; st.Create != 5 || st.Delete != 1 {
		t.Errorf("requests: %+v, want 5 creates (the first key, the lost one sent twice, the repeat, the replacement) and the repeat's key revoked", st)
	}
	c.srv.DeleteKey(orphan) // as the warning advises, once the user has checked
	if n := stateMatchesMock(t, tf, c); n != 2 {
		t.Errorf("%d keys after the recovery, want the two in state", n)
	}
	tf.mustDestroy()
}
