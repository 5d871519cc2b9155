//! `critical-evidence` and `evidence-failed`: a Critical change needs passing evidence from
//! the environment the policy names (staging by default), of a kind that proves something
//! (`critical_needs_kinds`: the load tests by default, never an empty file or a link), taken
//! `critical_evidence_lead` before the deploy when the policy asks; and no evidence may fail.
//! Neither can be overridden: this is the gate's reason to exist.

use super::{Ctx, Finding, RuleId};
use crate::evidence::Verified;
use crate::model::values::{same_name, Severity};
use std::collections::HashMap;

pub fn critical_evidence(ctx: &Ctx) -> Vec<Finding> {
    let policy = &ctx.template.policy;
    let env = policy.critical_needs_env.trim();
    let kinds: Vec<&str> = policy
        .critical_needs_kinds
        .iter()
        .map(|k| k.as_str())
        .collect();
    // One pass over the evidence, so a release of many changes stays linear.
    let mut by_change: HashMap<&str, Vec<&Verified>> = HashMap::new();
    for e in ctx.evidence {
        by_change.entry(e.change.as_str()).or_default().push(e);
    }
    ctx.changes
        .iter()
        .filter(|c| c.effective == Severity::Critical)
        .filter_map(|c| {
            let found = by_change.get(c.id.as_str()).map_or(&[][..], Vec::as_slice);
            let why_not: Vec<String> = found
                .iter()
                .map(|e| does_not_count(e, ctx, env, &kinds))
                .collect::<Option<Vec<_>>>()?;
            let why = if c.declared == Severity::Critical {
                "is critical".to_string()
            } else {
                format!("scores {} and is judged critical", c.score)
            };
            let detail = if why_not.is_empty() {
                "it has no evidence".to_string()
            } else {
                why_not.join("; ")
            };
            Some(Finding::block(
        RuleId::CriticalEvidence,
                &c.id,
                format!(
                    "change {} {why} but has no passing {env} evidence of a kind the policy counts ({}): {detail}",
                    c.id,
                    kinds.join(", ")
                ),
                format!(
                    "Load-test it on {env} at production traffic and add the result as evidence (kind one of {}, env = \"{env}\"){}; critical-evidence cannot be overridden.",
                    kinds.join(", "),
                    policy.critical_evidence_lead.map_or(String::new(), |l| format!(", at least {} before the deploy", crate::fmt::span(l)))
                ),
            ))
        })
        .collect()
}

/// Why one evidence does not count as a Critical change's staging evidence; `None` when it
/// counts.
fn does_not_count(e: &Verified, ctx: &Ctx, env: &str, kinds: &[&str]) -> Option<String> {
    let policy = &ctx.template.policy;
    let src = e.source();
    if !kinds.contains(&e.kind) {
        return Some(format!(
            "{src} is kind {}, which does not count for a Critical change; policy counts {}",
            e.kind,
            kinds.join(", ")
        ));
    }
    if !same_name(&e.env, env) {
        return Some(format!(
            "{src} is from env \"{}\", and the policy wants \"{env}\"",
            e.env.trim()
        ));
    }
    if !e.passed {
        return Some(format!("{src} failed"));
    }
    if let Some(lead) = policy.critical_evidence_lead {
        let time = e
            .recorded_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
        let latest = chrono::Duration::from_std(lead)
            .ok()
            .and_then(|l| ctx.deploy_at.checked_sub_signed(l));
        match (time, latest) {
            (Some(t), Some(latest)) if t <= latest => {}
            (Some(t), _) => {
                return Some(format!(
                    "{src} was taken at {}, less than {} before the deploy (policy critical_evidence_lead)",
                    crate::fmt::timestamp(t),
                    crate::fmt::span(lead)
                ))
            }
            (None, _) => return Some(format!("{src} has no time, so its lead before the deploy is unknown")),
        }
    }
    None
}

pub fn evidence_failed(ctx: &Ctx) -> Vec<Finding> {
    ctx.evidence
        .iter()
        .filter(|e| !e.passed)
        .map(|e| {
            let what = match &e.path {
                Some(p) => format!("{} evidence {p}", e.kind),
                None => format!("{} evidence {}", e.kind, e.url.as_deref().unwrap_or("(no url)")),
            };
            Finding::block(
        RuleId::EvidenceFailed,
                &e.change,
                format!("{what} ({}) failed: {}", e.env, e.reason.as_deref().unwrap_or("unknown reason")),
                "Fix the cause and re-run the test, or correct the evidence entry; failed evidence cannot be overridden.",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::evidence::{Figures, Verified};

    fn ev(env: &str, passed: bool) -> Verified {
        Verified {
            change: "api".into(),
            kind: "jmeter",
            env: env.into(),
            path: Some("e.jtl".into()),
            passed,
            reason: (!passed).then(|| "error rate 0.3% > 0.1% allowed".into()),
            figures: Figures::default(),
            sha256: None,
            recorded_at: None,
            url: None,
            by: None,
            baseline: None,
        }
    }

    fn critical() -> Fixture {
        Fixture::with(
            "severity = \"high\"\nimpact = 5",
            "severity = \"critical\"\nimpact = 9",
        )
    }

    #[test]
    fn a_critical_change_without_staging_evidence_blocks() {
        let f = critical();
        assert_eq!(rules(&f.findings()), ["critical-evidence"]);
    }

    #[test]
    fn passing_staging_evidence_satisfies_it_whatever_the_case_of_env() {
        let mut f = critical();
        f.evidence = vec![ev(" Staging ", true)];
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
    }

    #[test]
    fn evidence_from_another_env_or_failing_does_not_count() {
        let mut f = critical();
        f.evidence = vec![ev("ci", true), ev("staging", false)];
        let found = f.findings();
        assert_eq!(rules(&found), ["critical-evidence", "evidence-failed"]);
        assert!(found[1].message.contains("e.jtl"));
        assert_eq!(found[1].subject, "api");
    }

    fn kind(mut v: Verified, kind: &'static str, path: &str) -> Verified {
        v.kind = kind;
        v.path = Some(path.into());
        v
    }

    #[test]
    fn a_file_or_an_attestation_does_not_count_for_a_critical_change_and_the_message_says_why() {
        let mut f = critical();
        f.evidence = vec![
            kind(ev("staging", true), "file", "evidence/empty.txt"),
            kind(ev("staging", true), "attestation", "x"),
        ];
        f.evidence[1].path = None;
        f.evidence[1].url = Some("https://ci.example/run/1".into());
        let found = f.findings();
        assert_eq!(rules(&found), ["critical-evidence"]);
        assert_eq!(
            found[0].message,
            "change api is critical but has no passing staging evidence of a kind the policy counts (jmeter, k6, locust, artillery, ngrinder): evidence/empty.txt is kind file, which does not count for a Critical change; policy counts jmeter, k6, locust, artillery, ngrinder; https://ci.example/run/1 is kind attestation, which does not count for a Critical change; policy counts jmeter, k6, locust, artillery, ngrinder"
        );
    }

    #[test]
    fn critical_needs_kinds_is_the_policy_s() {
        let t = TEMPLATE.replace(
            "timezone = \"Asia/Seoul\"",
            "timezone = \"Asia/Seoul\"\ncritical_needs_kinds = [\"junit\"]",
        );
        let m = MANIFEST.replace(
            "severity = \"high\"\nimpact = 5",
            "severity = \"critical\"\nimpact = 9",
        );
        let mut f = Fixture::new(&m, &t, "[answers.ready]\nvalue = true\n");
        f.evidence = vec![ev("staging", true)];
        let found = f.findings();
        assert_eq!(rules(&found), ["critical-evidence"]);
        assert!(found[0]
            .message
            .contains("e.jtl is kind jmeter, which does not count"));
        f.evidence = vec![kind(ev("staging", true), "junit", "junit.xml")];
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
    }

    #[test]
    fn evidence_from_env_stage_when_the_policy_wants_staging_says_so() {
        let mut f = critical();
        f.evidence = vec![ev("stage", true)];
        let found = f.findings();
        assert!(
            found[0]
                .message
                .contains("e.jtl is from env \"stage\", and the policy wants \"staging\""),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn critical_evidence_lead_needs_the_evidence_that_long_before_the_deploy_inclusive() {
        let t = TEMPLATE.replace(
            "timezone = \"Asia/Seoul\"",
            "timezone = \"Asia/Seoul\"\ncritical_evidence_lead = \"48h\"",
        );
        let m = MANIFEST.replace(
            "severity = \"high\"\nimpact = 5",
            "severity = \"critical\"\nimpact = 9",
        );
        let mut f = Fixture::new(&m, &t, "[answers.ready]\nvalue = true\n");
        // The deploy is at 2026-11-25T14:00:00+09:00.
        let mut e = ev("staging", true);
        e.recorded_at = Some("2026-11-23T14:00:00+09:00".into());
        f.evidence = vec![e.clone()];
        assert_eq!(
            rules(&f.findings()),
            Vec::<&str>::new(),
            "exactly 48h before counts"
        );
        e.recorded_at = Some("2026-11-23T14:00:01+09:00".into());
        f.evidence = vec![e.clone()];
        let found = f.findings();
        assert_eq!(rules(&found), ["critical-evidence"]);
        assert!(
            found[0].message.contains(
                "e.jtl was taken at 2026-11-23T14:00:01+09:00, less than 2d before the deploy"
            ),
            "{}",
            found[0].message
        );
        assert!(found[0].hint.contains("at least 2d before the deploy"));
        e.recorded_at = None;
        f.evidence = vec![e];
        assert!(f.findings()[0].message.contains("has no time"));
    }

    #[test]
    fn failed_evidence_blocks_even_on_a_low_change() {
        let mut f = Fixture::base();
        f.evidence = vec![ev("ci", false)];
        assert_eq!(rules(&f.findings()), ["evidence-failed"]);
    }
}
