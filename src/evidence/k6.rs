//! `k6`: the JSON summary of a k6 run, as `--summary-export` writes it or as a `handleSummary`
//! function returns it with `JSON.stringify(data)`.
//!
//! Both carry the same end-of-test figures, nested differently: `--summary-export` puts them on
//! the metric (`metrics.http_req_duration["p(99)"]`), `handleSummary` under `values`
//! (`metrics.http_req_duration.values["p(99)"]`). Either file is accepted as it is, so a team
//! keeps whichever its pipeline already writes.
//!
//! The error rate is the rate of `http_req_failed` (its `value`, or `values.rate`). Beware when
//! reading such a file by eye: `http_req_failed` is true for a request that *failed*, so its
//! `passes` counts the failed requests and its `fails` the good ones.
//!
//! k6 reports only the trend statistics it was asked for, and its default set stops at p(95).
//! A `max_p99_ms` threshold therefore needs the run to include p(99), e.g.
//! `k6 run --summary-trend-stats "avg,min,med,max,p(90),p(95),p(99)" …`; without it the evidence
//! fails and says so rather than passing unchecked. Durations are milliseconds in both layouts,
//! whatever `--summary-time-unit` says (that only changes the text summary).
//!
//! The summary is parsed as a stream and only the three metrics relcheck needs are kept, so a
//! summary with many groups, checks or custom metrics costs no more memory than a small one.

use super::load;
use super::{Figures, Reading, Thresholds};
use serde::Deserialize;
use std::io::BufRead;

const NO_P99: &str = "no p(99) of http_req_duration in the summary: run k6 with \
     --summary-trend-stats \"avg,min,med,max,p(90),p(95),p(99)\" to record it";

/// The part of a k6 summary that relcheck reads; serde skips everything else as it streams by.
#[derive(Deserialize)]
struct Summary {
    metrics: Option<Metrics>,
}

#[derive(Deserialize)]
struct Metrics {
    http_reqs: Option<Metric>,
    http_req_failed: Option<Metric>,
    http_req_duration: Option<Metric>,
}

/// One metric in either layout: figures on the metric itself (`--summary-export`) or under
/// `values` (`handleSummary`). A `null` (k6's NaN) reads as missing.
#[derive(Deserialize)]
struct Metric {
    values: Option<Values>,
    count: Option<f64>,
    rate: Option<f64>,
    value: Option<f64>,
    passes: Option<f64>,
    fails: Option<f64>,
    #[serde(rename = "p(99)")]
    p99: Option<f64>,
}

#[derive(Deserialize)]
struct Values {
    count: Option<f64>,
    rate: Option<f64>,
    passes: Option<f64>,
    fails: Option<f64>,
    #[serde(rename = "p(99)")]
    p99: Option<f64>,
}

impl Metric {
    fn count(&self) -> Option<f64> {
        match &self.values {
            Some(v) => v.count,
            None => self.count,
        }
    }

    /// The per-second rate of a counter (`http_reqs`).
    fn rate(&self) -> Option<f64> {
        match &self.values {
            Some(v) => v.rate,
            None => self.rate,
        }
    }

    /// The fraction of true samples of a rate metric: `value` on the metric, `values.rate`
    /// under `values`.
    fn fraction(&self) -> Option<f64> {
        match &self.values {
            Some(v) => v.rate,
            None => self.value,
        }
    }

    fn p99(&self) -> Option<f64> {
        match &self.values {
            Some(v) => v.p99,
            None => self.p99,
        }
    }

    /// A rate metric's true and false sample counts, when the file has both.
    fn passes_fails(&self) -> Option<(f64, f64)> {
        match &self.values {
            Some(v) => v.passes.zip(v.fails),
            None => self.passes.zip(self.fails),
        }
    }
}

/// Whether `x` is a whole number of things.
fn whole(x: f64) -> bool {
    x >= 0.0 && x.fract() == 0.0 && x <= u64::MAX as f64
}

pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let summary: Summary = serde_json::from_reader(input).map_err(|e| {
        // serde_json's messages may quote the file's text: say only what and where.
        let at = format!("line {} column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Io => format!("cannot read the k6 summary: {e}"),
            serde_json::error::Category::Eof => {
                format!("the k6 summary ends early (truncated JSON) at {at}")
            }
            serde_json::error::Category::Syntax => format!("not a k6 summary: not JSON at {at}"),
            serde_json::error::Category::Data => format!(
                "not a k6 summary (the JSON of --summary-export or handleSummary): a value of \
                 the wrong type at {at}"
            ),
        }
    })?;
    let Some(metrics) = summary.metrics else {
        return Err("not a k6 summary: the JSON has no \"metrics\" object \
                    (expected the output of --summary-export or handleSummary)"
            .into());
    };
    let bad = |what: &str| Err(format!("not a k6 summary: {what}"));
    let reqs = metrics.http_reqs.as_ref();
    let samples = match reqs.and_then(Metric::count) {
        None => None,
        Some(c) if whole(c) => Some(c as u64),
        Some(_) => return bad("http_reqs count is not a whole number of requests"),
    };
    let tps = reqs.and_then(Metric::rate);
    if let Some(r) = tps {
        if !(r.is_finite() && r >= 0.0) {
            return bad("http_reqs rate is not a number of requests per second");
        }
        if samples.is_some_and(|n| (n == 0) != (r == 0.0)) {
            return bad("http_reqs count and rate contradict each other");
        }
    }
    let failed = metrics.http_req_failed.as_ref();
    let error_rate = failed.and_then(Metric::fraction);
    if let Some(r) = error_rate {
        if !(0.0..=1.0).contains(&r) {
            return bad("http_req_failed rate is not a fraction");
        }
    }
    if let Some((passes, fails)) = failed.and_then(Metric::passes_fails) {
        if !whole(passes) || !whole(fails) {
            return bad("http_req_failed passes and fails are not whole numbers");
        }
        let total = passes + fails;
        // `passes` counts the failed requests: the rate is passes ÷ (passes + fails).
        if let Some(r) = error_rate {
            let expected = if total > 0.0 { passes / total } else { 0.0 };
            if (r - expected).abs() > 1e-9 {
                return bad("http_req_failed rate contradicts its passes and fails");
            }
        }
        if samples.is_some_and(|n| n as f64 != total) {
            return bad("http_req_failed counts a different number of requests than http_reqs");
        }
    }
    let p99_ms = metrics.http_req_duration.as_ref().and_then(Metric::p99);
    if p99_ms.is_some_and(|p| !(p.is_finite() && p >= 0.0)) {
        return bad("http_req_duration p(99) is not a duration (negative or not finite)");
    }
    let figures = Figures {
        samples,
        error_rate,
        p99_ms,
        tps,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        crate::evidence::fixture("k6", name)
    }

    fn read_fixture(name: &str) -> Result<Reading, String> {
        let bytes = fixture(name);
        read(&mut bytes.as_slice())
    }

    fn figures(name: &str) -> Figures {
        read_fixture(name).unwrap().figures
    }

    /// serde_json (without its `float_roundtrip` feature) may read a 17-digit decimal one
    /// unit in the last place off; that is far below anything a threshold can tell apart.
    #[track_caller]
    fn assert_close(got: Option<f64>, want: f64) {
        let got = got.expect("a figure");
        assert!((got - want).abs() <= want.abs() * 1e-12, "{got} != {want}");
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
            max_p99_ms: Some(500.0),
            min_samples: Some(200),
            min_tps: Some(100.0),
            min_tests: 1,
        }
    }

    #[test]
    fn a_clean_summary_export_reads_its_figures_and_passes() {
        let f = figures("summary-export-pass.json");
        assert_eq!(f.samples, Some(200));
        assert_eq!(f.error_rate, Some(0.0));
        assert_close(f.p99_ms, 50.94525536);
        assert_close(f.tps, 631.3724221261309);
        assert_eq!(f.tests, None);
        assert!(
            judge(&f, &strict()).is_empty(),
            "{:?}",
            judge(&f, &strict())
        );
    }

    #[test]
    fn a_clean_summary_export_has_no_errors_although_its_passes_and_fails_look_backwards() {
        // The fixture says "passes": 0, "fails": 200: every request succeeded.
        let raw = String::from_utf8(fixture("summary-export-pass.json")).unwrap();
        assert!(raw.contains("\"passes\": 0") && raw.contains("\"fails\": 200"));
        assert_eq!(figures("summary-export-pass.json").error_rate, Some(0.0));
    }

    #[test]
    fn a_clean_handle_summary_reads_the_values_layout_and_passes() {
        let f = figures("handle-summary-pass.json");
        assert_eq!(f.samples, Some(200));
        assert_eq!(f.error_rate, Some(0.0));
        assert_close(f.p99_ms, 51.291567959999995);
        assert_close(f.tps, 606.4619975280791);
        assert!(judge(&f, &strict()).is_empty());
    }

    #[test]
    fn failed_requests_give_the_error_rate_in_both_layouts() {
        for name in ["summary-export-errors.json", "handle-summary-errors.json"] {
            let f = figures(name);
            assert_eq!(f.samples, Some(200), "{name}");
            assert_eq!(f.error_rate, Some(0.1), "{name}");
            assert_eq!(
                judge(&f, &strict()),
                ["error rate 10.0% > 1.0% allowed"],
                "{name}"
            );
        }
        assert_close(
            figures("summary-export-errors.json").p99_ms,
            51.025277620000004,
        );
        assert_close(
            figures("handle-summary-errors.json").p99_ms,
            51.18232173999999,
        );
    }

    #[test]
    fn every_summary_mode_and_k6_0_57_write_the_same_layouts_and_the_passes_trap_holds() {
        // (file, p99, TPS): 200 requests, 20 of them failed (`passes: 20` in every file).
        let cases = [
            (
                "handle-summary-mode-full-errors.json",
                51.33583478999999,
                549.1306974139148,
            ),
            (
                "summary-export-mode-legacy-errors.json",
                50.875821450000004,
                603.2252808964516,
            ),
            (
                "v0.57/handle-summary-errors.json",
                50.96038428999997,
                584.8530117437169,
            ),
            (
                "v0.57/summary-export-errors.json",
                50.96038428999997,
                584.8530117437169,
            ),
        ];
        for (name, p99, tps) in cases {
            let raw = String::from_utf8(fixture(name)).unwrap();
            assert!(
                raw.contains("\"passes\":20") || raw.contains("\"passes\": 20"),
                "{name}"
            );
            let f = figures(name);
            assert_eq!(f.samples, Some(200), "{name}");
            assert_eq!(f.error_rate, Some(0.1), "{name}");
            assert_close(f.p99_ms, p99);
            assert_close(f.tps, tps);
        }
    }

    #[test]
    fn an_error_rate_at_the_threshold_passes() {
        let t = Thresholds {
            max_error_rate: Some(0.1),
            ..none()
        };
        assert!(judge(&figures("summary-export-errors.json"), &t).is_empty());
    }

    #[test]
    fn a_slow_p99_fails_the_latency_threshold() {
        let t = Thresholds {
            max_p99_ms: Some(20.0),
            ..none()
        };
        assert_eq!(
            judge(&figures("summary-export-pass.json"), &t),
            ["p99 50.95 ms > 20 ms allowed"]
        );
    }

    #[test]
    fn too_few_requests_fail_the_sample_threshold() {
        let t = Thresholds {
            min_samples: Some(1000),
            ..none()
        };
        assert_eq!(
            judge(&figures("handle-summary-pass.json"), &t),
            ["200 samples < 1000 required"]
        );
    }

    #[test]
    fn a_low_request_rate_fails_the_tps_threshold() {
        let t = Thresholds {
            min_tps: Some(1000.0),
            ..none()
        };
        assert_eq!(
            judge(&figures("summary-export-pass.json"), &t),
            ["631.37 TPS < 1000 required"]
        );
    }

    #[test]
    fn a_summary_without_p99_fails_a_set_p99_threshold_and_says_how_to_record_it() {
        for name in ["summary-export-no-p99.json", "handle-summary-no-p99.json"] {
            let f = figures(name);
            assert_eq!(f.p99_ms, None, "{name}");
            assert_eq!(f.samples, Some(200), "{name}");
            let reasons = judge(&f, &strict());
            assert_eq!(reasons, [NO_P99], "{name}");
            assert!(reasons[0].contains("--summary-trend-stats"));
        }
    }

    #[test]
    fn a_summary_without_p99_passes_when_no_p99_threshold_is_set() {
        let t = Thresholds {
            max_p99_ms: None,
            ..strict()
        };
        assert!(judge(&figures("summary-export-no-p99.json"), &t).is_empty());
    }

    #[test]
    fn a_run_without_http_requests_has_no_sample_count_and_fails() {
        let f = figures("summary-export-no-http.json");
        assert_eq!(f, Figures::default());
        assert_eq!(judge(&f, &none()), ["no sample count in the file"]);
    }

    #[test]
    fn a_truncated_summary_is_not_read() {
        let why = read_fixture("crafted-truncated.json").unwrap_err();
        assert!(
            why.starts_with("the k6 summary ends early (truncated JSON)"),
            "{why}"
        );
    }

    #[test]
    fn json_without_metrics_is_not_a_k6_summary() {
        let why = read_fixture("crafted-no-metrics.json").unwrap_err();
        assert!(why.contains("no \"metrics\" object"), "{why}");
    }

    #[test]
    fn files_that_are_not_json_are_not_read_and_never_panic() {
        for bytes in [
            &b""[..],
            b"Type,Name\n",
            b"<testsuites/>",
            b"[1,2]",
            b"{\"metrics\": 3}",
            b"\xff\xfe",
        ] {
            assert!(
                read(&mut &bytes[..]).is_err(),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn a_fractional_or_negative_request_count_is_not_read() {
        let json = br#"{"metrics":{"http_reqs":{"count":1.5,"rate":1}}}"#;
        assert!(read(&mut &json[..])
            .unwrap_err()
            .contains("http_reqs count is not a whole number of requests"));
        let json = br#"{"metrics":{"http_reqs":{"count":10},"http_req_failed":{"value":-0.5}}}"#;
        assert!(read(&mut &json[..]).unwrap_err().contains("not a fraction"));
    }

    #[test]
    fn null_figures_read_as_missing() {
        let json = br#"{"metrics":{"http_reqs":{"values":{"count":10,"rate":null}},
            "http_req_duration":{"values":{"p(99)":null}}}}"#;
        let f = read(&mut &json[..]).unwrap().figures;
        assert_eq!((f.samples, f.tps, f.p99_ms), (Some(10), None, None));
    }

    #[test]
    fn a_negative_p99_or_counts_that_contradict_the_rate_are_not_read() {
        let cases = [
            (
                r#"{"metrics":{"http_reqs":{"count":10,"rate":5},"http_req_duration":{"p(99)":-1}}}"#,
                "not a k6 summary: http_req_duration p(99) is not a duration (negative or not finite)",
            ),
            (
                r#"{"metrics":{"http_reqs":{"count":0,"rate":50}}}"#,
                "not a k6 summary: http_reqs count and rate contradict each other",
            ),
            (
                r#"{"metrics":{"http_reqs":{"count":10,"rate":-5}}}"#,
                "not a k6 summary: http_reqs rate is not a number of requests per second",
            ),
            (
                r#"{"metrics":{"http_reqs":{"count":10,"rate":5},"http_req_failed":{"passes":9,"fails":1,"value":0}}}"#,
                "not a k6 summary: http_req_failed rate contradicts its passes and fails",
            ),
            (
                r#"{"metrics":{"http_reqs":{"values":{"count":10,"rate":5}},"http_req_failed":{"values":{"passes":0,"fails":3,"rate":0}}}}"#,
                "not a k6 summary: http_req_failed counts a different number of requests than http_reqs",
            ),
        ];
        for (json, why) in cases {
            assert_eq!(read(&mut json.as_bytes()).unwrap_err(), why, "{json}");
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_is_described_never_quoted() {
        let json = r#"{"metrics":{"http_reqs":{"count":"ghp_s3cretT0ken","rate":5}}}"#;
        let why = read(&mut json.as_bytes()).unwrap_err();
        assert!(!why.contains("s3cret"), "{why}");
        assert!(why.contains("a value of the wrong type at line 1"), "{why}");
    }
}
