package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func apiKeyDataConfig(c *testCluster, id string) string {
	return c.providerBlock() + fmt.Sprintf(`
data "hellgate_api_key" "test" {
  id = %q
}
`, id)
}

// A key made outside Terraform, read by id before and after it expires
// (by the provider's clock).
func TestAccDataSourceAPIKey_basic(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	key := c.mustCreateKey(t, time.Hour, "pci:tokens:read", "network:tokens:use")
	cfg := apiKeyDataConfig(c, key.ID)
	masked := knownvalue.StringExact("key_" + key.KeyValue[len("key_"):len("key_")+4] + "xxxx")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithClock(clock)),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("id"), knownvalue.StringExact(key.ID)),
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("scopes"), stringSet("network:tokens:use", "pci:tokens:read")),
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("created_at"), knownvalue.StringExact("2030-01-01T09:00:00Z")),
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact("2030-01-01T10:00:00Z")),
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("masked_key_value"), masked),
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
				},
			},
			{
				PreConfig: func() { clock.Advance(time.Hour) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("expired"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("expires_at"), knownvalue.StringExact("2030-01-01T10:00:00Z")),
				},
			},
		},
	})
}

// A key managed in the same configuration, and one that never expires.
func TestAccDataSourceAPIKey_fromResource(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["admin:types:read"]`, "") + `
data "hellgate_api_key" "test" {
  id = hellgate_api_key.test.id
}
`
	c.parallelTest(t, []resource.TestStep{
		{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs(keyDataAddr, tfjsonpath.New("id"), keyAddr, tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(keyDataAddr, tfjsonpath.New("created_at"), keyAddr, tfjsonpath.New("created_at"), compare.ValuesSame()),
				statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("scopes"), stringSet("admin:types:read")),
				statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("expires_at"), knownvalue.Null()),
				statecheck.ExpectKnownValue(keyDataAddr, tfjsonpath.New("expired"), knownvalue.Bool(false)),
			},
		},
	})
}

// An unknown id is an error naming the id and Hellgate's answer, with its
// request id.
func TestAccDataSourceAPIKey_unknownID(t *testing.T) {
	c := newTestCluster(t)
	const id = "0b7e7dc4-6d6a-4c1e-9c55-0d7a3d0a1f00"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			{
				Config: apiKeyDataConfig(c, id),
				ExpectError: wsRegexp(`(?s)API Key Not Found.*No API key with id ` + id +
					` exists on the cluster.*404 Not Found: not_found.*\(request id [0-9a-f-]{36}\)`),
			},
		},
	})
}

// A malformed id fails at validate time, before any request.
func TestAccDataSourceAPIKey_invalidID(t *testing.T) {
	c := newTestCluster(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			{
				Config:      apiKeyDataConfig(c, "key-1234"),
				PlanOnly:    true,
				ExpectError: wsRegexp(`(?s)Attribute id must be a UUID such as "123e4567-e89b-12d3-a456-426614174000", got: key-1234`),
			},
		},
	})
	if n := c.requests(); n != 0 {
		t.Errorf("the mock received %d requests; validation must fail before any", n)
	}
}

// The data source is bounded by its read timeout: a cluster that never
// answers fails the read with the timeout's error instead of hanging the
// plan, and a read timeout that is not a duration fails validation.
func TestAccDataSourceAPIKey_readTimeout(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	const id = "0b7e7dc4-6d6a-4c1e-9c55-0d7a3d0a1f00"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: (&testCluster{}).factories(),
		Steps: []resource.TestStep{
			{
				Config: providerConfig(fmt.Sprintf("endpoint = %q", hang.URL), `admin_token = "t"`, "max_retries = 0") + fmt.Sprintf(`
data "hellgate_api_key" "test" {
  id = %q
  timeouts {
    read = "1s"
  }
}
`, id),
				ExpectError: wsRegexp(`(?s)Unable to Read API Key.*Hellgate did not return the API key ` + id + `.*context deadline exceeded`),
			},
			{
				Config: providerConfig(fmt.Sprintf("endpoint = %q", hang.URL), `admin_token = "t"`) + fmt.Sprintf(`
data "hellgate_api_key" "test" {
  id = %q
  timeouts {
    read = "soon"
  }
}
`, id),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Time Duration.*read = "soon"`),
			},
		},
	})
}
