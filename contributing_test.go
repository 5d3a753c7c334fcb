package main

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestContributingMapsEveryGoFile keeps CONTRIBUTING.md's map of the code
// true: every Go file of the repository that is not a test names itself in
// one of the map's tables (by its path, or by a pattern such as
// tools/terraform/stubs/*/*.go), and every path or pattern there names a
// file that exists.
func TestContributingMapsEveryGoFile(t *testing.T) {
	doc, err := os.ReadFile("CONTRIBUTING.md")
	if err != nil {
		t.Fatal(err)
	}
	patterns := mappedGoFiles(string(doc))
	if len(patterns) == 0 {
		t.Fatal("CONTRIBUTING.md maps no Go file: its tables name each as `path/to/file.go` in their first column")
	}

	var files []string
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "dist", ".terraform":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)

	used := map[string]bool{}
	for _, f := range files {
		found := false
		for _, p := range patterns {
			if ok, _ := path.Match(p, f); ok {
				found, used[p] = true, true
			}
		}
		if !found {
			t.Errorf("%s is not in CONTRIBUTING.md's map of the code: add a row for it, saying what it holds", f)
		}
	}
	for _, p := range patterns {
		if !used[p] {
			t.Errorf("CONTRIBUTING.md names %s, which is no Go file of the repository: remove or correct its row", p)
		}
	}
}

// mappedGoFiles returns the paths (from the repository's root) and
// patterns that the first column of doc's tables names in backticks and
// that end in .go.
func mappedGoFiles(doc string) []string {
	code := regexp.MustCompile("`([^`]+\\.go)`")
	var out []string
	for _, line := range strings.Split(doc, "\n") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(strings.TrimSpace(line), "|") || len(cells) < 3 {
			continue
		}
		for _, m := range code.FindAllStringSubmatch(cells[1], -1) {
			out = append(out, m[1])
		}
	}
	return out
}
