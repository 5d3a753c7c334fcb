package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The table has a column per version, and a feature is skipped exactly on
// the Terraform versions before its first one.
func TestTable(t *testing.T) {
	versions, err := parseVersions("1.8.5 1.12.2 1.15.9")
	if err != nil {
		t.Fatal(err)
	}
	got := table(versions, "1.12.6")
	for _, want := range []string{
		"| feature | Terraform 1.8.5 | Terraform 1.12.2 | Terraform 1.15.9 | OpenTofu 1.12.6 |\n|---|---|---|---|---|\n",
		"Terraform minor from 1.8 to 1.15",
		"| import by identity (`identity = { id = \"...\" }`; Terraform 1.12+) | skipped | tested | tested | tested |\n",
		"| `list \"hellgate_api_key\"` with `terraform query` (adopting existing keys; Terraform 1.14+) | skipped | skipped | tested | skipped |\n",
		"(OpenTofu only) | n/a | n/a | n/a | tested |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %q:\n%s", want, got)
		}
	}
}

func TestParseVersionsRefusesDisorder(t *testing.T) {
	for list, want := range map[string]string{
		"1.15.9 1.8.5": "1.8.5 comes after 1.15.9; list the versions oldest first",
		"1.8.5 1.8.5":  "1.8.5 comes after 1.8.5",
		"":             "-terraform names no version",
		"1.8.x":        `"1.8.x"`,
	} {
		if _, err := parseVersions(list); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseVersions(%q) = %v, want an error with %q", list, err, want)
		}
	}
}

// run rewrites only what lies between the markers, and leaves the file
// alone when that is current.
func TestRunRewritesBetweenMarkers(t *testing.T) {
	readme := filepath.Join(t.TempDir(), "README.md")
	doc := "# Title\n\n" + beginMarker + "\nstale\n" + endMarker + "\n\nafter\n"
	if err := os.WriteFile(readme, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run("1.8.5 1.15.9", "1.12.6", readme); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(readme) //nolint:gosec // G304: the file the test wrote
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if !strings.HasPrefix(s, "# Title\n\n"+beginMarker+"\nThe acceptance tests") ||
		!strings.HasSuffix(s, "not a feature of that CLI.\n"+endMarker+"\n\nafter\n") || strings.Contains(s, "stale") {
		t.Errorf("after run:\n%s", s)
	}

	if err := os.WriteFile(readme, []byte("# no markers\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run("1.8.5", "1.12.6", readme); err == nil || !strings.Contains(err.Error(), "to write the table between") {
		t.Errorf("run on a README without markers = %v, want an error naming the markers", err)
	}
}
