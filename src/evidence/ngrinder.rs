//! `ngrinder`: the `output.csv` nGrinder's controller writes for each performance test.
//!
//! nGrinder writes one row per sampling interval (`SingleConsole.writeIntervalCsvData` in
//! naver/ngrinder's `ngrinder-core`): `DateTime`, then the interval's figures over all tests
//! (`Tests`, `Errors`, `Mean_Test_Time_(ms)`, `TPS`, … — Grinder's statistics views with spaces
//! turned into `_`), then for each test a `Description` and the same figures suffixed `-0`,
//! `-1`, …. `Tests` counts the successful tests of the interval and `Errors` the failed ones,
//! so over the whole file samples are Σ`Tests` + Σ`Errors`, the error rate is Σ`Errors` ÷
//! samples, and the throughput is the mean of the intervals' `TPS`.
//!
//! Columns are found by their exact header names, so a `vuser` column or other statistics in
//! other versions do not matter; the per-test columns after them are not read (a test's
//! description may hold a comma, which nGrinder does not quote). nGrinder reports no
//! percentile, so there is no p99: a set `max_p99_ms` fails the evidence, saying why. The file
//! carries no time of its own either (its `DateTime` is local time without an offset), so the
//! evidence's time is `recorded_at`.
//!
//! The file is read one record at a time through [`super::records`], so a test that ran for
//! days costs no more memory than one that ran for a minute.

use super::load;
use super::records::{Record, Records};
use super::{Figures, Reading, Thresholds};
use std::io::BufRead;

const WHAT: &str = "nGrinder output.csv";

const NO_P99: &str = "no p99: nGrinder's output.csv reports no percentiles, so max_p99_ms \
     cannot be checked (unset it for this evidence, or gate on a tool that records p99)";

const COLUMNS: [&str; 3] = ["Tests", "Errors", "TPS"];

pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let mut records = Records::new(input, WHAT);
    let Some(headers) = records.next_record()? else {
        return Err(format!("not an {WHAT}: the file is empty (no header row)"));
    };
    let mut at = [0usize; COLUMNS.len()];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        let mut found = headers
            .fields()
            .enumerate()
            .filter(|(_, h)| strip_bom(h).trim_ascii() == name.as_bytes())
            .map(|(i, _)| i);
        *slot = found.next().ok_or_else(|| {
            format!(
                "not an {WHAT} (the per-interval report of an nGrinder test): \
                 no \"{name}\" column"
            )
        })?;
        if let Some(again) = found.next() {
            return Err(format!(
                "not an {WHAT}: the header row names \"{name}\" twice (columns {} and {}), \
                 so which one to read is ambiguous",
                *slot + 1,
                again + 1
            ));
        }
    }
    let need = at.iter().max().copied().unwrap_or(0) + 1;
    let [tests_at, errors_at, tps_at] = at;

    let (mut tests, mut errors, mut intervals) = (0u64, 0u64, 0u64);
    let mut tps_sum = 0.0f64;
    while let Some(record) = records.next_record()? {
        if record.len() == 1 && record.get(0).trim_ascii().is_empty() {
            continue;
        }
        if record.len() < need {
            return Err(format!(
                "malformed {WHAT}: line {} has {} fields, too few to reach the Tests, Errors \
                 and TPS columns",
                record.line,
                record.len()
            ));
        }
        let t = count(&record, tests_at, "Tests")?;
        let e = count(&record, errors_at, "Errors")?;
        tests = tests
            .checked_add(t)
            .ok_or_else(|| format!("malformed {WHAT}: the Tests add up past any real count"))?;
        errors = errors
            .checked_add(e)
            .ok_or_else(|| format!("malformed {WHAT}: the Errors add up past any real count"))?;
        tps_sum += rate(&record, tps_at)?;
        intervals += 1;
    }
    let samples = tests.checked_add(errors).ok_or_else(|| {
        format!("malformed {WHAT}: the Tests and Errors add up past any real count")
    })?;
    let figures = Figures {
        samples: Some(samples),
        error_rate: (samples > 0).then(|| errors as f64 / samples as f64),
        p99_ms: None,
        tps: (intervals > 0).then(|| tps_sum / intervals as f64),
        ..Figures::default()
    };
    Ok(Reading {
        figures,
        ..Reading::default()
    })
}

pub fn judge(f: &Figures, t: &Thresholds) -> Vec<String> {
    load::judge(f, t, NO_P99)
}

fn strip_bom(h: &[u8]) -> &[u8] {
    h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
}

/// A field that is a whole, non-negative number (nGrinder writes counts as `###.###`, so
/// `12` and, in principle, `12.0`). The reason names the column, never the value.
fn count(record: &Record, col: usize, label: &str) -> Result<u64, String> {
    let x = number(record, col, label)?;
    if x.fract() != 0.0 || x > u64::MAX as f64 {
        return Err(format!(
            "malformed {WHAT}: line {}: {label} is not a whole count",
            record.line
        ));
    }
    Ok(x as u64)
}

fn rate(record: &Record, col: usize) -> Result<f64, String> {
    number(record, col, "TPS")
}

fn number(record: &Record, col: usize, label: &str) -> Result<f64, String> {
    let line = record.line;
    let bad = || format!("malformed {WHAT}: line {line}: {label} is not a non-negative number");
    let s = std::str::from_utf8(record.get(col).trim_ascii()).map_err(|_| bad())?;
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_fixture(name: &str) -> Result<Reading, String> {
        read(&mut crate::evidence::fixture("ngrinder", name).as_slice())
    }

    fn none() -> Thresholds {
        Thresholds {
            max_error_rate: None,
            max_p99_ms: None,
            min_samples: None,
            min_tps: None,
            min_tests: 1,
        }
    }

    #[test]
    fn a_clean_run_sums_tests_and_errors_and_averages_tps() {
        let f = read_fixture("pass-output.csv").unwrap().figures;
        assert_eq!(f.samples, Some(3600));
        assert_eq!(f.error_rate, Some(0.0));
        assert_eq!(f.p99_ms, None);
        assert_eq!(f.tps, Some(120.0));
        let t = Thresholds {
            max_error_rate: Some(0.0),
            min_samples: Some(3600),
            min_tps: Some(120.0),
            ..none()
        };
        assert!(judge(&f, &t).is_empty(), "{:?}", judge(&f, &t));
    }

    #[test]
    fn errors_count_as_samples_and_give_the_error_rate() {
        let f = read_fixture("errors-output.csv").unwrap().figures;
        // Σ Tests 1980 + Σ Errors 20 over four intervals.
        assert_eq!(f.samples, Some(2000));
        assert_eq!(f.error_rate, Some(0.01));
        assert_eq!(f.tps, Some(99.0));
        let t = Thresholds {
            max_error_rate: Some(0.005),
            ..none()
        };
        assert_eq!(judge(&f, &t), ["error rate 1.0% > 0.5% allowed"]);
    }

    #[test]
    fn a_set_max_p99_fails_and_says_ngrinder_has_none() {
        let f = read_fixture("pass-output.csv").unwrap().figures;
        let t = Thresholds {
            max_p99_ms: Some(500.0),
            ..none()
        };
        assert_eq!(judge(&f, &t), [NO_P99]);
        assert!(NO_P99.contains("reports no percentiles"));
    }

    #[test]
    fn a_header_only_file_has_no_samples() {
        let csv = b"DateTime,vuser,Tests,Errors,Mean_Test_Time_(ms),TPS\n";
        let f = read(&mut &csv[..]).unwrap().figures;
        assert_eq!((f.samples, f.error_rate, f.tps), (Some(0), None, None));
        assert_eq!(judge(&f, &none()), ["no samples"]);
    }

    #[test]
    fn columns_are_found_by_name_and_per_test_columns_are_not_read() {
        let csv = b"TPS,DateTime,Errors,Tests,Description,Tests-0\n\
                    10,2026-11-27 10:00:01,1,9,a, b, c,999\n\
                    20,2026-11-27 10:00:02,0,20\n";
        let f = read(&mut &csv[..]).unwrap().figures;
        assert_eq!((f.samples, f.tps), (Some(30), Some(15.0)));
    }

    #[test]
    fn other_files_and_bad_fields_are_refused_without_quoting_them() {
        let cases: [(&[u8], &str); 5] = [
            (b"", "not an nGrinder output.csv: the file is empty (no header row)"),
            (
                b"Type,Name,Request Count\n",
                "not an nGrinder output.csv (the per-interval report of an nGrinder test): no \"Tests\" column",
            ),
            (
                b"Tests,Errors,TPS,TPS\n",
                "not an nGrinder output.csv: the header row names \"TPS\" twice (columns 3 and 4), so which one to read is ambiguous",
            ),
            (
                b"Tests,Errors,TPS\n5,s3cret,1\n",
                "malformed nGrinder output.csv: line 2: Errors is not a non-negative number",
            ),
            (
                b"Tests,Errors,TPS\n5.5,0,1\n2,0\n",
                "malformed nGrinder output.csv: line 2: Tests is not a whole count",
            ),
        ];
        for (csv, why) in cases {
            assert_eq!(read(&mut &csv[..]).unwrap_err(), why);
        }
        let short = b"Tests,Errors,TPS\n5,0\n";
        assert!(read(&mut &short[..])
            .unwrap_err()
            .contains("line 2 has 2 fields"));
    }
}
