package provider

// Which CLI the acceptance tests run under (TF_ACC_TERRAFORM_PATH), and
// which of the newer features it offers, so that a test of a feature the
// CLI lacks skips and says why.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// cliFeature is a CLI feature the provider offers objects for: the first
// Terraform version with it, and whether OpenTofu 1.12 (the OpenTofu the
// tests run under) has it.
type cliFeature struct {
	name      string
	terraform *version.Version
	openTofu  bool
}

var (
	// Import blocks that name a key by identity = { ... }.
	featureIdentity = cliFeature{name: "resource identity", terraform: tfversion.Version1_12_0, openTofu: true}
	// The identity the provider returns with a failed create, kept with the
	// tainted object: Terraform 1.12 stores that object without it (1.13.0
	// "fixes resource identity being dropped from state in certain cases");
	// OpenTofu 1.12 stores it.
	featureIdentityOfFailedCreate = cliFeature{name: "the resource identity of an object whose create failed", terraform: tfversion.Version1_13_0, openTofu: true}
	// terraform query, list blocks and -generate-config-out from a query.
	featureQuery = cliFeature{name: "terraform query and list resources", terraform: tfversion.Version1_14_0}
	// action blocks and terraform apply -invoke.
	featureActions = cliFeature{name: "actions (terraform apply -invoke)", terraform: tfversion.Version1_14_0}
)

// isOpenTofu reports whether the acceptance tests run under OpenTofu.
func isOpenTofu() bool {
	return filepath.Base(os.Getenv("TF_ACC_TERRAFORM_PATH")) == "tofu"
}

// requireCLIFeature skips a CLI-harness test unless acceptance tests are
// enabled and the CLI offers f.
func requireCLIFeature(t *testing.T, f cliFeature) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	if ok, why := cliSupports(t, f); !ok {
		t.Skip(why)
	}
}

// cliSupports reports whether the CLI the acceptance tests run under
// offers f, and if not, why.
func cliSupports(t *testing.T, f cliFeature) (bool, string) {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	ver := cliVersion(t, bin)
	if isOpenTofu() {
		if !f.openTofu {
			return false, fmt.Sprintf("OpenTofu %s does not support %s", ver, f.name)
		}
		return true, ""
	}
	got, err := version.NewVersion(ver)
	if err != nil {
		t.Fatalf("parsing Terraform version %q: %v", ver, err)
	}
	if got.Core().LessThan(f.terraform) {
		return false, fmt.Sprintf("Terraform %s does not support %s (Terraform %s+ needed)", ver, f.name, f.terraform)
	}
	return true, ""
}

// skipUnsupported is a TerraformVersionCheck for terraform-plugin-testing
// cases: it skips a test of f under a CLI without it. Terraform versions
// are checked by tfversion.SkipBelow; this one covers OpenTofu, whose
// version numbers say nothing about Terraform's features.
func skipUnsupported(f cliFeature) tfversion.TerraformVersionCheck {
	return openTofuCheck{f}
}

type openTofuCheck struct{ f cliFeature }

func (c openTofuCheck) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if isOpenTofu() {
		if !c.f.openTofu {
			resp.Skip = "OpenTofu " + req.TerraformVersion.String() + " does not support " + c.f.name
		}
		return
	}
	tfversion.SkipBelow(c.f.terraform).CheckTerraformVersion(ctx, req, resp)
}

// skipBelowEphemeralCLI skips a CLI-harness test when the CLI does not
// know ephemeral resources (Terraform < 1.10, OpenTofu < 1.11).
func skipBelowEphemeralCLI(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	ver := cliVersion(t, bin)
	parts := strings.SplitN(ver, ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor := 0
	if len(parts) > 1 {
		minor, _ = strconv.Atoi(parts[1])
	}
	tofu := strings.HasPrefix(filepath.Base(bin), "tofu")
	need := 10
	if tofu {
		need = 11
	}
	if major < 1 || (major == 1 && minor < need) {
		t.Skipf("%s %s does not support ephemeral resources (Terraform 1.10+ or OpenTofu 1.11+ needed)", filepath.Base(bin), ver)
	}
}

// queryChecks are the version checks of every terraform query test: an
// OpenTofu is told it has no query at all, a Terraform below 1.14 that it
// is too old.
var queryChecks = []tfversion.TerraformVersionCheck{
	skipUnsupported(featureQuery),
}
