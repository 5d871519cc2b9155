//! The release manifest: what goes out, how risky each change is, and what evidence backs it.

use super::values::{int_in, thresholds, Severity, Span, Timestamp};
use crate::error::InputError;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub release: ReleaseInfo,
    #[serde(default)]
    pub changes: Vec<Change>,
    pub monitoring: Option<Monitoring>,
    pub contacts: Option<Contacts>,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseInfo {
    /// Shown in every report and used for the sign-off's file name.
    pub name: Spanned<String>,
    /// The person pressing the button; the two-person rule and on-call rule look past them.
    pub deployer: Spanned<String>,
    /// When the deploy happens; defaults to the evaluation time.
    pub deploy_at: Option<Timestamp>,
    #[serde(default)]
    pub approvers: Vec<String>,
    /// When the change list stopped changing.
    pub list_frozen_at: Option<Timestamp>,
    /// The checklist template, relative to the manifest's folder.
    pub checklist: Option<String>,
    /// The revision being deployed; evidence naming another revision fails.
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub id: Spanned<String>,
    pub title: String,
    pub severity: Severity,
    #[serde(deserialize_with = "impact")]
    pub impact: u8,
    #[serde(deserialize_with = "likelihood")]
    pub likelihood: u8,
    pub recovery: Span,
    pub owner: Option<String>,
    pub rollback: Option<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

fn impact<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    int_in(d, "impact", 1, 10).map(|i| i as u8)
}

fn likelihood<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    int_in(d, "likelihood", 1, 10).map(|i| i as u8)
}

/// What kind of file (or statement) an evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    Jmeter,
    K6,
    Locust,
    Junit,
    File,
    Attestation,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Jmeter => "jmeter",
            EvidenceKind::K6 => "k6",
            EvidenceKind::Locust => "locust",
            EvidenceKind::Junit => "junit",
            EvidenceKind::File => "file",
            EvidenceKind::Attestation => "attestation",
        }
    }

    /// Load tests share thresholds and the rule that no samples means no pass.
    pub fn is_load_test(self) -> bool {
        matches!(
            self,
            EvidenceKind::Jmeter | EvidenceKind::K6 | EvidenceKind::Locust
        )
    }
}

impl<'de> Deserialize<'de> for EvidenceKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        let kind = match v.as_str().map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            Some("jmeter") => EvidenceKind::Jmeter,
            Some("k6") => EvidenceKind::K6,
            Some("locust") => EvidenceKind::Locust,
            Some("junit") => EvidenceKind::Junit,
            Some("file") => EvidenceKind::File,
            Some("attestation") => EvidenceKind::Attestation,
            _ => {
                return Err(D::Error::custom(format!(
                    "unknown evidence kind {}, expected one of jmeter, k6, locust, junit, file, attestation",
                    super::values::describe(&v)
                )))
            }
        };
        Ok(kind)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: Spanned<EvidenceKind>,
    /// Where the evidence was taken (staging, ci, production, …).
    pub env: String,
    /// The evidence file, relative to the manifest's folder; every kind but attestation.
    pub path: Option<String>,
    /// A pin of the file's bytes (hex, any case).
    pub sha256: Option<String>,
    /// The evidence's time where the file carries none.
    pub recorded_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "thresholds::error_rate")]
    pub max_error_rate: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::p99")]
    pub max_p99_ms: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::samples")]
    pub min_samples: Option<u64>,
    #[serde(default, deserialize_with = "thresholds::tps")]
    pub min_tps: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::tests")]
    pub min_tests: Option<u64>,
    /// The revision the evidence was taken on.
    pub commit: Option<String>,
    /// Attestation: where the result can be seen.
    pub url: Option<String>,
    /// Attestation: who ran it.
    pub by: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    #[serde(default)]
    pub dashboards: Vec<String>,
    #[serde(default)]
    pub alerts: Vec<String>,
    #[serde(default, deserialize_with = "watch_minutes")]
    pub watch_minutes: Option<u64>,
}

fn watch_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    int_in(d, "watch_minutes", 0, i64::MAX).map(|i| Some(i as u64))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    #[serde(default)]
    pub on_call: Vec<String>,
    #[serde(default)]
    pub escalation: Vec<String>,
    pub channel: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub rule: Spanned<String>,
    pub reason: Option<String>,
    pub approved_by: Option<String>,
    pub expires_at: Option<Timestamp>,
}

/// Every rule id relcheck knows; an override naming anything else is an input error.
pub const RULE_IDS: [&str; 12] = [
    "critical-evidence",
    "evidence-failed",
    "rollback-plan",
    "freeze-window",
    "on-call",
    "monitoring",
    "two-person",
    "checklist",
    "override-invalid",
    "unknown-answer",
    "list-freeze",
    "risk-underdeclared",
];

impl Manifest {
    /// Parses and validates a manifest; `file` is how the error names it.
    pub fn parse(file: &str, source: &str) -> Result<Manifest, InputError> {
        let m: Manifest = super::from_toml(file, source)?;
        m.validate(file, source)?;
        Ok(m)
    }

    fn validate(&self, file: &str, source: &str) -> Result<(), InputError> {
        let err = |span: std::ops::Range<usize>, msg: String| {
            InputError::at(file, source, Some(span), msg)
        };
        for (key, v) in [
            ("name", &self.release.name),
            ("deployer", &self.release.deployer),
        ] {
            if v.get_ref().trim().is_empty() {
                return Err(err(v.span(), format!("release.{key} must not be empty")));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.changes {
            let id = c.id.get_ref();
            if !valid_change_id(id) {
                return Err(err(
                    c.id.span(),
                    format!(
                        "change id \"{}\" must match ^[a-z0-9][a-z0-9._-]*$",
                        id.escape_debug()
                    ),
                ));
            }
            if !seen.insert(id.as_str()) {
                return Err(err(c.id.span(), format!("duplicate change id \"{id}\"")));
            }
            for e in &c.evidence {
                if *e.kind.get_ref() != EvidenceKind::Attestation && e.path.is_none() {
                    return Err(err(
                        e.kind.span(),
                        format!("{} evidence needs a path", e.kind.get_ref().as_str()),
                    ));
                }
            }
        }
        for o in &self.overrides {
            if !RULE_IDS.contains(&o.rule.get_ref().as_str()) {
                return Err(err(
                    o.rule.span(),
                    format!(
                        "unknown rule \"{}\" in override, expected one of {}",
                        o.rule.get_ref().escape_debug(),
                        RULE_IDS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn valid_change_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[release]
name = "r"
deployer = "jiyoon"

[[changes]]
id = "api-timeout"
title = "API timeout"
severity = "Critical"
impact = 9
likelihood = 6
recovery = "2h"
"#;

    #[test]
    fn a_minimal_manifest_parses_and_severity_ignores_case() {
        let m = Manifest::parse("release.toml", BASE).unwrap();
        assert_eq!(m.changes[0].severity, Severity::Critical);
        assert_eq!(m.changes[0].recovery.0.as_secs(), 7200);
    }

    #[test]
    fn an_out_of_range_impact_names_line_and_column() {
        let src = BASE.replace("impact = 9", "impact = 11");
        let e = Manifest::parse("release.toml", &src).unwrap_err();
        assert_eq!(
            e.to_string(),
            "release.toml:10:10: impact must be 1..=10, got 11"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let src = BASE.replace("recovery = \"2h\"", "recovery = \"2h\"\nowners = \"x\"");
        let e = Manifest::parse("release.toml", &src).unwrap_err();
        assert!(e.message.contains("unknown key `owners`"), "{e}");
        assert_eq!(e.position, Some((13, 1)));
    }

    #[test]
    fn duplicate_and_malformed_ids_are_refused() {
        let dup = format!("{BASE}\n{}", &BASE[BASE.find("[[changes]]").unwrap()..]);
        assert!(Manifest::parse("r", &dup)
            .unwrap_err()
            .message
            .contains("duplicate change id"));
        let bad = BASE.replace("api-timeout", "Api");
        assert!(Manifest::parse("r", &bad)
            .unwrap_err()
            .message
            .contains("must match"));
    }

    #[test]
    fn timestamps_need_an_offset() {
        let src = BASE.replace(
            "deployer = \"jiyoon\"",
            "deployer = \"jiyoon\"\ndeploy_at = \"2026-11-27T23:00:00\"",
        );
        let e = Manifest::parse("release.toml", &src).unwrap_err();
        assert!(e.message.contains("offset"), "{e}");
        let native = BASE.replace(
            "deployer = \"jiyoon\"",
            "deployer = \"jiyoon\"\ndeploy_at = 2026-11-27T23:00:00+09:00",
        );
        assert!(Manifest::parse("release.toml", &native).is_ok());
    }

    #[test]
    fn evidence_other_than_attestation_needs_a_path() {
        let src = format!("{BASE}\n[[changes.evidence]]\nkind = \"jmeter\"\nenv = \"staging\"\n");
        assert!(Manifest::parse("r", &src)
            .unwrap_err()
            .message
            .contains("needs a path"));
        let att =
            format!("{BASE}\n[[changes.evidence]]\nkind = \"attestation\"\nenv = \"staging\"\n");
        assert!(Manifest::parse("r", &att).is_ok());
    }

    #[test]
    fn overrides_must_name_a_known_rule() {
        let src = format!(
            "{BASE}\n[[overrides]]\nrule = \"friday\"\nreason = \"x\"\napproved_by = \"cto\"\n"
        );
        assert!(Manifest::parse("r", &src)
            .unwrap_err()
            .message
            .contains("unknown rule"));
    }
}
