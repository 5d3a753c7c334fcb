package provider

// Acceptance tests of the hellgate_api_key list resource under terraform
// query: paging through more than two pages, the scope and expiry
// filters, the order of the keys, the list block's limit, the resource
// object of include_resource, and bad configuration.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// seedKeys makes n keys on the mock, outside Terraform: every third has
// pci:tokens:read and pci:tokens:create, the next pci:tokens:read only,
// the next network:tokens:read; every tenth expires after an hour and
// every tenth but one after 30 days; the rest never expire.
func seedKeys(t *testing.T, c *testCluster, n int) {
	t.Helper()
	for i := range n {
		scopeSet := [][]string{
			{"pci:tokens:read", "pci:tokens:create"},
			{"pci:tokens:read"},
			{"network:tokens:read"},
		}[i%3]
		var life time.Duration
		switch i % 10 {
		case 0:
			life = time.Hour
		case 1:
			life = 30 * 24 * time.Hour
		}
		c.mustCreateKey(t, life, scopeSet...)
	}
}

// mockKeyIDs returns the ids of the mock's keys for which keep is true,
// in the order of the list resource and the data source: by created_at
// (to the second), then by id.
func mockKeyIDs(c *testCluster, keep func(mockcluster.Key) bool) []string {
	var ids []string
	for _, k := range inListOrder(c.srv.Keys()) {
		if keep(k) {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// inListOrder sorts keys by created_at (to the second), then by id.
func inListOrder(keys []mockcluster.Key) []mockcluster.Key {
	slices.SortFunc(keys, func(a, b mockcluster.Key) int {
		if d := a.CreatedAt.Truncate(time.Second).Compare(b.CreatedAt.Truncate(time.Second)); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	return keys
}

// 250 keys (three pages of 100) made outside Terraform, an hour after the
// first of them expired: each list block reads every page and finds
// exactly the keys its filters select, in the data source's order, the
// first limit of them.
func TestAccListAPIKey_pagesFiltersAndLimit(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	seedKeys(t, c, 250)
	clock.Advance(2 * time.Hour)
	now := clock.Now()

	live := func(k mockcluster.Key) bool { return k.ExpiresAt == nil || k.ExpiresAt.After(now) }
	unexpired := mockKeyIDs(c, live)
	withCreate := mockKeyIDs(c, func(k mockcluster.Key) bool { return live(k) && slices.Contains(k.Scopes, "pci:tokens:create") })
	everyKey := mockKeyIDs(c, func(mockcluster.Key) bool { return true })
	if len(unexpired) != 225 || len(withCreate) != 75 {
		t.Fatalf("seeded %d unexpired keys, %d with pci:tokens:create; want 225 and 75", len(unexpired), len(withCreate))
	}
	expiredKey := c.srv.Keys()[0] // made first, with an hour to live
	expired := expiredKey.ID
	// A key that never expires, among those with pci:tokens:create (the
	// order is by id, random, among keys made in the same second).
	var forever string
	for _, id := range withCreate {
		if k, ok := c.srv.Key(id); ok && k.ExpiresAt == nil {
			forever = id
			break
		}
	}
	if forever == "" {
		t.Fatal("no seeded key with pci:tokens:create that never expires")
	}

	var lists int64
	countLists := func() { lists = c.srv.Stats().Requests.List }
	// everyPage is a step that runs the list block name of cfg and checks
	// that it found want, in order, having read every page once.
	everyPage := func(name, cfg string, want []string, more ...querycheck.QueryResultCheck) resource.TestStep {
		return resource.TestStep{
			PreConfig: countLists,
			Query:     true,
			Config:    cfg,
			QueryResultChecks: append([]querycheck.QueryResultCheck{
				listedKeys("hellgate_api_key."+name, want),
				c.listRequestsSince(&lists, 3), // 250 keys: every one of the three pages, once
			}, more...),
		}
	}

	c.queryTest(t, []resource.TestStep{
		{Config: c.providerBlock()},
		// Every page, no more: 225 keys from 3 requests.
		everyPage("all", `list "hellgate_api_key" "all" {
  provider = hellgate
  limit    = 1000
}
`, unexpired, querycheck.ExpectLength("hellgate_api_key.all", 225)),
		// Keys holding all of the scopes, and a name that says what
		// each key is.
		everyPage("checkout", `list "hellgate_api_key" "checkout" {
  provider = hellgate
  limit    = 1000
  config {
    scopes = ["pci:tokens:create", "pci:tokens:read"]
  }
}
`, withCreate, querycheck.ExpectResourceDisplayName("hellgate_api_key.checkout",
			queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(forever)}),
			knownvalue.StringExact(forever+" (pci:tokens:create, pci:tokens:read; never expires)"))),
		{
			// Expired keys only on request, and named as expired.
			Query: true,
			Config: `list "hellgate_api_key" "everything" {
  provider = hellgate
  limit    = 1000
  config {
    include_expired = true
  }
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				listedKeys("hellgate_api_key.everything", everyKey),
				querycheck.ExpectResourceDisplayName("hellgate_api_key.everything",
					queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(expired)}),
					knownvalue.StringExact(fmt.Sprintf("%s (pci:tokens:create, pci:tokens:read; expired %s)",
						expired, expiredKey.ExpiresAt.UTC().Format(time.RFC3339)))),
			},
		},
		// The limit keeps the first 150 keys in order; every page is
		// read to order them.
		everyPage("first", `list "hellgate_api_key" "first" {
  provider = hellgate
  limit    = 150
}
`, unexpired[:150]),
		// Without a limit, Terraform asks for 100.
		everyPage("default", `list "hellgate_api_key" "default" {
  provider = hellgate
}
`, unexpired[:100]),
	}, WithClock(clock))
}

// With include_resource = true, each result carries the resource as an
// import records it: the derived expires_in, no key_value, revoke_on_destroy
// true and nothing of the provider-side settings.
func TestAccListAPIKey_includeResource(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	month := c.mustCreateKey(t, 30*24*time.Hour, "network:tokens:read", "network:tokens:use")
	forever := c.mustCreateKey(t, 0, "pci:tokens:read")
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	value := func(attr string, check knownvalue.Check) querycheck.KnownValueCheck {
		return querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: check}
	}

	c.queryTest(t, []resource.TestStep{
		{Config: c.providerBlock()},
		{
			Query: true,
			Config: `list "hellgate_api_key" "keys" {
  provider         = hellgate
  include_resource = true
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("hellgate_api_key.keys", 2),
				querycheck.ExpectResourceKnownValues("hellgate_api_key.keys", byID(month.ID), []querycheck.KnownValueCheck{
					value("id", knownvalue.StringExact(month.ID)),
					value("scopes", stringSet("network:tokens:read", "network:tokens:use")),
					value("expires_in", knownvalue.Int64Exact(30*24*3600)),
					value("created_at", knownvalue.StringExact(month.CreatedAt.UTC().Format(time.RFC3339))),
					value("expires_at", knownvalue.StringExact(month.ExpiresAt.UTC().Format(time.RFC3339))),
					value("key_value", knownvalue.Null()),
					value("rotate_before", knownvalue.Null()),
					value("revoke_on_destroy", knownvalue.Bool(true)),
					value("keepers", knownvalue.Null()),
					value("timeouts", knownvalue.Null()),
				}),
				querycheck.ExpectResourceKnownValues("hellgate_api_key.keys", byID(forever.ID), []querycheck.KnownValueCheck{
					value("expires_in", knownvalue.Null()),
					value("expires_at", knownvalue.Null()),
					value("key_value", knownvalue.Null()),
				}),
			},
		},
	}, WithClock(clock))
}

// A list block with a scope that does not exist, or an empty scope list,
// fails before any request, naming the attribute and what is allowed.
func TestAccListAPIKey_invalidConfig(t *testing.T) {
	c := newTestCluster(t)
	c.queryTest(t, []resource.TestStep{
		{Config: c.providerBlock()},
		{
			Query: true,
			Config: `list "hellgate_api_key" "bad" {
  provider = hellgate
  config {
    scopes = ["pci:tokens:raed"]
  }
}
`,
			ExpectError: regexp.MustCompile(`(?s)Invalid Scope.*"pci:tokens:raed" is not a Hellgate scope. Did you mean "pci:tokens:read"\?`),
		},
		{
			Query: true,
			Config: `list "hellgate_api_key" "empty" {
  provider = hellgate
  config {
    scopes = []
  }
}
`,
			ExpectError: wsRegexp(`(?s)No Scopes to Filter By.*Attribute scopes is empty.*omit it to select keys with any scopes.*Valid scopes are: admin:api-keys:create`),
		},
	})
	if n := c.requests(); n != 0 {
		t.Errorf("invalid list blocks made %d requests, want 0", n)
	}
}

// listedKeys checks that the list block addr found exactly the keys ids,
// in that order.
func listedKeys(addr string, ids []string) querycheck.QueryResultCheck {
	return queryCheckFunc(func(_ context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
		var got []string
		for _, r := range req.Query {
			if strings.TrimPrefix(r.Address, "list.") == addr {
				id, _ := r.Identity["id"].(string)
				got = append(got, id)
			}
		}
		if !slices.Equal(got, ids) {
			resp.Error = fmt.Errorf("%s found %d keys, want %d in the order of the data source (first difference at %d)",
				addr, len(got), len(ids), firstDifference(got, ids))
		}
	})
}

func firstDifference(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// listRequestsSince checks that the mock received want list requests
// since *since was read.
func (c *testCluster) listRequestsSince(since *int64, want int64) querycheck.QueryResultCheck {
	return queryCheckFunc(func(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
		if got := c.srv.Stats().Requests.List - *since; got != want {
			resp.Error = fmt.Errorf("the query made %d list requests, want %d", got, want)
		}
	})
}

type queryCheckFunc func(context.Context, querycheck.CheckQueryRequest, *querycheck.CheckQueryResponse)

func (f queryCheckFunc) CheckQuery(ctx context.Context, req querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	f(ctx, req, resp)
}

// queryConfig is the query file of the adoption tests: every key the
// cluster has. -generate-config-out asks for each key's resource object
// without include_resource.
const queryConfig = `list "hellgate_api_key" "adopted" {
  provider = hellgate
  limit    = 1000
}
`

// phase is one CLI run of an adoption: how long it took and the requests
// the mock received meanwhile.
type phase struct {
	name     string
	took     time.Duration
	requests mockcluster.RequestStats
}

func (p phase) String() string {
	r := p.requests
	return fmt.Sprintf("%-12s %6.2fs  list %d, get %d, create %d, update %d, delete %d",
		p.name, p.took.Seconds(), r.List, r.Get, r.Create, r.Update, r.Delete)
}

// adoption runs the adoption of every unexpired key on the cluster under
// the CLI harness, as the "Adopting existing keys" guide describes it:
// terraform query -generate-config-out, a review of the generated file,
// one apply of a saved plan that imports every key and changes nothing,
// and an empty plan afterwards; now is the mock's time. It returns the generated configuration
// and the figures of each run.
func adoption(t *testing.T, c *testCluster, now time.Time, opts ...Option) (generated string, phases []phase) {
	t.Helper()
	dir := t.TempDir()
	writeMainTF(t, dir, rootModule("", ""))
	writeFile(t, dir+"/adopt.tfquery.hcl", queryConfig)
	tf := newTerraformCLI(t, dir, c, opts...)
	tf.mustInit()

	measure := func(name string, args ...string) {
		before := c.srv.Stats().Requests
		start := time.Now()
		tf.mustRun(args...)
		after := c.srv.Stats().Requests
		phases = append(phases, phase{name: name, took: time.Since(start), requests: mockcluster.RequestStats{
			Create: after.Create - before.Create, Get: after.Get - before.Get, List: after.List - before.List,
			Update: after.Update - before.Update, Delete: after.Delete - before.Delete,
		}})
	}

	measure("query", "query", "-no-color", "-generate-config-out=generated.tf")
	b, err := os.ReadFile(filepath.Join(dir, "generated.tf")) //nolint:gosec // the file terraform query wrote into the test's folder
	if err != nil {
		t.Fatal(err)
	}
	generated = string(b)

	wantIDs := mockKeyIDs(c, func(k mockcluster.Key) bool { return k.ExpiresAt == nil || k.ExpiresAt.After(now) })
	measure("plan", usual("plan", "-out=adopt.plan")...)
	plan := tf.showPlan("adopt.plan")
	imported := 0
	for addr, actions := range plan.Actions {
		if !plan.Importing[addr] || !slices.Equal(actions, []string{"no-op"}) {
			t.Errorf("%s is planned as %v (importing: %v); want only no-op imports", addr, actions, plan.Importing[addr])
			continue
		}
		imported++
	}
	if imported != len(wantIDs) || len(plan.Actions) != len(wantIDs) {
		t.Fatalf("the plan imports %d keys and holds %d changes; want %d imports and nothing else", imported, len(plan.Actions), len(wantIDs))
	}
	inPlan := map[string]bool{}
	for _, after := range plan.After {
		id, _ := after["id"].(string)
		inPlan[id] = true
	}
	for _, id := range wantIDs {
		if !inPlan[id] {
			t.Errorf("key %s is not among the imports", id)
		}
	}

	measure("apply", usual("apply", "adopt.plan")...)
	measure("second plan", usual("plan", "-detailed-exitcode")...)
	for _, p := range phases {
		if r := p.requests; r.Create != 0 || r.Update != 0 || r.Delete != 0 {
			t.Errorf("%s changed keys on the cluster: %s", p.name, p)
		}
	}
	if n := len(c.srv.Keys()); n < len(wantIDs) {
		t.Errorf("%d keys left on the cluster, want at least %d", n, len(wantIDs))
	}
	return generated, phases
}

// Configuration generated by terraform query for keys made outside
// Terraform holds what the keys are (scopes, their lifetime as expires_in,
// revoke_on_destroy = true, rotate_before and keepers null) and nothing Hellgate
// computes or that only the provider uses (timeouts); it plans as exactly the imports, applies without a
// change on the cluster, and plans empty afterwards. An expired key is
// not adopted; one that expires soon is, and is not replaced.
func TestAccListAPIKey_generatedConfigRoundTrip(t *testing.T) {
	requireCLIFeature(t, featureQuery)
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	expired := c.mustCreateKey(t, time.Minute, "pci:tokens:read")
	clock.Advance(2 * time.Minute)
	hourly := c.mustCreateKey(t, time.Hour, "pci:tokens:read", "pci:tokens:create")
	forever := c.mustCreateKey(t, 0, "network:tokens:use")
	soon := c.mustCreateKey(t, 2*24*time.Hour, "admin:api-keys:read")

	generated, _ := adoption(t, c, clock.Now(), WithClock(clock))

	blocks := generatedBlocks(generated)
	if len(blocks["resource"]) != 3 || len(blocks["import"]) != 3 {
		t.Fatalf("generated %d resource and %d import blocks, want 3 of each:\n%s", len(blocks["resource"]), len(blocks["import"]), generated)
	}
	// What Hellgate computes is left out; optional settings the keys do not
	// have are written as null (which is the same as leaving them out).
	for _, block := range blocks["resource"] {
		for _, absent := range []string{"id", "key_value", "created_at", "expires_at", "timeouts"} {
			if regexp.MustCompile(`(?m)^\s*` + absent + `\b`).MatchString(block) {
				t.Errorf("a generated resource block sets %s:\n%s", absent, block)
			}
		}
		mustContain(t, block, "revoke_on_destroy = true", "rotate_before = null", "keepers = null")
	}
	for _, want := range []string{
		"expires_in = 3600",
		"expires_in = null",
		"expires_in = 172800",
		`identity = {
    id = "` + hourly.ID + `"`,
		`id = "` + forever.ID + `"`,
		`id = "` + soon.ID + `"`,
	} {
		mustContain(t, generated, want)
	}
	if strings.Contains(generated, expired.ID) {
		t.Errorf("the expired key %s was generated", expired.ID)
	}
}

// generatedBlocks splits a generated file into its top-level blocks, by
// block type.
func generatedBlocks(src string) map[string][]string {
	out := map[string][]string{}
	var cur strings.Builder
	kind := ""
	for line := range strings.SplitSeq(src, "\n") {
		if kind == "" {
			if f := strings.Fields(line); len(f) > 0 && strings.HasSuffix(strings.TrimSpace(line), "{") {
				kind = f[0]
				cur.Reset()
			} else {
				continue
			}
		}
		cur.WriteString(line + "\n")
		if line == "}" {
			out[kind] = append(out[kind], cur.String())
			kind = ""
		}
	}
	return out
}

// 250 keys made outside Terraform are brought under management with
// terraform query -generate-config-out, one apply that imports all 250 and
// adds, changes and destroys nothing, and an empty plan afterwards.
func TestAccListAPIKey_adopt250Keys(t *testing.T) {
	requireCLIFeature(t, featureQuery)
	t.Parallel()
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	seedKeys(t, c, 250)

	start := time.Now()
	generated, phases := adoption(t, c, clock.Now(), WithClock(clock))
	if n := len(generatedBlocks(generated)["import"]); n != 250 {
		t.Errorf("generated %d import blocks, want 250", n)
	}
	t.Logf("adopting 250 keys took %.1fs:", time.Since(start).Seconds())
	for _, p := range phases {
		t.Logf("  %s", p)
	}
}

// The list resource returns keys in the order of the hellgate_api_keys
// data source, by created_at (to the second), then by id, whatever order
// Hellgate lists them in: here keys made later with an earlier created_at
// (the mock lists keys in the order they were made) and keys made within
// one second. A limit keeps the first keys in that order.
func TestAccListAPIKey_sameOrderAsDataSource(t *testing.T) {
	clock := newKeyClock()
	c := newClockedCluster(t, clock)
	start := clock.Now()
	for _, at := range []time.Duration{10 * time.Second, 10 * time.Second, 10*time.Second + 500*time.Millisecond, 0, 0, 5 * time.Second, 0} {
		clock.Set(start.Add(at))
		c.mustCreateKey(t, 0, "pci:tokens:read")
	}
	clock.Set(start.Add(time.Minute))

	var made []string
	for _, k := range c.srv.Keys() {
		made = append(made, k.ID)
	}
	var want []string
	for _, k := range inListOrder(c.srv.Keys()) {
		want = append(want, k.ID)
	}
	if slices.Equal(made, want) {
		t.Fatal("the mock lists the keys in the expected order already, so this test could not fail")
	}

	c.queryTest(t, []resource.TestStep{
		{
			Config: c.providerBlock() + `
data "hellgate_api_keys" "all" {}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hellgate_api_keys.all", tfjsonpath.New("keys"), keyIDs(want...)),
			},
		},
		{
			Query: true,
			Config: `list "hellgate_api_key" "all" {
  provider = hellgate
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{listedKeys("hellgate_api_key.all", want)},
		},
		{
			Query: true,
			Config: `list "hellgate_api_key" "first" {
  provider = hellgate
  limit    = 3
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{listedKeys("hellgate_api_key.first", want[:3])},
		},
	}, WithClock(clock))
}

// Terraform drops the results beyond a list block's limit without a word,
// so the provider warns when it stops at the limit with more keys that
// match, saying how many, and stays quiet when the listing ended within
// the limit. Every page is read to order the keys.
func TestAccListAPIKey_limitWarning(t *testing.T) {
	requireCLIFeature(t, featureQuery)
	t.Parallel()
	c := newTestCluster(t)
	for range 101 {
		c.mustCreateKey(t, 0, "pci:tokens:read")
	}
	tf := initCLI(t, c, rootModule("", ""))

	for _, tt := range []struct {
		limit, found int
		lists        int64
		warning      string
	}{
		{limit: 50, found: 50, lists: 2, warning: "The cluster holds more keys that match this list block: 51 beyond the limit"},
		{limit: 100, found: 100, lists: 2, warning: "The cluster holds more keys that match this list block: 1 beyond the limit"},
		{limit: 101, found: 101, lists: 2},
		{limit: 1000, found: 101, lists: 2},
	} {
		writeFile(t, filepath.Join(tf.dir, "keys.tfquery.hcl"), fmt.Sprintf(`list "hellgate_api_key" "keys" {
  provider = hellgate
  limit    = %d
}
`, tt.limit))
		before := c.srv.Stats().Requests.List
		found, diags := tf.query()
		if len(found) != tt.found {
			t.Errorf("limit %d: found %d keys, want %d", tt.limit, len(found), tt.found)
		}
		if n := c.srv.Stats().Requests.List - before; n != tt.lists {
			t.Errorf("limit %d: %d list requests, want %d", tt.limit, n, tt.lists)
		}
		var warnings []string
		for _, d := range diags {
			warnings = append(warnings, d.Summary+": "+d.Detail)
		}
		switch {
		case tt.warning == "" && len(warnings) > 0:
			t.Errorf("limit %d: unexpected diagnostics %q", tt.limit, warnings)
		case tt.warning != "":
			if len(warnings) != 1 {
				t.Fatalf("limit %d: diagnostics %q, want one warning", tt.limit, warnings)
			}
			mustContain(t, warnings[0], "API Key List Stopped at Its Limit",
				fmt.Sprintf("terraform query listed the first %d API keys, the list block's limit", tt.limit), tt.warning)
		}
	}
}

// query runs terraform query -json and returns the ids it found and the
// diagnostics it reported.
func (tf *terraformCLI) query() (ids []string, diags []jsonDiagnostic) {
	tf.t.Helper()
	msgs, out, err := tf.runJSON("query")
	if err != nil {
		tf.t.Fatalf("terraform query -json: %v\n%s", err, out)
	}
	for _, msg := range msgs {
		switch {
		case msg.Type == "list_resource_found":
			id, _ := msg.Found.Identity["id"].(string)
			ids = append(ids, id)
		case msg.Diagnostic != nil:
			diags = append(diags, *msg.Diagnostic)
		}
	}
	return ids, diags
}

// A credential that may not read keys fails the query with Hellgate's
// answer: the status, its message and the request id, and what to do.
func TestAccListAPIKey_forbidden(t *testing.T) {
	c := newTestCluster(t)
	key := c.mustCreateKey(t, 0, "pci:tokens:read")
	c.queryTest(t, []resource.TestStep{
		{Config: providerConfig(fmt.Sprintf("endpoint = %q", c.url), fmt.Sprintf("api_key = %q", key.KeyValue))},
		{
			Query: true,
			Config: `list "hellgate_api_key" "keys" {
  provider = hellgate
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unable to List API Keys.*Hellgate did not list the API keys\..*lacks the scope.*GET /api/admin/api-keys: 403 Forbidden.*\(request id [0-9a-f-]+\)`),
		},
	})
}
