package mockcluster

import (
	"net/http"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// operation is one API call, for tables over all five operations.
type operation struct {
	name, method, scope string
	path                func(id string) string
	body                string
}

var operations = []operation{
	{"create", http.MethodPost, scopes.APIKeysCreate, func(string) string { return "/api/admin/api-keys" }, `{"scopes":["pci:tokens:read"]}`},
	{"list", http.MethodGet, scopes.APIKeysRead, func(string) string { return "/api/admin/api-keys" }, ""},
	{"get", http.MethodGet, scopes.APIKeysRead, func(id string) string { return "/api/admin/api-keys/" + id }, ""},
	{"update", http.MethodPatch, scopes.APIKeysUpdate, func(id string) string { return "/api/admin/api-keys/" + id }, `{"scopes":["pci:tokens:read"]}`},
	{"delete", http.MethodDelete, scopes.APIKeysDelete, func(id string) string { return "/api/admin/api-keys/" + id }, ""},
}

// successStatus is what an operation answers on success.
func successStatus(o operation) int {
	switch o.name {
	case "create":
		return http.StatusCreated
	case "delete":
		return http.StatusNoContent
	}
	return http.StatusOK
}

func TestAdminTokenMayDoEverything(t *testing.T) {
	h := newHarness(t)
	for _, o := range operations {
		target := h.createScoped("pci:tokens:read")
		res := h.do(o.method, o.path(target.ID), o.body, admin...)
		if res.status != successStatus(o) {
			t.Errorf("%s: status %d, body %s", o.name, res.status, res.body)
		}
	}
}

func TestScopedKey(t *testing.T) {
	for _, o := range operations {
		t.Run(o.name+" allowed", func(t *testing.T) {
			h := newHarness(t)
			caller := h.createScoped(o.scope)
			target := h.createScoped("pci:tokens:read")
			res := h.do(o.method, o.path(target.ID), o.body, apiKey(caller.KeyValue)...)
			if res.status != successStatus(o) {
				t.Errorf("status %d, body %s", res.status, res.body)
			}
		})
		t.Run(o.name+" forbidden", func(t *testing.T) {
			h := newHarness(t)
			// Every other scope, but not the one needed.
			var others []string
			for _, s := range scopes.All() {
				if s != o.scope {
					others = append(others, s)
				}
			}
			caller := h.createScoped(others...)
			target := h.createScoped("pci:tokens:read")
			res := h.do(o.method, o.path(target.ID), o.body, apiKey(caller.KeyValue)...)
			checkError(t, res, http.StatusForbidden, "forbidden")
			if got := len(h.mock.Keys()); got != 2 {
				t.Errorf("forbidden request changed the number of keys to %d", got)
			}
		})
	}
}

func TestUnauthenticated(t *testing.T) {
	h := newHarness(t)
	all := scopes.All()
	deleted := h.createScoped(all...)
	h.mock.DeleteKey(deleted.ID)
	expiring, err := h.mock.CreateKey(all, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Second)
	target := h.createScoped("pci:tokens:read")

	creds := []struct {
		name    string
		headers []string
	}{
		{"no credential", nil},
		{"wrong admin token", []string{"x-admin-token", "nope"}},
		{"empty admin token", []string{"x-admin-token", ""}},
		{"admin token prefix", []string{"x-admin-token", testAdminToken[:5]}},
		{"unknown key", apiKey("key_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")},
		{"empty key", apiKey("")},
		{"admin token as key", apiKey(testAdminToken)},
		{"deleted key", apiKey(deleted.KeyValue)},
		{"expired key", apiKey(expiring.KeyValue)},
		{"masked key", apiKey(maskKeyValue(target.KeyValue))},
	}
	for _, c := range creds {
		for _, o := range operations {
			t.Run(c.name+" "+o.name, func(t *testing.T) {
				checkError(t, h.do(o.method, o.path(target.ID), o.body, c.headers...), http.StatusUnauthorized, "unauthorized")
			})
		}
	}
	if n := len(h.mock.Keys()); n != 2 {
		t.Errorf("unauthenticated requests changed the number of keys to %d", n)
	}
}

func TestExpiryInRealTime(t *testing.T) {
	h := newHarness(t)
	c := h.create(`{"scopes":["admin:api-keys:read"],"expires_in":1}`)
	if c.ExpiresAt == nil || *c.ExpiresAt != "2023-10-01T10:00:01Z" {
		t.Fatalf("expires_at = %v", c.ExpiresAt)
	}
	list := func() int { return h.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(c.KeyValue)...).status }
	if st := list(); st != http.StatusOK {
		t.Fatalf("fresh key: status %d", st)
	}
	h.clock.Advance(999 * time.Millisecond)
	if st := list(); st != http.StatusOK {
		t.Fatalf("key 1ms before expiry: status %d", st)
	}
	h.clock.Advance(time.Millisecond)
	res := h.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(c.KeyValue)...)
	checkError(t, res, http.StatusUnauthorized, "unauthorized")

	// Get and list still show it, with expires_at in the past, until deleted.
	g := h.do(http.MethodGet, "/api/admin/api-keys/"+c.ID, "", admin...)
	if g.status != http.StatusOK || g.json(t)["expires_at"] != "2023-10-01T10:00:01Z" {
		t.Errorf("get expired key: %d %s", g.status, g.body)
	}
	if p := h.list(""); len(p.Data) != 1 || p.Data[0].ExpiresAt == nil {
		t.Errorf("list: %+v", p)
	}
	if n := h.mock.Stats().LiveKeys; n != 1 {
		t.Errorf("live_keys = %d, want 1 (expired keys count)", n)
	}
	if st := h.do(http.MethodDelete, "/api/admin/api-keys/"+c.ID, "", admin...).status; st != http.StatusNoContent {
		t.Errorf("delete expired key: %d", st)
	}
}

func TestKeyDeletingItself(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped(scopes.APIKeysDelete, scopes.APIKeysRead)
	if st := h.do(http.MethodDelete, "/api/admin/api-keys/"+k.ID, "", apiKey(k.KeyValue)...).status; st != http.StatusNoContent {
		t.Fatalf("self-delete: %d", st)
	}
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(k.KeyValue)...), http.StatusUnauthorized, "unauthorized")
}

func TestScopeChangeTakesEffect(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped(scopes.APIKeysRead)
	if st := h.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(k.KeyValue)...).status; st != http.StatusOK {
		t.Fatalf("before: %d", st)
	}
	if err := h.mock.UpdateScopes(k.ID, []string{scopes.APIKeysCreate}); err != nil {
		t.Fatal(err)
	}
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(k.KeyValue)...), http.StatusForbidden, "forbidden")
}

func TestAmbiguousCredentials(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped(scopes.All()...)
	for _, headers := range [][]string{
		{"x-admin-token", testAdminToken, "x-api-key", k.KeyValue},
		{"x-admin-token", "wrong", "x-api-key", "wrong"},
		{"x-admin-token", testAdminToken, "x-admin-token", testAdminToken},
		{"x-api-key", k.KeyValue, "x-api-key", k.KeyValue},
	} {
		checkError(t, h.do(http.MethodGet, "/api/admin/api-keys", "", headers...), http.StatusBadRequest, "ambiguous_credentials")
	}
}

// TestCheckOrder checks auth (401) before scope (403) before validation (400)
// before existence (404).
func TestCheckOrder(t *testing.T) {
	h := newHarness(t)
	weak := h.createScoped("pci:tokens:read")
	reader := h.createScoped(scopes.APIKeysRead)
	const unknown = "123e4567-e89b-12d3-a456-426614174000"

	// Invalid everything, no credential: 401.
	checkError(t, h.do(http.MethodPatch, "/api/admin/api-keys/bad-id", `{`), 401, "unauthorized")
	checkError(t, h.do(http.MethodPost, "/api/admin/api-keys", `{`, apiKey("key_nope")...), 401, "unauthorized")
	// Valid key without the scope, invalid input: 403.
	checkError(t, h.do(http.MethodPatch, "/api/admin/api-keys/bad-id", `{`, apiKey(weak.KeyValue)...), 403, "forbidden")
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys?limit=0", "", apiKey(weak.KeyValue)...), 403, "forbidden")
	checkError(t, h.do(http.MethodDelete, "/api/admin/api-keys/"+unknown, "", apiKey(reader.KeyValue)...), 403, "forbidden")
	// Allowed, invalid: 400 even when the id is unknown.
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys/bad-id", "", apiKey(reader.KeyValue)...), 400, "invalid_id")
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys/"+unknown+"?x=1", "", apiKey(reader.KeyValue)...), 400, "unknown_query_parameter")
	// Allowed, valid, unknown: 404.
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys/"+unknown, "", apiKey(reader.KeyValue)...), 404, "not_found")
}
