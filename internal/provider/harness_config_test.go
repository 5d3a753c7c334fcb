package provider

// Test configurations: the terraform and provider blocks every test root
// module starts with, written once, and the plan of a CLI run read from
// its JSON form rather than from the text a CLI version prints.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// requiredProviders is the terraform block of a root module that uses the
// provider directly.
const requiredProviders = `terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}
`

// rootModule returns a root module for the CLI harness: the terraform
// block, a provider "hellgate" block holding providerSettings (the cluster
// and the credential come from the environment the harness sets), then body.
func rootModule(providerSettings, body string) string {
	return requiredProviders + "\n" + providerConfig(providerSettings) + "\n" + body
}

// providerConfig returns a provider "hellgate" block holding settings, one
// attribute a line.
func providerConfig(settings ...string) string {
	var b strings.Builder
	b.WriteString("provider \"hellgate\" {\n")
	for _, s := range settings {
		for line := range strings.SplitSeq(strings.TrimSpace(s), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// providerBlock configures the provider for this cluster with its admin
// token, and any further settings.
func (c *testCluster) providerBlock(settings ...string) string {
	return "\n" + providerConfig(append([]string{
		fmt.Sprintf("endpoint    = %q", c.url),
		fmt.Sprintf("admin_token = %q", c.token),
	}, settings...)...)
}

// testdataFile returns the contents of testdata/<test name>/name, where
// the test name is that of the top-level test (subtests share its files).
func testdataFile(t *testing.T, name string) string {
	t.Helper()
	top, _, _ := strings.Cut(t.Name(), "/")
	b, err := os.ReadFile(filepath.Join("testdata", top, name)) //nolint:gosec // a file of the test's own testdata
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeMainTF writes content as main.tf in dir.
func writeMainTF(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// plannedChanges is what a saved plan proposes, read from terraform show
// -json: each resource's actions ("create", "delete", "update", "no-op"),
// in the CLI's order, by address, and which attributes force a
// replacement.
type plannedChanges struct {
	Actions      map[string][]string
	ReplacePaths map[string][]string
	Importing    map[string]bool
	After        map[string]map[string]any
}

// showPlan reads the saved plan file planFile.
func (tf *terraformCLI) showPlan(planFile string) plannedChanges {
	tf.t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions      []string       `json:"actions"`
				ReplacePaths [][]any        `json:"replace_paths"`
				After        map[string]any `json:"after"`
				Importing    *struct {
					ID string `json:"id"`
				} `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	out := tf.mustRun("show", "-json", planFile)
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		tf.t.Fatalf("reading the plan's JSON: %v\n%s", err, out)
	}
	pc := plannedChanges{
		Actions: map[string][]string{}, ReplacePaths: map[string][]string{},
		Importing: map[string]bool{}, After: map[string]map[string]any{},
	}
	for _, rc := range plan.ResourceChanges {
		pc.Actions[rc.Address] = rc.Change.Actions
		for _, p := range rc.Change.ReplacePaths {
			parts := make([]string, 0, len(p))
			for _, s := range p {
				parts = append(parts, fmt.Sprint(s))
			}
			pc.ReplacePaths[rc.Address] = append(pc.ReplacePaths[rc.Address], strings.Join(parts, "."))
		}
		pc.Importing[rc.Address] = rc.Change.Importing != nil
		pc.After[rc.Address] = rc.Change.After
	}
	return pc
}

// expectActions fails the test unless addr is planned with exactly actions.
func (pc plannedChanges) expectActions(t *testing.T, addr string, actions ...string) {
	t.Helper()
	if got := pc.Actions[addr]; !slices.Equal(got, actions) {
		t.Errorf("planned actions of %s: %v, want %v (whole plan: %v)", addr, got, actions, pc.Actions)
	}
}

// expectReplacedFor fails the test unless attribute attr is among what
// forces the replacement of addr.
func (pc plannedChanges) expectReplacedFor(t *testing.T, addr, attr string) {
	t.Helper()
	if !slices.Contains(pc.ReplacePaths[addr], attr) {
		t.Errorf("the replacement of %s is forced by %v, want %s among them", addr, pc.ReplacePaths[addr], attr)
	}
}

// stateResource is one resource of the root module, as terraform show
// -json reports it.
type stateResource struct {
	Address  string         `json:"address"`
	Mode     string         `json:"mode"`
	Type     string         `json:"type"`
	Values   map[string]any `json:"values"`
	Identity map[string]any `json:"identity"`
	Tainted  bool           `json:"tainted"`
}

// showState returns the resources of the root module in the working
// folder's state (none while the state is empty).
func (tf *terraformCLI) showState() []stateResource {
	tf.t.Helper()
	var state struct {
		Values *struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	out := tf.mustRun("show", "-json")
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		tf.t.Fatalf("reading the state's JSON: %v\n%s", err, out)
	}
	if state.Values == nil {
		return nil
	}
	return state.Values.RootModule.Resources
}

// stateResource returns the root-module resource addr from the working
// folder's state, failing the test when it is not there.
func (tf *terraformCLI) stateResource(addr string) stateResource {
	tf.t.Helper()
	resources := tf.showState()
	addrs := make([]string, 0, len(resources))
	for _, r := range resources {
		if r.Address == addr {
			return r
		}
		addrs = append(addrs, r.Address)
	}
	tf.t.Fatalf("%s not in state; state holds %v", addr, addrs)
	return stateResource{}
}
