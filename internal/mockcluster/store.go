package mockcluster

// The in-memory store of keys and idempotency records, and every change to
// it.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"slices"
	"sort"
	"sync"
	"time"
)

// idempotencyTTL is how long a successful create is remembered under its
// x-idempotency-key.
const idempotencyTTL = 24 * time.Hour

// Key is an API key as the mock stores it.
type Key struct {
	ID        string
	Scopes    []string
	CreatedAt time.Time
	// ExpiresAt is nil for a key that never expires.
	ExpiresAt *time.Time
	// KeyValue is the secret that authenticates as the key.
	KeyValue string
}

// clone returns a deep copy, so that callers cannot change the store's data.
func (k Key) clone() Key {
	k.Scopes = slices.Clone(k.Scopes)
	if k.ExpiresAt != nil {
		t := *k.ExpiresAt
		k.ExpiresAt = &t
	}
	return k
}

// expired reports whether the key no longer authenticates at now.
func (k Key) expired(now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// storedKey is a key in the store. Deleted keys stay as tombstones (with their
// secret wiped) so that an id once issued remains a valid list cursor and is
// never mistaken for an unknown one; a compaction of the state file forgets
// those deleted tombstoneTTL ago.
type storedKey struct {
	Key
	seq       uint64
	deleted   bool
	deletedAt time.Time
	// secretAt is the offset of the key's secret in the state file, to
	// overwrite on delete; -1 when unknown.
	secretAt int64
}

// idemRecord remembers a successful create under its idempotency key.
type idemRecord struct {
	fingerprint string
	storedAt    time.Time
	// key is the key as created, so the replay is the same response even if
	// the key has since changed or been deleted.
	key Key
}

// idemID scopes an idempotency key by the identity of the credential that sent
// it ("admin", or "key:<id>"), as payment APIs scope it by account: two
// callers choosing the same idempotency key do not see each other's keys.
type idemID struct {
	owner string
	key   string
}

// store is the in-memory state of the mock: the keys and the idempotency
// records. All access goes through its methods, which hold mu; mutations are
// written to the state file (when there is one) before mu is released, so the
// file always reflects a prefix of the history.
type store struct {
	mu      sync.Mutex
	now     func() time.Time
	file    string   // "" when in memory only
	j       *journal // the state file's writer; nil until first used
	lockF   *os.File // holds the state file's lock (lock.go); nil when none
	closed  bool     // the state file is closed: changes fail
	nextSeq uint64
	order   []*storedKey // every key ever created, tombstones too, by seq
	byID    map[string]*storedKey
	byHash  map[[sha256.Size]byte]*storedKey // live keys by hash of the secret
	idem    map[idemID]*idemRecord
	idemTTL time.Duration // how long a create is remembered
	// idemOldest is no later than the oldest record's storedAt (the zero
	// time when unknown, e.g. after load), so that purgeIdempotency can skip
	// its scan of every record until one may have expired.
	idemOldest time.Time
}

func newStore(now func() time.Time, file string, idemTTL time.Duration) *store {
	if idemTTL <= 0 {
		idemTTL = idempotencyTTL
	}
	return &store{
		now:     now,
		idemTTL: idemTTL,
		file:    file,
		nextSeq: 1,
		byID:    make(map[string]*storedKey),
		byHash:  make(map[[sha256.Size]byte]*storedKey),
		idem:    make(map[idemID]*idemRecord),
	}
}

// hashSecret is the lookup key for a key_value; the store does not index the
// secrets themselves.
func hashSecret(v string) [sha256.Size]byte {
	return sha256.Sum256([]byte(v))
}

// newUUID returns a random (version 4) UUID in lower case.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newKeyValue returns a fresh secret: "key_" and 32 random bytes (256 bits)
// in unpadded base64url.
func newKeyValue() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return "key_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// maskKeyValue shows the first four characters of the secret after its
// prefix, like the API reference's "key_123xxxx".
func maskKeyValue(v string) string {
	const prefix = "key_"
	rest := v
	if len(rest) >= len(prefix) && rest[:len(prefix)] == prefix {
		rest = rest[len(prefix):]
	}
	if len(rest) > 4 {
		rest = rest[:4]
	}
	return prefix + rest + "xxxx"
}

// timestamp is the store's notion of now: UTC, to the millisecond, so that
// what the API shows and what the store compares are the same instant.
func (st *store) timestamp() time.Time {
	return st.now().UTC().Truncate(time.Millisecond)
}

// createParams describes one create.
type createParams struct {
	scopes    []string
	expiresIn time.Duration // 0: never expires
	// owner and idemKey identify the idempotency record; idemKey "" means
	// the request had none.
	owner, idemKey string
	fingerprint    string
}

// errIdempotencyConflict reports an idempotency key reused with another body.
var errIdempotencyConflict = &apiError{
	status:  http.StatusConflict,
	code:    "idempotency_conflict",
	message: "This x-idempotency-key was already used with a different request body.",
}

// create adds a key, or replays an earlier create with the same idempotency
// key. The check and the insertion happen under one lock, so concurrent
// requests with the same idempotency key create at most one key.
func (st *store) create(p createParams) (k Key, replayed bool, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.timestamp()
	st.purgeIdempotency(now)

	id := idemID{owner: p.owner, key: p.idemKey}
	if p.idemKey != "" {
		if rec, ok := st.idem[id]; ok {
			if rec.fingerprint != p.fingerprint {
				return Key{}, false, errIdempotencyConflict
			}
			return rec.key.clone(), true, nil
		}
	}

	sk := &storedKey{
		Key: Key{
			ID:        newUUID(),
			Scopes:    slices.Clone(p.scopes),
			CreatedAt: now,
			KeyValue:  newKeyValue(),
		},
		seq:      st.nextSeq,
		secretAt: -1,
	}
	if p.expiresIn > 0 {
		t := now.Add(p.expiresIn)
		sk.ExpiresAt = &t
	}
	st.nextSeq++
	st.order = append(st.order, sk)
	st.byID[sk.ID] = sk
	st.byHash[hashSecret(sk.KeyValue)] = sk
	var rec *idemRecord
	if p.idemKey != "" {
		if len(st.idem) == 0 {
			st.idemOldest = now
		}
		rec = &idemRecord{fingerprint: p.fingerprint, storedAt: now, key: sk.clone()}
		st.idem[id] = rec
		if now.Before(st.idemOldest) {
			st.idemOldest = now
		}
	}

	// If the write fails, the key and its record go, from memory and file,
	// so that the client may retry.
	undo := func() {
		st.order = slices.DeleteFunc(st.order, func(o *storedKey) bool { return o == sk })
		delete(st.byID, sk.ID)
		delete(st.byHash, hashSecret(sk.KeyValue))
		if p.idemKey != "" {
			delete(st.idem, id)
		}
		st.nextSeq--
	}
	if err := st.logCreate(sk, id, rec, undo); err != nil {
		return Key{}, false, err
	}
	return sk.clone(), false, nil
}

// purgeIdempotency forgets records older than the store's idemTTL. It scans the
// records only when the oldest may have expired, so that a create costs
// O(1) rather than O(records) (quadratic over a large apply).
func (st *store) purgeIdempotency(now time.Time) {
	if len(st.idem) == 0 || now.Sub(st.idemOldest) < st.idemTTL {
		return
	}
	oldest := time.Time{}
	for id, rec := range st.idem {
		if now.Sub(rec.storedAt) >= st.idemTTL {
			delete(st.idem, id)
		} else if oldest.IsZero() || rec.storedAt.Before(oldest) {
			oldest = rec.storedAt
		}
	}
	st.idemOldest = oldest
}

// authResult is what a key_value authenticates as.
type authResult int

const (
	authUnknown authResult = iota // no live key has this secret
	authExpired                   // the key exists but has expired
	authOK
)

// authenticate looks up a live key by its secret and returns a copy of it.
func (st *store) authenticate(keyValue string) (Key, authResult) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sk, ok := st.byHash[hashSecret(keyValue)]
	if !ok || sk.deleted {
		return Key{}, authUnknown
	}
	if sk.expired(st.now()) {
		return sk.clone(), authExpired
	}
	return sk.clone(), authOK
}

// get returns a live key.
func (st *store) get(id string) (Key, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sk, ok := st.byID[id]
	if !ok || sk.deleted {
		return Key{}, false
	}
	return sk.clone(), true
}

// list returns up to limit live keys created after the key after ("" for
// the start), in creation order, and whether more live keys follow. A
// deleted key is still a valid cursor: listing goes on from where it stood.
// ok is false when after was never issued.
func (st *store) list(after string, limit int) (page []Key, more, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	start := 0
	if after != "" {
		sk, found := st.byID[after]
		if !found {
			return nil, false, false
		}
		start = sort.Search(len(st.order), func(i int) bool { return st.order[i].seq > sk.seq })
	}
	page = []Key{}
	for _, sk := range st.order[start:] {
		if sk.deleted {
			continue
		}
		if len(page) == limit {
			return page, true, true
		}
		page = append(page, sk.clone())
	}
	return page, false, true
}

// all returns every live key in creation order.
func (st *store) all() []Key {
	st.mu.Lock()
	defer st.mu.Unlock()
	keys := []Key{}
	for _, sk := range st.order {
		if !sk.deleted {
			keys = append(keys, sk.clone())
		}
	}
	return keys
}

// liveCount counts the keys not deleted, expired ones included.
func (st *store) liveCount() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for _, sk := range st.order {
		if !sk.deleted {
			n++
		}
	}
	return n
}

// updateScopes replaces a live key's scopes.
func (st *store) updateScopes(id string, list []string) (Key, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sk, ok := st.byID[id]
	if !ok || sk.deleted {
		return Key{}, notFound(id)
	}
	old := sk.Scopes
	sk.Scopes = slices.Clone(list)
	if err := st.logScopes(sk, func() { sk.Scopes = old }); err != nil {
		return Key{}, err
	}
	return sk.clone(), nil
}

// remove deletes a live key at once: its secret stops authenticating and is
// wiped; the id stays as a tombstone.
func (st *store) remove(id string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	sk, ok := st.byID[id]
	if !ok || sk.deleted {
		return notFound(id)
	}
	hash := hashSecret(sk.KeyValue)
	secret := sk.KeyValue
	sk.deleted, sk.deletedAt = true, st.timestamp()
	sk.KeyValue = ""
	delete(st.byHash, hash)
	undo := func() {
		sk.deleted, sk.deletedAt = false, time.Time{}
		sk.KeyValue = secret
		st.byHash[hash] = sk
	}
	return st.logDelete(sk, secret, undo)
}

func notFound(id string) *apiError {
	return newError(http.StatusNotFound, "not_found", "No API key with id %s exists.", quote(id))
}
