#!/bin/sh
# Writes release.approvals.toml: approvals of release.toml signed with the test keys in
# tests/fixtures/keys by the real `ssh-keygen -Y sign`, one for each reason an approval does not
# count, and minho's, which counts. Run it again after editing release.toml, then
# `TRYCMD=overwrite cargo test --test cli`.
set -eu
cd "$(dirname "$0")"
keys=../../fixtures/keys
sha=$(sha256sum release.toml | cut -c1-64)
old=$(printf 'an earlier version\n' | sha256sum | cut -c1-64)
# git checks keys out world-readable, and ssh-keygen refuses such a private key: sign with a
# private copy.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sig() { # key namespace message
    install -m 600 "$keys/$1.key" "$tmp/key"
    printf '%s' "$3" | ssh-keygen -q -Y sign -f "$tmp/key" -n "$2"
}
entry() { # by message signature
    printf '[[approvals]]\nby = "%s"\nat = "2026-12-01T10:00:00+09:00"\nmanifest_sha256 = "%s"\n' "$1" "$2"
    if [ -n "$3" ]; then printf 'signature = """\n%s\n"""\n' "$3"; fi
    printf '\n'
}
{
    printf '# Approvals of release.toml; made by generate.sh with the test keys.\n\n'
    entry minho "$sha" "$(sig minho relcheck-approval "$sha")"
    entry hana "$sha" ""
    entry seojun "$old" "$(sig seojun relcheck-approval "$old")"
    entry stranger "$sha" "$(sig stranger relcheck-approval "$sha")"
    entry hana "$sha" "$(sig minho relcheck-approval "$sha")"
    entry dahye "$sha" "$(sig dahye relcheck-approval "$sha")"
    entry seojun "$sha" "$(sig seojun git "$sha")"
    entry jiyoon "$sha" "$(sig jiyoon relcheck-approval "$sha")"
    # A signature altered after signing: one character of its body changed.
    entry seojun "$sha" "$(sig seojun relcheck-approval "$sha" | sed '3s/^\(.\{20\}\)./\1A/;3s/^\(.\{20\}\)AA/\1BA/')"
} > release.approvals.toml
