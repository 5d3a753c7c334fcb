package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// standIn does here what an action does on a runner, and returns the
// action's outputs.
type standIn func(c *check, r *jobRun, with map[string]string) (map[string]string, error)

// standIns are the actions the workflows may use. An action missing here
// fails the check.
var standIns = map[string]standIn{
	// The check runs in this checkout.
	"actions/checkout": func(c *check, _ *jobRun, _ map[string]string) (map[string]string, error) {
		c.printf("this checkout\n")
		return nil, nil
	},
	"actions/setup-go":              setupGo,
	"hashicorp/setup-terraform":     setupCLI("terraform", "terraform_version", "terraform_wrapper", "TERRAFORM", "TERRAFORM_VERSION", "terraform"),
	"opentofu/setup-opentofu":       setupCLI("tofu", "tofu_version", "tofu_wrapper", "TOFU", "OPENTOFU_VERSION", "tofu"),
	"crazy-max/ghaction-import-gpg": importGPG,
}

// setupGo installs, as actions/setup-go does with go-version-file, the Go
// that the file names, and makes every later step of the job use it and
// only it: setup-go exports GOTOOLCHAIN=local; here GOTOOLCHAIN=go<version>
// has the go command fetch that release and never switch again.
//
// With go-version instead (the users' workflows in the docs), only
// "stable" is known: this machine's Go stands in for the newest release.
func setupGo(c *check, r *jobRun, with map[string]string) (map[string]string, error) {
	// setup-go puts GOPATH/bin on PATH, where go install puts programs.
	gobin := filepath.Join(c.temp, "gobin")
	if err := os.MkdirAll(gobin, 0o750); err != nil {
		return nil, err
	}
	r.env["GOBIN"] = gobin
	r.path = append([]string{gobin}, r.path...)
	file := with["go-version-file"]
	if file == "" {
		if with["go-version"] != "stable" {
			return nil, fmt.Errorf("actions/setup-go with neither go-version-file nor go-version: stable")
		}
		r.env["GOTOOLCHAIN"] = "local"
		c.printf("Go stable: this machine's Go, GOTOOLCHAIN=local\n")
		return nil, nil
	}
	version, source, err := goVersionFromFile(filepath.Join(c.root, file))
	if err != nil {
		return nil, err
	}
	if c.goVersion != "" && c.goVersion != version {
		return nil, fmt.Errorf("%s names Go %s, another job's setup-go installed %s", file, version, c.goVersion)
	}
	c.goVersion, c.goSource = version, file+"'s "+source
	r.env["GOTOOLCHAIN"] = "go" + version
	cmd := exec.CommandContext(context.Background(), "go", "version")
	cmd.Dir = c.root
	cmd.Env = c.stepEnv(r, nil, os.DevNull, os.DevNull, os.DevNull)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go version with GOTOOLCHAIN=go%s: %w\n%s", version, err, out)
	}
	c.printf("Go %s (%s %s), GOTOOLCHAIN=go%s: %s", version, file, source, version, out)
	return map[string]string{"go-version": version}, nil
}

var (
	toolchainRE = regexp.MustCompile(`(?m)^toolchain\s+go(\d+(?:\.\d+)*)\s*$`)
	goRE        = regexp.MustCompile(`(?m)^go\s+(\d+(?:\.\d+)*)\s*$`)
)

// goVersionFromFile reads a go.mod as setup-go's parseGoVersionFile does:
// the toolchain directive if there is one, else the go directive.
func goVersionFromFile(file string) (version, source string, err error) {
	data, err := os.ReadFile(file) //nolint:gosec // the go-version-file the workflow names
	if err != nil {
		return "", "", err
	}
	if m := toolchainRE.FindSubmatch(data); m != nil {
		version, source = string(m[1]), "toolchain directive"
	} else if m := goRE.FindSubmatch(data); m != nil {
		version, source = string(m[1]), "go directive"
	} else {
		return "", "", fmt.Errorf("%s has neither a toolchain nor a go directive", file)
	}
	if strings.Count(version, ".") != 2 {
		return "", "", fmt.Errorf("%s names Go %s: setup-go would take the newest %s.x, which this check cannot pin; name a release such as %s.0", file, version, version, version)
	}
	return version, source, nil
}

// setupCLI stands in for the Terraform and OpenTofu setup actions: the CLI
// of the version the step names, built into the cache folder by make (as
// make test builds it), goes on PATH.
func setupCLI(name, versionInput, wrapperInput, pathVar, versionVar, target string) standIn {
	return func(c *check, r *jobRun, with map[string]string) (map[string]string, error) {
		version := with[versionInput]
		if with[wrapperInput] != "false" {
			return nil, fmt.Errorf("%s is not false: the wrapper script changes the CLI's output, and make's targets read it", wrapperInput)
		}
		if bin := c.clis[name]; bin != "" && version == "" {
			return nil, putOnPath(c, r, name, bin)
		}
		// No version is the newest release: the main CLI here.
		makeArgs := []string{"-s", "--no-print-directory"}
		if version != "" {
			makeArgs = append(makeArgs, versionVar+"="+version)
		}
		// The setup action needs no Go: make builds the CLI with this
		// machine's environment, not the runner's Go.
		env := append([]string(nil), c.baseEnv...)
		build := exec.CommandContext(context.Background(), "make", append(makeArgs, target)...) //nolint:gosec // make, with a version the workflow names
		build.Dir, build.Env, build.Stdout, build.Stderr = c.repo, env, c.out, c.out
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("make %s %s: %w", target, strings.Join(makeArgs[2:], " "), err)
		}
		printCmd := exec.CommandContext(context.Background(), "make", append(makeArgs, "print-"+pathVar)...) //nolint:gosec // as above
		printCmd.Dir, printCmd.Env = c.repo, env
		out, err := printCmd.Output()
		if err != nil {
			return nil, fmt.Errorf("make print-%s: %w", pathVar, err)
		}
		return nil, putOnPath(c, r, name, strings.TrimSpace(string(out)))
	}
}

// putOnPath puts bin on the job's PATH as name.
func putOnPath(c *check, r *jobRun, name, bin string) error {
	dir, err := os.MkdirTemp(c.temp, name+".")
	if err != nil {
		return err
	}
	if err := os.Symlink(bin, filepath.Join(dir, name)); err != nil {
		return err
	}
	r.path = append([]string{dir}, r.path...)
	c.printf("%s on PATH: %s\n", name, bin)
	return nil
}

// importGPG stands in for the signing key's import: the release job's make
// step runs here as make release-check, which signs with a throwaway key of
// its own.
func importGPG(c *check, _ *jobRun, _ map[string]string) (map[string]string, error) {
	c.printf("no signing key here: make release-check signs with a throwaway key\n")
	return map[string]string{"fingerprint": ""}, nil
}
