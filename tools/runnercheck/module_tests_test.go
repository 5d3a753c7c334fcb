package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

const modulePath = "github.com/starfish-codes/terraform-provider-hellgate"

// TestAccDocumentedModuleTestsJob runs the GitHub Actions job that the docs
// give module authors (examples/ci/module-tests.yml, shown in docs/index.md)
// as a runner would, on the module-output example's module: go install of
// the mock at a version, the mock started and awaited, terraform init and
// terraform test against it.
//
// What a runner would fetch from the internet comes from this checkout
// instead: the mock's module is served at a version by a module proxy in a
// folder, made from this checkout as the Go module proxy would serve a
// release; the provider comes from a filesystem mirror, built from this
// checkout, in place of the Registry.
func TestAccDocumentedModuleTestsJob(t *testing.T) {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || cli == "" {
		t.Skip("runs terraform: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test does)")
	}
	if os.Getenv("TF_ACC_PROVIDER_HOST") != "" {
		t.Skip("the job runs Terraform, which finds the provider under registry.terraform.io")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()

	// The provider, in a filesystem mirror at a version that the module's
	// constraint (>= 0.1.0) admits, as the Registry would serve it.
	mirror := filepath.Join(work, "mirror")
	plugin := filepath.Join(mirror, "registry.terraform.io/starfish-codes/hellgate/0.1.0",
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-hellgate_v0.1.0")
	build := exec.CommandContext(t.Context(), "go", "build", "-trimpath", "-o", plugin, ".") //nolint:gosec // plugin is a path in the test's folder
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	// The mock's module, served by a proxy in a folder at this version.
	const version = "v0.1.0-test"
	proxy := filepath.Join(work, "proxy")
	serveModule(t, repo, proxy, version)
	goproxy := strings.TrimSpace(goEnv(t, "GOPROXY"))
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy)+","+goproxy)
	t.Setenv("GONOSUMDB", modulePath)
	// A module cache of its own, as a runner starts with: the mock comes
	// from the proxy folder, never from an earlier run's download.
	t.Setenv("GOMODCACHE", filepath.Join(work, "modcache"))
	t.Setenv("GOFLAGS", "-modcacherw")

	cliConfig := filepath.Join(work, "terraformrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/starfish-codes/hellgate"]
  }
  direct {
    exclude = ["registry.terraform.io/starfish-codes/hellgate"]
  }
}
`, mirror))
	t.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	t.Setenv("CHECKPOINT_DISABLE", "1")

	// The module author's repository: the module of the module-output
	// example, with its tests.
	workspace := filepath.Join(work, "module")
	copyTree(t, filepath.Join(repo, "examples/resources/hellgate_api_key/module-output/modules/service_key"), workspace)

	var out bytes.Buffer
	c, err := newCheck(options{
		repo:      repo,
		out:       &out,
		clis:      map[string]string{"terraform": cli},
		workflows: filepath.Join(repo, "examples/ci/module-tests.yml"),
		workspace: workspace,
		env:       []string{"HELLGATE_MOCK_VERSION=" + version},
	})
	if err == nil {
		err = c.run()
	}
	c.cleanup()
	if err != nil {
		t.Fatalf("the documented job failed: %v\n%s", err, out.String())
	}
	text := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(out.String(), "")
	for _, want := range []string{
		"--- [4] Install the Hellgate mock cluster",
		"go: downloading " + modulePath + " " + version,
		"Terraform has been successfully initialized!",
		"run \"creates_a_working_key\"... pass",
		"run \"outputs_hand_on_the_key\"... pass",
		"Success! 4 passed, 0 failed.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the job's output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "mock-admin-token") {
		t.Errorf("the job's output shows the admin token:\n%s", text)
	}
}

// serveModule writes this checkout, as module version, into a module proxy
// folder (GOPROXY=file://...), in the form the Go module proxy serves it.
func serveModule(t *testing.T, repo, proxy, version string) {
	t.Helper()
	dir := filepath.Join(proxy, modulePath, "@v")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	zf, err := os.Create(filepath.Join(dir, version+".zip")) //nolint:gosec // in the test's folder
	if err != nil {
		t.Fatal(err)
	}
	if err := modzip.CreateFromDir(zf, module.Version{Path: modulePath, Version: version}, repo); err != nil {
		t.Fatalf("zipping the module: %v", err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(repo, "go.mod")) //nolint:gosec // this repository's go.mod
	if err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]string{"Version": version, "Time": time.Now().UTC().Format(time.RFC3339)})
	writeFile(t, filepath.Join(dir, version+".mod"), string(gomod))
	writeFile(t, filepath.Join(dir, version+".info"), string(info))
	writeFile(t, filepath.Join(dir, "list"), version+"\n")
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "go", "env", name).Output() //nolint:gosec // go env of a fixed name
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil { //nolint:gosec // a path in the test's folder
		t.Fatal(err)
	}
}

// copyTree copies the files of src into dst, leaving out what terraform
// leaves behind.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		if strings.HasPrefix(d.Name(), ".terraform") || strings.HasSuffix(d.Name(), ".tfstate") {
			return nil
		}
		data, err := os.ReadFile(p) //nolint:gosec // a file of the example being copied
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600) //nolint:gosec // into the test's folder
	})
	if err != nil {
		t.Fatal(err)
	}
}
