package provider

// Tests of the time rule of a recovery judged on Hellgate's clock, as the
// Date headers of its answers show it, not on this machine's: a key is
// taken for the one an unanswered create made only when Hellgate stamped
// it before the repeat was sent, and the keys named are those made in the
// attempt window by Hellgate's clock.

import (
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
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
func TestAccAPIKey_recoveryOnHellgatesClock(t *testing.T) {
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

// The time rule, one case a row: whether the key a repeat returned is
// taken for the original, and whether a key is named as one the create
// may have made.
func TestUnansweredCreate_timeRule(t *testing.T) {
	t0 := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	window := unansweredCreate{from: t0, until: t0.Add(time.Second)}
	measured := func(minOff, maxOff time.Duration) unansweredCreate {
		u := window
		u.offset, u.offsetKnown = hellgate.ClockOffset{Min: minOff, Max: maxOff}, true
		return u
	}
	for _, tc := range []struct {
		name      string
		u         unansweredCreate
		createdAt time.Time // by Hellgate's clock
		repeated  time.Time // by the provider's clock
		within    bool
		before    bool
	}{
		{"same clocks, the original, repeat an hour later", measured(0, time.Second), t0, t0.Add(time.Hour), true, true},
		{"same clocks, a new key made by the repeat", measured(0, time.Second), t0.Add(time.Hour), t0.Add(time.Hour), false, false},
		{"Hellgate 90 s behind, the original", measured(-90*time.Second, -89*time.Second), t0.Add(-90 * time.Second), t0.Add(2 * time.Minute), true, true},
		{"Hellgate 90 s behind, a new key two minutes later", measured(-90*time.Second, -89*time.Second), t0.Add(30 * time.Second), t0.Add(2 * time.Minute), false, false},
		{"Hellgate 90 s ahead, the original", measured(90*time.Second, 91*time.Second), t0.Add(90 * time.Second), t0.Add(2 * time.Minute), true, true},
		{"Hellgate 90 s ahead, a new key at once", measured(90*time.Second, 91*time.Second), t0.Add(95 * time.Second), t0.Add(5 * time.Second), false, false},
		{"offset unknown: nothing is proved before the repeat", window, t0, t0.Add(time.Hour), true, false},
		{"offset unknown: a minute either way", window, t0.Add(-61 * time.Second), t0.Add(time.Hour), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.u.madeWithin(tc.createdAt); got != tc.within {
				t.Errorf("madeWithin(%s) = %v, want %v (window %s)", tc.createdAt.Format(time.RFC3339), got, tc.within, tc.u.window())
			}
			if got := tc.u.madeBefore(tc.createdAt, tc.repeated); got != tc.before {
				t.Errorf("madeBefore(%s, %s) = %v, want %v", tc.createdAt.Format(time.RFC3339), tc.repeated.Format(time.RFC3339), got, tc.before)
			}
		})
	}
	if w := window.window(); !strings.Contains(w, "by this machine's clock") {
		t.Errorf("a window with no measured offset does not say whose clock it is on: %s", w)
	}
}
