// Stands in for Terraform's nested gcs backend module, which the module proxy
// does not serve; see ../../go.mod.
module github.com/hashicorp/terraform/internal/backend/remote-state/gcs

go 1.25.10
