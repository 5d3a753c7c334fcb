package scopes

// Scope patterns, as the provider function scopes() takes them: an exact
// scope, or a scope with "*" in place of whole segments.

import (
	"fmt"
	"slices"
	"strings"
)

// PatternSyntax says what a pattern may be, for error messages.
const PatternSyntax = `a pattern is three segments separated by ":", each either a name ` +
	`(lower-case letters, digits and "-") or "*", which stands for one whole segment: ` +
	`for example "pci:tokens:read", "pci:tokens:*", "*:tokens:read" or "admin:*:read"`

// segments is how many ":"-separated segments every scope has.
const segments = 3

// PatternError is what is wrong with one pattern of a list.
type PatternError struct {
	// Index is the pattern's position in the list, from 0.
	Index int
	// Pattern is the pattern as given.
	Pattern string
	// Malformed is true when the pattern breaks PatternSyntax, and false
	// when it is well formed but matches no valid scope.
	Malformed bool
	// Reason says what is wrong.
	Reason string
}

func (e *PatternError) Error() string {
	return fmt.Sprintf("pattern %q %s", e.Pattern, e.Reason)
}

// Expand returns the valid scopes that patterns match, sorted and without
// duplicates; no patterns match no scopes. It returns a PatternError for
// every pattern that is malformed or matches nothing, in the order of
// patterns, and then no scopes.
func Expand(patterns []string) ([]string, []*PatternError) {
	var matched []string
	var problems []*PatternError
	for i, p := range patterns {
		if reason := checkPattern(p); reason != "" {
			problems = append(problems, &PatternError{Index: i, Pattern: p, Malformed: true, Reason: reason})
			continue
		}
		m := match(p)
		if len(m) == 0 {
			problems = append(problems, &PatternError{Index: i, Pattern: p, Reason: "matches no valid scope"})
			continue
		}
		matched = append(matched, m...)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	slices.Sort(matched)
	return slices.Compact(matched), nil
}

// checkPattern returns what makes p malformed, or "" when it is well
// formed.
func checkPattern(p string) string {
	if p == "" {
		return "is empty"
	}
	parts := strings.Split(p, ":")
	// The segments' characters first: "pci:tok*" is better told about its
	// "*" than about its number of segments.
	for _, seg := range parts {
		switch {
		case seg == "" || seg == "*":
		case strings.Contains(seg, "*"):
			return fmt.Sprintf(`has the segment %q, which mixes "*" with other characters: "*" stands only for a whole segment`, seg)
		default:
			for _, r := range seg {
				if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
					return fmt.Sprintf("has the segment %q, which holds %q: a name has only lower-case letters, digits and \"-\"", seg, r)
				}
			}
		}
	}
	if len(parts) != segments {
		return fmt.Sprintf("has %d segments, not %d", len(parts), segments)
	}
	if i := slices.Index(parts, ""); i >= 0 {
		return fmt.Sprintf("has an empty segment %d", i+1)
	}
	return ""
}

// match returns the valid scopes a well-formed pattern matches, in the
// order of All.
func match(p string) []string {
	want := strings.Split(p, ":")
	var out []string
	for _, s := range all {
		have := strings.Split(s, ":")
		ok := len(have) == len(want)
		for i := 0; ok && i < len(want); i++ {
			ok = want[i] == "*" || want[i] == have[i]
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}
