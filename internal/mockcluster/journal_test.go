package mockcluster

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// openStore starts a mock on file and clk and returns its store.
func openStore(t *testing.T, file string, clk *clock.Fake) *store {
	t.Helper()
	m, err := New(Options{AdminToken: "t", StateFile: file, Clock: clk})
	if err != nil {
		data, _ := os.ReadFile(file) //nolint:gosec // the test's own file
		t.Fatalf("New: %v\n%s", err, data)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m.store
}

// reopen closes st, as a mock that stops, and starts another on its file.
func reopen(t *testing.T, st *store, clk *clock.Fake) *store {
	t.Helper()
	if err := st.close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return openStore(t, st.file, clk)
}

// stateView is what a restart must restore, as plain values.
type stateView struct {
	Keys       []Key
	Tombstones []string
	Idem       map[idemID]string // fingerprint, time and response
	NextSeq    uint64
}

// view describes st as a restart at now should restore it: idempotency
// records and tombstones that have expired by now are left out, as a
// restart forgets them.
func view(st *store, now time.Time) stateView {
	st.mu.Lock()
	defer st.mu.Unlock()
	v := stateView{Keys: []Key{}, Tombstones: []string{}, Idem: map[idemID]string{}, NextSeq: st.nextSeq}
	for _, sk := range st.order {
		switch {
		case !sk.deleted:
			v.Keys = append(v.Keys, sk.clone())
		case now.Sub(sk.deletedAt) < tombstoneTTL:
			v.Tombstones = append(v.Tombstones, sk.ID)
		}
	}
	for id, rec := range st.idem {
		if now.Sub(rec.storedAt) < idempotencyTTL {
			v.Idem[id] = fmt.Sprintf("%s %s %+v", rec.fingerprint, rec.storedAt.Format(time.RFC3339Nano), rec.key)
		}
	}
	return v
}

func (v stateView) String() string {
	return fmt.Sprintf("%d keys, %d tombstones, %d idempotency records, next seq %d", len(v.Keys), len(v.Tombstones), len(v.Idem), v.NextSeq)
}

func equalViews(a, b stateView) bool {
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

// expectRewritten checks that file, which st loaded as v, was rewritten
// compacted and reads back as v.
func expectRewritten(t *testing.T, file string, st *store, clk *clock.Fake, v stateView) {
	t.Helper()
	data, _ := os.ReadFile(file) //nolint:gosec // the test's own file
	if !bytes.HasPrefix(data, fmt.Appendf(nil, `{"version":%d,"next_seq":%d}`+"\n", stateVersion, v.NextSeq)) {
		t.Errorf("the file was not rewritten in version %d:\n%s", stateVersion, data)
	}
	if got := view(reopen(t, st, clk), clk.Now()); !equalViews(got, v) {
		t.Errorf("after the rewrite: %v, want %v", got, v)
	}
}

// A long, seeded run of creates (with and without idempotency keys, under
// two owners), scope changes, deletes and clock moves, with restarts in
// between: every restart restores every live key (secret included), every
// idempotency record and every tombstone still within its window, however
// much of it came from a compaction and how much from appended lines.
func TestStateFileRestartRestoresEverything(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "state.json")
	clk := clock.NewFake(epoch)
	st := openStore(t, file, clk)
	rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // a reproducible sequence of operations
	all := scopes.All()
	var live []string
	restarts := 0
	for i := range 1500 {
		switch r := rng.IntN(100); {
		case r < 45:
			p := createParams{scopes: []string{all[rng.IntN(len(all))]}, fingerprint: fmt.Sprint(i)}
			if rng.IntN(2) == 0 {
				p.owner, p.idemKey = []string{"admin", "key:x"}[rng.IntN(2)], fmt.Sprintf("idem-%d", i)
			}
			if rng.IntN(3) == 0 {
				p.expiresIn = time.Duration(1+rng.IntN(7200)) * time.Second
			}
			k, _, err := st.create(p)
			if err != nil {
				t.Fatal(err)
			}
			live = append(live, k.ID)
		case r < 70 && len(live) > 0:
			j := rng.IntN(len(live))
			if err := st.remove(live[j]); err != nil {
				t.Fatal(err)
			}
			live = slices.Delete(live, j, j+1)
		case r < 85 && len(live) > 0:
			if _, err := st.updateScopes(live[rng.IntN(len(live))], []string{all[1+rng.IntN(len(all)-1)], all[0]}); err != nil {
				t.Fatal(err)
			}
		case r < 95:
			clk.Advance(time.Duration(rng.IntN(120)) * time.Minute)
		default:
			want := view(st, clk.Now())
			st = reopen(t, st, clk)
			if got := view(st, clk.Now()); !equalViews(got, want) {
				t.Fatalf("after operation %d, the restart restored %v, want %v", i, got, want)
			}
			restarts++
		}
	}
	want := view(st, clk.Now())
	st = reopen(t, st, clk)
	if got := view(st, clk.Now()); !equalViews(got, want) {
		t.Fatalf("the final restart restored %v, want %v", got, want)
	}
	if restarts < 50 || len(want.Keys) < 100 || len(want.Idem) == 0 || len(want.Tombstones) == 0 {
		t.Errorf("%d restarts, final state %v: the run did not exercise enough", restarts, want)
	}
	// Every live key still authenticates with its secret.
	for _, k := range want.Keys {
		if _, res := st.authenticate(k.KeyValue); res == authUnknown {
			t.Fatalf("key %s does not authenticate after the restart", k.ID)
		}
	}
}

// Many creates and deletes over a month (by the mock's clock) leave a file
// that holds the keys, tombstones and records of the last 24 hours, not of
// every key ever made, and the deleted keys' secrets are not in it.
func TestStateFileStaysBounded(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "state.json")
	clk := clock.NewFake(epoch)
	st := openStore(t, file, clk)
	var largest int64
	var secrets []string
	for i := range 1500 {
		k, _, err := st.create(createParams{scopes: []string{scopes.APIKeysRead}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.remove(k.ID); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			secrets = append(secrets, k.KeyValue)
		}
		clk.Advance(30 * time.Minute)
		if info, err := os.Stat(file); err == nil {
			largest = max(largest, info.Size())
		}
	}
	t.Logf("largest state file: %d bytes", largest)
	// The last day's 48 tombstones and at most minCompactLines appended
	// lines: well under 64 KiB. Every tombstone ever made would be 1500.
	if largest > 64<<10 {
		t.Errorf("the state file grew to %d bytes over 1500 creates and deletes, want at most 64 KiB", largest)
	}
	data, err := os.ReadFile(file) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) {
			t.Fatal("the state file holds the secret of a deleted key")
		}
	}
	if n := len(reopen(t, st, clk).all()); n != 0 {
		t.Errorf("%d keys after a restart, want none", n)
	}
}

// A deleted key stays a valid list cursor for a day (by the mock's clock),
// across restarts; then a compaction forgets it.
func TestStateFileForgetsOldTombstones(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, func(o *Options) { o.StateFile = file })
	gone := h.createScoped(scopes.APIKeysRead)
	h.createScoped(scopes.APIKeysRead)
	if !h.mock.DeleteKey(gone.ID) {
		t.Fatal("DeleteKey failed")
	}
	h.clock.Advance(tombstoneTTL - time.Second)
	h.stop()
	h2 := newHarness(t, func(o *Options) { o.StateFile = file; o.Clock = h.clock })
	if p := h2.list("?after=" + gone.ID); len(p.Data) != 1 {
		t.Errorf("list after a key deleted a day ago less a second: %+v", p)
	}
	h.clock.Advance(time.Second)
	h2.stop()
	h3 := newHarness(t, func(o *Options) { o.StateFile = file; o.Clock = h.clock })
	checkError(t, h3.do(http.MethodGet, "/api/admin/api-keys?after="+gone.ID, "", admin...), 400, "unknown_after")
}

// A last line cut short by a crash (never acknowledged) is dropped; an
// unreadable line before others is corruption.
func TestStateFileTornLastLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	clk := clock.NewFake(epoch)
	st := openStore(t, file, clk)
	for range 3 {
		if _, _, err := st.create(createParams{scopes: []string{scopes.APIKeysRead}}); err != nil {
			t.Fatal(err)
		}
	}
	want := view(st, clk.Now())
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(file) //nolint:gosec // the test's own file
	if err != nil {
		t.Fatal(err)
	}
	for name, tail := range map[string]string{
		"cut in a string": `{"op":"key","seq":9,"id":"123e`,
		"zeros":           "\x00\x00\x00\x00\n",
	} {
		if err := os.WriteFile(file, append(slices.Clone(good), tail...), 0o600); err != nil { //nolint:gosec // the test's own file
			t.Fatal(err)
		}
		st := openStore(t, file, clk)
		if got := view(st, clk.Now()); !equalViews(got, want) {
			t.Errorf("%s: restored %v, want %v", name, got, want)
		}
		if err := st.close(); err != nil {
			t.Fatal(err)
		}
	}
	lines := bytes.SplitAfter(good, []byte("\n"))
	corrupt := slices.Concat(lines[0], []byte("{not json\n"), bytes.Join(lines[1:], nil))
	if err := os.WriteFile(file, corrupt, 0o600); err != nil { //nolint:gosec // the test's own file
		t.Fatal(err)
	}
	if _, err := New(Options{AdminToken: "t", StateFile: file, Clock: clk}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("New on a corrupt middle line = %v, want an error naming line 2", err)
	}
}

// Every kind of record is replayed: a key and its idempotency record in
// lines of their own (as a compaction writes them), a key deleted later in
// the file, a change of scopes and a delete; and the file is rewritten
// compacted.
func TestStateFileReplaysEveryRecord(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	const live, gone = "123e4567-e89b-42d3-a456-426614174000", "123e4567-e89b-42d3-a456-426614174001"
	key := func(seq int, id, secret string) string {
		return fmt.Sprintf(`{"op":"key","seq":%d,"id":"%s","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"%s"}`,
			seq, id, secret)
	}
	doc := `{"version":1,"next_seq":1}` + "\n" +
		key(1, live, "key_LIVE-SECRET") + "\n" +
		`{"op":"idem","owner":"admin","idempotency_key":"i-1","fingerprint":"f","stored_at":"2023-10-01T10:00:00Z",` +
		`"response":{"id":"` + live + `","scopes":["pci:tokens:read"],"created_at":"2023-10-01T10:00:00Z","key_value":"key_LIVE-SECRET"}}` + "\n" +
		key(2, gone, "***************") + "\n" +
		`{"op":"scopes","id":"` + live + `","scopes":["pci:tokens:read","pci:tokens:create"]}` + "\n" +
		`{"op":"delete","id":"` + gone + `","deleted_at":"2023-10-01T10:30:00Z"}` + "\n"
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(epoch.Add(time.Hour))
	st := openStore(t, file, clk)
	v := view(st, clk.Now())
	if len(v.Keys) != 1 || v.Keys[0].KeyValue != "key_LIVE-SECRET" || len(v.Keys[0].Scopes) != 2 ||
		!slices.Equal(v.Tombstones, []string{gone}) || len(v.Idem) != 1 || v.NextSeq != 3 {
		t.Fatalf("loaded %+v", v)
	}
	k, replayed, err := st.create(createParams{scopes: []string{"pci:tokens:read"}, owner: "admin", idemKey: "i-1", fingerprint: "f"})
	if err != nil || !replayed || k.ID != live {
		t.Errorf("retry of the create recorded in the file: %s, replayed %v, %v; want %s replayed", k.ID, replayed, err, live)
	}
	expectRewritten(t, file, st, clk, v)
}

// Each compaction renames a new file into place and then syncs the
// directory, so that the rename survives a crash; appended lines need no
// directory sync.
func TestStateFileSyncsDirectoryAfterRename(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "state.json")
	st := openStore(t, file, clock.NewFake(epoch))
	var synced []string
	var files []os.FileInfo // the file at each directory sync
	st.journal().syncDir = func(d string) error {
		synced = append(synced, d)
		files = append(files, stat(t, file))
		return syncDir(d)
	}
	create := func() {
		if _, _, err := st.create(createParams{scopes: []string{scopes.APIKeysRead}}); err != nil {
			t.Fatal(err)
		}
	}
	create() // the first change writes the file
	if len(synced) != 1 || synced[0] != dir {
		t.Fatalf("directory syncs after the first write: %v, want [%s]", synced, dir)
	}
	for range minCompactLines {
		create() // appended
	}
	if len(synced) != 1 {
		t.Fatalf("directory syncs after %d appended lines: %v, want no more", minCompactLines, synced)
	}
	create() // one line too many: a compaction
	if len(synced) != 2 || os.SameFile(files[0], files[1]) {
		t.Errorf("directory syncs after the compaction: %v, want a second, after the rename of a new file", synced)
	}
	if !os.SameFile(stat(t, file), files[len(files)-1]) {
		t.Error("the file was replaced without a directory sync")
	}
}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
