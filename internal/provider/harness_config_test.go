package provider

// Test configurations: the terraform and provider blocks every test root
// module starts with, written once, the key most tests manage, and the files
// a test writes into its working folder and reads back.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requiredProviders is the terraform block of a root module that uses the
// provider directly.
const requiredProviders = `terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}
`

// rootModule returns a root module for the CLI harness: the terraform
// block, a provider "hellgate" block holding providerSettings (the cluster
// and the credential come from the environment the harness sets), then body.
func rootModule(providerSettings, body string) string {
	return requiredProviders + "\n" + providerConfig(providerSettings) + "\n" + body
}

// providerConfig returns a provider "hellgate" block holding settings, one
// attribute a line.
func providerConfig(settings ...string) string {
	var b strings.Builder
	b.WriteString("provider \"hellgate\" {\n")
	for _, s := range settings {
		for line := range strings.SplitSeq(strings.TrimSpace(s), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// providerBlock configures the provider for this cluster with its admin
// token, and any further settings.
func (c *testCluster) providerBlock(settings ...string) string {
	return "\n" + providerConfig(append([]string{
		fmt.Sprintf("endpoint    = %q", c.url),
		fmt.Sprintf("admin_token = %q", c.token),
	}, settings...)...)
}

// testdataFile returns the contents of testdata/<test name>/name, where
// the test name is that of the top-level test (subtests share its files).
func testdataFile(t *testing.T, name string) string {
	t.Helper()
	top, _, _ := strings.Cut(t.Name(), "/")
	b, err := os.ReadFile(filepath.Join("testdata", top, name)) //nolint:gosec // a file of the test's own testdata
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeMainTF writes content as main.tf in dir.
func writeMainTF(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// keyAddr is the address of the key most tests manage, and keyDataAddr
// that of the data source most data-source tests read.
const (
	keyAddr     = "hellgate_api_key.test"
	keyDataAddr = "data.hellgate_api_key.test"
)

// validKeyBody is the body of a key that validates, for tests that add one
// bad attribute to it.
const validKeyBody = `scopes = ["pci:tokens:read"]`

// apiKeyConfig configures the provider for c and declares hellgate_api_key.test
// with scopes (an HCL list) and the extra lines given.
func apiKeyConfig(c *testCluster, scopes string, extra string) string {
	return c.providerBlock() + fmt.Sprintf(`
resource "hellgate_api_key" "test" {
  scopes = %s
%s
}
`, scopes, extra)
}

// cbdLifecycle is the lifecycle block of a key replaced create before destroy.
const cbdLifecycle = "  lifecycle {\n    create_before_destroy = true\n  }"

// cliKeyConfig is a root module for the CLI harness holding one key,
// hellgate_api_key.test, with body: the provider reads the cluster from
// the environment the harness sets.
func cliKeyConfig(body string) string {
	return rootModule("", "resource \"hellgate_api_key\" \"test\" {\n"+body+"\n}\n")
}

// readTestFile returns the content of the file name, which the test wrote
// or had Terraform write.
func readTestFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name) //nolint:gosec // a file in the test's own temporary folder
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeFile writes content to the file name.
func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
