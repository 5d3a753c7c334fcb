// Stands in for Terraform's nested consul backend module, which the module proxy
// does not serve; see ../../go.mod.
module github.com/hashicorp/terraform/internal/backend/remote-state/consul

go 1.25.10
