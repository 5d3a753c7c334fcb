// Stands in for Terraform's nested kubernetes backend module, which the module proxy
// does not serve; see ../../go.mod.
module github.com/hashicorp/terraform/internal/backend/remote-state/kubernetes

go 1.25.10

require (
	github.com/hashicorp/terraform v1.15.9
	github.com/hashicorp/terraform/internal/backend/remote-state/nobackend v0.0.0-00010101000000-000000000000
)
