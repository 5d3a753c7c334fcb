package hellgate_test

// These tests run the client against the mock cluster over real HTTP. They
// live in an external package because the mock's own tests may import the
// client.

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

const adminToken = "mock-admin-token-SECRET"

// fixedNow is the mock's clock, so that timestamps can be compared exactly.
var fixedNow = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// startMock starts a mock cluster on an httptest server.
func startMock(t *testing.T, opts mockcluster.Options) (*mockcluster.Server, string) {
	t.Helper()
	if opts.AdminToken == "" {
		opts.AdminToken = adminToken
	}
	srv, err := mockcluster.New(opts)
	if err != nil {
		t.Fatalf("mockcluster.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

// client returns a client for base with the default retry waits on an
// auto-advancing fake clock (so retries wait on no wall clock), after
// letting edit change the config.
func client(t *testing.T, base string, edit ...func(*hellgate.Config)) *hellgate.Client {
	t.Helper()
	waits := clock.NewFake(fixedNow)
	waits.SetAutoAdvance(true)
	cfg := hellgate.Config{
		BaseURL:        base,
		AdminToken:     adminToken,
		UserAgent:      "hellgate-client-test",
		MaxRetries:     hellgate.DefaultMaxRetries,
		RequestTimeout: 5 * time.Second,
		Clock:          waits,
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := hellgate.New(cfg)
	if err != nil {
		t.Fatalf("hellgate.New: %v", err)
	}
	return c
}

func TestMockEveryCall(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{Clock: clock.NewFake(fixedNow)})
	c := client(t, base)
	ctx := t.Context()

	exp := int64(3600)
	created, err := c.CreateAPIKey(ctx, hellgate.CreateAPIKeyInput{
		Scopes:    []string{scopes.APIKeysRead, "pci:tokens:read"},
		ExpiresIn: &exp,
	})
	if err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	mk, ok := srv.Key(created.ID)
	if !ok {
		t.Fatalf("the mock has no key %s", created.ID)
	}
	wantExpiry := fixedNow.Add(time.Hour)
	if created.KeyValue == "" || created.KeyValue != mk.KeyValue || created.MaskedKeyValue != "" ||
		!created.CreatedAt.Equal(fixedNow) || created.ExpiresAt == nil || !created.ExpiresAt.Equal(wantExpiry) ||
		!slices.Equal(created.Scopes, []string{scopes.APIKeysRead, "pci:tokens:read"}) {
		t.Errorf("created = %+v, mock has %+v", created, mk)
	}

	never, err := c.CreateAPIKey(ctx, hellgate.CreateAPIKeyInput{Scopes: []string{"generic:tokens:read"}})
	if err != nil {
		t.Fatalf("CreateAPIKey without expiry: %v", err)
	}
	if never.ExpiresAt != nil {
		t.Errorf("key without expires_in expires at %v", never.ExpiresAt)
	}

	got, err := c.GetAPIKey(ctx, created.ID)
	if err != nil {
		t.Fatalf("GetAPIKey: %v", err)
	}
	if got.ID != created.ID || got.KeyValue != "" || got.MaskedKeyValue == "" ||
		got.MaskedKeyValue == created.KeyValue ||
		got.ExpiresAt == nil || !got.ExpiresAt.Equal(wantExpiry) || !slices.Equal(got.Scopes, created.Scopes) {
		t.Errorf("got = %+v", got)
	}

	page, err := c.ListAPIKeys(ctx, hellgate.ListAPIKeysInput{})
	if err != nil {
		t.Fatalf("ListAPIKeys: %v", err)
	}
	if len(page.Keys) != 2 || page.Next != nil || page.Keys[0].ID != created.ID || page.Keys[1].ID != never.ID {
		t.Errorf("page = %+v", page)
	}

	if err := c.DeleteAPIKey(ctx, created.ID); err != nil {
		t.Fatalf("DeleteAPIKey: %v", err)
	}
	if _, ok := srv.Key(created.ID); ok {
		t.Error("the key survived DeleteAPIKey")
	}
	if _, err := c.GetAPIKey(ctx, created.ID); !hellgate.IsNotFound(err) {
		t.Errorf("GetAPIKey after delete: %v, want 404", err)
	}
	if err := c.DeleteAPIKey(ctx, created.ID); !hellgate.IsNotFound(err) {
		t.Errorf("second DeleteAPIKey: %v, want 404", err)
	}

	st := srv.Stats()
	// The first 404 of each method is checked: a list of one key and a
	// get of it, then the method on an id that cannot exist.
	want := mockcluster.RequestStats{Create: 2, Get: 2 + 2, List: 1 + 1, Delete: 2 + 1}
	if st.Requests != want || st.LiveKeys != 1 {
		t.Errorf("stats = %+v, want requests %+v and 1 live key", st, want)
	}
}

func TestMockPagination(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		published bool
		pageSize  int
		wantLists int64
	}{
		{"default page size", false, 0, 3},
		{"published next links", true, 100, 3},
		{"small pages", false, 20, 13},
		{"small pages, published links", true, 7, 36},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, base := startMock(t, mockcluster.Options{PublishedNextLinks: tt.published})
			for i := range 250 {
				if _, err := srv.CreateKey([]string{scopes.All()[i%len(scopes.All())]}, 0); err != nil {
					t.Fatal(err)
				}
			}
			c := client(t, base)

			keys, err := c.ListAllAPIKeys(t.Context(), tt.pageSize)
			if err != nil {
				t.Fatalf("ListAllAPIKeys: %v", err)
			}
			var want, got []string
			for _, k := range srv.Keys() {
				want = append(want, k.ID)
			}
			for _, k := range keys {
				got = append(got, k.ID)
				if k.KeyValue != "" || k.MaskedKeyValue == "" {
					t.Fatalf("listed key %+v", k)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("listed %d keys, want the mock's %d in order", len(got), len(want))
			}
			if n := srv.Stats().Requests.List; n != tt.wantLists {
				t.Errorf("%d list requests, want %d", n, tt.wantLists)
			}
		})
	}
}

func TestMockListServerDefaultLimit(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{})
	for range 25 {
		if _, err := srv.CreateKey([]string{"pci:tokens:read"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	c := client(t, base)
	p, err := c.ListAPIKeys(t.Context(), hellgate.ListAPIKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Keys) != 20 || p.Next == nil || p.Next.After != p.Keys[19].ID {
		t.Fatalf("first page: %d keys, next %+v", len(p.Keys), p.Next)
	}
	p, err = c.ListAPIKeys(t.Context(), *p.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Keys) != 5 || p.Next != nil {
		t.Errorf("second page: %d keys, next %+v", len(p.Keys), p.Next)
	}
}

func TestMockErrors(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{})
	c := client(t, base)
	reader, err := srv.CreateKey([]string{"pci:tokens:read"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	limited := client(t, base, func(cfg *hellgate.Config) { cfg.AdminToken, cfg.APIKey = "", reader.KeyValue })
	wrong := client(t, base, func(cfg *hellgate.Config) { cfg.AdminToken = "not-the-token" })
	ctx := t.Context()
	missing := "123e4567-e89b-42d3-a456-426614174000"

	tests := []struct {
		name       string
		call       func() error
		is         func(error) bool
		wantStatus int
		wantCode   string
	}{
		{"400 unknown scope", func() error {
			_, err := c.CreateAPIKey(ctx, hellgate.CreateAPIKeyInput{Scopes: []string{"admin:everything"}})
			return err
		}, nil, 400, "unknown_scope"},
		{"400 empty scopes", func() error {
			_, err := c.CreateAPIKey(ctx, hellgate.CreateAPIKeyInput{})
			return err
		}, nil, 400, "invalid_scopes"},
		{"400 expires_in", func() error {
			zero := int64(0)
			_, err := c.CreateAPIKey(ctx, hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, ExpiresIn: &zero})
			return err
		}, nil, 400, "invalid_expires_in"},
		{"400 bad id", func() error { _, err := c.GetAPIKey(ctx, "not-a-uuid"); return err }, nil, 400, ""},
		{"401", func() error { _, err := wrong.ListAPIKeys(ctx, hellgate.ListAPIKeysInput{}); return err }, hellgate.IsUnauthorized, 401, "unauthorized"},
		{"403", func() error { _, err := limited.ListAPIKeys(ctx, hellgate.ListAPIKeysInput{}); return err }, hellgate.IsForbidden, 403, "forbidden"},
		{"404 get", func() error { _, err := c.GetAPIKey(ctx, missing); return err }, hellgate.IsNotFound, 404, "not_found"},
		{"404 delete", func() error { return c.DeleteAPIKey(ctx, missing) }, hellgate.IsNotFound, 404, "not_found"},
		{"409 idempotency conflict", func() error {
			in := hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: "conflict-1"}
			if _, err := c.CreateAPIKey(ctx, in); err != nil {
				return fmt.Errorf("first create: %w", err)
			}
			in.Scopes = []string{"pci:tokens:create"}
			_, err := c.CreateAPIKey(ctx, in)
			return err
		}, hellgate.IsConflict, 409, "idempotency_conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var e *hellgate.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *hellgate.Error", err)
			}
			if e.StatusCode != tt.wantStatus || (tt.wantCode != "" && e.Code != tt.wantCode) ||
				e.Message == "" || e.RequestID == "" || e.Attempts != 1 {
				t.Errorf("err = %+v, want status %d code %q, a message and a request id after 1 attempt", e, tt.wantStatus, tt.wantCode)
			}
			if tt.is != nil && !tt.is(err) {
				t.Errorf("the Is helper does not recognise %v", err)
			}
			for _, secret := range []string{adminToken, reader.KeyValue, "not-the-token"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("Error() = %q contains a credential", err)
				}
			}
		})
	}
}

func TestMockIdempotentReplay(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{})
	c := client(t, base)
	in := hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}, IdempotencyKey: hellgate.NewIdempotencyKey()}

	first, err := c.CreateAPIKey(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.CreateAPIKey(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != second.ID || first.KeyValue != second.KeyValue || first.KeyValue == "" {
		t.Errorf("replay gave %s/%t, first %s", second.ID, first.KeyValue == second.KeyValue, first.ID)
	}
	if st := srv.Stats(); st.LiveKeys != 1 || st.Requests.Create != 2 {
		t.Errorf("stats = %+v, want 1 live key after 2 creates", st)
	}
}

// TestMockDropAfterCommitOnCreate has the mock commit each create and then
// drop the connection, often; every create must still yield exactly one key,
// returned to the caller with its key value.
func TestMockDropAfterCommitOnCreate(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{Faults: mockcluster.Faults{DropRate: 0.5, Seed: 7}})
	c := client(t, base, func(cfg *hellgate.Config) { cfg.MaxRetries = 20 })

	const n = 20
	ids := map[string]bool{}
	for i := range n {
		k, err := c.CreateAPIKey(t.Context(), hellgate.CreateAPIKeyInput{Scopes: []string{scopes.All()[i]}})
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		mk, ok := srv.Key(k.ID)
		if !ok || mk.KeyValue != k.KeyValue || !slices.Equal(mk.Scopes, []string{scopes.All()[i]}) {
			t.Fatalf("create %d returned %s, which the mock holds as %+v (found %v)", i, k.ID, mk, ok)
		}
		ids[k.ID] = true
	}
	st := srv.Stats()
	if len(ids) != n || st.LiveKeys != n {
		t.Errorf("%d distinct keys returned, %d live in the mock; want %d", len(ids), st.LiveKeys, n)
	}
	if st.Faults.Drop == 0 || st.Requests.Create != n+st.Faults.Drop {
		t.Errorf("stats = %+v: want some drops, each followed by one replayed retry", st)
	}
}

// TestMockChaos runs every call concurrently against a mock that fails,
// throttles and drops often; with enough retries every call succeeds.
func TestMockChaos(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{Faults: mockcluster.Faults{
		ErrorRate: 0.2, ThrottleRate: 0.2, DropRate: 0.2, Seed: 42,
	}})
	c := client(t, base, func(cfg *hellgate.Config) { cfg.MaxRetries = 30 })

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 10 {
		wg.Go(func() {
			ctx := t.Context()
			k, err := c.CreateAPIKey(ctx, hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
			if err != nil {
				errs <- fmt.Errorf("worker %d create: %w", i, err)
				return
			}
			if _, err := c.GetAPIKey(ctx, k.ID); err != nil {
				errs <- fmt.Errorf("worker %d get: %w", i, err)
			}
			if _, err := c.ListAllAPIKeys(ctx, 3); err != nil {
				errs <- fmt.Errorf("worker %d list: %w", i, err)
			}
			// A delete that was committed before its connection dropped is
			// answered 404 on the retry; callers treat that as gone.
			if err := c.DeleteAPIKey(ctx, k.ID); err != nil && !hellgate.IsNotFound(err) {
				errs <- fmt.Errorf("worker %d delete: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := srv.Stats()
	if st.LiveKeys != 0 {
		t.Errorf("%d keys left, want 0", st.LiveKeys)
	}
	if st.Faults.Error == 0 || st.Faults.Throttle == 0 || st.Faults.Drop == 0 {
		t.Errorf("faults = %+v, want some of each", st.Faults)
	}
}

// The story of a key left behind: the first create reaches the mock and
// makes the key, its answer is lost, and every retry is throttled until the
// client gives up. The call must still say that it may have made a key.
func TestMockLostCreateThenThrottled(t *testing.T) {
	t.Parallel()
	script, err := mockcluster.ParseFaultScript("drop,throttle*10")
	if err != nil {
		t.Fatal(err)
	}
	srv, base := startMock(t, mockcluster.Options{Faults: mockcluster.Faults{Script: script}})
	c := client(t, base, func(cfg *hellgate.Config) { cfg.MaxRetries = 3 })
	_, err = c.CreateAPIKey(t.Context(), hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	var e *hellgate.Error
	if !errors.As(err, &e) || e.StatusCode != 429 || e.Attempts != 4 {
		t.Fatalf("err = %v, want a 429 after 4 attempts", err)
	}
	if !hellgate.MayHaveCommitted(err) || hellgate.NeverSent(err) {
		t.Errorf("MayHaveCommitted = %v, NeverSent = %v; want true, false", hellgate.MayHaveCommitted(err), hellgate.NeverSent(err))
	}
	if st := srv.Stats(); st.LiveKeys != 1 || st.Faults.Drop != 1 || st.Faults.Throttle != 3 {
		t.Errorf("stats = %+v, want the one key the dropped create made, after 1 drop and 3 throttles", st)
	}
}

func TestMockGivesUpWithAttemptCount(t *testing.T) {
	t.Parallel()
	_, base := startMock(t, mockcluster.Options{Faults: mockcluster.Faults{ThrottleRate: 1, ThrottleRetryAfter: 3 * time.Second}})
	waits := clock.NewFake(fixedNow)
	waits.SetAutoAdvance(true)
	c := client(t, base, func(cfg *hellgate.Config) { cfg.MaxRetries = 2; cfg.Clock = waits })
	_, err := c.ListAPIKeys(t.Context(), hellgate.ListAPIKeysInput{})
	// Each retry waited the mock's Retry-After, on the client's clock.
	if got := waits.Slept(); !slices.Equal(got, []time.Duration{3 * time.Second, 3 * time.Second}) {
		t.Errorf("waits = %v, want the Retry-After of 3s twice", got)
	}
	var e *hellgate.Error
	if !errors.As(err, &e) || e.StatusCode != 429 || e.Attempts != 3 || e.RequestID == "" || e.Code != "too_many_requests" {
		t.Fatalf("err = %v, want a 429 after 3 attempts with the last request id", err)
	}
	if !strings.Contains(err.Error(), "(after 3 attempts)") {
		t.Errorf("Error() = %q does not say how many attempts were made", err)
	}
}
