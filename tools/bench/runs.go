// The Terraform runs: per mode and N, init, then for terraform_data, the
// floor and hellgate in turn apply, the list data source (hellgate only), a
// no-change plan and destroy, each timed and its requests, memory and CPU
// recorded.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Modes, kinds of resources and operations.
const (
	modePlain   = "plain"
	modeLatency = "latency"

	kindBaseline = "terraform_data"
	kindFloor    = "floor_api_key"
	kindHellgate = "hellgate_api_key"

	opApply   = "apply"
	opPlan    = "plan"
	opDestroy = "destroy"
	opList    = "data source"
)

// kinds are the resources measured, in the order each run takes them.
var kinds = []string{kindBaseline, kindFloor, kindHellgate}

// envFloorSleep is the floor provider's stand-in for a request's latency
// (see tools/bench/floor).
const envFloorSleep = "HELLGATE_BENCH_FLOOR_SLEEP"

// measureMode starts a mock with the given latency and measures every N.
// The floor waits the same latency in each create, read and delete.
func (b *bench) measureMode(ctx context.Context, mode string, latency time.Duration, ns []int) error {
	m, err := startMock(ctx, filepath.Join(b.work, "bin", "hellgate-mock"), latency)
	if err != nil {
		return err
	}
	defer m.stop()
	env := append(slices.Clone(b.env), "HELLGATE_ENDPOINT="+m.endpoint, "HELLGATE_ADMIN_TOKEN="+m.token,
		envFloorSleep+"="+latency.String())

	for _, n := range ns {
		dirs := map[string]string{}
		for _, kind := range kinds {
			dir := filepath.Join(b.work, fmt.Sprintf("%s-%d-%s", mode, n, kind))
			if err := writeConfig(dir, kind, n); err != nil {
				return err
			}
			if _, err := b.terraform(ctx, env, dir, "init", "-input=false", "-no-color"); err != nil {
				return err
			}
			dirs[kind] = dir
		}
		dsDir, err := b.prepareDataSource(ctx, env, mode, n)
		if err != nil {
			return err
		}
		if _, _, _, err := collectUsage(b.rusageDir); err != nil { // forget init's providers
			return err
		}

		for r := 1; r <= b.opts.runs; r++ {
			fmt.Printf("bench: %s N=%d run %d/%d\n", mode, n, r, b.opts.runs)
			// Interleave the kinds so that a change in the machine's load
			// hits all alike.
			for _, kind := range kinds {
				if err := b.cycle(ctx, env, m, mode, kind, n, dirs[kind], dsDir); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// cycle runs apply, a no-change plan and destroy once.
func (b *bench) cycle(ctx context.Context, env []string, m *mock, mode, kind string, n int, dir, dsDir string) error {
	p := "-parallelism=" + strconv.Itoa(b.opts.parallelism)
	steps := []struct {
		op   string
		dir  string
		args []string
	}{
		{opApply, dir, []string{"apply", "-input=false", "-no-color", "-auto-approve", p}},
		{opList, dsDir, []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock=false", p}},
		{opPlan, dir, []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", p}},
		{opDestroy, dir, []string{"destroy", "-input=false", "-no-color", "-auto-approve", p}},
	}
	for _, st := range steps {
		if st.op == opList && kind != kindHellgate {
			continue
		}
		before, err := m.stats(ctx)
		if err != nil {
			return err
		}
		cpuBefore := m.cpu()
		wall, err := b.terraform(ctx, env, st.dir, st.args...)
		if err != nil {
			return err
		}
		after, err := m.stats(ctx)
		if err != nil {
			return err
		}
		rss, cpu, procs, err := collectUsage(b.rusageDir)
		if err != nil {
			return err
		}
		if b.opts.verbose {
			fmt.Printf("    %d provider process(es), peak %s, CPU %.2f s\n", procs, mib(rss), cpu)
		}
		if kind != kindBaseline && procs == 0 {
			return fmt.Errorf("%s %s N=%d: no provider process reported its usage; is the launcher in the mirror?", mode, st.op, n)
		}
		if st.op == opDestroy && after.LiveKeys != 0 {
			return fmt.Errorf("%s destroy N=%d: the mock still holds %d keys", mode, n, after.LiveKeys)
		}
		b.results.add(key{mode, n, kind, st.op}, sample{
			wall:    wall,
			reqs:    after.Requests.minus(before.Requests),
			maxRSS:  rss,
			cpu:     cpu,
			mockCPU: m.cpu() - cpuBefore,
		})
	}
	return nil
}

// terraform runs one Terraform command in dir and returns its wall time. A
// plan must report no changes (-detailed-exitcode 0).
func (b *bench) terraform(ctx context.Context, env []string, dir string, args ...string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.opts.terraform, append([]string{"-chdir=" + dir}, args...)...) //nolint:gosec // G204: the Terraform CLI the user named
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if b.opts.verbose {
		fmt.Printf("  terraform %s (%s): %s\n", strings.Join(args, " "), filepath.Base(dir), wall.Round(time.Millisecond))
	}
	if err != nil {
		what := "terraform " + strings.Join(args, " ") + " in " + filepath.Base(dir)
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == 2 && args[0] == "plan" {
			return 0, fmt.Errorf("%s: expected no changes, the plan has some:\n%s", what, tail(out.String(), 40))
		}
		return 0, fmt.Errorf("%s: %w\n%s", what, err, tail(out.String(), 40))
	}
	return wall, nil
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}
