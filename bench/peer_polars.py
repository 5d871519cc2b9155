#!/usr/bin/env python3
"""What a user would write instead, with polars: python3 peer_polars.py FILE.jtl

Prints samples, error rate, nearest-rank p99 (ms) and TPS, as relcheck computes them.
"""
import math
import sys

import polars as pl

df = pl.read_csv(sys.argv[1], columns=["timeStamp", "elapsed", "success"],
                 schema_overrides={"timeStamp": pl.Int64, "elapsed": pl.Int64, "success": pl.Utf8})
n = df.height
errors = df.select((pl.col("success") != "true").sum()).item()
first = df["timeStamp"].min()
last = (df["timeStamp"] + df["elapsed"]).max()
p99 = int(df["elapsed"].sort()[math.ceil(n * 99 / 100) - 1])
span = int(last - first)
print(f"samples={n} error_rate={errors / n:.9f} p99_ms={p99} tps={n / (span / 1000):.6f}")
