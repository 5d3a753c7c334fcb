package main

import (
	"os"
	"strings"
	"testing"
)

const sample = `# Changelog

## Unreleased

FEATURES:

* a new thing

## 0.2.0 (March 4, 2026)

FEATURES:

* resource/x: ` + "`a`" + `

### not a section heading

BUG FIXES:

* fixed y


## 0.1.0 (January 20, 2026)

* first release
`

func mustParse(t *testing.T, text string) *document {
	t.Helper()
	doc, err := parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// A section's notes are its lines up to the next level-2 heading, without
// the heading and the blank lines around them, ending in one newline.
func TestNotes(t *testing.T) {
	doc := mustParse(t, sample)
	for name, want := range map[string]string{
		"Unreleased": "FEATURES:\n\n* a new thing\n",
		"0.2.0":      "FEATURES:\n\n* resource/x: `a`\n\n### not a section heading\n\nBUG FIXES:\n\n* fixed y\n",
		"v0.2.0":     "FEATURES:\n\n* resource/x: `a`\n\n### not a section heading\n\nBUG FIXES:\n\n* fixed y\n",
		"0.1.0":      "* first release\n",
	} {
		got, err := doc.notes(name)
		if err != nil {
			t.Errorf("notes(%q): %v", name, err)
			continue
		}
		if got != want {
			t.Errorf("notes(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestNotesFailures(t *testing.T) {
	doc := mustParse(t, sample+"\n## 0.0.1 (January 1, 2026)\n\n\n")
	for name, want := range map[string]string{
		"0.3.0":      `no section "## 0.3.0 (Month D, YYYY)": cut one from "## Unreleased" first (go run ./tools/changelog cut 0.3.0)`,
		"0.0.1":      `line 26: the section "## 0.0.1 (January 1, 2026)" is empty`,
		"0.2":        `"0.2" is not a version X.Y.Z`,
		"0.2.0+abc":  `"0.2.0+abc" is not a version`,
		"Unreleased": "", // present: no error
	} {
		_, err := doc.notes(name)
		switch {
		case want == "" && err != nil:
			t.Errorf("notes(%q): %v", name, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("notes(%q) = %v, want an error with %q", name, err, want)
		}
	}
	if _, err := mustParse(t, "## 0.1.0 (May 1, 2026)\n\n* x\n").notes("Unreleased"); err == nil ||
		!strings.Contains(err.Error(), `no section "## Unreleased"`) {
		t.Errorf("notes(Unreleased) without that section = %v", err)
	}
}

// Every heading is checked, not only the one asked for.
func TestParseRefuses(t *testing.T) {
	for text, want := range map[string]string{
		"## 0.2.0\n":                                       `line 1: heading "## 0.2.0" is neither "## Unreleased" nor "## X.Y.Z (Month D, YYYY)"`,
		"## v0.2.0 (March 4, 2026)\n":                      `"v0.2.0" is not a version X.Y.Z or X.Y.Z-PRERELEASE (no leading v)`,
		"## 0.2.0 (March 04, 2026)\n":                      `"March 04, 2026" is not a date such as "March 4, 2026"`,
		"## 0.2.0 (Mar 4, 2026)\n":                         `"Mar 4, 2026" is not a date`,
		"## 0.2.0 (February 30, 2026)\n":                   `"February 30, 2026" is not a date`,
		"## 0.2.0 (2026-03-04)\n":                          `is neither`,
		"## unreleased\n":                                  `is neither`,
		"## 0.1.0 (May 1, 2026)\n## Unreleased\n":          `line 2: "## Unreleased" must be the first section`,
		"## 0.1.0 (May 1, 2026)\n## 0.2.0 (May 2, 2026)\n": `line 2: 0.2.0 is below 0.1.0; put the newest version first`,
		"## 0.1.0 (May 1, 2026)\n## 0.1.0 (May 2, 2026)\n": `line 2: a second section "## 0.1.0 (May 2, 2026)" (the first is on line 1)`,
		"## 0.2.0 (May 1, 2026)\n## 0.2.0-rc.1 (April 1, 2026)\n## 0.1.0 (May 1, 2025)\n": "", // pre-releases sort before their release
	} {
		_, err := parse(text)
		switch {
		case want == "" && err != nil:
			t.Errorf("parse(%q): %v", text, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("parse(%q) = %v, want an error with %q", text, err, want)
		}
	}
}

// A cut renames the heading and changes nothing else, and the notes of the
// new version are exactly those of "Unreleased" before it.
func TestCut(t *testing.T) {
	doc := mustParse(t, sample)
	before, err := doc.notes("Unreleased")
	if err != nil {
		t.Fatal(err)
	}
	cut, err := doc.cut("v0.3.0", "March 14, 2026")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(sample, "## Unreleased\n", "## 0.3.0 (March 14, 2026)\n", 1); cut != want {
		t.Errorf("cut =\n%s\nwant\n%s", cut, want)
	}
	after, err := mustParse(t, cut).notes("0.3.0")
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("the notes of 0.3.0 are %q, those of Unreleased were %q", after, before)
	}
	if v, err := mustParse(t, cut).latest(); err != nil || v != "0.3.0" {
		t.Errorf("latest after the cut = %q, %v; want 0.3.0", v, err)
	}
}

func TestCutRefuses(t *testing.T) {
	for _, c := range []struct{ text, version, date, want string }{
		{sample, "0.2.0", "May 1, 2026", `line 9: 0.2.0 already has a section, "## 0.2.0 (March 4, 2026)"`},
		{sample, "0.1.5", "May 1, 2026", "0.1.5 is not newer than 0.2.0, the newest released version"},
		{sample, "0.3", "May 1, 2026", `"0.3" is not a version`},
		{sample, "0.3.0", "2026-05-01", `"2026-05-01" is not a date`},
		{strings.Replace(sample, "## Unreleased\n", "", 1), "0.3.0", "May 1, 2026", `nothing to release as 0.3.0: no section "## Unreleased"`},
		{"## Unreleased\n\n## 0.1.0 (May 1, 2026)\n\n* x\n", "0.3.0", "May 1, 2026", `nothing to release as 0.3.0: line 1: the section "## Unreleased" is empty`},
	} {
		if _, err := mustParse(t, c.text).cut(c.version, c.date); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("cut(%q, %q) = %v, want an error with %q", c.version, c.date, err, c.want)
		}
	}
	if _, err := mustParse(t, "## Unreleased\n\n* x\n").cut("0.1.0", "May 1, 2026"); err != nil {
		t.Errorf("the first cut: %v", err)
	}
}

func TestLatest(t *testing.T) {
	if v, err := mustParse(t, sample).latest(); err != nil || v != "0.2.0" {
		t.Errorf("latest = %q, %v; want 0.2.0", v, err)
	}
	if _, err := mustParse(t, "## Unreleased\n\n* x\n").latest(); err == nil {
		t.Error("latest with no released version: no error")
	}
}

// The repository's own changelog is in the form this command reads.
func TestRepositoryChangelog(t *testing.T) {
	text, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parse(string(text)); err != nil {
		t.Errorf("CHANGELOG.md: %v", err)
	}
}
