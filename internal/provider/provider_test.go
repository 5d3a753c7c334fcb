package provider

// TestMain: the environment every test of the package runs in.

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// Some machines point TF_CLI_CONFIG_FILE at a file that does not exist;
	// Terraform then prints a warning before its version, which the test
	// framework cannot parse.
	if p := os.Getenv("TF_CLI_CONFIG_FILE"); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // only asks whether the CLI configuration the environment names exists
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}
