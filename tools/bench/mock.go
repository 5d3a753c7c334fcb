// The mock cluster's process: starting and stopping it, and reading its
// request counts and CPU time.

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

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
