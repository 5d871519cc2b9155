#!/usr/bin/env python3
"""relcheck's benchmarks, side by side with what a user would write instead.

Run through bench/run.sh, which builds relcheck, makes the data and the peers' virtual
environment, then calls this with:  bench.py --relcheck BIN --python VENV_PYTHON --data DIR

Every figure is a median over interleaved rounds (relcheck, pandas and polars take turns, the
order rotating each round): wall time, and peak RSS from /usr/bin/time. The page
cache is warm (every file is read once before the first round). The JTL section checks that
the three tools print the same samples, error rate, p99 and TPS, and stops if they do not; it
also recomputes relcheck's digest and sha256 from SPEC's definition and stops if they differ.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = "2025-11-27T13:00:00+00:00"

def release_head(name, deploy_at):
    """The release, monitoring and contacts tables every bench manifest starts with: a low
    release that passes every rule except what its changes and evidence decide."""
    return f"""[release]
name = "{name}"
deployer = "bench"
deploy_at = "{deploy_at}"
approvers = ["other"]
list_frozen_at = "2025-11-26T09:00:00+00:00"

[monitoring]
dashboards = ["https://grafana.example/d/x"]
watch_minutes = 30

[contacts]
on_call = ["a", "b"]
"""


RELEASE_HEAD = release_head("bench", "2025-11-27T14:00:00+00:00") + """
[[changes]]
id = "soak"
title = "one soak test"
severity = "low"
impact = 1
likelihood = 1
recovery = "5m"
"""


def measure(cmd, cwd=None, rss=True):
    """Runs cmd; returns (seconds, peak RSS in MB, exit code, stdout). The RSS comes from
    /usr/bin/time, whose child is only ever the command (a child forked from Python would
    count Python's own pages before the exec)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as t:
        if rss:
            cmd = ["/usr/bin/time", "-f", "%M", "-o", t.name] + cmd
        start = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        out.seek(0)
        peak = int(t.read().strip().splitlines()[-1]) / 1024 if rss else 0.0
        return wall, peak, p.returncode, out.read().decode()


def relcheck_figures(stdout):
    ev = json.loads(stdout)["evidence"][0]
    if not ev["passed"]:
        sys.exit(f"the bench evidence did not pass: {ev['reason']}")
    return figures_line(ev)


def check_hashes(manifest, stdout):
    """The digest and the evidence's sha256, recomputed here from SPEC's definition: sha256
    over the 32-byte sha256 of each input, in order: the manifest, the template (the built-in
    one), the answers and the approvals (none: no bytes), and the evidence file."""
    import hashlib
    import re
    report = json.loads(stdout)
    with open(manifest, "rb") as f:
        text = f.read()
    evidence = re.search(rb'path = "([^"]+)"', text).group(1).decode()
    own = hashlib.sha256()
    with open(evidence, "rb") as f:
        while chunk := f.read(1 << 24):
            own.update(chunk)
    template = open(os.path.join(HERE, "..", "checklists", "standard.toml"), "rb").read()
    h = hashlib.sha256()
    for b in [text, template, b"", b""]:
        h.update(hashlib.sha256(b).digest())
    h.update(own.digest())
    if report["digest"] != "sha256:" + h.hexdigest():
        sys.exit(f"wrong digest for {manifest}: {report['digest']}")
    if report["evidence"][0]["sha256"] != own.hexdigest():
        sys.exit(f"wrong sha256 for {evidence}")
    return own.hexdigest()


def figures_line(ev):
    return (f"samples={ev['samples']} error_rate={ev['error_rate']:.9f} "
            f"p99_ms={int(ev['p99_ms'])} tps={ev['tps']:.6f}")


def manifest_for(folder, kind, path, extra=""):
    text = RELEASE_HEAD + f"""
[[changes.evidence]]
kind = "{kind}"
env = "staging"
path = "{path}"
{extra}"""
    m = os.path.join(folder, f"release-{kind}-{os.path.basename(path)}.toml")
    with open(m, "w") as f:
        f.write(text)
    return m


def table(title, header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)) + " |"
    print(f"\n### {title}\n")
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def section_jtl(a, results):
    jtl = os.path.join(a.data, "jtl-2m.jtl")
    warm(jtl)
    m = manifest_for(a.data, "jmeter", jtl, "max_error_rate = 0.01\n")
    size = os.path.getsize(jtl)
    tools = {
        "relcheck check": [a.relcheck, "check", "-m", m, "--now", NOW, "--format", "json"],
        "pandas": [a.python, os.path.join(HERE, "peer_pandas.py"), jtl],
        "polars": [a.python, os.path.join(HERE, "peer_polars.py"), jtl],
        # Not a peer for the figures: the floor, one sha256 pass over the same file.
        "hashlib sha256": [a.python, os.path.join(HERE, "peer_hashlib.py"), jtl],
    }
    names = list(tools)
    runs = {n: [] for n in names}
    seen = {}
    hashed = set()
    for r in range(a.rounds):
        k = r % len(names)
        order = names[k:] + names[:k]
        for n in order:
            wall, rss, code, out = measure(tools[n])
            if n == "hashlib sha256":
                hashed.add(out.strip())
            else:
                fig = relcheck_figures(out) if n == "relcheck check" else out.strip()
                seen.setdefault(fig, []).append(n)
            runs[n].append((wall, rss))
    if len(seen) != 1:
        sys.exit(f"the tools disagree: {seen}")
    own = check_hashes(m, measure(tools["relcheck check"], rss=False)[3])
    if hashed != {own}:
        sys.exit(f"hashlib's sha256 {hashed} is not relcheck's {own}")
    figures = next(iter(seen))
    base = statistics.median(w for w, _ in runs["relcheck check"])
    rows = []
    for n in names:
        t = statistics.median(w for w, _ in runs[n])
        rss = statistics.median(m for _, m in runs[n])
        rows.append([n, f"{t * 1000:.0f} ms", f"{size / t / 1e6:.0f} MB/s", f"{rss:.1f} MB",
                     f"{t / base:.2f}x", " ".join(f"{w * 1000:.0f}" for w, _ in runs[n])])
        results["jtl"][n] = {"median_s": t, "rss_mb": rss, "runs_s": [w for w, _ in runs[n]]}
    results["jtl"]["figures"] = figures
    results["jtl"]["bytes"] = size
    table(f"JTL, 2,000,000 rows, {size / 1e6:.0f} MB, {a.rounds} interleaved rounds "
          f"(all print: {figures})",
          ["tool", "median", "throughput", "peak RSS", "time / relcheck", "runs (ms)"], rows)


def section_flat(a, results):
    rows = []
    for name in ["jtl-2m.jtl", "jtl-20m.jtl"]:
        jtl = os.path.join(a.data, name)
        if not os.path.exists(jtl):
            continue
        warm(jtl)
        m = manifest_for(a.data, "jmeter", jtl, "max_error_rate = 0.01\n")
        runs = [measure([a.relcheck, "check", "-m", m, "--now", NOW, "--format", "json"])
                for _ in range(3)]
        size = os.path.getsize(jtl)
        t = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        fig = relcheck_figures(runs[0][3])
        check_hashes(m, runs[0][3])
        rows.append([name, f"{size / 1e6:.0f} MB", f"{t * 1000:.0f} ms",
                     f"{size / t / 1e6:.0f} MB/s", f"{rss:.1f} MB", fig.split()[0]])
        results["flat"][name] = {"bytes": size, "median_s": t, "max_rss_mb": rss}
    table("Flat memory: relcheck check on 2 M and 20 M rows (3 runs; largest peak RSS)",
          ["file", "size", "median", "throughput", "peak RSS", "samples"], rows)


def section_manifest(a, results):
    rows = []
    for n in [10_000, 100_000]:
        m = os.path.join(a.data, f"changes-{n}.toml")
        runs = [measure([a.relcheck, "check", "-m", m, "--now", NOW, "--format", "json"])
                for _ in range(a.rounds)]
        t = statistics.median(r[0] for r in runs)
        rss = statistics.median(r[1] for r in runs)
        results["manifest"][str(n)] = {"median_s": t, "rss_mb": rss}
        rows.append([f"{n:,} changes", f"{os.path.getsize(m) / 1e6:.1f} MB",
                     f"{t * 1000:.0f} ms", f"{rss:.0f} MB"])
    ratio = results["manifest"]["100000"]["median_s"] / results["manifest"]["10000"]["median_s"]
    results["manifest"]["ratio"] = ratio
    table(f"Many changes: check (median of {a.rounds}); 100k / 10k = {ratio:.1f}x",
          ["manifest", "size", "median", "peak RSS"], rows)


def section_story(a, results):
    m = os.path.join(HERE, "..", "examples", "story", "wednesday.toml")
    walls = [measure([a.relcheck, "check", "-m", m], rss=False)[0]
             for _ in range(a.story_runs)]
    t = statistics.median(walls)
    results["story"] = {"median_s": t, "runs": len(walls), "min_s": min(walls)}
    table(f"check on examples/story/wednesday.toml ({len(walls)} runs)",
          ["median", "min", "max"],
          [[f"{t * 1000:.2f} ms", f"{min(walls) * 1000:.2f} ms", f"{max(walls) * 1000:.2f} ms"]])


def section_junit(a, results):
    rows = []
    for name in ["junit-20mb.xml", "junit-200mb.xml"]:
        x = os.path.join(a.data, name)
        warm(x)
        m = manifest_for(a.data, "junit", x, 'recorded_at = "2025-11-27T09:00:00+00:00"\n')
        runs = [measure([a.relcheck, "check", "-m", m, "--now", NOW, "--format", "json"])
                for _ in range(3)]
        ev = json.loads(runs[0][3])["evidence"][0]
        check_hashes(m, runs[0][3])
        size = os.path.getsize(x)
        t = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        results["junit"][name] = {"bytes": size, "median_s": t, "max_rss_mb": rss,
                                  "passed": ev["passed"], "tests": ev.get("tests")}
        rows.append([name, f"{size / 1e6:.0f} MB", f"{t * 1000:.0f} ms",
                     f"{size / t / 1e6:.0f} MB/s", f"{rss:.1f} MB",
                     "pass" if ev["passed"] else f"FAIL: {ev['reason']}", ev.get("tests")])
    table("JUnit XML: check (3 runs; largest peak RSS)",
          ["file", "size", "median", "throughput", "peak RSS", "result", "tests run"], rows)


def section_ngrinder(a, results):
    rows = []
    for name in ["ngrinder-20mb.csv", "ngrinder-200mb.csv"]:
        x = os.path.join(a.data, name)
        if not os.path.exists(x):
            continue
        warm(x)
        m = manifest_for(a.data, "ngrinder", x, 'recorded_at = "2025-11-27T09:00:00+00:00"\n')
        runs = [measure([a.relcheck, "check", "-m", m, "--now", NOW, "--format", "json"])
                for _ in range(3)]
        ev = json.loads(runs[0][3])["evidence"][0]
        if not ev["passed"]:
            sys.exit(f"the bench evidence did not pass: {ev['reason']}")
        check_hashes(m, runs[0][3])
        size = os.path.getsize(x)
        t = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        results["ngrinder"][name] = {"bytes": size, "median_s": t, "max_rss_mb": rss,
                                     "samples": ev["samples"]}
        rows.append([name, f"{size / 1e6:.0f} MB", f"{t * 1000:.0f} ms",
                     f"{size / t / 1e6:.0f} MB/s", f"{rss:.1f} MB",
                     f"samples={ev['samples']} error_rate={ev['error_rate']:.6f} "
                     f"tps={ev['tps']:.3f}"])
    table("nGrinder output.csv: check (3 runs; largest peak RSS)",
          ["file", "size", "median", "throughput", "peak RSS", "figures"], rows)


def machine():
    def cmd(*c):
        try:
            return subprocess.run(c, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                  if l.startswith("model name")), "?")
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
    return {
        "cpu": model, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 2**20, 1),
        "kernel": platform.release(), "rustc": cmd("rustc", "--version"),
        "python": platform.python_version(),
        "load": os.getloadavg(),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--relcheck", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--story-runs", type=int, default=101)
    p.add_argument("--only", default="jtl,flat,manifest,story,junit,ngrinder")
    a = p.parse_args()
    results = {"jtl": {}, "flat": {}, "manifest": {}, "junit": {}, "ngrinder": {}}
    m = machine()
    m["peers"] = subprocess.run(
        [a.python, "-c", "import pandas, polars; print('pandas', pandas.__version__, "
                         "'polars', polars.__version__)"],
        capture_output=True, text=True).stdout.strip()
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['kernel']}; "
          f"{m['rustc']}; Python {m['python']}, {m['peers']}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in m['load'])}")
    sections = {"jtl": section_jtl, "flat": section_flat, "manifest": section_manifest,
                "story": section_story, "junit": section_junit, "ngrinder": section_ngrinder}
    for name in a.only.split(","):
        sections[name](a, results)
    results["machine"] = m
    results["load_end"] = os.getloadavg()
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in results['load_end'])}")
    with open(os.path.join(a.data, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
