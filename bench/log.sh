#!/usr/bin/env bash
# `relcheck log` over 10,000 sign-off records (and 3,334 watch records), beside the floor: Python
# reading and parsing the same JSON files and nothing else.
#
#   bench/log.sh            ROUNDS=9 bench/log.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
data="${RELCHECK_BENCH_DATA:-/tmp/relcheck-bench}/records-10000"
(cd "$repo" && cargo build --release --quiet)
bin="${CARGO_TARGET_DIR:-$repo/target}/release/relcheck"
if [ ! -d "$data" ]; then
  rec=$(mktemp)
  "$bin" signoff --format json -m "$repo/examples/story/wednesday.toml" \
    --now 2026-11-25T13:30:00+09:00 > "$rec"
  python3 "$here/gen_records.py" "$rec" 10000 "$data"
  rm -f "$rec"
fi
python3 - "$bin" "$data" "${ROUNDS:-7}" <<'PY'
import glob, json, os, statistics, subprocess, sys, time
binary, data, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
def relcheck():
    subprocess.run([binary, "log", data, "--format", "json"], check=True,
                   stdout=subprocess.DEVNULL)
def python_floor():
    subprocess.run([sys.executable, "-c",
        "import glob,json,sys\n[json.load(open(p)) for p in glob.glob(sys.argv[1]+'/*.json')]",
        data], check=True)
print(f"records: {len(glob.glob(data + '/*.json'))} files, load average {os.getloadavg()[0]:.2f}")
for name, f in [("relcheck log --format json", relcheck), ("python: json.load every file", python_floor)]:
    f()
    times = []
    for _ in range(rounds):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    print(f"{name:32} median {statistics.median(times)*1000:7.1f} ms  (min {min(times)*1000:.1f}, max {max(times)*1000:.1f})")
PY
