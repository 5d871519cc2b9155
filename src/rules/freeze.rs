//! `freeze-window`: no risky deploys on Fridays, weekends, holidays and launch freezes.
//! Windows are read in the policy's time zone (IANA), or in deploy_at's own offset when the
//! policy names none — a deploy at Thursday 16:00 UTC is Friday 01:00 in Asia/Seoul.

use super::{Ctx, Finding};
use crate::model::checklist::FreezeWindow;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Timelike};

/// The deploy time as a wall-clock time where the policy's windows are read, with the
/// zone's name.
pub fn local_deploy_time(
    deploy_at: DateTime<FixedOffset>,
    tz: Option<chrono_tz::Tz>,
) -> (NaiveDateTime, String) {
    match tz {
        Some(tz) => (
            deploy_at.with_timezone(&tz).naive_local(),
            tz.name().to_string(),
        ),
        None => (
            deploy_at.naive_local(),
            format!("UTC{}", deploy_at.offset()),
        ),
    }
}

pub fn matches(w: &FreezeWindow, local: NaiveDateTime) -> bool {
    let day = w.days.contains(&local.weekday()) || w.dates.contains(&local.date());
    let secs = local.num_seconds_from_midnight();
    day && w.from * 60 <= secs && secs < w.to * 60
}

pub fn freeze_window(ctx: &Ctx) -> Vec<Finding> {
    let (local, zone) = local_deploy_time(ctx.deploy_at, ctx.template.policy.timezone);
    ctx.template
        .policy
        .freeze
        .iter()
        .filter(|w| matches(w, local) && !w.allow.permits(ctx.severity))
        .map(|w| {
            let allows = match w.allow {
                crate::model::checklist::Allow::Nothing => "allows no deploy".to_string(),
                a => format!("allows {} at most", a.as_str()),
            };
            Finding::block(
                "freeze-window",
                "release",
                format!(
                    "the deploy at {} ({zone}) falls in freeze window \"{}\", which {allows}; the release is {}",
                    local.format("%a %Y-%m-%d %H:%M"),
                    w.name,
                    ctx.severity
                ),
                "Move the deploy out of the window or split out the risky changes; an override needs a reason and someone other than the deployer to approve it.",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const WED: &str = "deploy_at = \"2026-11-25T14:00:00+09:00\"";

    #[test]
    fn a_high_release_on_friday_evening_blocks() {
        let f = Fixture::with(WED, "deploy_at = \"2026-11-27T23:00:00+09:00\"");
        let found = f.findings();
        assert_eq!(rules(&found), ["freeze-window"]);
        assert!(
            found[0]
                .message
                .contains("Fri 2026-11-27 23:00 (Asia/Seoul)"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn thursday_16_utc_is_friday_in_seoul() {
        let f = Fixture::with(WED, "deploy_at = \"2026-11-26T16:00:00Z\"");
        assert_eq!(rules(&f.findings()), ["freeze-window"]);
        let before = Fixture::with(WED, "deploy_at = \"2026-11-26T14:59:59Z\"");
        assert_eq!(rules(&before.findings()), Vec::<&str>::new());
    }

    #[test]
    fn a_low_release_may_deploy_on_friday() {
        let m = MANIFEST
            .replace(WED, "deploy_at = \"2026-11-27T23:00:00+09:00\"")
            .replace(
                "severity = \"high\"\nimpact = 5",
                "severity = \"low\"\nimpact = 2",
            );
        let f = Fixture::new(&m, TEMPLATE, "[answers.ready]\nvalue = true\n");
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
    }

    #[test]
    fn windows_honour_dates_from_to_and_allow_none() {
        let tpl = "[policy]\ntimezone = \"Asia/Seoul\"\n[[policy.freeze]]\nname = \"launch\"\ndates = [\"2026-11-25\"]\nfrom = \"14:00\"\nto = \"15:00\"\nallow = \"none\"\n[[items]]\nid = \"ready\"\nprompt = \"?\"\n";
        let at = |t: &str| {
            let m = MANIFEST.replace(WED, &format!("deploy_at = \"2026-11-25T{t}+09:00\""));
            rules(&Fixture::new(&m, tpl, "[answers.ready]\nvalue = true\n").findings())
        };
        assert_eq!(at("14:00:00"), ["freeze-window"]);
        assert_eq!(at("14:59:59"), ["freeze-window"]);
        assert_eq!(at("15:00:00"), Vec::<&str>::new());
        assert_eq!(at("13:59:59"), Vec::<&str>::new());
    }

    #[test]
    fn without_a_time_zone_windows_use_deploy_ats_own_offset() {
        let m = MANIFEST.replace(WED, "deploy_at = \"2026-11-26T16:00:00Z\"");
        let f = Fixture::new(
            &m,
            "[[items]]\nid = \"ready\"\nprompt = \"?\"\n",
            "[answers.ready]\nvalue = true\n",
        );
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
    }
}
