// The client's Go benchmarks: running them and reading their output.

package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// goBenchmark is one line of go test -bench output.
type goBenchmark struct {
	name    string
	metrics map[string]string // unit -> value, e.g. "ns/op" -> "152 µs"
}

// runGoBenchmarks runs the client's Go benchmarks and parses their output.
func (b *bench) runGoBenchmarks(ctx context.Context) ([]goBenchmark, error) {
	fmt.Println("bench: running the client's Go benchmarks")
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", //nolint:gosec // G204: a fixed go test command
		"-benchtime", b.opts.goBenchTime, "./internal/hellgate/")
	cmd.Dir = b.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	return parseGoBench(string(out)), nil
}

// parseGoBench reads "BenchmarkX-2  1000  152000 ns/op  12 B/op ..." lines.
func parseGoBench(out string) []goBenchmark {
	var res []goBenchmark
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		g := goBenchmark{name: f[0], metrics: map[string]string{}}
		if i := strings.LastIndexByte(g.name, '-'); i > 0 {
			g.name = g.name[:i]
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, unit := f[i], f[i+1]
			if unit == "ns/op" {
				if ns, err := strconv.ParseFloat(v, 64); err == nil {
					v = time.Duration(ns).Round(time.Microsecond).String()
				}
			}
			g.metrics[unit] = v
		}
		res = append(res, g)
	}
	return res
}
