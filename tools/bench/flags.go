// The command line: the options of one benchmark run and how they are
// parsed.

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

type options struct {
	terraform   string
	ns          []int
	latencyNs   []int
	runs        int
	latency     time.Duration
	parallelism int
	out         string
	smoke       bool
	src         string
	goBenchTime string
	verbose     bool
}

func parseFlags(args []string) (options, error) {
	var o options
	var ns, latencyNs string
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.terraform, "terraform", envOr("TERRAFORM", "terraform"), "`path` of the Terraform CLI")
	fs.StringVar(&ns, "n", "10,100,500", "comma-separated numbers of resources, without latency")
	fs.StringVar(&latencyNs, "latency-n", "10,200,500", "comma-separated numbers of resources with -latency; empty: skip that mode")
	fs.IntVar(&o.runs, "runs", 3, "runs of each measurement; the report shows the median")
	fs.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the mock adds to every request in the second mode")
	fs.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism for every run")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "`file` to write the report to (between its markers, if it has them)")
	fs.BoolVar(&o.smoke, "smoke", false, "smoke run: N=2, one run, both modes; only checks that everything works")
	fs.StringVar(&o.goBenchTime, "benchtime", "1s", "go test -benchtime of the client's Go benchmarks; empty: skip them")
	fs.StringVar(&o.src, "src", "", "`folder` to build the provider from (default: the repository)")
	fs.BoolVar(&o.verbose, "v", false, "print every Terraform command and its time")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.ns, err = parseInts(ns); err != nil {
		return o, fmt.Errorf("-n: %w", err)
	}
	if o.latencyNs, err = parseInts(latencyNs); err != nil {
		return o, fmt.Errorf("-latency-n: %w", err)
	}
	if o.smoke {
		o.ns, o.runs = []int{2}, 1
		if o.goBenchTime != "" {
			o.goBenchTime = "1x"
		}
		if len(o.latencyNs) > 0 {
			o.latencyNs = []int{2}
		}
	}
	switch {
	case len(o.ns) == 0 && len(o.latencyNs) == 0:
		return o, errors.New("nothing to measure: -n and -latency-n are empty")
	case o.runs < 1 || o.runs > 50:
		return o, fmt.Errorf("-runs must be 1 to 50, got %d", o.runs)
	case o.parallelism < 1:
		return o, fmt.Errorf("-parallelism must be at least 1, got %d", o.parallelism)
	case o.latency < 0:
		return o, fmt.Errorf("-latency must not be negative, got %s", o.latency)
	}
	return o, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 10000 {
			return nil, fmt.Errorf("%q is not a number from 1 to 10000", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
