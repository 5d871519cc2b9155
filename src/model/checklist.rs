//! The checklist template: what the team must confirm before any deploy, and the policy the
//! gate applies (freeze windows, evidence age, on-call coverage, risk bands).

use super::values::{int_in, thresholds, Severity, Span};
use crate::error::InputError;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Weekday};
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;

/// The template exactly as written; [`Template`] is what the gate uses.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Checklist")]
pub struct RawTemplate {
    checklist: Option<ChecklistInfo>,
    #[serde(default)]
    #[schemars(description = "The team's policy; every key has a default")]
    policy: RawPolicy,
    #[serde(default)]
    #[schemars(
        description = "What the engineer confirms before the deploy; sections are asked in order of first appearance"
    )]
    items: Vec<RawItem>,
}

/// Reads one part of a template on its own, to report every error of a file at once.
fn read_part(
    path: &str,
    de: toml::de::ValueDeserializer<'_>,
) -> Option<Result<(), toml::de::Error>> {
    Some(match path {
        "checklist" => ChecklistInfo::deserialize(de).map(drop),
        "policy" => RawPolicy::deserialize(de).map(drop),
        "policy.freeze" => RawFreeze::deserialize(de).map(drop),
        "policy.checks" => super::checks::PolicyCheck::deserialize(de).map(drop),
        "items" => RawItem::deserialize(de).map(drop),
        _ => return None,
    })
}

/// The JSON Schema of a template file as written (`relcheck schema checklist`).
pub fn schema(settings: schemars::generate::SchemaSettings) -> schemars::Schema {
    settings
        .into_generator()
        .into_root_schema_for::<RawTemplate>()
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistInfo {
    #[schemars(description = "Shown in reports", extend("default" = "Checklist"))]
    pub name: Option<String>,
    #[schemars(
        with = "Option<String>",
        description = "A parent template this one is laid over, relative to this template's folder (at most 8 templates in a chain)"
    )]
    pub extends: Option<Spanned<String>>,
    #[schemars(
        with = "Option<String>",
        description = "The sha256 the parent template's bytes must have (lower-case hex)"
    )]
    pub extends_sha256: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Policy")]
struct RawPolicy {
    #[schemars(
        with = "Option<String>",
        description = "IANA time zone for freeze windows, e.g. \"Asia/Seoul\" [default: deploy_at's own offset]"
    )]
    timezone: Option<Spanned<String>>,
    #[schemars(
        description = "Evidence older than this at deploy_at fails",
        extend("default" = "7d")
    )]
    evidence_max_age: Option<Span>,
    #[schemars(
        description = "The env a Critical change's passing evidence must come from",
        extend("default" = "staging")
    )]
    critical_needs_env: Option<String>,
    #[schemars(
        description = "Evidence kinds that count as a Critical change's passing evidence [default: the load-test kinds]"
    )]
    critical_needs_kinds: Option<Vec<crate::model::manifest::EvidenceKind>>,
    #[schemars(
        description = "A Critical change's counting evidence must be at least this old at deploy_at, e.g. \"48h\" (\"load-tested on staging by Wednesday\") [default: not checked]"
    )]
    critical_evidence_lead: Option<Span>,
    #[schemars(
        description = "Judging later than deploy_at plus this blocks (`deploy-time`): the manifest is stale",
        extend("default" = "2h")
    )]
    deploy_grace: Option<Span>,
    #[schemars(
        description = "Distinct approvers other than the deployer that a release of each severity needs; a severity left out keeps its default (low 0, medium 0, high 1, critical 1)"
    )]
    min_approvers: Option<RawMinApprovers>,
    #[schemars(
        with = "Option<String>",
        description = "An OpenSSH allowed-signers file, relative to the template's folder: when set, approvals count only when SSH-signed by a key listed for the approver [default: not required]"
    )]
    allowed_signers: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "count")]
    #[schemars(
        description = "Fewest distinct on-call names; one must not be the deployer",
        extend("default" = 2)
    )]
    min_on_call: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    #[schemars(
        description = "Fewest minutes someone watches after the deploy",
        extend("default" = 30)
    )]
    min_watch_minutes: Option<u64>,
    #[schemars(
        description = "list_frozen_at should be at least this long before deploy_at",
        extend("default" = "24h")
    )]
    list_freeze_lead: Option<Span>,
    #[serde(default, deserialize_with = "thresholds::error_rate")]
    #[schemars(
        description = "Load tests: the highest error rate that passes, where evidence sets none",
        range(min = 0.0, max = 1.0),
        extend("default" = 0.01)
    )]
    max_error_rate: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::p99")]
    #[schemars(
        description = "Load tests: the highest p99 in ms that passes, where evidence sets none [default: not checked]",
        range(min = 0.0)
    )]
    max_p99_ms: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::samples")]
    #[schemars(
        description = "Load tests: the fewest samples that pass, where evidence sets none [default: not checked]"
    )]
    min_samples: Option<u64>,
    #[serde(default, deserialize_with = "thresholds::tps")]
    #[schemars(
        description = "Load tests: the lowest requests per second that pass, where evidence sets none [default: not checked]",
        range(min = 0.0)
    )]
    min_tps: Option<f64>,
    #[schemars(with = "Option<RawBands>")]
    risk_bands: Option<Spanned<RawBands>>,
    #[schemars(
        description = "Freeze windows; setting any replaces the defaults (friday and weekend, Low only)"
    )]
    freeze: Option<Vec<RawFreeze>>,
    #[schemars(
        with = "Option<std::collections::BTreeMap<String, RuleLevel>>",
        description = "A rule's level: \"block\", \"warn\" (its findings are reported as warnings) or \"off\"; critical-evidence, evidence-failed, two-person, deploy-time, release-commit and override-invalid only block"
    )]
    rules: Option<std::collections::BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    #[schemars(
        description = "Watch checks for every release, verified by `relcheck watch` when the manifest names a Prometheus"
    )]
    checks: Vec<super::checks::PolicyCheck>,
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    int_in(d, "value", 0, i64::MAX).map(|i| Some(i as u64))
}

fn band<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    int_in(d, "a risk band bound", 1, 100).map(|i| Some(i as u32))
}

/// Approvers needed per severity; a severity left out keeps its default.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MinApprovers")]
struct RawMinApprovers {
    #[serde(default, deserialize_with = "count")]
    #[schemars(extend("default" = 0))]
    low: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    #[schemars(extend("default" = 0))]
    medium: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    #[schemars(extend("default" = 1))]
    high: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    #[schemars(extend("default" = 1))]
    critical: Option<u64>,
}

/// How many approvers other than the deployer a release needs, by its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinApprovers {
    pub low: u64,
    pub medium: u64,
    pub high: u64,
    pub critical: u64,
}

impl Default for MinApprovers {
    fn default() -> Self {
        MinApprovers {
            low: 0,
            medium: 0,
            high: 1,
            critical: 1,
        }
    }
}

impl MinApprovers {
    pub fn for_severity(&self, s: Severity) -> u64 {
        match s {
            Severity::Low => self.low,
            Severity::Medium => self.medium,
            Severity::High => self.high,
            Severity::Critical => self.critical,
        }
    }
}

/// Lower bounds of the score bands (score = impact × likelihood); they must rise.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RiskBands")]
struct RawBands {
    #[serde(default, deserialize_with = "band")]
    #[schemars(range(min = 1, max = 100), extend("default" = 15))]
    medium: Option<u32>,
    #[serde(default, deserialize_with = "band")]
    #[schemars(range(min = 1, max = 100), extend("default" = 30))]
    high: Option<u32>,
    #[serde(default, deserialize_with = "band")]
    #[schemars(range(min = 1, max = 100), extend("default" = 50))]
    critical: Option<u32>,
}

/// A window matches when (its weekday is in days or its date in dates) and from <= local time < to.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "FreezeWindow")]
struct RawFreeze {
    #[serde(default)]
    #[schemars(description = "Shown in the finding")]
    name: String,
    #[serde(default)]
    #[schemars(schema_with = "crate::model::schema::weekdays")]
    days: Vec<Spanned<String>>,
    #[serde(default)]
    #[schemars(schema_with = "crate::model::schema::dates")]
    dates: Vec<Spanned<String>>,
    #[schemars(
        with = "Option<crate::model::schema::Clock>",
        description = "Start of the window, HH:MM, local to policy.timezone",
        extend("default" = "00:00")
    )]
    from: Option<Spanned<String>>,
    #[schemars(
        with = "Option<crate::model::schema::Clock>",
        description = "End of the window (excluded), HH:MM up to 24:00; later than from",
        extend("default" = "24:00")
    )]
    to: Option<Spanned<String>>,
    #[schemars(with = "Allow")]
    allow: Spanned<Allow>,
    #[schemars(
        with = "Option<String>",
        description = "An iCalendar (RFC 5545) file, relative to the template's folder: the window also matches inside its events"
    )]
    calendar: Option<Spanned<String>>,
    /// The calendar's file as found and its events, once read.
    #[serde(skip)]
    #[schemars(skip)]
    loaded: Option<WindowCalendar>,
}

/// The highest effective severity a freeze window still lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    Nothing,
    UpTo(Severity),
}

impl Allow {
    pub fn permits(self, s: Severity) -> bool {
        match self {
            Allow::Nothing => false,
            Allow::UpTo(max) => s <= max,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Allow::Nothing => "none",
            Allow::UpTo(s) => s.as_str(),
        }
    }
}

impl<'de> Deserialize<'de> for Allow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        match v.as_str().map(|s| s.trim().to_ascii_lowercase()) {
            Some(s) if s == "none" => Ok(Allow::Nothing),
            Some(s) if Severity::parse(&s).is_some() => {
                Ok(Allow::UpTo(Severity::parse(&s).unwrap()))
            }
            _ => Err(D::Error::custom(format!(
                "allow must be one of low, medium, high, critical, none, got {}{}",
                super::values::describe(&v),
                super::suggest::value_hint(
                    v.as_str().unwrap_or_default(),
                    &["low", "medium", "high", "critical", "none"]
                )
            ))),
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Item")]
struct RawItem {
    #[schemars(
        schema_with = "crate::model::schema::non_blank",
        description = "Unique; the answers file answers by this id"
    )]
    id: Spanned<String>,
    #[serde(default = "default_section")]
    #[schemars(description = "Items are asked section by section")]
    section: String,
    #[schemars(description = "The question asked")]
    prompt: String,
    #[serde(default)]
    kind: ItemKind,
    #[serde(default)]
    #[schemars(
        with = "Vec<String>",
        description = "Choice items only: the answers offered"
    )]
    choices: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    #[schemars(
        with = "Vec<String>",
        description = "Choice items only: the choices that count as a pass [default: any choice]"
    )]
    pass: Option<Spanned<Vec<String>>>,
    #[serde(default = "yes")]
    #[schemars(description = "A required item that applies must pass for a GO")]
    required: bool,
    #[serde(default = "low")]
    #[schemars(
        description = "Ask only if the release's highest effective severity is at least this"
    )]
    when: Severity,
    #[schemars(description = "Shown under the prompt, and under the item in the sign-off")]
    help: Option<String>,
    /// Where the item is written.
    #[serde(skip)]
    #[schemars(skip)]
    origin: Option<Origin>,
}

/// Where a value is written: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

/// A freeze window's calendar file, read.
#[derive(Debug, Clone)]
pub struct WindowCalendar {
    /// Where the file is (resolved against the template's folder).
    pub path: std::path::PathBuf,
    pub events: std::sync::Arc<crate::calendar::Calendar>,
}

/// A rule's level as `[policy.rules]` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Block,
    Warn,
    Off,
}

impl RuleLevel {
    fn parse(s: &str) -> Option<RuleLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "block" => Some(RuleLevel::Block),
            "warn" => Some(RuleLevel::Warn),
            "off" => Some(RuleLevel::Off),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleLevel::Block => "block",
            RuleLevel::Warn => "warn",
            RuleLevel::Off => "off",
        }
    }
}

fn default_section() -> String {
    "general".into()
}
fn yes() -> bool {
    true
}
fn low() -> Severity {
    Severity::Low
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ItemKind {
    #[default]
    Confirm,
    Text,
    Choice,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Confirm => "confirm",
            ItemKind::Text => "text",
            ItemKind::Choice => "choice",
        }
    }
}

impl<'de> Deserialize<'de> for ItemKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        match v.as_str().map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            Some("confirm") => Ok(ItemKind::Confirm),
            Some("text") => Ok(ItemKind::Text),
            Some("choice") => Ok(ItemKind::Choice),
            _ => Err(D::Error::custom(format!(
                "unknown item kind {}, expected one of confirm, text, choice{}",
                super::values::describe(&v),
                super::suggest::value_hint(
                    v.as_str().unwrap_or_default(),
                    &["confirm", "text", "choice"]
                )
            ))),
        }
    }
}

/// A validated checklist template.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub policy: Policy,
    pub items: Vec<Item>,
}

/// The team's policy, every default filled in.
#[derive(Debug, Clone)]
pub struct Policy {
    /// An IANA zone for freeze windows; `None` means deploy_at's own offset.
    pub timezone: Option<Zone>,
    pub evidence_max_age: Duration,
    pub critical_needs_env: String,
    /// Kinds whose passing evidence counts for a Critical change.
    pub critical_needs_kinds: Vec<crate::model::manifest::EvidenceKind>,
    /// That evidence must be at least this old at deploy_at.
    pub critical_evidence_lead: Option<Duration>,
    /// How long after deploy_at a judgement is still about this deploy.
    pub deploy_grace: Duration,
    pub min_approvers: MinApprovers,
    /// The allowed-signers file as written (relative to the template's folder), with where
    /// it is written, for errors about it.
    pub allowed_signers: Option<Spanned<String>>,
    pub min_on_call: u64,
    pub min_watch_minutes: u64,
    pub list_freeze_lead: Duration,
    pub max_error_rate: f64,
    pub max_p99_ms: Option<f64>,
    pub min_samples: Option<u64>,
    pub min_tps: Option<f64>,
    pub bands: Bands,
    pub freeze: Vec<FreezeWindow>,
    /// Rules whose level the policy sets (`[policy.rules]`).
    pub rules: std::collections::BTreeMap<crate::rules::RuleId, RuleLevel>,
    /// Watch checks for every release (`[[policy.checks]]`).
    pub checks: Vec<super::checks::Check>,
}

/// An IANA time zone, looked up in the database bundled with the binary (never the machine's
/// own tzdata, so a verdict does not depend on where it is computed).
#[derive(Debug, Clone)]
pub struct Zone {
    /// The zone's IANA name as the database spells it, e.g. "Asia/Seoul".
    pub name: String,
    pub tz: jiff::tz::TimeZone,
}

impl Zone {
    /// Looks a zone up by its IANA name; the lookup ignores ASCII case, and the name kept is
    /// the database's spelling. `None` for a name the database does not know.
    pub fn get(name: &str) -> Option<Zone> {
        let tz = jiff::tz::TimeZoneDatabase::bundled().get(name).ok()?;
        let name = tz.iana_name().unwrap_or(name).to_string();
        // Placeholders, not places: jiff's "Etc/Unknown" and tzdata's "Factory".
        if tz.is_unknown() || name == "Factory" {
            return None;
        }
        Some(Zone { name, tz })
    }
}

/// An instant as a wall-clock time where the policy's windows are read (its IANA zone, else the
/// instant's own offset), with the zone's name.
pub fn local_time(
    deploy_at: DateTime<FixedOffset>,
    zone: Option<&Zone>,
) -> (NaiveDateTime, String) {
    match zone {
        Some(zone) => {
            // Offsets change on whole seconds, so the instant's second decides the offset. An
            // instant outside jiff's range (about years -9999 to 9999) takes the offset at the
            // nearer end.
            let at = jiff::Timestamp::from_second(deploy_at.timestamp()).unwrap_or(
                if deploy_at.timestamp() < 0 {
                    jiff::Timestamp::MIN
                } else {
                    jiff::Timestamp::MAX
                },
            );
            let offset = zone.tz.to_offset(at).seconds();
            (
                deploy_at.naive_utc() + TimeDelta::seconds(i64::from(offset)),
                zone.name.clone(),
            )
        }
        None => (
            deploy_at.naive_local(),
            format!("UTC{}", deploy_at.offset()),
        ),
    }
}

/// Lower bounds of the score bands; they rise strictly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Bands {
    pub medium: u32,
    pub high: u32,
    pub critical: u32,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            medium: 15,
            high: 30,
            critical: 50,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FreezeWindow {
    pub name: String,
    pub days: Vec<Weekday>,
    pub dates: Vec<NaiveDate>,
    /// Minutes after local midnight; `from <= t < to`.
    pub from: u32,
    pub to: u32,
    pub allow: Allow,
    /// The calendar as written, and its events once read (`None` until then: a window whose
    /// calendar was not read matches at every time of its `from`/`to`, failing closed).
    pub calendar: Option<(String, Option<WindowCalendar>)>,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub section: String,
    pub prompt: String,
    pub kind: ItemKind,
    pub choices: Vec<String>,
    /// Answers that pass; for a choice item with none given, any choice passes.
    pub pass: Vec<String>,
    pub required: bool,
    pub when: Severity,
    /// Shown under the prompt and listed in the sign-off.
    pub help: Option<String>,
    /// Where the item is written (its `id` line).
    pub origin: Option<Origin>,
}

impl Item {
    /// Whether the item is asked for a release of this severity.
    pub fn applies(&self, release: Severity) -> bool {
        release >= self.when
    }
}

/// At most this many templates in an `extends` chain, counting the one the manifest names.
pub const MAX_CHAIN: usize = 8;

impl RawTemplate {
    /// Reads one template file and checks every value in it on its own, so that an error
    /// points at the file and line where the bad value is written; a chain of templates is
    /// merged ([`RawTemplate::merge`]) and made a [`Template`] afterwards.
    pub fn parse(file: &str, source: &str) -> Result<RawTemplate, InputError> {
        let mut raw: RawTemplate = super::from_toml_parts(
            file,
            source,
            &["items", "policy.freeze", "policy.checks"],
            read_part,
        )?;
        for it in &mut raw.items {
            it.origin = Some(Origin {
                file: file.to_string(),
                line: crate::error::line_col(source, it.id.span().start).0,
            });
        }
        Template::from_raw(raw.clone(), file, source)?;
        Ok(raw)
    }

    /// The parent template, as written.
    pub fn extends(&self) -> Option<&Spanned<String>> {
        self.checklist.as_ref().and_then(|c| c.extends.as_ref())
    }

    /// The pin of the parent's bytes, as written.
    pub fn extends_sha256(&self) -> Option<&Spanned<String>> {
        self.checklist
            .as_ref()
            .and_then(|c| c.extends_sha256.as_ref())
    }

    /// The allowed-signers file, as written.
    pub fn allowed_signers(&self) -> Option<&Spanned<String>> {
        self.policy.allowed_signers.as_ref()
    }

    /// Replaces the allowed-signers path by where it was found (its span stays), so that
    /// after merging it no longer depends on the folder of the template that named it.
    pub fn resolve_allowed_signers(&mut self, path: &std::path::Path) {
        if let Some(s) = &mut self.policy.allowed_signers {
            *s = Spanned::new(s.span(), path.display().to_string());
        }
    }

    /// Each freeze window's calendar as written, by window index.
    pub fn calendars(&self) -> Vec<(usize, Spanned<String>)> {
        self.policy
            .freeze
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, w)| w.calendar.clone().map(|c| (i, c)))
            .collect()
    }

    /// Hands a window its calendar, read.
    pub fn set_calendar(&mut self, window: usize, calendar: WindowCalendar) {
        if let Some(w) = self.policy.freeze.as_mut().and_then(|f| f.get_mut(window)) {
            w.loaded = Some(calendar);
        }
    }

    /// Lays `child` over `parent`: each `[policy]` key and each `[policy.rules]` entry the
    /// child sets replaces the parent's; freeze windows and items are the parent's followed by
    /// the child's, a child's window of the same name or item of the same id replacing the
    /// parent's in place; the name is the child's (the parent's if the child sets none).
    pub fn merge(parent: RawTemplate, child: RawTemplate) -> RawTemplate {
        let (p, c) = (parent.policy, child.policy);
        let freeze = match (p.freeze, c.freeze) {
            (Some(mut windows), Some(theirs)) => {
                for w in theirs {
                    match windows
                        .iter_mut()
                        .find(|x| !w.name.trim().is_empty() && x.name.trim() == w.name.trim())
                    {
                        Some(slot) => *slot = w,
                        None => windows.push(w),
                    }
                }
                Some(windows)
            }
            (p, c) => c.or(p),
        };
        let rules = match (p.rules, c.rules) {
            (Some(mut rules), Some(theirs)) => {
                for (k, v) in theirs {
                    rules.remove(&k);
                    rules.insert(k, v);
                }
                Some(rules)
            }
            (p, c) => c.or(p),
        };
        let mut checks = p.checks;
        for check in c.checks {
            match checks
                .iter_mut()
                .find(|x| x.name.get_ref().trim() == check.name.get_ref().trim())
            {
                Some(slot) => *slot = check,
                None => checks.push(check),
            }
        }
        let mut items = parent.items;
        for it in child.items {
            match items
                .iter_mut()
                .find(|x| x.id.get_ref().trim() == it.id.get_ref().trim())
            {
                Some(slot) => *slot = it,
                None => items.push(it),
            }
        }
        let name = child
            .checklist
            .as_ref()
            .and_then(|c| c.name.clone())
            .or_else(|| parent.checklist.as_ref().and_then(|c| c.name.clone()));
        RawTemplate {
            checklist: Some(ChecklistInfo {
                name,
                extends: None,
                extends_sha256: None,
            }),
            policy: RawPolicy {
                timezone: c.timezone.or(p.timezone),
                evidence_max_age: c.evidence_max_age.or(p.evidence_max_age),
                critical_needs_env: c.critical_needs_env.or(p.critical_needs_env),
                critical_needs_kinds: c.critical_needs_kinds.or(p.critical_needs_kinds),
                critical_evidence_lead: c.critical_evidence_lead.or(p.critical_evidence_lead),
                deploy_grace: c.deploy_grace.or(p.deploy_grace),
                min_approvers: c.min_approvers.or(p.min_approvers),
                allowed_signers: c.allowed_signers.or(p.allowed_signers),
                min_on_call: c.min_on_call.or(p.min_on_call),
                min_watch_minutes: c.min_watch_minutes.or(p.min_watch_minutes),
                list_freeze_lead: c.list_freeze_lead.or(p.list_freeze_lead),
                max_error_rate: c.max_error_rate.or(p.max_error_rate),
                max_p99_ms: c.max_p99_ms.or(p.max_p99_ms),
                min_samples: c.min_samples.or(p.min_samples),
                min_tps: c.min_tps.or(p.min_tps),
                risk_bands: c.risk_bands.or(p.risk_bands),
                freeze,
                rules,
                checks,
            },
            items,
        }
    }
}

impl Template {
    /// One template file on its own (no parent is read, no calendar file).
    pub fn parse(file: &str, source: &str) -> Result<Template, InputError> {
        Template::from_raw(RawTemplate::parse(file, source)?, file, source)
    }

    /// Fills in the defaults and validates; errors point into `source`, which is the file
    /// every value was checked in already when the template is a merged chain.
    pub fn from_raw(raw: RawTemplate, file: &str, source: &str) -> Result<Template, InputError> {
        let err = |span: std::ops::Range<usize>, msg: String| {
            InputError::at(file, source, Some(span), msg)
        };
        let p = raw.policy;
        // Every mistake of the template at once (up to MAX_ERRORS), not only the first.
        let mut found: Vec<InputError> = Vec::new();

        let mut rules = std::collections::BTreeMap::new();
        for (k, v) in p.rules.iter().flatten() {
            let Some(rule) = crate::rules::RuleId::parse(k.get_ref()) else {
                found.push(err(
                    k.span(),
                    format!(
                        "policy.rules: unknown rule \"{}\", expected one of {}{}",
                        k.get_ref(),
                        crate::rules::RuleId::ALL.map(|r| r.as_str()).join(", "),
                        super::suggest::value_hint(
                            k.get_ref(),
                            &crate::rules::RuleId::ALL.map(|r| r.as_str())
                        )
                    ),
                ));
                continue;
            };
            let Some(level) = RuleLevel::parse(v.get_ref()) else {
                found.push(err(
                    v.span(),
                    format!(
                        "policy.rules.{rule}: expected \"block\", \"warn\" or \"off\", got \"{}\"{}",
                        v.get_ref(),
                        super::suggest::value_hint(v.get_ref(), &["block", "warn", "off"])
                    ),
                ));
                continue;
            };
            if level != RuleLevel::Block && !rule.lowerable() {
                found.push(err(
                    k.span(),
                    format!(
                        "policy.rules.{rule}: this rule can only be set to \"block\", got \"{}\"",
                        level.as_str()
                    ),
                ));
                continue;
            }
            rules.insert(rule, level);
        }

        let timezone = match &p.timezone {
            None => None,
            Some(tz) => {
                let zone = Zone::get(tz.get_ref().trim());
                if zone.is_none() {
                    found.push(err(
                        tz.span(),
                        format!(
                            "unknown time zone \"{}\", expected an IANA name such as Asia/Seoul",
                            tz.get_ref()
                        ),
                    ));
                }
                zone
            }
        };

        let bands = match &p.risk_bands {
            None => Bands::default(),
            Some(b) => {
                let d = Bands::default();
                let r = b.get_ref();
                let bands = Bands {
                    medium: r.medium.unwrap_or(d.medium),
                    high: r.high.unwrap_or(d.high),
                    critical: r.critical.unwrap_or(d.critical),
                };
                if !(bands.medium < bands.high && bands.high < bands.critical) {
                    found.push(err(
                        b.span(),
                        format!(
                            "risk_bands must rise (medium < high < critical), got medium = {}, high = {}, critical = {}",
                            bands.medium, bands.high, bands.critical
                        ),
                    ));
                }
                bands
            }
        };

        let freeze = match p.freeze {
            None => default_freeze(),
            Some(windows) => windows
                .into_iter()
                .filter_map(|w| freeze_window(w, &err).map_err(|e| found.push(e)).ok())
                .collect(),
        };

        if let Err(e) = super::checks::validate(
            p.checks.iter().map(|c| (&c.name, &c.query, c.max, c.min)),
            &[],
            &err,
        ) {
            found.push(e);
        }
        let checks = p.checks.iter().map(Into::into).collect();

        let mut items = Vec::with_capacity(raw.items.len());
        let mut seen = std::collections::HashSet::new();
        for it in raw.items {
            let id = it.id.get_ref().trim().to_string();
            if id.is_empty() {
                found.push(err(it.id.span(), "item id must not be empty".into()));
                continue;
            }
            if !seen.insert(id.clone()) {
                found.push(err(it.id.span(), format!("duplicate item id \"{id}\"")));
                continue;
            }
            let choices = it
                .choices
                .as_ref()
                .map(|c| c.get_ref().clone())
                .unwrap_or_default();
            let pass = it
                .pass
                .as_ref()
                .map(|c| c.get_ref().clone())
                .unwrap_or_default();
            if it.kind == ItemKind::Choice && choices.is_empty() {
                found.push(err(
                    it.id.span(),
                    format!("choice item \"{id}\" needs choices"),
                ));
                continue;
            }
            if it.kind != ItemKind::Choice {
                if let Some(c) = it.choices.as_ref().filter(|c| !c.get_ref().is_empty()) {
                    found.push(err(
                        c.span(),
                        format!(
                            "choices only apply to choice items, \"{id}\" is {}",
                            it.kind.as_str()
                        ),
                    ));
                    continue;
                }
                if let Some(c) = it.pass.as_ref().filter(|c| !c.get_ref().is_empty()) {
                    found.push(err(
                        c.span(),
                        format!(
                            "pass only applies to choice items, \"{id}\" is {}",
                            it.kind.as_str()
                        ),
                    ));
                    continue;
                }
            }
            if let Some(bad) = pass.iter().find(|p| !choices.contains(p)) {
                let span = it.pass.as_ref().map(|p| p.span()).unwrap_or(it.id.span());
                found.push(err(
                    span,
                    format!("pass value \"{bad}\" is not one of the item's choices"),
                ));
                continue;
            }
            items.push(Item {
                id,
                section: it.section,
                prompt: it.prompt,
                kind: it.kind,
                choices,
                pass,
                required: it.required,
                when: it.when,
                help: it.help.filter(|h| !h.trim().is_empty()),
                origin: it.origin,
            });
        }

        if let Some(e) = InputError::several(found) {
            return Err(e);
        }

        Ok(Template {
            name: raw
                .checklist
                .and_then(|c| c.name)
                .unwrap_or_else(|| "Checklist".into()),
            policy: Policy {
                timezone,
                evidence_max_age: p
                    .evidence_max_age
                    .map_or(Duration::from_secs(7 * 86_400), |s| s.0),
                critical_needs_env: p.critical_needs_env.unwrap_or_else(|| "staging".into()),
                critical_needs_kinds: p.critical_needs_kinds.unwrap_or_else(|| {
                    crate::model::manifest::EvidenceKind::ALL
                        .into_iter()
                        .filter(|k| k.is_load_test())
                        .collect()
                }),
                critical_evidence_lead: p.critical_evidence_lead.map(|s| s.0),
                deploy_grace: p
                    .deploy_grace
                    .map_or(Duration::from_secs(2 * 3600), |s| s.0),
                min_approvers: {
                    let d = MinApprovers::default();
                    let r = p.min_approvers.unwrap_or_default();
                    MinApprovers {
                        low: r.low.unwrap_or(d.low),
                        medium: r.medium.unwrap_or(d.medium),
                        high: r.high.unwrap_or(d.high),
                        critical: r.critical.unwrap_or(d.critical),
                    }
                },
                allowed_signers: p.allowed_signers,
                min_on_call: p.min_on_call.unwrap_or(2),
                min_watch_minutes: p.min_watch_minutes.unwrap_or(30),
                list_freeze_lead: p
                    .list_freeze_lead
                    .map_or(Duration::from_secs(86_400), |s| s.0),
                max_error_rate: p.max_error_rate.unwrap_or(0.01),
                max_p99_ms: p.max_p99_ms,
                min_samples: p.min_samples,
                min_tps: p.min_tps,
                bands,
                freeze,
                rules,
                checks,
            },
            items,
        })
    }

    /// Sections in order of first appearance.
    pub fn sections(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for it in &self.items {
            if !out.contains(&it.section.as_str()) {
                out.push(&it.section);
            }
        }
        out
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

fn default_freeze() -> Vec<FreezeWindow> {
    vec![
        FreezeWindow {
            name: "friday".into(),
            days: vec![Weekday::Fri],
            dates: vec![],
            from: 0,
            to: 24 * 60,
            allow: Allow::UpTo(Severity::Low),
            calendar: None,
        },
        FreezeWindow {
            name: "weekend".into(),
            days: vec![Weekday::Sat, Weekday::Sun],
            dates: vec![],
            from: 0,
            to: 24 * 60,
            allow: Allow::UpTo(Severity::Low),
            calendar: None,
        },
    ]
}

fn freeze_window(
    w: RawFreeze,
    err: &impl Fn(std::ops::Range<usize>, String) -> InputError,
) -> Result<FreezeWindow, InputError> {
    let mut days = Vec::new();
    for d in &w.days {
        days.push(parse_weekday(d.get_ref()).ok_or_else(|| {
            err(
                d.span(),
                format!(
                    "unknown day \"{}\", expected one of mon tue wed thu fri sat sun{}",
                    d.get_ref(),
                    super::suggest::value_hint(
                        d.get_ref(),
                        &["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    )
                ),
            )
        })?);
    }
    let mut dates = Vec::new();
    for d in &w.dates {
        dates.push(
            NaiveDate::parse_from_str(d.get_ref().trim(), "%Y-%m-%d").map_err(|_| {
                err(
                    d.span(),
                    format!("expected a date YYYY-MM-DD, got \"{}\"", d.get_ref()),
                )
            })?,
        );
    }
    let clock = |v: &Option<Spanned<String>>, default: u32| -> Result<u32, InputError> {
        match v {
            None => Ok(default),
            Some(s) => parse_clock(s.get_ref()).ok_or_else(|| {
                err(
                    s.span(),
                    format!(
                        "expected a time HH:MM from 00:00 to 24:00, got \"{}\"",
                        s.get_ref()
                    ),
                )
            }),
        }
    };
    let from = clock(&w.from, 0)?;
    let to = clock(&w.to, 24 * 60)?;
    if from >= to {
        let span = w
            .from
            .as_ref()
            .or(w.to.as_ref())
            .map(|s| s.span())
            .unwrap_or(w.allow.span());
        return Err(err(
            span,
            format!(
                "freeze window \"{}\": from must be earlier than to (an overnight window is two windows)",
                w.name
            ),
        ));
    }
    Ok(FreezeWindow {
        name: w.name,
        days,
        dates,
        from,
        to,
        allow: *w.allow.get_ref(),
        calendar: w.calendar.map(|c| (c.into_inner(), w.loaded)),
    })
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// "HH:MM" as minutes after midnight, 00:00 to 24:00.
fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_template_gets_every_default() {
        let t = Template::parse("t.toml", "").unwrap();
        assert_eq!(t.policy.bands, Bands::default());
        assert_eq!(t.policy.freeze.len(), 2);
        assert_eq!(t.policy.min_on_call, 2);
        assert_eq!(t.policy.max_error_rate, 0.01);
        assert_eq!(t.policy.evidence_max_age.as_secs(), 7 * 86_400);
        assert!(t.policy.timezone.is_none());
    }

    #[test]
    fn bands_must_rise() {
        let e =
            Template::parse("t.toml", "[policy.risk_bands]\nmedium = 30\nhigh = 30\n").unwrap_err();
        assert!(e.message.contains("must rise"), "{e}");
    }

    #[test]
    fn a_set_freeze_list_replaces_the_defaults() {
        let t = Template::parse(
            "t.toml",
            "[[policy.freeze]]\nname = \"launch\"\ndates = [\"2026-12-01\"]\nfrom = \"09:00\"\nto = \"18:00\"\nallow = \"none\"\n",
        )
        .unwrap();
        assert_eq!(t.policy.freeze.len(), 1);
        assert_eq!(t.policy.freeze[0].from, 540);
        assert_eq!(t.policy.freeze[0].allow, Allow::Nothing);
    }

    #[test]
    fn a_freeze_window_needs_allow_and_from_before_to() {
        assert!(Template::parse("t", "[[policy.freeze]]\ndays = [\"fri\"]\n").is_err());
        let e = Template::parse("t", "[[policy.freeze]]\ndays = [\"fri\"]\nfrom = \"22:00\"\nto = \"06:00\"\nallow = \"low\"\n").unwrap_err();
        assert!(e.message.contains("earlier"), "{e}");
        assert!(Template::parse(
            "t",
            "[[policy.freeze]]\ndays = [\"friday\"]\nallow = \"low\"\n"
        )
        .is_err());
    }

    #[test]
    fn choice_items_need_choices_and_pass_within_them() {
        assert!(Template::parse(
            "t",
            "[[items]]\nid = \"a\"\nprompt = \"?\"\nkind = \"choice\"\n"
        )
        .is_err());
        let e = Template::parse(
            "t",
            "[[items]]\nid = \"a\"\nprompt = \"?\"\nkind = \"choice\"\nchoices = [\"x\"]\npass = [\"y\"]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("not one of"), "{e}");
    }

    #[test]
    fn policy_checks_parse_and_may_not_guard_a_change() {
        let ok = "[[policy.checks]]\nname = \"p99\"\nquery = \"api_p99\"\nmax = 0.5\n";
        let t = Template::parse("t.toml", ok).unwrap();
        assert_eq!(t.policy.checks[0].name, "p99");
        assert_eq!(t.policy.checks[0].max, Some(0.5));
        let e = Template::parse("t.toml", &format!("{ok}change = \"api\"\n")).unwrap_err();
        assert!(e.message.contains("unknown key `change`"), "{e}");
        assert_eq!(e.position, Some((5, 1)));
        let e = Template::parse("t.toml", &ok.replace("max = 0.5\n", "")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.toml:2:8: check \"p99\" needs max or min (or both), got neither"
        );
        let e = Template::parse("t.toml", &format!("{ok}{ok}")).unwrap_err();
        assert_eq!(e.position, Some((6, 8)));
        assert!(e.message.contains("duplicate check name"), "{e}");
    }

    #[test]
    fn every_problem_of_a_template_is_reported_at_once() {
        let src = "[policy]\ntimezone = \"Mars/Olympus\"\nrisk_bands = { medium = 40, high = 30 }\n\n[policy.rules]\ntwo-person = \"warn\"\n\n[[items]]\nid = \"a\"\nprompt = \"A?\"\n\n[[items]]\nid = \"a\"\nprompt = \"again?\"\n\n[[items]]\nid = \"c\"\nprompt = \"C?\"\nkind = \"choice\"\n";
        let e = Template::parse("t.toml", src).unwrap_err();
        let all: Vec<String> = e.all().iter().map(|e| e.message.clone()).collect();
        assert_eq!(all.len(), 5, "{all:?}");
        assert!(all[0].contains("unknown time zone"), "{all:?}");
        assert!(all[1].contains("risk_bands must rise"), "{all:?}");
        assert!(all[2].contains("can only be set to \"block\""), "{all:?}");
        assert!(all[3].contains("duplicate item id \"a\""), "{all:?}");
        assert!(all[4].contains("needs choices"), "{all:?}");
    }

    #[test]
    fn unknown_time_zones_are_input_errors() {
        let e = Template::parse("t.toml", "[policy]\ntimezone = \"Mars/Olympus\"\n").unwrap_err();
        assert_eq!(e.position, Some((2, 12)));
    }

    #[test]
    fn time_zones_are_looked_up_by_iana_name_and_kept_in_its_spelling() {
        let zone = |name: &str| {
            Template::parse("t.toml", &format!("[policy]\ntimezone = \"{name}\"\n"))
                .map(|t| t.policy.timezone.unwrap().name)
        };
        assert_eq!(zone("Asia/Seoul").unwrap(), "Asia/Seoul");
        assert_eq!(zone(" Asia/Seoul ").unwrap(), "Asia/Seoul");
        assert_eq!(zone("asia/SEOUL").unwrap(), "Asia/Seoul");
        assert_eq!(zone("UTC").unwrap(), "UTC");
        assert_eq!(zone("America/New_York").unwrap(), "America/New_York");
        for bad in [
            "",
            "Mars/Olympus",
            "Etc/Unknown",
            "factory",
            "Asia/Seoul/x",
            "+09:00",
        ] {
            let e = zone(bad).unwrap_err();
            assert!(e.message.contains("unknown time zone"), "{bad}: {e}");
        }
    }

    fn merged(parent: &str, child: &str) -> Template {
        let p = RawTemplate::parse("parent.toml", parent).unwrap();
        let c = RawTemplate::parse("child.toml", child).unwrap();
        Template::from_raw(RawTemplate::merge(p, c), "child.toml", child).unwrap()
    }

    const PARENT: &str = r#"
[checklist]
name = "Company policy"
[policy]
timezone = "Asia/Seoul"
min_on_call = 3
evidence_max_age = "3d"
min_approvers = { high = 2, critical = 3 }
[policy.rules]
list-freeze = "block"
risk-underdeclared = "off"
[[policy.freeze]]
name = "friday"
days = ["fri"]
allow = "medium"
[[policy.freeze]]
name = "year-end"
dates = ["2026-12-31"]
allow = "none"
[[items]]
id = "a"
prompt = "Parent A?"
[[items]]
id = "b"
prompt = "Parent B?"
"#;

    #[test]
    fn a_child_policy_key_replaces_the_parents_and_the_rest_is_kept() {
        let t = merged(
            PARENT,
            "[policy]
min_on_call = 1
",
        );
        assert_eq!(t.policy.min_on_call, 1);
        assert_eq!(t.policy.evidence_max_age.as_secs(), 3 * 86_400);
        assert_eq!(t.policy.timezone.unwrap().name, "Asia/Seoul");
    }

    #[test]
    fn min_approvers_is_one_key_and_a_severity_left_out_keeps_the_default() {
        let t = merged(
            PARENT,
            "[policy]
min_approvers = { high = 0 }
",
        );
        assert_eq!(t.policy.min_approvers.high, 0);
        assert_eq!(t.policy.min_approvers.critical, 1, "not the parent's 3");
        assert_eq!(merged(PARENT, "").policy.min_approvers.critical, 3);
    }

    #[test]
    fn rule_entries_merge_one_by_one() {
        let t = merged(
            PARENT,
            "[policy.rules]
list-freeze = \"warn\"
freeze-window = \"warn\"
",
        );
        let r = crate::rules::RuleId::parse;
        assert_eq!(
            t.policy.rules.get(&r("list-freeze").unwrap()),
            Some(&RuleLevel::Warn)
        );
        assert_eq!(
            t.policy.rules.get(&r("freeze-window").unwrap()),
            Some(&RuleLevel::Warn)
        );
        assert_eq!(
            t.policy.rules.get(&r("risk-underdeclared").unwrap()),
            Some(&RuleLevel::Off)
        );
        assert_eq!(t.policy.rules.len(), 3);
    }

    #[test]
    fn freeze_windows_are_the_parents_then_the_childs_a_same_name_replacing_in_place() {
        let t = merged(
            PARENT,
            "[[policy.freeze]]\nname = \"launch\"\ndates = [\"2026-12-01\"]\nallow = \"low\"\n[[policy.freeze]]\nname = \"friday\"\ndays = [\"fri\"]\nallow = \"low\"\n",
        );
        let names: Vec<_> = t.policy.freeze.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["friday", "year-end", "launch"]);
        assert_eq!(t.policy.freeze[0].allow, Allow::UpTo(Severity::Low));
    }

    #[test]
    fn windows_set_anywhere_in_the_chain_replace_the_default_windows() {
        let t = merged(PARENT, "");
        let names: Vec<_> = t.policy.freeze.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["friday", "year-end"]);
        let t = merged(
            "[policy]\nmin_on_call = 1\n",
            "[[policy.freeze]]\nname = \"x\"\ndays = [\"mon\"]\nallow = \"low\"\n",
        );
        assert_eq!(t.policy.freeze.len(), 1);
        let t = merged("[policy]\nmin_on_call = 1\n", "");
        let names: Vec<_> = t.policy.freeze.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["friday", "weekend"], "nobody set any: the defaults");
    }

    #[test]
    fn items_are_the_parents_then_the_childs_a_same_id_replacing_in_place() {
        let t = merged(
            PARENT,
            "[[items]]\nid = \"c\"\nprompt = \"Child C?\"\n[[items]]\nid = \"a\"\nprompt = \"Child A?\"\nhelp = \"See the runbook.\"\n",
        );
        let items: Vec<_> = t
            .items
            .iter()
            .map(|i| (i.id.as_str(), i.prompt.as_str()))
            .collect();
        assert_eq!(
            items,
            [("a", "Child A?"), ("b", "Parent B?"), ("c", "Child C?")]
        );
        assert_eq!(t.items[0].help.as_deref(), Some("See the runbook."));
        assert_eq!(
            t.items[0].origin,
            Some(Origin {
                file: "child.toml".into(),
                line: 5
            })
        );
        assert_eq!(t.items[1].origin.as_ref().unwrap().file, "parent.toml");
    }

    #[test]
    fn checks_are_the_parents_then_the_childs_a_same_name_replacing_in_place() {
        let parent = "[[policy.checks]]\nname = \"5xx\"\nquery = \"a\"\nmax = 0.01\n[[policy.checks]]\nname = \"p99\"\nquery = \"b\"\nmax = 0.5\n";
        let child = "[[policy.checks]]\nname = \"tps\"\nquery = \"c\"\nmin = 100\n[[policy.checks]]\nname = \"5xx\"\nquery = \"a2\"\nmax = 0.02\n";
        let t = merged(parent, child);
        let checks: Vec<_> = t
            .policy
            .checks
            .iter()
            .map(|c| (c.name.as_str(), c.query.as_str()))
            .collect();
        assert_eq!(checks, [("5xx", "a2"), ("p99", "b"), ("tps", "c")]);
        assert_eq!(t.policy.checks[0].max, Some(0.02));
        assert_eq!(merged(parent, "").policy.checks.len(), 2);
    }

    #[test]
    fn the_name_is_the_childs_or_else_the_parents() {
        assert_eq!(
            merged(PARENT, "[checklist]\nname = \"Payments\"\n").name,
            "Payments"
        );
        assert_eq!(merged(PARENT, "").name, "Company policy");
    }

    #[test]
    fn rules_that_cannot_be_lowered_refuse_anything_but_block() {
        for rule in [
            "critical-evidence",
            "evidence-failed",
            "two-person",
            "deploy-time",
            "release-commit",
            "override-invalid",
        ] {
            for level in ["warn", "off"] {
                let src = format!("[policy.rules]\n{rule} = \"{level}\"\n");
                let e = Template::parse("t.toml", &src).unwrap_err();
                assert_eq!(e.position, Some((2, 1)), "{e}");
                assert!(
                    e.message.contains(rule) && e.message.contains("only be set to \"block\""),
                    "{e}"
                );
            }
            let ok = Template::parse("t.toml", &format!("[policy.rules]\n{rule} = \"block\"\n"))
                .unwrap();
            assert_eq!(ok.policy.rules.len(), 1);
        }
    }

    #[test]
    fn unknown_rules_and_levels_are_input_errors() {
        let e = Template::parse("t.toml", "[policy.rules]\nfriday = \"warn\"\n").unwrap_err();
        assert!(e.message.contains("unknown rule \"friday\""), "{e}");
        assert_eq!(e.position, Some((2, 1)));
        let e = Template::parse("t.toml", "[policy.rules]\nlist-freeze = \"loud\"\n").unwrap_err();
        assert!(
            e.message
                .contains("expected \"block\", \"warn\" or \"off\""),
            "{e}"
        );
        assert_eq!(e.position, Some((2, 15)));
        let e =
            Template::parse("t.toml", "[policy.rules]\nfreeze_window = \"warn\"\n").unwrap_err();
        assert!(e.message.ends_with("did you mean `freeze-window`?"), "{e}");
    }
}
