package mockcluster

// The state file's format and how it is read back. Writing it is in
// journal.go.
//
// The file is JSON lines. The first line is a header,
// {"version":1,"next_seq":N}; every other line is one record with an "op":
//
//	key        a live key: seq, id, scopes, created_at, expires_at, key_value,
//	           and, for a key made with an idempotency key, its record in
//	           "idem": owner, key, fingerprint, stored_at and the response
//	           it replays
//	tombstone  a deleted key that is still a valid list cursor: seq, id, deleted_at
//	idem       an idempotency record: owner, idempotency_key, fingerprint,
//	           stored_at, and the response it replays
//	scopes     a key's new scopes: id, scopes
//	delete     a key deleted: id, deleted_at
//
// A compaction writes the header and the state as key, tombstone and idem
// lines; changes are appended after it. A create appends one line that
// holds the key and its idempotency record, so that a crash in the middle
// of the write (which leaves the last line cut short, and dropped) keeps
// both or neither: never a key whose record is lost, which a retry with
// the same idempotency key would make a second time. A deleted key's
// key_value is overwritten with asterisks in place, so the file keeps no
// secret of a deleted key (idempotency records excepted, as they must
// replay it).
//
// A file of another version is refused. A change of the format after a
// release bumps the version and reads the earlier one too.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// stateVersion is the version of the format, the only one the mock reads
// and writes.
const stateVersion = 1

// stateHeader is the first line of the file.
type stateHeader struct {
	Version int    `json:"version"`
	NextSeq uint64 `json:"next_seq"`
}

// stateKey is the response an idempotency record replays, and a key or
// tombstone line as it is read back.
type stateKey struct {
	Seq       uint64     `json:"-"`
	ID        string     `json:"id"`
	Scopes    []string   `json:"scopes,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	KeyValue  string     `json:"key_value,omitempty"`
	Deleted   bool       `json:"-"`
}

// stateIdemp is the idempotency record in the key line of a create.
type stateIdemp struct {
	Owner       string    `json:"owner"`
	Key         string    `json:"key"`
	Fingerprint string    `json:"fingerprint"`
	StoredAt    time.Time `json:"stored_at"`
	Response    stateKey  `json:"response"`
}

// stateLine is one record of the file.
type stateLine struct {
	Op          string     `json:"op"`
	Seq         uint64     `json:"seq,omitempty"`
	ID          string     `json:"id,omitempty"`
	Scopes      []string   `json:"scopes,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	KeyValue    string     `json:"key_value,omitempty"`
	DeletedAt   *time.Time `json:"deleted_at,omitempty"`
	Owner       string     `json:"owner,omitempty"`
	IdemKey     string     `json:"idempotency_key,omitempty"`
	Fingerprint string     `json:"fingerprint,omitempty"`
	StoredAt    *time.Time `json:"stored_at,omitempty"`
	Response    *stateKey  `json:"response,omitempty"`
	// Idem is the idempotency record of a key line's create. It comes after
	// KeyValue, so that the key's own secret is the first in the line.
	Idem *stateIdemp `json:"idem,omitempty"`

	// sk is the key of a key line, whose secret's offset in the file is
	// noted once the line is written.
	sk *storedKey
}

const (
	lineKey       = "key"
	lineTombstone = "tombstone"
	lineIdem      = "idem"
	lineScopes    = "scopes"
	lineDelete    = "delete"
)

func keyLine(sk *storedKey) stateLine {
	created := sk.CreatedAt
	return stateLine{Op: lineKey, Seq: sk.seq, ID: sk.ID, Scopes: sk.Scopes, CreatedAt: &created,
		ExpiresAt: sk.ExpiresAt, KeyValue: sk.KeyValue, sk: sk}
}

// createLine is the line of a key just made, with its idempotency record
// when it has one (rec != nil).
func createLine(sk *storedKey, id idemID, rec *idemRecord) stateLine {
	l := keyLine(sk)
	if rec != nil {
		l.Idem = &stateIdemp{Owner: id.owner, Key: id.key, Fingerprint: rec.fingerprint, StoredAt: rec.storedAt,
			Response: toStateKey(rec.key)}
	}
	return l
}

func tombstoneLine(sk *storedKey) stateLine {
	at := sk.deletedAt
	return stateLine{Op: lineTombstone, Seq: sk.seq, ID: sk.ID, DeletedAt: &at}
}

func idemLine(id idemID, rec *idemRecord) stateLine {
	at, resp := rec.storedAt, toStateKey(rec.key)
	return stateLine{Op: lineIdem, Owner: id.owner, IdemKey: id.key, Fingerprint: rec.fingerprint, StoredAt: &at, Response: &resp}
}

func toStateKey(k Key) stateKey {
	return stateKey{ID: k.ID, Scopes: k.Scopes, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, KeyValue: k.KeyValue}
}

func (k stateKey) toKey() Key {
	key := Key{ID: k.ID, Scopes: k.Scopes, CreatedAt: k.CreatedAt.UTC(), KeyValue: k.KeyValue}
	if k.ExpiresAt != nil {
		t := k.ExpiresAt.UTC()
		key.ExpiresAt = &t
	}
	return key
}

// blanked reports whether a key_value was overwritten on delete.
func blanked(v string) bool { return v != "" && strings.Trim(v, "*") == "" }

// load reads the state file, if it exists, into an empty store, and then
// rewrites it compacted. A missing file is an empty state; an unreadable or
// inconsistent one is an error, so that a typo in the path of a corrupt file
// does not silently start afresh. A last line cut short (a write that a
// crash interrupted, never acknowledged) is dropped.
func (st *store) load() error {
	if st.file == "" {
		return nil
	}
	data, err := os.ReadFile(st.file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read state file: %w", err)
	}
	if err := st.parse(st.file, data); err != nil {
		return err
	}
	// Start from a compact file; if that fails, the next change retries.
	if err := st.compact(); err != nil {
		st.journal().stale = true
	}
	return nil
}

// parse reads the contents of the state file called name into an empty
// store.
func (st *store) parse(name string, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var head stateHeader
	if err := dec.Decode(&head); err != nil {
		return fmt.Errorf("parse state file %s: %w", name, err)
	}
	if head.Version != stateVersion {
		return fmt.Errorf("state file %s has version %d; this mock reads version %d", name, head.Version, stateVersion)
	}
	err := st.loadLines(data[dec.InputOffset():])
	st.nextSeq = max(st.nextSeq, head.NextSeq)
	if err != nil {
		return fmt.Errorf("state file %s %w", name, err)
	}
	return nil
}

// addKey adds a key or tombstone read from the file, checking it.
func (st *store) addKey(k stateKey, deletedAt time.Time) error {
	switch {
	case !validUUID(k.ID):
		return fmt.Errorf("has an invalid key id %q", k.ID)
	case st.byID[k.ID] != nil:
		return fmt.Errorf("has key %s twice", k.ID)
	case len(st.order) > 0 && k.Seq <= st.order[len(st.order)-1].seq:
		return fmt.Errorf("has keys out of order at %s", k.ID)
	case !k.Deleted && (k.KeyValue == "" || validateScopes(k.Scopes) != nil):
		return fmt.Errorf("has key %s without a secret or valid scopes", k.ID)
	}
	sk := &storedKey{Key: k.toKey(), seq: k.Seq, deleted: k.Deleted, secretAt: -1}
	switch {
	case sk.deleted:
		sk.KeyValue, sk.deletedAt = "", deletedAt
	case blanked(sk.KeyValue):
		// Deleted later in the file (or the delete line was lost in a
		// crash): live, without a secret, until the end of the load.
		sk.KeyValue = ""
	default:
		st.byHash[hashSecret(sk.KeyValue)] = sk
	}
	st.order = append(st.order, sk)
	st.byID[sk.ID] = sk
	st.nextSeq = max(st.nextSeq, sk.seq+1)
	return nil
}

func (st *store) addIdem(owner, key, fingerprint string, storedAt time.Time, resp stateKey, now time.Time) {
	if key == "" || now.Sub(storedAt) >= st.idemTTL {
		return
	}
	st.idem[idemID{owner: owner, key: key}] = &idemRecord{fingerprint: fingerprint, storedAt: storedAt, key: resp.toKey()}
}

// loadLines replays the records that follow the header.
func (st *store) loadLines(data []byte) error {
	now := st.timestamp()
	lines := bytes.Split(data, []byte{'\n'})
	last := len(lines) - 1
	for last >= 0 && len(bytes.TrimSpace(lines[last])) == 0 {
		last--
	}
	for i, raw := range lines[:last+1] {
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var l stateLine
		if err := json.Unmarshal(raw, &l); err != nil {
			if i == last {
				return nil // a write cut short by a crash
			}
			return fmt.Errorf("has an unreadable record on line %d: %w", i+1, err)
		}
		if err := st.replay(l, now); err != nil {
			return fmt.Errorf("line %d %w", i+1, err)
		}
	}
	// A key whose secret was overwritten is deleted, even if the crash
	// that interrupted its delete kept the delete line from the disk.
	for _, sk := range st.order {
		if !sk.deleted && sk.KeyValue == "" {
			sk.deleted, sk.deletedAt = true, now
		}
	}
	return nil
}

// replay applies one record read from the file.
func (st *store) replay(l stateLine, now time.Time) error {
	at := func(t *time.Time) time.Time {
		if t == nil {
			return now
		}
		return t.UTC()
	}
	switch l.Op {
	case lineKey, lineTombstone:
		k := stateKey{Seq: l.Seq, ID: l.ID, Scopes: l.Scopes, ExpiresAt: l.ExpiresAt, KeyValue: l.KeyValue,
			Deleted: l.Op == lineTombstone}
		if l.CreatedAt != nil {
			k.CreatedAt = *l.CreatedAt
		}
		if err := st.addKey(k, at(l.DeletedAt)); err != nil {
			return err
		}
		if r := l.Idem; r != nil {
			if l.Op != lineKey || r.Response.ID != l.ID {
				return fmt.Errorf("has an idempotency record for another key in the line of %s", l.ID)
			}
			st.addIdem(r.Owner, r.Key, r.Fingerprint, r.StoredAt.UTC(), r.Response, now)
		}
	case lineIdem:
		if l.Response == nil {
			return errors.New("has an idempotency record without its response")
		}
		st.addIdem(l.Owner, l.IdemKey, l.Fingerprint, at(l.StoredAt), *l.Response, now)
	case lineScopes:
		sk := st.byID[l.ID]
		if sk == nil || sk.deleted || validateScopes(l.Scopes) != nil {
			return fmt.Errorf("changes the scopes of %s, which is not a live key, or to invalid ones", l.ID)
		}
		sk.Scopes = l.Scopes
	case lineDelete:
		sk := st.byID[l.ID]
		if sk == nil {
			return fmt.Errorf("deletes %s, which is no key", l.ID)
		}
		if sk.deleted {
			return fmt.Errorf("deletes %s twice", l.ID)
		}
		if sk.KeyValue != "" {
			delete(st.byHash, hashSecret(sk.KeyValue))
		}
		sk.deleted, sk.KeyValue, sk.deletedAt = true, "", at(l.DeletedAt)
	default:
		return fmt.Errorf("has a record of unknown kind %q", l.Op)
	}
	return nil
}
