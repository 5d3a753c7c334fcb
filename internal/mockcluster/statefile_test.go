package mockcluster

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

func TestStateFileRoundTrip(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	h1 := newHarness(t, func(o *Options) { o.StateFile = file })

	kept := h1.create(`{"scopes":["admin:api-keys:read"],"expires_in":3600}`)
	gone := h1.create(`{"scopes":["admin:api-keys:read"]}`)
	replay := h1.createIdem("idem-1", `{"scopes":["pci:tokens:read"]}`)
	if st := h1.do(http.MethodDelete, "/api/admin/api-keys/"+gone.ID, "", admin...).status; st != http.StatusNoContent {
		t.Fatalf("delete: %d", st)
	}
	if st := h1.do(http.MethodPatch, "/api/admin/api-keys/"+kept.ID, `{"scopes":["admin:api-keys:read","pci:tokens:read"]}`, admin...).status; st != 200 {
		t.Fatalf("patch: %d", st)
	}

	info, err := os.Stat(file)
	if err != nil {
		t.Fatalf("state file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode = %o, want 600", mode)
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 2 || entries[0].Name() != "state.json" || entries[1].Name() != "state.json.lock" {
		t.Errorf("directory holds %v, want only the state file and its lock file (no temp files)", entries)
	}
	data, _ := os.ReadFile(file) //nolint:gosec // a file in the test's own TempDir
	if strings.Contains(string(data), gone.KeyValue) {
		t.Error("the state file keeps the secret of a deleted key")
	}

	// Restart from the file, with a clock at the same time.
	h1.stop()
	h2 := newHarness(t, func(o *Options) { o.StateFile = file })
	keys := h2.mock.Keys()
	if len(keys) != 2 || keys[0].ID != kept.ID {
		t.Fatalf("keys after restart: %+v", keys)
	}
	if got := strings.Join(keys[0].Scopes, ","); got != "admin:api-keys:read,pci:tokens:read" {
		t.Errorf("scopes after restart: %s", got)
	}
	if keys[0].ExpiresAt == nil || !keys[0].ExpiresAt.Equal(epoch.Add(time.Hour)) || !keys[0].CreatedAt.Equal(epoch) {
		t.Errorf("times after restart: %+v", keys[0])
	}
	if st := h2.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(kept.KeyValue)...).status; st != 200 {
		t.Errorf("kept key after restart: %d", st)
	}
	checkError(t, h2.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(gone.KeyValue)...), 401, "unauthorized")
	checkError(t, h2.do(http.MethodGet, "/api/admin/api-keys/"+gone.ID, "", admin...), 404, "not_found")
	// The deleted key is still a valid cursor.
	if p := h2.list("?after=" + gone.ID); len(p.Data) != 1 {
		t.Errorf("list after deleted key: %+v", p)
	}
	// Idempotency records survive too.
	if res := h2.createIdem("idem-1", `{"scopes":["pci:tokens:read"]}`); string(res.body) != string(replay.body) {
		t.Errorf("replay after restart: %d %s", res.status, res.body)
	}
	// New keys continue the order.
	k := h2.create(`{"scopes":["pci:tokens:read"]}`)
	if ks := h2.mock.Keys(); ks[len(ks)-1].ID != k.ID {
		t.Error("a key created after restart is not last")
	}

	// A third start sees what the second one did.
	h2.stop()
	h3 := newHarness(t, func(o *Options) { o.StateFile = file })
	if n := len(h3.mock.Keys()); n != 3 {
		t.Errorf("%d keys after second restart, want 3", n)
	}
}

func TestStateFileMissingIsEmpty(t *testing.T) {
	file := filepath.Join(t.TempDir(), "none.json")
	h := newHarness(t, func(o *Options) { o.StateFile = file })
	if n := len(h.mock.Keys()); n != 0 {
		t.Errorf("%d keys", n)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state file written before any change: %v", err)
	}
}

func TestStateFileCorrupt(t *testing.T) {
	dir := t.TempDir()
	const (
		idA  = "123e4567-e89b-12d3-a456-426614174000"
		idB  = "123e4567-e89b-12d3-a456-426614174001"
		head = `{"version":1,"next_seq":1}` + "\n"
		keyB = `{"op":"key","seq":1,"id":"` + idB + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"key_a"}` + "\n"
	)
	for _, tt := range []struct {
		name, content, want string
	}{
		{"garbage", "not json", "parse state file"},
		{"version", `{"version":99,"next_seq":1}`, "has version 99; this mock reads version 1"},
		{"bad id", head + `{"op":"key","seq":1,"id":"x","scopes":["pci:tokens:read"],"key_value":"key_a","created_at":"2023-10-01T10:00:00Z"}` + "\n" + keyB,
			`has an invalid key id "x"`},
		{"no value", head + `{"op":"key","seq":1,"id":"` + idA + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z"}` + "\n" + keyB,
			"has key " + idA + " without a secret or valid scopes"},
		{"same key twice", head +
			`{"op":"key","seq":1,"id":"` + idA + `","scopes":["pci:tokens:read"],"key_value":"key_a","created_at":"2023-10-01T10:00:00Z"}` + "\n" +
			`{"op":"key","seq":2,"id":"` + idA + `","scopes":["pci:tokens:read"],"key_value":"key_b","created_at":"2023-10-01T10:00:00Z"}` + "\n",
			"has key " + idA + " twice"},
		{"unreadable record", head + "{not json\n" + keyB, "has an unreadable record on line 2"},
		{"idempotency record without response", head +
			`{"op":"idem","owner":"admin","idempotency_key":"k","fingerprint":"f","stored_at":"2023-10-01T10:00:00Z"}` + "\n" + keyB,
			"line 2 has an idempotency record without its response"},
		{"delete of no key", head + `{"op":"delete","id":"` + idA + `"}` + "\n" + keyB,
			"line 2 deletes " + idA + ", which is no key"},
		{"delete twice", head + keyB + `{"op":"delete","id":"` + idB + `"}` + "\n" + `{"op":"delete","id":"` + idB + `"}` + "\n" + keyB,
			"line 4 deletes " + idB + " twice"},
		{"idempotency record of another key", head +
			`{"op":"key","seq":1,"id":"` + idB + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"key_a",` +
			`"idem":{"owner":"admin","key":"k","fingerprint":"f","stored_at":"2023-10-01T10:00:00Z",` +
			`"response":{"id":"` + idA + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"key_a"}}}` + "\n" + keyB,
			"line 2 has an idempotency record for another key in the line of " + idB},
		{"unknown record", head + `{"op":"rename","id":"` + idA + `"}` + "\n" + keyB,
			`line 2 has a record of unknown kind "rename"`},
		{"keys out of order", head +
			`{"op":"key","seq":2,"id":"` + idA + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"key_a"}` + "\n" +
			`{"op":"key","seq":1,"id":"` + idB + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"key_b"}` + "\n",
			"line 3 has keys out of order at " + idB},
		{"scopes of a deleted key", head +
			`{"op":"tombstone","seq":1,"id":"` + idA + `"}` + "\n" +
			`{"op":"scopes","id":"` + idA + `","scopes":["pci:tokens:read"]}` + "\n" +
			`{"op":"key","seq":2,"id":"` + idB + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"key_b"}` + "\n",
			"line 3 changes the scopes of " + idA + ", which is not a live key"},
	} {
		file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
		if err := os.WriteFile(file, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Options{AdminToken: "t", StateFile: file})
		switch {
		case err == nil:
			t.Errorf("%s: New accepted a corrupt state file", tt.name)
		case !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), file):
			t.Errorf("%s: err = %q, want it to name the file and contain %q", tt.name, err, tt.want)
		}
	}
}

func TestStateFileWriteFailureChangesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "state.json")
	h := newHarness(t, func(o *Options) { o.StateFile = file })
	k := h.createScoped(scopes.APIKeysRead)
	// Make the directory disappear, so that every write fails.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	checkError(t, h.do(http.MethodPost, "/api/admin/api-keys", `{"scopes":["pci:tokens:read"]}`, admin...), 500, "state_file_error")
	checkError(t, h.do(http.MethodPatch, "/api/admin/api-keys/"+k.ID, `{"scopes":["pci:tokens:read"]}`, admin...), 500, "state_file_error")
	checkError(t, h.do(http.MethodDelete, "/api/admin/api-keys/"+k.ID, "", admin...), 500, "state_file_error")
	keys := h.mock.Keys()
	if len(keys) != 1 || keys[0].Scopes[0] != scopes.APIKeysRead {
		t.Errorf("keys after failed writes: %+v", keys)
	}
	if st := h.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(k.KeyValue)...).status; st != 200 {
		t.Errorf("key after failed delete: %d", st)
	}
	if h.mock.DeleteKey(k.ID) {
		t.Error("DeleteKey reported success although the state could not be written")
	}
	if _, err := h.mock.CreateKey([]string{"pci:tokens:read"}, 0); err == nil {
		t.Error("CreateKey reported success although the state could not be written")
	}
}

func TestStateFileDropsOldIdempotencyRecords(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	clk := clock.NewFake(epoch)
	m1, err := New(Options{AdminToken: "t", StateFile: file, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m1.Close() })
	_, _, err = m1.store.create(createParams{scopes: []string{"pci:tokens:read"}, owner: "admin", idemKey: "k", fingerprint: "f"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(25 * time.Hour)
	if err := m1.Close(); err != nil {
		t.Fatal(err)
	}
	m2, err := New(Options{AdminToken: "t", StateFile: file, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m2.Close() })
	if n := len(m2.store.idem); n != 0 {
		t.Errorf("%d idempotency records survived their 24 hours", n)
	}
}
