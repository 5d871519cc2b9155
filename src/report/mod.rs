//! Reports: the judged release as data, and one small renderer per output medium.
//! Renderers are pure functions from a [`Report`] to a `String`; escaping for each medium
//! lives in its renderer.

pub mod escape;
pub mod github;
pub mod json;
pub mod markdown;
pub mod slack;
pub mod text;

use crate::evidence::Verified;
use crate::model::manifest::{Contacts, Monitoring};
use crate::model::values::Severity;
use crate::risk::Assessed;
use crate::rules::{Finding, Level};
use crate::verdict::{AppliedOverride, Verdict};
use serde::Serialize;

/// The version of the JSON report's layout (SPEC "JSON report").
pub const SCHEMA_VERSION: u32 = 2;

/// Everything the gate concluded about one release.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub verdict: Verdict,
    /// `release`, `changes` and `risk_bands`, at the top level of the JSON.
    #[serde(flatten)]
    pub risk: RiskView,
    pub evidence: Vec<Verified>,
    /// Every approval (the approvals file's, then the names in `[release].approvers`), judged.
    pub approvals: Vec<crate::approvals::Status>,
    pub findings: Vec<Finding>,
    pub checklist: Vec<ChecklistRow>,
    pub overrides: Vec<AppliedOverride>,
    pub monitoring: MonitoringSummary,
    pub contacts: ContactsSummary,
    pub evaluated_at: String,
    /// Every file the judgement read, in SPEC's order.
    pub inputs: Vec<crate::inputs::Input>,
    /// sha256 over the inputs' sha256 (see [`crate::inputs::digest`]).
    pub digest: String,
}

/// A release and the risk of its changes: everything that needs no evidence file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RiskView {
    pub release: ReleaseSummary,
    pub changes: Vec<Assessed>,
    /// The lower bounds of the score bands the changes were judged by.
    pub risk_bands: crate::model::checklist::Bands,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReleaseSummary {
    pub name: String,
    pub deployer: String,
    pub deploy_at: String,
    pub severity: Severity,
    pub approvers: Vec<String>,
    pub commit: Option<String>,
    /// Where freeze windows and the deploy time are read.
    pub timezone: String,
    /// The deploy time on the wall clock of `timezone`, e.g. "Fri 2026-11-27 23:00".
    pub deploy_local: String,
    /// The checklist template's name.
    pub checklist: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChecklistRow {
    pub id: String,
    pub section: String,
    pub prompt: String,
    /// The item's help text, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub required: bool,
    /// Whether the item is asked for a release of this severity.
    pub applies: bool,
    pub answer: Option<String>,
    pub by: Option<String>,
    pub at: Option<String>,
    pub passed: bool,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct MonitoringSummary {
    pub dashboards: Vec<String>,
    pub alerts: Vec<String>,
    pub watch_minutes: Option<u64>,
}

impl From<Monitoring> for MonitoringSummary {
    fn from(m: Monitoring) -> Self {
        MonitoringSummary {
            dashboards: m.dashboards,
            alerts: m.alerts,
            watch_minutes: m.watch_minutes,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ContactsSummary {
    pub on_call: Vec<String>,
    pub escalation: Vec<String>,
    pub channel: Option<String>,
}

impl From<Contacts> for ContactsSummary {
    fn from(c: Contacts) -> Self {
        ContactsSummary {
            on_call: c.on_call,
            escalation: c.escalation,
            channel: c.channel,
        }
    }
}

impl Report {
    pub fn blocks(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.level == Level::Block)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.level == Level::Warn)
    }
}

/// How one approval reads in a report, before escaping: "minho (signed)", "hana (does not
/// count: …)".
/// An RFC 3339 time as the release's wall clock shows it ("2026-11-20 21:20"), in the zone the
/// report names (the policy's, else deploy_at's offset); the text as it is when it is not one.
pub fn wall_clock(release: &ReleaseSummary, rfc3339: &str) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339.trim()) else {
        return rfc3339.to_string();
    };
    let local = match crate::model::checklist::Zone::get(&release.timezone) {
        Some(zone) => crate::model::checklist::local_time(t, Some(&zone)).0,
        None => match release
            .timezone
            .strip_prefix("UTC")
            .and_then(|o| o.parse::<chrono::FixedOffset>().ok())
        {
            Some(offset) => t.with_timezone(&offset).naive_local(),
            None => return rfc3339.to_string(),
        },
    };
    local.format("%Y-%m-%d %H:%M").to_string()
}

pub fn approval_label(a: &crate::approvals::Status) -> String {
    match (a.counts, a.signed, &a.reason) {
        (true, true, _) => format!("{} (signed)", a.by),
        (true, false, _) if a.source == crate::approvals::Source::Manifest => {
            format!("{} (named in the manifest, not signed)", a.by)
        }
        (true, false, _) => format!("{} (recorded, not signed)", a.by),
        (false, _, reason) => format!(
            "{} (does not count: {})",
            a.by,
            reason.as_deref().unwrap_or("unknown reason")
        ),
    }
}

/// Every approval on one line, or "none".
pub fn approvals_line(r: &Report) -> String {
    if r.approvals.is_empty() {
        return "none".into();
    }
    r.approvals
        .iter()
        .map(approval_label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One output format.
pub trait Render {
    fn render(&self, report: &Report) -> String;
}

/// The cell a change falls in: `(impact, likelihood)`, each 1..=10.
pub fn matrix_cells(changes: &[Assessed]) -> Vec<Vec<Vec<&str>>> {
    let mut grid = vec![vec![Vec::new(); 10]; 10];
    for c in changes {
        grid[usize::from(c.impact) - 1][usize::from(c.likelihood) - 1].push(c.id.as_str());
    }
    grid
}

#[cfg(test)]
mod wall_clock_tests {
    use super::*;

    fn release(zone: &str) -> ReleaseSummary {
        ReleaseSummary {
            name: "r".into(),
            deployer: "d".into(),
            deploy_at: "2026-11-25T14:00:00+09:00".into(),
            severity: crate::model::values::Severity::Low,
            approvers: vec![],
            commit: None,
            timezone: zone.into(),
            deploy_local: String::new(),
            checklist: String::new(),
        }
    }

    #[test]
    fn times_are_shown_to_the_minute_on_the_releases_clock() {
        let t = "2026-11-23T07:00:03.999Z";
        assert_eq!(wall_clock(&release("Asia/Seoul"), t), "2026-11-23 16:00");
        assert_eq!(wall_clock(&release("UTC+09:00"), t), "2026-11-23 16:00");
        assert_eq!(wall_clock(&release("UTC+00:00"), t), "2026-11-23 07:00");
        assert_eq!(
            wall_clock(&release("Asia/Seoul"), "not a time"),
            "not a time"
        );
    }
}
