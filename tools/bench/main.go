// Command bench measures what the hellgate provider costs on top of
// Terraform itself (make bench; issue G).
//
// It builds the provider and the standalone mock cluster, installs the
// provider in a filesystem mirror with a private CLI configuration, and for
// each N times whole Terraform runs against the mock: apply of N
// hellgate_api_key resources, a plan that changes nothing (it refreshes
// every key) and destroy. The same runs with N terraform_data resources are
// the baseline: Terraform's own cost, which no provider goes below. A second
// mode adds latency to every mock request and compares with the lower bound
// N / parallelism x latency added to the baseline.
//
// Per run it records the wall time (median of -runs runs), the requests the
// mock received (from /_mock/stats, before and after, per key), the peak
// resident memory and CPU time of the provider processes (see launcher.go)
// and the mock's CPU time. The report replaces the part of -out between the
// markers, or is the whole file when -out has none.
//
// Everything runs on loopback in a temporary folder that is removed at the
// end.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Mirror layout: the provider address and the version the mirror calls
// this build.
const (
	providerAddr  = "registry.terraform.io/starfish-codes/hellgate"
	mirrorVersion = "0.0.1"
	keyScope      = "pci:tokens:read"
)

// commandTimeout bounds one Terraform or go command.
const commandTimeout = 15 * time.Minute

type options struct {
	terraform   string
	ns          []int
	latencyNs   []int
	runs        int
	latency     time.Duration
	parallelism int
	out         string
	smoke       bool
	dataSource  string
	src         string
	goBenchTime string
	verbose     bool
}

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

func parseFlags(args []string) (options, error) {
	var o options
	var ns, latencyNs string
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.terraform, "terraform", envOr("TERRAFORM", "terraform"), "`path` of the Terraform CLI")
	fs.StringVar(&ns, "n", "10,100,500", "comma-separated numbers of resources, without latency")
	fs.StringVar(&latencyNs, "latency-n", "10,100,500", "comma-separated numbers of resources with -latency; empty: skip that mode")
	fs.IntVar(&o.runs, "runs", 3, "runs of each measurement; the report shows the median")
	fs.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the mock adds to every request in the second mode")
	fs.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism for every run")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "`file` to write the report to (between its markers, if it has them)")
	fs.BoolVar(&o.smoke, "smoke", false, "smoke run: N=2, one run, both modes; only checks that everything works")
	fs.StringVar(&o.dataSource, "data-source", "auto", "list data source to time after each apply; auto: the provider's data source named *_api_keys, if any; none: skip")
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

// bench holds what every measurement shares.
type bench struct {
	opts      options
	root      string // the source to build the provider and the mock from
	work      string // the temporary folder
	rusageDir string
	env       []string // Terraform's environment, without the mock's address
	results   results
	notes     []string
	dsName    string // the list data source timed, "" for none
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
	b := &bench{opts: opts, root: src, work: work, results: results{}}
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

// setUp builds the provider and the mock, fills the filesystem mirror with
// the launcher and writes the CLI configuration.
func (b *bench) setUp(ctx context.Context) error {
	bin := filepath.Join(b.work, "bin")
	platform := runtime.GOOS + "_" + runtime.GOARCH
	plugin := filepath.Join(b.work, "mirror", providerAddr, mirrorVersion, platform)
	b.rusageDir = filepath.Join(b.work, "rusage")
	for _, d := range []string{bin, plugin, b.rusageDir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
	}

	fmt.Println("bench: building the provider and the mock")
	provider := filepath.Join(bin, "terraform-provider-hellgate")
	if err := b.goCmd(ctx, "build", "-trimpath", "-ldflags", "-s -w -X main.version=bench", "-o", provider, "."); err != nil {
		return err
	}
	if err := b.goCmd(ctx, "build", "-trimpath", "-o", filepath.Join(bin, "hellgate-mock"), "./internal/cmd/hellgate-mock"); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := copyFile(self, filepath.Join(plugin, "terraform-provider-hellgate_v"+mirrorVersion)); err != nil {
		return err
	}

	rc := filepath.Join(b.work, "terraformrc")
	cfg := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, filepath.Join(b.work, "mirror"), providerAddr, providerAddr)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		return err
	}

	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "HELLGATE_") || name == "CHECKPOINT_DISABLE" {
			continue
		}
		b.env = append(b.env, kv)
	}
	b.env = append(b.env,
		"TF_CLI_CONFIG_FILE="+rc,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		envProvider+"="+provider,
		envRusageDir+"="+b.rusageDir,
	)
	return nil
}

func (b *bench) goCmd(ctx context.Context, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...) //nolint:gosec // G204: fixed go build commands
	cmd.Dir = b.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from) //nolint:gosec // G304: the benchmark's own executable
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o755) //nolint:gosec // an executable
}

// Modes, kinds of resources and operations.
const (
	modePlain   = "plain"
	modeLatency = "latency"

	kindBaseline = "terraform_data"
	kindHellgate = "hellgate_api_key"

	opApply   = "apply"
	opPlan    = "plan"
	opDestroy = "destroy"
	opList    = "data source"
)

// measureMode starts a mock with the given latency and measures every N.
func (b *bench) measureMode(ctx context.Context, mode string, latency time.Duration, ns []int) error {
	m, err := startMock(ctx, filepath.Join(b.work, "bin", "hellgate-mock"), latency)
	if err != nil {
		return err
	}
	defer m.stop()
	env := append(slices.Clone(b.env), "HELLGATE_ENDPOINT="+m.endpoint, "HELLGATE_ADMIN_TOKEN="+m.token)

	for _, n := range ns {
		dirs := map[string]string{}
		for _, kind := range []string{kindBaseline, kindHellgate} {
			dir := filepath.Join(b.work, fmt.Sprintf("%s-%d-%s", mode, n, kind))
			if err := writeConfig(dir, kind, n); err != nil {
				return err
			}
			if _, err := b.terraform(ctx, env, dir, "init", "-input=false", "-no-color"); err != nil {
				return err
			}
			dirs[kind] = dir
		}
		dsDir, err := b.prepareDataSource(ctx, env, dirs[kindHellgate], mode, n)
		if err != nil {
			return err
		}
		if _, _, _, err := collectUsage(b.rusageDir); err != nil { // forget init's providers
			return err
		}

		for r := 1; r <= b.opts.runs; r++ {
			fmt.Printf("bench: %s N=%d run %d/%d\n", mode, n, r, b.opts.runs)
			// Interleave baseline and provider so that a change in the
			// machine's load hits both alike.
			for _, kind := range []string{kindBaseline, kindHellgate} {
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
		if st.op == opList && (kind != kindHellgate || st.dir == "") {
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
		if kind == kindHellgate && procs == 0 {
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

// writeConfig writes a configuration of n resources of one kind.
func writeConfig(dir, kind string, n int) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	var cfg string
	switch kind {
	case kindBaseline:
		cfg = fmt.Sprintf(`resource "terraform_data" "k" {
  count = %d
  input = [%q]
}
`, n, keyScope)
	case kindHellgate:
		cfg = requiredProviders + fmt.Sprintf(`
resource "hellgate_api_key" "k" {
  count  = %d
  scopes = [%q]
}
`, n, keyScope)
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600)
}

const requiredProviders = `terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}
`

// prepareDataSource finds the list data source (once) and writes and
// initialises a configuration that reads it. It returns "" when there is
// none to time.
func (b *bench) prepareDataSource(ctx context.Context, env []string, keysDir, mode string, n int) (string, error) {
	if b.opts.dataSource == "none" {
		return "", nil
	}
	if b.dsName == "" {
		name, err := b.findDataSource(ctx, env, keysDir)
		if err != nil {
			return "", err
		}
		if name == "" {
			b.dataSourceNote("the provider has no list data source (no data source named *_api_keys) yet; its requests were not measured")
			b.opts.dataSource = "none"
			return "", nil
		}
		b.dsName = name
	}
	dir := filepath.Join(b.work, fmt.Sprintf("%s-%d-datasource", mode, n))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	cfg := requiredProviders + fmt.Sprintf("\ndata %q \"all\" {}\n", b.dsName)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return "", err
	}
	if _, err := b.terraform(ctx, env, dir, "init", "-input=false", "-no-color"); err != nil {
		return "", err
	}
	return dir, nil
}

func (b *bench) dataSourceNote(s string) {
	if !slices.Contains(b.notes, s) {
		b.notes = append(b.notes, s)
	}
}

// findDataSource returns the data source to time: -data-source, or the one
// named *_api_keys in the provider's schema.
func (b *bench) findDataSource(ctx context.Context, env []string, keysDir string) (string, error) {
	if b.opts.dataSource != "auto" {
		return b.opts.dataSource, nil
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.opts.terraform, "-chdir="+keysDir, "providers", "schema", "-json") //nolint:gosec // G204: the Terraform CLI the user named
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform providers schema: %w", err)
	}
	var doc struct {
		ProviderSchemas map[string]struct {
			DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return "", fmt.Errorf("terraform providers schema: %w", err)
	}
	var names []string
	for name := range doc.ProviderSchemas[providerAddr].DataSourceSchemas {
		if strings.HasSuffix(name, "_api_keys") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "", nil
	}
	return names[0], nil
}

// mock is a running hellgate-mock.
type mock struct {
	cmd      *exec.Cmd
	endpoint string
	token    string
	done     chan struct{} // closed when the mock has exited
}

func startMock(ctx context.Context, binary string, latency time.Duration) (*mock, error) {
	token := "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	args := []string{"--addr", "127.0.0.1:0", "--quiet"}
	if latency > 0 {
		args = append(args, "--latency", latency.String())
	}
	cmd := exec.CommandContext(ctx, binary, args...) //nolint:gosec // G204: the mock setUp built
	cmd.Env = append(os.Environ(), "HELLGATE_MOCK_ADMIN_TOKEN="+token)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	m := &mock{cmd: cmd, token: token, done: make(chan struct{})}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait() // the mock is stopped by a signal; its exit status says nothing
		close(m.done)
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case line, ok := <-lines:
		addr, found := strings.CutPrefix(line, "listening on ")
		if !ok || !found || !strings.HasPrefix(addr, "http://127.0.0.1:") {
			m.stop()
			return nil, fmt.Errorf("the mock did not report a loopback address (first line %q)", line)
		}
		m.endpoint = addr
	case <-timer.C:
		m.stop()
		return nil, errors.New("the mock did not start within 30s")
	case <-ctx.Done():
		m.stop()
		return nil, ctx.Err()
	}
	return m, nil
}

func (m *mock) stop() {
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}

// mockStats is the body of GET /_mock/stats.
type mockStats struct {
	Requests requests `json:"requests"`
	LiveKeys int      `json:"live_keys"`
}

type requests struct {
	Create int64 `json:"create"`
	Get    int64 `json:"get"`
	List   int64 `json:"list"`
	Update int64 `json:"update"`
	Delete int64 `json:"delete"`
}

func (r requests) minus(o requests) requests {
	return requests{r.Create - o.Create, r.Get - o.Get, r.List - o.List, r.Update - o.Update, r.Delete - o.Delete}
}

func (m *mock) stats(ctx context.Context) (mockStats, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.endpoint+"/_mock/stats", nil)
	if err != nil {
		return mockStats{}, err
	}
	req.Header.Set("x-admin-token", m.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return mockStats{}, fmt.Errorf("mock stats: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return mockStats{}, fmt.Errorf("mock stats: status %d", resp.StatusCode)
	}
	var s mockStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return mockStats{}, fmt.Errorf("mock stats: %w", err)
	}
	return s, nil
}

// cpu returns the mock's CPU time so far (user + system), from
// /proc/<pid>/stat; 0 where that is not available.
func (m *mock) cpu() float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", m.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may
	// contain spaces: state is field 3, utime 14, stime 15.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const clockTicks = 100 // USER_HZ, 100 on every Linux architecture Go supports
	return (ut + st) / clockTicks
}
