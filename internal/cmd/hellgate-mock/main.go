// Command hellgate-mock serves the mock Hellgate Guardian cluster of package
// mockcluster on a local port, for trying the provider by hand and for
// end-to-end tests.
//
//	go run ./internal/cmd/hellgate-mock --addr 127.0.0.1:0
//
// When it is ready, the first line on stdout is exactly
// "listening on http://HOST:PORT". SIGINT or SIGTERM shut it down cleanly.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// tokenEnv is the environment variable that may hold the admin token.
const tokenEnv = "HELLGATE_MOCK_ADMIN_TOKEN" //nolint:gosec // the name of a variable, not a credential

// shutdownTimeout bounds how long a shutdown waits for requests in flight.
const shutdownTimeout = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, errUsage):
		// The problem has been printed to stderr already.
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "hellgate-mock:", err)
		os.Exit(1)
	}
}

// errUsage marks an error in the command line.
var errUsage = errors.New("usage error")

// config is the parsed command line.
type config struct {
	addr       string
	adminToken string
	generated  bool // adminToken was generated and must be shown
	opts       mockcluster.Options
	quiet      bool
}

// parseFlags parses and validates the command line. getenv reads the
// environment, so that tests can supply their own.
func parseFlags(args []string, stderr io.Writer, getenv func(string) string) (config, error) {
	var c config
	fs := flag.NewFlagSet("hellgate-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), `Usage: hellgate-mock [flags]

Serves a mock Hellgate Guardian cluster (the API-key endpoints under
/api/admin/api-keys, plus GET /_mock/stats for the admin token) until
SIGINT or SIGTERM. The first line on stdout is "listening on http://HOST:PORT".

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8089", "`host:port` to listen on; port 0 picks a free port")
	fs.StringVar(&c.adminToken, "admin-token", "",
		"admin `token` accepted in the x-admin-token header (default: $"+tokenEnv+", else a random token printed on stdout)")
	fs.StringVar(&c.opts.StateFile, "state-file", "",
		"`file` that keeps keys across restarts (JSON lines), loaded at start; each change is appended and synced, and the file is compacted from time to time; "+
			"it is locked (by FILE.lock beside the file itself, symbolic links resolved, removed at exit), so a second mock on it, by whatever path, refuses to start (default: memory only)")
	fs.Float64Var(&c.opts.Faults.ErrorRate, "error-rate", 0, "`probability` (0..1) of answering a request to /api with a 500, 502, 503 or 504 without doing anything")
	fs.Float64Var(&c.opts.Faults.ThrottleRate, "throttle-rate", 0, "`probability` (0..1) of answering a request to /api with 429 and Retry-After without doing anything")
	fs.Float64Var(&c.opts.Faults.DropRate, "drop-rate", 0, "`probability` (0..1) of doing a request to /api and then closing the connection without an answer")
	fs.DurationVar(&c.opts.Faults.ThrottleRetryAfter, "throttle-retry-after", time.Second, "Retry-After of throttled answers, rounded up to whole seconds")
	fs.DurationVar(&c.opts.Faults.Latency, "latency", 0, "`delay` added to every request to /api, e.g. 200ms")
	fs.Int64Var(&c.opts.Faults.Seed, "seed", 0, "`seed` of the fault injection's random source; the same seed repeats the same faults")
	var script string
	fs.StringVar(&script, "fault-script", "",
		"comma-separated fault `steps` for the first requests to /api, one step per request, before the rates apply: "+
			"pass, drop (do the request, then close the connection without an answer), throttle (429), or a status 400-599 (answered without doing anything); "+
			"step*N repeats a step, e.g. drop,throttle*6 (a create made with its answer lost, then six 429s)")
	fs.BoolVar(&c.quiet, "quiet", false, "do not log requests to stderr (the log never contains secrets)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, fmt.Errorf("%w: %w", errUsage, err)
	}
	fail := func(format string, args ...any) (config, error) {
		err := fmt.Errorf(format, args...)
		_, _ = fmt.Fprintf(stderr, "hellgate-mock: %v\nRun 'hellgate-mock --help' for usage.\n", err)
		return c, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments: %q", fs.Args())
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"error-rate", c.opts.Faults.ErrorRate}, {"throttle-rate", c.opts.Faults.ThrottleRate}, {"drop-rate", c.opts.Faults.DropRate}} {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fail("--%s must be between 0 and 1, got %v", r.name, r.v)
		}
	}
	if c.opts.Faults.ThrottleRetryAfter < 0 {
		return fail("--throttle-retry-after must not be negative, got %s", c.opts.Faults.ThrottleRetryAfter)
	}
	if c.opts.Faults.Latency < 0 {
		return fail("--latency must not be negative, got %s", c.opts.Faults.Latency)
	}
	steps, err := mockcluster.ParseFaultScript(script)
	if err != nil {
		return fail("--fault-script: %w", err)
	}
	c.opts.Faults.Script = steps
	tokenSet := false
	fs.Visit(func(f *flag.Flag) { tokenSet = tokenSet || f.Name == "admin-token" })
	switch {
	case tokenSet && c.adminToken == "":
		return fail("--admin-token must not be empty")
	case tokenSet:
	case getenv(tokenEnv) != "":
		c.adminToken = getenv(tokenEnv)
	default:
		c.adminToken = generateToken()
		c.generated = true
	}
	c.opts.AdminToken = c.adminToken
	return c, nil
}

// generateToken returns a random admin token with 256 bits of entropy.
func generateToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "mock_admin_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// run serves the mock until ctx ends, then shuts it down and returns nil.
// It reads the admin token from the environment when no flag gives one.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	c, err := parseFlags(args, stderr, os.Getenv)
	if err != nil {
		return err
	}
	if !c.quiet {
		c.opts.Logger = log.New(stderr, "hellgate-mock: ", log.LstdFlags|log.Lmicroseconds)
	}
	mock, err := mockcluster.New(c.opts)
	if err != nil {
		return err
	}
	// Closing the mock releases its state file's lock for the next one.
	defer func() { err = errors.Join(err, mock.Close()) }()
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           mock,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(stderr, "hellgate-mock: http: ", log.LstdFlags),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// The first line tells a waiting script where to connect; without it
	// nobody can use the server, so failing to write it is fatal.
	if err := announce(stdout, ln.Addr(), c); err != nil {
		_ = srv.Close()
		return fmt.Errorf("write to stdout: %w", err)
	}
	if c.opts.Logger != nil {
		c.opts.Logger.Printf("serving %d keys; state file %s", len(mock.Keys()), orNone(c.opts.StateFile))
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if c.opts.Logger != nil {
		c.opts.Logger.Print("shutting down")
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// announce prints the listening line and, when it was generated, the admin
// token, and flushes stdout if it buffers.
func announce(stdout io.Writer, addr net.Addr, c config) error {
	if _, err := fmt.Fprintf(stdout, "listening on http://%s\n", displayAddr(addr)); err != nil {
		return err
	}
	if c.generated {
		if _, err := fmt.Fprintf(stdout, "admin token: %s\n", c.adminToken); err != nil {
			return err
		}
	}
	if f, ok := stdout.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// displayAddr is the address to print: the bound one, with an unspecified
// IP (0.0.0.0, ::) replaced by localhost, which one can connect to.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	if _, err := strconv.Atoi(port); err != nil {
		return a.String()
	}
	return net.JoinHostPort(host, port)
}

func orNone(s string) string {
	if s == "" {
		return "none (memory only)"
	}
	return s
}
