#!/usr/bin/env bash
# The release path end to end, offline, as make release-check runs it:
#
# 1. a throwaway RSA key in a temporary GNUPGHOME (the Terraform Registry
#    takes RSA or DSA keys, not the ECC keys GnuPG makes by default);
# 2. goreleaser release --snapshot with signing on, so the SHA256SUMS file
#    is signed by .goreleaser.yml's own `signs` section with that key
#    (GPG_FINGERPRINT, as the release workflow sets it);
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
gpg --batch --list-keys --keyid-format long "$fingerprint" | sed -n '1,2p'

echo "--- goreleaser release --snapshot, signed with it"
log=$GNUPGHOME/goreleaser.log
GPG_FINGERPRINT=$fingerprint "$GORELEASER" release --snapshot --clean --skip=publish >"$log" 2>&1 || {
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
if head -c 64 "$sig" | grep -qa 'BEGIN PGP'; then
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

# Every platform of .goreleaser.yml's build matrix, less its ignores.
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
echo "every build has its zip: $(tr '\n' ' ' <<<"$platforms" | sed 's#terraform-provider-hellgate_##g; s#/##g')"

echo "release-check: the snapshot is signed as the Terraform Registry requires"
