// Setting up: building the provider and the mock, filling the filesystem
// mirror with the launcher, and Terraform's CLI configuration and
// environment.

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

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
