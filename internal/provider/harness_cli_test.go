package provider

// The CLI harness: a real Terraform or OpenTofu CLI run in a working folder
// of its own against the provider, for what terraform-plugin-testing cannot
// express (modules, saved plans, interrupts, actions, queries, logs). The
// provider is served in-process, or, for tests of what Terraform's trace
// log holds, built and installed through a dev override.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// providerAddress is the provider's full registry address.
const providerAddress = "registry.terraform.io/starfish-codes/hellgate"

// openTofuProviderAddress is the address OpenTofu gives the same source,
// "starfish-codes/hellgate": its default registry is registry.opentofu.org.
const openTofuProviderAddress = "registry.opentofu.org/starfish-codes/hellgate"

// terraformCLI runs a real Terraform CLI in a working folder of its own,
// with the provider served in-process (Terraform reattaches to it instead
// of installing it) or, with trace logging, built and installed through a
// dev override. terraform-plugin-testing cannot install local modules, so
// the tests of modules and of the examples use this.
type terraformCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
	// observe, when set, sees every command run (its arguments) and what
	// it printed, for checks that hold for every command of a test.
	observe func(args []string, out string)
	// trace, when set, keeps everything every command printed, on stdout
	// and stderr, under a line naming the command; run then returns what
	// the command printed on stdout alone (stderr holds the trace log).
	trace *bytes.Buffer
}

// The provider runs in this process, so the cluster's endpoint and token
// reach it through WithEnv as HELLGATE_ENDPOINT and HELLGATE_ADMIN_TOKEN,
// not through Terraform's environment.
//
// newTerraformCLI skips the test unless acceptance tests are enabled.
func newTerraformCLI(t *testing.T, dir string, c *testCluster, opts ...Option) *terraformCLI {
	t.Helper()
	bin := acceptanceCLI(t)

	// Not t.Context(): that ends before the test's cleanups run, and a
	// cleanup registered later may still run Terraform against the server.
	ctx, cancel := context.WithCancel(context.Background()) //nolint:usetesting // see above
	reattachCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	env := map[string]string{EnvEndpoint: c.url, EnvAdminToken: c.token}
	opts = append([]Option{WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok })}, opts...)
	server := providerserver.NewProtocol6(New("test", opts...)())
	go func() {
		err := tf6server.Serve(providerAddress, server,
			tf6server.WithDebug(ctx, reattachCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard})),
			tf6server.WithLoggingSink(t),
		)
		if err != nil {
			t.Errorf("serving the provider: %v", err)
		}
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-reattachCh:
	case <-closeCh:
		t.Fatal("provider server stopped before it was ready")
	}
	t.Cleanup(func() {
		cancel()
		<-closeCh
	})

	// The same in-process server under both CLIs' addresses, so the
	// harness works with Terraform and with OpenTofu.
	attach := map[string]any{
		"Protocol":        string(rc.Protocol),
		"ProtocolVersion": rc.ProtocolVersion,
		"Pid":             rc.Pid,
		"Test":            true,
		"Addr":            map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
	}
	reattach, err := json.Marshal(map[string]any{providerAddress: attach, openTofuProviderAddress: attach})
	if err != nil {
		t.Fatal(err)
	}

	return &terraformCLI{t: t, bin: bin, dir: dir, env: cliEnv("TF_REATTACH_PROVIDERS=" + string(reattach))}
}

// newTracedCLI runs Terraform with TF_LOG=trace in a new working folder
// against the provider binary in providerDir (see buildProvider), which a
// CLI configuration of its own installs through a dev override, and keeps
// all that Terraform prints in tf.trace. Only a provider that Terraform starts
// itself has its logs in Terraform's log, as a user who turns on logging
// sees them; one served in-process logs to the test instead. env (the
// HELLGATE_* variables) reaches the provider through Terraform's
// environment.
//
// newTracedCLI skips the test unless acceptance tests are enabled.
func newTracedCLI(t *testing.T, providerDir string, env map[string]string) *terraformCLI {
	t.Helper()
	bin := acceptanceCLI(t)
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    %[1]q = %[3]q
    %[2]q = %[3]q
  }
  direct {}
}
`, providerAddress, openTofuProviderAddress, providerDir))
	extra := []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "TF_LOG=trace"}
	for k, v := range env {
		extra = append(extra, k+"="+v)
	}
	return &terraformCLI{t: t, bin: bin, dir: t.TempDir(), env: cliEnv(extra...), trace: new(bytes.Buffer)}
}

// cliEnv is the environment the CLI runs in: this process's, without
// anything that would point Terraform at another configuration, provider
// or log, or give the provider credentials, and with extra.
func cliEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_CLI_CONFIG_FILE" || name == "TF_REATTACH_PROVIDERS" ||
			strings.HasPrefix(name, "HELLGATE_") || strings.HasPrefix(name, "TF_LOG") {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"), extra...)
}

// buildProvider builds the provider binary into a new folder and returns
// the folder.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "go", "build", "-trimpath", "-o", filepath.Join(dir, "terraform-provider-hellgate"), ".") //nolint:gosec // a test's own temp folder
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// acceptanceCLI skips the test unless acceptance tests are enabled, and
// returns the CLI binary they run under.
func acceptanceCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name a Terraform CLI binary (make test sets it)")
	}
	return bin
}

// cliVersion returns the version the CLI binary bin reports in version
// -json ("1.15.9", "1.8.5-dev").
func cliVersion(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), bin, "version", "-json").Output() //nolint:gosec // the CLI named by TF_ACC_TERRAFORM_PATH
	if err != nil {
		t.Fatalf("%s version -json: %v", bin, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("parsing %s version -json: %v\n%s", bin, err, out)
	}
	return v.Version
}

// run runs terraform with args and returns its combined output (with
// trace logging, its stdout) and error.
func (tf *terraformCLI) run(args ...string) (string, error) {
	tf.t.Helper()
	cmd := exec.CommandContext(tf.t.Context(), tf.bin, append([]string{"-chdir=" + tf.dir}, args...)...) //nolint:gosec // the Terraform CLI named by TF_ACC_TERRAFORM_PATH, as terraform-plugin-testing runs it
	cmd.Env = tf.env
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if tf.trace != nil {
		cmd.Stderr = &stderr
	}
	err := cmd.Run()
	if tf.trace != nil {
		fmt.Fprintf(tf.trace, "=== terraform %s\n%s\n%s\n", strings.Join(args, " "), out.String(), stderr.String())
	}
	if tf.observe != nil {
		tf.observe(args, out.String())
	}
	return out.String(), err
}

// mustRun runs terraform and fails the test when it does not succeed,
// showing what it printed (with trace logging, the end of the log).
func (tf *terraformCLI) mustRun(args ...string) string {
	tf.t.Helper()
	out, err := tf.run(args...)
	if err != nil {
		shown := out
		if tf.trace != nil {
			shown = tailLines(tf.trace.String(), 60)
		}
		tf.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, shown)
	}
	return out
}

// tailLines returns the last n lines of s, which the caller shows on
// failure.
func tailLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}

// exitCode is the exit code of a finished command: 0 for no error, -1 for
// an error that is not an exit status.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// background is a Terraform command running in the background, to be
// interrupted as a user's Ctrl-C would.
type background struct {
	t    *testing.T
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan error
}

// start runs terraform with args in the background (not with trace
// logging: the log is kept by run alone).
func (tf *terraformCLI) start(args ...string) *background {
	tf.t.Helper()
	b := &background{t: tf.t, done: make(chan error, 1)}
	b.cmd = exec.CommandContext(tf.t.Context(), tf.bin, append([]string{"-chdir=" + tf.dir}, args...)...) //nolint:gosec // the Terraform CLI named by TF_ACC_TERRAFORM_PATH
	b.cmd.Env = tf.env
	b.cmd.Stdout, b.cmd.Stderr = &b.out, &b.out
	if err := b.cmd.Start(); err != nil {
		tf.t.Fatalf("starting terraform %s: %v", strings.Join(args, " "), err)
	}
	go func() { b.done <- b.cmd.Wait() }()
	return b
}

// interrupt sends the command one SIGINT, as one Ctrl-C does.
func (b *background) interrupt() {
	b.t.Helper()
	if err := b.cmd.Process.Signal(os.Interrupt); err != nil {
		b.t.Fatalf("interrupting terraform: %v", err)
	}
}

// wait waits for the command to end and returns its output and error.
func (b *background) wait() (string, error) {
	err := <-b.done
	return b.out.String(), err
}

// copyDir copies the folder src, recursively, into a new temporary folder.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst, err := os.OpenRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = dst.Close() }()
	from := os.DirFS(src)
	err = fs.WalkDir(from, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return fs.SkipDir
			}
			return dst.MkdirAll(p, 0o750)
		}
		if strings.HasSuffix(d.Name(), ".tfstate") || d.Name() == ".terraform.lock.hcl" {
			return nil
		}
		b, err := fs.ReadFile(from, p)
		if err != nil {
			return err
		}
		return dst.WriteFile(p, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst.Name()
}
