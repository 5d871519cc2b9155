//! `critical-evidence` and `evidence-failed`: a Critical change needs passing evidence from
//! the environment the policy names (staging by default), and no evidence may fail. Neither
//! can be overridden: this is the gate's reason to exist.

use super::{Ctx, Finding};
use crate::model::values::{same_name, Severity};

pub fn critical_evidence(ctx: &Ctx) -> Vec<Finding> {
    let env = &ctx.template.policy.critical_needs_env;
    // One pass over the evidence, so a release of many changes stays linear.
    let backed: std::collections::HashSet<&str> = ctx
        .evidence
        .iter()
        .filter(|e| e.passed && same_name(&e.env, env))
        .map(|e| e.change.as_str())
        .collect();
    ctx.changes
        .iter()
        .filter(|c| c.effective == Severity::Critical && !backed.contains(c.id.as_str()))
        .map(|c| {
            let why = if c.declared == Severity::Critical {
                "is critical".to_string()
            } else {
                format!("scores {} and is judged critical", c.score)
            };
            Finding::block(
                "critical-evidence",
                &c.id,
                format!("change {} {why} but has no passing {} evidence", c.id, env.trim()),
                format!(
                    "Load-test it on {} at production traffic and add the result as evidence (kind jmeter, k6 or locust, env = \"{}\").",
                    env.trim(),
                    env.trim()
                ),
            )
        })
        .collect()
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
                "evidence-failed",
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

    #[test]
    fn failed_evidence_blocks_even_on_a_low_change() {
        let mut f = Fixture::base();
        f.evidence = vec![ev("ci", false)];
        assert_eq!(rules(&f.findings()), ["evidence-failed"]);
    }
}
