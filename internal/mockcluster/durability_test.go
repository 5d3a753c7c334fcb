package mockcluster

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

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
