package scopes

import (
	"slices"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	sortedAll := All()
	slices.Sort(sortedAll)
	for _, tc := range []struct {
		name     string
		patterns []string
		want     []string
	}{
		{"exact", []string{"pci:tokens:read"}, []string{"pci:tokens:read"}},
		{"last segment", []string{"pci:tokens:*"},
			[]string{"pci:tokens:create", "pci:tokens:delete", "pci:tokens:forward", "pci:tokens:read", "pci:tokens:update"}},
		{"first segment", []string{"*:tokens:read"},
			[]string{"generic:tokens:read", "network:tokens:read", "pci:tokens:read"}},
		{"middle segment", []string{"admin:*:read"},
			[]string{"admin:api-keys:read", "admin:types:read", "admin:webhooks:read"}},
		{"two segments", []string{"network:*:*"},
			[]string{"network:tokens:create", "network:tokens:delete", "network:tokens:read", "network:tokens:use"}},
		{"everything", []string{"*:*:*"}, sortedAll},
		{"overlap counted once", []string{"pci:tokens:read", "*:tokens:read", "pci:tokens:read"},
			[]string{"generic:tokens:read", "network:tokens:read", "pci:tokens:read"}},
		{"sorted", []string{"pci:tokens:read", "admin:types:read"}, []string{"admin:types:read", "pci:tokens:read"}},
		{"none", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := Expand(tc.patterns)
			if problems != nil {
				t.Fatalf("Expand(%q): unexpected problems %v", tc.patterns, problems)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Expand(%q) = %q, want %q", tc.patterns, got, tc.want)
			}
		})
	}
	if len(sortedAll) != 22 {
		t.Errorf("All() has %d scopes, want 22", len(sortedAll))
	}
}

func TestExpandProblems(t *testing.T) {
	for _, tc := range []struct {
		pattern   string
		malformed bool
		reason    string
	}{
		{"", true, "is empty"},
		{"pci:tok*", true, `has the segment "tok*", which mixes "*" with other characters: "*" stands only for a whole segment`},
		{"pci:tok*:read", true, `has the segment "tok*", which mixes "*" with other characters`},
		{"pci:tokens:**", true, `has the segment "**", which mixes "*"`},
		{"pci:tokens", true, "has 2 segments, not 3"},
		{"pci:tokens:read:all", true, "has 4 segments, not 3"},
		{"pci::read", true, "has an empty segment 2"},
		{"PCI:tokens:read", true, `has the segment "PCI", which holds 'P': a name has only lower-case letters`},
		{" pci:tokens:read", true, `has the segment " pci", which holds ' '`},
		{"billing:*:read", false, "matches no valid scope"},
		{"pci:tokens:use", false, "matches no valid scope"},
		{"*:*:forward-all", false, "matches no valid scope"},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			got, problems := Expand([]string{"pci:tokens:read", tc.pattern})
			if got != nil {
				t.Errorf("Expand returned scopes %q along with problems", got)
			}
			if len(problems) != 1 {
				t.Fatalf("Expand(%q): %d problems %v, want 1", tc.pattern, len(problems), problems)
			}
			p := problems[0]
			if p.Index != 1 || p.Pattern != tc.pattern || p.Malformed != tc.malformed || !strings.HasPrefix(p.Reason, tc.reason) {
				t.Errorf("Expand(%q): problem %+v, want index 1, malformed %v, reason starting %q", tc.pattern, *p, tc.malformed, tc.reason)
			}
		})
	}
}

// Every bad pattern of a list is reported, not only the first.
func TestExpandReportsEveryProblem(t *testing.T) {
	_, problems := Expand([]string{"pci:tok*", "pci:tokens:read", "billing:*:read"})
	if len(problems) != 2 || problems[0].Index != 0 || problems[1].Index != 2 {
		t.Fatalf("problems %v, want patterns 0 and 2", problems)
	}
	if got := problems[1].Error(); got != `pattern "billing:*:read" matches no valid scope` {
		t.Errorf("Error() = %q", got)
	}
}
