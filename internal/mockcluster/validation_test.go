package mockcluster

import (
	"net/http"
	"strings"
	"testing"
)

func TestCreateValidation(t *testing.T) {
	tests := []struct {
		name, body, code string
		status           int // 0 means 400
		mention          string
	}{
		{name: "empty body", body: "", code: "missing_body"},
		{name: "whitespace body", body: " \n\t", code: "missing_body"},
		{name: "malformed", body: `{"scopes":`, code: "invalid_json"},
		{name: "trailing comma", body: `{"scopes":["pci:tokens:read"],}`, code: "invalid_json"},
		{name: "single quotes", body: `{'scopes':['pci:tokens:read']}`, code: "invalid_json"},
		{name: "trailing data", body: `{"scopes":["pci:tokens:read"]} x`, code: "invalid_json"},
		{name: "two objects", body: `{"scopes":["pci:tokens:read"]}{}`, code: "invalid_json"},
		{name: "null body", body: `null`, code: "invalid_body"},
		{name: "array body", body: `[{"scopes":["pci:tokens:read"]}]`, code: "invalid_body"},
		{name: "string body", body: `"scopes"`, code: "invalid_body"},
		{name: "number body", body: `42`, code: "invalid_body"},
		{name: "empty object", body: `{}`, code: "missing_scopes"},
		{name: "null scopes", body: `{"scopes":null}`, code: "invalid_scopes"},
		{name: "empty scopes", body: `{"scopes":[]}`, code: "invalid_scopes"},
		{name: "scopes string", body: `{"scopes":"pci:tokens:read"}`, code: "invalid_scopes"},
		{name: "scopes object", body: `{"scopes":{"a":"pci:tokens:read"}}`, code: "invalid_scopes"},
		{name: "scope number", body: `{"scopes":[1]}`, code: "invalid_scopes"},
		{name: "scope null", body: `{"scopes":[null]}`, code: "invalid_scopes"},
		{name: "scope empty string", body: `{"scopes":[""]}`, code: "invalid_scopes"},
		{name: "unknown scope", body: `{"scopes":["pci:tokens:eat"]}`, code: "unknown_scope", mention: "pci:tokens:eat"},
		{name: "unknown scope lists allowed", body: `{"scopes":["nope"]}`, code: "unknown_scope", mention: "admin:types:delete"},
		{name: "scope wrong case", body: `{"scopes":["PCI:tokens:read"]}`, code: "unknown_scope"},
		{name: "scope with space", body: `{"scopes":[" pci:tokens:read"]}`, code: "unknown_scope"},
		{name: "duplicate scope", body: `{"scopes":["pci:tokens:read","pci:tokens:read"]}`, code: "duplicate_scope", mention: "pci:tokens:read"},
		{name: "unknown field", body: `{"scopes":["pci:tokens:read"],"name":"x"}`, code: "unknown_field", mention: "name"},
		{name: "field wrong case", body: `{"Scopes":["pci:tokens:read"]}`, code: "unknown_field"},
		{name: "duplicate field", body: `{"scopes":["pci:tokens:read"],"scopes":["pci:tokens:read"]}`, code: "duplicate_field"},
		{name: "expires_in zero", body: `{"scopes":["pci:tokens:read"],"expires_in":0}`, code: "invalid_expires_in"},
		{name: "expires_in negative", body: `{"scopes":["pci:tokens:read"],"expires_in":-5}`, code: "invalid_expires_in"},
		{name: "expires_in too big", body: `{"scopes":["pci:tokens:read"],"expires_in":7776001}`, code: "invalid_expires_in"},
		{name: "expires_in huge", body: `{"scopes":["pci:tokens:read"],"expires_in":123456789012345678901234567890}`, code: "invalid_expires_in"},
		{name: "expires_in fraction", body: `{"scopes":["pci:tokens:read"],"expires_in":1.5}`, code: "invalid_expires_in"},
		{name: "expires_in point zero", body: `{"scopes":["pci:tokens:read"],"expires_in":60.0}`, code: "invalid_expires_in"},
		{name: "expires_in exponent", body: `{"scopes":["pci:tokens:read"],"expires_in":6e1}`, code: "invalid_expires_in"},
		{name: "expires_in string", body: `{"scopes":["pci:tokens:read"],"expires_in":"60"}`, code: "invalid_expires_in"},
		{name: "expires_in true", body: `{"scopes":["pci:tokens:read"],"expires_in":true}`, code: "invalid_expires_in"},
		{name: "expires_in array", body: `{"scopes":["pci:tokens:read"],"expires_in":[60]}`, code: "invalid_expires_in"},
		{name: "expires_in object", body: `{"scopes":["pci:tokens:read"],"expires_in":{}}`, code: "invalid_expires_in"},
		{name: "too large", body: `{"scopes":["` + strings.Repeat("a", maxBodyBytes) + `"]}`, code: "body_too_large", status: http.StatusRequestEntityTooLarge},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(http.MethodPost, "/api/admin/api-keys", tt.body, admin...)
			status := tt.status
			if status == 0 {
				status = http.StatusBadRequest
			}
			checkError(t, res, status, tt.code)
			if tt.mention != "" && !strings.Contains(string(res.body), tt.mention) {
				t.Errorf("message does not mention %q: %s", tt.mention, res.body)
			}
		})
	}
	if n := len(h.mock.Keys()); n != 0 {
		t.Errorf("invalid creates made %d keys", n)
	}
}

func TestCreateQueryAndHeaderValidation(t *testing.T) {
	h := newHarness(t)
	body := `{"scopes":["pci:tokens:read"]}`
	checkError(t, h.do(http.MethodPost, "/api/admin/api-keys?foo=1", body, admin...), 400, "unknown_query_parameter")
	checkError(t, h.do(http.MethodPost, "/api/admin/api-keys", body, append(admin, "x-idempotency-key", "")...),
		400, "invalid_idempotency_key")
	checkError(t, h.do(http.MethodPost, "/api/admin/api-keys", body, append(admin, "x-idempotency-key", strings.Repeat("k", 256))...),
		400, "invalid_idempotency_key")
	checkError(t, h.do(http.MethodPost, "/api/admin/api-keys", body, append(admin, "x-idempotency-key", "a", "x-idempotency-key", "b")...),
		400, "invalid_idempotency_key")
	if n := len(h.mock.Keys()); n != 0 {
		t.Errorf("invalid creates made %d keys", n)
	}
}

func TestUpdateValidation(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped("pci:tokens:read")
	tests := []struct{ name, body, code string }{
		{"empty body", "", "missing_body"},
		{"malformed", `{"scopes":[`, "invalid_json"},
		{"not an object", `["pci:tokens:read"]`, "invalid_body"},
		{"empty object", `{}`, "missing_scopes"},
		{"null scopes", `{"scopes":null}`, "invalid_scopes"},
		{"empty scopes", `{"scopes":[]}`, "invalid_scopes"},
		{"empty string", `{"scopes":[""]}`, "invalid_scopes"},
		{"unknown scope", `{"scopes":["x"]}`, "unknown_scope"},
		{"duplicate scope", `{"scopes":["pci:tokens:read","pci:tokens:read"]}`, "duplicate_scope"},
		{"expires_in not allowed", `{"scopes":["pci:tokens:read"],"expires_in":60}`, "unknown_field"},
		{"unknown field", `{"scopes":["pci:tokens:read"],"id":"x"}`, "unknown_field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, h.do(http.MethodPatch, "/api/admin/api-keys/"+k.ID, tt.body, admin...), 400, tt.code)
		})
	}
	if got, _ := h.mock.Key(k.ID); len(got.Scopes) != 1 || got.Scopes[0] != "pci:tokens:read" {
		t.Errorf("invalid patches changed the scopes to %v", got.Scopes)
	}
}

func TestIDValidation(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped("pci:tokens:read")
	const unknown = "123e4567-e89b-12d3-a456-426614174000"
	tests := []struct {
		name, id string
		status   int
		code     string
	}{
		{"not a uuid", "abc", 400, "invalid_id"},
		{"too short", k.ID[:35], 400, "invalid_id"},
		{"braces", "{" + k.ID + "}", 400, "invalid_id"},
		{"no hyphens", strings.ReplaceAll(k.ID, "-", ""), 400, "invalid_id"},
		{"urn", "urn:uuid:" + k.ID, 400, "invalid_id"},
		{"non-hex", "g23e4567-e89b-12d3-a456-426614174000", 400, "invalid_id"},
		{"key value as id", "key_abcdef", 400, "invalid_id"},
		{"unknown uuid", unknown, 404, "not_found"},
		{"nil uuid", "00000000-0000-0000-0000-000000000000", 404, "not_found"},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
			t.Run(tt.name+" "+method, func(t *testing.T) {
				body := ""
				if method == http.MethodPatch {
					body = `{"scopes":["pci:tokens:read"]}`
				}
				checkError(t, h.do(method, "/api/admin/api-keys/"+tt.id, body, admin...), tt.status, tt.code)
			})
		}
	}
	// Upper case names the same key: UUIDs compare case-insensitively.
	if res := h.do(http.MethodGet, "/api/admin/api-keys/"+strings.ToUpper(k.ID), "", admin...); res.status != 200 {
		t.Errorf("upper-case id: status %d", res.status)
	}
	// Validation comes before existence: a bad body on an unknown id is 400.
	checkError(t, h.do(http.MethodPatch, "/api/admin/api-keys/"+unknown, `{}`, admin...), 400, "missing_scopes")
	// Item routes take no query parameters.
	checkError(t, h.do(http.MethodGet, "/api/admin/api-keys/"+k.ID+"?verbose=1", "", admin...), 400, "unknown_query_parameter")
}

func TestListValidation(t *testing.T) {
	h := newHarness(t)
	h.createScoped("pci:tokens:read")
	tests := []struct{ name, query, code string }{
		{"limit zero", "?limit=0", "invalid_limit"},
		{"limit negative", "?limit=-1", "invalid_limit"},
		{"limit too big", "?limit=101", "invalid_limit"},
		{"limit huge", "?limit=99999999999999999999999", "invalid_limit"},
		{"limit fraction", "?limit=1.5", "invalid_limit"},
		{"limit word", "?limit=ten", "invalid_limit"},
		{"limit empty", "?limit=", "invalid_limit"},
		{"limit plus", "?limit=+5", "invalid_limit"},
		{"limit twice", "?limit=5&limit=6", "invalid_query"},
		{"after not uuid", "?after=abc", "invalid_after"},
		{"after empty", "?after=", "invalid_after"},
		{"after unknown", "?after=123e4567-e89b-12d3-a456-426614174000", "unknown_after"},
		{"unknown parameter", "?page=2", "unknown_query_parameter"},
		{"bad escape", "?after=%zz", "invalid_query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, h.do(http.MethodGet, "/api/admin/api-keys"+tt.query, "", admin...), 400, tt.code)
		})
	}
}

// TestBadBodiesNeverPanic throws odd bodies at every body-taking operation
// and checks that each gets a well-formed 4xx answer.
func TestBadBodiesNeverPanic(t *testing.T) {
	h := newHarness(t)
	k := h.createScoped("pci:tokens:read")
	bodies := []string{
		"{", "}", "[", "]", `"`, `\`, "\x00", "\xff\xfe", "nul", "tru", "-", "1e999",
		`{"scopes":["\ud800"]}`, `{"scopes":["pci:tokens:read\u0000"]}`, "{\"scopes\":[\"\xff\"]}",
		`{"scopes":[[]]}`, `{"scopes":[{}]}`, `{"scopes":[true]}`, `{"":1}`, `{"scopes":["pci:tokens:read"],"expires_in":-0}`,
		`{"scopes":["pci:tokens:read"],"expires_in":1E2}`, `{"scopes":["pci:tokens:read"],"expires_in":9223372036854775808}`,
		`{"scopes":["pci:tokens:read"],"expires_in":-9223372036854775809}`,
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000),
		`{"scopes":` + strings.Repeat(`"x",`, 1) + `}`,
	}
	for _, body := range bodies {
		for _, method := range []string{http.MethodPost, http.MethodPatch} {
			path := "/api/admin/api-keys"
			if method == http.MethodPatch {
				path += "/" + k.ID
			}
			res := h.do(method, path, body, admin...)
			if res.status < 400 || res.status > 499 {
				t.Errorf("%s %q: status %d, want 4xx", method, body, res.status)
				continue
			}
			if c := res.code(t); c == "" {
				t.Errorf("%s %q: no error code in %s", method, body, res.body)
			}
		}
	}
}
