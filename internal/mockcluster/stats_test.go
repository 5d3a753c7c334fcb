package mockcluster

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

func TestStatsShapeAndCounts(t *testing.T) {
	h := newHarness(t)
	k := h.create(`{"scopes":["pci:tokens:read"],"expires_in":1}`)
	h.create(`{"scopes":["pci:tokens:read"]}`)
	h.do(http.MethodPost, "/api/admin/api-keys", `{}`, admin...)                   // invalid: counted
	h.do(http.MethodPost, "/api/admin/api-keys", `{"scopes":["pci:tokens:read"]}`) // unauthenticated: counted
	h.do(http.MethodGet, "/api/admin/api-keys", "", admin...)
	h.do(http.MethodGet, "/api/admin/api-keys/"+k.ID, "", admin...)
	h.do(http.MethodGet, "/api/admin/api-keys/not-a-uuid", "", admin...) // invalid id: counted as a get
	h.do(http.MethodPatch, "/api/admin/api-keys/"+k.ID, `{"scopes":["pci:tokens:create"]}`, admin...)
	h.do(http.MethodDelete, "/api/admin/api-keys/"+k.ID, "", admin...)
	h.do(http.MethodDelete, "/api/admin/api-keys/"+k.ID, "", admin...)
	h.do(http.MethodPut, "/api/admin/api-keys", "", admin...) // no operation: not counted
	h.do(http.MethodGet, "/api/nothing", "", admin...)        // no operation: not counted
	// Direct access is not counted.
	h.createScoped("pci:tokens:read")
	h.mock.Keys()

	h.mock.SetFaults(Faults{ThrottleRate: 1})
	h.do(http.MethodGet, "/api/admin/api-keys", "", admin...) // throttled: counted
	h.mock.SetFaults(Faults{ErrorRate: 1})
	h.do(http.MethodGet, "/api/admin/api-keys", "", admin...) // failed: counted
	h.mock.SetFaults(Faults{})

	res := h.do(http.MethodGet, "/_mock/stats", "", admin...)
	if res.status != 200 || res.header.Get("Content-Type") != "application/json" {
		t.Fatalf("stats: %d %s", res.status, res.header.Get("Content-Type"))
	}
	m := res.json(t)
	if got := sortedKeys(m); !slices.Equal(got, []string{"faults", "live_keys", "requests"}) {
		t.Fatalf("stats members = %v", got)
	}
	requests, _ := m["requests"].(map[string]any)
	faults, _ := m["faults"].(map[string]any)
	if got := sortedKeys(requests); !slices.Equal(got, []string{"create", "delete", "get", "list", "update"}) {
		t.Errorf("requests members = %v", got)
	}
	if got := sortedKeys(faults); !slices.Equal(got, []string{"drop", "error", "script_left", "throttle"}) {
		t.Errorf("faults members = %v", got)
	}
	want := map[string]any{
		"requests":  map[string]any{"create": 4.0, "get": 2.0, "list": 3.0, "update": 1.0, "delete": 2.0},
		"faults":    map[string]any{"error": 1.0, "throttle": 1.0, "drop": 0.0, "script_left": 0.0},
		"live_keys": 2.0,
	}
	if !jsonEqual(m, want) {
		t.Errorf("stats = %s\nwant %v", res.body, want)
	}
	if s := h.mock.Stats(); s.Requests.Create != 4 || s.LiveKeys != 2 {
		t.Errorf("Stats() = %+v", s)
	}
}

func TestStatsAuth(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped(scopes.All()...)
	for name, headers := range map[string][]string{
		"none":        nil,
		"wrong token": {"x-admin-token", "nope"},
		"api key":     apiKey(k.KeyValue),
		"two tokens":  {"x-admin-token", testAdminToken, "x-admin-token", testAdminToken},
	} {
		t.Run(name, func(t *testing.T) {
			checkError(t, h.do(http.MethodGet, "/_mock/stats", "", headers...), http.StatusUnauthorized, "unauthorized")
		})
	}
	if res := h.do(http.MethodGet, "/_mock/stats", "", admin...); res.status != 200 {
		t.Errorf("admin: %d", res.status)
	}
	if res := h.do(http.MethodGet, "/_mock/stats", "", append(slices.Clone(admin), apiKey(k.KeyValue)...)...); res.status != 200 {
		t.Errorf("admin with an api key too: %d", res.status)
	}
}

// TestConcurrent hammers one mock from many goroutines: creates (some
// idempotent), lists, gets, patches, deletes, direct access, stats and fault
// changes. Run with -race; afterwards the books must balance.
func TestConcurrent(t *testing.T) {
	h := newHarness(t)
	reader := h.createScoped(scopes.APIKeysRead, scopes.APIKeysCreate, scopes.APIKeysDelete)
	const workers, rounds = 16, 25
	var nCreated, nDeleted atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*6)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := h.http.Client()
			do := func(method, path, body string, headers ...string) response {
				res, err := tryRequest(t.Context(), client, method, h.http.URL+path, body, headers...)
				if err != nil {
					errs <- err
				}
				return res
			}
			for i := range rounds {
				cred := admin
				if w%2 == 1 {
					cred = apiKey(reader.KeyValue)
				}
				hdr := slices.Clone(cred)
				if i%5 == 0 {
					// Pairs of workers share idempotency keys per credential.
					hdr = append(hdr, "x-idempotency-key", fmt.Sprintf("k-%d-%d", w/2, i))
				}
				res := do(http.MethodPost, "/api/admin/api-keys", `{"scopes":["pci:tokens:read"]}`, hdr...)
				var c created
				if res.status != 201 || json.Unmarshal(res.body, &c) != nil {
					errs <- fmt.Errorf("create: %d %s", res.status, res.body)
					continue
				}
				if res.header.Get("X-Idempotent-Replayed") == "" {
					nCreated.Add(1)
				}
				if res := do(http.MethodGet, "/api/admin/api-keys?limit=20", "", cred...); res.status != 200 {
					errs <- fmt.Errorf("list: %d", res.status)
				}
				// The key may be gone already when another worker shared the
				// idempotency key and deleted it.
				if res := do(http.MethodGet, "/api/admin/api-keys/"+c.ID, "", cred...); res.status != 200 && res.status != 404 {
					errs <- fmt.Errorf("get: %d", res.status)
				}
				if i%3 == 0 {
					switch res := do(http.MethodDelete, "/api/admin/api-keys/"+c.ID, "", cred...); res.status {
					case 204:
						nDeleted.Add(1)
					case 404:
					default:
						errs <- fmt.Errorf("delete: %d", res.status)
					}
				}
				if i%7 == 0 {
					h.mock.Stats()
					h.mock.Keys()
					h.mock.SetFaults(Faults{})
					do(http.MethodPatch, "/api/admin/api-keys/"+c.ID, `{"scopes":["pci:tokens:create"]}`, admin...)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	live := int64(len(h.mock.Keys()))
	if want := 1 + nCreated.Load() - nDeleted.Load(); live != want {
		t.Errorf("live keys = %d, want 1 + %d created - %d deleted = %d", live, nCreated.Load(), nDeleted.Load(), want)
	}
	if s := h.mock.Stats(); s.Requests.Create != workers*rounds || int64(s.LiveKeys) != live {
		t.Errorf("stats = %+v", s)
	}
}
