package mockcluster

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// A create with an idempotency key that a crash cuts short anywhere in its
// write (the file then ends at any byte of what it appended) leaves the
// state before the create or the state after it, never the key without its
// record; so a retry with the same idempotency key after the restart
// replays the key if it is there and makes exactly one otherwise.
func TestStateFileTornCreate(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "state.json")
	clk := clock.NewFake(epoch)
	st := openStore(t, file, clk)
	// A first key writes the file, so that the create below is appended.
	if _, _, err := st.create(createParams{scopes: []string{scopes.APIKeysRead}}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(file) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	wantBefore := view(st, clk.Now())
	p := createParams{scopes: []string{"pci:tokens:read"}, owner: "admin", idemKey: "retry-me", fingerprint: "f"}
	k, _, err := st.create(p)
	if err != nil {
		t.Fatal(err)
	}
	wantAfter := view(st, clk.Now())
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(file) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	if len(after) <= len(before) || !bytes.Equal(after[:len(before)], before) {
		t.Fatalf("the create was not appended to the file (%d bytes, then %d)", len(before), len(after))
	}

	var kept, lost int
	for n := len(before); n <= len(after); n++ {
		if err := os.WriteFile(file, after[:n], 0o600); err != nil { //nolint:gosec // the test's own file
			t.Fatal(err)
		}
		st := openStore(t, file, clk)
		got := view(st, clk.Now())
		survived := equalViews(got, wantAfter)
		if !survived && !equalViews(got, wantBefore) {
			t.Errorf("cut after %d of the %d bytes appended: restored %v, want the state before the create (%v) or after it (%v)",
				n-len(before), len(after)-len(before), got, wantBefore, wantAfter)
		}
		retry, replayed, err := st.create(p)
		switch {
		case err != nil:
			t.Fatalf("cut after %d bytes: retry: %v", n-len(before), err)
		case survived && (!replayed || retry.ID != k.ID):
			t.Errorf("cut after %d bytes: the key survived, but the retry made %s (replayed %v)", n-len(before), retry.ID, replayed)
		case !survived && (replayed || retry.ID == k.ID):
			t.Errorf("cut after %d bytes: the key was lost, but the retry replayed %s", n-len(before), retry.ID)
		}
		if keys := st.all(); len(keys) != 2 {
			t.Errorf("cut after %d bytes: %d keys after the retry, want 2", n-len(before), len(keys))
		}
		if survived {
			kept++
		} else {
			lost++
		}
		if err := st.close(); err != nil {
			t.Fatal(err)
		}
	}
	if kept == 0 || lost == 0 {
		t.Errorf("the key survived %d cuts and was lost in %d: each should happen", kept, lost)
	}
}

// failSyncs makes st's file syncs fail while file() is true and its
// directory syncs while dir() is true, as a failing disk does.
func failSyncs(st *store, file, dir func() bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	j := st.journal()
	j.syncFile = func(f *os.File) error {
		if file() {
			return errors.New("injected: fsync failed")
		}
		return f.Sync()
	}
	j.syncDir = func(d string) error {
		if dir() {
			return errors.New("injected: directory fsync failed")
		}
		return syncDir(d)
	}
}

// fileView is the state that a mock started on file at now would restore,
// read without its lock, while another mock holds it.
func fileView(t *testing.T, file string, now time.Time) stateView {
	t.Helper()
	st := newStore(func() time.Time { return now }, "", 0)
	data, err := os.ReadFile(file) //nolint:gosec // the test's own file
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		t.Fatal(err)
	default:
		if err := st.parse(file, data); err != nil {
			t.Fatal(err)
		}
	}
	return view(st, now)
}

// A create whose write fails to sync (the file's fsync after an append or
// in a compaction, or the directory's after a compaction renamed the new
// file into place) answers 500 and leaves neither the key nor its
// idempotency record in memory or in the file, whether the disk fails once
// or until it is healed. The client's retry with the same idempotency key
// then makes exactly one key, whose record replays, across a restart too.
func TestStateFileFailedSyncLeavesNothing(t *testing.T) {
	for _, tt := range []struct {
		name              string
		appended          bool // a key was made before, so the create is appended, not compacted
		failFile, failDir bool
		once              bool // the sync fails once, rather than until the disk is healed
	}{
		{name: "append, file sync fails", appended: true, failFile: true},
		{name: "append, file sync fails once", appended: true, failFile: true, once: true},
		{name: "compaction, file sync fails", failFile: true},
		{name: "compaction, directory sync fails", failDir: true},
		{name: "compaction, directory sync fails once", failDir: true, once: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "state.json")
			h := newHarness(t, func(o *Options) { o.StateFile = file })
			if tt.appended {
				h.createScoped(scopes.APIKeysRead)
			}
			before := view(h.mock.store, h.clock.Now())
			var failing atomic.Bool
			failing.Store(true)
			fail := func() bool {
				if tt.once {
					return failing.Swap(false)
				}
				return failing.Load()
			}
			failSyncs(h.mock.store, func() bool { return tt.failFile && fail() }, func() bool { return tt.failDir && fail() })

			const body = `{"scopes":["pci:tokens:read"]}`
			checkError(t, h.createIdem("retry-me", body), http.StatusInternalServerError, "state_file_error")
			if got := view(h.mock.store, h.clock.Now()); !equalViews(got, before) {
				t.Errorf("memory after the failed create: %v, want %v", got, before)
			}
			if p := h.list(""); len(p.Data) != len(before.Keys) {
				t.Errorf("the next request lists %d keys, want %d", len(p.Data), len(before.Keys))
			}
			if got := fileView(t, file, h.clock.Now()); !equalViews(got, before) {
				t.Errorf("the file after the failed create holds %v, want %v", got, before)
			}

			failing.Store(false)
			first := h.createIdem("retry-me", body)
			if first.status != http.StatusCreated || first.header.Get("X-Idempotent-Replayed") != "" {
				t.Fatalf("retry after the failure: %d %s, want a key made", first.status, first.body)
			}
			again := h.createIdem("retry-me", body)
			if again.status != http.StatusCreated || string(again.body) != string(first.body) || again.header.Get("X-Idempotent-Replayed") != "true" {
				t.Errorf("second retry: %d %s, want the replay of %s", again.status, again.body, first.body)
			}
			h.stop()
			h2 := newHarness(t, func(o *Options) { o.StateFile = file })
			if n := len(h2.mock.Keys()); n != len(before.Keys)+1 {
				t.Errorf("%d keys after a restart, want %d", n, len(before.Keys)+1)
			}
			if res := h2.createIdem("retry-me", body); string(res.body) != string(first.body) {
				t.Errorf("retry after a restart: %d %s, want the replay of %s", res.status, res.body, first.body)
			}
		})
	}
}

// A delete whose sync fails answers 500 and leaves the key live, in memory
// and in the file with its secret: a mock started on the file has it, and
// it authenticates.
func TestStateFileFailedSyncKeepsTheKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(o *Options) { o.StateFile = file })
	k := h.createScoped(scopes.APIKeysRead)
	before := view(h.mock.store, h.clock.Now())
	var failing atomic.Bool
	failing.Store(true)
	failSyncs(h.mock.store, failing.Load, failing.Load)

	checkError(t, h.do(http.MethodDelete, "/api/admin/api-keys/"+k.ID, "", admin...), http.StatusInternalServerError, "state_file_error")
	if got := fileView(t, file, h.clock.Now()); !equalViews(got, before) {
		t.Errorf("the file after the failed delete holds %v, want %v", got, before)
	}
	failing.Store(false)
	h.stop()
	h2 := newHarness(t, func(o *Options) { o.StateFile = file })
	if res := h2.do(http.MethodGet, "/api/admin/api-keys", "", apiKey(k.KeyValue)...); res.status != http.StatusOK {
		t.Errorf("the key after a failed delete and a restart: %d %s", res.status, res.body)
	}
}
