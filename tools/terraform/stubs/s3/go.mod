// Stands in for Terraform's nested s3 backend module, which the module proxy
// does not serve; see ../../go.mod.
module github.com/hashicorp/terraform/internal/backend/remote-state/s3

go 1.25.10
