//! `freeze-window`: no risky deploys on Fridays, weekends, holidays and launch freezes.
//! Windows are read in the policy's time zone (IANA), or in deploy_at's own offset when the
//! policy names none — a deploy at Thursday 16:00 UTC is Friday 01:00 in Asia/Seoul.
//! A window's calendar (public holidays) adds its events to the window's days and dates.
//!
//! A blocking finding says when the release could next deploy: from deploy_at the search
//! steps from the end of one matching window to the next (the end of its day's `to`, or of
//! the timed event it matched), up to [`SEARCH_DAYS`] days ahead.

use super::{Ctx, Finding, RuleId};
use crate::model::checklist::{local_time, FreezeWindow, Zone};
use crate::model::values::Severity;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, TimeDelta, Timelike};

/// How far ahead the next open time is looked for.
pub const SEARCH_DAYS: i64 = 400;

/// The policy's wall clock: its zone, or deploy_at's own offset.
pub struct Clock<'a> {
    zone: Option<&'a Zone>,
    offset: FixedOffset,
}

impl<'a> Clock<'a> {
    pub fn new(zone: Option<&'a Zone>, deploy_at: DateTime<FixedOffset>) -> Clock<'a> {
        Clock {
            zone,
            offset: *deploy_at.offset(),
        }
    }

    /// An instant (seconds since the epoch) on this clock.
    pub fn local(&self, at: i64) -> NaiveDateTime {
        let instant = DateTime::from_timestamp(at, 0).unwrap_or_default();
        local_time(instant.with_timezone(&self.offset), self.zone).0
    }

    /// A time on this clock as an instant (in a gap or a fold, the earlier offset).
    pub fn instant(&self, local: NaiveDateTime) -> i64 {
        match self.zone {
            Some(z) => crate::calendar::zoned_instant(local, &z.tz),
            None => (local - TimeDelta::seconds(i64::from(self.offset.local_minus_utc())))
                .and_utc()
                .timestamp(),
        }
    }

    /// "Mon 2026-11-30 00:00 KST" (or "… UTC+09:00" without a zone).
    pub fn label(&self, at: i64) -> String {
        match self.zone {
            Some(z) => jiff::Timestamp::from_second(at)
                .map(|t| {
                    t.to_zoned(z.tz.clone())
                        .strftime("%a %Y-%m-%d %H:%M %Z")
                        .to_string()
                })
                .unwrap_or_else(|_| self.local(at).format("%a %Y-%m-%d %H:%M").to_string()),
            None => format!(
                "{} UTC{}",
                self.local(at).format("%a %Y-%m-%d %H:%M"),
                self.offset
            ),
        }
    }
}

/// Whether the window's day matches the local date: a weekday, a date, or an all-day event
/// of its calendar (a calendar that was not read matches every day: fail closed).
fn day_matches(w: &FreezeWindow, local: NaiveDateTime) -> bool {
    w.days.contains(&local.weekday())
        || w.dates.contains(&local.date())
        || match &w.calendar {
            None => false,
            Some((_, None)) => true,
            Some((_, Some(c))) => c.events.covers_date(local.date()),
        }
}

fn in_hours(w: &FreezeWindow, local: NaiveDateTime) -> bool {
    let secs = local.num_seconds_from_midnight();
    w.from * 60 <= secs && secs < w.to * 60
}

/// Whether the window matches the instant `at`, and if it does, when that match ends.
fn match_end(w: &FreezeWindow, at: i64, clock: &Clock) -> Option<i64> {
    let local = clock.local(at);
    if !in_hours(w, local) {
        return None;
    }
    let to = local.date().and_hms_opt(0, 0, 0)? + TimeDelta::minutes(i64::from(w.to));
    let to = clock.instant(to);
    if day_matches(w, local) {
        return Some(to);
    }
    let to_instant = |t: NaiveDateTime| clock.instant(t);
    let (_, Some(c)) = w.calendar.as_ref()? else {
        return None;
    };
    c.events
        .timed_end(at, local, &to_instant)
        .map(|end| end.min(to))
}

pub fn matches(w: &FreezeWindow, at: i64, clock: &Clock) -> bool {
    match_end(w, at, clock).is_some()
}

/// The first instant at or after `from` when no window that excludes `severity` matches, if
/// there is one within [`SEARCH_DAYS`] days.
pub fn next_open(
    windows: &[FreezeWindow],
    severity: Severity,
    from: i64,
    clock: &Clock,
) -> Option<i64> {
    let limit = from.saturating_add(SEARCH_DAYS * 86_400);
    let mut at = from;
    while at <= limit {
        let end = windows
            .iter()
            .filter(|w| !w.allow.permits(severity))
            .filter_map(|w| match_end(w, at, clock))
            .min();
        match end {
            None => return Some(at),
            // A window that ends where it is (a DST oddity) moves on by a minute.
            Some(end) => at = end.max(at + 60),
        }
    }
    None
}

pub fn freeze_window(ctx: &Ctx) -> Vec<Finding> {
    let zone = ctx.template.policy.timezone.as_ref();
    let (local, zone_name) = local_time(ctx.deploy_at, zone);
    let clock = Clock::new(zone, ctx.deploy_at);
    let at = ctx.deploy_at.timestamp();
    let windows = &ctx.template.policy.freeze;
    let blocking: Vec<_> = windows
        .iter()
        .filter(|w| matches(w, at, &clock) && !w.allow.permits(ctx.severity))
        .collect();
    if blocking.is_empty() {
        return Vec::new();
    }
    let next = match next_open(windows, ctx.severity, at, &clock) {
        Some(t) => format!(
            "next time a {} release may deploy: {}",
            ctx.severity,
            clock.label(t)
        ),
        None => format!(
            "no time in the next {SEARCH_DAYS} days lets a {} release deploy under the policy's freeze windows",
            ctx.severity
        ),
    };
    blocking
        .into_iter()
        .map(|w| {
            let allows = match w.allow {
                crate::model::checklist::Allow::Nothing => "allows no deploy".to_string(),
                a => format!("allows {} at most", a.as_str()),
            };
            Finding::block(
                RuleId::FreezeWindow,
                "release",
                format!(
                    "the deploy at {} ({zone_name}) falls in freeze window \"{}\", which {allows}; the release is {}; {next}",
                    local.format("%a %Y-%m-%d %H:%M"),
                    w.name,
                    ctx.severity
                ),
                "Move the deploy out of the window or split out the risky changes; an override needs a reason and someone other than the deployer to approve it.",
            )
        })
        .collect()
}

/// `freeze-calendar`: a calendar none of whose events ends after deploy_at needs next year's
/// dates (once per calendar file).
pub fn freeze_calendar(ctx: &Ctx) -> Vec<Finding> {
    let zone = ctx.template.policy.timezone.as_ref();
    let (local, _) = local_time(ctx.deploy_at, zone);
    let at = ctx.deploy_at.timestamp();
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for w in &ctx.template.policy.freeze {
        let Some((written, Some(c))) = &w.calendar else {
            continue;
        };
        if seen.contains(&c.path) || c.events.has_event_ending_after(at, local) {
            continue;
        }
        seen.push(c.path.clone());
        out.push(Finding::warn(
            RuleId::FreezeCalendar,
            "release",
            format!(
                "freeze window \"{}\": the calendar {} has no event that ends after the deploy ({})",
                w.name,
                written,
                local.format("%a %Y-%m-%d %H:%M")
            ),
            "Add the coming dates to the calendar (export it again, or the next year's holidays), or the window will not match them.",
        ));
    }
    out
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
        let (local, name) = crate::model::checklist::local_time(at, Some(&zone));
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

    #[test]
    fn a_blocking_window_says_when_the_release_may_next_deploy() {
        let f = Fixture::with(WED, "deploy_at = \"2026-11-27T23:00:00+09:00\"");
        let found = f.findings();
        assert!(
            found[0]
                .message
                .ends_with("next time a high release may deploy: Mon 2026-11-30 00:00 KST"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn the_next_open_time_steps_over_back_to_back_windows_and_respects_from() {
        // Friday and the weekend are frozen; so is Monday until 10:00.
        let tpl = "[policy]\ntimezone = \"Asia/Seoul\"\n[[policy.freeze]]\nname = \"weekend\"\ndays = [\"fri\", \"sat\", \"sun\"]\nallow = \"low\"\n[[policy.freeze]]\nname = \"monday-morning\"\ndays = [\"mon\"]\nto = \"10:00\"\nallow = \"medium\"\n[[items]]\nid = \"ready\"\nprompt = \"?\"\n";
        let m = MANIFEST.replace(WED, "deploy_at = \"2026-11-27T23:00:00+09:00\"");
        let found = Fixture::new(&m, tpl, "[answers.ready]\nvalue = true\n").findings();
        assert_eq!(rules(&found), ["freeze-window"]);
        assert!(
            found[0]
                .message
                .ends_with("may deploy: Mon 2026-11-30 10:00 KST"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_window_that_never_ends_says_nothing_was_found() {
        let tpl = "[policy]\ntimezone = \"Asia/Seoul\"\n[[policy.freeze]]\nname = \"forever\"\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\nallow = \"none\"\n[[items]]\nid = \"ready\"\nprompt = \"?\"\n";
        let found = Fixture::new(MANIFEST, tpl, "[answers.ready]\nvalue = true\n").findings();
        assert!(found[0].message.ends_with("no time in the next 400 days lets a high release deploy under the policy's freeze windows"), "{}", found[0].message);
    }

    #[test]
    fn without_a_zone_the_next_open_time_is_on_deploy_ats_offset() {
        let tpl = "[[items]]\nid = \"ready\"\nprompt = \"?\"\n";
        let m = MANIFEST.replace(WED, "deploy_at = \"2026-11-28T10:00:00-05:00\"");
        let found = Fixture::new(&m, tpl, "[answers.ready]\nvalue = true\n").findings();
        assert!(
            found[0]
                .message
                .ends_with("may deploy: Mon 2026-11-30 00:00 UTC-05:00"),
            "{}",
            found[0].message
        );
    }

    /// A fixture whose template has one window `holidays` over the given calendar.
    fn with_calendar(deploy_at: &str, events: &str, extra: &str) -> Vec<crate::rules::Finding> {
        use crate::model::checklist::{RawTemplate, Template, WindowCalendar};
        let tpl = format!("[policy]\ntimezone = \"Asia/Seoul\"\n[[policy.freeze]]\nname = \"holidays\"\ncalendar = \"h.ics\"\nallow = \"medium\"\n{extra}[[items]]\nid = \"ready\"\nprompt = \"?\"\n");
        let cal = crate::calendar::Calendar::parse(
            "h.ics",
            &format!("BEGIN:VCALENDAR\r\n{events}END:VCALENDAR\r\n"),
        )
        .unwrap();
        let mut raw = RawTemplate::parse("t.toml", &tpl).unwrap();
        raw.set_calendar(
            0,
            WindowCalendar {
                path: "h.ics".into(),
                events: std::sync::Arc::new(cal),
            },
        );
        let m = MANIFEST.replace(WED, &format!("deploy_at = \"{deploy_at}\""));
        let mut f = Fixture::new(&m, &tpl, "[answers.ready]\nvalue = true\n");
        f.template = Template::from_raw(raw, "t.toml", &tpl).unwrap();
        f.findings()
    }

    /// The freeze-window findings only (the fixture's evaluation time makes other rules fire
    /// for some deploy times).
    fn frozen(found: &[crate::rules::Finding]) -> Vec<&'static str> {
        rules(found)
            .into_iter()
            .filter(|r| *r == "freeze-window")
            .collect()
    }

    const CHUSEOK: &str = "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270914\r\nDTEND;VALUE=DATE:20270917\r\nSUMMARY:Chuseok\r\nEND:VEVENT\r\n";

    #[test]
    fn an_all_day_holiday_freezes_its_local_dates() {
        let at = |t: &str| frozen(&with_calendar(t, CHUSEOK, ""));
        assert_eq!(at("2027-09-13T23:59:00+09:00"), Vec::<&str>::new());
        // 2027-09-13T15:00Z is already the 14th in Seoul.
        assert_eq!(at("2027-09-13T15:00:00Z"), ["freeze-window"]);
        assert_eq!(at("2027-09-16T23:59:00+09:00"), ["freeze-window"]);
        assert_eq!(at("2027-09-17T00:00:00+09:00"), Vec::<&str>::new());
        let found = with_calendar("2027-09-14T12:00:00+09:00", CHUSEOK, "");
        assert!(
            found[0]
                .message
                .ends_with("may deploy: Fri 2027-09-17 00:00 KST"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_timed_event_freezes_its_instants_within_from_and_to() {
        let ev =
            "BEGIN:VEVENT\r\nDTSTART:20261124T000000Z\r\nDTEND:20261126T000000Z\r\nEND:VEVENT\r\n";
        // 09:00 KST on the 24th to 09:00 KST on the 26th; the window only covers 08:00-18:00.
        let at = |t: &str| frozen(&with_calendar(t, ev, "from = \"08:00\"\nto = \"18:00\"\n"));
        assert_eq!(at("2026-11-24T08:59:00+09:00"), Vec::<&str>::new());
        assert_eq!(at("2026-11-24T09:00:00+09:00"), ["freeze-window"]);
        assert_eq!(at("2026-11-24T20:00:00+09:00"), Vec::<&str>::new());
        assert_eq!(at("2026-11-25T08:00:00+09:00"), ["freeze-window"]);
        assert_eq!(at("2026-11-26T08:30:00+09:00"), ["freeze-window"]);
        assert_eq!(at("2026-11-26T09:00:00+09:00"), Vec::<&str>::new());
        let found = with_calendar(
            "2026-11-26T08:30:00+09:00",
            ev,
            "from = \"08:00\"\nto = \"18:00\"\n",
        );
        assert!(
            found[0]
                .message
                .ends_with("may deploy: Thu 2026-11-26 09:00 KST"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_yearly_holiday_with_an_exception_freezes_every_year_but_that_one() {
        let ev = "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20251225\r\nRRULE:FREQ=YEARLY\r\nEXDATE;VALUE=DATE:20271225\r\nEND:VEVENT\r\n";
        let at = |t: &str| frozen(&with_calendar(t, ev, ""));
        assert_eq!(at("2026-12-25T10:00:00+09:00"), ["freeze-window"]);
        assert_eq!(at("2027-12-25T10:00:00+09:00"), Vec::<&str>::new());
        assert_eq!(at("2028-12-25T10:00:00+09:00"), ["freeze-window"]);
    }

    #[test]
    fn a_calendar_with_no_event_after_the_deploy_warns() {
        let found = with_calendar("2027-12-01T10:00:00+09:00", CHUSEOK, "");
        assert_eq!(rules(&found), ["freeze-calendar"]);
        assert!(found[0].message.contains("h.ics"), "{}", found[0].message);
        assert_eq!(
            rules(&with_calendar("2027-09-10T10:00:00+09:00", CHUSEOK, "")),
            Vec::<&str>::new()
        );
    }
}
