//! Rules about the release as a whole and its changes: `rollback-plan`, `list-freeze` and
//! `risk-underdeclared`.

use super::{Ctx, Finding, RuleId};
use crate::model::values::{is_blank, Severity};

/// A High or Critical change must say how it is undone.
pub fn rollback_plan(ctx: &Ctx) -> Vec<Finding> {
    ctx.changes
        .iter()
        .zip(&ctx.manifest.changes)
        .filter(|(a, c)| a.effective >= Severity::High && c.rollback.as_deref().is_none_or(is_blank))
        .map(|(a, _)| {
            Finding::block(
        RuleId::RollbackPlan,
                &a.id,
                format!("change {} is {} but has no rollback plan", a.id, a.effective),
                format!("Write how to undo it, who runs it and how long it takes in rollback = \"…\" (recovery is {} min).", a.recovery_minutes),
            )
        })
        .collect()
}

/// The change list should stop changing well before the deploy.
pub fn list_freeze(ctx: &Ctx) -> Vec<Finding> {
    let lead = chrono::Duration::from_std(ctx.template.policy.list_freeze_lead)
        .unwrap_or(chrono::Duration::MAX);
    let latest = ctx.deploy_at.checked_sub_signed(lead);
    let lead_text = crate::fmt::span(ctx.template.policy.list_freeze_lead);
    let message = match ctx.manifest.release.list_frozen_at {
        None => format!("list_frozen_at is not set: nothing says when the change list stopped changing (policy: {lead_text} before the deploy)"),
        Some(t) if latest.is_none_or(|l| t.0 > l) => format!(
            "the change list froze at {t}, less than {lead_text} before the deploy"
        ),
        Some(_) => return vec![],
    };
    vec![Finding::warn(
        RuleId::ListFreeze,
        "release",
        message,
        format!("Freeze the change list at least {lead_text} before the deploy and record it in list_frozen_at."),
    )]
}

/// A change whose score says more than its declared severity.
pub fn risk_underdeclared(ctx: &Ctx) -> Vec<Finding> {
    ctx.changes
        .iter()
        .filter(|c| c.band > c.declared)
        .map(|c| {
            Finding::warn(
                RuleId::RiskUnderdeclared,
                &c.id,
                format!(
                    "change {} is declared {} but scores {} ({}×{}), which is {}; it is judged {}",
                    c.id, c.declared, c.score, c.impact, c.likelihood, c.band, c.effective
                ),
                format!(
                    "Declare it {} or explain why impact or likelihood is lower.",
                    c.band
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn a_high_change_without_rollback_blocks_and_a_blank_one_too() {
        assert_eq!(
            rules(&Fixture::with("rollback = \"revert\"", "").findings()),
            ["rollback-plan"]
        );
        assert_eq!(
            rules(&Fixture::with("rollback = \"revert\"", "rollback = \"  \"").findings()),
            ["rollback-plan"]
        );
    }

    #[test]
    fn a_low_change_needs_no_rollback() {
        let f = Fixture::with(
            "severity = \"high\"\nimpact = 5",
            "severity = \"low\"\nimpact = 2",
        );
        let f2 = Fixture::new(
            &f_manifest_without_rollback(),
            TEMPLATE,
            "[answers.ready]\nvalue = true\n",
        );
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
        assert_eq!(rules(&f2.findings()), Vec::<&str>::new());
    }

    fn f_manifest_without_rollback() -> String {
        MANIFEST
            .replace(
                "severity = \"high\"\nimpact = 5",
                "severity = \"low\"\nimpact = 2",
            )
            .replace("rollback = \"revert\"", "")
    }

    #[test]
    fn list_freeze_warns_when_missing_or_late_and_is_quiet_at_the_bound() {
        let missing = Fixture::with("list_frozen_at = \"2026-11-23T14:00:00+09:00\"", "");
        assert_eq!(rules(&missing.findings()), ["list-freeze"]);
        let exact = Fixture::with("2026-11-23T14:00:00+09:00", "2026-11-24T14:00:00+09:00");
        assert_eq!(rules(&exact.findings()), Vec::<&str>::new());
        let late = Fixture::with("2026-11-23T14:00:00+09:00", "2026-11-24T14:00:01+09:00");
        let found = late.findings();
        assert_eq!(rules(&found), ["list-freeze"]);
        assert_eq!(found[0].level, super::super::Level::Warn);
    }

    #[test]
    fn an_underdeclared_change_warns_and_is_judged_by_its_band() {
        let f = Fixture::with("severity = \"high\"", "severity = \"medium\"");
        let found = f.findings();
        assert_eq!(rules(&found), ["risk-underdeclared"]);
        assert_eq!(found[0].subject, "api");
    }
}
