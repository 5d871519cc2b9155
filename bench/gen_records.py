"""Writes N sign-off records (and a watch record for every third one) into a folder, for the
`relcheck log` benchmark. Each is the Wednesday story's real record (`relcheck signoff --format
json`) with its name, deploy time, severity, verdict and overrides varied.

    python3 bench/gen_records.py RECORD.json N OUT_DIR
"""
import copy
import datetime
import json
import os
import sys

base = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
out = sys.argv[3]
os.makedirs(out, exist_ok=True)
start = datetime.datetime(2013, 1, 4, 23, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
severities = ["low", "medium", "high", "critical"]
for i in range(n):
    r = copy.deepcopy(base)
    at = (start + datetime.timedelta(hours=11 * i)).isoformat()
    r["release"]["name"] = f"release {i}"
    r["release"]["deploy_at"] = at
    r["release"]["severity"] = severities[i % 4]
    verdict = "no-go" if i % 10 == 0 else "go"
    r["verdict"] = verdict
    r["digest"] = "sha256:%064x" % i
    r["signoff"]["verdict"] = verdict
    if i % 7 == 0:
        r["overrides"] = [{"rule": "freeze-window", "approved_by": "cto", "reason": "x",
                           "valid": True, "applied_to": 1, "expires_at": None}]
        r["findings"] = [{"rule": "freeze-window", "level": "warn", "subject": "release",
                          "message": "m", "hint": "h", "overridden": True}]
    name = f"{at[:10]}-release-{i}"
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(r, f, indent=2)
    if i % 3 == 0:
        outcome = "breach" if i % 9 == 0 else "healthy"
        with open(os.path.join(out, name + ".watch.json"), "w") as f:
            json.dump({"schema_version": 2, "outcome": outcome, "digest": r["digest"]}, f)
