//! `freeze-window`: no risky deploys on Fridays, weekends, holidays and launch freezes.
//! Windows are read in the policy's time zone (IANA), or in deploy_at's own offset when the
//! policy names none — a deploy at Thursday 16:00 UTC is Friday 01:00 in Asia/Seoul.

use super::{Ctx, Finding, RuleId};
use crate::model::checklist::{FreezeWindow, Zone};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeDelta, Timelike};

/// The deploy time as a wall-clock time where the policy's windows are read, with the
/// zone's name.
pub fn local_deploy_time(
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

pub fn matches(w: &FreezeWindow, local: NaiveDateTime) -> bool {
    let day = w.days.contains(&local.weekday()) || w.dates.contains(&local.date());
    let secs = local.num_seconds_from_midnight();
    day && w.from * 60 <= secs && secs < w.to * 60
}

pub fn freeze_window(ctx: &Ctx) -> Vec<Finding> {
    let (local, zone) = local_deploy_time(ctx.deploy_at, ctx.template.policy.timezone.as_ref());
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
        RuleId::FreezeWindow,
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

    /// The wall-clock time and zone name of an RFC 3339 instant in the named zone.
    fn local_in(zone: &str, at: &str) -> (String, String) {
        let zone = crate::model::checklist::Zone::get(zone).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        let (local, name) = super::local_deploy_time(at, Some(&zone));
        (local.format("%a %Y-%m-%d %H:%M:%S").to_string(), name)
    }

    #[test]
    fn new_york_is_utc_minus_4_in_july_and_minus_5_in_january() {
        let ny = "America/New_York";
        let july = local_in(ny, "2026-07-15T16:00:00Z");
        assert_eq!(july, ("Wed 2026-07-15 12:00:00".into(), ny.into()));
        let january = local_in(ny, "2026-01-15T16:00:00Z");
        assert_eq!(january.0, "Thu 2026-01-15 11:00:00");
    }

    #[test]
    fn the_offset_changes_exactly_at_a_dst_transition() {
        let ny = "America/New_York";
        for (instant, local) in [
            // 2026-03-08 02:00 EST becomes 03:00 EDT.
            ("2026-03-08T06:59:59Z", "Sun 2026-03-08 01:59:59"),
            ("2026-03-08T07:00:00Z", "Sun 2026-03-08 03:00:00"),
            // 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:xx happens twice.
            ("2026-11-01T05:59:59Z", "Sun 2026-11-01 01:59:59"),
            ("2026-11-01T06:00:00Z", "Sun 2026-11-01 01:00:00"),
            // The instant's own offset does not matter, only the instant.
            ("2026-03-08T15:00:00+08:00", "Sun 2026-03-08 03:00:00"),
        ] {
            assert_eq!(local_in(ny, instant).0, local, "{instant}");
        }
    }

    #[test]
    fn a_friday_evening_window_in_new_york_follows_dst() {
        let tpl = "[policy]\ntimezone = \"America/New_York\"\n[[policy.freeze]]\nname = \"friday\"\ndays = [\"fri\"]\nfrom = \"18:00\"\nto = \"24:00\"\nallow = \"none\"\n[[items]]\nid = \"ready\"\nprompt = \"?\"\n";
        let at = |t: &str| {
            let m = MANIFEST.replace(WED, &format!("deploy_at = \"{t}\""));
            let found = Fixture::new(&m, tpl, "[answers.ready]\nvalue = true\n").findings();
            found
                .into_iter()
                .filter(|f| f.message.contains("freeze window"))
                .map(|f| f.message)
                .collect::<Vec<_>>()
        };
        // 22:30 UTC is 18:30 EDT in July, 17:30 EST in January.
        let july = at("2026-07-17T22:30:00Z");
        assert_eq!(july.len(), 1, "{july:?}");
        assert!(
            july[0].contains("Fri 2026-07-17 18:30 (America/New_York)"),
            "{}",
            july[0]
        );
        assert_eq!(at("2026-01-16T22:30:00Z"), Vec::<String>::new());
        assert_eq!(at("2026-01-16T23:00:00Z").len(), 1);
    }

    #[test]
    fn instants_at_the_ends_of_the_calendar_still_map() {
        let (local, _) = local_in("Asia/Seoul", "9999-12-31T23:59:59Z");
        assert_eq!(local, "Sat +10000-01-01 08:59:59");
        let (local, _) = local_in("America/New_York", "0000-01-01T00:00:00Z");
        assert!(local.starts_with("Fri -0001-12-31 19:"), "{local}");
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
