// Command versiontable writes the README's table of the Terraform and
// OpenTofu versions the provider is tested with, and which features each of
// them tests, between the README's "cli-versions" markers. make generate
// runs it with the versions of tools/cli-versions.mk:
//
//	go run ./tools/versiontable -terraform '1.8.5 ... 1.15.9' -opentofu 1.12.6 README.md
//
// The versions come only from there; the features, and the first Terraform
// version that has each, are listed below (the acceptance tests skip a
// feature's tests, saying why, under a CLI without it: see
// internal/provider/harness_cli_features_test.go).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/go-version"
)

// The README's generated part lies between these lines.
const (
	beginMarker = "<!-- cli-versions: begin (make generate writes this part from tools/cli-versions.mk) -->"
	endMarker   = "<!-- cli-versions: end -->"
)

// feature is one row of the table.
type feature struct {
	name string
	// terraform is the first Terraform version with the feature: "" when
	// every supported version has it, notTerraform when none has.
	terraform string
	// openTofu tells whether the tested OpenTofu has it.
	openTofu bool
}

const notTerraform = "-"

var features = []feature{
	{name: "provider block, `hellgate_api_key` resource (create, replace, rotation, `revoke_on_destroy`, `timeouts`)", openTofu: true},
	{name: "import by id: `terraform import` and `import` blocks", openTofu: true},
	{name: "import by identity (`identity = { id = \"...\" }`; Terraform 1.12+)", terraform: "1.12.0", openTofu: true},
	{name: "the identity of the tainted placeholder a create with no answer leaves (Terraform 1.13+: 1.12 drops the identity of an object whose create failed)", terraform: "1.13.0", openTofu: true},
	{name: "`hellgate_api_key` and `hellgate_api_keys` data sources", openTofu: true},
	{name: "`provider::hellgate::scopes` (scope patterns)", openTofu: true},
	{name: "`mock_provider` in `terraform test` / `tofu test` (the module example's tests)", openTofu: true},
	{name: "`keepers` (replace a key when a value changes)", openTofu: true},
	{name: "`ephemeral \"hellgate_api_key\"` (a key that never reaches state or a plan file; Terraform 1.10+)", terraform: "1.10.0", openTofu: true},
	{name: "`list \"hellgate_api_key\"` with `terraform query` (adopting existing keys; Terraform 1.14+)", terraform: "1.14.0"},
	{name: "`action \"hellgate_revoke_api_key\"` (`terraform apply -invoke`; Terraform 1.14+)", terraform: "1.14.0"},
	{name: "state and plan encryption, keeping `key_value` encrypted at rest (OpenTofu only)", terraform: notTerraform, openTofu: true},
}

func main() {
	terraform := flag.String("terraform", "", "the tested Terraform versions, oldest first, separated by spaces")
	openTofu := flag.String("opentofu", "", "the tested OpenTofu version")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: versiontable -terraform 'V1 V2 ...' -opentofu V README.md")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*terraform, *openTofu, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "versiontable:", err)
		os.Exit(1)
	}
}

func run(terraform, openTofu, readme string) error {
	versions, err := parseVersions(terraform)
	if err != nil {
		return err
	}
	if _, err := version.NewVersion(openTofu); err != nil {
		return fmt.Errorf("-opentofu %q: %w", openTofu, err)
	}
	old, err := os.ReadFile(readme) //nolint:gosec // G304: the README the user named
	if err != nil {
		return err
	}
	updated, err := replaceBetweenMarkers(old, table(versions, openTofu))
	if err != nil {
		return fmt.Errorf("%s: %w", readme, err)
	}
	if bytes.Equal(old, updated) {
		return nil
	}
	return os.WriteFile(readme, updated, 0o644) //nolint:gosec // G306: a README is world-readable
}

// parseVersions reads the space-separated Terraform versions, which must
// be in ascending order: the first is the oldest supported, the last the
// main one.
func parseVersions(list string) ([]*version.Version, error) {
	fields := strings.Fields(list)
	if len(fields) == 0 {
		return nil, errors.New("-terraform names no version")
	}
	versions := make([]*version.Version, 0, len(fields))
	for i, f := range fields {
		v, err := version.NewVersion(f)
		if err != nil {
			return nil, fmt.Errorf("-terraform: %q: %w", f, err)
		}
		if i > 0 && !versions[i-1].LessThan(v) {
			return nil, fmt.Errorf("-terraform: %s comes after %s; list the versions oldest first", f, versions[i-1])
		}
		versions = append(versions, v)
	}
	return versions, nil
}

// table is the README's generated part: which CLIs the tests run under and
// what each tests.
func table(versions []*version.Version, openTofu string) string {
	oldest, main := versions[0], versions[len(versions)-1]
	var b strings.Builder
	fmt.Fprintf(&b, "The acceptance tests (a real CLI against the mock cluster) run under the\n")
	fmt.Fprintf(&b, "newest patch release of every Terraform minor from %s to %s, and under\n", minor(oldest), minor(main))
	fmt.Fprintf(&b, "OpenTofu %s: `make test` under Terraform %s (the main CLI, which also runs\n", openTofu, main)
	fmt.Fprintf(&b, "every other test), OpenTofu %s and Terraform %s (the oldest version the\n", openTofu, oldest)
	fmt.Fprintf(&b, "provider supports), `make testacc-minors` under the others, and CI under\n")
	fmt.Fprintf(&b, "all of them.\n\n")

	b.WriteString("| feature |")
	for _, v := range versions {
		fmt.Fprintf(&b, " Terraform %s |", v)
	}
	fmt.Fprintf(&b, " OpenTofu %s |\n|---|", openTofu)
	b.WriteString(strings.Repeat("---|", len(versions)+1))
	b.WriteString("\n")
	for _, f := range features {
		fmt.Fprintf(&b, "| %s |", f.name)
		for _, v := range versions {
			fmt.Fprintf(&b, " %s |", f.terraformCell(v))
		}
		cell := "skipped"
		if f.openTofu {
			cell = "tested"
		}
		fmt.Fprintf(&b, " %s |\n", cell)
	}
	b.WriteString("\n\"tested\": the feature's tests run and pass under that CLI. \"skipped\": the\n")
	b.WriteString("CLI lacks the feature; its tests run and say they are skipped, and why.\n")
	b.WriteString("\"n/a\": not a feature of that CLI.\n")
	return b.String()
}

// terraformCell says whether Terraform v tests f.
func (f feature) terraformCell(v *version.Version) string {
	switch f.terraform {
	case "":
		return "tested"
	case notTerraform:
		return "n/a"
	}
	if v.Core().LessThan(version.Must(version.NewVersion(f.terraform))) {
		return "skipped"
	}
	return "tested"
}

// minor is "1.8" for 1.8.5.
func minor(v *version.Version) string {
	s := v.Segments()
	return fmt.Sprintf("%d.%d", s[0], s[1])
}

// replaceBetweenMarkers puts body between the marker lines of doc.
func replaceBetweenMarkers(doc []byte, body string) ([]byte, error) {
	begin := bytes.Index(doc, []byte(beginMarker+"\n"))
	end := bytes.Index(doc, []byte(endMarker))
	if begin < 0 || end < 0 || end < begin {
		return nil, fmt.Errorf("no lines %q and %q, in that order, to write the table between", beginMarker, endMarker)
	}
	start := begin + len(beginMarker) + 1
	var out bytes.Buffer
	out.Write(doc[:start])
	out.WriteString(body)
	out.Write(doc[end:])
	return out.Bytes(), nil
}
