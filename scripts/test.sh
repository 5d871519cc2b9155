#!/usr/bin/env bash
# Runs the tests. The watch tests start a real Prometheus: this installs Debian's prometheus
# package (prometheus and promtool) first when it is missing, then runs `cargo test` with the
# arguments given (e.g. `scripts/test.sh --test watch`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "scripts/test.sh: installing prometheus (for the watch tests)" >&2
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y prometheus
fi
exec cargo test "$@"
