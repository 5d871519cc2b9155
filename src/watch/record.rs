//! The watch record: what `relcheck watch` writes beside the release's sign-off and prints
//! with `--format json`.

use super::{Outcome, Status, Watch};
use crate::prometheus::at_ms;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub schema_version: u32,
    pub outcome: Outcome,
    pub release: Release,
    /// The digest of the judgement, as in the JSON report.
    pub digest: String,
    pub window: Window,
    pub checks: Vec<CheckRecord>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Release {
    pub name: String,
    pub deployer: String,
    pub deploy_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckRecord {
    pub name: String,
    pub query: String,
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub change: Option<String>,
    pub status: Status,
    /// The largest value seen for a check with max, else the smallest; null when none.
    pub worst: Option<f64>,
    pub breach_at: Option<String>,
    /// How many steps were judged.
    pub steps: u64,
}

fn time(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The record of a finished watch; times are written in the window's offset.
pub fn record(watch: &Watch, release: Release, digest: String) -> Record {
    let offset = *watch.plan.from.offset();
    let at = |ms: i64| time(at_ms(ms).with_timezone(&offset));
    Record {
        schema_version: 2,
        outcome: watch.outcome.unwrap_or(Outcome::Unknown),
        release,
        digest,
        window: Window {
            from: time(watch.plan.from),
            to: time(watch.plan.to),
        },
        checks: watch
            .plan
            .checks
            .iter()
            .zip(&watch.checks)
            .map(|(c, s)| CheckRecord {
                name: c.name.clone(),
                query: c.query.clone(),
                max: c.max,
                min: c.min,
                change: c.change.clone(),
                status: s.status,
                worst: s.worst.filter(|w| w.is_finite()),
                breach_at: s.breach_at.map(at),
                steps: s.steps,
            })
            .collect(),
    }
}

/// Pretty JSON ending in a newline.
pub fn to_json(r: &Record) -> String {
    let mut s =
        serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
