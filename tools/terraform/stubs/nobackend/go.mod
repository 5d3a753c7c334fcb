// The backend every stub under stubs/ returns: one that refuses to be used.
// Its path sits under github.com/hashicorp/terraform because Go's
// internal-package rule lets only that tree import the CLI's backend,
// configschema, statemgr and tfdiags packages. It exists only in this
// wrapper, through the replace in ../../go.mod.
module github.com/hashicorp/terraform/internal/backend/remote-state/nobackend

go 1.25.10

require (
	github.com/hashicorp/terraform v1.15.9
	github.com/zclconf/go-cty v1.18.0
)
