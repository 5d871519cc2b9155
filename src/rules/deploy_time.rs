//! `deploy-time`: a manifest whose `deploy_at` passed more than `deploy_grace` ago describes a
//! deploy that already happened, or a typo in the date. Judging it would judge the evidence's
//! age against the wrong moment, so the gate blocks and says so. It cannot be overridden: set
//! `deploy_at` to the real deploy time.

use super::{Ctx, Finding, RuleId};
use chrono::{DateTime, FixedOffset};
use std::time::Duration;

/// Whether `deploy_at` (when set) lies more than `grace` before `now`.
pub fn is_stale(
    deploy_at: Option<DateTime<FixedOffset>>,
    grace: Duration,
    now: DateTime<FixedOffset>,
) -> bool {
    let Some(at) = deploy_at else { return false };
    let grace = chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
    at.checked_add_signed(grace)
        .is_some_and(|latest| now > latest)
}

pub fn deploy_time(ctx: &Ctx) -> Vec<Finding> {
    let at = ctx.manifest.release.deploy_at.map(|t| t.0);
    let grace = ctx.template.policy.deploy_grace;
    if !is_stale(at, grace, ctx.now) {
        return vec![];
    }
    let at = at.expect("a stale deploy time is set");
    vec![Finding::block(
        RuleId::DeployTime,
        "release",
        format!(
            "the deploy time is in the past: deploy_at {} was {} ago (judged at {}; the policy allows {} after it)",
            crate::fmt::timestamp(at),
            crate::fmt::duration(ctx.now.signed_duration_since(at)),
            crate::fmt::timestamp(ctx.now),
            crate::fmt::span(grace),
        ),
        "Set deploy_at to the real deploy time (or drop it to judge for now); deploy-time cannot be overridden.",
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::values::Timestamp;

    fn at(now: &str) -> Vec<super::Finding> {
        let mut f = Fixture::base();
        f.now = Timestamp::parse(now).unwrap().0;
        f.findings()
    }

    #[test]
    fn judging_within_the_grace_after_deploy_at_is_fine_and_a_second_later_blocks() {
        // The base deploys at 14:00 +09:00; the default grace is 2h.
        assert_eq!(rules(&at("2026-11-25T16:00:00+09:00")), Vec::<&str>::new());
        let late = at("2026-11-25T16:00:01+09:00");
        assert_eq!(rules(&late), ["deploy-time"]);
        assert_eq!(late[0].subject, "release");
        assert!(
            late[0]
                .message
                .starts_with("the deploy time is in the past"),
            "{}",
            late[0].message
        );
        assert!(late[0]
            .hint
            .contains("Set deploy_at to the real deploy time"));
    }

    #[test]
    fn the_message_says_how_long_ago_the_deploy_time_passed() {
        let found = at("2027-02-25T14:00:00+09:00");
        assert!(
            found[0].message.contains("was 92d ago"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn deploy_grace_is_the_policy_s() {
        let t = TEMPLATE.replace(
            "timezone = \"Asia/Seoul\"",
            "timezone = \"Asia/Seoul\"\ndeploy_grace = \"30m\"",
        );
        let mut f = Fixture::new(MANIFEST, &t, "[answers.ready]\nvalue = true\n");
        f.now = Timestamp::parse("2026-11-25T14:30:01+09:00").unwrap().0;
        assert_eq!(rules(&f.findings()), ["deploy-time"]);
    }

    #[test]
    fn a_release_without_deploy_at_is_judged_for_now_and_never_stale() {
        assert!(!super::is_stale(
            None,
            std::time::Duration::ZERO,
            Timestamp::parse("2030-01-01T00:00:00Z").unwrap().0
        ));
    }
}
