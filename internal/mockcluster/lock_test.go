package mockcluster

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// A second mock on a state file that a running mock holds refuses to
// start, with an error naming the file, and takes nothing from the first;
// once the first stops, it writes nothing more, and the next mock starts
// on the file with every key. The lock file goes when the last one stops.
func TestStateFileLockedAgainstASecondMock(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	first := newHarness(t, func(o *Options) { o.StateFile = file })
	k1 := first.createScoped(scopes.APIKeysRead)

	second, err := New(Options{AdminToken: "t", StateFile: file})
	if err == nil {
		_ = second.Close()
		t.Fatal("a second mock started on a state file that a running mock holds")
	}
	for _, want := range []string{"state file " + file + " is in use by another mock", file + ".lock"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("second mock: %v\nwant it to contain %q", err, want)
		}
	}
	// The refused mock released nothing: the first goes on writing its
	// file, and a third is refused too.
	k2 := first.createScoped(scopes.APIKeysRead)
	if third, err := New(Options{AdminToken: "t", StateFile: file}); err == nil {
		_ = third.Close()
		t.Fatal("a third mock started after the second was refused")
	}

	first.stop()
	if _, err := first.mock.CreateKey([]string{scopes.APIKeysRead}, 0); err == nil {
		t.Error("a stopped mock reported a key made")
	}
	next := newHarness(t, func(o *Options) { o.StateFile = file })
	keys := next.mock.Keys()
	if len(keys) != 2 || keys[0].ID != k1.ID || keys[1].ID != k2.ID {
		t.Fatalf("keys after the first mock stopped: %+v, want %s and %s", keys, k1.ID, k2.ID)
	}
	next.stop()
	if _, err := os.Stat(file + ".lock"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file after the last mock stopped: %v, want none", err)
	}
}
