package hellgate

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func page(next any, ids ...string) func(http.ResponseWriter, *http.Request) {
	data := make([]any, 0, len(ids))
	for _, id := range ids {
		data = append(data, keyJSON(id))
	}
	return jsonStatus(http.StatusOK, map[string]any{"data": data, "links": map[string]any{"next": next}})
}

func TestListFollowsNextQueryNotURL(t *testing.T) {
	t.Parallel()
	rec := replies(
		// The published example: no /api prefix, another host.
		page("https://my-cluster-id.on-hellgate.cloud/admin/api-keys?after=b&limit=2", "a", "b"),
		page("/whatever?limit=2&after=d", "c", "d"),
		page(nil, "e"),
	)
	c, _ := newTestClient(t, rec)
	keys, err := c.ListAllAPIKeys(t.Context(), 2)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range keys {
		ids = append(ids, k.ID)
	}
	if strings.Join(ids, ",") != "a,b,c,d,e" {
		t.Errorf("ids = %v", ids)
	}
	want := []string{
		"/api/admin/api-keys?limit=2",
		"/api/admin/api-keys?after=b&limit=2",
		"/api/admin/api-keys?after=d&limit=2",
	}
	reqs := rec.requests()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		if reqs[i].URI != w {
			t.Errorf("request %d = %s, want %s", i, reqs[i].URI, w)
		}
	}
}

func TestListPage(t *testing.T) {
	t.Parallel()
	rec := replies(
		jsonStatus(http.StatusOK, map[string]any{"data": []any{
			map[string]any{
				"id": "a", "created_at": "2023-10-01T12:00:00Z", "expires_at": "2023-10-02T12:00:00Z",
				"masked_key_value": "key_123xxxx", "scopes": []string{"pci:tokens:read"},
			},
		}, "links": map[string]any{"next": "https://x/admin/api-keys?after=a"}}),
		jsonStatus(http.StatusOK, map[string]any{"data": []any{}}),
	)
	c, _ := newTestClient(t, rec)

	p, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Keys) != 1 || p.Next == nil || *p.Next != (ListAPIKeysInput{After: "a"}) {
		t.Fatalf("page = %+v, next %+v", p, p.Next)
	}
	k := p.Keys[0]
	if k.ExpiresAt == nil || !k.ExpiresAt.Equal(time.Date(2023, 10, 2, 12, 0, 0, 0, time.UTC)) ||
		k.MaskedKeyValue != "key_123xxxx" || k.KeyValue != "" || k.Scopes[0] != "pci:tokens:read" {
		t.Errorf("key = %+v", k)
	}
	if got := rec.requests()[0].URI; got != "/api/admin/api-keys" {
		t.Errorf("first page requested %s, want no query", got)
	}

	p, err = c.ListAPIKeys(t.Context(), *p.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Keys) != 0 || p.Next != nil {
		t.Errorf("last page = %+v", p)
	}
	if got := rec.requests()[1].URI; got != "/api/admin/api-keys?after=a" {
		t.Errorf("second page requested %s", got)
	}
}

func TestListAllStopsOnRepeatedCursor(t *testing.T) {
	t.Parallel()
	tests := map[string][]func(http.ResponseWriter, *http.Request){
		"same after as requested": {page("/x?after=a", "a"), page("/x?after=a", "a")},
		"cycle":                   {page("/x?after=a", "a"), page("/x?after=b", "b"), page("/x?after=a", "a")},
	}
	for name, rs := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := replies(rs...)
			c, _ := newTestClient(t, rec)
			_, err := c.ListAllAPIKeys(t.Context(), 0)
			if err == nil || !strings.Contains(err.Error(), "twice") {
				t.Fatalf("err = %v, want a repeated-page error", err)
			}
			if n := len(rec.requests()); n != len(rs) {
				t.Errorf("%d requests, want %d", n, len(rs))
			}
			if got := rec.requests()[0].URI; got != "/api/admin/api-keys?limit=100" {
				t.Errorf("default page size: requested %s", got)
			}
		})
	}
}

func TestListRejectsBadNextLinks(t *testing.T) {
	t.Parallel()
	for _, next := range []string{"/x?limit=5", "/x?after=a&limit=zero", "/x?after=a&limit=0", "://bad"} {
		rec := replies(page(next, "a"))
		c, _ := newTestClient(t, rec)
		if _, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{}); err == nil {
			t.Errorf("links.next %q accepted", next)
		}
	}
}

func TestDecodeProblems(t *testing.T) {
	t.Parallel()
	const kv = "key_DO-NOT-PRINT"
	tests := []struct {
		name  string
		reply func(http.ResponseWriter, *http.Request)
		call  func(*Client) error
	}{
		{"create not json", status(http.StatusCreated, `{"key_value":"`+kv+`", oops`), func(c *Client) error {
			_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"x"}})
			return err
		}},
		{"create without key value", jsonStatus(http.StatusCreated, keyJSON("a")), func(c *Client) error {
			_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"x"}})
			return err
		}},
		{"create without id", jsonStatus(http.StatusCreated, map[string]any{"key_value": kv}), func(c *Client) error {
			_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"x"}})
			return err
		}},
		{"get empty", status(http.StatusOK, ""), func(c *Client) error {
			_, err := c.GetAPIKey(t.Context(), "a")
			return err
		}},
		{"get without id", jsonStatus(http.StatusOK, map[string]any{"scopes": []string{}}), func(c *Client) error {
			_, err := c.GetAPIKey(t.Context(), "a")
			return err
		}},
		{"get bad time", jsonStatus(http.StatusOK, map[string]any{"id": "a", "created_at": "yesterday"}), func(c *Client) error {
			_, err := c.GetAPIKey(t.Context(), "a")
			return err
		}},
		{"list not json", status(http.StatusOK, "<html>"), func(c *Client) error {
			_, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{})
			return err
		}},
		{"list item without id", jsonStatus(http.StatusOK, map[string]any{"data": []any{map[string]any{}}}), func(c *Client) error {
			_, err := c.ListAPIKeys(t.Context(), ListAPIKeysInput{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestClient(t, replies(tt.reply))
			err := tt.call(c)
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), kv) {
				t.Errorf("err = %q quotes the key value", err)
			}
		})
	}
}

func TestDeleteAcceptsAny2xx(t *testing.T) {
	t.Parallel()
	for _, code := range []int{200, 202, 204} {
		rec := replies(status(code, ""))
		c, _ := newTestClient(t, rec)
		if err := c.DeleteAPIKey(t.Context(), "a"); err != nil {
			t.Errorf("DELETE answered %d: %v", code, err)
		}
		if r := rec.requests()[0]; r.Method != http.MethodDelete || r.URI != "/api/admin/api-keys/a" || r.Body != "" {
			t.Errorf("sent %s %s %q", r.Method, r.URI, r.Body)
		}
	}
}
