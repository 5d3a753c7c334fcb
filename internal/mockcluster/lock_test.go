package mockcluster

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// A second mock on a state file that a running mock holds refuses to
// start, with an error naming the file, and takes nothing from the first;
// once the first stops, it writes nothing more, and the next mock starts
// on the file with every key. The lock file goes when the last one stops.
func TestStateFileLockedAgainstASecondMock(t *testing.T) {
	file := filepath.Join(realDir(t), "state.json")
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

// The lock is taken on the state file itself, whatever path leads to it:
// a second mock through a symbolic link to the file of a running mock, or
// to its folder, is refused, with an error naming the path it was given
// and the lock file it found held; and a mock started through a link
// writes through it to the file, leaving the link in place.
func TestStateFileLockedThroughSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := realDir(t)
	file := filepath.Join(dir, "state.json")
	fileLink := filepath.Join(dir, "link.json")      // to the file, which does not exist yet
	dirLink := filepath.Join(realDir(t), "statedir") // to the file's folder
	chain := filepath.Join(dir, "chain.json")        // to fileLink, by a relative path
	for old, link := range map[string]string{file: fileLink, dir: dirLink, "link.json": chain} {
		if err := os.Symlink(old, link); err != nil {
			t.Fatal(err)
		}
	}

	// The first mock starts through the link, before the file exists, and
	// writes (its first write rewrites the file whole).
	first := newHarness(t, func(o *Options) { o.StateFile = fileLink })
	k1 := first.createScoped(scopes.APIKeysRead)
	if fi, err := os.Lstat(fileLink); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link after the first mock's write: %v; want it still a symbolic link", describeFile(fi, err))
	}
	if data, err := os.ReadFile(file); err != nil || !strings.Contains(string(data), k1.ID) { //nolint:gosec // a file in the test's own temporary folder
		t.Errorf("the file the link names: %v, %q; want it to hold %s", err, data, k1.ID)
	}

	for _, path := range []string{file, fileLink, filepath.Join(dirLink, "state.json"), chain} {
		second, err := New(Options{AdminToken: "t", StateFile: path})
		if err == nil {
			_ = second.Close()
			t.Errorf("a second mock started on %s, which leads to the state file a running mock holds", path)
			continue
		}
		for _, want := range []string{"state file " + path, "is in use by another mock", file + ".lock"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("second mock on %s: %v\nwant it to contain %q", path, err, want)
			}
		}
	}

	first.stop()
	next := newHarness(t, func(o *Options) { o.StateFile = chain })
	if keys := next.mock.Keys(); len(keys) != 1 || keys[0].ID != k1.ID {
		t.Fatalf("keys through the links after the first mock stopped: %+v, want %s", keys, k1.ID)
	}
}

// realDir returns a new temporary folder by its path with symbolic links
// resolved (on macOS, for one, the temporary folder is under a link).
func realDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// describeFile says what Lstat found.
func describeFile(fi fs.FileInfo, err error) string {
	if err != nil {
		return err.Error()
	}
	return "mode " + fi.Mode().String()
}
