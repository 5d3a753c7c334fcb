package provider

// Tests of runs interrupted by a Ctrl-C: an apply or a destroy of many keys
// stopped part way keeps every key it made in state, and the next run
// finishes the job.

import (
	"fmt"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// One Ctrl-C during an apply of 60 keys, every answer 400 ms late and ten
// creates in flight: the creates already sent finish and are recorded, so
// every key Hellgate holds is in state and no placeholder is written; the
// next apply makes the rest. The same during destroy: every key revoked
// has left state, every key left is in state, and the next destroy leaves
// nothing. Each time Terraform exits within the provider's request_timeout
// plus a few seconds of the interrupt.
func TestAccAPIKey_interruptedApplyAndDestroy(t *testing.T) {
	t.Parallel()
	c := newTestCluster(t, withFaults(mockcluster.Faults{Latency: 400 * time.Millisecond}))
	tf := initCLI(t, c, rootModule(fmt.Sprintf("request_timeout = %q", interruptRequestTimeout), `resource "hellgate_api_key" "svc" {
  count      = 60
  scopes     = ["pci:tokens:read"]
  expires_in = 3600
}
`))

	apply := tf.start(approved("apply", "-parallelism=10")...)
	eventually(t, "15 creates to reach the mock", func() bool { return c.srv.Stats().Requests.Create >= 15 })
	apply.interrupt()
	stopped := time.Now()
	out, _ := apply.wait()
	exitsSoonAfterInterrupt(t, "apply", time.Since(stopped), out)
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
	destroy := tf.start(approved("destroy", "-parallelism=10")...)
	eventually(t, "15 deletes to reach the mock", func() bool { return c.srv.Stats().Requests.Delete >= deletes+15 })
	destroy.interrupt()
	stopped = time.Now()
	out, _ = destroy.wait()
	exitsSoonAfterInterrupt(t, "destroy", time.Since(stopped), out)
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

// interruptRequestTimeout is the provider's request_timeout in the
// interrupt tests: what a request already sent may still take after a stop.
const interruptRequestTimeout = 10 * time.Second

// exitSlack is what the bound on the time from an interrupt to Terraform's
// exit allows beyond the request timeout: Terraform's own shutdown, writing
// state, and a loaded machine.
const exitSlack = 5 * time.Second

// exitsSoonAfterInterrupt fails the test when Terraform took longer than
// the request timeout plus a few seconds to exit after the interrupt: a
// stop lets requests already sent finish, and starts nothing that could
// outlast them (no retry waits, no listing), so a second Ctrl-C or a CI
// system's kill after a grace period is not invited.
func exitsSoonAfterInterrupt(t *testing.T, what string, took time.Duration, out string) {
	t.Helper()
	t.Logf("interrupted %s: Terraform exited %s after SIGINT (bound %s)", what, took.Round(time.Millisecond), interruptRequestTimeout+exitSlack)
	if took > interruptRequestTimeout+exitSlack {
		t.Errorf("the interrupted %s took %s to exit, more than the request_timeout (%s) plus %s:\n%s",
			what, took, interruptRequestTimeout, exitSlack, out)
	}
}
