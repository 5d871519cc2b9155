#!/usr/bin/env python3
"""What a user would write instead, with pandas: python3 peer_pandas.py FILE.jtl

Prints samples, error rate, nearest-rank p99 (ms) and TPS, as relcheck computes them.
"""
import math
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1], usecols=["timeStamp", "elapsed", "success"],
                 dtype={"timeStamp": "int64", "elapsed": "int64", "success": "string"})
n = len(df)
errors = int((df["success"] != "true").sum())
elapsed = df["elapsed"].sort_values().to_numpy()
p99 = int(elapsed[math.ceil(n * 99 / 100) - 1])
span = int((df["timeStamp"] + df["elapsed"]).max() - df["timeStamp"].min())
print(f"samples={n} error_rate={errors / n:.9f} p99_ms={p99} tps={n / (span / 1000):.6f}")
