//! The release manifest: what goes out, how risky each change is, and what evidence backs it.

use super::values::{int_in, thresholds, Severity, Span, Timestamp};
use crate::error::InputError;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub release: ReleaseInfo,
    #[serde(default)]
    #[schemars(description = "What goes out: one entry per change")]
    pub changes: Vec<Change>,
    #[schemars(description = "How the deploy is watched")]
    pub monitoring: Option<Monitoring>,
    #[schemars(description = "Who can be reached through the deploy")]
    pub contacts: Option<Contacts>,
    #[serde(default)]
    #[schemars(description = "A named person accepts a specific rule's risk")]
    pub overrides: Vec<Override>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseInfo {
    /// Shown in every report and used for the sign-off's file name.
    #[schemars(schema_with = "crate::model::schema::non_blank")]
    pub name: Spanned<String>,
    /// The person pressing the button; the two-person rule and on-call rule look past them.
    #[schemars(schema_with = "crate::model::schema::non_blank")]
    pub deployer: Spanned<String>,
    /// When the deploy happens; defaults to the evaluation time.
    pub deploy_at: Option<Timestamp>,
    #[serde(default)]
    #[schemars(
        description = "Who approved the release; a High or Critical release needs one besides the deployer"
    )]
    pub approvers: Vec<String>,
    /// When the change list stopped changing.
    pub list_frozen_at: Option<Timestamp>,
    /// The checklist template, relative to the manifest's folder.
    pub checklist: Option<String>,
    /// The revision being deployed; evidence naming another revision fails.
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    #[schemars(schema_with = "crate::model::schema::change_id")]
    pub id: Spanned<String>,
    #[schemars(description = "What the change is, in a few words")]
    pub title: String,
    #[schemars(description = "The declared severity")]
    pub severity: Severity,
    #[serde(deserialize_with = "impact")]
    #[schemars(description = "How bad if it fails, 1..=10", range(min = 1, max = 10))]
    pub impact: u8,
    #[serde(deserialize_with = "likelihood")]
    #[schemars(description = "How likely it fails, 1..=10", range(min = 1, max = 10))]
    pub likelihood: u8,
    #[schemars(description = "How long to recover if it fails, e.g. \"2h\"")]
    pub recovery: Span,
    #[schemars(description = "Who owns the change")]
    pub owner: Option<String>,
    #[schemars(
        description = "How to roll it back; required (non-blank) for High and Critical changes"
    )]
    pub rollback: Option<String>,
    #[serde(default)]
    #[schemars(description = "What shows the change works")]
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
    Artillery,
    Ngrinder,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 8] = [
        EvidenceKind::Jmeter,
        EvidenceKind::K6,
        EvidenceKind::Locust,
        EvidenceKind::Artillery,
        EvidenceKind::Ngrinder,
        EvidenceKind::Junit,
        EvidenceKind::File,
        EvidenceKind::Attestation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Jmeter => "jmeter",
            EvidenceKind::K6 => "k6",
            EvidenceKind::Locust => "locust",
            EvidenceKind::Junit => "junit",
            EvidenceKind::File => "file",
            EvidenceKind::Attestation => "attestation",
            EvidenceKind::Artillery => "artillery",
            EvidenceKind::Ngrinder => "ngrinder",
        }
    }

    /// Load tests share thresholds and the rule that no samples means no pass.
    pub fn is_load_test(self) -> bool {
        matches!(
            self,
            EvidenceKind::Jmeter
                | EvidenceKind::K6
                | EvidenceKind::Locust
                | EvidenceKind::Artillery
                | EvidenceKind::Ngrinder
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
            Some("artillery") => EvidenceKind::Artillery,
            Some("ngrinder") => EvidenceKind::Ngrinder,
            _ => {
                return Err(D::Error::custom(format!(
                    "unknown evidence kind {}, expected one of jmeter, k6, locust, artillery, ngrinder, junit, file, attestation{}",
                    super::values::describe(&v),
                    super::suggest::value_hint(
                        v.as_str().unwrap_or_default(),
                        &["jmeter", "k6", "locust", "artillery", "ngrinder", "junit", "file", "attestation"]
                    )
                )))
            }
        };
        Ok(kind)
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::model::schema::evidence_needs_path)]
pub struct Evidence {
    #[schemars(with = "EvidenceKind")]
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
    #[schemars(
        description = "Load tests: the highest error rate that passes, 0..=1 [default: the policy's]",
        range(min = 0.0, max = 1.0)
    )]
    pub max_error_rate: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::p99")]
    #[schemars(
        description = "Load tests: the highest p99 latency in ms that passes [default: the policy's]",
        range(min = 0.0)
    )]
    pub max_p99_ms: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::samples")]
    #[schemars(
        description = "Load tests: the fewest samples (requests) that pass [default: the policy's]"
    )]
    pub min_samples: Option<u64>,
    #[serde(default, deserialize_with = "thresholds::tps")]
    #[schemars(
        description = "Load tests: the lowest throughput, in requests per second, that passes [default: the policy's]",
        range(min = 0.0)
    )]
    pub min_tps: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::tests")]
    #[schemars(description = "JUnit: the fewest tests run that pass", extend("default" = 1))]
    pub min_tests: Option<u64>,
    /// The revision the evidence was taken on.
    pub commit: Option<String>,
    /// Attestation: where the result can be seen.
    pub url: Option<String>,
    /// Attestation: who ran it.
    pub by: Option<String>,
    /// Load tests: the same kind's result from the last release that went well, relative to
    /// the manifest's folder. The run also fails when it is worse than this one by more than
    /// `max_regression` (p99, TPS) or `max_error_rate_increase` (error rate).
    pub baseline: Option<String>,
    #[serde(default, deserialize_with = "thresholds::regression")]
    #[schemars(
        description = "With baseline: how far p99 may rise, and TPS fall, as a fraction of the baseline's (inclusive) [default: 0.10]",
        range(min = 0.0)
    )]
    pub max_regression: Option<f64>,
    #[serde(default, deserialize_with = "thresholds::error_rate_increase")]
    #[schemars(
        description = "With baseline: how far the error rate may exceed the baseline's, 0..=1 (inclusive) [default: 0.001]",
        range(min = 0.0, max = 1.0)
    )]
    pub max_error_rate_increase: Option<f64>,
}

impl Evidence {
    /// How far p99 may rise and TPS fall against the baseline, as a fraction.
    pub const DEFAULT_MAX_REGRESSION: f64 = 0.10;
    /// How far the error rate may exceed the baseline's.
    pub const DEFAULT_MAX_ERROR_RATE_INCREASE: f64 = 0.001;
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    #[serde(default)]
    #[schemars(description = "Dashboards watched after the deploy; a GO needs at least one")]
    pub dashboards: Vec<String>,
    #[serde(default)]
    #[schemars(description = "Alerts that fire if the deploy goes wrong")]
    pub alerts: Vec<String>,
    #[serde(default, deserialize_with = "watch_minutes")]
    #[schemars(
        description = "How long someone watches after the deploy, in minutes [default: 0]; at least the policy's min_watch_minutes for a GO"
    )]
    pub watch_minutes: Option<u64>,
    /// Where the alerts and the watch checks are verified, e.g. "http://prometheus.internal:9090"
    /// (also --prometheus URL, RELCHECK_PROMETHEUS_URL). A `user:password` in it is sent as
    /// basic auth and never printed.
    #[serde(default)]
    #[schemars(schema_with = "crate::model::schema::http_url")]
    pub prometheus: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(description = "What `relcheck watch` verifies after the deploy")]
    pub checks: Vec<super::checks::ManifestCheck>,
}

fn watch_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    int_in(d, "watch_minutes", 0, i64::MAX).map(|i| Some(i as u64))
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    #[serde(default)]
    #[schemars(
        description = "People reachable through the deploy and the weekend after it; at least the policy's min_on_call, and someone besides the deployer"
    )]
    pub on_call: Vec<String>,
    #[serde(default)]
    #[schemars(description = "Who to call when the on-call cannot fix it")]
    pub escalation: Vec<String>,
    #[schemars(description = "Where the release is discussed, e.g. \"#release\"")]
    pub channel: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    #[schemars(schema_with = "crate::model::schema::rule_id")]
    pub rule: Spanned<crate::rules::RuleId>,
    #[schemars(description = "Why the risk is accepted; an override without one is invalid")]
    pub reason: Option<String>,
    #[schemars(
        description = "Who accepts the risk; not the deployer, and an override without one is invalid"
    )]
    pub approved_by: Option<String>,
    #[schemars(description = "After this the override is invalid")]
    pub expires_at: Option<Timestamp>,
}

impl Manifest {
    /// Parses and validates a manifest; `file` is how the error names it.
    pub fn parse(file: &str, source: &str) -> Result<Manifest, InputError> {
        let m: Manifest = super::from_toml_parts(
            file,
            source,
            &[
                "changes",
                "changes.evidence",
                "overrides",
                "monitoring.checks",
            ],
            read_part,
        )?;
        m.validate(file, source)?;
        Ok(m)
    }

    /// Every problem the types alone cannot catch, all of them at once (up to
    /// [`crate::error::MAX_ERRORS`]), so one run shows every mistake of the file.
    fn validate(&self, file: &str, source: &str) -> Result<(), InputError> {
        let err = |span: std::ops::Range<usize>, msg: String| {
            InputError::at(file, source, Some(span), msg)
        };
        let mut found: Vec<InputError> = Vec::new();
        for (key, v) in [
            ("name", &self.release.name),
            ("deployer", &self.release.deployer),
        ] {
            if super::values::is_blank(v.get_ref()) {
                found.push(err(v.span(), format!("release.{key} must not be empty")));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (ci, c) in self.changes.iter().enumerate() {
            let id = c.id.get_ref();
            if !valid_change_id(id) {
                found.push(err(
                    c.id.span(),
                    format!(
                        "change id \"{}\" must match ^[a-z0-9][a-z0-9._-]*$",
                        id.escape_debug()
                    ),
                ));
            } else if !seen.insert(id.as_str()) {
                found.push(err(c.id.span(), format!("duplicate change id \"{id}\"")));
            }
            for (ei, e) in c.evidence.iter().enumerate() {
                let kind = *e.kind.get_ref();
                if kind != EvidenceKind::Attestation && e.path.is_none() {
                    found.push(err(
                        e.kind.span(),
                        format!("{} evidence needs a path", kind.as_str()),
                    ));
                }
                if let Some(key) = e.figure_keys().first().filter(|_| !kind.is_load_test()) {
                    let span = key_span(source, ci, ei, key).unwrap_or_else(|| e.kind.span());
                    found.push(err(
                        span,
                        format!(
                            "{key} applies only to load tests (jmeter, k6, locust, artillery, ngrinder): {} evidence has no such figure",
                            kind.as_str()
                        ),
                    ));
                }
            }
        }
        if let Some(m) = &self.monitoring {
            if let Some(url) = &m.prometheus {
                if let Err(e) = crate::http::Endpoint::parse(url.get_ref()) {
                    found.push(err(url.span(), format!("prometheus: {e}")));
                }
            }
            let implicit: Vec<String> = m
                .alerts
                .iter()
                .map(|a| super::checks::alert_check_name(a))
                .collect();
            if let Err(e) = super::checks::validate(
                m.checks.iter().map(|c| (&c.name, &c.query, c.max, c.min)),
                &implicit,
                &err,
            ) {
                found.push(e);
            }
            for c in &m.checks {
                if let Some(change) = &c.change {
                    let id = change.get_ref().trim();
                    if !self.changes.iter().any(|ch| ch.id.get_ref() == id) {
                        found.push(err(
                            change.span(),
                            format!(
                                "check \"{}\": change \"{}\" is not a change id of this release",
                                c.name.get_ref().trim(),
                                id.escape_debug()
                            ),
                        ));
                    }
                }
            }
        }
        InputError::several(found).map_or(Ok(()), Err)
    }
}

impl Manifest {
    /// The manifest's own watch checks (`[[monitoring.checks]]`).
    pub fn checks(&self) -> Vec<super::checks::Check> {
        self.monitoring
            .as_ref()
            .map(|m| m.checks.iter().map(Into::into).collect())
            .unwrap_or_default()
    }

    /// Refuses a manifest check whose name a template check already uses: the release's
    /// checks are one list, and a manifest cannot loosen the team's check by reusing its name.
    pub fn check_names_against(
        &self,
        file: &str,
        source: &str,
        template: &[super::checks::Check],
    ) -> Result<(), InputError> {
        let Some(m) = &self.monitoring else {
            return Ok(());
        };
        for c in &m.checks {
            let key = super::checks::name_key(c.name.get_ref());
            if let Some(t) = template
                .iter()
                .find(|t| super::checks::name_key(&t.name) == key)
            {
                return Err(InputError::at(
                    file,
                    source,
                    Some(c.name.span()),
                    format!(
                        "duplicate check name \"{}\": the checklist template has a check of that name; names must be unique among the release's checks",
                        t.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Reads one part of a manifest on its own, to report every error of a file at once.
fn read_part(
    path: &str,
    de: toml::de::ValueDeserializer<'_>,
) -> Option<Result<(), toml::de::Error>> {
    Some(match path {
        "release" => ReleaseInfo::deserialize(de).map(drop),
        "changes" => Change::deserialize(de).map(drop),
        "changes.evidence" => Evidence::deserialize(de).map(drop),
        "monitoring" => Monitoring::deserialize(de).map(drop),
        "monitoring.checks" => super::checks::ManifestCheck::deserialize(de).map(drop),
        "contacts" => Contacts::deserialize(de).map(drop),
        "overrides" => Override::deserialize(de).map(drop),
        _ => return None,
    })
}

impl Evidence {
    /// The load-test keys set on this evidence, in the order they are declared in the struct.
    pub fn figure_keys(&self) -> Vec<&'static str> {
        [
            ("max_error_rate", self.max_error_rate.is_some()),
            ("max_p99_ms", self.max_p99_ms.is_some()),
            ("min_samples", self.min_samples.is_some()),
            ("min_tps", self.min_tps.is_some()),
            ("baseline", self.baseline.is_some()),
            ("max_regression", self.max_regression.is_some()),
            (
                "max_error_rate_increase",
                self.max_error_rate_increase.is_some(),
            ),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect()
    }
}

/// Where `key` is written in the `ei`-th evidence of the `ci`-th change, for an error that
/// points at the key itself.
fn key_span(source: &str, ci: usize, ei: usize, key: &str) -> Option<std::ops::Range<usize>> {
    let doc = toml::de::DeTable::parse(source).ok()?;
    let change = doc
        .get_ref()
        .get("changes")?
        .get_ref()
        .as_array()?
        .get(ci)?;
    let evidence = change.get_ref().as_table()?.get("evidence")?;
    let entry = evidence.get_ref().as_array()?.get(ei)?;
    entry
        .get_ref()
        .as_table()?
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, _)| k.span())
}

fn valid_change_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_error_of_a_manifest_is_reported_at_once_in_file_order() {
        let source = "[release]\nname = \"r\"\ndeployer = \"j\"\nlist_frozen_at = \"2026-13-01T00:00:00Z\"\n\n[[changes]]\nid = \"a\"\ntitle = \"A\"\nseverity = \"hgih\"\nimpact = 3\nlikelihood = 3\nrecovery = \"1h\"\n\n[[changes]]\nid = \"b\"\ntitle = \"B\"\nseverity = \"low\"\nimpact = 11\nlikelihood = 3\nrecovery = \"1h\"\n[[changes.evidence]]\nkind = \"jmeterr\"\npath = \"x.jtl\"\n";
        let e = Manifest::parse("m.toml", source).unwrap_err();
        let all: Vec<_> = e
            .all()
            .iter()
            .map(|e| (e.position, e.message.clone()))
            .collect();
        let places: Vec<_> = all.iter().map(|a| a.0.unwrap().0).collect();
        assert_eq!(places, [4, 9, 18, 22], "{all:#?}");
        assert!(
            all[0].1.contains("the date 2026-13-01 does not exist"),
            "{}",
            all[0].1
        );
        assert!(all[1].1.ends_with("did you mean `high`?"), "{}", all[1].1);
        assert!(
            all[2].1.contains("impact must be 1..=10, got 11"),
            "{}",
            all[2].1
        );
        assert!(all[3].1.ends_with("did you mean `jmeter`?"), "{}", all[3].1);
    }
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

    const CHECKS: &str = r#"
[monitoring]
alerts = ["api-5xx-rate"]
prometheus = "http://ops:pw@prometheus.internal:9090"

[[monitoring.checks]]
name = "API 5xx ratio"
query = "sum(rate(x[5m]))"
max = 0.01
change = "api-timeout"
"#;

    fn checks_error(from: &str, to: &str) -> InputError {
        let src = format!("{BASE}{}", CHECKS.replacen(from, to, 1));
        Manifest::parse("release.toml", &src).unwrap_err()
    }

    #[test]
    fn watch_checks_parse_with_a_prometheus_url() {
        let m = Manifest::parse("release.toml", &format!("{BASE}{CHECKS}")).unwrap();
        let checks = m.checks();
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].max, Some(0.01));
        assert_eq!(checks[0].min, None);
        assert_eq!(checks[0].change.as_deref(), Some("api-timeout"));
    }

    #[test]
    fn a_check_without_max_or_min_names_its_place() {
        let e = checks_error("max = 0.01\n", "");
        assert_eq!(
            e.to_string(),
            "release.toml:19:8: check \"API 5xx ratio\" needs max or min (or both), got neither"
        );
    }

    #[test]
    fn a_check_guarding_an_unknown_change_is_refused() {
        let e = checks_error("change = \"api-timeout\"", "change = \"api-timout\"");
        assert_eq!(
            e.to_string(),
            "release.toml:22:10: check \"API 5xx ratio\": change \"api-timout\" is not a change id of this release"
        );
    }

    #[test]
    fn check_names_are_unique_among_the_releases_checks() {
        let twice = format!(
            "{BASE}{CHECKS}\n[[monitoring.checks]]\nname = \"api 5xx RATIO \"\nquery = \"y\"\nmin = 1\n"
        );
        let e = Manifest::parse("release.toml", &twice).unwrap_err();
        assert_eq!(e.position, Some((25, 8)));
        assert!(e.message.contains("duplicate check name"), "{e}");
        let implicit = checks_error("name = \"API 5xx ratio\"", "name = \"alert api-5xx-rate\"");
        assert!(
            implicit.message.contains("duplicate check name"),
            "{implicit}"
        );
    }

    #[test]
    fn bounds_and_urls_are_checked() {
        let e = checks_error("max = 0.01", "max = \"0.01\"");
        assert!(e.message.contains("max must be a finite number"), "{e}");
        assert_eq!(e.position, Some((21, 7)));
        let e = checks_error("max = 0.01", "max = 1\nmin = 2");
        assert!(e.message.contains("min 2 is above max 1"), "{e}");
        let e = checks_error("query = \"sum(rate(x[5m]))\"", "query = \" \"");
        assert!(e.message.contains("query must not be empty"), "{e}");
        let e = checks_error(
            "prometheus = \"http://ops:pw@prometheus.internal:9090\"",
            "prometheus = \"prometheus.internal:9090\"",
        );
        assert_eq!(
            e.to_string(),
            "release.toml:16:14: prometheus: expected an http:// or https:// URL"
        );
        let e = checks_error("query", "querry");
        assert!(e.message.contains("unknown key `querry`"), "{e}");
    }

    #[test]
    fn a_manifest_check_may_not_reuse_a_template_checks_name() {
        let src = format!("{BASE}{CHECKS}");
        let m = Manifest::parse("release.toml", &src).unwrap();
        let template = [crate::model::checks::Check {
            name: "api 5XX ratio".into(),
            query: "q".into(),
            max: Some(1.0),
            min: None,
            change: None,
        }];
        let e = m
            .check_names_against("release.toml", &src, &template)
            .unwrap_err();
        assert_eq!(e.position, Some((19, 8)));
        assert!(
            e.message
                .contains("the checklist template has a check of that name"),
            "{e}"
        );
        assert!(m.check_names_against("release.toml", &src, &[]).is_ok());
    }

    #[test]
    fn a_load_test_threshold_on_a_kind_without_figures_is_an_input_error_at_the_key() {
        for kind in ["junit", "file", "attestation"] {
            let src = format!(
                "{BASE}\n[[changes.evidence]]\nkind = \"{kind}\"\nenv = \"staging\"\npath = \"e\"\nmin_tests = 1\nmax_p99_ms = 500\n"
            );
            let e = Manifest::parse("release.toml", &src).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("release.toml:19:1: max_p99_ms applies only to load tests (jmeter, k6, locust, artillery, ngrinder): {kind} evidence has no such figure")
            );
        }
        let ok = format!(
            "{BASE}\n[[changes.evidence]]\nkind = \"k6\"\nenv = \"staging\"\npath = \"e\"\nmax_p99_ms = 500\n"
        );
        assert!(Manifest::parse("release.toml", &ok).is_ok());
    }

    #[test]
    fn every_problem_of_a_manifest_is_reported_at_once() {
        let src = format!(
            "{BASE}\n[[changes.evidence]]\nkind = \"junit\"\nenv = \"ci\"\npath = \"j.xml\"\nmin_tps = 1\n\n[[changes]]\nid = \"api-timeout\"\ntitle = \"again\"\nseverity = \"low\"\nimpact = 1\nlikelihood = 1\nrecovery = \"1h\"\n\n[[changes]]\nid = \"Bad\"\ntitle = \"b\"\nseverity = \"low\"\nimpact = 1\nlikelihood = 1\nrecovery = \"1h\"\n"
        );
        let e = Manifest::parse("release.toml", &src).unwrap_err();
        let messages: Vec<String> = e.all().iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].contains("min_tps applies only to load tests"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("duplicate change id \"api-timeout\""),
            "{messages:?}"
        );
        assert!(
            messages[2].contains("change id \"Bad\" must match"),
            "{messages:?}"
        );
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
