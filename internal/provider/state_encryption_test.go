package provider

// OpenTofu's state and plan encryption keeps key_value off disk in clear
// text: the configuration of the guide (examples/guides/state-encryption)
// is applied, planned again and destroyed under OpenTofu, and every state
// and plan file it writes is searched for the key's secret, as written and
// unzipped. Without encryption the same search finds it, which shows that
// the search would.

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const stateEncryptionExample = "../../examples/guides/state-encryption"

// skipUnlessOpenTofu skips the test unless TF_ACC_TERRAFORM_PATH is
// OpenTofu: Terraform has no state encryption.
func skipUnlessOpenTofu(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	out, err := exec.CommandContext(t.Context(), bin, "version").Output() //nolint:gosec // the CLI named by TF_ACC_TERRAFORM_PATH
	if err != nil {
		t.Fatalf("%s version: %v", bin, err)
	}
	if !strings.Contains(string(out), "OpenTofu") {
		first, _, _ := strings.Cut(string(out), "\n")
		t.Skipf("state encryption is an OpenTofu feature; %s is %s (run under OpenTofu: make testacc-tofu)", filepath.Base(bin), first)
	}
}

// secretsIn returns where in the file b any of secrets appears in clear
// text: in the bytes as written, in any entry of b as a zip archive (a plan
// file), or in the ciphertext of b as OpenTofu's encryption envelope.
func secretsIn(t *testing.T, b []byte, secrets ...string) []string {
	t.Helper()
	var found []string
	look := func(where string, data []byte) {
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				found = append(found, where)
			}
		}
	}
	look("the bytes as written", b)
	if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		for _, f := range zr.File {
			look("zip entry "+f.Name, zipEntry(t, f))
		}
	}
	var envelope struct {
		Data []byte `json:"encrypted_data"`
	}
	if json.Unmarshal(b, &envelope) == nil {
		look("the encrypted data", envelope.Data)
	}
	return found
}

// encryptedEnvelope fails the test unless b is OpenTofu's encryption
// envelope: JSON with encrypted_data and encryption_version, and not a
// zip archive.
func encryptedEnvelope(t *testing.T, what string, b []byte) {
	t.Helper()
	var envelope struct {
		Data    []byte `json:"encrypted_data"`
		Version string `json:"encryption_version"`
	}
	if err := json.Unmarshal(b, &envelope); err != nil || len(envelope.Data) == 0 || envelope.Version == "" {
		t.Errorf("%s is not encrypted (no encrypted_data and encryption_version, %v): %.120q", what, err, b)
		return
	}
	if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
		t.Errorf("%s is a readable zip archive, not an encrypted one", what)
	}
	t.Logf("%s: %d bytes, an encryption envelope (encryption_version %q) around %d bytes of ciphertext", what, len(b), envelope.Version, len(envelope.Data))
}

func TestAccStateEncryption_openTofu(t *testing.T) {
	skipUnlessOpenTofu(t)
	t.Parallel()

	// Without encryption, the state file and the saved plan (inside its
	// zip archive) hold key_value in clear text.
	t.Run("unencrypted", func(t *testing.T) {
		t.Parallel()
		c := newTestCluster(t)
		tf := initCLI(t, c, cliKeyConfig(`  scopes = ["pci:tokens:read"]`))
		tf.mustApply()
		secret := onlyKey(t, c).KeyValue
		if found := secretsIn(t, readTestFile(t, filepath.Join(tf.dir, "terraform.tfstate")), secret); len(found) == 0 {
			t.Error("the unencrypted state file does not hold key_value: the search finds nothing, so it proves nothing")
		}
		tf.mustPlan("-out=second.tfplan")
		found := secretsIn(t, readTestFile(t, filepath.Join(tf.dir, "second.tfplan")), secret)
		if len(found) == 0 {
			t.Error("the unencrypted plan file does not hold key_value: the search finds nothing, so it proves nothing")
		}
		t.Logf("unencrypted: key_value found in the plan file's %v", found)
		tf.mustDestroy()
	})

	t.Run("encrypted", func(t *testing.T) {
		t.Parallel()
		c := newTestCluster(t)
		dir := copyDir(t, stateEncryptionExample)
		setUpExample(t, dir, string(readTestFile(t, filepath.Join(dir, "main.tofu"))), c.url)
		tf := newTerraformCLI(t, dir, c)
		const passphrase = "correct-horse-battery-staple-7f3a"
		tf.env = append(tf.env, "TF_VAR_state_passphrase="+passphrase)
		statePath, planPath := filepath.Join(dir, "terraform.tfstate"), filepath.Join(dir, "create.tfplan")

		tf.mustInit()
		tf.mustPlan("-out=create.tfplan")
		encryptedEnvelope(t, "the saved plan of the create", readTestFile(t, planPath))
		tf.mustApplyPlan("create.tfplan")
		key := onlyKey(t, c)

		// The state OpenTofu reads back holds the secret ...
		if !strings.Contains(tf.mustRun("show", "-json"), key.KeyValue) {
			t.Fatal("the decrypted state does not hold key_value: the searches below would prove nothing")
		}
		if got := strings.TrimSpace(tf.mustRun("output", "-raw", "checkout_key_id")); got != key.ID {
			t.Errorf("output checkout_key_id = %q, want %q", got, key.ID)
		}
		// ... and the file on disk does not.
		state := readTestFile(t, statePath)
		encryptedEnvelope(t, "the state file", state)
		if found := secretsIn(t, state, key.KeyValue); len(found) > 0 {
			t.Errorf("the encrypted state file holds key_value in %v", found)
		}
		if bytes.Contains(state, []byte(key.ID)) {
			t.Error("the encrypted state file holds the key's id in clear text")
		}

		// A second plan, saved: empty, and its file (which carries the state
		// with key_value) is encrypted as well.
		tf.planIsEmpty("-out=second.tfplan")
		secondPlan := readTestFile(t, filepath.Join(dir, "second.tfplan"))
		encryptedEnvelope(t, "the saved second plan", secondPlan)
		if found := secretsIn(t, secondPlan, key.KeyValue); len(found) > 0 {
			t.Errorf("the encrypted plan file holds key_value in %v", found)
		}
		if !strings.Contains(tf.mustRun("show", "-json", "second.tfplan"), key.KeyValue) {
			t.Error("the decrypted second plan does not carry key_value in its prior state: the search above proves nothing")
		}
		tf.mustApplyPlan("second.tfplan")

		// Without the passphrase, OpenTofu cannot read the state.
		tf.env = append(tf.env[:len(tf.env)-1], "TF_VAR_state_passphrase=not-the-passphrase-at-all")
		if out, err := tf.plan(); err == nil {
			t.Errorf("a plan with the wrong passphrase succeeded:\n%s", out)
		}
		tf.env = append(tf.env[:len(tf.env)-1], "TF_VAR_state_passphrase="+passphrase)

		tf.mustDestroy()
		if err := c.checkDestroyed(nil); err != nil {
			t.Error(err)
		}
		state = readTestFile(t, statePath)
		encryptedEnvelope(t, "the state file after destroy", state)
		backup, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate.backup")) //nolint:gosec // a file in the test's own temporary folder
		if err != nil {
			t.Fatalf("no state backup after destroy: %v", err)
		}
		encryptedEnvelope(t, "the state backup after destroy", backup)
		for name, b := range map[string][]byte{"terraform.tfstate": state, "terraform.tfstate.backup": backup} {
			if found := secretsIn(t, b, key.KeyValue); len(found) > 0 {
				t.Errorf("%s holds key_value in %v", name, found)
			}
		}
	})
}
