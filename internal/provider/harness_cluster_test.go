package provider

// The mock Guardian cluster each test starts, served over real HTTP on
// loopback: plain, on a fake clock, with faults, or behind a recorder that
// keeps every key the mock issues.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// testCluster is a mock Guardian cluster served over real HTTP on
// loopback, one per test.
type testCluster struct {
	srv   *mockcluster.Server
	url   string
	token string
}

func newTestCluster(t *testing.T, opts ...func(*mockcluster.Options)) *testCluster {
	t.Helper()
	o := mockcluster.Options{AdminToken: "admin-" + randomHex(t, 16)}
	for _, f := range opts {
		f(&o)
	}
	srv, err := mockcluster.New(o)
	if err != nil {
		t.Fatalf("starting mock cluster: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testCluster{srv: srv, url: ts.URL, token: o.AdminToken}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// factories serves the provider in-process; Terraform downloads nothing.
func (c *testCluster) factories(opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hellgate": providerserver.NewProtocol6WithError(New("test", opts...)()),
	}
}

// checkDestroyed asks the mock whether every key is really gone.
func (c *testCluster) checkDestroyed(*terraform.State) error {
	if keys := c.srv.Keys(); len(keys) != 0 {
		ids := make([]string, 0, len(keys))
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		return fmt.Errorf("expected no live keys on the mock after destroy, found %d: %v", len(keys), ids)
	}
	return nil
}

// requests returns the total number of API-key requests the mock received.
func (c *testCluster) requests() int64 {
	r := c.srv.Stats().Requests
	return r.Create + r.Get + r.List + r.Update + r.Delete
}

// mustCreateKey makes a key with scopes on the mock, outside Terraform,
// living for life (0: it never expires), and fails the test if the mock
// refuses it.
func (c *testCluster) mustCreateKey(t *testing.T, life time.Duration, scopes ...string) mockcluster.Key {
	t.Helper()
	k, err := c.srv.CreateKey(scopes, life)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newKeyClock returns one fake clock to share between the mock cluster and
// the provider, advanced by hand (in PreConfig or between CLI runs) instead
// of sleeping.
func newKeyClock() *clock.Fake {
	return clock.NewFake(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
}

// newClockedCluster starts a mock cluster on clock.
func newClockedCluster(t *testing.T, clk *clock.Fake) *testCluster {
	t.Helper()
	return newTestCluster(t, func(o *mockcluster.Options) { o.Clock = clk })
}

// withFaults starts the mock cluster with faults (dropped answers, errors,
// throttling) from the first request on.
func withFaults(f mockcluster.Faults) func(*mockcluster.Options) {
	return func(o *mockcluster.Options) { o.Faults = f }
}

// onlyKey returns the single key on the mock, failing unless there is
// exactly one.
func onlyKey(t *testing.T, c *testCluster) mockcluster.Key {
	t.Helper()
	keys := c.srv.Keys()
	if len(keys) != 1 {
		ids := make([]string, 0, len(keys))
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		t.Fatalf("expected exactly 1 live key on the mock, found %d: %v", len(keys), ids)
	}
	return keys[0]
}

// issuedKey is a key as the mock's create answer carried it.
type issuedKey struct {
	ID       string `json:"id"`
	KeyValue string `json:"key_value"`
}

// recordingCluster is a mock cluster behind a recorder that keeps every
// key the mock issues over HTTP, secret included. After Close the mock has
// forgotten an ephemeral key's secret, so this is how a test learns which
// secrets existed during the run, to look for them in state and plan files.
type recordingCluster struct {
	*testCluster
	mu     sync.Mutex
	issued []issuedKey
	// apiKeysUsed are the x-api-key values requests authenticated with.
	apiKeysUsed []string
	// failDeletes makes the recorder answer 500 to every DELETE.
	failDeletes atomic.Bool
}

func newRecordingCluster(t *testing.T) *recordingCluster {
	t.Helper()
	token := "admin-" + randomHex(t, 16)
	srv, err := mockcluster.New(mockcluster.Options{AdminToken: token})
	if err != nil {
		t.Fatalf("starting mock cluster: %v", err)
	}
	rc := &recordingCluster{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := r.Header.Get("x-api-key"); k != "" {
			rc.mu.Lock()
			rc.apiKeysUsed = append(rc.apiKeysUsed, k)
			rc.mu.Unlock()
		}
		if r.Method == http.MethodDelete && rc.failDeletes.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"code":"internal","message":"injected by the test"}`)
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		if r.Method == http.MethodPost && rec.Code == http.StatusCreated {
			var k issuedKey
			if err := json.Unmarshal(rec.Body.Bytes(), &k); err == nil && k.KeyValue != "" {
				rc.mu.Lock()
				rc.issued = append(rc.issued, k)
				rc.mu.Unlock()
			}
		}
		for name, v := range rec.Header() {
			w.Header()[name] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(ts.Close)
	rc.testCluster = &testCluster{srv: srv, url: ts.URL, token: token}
	return rc
}

// issuedKeys returns a copy of the keys issued so far.
func (rc *recordingCluster) issuedKeys() []issuedKey {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]issuedKey(nil), rc.issued...)
}

func (rc *recordingCluster) issuedByID(id string) (issuedKey, bool) {
	for _, k := range rc.issuedKeys() {
		if k.ID == id {
			return k, true
		}
	}
	return issuedKey{}, false
}

func (rc *recordingCluster) usedAPIKey(value string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, k := range rc.apiKeysUsed {
		if k == value {
			return true
		}
	}
	return false
}

// allRevoked fails the test unless every key in keys is gone from the mock.
func (rc *recordingCluster) allRevoked(t *testing.T, keys []issuedKey) {
	t.Helper()
	for _, k := range keys {
		if _, ok := rc.srv.Key(k.ID); ok {
			t.Errorf("ephemeral key %s is still live on the mock after the run", k.ID)
		}
	}
}
