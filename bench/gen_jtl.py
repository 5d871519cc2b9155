#!/usr/bin/env python3
"""Writes a JTL in JMeter's default 17-column CSV layout: python3 gen_jtl.py ROWS OUT [SEED].

About 120 bytes a row (2,000,000 rows ~ 241 MB). Requests start at 3,000/s; elapsed is
log-normal around 80 ms with a tail; 0.3% of rows fail with JMeter's real assertion message,
which holds commas and so is quoted, as JMeter writes it. Deterministic for a seed.
"""
import random
import sys

HEADER = ("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
          "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n")
LABELS = ["GET /api/orders", "POST /api/orders", "GET /api/orders/{id}", "GET /api/catalog"]


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    t0 = 1_764_237_600_000
    lognorm = rng.lognormvariate
    with open(out, "w", newline="") as f:
        f.write(HEADER)
        chunk = []
        for i in range(rows):
            stamp = t0 + i // 3
            thread = i % 300 + 1
            label = LABELS[i & 3]
            if i % 331 == 17:
                chunk.append(
                    f'{stamp},3000,{label},500,Internal Server Error,Checkout 1-{thread},text,false,'
                    f'"The operation lasted too long: It took 3,000 milliseconds, but should not have '
                    f'lasted longer than 2,000 milliseconds.",2380,412,300,300,'
                    f'https://stg.example/orders,0,0,3\n')
            else:
                e = int(lognorm(4.4, 0.45))
                chunk.append(
                    f"{stamp},{e},{label},200,OK,Checkout 1-{thread},text,true,,"
                    f"{1500 + (i * 7) % 900},{300 + i % 120},300,300,"
                    f"https://stg.example/orders,{e - e // 8},0,{i % 5}\n")
            if len(chunk) >= 100_000:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))


if __name__ == "__main__":
    main()
