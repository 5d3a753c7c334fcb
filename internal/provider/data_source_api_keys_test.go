package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// A cluster of 250 keys: all of them are listed, in order, with 3 list
// requests of 100 keys (the fewest possible).
func TestAccDataSourceAPIKeys_250Keys(t *testing.T) {
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	for i := range 250 {
		if i%10 == 0 {
			clock.Advance(time.Second) // ten keys per second: ties are ordered by id
		}
		c.mustCreateKey(t, 0, "pci:tokens:read")
	}
	want := inListOrder(c.srv.Keys())

	tf := initCLI(t, c, rootModule("", `data "hellgate_api_keys" "all" {}

output "ids" {
  value = [for k in data.hellgate_api_keys.all.keys : k.id]
}
`), WithClock(clock))

	before := c.srv.Stats().Requests
	tf.mustPlan()
	after := c.srv.Stats().Requests
	if got := after.List - before.List; got != 3 {
		t.Errorf("one read of 250 keys made %d list requests, want 3", got)
	}
	if after.Get != before.Get {
		t.Errorf("the list data source made %d get requests, want none", after.Get-before.Get)
	}

	tf.mustApply()
	var got []string
	if err := json.Unmarshal([]byte(tf.mustRun("output", "-json", "ids")), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Fatalf("listed %d keys, want 250", len(got))
	}
	for i, k := range want {
		if got[i] != k.ID {
			t.Fatalf("key %d is %s, want %s (ordered by created_at, then id)", i, got[i], k.ID)
		}
	}
}

// The scopes and include_expired filters, and expired judged by the
// provider clock.
func TestAccDataSourceAPIKeys_filters(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	mk := func(expiresIn time.Duration, scopes ...string) string {
		t.Helper()
		clock.Advance(time.Second)
		k := c.mustCreateKey(t, expiresIn, scopes...)
		return k.ID
	}
	a := mk(time.Hour, "pci:tokens:read", "pci:tokens:create")
	b := mk(0, "pci:tokens:read")
	cc := mk(10*time.Minute, "network:tokens:read", "pci:tokens:create", "pci:tokens:read")
	d := mk(10*time.Minute, "network:tokens:read")
	clock.Advance(30 * time.Minute) // c and d have expired

	cfg := c.providerBlock() + `
data "hellgate_api_keys" "all" {}

data "hellgate_api_keys" "live" {
  include_expired = false
}

data "hellgate_api_keys" "tokenisers" {
  scopes = ["pci:tokens:create", "pci:tokens:read"]
}

data "hellgate_api_keys" "live_tokenisers" {
  scopes          = ["pci:tokens:read", "pci:tokens:create"]
  include_expired = false
}

data "hellgate_api_keys" "none" {
  scopes = ["admin:api-keys:delete"]
}
`
	keys := tfjsonpath.New("keys")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(WithClock(clock)),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hellgate_api_keys.all", keys, keyIDs(a, b, cc, d)),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.live", keys, keyIDs(a, b)),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.tokenisers", keys, keyIDs(a, cc)),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.live_tokenisers", keys, keyIDs(a)),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.none", keys, knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.all", keys, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":               knownvalue.StringExact(a),
							"scopes":           stringSet("pci:tokens:create", "pci:tokens:read"),
							"created_at":       knownvalue.StringExact("2030-01-01T09:00:01Z"),
							"expires_at":       knownvalue.StringExact("2030-01-01T10:00:01Z"),
							"masked_key_value": knownvalue.StringRegexp(regexp.MustCompile(`^key_.{4}x+$`)),
							"expired":          knownvalue.Bool(false),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"expires_at": knownvalue.Null(), "expired": knownvalue.Bool(false),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"expires_at": knownvalue.StringExact("2030-01-01T09:10:03Z"), "expired": knownvalue.Bool(true),
						}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"expired": knownvalue.Bool(true)}),
					})),
				},
			},
		},
	})
}

// A bad scope in the filter, or an empty filter, fails at validate time,
// before any request, with the same message as the list resource's.
func TestAccDataSourceAPIKeys_invalidScope(t *testing.T) {
	c := newTestCluster(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			{
				Config: c.providerBlock() + `
data "hellgate_api_keys" "bad" {
  scopes = ["pci:token:read"]
}
`,
				PlanOnly:    true,
				ExpectError: wsRegexp(`(?s)Invalid Scope.*"pci:token:read" is not a Hellgate scope. Did you mean "pci:tokens:read"\?`),
			},
			{
				Config: c.providerBlock() + `
data "hellgate_api_keys" "none" {
  scopes = []
}
`,
				PlanOnly:    true,
				ExpectError: wsRegexp(`(?s)No Scopes to Filter By.*Attribute scopes is empty.*omit it to select keys with any scopes.*Valid scopes are: admin:api-keys:create`),
			},
		},
	})
	if n := c.requests(); n != 0 {
		t.Errorf("the mock received %d requests; validation must fail before any", n)
	}
}

func TestFilterAPIKeys(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	at := func(s int) time.Time { return now.Add(time.Duration(s) * time.Second) }
	keys := []hellgate.APIKey{
		{ID: "c", CreatedAt: at(1), Scopes: []string{"x", "y"}},
		{ID: "b", CreatedAt: at(1).Add(500 * time.Millisecond), Scopes: []string{"x"}, ExpiresAt: &past},
		{ID: "a", CreatedAt: at(2), Scopes: []string{"y"}, ExpiresAt: &future},
		{ID: "d", CreatedAt: at(0), Scopes: []string{"x", "y", "z"}, ExpiresAt: &now},
	}
	ids := func(ks []hellgate.APIKey) string {
		var out []string
		for _, k := range ks {
			out = append(out, k.ID)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		want    []string
		expired bool
		ids     string
	}{
		{nil, true, "d,b,c,a"}, // b and c share a second: by id
		{nil, false, "c,a"},
		{[]string{"x"}, true, "d,b,c"},
		{[]string{"y", "x"}, true, "d,c"},
		{[]string{"y", "x"}, false, "c"},
		{[]string{"w"}, true, ""},
	} {
		if got := ids(filterAPIKeys(slices.Clone(keys), keyFilter{scopes: tc.want, includeExpired: tc.expired, now: now})); got != tc.ids {
			t.Errorf("filterAPIKeys(%v, include_expired=%t) = %q, want %q", tc.want, tc.expired, got, tc.ids)
		}
	}
}

// The list data source is bounded by its read timeout: a cluster that
// never answers fails the read with the timeout's error instead of
// hanging the plan.
func TestAccDataSourceAPIKeys_readTimeout(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: (&testCluster{}).factories(),
		Steps: []resource.TestStep{
			{
				Config: providerConfig(fmt.Sprintf("endpoint = %q", hang.URL), `admin_token = "t"`, "max_retries = 0") + `
data "hellgate_api_keys" "all" {
  timeouts {
    read = "1s"
  }
}
`,
				ExpectError: wsRegexp(`(?s)Unable to List API Keys.*context deadline exceeded`),
			},
			{
				Config: providerConfig(fmt.Sprintf("endpoint = %q", hang.URL), `admin_token = "t"`) + `
data "hellgate_api_keys" "all" {
  timeouts {
    read = "soon"
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Time Duration.*read = "soon"`),
			},
		},
	})
}
