// Stands in for Terraform's nested pg backend module, which the module proxy
// does not serve; see ../../go.mod.
module github.com/hashicorp/terraform/internal/backend/remote-state/pg

go 1.25.10
