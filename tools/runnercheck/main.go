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
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
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
