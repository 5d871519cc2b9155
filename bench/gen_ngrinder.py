#!/usr/bin/env python3
"""Writes an nGrinder output.csv of about SIZE_MB megabytes: python3 gen_ngrinder.py SIZE_MB OUT

The layout of nGrinder's controller (SingleConsole.writeIntervalCsvData): DateTime, the
interval's figures over all tests, then for each of 4 tests a Description and the same figures
suffixed -0..-3; one row per second. 0.1 % of the tests are errors. Deterministic.
"""
import datetime
import sys

VIEWS = ["Tests", "Errors", "Mean_Test_Time_(ms)", "Test_Time_Standard_Deviation_(ms)", "TPS",
         "Mean_response_length", "Response_bytes_per_second", "Response_errors",
         "Mean_time_to_resolve_host", "Mean_time_to_establish_connection",
         "Mean_time_to_first_byte"]
TESTS = 4


def main():
    size = int(float(sys.argv[1]) * 1_000_000)
    out = sys.argv[2]
    head = ["DateTime", "vuser"] + VIEWS
    for i in range(TESTS):
        head += ["Description"] + [f"{v}-{i}" for v in VIEWS]
    start = datetime.datetime(2025, 11, 27, 9, 0, 0)
    written = 0
    row = 0
    with open(out, "w") as f:
        line = ",".join(head) + "\n"
        f.write(line)
        written += len(line)
        while written < size:
            t = start + datetime.timedelta(seconds=row)
            errors = 3 if row % 10 == 0 else 0
            tests = 3000 - errors
            vals = [tests, errors, f"{40 + row % 17}.{row % 1000:03d}", "12.718", tests,
                    "1024", f"{tests * 1024}", "0", "0.004", "0.112", f"{38 + row % 13}.5"]
            parts = [t.strftime("%Y-%m-%d %H:%M:%S"), "300"] + [str(v) for v in vals]
            for i in range(TESTS):
                parts += [f"test {i}: GET /api/items"] + [str(v) for v in vals]
            line = ",".join(parts) + "\n"
            f.write(line)
            written += len(line)
            row += 1


if __name__ == "__main__":
    main()
