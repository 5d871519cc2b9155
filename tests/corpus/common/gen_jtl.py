#!/usr/bin/env python3
"""Writes the JMeter JTL files used by the relcheck test corpus into common/jtl/.

Deterministic, stdlib only.  Run from anywhere:  python3 tests/corpus/common/gen_jtl.py
Times are milliseconds since the Unix epoch, e.g.
  2026-11-24T15:00:00+09:00 = 2026-11-24T06:00:00Z = 1795500000000
  2026-11-25T10:00:00+09:00 = 2026-11-25T01:00:00Z = 1795568400000  (the corpus' usual --now)
  2026-11-25T14:00:00+09:00 = 2026-11-25T05:00:00Z = 1795582800000  (the usual deploy_at)
  2026-11-18T14:00:00+09:00 = 2026-11-18T05:00:00Z = 1794978000000  (deploy_at - 7d)
  2026-11-27T19:30:00+09:00 = 2026-11-27T10:30:00Z = 1795775400000  (SPEC story's JTL)
"""
import datetime
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "jtl")

COLUMNS = ["timeStamp", "elapsed", "label", "responseCode", "responseMessage", "threadName",
           "dataType", "success", "failureMessage", "bytes", "sentBytes", "grpThreads",
           "allThreads", "URL", "Latency", "IdleTime", "Connect"]


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


T0 = ms("2026-11-24T15:00:00+09:00")
NOW = ms("2026-11-25T10:00:00+09:00")
DEPLOY = ms("2026-11-25T14:00:00+09:00")


def row(ts, elapsed, i=0, success="true", label="GET /api/items", code=None, msg=None, fail=""):
    ok = success == "true"
    return {
        "timeStamp": str(ts),
        "elapsed": str(elapsed),
        "label": label,
        "responseCode": code if code is not None else ("200" if ok else "500"),
        "responseMessage": msg if msg is not None else ("OK" if ok else "Internal Server Error"),
        "threadName": "Thread Group 1-%d" % (i % 10 + 1),
        "dataType": "text",
        "success": success,
        "failureMessage": fail,
        "bytes": str(1500 + i % 97),
        "sentBytes": "210",
        "grpThreads": "10",
        "allThreads": "10",
        "URL": "https://api.example/items",
        "Latency": str(max(elapsed - 2, 0)),
        "IdleTime": "0",
        "Connect": "3",
    }


def quote(v, force=False):
    if force or any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def write(name, rows, columns=COLUMNS, eol="\n", bom=False, force_quote=()):
    lines = [",".join(columns)]
    for r in rows:
        lines.append(",".join(quote(r.get(c, ""), (id(r), c) in force_quote or c in r.get("_force", ()))
                              for c in columns))
    text = eol.join(lines) + eol
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def plain(n, start=T0, step=100):
    """n passing rows, elapsed 80..300 ms."""
    return [row(start + i * step, 80 + (i * 37) % 221, i) for i in range(n)]


def main():
    os.makedirs(OUT, exist_ok=True)

    # The base release's evidence: 200 passing samples, 50 ms apart, elapsed 80..300.
    # Time (largest timeStamp) = T0 + 9950 ms = 2026-11-24T15:00:09.950+09:00.
    write("base-pass.jtl", plain(200, step=50))

    # SPEC story: 1000 samples, 3 failures (0.3% > 0.001), largest timeStamp exactly
    # 2026-11-27T19:30:00+09:00, span <= 300 ms (TPS >= 3333), elapsed 20..100 ms.
    last = ms("2026-11-27T19:30:00+09:00")
    rows = []
    for i in range(1000):
        ts = last - 200 + (i * 200) // 999
        el = 20 + (i * 13) % 81
        if i in (100, 500, 900):
            rows.append(row(ts, el, i, "false", "PUT /api/orders", "504", "Gateway Timeout",
                            "The operation lasted too long: It took 3,012 milliseconds"))
        else:
            rows.append(row(ts, el, i, label="PUT /api/orders"))
    write("story-api-timeout.jtl", rows)

    # Freshness: largest timeStamp exactly deploy_at - 7d, and one ms older.
    edge = ms("2026-11-18T14:00:00+09:00")
    write("age-exact-7d.jtl", [row(edge - (99 - i) * 100, 100 + i, i) for i in range(100)])
    write("age-7d-plus-1ms.jtl", [row(edge - 1 - (99 - i) * 100, 100 + i, i) for i in range(100)])

    # A row in the middle is one second after the usual --now (2026-11-25T10:00:01+09:00).
    rows = plain(100)
    rows[50] = row(NOW + 1000, 120, 50)
    write("after-now-middle.jtl", rows)

    # Largest timeStamp exactly the usual --now; that row's timeStamp+elapsed is 250 ms later.
    rows = [row(NOW - (99 - i) * 100, 100, i) for i in range(100)]
    rows[99] = row(NOW, 250, 99)
    write("max-ts-at-now.jtl", rows)

    # First row 10 days before the usual deploy_at; the largest timeStamp is fresh.
    rows = plain(100)
    rows[0] = row(ms("2026-11-15T14:00:00+09:00"), 100, 0)
    write("old-first-row.jtl", rows)

    # p99 by nearest rank: N=150, rank ceil(0.99*150)=149.  Sorted elapsed: 148 x 100, 480, 2000.
    # p99 = 480 (linear interpolation would give ~294, rank 148 would give 100).
    rows = []
    for i in range(150):
        el = 100
        if i == 37:
            el = 2000
        if i == 111:
            el = 480
        rows.append(row(T0 + i * 100, el, i))
    write("p99-150.jtl", rows)

    # Error rates: 1000 samples, 10 (= 0.01) and 11 (= 0.011) with success=false.
    for name, extra in (("errors-10-of-1000.jtl", set()), ("errors-11-of-1000.jtl", {7})):
        rows = []
        for i in range(1000):
            el = 50 + (i * 7) % 200
            if i % 100 == 42 or i in extra:
                rows.append(row(T0 + i * 20, el, i, "false", fail="Response code was 500"))
            else:
                rows.append(row(T0 + i * 20, el, i))
        write(name, rows)

    # success values that are not `true`: 4 of 100 rows ("false", "FALSE", "0", "").
    rows = plain(100)
    for i, v in zip((10, 30, 50, 70), ("false", "FALSE", "0", "")):
        rows[i] = row(T0 + i * 100, 90, i, v)
    write("success-variants.jtl", rows)

    # Header only: no samples.
    write("header-only.jtl", [])

    # TPS exactly 10: 100 samples, smallest timeStamp T0, largest timeStamp+elapsed T0+10000.
    rows = [row(T0 + i * 99, 100 + i % 50, i) for i in range(100)]
    rows[99] = row(T0 + 99 * 99, 199, 99)
    write("tps-10.jtl", rows)

    # TPS end is the largest timeStamp+elapsed, which is NOT on the row with the largest timeStamp:
    # row 10: ts T0+900, elapsed 9100 -> ends T0+10000; last row ends T0+8910+90 = T0+9000.
    # TPS = 100 / 10.0 s = 10 (the wrong reading, last ts + its elapsed, would give 11.1).
    rows = [row(T0 + i * 90, 90, i) for i in range(100)]
    rows[10] = row(T0 + 900, 9100, 10)
    write("tps-end-not-last.jtl", rows)

    # Quoted fields with commas, doubled quotes and embedded newlines; 100 samples, 1 failure (0.01).
    rows = plain(100)
    rows[5] = row(T0 + 500, 120, 5, label="GET /search?q=a,b")
    rows[20] = row(T0 + 2000, 130, 20, "false", "POST /api/orders, bulk", "500",
                   "Internal, Server Error", 'line one\nline two, with "quotes"\r\nline three')
    rows[40] = dict(row(T0 + 4000, 140, 40), _force=("success", "elapsed", "timeStamp"))
    rows[60] = dict(row(T0 + 6000, 150, 60), URL="https://api.example/items?ids=1,2,3")
    write("quoted.jtl", rows)

    write("crlf.jtl", plain(100), eol="\r\n")
    write("bom.jtl", plain(100), bom=True)

    # Columns reordered.  N=100, rank 99: sorted elapsed ... 200, 250, 900 -> p99 = 250.
    rows = [row(T0 + i * 100, 100 + i, i) for i in range(100)]  # 100..199
    rows[13] = row(T0 + 1300, 900, 13)
    rows[77] = row(T0 + 7700, 250, 77)
    order = ["success", "label", "elapsed", "URL", "threadName", "Latency", "timeStamp",
             "responseCode", "responseMessage", "dataType", "failureMessage", "bytes",
             "sentBytes", "grpThreads", "allThreads", "IdleTime", "Connect"]
    write("reordered.jtl", rows, columns=order)

    # Extra columns (as JMeter writes with saveservice.hostname / sample_count / custom variables).
    rows = plain(100)
    for i, r in enumerate(rows):
        r["Hostname"] = "loadgen-1"
        r["SampleCount"] = "1"
        r["ErrorCount"] = "0"
        r["tenant"] = "acme"
    order = COLUMNS[:6] + ["Hostname"] + COLUMNS[6:] + ["SampleCount", "ErrorCount", "tenant"]
    write("extra-columns.jtl", rows, columns=order)

    write("minimal-columns.jtl", plain(100), columns=["timeStamp", "elapsed", "success"])
    write("no-success-column.jtl", plain(100), columns=[c for c in COLUMNS if c != "success"])


if __name__ == "__main__":
    main()
