// Command changelog reads and cuts CHANGELOG.md's sections, for releases.
//
//	go run ./tools/changelog section 0.2.0     # the notes of 0.2.0 (make release hands them to goreleaser)
//	go run ./tools/changelog cut 0.2.0         # "## Unreleased" becomes "## 0.2.0 (March 4, 2026)", today's date
//	go run ./tools/changelog latest            # the newest released version
//
// CHANGELOG.md is a list of sections, newest first, each under a level-2
// heading: "## Unreleased" (only the first, for changes not yet released) or
// "## X.Y.Z (Month D, YYYY)", a released version and its date, as HashiCorp's
// providers write them. Anything before the first heading (a "# Changelog"
// title) is no section. A section's notes are its lines up to the next
// level-2 heading, without the heading and the blank lines around them; they
// are the body of the version's GitHub release. Every command checks the
// whole file first: a heading of another form, a version twice, versions out
// of order or an "## Unreleased" below a version fail it, naming the line.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
)

const (
	unreleased = "Unreleased"
	// dateLayout is the date of a released version's heading.
	dateLayout = "January 2, 2006"
)

var (
	// semver is a release version: X.Y.Z and an optional pre-release part
	// (0.2.0-rc.1), without a leading "v" or build metadata.
	semver = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)
	// versionHeading is "## 0.2.0 (March 4, 2026)".
	versionHeading = regexp.MustCompile(`^## (\S+) \(([A-Z][a-z]+ [0-9]{1,2}, [0-9]{4})\)$`)
)

func main() {
	flag.Usage = func() {
		fmt.Fprint(os.Stderr, `usage:
  changelog section [-file CHANGELOG.md] VERSION   print VERSION's notes (VERSION may be "Unreleased")
  changelog cut [-file CHANGELOG.md] [-date 'March 4, 2026'] VERSION
                                                   rename "## Unreleased" to "## VERSION (date)"; date: today
  changelog latest [-file CHANGELOG.md]            print the newest released version
`)
	}
	if len(os.Args) < 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "changelog:", err)
		os.Exit(1)
	}
}

func run(command string, args []string) error {
	flags := flag.NewFlagSet(command, flag.ExitOnError)
	flags.Usage = flag.Usage
	file := flags.String("file", "CHANGELOG.md", "the changelog")
	date := flags.String("date", time.Now().Format(dateLayout), "cut: the release date, as "+dateLayout)
	_ = flags.Parse(args) // ExitOnError: Parse exits on a bad flag.
	wantArgs := 1
	if command == "latest" {
		wantArgs = 0
	}
	if flags.NArg() != wantArgs {
		flag.Usage()
		os.Exit(2)
	}

	text, err := os.ReadFile(*file) //nolint:gosec // G304: the changelog the user named
	if err != nil {
		return err
	}
	doc, err := parse(string(text))
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	switch command {
	case "section":
		notes, err := doc.notes(flags.Arg(0))
		if err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
		fmt.Print(notes)
	case "cut":
		cut, err := doc.cut(flags.Arg(0), *date)
		if err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
		if err := os.WriteFile(*file, []byte(cut), 0o644); err != nil { //nolint:gosec // G306: a changelog is world-readable
			return err
		}
		fmt.Printf("%s: %q is now %q\n", *file, "## "+unreleased, heading(strings.TrimPrefix(flags.Arg(0), "v"), *date))
	case "latest":
		v, err := doc.latest()
		if err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
		fmt.Println(v)
	default:
		flag.Usage()
		os.Exit(2)
	}
	return nil
}

// document is a parsed changelog.
type document struct {
	lines    []string
	sections []section
}

// section is one level-2 heading and the lines up to the next one.
type section struct {
	name string // "Unreleased" or the version
	line int    // the heading's index in lines
	end  int    // the index after its last line
}

func heading(v, date string) string {
	return fmt.Sprintf("## %s (%s)", v, date)
}

// parse splits text into sections and checks their headings.
func parse(text string) (*document, error) {
	doc := &document{lines: strings.Split(text, "\n")}
	var previous *version.Version
	seen := map[string]int{}
	for i, line := range doc.lines {
		if !strings.HasPrefix(line, "## ") {
			continue
		}
		if n := len(doc.sections); n > 0 {
			doc.sections[n-1].end = i
		}
		name, v, err := parseHeading(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if first, ok := seen[name]; ok {
			return nil, fmt.Errorf("line %d: a second section %q (the first is on line %d)", i+1, line, first)
		}
		seen[name] = i + 1
		if name == unreleased && len(doc.sections) > 0 {
			return nil, fmt.Errorf("line %d: %q must be the first section, above every released version", i+1, line)
		}
		if v != nil {
			if previous != nil && !v.LessThan(previous) {
				return nil, fmt.Errorf("line %d: %s is below %s; put the newest version first", i+1, v, previous)
			}
			previous = v
		}
		doc.sections = append(doc.sections, section{name: name, line: i, end: len(doc.lines)})
	}
	return doc, nil
}

// parseHeading reads "## Unreleased" or "## X.Y.Z (Month D, YYYY)"; the
// version is nil for "Unreleased".
func parseHeading(line string) (string, *version.Version, error) {
	if line == "## "+unreleased {
		return unreleased, nil, nil
	}
	form := fmt.Errorf("heading %q is neither %q nor %q", line, "## "+unreleased, heading("X.Y.Z", "Month D, YYYY"))
	m := versionHeading.FindStringSubmatch(line)
	if m == nil {
		return "", nil, form
	}
	if err := checkVersion(m[1]); err != nil {
		return "", nil, fmt.Errorf("%w: %w", form, err)
	}
	if err := checkDate(m[2]); err != nil {
		return "", nil, fmt.Errorf("%w: %w", form, err)
	}
	v, err := version.NewSemver(m[1])
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", form, err)
	}
	return m[1], v, nil
}

func checkVersion(v string) error {
	if !semver.MatchString(v) {
		return fmt.Errorf("%q is not a version X.Y.Z or X.Y.Z-PRERELEASE (no leading v)", v)
	}
	return nil
}

func checkDate(date string) error {
	t, err := time.Parse(dateLayout, date)
	if err != nil || t.Format(dateLayout) != date {
		return fmt.Errorf("%q is not a date such as %q (the month's full name, the day without a leading zero)", date, "March 4, 2026")
	}
	return nil
}

func (d *document) find(name string) (section, bool) {
	for _, s := range d.sections {
		if s.name == name {
			return s, true
		}
	}
	return section{}, false
}

// body is a section's lines without its heading and the blank lines
// around them.
func (d *document) body(s section) []string {
	lines := d.lines[s.line+1 : s.end]
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// notes is the section of name (a version, with or without a leading "v",
// or "Unreleased") as a release's body: its lines, ending in one newline.
func (d *document) notes(name string) (string, error) {
	name = strings.TrimPrefix(name, "v")
	if name != unreleased {
		if err := checkVersion(name); err != nil {
			return "", err
		}
	}
	s, ok := d.find(name)
	if !ok {
		want := heading(name, "Month D, YYYY")
		if name == unreleased {
			want = "## " + unreleased
		}
		return "", fmt.Errorf("no section %q: cut one from %q first (go run ./tools/changelog cut %s)", want, "## "+unreleased, name)
	}
	body := d.body(s)
	if len(body) == 0 {
		return "", fmt.Errorf("line %d: the section %q is empty", s.line+1, d.lines[s.line])
	}
	return strings.Join(body, "\n") + "\n", nil
}

// cut renames "## Unreleased" to v's heading with date, and returns the
// changed text.
func (d *document) cut(v, date string) (string, error) {
	v = strings.TrimPrefix(v, "v")
	if err := checkVersion(v); err != nil {
		return "", err
	}
	if err := checkDate(date); err != nil {
		return "", err
	}
	if s, ok := d.find(v); ok {
		return "", fmt.Errorf("line %d: %s already has a section, %q", s.line+1, v, d.lines[s.line])
	}
	if _, err := d.notes(unreleased); err != nil {
		return "", fmt.Errorf("nothing to release as %s: %w", v, err)
	}
	s := d.sections[0] // notes found "Unreleased", which can only be first
	if len(d.sections) > 1 {
		newest := d.sections[1].name
		if !version.Must(version.NewSemver(newest)).LessThan(version.Must(version.NewSemver(v))) {
			return "", fmt.Errorf("%s is not newer than %s, the newest released version", v, newest)
		}
	}
	lines := append([]string(nil), d.lines...)
	lines[s.line] = heading(v, date)
	return strings.Join(lines, "\n"), nil
}

// latest is the newest released version.
func (d *document) latest() (string, error) {
	for _, s := range d.sections {
		if s.name != unreleased {
			return s.name, nil
		}
	}
	return "", errors.New("no released version: every heading is \"## " + unreleased + "\"")
}
