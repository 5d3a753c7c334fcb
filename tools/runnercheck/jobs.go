package main

// Running the jobs: their order, their steps, and the shell a run step
// runs in.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

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
