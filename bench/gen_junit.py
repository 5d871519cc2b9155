#!/usr/bin/env python3
"""Writes a passing JUnit XML report of about SIZE_MB megabytes: python3 gen_junit.py SIZE_MB OUT

pytest's layout: one <testsuites> root, suites of testcases, some skipped, some with captured
output (a <system-out> of a few hundred bytes), no failures. Deterministic.
"""
import sys


def main():
    size = int(float(sys.argv[1]) * 1_000_000)
    out = sys.argv[2]
    written = 0
    suite = 0
    with open(out, "w") as f:
        head = '<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="pytest tests">\n'
        f.write(head)
        written += len(head)
        while written < size:
            parts = [f'  <testsuite name="suite_{suite}" errors="0" failures="0" skipped="5" '
                     f'tests="500" time="12.5" timestamp="2025-11-27T09:00:00+00:00" hostname="ci">\n']
            for i in range(500):
                name = f'classname="tests.module_{suite}.TestThing" name="test_case_{i}_does_what_it_says"'
                if i % 100 == 7:
                    parts.append(f'    <testcase {name} time="0.000"><skipped type="pytest.skip" '
                                 f'message="needs a GPU">skipped</skipped></testcase>\n')
                elif i % 10 == 3:
                    parts.append(f'    <testcase {name} time="0.012"><system-out>'
                                 + "log line &amp; more output from the test\n" * 8
                                 + '</system-out></testcase>\n')
                else:
                    parts.append(f'    <testcase {name} time="0.003" />\n')
            parts.append("  </testsuite>\n")
            chunk = "".join(parts)
            f.write(chunk)
            written += len(chunk)
            suite += 1
        f.write("</testsuites>\n")


if __name__ == "__main__":
    main()
