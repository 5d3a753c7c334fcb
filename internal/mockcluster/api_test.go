package mockcluster

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

var (
	keyValueRE = regexp.MustCompile(`^key_[A-Za-z0-9_-]{43}$`)
	maskedRE   = regexp.MustCompile(`^key_[A-Za-z0-9_-]{4}xxxx$`)
	uuidV4RE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

func TestLifecycle(t *testing.T) {
	h := newHarness(t)

	// Create.
	res := h.do(http.MethodPost, "/api/admin/api-keys",
		`{"scopes":["admin:api-keys:create","admin:api-keys:update"],"expires_in":3600}`, admin...)
	if res.status != http.StatusCreated {
		t.Fatalf("create: status %d, body %s", res.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	m := res.json(t)
	wantMembers := []string{"created_at", "expires_at", "id", "key_value", "scopes"}
	if got := sortedKeys(m); !slices.Equal(got, wantMembers) {
		t.Errorf("create members = %v, want %v", got, wantMembers)
	}
	var c created
	if err := json.Unmarshal(res.body, &c); err != nil {
		t.Fatal(err)
	}
	if !uuidV4RE.MatchString(c.ID) {
		t.Errorf("id %q is not a lower-case UUIDv4", c.ID)
	}
	if !keyValueRE.MatchString(c.KeyValue) {
		t.Errorf("key_value %q has not the expected form", c.KeyValue)
	}
	if c.CreatedAt != "2023-10-01T10:00:00Z" {
		t.Errorf("created_at = %q", c.CreatedAt)
	}
	if c.ExpiresAt == nil || *c.ExpiresAt != "2023-10-01T11:00:00Z" {
		t.Errorf("expires_at = %v", c.ExpiresAt)
	}
	if !slices.Equal(c.Scopes, []string{"admin:api-keys:create", "admin:api-keys:update"}) {
		t.Errorf("scopes = %v", c.Scopes)
	}

	// Get: masked, never the secret.
	res = h.do(http.MethodGet, "/api/admin/api-keys/"+c.ID, "", admin...)
	if res.status != http.StatusOK {
		t.Fatalf("get: status %d, body %s", res.status, res.body)
	}
	m = res.json(t)
	wantMembers = []string{"created_at", "expires_at", "id", "masked_key_value", "scopes"}
	if got := sortedKeys(m); !slices.Equal(got, wantMembers) {
		t.Errorf("get members = %v, want %v", got, wantMembers)
	}
	masked, _ := m["masked_key_value"].(string)
	if !maskedRE.MatchString(masked) || masked != c.KeyValue[:8]+"xxxx" {
		t.Errorf("masked_key_value = %q for key %q", masked, c.KeyValue)
	}
	if strings.Contains(string(res.body), c.KeyValue) {
		t.Error("get answer contains the key_value")
	}

	// Patch the scopes.
	res = h.do(http.MethodPatch, "/api/admin/api-keys/"+c.ID, `{"scopes":["pci:tokens:read"]}`, admin...)
	if res.status != http.StatusOK {
		t.Fatalf("patch: status %d, body %s", res.status, res.body)
	}
	m = res.json(t)
	if got := m["scopes"]; !jsonEqual(got, []any{"pci:tokens:read"}) {
		t.Errorf("patched scopes = %v", got)
	}
	if _, ok := m["key_value"]; ok {
		t.Error("patch answer contains key_value")
	}
	if m["id"] != c.ID || m["created_at"] != c.CreatedAt {
		t.Errorf("patch changed id or created_at: %s", res.body)
	}
	if k, _ := h.mock.Key(c.ID); !slices.Equal(k.Scopes, []string{"pci:tokens:read"}) {
		t.Errorf("stored scopes = %v", k.Scopes)
	}

	// List shows it.
	p := h.list("")
	if len(p.Data) != 1 || p.Data[0].ID != c.ID || p.Data[0].KeyValue != nil || p.Links.Next != nil {
		t.Errorf("list = %+v", p)
	}

	// Delete, then it is gone.
	res = h.do(http.MethodDelete, "/api/admin/api-keys/"+c.ID, "", admin...)
	if res.status != http.StatusNoContent || len(res.body) != 0 {
		t.Fatalf("delete: status %d, body %q", res.status, res.body)
	}
	if res.header.Get("X-Request-Id") == "" {
		t.Error("delete answer has no x-request-id")
	}
	checkError(t, h.do(http.MethodDelete, "/api/admin/api-keys/"+c.ID, "", admin...), http.StatusNotFound, "not_found")
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys/"+c.ID, "", admin...), http.StatusNotFound, "not_found")
	checkError(t, h.do(http.MethodPatch, "/api/admin/api-keys/"+c.ID, `{"scopes":["pci:tokens:read"]}`, admin...),
		http.StatusNotFound, "not_found")
	if p := h.list(""); len(p.Data) != 0 {
		t.Errorf("list after delete = %+v", p)
	}
	if _, ok := h.mock.Key(c.ID); ok {
		t.Error("Key finds a deleted key")
	}
}

func TestCreateWithoutExpiry(t *testing.T) {
	h := newHarness(t)
	for _, body := range []string{`{"scopes":["pci:tokens:read"]}`, `{"scopes":["pci:tokens:read"],"expires_in":null}`} {
		res := h.do(http.MethodPost, "/api/admin/api-keys", body, admin...)
		if res.status != http.StatusCreated {
			t.Fatalf("%s: status %d", body, res.status)
		}
		m := res.json(t)
		if v, ok := m["expires_at"]; ok && v != nil {
			t.Errorf("%s: expires_at = %v, want absent or null", body, v)
		}
		id, _ := m["id"].(string)
		g := h.do(http.MethodGet, "/api/admin/api-keys/"+id, "", admin...).json(t)
		if v, ok := g["expires_at"]; ok && v != nil {
			t.Errorf("get: expires_at = %v", v)
		}
		// It still authenticates far in the future.
		h.clock.Advance(1000 * 24 * time.Hour)
		kv, _ := m["key_value"].(string)
		if st := h.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(kv)...).status; st != http.StatusForbidden {
			t.Errorf("non-expiring key: status %d, want 403 (authenticated, lacks read)", st)
		}
	}
}

func TestExpiresInBounds(t *testing.T) {
	h := newHarness(t)
	for _, n := range []string{"1", "7776000"} {
		h.create(`{"scopes":["pci:tokens:read"],"expires_in":` + n + `}`)
	}
}

func TestEveryScopeAccepted(t *testing.T) {
	h := newHarness(t)
	all, _ := json.Marshal(scopes.All())
	c := h.create(`{"scopes":` + string(all) + `}`)
	if !slices.Equal(c.Scopes, scopes.All()) {
		t.Errorf("scopes = %v", c.Scopes)
	}
}

func TestRequestIDsUnique(t *testing.T) {
	h := newHarness(t)
	seen := map[string]bool{}
	paths := []string{"/api/admin/api-keys", "/nope", "/_mock/stats", "/api/admin/api-keys/x"}
	for i := 0; i < 40; i++ {
		res := h.do(http.MethodGet, paths[i%len(paths)], "")
		id := res.header.Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Fatalf("request id %q empty or repeated", id)
		}
		seen[id] = true
	}
}

func TestRoutes(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped("pci:tokens:read")
	tests := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/", 404, "not_found", ""},
		{"GET", "/api", 404, "not_found", ""},
		{"GET", "/api/admin", 404, "not_found", ""},
		{"GET", "/api/admin/api-keys/", 404, "not_found", ""},
		{"GET", "/api/admin/api-keys/" + k.ID + "/scopes", 404, "not_found", ""},
		{"GET", "/admin/api-keys", 404, "not_found", ""},
		{"GET", "/_mock/nothing", 404, "not_found", ""},
		{"PUT", "/api/admin/api-keys", 405, "method_not_allowed", "GET, POST"},
		{"DELETE", "/api/admin/api-keys", 405, "method_not_allowed", "GET, POST"},
		{"PATCH", "/api/admin/api-keys", 405, "method_not_allowed", "GET, POST"},
		{"POST", "/api/admin/api-keys/" + k.ID, 405, "method_not_allowed", "GET, PATCH, DELETE"},
		{"PUT", "/api/admin/api-keys/not-a-uuid", 405, "method_not_allowed", "GET, PATCH, DELETE"},
		{"POST", "/_mock/stats", 405, "method_not_allowed", "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			res := h.do(tt.method, tt.path, "", admin...)
			checkError(t, res, tt.status, tt.code)
			if got := res.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
