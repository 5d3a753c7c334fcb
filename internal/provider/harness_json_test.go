package provider

// What the CLI reports of a run, read from its JSON form rather than from
// the text a CLI version prints: a saved plan, the state, and the
// diagnostics of a -json run; and a key's id as terraform state show
// prints it, for resources in child modules.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

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

type jsonDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
}

var reStateID = regexp.MustCompile(`(?m)^\s*id\s*=\s*"([^"]+)"`)

// stateID returns the id in state of the resource at addr.
func stateID(t *testing.T, tf *terraformCLI, addr string) string {
	t.Helper()
	m := reStateID.FindStringSubmatch(tf.mustRun("state", "show", "-no-color", addr))
	if m == nil {
		t.Fatalf("no id in the state of %s", addr)
	}
	return m[1]
}
