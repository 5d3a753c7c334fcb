// The backend every stub under stubs/ returns: one that refuses to be used.
// Its path sits under github.com/hashicorp/terraform because Go's
// internal-package rule lets only that tree import the CLI's backend,
// configschema, statemgr and tfdiags packages. It exists only in this
// wrapper, through the replace in ../../go.mod.
//
// Like every stub it requires nothing: the wrapper's go.mod (or the
// versions/ file of the Terraform release being built) names the one
// Terraform, and so the one go-cty, it is compiled against.
module github.com/hashicorp/terraform/internal/backend/remote-state/nobackend

go 1.25.10
