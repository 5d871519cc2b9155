#!/usr/bin/env python3
"""Writes the story's staging JTLs in JMeter's default CSV layout (deterministic).

api-timeout-staging.jtl        about 3,000 TPS for 4 s with 0.3% socket timeouts (the
                               connection-pool bug): fails a 0.1% error budget.
api-timeout-staging-rerun.jtl  the same run after the pool fix: no errors.

Run from this folder: python3 make_jtl.py
"""
import csv
import random
from datetime import datetime, timezone, timedelta

HEADER = ["timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName",
          "dataType", "success", "failureMessage", "bytes", "sentBytes", "grpThreads",
          "allThreads", "URL", "Latency", "IdleTime", "Connect"]
KST = timezone(timedelta(hours=9))


def write(path, start, error_every, seed):
    rng = random.Random(seed)
    t0 = int(start.timestamp() * 1000)
    # Requests start at 3,400/s for 4 s; with their response times the run spans about
    # 4.25 s, which is ~3,200 TPS as relcheck counts it (samples / (last end - first start)).
    rate, seconds = 3400, 4
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(rate * seconds):
            stamp = t0 + i * 1000 // rate
            thread = f"Checkout API 1-{i % 300 + 1}"
            label = "POST /api/orders" if i % 3 else "GET /api/orders/{id}"
            # The pool ran dry in the first second; its 3 s timeouts end well inside the run.
            if error_every and i < rate and i % error_every == error_every // 2:
                w.writerow([stamp, 3000, label, "Non HTTP response code: java.net.SocketTimeoutException",
                            "Non HTTP response message: Read timed out", thread, "text", "false",
                            "The operation lasted too long: It took 3,000 milliseconds, but should not have lasted longer than 3,000 milliseconds.",
                            2380, 412, 300, 300, "https://staging.example/api/orders", 0, 0, 3])
            else:
                elapsed = int(rng.lognormvariate(4.4, 0.45))  # median ~80 ms
                w.writerow([stamp, min(elapsed, 2500), label, 200, "OK", thread, "text", "true", "",
                            1843, 412, 300, 300, "https://staging.example/api/orders",
                            max(1, elapsed - 3), 0, rng.randint(0, 2)])


write("api-timeout-staging.jtl", datetime(2026, 11, 18, 19, 30, tzinfo=KST), 83, 1)
write("api-timeout-staging-rerun.jtl", datetime(2026, 11, 23, 16, 0, tzinfo=KST), 0, 2)
