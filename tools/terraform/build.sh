#!/usr/bin/env bash
# Builds one Terraform CLI release from the Go module proxy:
#
#   tools/terraform/build.sh VERSION OUTPUT     e.g. build.sh 1.12.2 /tmp/tf/terraform
#
# The GNUmakefile runs it for every version in tools/cli-versions.mk.
# - A release whose go.mod has no replace directives (up to 1.8) is
#   go installed.
# - Later ones wire modules nested in Terraform's repository with replace
#   directives, so they build through this wrapper module (see go.mod), whose
#   stand-ins take those modules' places. go.mod pins the main version; any
#   other version has its own go.mod and go.sum in versions/, used with
#   -modfile. This script writes them the first time it builds that version
#   (go mod tidy, checked against the checksum database): commit them.
# - Releases before 1.14 declare the backend's workspace methods with a plain
#   error instead of tfdiags.Diagnostics. The script reads the release's own
#   internal/backend/backend.go and, for those, builds the stand-in backend
#   with the nobackend_errors tag (see stubs/nobackend).
# The binary must then report exactly "Terraform v<VERSION>".
set -euo pipefail

usage="usage: $0 VERSION OUTPUT (e.g. $0 1.12.2 /tmp/tf/terraform)"
version=${1:?$usage}
out=${2:?$usage}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
	echo "$0: '$version' is not a Terraform release version such as 1.15.9" >&2
	exit 2
fi
case $out in /*) ;; *) out=$PWD/$out ;; esac

here=$(cd "$(dirname "$0")" && pwd)
module=github.com/hashicorp/terraform
ldflags="-X $module/version.dev=no" # a release's version string, without -dev

# The release's go.mod and source, from the module proxy into the module cache.
(cd / && go mod download "$module@v$version")
modcache=$(go env GOMODCACHE)
release_gomod=$modcache/cache/download/$module/@v/v$version.mod
release_src=$modcache/$module@v$version

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/terraform-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! grep -q '^replace' "$release_gomod"; then
	echo "Terraform $version: go install (its go.mod has no replace directives)"
	(cd / && GOBIN=$tmp go install -trimpath -ldflags "$ldflags" "$module@v$version")
else
	cd "$here"
	if grep -q "^require $module v$version\$" go.mod; then
		modfile=go.mod
	else
		modfile=versions/$version.mod
		if [[ ! -f $modfile ]]; then
			echo "Terraform $version: writing $modfile (go.mod's module and stand-ins, requiring Terraform $version); commit it"
			mkdir -p versions
			{
				echo "// The wrapper module (see ../go.mod) at Terraform $version, for"
				echo "// ../build.sh -modfile. Written by build.sh; go.sum is beside it."
				grep '^module ' go.mod
				echo
				grep '^go ' go.mod
				echo
				echo "require $module v$version"
				echo
				sed -n '/^replace (/,/^)/p' go.mod
			} >"$modfile"
			# -e: Terraform's own tests import internal/legacy, which the
			# stand-in leaves empty.
			GOFLAGS=-mod=mod go mod tidy -e -modfile="$modfile"
		fi
	fi
	tags=
	if grep -q 'StateMgr(workspace string) (statemgr.Full, error)' "$release_src/internal/backend/backend.go"; then
		tags=nobackend_errors
	fi
	echo "Terraform $version: go build -modfile=$modfile${tags:+ -tags $tags}"
	go build -modfile="$modfile" -tags "$tags" -trimpath -ldflags "$ldflags" -o "$tmp/terraform" "$module"
fi

# The whole output, then its first line: a pipe into head could end the
# CLI with SIGPIPE, which pipefail would take for a failure.
got=$(env -u TF_CLI_CONFIG_FILE CHECKPOINT_DISABLE=1 "$tmp/terraform" version)
got=${got%%$'\n'*}
if [[ $got != "Terraform v$version" ]]; then
	echo "$0: the binary built for Terraform $version says '$got'" >&2
	exit 1
fi
# Into place in one step, so that make never finds half a binary.
mv "$tmp/terraform" "$out.tmp"
mv "$out.tmp" "$out"
echo "Terraform $version: $out"
