package provider

// Tests of hellgate_api_key's keepers: a changed keeper replaces the key
// (create before destroy when asked) with no request beyond one create, one
// delete and Terraform's refresh; null and {} are the same; an import has
// null keepers and plans no change.

import (
	"bytes"
	"log"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

func TestAccAPIKey_keepers(t *testing.T) {
	c := newTestCluster(t)
	cfg := func(keepers string) string {
		return apiKeyConfig(c, `["pci:tokens:read"]`, keepers+"\n"+cbdLifecycle)
	}
	var firstID, secondID string
	sameID := statecheck.CompareValue(compare.ValuesSame())

	c.parallelTest(t, []resource.TestStep{
		{
			Config: cfg(`  keepers = { release = "1.0.0" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				captureString("id", &firstID),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("keepers"),
					knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("1.0.0")})),
				c.matchesMock(keyAddr),
			},
		},
		{
			Config:           cfg(`  keepers = { release = "1.0.0" }`),
			ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
		},
		{
			// A changed value: a new key, made before the old one is revoked.
			Config: cfg(`  keepers = { release = "1.1.0" }`),
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("id")),
				plancheck.ExpectUnknownValue(keyAddr, tfjsonpath.New("key_value")),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				captureString("id", &secondID),
				c.keyGone(&firstID),
				c.onlyLiveKey(keyAddr),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("keepers"),
					knownvalue.MapExact(map[string]knownvalue.Check{"release": knownvalue.StringExact("1.1.0")})),
			},
		},
		{
			// Removing every keeper replaces the key too.
			Config: cfg(""),
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				c.keyGone(&secondID),
				c.liveKeys(1),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("keepers"), knownvalue.Null()),
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
			},
		},
		{
			// null and {} both mean no keepers: recorded in place.
			Config:           cfg(`  keepers = {}`),
			ConfigPlanChecks: preApply(plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionUpdate)),
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(keyAddr, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("keepers"), knownvalue.MapExact(map[string]knownvalue.Check{})),
			},
		},
		{
			// Adding a keeper to a key that has none replaces it.
			Config: cfg(`  keepers = { month = "2030-01" }`),
			ConfigPlanChecks: preApply(
				plancheck.ExpectResourceAction(keyAddr, plancheck.ResourceActionCreateBeforeDestroy),
			),
			ConfigStateChecks: []statecheck.StateCheck{c.liveKeys(1), c.matchesMock(keyAddr)},
		},
	})
	// Three replacements, each one create and one delete; keepers
	// themselves cost nothing.
	if st := c.srv.Stats().Requests; st.Create != 4 || st.Delete != 4 || st.Update != 0 || st.List != 0 {
		t.Errorf("requests %+v, want 4 creates and 4 deletes (3 replacements, then destroy), no update or list", st)
	}
}

// syncBuffer collects the mock's request log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// take returns what was written since the last take.
func (b *syncBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

var reRequestLine = regexp.MustCompile(`(?m)^(GET|POST|PATCH|DELETE) \S+ (\d{3})`)

// requestLines returns "METHOD STATUS" for each request in the mock's log.
func requestLines(logText string) []string {
	var out []string
	for _, m := range reRequestLine.FindAllStringSubmatch(logText, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

// Changing a keeper replaces the key with exactly one create and one
// delete, the create first (create_before_destroy), and no request beyond
// Terraform's refresh, which is one GET; with -refresh=false not even
// that.
func TestAccAPIKey_keepersRequests(t *testing.T) {
	t.Parallel()
	var reqLog syncBuffer
	c := newTestCluster(t, func(o *mockcluster.Options) { o.Logger = log.New(&reqLog, "", 0) })
	tf := initCLI(t, c, rootModule("", `
variable "release" {
  type = string
}

resource "hellgate_api_key" "test" {
  scopes = ["pci:tokens:read"]
  keepers = {
    release = var.release
  }
  lifecycle {
    create_before_destroy = true
  }
}
`))
	tf.mustApply("-var=release=1.0.0")
	first := onlyKey(t, c)
	reqLog.take()

	before := c.srv.Stats().Requests
	tf.mustApply("-var=release=1.1.0")
	after := c.srv.Stats().Requests
	delta := mockcluster.RequestStats{
		Create: after.Create - before.Create, Get: after.Get - before.Get, List: after.List - before.List,
		Update: after.Update - before.Update, Delete: after.Delete - before.Delete,
	}
	if want := (mockcluster.RequestStats{Get: 1, Create: 1, Delete: 1}); delta != want {
		t.Errorf("requests of the keeper change: %+v, want %+v (refresh, create, delete)", delta, want)
	}
	if got, want := strings.Join(requestLines(reqLog.take()), ", "), "GET 200, POST 201, DELETE 204"; got != want {
		t.Errorf("requests in order: %s, want %s", got, want)
	}
	second := onlyKey(t, c)
	if second.ID == first.ID {
		t.Fatal("the key was not replaced")
	}

	// Without the refresh, the replacement is the create and the delete alone.
	tf.mustApply("-refresh=false", "-var=release=1.2.0")
	if got, want := strings.Join(requestLines(reqLog.take()), ", "), "POST 201, DELETE 204"; got != want {
		t.Errorf("requests of the keeper change with -refresh=false: %s, want %s", got, want)
	}
	third := onlyKey(t, c)
	if third.ID == second.ID {
		t.Fatal("the key was not replaced")
	}
	tf.mustDestroy("-var=release=1.2.0")
	if err := c.checkDestroyed(nil); err != nil {
		t.Error(err)
	}
}

// An imported key has null keepers: with a configuration without keepers,
// the import plans no change and verifies against the state of the apply.
func TestAccAPIKey_keepersImport(t *testing.T) {
	c := newTestCluster(t)
	cfg := apiKeyConfig(c, `["pci:tokens:read"]`, "  expires_in = 3600")
	c.parallelTest(t, []resource.TestStep{
		{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(keyAddr, tfjsonpath.New("keepers"), knownvalue.Null()),
			},
		},
		{
			Config:                  cfg,
			ResourceName:            keyAddr,
			ImportState:             true,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"key_value"},
		},
		{
			// An import block: a no-op plan (the test fails on any change).
			Config:          cfg,
			ResourceName:    keyAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportPlanChecks: resource.ImportPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(keyAddr, tfjsonpath.New("keepers"), knownvalue.Null()),
				},
			},
		},
	})
}
