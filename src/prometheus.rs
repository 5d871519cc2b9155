//! Prometheus' HTTP API: instant and range queries, and the alerting rules it knows.
//!
//! The answers are parsed into plain values ([`Answer`]); what they mean for a release is
//! decided elsewhere (the `monitoring` and `alerts-firing` rules, the watch). Values come as
//! strings in Prometheus' JSON, including `"NaN"`, `"+Inf"` and `"-Inf"`.

use crate::http::{Client, Endpoint, Timeouts};
use crate::rules::MonitoringProbe;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// One series' labels, `__name__` included when Prometheus gives it.
pub type Labels = BTreeMap<String, String>;

/// One series of a range query: its labels and `(time in ms since the epoch, value)` pairs.
pub type Series = (Labels, Vec<(i64, f64)>);

/// A query's result.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// An instant vector: one value per series.
    Vector(Vec<(Labels, f64)>),
    /// A range vector: each series' `(time in ms since the epoch, value)` pairs.
    Matrix(Vec<Series>),
    Scalar(f64),
    /// A string result (`"string"`): it has no number to judge.
    Text(String),
}

impl Answer {
    /// The numbers of an instant answer: one per series, a scalar as one, a string as none.
    pub fn values(&self) -> Vec<f64> {
        match self {
            Answer::Vector(v) => v.iter().map(|(_, x)| *x).collect(),
            Answer::Scalar(x) => vec![*x],
            Answer::Matrix(m) => m
                .iter()
                .filter_map(|(_, s)| s.last().map(|p| p.1))
                .collect(),
            Answer::Text(_) => vec![],
        }
    }
}

/// Prometheus could not answer: unreachable, or `"status": "error"` with its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The URL without password.
    pub url: String,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Prometheus at {}: {}", self.url, self.message)
    }
}

impl std::error::Error for Error {}

/// A Prometheus server and the client that asks it.
#[derive(Debug, Clone)]
pub struct Prometheus {
    client: Client,
    at: Endpoint,
}

/// The most points Prometheus returns per series in one range query is 11,000; ask for fewer.
const MAX_POINTS: i64 = 10_000;

impl Prometheus {
    /// `token` is sent as a bearer token (`RELCHECK_PROMETHEUS_TOKEN`).
    pub fn new(at: Endpoint, token: Option<String>, timeouts: Timeouts) -> Prometheus {
        Prometheus {
            client: Client::new(timeouts, token),
            at,
        }
    }

    /// The URL as it may be printed.
    pub fn shown(&self) -> String {
        self.at.shown()
    }

    fn ask(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, Error> {
        let resp = self.client.get(&self.at, path, query).map_err(|e| Error {
            url: e.url,
            message: e.message,
        })?;
        parse_envelope(resp.status, &resp.body).map_err(|m| Error {
            url: self.shown(),
            message: self.client.scrub(&self.at, &m),
        })
    }

    /// `/api/v1/query` at `time`.
    pub fn query(&self, promql: &str, time: DateTime<FixedOffset>) -> Result<Answer, Error> {
        let t = api_time(time.timestamp_millis());
        let data = self.ask("/api/v1/query", &[("query", promql), ("time", &t)])?;
        parse_result(&data).map_err(|m| self.error(m))
    }

    /// `/api/v1/query_range` from `start` to `end` every `step`, both ends included when they
    /// fall on a step; long ranges are asked in parts. The series come back merged by labels.
    pub fn query_range(
        &self,
        promql: &str,
        start_ms: i64,
        end_ms: i64,
        step: Duration,
    ) -> Result<Vec<Series>, Error> {
        let step_ms = (step.as_millis() as i64).max(1);
        let mut merged: BTreeMap<Labels, Vec<(i64, f64)>> = BTreeMap::new();
        let mut from = start_ms;
        while from <= end_ms {
            let to = end_ms.min(from + step_ms * (MAX_POINTS - 1));
            let data = self.ask(
                "/api/v1/query_range",
                &[
                    ("query", promql),
                    ("start", &api_time(from)),
                    ("end", &api_time(to)),
                    ("step", &api_time(step_ms)),
                ],
            )?;
            match parse_result(&data).map_err(|m| self.error(m))? {
                Answer::Matrix(series) => {
                    for (labels, points) in series {
                        merged.entry(labels).or_default().extend(points);
                    }
                }
                other => {
                    return Err(self.error(format!(
                        "a range query answered {}, expected a matrix",
                        kind(&other)
                    )))
                }
            }
            from = to + step_ms;
        }
        Ok(merged.into_iter().collect())
    }

    /// The names of the alerting rules Prometheus evaluates (`/api/v1/rules?type=alert`).
    pub fn alerting_rules(&self) -> Result<Vec<String>, Error> {
        let data = self.ask("/api/v1/rules", &[("type", "alert")])?;
        parse_alerting_rules(&data).map_err(|m| self.error(m))
    }

    fn error(&self, message: String) -> Error {
        Error {
            url: self.shown(),
            message: self.client.scrub(&self.at, &message),
        }
    }

    /// What the `monitoring` and `alerts-firing` rules need, asked before they run: the
    /// alerting rules, and which of `alerts` fire at `now`.
    pub fn probe(&self, alerts: &[String], now: DateTime<FixedOffset>) -> MonitoringProbe {
        let failed = |e: Error| MonitoringProbe::Failed {
            url: e.url,
            error: e.message,
        };
        let rules = match self.alerting_rules() {
            Ok(r) => r,
            Err(e) => return failed(e),
        };
        let firing = match self.query(r#"ALERTS{alertstate="firing"}"#, now) {
            Ok(Answer::Vector(v)) => v
                .iter()
                .filter_map(|(l, _)| l.get("alertname").cloned())
                .collect::<Vec<_>>(),
            Ok(other) => {
                return failed(self.error(format!(
                    "the ALERTS query answered {}, expected a vector",
                    kind(&other)
                )))
            }
            Err(e) => return failed(e),
        };
        MonitoringProbe::Answered {
            url: self.shown(),
            alerting_rules: rules,
            firing: alerts
                .iter()
                .filter(|a| firing.iter().any(|f| f == a.trim()))
                .cloned()
                .collect(),
        }
    }
}

/// Seconds since the epoch with milliseconds, as the API takes times and steps.
fn api_time(ms: i64) -> String {
    let (s, m) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    if m == 0 {
        s.to_string()
    } else {
        format!("{s}.{m:03}")
    }
}

/// A time in ms since the epoch as a UTC timestamp.
pub fn at_ms(ms: i64) -> DateTime<FixedOffset> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .fixed_offset()
}

fn kind(a: &Answer) -> &'static str {
    match a {
        Answer::Vector(_) => "a vector",
        Answer::Matrix(_) => "a matrix",
        Answer::Scalar(_) => "a scalar",
        Answer::Text(_) => "a string",
    }
}

/// The `data` of a successful answer; the `error` of a failed one (with its `errorType`), or
/// what was wrong with an answer that is not Prometheus' JSON.
pub fn parse_envelope(status: u16, body: &str) -> Result<Value, String> {
    let v: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) if !(200..300).contains(&status) => {
            return Err(format!(
                "HTTP {status}, and the answer is not Prometheus' JSON"
            ))
        }
        Err(_) => return Err("the answer is not Prometheus' JSON".into()),
    };
    match v.get("status").and_then(Value::as_str) {
        Some("success") => v
            .get("data")
            .cloned()
            .ok_or_else(|| "a successful answer without data".into()),
        Some("error") => {
            let msg = v
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("no message");
            Err(match v.get("errorType").and_then(Value::as_str) {
                Some(t) => format!("{t}: {msg}"),
                None => msg.to_string(),
            })
        }
        _ if !(200..300).contains(&status) => Err(format!("HTTP {status}")),
        _ => Err("an answer without a status".into()),
    }
}

/// A sample value: Prometheus writes numbers as strings, `"NaN"`, `"+Inf"` and `"-Inf"` too.
pub fn parse_value(v: &Value) -> Result<f64, String> {
    let s = v.as_str().ok_or("a sample value that is not a string")?;
    match s {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => s
            .parse::<f64>()
            .map_err(|_| "a sample value that is not a number".to_string()),
    }
}

/// `[time, "value"]` with time in seconds (a float) → (ms, value).
fn parse_point(p: &Value) -> Result<(i64, f64), String> {
    let pair = p
        .as_array()
        .filter(|a| a.len() == 2)
        .ok_or("a malformed sample")?;
    let t = pair[0]
        .as_f64()
        .ok_or("a sample time that is not a number")?;
    Ok(((t * 1000.0).round() as i64, parse_value(&pair[1])?))
}

fn parse_labels(v: Option<&Value>) -> Labels {
    v.and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// A query's `data`: `resultType` and `result`.
pub fn parse_result(data: &Value) -> Result<Answer, String> {
    let result = data.get("result").ok_or("an answer without a result")?;
    let series = || result.as_array().ok_or("a result that is not a list");
    match data.get("resultType").and_then(Value::as_str) {
        Some("vector") => series()?
            .iter()
            .map(|s| {
                let (_, v) = parse_point(s.get("value").ok_or("a series without a value")?)?;
                Ok((parse_labels(s.get("metric")), v))
            })
            .collect::<Result<_, String>>()
            .map(Answer::Vector),
        Some("matrix") => series()?
            .iter()
            .map(|s| {
                let points = s
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|ps| ps.iter().map(parse_point).collect::<Result<Vec<_>, _>>())
                    .transpose()?
                    .unwrap_or_default();
                Ok((parse_labels(s.get("metric")), points))
            })
            .collect::<Result<_, String>>()
            .map(Answer::Matrix),
        Some("scalar") => parse_point(result).map(|(_, v)| Answer::Scalar(v)),
        Some("string") => Ok(Answer::Text(
            result
                .as_array()
                .and_then(|a| a.get(1))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        )),
        Some(other) => Err(format!(
            "an unknown result type \"{}\"",
            other.escape_debug()
        )),
        None => Err("an answer without a resultType".into()),
    }
}

/// The names of the alerting rules in `/api/v1/rules`' data.
pub fn parse_alerting_rules(data: &Value) -> Result<Vec<String>, String> {
    let groups = data
        .get("groups")
        .and_then(Value::as_array)
        .ok_or("a rules answer without groups")?;
    let mut names = Vec::new();
    for g in groups {
        for r in g
            .get("rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if r.get("type").and_then(Value::as_str) == Some("alerting") {
                if let Some(n) = r.get("name").and_then(Value::as_str) {
                    names.push(n.to_string());
                }
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(body: &str) -> Value {
        parse_envelope(200, body).unwrap()
    }

    #[test]
    fn vectors_keep_labels_and_read_nan_and_infinities() {
        let d = data(
            r#"{"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"pod":"a"},"value":[1795818623.5,"0.25"]},
                {"metric":{"pod":"b"},"value":[1795818623.5,"NaN"]},
                {"metric":{"pod":"c"},"value":[1795818623.5,"+Inf"]},
                {"metric":{"pod":"d"},"value":[1795818623.5,"-Inf"]}]}}"#,
        );
        let Answer::Vector(v) = parse_result(&d).unwrap() else {
            panic!("not a vector")
        };
        assert_eq!(v[0].0.get("pod").map(String::as_str), Some("a"));
        assert_eq!(v[0].1, 0.25);
        assert!(v[1].1.is_nan());
        assert_eq!(v[2].1, f64::INFINITY);
        assert_eq!(v[3].1, f64::NEG_INFINITY);
    }

    #[test]
    fn matrices_give_times_in_milliseconds() {
        let d = json!({"resultType":"matrix","result":[
            {"metric":{},"values":[[1795818473,"0"],[1795818533.25,"1e-3"]]}]});
        assert_eq!(
            parse_result(&d).unwrap(),
            Answer::Matrix(vec![(
                Labels::new(),
                vec![(1_795_818_473_000, 0.0), (1_795_818_533_250, 0.001)]
            )])
        );
    }

    #[test]
    fn scalars_and_strings_parse() {
        let d = json!({"resultType":"scalar","result":[1795818473,"42"]});
        assert_eq!(parse_result(&d).unwrap(), Answer::Scalar(42.0));
        assert_eq!(parse_result(&d).unwrap().values(), vec![42.0]);
        let s = json!({"resultType":"string","result":[1795818473,"hello"]});
        assert_eq!(parse_result(&s).unwrap(), Answer::Text("hello".into()));
        assert!(parse_result(&s).unwrap().values().is_empty());
    }

    #[test]
    fn an_error_answer_shows_its_type_and_message() {
        let e = parse_envelope(
            400,
            r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            "bad_data: invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"
        );
        assert_eq!(
            parse_envelope(502, "<html>bad gateway</html>").unwrap_err(),
            "HTTP 502, and the answer is not Prometheus' JSON"
        );
    }

    #[test]
    fn bad_values_are_errors_not_zeros() {
        assert!(parse_value(&json!("abc")).is_err());
        assert!(parse_value(&json!(1.0)).is_err());
    }

    #[test]
    fn alerting_rules_are_listed_by_name_and_recording_rules_left_out() {
        let d = json!({"groups":[{"name":"g","rules":[
            {"type":"alerting","name":"api-5xx-rate"},
            {"type":"recording","name":"job:rate5m"}]}]});
        assert_eq!(parse_alerting_rules(&d).unwrap(), vec!["api-5xx-rate"]);
    }

    #[test]
    fn api_times_are_seconds_with_milliseconds() {
        assert_eq!(api_time(1_795_818_473_000), "1795818473");
        assert_eq!(api_time(1_795_818_473_050), "1795818473.050");
        assert_eq!(api_time(30_000), "30");
    }
}
