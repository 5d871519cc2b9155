//! `locust`: the `*_stats.csv` that `locust --csv PREFIX` writes at the end of a run.
//!
//! Only the `Aggregated` row is judged: it is Locust's own total over every request type, so the
//! figures are the ones Locust's report shows. Columns are found by their header names (`Type`,
//! `Name`, `Request Count`, `Failure Count`, `99%`, `Requests/s`), so extra or reordered columns
//! from other Locust versions do not matter. The total row is the one named `Aggregated` with an
//! empty `Type`; an endpoint that happens to be called `Aggregated` has a method in `Type` and is
//! not mistaken for it.
//!
//! Locust writes `N/A` for a percentile it has no data for (a run that sent no request): that is
//! no p99, and a set `max_p99_ms` then fails rather than passing unchecked. Other CSVs Locust
//! writes (`*_stats_history.csv`, `*_failures.csv`, `*_exceptions.csv`) have no such row and are
//! refused with a reason.
//!
//! Locust's percentiles are its own, rounded ones (it rounds response times to the nearest 10 ms
//! above 100 ms and to the nearest 100 ms above 1 s), so a p99 near `max_p99_ms` is judged as
//! Locust reported it.
//!
//! The file is read one record at a time, so its size does not matter.

use super::load;
use super::records::{Record, Records};
use super::{Figures, Reading, Thresholds};
use std::io::BufRead;

const NO_P99: &str = "no p99: the Aggregated row's 99% is N/A (Locust had no response times \
     to rank); use the *_stats.csv of a run that sent requests";

const COLUMNS: [&str; 6] = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "99%",
    "Requests/s",
];

pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let mut records = Records::new(input, "locust stats CSV");
    let Some(headers) = records.next_record()? else {
        return Err("not a locust stats CSV: the file is empty (no header row)".into());
    };
    if headers.fields().all(|h| h.trim_ascii().is_empty()) {
        return Err("not a locust stats CSV: the file is empty (no header row)".into());
    }
    let width = headers.len();
    let mut at = [0usize; COLUMNS.len()];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        let mut found = headers
            .fields()
            .enumerate()
            .filter(|(_, h)| strip_bom(h).trim_ascii() == name.as_bytes())
            .map(|(i, _)| i);
        *slot = found.next().ok_or_else(|| {
            format!(
                "not a locust stats CSV (the *_stats.csv of locust --csv): no \"{name}\" column"
            )
        })?;
        if let Some(again) = found.next() {
            return Err(format!(
                "not a locust stats CSV: the header row names \"{name}\" twice (columns {} and \
                 {}), so which one to read is ambiguous",
                *slot + 1,
                again + 1
            ));
        }
    }
    let [ty, name, requests, failures, p99, rps] = at;

    let mut total: Option<Figures> = None;
    while let Some(record) = records.next_record()? {
        if record.len() != width {
            return Err(format!(
                "malformed locust stats CSV: line {} has {} fields, the header has {width}",
                record.line,
                record.len()
            ));
        }
        let field = |i: usize| record.get(i).trim_ascii();
        if field(name) != b"Aggregated" || !field(ty).is_empty() {
            continue;
        }
        if total.is_some() {
            return Err("malformed locust stats CSV: more than one Aggregated row".into());
        }
        total = Some(aggregated(&record, [requests, failures, p99, rps])?);
    }
    let figures = total.ok_or_else(|| {
        "not a locust stats CSV: no Aggregated row (is this the *_stats.csv of locust --csv?)"
            .to_string()
    })?;
    Ok(Reading {
        figures,
        ..Reading::default()
    })
}

pub fn judge(f: &Figures, t: &Thresholds) -> Vec<String> {
    load::judge(f, t, NO_P99)
}

/// The figures of the Aggregated row, from its Request Count, Failure Count, 99% and
/// Requests/s fields. A field that is not what was expected is named, never quoted.
fn aggregated(record: &Record, at: [usize; 4]) -> Result<Figures, String> {
    let line = record.line;
    let [requests, failures, p99, rps] = at;
    let field = |col: usize, label: &str| -> Result<&str, String> {
        std::str::from_utf8(record.get(col).trim_ascii())
            .map_err(|_| format!("malformed locust stats CSV: line {line}: {label} is not text"))
    };
    let whole = |col: usize, label: &str| -> Result<u64, String> {
        field(col, label)?
            .parse()
            .map_err(|_| format!("malformed locust stats CSV: line {line}: {label} is not a count"))
    };
    let real = |col: usize, label: &str| -> Result<Option<f64>, String> {
        match field(col, label)? {
            "N/A" => Ok(None),
            s => match s.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err(format!(
                    "malformed locust stats CSV: line {line}: {label} is not a number \
                     (nor N/A)"
                )),
            },
        }
    };
    let samples = whole(requests, "Request Count")?;
    let failed = whole(failures, "Failure Count")?;
    if failed > samples {
        return Err(format!(
            "malformed locust stats CSV: line {line}: \
             Failure Count {failed} is more than Request Count {samples}"
        ));
    }
    Ok(Figures {
        samples: Some(samples),
        // No requests: no rate to speak of; load::judge fails the run for having no samples.
        error_rate: (samples > 0).then(|| failed as f64 / samples as f64),
        p99_ms: real(p99, "99%")?,
        tps: real(rps, "Requests/s")?,
        ..Figures::default()
    })
}

fn strip_bom(field: &[u8]) -> &[u8] {
    field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::read::MAX_RECORD;

    fn read_fixture(name: &str) -> Result<Reading, String> {
        read(&mut crate::evidence::fixture("locust", name).as_slice())
    }

    fn figures(name: &str) -> Figures {
        read_fixture(name).unwrap().figures
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

    fn strict() -> Thresholds {
        Thresholds {
            max_error_rate: Some(0.01),
            max_p99_ms: Some(100.0),
            min_samples: Some(300),
            min_tps: Some(50.0),
            min_tests: 1,
        }
    }

    #[test]
    fn a_clean_run_reads_the_aggregated_row_and_passes() {
        let f = figures("pass_stats.csv");
        assert_eq!(f.samples, Some(308));
        assert_eq!(f.error_rate, Some(0.0));
        assert_eq!(f.p99_ms, Some(53.0));
        assert_eq!(f.tps, Some(77.0645373314325));
        assert_eq!(f.tests, None);
        assert!(
            judge(&f, &strict()).is_empty(),
            "{:?}",
            judge(&f, &strict())
        );
    }

    #[test]
    fn failed_requests_give_failure_count_over_request_count() {
        let f = figures("errors_stats.csv");
        assert_eq!(f.samples, Some(304));
        assert_eq!(f.error_rate, Some(32.0 / 304.0));
        assert_eq!(f.p99_ms, Some(53.0));
        assert_eq!(f.tps, Some(76.22504658893882));
        assert_eq!(judge(&f, &strict()), ["error rate 10.5% > 1.0% allowed"]);
    }

    #[test]
    fn a_slow_p99_fails_the_latency_threshold() {
        let t = Thresholds {
            max_p99_ms: Some(50.0),
            ..none()
        };
        assert_eq!(
            judge(&figures("pass_stats.csv"), &t),
            ["p99 53 ms > 50 ms allowed"]
        );
    }

    #[test]
    fn too_few_requests_fail_the_sample_threshold() {
        let t = Thresholds {
            min_samples: Some(1000),
            ..none()
        };
        assert_eq!(
            judge(&figures("pass_stats.csv"), &t),
            ["308 samples < 1000 required"]
        );
    }

    #[test]
    fn a_low_request_rate_fails_the_tps_threshold() {
        let t = Thresholds {
            min_tps: Some(100.0),
            ..none()
        };
        assert_eq!(
            judge(&figures("pass_stats.csv"), &t),
            ["77.06 TPS < 100 required"]
        );
    }

    #[test]
    fn a_run_without_requests_has_no_error_rate_nor_p99_and_fails() {
        let f = figures("no-requests_stats.csv");
        assert_eq!(f.samples, Some(0));
        assert_eq!(f.error_rate, None);
        assert_eq!(f.p99_ms, None);
        assert_eq!(f.tps, Some(0.0));
        assert_eq!(judge(&f, &strict()), ["no samples"]);
    }

    #[test]
    fn a_p99_of_n_a_fails_a_set_p99_threshold_and_says_why() {
        let csv =
            b"Type,Name,Request Count,Failure Count,Requests/s,99%\n,Aggregated,5,0,1.0,N/A\n";
        let f = read(&mut &csv[..]).unwrap().figures;
        assert_eq!((f.samples, f.p99_ms), (Some(5), None));
        let t = Thresholds {
            max_p99_ms: Some(500.0),
            ..none()
        };
        assert_eq!(judge(&f, &t), [NO_P99]);
        assert!(judge(&f, &none()).is_empty());
    }

    #[test]
    fn a_stats_csv_without_an_aggregated_row_is_not_read() {
        let why = read_fixture("crafted-no-aggregated_stats.csv").unwrap_err();
        assert!(why.contains("no Aggregated row"), "{why}");
    }

    #[test]
    fn an_endpoint_called_aggregated_is_not_taken_for_the_total() {
        let f = figures("crafted-endpoint-named-aggregated_stats.csv");
        assert_eq!(f.samples, Some(1000));
        assert_eq!(f.error_rate, Some(0.01));
        assert_eq!(f.tps, Some(200.0));
        assert_eq!(f.p99_ms, Some(9.0));
    }

    #[test]
    fn columns_are_found_by_name_in_any_order() {
        let csv = b"99%,Requests/s,Failure Count,Request Count,Name,Type,Extra\n\
                    12,3.5,1,4,Aggregated,,x\n";
        let f = read(&mut &csv[..]).unwrap().figures;
        assert_eq!(f.samples, Some(4));
        assert_eq!(f.error_rate, Some(0.25));
        assert_eq!(f.p99_ms, Some(12.0));
        assert_eq!(f.tps, Some(3.5));
    }

    #[test]
    fn a_missing_column_is_named() {
        let csv = b"Type,Name,Request Count,Failure Count,Requests/s\n,Aggregated,1,0,1\n";
        let why = read(&mut &csv[..]).unwrap_err();
        assert!(why.contains("no \"99%\" column"), "{why}");
    }

    #[test]
    fn malformed_files_are_not_read_and_never_panic() {
        let cases: [&[u8]; 7] = [
            b"",
            b"{\"metrics\": {}}",
            b"Type,Name,Request Count,Failure Count,99%,Requests/s\n,Aggregated,many,0,1,1\n",
            b"Type,Name,Request Count,Failure Count,99%,Requests/s\n,Aggregated,1,0,-3,1\n",
            b"Type,Name,Request Count,Failure Count,99%,Requests/s\n,Aggregated,1,2,3,1\n",
            b"Type,Name,Request Count,Failure Count,99%,Requests/s\n,Aggregated,1,0\n",
            b"Type,Name,Request Count,Failure Count,99%,Requests/s\n\
              ,Aggregated,1,0,1,1\n,Aggregated,1,0,1,1\n",
        ];
        for csv in cases {
            assert!(
                read(&mut &csv[..]).is_err(),
                "{:?}",
                String::from_utf8_lossy(csv)
            );
        }
    }

    const HEAD: &str = "Type,Name,Request Count,Failure Count,99%,Requests/s\n";

    #[test]
    fn a_header_that_names_a_needed_column_twice_is_ambiguous() {
        let csv = "Type,Name,Request Count,Failure Count,99%,Requests/s,Request Count\n\
                   ,Aggregated,100,0,5,10,0\n";
        assert_eq!(
            read(&mut csv.as_bytes()).unwrap_err(),
            "not a locust stats CSV: the header row names \"Request Count\" twice \
             (columns 3 and 7), so which one to read is ambiguous"
        );
    }

    #[test]
    fn a_field_that_is_not_a_number_is_named_never_quoted() {
        let secret = "AKIAIOSFODNN7EXAMPLE";
        for row in [
            format!(",Aggregated,{secret},0,5,10\n"),
            format!(",Aggregated,100,0,{secret},10\n"),
            format!(",Aggregated,100,0,5,\"{secret}\"\n"),
        ] {
            let csv = format!("{HEAD}{row}");
            let why = read(&mut csv.as_bytes()).unwrap_err();
            assert!(!why.contains(secret), "{why}");
            assert!(
                why.starts_with("malformed locust stats CSV: line 2: "),
                "{why}"
            );
        }
    }

    #[test]
    fn a_record_longer_than_the_cap_fails_in_flat_memory() {
        let csv = format!("{HEAD},\"{}\",1,0,5,10\n", "x".repeat(MAX_RECORD + 1));
        assert_eq!(
            read(&mut csv.as_bytes()).unwrap_err(),
            "malformed locust stats CSV: a record longer than 4 MiB"
        );
    }
}
