#!/usr/bin/env bash
# The release path end to end, offline, as make release-check runs it:
#
# 1. a throwaway RSA key in a temporary GNUPGHOME (the Terraform Registry
#    takes RSA or DSA keys, not the ECC keys GnuPG makes by default);
# 2. goreleaser release --snapshot with signing on, so the SHA256SUMS file
#    is signed by .goreleaser.yml's own `signs` section with that key
#    (GPG_FINGERPRINT, as the release workflow sets it). The configuration
#    is .goreleaser.yml with its build matrix narrowed to RELEASE_CHECK_TARGETS
#    (goreleaser's `targets`): three platforms whose archives are named
#    differently (a plain one, a Windows .exe, an ARM version) instead of all
#    thirteen, which on two cores take most of an hour to build the first
#    time. RELEASE_CHECK_TARGETS=all builds every platform;
# 3. checks of what the Registry reads: the signature verifies against the
#    SHA256SUMS file, is binary (not ASCII-armoured) and is made with RSA;
#    SHA256SUMS lists every zip and the manifest, each with its right hash,
#    and nothing else; every platform of .goreleaser.yml has its zip.
#
# It needs gpg (Debian: apt-get install gnupg) and GORELEASER, the goreleaser
# binary (the GNUmakefile passes its own). dist/ is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
	echo "release-check: $*" >&2
	exit 1
}

command -v gpg >/dev/null || fail "gpg is needed to sign and verify the snapshot (Debian: apt-get install gnupg)"
: "${GORELEASER:?set GORELEASER to the goreleaser binary (make release-check does)}"

GNUPGHOME=$(mktemp -d "${TMPDIR:-/tmp}/hellgate-release-check.XXXXXX")
export GNUPGHOME
cleanup() {
	gpgconf --kill gpg-agent 2>/dev/null || true
	rm -rf "$GNUPGHOME" dist
}
trap cleanup EXIT

echo "--- a throwaway RSA key in $GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-generate-key 'terraform-provider-hellgate release check <release-check@invalid>' rsa3072 sign 1d
fingerprint=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
[[ -n $fingerprint ]] || fail "no key was generated"
gpg --batch --quiet --list-keys --keyid-format long "$fingerprint" 2>/dev/null | sed -n '1,2p'

targets=${RELEASE_CHECK_TARGETS:-linux_amd64_v1 windows_amd64_v1 freebsd_arm_6}
config=$GNUPGHOME/goreleaser.yml
binary_line='    binary: "{{ .ProjectName }}_v{{ .Version }}"'
grep -qxF "$binary_line" .goreleaser.yml || fail "no line '$binary_line' in .goreleaser.yml to add the targets after"
if [[ $targets == all ]]; then
	cp .goreleaser.yml "$config"
else
	awk -v line="$binary_line" -v targets="$targets" '
		{ print }
		$0 == line { n = split(targets, t, " "); print "    targets:"; for (i = 1; i <= n; i++) print "      - " t[i] }
	' .goreleaser.yml >"$config"
fi

echo "--- goreleaser release --snapshot, signed with it (targets: $targets)"
log=$GNUPGHOME/goreleaser.log
GPG_FINGERPRINT=$fingerprint "$GORELEASER" release --snapshot --clean --skip=publish --config "$config" >"$log" 2>&1 || {
	cat "$log"
	fail "goreleaser release --snapshot failed"
}

shopt -s nullglob
sums=(dist/*_SHA256SUMS)
sigs=(dist/*_SHA256SUMS.sig)
zips=(dist/*.zip)
[[ ${#sums[@]} -eq 1 ]] || fail "want one *_SHA256SUMS file in dist/, found ${#sums[@]}"
[[ ${#sigs[@]} -eq 1 ]] || fail "want one *_SHA256SUMS.sig file in dist/, found ${#sigs[@]}: is signing on in .goreleaser.yml?"
sum=${sums[0]} sig=${sigs[0]}
prefix=${sum##*/}
prefix=${prefix%_SHA256SUMS} # terraform-provider-hellgate_<version>
echo "artifacts: ${#zips[@]} zips, ${sum##*/}, ${sig##*/}"

echo "--- the signature"
status=$(gpg --batch --status-fd 1 --verify "$sig" "$sum" 2>/dev/null) || fail "gpg --verify of ${sig##*/} against ${sum##*/} failed"
grep -q "^\[GNUPG:\] VALIDSIG $fingerprint " <<<"$status" || fail "the signature is not a valid one by $fingerprint:
$status"
echo "gpg --verify: good signature by $fingerprint"
if LC_ALL=C grep -qa -- '-----BEGIN PGP' "$sig"; then
	fail "${sig##*/} is ASCII-armoured; the Registry wants a binary signature (no --armor in .goreleaser.yml)"
fi
packets=$(gpg --batch --list-packets "$sig")
grep -qE '^:signature packet: algo 1,' <<<"$packets" || fail "${sig##*/} is not one binary RSA signature packet:
$packets"
echo "signature: binary OpenPGP, RSA (public-key algorithm 1)"

echo "--- SHA256SUMS"
# Each line: "<sha256>  <file name>". Expected: every zip, and the manifest.
expected=$(
	for zip in "${zips[@]}"; do echo "$(sha256sum <"$zip" | cut -d' ' -f1)  ${zip##*/}"; done
	echo "$(sha256sum <terraform-registry-manifest.json | cut -d' ' -f1)  ${prefix}_manifest.json"
)
if ! diff <(sort <<<"$expected") <(sort "$sum"); then
	fail "${sum##*/} (>) is not the zips and the manifest with their hashes (<)"
fi
echo "${sum##*/} lists the ${#zips[@]} zips and ${prefix}_manifest.json, each with its hash, and nothing else"

# Every platform built has its zip.
platforms=$(
	cd dist && for dir in terraform-provider-hellgate_*_*/; do
		[[ -d $dir ]] && echo "$dir"
	done
)
[[ -n $platforms ]] || fail "dist/ holds no build folders"
for dir in $platforms; do
	platform=${dir#terraform-provider-hellgate_}
	platform=${platform%/}
	os=${platform%%_*}
	arch=${platform#*_}
	arch=${arch%%_*}
	[[ -f dist/${prefix}_${os}_${arch}.zip ]] || fail "no zip for the ${os}/${arch} build"
done
if [[ $targets != all ]] && [[ $(wc -w <<<"$platforms") -ne $(wc -w <<<"$targets") ]]; then
	fail "built $(wc -w <<<"$platforms") platforms for the $(wc -w <<<"$targets") targets $targets"
fi
echo "every build has its zip: $(tr '\n' ' ' <<<"$platforms" | sed 's#terraform-provider-hellgate_##g; s#/##g')"

echo "release-check: the snapshot is signed as the Terraform Registry requires"
