package hellgate_test

// Tests of what a call still does after its caller's context ended.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// A create whose answer was lost, stopped while it waits to retry: the
// create is repeated once, at once, with its idempotency key, and the key
// Hellgate made for it is returned, not lost. When the repeat gets no
// answer either, the error says the create may have committed, so that the
// caller can record it.
func TestCreateAPIKeyThroughStop_stoppedWithOutcomeUnknown(t *testing.T) {
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
			srv, base := startMock(t, mockcluster.Options{Faults: mockcluster.Faults{Script: tc.script}})
			waits := clock.NewFake(fixedNow) // a retry wait ends only with the stop
			c := client(t, base, func(cfg *hellgate.Config) { cfg.MaxRetries = 5; cfg.Clock = waits })
			ctx, stop := context.WithCancel(t.Context())
			defer stop()
			go func() {
				if waits.WaitForSleepers(ctx, 1) == nil {
					stop()
				}
			}()
			in := hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: hellgate.NewIdempotencyKey()}
			key, err := c.CreateAPIKeyThroughStop(ctx, in)
			if st := srv.Stats().Requests; st.Create != 2 {
				t.Errorf("requests: %+v, want 2 creates (the lost one and the one repeat)", st)
			}
			if !tc.wantKey {
				if err == nil || !hellgate.MayHaveCommitted(err) || !strings.Contains(err.Error(), "repeating it once with the same idempotency key") {
					t.Errorf("CreateAPIKeyThroughStop = %v, %v; want an error that may have committed and names the repeat", key, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateAPIKeyThroughStop: %v", err)
			}
			keys := srv.Keys()
			if len(keys) != 1 || key.ID != keys[0].ID || key.KeyValue == "" {
				t.Errorf("CreateAPIKeyThroughStop returned %s, want the key the lost create made (keys: %v), with its secret", key.ID, keys)
			}
		})
	}
}

// Without a stop, a create that fails is not repeated.
func TestCreateAPIKeyThroughStop_notStopped(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{Faults: mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(503)}}})
	c := client(t, base, func(cfg *hellgate.Config) { cfg.MaxRetries = 0 })
	_, err := c.CreateAPIKeyThroughStop(t.Context(), hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: hellgate.NewIdempotencyKey()})
	if err == nil || srv.Stats().Requests.Create != 1 {
		t.Errorf("err = %v after %d creates, want the 503 of the one create", err, srv.Stats().Requests.Create)
	}
}

// A key revoked after a stop gets one attempt: a 503 is not retried; one
// already gone is fine. Without a stop, the same revoke retries.
func TestRevokeAPIKeyThroughStop(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{})
	c := client(t, base, func(cfg *hellgate.Config) { cfg.MaxRetries = 3 })
	key, err := c.CreateAPIKey(t.Context(), hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if err != nil {
		t.Fatal(err)
	}
	stopped, stop := context.WithCancel(t.Context())
	stop()

	srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(503)}})
	start := time.Now()
	err = c.RevokeAPIKeyThroughStop(stopped, key.ID)
	if err == nil || !strings.Contains(err.Error(), key.ID) || srv.Stats().Requests.Delete != 1 {
		t.Errorf("after a stop: err = %v after %d deletes, want an error naming %s after one attempt", err, srv.Stats().Requests.Delete, key.ID)
	}
	if d := time.Since(start); d > hellgate.AfterStopTimeout {
		t.Errorf("the revoke after the stop took %s, more than its own timeout of %s", d, hellgate.AfterStopTimeout)
	}

	srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(503)}})
	if err := c.RevokeAPIKeyThroughStop(t.Context(), key.ID); err != nil {
		t.Errorf("without a stop the revoke did not retry past a 503: %v", err)
	}
	if _, live := srv.Key(key.ID); live {
		t.Errorf("key %s is still live", key.ID)
	}
	if err := c.RevokeAPIKeyThroughStop(t.Context(), key.ID); err != nil {
		t.Errorf("revoking a key already gone: %v", err)
	}
}
