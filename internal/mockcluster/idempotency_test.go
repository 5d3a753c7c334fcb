package mockcluster

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// createIdem posts a create with an idempotency key and the admin token.
func (h *harness) createIdem(idemKey, body string, cred ...string) response {
	h.t.Helper()
	if cred == nil {
		cred = admin
	}
	return h.do(http.MethodPost, "/api/admin/api-keys", body, append(cred, "x-idempotency-key", idemKey)...)
}

func TestIdempotentReplay(t *testing.T) {
	h := newHarness(t)
	first := h.createIdem("abc", `{"scopes":["pci:tokens:read","pci:tokens:create"],"expires_in":60}`)
	if first.status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	if first.header.Get("X-Idempotent-Replayed") != "" {
		t.Error("first answer is marked as replayed")
	}
	h.clock.Advance(time.Hour)
	// Same request, other whitespace and member order.
	again := h.createIdem("abc", "{ \"expires_in\" : 60,\n \"scopes\": [\"pci:tokens:read\", \"pci:tokens:create\"] }")
	if again.status != http.StatusCreated {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	if string(again.body) != string(first.body) {
		t.Errorf("replay body differs:\n%s\n%s", again.body, first.body)
	}
	if again.header.Get("X-Idempotent-Replayed") != "true" {
		t.Error("replay lacks x-idempotent-replayed: true")
	}
	if again.header.Get("X-Request-Id") == first.header.Get("X-Request-Id") {
		t.Error("replay reuses the request id")
	}
	if n := len(h.mock.Keys()); n != 1 {
		t.Errorf("%d keys, want 1", n)
	}
	// A different idempotency key creates another key.
	if res := h.createIdem("abd", `{"scopes":["pci:tokens:read","pci:tokens:create"],"expires_in":60}`); res.status != 201 ||
		res.header.Get("X-Idempotent-Replayed") != "" {
		t.Errorf("other idempotency key: %d", res.status)
	}
	if n := len(h.mock.Keys()); n != 2 {
		t.Errorf("%d keys, want 2", n)
	}
}

func TestIdempotencyNullAndAbsentExpiryAreTheSame(t *testing.T) {
	h := newHarness(t)
	first := h.createIdem("k", `{"scopes":["pci:tokens:read"]}`)
	again := h.createIdem("k", `{"scopes":["pci:tokens:read"],"expires_in":null}`)
	if again.status != 201 || string(again.body) != string(first.body) {
		t.Errorf("replay: %d %s", again.status, again.body)
	}
}

func TestIdempotencyConflict(t *testing.T) {
	h := newHarness(t)
	h.createIdem("abc", `{"scopes":["pci:tokens:read","pci:tokens:create"]}`)
	for _, body := range []string{
		`{"scopes":["pci:tokens:read"]}`,
		`{"scopes":["pci:tokens:create","pci:tokens:read"]}`, // JSON arrays are ordered
		`{"scopes":["pci:tokens:read","pci:tokens:create"],"expires_in":60}`,
	} {
		checkError(t, h.createIdem("abc", body), http.StatusConflict, "idempotency_conflict")
	}
	// An invalid body is rejected as invalid, whatever the idempotency key.
	checkError(t, h.createIdem("abc", `{"scopes":[]}`), http.StatusBadRequest, "invalid_scopes")
	if n := len(h.mock.Keys()); n != 1 {
		t.Errorf("%d keys, want 1", n)
	}
}

func TestIdempotencyFailuresAreNotRemembered(t *testing.T) {
	h := newHarness(t)
	checkError(t, h.createIdem("abc", `{"scopes":["nope"]}`), http.StatusBadRequest, "unknown_scope")
	if res := h.createIdem("abc", `{"scopes":["pci:tokens:read"]}`); res.status != 201 || res.header.Get("X-Idempotent-Replayed") != "" {
		t.Errorf("after a failed create: %d %s", res.status, res.body)
	}
}

func TestIdempotencyRecordLasts24Hours(t *testing.T) {
	h := newHarness(t)
	body := `{"scopes":["pci:tokens:read"]}`
	first := h.createIdem("abc", body)
	h.clock.Advance(24*time.Hour - time.Second)
	if res := h.createIdem("abc", body); string(res.body) != string(first.body) {
		t.Errorf("replay just before 24h: %s", res.body)
	}
	h.clock.Advance(time.Second)
	res := h.createIdem("abc", body)
	if res.status != 201 || string(res.body) == string(first.body) || res.header.Get("X-Idempotent-Replayed") != "" {
		t.Errorf("after 24h: %d %s", res.status, res.body)
	}
	if n := len(h.mock.Keys()); n != 2 {
		t.Errorf("%d keys, want 2", n)
	}
}

func TestIdempotencyReplayAfterDelete(t *testing.T) {
	h := newHarness(t)
	body := `{"scopes":["pci:tokens:read"]}`
	first := h.createIdem("abc", body)
	id, _ := first.json(t)["id"].(string)
	if !h.mock.DeleteKey(id) {
		t.Fatal("DeleteKey failed")
	}
	// The first answer is replayed as it was: the retry must not create a key.
	if res := h.createIdem("abc", body); string(res.body) != string(first.body) {
		t.Errorf("replay after delete: %d %s", res.status, res.body)
	}
	if n := len(h.mock.Keys()); n != 0 {
		t.Errorf("%d keys, want 0", n)
	}
}

func TestIdempotencyScopedByCredential(t *testing.T) {
	h := newHarness(t)
	k1 := h.createScoped(scopes.APIKeysCreate)
	k2 := h.createScoped(scopes.APIKeysCreate)
	body := `{"scopes":["pci:tokens:read"]}`
	a := h.createIdem("same", body, apiKey(k1.KeyValue)...)
	b := h.createIdem("same", body, apiKey(k2.KeyValue)...)
	c := h.createIdem("same", body)
	if a.status != 201 || b.status != 201 || c.status != 201 {
		t.Fatalf("statuses %d %d %d", a.status, b.status, c.status)
	}
	if a.json(t)["id"] == b.json(t)["id"] || a.json(t)["id"] == c.json(t)["id"] {
		t.Error("different credentials share an idempotency record")
	}
	if again := h.createIdem("same", body, apiKey(k1.KeyValue)...); string(again.body) != string(a.body) {
		t.Error("same credential does not replay")
	}
}

func TestIdempotencyConcurrent(t *testing.T) {
	h := newHarness(t)
	const n = 50
	body := `{"scopes":["pci:tokens:read"],"expires_in":600}`
	var wg sync.WaitGroup
	results := make([]response, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = h.createIdem("race", body)
		}()
	}
	wg.Wait()
	replayed := 0
	for _, res := range results {
		if res.status != 201 || string(res.body) != string(results[0].body) {
			t.Fatalf("status %d body %s, want the same 201 for all", res.status, res.body)
		}
		if res.header.Get("X-Idempotent-Replayed") == "true" {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d replays, want %d", replayed, n-1)
	}
	if got := len(h.mock.Keys()); got != 1 {
		t.Errorf("%d keys, want 1", got)
	}
}

// Options.IdempotencyTTL plays a Hellgate that forgets sooner.
func TestIdempotencyTTLOption(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.IdempotencyTTL = time.Minute })
	body := `{"scopes":["pci:tokens:read"]}`
	first := h.createIdem("abc", body)
	h.clock.Advance(time.Minute - time.Second)
	if res := h.createIdem("abc", body); string(res.body) != string(first.body) {
		t.Errorf("replay within the minute: %s", res.body)
	}
	h.clock.Advance(time.Second)
	if res := h.createIdem("abc", body); res.status != 201 || string(res.body) == string(first.body) {
		t.Errorf("after the minute: %d %s, want a new key", res.status, res.body)
	}
}
