package provider

// Contract tests against a real Guardian cluster, so that the mock cannot
// drift from the API unnoticed. They are skipped unless a cluster and a
// credential are given:
//
//	HELLGATE_CONTRACT_CLUSTER_ID (or HELLGATE_CONTRACT_ENDPOINT)
//	HELLGATE_CONTRACT_ADMIN_TOKEN (or HELLGATE_CONTRACT_API_KEY, holding
//	admin:api-keys:create, :read and :delete)
//
// Every key they make expires within minutes and is revoked at the end,
// whatever happens.

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// Environment variables of the contract tests.
//
//nolint:gosec // names of environment variables, not credentials
const (
	envContractClusterID  = "HELLGATE_CONTRACT_CLUSTER_ID"
	envContractEndpoint   = "HELLGATE_CONTRACT_ENDPOINT"
	envContractAdminToken = "HELLGATE_CONTRACT_ADMIN_TOKEN"
	envContractAPIKey     = "HELLGATE_CONTRACT_API_KEY"
)

// contractLifetime is the expires_in of every key the contract tests make.
const contractLifetime = 600

// contractCluster is a real cluster under test, and the keys made on it,
// which are revoked when the test ends.
type contractCluster struct {
	baseURL, apiKey, adminToken string
	client                      *hellgate.Client

	mu   sync.Mutex
	made []string
}

// newContractCluster skips the test unless a real cluster is given.
func newContractCluster(t *testing.T) *contractCluster {
	t.Helper()
	cc := &contractCluster{
		apiKey:     os.Getenv(envContractAPIKey),
		adminToken: os.Getenv(envContractAdminToken),
	}
	switch {
	case os.Getenv(envContractEndpoint) != "":
		cc.baseURL = strings.TrimRight(os.Getenv(envContractEndpoint), "/")
	case os.Getenv(envContractClusterID) != "":
		cc.baseURL = hellgate.ClusterURL(os.Getenv(envContractClusterID))
	}
	if cc.baseURL == "" || (cc.apiKey == "") == (cc.adminToken == "") {
		t.Skipf("contract test against a real Guardian cluster: set %s (or %s) and exactly one of %s or %s",
			envContractClusterID, envContractEndpoint, envContractAdminToken, envContractAPIKey)
	}
	client, err := hellgate.New(hellgate.Config{
		BaseURL: cc.baseURL, APIKey: cc.apiKey, AdminToken: cc.adminToken,
		UserAgent: "terraform-provider-hellgate-contract-test", MaxRetries: 3, RequestTimeout: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	cc.client = client
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) //nolint:usetesting // t.Context() has ended when cleanups run
		defer cancel()
		cc.mu.Lock()
		defer cc.mu.Unlock()
		for _, id := range cc.made {
			if err := cc.client.DeleteAPIKey(ctx, id); err != nil && !hellgate.IsNotFound(err) {
				t.Errorf("revoking the contract test's key %s (it expires within %d s anyway): %v", id, contractLifetime, err)
			}
		}
	})
	return cc
}

// track records a key the test made, for revocation at the end.
func (cc *contractCluster) track(id string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.made = append(cc.made, id)
}

// providerBlock configures the provider for the real cluster.
func (cc *contractCluster) providerBlock() string {
	cred := fmt.Sprintf("admin_token = %q", cc.adminToken)
	if cc.apiKey != "" {
		cred = fmt.Sprintf("api_key = %q", cc.apiKey)
	}
	return providerConfig(fmt.Sprintf("endpoint = %q", cc.baseURL), cred)
}

// The client's operations against the real API: create (and its
// idempotent replay), get, list, delete, and the errors the provider
// relies on.
func TestContract_clientOperations(t *testing.T) {
	cc := newContractCluster(t)
	ctx := t.Context()
	lifetime := int64(contractLifetime)
	in := hellgate.CreateAPIKeyInput{
		Scopes:         []string{"pci:tokens:read"},
		ExpiresIn:      &lifetime,
		IdempotencyKey: hellgate.NewIdempotencyKey(),
	}
	key, err := cc.client.CreateAPIKey(ctx, in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	cc.track(key.ID)
	if key.KeyValue == "" || key.ExpiresAt == nil {
		t.Fatalf("create returned no key_value or no expires_at: %+v", key.ID)
	}
	if d := key.ExpiresAt.Sub(key.CreatedAt); d < (contractLifetime-1)*time.Second || d > (contractLifetime+1)*time.Second {
		t.Errorf("expires_at - created_at = %s, want %ds", d, contractLifetime)
	}

	// The same create with the same idempotency key replays the first.
	again, err := cc.client.CreateAPIKey(ctx, in)
	if err != nil {
		t.Fatalf("repeated create: %v", err)
	}
	if again.ID != key.ID {
		cc.track(again.ID)
		t.Errorf("a create repeated with its idempotency key made a second key %s (first %s)", again.ID, key.ID)
	}

	got, err := cc.client.GetAPIKey(ctx, key.ID)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if !slices.Equal(got.Scopes, in.Scopes) || got.KeyValue != "" {
		t.Errorf("get returned scopes %v (want %v) or a key_value", got.Scopes, in.Scopes)
	}

	all, err := cc.client.ListAllAPIKeys(ctx, hellgate.MaxPageSize)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if !slices.ContainsFunc(all, func(k hellgate.APIKey) bool { return k.ID == key.ID }) {
		t.Errorf("the list of %d keys lacks the key just made, %s", len(all), key.ID)
	}

	if err := cc.client.DeleteAPIKey(ctx, key.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := cc.client.GetAPIKey(ctx, key.ID); !hellgate.IsNotFound(err) {
		t.Errorf("get after delete: %v, want a 404", err)
	}
	if err := cc.client.DeleteAPIKey(ctx, key.ID); !hellgate.IsNotFound(err) {
		t.Errorf("second delete: %v, want a 404", err)
	}
	if _, err := cc.client.CreateAPIKey(ctx, hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:nope"}, ExpiresIn: &lifetime}); err == nil {
		t.Error("a create with an unknown scope succeeded")
	}
}

// The resource's create, read, import and destroy against the real API,
// under a real Terraform CLI.
func TestContract_resourceLifeCycle(t *testing.T) {
	cc := newContractCluster(t)
	cfg := cc.providerBlock() + fmt.Sprintf(`
resource "hellgate_api_key" "test" {
  scopes     = ["pci:tokens:read", "network:tokens:read"]
  expires_in = %d
}
`, contractLifetime)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: (&testCluster{}).factories(),
		CheckDestroy: func(*terraform.State) error {
			if id == "" {
				return nil
			}
			if _, err := cc.client.GetAPIKey(t.Context(), id); !hellgate.IsNotFound(err) {
				return fmt.Errorf("key %s after destroy: %w, want a 404", id, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					captureString("id", &id),
					stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, _ *statecheck.CheckStateResponse) {
						cc.track(id)
					}),
					statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("key_value"), knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					expiresAfter(contractLifetime),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
			},
			{
				ResourceName:            keyAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"key_value"},
			},
		},
	})
}
