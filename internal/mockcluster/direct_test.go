package mockcluster

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// Keys are stamped by the clock given in Options.Clock.
func TestClockOption(t *testing.T) {
	m, err := New(Options{AdminToken: "t", Clock: clock.NewFake(epoch.Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	k, err := m.CreateKey([]string{scopes.APIKeysRead}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !k.CreatedAt.Equal(epoch.Add(time.Hour)) {
		t.Errorf("created at %v, want %v", k.CreatedAt, epoch.Add(time.Hour))
	}
}

func TestDirectAccess(t *testing.T) {
	h := newHarness(t)
	k, err := h.mock.CreateKey([]string{scopes.APIKeysRead}, 1500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if !keyValueRE.MatchString(k.KeyValue) || !uuidV4RE.MatchString(k.ID) {
		t.Errorf("key = %+v", k)
	}
	if k.ExpiresAt == nil || !k.ExpiresAt.Equal(epoch.Add(1500*time.Millisecond)) || !k.CreatedAt.Equal(epoch) {
		t.Errorf("times = %v, %v", k.CreatedAt, k.ExpiresAt)
	}
	// Callers cannot change the store through what they get back.
	k.Scopes[0] = "changed"
	if got, _ := h.mock.Key(k.ID); got.Scopes[0] != scopes.APIKeysRead {
		t.Error("Key shares its scopes slice with a caller")
	}
	if got, ok := h.mock.Key(strings.ToUpper(k.ID)); !ok || got.ID != k.ID {
		t.Error("Key does not accept an upper-case id")
	}
	if _, ok := h.mock.Key("nope"); ok {
		t.Error("Key found an invalid id")
	}

	for _, bad := range [][]string{nil, {}, {""}, {"nope"}, {scopes.APIKeysRead, scopes.APIKeysRead}} {
		if _, err := h.mock.CreateKey(bad, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateKey(%q) = %v, want ErrInvalid", bad, err)
		}
		if err := h.mock.UpdateScopes(k.ID, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("UpdateScopes(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	for _, d := range []time.Duration{-time.Second, 90*24*time.Hour + 1} {
		if _, err := h.mock.CreateKey([]string{scopes.APIKeysRead}, d); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateKey(expiresIn %s) = %v, want ErrInvalid", d, err)
		}
	}
	for _, id := range []string{"nope", "123e4567-e89b-12d3-a456-426614174000"} {
		if err := h.mock.UpdateScopes(id, []string{scopes.APIKeysRead}); !errors.Is(err, ErrNotFound) {
			t.Errorf("UpdateScopes(%s) = %v, want ErrNotFound", id, err)
		}
		if h.mock.DeleteKey(id) {
			t.Errorf("DeleteKey(%s) = true", id)
		}
	}
	if err := h.mock.UpdateScopes(k.ID, []string{scopes.APIKeysCreate}); err != nil {
		t.Fatal(err)
	}
	if !h.mock.DeleteKey(k.ID) || h.mock.DeleteKey(k.ID) {
		t.Error("DeleteKey: want true once, then false")
	}
	if err := h.mock.UpdateScopes(k.ID, []string{scopes.APIKeysCreate}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateScopes on a deleted key = %v", err)
	}
	if s := h.mock.Stats(); s.Requests != (RequestStats{}) {
		t.Errorf("direct access counted in stats: %+v", s.Requests)
	}
}

// TestInProcess uses the handler without a network, as tests of other
// packages may.
func TestInProcess(t *testing.T) {
	m, err := New(Options{AdminToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/admin/api-keys", strings.NewReader(`{"scopes":["pci:tokens:read"]}`))
	req.Header.Set("x-admin-token", "t")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated || rec.Header().Get("X-Request-Id") == "" {
		t.Errorf("create: %d %s", rec.Code, rec.Body)
	}
	if len(m.Keys()) != 1 {
		t.Error("no key created")
	}
}
