package mockcluster

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// stateVersion is the format version of the state file.
const stateVersion = 1

// stateDoc is the JSON form of the state file. It holds secrets (the
// key_value of every live key, and of keys an idempotency record may replay),
// so it is written with mode 0600.
type stateDoc struct {
	Version     int          `json:"version"`
	NextSeq     uint64       `json:"next_seq"`
	Keys        []stateKey   `json:"keys"`
	Idempotency []stateIdemp `json:"idempotency"`
}

type stateKey struct {
	Seq       uint64     `json:"seq"`
	ID        string     `json:"id"`
	Scopes    []string   `json:"scopes,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	KeyValue  string     `json:"key_value,omitempty"`
	Deleted   bool       `json:"deleted,omitempty"`
}

type stateIdemp struct {
	Owner       string    `json:"owner"`
	Key         string    `json:"key"`
	Fingerprint string    `json:"fingerprint"`
	StoredAt    time.Time `json:"stored_at"`
	Response    stateKey  `json:"response"`
}

// persist writes the whole state to the state file, atomically: into a
// temporary file in the same directory, synced, then renamed over the old
// one, so that a crash leaves either the old or the new state, never half of
// one. The caller holds st.mu.
func (st *store) persist() error {
	if st.file == "" {
		return nil
	}
	doc := stateDoc{Version: stateVersion, NextSeq: st.nextSeq, Keys: []stateKey{}, Idempotency: []stateIdemp{}}
	for _, sk := range st.order {
		k := toStateKey(sk.Key)
		k.Seq, k.Deleted = sk.seq, sk.deleted
		doc.Keys = append(doc.Keys, k)
	}
	for id, rec := range st.idem {
		doc.Idempotency = append(doc.Idempotency, stateIdemp{
			Owner: id.owner, Key: id.key, Fingerprint: rec.fingerprint,
			StoredAt: rec.storedAt, Response: toStateKey(rec.key),
		})
	}
	// Map order is random; sort so that the file is stable for the same state.
	slices.SortFunc(doc.Idempotency, func(a, b stateIdemp) int {
		return cmp.Or(a.StoredAt.Compare(b.StoredAt), strings.Compare(a.Owner, b.Owner), strings.Compare(a.Key, b.Key))
	})
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return stateError(err)
	}
	return stateError(writeFileAtomic(st.file, append(data, '\n')))
}

// stateError turns a state-file failure into a 500 for the client.
func stateError(err error) error {
	if err == nil {
		return nil
	}
	return &apiError{
		status:  http.StatusInternalServerError,
		code:    "state_file_error",
		message: fmt.Sprintf("The mock could not write its state file, so nothing was changed: %v.", err),
	}
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

// writeFileAtomic replaces path with data, mode 0600, via a temporary file
// and a rename.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// load reads the state file, if it exists, into an empty store. A missing
// file is an empty state; an unreadable or inconsistent one is an error, so
// that a typo in the path of a corrupt file does not silently start afresh.
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
	var doc stateDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("parse state file %s: %w", st.file, err)
	}
	if doc.Version != stateVersion {
		return fmt.Errorf("state file %s has version %d, want %d", st.file, doc.Version, stateVersion)
	}
	var lastSeq uint64
	for _, k := range doc.Keys {
		switch {
		case !validUUID(k.ID):
			return fmt.Errorf("state file %s: invalid key id %q", st.file, k.ID)
		case st.byID[k.ID] != nil:
			return fmt.Errorf("state file %s: key %s appears twice", st.file, k.ID)
		case k.Seq <= lastSeq:
			return fmt.Errorf("state file %s: keys out of order at %s", st.file, k.ID)
		case !k.Deleted && (k.KeyValue == "" || validateScopes(k.Scopes) != nil):
			return fmt.Errorf("state file %s: key %s lacks a secret or valid scopes", st.file, k.ID)
		}
		lastSeq = k.Seq
		sk := &storedKey{Key: k.toKey(), seq: k.Seq, deleted: k.Deleted}
		if sk.deleted {
			sk.KeyValue = ""
		} else {
			st.byHash[hashSecret(sk.KeyValue)] = sk
		}
		st.order = append(st.order, sk)
		st.byID[sk.ID] = sk
	}
	st.nextSeq = max(doc.NextSeq, lastSeq+1)
	now := st.timestamp()
	for _, r := range doc.Idempotency {
		if r.Key == "" || now.Sub(r.StoredAt) >= idempotencyTTL {
			continue
		}
		st.idem[idemID{owner: r.Owner, key: r.Key}] = &idemRecord{
			fingerprint: r.Fingerprint, storedAt: r.StoredAt, key: r.Response.toKey(),
		}
	}
	return nil
}
