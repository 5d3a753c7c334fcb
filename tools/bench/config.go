// The Terraform configurations the runs use: N resources of one kind
// (terraform_data, floor_api_key or hellgate_api_key), and one that reads
// the provider's list data source.

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// writeConfig writes a configuration of n resources of one kind.
func writeConfig(dir, kind string, n int) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	var cfg string
	switch kind {
	case kindBaseline:
		cfg = fmt.Sprintf(`resource "terraform_data" "k" {
  count = %d
  input = [%q]
}
`, n, keyScope)
	case kindFloor, kindHellgate:
		// floor_api_key is the floor provider's, hellgate_api_key hellgate's.
		local, _, _ := strings.Cut(kind, "_")
		cfg = requiredProvider(local) + fmt.Sprintf(`
resource %q "k" {
  count  = %d
  scopes = [%q]
}
`, kind, n, keyScope)
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600)
}

// requiredProvider is the terraform block that finds the provider called
// local in the mirror.
func requiredProvider(local string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    %s = {
      source = "starfish-codes/%s"
    }
  }
}
`, local, local)
}

// prepareDataSource finds the list data source (once) and writes and
// initialises a configuration that reads it. It returns "" when there is
// none to time.
func (b *bench) prepareDataSource(ctx context.Context, env []string, keysDir, mode string, n int) (string, error) {
	if b.opts.dataSource == "none" {
		return "", nil
	}
	if b.dsName == "" {
		name, err := b.findDataSource(ctx, env, keysDir)
		if err != nil {
			return "", err
		}
		if name == "" {
			b.dataSourceNote("the provider has no list data source (no data source named *_api_keys) yet; its requests were not measured")
			b.opts.dataSource = "none"
			return "", nil
		}
		b.dsName = name
	}
	dir := filepath.Join(b.work, fmt.Sprintf("%s-%d-datasource", mode, n))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	cfg := requiredProvider("hellgate") + fmt.Sprintf("\ndata %q \"all\" {}\n", b.dsName)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return "", err
	}
	if _, err := b.terraform(ctx, env, dir, "init", "-input=false", "-no-color"); err != nil {
		return "", err
	}
	return dir, nil
}

func (b *bench) dataSourceNote(s string) {
	if !slices.Contains(b.notes, s) {
		b.notes = append(b.notes, s)
	}
}

// findDataSource returns the data source to time: -data-source, or the one
// named *_api_keys in the provider's schema.
func (b *bench) findDataSource(ctx context.Context, env []string, keysDir string) (string, error) {
	if b.opts.dataSource != "auto" {
		return b.opts.dataSource, nil
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.opts.terraform, "-chdir="+keysDir, "providers", "schema", "-json") //nolint:gosec // G204: the Terraform CLI the user named
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform providers schema: %w", err)
	}
	var doc struct {
		ProviderSchemas map[string]struct {
			DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return "", fmt.Errorf("terraform providers schema: %w", err)
	}
	var names []string
	for name := range doc.ProviderSchemas[providerAddr].DataSourceSchemas {
		if strings.HasSuffix(name, "_api_keys") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "", nil
	}
	return names[0], nil
}
