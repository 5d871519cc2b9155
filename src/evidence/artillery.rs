//! `artillery`: the JSON report `artillery run --output report.json` writes (Artillery 2).
//!
//! Only `aggregate` is read, Artillery's own totals over the whole run; the per-period
//! `intermediate` entries stream past unread. From it:
//!
//! - samples: `counters["http.requests"]`;
//! - failed requests: the requests minus the responses counted in `http.codes.1xx`–`3xx`
//!   (`http.codes.200`, `http.codes.304`, …), so a 4xx, a 5xx and a request that got no answer
//!   at all (a refused connection, a timeout: `errors.*`) all count as failed;
//! - p99: `summaries["http.response_time"].p99`, in milliseconds;
//! - TPS: `rates["http.request_rate"]`, Artillery's mean request rate;
//! - time: `lastMetricAt`, milliseconds since the epoch, when the last metric was recorded.
//!
//! The counters are summed as they stream by, so a report with many custom metrics costs no
//! more memory than a small one. A counter named twice is ambiguous and refused.

use super::load;
use super::{Figures, Reading, Thresholds};
use chrono::{DateTime, Utc};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::io::BufRead;

const WHAT: &str = "Artillery report";

const NO_P99: &str = "no p99: the Artillery report has no http.response_time summary \
     (did the run send HTTP requests?)";

#[derive(Deserialize)]
struct Report {
    aggregate: Option<Aggregate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Aggregate {
    #[serde(default)]
    counters: Counters,
    #[serde(default)]
    rates: Rates,
    #[serde(default)]
    summaries: Summaries,
    last_metric_at: Option<f64>,
}

/// The counters relcheck needs, summed as the map streams by.
#[derive(Default)]
struct Counters {
    requests: Option<f64>,
    /// Responses with a 1xx, 2xx or 3xx status.
    answered: f64,
    /// A counter that appeared twice, or a status code that is not three digits.
    trouble: Option<&'static str>,
}

#[derive(Default, Deserialize)]
struct Rates {
    #[serde(rename = "http.request_rate")]
    request_rate: Option<f64>,
}

#[derive(Default, Deserialize)]
struct Summaries {
    #[serde(rename = "http.response_time")]
    response_time: Option<Summary>,
}

#[derive(Deserialize)]
struct Summary {
    p99: Option<f64>,
}

impl<'de> Deserialize<'de> for Counters {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Counters;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of counters")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counters, A::Error> {
                let mut c = Counters::default();
                let mut seen_codes = std::collections::BTreeSet::new();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "http.requests" {
                        let n: f64 = map.next_value()?;
                        if c.requests.replace(n).is_some() {
                            c.trouble = Some("counts http.requests twice");
                        }
                    } else if let Some(code) = key.strip_prefix("http.codes.") {
                        let n: f64 = map.next_value()?;
                        match code.parse::<u16>() {
                            Ok(s) if code.len() == 3 => {
                                if !seen_codes.insert(s) {
                                    c.trouble = Some("counts one HTTP status code twice");
                                }
                                if (100..400).contains(&s) {
                                    c.answered += n;
                                }
                            }
                            _ => {
                                c.trouble =
                                    Some("has an http.codes counter that is not a status code")
                            }
                        }
                        if !whole(n) {
                            c.trouble = Some("has an http.codes count that is not a whole number");
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

/// Whether `x` is a whole number of things.
fn whole(x: f64) -> bool {
    x >= 0.0 && x.fract() == 0.0 && x <= u64::MAX as f64
}

pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let report: Report = serde_json::from_reader(input).map_err(|e| {
        // serde_json's messages may quote the file's text: say only what and where.
        let at = format!("line {} column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Io => format!("cannot read the {WHAT}: {e}"),
            serde_json::error::Category::Eof => {
                format!("the {WHAT} ends early (truncated JSON) at {at}")
            }
            serde_json::error::Category::Syntax => format!("not an {WHAT}: not JSON at {at}"),
            serde_json::error::Category::Data => format!(
                "not an {WHAT} (the JSON of artillery run --output): a value of the wrong \
                 type at {at}"
            ),
        }
    })?;
    let bad = |what: &str| Err(format!("not an {WHAT}: {what}"));
    let Some(agg) = report.aggregate else {
        return bad(
            "the JSON has no \"aggregate\" object (expected the output of artillery run --output)",
        );
    };
    if let Some(why) = agg.counters.trouble {
        return bad(&format!("the aggregate {why}"));
    }
    let samples = match agg.counters.requests {
        None => None,
        Some(n) if whole(n) => Some(n as u64),
        Some(_) => return bad("http.requests is not a whole number of requests"),
    };
    let error_rate = match samples {
        Some(n) if n > 0 => {
            let answered = agg.counters.answered;
            if answered > n as f64 {
                return bad("more responses in http.codes than requests in http.requests");
            }
            Some((n as f64 - answered) / n as f64)
        }
        _ => None,
    };
    let p99_ms = agg.summaries.response_time.and_then(|s| s.p99);
    if p99_ms.is_some_and(|p| !(p.is_finite() && p >= 0.0)) {
        return bad("http.response_time p99 is not a duration (negative or not finite)");
    }
    let tps = agg.rates.request_rate;
    if tps.is_some_and(|r| !(r.is_finite() && r >= 0.0)) {
        return bad("http.request_rate is not a number of requests per second");
    }
    let time = match agg.last_metric_at {
        None => None,
        Some(ms) => match DateTime::<Utc>::from_timestamp_millis(ms as i64) {
            Some(t) if whole(ms) => Some(t),
            _ => return bad("lastMetricAt is not milliseconds since the epoch"),
        },
    };
    Ok(Reading {
        figures: Figures {
            samples,
            error_rate,
            p99_ms,
            tps,
            ..Figures::default()
        },
        time,
        note: None,
        timed: true,
    })
}

pub fn judge(f: &Figures, t: &Thresholds) -> Vec<String> {
    load::judge(f, t, NO_P99)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_fixture(name: &str) -> Result<Reading, String> {
        read(&mut crate::evidence::fixture("artillery", name).as_slice())
    }

    fn strict() -> Thresholds {
        Thresholds {
            max_error_rate: Some(0.01),
            max_p99_ms: Some(500.0),
            min_samples: Some(200),
            min_tps: Some(50.0),
            min_tests: 1,
        }
    }

    #[test]
    fn a_passing_run_reads_its_aggregate_and_time() {
        let r = read_fixture("pass.json").unwrap();
        let f = &r.figures;
        assert_eq!(f.samples, Some(200));
        assert_eq!(f.error_rate, Some(0.0));
        assert_eq!(f.p99_ms, Some(63.4));
        assert_eq!(f.tps, Some(51.0));
        assert_eq!(
            r.time.unwrap().timestamp_millis(),
            1_795_994_435_377,
            "lastMetricAt"
        );
        assert!(judge(f, &strict()).is_empty(), "{:?}", judge(f, &strict()));
    }

    #[test]
    fn responses_with_a_5xx_count_as_failed() {
        let r = read_fixture("fail.json").unwrap();
        let f = &r.figures;
        // 300 requests, 200 answered 200, 100 answered 500.
        assert_eq!(f.samples, Some(300));
        assert_eq!(f.error_rate, Some(100.0 / 300.0));
        assert_eq!(f.p99_ms, Some(57.4));
        assert_eq!(f.tps, Some(75.0));
        assert_eq!(judge(f, &strict()), ["error rate 33.3% > 1.0% allowed"]);
    }

    #[test]
    fn requests_that_got_no_answer_count_as_failed() {
        let json = br#"{"aggregate":{"counters":{"http.requests":10,"http.codes.200":6,
            "http.codes.302":1,"http.codes.404":1,"errors.ECONNREFUSED":2},
            "rates":{"http.request_rate":5},"summaries":{"http.response_time":{"p99":12}},
            "lastMetricAt":1764237600000}}"#;
        let f = read(&mut &json[..]).unwrap().figures;
        assert_eq!((f.samples, f.error_rate), (Some(10), Some(0.3)));
    }

    #[test]
    fn a_report_without_requests_has_no_samples_and_no_p99() {
        let json = br#"{"aggregate":{"counters":{"vusers.created":3},"rates":{},"summaries":{}}}"#;
        let r = read(&mut &json[..]).unwrap();
        assert_eq!(r.figures, Figures::default());
        assert_eq!(r.time, None);
    }

    #[test]
    fn contradictory_or_ambiguous_counters_are_refused() {
        let cases = [
            (
                r#"{"aggregate":{"counters":{"http.requests":1,"http.codes.200":2}}}"#,
                "not an Artillery report: more responses in http.codes than requests in http.requests",
            ),
            (
                r#"{"aggregate":{"counters":{"http.requests":1,"http.requests":2}}}"#,
                "not an Artillery report: the aggregate counts http.requests twice",
            ),
            (
                r#"{"aggregate":{"counters":{"http.requests":2,"http.codes.200":1,"http.codes.200":1}}}"#,
                "not an Artillery report: the aggregate counts one HTTP status code twice",
            ),
            (
                r#"{"aggregate":{"counters":{"http.requests":2.5}}}"#,
                "not an Artillery report: http.requests is not a whole number of requests",
            ),
            (
                r#"{"intermediate":[]}"#,
                "not an Artillery report: the JSON has no \"aggregate\" object (expected the output of artillery run --output)",
            ),
        ];
        for (json, why) in cases {
            assert_eq!(read(&mut json.as_bytes()).unwrap_err(), why, "{json}");
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_is_described_never_quoted() {
        let json = r#"{"aggregate":{"counters":{"http.requests":"ghp_s3cretT0ken"}}}"#;
        let why = read(&mut json.as_bytes()).unwrap_err();
        assert!(!why.contains("s3cret"), "{why}");
        assert!(why.contains("a value of the wrong type at line 1"), "{why}");
    }
}
