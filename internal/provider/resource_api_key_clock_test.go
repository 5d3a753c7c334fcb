package provider

// Tests of the time rule of a recovery judged on Hellgate's clock, as the
// Date headers of its answers show it, not on this machine's: a key is
// taken for the one an unanswered create made only when Hellgate stamped
// it before the repeat was sent, and the keys named are those made in the
// attempt window by Hellgate's clock.

import (
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
	tf := initCLI(t, c, rootModule("max_retries = 0", recoveryKey), WithClock(clk))

	c.srv.SetFaults(mockcluster.Faults{DropRate: 1, Seed: 1})
	if out, err := tf.apply(); err == nil {
		t.Fatalf("the apply succeeded although its answer was lost:\n%s", out)
	}
	var orphan string
	recordOrphan(t, c, &orphan)

	clk.Advance(later)
	diags := tf.mustDiagnosticsOf(approved("apply")...)
	expectDiagnostic(t, diags, "warning", "Unanswered Create May Have Left a Key", anyObject,
		"The API key "+orphan+" has the same scopes",
		"between 2030-01-01T08:58:29Z and 2030-01-01T08:58:32Z")
	if _, ok := c.srv.Key(orphan); !ok {
		t.Errorf("the original %s, found only by listing, was revoked", orphan)
	}
	if st := c.srv.Stats().Requests; st.Create != 3 || st.Delete != 1 {
		t.Errorf("requests: %+v, want 3 creates (the lost one, the repeat, the replacement) and the repeat's key revoked", st)
	}
	c.srv.DeleteKey(orphan) // as the warning advises, once the user has checked
	if n := stateMatchesMock(t, tf, c); n != 1 {
		t.Errorf("%d keys after the recovery, want the one in state", n)
	}
	tf.mustDestroy()
}
