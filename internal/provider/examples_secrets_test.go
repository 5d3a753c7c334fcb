package provider

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// What TestAccExamples checks of every command it runs in an example's
// folder: that what the CLI prints never shows the secret of any key the
// mock issued while the example ran, revoked or not. Examples are what
// users copy; a secret that leaks into a plan, an apply or a destroy there
// leaks into their CI logs.

// exampleSecrets knows every secret that existed while an example ran:
// those the mock issued over HTTP, which the recorder keeps after a key is
// revoked, and those of keys the test made directly.
type exampleSecrets struct {
	rc     *recordingCluster
	direct []issuedKey
}

// all returns every secret known so far, with its key's id.
func (s *exampleSecrets) all() []issuedKey {
	return append(s.rc.issuedKeys(), s.direct...)
}

// watch makes tf check the output of every command it runs from now on.
// Two outputs are the test's own reading, not what a user is shown in the
// course of a run, and hold secrets by design: terraform show -json (the
// state or a saved plan, in full) and the sensitive values of terraform
// output -json (an output an example marks sensitive, to be read on
// request). Everything else is checked in full.
func (s *exampleSecrets) watch(t *testing.T, tf *terraformCLI) {
	t.Helper()
	tf.observe = func(args []string, out string) {
		t.Helper()
		if len(args) == 0 {
			return
		}
		asJSON := slices.Contains(args, "-json")
		switch {
		case args[0] == "show" && asJSON:
			return
		case args[0] == "output" && asJSON:
			out = nonSensitiveOutputs(t, out)
		}
		for _, k := range s.all() {
			if strings.Contains(out, k.KeyValue) {
				t.Errorf("terraform %s shows the secret of key %s:\n%s", strings.Join(args, " "), k.ID, out)
				return
			}
		}
	}
}

// nonSensitiveOutputs returns the values of the outputs in the JSON of
// terraform output -json that are not marked sensitive, or the whole text
// when it is not that JSON.
func nonSensitiveOutputs(t *testing.T, out string) string {
	t.Helper()
	var outputs map[string]struct {
		Sensitive bool            `json:"sensitive"`
		Value     json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &outputs); err != nil {
		return out
	}
	var b strings.Builder
	for name, o := range outputs {
		if !o.Sensitive {
			b.WriteString(name + " = " + string(o.Value) + "\n")
		}
	}
	return b.String()
}

// managedKeys returns the hellgate_api_key resource instances in the
// working folder's state, in the root module and every child module.
func managedKeys(t *testing.T, tf *terraformCLI) []stateResource {
	t.Helper()
	type module struct {
		Resources    []stateResource `json:"resources"`
		ChildModules []module        `json:"child_modules"`
	}
	var state struct {
		Values *struct {
			RootModule module `json:"root_module"`
		} `json:"values"`
	}
	out := tf.mustRun("show", "-json")
	if err := json.Unmarshal([]byte(out), &state); err != nil {
		t.Fatalf("reading the state's JSON: %v\n%s", err, out)
	}
	var keys []stateResource
	if state.Values == nil {
		return keys
	}
	var walk func(m module)
	walk = func(m module) {
		for _, r := range m.Resources {
			if r.Mode == "managed" && r.Type == "hellgate_api_key" {
				keys = append(keys, r)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(state.Values.RootModule)
	return keys
}

// testReplaceKeys replaces every key in state, as terraform apply -replace
// after a leak (or a rotation) does: a saved plan, its apply, then an
// empty plan. What the replaced keys were handed to is given the new
// secrets in that apply, which is when a stand-in that echoes its input
// shows the old one. It returns the keys it replaced.
func testReplaceKeys(t *testing.T, tf *terraformCLI) []stateResource {
	t.Helper()
	keys := managedKeys(t, tf)
	if len(keys) == 0 {
		return nil
	}
	args := []string{"-out=replace.tfplan"}
	for _, k := range keys {
		args = append(args, "-replace="+k.Address)
	}
	tf.mustPlan(args...)
	plan := tf.showPlan("replace.tfplan")
	for _, k := range keys {
		if actions := plan.Actions[k.Address]; !slices.Contains(actions, "create") || !slices.Contains(actions, "delete") {
			t.Errorf("the plan with -replace=%s plans %v for it, want a replacement", k.Address, actions)
		}
	}
	tf.mustApplyPlan("replace.tfplan")
	tf.planIsEmpty()
	return keys
}
