package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteReport checks that the report replaces only the text between
// its markers, makes a file that has none, and leaves a file whose markers
// are broken as it was, with an error, instead of overwriting its
// hand-written text.
func TestWriteReport(t *testing.T) {
	const report = "new figures\n"
	section := beginMarker + "\n\n" + report + "\n" + endMarker + "\n"
	for _, tc := range []struct {
		name    string
		before  string // "" for no file
		want    string // "" when an error is wanted
		wantErr bool
	}{
		{
			name:   "markers",
			before: "# Benchmarks\n\nprose\n\n" + beginMarker + "\n\nold figures\n\n" + endMarker + "\n\n## Targets\n\nmore prose\n",
			want:   "# Benchmarks\n\nprose\n\n" + section + "\n## Targets\n\nmore prose\n",
		},
		{name: "no file", want: "# Benchmark results\n\n" + section},
		{name: "no markers", before: "scratch\n", want: "# Benchmark results\n\n" + section},
		{name: "begin without end", before: "# Benchmarks\n\n" + beginMarker + "\n\nold\n\n## Targets\n\nprose\n", wantErr: true},
		{name: "end without begin", before: "# Benchmarks\n\n" + endMarker + "\n\nprose\n", wantErr: true},
		{name: "end before begin", before: endMarker + "\nprose\n" + beginMarker + "\n", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "BENCHMARKS.md")
			if tc.before != "" {
				if err := os.WriteFile(file, []byte(tc.before), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := writeReport(file, report)
			got, readErr := os.ReadFile(file) //nolint:gosec // the test's own temporary file
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "markers") {
					t.Fatalf("writeReport: error %v, want one about the markers", err)
				}
				if string(got) != tc.before {
					t.Errorf("the file changed although its markers are broken:\n%s", got)
				}
				return
			}
			if err != nil || readErr != nil {
				t.Fatalf("writeReport: %v; reading the file: %v", err, readErr)
			}
			if string(got) != tc.want {
				t.Errorf("the file is\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
