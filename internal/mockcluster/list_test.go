package mockcluster

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// makeKeys creates n keys directly, a second apart, and returns their ids in
// creation order.
func (h *harness) makeKeys(n int) []string {
	h.t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.createScoped("pci:tokens:read").ID
		h.clock.Advance(time.Second)
	}
	return ids
}

// walk lists every page, following links.next by taking its after and limit
// (as a robust client does), and returns the ids and the number of pages.
func (h *harness) walk(limit int) (ids []string, pages int) {
	h.t.Helper()
	query := ""
	if limit > 0 {
		query = "?limit=" + strconv.Itoa(limit)
	}
	for {
		p := h.list(query)
		pages++
		for _, item := range p.Data {
			ids = append(ids, item.ID)
		}
		if p.Links.Next == nil {
			return ids, pages
		}
		if len(p.Data) == 0 {
			h.t.Fatal("an empty page has links.next")
		}
		u, err := url.Parse(*p.Links.Next)
		if err != nil {
			h.t.Fatalf("links.next %q: %v", *p.Links.Next, err)
		}
		query = "?" + u.RawQuery
		if pages > 1000 {
			h.t.Fatal("pagination does not end")
		}
	}
}

func TestPagination(t *testing.T) {
	tests := []struct {
		keys, limit, wantPages int
	}{
		{0, 0, 1},     // empty
		{0, 5, 1},     // empty, with a limit
		{1, 1, 1},     // one key, limit 1: no next after it
		{3, 1, 3},     // limit 1
		{10, 5, 2},    // exact multiple: the last full page has no next
		{11, 5, 3},    // one more
		{20, 0, 1},    // default 20, exactly
		{21, 0, 2},    // default 20, one more
		{100, 100, 1}, // limit 100
		{101, 100, 2},
		{45, 7, 7},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d keys limit %d", tt.keys, tt.limit), func(t *testing.T) {
			h := newHarness(t)
			want := h.makeKeys(tt.keys)
			got, pages := h.walk(tt.limit)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("ids = %v\nwant %v", got, want)
			}
			if pages != tt.wantPages {
				t.Errorf("pages = %d, want %d", pages, tt.wantPages)
			}
		})
	}
}

func TestPaginationPageSizes(t *testing.T) {
	h := newHarness(t)
	h.makeKeys(25)
	if p := h.list(""); len(p.Data) != 20 || p.Links.Next == nil {
		t.Errorf("default page: %d items, next %v", len(p.Data), p.Links.Next)
	}
	if p := h.list("?limit=1"); len(p.Data) != 1 || p.Links.Next == nil {
		t.Errorf("limit 1: %d items", len(p.Data))
	}
	if p := h.list("?limit=100"); len(p.Data) != 25 || p.Links.Next != nil {
		t.Errorf("limit 100: %d items, next %v", len(p.Data), p.Links.Next)
	}
}

func TestNextLinkForm(t *testing.T) {
	for _, published := range []bool{false, true} {
		t.Run(fmt.Sprintf("published=%v", published), func(t *testing.T) {
			h := newHarness(t, func(o *Options) { o.PublishedNextLinks = published })
			ids := h.makeKeys(3)
			host := h.http.Listener.Addr().String()
			prefix := "/api"
			if published {
				prefix = ""
			}
			want := "http://" + host + prefix + "/admin/api-keys?after=" + ids[1] + "&limit=2"
			p := h.list("?limit=2")
			if p.Links.Next == nil || *p.Links.Next != want {
				t.Errorf("next = %v, want %s", p.Links.Next, want)
			}
			// The default limit appears in next too.
			h.makeKeys(20)
			p = h.list("")
			want = "http://" + host + prefix + "/admin/api-keys?after=" + p.Data[19].ID + "&limit=20"
			if p.Links.Next == nil || *p.Links.Next != want {
				t.Errorf("next = %v, want %s", p.Links.Next, want)
			}
			// Behind a proxy that terminates TLS.
			res := h.do(http.MethodGet, "/api/admin/api-keys?limit=2", "", append(admin, "X-Forwarded-Proto", "https")...)
			links, _ := res.json(t)["links"].(map[string]any)
			next, _ := links["next"].(string)
			if want := "https://" + host + prefix + "/admin/api-keys?after=" + ids[1] + "&limit=2"; next != want {
				t.Errorf("next behind proxy = %q, want %q", next, want)
			}
		})
	}
}

func TestLastPageHasNoNext(t *testing.T) {
	h := newHarness(t)
	h.makeKeys(2)
	res := h.do(http.MethodGet, "/api/admin/api-keys?limit=2", "", admin...)
	links, ok := res.json(t)["links"].(map[string]any)
	if !ok {
		t.Fatalf("links missing: %s", res.body)
	}
	if v, ok := links["next"]; ok && v != nil {
		t.Errorf("links.next = %v on the last page", v)
	}
	// An empty list is an empty array, not null.
	h2 := newHarness(t)
	if body := string(h2.do(http.MethodGet, "/api/admin/api-keys", "", admin...).body); body != `{"data":[],"links":{}}`+"\n" {
		t.Errorf("empty list body = %s", body)
	}
}

func TestListAfterDeletedKey(t *testing.T) {
	h := newHarness(t)
	ids := h.makeKeys(5)
	// A client paging while another deletes the key its cursor names must
	// still get the rest of the list.
	h.mock.DeleteKey(ids[1])
	p := h.list("?after=" + ids[1] + "&limit=10")
	if len(p.Data) != 3 || p.Data[0].ID != ids[2] {
		t.Errorf("after deleted key: %+v", p.Data)
	}
	// Deleted keys are skipped, and next is absent when only deleted keys follow.
	h.mock.DeleteKey(ids[4])
	h.mock.DeleteKey(ids[3])
	p = h.list("?limit=2")
	if len(p.Data) != 2 || p.Data[0].ID != ids[0] || p.Data[1].ID != ids[2] || p.Links.Next != nil {
		t.Errorf("page with deleted keys: %+v next %v", p.Data, p.Links.Next)
	}
	// After the last key: an empty page.
	if p := h.list("?after=" + ids[2]); len(p.Data) != 0 || p.Links.Next != nil {
		t.Errorf("after the last key: %+v", p)
	}
}

func TestListCreationOrderWithSameTimestamp(t *testing.T) {
	h := newHarness(t)
	var want []string
	for i := 0; i < 30; i++ { // the fake clock stands still: every created_at is equal
		want = append(want, h.createScoped("pci:tokens:read").ID)
	}
	got, _ := h.walk(7)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("order = %v\nwant %v", got, want)
	}
	keys := h.mock.Keys()
	for i, k := range keys {
		if k.ID != want[i] {
			t.Fatalf("Keys()[%d] = %s, want %s", i, k.ID, want[i])
		}
	}
}
