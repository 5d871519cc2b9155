#!/usr/bin/env bash
# relcheck's benchmarks: builds relcheck (release), makes the data, sets up pandas and polars in
# a virtual environment of their own, and runs bench.py, which prints the tables (the JTL one
# also has Python's hashlib, one sha256 pass over the same file: the floor).
#
#   bench/run.sh                 everything (about 5 GB of disk in $RELCHECK_BENCH_DATA)
#   bench/run.sh --only jtl      one section: jtl, flat, manifest, story, junit, ngrinder
#                                (only that section's data is written)
#   ROUNDS=9 bench/run.sh        more rounds
#
# Data goes to $RELCHECK_BENCH_DATA (default /tmp/relcheck-bench), never into the repo.
# Run it on a quiet machine: `uptime` before and after; bench.py prints the load average too.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
data="${RELCHECK_BENCH_DATA:-/tmp/relcheck-bench}"
mkdir -p "$data"

echo "building relcheck (release)..." >&2
(cd "$repo" && cargo build --release --quiet)
bin="${CARGO_TARGET_DIR:-$repo/target}/release/relcheck"

if [ ! -x "$data/venv/bin/python" ]; then
  echo "setting up pandas and polars in $data/venv..." >&2
  python3 -m venv "$data/venv"
  "$data/venv/bin/pip" install --quiet pandas polars
fi

only="jtl,flat,manifest,story,junit,ngrinder"
prev=""
for arg in "$@"; do
  [ "$prev" = "--only" ] && only="$arg"
  case "$arg" in --only=*) only="${arg#--only=}" ;; esac
  prev="$arg"
done
want() { for s in "$@"; do [[ ",$only," == *",$s,"* ]] && return 0; done; return 1; }

gen() { [ -s "$2" ] || { echo "writing $2..." >&2; python3 "$here/$1" "$3" "$2.tmp" && mv "$2.tmp" "$2"; }; }
if want jtl flat; then
  gen gen_jtl.py "$data/jtl-2m.jtl" 2000000
  gen gen_jtl.py "$data/jtl-20m.jtl" 20000000
fi
if want manifest; then
  gen gen_manifest.py "$data/changes-10000.toml" 10000
  gen gen_manifest.py "$data/changes-100000.toml" 100000
fi
if want junit; then
  gen gen_junit.py "$data/junit-20mb.xml" 20
  gen gen_junit.py "$data/junit-200mb.xml" 200
fi
if want ngrinder; then
  gen gen_ngrinder.py "$data/ngrinder-20mb.csv" 20
  gen gen_ngrinder.py "$data/ngrinder-200mb.csv" 200
fi

python3 "$here/bench.py" --relcheck "$bin" --python "$data/venv/bin/python" --data "$data" \
  --rounds "${ROUNDS:-7}" "$@"
