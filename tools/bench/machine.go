// The machine the benchmark ran on: CPUs, memory, Go and Terraform versions
// and the load average.

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the benchmark ran.
type machine struct {
	cpus      int
	cpuModel  string
	memory    string
	goVersion string
	terraform string
	loadStart string
	loadEnd   string
	date      time.Time
	took      time.Duration
}

func describeMachine(ctx context.Context, terraform string) machine {
	m := machine{
		cpus:      runtime.NumCPU(),
		goVersion: runtime.Version(),
		loadStart: loadAverage(),
		date:      time.Now().UTC(),
		cpuModel:  procField("/proc/cpuinfo", "model name"),
		memory:    "unknown",
		terraform: "unknown",
	}
	if kb, err := strconv.ParseFloat(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"), 64); err == nil {
		m.memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, terraform, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/dev/null")
	if out, err := cmd.Output(); err == nil {
		m.terraform = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	}
	return m
}

// procField returns the value of the first "name: value" line of a /proc
// file, or "".
func procField(file, name string) string {
	f, err := os.Open(file) //nolint:gosec // G304: a fixed /proc file
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
