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

// jsonDiagnostic is a diagnostic as a -json run reports it. Address names
// the object it is about (the "with ..." line of the text output), if any.
type jsonDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
}

// jsonMessage is one line a -json run prints: its type, and the parts of
// the messages the tests read (an action's progress, a key terraform query
// found, a diagnostic).
type jsonMessage struct {
	Type string `json:"type"`
	Hook struct {
		// Action is an object for an action's messages, a word ("create",
		// "open") for a resource's.
		Action  json.RawMessage `json:"action"`
		Message string          `json:"message"`
	} `json:"hook"`
	Found struct {
		Identity map[string]any `json:"identity"`
	} `json:"list_resource_found"`
	Diagnostic *jsonDiagnostic `json:"diagnostic"`
}

// actionAddr returns the address of the action a message is about, or ""
// when it is about none.
func (m jsonMessage) actionAddr() string {
	var action struct {
		Addr string `json:"addr"`
	}
	if json.Unmarshal(m.Hook.Action, &action) != nil {
		return ""
	}
	return action.Addr
}

// runJSON runs terraform with args and -json (put right after the command
// name, before any plan file) and returns the messages it printed, in
// order, what it printed, and its error. The CLI prints a diagnostic
// whole, never folding one into another as its text output does.
func (tf *terraformCLI) runJSON(args ...string) ([]jsonMessage, string, error) {
	tf.t.Helper()
	out, err := tf.run(append([]string{args[0], "-json"}, args[1:]...)...)
	var msgs []jsonMessage
	for line := range strings.SplitSeq(out, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var msg jsonMessage
		if json.Unmarshal([]byte(line), &msg) != nil {
			tf.t.Fatalf("terraform %s -json printed a line that is not JSON: %s\n%s", args[0], line, out)
		}
		msgs = append(msgs, msg)
	}
	return msgs, out, err
}

// diagnosticsOf runs terraform with args and -json, and returns the
// diagnostics it reported, what it printed and its error.
func (tf *terraformCLI) diagnosticsOf(args ...string) ([]jsonDiagnostic, string, error) {
	tf.t.Helper()
	msgs, out, err := tf.runJSON(args...)
	var diags []jsonDiagnostic
	for _, m := range msgs {
		if m.Diagnostic != nil {
			diags = append(diags, *m.Diagnostic)
		}
	}
	return diags, out, err
}

// validateDiagnostics runs terraform validate -json, which prints one JSON
// document rather than a message a line, and returns the diagnostics it
// reported, what it printed and its error.
func (tf *terraformCLI) validateDiagnostics() ([]jsonDiagnostic, string, error) {
	tf.t.Helper()
	out, err := tf.run("validate", "-json", "-no-color")
	var doc struct {
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
	}
	if jerr := json.Unmarshal([]byte(out), &doc); jerr != nil {
		tf.t.Fatalf("terraform validate -json printed no JSON document: %v\n%s", jerr, out)
	}
	return doc.Diagnostics, out, err
}

// mustDiagnosticsOf is diagnosticsOf for a command that must succeed.
func (tf *terraformCLI) mustDiagnosticsOf(args ...string) []jsonDiagnostic {
	tf.t.Helper()
	diags, out, err := tf.diagnosticsOf(args...)
	if err != nil {
		tf.t.Fatalf("terraform %s -json: %v\n%s", strings.Join(args, " "), err, out)
	}
	return diags
}

// emptyPlanDiagnostics runs a plan with -json, fails the test unless it
// proposes no change, and returns its diagnostics.
func (tf *terraformCLI) emptyPlanDiagnostics() []jsonDiagnostic {
	tf.t.Helper()
	diags, out, err := tf.diagnosticsOf(usual("plan", "-detailed-exitcode")...)
	if err != nil {
		tf.t.Fatalf("expected an empty plan: %v\n%s", err, out)
	}
	return diags
}

// withSummary returns the diagnostics of severity ("error", "warning")
// whose summary is summary.
func withSummary(diags []jsonDiagnostic, severity, summary string) []jsonDiagnostic {
	var found []jsonDiagnostic
	for _, d := range diags {
		if d.Severity == severity && d.Summary == summary {
			found = append(found, d)
		}
	}
	return found
}

// anyObject, as the address expectDiagnostic is given, matches a
// diagnostic about any object or none, for diagnostics the CLIs do not tie
// to an object (they name none for a destroy or an ephemeral resource's
// Close).
const anyObject = "*"

// expectDiagnostic fails the test unless diags hold a diagnostic of
// severity with summary, about the object at addr ("" for one about no
// object, anyObject for any), whose detail holds each of details (runs of
// white space compared as one space, as in mustContain).
func expectDiagnostic(t *testing.T, diags []jsonDiagnostic, severity, summary, addr string, details ...string) {
	t.Helper()
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, d := range withSummary(diags, severity, summary) {
		if addr != anyObject && d.Address != addr {
			continue
		}
		all := true
		for _, w := range details {
			all = all && strings.Contains(flat(d.Detail), flat(w))
		}
		if all {
			return
		}
	}
	t.Errorf("no %s %q about %q whose detail holds %q; the diagnostics: %+v", severity, summary, addr, details, diags)
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
