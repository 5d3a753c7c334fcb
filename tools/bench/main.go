// Command bench measures what the hellgate provider costs on top of
// Terraform and the plugin framework (make bench).
//
// It builds the provider, the floor (tools/bench/floor: a framework
// provider with the same resource shape that does no work) and the
// standalone mock cluster, installs both providers in a filesystem mirror
// with a private CLI configuration, and for each N times whole Terraform
// runs against the mock: apply of N hellgate_api_key resources, a plan that
// changes nothing (it refreshes every key) and destroy. The same runs with N
// floor_api_key resources are the floor: what any framework provider of
// this shape costs, the headline ratio. The same runs with N terraform_data
// resources show Terraform's own cost, with no plugin at all. A second mode
// adds latency to every mock request (and the same sleep to every floor
// call) and also compares with the lower bound N / parallelism x latency
// added to the terraform_data time.
//
// Per run it records the wall time (median of -runs runs), the requests the
// mock received (from /_mock/stats, before and after, per key), the peak
// resident memory and CPU time of the provider processes, hellgate's and
// the floor's (see launcher.go), and the mock's CPU time. The report
// replaces the part of -out between the markers, or is the whole file when
// -out has none.
//
// Everything runs on loopback in a temporary folder that is removed at the
// end.
//
// The code is split by concern: main.go holds the entry point and the
// order of a whole run; flags.go the command line, setup.go the builds,
// the mirror and Terraform's environment, mock.go the mock's process,
// config.go the Terraform configurations, runs.go the timed Terraform runs,
// launcher.go the provider launcher that measures memory, results.go the
// samples and their medians, machine.go the machine's description,
// targets.go the targets checked, gobench.go the client's Go benchmarks and
// report.go the report.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// Mirror layout: the provider address and the version the mirror calls
// this build.
const (
	providerAddr  = "registry.terraform.io/starfish-codes/hellgate"
	floorAddr     = "registry.terraform.io/starfish-codes/floor"
	mirrorVersion = "0.0.1"
	keyScope      = "pci:tokens:read"
)

// commandTimeout bounds one Terraform or go command.
const commandTimeout = 15 * time.Minute

func main() {
	if isLauncher() {
		os.Exit(runLauncher())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// bench holds what every measurement shares.
type bench struct {
	opts      options
	root      string // the source to build the provider and the mock from
	repo      string // the repository: the floor is built from it
	work      string // the temporary folder
	rusageDir string
	env       []string // Terraform's environment, without the mock's address
	results   results
	goBench   []goBenchmark
}

func run(ctx context.Context, args []string) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return errors.New("run it from the repository root (make bench)")
	}
	work, err := os.MkdirTemp("", "hellgate-bench.")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	src := root
	if opts.src != "" {
		src = opts.src
	}
	b := &bench{opts: opts, root: src, repo: root, work: work, results: results{}}
	machine := describeMachine(ctx, opts.terraform)
	start := time.Now()
	if err := b.setUp(ctx); err != nil {
		return err
	}
	if len(opts.ns) > 0 {
		if err := b.measureMode(ctx, modePlain, 0, opts.ns); err != nil {
			return err
		}
	}
	if len(opts.latencyNs) > 0 {
		if err := b.measureMode(ctx, modeLatency, opts.latency, opts.latencyNs); err != nil {
			return err
		}
	}
	if opts.goBenchTime != "" {
		if b.goBench, err = b.runGoBenchmarks(ctx); err != nil {
			return err
		}
	}
	machine.loadEnd = loadAverage()
	machine.took = time.Since(start)

	report := b.report(machine)
	if err := writeReport(opts.out, report); err != nil {
		return err
	}
	fmt.Print(report)
	fmt.Printf("\nwrote %s (%s)\n", opts.out, machine.took.Round(time.Second))
	return nil
}
