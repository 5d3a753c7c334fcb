package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

type providerSchemas struct {
	ProviderSchemas map[string]map[string]json.RawMessage `json:"provider_schemas"`
}

func exportOurs(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	var doc providerSchemas
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	p, ok := doc.ProviderSchemas["hellgate"]
	if !ok {
		t.Fatalf("no provider named hellgate in %s", buf.String())
	}
	return p
}

// Every kind of object is exported, including those Terraform 1.8 leaves
// out: ephemeral resources, list resources, actions, identities and
// functions.
func TestExportHasEveryObject(t *testing.T) {
	p := exportOurs(t)
	for kind, name := range map[string]string{
		"resource_schemas":           "hellgate_api_key",
		"data_source_schemas":        "hellgate_api_keys",
		"ephemeral_resource_schemas": "hellgate_api_key",
		"functions":                  "scopes",
		"list_resource_schemas":      "hellgate_api_key",
		"action_schemas":             "hellgate_revoke_api_key",
		"resource_identity_schemas":  "hellgate_api_key",
	} {
		var m map[string]any
		if err := json.Unmarshal(p[kind], &m); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if _, ok := m[name]; !ok {
			t.Errorf("%s has no %s", kind, name)
		}
	}
}

// For everything Terraform itself exports, the export is identical to
// `terraform providers schema -json`, so tfplugindocs renders the same
// pages from either.
func TestExportMatchesTerraform(t *testing.T) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if os.Getenv("TF_ACC") == "" || bin == "" {
		t.Skip("needs TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test sets them)")
	}
	dir := t.TempDir()
	pluginDir := filepath.Join(dir, "plugins")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-hellgate"), "../..") //nolint:gosec // builds this module into the test's TempDir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(dir, "cli.tfrc")
	writeTestFile(t, cliConfig, `provider_installation {
  dev_overrides {
    "starfish-codes/hellgate" = "`+filepath.ToSlash(pluginDir)+`"
  }
  direct {}
}
`)
	writeTestFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    hellgate = {
      source = "starfish-codes/hellgate"
    }
  }
}
`)
	cmd := exec.CommandContext(t.Context(), bin, "-chdir="+dir, "providers", "schema", "-json") //nolint:gosec // the Terraform CLI the tests are given
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform providers schema -json: %v\n%s", err, stderr.String())
	}
	var theirs providerSchemas
	if err := json.Unmarshal(out, &theirs); err != nil {
		t.Fatal(err)
	}
	want, ok := theirs.ProviderSchemas["registry.terraform.io/starfish-codes/hellgate"]
	if !ok {
		t.Fatalf("Terraform exported no starfish-codes/hellgate schema:\n%s", out)
	}
	ours := exportOurs(t)
	for kind, raw := range want {
		var w, g any
		if err := json.Unmarshal(raw, &w); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ours[kind], &g); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s differs from Terraform's export:\nours:   %s\ntheirs: %s", kind, ours[kind], raw)
		}
	}
}

func writeTestFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
