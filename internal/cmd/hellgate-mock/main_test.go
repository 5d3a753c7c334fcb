package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// childArgsEnv, when set, makes the test binary run as the command itself
// with these arguments (one a line), so that a test can run mocks in
// processes of their own.
const childArgsEnv = "HELLGATE_MOCK_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgsEnv); args != "" {
		os.Args = append([]string{"hellgate-mock"}, strings.Split(args, "\n")...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child returns the command that runs the mock with args in a process of
// its own, killed when ctx ends.
func child(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0]) //nolint:gosec // the test binary itself
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(args, "\n"))
	return cmd
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started is a run in progress.
type started struct {
	lines  chan string // stdout, line by line
	stderr *syncBuffer
	done   chan struct{} // closed when run has returned
	err    error         // what run returned, once done is closed
	cancel context.CancelFunc
}

// start runs the command in the background.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	s := &started{lines: make(chan string, 16), stderr: &syncBuffer{}, done: make(chan struct{}), cancel: cancel}
	go func() {
		s.err = run(ctx, args, pw, s.stderr)
		_ = pw.Close()
		close(s.done)
	}()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
		}
	})
	return s
}

// line returns the next stdout line.
func (s *started) line(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-s.lines:
		if !ok {
			t.Fatalf("stdout closed; stderr: %s", s.stderr.String())
		}
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("no line on stdout within 10s")
	}
	return ""
}

// listening reads the next stdout line, which must be the listening line,
// and returns its submatches (the URL first).
func (s *started) listening(t *testing.T) []string {
	t.Helper()
	m := listeningRE.FindStringSubmatch(s.line(t))
	if m == nil {
		t.Fatal("first line is not the listening line")
	}
	return m
}

// stop cancels the run and returns its error.
func (s *started) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case <-s.done:
		return s.err
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return within 10s of cancellation")
	}
	return nil
}

var listeningRE = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:(\d+))$`)

// get sends a GET with an admin token and returns the status, the headers
// and the body.
func get(t *testing.T, url, token string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("x-admin-token", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, body
}

func TestRunServesAndShutsDown(t *testing.T) {
	t.Setenv(tokenEnv, "")
	s := start(t, "--addr", "127.0.0.1:0", "--admin-token", "secret-token")
	first := s.line(t)
	m := listeningRE.FindStringSubmatch(first)
	if m == nil || m[2] == "0" {
		t.Fatalf("first line %q, want listening on http://127.0.0.1:PORT", first)
	}
	base := m[1]

	status, header, body := get(t, base+"/api/admin/api-keys", "secret-token")
	if status != 200 || header.Get("X-Request-Id") == "" {
		t.Fatalf("list: %d %s", status, body)
	}
	status, _, body = get(t, base+"/_mock/stats", "secret-token")
	var stats map[string]any
	if status != 200 || json.Unmarshal(body, &stats) != nil {
		t.Fatalf("stats: %d %s", status, body)
	}
	if status, _, _ := get(t, base+"/api/admin/api-keys", "wrong"); status != 401 {
		t.Errorf("wrong token: %d", status)
	}

	if err := s.stop(t); err != nil {
		t.Fatalf("run returned %v after cancellation, want nil", err)
	}
	// The port is released.
	d := net.Dialer{Timeout: time.Second}
	if conn, err := d.DialContext(t.Context(), "tcp", strings.TrimPrefix(base, "http://")); err == nil {
		_ = conn.Close()
		t.Error("still accepting connections after shutdown")
	}
	// The request log went to stderr, without the token.
	log := s.stderr.String()
	if !strings.Contains(log, "GET /api/admin/api-keys 200") {
		t.Errorf("request log lacks the list request:\n%s", log)
	}
	if strings.Contains(log, "secret-token") {
		t.Error("the log contains the admin token")
	}
}

func TestRunGeneratesToken(t *testing.T) {
	t.Setenv(tokenEnv, "")
	s := start(t, "--addr", "127.0.0.1:0", "--quiet")
	m := s.listening(t)
	second := s.line(t)
	token, ok := strings.CutPrefix(second, "admin token: ")
	if !ok || len(token) < 32 {
		t.Fatalf("second line %q, want the generated admin token", second)
	}
	if status, _, _ := get(t, m[1]+"/_mock/stats", token); status != 200 {
		t.Errorf("generated token: %d", status)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if got := s.stderr.String(); got != "" {
		t.Errorf("--quiet, yet stderr has %q", got)
	}
}

func TestRunTokenFromEnvironment(t *testing.T) {
	t.Setenv(tokenEnv, "env-token")
	s := start(t, "--addr", "127.0.0.1:0", "--quiet")
	m := s.listening(t)
	if status, _, _ := get(t, m[1]+"/_mock/stats", "env-token"); status != 200 {
		t.Errorf("token from the environment: %d", status)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	// No token line: stdout ends after the first line.
	if l, ok := <-s.lines; ok {
		t.Errorf("unexpected stdout line %q", l)
	}
}

func TestRunStateFileAndFaults(t *testing.T) {
	t.Setenv(tokenEnv, "")
	file := filepath.Join(t.TempDir(), "state.json")
	s := start(t, "--addr", "127.0.0.1:0", "--admin-token", "t", "--state-file", file,
		"--throttle-rate", "1", "--throttle-retry-after", "3s", "--seed", "5", "--quiet")
	m := s.listening(t)
	status, header, _ := get(t, m[1]+"/api/admin/api-keys", "t")
	if status != 429 || header.Get("Retry-After") != "3" {
		t.Errorf("throttled: %d Retry-After %q", status, header.Get("Retry-After"))
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestRunFaultScript(t *testing.T) {
	t.Setenv(tokenEnv, "")
	s := start(t, "--addr", "127.0.0.1:0", "--admin-token", "t", "--fault-script", "throttle,503*2", "--error-rate", "0", "--quiet")
	m := s.listening(t)
	var got []int
	for range 4 {
		status, _, _ := get(t, m[1]+"/api/admin/api-keys", "t")
		got = append(got, status)
	}
	if want := []int{429, 503, 503, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestRunAddressInUse(t *testing.T) {
	ln, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	err = run(t.Context(), []string{"--addr", ln.Addr().String(), "--admin-token", "t", "--quiet"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("run on a busy port: %v", err)
	}
}

func TestRunCorruptStateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(file, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--admin-token", "t", "--state-file", file}, io.Discard, io.Discard)
	if err == nil {
		t.Error("run accepted a corrupt state file")
	}
}

func TestFlagValidation(t *testing.T) {
	tests := [][]string{
		{"--error-rate", "1.5"},
		{"--error-rate", "-0.1"},
		{"--error-rate", "NaN"},
		{"--throttle-rate", "2"},
		{"--drop-rate", "-1"},
		{"--drop-rate", "half"},
		{"--latency", "abc"},
		{"--latency", "-1s"},
		{"--throttle-retry-after", "-1s"},
		{"--throttle-retry-after", "5"},
		{"--seed", "x"},
		{"--fault-script", "boom"},
		{"--fault-script", "drop*0"},
		{"--admin-token", ""},
		{"--no-such-flag"},
		{"extra-argument"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			var stdout bytes.Buffer
			err := run(t.Context(), append([]string{"--addr", "127.0.0.1:0"}, args...), &stdout, &stderr)
			if !errors.Is(err, errUsage) {
				t.Errorf("err = %v, want a usage error", err)
			}
			if msg := stderr.String(); !strings.Contains(msg, "Usage: hellgate-mock") && !strings.Contains(msg, "--help") {
				t.Errorf("no usage or hint on stderr: %s", msg)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"--help"}, io.Discard, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	help := stderr.String()
	for _, name := range []string{"addr", "admin-token", "state-file", "error-rate", "throttle-rate", "drop-rate",
		"throttle-retry-after", "latency", "seed", "fault-script", "drop,throttle*6", "quiet", tokenEnv, "listening on http://HOST:PORT", "127.0.0.1:8089"} {
		if !strings.Contains(help, name) {
			t.Errorf("help does not mention %q:\n%s", name, help)
		}
	}
}

func TestDisplayAddr(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:80": "127.0.0.1:80",
		"0.0.0.0:80":   "localhost:80",
		"[::]:80":      "localhost:80",
		"[::1]:80":     "[::1]:80",
	} {
		addr, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := displayAddr(addr); got != want {
			t.Errorf("displayAddr(%s) = %s, want %s", in, got, want)
		}
	}
}

// A second mock on the state file of a running one, in another process,
// refuses to start, also through a symbolic link to the file: it exits
// with status 1 and an error naming the file, before it listens. Once the first stops (SIGINT), the next mock starts
// on the file and serves the key the first made.
func TestRunStateFileLockedAcrossProcesses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("stops the first mock with SIGINT")
	}
	t.Setenv(tokenEnv, "")
	file := filepath.Join(t.TempDir(), "state.json")
	args := []string{"--addr", "127.0.0.1:0", "--admin-token", "t", "--state-file", file, "--quiet"}

	first := child(t.Context(), args...)
	out, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var firstErr syncBuffer
	first.Stderr = &firstErr
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Process.Kill(); _ = first.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	m := listeningRE.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
	if m == nil {
		t.Fatalf("first mock: %q, %v; stderr: %s", line, err, firstErr.String())
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, m[1]+"/api/admin/api-keys",
		strings.NewReader(`{"scopes":["pci:tokens:read"]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-admin-token", "t")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create in the first mock: %d", res.StatusCode)
	}

	// A second mock that starts serves until killed: give it 10 seconds.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	second := child(ctx, args...)
	var stdout, stderr bytes.Buffer
	second.Stdout, second.Stderr = &stdout, &stderr
	err = second.Run()
	var exit *exec.ExitError
	if ctx.Err() != nil || !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second mock on the same state file: %v, want exit status 1 at once; stdout: %s", err, stdout.String())
	}
	if want := "hellgate-mock: mockcluster: state file " + file + " is in use by another mock"; !strings.Contains(stderr.String(), want) {
		t.Errorf("second mock's stderr: %s\nwant it to contain %q", stderr.String(), want)
	}
	if stdout.Len() != 0 {
		t.Errorf("second mock's stdout: %q, want nothing (it must not listen)", stdout.String())
	}
	// Nor does one reach the file through a symbolic link.
	link := filepath.Join(filepath.Dir(file), "link.json")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	linked := child(ctx, "--addr", "127.0.0.1:0", "--admin-token", "t", "--state-file", link, "--quiet")
	stdout.Reset()
	stderr.Reset()
	linked.Stdout, linked.Stderr = &stdout, &stderr
	err = linked.Run()
	if ctx.Err() != nil || !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second mock through a symbolic link to the state file: %v, want exit status 1 at once; stdout: %s", err, stdout.String())
	}
	if want := "hellgate-mock: mockcluster: state file " + link + " is in use by another mock"; !strings.Contains(stderr.String(), want) {
		t.Errorf("linked mock's stderr: %s\nwant it to contain %q", stderr.String(), want)
	}

	if err := first.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first mock after SIGINT: %v; stderr: %s", err, firstErr.String())
	}
	next := start(t, args...)
	m = listeningRE.FindStringSubmatch(next.line(t))
	if m == nil {
		t.Fatalf("the mock after the first stopped did not start; stderr: %s", next.stderr.String())
	}
	status, _, body := get(t, m[1]+"/_mock/stats", "t")
	if status != http.StatusOK || !strings.Contains(string(body), `"live_keys":1`) {
		t.Errorf("stats of the next mock: %d %s, want the first mock's key", status, body)
	}
	if err := next.stop(t); err != nil {
		t.Fatal(err)
	}
}
