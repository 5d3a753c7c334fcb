package provider

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The examples in examples/ are what the docs show and what users copy.
// Every one of them is run here against a mock cluster, so an example that
// no longer works fails the tests:
//
//   - Each folder with .tf files (except reusable modules under a modules/
//     folder) is a root configuration: init, validate, apply, an empty
//     second plan, the replacement of every key in state (a saved plan
//     with -replace, its apply, an empty plan), destroy. A new example
//     folder is picked up by itself.
//   - Nothing any of these commands prints shows the secret of a key the
//     mock issued while the example ran (exampleSecrets), the plan and
//     apply of a replacement and the destroy included: what a secret store
//     is given must not be echoed.
//   - An import.sh is run against the key the apply made (after removing
//     it from state), then the plan must be empty; likewise an import block
//     in an import-by-*.tf file.
//   - A folder with tests/*.tftest.hcl is tested with terraform test.
//   - A query file (*.tfquery.hcl) is run with terraform query, which must
//     find the key that exists before the example runs; each action block
//     is invoked (terraform apply -invoke), and the action examples revoke
//     that key. Both need Terraform 1.14+ and skip visibly under other CLIs,
//     as an import block by identity does under CLIs without identities.
//   - The placeholder id and the placeholder window of created_after and
//     created_before are replaced, in .tf and query files alike, by that
//     key's id and a window around the time it was made.

const (
	examplesDir = "../../examples"

	// examplePlaceholderID is the key id the examples use where they need
	// an existing key; the tests put a real key's id in its place.
	examplePlaceholderID = "123e4567-e89b-12d3-a456-426614174000"

	// exampleCreatedAfter and exampleCreatedBefore are the window the
	// examples filter by creation time with; the tests put a window around
	// the time the existing key was made in their place.
	exampleCreatedAfter  = "2026-03-02T14:05:00Z"
	exampleCreatedBefore = "2026-03-02T14:20:00Z"

	// The files the tests add to a copy of an example.
	exampleSetupFile    = "examples_test_setup.tf"
	exampleOverrideFile = "examples_test_override.tf"
)

var (
	reRequiredProviders = regexp.MustCompile(`(?m)^\s*required_providers\s*\{`)
	reEphemeralBlock    = regexp.MustCompile(`(?m)^ephemeral\s+"`)
	reProviderBlock     = regexp.MustCompile(`(?m)^provider\s+"hellgate"\s*\{`)
	reAlias             = regexp.MustCompile(`(?m)^\s*alias\s*=\s*"([^"]+)"`)
	reTarget            = regexp.MustCompile(`(?m)^\s*(cluster_id|endpoint)\s*=`)
	reImportCommand     = regexp.MustCompile(`(?m)^terraform import (\S+) (\S+)\s*$`)
	reImportTo          = regexp.MustCompile(`(?m)^\s*to\s*=\s*(\S+)\s*$`)
	reActionBlock       = regexp.MustCompile(`(?m)^action\s+"([^"]+)"\s+"([^"]+)"`)
	reImportByIdentity  = regexp.MustCompile(`(?m)^\s*identity\s*=`)
)

func TestAccExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	roots, moduleTests := findExamples(t, examplesDir)
	// Guard against the walk silently finding nothing, or missing the
	// examples the docs are built from.
	for _, want := range []string{
		"provider", "resources/hellgate_api_key", "demo",
		"list-resources/hellgate_api_key", "actions/hellgate_revoke_api_key",
		"guides/interrupted-runs", "guides/secret-store",
	} {
		if !slices.Contains(roots, want) {
			t.Errorf("example %s not found among %v", want, roots)
		}
	}
	// The modules whose terraform test files the docs promise are run.
	for _, want := range []string{
		"resources/hellgate_api_key/module-output/modules/service_key",
		"guides/secret-store/modules/service_key",
	} {
		if !slices.Contains(moduleTests, want) {
			t.Errorf("module tests of %s not found among %v", want, moduleTests)
		}
	}
	for _, rel := range roots {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			testExample(t, filepath.Join(examplesDir, rel))
		})
	}
	for _, rel := range moduleTests {
		t.Run("terraform_test/"+rel, func(t *testing.T) {
			t.Parallel()
			testExampleModuleTests(t, filepath.Join(examplesDir, rel))
		})
	}
}

// findExamples returns, relative to dir, the folders that hold a root
// configuration and the folders that hold terraform test files.
func findExamples(t *testing.T, dir string) (roots, moduleTests []string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if tests, _ := filepath.Glob(filepath.Join(p, "tests", "*.tftest.hcl")); len(tests) > 0 {
			moduleTests = append(moduleTests, rel)
		}
		segments := strings.Split(rel, "/")
		if slices.Contains(segments, "modules") || slices.Contains(segments, "tests") {
			return nil // a module called by an example, or its tests
		}
		tf, _ := filepath.Glob(filepath.Join(p, "*.tf"))
		queries, _ := filepath.Glob(filepath.Join(p, "*.tfquery.hcl"))
		if len(tf) > 0 || len(queries) > 0 {
			roots = append(roots, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(roots)
	sort.Strings(moduleTests)
	return roots, moduleTests
}

// exampleFiles reads the top-level files of a copied example.
func exampleFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	fsys := os.DirFS(dir)
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

func testExample(t *testing.T, src string) {
	rc := newRecordingCluster(t)
	c := rc.testCluster
	dir := copyDir(t, src)
	files := exampleFiles(t, dir)

	var allTF strings.Builder
	for name, content := range files {
		if strings.HasSuffix(name, ".tf") {
			allTF.WriteString(content)
		}
	}
	if reEphemeralBlock.MatchString(allTF.String()) {
		skipBelowEphemeralCLI(t)
	}
	var queries []string
	for name := range files {
		if strings.HasSuffix(name, ".tfquery.hcl") {
			queries = append(queries, name)
		}
	}
	if len(queries) > 0 {
		requireCLIFeature(t, featureQuery)
	}
	actions := reActionBlock.FindAllStringSubmatch(allTF.String(), -1)
	if len(actions) > 0 {
		requireCLIFeature(t, featureActions)
	}

	// A key that exists before the example runs, for examples that look
	// one up: it takes the place of the placeholder id.
	existing := c.mustCreateKey(t, 24*time.Hour, "pci:tokens:create", "pci:tokens:read")
	secrets := &exampleSecrets{rc: rc, direct: []issuedKey{{ID: existing.ID, KeyValue: existing.KeyValue}}}

	placeholders := strings.NewReplacer(
		examplePlaceholderID, existing.ID,
		exampleCreatedAfter, formatTime(existing.CreatedAt.Add(-time.Minute)),
		exampleCreatedBefore, formatTime(existing.CreatedAt.Add(time.Hour)),
	)

	// Import blocks are run after the apply, against the key it made.
	importBlocks := map[string]string{}
	for name, content := range files {
		if strings.HasPrefix(name, "import-by-") && strings.HasSuffix(name, ".tf") {
			importBlocks[name] = content
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tfquery.hcl") {
			if replaced := placeholders.Replace(content); replaced != content {
				writeFile(t, filepath.Join(dir, name), replaced)
			}
		}
	}

	setUpExample(t, dir, allTF.String(), c.url)

	tf := newTerraformCLI(t, dir, c)
	// No command below may show a secret (see exampleSecrets).
	secrets.watch(t, tf)
	tf.mustInit()
	tf.mustRun("validate", "-no-color")
	tf.mustApply()
	tf.mustRun("output", "-no-color")
	tf.mustRun("output", "-json")
	tf.planIsEmpty()

	if script, ok := files["import.sh"]; ok {
		testImportScript(t, tf, script)
	}
	for name, content := range importBlocks {
		testImportBlock(t, tf, dir, name, content)
	}
	if len(queries) > 0 {
		testExampleQuery(t, tf, existing.ID)
	}
	for _, a := range actions {
		tf.mustApply("-invoke=action." + a[1] + "." + a[2])
	}

	// Keys the example leaves to expire on their own on purpose: those in
	// state, in any module, with revoke_on_destroy = false, whether a
	// replacement or the destroy ends them.
	abandoned := keysLeftToExpire(t, tf)
	testReplaceKeys(t, tf)
	tf.mustRun("output", "-json")
	maps.Copy(abandoned, keysLeftToExpire(t, tf))
	tf.mustDestroy()
	// Nothing else the example made is left.
	for _, k := range c.srv.Keys() {
		switch {
		case k.ID == existing.ID:
		case abandoned[k.ID] && k.ExpiresAt != nil:
		default:
			t.Errorf("key %s (scopes %v) is still live after destroy", k.ID, k.Scopes)
		}
	}
	_, kept := c.srv.Key(existing.ID)
	switch {
	case len(actions) > 0 && kept:
		t.Errorf("the example's action did not revoke the key it names (%s)", existing.ID)
	case len(actions) == 0 && !kept:
		t.Errorf("the key that existed before the example (%s) was revoked", existing.ID)
	}
}

// keysLeftToExpire returns the ids of the hellgate_api_key instances in
// the working folder's state, in the root module or any child module,
// whose revoke_on_destroy is false.
func keysLeftToExpire(t *testing.T, tf *terraformCLI) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, r := range managedKeys(t, tf) {
		if revoke, ok := r.Values["revoke_on_destroy"].(bool); ok && !revoke {
			id, _ := r.Values["id"].(string)
			ids[id] = true
		}
	}
	return ids
}

// testExampleQuery runs terraform query in an example's folder: it must
// find the key with id want.
func testExampleQuery(t *testing.T, tf *terraformCLI, want string) {
	t.Helper()
	found, diags := tf.query()
	if !slices.Contains(found, want) {
		t.Errorf("terraform query found %v (diagnostics %+v), not the key %s", found, diags, want)
	}
}

// setUpExample adds what a copy of an example needs to run against the
// mock cluster, in files of its own so that the example's files stay as
// they are:
//   - the provider's source, when the example (like most resource
//     examples) does not declare it;
//   - an override of every provider block that names a cluster, so that
//     it points at the mock instead (the credential comes from the
//     environment, as the examples recommend).
func setUpExample(t *testing.T, dir, allTF, endpoint string) {
	t.Helper()
	if !reRequiredProviders.MatchString(allTF) {
		writeFile(t, filepath.Join(dir, exampleSetupFile), requiredProviders)
	}
	var override strings.Builder
	for _, block := range providerBlocks(allTF) {
		if !reTarget.MatchString(block) {
			continue
		}
		alias := ""
		if m := reAlias.FindStringSubmatch(block); m != nil {
			alias = fmt.Sprintf("  alias = %q\n", m[1])
		}
		// endpoint wins over cluster_id.
		fmt.Fprintf(&override, "provider \"hellgate\" {\n%s  endpoint = %q\n}\n", alias, endpoint)
	}
	if override.Len() > 0 {
		writeFile(t, filepath.Join(dir, exampleOverrideFile), override.String())
	}
}

// providerBlocks returns the text of each provider "hellgate" block.
func providerBlocks(src string) []string {
	var blocks []string
	for _, loc := range reProviderBlock.FindAllStringIndex(src, -1) {
		depth := 0
		for i := loc[1] - 1; i < len(src); i++ {
			switch src[i] {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth == 0 {
				blocks = append(blocks, src[loc[0]:i+1])
				break
			}
		}
	}
	return blocks
}

// testImportScript runs each terraform import command of import.sh against
// the key the apply made for its address.
func testImportScript(t *testing.T, tf *terraformCLI, script string) {
	t.Helper()
	commands := reImportCommand.FindAllStringSubmatch(script, -1)
	if len(commands) == 0 {
		t.Fatalf("import.sh has no terraform import command:\n%s", script)
	}
	for _, cmd := range commands {
		addr, id := cmd[1], cmd[2]
		if !uuidPattern.MatchString(id) {
			t.Errorf("import.sh imports %s with %q, which is not a key id", addr, id)
		}
		real := stateID(t, tf, addr)
		tf.mustRun("state", "rm", "-no-color", addr)
		out := tf.mustRun(usual("import", addr, real)...)
		if !strings.Contains(out, "Import successful") {
			t.Errorf("terraform import %s %s:\n%s", addr, real, out)
		}
		tf.planIsEmpty()
	}
}

// testImportBlock applies an import-by-*.tf example against the key the
// apply made for its address.
func testImportBlock(t *testing.T, tf *terraformCLI, dir, name, content string) {
	t.Helper()
	m := reImportTo.FindStringSubmatch(content)
	if m == nil || !strings.Contains(content, examplePlaceholderID) {
		t.Fatalf("%s should import an address by the placeholder id %s:\n%s", name, examplePlaceholderID, content)
	}
	if reImportByIdentity.MatchString(content) {
		if ok, why := cliSupports(t, featureIdentity); !ok {
			t.Logf("not running %s: %s", name, why)
			return
		}
	}
	addr := m[1]
	real := stateID(t, tf, addr)
	tf.mustRun("state", "rm", "-no-color", addr)
	file := filepath.Join(dir, name)
	writeFile(t, file, strings.ReplaceAll(content, examplePlaceholderID, real))
	out := tf.mustApply()
	if !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
		t.Errorf("%s: expected the apply to import %s and change nothing:\n%s", name, addr, out)
	}
	tf.planIsEmpty()
	// The next import example imports the same address.
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
}

// testExampleModuleTests runs terraform test in a module's folder: its unit
// tests with mock_provider, and any test that uses the real provider
// against the mock cluster.
func testExampleModuleTests(t *testing.T, src string) {
	rc := newRecordingCluster(t)
	c := rc.testCluster
	tf := newTerraformCLI(t, copyDir(t, src), c)
	(&exampleSecrets{rc: rc}).watch(t, tf)
	tf.mustInit()
	out := tf.mustRun("test", "-no-color")
	if !strings.Contains(out, "Success!") || !regexp.MustCompile(`\d+ passed, 0 failed`).MatchString(out) {
		t.Errorf("terraform test did not pass:\n%s", out)
	}
	if keys := c.srv.Keys(); len(keys) != 0 {
		t.Errorf("terraform test left %d keys on the mock", len(keys))
	}
}

var (
	reDocLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	reHeading    = regexp.MustCompile(`(?m)^#+\s+(.+?)\s*$`)
	reHTMLAnchor = regexp.MustCompile(`<a id="([^"]+)">`)
	reSlugDrop   = regexp.MustCompile(`[^a-z0-9 _-]`)
)

// Every relative link between the generated docs pages points to a page
// that exists and, with a #fragment, to a heading or anchor on it: the
// templates link across pages, and a renamed page or heading must not
// leave a dead link behind.
func TestDocsLinks(t *testing.T) {
	const docs = "../../docs"
	anchors := map[string]map[string]bool{}
	pageAnchors := func(page string) (map[string]bool, bool) {
		if a, ok := anchors[page]; ok {
			return a, true
		}
		b, err := os.ReadFile(page) //nolint:gosec // a page of this repository's docs/
		if err != nil {
			return nil, false
		}
		a := map[string]bool{}
		for _, m := range reHeading.FindAllStringSubmatch(string(b), -1) {
			slug := reSlugDrop.ReplaceAllString(strings.ToLower(m[1]), "")
			a[strings.ReplaceAll(slug, " ", "-")] = true
		}
		for _, m := range reHTMLAnchor.FindAllStringSubmatch(string(b), -1) {
			a[m[1]] = true
		}
		anchors[page] = a
		return a, true
	}

	pages, err := filepath.Glob(filepath.Join(docs, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob(filepath.Join(docs, "*", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, more...)
	if len(pages) < 4 {
		t.Fatalf("found only %d docs pages: %v", len(pages), pages)
	}
	links := 0
	for _, page := range pages {
		b, err := os.ReadFile(page) //nolint:gosec // a page of this repository's docs/
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range reDocLink.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			links++
			file, fragment, _ := strings.Cut(target, "#")
			dest := page
			if file != "" {
				dest = filepath.Join(filepath.Dir(page), file)
			}
			a, ok := pageAnchors(dest)
			if !ok {
				t.Errorf("%s links to %s, which does not exist", page, target)
				continue
			}
			if fragment != "" && !a[fragment] {
				t.Errorf("%s links to %s, but %s has no heading or anchor %q", page, target, dest, fragment)
			}
		}
	}
	if links == 0 {
		t.Error("found no relative links in docs/; the link check checks nothing")
	}
}
