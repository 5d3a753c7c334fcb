// The Terraform configurations the runs use: N resources of one kind
// (terraform_data, floor_api_key or hellgate_api_key), and one that reads
// the provider's list data source, hellgate_api_keys.

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dataSourceList is the provider's list data source, timed after each apply.
const dataSourceList = "hellgate_api_keys"

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

// prepareDataSource writes and initialises a configuration that reads the
// list data source while the N keys exist.
func (b *bench) prepareDataSource(ctx context.Context, env []string, mode string, n int) (string, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("%s-%d-datasource", mode, n))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	cfg := requiredProvider("hellgate") + fmt.Sprintf("\ndata %q \"all\" {}\n", dataSourceList)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return "", err
	}
	if _, err := b.terraform(ctx, env, dir, "init", "-input=false", "-no-color"); err != nil {
		return "", err
	}
	return dir, nil
}
