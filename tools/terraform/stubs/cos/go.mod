// Stands in for Terraform's nested cos backend module, which the module proxy
// does not serve; see ../../go.mod.
module github.com/hashicorp/terraform/internal/backend/remote-state/cos

go 1.25.10
