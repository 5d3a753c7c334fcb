package mockcluster

// The state file's lock on Windows: the lock file opened without sharing,
// so that nobody else can open it while the mock runs, and deleted when it
// is closed (by the mock, or by Windows when the process ends).

import (
	"errors"
	"os"
	"syscall"
)

// errorSharingViolation is ERROR_SHARING_VIOLATION: someone has the file
// open.
const errorSharingViolation syscall.Errno = 32

const (
	fileFlagDeleteOnClose = 0x04000000 // FILE_FLAG_DELETE_ON_CLOSE
	deleteAccess          = 0x00010000 // DELETE
)

// acquireLock opens (creating it if need be) the file at path for this
// process alone; it fails with errLockHeld if someone has it open.
func acquireLock(path string) (*os.File, error) {
	name, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(name, syscall.GENERIC_READ|syscall.GENERIC_WRITE|deleteAccess, 0, nil,
		syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL|fileFlagDeleteOnClose, 0)
	if errors.Is(err, errorSharingViolation) {
		return nil, errLockHeld
	}
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(h), path), nil
}

// releaseLock closes the lock file, which deletes it.
func releaseLock(f *os.File, _ string) error {
	return f.Close()
}
