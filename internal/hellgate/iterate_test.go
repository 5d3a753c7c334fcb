package hellgate_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// APIKeyPages fetches a page only when the one before it has been
// consumed, so a caller that stops at a limit makes no request beyond the
// page that reached it.
func TestAPIKeyPagesFetchesPagesOnDemand(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockcluster.Options{})
	for range 250 {
		if _, err := srv.CreateKey([]string{"pci:tokens:read"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	c := client(t, base)
	all := srv.Keys()

	for _, tt := range []struct {
		take      int
		wantLists int64
	}{
		{take: 1, wantLists: 1},
		{take: 100, wantLists: 1},
		{take: 101, wantLists: 2},
		{take: 250, wantLists: 3},
		{take: 1000, wantLists: 3},
	} {
		before := srv.Stats().Requests.List
		n := 0
	pages:
		for page, err := range c.APIKeyPages(t.Context(), 0) {
			if err != nil {
				t.Fatalf("take %d: %v", tt.take, err)
			}
			for _, k := range page.Keys {
				if k.ID != all[n].ID {
					t.Fatalf("take %d: key %d is %s, want %s (the mock's order)", tt.take, n, k.ID, all[n].ID)
				}
				n++
				if n == tt.take {
					break pages
				}
			}
		}
		if want := min(tt.take, len(all)); n != want {
			t.Errorf("take %d: got %d keys, want %d", tt.take, n, want)
		}
		if got := srv.Stats().Requests.List - before; got != tt.wantLists {
			t.Errorf("take %d: %d list requests, want %d", tt.take, got, tt.wantLists)
		}
	}
}

// An error ends the sequence after it is yielded once, with a nil page.
func TestAPIKeyPagesYieldsErrorOnce(t *testing.T) {
	t.Parallel()
	_, base := startMock(t, mockcluster.Options{})
	c := client(t, base, func(cfg *hellgate.Config) { cfg.AdminToken = "wrong" })
	errs := 0
	for page, err := range c.APIKeyPages(t.Context(), 0) {
		if err == nil {
			t.Fatal("listed a page with a wrong credential")
		}
		if page != nil {
			t.Errorf("the error came with the page %+v, want nil", page)
		}
		errs++
	}
	if errs != 1 {
		t.Errorf("yielded %d errors, want 1", errs)
	}
}

// A server that names a new next page for ever is read for MaxListPages
// pages, then the listing stops with an error that says why.
func TestListAllAPIKeysStopsAtThePageCap(t *testing.T) {
	t.Parallel()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"data":[],"links":{"next":"/admin/api-keys?after=%08d-0000-4000-8000-000000000000&limit=100"}}`, n)
	}))
	t.Cleanup(srv.Close)

	_, err := client(t, srv.URL).ListAllAPIKeys(t.Context(), 0)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("after %d pages", hellgate.MaxListPages)) {
		t.Fatalf("got %v, want the page cap's error", err)
	}
	if got := requests.Load(); got != hellgate.MaxListPages {
		t.Errorf("%d requests, want %d", got, hellgate.MaxListPages)
	}
}
