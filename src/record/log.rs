//! `relcheck log`: the team's own history from its sign-off records and watch records. Each
//! release (its deploy time in its policy's zone, weekday, severity, verdict, overrides used,
//! watch outcome) and the totals a retrospective asks for: releases by weekday × severity, High
//! and Critical releases deployed inside a freeze window by override, overrides by rule and
//! approver, NO-GO sign-offs, watched releases and the change failure rate.

use super::{NotARecord, Stored};
use crate::model::checklist::Zone;
use crate::model::values::Severity;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One signed-off release as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Release {
    pub name: String,
    pub deploy_at: String,
    /// The deploy time on the wall clock of its zone, e.g. "2026-11-20 23:00".
    #[serde(skip)]
    pub local: String,
    pub weekday: &'static str,
    pub severity: String,
    pub verdict: String,
    /// The rules a valid override was used for.
    pub overrides: Vec<String>,
    /// Who approved each of those overrides, in the same order.
    #[serde(skip)]
    pub override_approvers: Vec<String>,
    /// Deployed inside a freeze window by an override of `freeze-window`.
    #[serde(skip)]
    pub in_freeze: bool,
    /// The watch's outcome, when a watch record belongs to this release.
    pub watch: Option<String>,
    #[serde(skip)]
    pub file: PathBuf,
    #[serde(skip)]
    pub local_date: NaiveDate,
    #[serde(skip)]
    pub instant: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overrides {
    pub by_rule: BTreeMap<String, u64>,
    pub by_approver: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub releases: u64,
    /// weekday → severity → releases (weekdays and severities with none are left out).
    pub by_weekday_severity: BTreeMap<&'static str, BTreeMap<String, u64>>,
    pub in_freeze: u64,
    pub overrides: Overrides,
    pub no_go: u64,
    pub watched: u64,
    pub breached: u64,
    /// Watches that ended healthy.
    #[serde(skip)]
    pub healthy: u64,
    /// Watches that breached ÷ watches that ended healthy or breached; `None` when none did.
    pub change_failure_rate: Option<f64>,
}

/// The log: releases in deploy order, their totals, and the files that were skipped and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct History {
    pub schema_version: u32,
    pub releases: Vec<Release>,
    pub totals: Totals,
    #[serde(skip)]
    pub skipped: Vec<(PathBuf, String)>,
}

/// A watch record, as far as the log reads it.
#[derive(Debug, Clone, serde::Deserialize)]
struct Watch {
    schema_version: u32,
    outcome: String,
    #[serde(default)]
    digest: Option<String>,
}

/// Reads every `.json` file in `dir` (not below it). Files that are neither a record nor a watch
/// record are skipped, each with a reason. `since` keeps releases deployed on or after that
/// local date.
pub fn read(dir: &Path, since: Option<NaiveDate>) -> std::io::Result<History> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
        .collect();
    paths.sort();

    let mut records = Vec::new();
    let mut watches: Vec<(PathBuf, Watch)> = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                skipped.push((path, format!("cannot read: {e}")));
                continue;
            }
        };
        if is_watch_record(&path) {
            match serde_json::from_str::<Watch>(&text) {
                Ok(w) if w.schema_version == super::SCHEMA_VERSION => watches.push((path, w)),
                Ok(w) => skipped.push((
                    path,
                    format!("a watch record of layout version {}", w.schema_version),
                )),
                Err(e) => skipped.push((path, format!("not a relcheck watch record ({e})"))),
            }
            continue;
        }
        match super::parse(&text) {
            Ok(r) => records.push((path, r)),
            Err(e @ (NotARecord::Foreign(_) | NotARecord::Version(_))) => {
                skipped.push((path, e.to_string()))
            }
        }
    }

    // Watches by their own file name and by the judgement's digest, so matching is linear.
    let mut by_path: HashMap<&Path, Vec<&str>> = HashMap::new();
    let mut by_digest: HashMap<&str, Vec<&str>> = HashMap::new();
    for (p, w) in &watches {
        by_path.entry(p.as_path()).or_default().push(&w.outcome);
        if let Some(d) = &w.digest {
            by_digest.entry(d.as_str()).or_default().push(&w.outcome);
        }
    }
    let mut zones: HashMap<String, Option<Zone>> = HashMap::new();
    let mut releases: Vec<Release> = Vec::new();
    for (path, r) in &records {
        let zone = zones
            .entry(r.release.timezone.clone())
            .or_insert_with(|| Zone::get(&r.release.timezone));
        let Some(mut release) = release_of(path, r, zone.as_ref()) else {
            skipped.push((path.clone(), "its deploy_at is not an RFC 3339 time".into()));
            continue;
        };
        if since.is_some_and(|d| release.local_date < d) {
            continue;
        }
        let own = path.with_extension("watch.json");
        let outcomes = by_path
            .get(own.as_path())
            .into_iter()
            .chain(by_digest.get(r.digest.as_str()))
            .flatten()
            .copied();
        release.watch = worst(outcomes);
        releases.push(release);
    }
    releases.sort_by(|a, b| a.instant.cmp(&b.instant).then(a.file.cmp(&b.file)));
    let totals = totals(&releases);
    Ok(History {
        schema_version: super::SCHEMA_VERSION,
        releases,
        totals,
        skipped,
    })
}

fn is_watch_record(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".watch.json"))
}

fn release_of(path: &Path, r: &Stored, zone: Option<&Zone>) -> Option<Release> {
    let at = DateTime::parse_from_rfc3339(&r.release.deploy_at).ok()?;
    let (local, _) = crate::model::checklist::local_time(at, zone);
    let used: Vec<&super::StoredOverride> = r.overrides.iter().filter(|o| o.valid).collect();
    Some(Release {
        name: r.release.name.clone(),
        deploy_at: r.release.deploy_at.clone(),
        local: local.format("%Y-%m-%d %H:%M").to_string(),
        weekday: WEEKDAYS[local.weekday().num_days_from_monday() as usize],
        severity: r.release.severity.clone(),
        verdict: r.signoff.verdict.clone(),
        overrides: used.iter().map(|o| o.rule.clone()).collect(),
        override_approvers: used.iter().map(|o| o.approved_by.clone()).collect(),
        in_freeze: r
            .findings
            .iter()
            .any(|f| f.rule == "freeze-window" && f.overridden),
        watch: None,
        file: path.to_path_buf(),
        local_date: local.date(),
        instant: at,
    })
}

/// The outcome of a release's watches (its `<sign-off>.watch.json`, and any other watch record
/// of the same judgement, same digest): a breach in any of them is a breach.
fn worst<'a>(outcomes: impl Iterator<Item = &'a str>) -> Option<String> {
    let outcomes: Vec<&str> = outcomes.collect();
    ["breach", "healthy", "unknown", "interrupted"]
        .into_iter()
        .find(|o| outcomes.contains(o))
        .or(outcomes.first().copied())
        .map(str::to_string)
}

fn totals(releases: &[Release]) -> Totals {
    let mut t = Totals {
        releases: releases.len() as u64,
        ..Totals::default()
    };
    let (mut healthy, mut breached) = (0u64, 0u64);
    for r in releases {
        *t.by_weekday_severity
            .entry(r.weekday)
            .or_default()
            .entry(r.severity.clone())
            .or_default() += 1;
        t.in_freeze += u64::from(r.in_freeze);
        for (rule, by) in r.overrides.iter().zip(&r.override_approvers) {
            *t.overrides.by_rule.entry(rule.clone()).or_default() += 1;
            *t.overrides.by_approver.entry(by.clone()).or_default() += 1;
        }
        t.no_go += u64::from(r.verdict == "no-go");
        if let Some(w) = &r.watch {
            t.watched += 1;
            healthy += u64::from(w == "healthy");
            breached += u64::from(w == "breach");
        }
    }
    t.breached = breached;
    t.healthy = healthy;
    t.change_failure_rate =
        (healthy + breached > 0).then(|| breached as f64 / (healthy + breached) as f64);
    t
}

/// Severities from most to least severe, as the matrix lists them.
pub fn severities() -> impl Iterator<Item = &'static str> {
    Severity::ALL.into_iter().rev().map(Severity::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, deploy_at: &str, severity: &str, verdict: &str, extra: &str) -> String {
        format!(
            r#"{{"schema_version": 2, "verdict": "{verdict}",
            "release": {{"name": "{name}", "deployer": "jiyoon", "deploy_at": "{deploy_at}",
                         "severity": "{severity}", "timezone": "Asia/Seoul"}},
            "inputs": [], "digest": "sha256:{name}",
            "signoff": {{"by": "jiyoon", "at": "{deploy_at}", "verdict": "{verdict}"}}{extra}}}"#
        )
    }

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn totals_count_weekdays_in_the_release_zone_freeze_overrides_no_go_and_failures() {
        let dir = tempfile::tempdir().unwrap();
        // Thursday 15:00 UTC is Friday 00:00 in Seoul.
        write(
            dir.path(),
            "a.json",
            &record(
                "a",
                "2026-11-19T15:00:00Z",
                "critical",
                "go",
                r#", "findings": [{"rule": "freeze-window", "overridden": true}],
               "overrides": [{"rule": "freeze-window", "approved_by": "cto", "valid": true},
                             {"rule": "list-freeze", "approved_by": "minho", "valid": false}]"#,
            ),
        );
        write(
            dir.path(),
            "a.watch.json",
            r#"{"schema_version": 2, "outcome": "breach", "digest": "sha256:a"}"#,
        );
        write(
            dir.path(),
            "b.json",
            &record("b", "2026-11-25T14:00:00+09:00", "high", "go", ""),
        );
        write(
            dir.path(),
            "b.watch.json",
            r#"{"schema_version": 2, "outcome": "healthy"}"#,
        );
        write(
            dir.path(),
            "c.json",
            &record("c", "2026-11-27T23:00:00+09:00", "critical", "no-go", ""),
        );
        write(dir.path(), "notes.json", r#"{"hello": "world"}"#);
        write(
            dir.path(),
            "old.json",
            r#"{"verdict": "go", "signoff": {"by": "x"}}"#,
        );

        let h = read(dir.path(), None).unwrap();
        let names: Vec<&str> = h.releases.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(h.releases[0].weekday, "fri");
        assert_eq!(h.releases[0].local, "2026-11-20 00:00");
        assert_eq!(h.releases[0].watch.as_deref(), Some("breach"));
        assert_eq!(h.releases[2].watch, None);
        let t = &h.totals;
        assert_eq!(t.releases, 3);
        assert_eq!(t.by_weekday_severity["fri"]["critical"], 2);
        assert_eq!(t.by_weekday_severity["wed"]["high"], 1);
        assert_eq!(t.in_freeze, 1);
        assert_eq!(
            t.overrides.by_rule,
            BTreeMap::from([("freeze-window".to_string(), 1)])
        );
        assert_eq!(
            t.overrides.by_approver,
            BTreeMap::from([("cto".to_string(), 1)])
        );
        assert_eq!((t.no_go, t.watched, t.breached), (1, 2, 1));
        assert_eq!(t.change_failure_rate, Some(0.5));
        let skipped: Vec<String> = h
            .skipped
            .iter()
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(skipped, ["notes.json", "old.json"]);
        assert!(h.skipped[1].1.contains("layout version 1"));
    }

    #[test]
    fn the_change_failure_rate_is_null_without_a_finished_watch_and_since_keeps_later_releases() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.json",
            &record("a", "2026-11-01T10:00:00+09:00", "low", "go", ""),
        );
        write(
            dir.path(),
            "a.watch.json",
            r#"{"schema_version": 2, "outcome": "unknown"}"#,
        );
        write(
            dir.path(),
            "b.json",
            &record("b", "2026-11-25T00:30:00+09:00", "low", "go", ""),
        );
        let h = read(dir.path(), None).unwrap();
        assert_eq!(h.totals.watched, 1);
        assert_eq!(h.totals.change_failure_rate, None);
        // 2026-11-24T15:30Z is the 25th in Seoul: kept by --since 2026-11-25.
        let since = read(dir.path(), NaiveDate::from_ymd_opt(2026, 11, 25)).unwrap();
        assert_eq!(since.releases.len(), 1);
        assert_eq!(since.releases[0].name, "b");
    }
}
