// Setting up: building the providers (hellgate and the floor) and the mock,
// filling the filesystem mirror with the launcher, and Terraform's CLI configuration and
// environment.

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// plugin is a provider that Terraform starts through the launcher: built
// into the bin folder under name, and found in the mirror at addr.
type plugin struct {
	addr    string
	name    string
	pkg     string // what go build builds
	ldflags string
	fromSrc bool // built from -src (the provider measured), else from the repository
}

// plugins are the providers in the mirror: hellgate, and the floor it is
// measured against (always the repository's, whatever -src says).
var plugins = []plugin{
	{providerAddr, "terraform-provider-hellgate", ".", "-s -w -X main.version=bench", true},
	{floorAddr, "terraform-provider-floor", "./tools/bench/floor", "-s -w", false},
}

// setUp builds the providers and the mock, fills the filesystem mirror with
// the launcher and writes the CLI configuration.
func (b *bench) setUp(ctx context.Context) error {
	bin := filepath.Join(b.work, "bin")
	b.rusageDir = filepath.Join(b.work, "rusage")
	for _, d := range []string{bin, b.rusageDir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return err
		}
	}

	fmt.Println("bench: building the providers and the mock")
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var addrs []string
	for _, p := range plugins {
		dir := b.repo
		if p.fromSrc {
			dir = b.root
		}
		if err := goCmd(ctx, dir, "build", "-trimpath", "-ldflags", p.ldflags, "-o", filepath.Join(bin, p.name), p.pkg); err != nil {
			return err
		}
		mirrored := filepath.Join(b.work, "mirror", p.addr, mirrorVersion, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(mirrored, 0o750); err != nil {
			return err
		}
		if err := copyFile(self, filepath.Join(mirrored, p.name+"_v"+mirrorVersion)); err != nil {
			return err
		}
		addrs = append(addrs, strconv.Quote(p.addr))
	}
	if err := goCmd(ctx, b.root, "build", "-trimpath", "-o", filepath.Join(bin, "hellgate-mock"), "./internal/cmd/hellgate-mock"); err != nil {
		return err
	}

	rc := filepath.Join(b.work, "terraformrc")
	list := strings.Join(addrs, ", ")
	cfg := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%s]
  }
  direct {
    exclude = [%s]
  }
}
`, filepath.Join(b.work, "mirror"), list, list)
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
		envProviderDir+"="+bin,
		envRusageDir+"="+b.rusageDir,
	)
	return nil
}

// goCmd runs one go command in dir.
func goCmd(ctx context.Context, dir string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...) //nolint:gosec // G204: fixed go build commands
	cmd.Dir = dir
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
