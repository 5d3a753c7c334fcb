package mockcluster

// The state file's lock, which keeps a second mock off a state file that a
// running mock writes, and closing the state file when the mock stops. How
// the lock is taken differs by platform: see lock_flock.go,
// lock_windows.go and lock_none.go.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// errLockHeld reports a lock that someone else holds.
var errLockHeld = errors.New("the lock is held")

// errClosed reports a change to a mock that has been closed.
var errClosed = errors.New("the mock has been stopped")

// lockFile is the path of a state file's lock file. The state file itself
// cannot carry the lock: a compaction replaces it with a new file, and it
// does not exist until the first change.
func lockFile(file string) string { return file + ".lock" }

// lock takes the state file's lock, or fails with an error that names the
// file when another mock holds it. It is called before st is shared.
//
// It first resolves st.file to the file itself, symbolic links resolved,
// and keeps that path for everything after: the lock, the loads and the
// rewrites. A second mock given another path to the same file (a link to
// it or to its folder) then meets the same lock, instead of taking one of
// its own beside the link; and a rewrite renames its new file onto the
// file, leaving the link in place, instead of replacing the link.
func (st *store) lock() error {
	if st.file == "" {
		return nil
	}
	given := st.file
	file, err := realPath(given)
	if err != nil {
		return fmt.Errorf("lock state file %s: %w", given, err)
	}
	st.file = file
	path := lockFile(file)
	f, err := acquireLock(path)
	switch {
	case errors.Is(err, errLockHeld):
		return fmt.Errorf("state file %s is in use by another mock, which holds its lock file %s: "+
			"stop that mock first, or give this one another state file", given, path)
	case err != nil:
		return fmt.Errorf("lock state file %s: %w", given, err)
	}
	st.lockF = f
	return nil
}

// maxLinks is how many symbolic links realPath follows before it gives up
// (the limit Linux sets for a path).
const maxLinks = 40

// realPath returns the absolute path of the file at path with every
// symbolic link resolved, in its folders and in the file's own name, also
// when the file does not exist yet: a link may name a state file that the
// first change creates.
func realPath(path string) (string, error) {
	p, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	for range maxLinks {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if err != nil {
			return "", err
		}
		p = filepath.Join(dir, filepath.Base(p))
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return p, nil
		case err != nil:
			return "", err
		case fi.Mode()&fs.ModeSymlink == 0:
			return p, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		p = target
	}
	return "", fmt.Errorf("%s: more than %d symbolic links in a row", path, maxLinks)
}

// close closes the state file and releases its lock. Changes after it fail
// with a 500 and change nothing; reading goes on from memory.
func (st *store) close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return nil
	}
	st.closed = true
	var errs []error
	if st.j != nil && st.j.f != nil {
		errs = append(errs, st.j.f.Close())
		st.j.f = nil
	}
	if st.lockF != nil {
		errs = append(errs, releaseLock(st.lockF, lockFile(st.file)))
		st.lockF = nil
	}
	return errors.Join(errs...)
}

// sameFileAt reports whether f is the file at path.
func sameFileAt(f *os.File, path string) bool {
	at, err := os.Stat(path)
	if err != nil {
		return false
	}
	have, err := f.Stat()
	return err == nil && os.SameFile(at, have)
}
