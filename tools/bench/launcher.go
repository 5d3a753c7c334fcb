// The launcher: the benchmark's own binary standing in for each provider in
// the mirror (hellgate and the floor), so that it can record each provider
// process's peak memory and CPU time.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A provider's peak memory is measured by a launcher: the benchmark copies
// its own binary into the filesystem mirror under each provider's name, so
// that Terraform starts it as the plugin. Seeing envProviderDir, it runs the
// real provider of that name from that folder as its child, with the same
// arguments, standard streams and environment (the go-plugin handshake
// passes through untouched), waits for it, and writes the child's rusage
// (ru_maxrss: the peak resident set size, as the kernel counts it, exactly,
// however short the peak; and the CPU time) to a file in envRusageDir.
// Polling /proc/<pid>/status for VmHWM would work as well but can miss the
// last moments of a short-lived process.
const (
	envProviderDir = "HELLGATE_BENCH_PROVIDER_DIR" // folder of the real provider binaries
	envRusageDir   = "HELLGATE_BENCH_RUSAGE_DIR"   // where each provider process's usage is written
)

// usage is what the launcher records about one provider process.
type usage struct {
	MaxRSSKiB int64   `json:"max_rss_kib"`
	UserSec   float64 `json:"user_sec"`
	SysSec    float64 `json:"sys_sec"`
}

// isLauncher reports whether this process was started by Terraform as the
// provider plugin.
func isLauncher() bool {
	return os.Getenv(envProviderDir) != "" &&
		strings.HasPrefix(filepath.Base(os.Args[0]), "terraform-provider-")
}

// runLauncher runs the real provider and records its usage. It returns the
// exit code to use.
func runLauncher() int {
	// The mirror names a provider terraform-provider-NAME_vVERSION; the
	// real one is terraform-provider-NAME in envProviderDir.
	name, _, _ := strings.Cut(filepath.Base(os.Args[0]), "_v")
	real := filepath.Join(os.Getenv(envProviderDir), name)
	// No context: the provider's life is Terraform's to end, not ours.
	cmd := exec.CommandContext(context.Background(), real, os.Args[1:]...) //nolint:gosec // G204: a provider the benchmark built
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr

	// Terraform may signal its plugins (Ctrl-C); hand signals on to the
	// provider rather than dying first and orphaning it. Caught (not
	// ignored) signals revert to their defaults in the child.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench launcher:", err)
		return 1
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	signal.Stop(sigs)

	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
		if code < 0 {
			code = 1
		}
	case err != nil:
		fmt.Fprintln(os.Stderr, "bench launcher:", err)
		return 1
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		writeUsage(usage{
			MaxRSSKiB: ru.Maxrss, // KiB on Linux
			UserSec:   float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6,
			SysSec:    float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6,
		})
	}
	return code
}

func writeUsage(u usage) {
	dir := os.Getenv(envRusageDir)
	if dir == "" {
		return
	}
	b, err := json.Marshal(u)
	if err != nil {
		return
	}
	name := filepath.Join(dir, strconv.Itoa(os.Getpid())+".json")
	if err := os.WriteFile(name, b, 0o600); err != nil { //nolint:gosec // G703: a folder the benchmark made
		fmt.Fprintln(os.Stderr, "bench launcher:", err)
	}
}

// collectUsage reads and removes every usage file in dir: the provider
// processes of one Terraform run (Terraform may start the provider more
// than once per command). It returns the largest peak and the total CPU.
func collectUsage(dir string) (maxRSSKiB int64, cpuSec float64, procs int, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(p) //nolint:gosec // G304: a file the launcher wrote
		if err != nil {
			return 0, 0, 0, err
		}
		var u usage
		if err := json.Unmarshal(b, &u); err != nil {
			return 0, 0, 0, fmt.Errorf("%s: %w", p, err)
		}
		if err := os.Remove(p); err != nil {
			return 0, 0, 0, err
		}
		maxRSSKiB = max(maxRSSKiB, u.MaxRSSKiB)
		cpuSec += u.UserSec + u.SysSec
		procs++
	}
	return maxRSSKiB, cpuSec, procs, nil
}
