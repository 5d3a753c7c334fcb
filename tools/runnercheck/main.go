// Command runnercheck runs the jobs of GitHub Actions workflows on this
// machine the way a GitHub runner runs them, so that a workflow that cannot
// pass on GitHub fails here first.
//
// What a runner does that a developer's machine does not:
//
//   - actions/setup-go with go-version-file installs the Go that file names
//     (go.mod's toolchain directive if it has one, else its go directive)
//     and exports GOTOOLCHAIN=local, so no later step may need a newer Go.
//     Here every step after setup-go runs with GOTOOLCHAIN=go<that version>:
//     the go command fetches exactly that release from the module proxy and
//     never switches again.
//   - Every job starts with no tools: the golangci-lint, goreleaser,
//     tfplugindocs and actionlint binaries are built anew in a fresh folder
//     for each job (make's TOOLS_DIR), by that Go.
//
// The steps come from the workflow files themselves, so a step added there
// is run here. A `run:` step runs as GitHub runs it (bash --noprofile --norc
// -eo pipefail) with its ${{ }} expressions evaluated; GITHUB_OUTPUT and
// GITHUB_ENV work. A `uses:` step runs a stand-in (see standIns): setup-go
// as above, the Terraform and OpenTofu setup actions put the CLI of the
// version they name, built into the cache folder by make, on PATH. An action
// with no stand-in fails the check, as does an expression it cannot
// evaluate.
//
// Jobs run in the order of their needs. -skip WORKFLOW:JOB=REASON leaves a
// job out (its actions and expressions are still checked); -substitute
// 'OLD=NEW' replaces a whole line of a run step, e.g. 'make release=make
// release-check' to run the release in snapshot form.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var skips, substitutes, only, envs multiFlag
	dir := flag.String("workflows", ".github/workflows", "the folder of the workflow files, or one workflow file")
	workspace := flag.String("workspace", "", "the folder the jobs run in, as GITHUB_WORKSPACE (default: this one)")
	event := flag.String("event", "", "github.event_name (default: the workflow's first trigger, pull_request when it has one)")
	flag.Var(&skips, "skip", "WORKFLOW:JOB=REASON: leave a job out, saying why (repeatable; WORKFLOW is the file name)")
	flag.Var(&substitutes, "substitute", "OLD=NEW: replace a whole line OLD of a run step with NEW (repeatable)")
	flag.Var(&only, "only", "WORKFLOW:JOB: run only these jobs (repeatable), and the jobs they need")
	flag.Var(&envs, "env", "NAME=VALUE: set a variable over the workflow's, job's and step's env (repeatable)")
	flag.Parse()

	c, err := newCheck(options{workflows: *dir, workspace: *workspace, event: *event,
		skips: skips, substitutes: substitutes, only: only, env: envs})
	if err == nil {
		err = c.run()
	}
	c.cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "runnercheck:", err)
		os.Exit(1)
	}
}

// workflow is one workflow file, its jobs in the order they are written.
type workflow struct {
	file    string
	name    string
	trigger string
	env     map[string]string
	jobs    []*job
}

type job struct {
	ID       string            `yaml:"-"`
	Name     string            `yaml:"name"`
	Needs    stringList        `yaml:"needs"`
	If       string            `yaml:"if"`
	Env      map[string]string `yaml:"env"`
	Outputs  map[string]string `yaml:"outputs"`
	Strategy *struct {
		Matrix yaml.Node `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []step `yaml:"steps"`

	skipReason string
	outputs    map[string]string
	done       bool
}

type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

func (s step) title() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	default:
		return strings.TrimSpace(strings.SplitN(s.Run, "\n", 2)[0])
	}
}

// stringList is a YAML value that is one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = []string{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

func readWorkflow(path, event string) (*workflow, error) {
	data, err := os.ReadFile(path) //nolint:gosec // a workflow file the caller names
	if err != nil {
		return nil, err
	}
	var raw struct {
		Name string            `yaml:"name"`
		On   yaml.Node         `yaml:"on"`
		Env  map[string]string `yaml:"env"`
		Jobs yaml.Node         `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &workflow{file: filepath.Base(path), name: raw.Name, env: raw.Env, trigger: event}
	if w.trigger == "" {
		w.trigger = firstTrigger(&raw.On)
	}
	if raw.Jobs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: no jobs", path)
	}
	for i := 0; i+1 < len(raw.Jobs.Content); i += 2 {
		j := &job{}
		if err := raw.Jobs.Content[i+1].Decode(j); err != nil {
			return nil, fmt.Errorf("%s: job %s: %w", path, raw.Jobs.Content[i].Value, err)
		}
		j.ID = raw.Jobs.Content[i].Value
		w.jobs = append(w.jobs, j)
	}
	return w, nil
}

// firstTrigger is the event a run of the workflow is taken to be for:
// pull_request when the workflow has it, else its first trigger.
func firstTrigger(on *yaml.Node) string {
	switch on.Kind {
	case yaml.ScalarNode:
		return on.Value
	case yaml.SequenceNode:
		for _, n := range on.Content {
			if n.Value == "pull_request" {
				return n.Value
			}
		}
		if len(on.Content) > 0 {
			return on.Content[0].Value
		}
	case yaml.MappingNode:
		for i := 0; i < len(on.Content); i += 2 {
			if on.Content[i].Value == "pull_request" {
				return "pull_request"
			}
		}
		if len(on.Content) > 0 {
			return on.Content[0].Value
		}
	}
	return "push"
}

// options are the check's flags.
type options struct {
	repo string // default: the working directory
	out  io.Writer
	// clis names a binary for a CLI setup action that names no version
	// ("terraform", "tofu"), instead of the main CLI of the cache folder.
	clis                          map[string]string
	workflows, workspace, event   string
	skips, substitutes, only, env []string
}

// check is one run of the check.
type check struct {
	out         io.Writer
	clis        map[string]string
	repo        string // this repository, where make runs for the stand-ins
	root        string // the workspace the steps run in
	env         map[string]string
	goVersion   string // the Go setup-go installs, e.g. 1.26.8
	goSource    string // the go.mod directive it comes from
	workflows   []*workflow
	substitutes map[string]string
	only        map[string]bool
	temp        string
	baseEnv     []string
	timings     []string
}

func newCheck(o options) (*check, error) {
	repo, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if o.repo != "" {
		repo = o.repo
	}
	root := repo
	if o.workspace != "" {
		if root, err = filepath.Abs(o.workspace); err != nil {
			return nil, err
		}
	}
	dir, event, skips, substitutes, only := o.workflows, o.event, o.skips, o.substitutes, o.only
	if o.out == nil {
		o.out = os.Stdout
	}
	c := &check{out: o.out, clis: o.clis, repo: repo, root: root, env: map[string]string{}, substitutes: map[string]string{}, only: map[string]bool{}}
	for _, kv := range o.env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("-env %q: want NAME=VALUE", kv)
		}
		c.env[k] = v
	}
	c.temp, err = os.MkdirTemp("", "runnercheck.")
	if err != nil {
		return c, err
	}
	files := []string{dir}
	if st, err := os.Stat(dir); err != nil {
		return c, err
	} else if st.IsDir() {
		files, _ = filepath.Glob(filepath.Join(dir, "*.yml"))
		more, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		files = append(files, more...)
		sort.Strings(files)
	}
	if len(files) == 0 {
		return c, fmt.Errorf("no workflow files in %s", dir)
	}
	for _, f := range files {
		w, err := readWorkflow(f, event)
		if err != nil {
			return c, err
		}
		c.workflows = append(c.workflows, w)
	}
	for _, s := range skips {
		where, reason, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(reason) == "" {
			return c, fmt.Errorf("-skip %q: want WORKFLOW:JOB=REASON, with a reason", s)
		}
		j, err := c.find(where)
		if err != nil {
			return c, fmt.Errorf("-skip %q: %w", s, err)
		}
		j.skipReason = reason
	}
	for _, s := range substitutes {
		old, repl, ok := strings.Cut(s, "=")
		if !ok {
			return c, fmt.Errorf("-substitute %q: want OLD=NEW", s)
		}
		c.substitutes[strings.TrimSpace(old)] = repl
	}
	for _, o := range only {
		if _, err := c.find(o); err != nil {
			return c, fmt.Errorf("-only %q: %w", o, err)
		}
		c.only[o] = true
	}
	// The environment every step starts from: this machine's, less what
	// would choose a Go or a CLI for the steps behind the runner's back.
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOTOOLCHAIN", "TERRAFORM", "TERRAFORM_VERSION", "TERRAFORM_OLDEST", "TOFU", "OPENTOFU_VERSION",
			"TOOLS_DIR", "GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS":
			continue
		}
		c.baseEnv = append(c.baseEnv, kv)
	}
	c.baseEnv = append(c.baseEnv, "CI=true", "GITHUB_WORKSPACE="+root, "RUNNER_TEMP="+c.temp)
	return c, nil
}

func (c *check) find(where string) (*job, error) {
	file, id, ok := strings.Cut(where, ":")
	if !ok {
		return nil, fmt.Errorf("want WORKFLOW:JOB")
	}
	for _, w := range c.workflows {
		if w.file != file {
			continue
		}
		for _, j := range w.jobs {
			if j.ID == id {
				return j, nil
			}
		}
		return nil, fmt.Errorf("%s has no job %s", file, id)
	}
	return nil, fmt.Errorf("no workflow file %s", file)
}

// printf writes to the check's output; a write that fails loses only a
// line of the report.
func (c *check) printf(format string, args ...any) {
	_, _ = fmt.Fprintf(c.out, format, args...)
}

func (c *check) cleanup() {
	if c.temp != "" {
		_ = os.RemoveAll(c.temp)
	}
}

func (c *check) run() error {
	start := time.Now()
	for _, w := range c.workflows {
		// Jobs the -only flags leave out are skipped unless needed.
		if len(c.only) > 0 {
			needed := map[string]bool{}
			var need func(id string)
			need = func(id string) {
				if needed[id] {
					return
				}
				needed[id] = true
				for _, j := range w.jobs {
					if j.ID == id {
						for _, n := range j.Needs {
							need(n)
						}
					}
				}
			}
			for _, j := range w.jobs {
				if c.only[w.file+":"+j.ID] {
					need(j.ID)
				}
			}
			for _, j := range w.jobs {
				if !needed[j.ID] && j.skipReason == "" {
					j.skipReason = "not asked for (-only)"
				}
			}
		}
		for _, j := range ordered(w.jobs) {
			if err := c.runJob(w, j); err != nil {
				return fmt.Errorf("%s, job %s: %w", w.file, j.ID, err)
			}
		}
	}
	goText := "the runner's Go"
	if c.goVersion != "" {
		goText = fmt.Sprintf("Go %s (%s) and GOTOOLCHAIN=go%s", c.goVersion, c.goSource, c.goVersion)
	}
	c.printf("\n=== runnercheck: every job ran as a GitHub runner would, with %s, in %s\n",
		goText, time.Since(start).Round(time.Second))
	for _, t := range c.timings {
		c.printf("%s\n", t)
	}
	return nil
}

// ordered returns the jobs in an order that runs each after those it needs,
// otherwise as written.
func ordered(jobs []*job) []*job {
	var out []*job
	placed := map[string]bool{}
	for len(out) < len(jobs) {
		progress := false
		for _, j := range jobs {
			if placed[j.ID] {
				continue
			}
			ready := true
			for _, n := range j.Needs {
				ready = ready && placed[n]
			}
			if ready {
				out = append(out, j)
				placed[j.ID] = true
				progress = true
			}
		}
		if !progress { // a cycle or an unknown need: keep the written order
			for _, j := range jobs {
				if !placed[j.ID] {
					out = append(out, j)
					placed[j.ID] = true
				}
			}
		}
	}
	return out
}

// jobRun is the state of one job while it runs.
type jobRun struct {
	w       *workflow
	j       *job
	env     map[string]string // set by setup actions and GITHUB_ENV
	path    []string          // prepended to PATH
	steps   map[string]map[string]string
	matrix  map[string]string
	dryRun  bool // only evaluate: the job is skipped
	toolDir string
	groups  []int // the process groups of the steps that ran
}

func (r *jobRun) stopLeftovers() {
	for _, pgid := range r.groups {
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
	}
}

func (c *check) runJob(w *workflow, j *job) error {
	label := fmt.Sprintf("%s / %s", w.name, j.ID)
	r := &jobRun{w: w, j: j, env: map[string]string{}, steps: map[string]map[string]string{}, dryRun: j.skipReason != ""}
	for _, n := range j.Needs {
		found := false
		for _, o := range w.jobs {
			if o.ID == n {
				found = true
				if !o.done && !r.dryRun {
					return fmt.Errorf("it needs job %s, which did not run", n)
				}
			}
		}
		if !found {
			return fmt.Errorf("it needs job %s, which %s does not have", n, w.file)
		}
	}
	if j.Strategy != nil && !r.dryRun {
		return fmt.Errorf("it has a matrix, which this check does not expand: skip it with -skip %s:%s=REASON", w.file, j.ID)
	}
	if r.dryRun {
		c.printf("\n=== %s: skipped (%s); its actions and expressions are checked\n", label, j.skipReason)
		if j.Strategy != nil {
			// Any value will do for the matrix when only checking.
			r.matrix = map[string]string{"*": "matrix-value"}
		}
	} else {
		c.printf("\n=== %s\n", label)
		dir, err := os.MkdirTemp(c.temp, "tools.")
		if err != nil {
			return err
		}
		r.toolDir = dir
	}
	if j.If != "" {
		ok, err := c.condition(r, j.If)
		if err != nil {
			return err
		}
		if !ok {
			c.printf("skipped: if: %s is false\n", j.If)
			j.done = true
			return nil
		}
	}
	start := time.Now()
	// As a runner does at the end of a job, stop what its steps left
	// running (a server started with &).
	defer r.stopLeftovers()
	for i, s := range j.Steps {
		if err := c.runStep(r, i, s); err != nil {
			return fmt.Errorf("step %q: %w", s.title(), err)
		}
	}
	j.outputs = map[string]string{}
	for k, v := range j.Outputs {
		val, err := c.expand(r, v)
		if err != nil {
			return fmt.Errorf("output %s: %w", k, err)
		}
		j.outputs[k] = val
	}
	if !r.dryRun {
		j.done = true
		c.timings = append(c.timings, fmt.Sprintf("  %-40s %s", label, time.Since(start).Round(time.Second)))
	}
	return nil
}

func (c *check) runStep(r *jobRun, i int, s step) error {
	if s.If != "" {
		ok, err := c.condition(r, s.If)
		if err != nil {
			return err
		}
		if !ok && !r.dryRun {
			c.printf("--- [%d] %s: skipped (if: %s)\n", i+1, s.title(), s.If)
			return nil
		}
	}
	with := map[string]string{}
	for k, v := range s.With {
		val, err := c.expand(r, v)
		if err != nil {
			return fmt.Errorf("with.%s: %w", k, err)
		}
		with[k] = val
	}
	env := map[string]string{}
	for _, m := range []map[string]string{r.w.env, r.j.Env, s.Env} {
		for k, v := range m {
			val, err := c.expand(r, v)
			if err != nil {
				return fmt.Errorf("env.%s: %w", k, err)
			}
			env[k] = val
		}
	}
	for k, v := range c.env {
		env[k] = v
	}
	if s.Uses != "" {
		action, _, _ := strings.Cut(s.Uses, "@")
		stand, ok := standIns[action]
		if !ok {
			return fmt.Errorf("no stand-in for the action %s: add one to tools/runnercheck", action)
		}
		if r.dryRun {
			return nil
		}
		c.printf("--- [%d] %s (stand-in)\n", i+1, s.title())
		outputs, err := stand(c, r, with)
		if err != nil {
			return err
		}
		if s.ID != "" {
			r.steps[s.ID] = outputs
		}
		return nil
	}
	script, err := c.expand(r, s.Run)
	if err != nil {
		return err
	}
	var lines []string
	for _, line := range strings.Split(script, "\n") {
		if repl, ok := c.substitutes[strings.TrimSpace(line)]; ok {
			c.printf("(substituted for the line %q: %q)\n", strings.TrimSpace(line), repl)
			line = repl
		}
		lines = append(lines, line)
	}
	script = strings.Join(lines, "\n")
	if r.dryRun {
		return nil
	}
	c.printf("--- [%d] %s\n", i+1, s.title())
	outputs, err := c.shell(r, script, env)
	if err != nil {
		return err
	}
	if s.ID != "" {
		r.steps[s.ID] = outputs
	}
	return nil
}

// shell runs a run step's script as a GitHub runner does.
func (c *check) shell(r *jobRun, script string, env map[string]string) (map[string]string, error) {
	dir, err := os.MkdirTemp(c.temp, "step.")
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(file, []byte(script+"\n"), 0o600); err != nil {
		return nil, err
	}
	outFile, envFile, pathFile := filepath.Join(dir, "output"), filepath.Join(dir, "env"), filepath.Join(dir, "path")
	for _, f := range []string{outFile, envFile, pathFile} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			return nil, err
		}
	}
	cmd := exec.CommandContext(context.Background(), "bash", "--noprofile", "--norc", "-eo", "pipefail", file) //nolint:gosec // running the workflow's step is the point
	cmd.Dir = c.root
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if c.out == os.Stdout {
		cmd.Stderr = os.Stderr
	}
	// Its own process group, so that what it leaves running can be stopped
	// with the job; a leftover holding the output does not hold the step.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = c.stepEnv(r, env, outFile, envFile, pathFile)
	err = cmd.Start()
	if err == nil {
		r.groups = append(r.groups, cmd.Process.Pid)
		err = cmd.Wait()
	}
	if err != nil {
		if c.goVersion != "" {
			return nil, fmt.Errorf("%w (Go %s, GOTOOLCHAIN=%s)", err, c.goVersion, r.env["GOTOOLCHAIN"])
		}
		return nil, fmt.Errorf("%w (GOTOOLCHAIN=%s)", err, r.env["GOTOOLCHAIN"])
	}
	outputs, err := readKeyValues(outFile)
	if err != nil {
		return nil, err
	}
	newEnv, err := readKeyValues(envFile)
	if err != nil {
		return nil, err
	}
	for k, v := range newEnv {
		r.env[k] = v
	}
	if data, err := os.ReadFile(pathFile); err == nil { //nolint:gosec // the step's GITHUB_PATH file, made here
		for _, p := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if p != "" {
				r.path = append([]string{p}, r.path...)
			}
		}
	}
	return outputs, nil
}

func (c *check) stepEnv(r *jobRun, env map[string]string, outFile, envFile, pathFile string) []string {
	vars := map[string]string{}
	for _, kv := range c.baseEnv {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	for k, v := range r.env {
		vars[k] = v
	}
	for k, v := range env {
		vars[k] = v
	}
	if len(r.path) > 0 {
		vars["PATH"] = strings.Join(r.path, string(os.PathListSeparator)) + string(os.PathListSeparator) + vars["PATH"]
	}
	vars["TOOLS_DIR"] = r.toolDir
	vars["GITHUB_OUTPUT"], vars["GITHUB_ENV"], vars["GITHUB_PATH"] = outFile, envFile, pathFile
	vars["GITHUB_EVENT_NAME"] = r.w.trigger
	out := make([]string, 0, len(vars))
	for k, v := range vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// readKeyValues reads a GITHUB_OUTPUT or GITHUB_ENV file: NAME=VALUE lines
// and NAME<<DELIMITER blocks.
func readKeyValues(file string) (map[string]string, error) {
	f, err := os.Open(file) //nolint:gosec // the step's GITHUB_OUTPUT or GITHUB_ENV file, made here
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if k, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(k, "=") {
			var val []string
			for sc.Scan() && sc.Text() != delim {
				val = append(val, sc.Text())
			}
			out[k] = strings.Join(val, "\n")
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out, sc.Err()
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// expand replaces every ${{ }} expression of s with its value.
func (c *check) expand(r *jobRun, s string) (string, error) {
	var firstErr error
	out := exprRE.ReplaceAllStringFunc(s, func(m string) string {
		v, err := c.value(r, exprRE.FindStringSubmatch(m)[1])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

// value evaluates the expressions the workflows use: contexts, string
// literals and the comparisons of conditions.
func (c *check) value(r *jobRun, expr string) (string, error) {
	expr = strings.TrimSpace(expr)
	for _, op := range []string{"==", "!="} {
		if a, b, ok := strings.Cut(expr, op); ok {
			va, err := c.value(r, a)
			if err != nil {
				return "", err
			}
			vb, err := c.value(r, b)
			if err != nil {
				return "", err
			}
			if (va == vb) == (op == "==") {
				return "true", nil
			}
			return "false", nil
		}
	}
	if len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'' {
		return strings.ReplaceAll(expr[1:len(expr)-1], "''", "'"), nil
	}
	parts := strings.Split(expr, ".")
	switch {
	case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
		outs, ok := r.steps[parts[1]]
		if !ok && !r.dryRun {
			return "", fmt.Errorf("${{ %s }}: no step %s has run", expr, parts[1])
		}
		return outs[parts[3]], nil
	case len(parts) == 4 && parts[0] == "needs" && parts[2] == "outputs":
		for _, j := range r.w.jobs {
			if j.ID == parts[1] {
				if _, declared := j.Outputs[parts[3]]; !declared {
					return "", fmt.Errorf("${{ %s }}: job %s declares no output %s", expr, parts[1], parts[3])
				}
				return j.outputs[parts[3]], nil
			}
		}
		return "", fmt.Errorf("${{ %s }}: no job %s", expr, parts[1])
	case len(parts) == 2 && parts[0] == "matrix":
		if v, ok := r.matrix[parts[1]]; ok {
			return v, nil
		}
		if v, ok := r.matrix["*"]; ok {
			return v, nil
		}
		return "", fmt.Errorf("${{ %s }}: the job has no matrix", expr)
	case len(parts) == 2 && parts[0] == "secrets":
		// No secret is here; the stand-ins and snapshot steps need none.
		return "", nil
	case len(parts) == 2 && parts[0] == "github":
		switch parts[1] {
		case "event_name":
			return r.w.trigger, nil
		case "workflow":
			return r.w.name, nil
		case "ref":
			return "refs/heads/runnercheck", nil
		}
	case strings.HasPrefix(expr, "fromJSON(") && r.dryRun:
		return "", nil
	}
	return "", errors.New("${{ " + expr + " }}: an expression this check cannot evaluate: teach tools/runnercheck")
}

func (c *check) condition(r *jobRun, expr string) (bool, error) {
	expr = strings.TrimSpace(expr)
	if m := exprRE.FindStringSubmatch(expr); m != nil && m[0] == expr {
		expr = m[1]
	}
	v, err := c.value(r, expr)
	if err != nil {
		return false, err
	}
	if r.dryRun {
		return true, nil
	}
	switch v {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, fmt.Errorf("if: %s is %q, not a condition", expr, v)
}
