#!/usr/bin/env bash
# The release path end to end, offline, as make release-check runs it: what
# a tag publishes, made by `make release` itself and published to a fake
# GitHub API on loopback.
#
# 1. a throwaway RSA key in a temporary GNUPGHOME (the Terraform Registry
#    takes RSA or DSA keys, not the ECC keys GnuPG makes by default);
# 2. a throwaway git repository holding the working tree as it is (tracked
#    and untracked files, not ignored ones), in which:
#    - CHANGELOG.md's "## Unreleased" is cut to a test version as
#      CONTRIBUTING.md tells maintainers to (go run ./tools/changelog cut),
#      the version being RELEASE_CHECK_VERSION or the minor after the newest
#      released one (0.1.0 before the first release). On a tree whose newest
#      section is already a released version (the commit a tag is made on),
#      that version is used as it is;
#    - .goreleaser.yml gains github_urls pointing at tools/fakegithub on
#      127.0.0.1, and its build matrix is narrowed to RELEASE_CHECK_TARGETS
#      (goreleaser's `targets`): three platforms whose archives are named
#      differently (a plain one, a Windows .exe, an ARM version) instead of
#      all thirteen, which on two cores take most of an hour to build the
#      first time. RELEASE_CHECK_TARGETS=all builds every platform;
#    - the result is committed and tagged v<version>;
# 3. `make release` there, first with a tag CHANGELOG.md has no section for
#    (it must fail before goreleaser runs), then for real: goreleaser release
#    (not a snapshot, which skips the release notes) signs SHA256SUMS with
#    .goreleaser.yml's own `signs` section and that key (GPG_FINGERPRINT, as
#    the release workflow sets it) and publishes to the fake;
# 4. checks of what was published: one release, a draft, of the tag, whose
#    body is the version's CHANGELOG section (the "Unreleased" section of
#    the working tree, when cut); the uploaded files are exactly the zips,
#    the manifest, SHA256SUMS and its signature, byte for byte those goreleaser
#    built; the signature verifies against the SHA256SUMS file, is binary (not
#    ASCII-armoured) and is made with RSA; SHA256SUMS lists every zip and the
#    manifest, each with its right hash, and nothing else; every platform
#    built has its zip.
#
# It ends by printing what a tag would publish: the files and the first
# lines of the notes. It needs gpg (Debian: apt-get install gnupg), git and
# GORELEASER, the goreleaser binary (the GNUmakefile passes its own). It
# leaves nothing behind and does not touch the tree's dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

fail() {
	echo "release-check: $*" >&2
	exit 1
}

command -v gpg >/dev/null || fail "gpg is needed to sign and verify the release (Debian: apt-get install gnupg)"
command -v git >/dev/null || fail "git is needed"
: "${GORELEASER:?set GORELEASER to the goreleaser binary (make release-check does)}"
[[ -x $GORELEASER ]] || fail "GORELEASER=$GORELEASER is not an executable"
GORELEASER=$(cd "$(dirname "$GORELEASER")" && pwd)/$(basename "$GORELEASER")
project=terraform-provider-hellgate

work=$(mktemp -d "${TMPDIR:-/tmp}/hellgate-release-check.XXXXXX")
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"
fake_pid=
cleanup() {
	[[ -z $fake_pid ]] || kill "$fake_pid" 2>/dev/null || true
	gpgconf --kill gpg-agent 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "--- a throwaway RSA key in $GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-generate-key "$project release check <release-check@invalid>" rsa3072 sign 1d
fingerprint=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
[[ -n $fingerprint ]] || fail "no key was generated"
gpg --batch --quiet --list-keys --keyid-format long "$fingerprint" 2>/dev/null | sed -n '1,2p'

echo "--- the fake GitHub API (tools/fakegithub) on 127.0.0.1"
go build -o "$work/fakegithub" ./tools/fakegithub
recorded=$work/published
"$work/fakegithub" -addr 127.0.0.1:0 -out "$recorded" -addr-file "$work/fake.addr" >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 100); do
	[[ -s $work/fake.addr ]] && break
	kill -0 "$fake_pid" 2>/dev/null || { cat "$work/fake.log" >&2; fail "tools/fakegithub did not start"; }
	sleep 0.1
done
[[ -s $work/fake.addr ]] || fail "tools/fakegithub wrote no address in 10 seconds"
addr=$(<"$work/fake.addr")
[[ $addr == 127.0.0.1:* ]] || fail "tools/fakegithub listens on $addr, not on 127.0.0.1"
echo "listening on http://$addr"

echo "--- a throwaway repository of the working tree"
repo=$work/repo
mkdir "$repo"
git ls-files -z --cached --others --exclude-standard --deduplicate |
	while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
	tar --null --no-recursion -T - -cf - | tar -C "$repo" -xf -
cd "$repo"

# The version to tag, and the notes its release must have: those of the
# working tree's CHANGELOG.md, read before the cut.
if go run ./tools/changelog section Unreleased >"$work/expected-notes" 2>"$work/changelog.err"; then
	if [[ -n ${RELEASE_CHECK_VERSION:-} ]]; then
		version=$RELEASE_CHECK_VERSION
	elif latest=$(go run ./tools/changelog latest 2>/dev/null); then
		IFS=. read -r major minor _ <<<"$latest"
		version=$major.$((minor + 1)).0
	else
		version=0.1.0
	fi
	go run ./tools/changelog cut "$version"
	echo "the \"Unreleased\" section is cut to $version, as for a release"
else
	grep -q 'no section "## Unreleased"\|the section "## Unreleased" is empty' "$work/changelog.err" || {
		cat "$work/changelog.err" >&2
		fail "CHANGELOG.md cannot be read"
	}
	version=$(go run ./tools/changelog latest) || fail "CHANGELOG.md has neither an \"## Unreleased\" section with entries nor a released version to check"
	go run ./tools/changelog section "$version" >"$work/expected-notes"
	echo "CHANGELOG.md has no \"Unreleased\" entries; its newest section, $version, is used as it is"
fi
tag=v$version

# The configuration: .goreleaser.yml, narrowed and pointed at the fake.
targets=${RELEASE_CHECK_TARGETS:-linux_amd64_v1 windows_amd64_v1 freebsd_arm_6}
binary_line='    binary: "{{ .ProjectName }}_v{{ .Version }}"'
grep -qxF "$binary_line" .goreleaser.yml || fail "no line '$binary_line' in .goreleaser.yml to add the targets after"
! grep -q '^github_urls:' .goreleaser.yml || fail ".goreleaser.yml has github_urls of its own; release-check adds them to its copy only"
{
	if [[ $targets == all ]]; then
		cat .goreleaser.yml
	else
		awk -v line="$binary_line" -v targets="$targets" '
			{ print }
			$0 == line { n = split(targets, t, " "); print "    targets:"; for (i = 1; i <= n; i++) print "      - " t[i] }
		' .goreleaser.yml
	fi
	printf '\n# Added by tools/release-check.sh: the fake GitHub API.\ngithub_urls:\n'
	printf '  api: "http://%s/api/v3/"\n  upload: "http://%s/api/uploads/"\n  download: "http://%s/"\n' "$addr" "$addr" "$addr"
} >"$work/goreleaser.yml"
mv "$work/goreleaser.yml" .goreleaser.yml

git_() { git -c user.name='release check' -c user.email=release-check@invalid -c commit.gpgsign=false -c tag.gpgsign=false -c core.hooksPath=/dev/null "$@"; }
git_ init --quiet --initial-branch=main
git_ add --all
git_ commit --quiet -m "release check of $tag"
git_ tag -a "$tag" -m "$tag"
# goreleaser reads the remote's URL (for templates only; nothing is fetched).
git_ remote add origin "$src"

# make release as the release workflow runs it, with nothing of this
# make's own state.
release_env=(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u GORELEASER_CURRENT_TAG -u GORELEASER_PREVIOUS_TAG
	-u GITLAB_TOKEN -u GITEA_TOKEN GITHUB_TOKEN=release-check-fake-token NO_PROXY=127.0.0.1 no_proxy=127.0.0.1)

echo "--- make release of a tag with no CHANGELOG section (must fail before goreleaser runs)"
stub=$work/goreleaser-stub
printf '#!/bin/sh\ntouch "%s.ran"\nexit 1\n' "$stub" >"$stub"
chmod +x "$stub"
if "${release_env[@]}" GORELEASER_CURRENT_TAG=v0.0.0 make --no-print-directory release GORELEASER="$stub" >"$work/nosection.log" 2>&1; then
	cat "$work/nosection.log"
	fail "make release of v0.0.0, which CHANGELOG.md has no section for, did not fail"
fi
[[ ! -e $stub.ran ]] || {
	cat "$work/nosection.log"
	fail "make release ran goreleaser for v0.0.0, which CHANGELOG.md has no section for"
}
grep -q 'no section "## 0.0.0 (Month D, YYYY)"' "$work/nosection.log" || {
	cat "$work/nosection.log"
	fail "make release of v0.0.0 failed, but not for want of a CHANGELOG section"
}
grep 'no section' "$work/nosection.log"

echo "--- make release of $tag, signed with the throwaway key, published to the fake (targets: $targets)"
log=$work/release.log
"${release_env[@]}" GPG_FINGERPRINT="$fingerprint" make --no-print-directory release GORELEASER="$GORELEASER" >"$log" 2>&1 || {
	cat "$log"
	echo "--- requests to the fake GitHub API:"
	cat "$recorded/requests.log" 2>/dev/null || true
	fail "make release failed"
}
grep '^make release:' "$log"

echo "--- the release published"
if grep -E ' (unexpected|error:)' "$recorded/requests.log"; then
	fail "goreleaser made requests the fake GitHub API did not serve (above)"
fi
echo "goreleaser's requests, all served:"
cut -d' ' -f1-3 "$recorded/requests.log" | sed -E 's#/releases/[0-9]+/assets#/releases/ID/assets#' | sort | uniq -c | sed 's/^ */  /'
[[ -d $recorded/release && -f $recorded/release/tag_name ]] || fail "no release was created"
field() { cat "$recorded/release/$1" 2>/dev/null || echo "(not sent)"; }
[[ $(field tag_name) == "$tag" ]] || fail "the release is of tag $(field tag_name), not $tag"
[[ $(field draft) == true ]] || fail "the release was created with draft $(field draft), not as a draft"
[[ ! -e $recorded/edits.log ]] || fail "the release was edited after its creation (published?): $(cat "$recorded/edits.log")"
echo "a draft release \"$(field name)\" of $(field owner)/$(field repo), tag $(field tag_name), never edited after its creation"

# The body is the section byte for byte, but for one newline goreleaser
# adds at its end.
notes=$work/expected-notes
[[ -s $notes ]] || fail "the expected notes are empty"
body=$recorded/release/body
[[ -f $body ]] || fail "the release was created without a body"
if [[ -z $(tr -d '[:space:]' <"$body") ]]; then
	fail "the release's body is empty: does make release pass --release-notes, and is .goreleaser.yml's changelog step enabled (with changelog.disable goreleaser ignores the notes)?"
fi
if ! cmp -s "$body" "$notes" && ! cmp -s "$body" <(cat "$notes" && echo); then
	diff -u --label "CHANGELOG.md, section $version" --label "the release's body" "$notes" "$body" | head -40 >&2 || true
	fail "the release's body is not CHANGELOG.md's section of $version"
fi
echo "the body is CHANGELOG.md's section of $version, byte for byte ($(wc -l <"$notes") lines, $(wc -c <"$notes") bytes; goreleaser adds a final newline)"

shopt -s nullglob
cd "$repo/dist"
prefix=${project}_$version
zips=(*.zip)
sum=${prefix}_SHA256SUMS sig=${prefix}_SHA256SUMS.sig manifest=${prefix}_manifest.json
[[ ${#zips[@]} -gt 0 ]] || fail "dist/ holds no zips"
[[ -f $sum ]] || fail "no $sum in dist/"
[[ -f $sig ]] || fail "no $sig in dist/: is signing on in .goreleaser.yml?"
expected_files=$(printf '%s\n' "${zips[@]}" "$sum" "$sig" "$manifest" | sort)
uploaded_files=$(cd "$recorded/assets" && printf '%s\n' * | sort)
if [[ $uploaded_files != "$expected_files" ]]; then
	diff <(echo "$expected_files") <(echo "$uploaded_files") >&2 || true
	fail "the uploaded files (>) are not the zips, the manifest, SHA256SUMS and its signature (<)"
fi
for f in "${zips[@]}" "$sum" "$sig"; do
	cmp -s "$f" "$recorded/assets/$f" || fail "the uploaded $f is not dist/$f"
done
cmp -s "$repo/terraform-registry-manifest.json" "$recorded/assets/$manifest" || fail "the uploaded $manifest is not terraform-registry-manifest.json"
echo "uploaded: ${#zips[@]} zips, $manifest, $sum, $sig, and nothing else, each byte for byte what goreleaser built"

echo "--- the signature"
status=$(gpg --batch --status-fd 1 --verify "$sig" "$sum" 2>/dev/null) || fail "gpg --verify of $sig against $sum failed"
grep -q "^\[GNUPG:\] VALIDSIG $fingerprint " <<<"$status" || fail "the signature is not a valid one by $fingerprint:
$status"
echo "gpg --verify: good signature by $fingerprint"
if LC_ALL=C grep -qa -- '-----BEGIN PGP' "$sig"; then
	fail "$sig is ASCII-armoured; the Registry wants a binary signature (no --armor in .goreleaser.yml)"
fi
packets=$(gpg --batch --list-packets "$sig")
grep -qE '^:signature packet: algo 1,' <<<"$packets" || fail "$sig is not one binary RSA signature packet:
$packets"
echo "signature: binary OpenPGP, RSA (public-key algorithm 1)"

echo "--- SHA256SUMS"
# Each line: "<sha256>  <file name>". Expected: every zip, and the manifest.
expected=$(
	for zip in "${zips[@]}"; do echo "$(sha256sum <"$zip" | cut -d' ' -f1)  $zip"; done
	echo "$(sha256sum <"$repo/terraform-registry-manifest.json" | cut -d' ' -f1)  $manifest"
)
if ! diff <(sort <<<"$expected") <(sort "$sum"); then
	fail "$sum (>) is not the zips and the manifest with their hashes (<)"
fi
echo "$sum lists the ${#zips[@]} zips and $manifest, each with its hash, and nothing else"

# Every platform built has its zip.
platforms=$(for dir in ${project}_*_*/; do echo "$dir"; done)
[[ -n $platforms ]] || fail "dist/ holds no build folders"
for dir in $platforms; do
	platform=${dir#"${project}"_}
	platform=${platform%/}
	os=${platform%%_*}
	arch=${platform#*_}
	arch=${arch%%_*}
	[[ -f ${prefix}_${os}_${arch}.zip ]] || fail "no zip for the ${os}/${arch} build"
done
if [[ $targets != all ]] && [[ $(wc -w <<<"$platforms") -ne $(wc -w <<<"$targets") ]]; then
	fail "built $(wc -w <<<"$platforms") platforms for the $(wc -w <<<"$targets") targets $targets"
fi
echo "every build has its zip: $(tr '\n' ' ' <<<"$platforms" | sed "s#${project}_##g; s#/##g")"

echo "--- what the tag $tag would publish (a draft release; here $(wc -w <<<"$platforms") of the platforms, a tag builds every one)"
for f in $uploaded_files; do
	printf '  %-60s %9d bytes\n' "$f" "$(wc -c <"$recorded/assets/$f")"
done
echo "release notes, the first 6 of $(wc -l <"$notes") lines:"
head -n 6 "$body" | cut -c1-110 | sed 's/^/  | /'

echo "release-check: the release of $tag is signed as the Terraform Registry requires, and its notes are CHANGELOG.md's section of $version"
