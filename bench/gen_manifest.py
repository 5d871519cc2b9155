#!/usr/bin/env python3
"""Writes a release manifest with N changes (and its answers): python3 gen_manifest.py N OUT.toml

A mix of severities and scores, rollbacks on the risky ones, no evidence files, so `check`
time is the model, risk and rules over N changes. Deterministic.
"""
import sys

from bench import release_head

SEV = ["low", "medium", "high", "critical"]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    parts = [release_head("bench: many changes", "2025-11-27T12:00:00+00:00")]
    for i in range(n):
        sev = SEV[i % 3]  # no critical: those would need evidence
        parts.append(f"""
[[changes]]
id = "change-{i:06d}"
title = "Change number {i}"
severity = "{sev}"
impact = {1 + i % 5}
likelihood = {1 + (i // 5) % 5}
recovery = "{5 + i % 55}m"
owner = "owner-{i % 40}"
rollback = "revert commit {i:06d} and redeploy"
""")
    with open(out, "w") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
