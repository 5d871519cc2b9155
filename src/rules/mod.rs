//! The rules of the gate. Each rule is a function from the judged release to findings; a
//! rule never prints and never exits. The verdict is computed from findings in one place
//! ([`crate::verdict`]).

mod checklist;
mod deploy_time;
mod evidence;
mod freeze;
mod id;
mod monitoring;
mod on_call;
mod overrides;
mod release;
mod release_commit;
mod two_person;

use crate::evidence::Verified;
use crate::model::answers::Answers;
use crate::model::checklist::{RuleLevel, Template};
use crate::model::manifest::Manifest;
use crate::model::values::Severity;
use crate::risk::Assessed;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

pub use checklist::item_problem;
pub use deploy_time::is_stale;
pub use id::RuleId;
pub use monitoring::MonitoringProbe;
pub use overrides::check as check_override;

/// `block` findings make a NO-GO; `warn` findings are shown and signed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Block,
    Warn,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Block => "block",
            Level::Warn => "warn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    #[schemars(schema_with = "crate::model::schema::rule_id_in_report")]
    pub rule: RuleId,
    pub level: Level,
    /// A change id, an item id, an overridden rule's id, or `release`.
    pub subject: String,
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// A block turned into a warn by a valid override.
    pub overridden: bool,
    /// A block the policy's `[policy.rules]` turned into a warn (only shown when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lowered: bool,
}

impl Finding {
    pub fn block(
        rule: RuleId,
        subject: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            level: Level::Block,
            subject: subject.into(),
            message: message.into(),
            hint: hint.into(),
            overridden: false,
            lowered: false,
        }
    }

    pub fn warn(
        rule: RuleId,
        subject: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Finding {
            level: Level::Warn,
            ..Finding::block(rule, subject, message, hint)
        }
    }
}

/// Everything a rule may look at. Time is an input: rules never read the clock.
pub struct Ctx<'a> {
    pub manifest: &'a Manifest,
    pub template: &'a Template,
    pub answers: &'a Answers,
    pub changes: &'a [Assessed],
    pub evidence: &'a [Verified],
    pub severity: Severity,
    pub deploy_at: DateTime<FixedOffset>,
    pub now: DateTime<FixedOffset>,
    /// sha256 of the manifest's bytes, lower-case hex.
    pub manifest_sha256: &'a str,
    /// Every approval, judged (see [`crate::approvals`]).
    pub approvals: &'a [crate::approvals::Status],
    /// The policy names `allowed_signers`: only signed approvals count, for overrides too.
    pub signed_approvals_only: bool,
    /// The revision being deployed, when the user named one (`--commit`).
    pub deployed_commit: Option<&'a str>,
    /// What the named Prometheus said, asked before the rules run.
    pub monitoring: &'a MonitoringProbe,
}

/// Every rule, in the order of SPEC's table.
pub fn evaluate(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(deploy_time::deploy_time(ctx));
    out.extend(release_commit::release_commit(ctx));
    out.extend(evidence::critical_evidence(ctx));
    out.extend(evidence::evidence_failed(ctx));
    out.extend(release::rollback_plan(ctx));
    out.extend(freeze::freeze_window(ctx));
    out.extend(on_call::on_call(ctx));
    out.extend(monitoring::monitoring(ctx));
    out.extend(monitoring::alerts_firing(ctx));
    out.extend(two_person::two_person(ctx));
    out.extend(checklist::checklist(ctx));
    out.extend(overrides::override_invalid(ctx));
    out.extend(checklist::unknown_answer(ctx));
    out.extend(release::list_freeze(ctx));
    out.extend(release::risk_underdeclared(ctx));
    out.extend(freeze::freeze_calendar(ctx));
    apply_levels(out, &ctx.template.policy.rules)
}

/// `[policy.rules]`: a rule set to `warn` reports its blocks as warnings that say the policy
/// lowered them, `off` drops its findings, `block` makes its warnings block. The rules that
/// cannot be lowered were refused when the template was read.
pub fn apply_levels(
    found: Vec<Finding>,
    levels: &std::collections::BTreeMap<RuleId, RuleLevel>,
) -> Vec<Finding> {
    found
        .into_iter()
        .filter_map(|mut f| match levels.get(&f.rule) {
            None => Some(f),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Warn) if f.rule.lowerable() => {
                if f.level == Level::Block {
                    f.level = Level::Warn;
                    f.lowered = true;
                    f.message.push_str(&format!(
                        " (lowered to a warning by the policy: [policy.rules] {} = \"warn\")",
                        f.rule
                    ));
                }
                Some(f)
            }
            Some(RuleLevel::Block) if f.level == Level::Warn => {
                f.level = Level::Block;
                f.message.push_str(&format!(
                    " (made blocking by the policy: [policy.rules] {} = \"block\")",
                    f.rule
                ));
                Some(f)
            }
            Some(_) => Some(f),
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! A base release that passes every rule, for rule tests to bend one way at a time.
    use super::*;
    use crate::model::values::Timestamp;

    pub const MANIFEST: &str = r#"
[release]
name = "r"
deployer = "jiyoon"
deploy_at = "2026-11-25T14:00:00+09:00"
approvers = ["minho"]
list_frozen_at = "2026-11-23T14:00:00+09:00"

[[changes]]
id = "api"
title = "API"
severity = "high"
impact = 5
likelihood = 6
recovery = "1h"
rollback = "revert"

[monitoring]
dashboards = ["https://grafana.example/d/api"]
watch_minutes = 30

[contacts]
on_call = ["minho", "hana"]
"#;

    pub const TEMPLATE: &str = r#"
[policy]
timezone = "Asia/Seoul"
[[items]]
id = "ready"
prompt = "Ready?"
"#;

    pub struct Fixture {
        pub manifest: Manifest,
        pub template: Template,
        pub answers: Answers,
        pub changes: Vec<Assessed>,
        pub evidence: Vec<Verified>,
        pub now: DateTime<FixedOffset>,
        pub sha: String,
        pub approvals: Vec<crate::approvals::Status>,
        pub signed_approvals_only: bool,
        pub deployed_commit: Option<String>,
        pub probe: MonitoringProbe,
    }

    impl Fixture {
        pub fn new(manifest: &str, template: &str, answers: &str) -> Fixture {
            let manifest = Manifest::parse("release.toml", manifest).unwrap();
            let template = Template::parse("t.toml", template).unwrap();
            let answers = Answers::parse("a.toml", answers, &template).unwrap();
            let changes = crate::risk::assess_all(&manifest.changes, &template.policy.bands);
            let sha = "00".to_string();
            let approvals = crate::approvals::assess(
                &[],
                &manifest.release.approvers,
                manifest.release.deployer.get_ref(),
                &sha,
                None,
            );
            Fixture {
                manifest,
                template,
                answers,
                changes,
                evidence: vec![],
                now: Timestamp::parse("2026-11-25T10:00:00+09:00").unwrap().0,
                sha,
                approvals,
                signed_approvals_only: false,
                deployed_commit: None,
                probe: MonitoringProbe::NotNamed,
            }
        }

        pub fn base() -> Fixture {
            Fixture::new(MANIFEST, TEMPLATE, "[answers.ready]\nvalue = true\n")
        }

        pub fn with(from: &str, to: &str) -> Fixture {
            assert!(MANIFEST.contains(from), "{from}");
            Fixture::new(
                &MANIFEST.replace(from, to),
                TEMPLATE,
                "[answers.ready]\nvalue = true\n",
            )
        }

        pub fn ctx(&self) -> Ctx<'_> {
            Ctx {
                manifest: &self.manifest,
                template: &self.template,
                answers: &self.answers,
                changes: &self.changes,
                evidence: &self.evidence,
                severity: crate::risk::release_severity(&self.changes),
                deploy_at: self.manifest.release.deploy_at.unwrap().0,
                now: self.now,
                manifest_sha256: &self.sha,
                approvals: &self.approvals,
                signed_approvals_only: self.signed_approvals_only,
                deployed_commit: self.deployed_commit.as_deref(),
                monitoring: &self.probe,
            }
        }

        pub fn findings(&self) -> Vec<Finding> {
            evaluate(&self.ctx())
        }
    }

    pub fn rules(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn the_base_release_draws_no_finding() {
        assert_eq!(Fixture::base().findings(), vec![]);
    }

    fn with_rules(rules_toml: &str, deploy_at: &str) -> Vec<Finding> {
        let tpl = format!("{TEMPLATE}[policy.rules]\n{rules_toml}");
        let tpl = tpl.replace(
            "[policy]\ntimezone = \"Asia/Seoul\"\n[[items]]\nid = \"ready\"\nprompt = \"Ready?\"\n",
            "[[items]]\nid = \"ready\"\nprompt = \"Ready?\"\n[policy]\ntimezone = \"Asia/Seoul\"\n",
        );
        let m = MANIFEST.replace("2026-11-25T14:00:00+09:00", deploy_at);
        Fixture::new(&m, &tpl, "[answers.ready]\nvalue = true\n").findings()
    }

    const FRIDAY: &str = "2026-11-27T23:00:00+09:00";

    #[test]
    fn a_rule_set_to_warn_reports_its_blocks_as_warnings_the_policy_lowered() {
        let found = with_rules("freeze-window = \"warn\"\n", FRIDAY);
        assert_eq!(rules(&found), ["freeze-window"]);
        assert_eq!(found[0].level, Level::Warn);
        assert!(found[0].lowered && !found[0].overridden);
        assert!(
            found[0].message.ends_with(
                "(lowered to a warning by the policy: [policy.rules] freeze-window = \"warn\")"
            ),
            "{}",
            found[0].message
        );
        let json = serde_json::to_value(&found[0]).unwrap();
        assert_eq!(json["lowered"], true);
        assert_eq!(json["level"], "warn");
    }

    #[test]
    fn a_rule_set_to_off_is_dropped() {
        assert_eq!(with_rules("freeze-window = \"off\"\n", FRIDAY), vec![]);
    }

    #[test]
    fn block_makes_a_warn_only_rule_block() {
        let m = "list_frozen_at = \"2026-11-23T14:00:00+09:00\"\n";
        let found = with_rules("list-freeze = \"block\"\n", "2026-11-25T14:00:00+09:00");
        assert_eq!(found, vec![], "nothing to raise");
        let tpl = "[[items]]\nid = \"ready\"\nprompt = \"Ready?\"\n[policy]\ntimezone = \"Asia/Seoul\"\n[policy.rules]\nlist-freeze = \"block\"\n";
        let f = Fixture::new(
            &MANIFEST.replace(m, ""),
            tpl,
            "[answers.ready]\nvalue = true\n",
        );
        let found = f.findings();
        assert_eq!(rules(&found), ["list-freeze"]);
        assert_eq!(found[0].level, Level::Block);
        assert!(!found[0].lowered);
        let json = serde_json::to_value(&found[0]).unwrap();
        assert!(json.get("lowered").is_none(), "{json}");
    }

    #[test]
    fn a_rule_set_to_block_or_unset_leaves_its_findings_as_they_are() {
        assert_eq!(
            with_rules("freeze-window = \"block\"\n", FRIDAY)[0].level,
            Level::Block
        );
        assert_eq!(with_rules("", FRIDAY)[0].level, Level::Block);
    }
}
