#!/usr/bin/env bash
# Runs the tests. Some tests use real programs: the watch tests start a real Prometheus
# (Debian's prometheus package: prometheus and promtool), the approval tests make keys and
# signatures with ssh-keygen (openssh-client). This installs whichever is missing, then runs
# `cargo test` with the arguments given (e.g. `scripts/test.sh --test watch`).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
    missing+=(prometheus)
fi
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "scripts/test.sh: installing ${missing[*]} (for the tests that run them)" >&2
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
fi
exec cargo test "$@"
