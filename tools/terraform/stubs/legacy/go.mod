// Stands in for Terraform's nested internal/legacy module, which the module
// proxy does not serve. No package of the CLI imports it (only Terraform's
// own tests do), so the module holds no code.
module github.com/hashicorp/terraform/internal/legacy

go 1.25.10
