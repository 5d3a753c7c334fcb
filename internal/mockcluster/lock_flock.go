//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package mockcluster

// The state file's lock where flock(2) exists: an exclusive flock on the
// lock file, which the kernel releases when the process ends, however it
// ends. flock locks belong to an open file, not to a process, so two mocks
// in one process exclude each other too.

import (
	"errors"
	"os"
	"syscall"
)

// acquireLock opens (creating it if need be) and locks the file at path,
// without waiting; it fails with errLockHeld if someone holds the lock.
func acquireLock(path string) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) //nolint:gosec // the lock file beside the state file the user named
		if err != nil {
			return nil, err
		}
		if err := flock(f); err != nil {
			_ = f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, errLockHeld
			}
			return nil, err
		}
		// A mock that stops removes its lock file while it still holds the
		// lock. If that happened between the open and the flock, the lock
		// is on a file nobody else will find: start again with the one at
		// path.
		if sameFileAt(f, path) {
			return f, nil
		}
		_ = f.Close()
	}
}

// flock takes an exclusive lock on f without waiting.
func flock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB) //nolint:gosec // a file descriptor fits an int
			if !errors.Is(ferr, syscall.EINTR) {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return ferr
}

// releaseLock removes the lock file, if it is still the one locked, and
// then closes it, which releases the lock.
func releaseLock(f *os.File, path string) error {
	if sameFileAt(f, path) {
		_ = os.Remove(path)
	}
	return f.Close()
}
