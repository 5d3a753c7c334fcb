package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

func TestMain(m *testing.M) {
	// Some machines point TF_CLI_CONFIG_FILE at a file that does not exist;
	// Terraform then prints a warning before its version, which the test
	// framework cannot parse.
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // only asks whether the CLI configuration the environment names exists
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}

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
