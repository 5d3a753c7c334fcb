# The Terraform and OpenTofu versions the provider is tested with. This is
# the one place that names them: the GNUmakefile includes it, and everything
# else reads it through make:
# - make test, make testacc-minors (.ci/run runs both) and make
#   testacc-terraform-VERSION build and use these versions;
# - the test workflow's matrix is `make -s print-CLI_MATRIX`;
# - the README's version table is written by `make generate` from it (and
#   `make docs-check` fails when the README is not what it writes).
#
# TERRAFORM_VERSIONS: the newest patch release of every Terraform minor the
# provider supports, oldest first. The first is the oldest supported version;
# the last is the main CLI, which runs every test and renders the docs
# (tools/terraform/go.mod pins it; tools/terraform/versions/ holds the
# others, written the first time each is built).
TERRAFORM_VERSIONS ?= 1.8.5 1.9.8 1.10.5 1.11.4 1.12.2 1.13.5 1.14.9 1.15.9

# OPENTOFU_VERSION: the OpenTofu release the tests run under (tools/tofu/go.mod
# pins it).
OPENTOFU_VERSION ?= 1.12.6
