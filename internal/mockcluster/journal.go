package mockcluster

// Writing the state file: each change is appended as one line and synced,
// at a cost that does not grow with the number of keys; from time to time
// the file is compacted (rewritten from memory, without the tombstones and
// idempotency records that have expired) into a new file that replaces the
// old one atomically. A change whose write or sync fails is taken back from
// memory and from the file before the client gets its 500. The format is
// described in statefile.go.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// tombstoneTTL is how long a deleted key's id stays a valid list cursor
// once the state file is compacted.
const tombstoneTTL = 24 * time.Hour

// minCompactLines is the fewest appended lines after which the file is
// compacted. It is compacted once the lines appended since the last
// compaction outnumber the records it wrote, so that a compaction's cost,
// proportional to the state, is spread over at least as many changes.
const minCompactLines = 256

// journal is the open state file and what the store knows about it.
type journal struct {
	f       *os.File // nil until the first compaction
	size    int64    // where the next line goes
	lines   int      // lines appended since the last compaction
	records int      // records the last compaction wrote
	// stale means the file may not hold what memory holds (a write
	// failed part way): the next change compacts instead of appending.
	stale bool
	// syncFile makes a file's contents durable, and syncDir a rename in
	// dir; tests replace them to watch or to fail.
	syncFile func(f *os.File) error
	syncDir  func(dir string) error
}

// journal returns the store's journal, creating it on first use.
func (st *store) journal() *journal {
	if st.j == nil {
		st.j = &journal{syncFile: (*os.File).Sync, syncDir: syncDir}
	}
	return st.j
}

// logCreate writes a new key and, if it has one, its idempotency record,
// in one line: a crash keeps both or neither. The caller holds st.mu.
func (st *store) logCreate(sk *storedKey, id idemID, rec *idemRecord, undo func()) error {
	return st.write(createLine(sk, id, rec), noSecret, undo)
}

// logScopes writes a key's new scopes. The caller holds st.mu.
func (st *store) logScopes(sk *storedKey, undo func()) error {
	return st.write(stateLine{Op: lineScopes, ID: sk.ID, Scopes: sk.Scopes}, noSecret, undo)
}

// logDelete writes a delete and overwrites the key's secret where the file
// holds it. The caller holds st.mu.
func (st *store) logDelete(sk *storedKey, secret string, undo func()) error {
	at := sk.deletedAt
	return st.write(stateLine{Op: lineDelete, ID: sk.ID, DeletedAt: &at}, secretInFile{at: sk.secretAt, value: secret}, undo)
}

// secretInFile is a key's secret and its offset in the file (-1 when the
// file does not hold it where it can be overwritten).
type secretInFile struct {
	at    int64
	value string
}

var noSecret = secretInFile{at: -1}

// write appends l to the state file, overwrites the secret (if any) with
// asterisks, and syncs: one write, one overwrite, one fsync, whatever the
// size of the state. When a compaction is due it compacts instead, which
// writes the same state. The caller holds st.mu and has already changed
// memory. If the write fails, undo puts memory back as it was, and the
// file is made to agree with it again (see rollback): a change answered
// with a 500 is in neither.
func (st *store) write(l stateLine, secret secretInFile, undo func()) error {
	if st.file == "" {
		return nil
	}
	if st.closed {
		undo()
		return stateError(errClosed)
	}
	j := st.journal()
	if j.f == nil || j.stale || j.lines >= max(minCompactLines, j.records) || !j.sameFile(st.file) {
		err := st.compact()
		if err != nil {
			undo()
			var renamed *renamedError
			if errors.As(err, &renamed) {
				// The file in place holds the change: rewrite it.
				st.rollback(nil)
			}
		}
		return stateError(err)
	}
	var buf bytes.Buffer
	secretAt := appendLine(&buf, l, j.size)
	err := func() error {
		if secret.at >= 0 && secret.value != "" {
			if _, err := j.f.WriteAt(bytes.Repeat([]byte{'*'}, len(secret.value)), secret.at); err != nil {
				return err
			}
		}
		if _, err := j.f.WriteAt(buf.Bytes(), j.size); err != nil {
			return err
		}
		return j.syncFile(j.f)
	}()
	if err != nil {
		// Part or all of it may be in the file.
		undo()
		st.rollback(&appended{size: j.size, secret: secret})
		return stateError(err)
	}
	if l.sk != nil {
		l.sk.secretAt = secretAt
	}
	j.size += int64(buf.Len())
	j.lines++
	return nil
}

// appended is what an append changed in the file: what followed size, and
// the secret it overwrote.
type appended struct {
	size   int64
	secret secretInFile
}

// rollback makes the file agree with memory again after a failed write,
// once memory has been put back. It rewrites the file from memory. If even
// that cannot put a new file in place, a failed append (app != nil) is cut
// off the file, and the secret it overwrote written back, in place. Either
// way the file then reads as memory, unless the disk refuses that too (the
// journal stays stale, so the next change compacts or fails). A crash may
// still keep what the failed write put on disk, as a crash during any
// write may: a key's line whole with its idempotency record, or not at
// all. The caller holds st.mu.
func (st *store) rollback(app *appended) {
	err := st.compact()
	var renamed *renamedError
	if err == nil || errors.As(err, &renamed) || app == nil {
		return
	}
	j := st.journal()
	_ = j.f.Truncate(app.size)
	if s := app.secret; s.at >= 0 && s.value != "" {
		_, _ = j.f.WriteAt([]byte(s.value), s.at)
	}
	_ = j.syncFile(j.f)
}

// appendLine encodes l as one line at the end of buf, which starts at
// offset base in the file, and returns the offset of its key_value in the
// file, or -1 (no key line, or a value JSON would escape).
func appendLine(buf *bytes.Buffer, l stateLine, base int64) int64 {
	start := buf.Len()
	data, _ := json.Marshal(l) // plain strings, slices and times: cannot fail
	buf.Write(data)
	buf.WriteByte('\n')
	if l.Op != lineKey || l.KeyValue == "" {
		return -1
	}
	// The first occurrence is the key's own: an idempotency record in the
	// line, which holds the same secret, comes after it.
	field := []byte(`"key_value":"` + l.KeyValue + `"`)
	i := bytes.Index(data, field)
	if i < 0 {
		return -1
	}
	return base + int64(start+i+len(`"key_value":"`))
}

// compact purges expired tombstones and idempotency records from memory and
// replaces the state file with one that holds exactly the state: written to
// a temporary file in the same directory, synced, renamed over the old one,
// and the directory synced, so that a crash leaves the old file or the new
// one, and the new one stays. The caller holds st.mu.
func (st *store) compact() error {
	j := st.journal()
	now := st.timestamp()
	st.purgeIdempotency(now)
	st.purgeTombstones(now)

	var buf bytes.Buffer
	head, _ := json.Marshal(stateHeader{Version: stateVersion, NextSeq: st.nextSeq})
	buf.Write(head)
	buf.WriteByte('\n')
	secrets := make([]int64, len(st.order))
	for i, sk := range st.order {
		if sk.deleted {
			secrets[i] = appendLine(&buf, tombstoneLine(sk), 0)
		} else {
			secrets[i] = appendLine(&buf, keyLine(sk), 0)
		}
	}
	ids := make([]idemID, 0, len(st.idem))
	for id := range st.idem {
		ids = append(ids, id)
	}
	// Map order is random; sort so that the same state gives the same file.
	slices.SortFunc(ids, func(a, b idemID) int {
		return cmp.Or(st.idem[a].storedAt.Compare(st.idem[b].storedAt), strings.Compare(a.owner, b.owner), strings.Compare(a.key, b.key))
	})
	for _, id := range ids {
		appendLine(&buf, idemLine(id, st.idem[id]), 0)
	}

	f, err := j.replaceFile(st.file, buf.Bytes())
	if err != nil {
		j.stale = true
		return err
	}
	if j.f != nil {
		_ = j.f.Close()
	}
	for i, sk := range st.order {
		sk.secretAt = secrets[i]
	}
	*j = journal{f: f, size: int64(buf.Len()), records: len(st.order) + len(ids), syncFile: j.syncFile, syncDir: j.syncDir}
	return nil
}

// purgeTombstones forgets deleted keys deleted at least tombstoneTTL ago.
// The caller holds st.mu.
func (st *store) purgeTombstones(now time.Time) {
	st.order = slices.DeleteFunc(st.order, func(sk *storedKey) bool {
		if sk.deleted && now.Sub(sk.deletedAt) >= tombstoneTTL {
			delete(st.byID, sk.ID)
			return true
		}
		return false
	})
}

// sameFile reports whether path is still the file the journal writes to
// (someone may have removed or replaced it).
func (j *journal) sameFile(path string) bool {
	return sameFileAt(j.f, path)
}

// replaceFile writes data, mode 0600, to a temporary file next to path,
// syncs it, renames it to path, and syncs the directory; it returns the
// file, open for writing at its new name.
func (j *journal) replaceFile(path string, data []byte) (f *os.File, err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return nil, err
	}
	if _, err = tmp.Write(data); err != nil {
		return nil, err
	}
	if err = j.syncFile(tmp); err != nil {
		return nil, err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return nil, err
	}
	// The rename is durable only once the directory is synced. The file is
	// in place, so a failure here is reported but the file is kept.
	if err = j.syncDir(dir); err != nil {
		return nil, &renamedError{err: err}
	}
	return tmp, nil
}

// renamedError is a failure after the new file was renamed into place:
// the path holds it, but a crash may bring back the old one.
type renamedError struct{ err error }

func (e *renamedError) Error() string { return "sync the state file's directory: " + e.err.Error() }

func (e *renamedError) Unwrap() error { return e.err }

// syncDir syncs a directory, making the renames in it durable. Windows
// cannot sync a directory (NTFS journals renames itself), so there it does
// nothing.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir) //nolint:gosec // the state file's own directory
	if err != nil {
		return err
	}
	defer func() { _ = d.Close() }()
	return d.Sync()
}

// stateError turns a state-file failure into a 500 for the client.
func stateError(err error) error {
	if err == nil {
		return nil
	}
	return &apiError{
		status:  http.StatusInternalServerError,
		code:    "state_file_error",
		message: "The mock could not write its state file, so nothing was changed: " + err.Error() + ".",
	}
}
