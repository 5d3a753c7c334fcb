package provider

// Tests of the created_after and created_before filters, on the
// hellgate_api_keys data source and on the hellgate_api_key list resource:
// keys made at different times on the mock's clock, the inclusive and the
// exclusive end, fractions of a second and time zone offsets, the filters
// combined with scopes and include_expired, and the errors for bad
// timestamps and an empty window, before any request.

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
)

// seedTimedKeys makes five keys on the mock outside Terraform, at
// different times of the mock's clock (which starts at
// 2030-01-01T09:00:00Z), and leaves the clock half an hour after the last:
//
//	k[0] 09:00:00    pci:tokens:read
//	k[1] 09:00:01.5  pci:tokens:read
//	k[2] 09:00:02    pci:tokens:read, pci:tokens:create
//	k[3] 09:00:03    network:tokens:read
//	k[4] 09:00:04    pci:tokens:read, expired at 09:10:04
func seedTimedKeys(t *testing.T) (*testCluster, Option, []string) {
	t.Helper()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	var ids []string
	for _, k := range []struct {
		wait   time.Duration
		life   time.Duration
		scopes []string
	}{
		{0, 0, []string{"pci:tokens:read"}},
		{1500 * time.Millisecond, 0, []string{"pci:tokens:read"}},
		{500 * time.Millisecond, 0, []string{"pci:tokens:read", "pci:tokens:create"}},
		{time.Second, 0, []string{"network:tokens:read"}},
		{time.Second, 10 * time.Minute, []string{"pci:tokens:read"}},
	} {
		clock.Advance(k.wait)
		ids = append(ids, c.mustCreateKey(t, k.life, k.scopes...).ID)
	}
	clock.Advance(30 * time.Minute)
	return c, WithClock(clock), ids
}

// Keys made at different times: each data source finds exactly the keys
// created at or after created_after and before created_before, to the
// fraction of a second, whatever offset the timestamps are written with,
// and together with the scopes and include_expired filters. The
// timestamps stay in state as written.
func TestAccDataSourceAPIKeys_createdWindow(t *testing.T) {
	c, clock, k := seedTimedKeys(t)
	cfg := c.providerBlock() + `
data "hellgate_api_keys" "from_2" {
  created_after = "2030-01-01T09:00:02Z"
}

data "hellgate_api_keys" "until_2" {
  created_before = "2030-01-01T09:00:02Z"
}

data "hellgate_api_keys" "window" {
  created_after  = "2030-01-01T09:00:01Z"
  created_before = "2030-01-01T09:00:03Z"
}

data "hellgate_api_keys" "from_fraction" {
  created_after = "2030-01-01T09:00:01.5Z"
}

data "hellgate_api_keys" "until_fraction" {
  created_before = "2030-01-01T09:00:01.5Z"
}

data "hellgate_api_keys" "offset" {
  created_after  = "2030-01-01T10:00:03+01:00"
  created_before = "2030-01-01T04:00:04.000000001-05:00"
}

data "hellgate_api_keys" "live_readers" {
  scopes          = ["pci:tokens:read"]
  include_expired = false
  created_after   = "2030-01-01T09:00:01Z"
}

data "hellgate_api_keys" "readers" {
  scopes        = ["pci:tokens:read"]
  created_after = "2030-01-01T09:00:01Z"
}

data "hellgate_api_keys" "later" {
  created_after = "2030-01-01T09:00:04.000000001Z"
}
`
	keys := tfjsonpath.New("keys")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(clock),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hellgate_api_keys.from_2", keys, keyIDs(k[2], k[3], k[4])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.until_2", keys, keyIDs(k[0], k[1])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.window", keys, keyIDs(k[1], k[2])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.from_fraction", keys, keyIDs(k[1], k[2], k[3], k[4])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.until_fraction", keys, keyIDs(k[0])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.offset", keys, keyIDs(k[3], k[4])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.live_readers", keys, keyIDs(k[1], k[2])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.readers", keys, keyIDs(k[1], k[2], k[4])),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.later", keys, keyIDs()),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.offset", tfjsonpath.New("created_after"),
						knownvalue.StringExact("2030-01-01T10:00:03+01:00")),
					statecheck.ExpectKnownValue("data.hellgate_api_keys.from_2", tfjsonpath.New("created_before"), knownvalue.Null()),
				},
			},
		},
	})
}

// The same keys through terraform query: each list block finds exactly
// the keys of its window, in the cluster's order, with the scopes filter
// and include_expired (false by default here).
func TestAccListAPIKey_createdWindow(t *testing.T) {
	c, clock, k := seedTimedKeys(t)
	query := `list "hellgate_api_key" "from_2" {
  provider = hellgate
  config {
    created_after   = "2030-01-01T09:00:02Z"
    include_expired = true
  }
}

list "hellgate_api_key" "until_2" {
  provider = hellgate
  config {
    created_before = "2030-01-01T09:00:02Z"
  }
}

list "hellgate_api_key" "window" {
  provider = hellgate
  config {
    created_after  = "2030-01-01T09:00:01Z"
    created_before = "2030-01-01T09:00:03Z"
  }
}

list "hellgate_api_key" "from_fraction" {
  provider = hellgate
  config {
    created_after = "2030-01-01T09:00:01.5Z"
  }
}

list "hellgate_api_key" "until_fraction" {
  provider = hellgate
  config {
    created_before = "2030-01-01T09:00:01.5Z"
  }
}

list "hellgate_api_key" "offset" {
  provider = hellgate
  config {
    created_after   = "2030-01-01T10:00:03+01:00"
    include_expired = true
  }
}

list "hellgate_api_key" "creators" {
  provider = hellgate
  config {
    scopes        = ["pci:tokens:create"]
    created_after = "2030-01-01T09:00:01Z"
  }
}

list "hellgate_api_key" "later" {
  provider = hellgate
  config {
    created_after   = "2030-01-01T09:00:04.000000001Z"
    include_expired = true
  }
}
`
	c.queryTest(t, []resource.TestStep{
		{Config: c.providerBlock()},
		{
			Query:  true,
			Config: query,
			QueryResultChecks: []querycheck.QueryResultCheck{
				listedKeys("hellgate_api_key.from_2", []string{k[2], k[3], k[4]}),
				listedKeys("hellgate_api_key.until_2", []string{k[0], k[1]}),
				listedKeys("hellgate_api_key.window", []string{k[1], k[2]}),
				listedKeys("hellgate_api_key.from_fraction", []string{k[1], k[2], k[3]}),
				listedKeys("hellgate_api_key.until_fraction", []string{k[0]}),
				listedKeys("hellgate_api_key.offset", []string{k[3], k[4]}),
				listedKeys("hellgate_api_key.creators", []string{k[2]}),
				listedKeys("hellgate_api_key.later", nil),
			},
		},
	}, clock)
}

// badWindows are created_after and created_before settings that fail
// validation, each with the error it must give: both objects give the
// same.
var badWindows = []struct {
	attrs string
	err   *regexp.Regexp
}{
	{
		`created_after = "yesterday"`,
		wsRegexp(`(?s)Invalid Timestamp.*Attribute created_after: "yesterday" is not a timestamp: expected an RFC 3339 timestamp: a date, "T", a time and a time zone offset \(Z for UTC\), such as "2030-01-01T09:00:00Z" or "2030-01-01T10:00:00\+01:00"`),
	},
	{
		`created_before = "2030-01-01"`,
		wsRegexp(`(?s)Invalid Timestamp.*Attribute created_before: "2030-01-01" is a date without a time: expected an RFC 3339 timestamp.*for midnight UTC write "2030-01-01T00:00:00Z"`),
	},
	{
		`created_after = "2030-01-01T09:00:00"`,
		wsRegexp(`(?s)Invalid Timestamp.*Attribute created_after: "2030-01-01T09:00:00" has no time zone offset.*for UTC write "2030-01-01T09:00:00Z"`),
	},
	{
		"created_after  = \"2030-01-01T10:00:00Z\"\n    created_before = \"2030-01-01T09:00:00Z\"",
		wsRegexp(`(?s)Invalid Attribute Combination.*Attribute created_before \("2030-01-01T09:00:00Z"\) must be later than created_after \("2030-01-01T10:00:00Z"\): a key is selected when created_after <= created_at < created_before, so no key can be. Set created_before to a later time or created_after to an earlier one, or remove one of them.`),
	},
	{
		// The same instant, written with two offsets, is an empty window too.
		"created_after  = \"2030-01-01T10:00:00+01:00\"\n    created_before = \"2030-01-01T09:00:00Z\"",
		wsRegexp(`(?s)Invalid Attribute Combination.*Attribute created_before \("2030-01-01T09:00:00Z"\) must be later than created_after \("2030-01-01T10:00:00\+01:00"\)`),
	},
}

// Bad timestamps and an empty window fail the plan before any request,
// naming the attribute, the value and what is allowed.
func TestAccDataSourceAPIKeys_invalidCreatedWindow(t *testing.T) {
	c := newTestCluster(t)
	steps := make([]resource.TestStep, 0, len(badWindows))
	for _, bad := range badWindows {
		steps = append(steps, resource.TestStep{
			Config:      c.providerBlock() + fmt.Sprintf("\ndata \"hellgate_api_keys\" \"bad\" {\n    %s\n}\n", bad.attrs),
			PlanOnly:    true,
			ExpectError: bad.err,
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: c.factories(), Steps: steps})
	if n := c.requests(); n != 0 {
		t.Errorf("the mock received %d requests; validation must fail before any", n)
	}
}

// The same for a list block under terraform query.
func TestAccListAPIKey_invalidCreatedWindow(t *testing.T) {
	c := newTestCluster(t)
	steps := []resource.TestStep{{Config: c.providerBlock()}}
	for _, bad := range badWindows {
		steps = append(steps, resource.TestStep{
			Query:       true,
			Config:      fmt.Sprintf("list \"hellgate_api_key\" \"bad\" {\n  provider = hellgate\n  config {\n    %s\n  }\n}\n", bad.attrs),
			ExpectError: bad.err,
		})
	}
	c.queryTest(t, steps)
	if n := c.requests(); n != 0 {
		t.Errorf("the mock received %d requests; validation must fail before any", n)
	}
}

// A window that is known only at apply is checked once it is known: the
// data source is read then, and an empty window fails before the listing.
func TestAccDataSourceAPIKeys_createdWindowKnownAtApply(t *testing.T) {
	c := newTestCluster(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: c.factories(),
		Steps: []resource.TestStep{
			{
				Config: c.providerBlock() + `
resource "terraform_data" "cutoff" {
  input = "2030-01-01T08:00:00Z"
}

data "hellgate_api_keys" "window" {
  created_after  = "2030-01-01T09:00:00Z"
  created_before = terraform_data.cutoff.output
}
`,
				ExpectError: wsRegexp(`(?s)Invalid Attribute Combination.*Attribute created_before \("2030-01-01T08:00:00Z"\) must be later than created_after \("2030-01-01T09:00:00Z"\)`),
			},
		},
	})
	if n := c.srv.Stats().Requests.List; n != 0 {
		t.Errorf("the mock received %d list requests; the window must be refused before any", n)
	}
}

func TestKeyFilter(t *testing.T) {
	nine := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return nine.Add(d) }
	ptr := func(t time.Time) *time.Time { return &t }
	past := at(-time.Minute)
	keys := []hellgate.APIKey{
		{ID: "a", CreatedAt: at(0), Scopes: []string{"x"}},
		{ID: "b", CreatedAt: at(time.Second - time.Nanosecond), Scopes: []string{"x", "y"}},
		{ID: "c", CreatedAt: at(time.Second), Scopes: []string{"y"}, ExpiresAt: &past},
		{ID: "d", CreatedAt: at(2 * time.Second), Scopes: []string{"x"}},
	}
	for _, tc := range []struct {
		f    keyFilter
		want string
	}{
		{keyFilter{includeExpired: true}, "a,b,c,d"},
		{keyFilter{}, "a,b,d"},
		{keyFilter{includeExpired: true, createdAfter: ptr(at(time.Second))}, "c,d"},
		{keyFilter{includeExpired: true, createdBefore: ptr(at(time.Second))}, "a,b"},
		{keyFilter{includeExpired: true, createdAfter: ptr(at(time.Nanosecond)), createdBefore: ptr(at(2 * time.Second))}, "b,c"},
		{keyFilter{scopes: []string{"x"}, createdAfter: ptr(at(time.Second - time.Nanosecond))}, "b,d"},
		{keyFilter{scopes: []string{"y"}, createdBefore: ptr(at(time.Hour))}, "b"},
	} {
		tc.f.now = nine
		var got []string
		for i := range keys {
			if tc.f.selects(&keys[i]) {
				got = append(got, keys[i].ID)
			}
		}
		if s := strings.Join(got, ","); s != tc.want {
			t.Errorf("%+v selects %q, want %q", tc.f, s, tc.want)
		}
	}
	if !slices.Equal(keyIDsOf(filterAPIKeys(slices.Clone(keys), keyFilter{includeExpired: true, createdAfter: ptr(at(time.Second))})), []string{"c", "d"}) {
		t.Error("filterAPIKeys does not apply the window")
	}
}

func keyIDsOf(keys []hellgate.APIKey) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k.ID)
	}
	return out
}
