//! Rules about the release as a whole and its changes: `rollback-plan`, `two-person`,
//! `list-freeze` and `risk-underdeclared`.

use super::{Ctx, Finding};
use crate::model::values::{same_name, Severity};

/// A High or Critical change must say how it is undone.
pub fn rollback_plan(ctx: &Ctx) -> Vec<Finding> {
    ctx.changes
        .iter()
        .zip(&ctx.manifest.changes)
        .filter(|(a, c)| a.effective >= Severity::High && c.rollback.as_deref().is_none_or(|r| r.trim().is_empty()))
        .map(|(a, _)| {
            Finding::block(
                "rollback-plan",
                &a.id,
                format!("change {} is {} but has no rollback plan", a.id, a.effective),
                format!("Write how to undo it, who runs it and how long it takes in rollback = \"…\" (recovery is {} min).", a.recovery_minutes),
            )
        })
        .collect()
}

/// A High or Critical release needs a second person's approval.
pub fn two_person(ctx: &Ctx) -> Vec<Finding> {
    if ctx.severity < Severity::High {
        return vec![];
    }
    let deployer = ctx.manifest.release.deployer.get_ref();
    let other = ctx
        .manifest
        .release
        .approvers
        .iter()
        .any(|a| !a.trim().is_empty() && !same_name(a, deployer));
    if other {
        return vec![];
    }
    vec![Finding::block(
        "two-person",
        "release",
        format!(
            "the release is {} and nobody but the deployer approved it",
            ctx.severity
        ),
        "Have someone other than the deployer review it and add them to approvers.",
    )]
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
        "list-freeze",
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
                "risk-underdeclared",
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
    fn two_person_needs_an_approver_other_than_the_deployer() {
        assert_eq!(
            rules(
                &Fixture::with("approvers = [\"minho\"]", "approvers = [\" JIYOON\"]").findings()
            ),
            ["two-person"]
        );
        assert_eq!(
            rules(&Fixture::with("approvers = [\"minho\"]", "").findings()),
            ["two-person"]
        );
        let low = MANIFEST
            .replace(
                "severity = \"high\"\nimpact = 5",
                "severity = \"medium\"\nimpact = 3",
            )
            .replace("approvers = [\"minho\"]", "");
        assert_eq!(
            rules(&Fixture::new(&low, TEMPLATE, "[answers.ready]\nvalue = true\n").findings()),
            Vec::<&str>::new()
        );
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
