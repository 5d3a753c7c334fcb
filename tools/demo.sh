#!/usr/bin/env bash
# The README's first command (`make demo`): build the provider, start a mock
# Guardian cluster on a free loopback port, install the provider for
# Terraform the way a user's machine sees a released one (a filesystem
# mirror in a private CLI config), apply examples/demo, show what it made,
# prove a second plan is empty, destroy everything and stop the mock.
# Everything happens in a temporary folder that is removed at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
terraform=${TERRAFORM:-terraform}
version=${VERSION:-dev}
mirror_version=0.0.1 # what the mirror calls this build; no release has it

unset TF_CLI_CONFIG_FILE
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

work=$(mktemp -d "${TMPDIR:-/tmp}/hellgate-demo.XXXXXX")
mock_pid=""
cleanup() {
	if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
		kill -TERM "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
tf() { "$terraform" -chdir="$work/config" "$@"; }

say "Building the provider ($version) and the mock cluster"
platform="$(go env GOOS)_$(go env GOARCH)"
plugin_dir="$work/mirror/registry.terraform.io/starfish-codes/hellgate/$mirror_version/$platform"
mkdir -p "$plugin_dir"
(cd "$root" && go build -trimpath -ldflags "-X main.version=$version" \
	-o "$plugin_dir/terraform-provider-hellgate_v$mirror_version" .)
(cd "$root" && go build -trimpath -o "$work/hellgate-mock" ./internal/cmd/hellgate-mock)

say "Starting the mock Guardian cluster"
admin_token="demo-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
HELLGATE_MOCK_ADMIN_TOKEN="$admin_token" "$work/hellgate-mock" --addr 127.0.0.1:0 \
	>"$work/mock.out" 2>"$work/mock.log" &
mock_pid=$!
endpoint=""
for _ in $(seq 1 100); do
	line=$(head -n 1 "$work/mock.out" 2>/dev/null || true)
	if [[ "$line" == "listening on "* ]]; then
		endpoint=${line#listening on }
		break
	fi
	kill -0 "$mock_pid" 2>/dev/null || { cat "$work/mock.log" >&2; echo "the mock cluster did not start" >&2; exit 1; }
	sleep 0.1
done
[ -n "$endpoint" ] || { echo "the mock cluster did not report its address" >&2; exit 1; }
echo "mock cluster at $endpoint"

cat >"$work/terraformrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/starfish-codes/hellgate"]
  }
  direct {
    exclude = ["registry.terraform.io/starfish-codes/hellgate"]
  }
}
CFG
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export HELLGATE_ENDPOINT="$endpoint" HELLGATE_ADMIN_TOKEN="$admin_token"
unset HELLGATE_API_KEY HELLGATE_CLUSTER_ID
cp -R "$root/examples/demo" "$work/config"

say "terraform init"
tf init -input=false -no-color | grep -v '^$'

say "terraform apply"
tf apply -input=false -auto-approve

say "terraform output (the secret stays hidden)"
tf output

say "What the mock cluster holds now (Hellgate shows only masked key values)"
curl -fsS -H "x-admin-token: $admin_token" "$endpoint/api/admin/api-keys?limit=100"
echo

say "A second plan changes nothing"
set +e
tf plan -input=false -detailed-exitcode -no-color >"$work/plan.out"
code=$?
set -e
tail -n 3 "$work/plan.out"
if [ "$code" -ne 0 ]; then
	cat "$work/plan.out"
	echo "expected an empty plan (exit code 0), got exit code $code" >&2
	exit 1
fi

say "terraform destroy"
tf destroy -input=false -auto-approve -no-color | tail -n 3

say "The mock cluster after destroy"
stats=$(curl -fsS -H "x-admin-token: $admin_token" "$endpoint/_mock/stats")
echo "$stats"
if ! grep -Eq '"live_keys": *0([^0-9]|$)' <<<"$stats"; then
	echo "expected no live keys after destroy" >&2
	exit 1
fi

say "Demo finished: keys created, handed on, planned clean and revoked"
