package provider

// Tests of what still happens after Terraform stops the provider (one
// Ctrl-C): no listing starts, and a key that must still be revoked gets
// one attempt on a short timeout, never the retry budget.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
)

// stopOnCreate serves the mock and stops the run (cancels stop) as a
// create reaches it, as a Ctrl-C while the create is in flight would.
func stopOnCreate(t *testing.T, c *testCluster, stop context.CancelFunc) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			stop()
		}
		c.srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// The ephemeral resource's recovery of an unanswered create is stopped
// while its repeat is in flight, and the repeat is refused: the repeat's
// answer is taken, but no listing starts after the stop, and the warning
// says what to look for.
func TestEphemeralUnanswered_stopStartsNoListing(t *testing.T) {
	c := newTestCluster(t)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	client, err := hellgate.New(hellgate.Config{BaseURL: stopOnCreate(t, c, stop), AdminToken: c.token, MaxRetries: 3,
		RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(409)}})
	r := &apiKeyEphemeralResource{data: &providerData{client: client}}
	expiresIn := int64(3600)
	now := time.Now()
	u := unanswered.Create{From: now.Add(-time.Second), Until: now, RepeatedAtOnce: true}
	u.In = hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, ExpiresIn: &expiresIn, IdempotencyKey: hellgate.NewIdempotencyKey()}

	var diags diag.Diagnostics
	r.recoverUnansweredOpen(ctx, u, &diags)
	if st := c.srv.Stats().Requests; st.Create != 1 || st.List != 0 {
		t.Errorf("requests: %+v, want the one repeat and no listing after the stop", st)
	}
	if len(diags) != 1 || diags[0].Summary() != "Ephemeral API Key May Be Left Live" ||
		!strings.Contains(diags[0].Detail(), "Look for a key with these scopes created between") {
		t.Errorf("diagnostics: %v, want one warning that says what to look for", diags)
	}
}

// A key that must be revoked after the stop (one Open made as the run was
// stopped) gets one attempt: a 503 is not retried, and the warning names
// the key.
func TestEphemeralRevoke_afterStopIsOneAttempt(t *testing.T) {
	c := newTestCluster(t)
	client, err := hellgate.New(hellgate.Config{BaseURL: c.url, AdminToken: c.token, MaxRetries: 3, RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	key := c.mustCreateKey(t, time.Hour, "pci:tokens:read")
	c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(503)}})
	r := &apiKeyEphemeralResource{data: &providerData{client: client}}
	ctx, stop := context.WithCancel(t.Context())
	stop()

	var diags diag.Diagnostics
	start := time.Now()
	r.revoke(ctx, ephemeralKeyPrivate{ID: key.ID, ExpiresAt: "later"}, &diags)
	if st := c.srv.Stats().Requests; st.Delete != 1 {
		t.Errorf("%d deletes after the stop, want one attempt", st.Delete)
	}
	if len(diags) != 1 || diags[0].Summary() != "Unable to Revoke Ephemeral API Key" || !strings.Contains(diags[0].Detail(), key.ID) {
		t.Errorf("diagnostics: %v, want one warning naming %s", diags, key.ID)
	}
	if d := time.Since(start); d > hellgate.AfterStopTimeout {
		t.Errorf("the revoke after the stop took %s, more than its own timeout of %s", d, hellgate.AfterStopTimeout)
	}

	// Without a stop, the same revoke has the retry budget.
	c.srv.SetFaults(mockcluster.Faults{Script: []mockcluster.FaultStep{mockcluster.StepError(503)}})
	diags = nil
	r.revoke(t.Context(), ephemeralKeyPrivate{ID: key.ID, ExpiresAt: "later"}, &diags)
	if _, live := c.srv.Key(key.ID); live || len(diags) != 0 {
		t.Errorf("without a stop the revoke did not retry past a 503: live %v, diagnostics %v", live, diags)
	}
}
