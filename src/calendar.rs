//! Holiday calendars for freeze windows: an iCalendar (RFC 5545) file, such as a public-holiday
//! calendar exported from any calendar application, read into the events it holds.
//!
//! The file is parsed by the `icalendar` crate and recurrences (`RRULE`) are expanded by the
//! `rrule` crate; `RDATE` and `EXDATE` are applied here. An all-day event covers the local
//! dates from `DTSTART` up to the day before `DTEND`; a timed event covers the instants
//! `[DTSTART, DTEND)`. A time without a zone ("floating") is read in the policy's zone.

use crate::error::InputError;
use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, TimeZone as _};
use std::collections::BTreeSet;

/// Occurrences of one recurring event expanded at most (the rest is "unbounded").
const MAX_OCCURRENCES: u16 = 5000;

/// One occurrence of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Local dates `start..end` (end excluded).
    AllDay { start: NaiveDate, end: NaiveDate },
    /// Instants `[start, end)`, seconds since the epoch.
    Timed { start: i64, end: i64 },
    /// Wall-clock times `[start, end)` in the policy's zone.
    Floating {
        start: NaiveDateTime,
        end: NaiveDateTime,
    },
}

/// A calendar's events, every recurrence expanded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub events: Vec<Event>,
    /// Some recurrence goes on past what was expanded: there are always later events.
    pub unbounded: bool,
}

/// Converts a wall-clock time in a zone to seconds since the epoch (a time in a gap or a
/// fold takes the earlier offset, as RFC 5545 says).
pub type ToInstant<'a> = &'a dyn Fn(NaiveDateTime) -> i64;

impl Calendar {
    /// Reads an iCalendar file. `file` names it in errors.
    pub fn parse(file: &str, source: &str) -> Result<Calendar, InputError> {
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let unfolded = icalendar::parser::unfold(source);
        let lines = LineMap::new(source);
        let err_line = |line: Option<usize>, msg: String| InputError {
            more: Vec::new(),
            file: file.to_string(),
            position: line.map(|l| (l, 1)),
            message: msg,
        };
        let parsed = icalendar::parser::read_calendar(&unfolded).map_err(|e| {
            let line = unfolded_line_of_error(&e).map(|l| lines.original(l));
            err_line(
                line,
                "not an iCalendar file (RFC 5545) that can be read".into(),
            )
        })?;
        if !unfolded.trim_start().starts_with("BEGIN:VCALENDAR") {
            return Err(err_line(Some(1), "expected BEGIN:VCALENDAR".into()));
        }
        let mut cal = Calendar::default();
        for c in parsed
            .components
            .iter()
            .filter(|c| c.name.as_str() == "VEVENT")
        {
            let line_of = |p: &icalendar::parser::Property| {
                let at = p.name.as_str().as_ptr() as usize;
                let base = unfolded.as_ptr() as usize;
                (at >= base && at <= base + unfolded.len())
                    .then(|| lines.original(unfolded[..at - base].matches('\n').count() + 1))
            };
            let first_line = c.properties.first().and_then(line_of);
            if c.find_prop("STATUS")
                .is_some_and(|s| s.val.as_str().eq_ignore_ascii_case("CANCELLED"))
            {
                continue;
            }
            for p in &c.properties {
                let tzid = p
                    .params
                    .iter()
                    .find(|x| x.key.as_str().eq_ignore_ascii_case("TZID"));
                if let Some(id) = tzid.and_then(|x| x.val.as_ref()) {
                    let id = id.as_str().trim_matches('"');
                    if crate::model::checklist::Zone::get(id.trim_start_matches('/')).is_none() {
                        return Err(err_line(
                            line_of(p),
                            format!(
                                "{}: TZID \"{}\" is not an IANA time zone name such as Asia/Seoul",
                                p.name.as_str(),
                                crate::report::escape::terminal(id)
                            ),
                        ));
                    }
                }
            }
            let prop = |name: &str| c.find_prop(name);
            let dtstart = prop("DTSTART")
                .ok_or_else(|| err_line(first_line, "an event (VEVENT) without DTSTART".into()))?;
            let bad = |p: &icalendar::parser::Property, what: &str| {
                err_line(
                    line_of(p),
                    format!(
                        "{}: expected {what}, got \"{}\"",
                        p.name.as_str(),
                        crate::report::escape::terminal(p.val.as_str())
                    ),
                )
            };
            let start = Value::read(dtstart).ok_or_else(|| bad(dtstart, "a date or date-time"))?;
            let end = match (prop("DTEND"), prop("DURATION")) {
                (Some(p), _) => {
                    let end = Value::read(p).ok_or_else(|| bad(p, "a date or date-time"))?;
                    if end.is_date() != start.is_date() || end.naive() < start.naive() {
                        return Err(bad(p, "an end of the same kind as DTSTART, not before it"));
                    }
                    end.naive() - start.naive()
                }
                (None, Some(p)) => {
                    duration(p.val.as_str()).ok_or_else(|| bad(p, "a duration such as P1D"))?
                }
                (None, None) if start.is_date() => ChronoDuration::days(1),
                (None, None) => ChronoDuration::zero(),
            };

            let mut starts: BTreeSet<NaiveDateTime> = BTreeSet::new();
            starts.insert(start.naive());
            for p in c.properties.iter().filter(|p| p.name.as_str() == "RRULE") {
                let rule = until_as_utc(p.val.as_str(), &start);
                let rule: rrule::RRule<rrule::Unvalidated> = rule
                    .parse()
                    .map_err(|_| bad(p, "a recurrence rule such as FREQ=YEARLY"))?;
                let dtstart = rrule::Tz::UTC.from_utc_datetime(&start.naive());
                let set = rule
                    .build(dtstart)
                    .map_err(|e| err_line(line_of(p), format!("RRULE: {e}")))?;
                let result = set.all(MAX_OCCURRENCES);
                cal.unbounded |= result.limited;
                starts.extend(result.dates.iter().map(|d| d.naive_utc()));
            }
            for p in c.properties.iter().filter(|p| p.name.as_str() == "RDATE") {
                for v in p.val.as_str().split(',') {
                    let v = Value::parse(v, p).ok_or_else(|| bad(p, "dates or date-times"))?;
                    starts.insert(v.naive());
                }
            }
            for p in c.properties.iter().filter(|p| p.name.as_str() == "EXDATE") {
                for v in p.val.as_str().split(',') {
                    let v = Value::parse(v, p).ok_or_else(|| bad(p, "dates or date-times"))?;
                    // An EXDATE names an occurrence by its start; a date alone names the day.
                    if v.is_date() {
                        starts.retain(|s| s.date() != v.naive().date());
                    } else {
                        starts.remove(&v.naive());
                    }
                }
            }
            for s in starts {
                cal.events.push(match &start {
                    Value::Date(_) => Event::AllDay {
                        start: s.date(),
                        end: (s + end).date(),
                    },
                    Value::Floating(_) => Event::Floating {
                        start: s,
                        end: s + end,
                    },
                    Value::Utc(_) => Event::Timed {
                        start: s.and_utc().timestamp(),
                        end: (s + end).and_utc().timestamp(),
                    },
                    Value::Zoned(_, zone) => {
                        let at = |t: NaiveDateTime| zoned_instant(t, &zone.tz);
                        Event::Timed {
                            start: at(s),
                            end: at(s + end),
                        }
                    }
                });
            }
        }
        Ok(cal)
    }

    /// Whether any event ends after the instant `at` (seconds since the epoch; `local` is
    /// the same instant on the policy's wall clock).
    pub fn has_event_ending_after(&self, at: i64, local: NaiveDateTime) -> bool {
        self.unbounded
            || self.events.iter().any(|e| match *e {
                Event::AllDay { end, .. } => end.and_hms_opt(0, 0, 0).is_some_and(|e| e > local),
                Event::Timed { end, .. } => end > at,
                Event::Floating { end, .. } => end > local,
            })
    }

    /// Whether a date is covered by an all-day event.
    pub fn covers_date(&self, date: NaiveDate) -> bool {
        self.events
            .iter()
            .any(|e| matches!(*e, Event::AllDay { start, end } if start <= date && date < end))
    }

    /// The end of the latest timed event holding the instant, if any holds it: `at` is
    /// seconds since the epoch, `local` the same instant on the policy's wall clock; the end
    /// is returned as seconds since the epoch (`to_instant` converts a floating end).
    pub fn timed_end(&self, at: i64, local: NaiveDateTime, to_instant: ToInstant) -> Option<i64> {
        self.events
            .iter()
            .filter_map(|e| match *e {
                Event::Timed { start, end } if start <= at && at < end => Some(end),
                Event::Floating { start, end } if start <= local && local < end => {
                    Some(to_instant(end))
                }
                _ => None,
            })
            .max()
    }
}

/// A wall-clock time in a zone as seconds since the epoch; in a gap or a fold, the earlier
/// offset.
pub fn zoned_instant(t: NaiveDateTime, tz: &jiff::tz::TimeZone) -> i64 {
    use chrono::{Datelike, Timelike};
    let civil = jiff::civil::DateTime::new(
        t.year() as i16,
        t.month() as i8,
        t.day() as i8,
        t.hour() as i8,
        t.minute() as i8,
        t.second() as i8,
        0,
    );
    match civil.and_then(|c| tz.to_ambiguous_timestamp(c).compatible()) {
        Ok(ts) => ts.as_second(),
        Err(_) => t.and_utc().timestamp(),
    }
}

/// A DTSTART, DTEND, RDATE or EXDATE value.
enum Value {
    Date(NaiveDate),
    Floating(NaiveDateTime),
    Utc(NaiveDateTime),
    Zoned(NaiveDateTime, crate::model::checklist::Zone),
}

impl Value {
    fn read(p: &icalendar::parser::Property) -> Option<Value> {
        Value::parse(p.val.as_str(), p)
    }

    fn parse(v: &str, p: &icalendar::parser::Property) -> Option<Value> {
        let v = v.trim();
        let param = |k: &str| {
            p.params
                .iter()
                .find(|x| x.key.as_str().eq_ignore_ascii_case(k))
                .and_then(|x| {
                    x.val
                        .as_ref()
                        .map(|v| v.as_str().trim_matches('"').to_string())
                })
        };
        if v.len() == 8 {
            return NaiveDate::parse_from_str(v, "%Y%m%d").ok().map(Value::Date);
        }
        if param("VALUE").is_some_and(|x| x.eq_ignore_ascii_case("DATE")) {
            return None;
        }
        if let Some(utc) = v.strip_suffix('Z') {
            return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                .ok()
                .map(Value::Utc);
        }
        let t = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").ok()?;
        match param("TZID") {
            None => Some(Value::Floating(t)),
            Some(id) => crate::model::checklist::Zone::get(id.trim_start_matches('/'))
                .map(|z| Value::Zoned(t, z)),
        }
    }

    fn is_date(&self) -> bool {
        matches!(self, Value::Date(_))
    }

    /// The value on its own clock (dates at midnight).
    fn naive(&self) -> NaiveDateTime {
        match self {
            Value::Date(d) => d.and_hms_opt(0, 0, 0).unwrap_or_default(),
            Value::Floating(t) | Value::Utc(t) | Value::Zoned(t, _) => *t,
        }
    }
}

/// The recurrence is expanded on DTSTART's own clock (taken as UTC); an `UNTIL` is put on
/// that clock too, which is what RFC 5545 means by it (a date `UNTIL` includes that day).
fn until_as_utc(rule: &str, start: &Value) -> String {
    rule.split(';')
        .map(|part| {
            let Some((k, v)) = part.split_once('=') else {
                return part.to_string();
            };
            if !k.trim().eq_ignore_ascii_case("UNTIL") {
                return part.to_string();
            }
            let v = v.trim();
            let on_clock = if v.len() == 8 {
                NaiveDate::parse_from_str(v, "%Y%m%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(23, 59, 59))
            } else if let Some(utc) = v.strip_suffix('Z') {
                NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                    .ok()
                    .map(|t| match start {
                        Value::Zoned(_, z) => {
                            let offset =
                                z.tz.to_offset(
                                    jiff::Timestamp::from_second(t.and_utc().timestamp())
                                        .unwrap_or_default(),
                                )
                                .seconds();
                            t + ChronoDuration::seconds(i64::from(offset))
                        }
                        _ => t,
                    })
            } else {
                NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S").ok()
            };
            match on_clock {
                Some(t) => format!("UNTIL={}Z", t.format("%Y%m%dT%H%M%S")),
                None => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// An RFC 5545 duration: `P1D`, `PT1H30M`, `P2W`, `P1DT12H` (no negative durations).
fn duration(s: &str) -> Option<ChronoDuration> {
    let s = s.trim().strip_prefix('+').unwrap_or(s.trim());
    let mut rest = s.strip_prefix('P')?;
    let mut total = ChronoDuration::zero();
    let mut in_time = false;
    let mut any = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        total += match (unit, in_time) {
            ('W', false) => ChronoDuration::weeks(n),
            ('D', false) => ChronoDuration::days(n),
            ('H', true) => ChronoDuration::hours(n),
            ('M', true) => ChronoDuration::minutes(n),
            ('S', true) => ChronoDuration::seconds(n),
            _ => return None,
        };
        any = true;
        rest = &rest[digits + 1..];
    }
    any.then_some(total)
}

/// The line of the original file that an unfolded line begins on.
struct LineMap(Vec<usize>);

impl LineMap {
    fn new(source: &str) -> LineMap {
        let mut starts = Vec::new();
        for (i, line) in source.split('\n').enumerate() {
            if i == 0 || !(line.starts_with(' ') || line.starts_with('\t')) {
                starts.push(i + 1);
            }
        }
        LineMap(starts)
    }

    fn original(&self, unfolded_line: usize) -> usize {
        self.0
            .get(unfolded_line.saturating_sub(1))
            .copied()
            .unwrap_or(unfolded_line)
    }
}

/// nom's verbose errors say "at line N"; the first one is where parsing stopped.
fn unfolded_line_of_error(e: &str) -> Option<usize> {
    let at = e.find("at line ")? + "at line ".len();
    let digits: String = e[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(events: &str) -> Calendar {
        let src = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n"
        );
        Calendar::parse("h.ics", &src).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn an_all_day_event_covers_dtstart_up_to_the_day_before_dtend() {
        let c = cal("BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20260216\r\nDTEND;VALUE=DATE:20260219\r\nSUMMARY:Seollal\r\nEND:VEVENT\r\n");
        assert!(!c.covers_date(d("2026-02-15")));
        assert!(c.covers_date(d("2026-02-16")));
        assert!(c.covers_date(d("2026-02-18")));
        assert!(!c.covers_date(d("2026-02-19")));
    }

    #[test]
    fn an_all_day_event_without_dtend_is_one_day() {
        let c = cal("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\n");
        assert!(c.covers_date(d("2026-12-25")));
        assert!(!c.covers_date(d("2026-12-26")));
    }

    #[test]
    fn a_timed_event_covers_dtstart_up_to_but_not_dtend() {
        let c = cal(
            "BEGIN:VEVENT\r\nDTSTART:20261127T090000Z\r\nDTEND:20261127T100000Z\r\nEND:VEVENT\r\n",
        );
        let at = |s: &str| t(s).and_utc().timestamp();
        let never = |_: NaiveDateTime| 0;
        assert_eq!(
            c.timed_end(at("2026-11-27 08:59"), t("2026-11-27 08:59"), &never),
            None
        );
        assert_eq!(
            c.timed_end(at("2026-11-27 09:00"), t("2026-11-27 09:00"), &never),
            Some(at("2026-11-27 10:00"))
        );
        assert_eq!(
            c.timed_end(at("2026-11-27 10:00"), t("2026-11-27 10:00"), &never),
            None
        );
        assert!(!c.covers_date(d("2026-11-27")));
    }

    #[test]
    fn a_timed_event_with_a_tzid_is_read_in_that_zone() {
        let c = cal("BEGIN:VEVENT\r\nDTSTART;TZID=Asia/Seoul:20261127T090000\r\nDURATION:PT2H\r\nEND:VEVENT\r\n");
        // 09:00 in Seoul is 00:00 UTC.
        let start = t("2026-11-27 00:00").and_utc().timestamp();
        assert_eq!(
            c.events,
            vec![Event::Timed {
                start,
                end: start + 7200
            }]
        );
    }

    #[test]
    fn a_yearly_recurrence_repeats_except_on_its_exdate() {
        let c = cal("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20251225\r\nDTEND;VALUE=DATE:20251226\r\nRRULE:FREQ=YEARLY;UNTIL=20281231\r\nEXDATE;VALUE=DATE:20271225\r\nRDATE;VALUE=DATE:20270101\r\nEND:VEVENT\r\n");
        assert!(c.covers_date(d("2025-12-25")));
        assert!(c.covers_date(d("2026-12-25")));
        assert!(!c.covers_date(d("2027-12-25")), "EXDATE removes 2027");
        assert!(c.covers_date(d("2028-12-25")));
        assert!(!c.covers_date(d("2029-12-25")), "UNTIL ends it");
        assert!(c.covers_date(d("2027-01-01")), "RDATE adds a day");
        assert!(!c.unbounded);
    }

    #[test]
    fn an_endless_recurrence_always_has_later_events() {
        let c = cal(
            "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20200101\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n",
        );
        assert!(c.covers_date(d("2031-01-01")));
        assert!(c.has_event_ending_after(i64::MAX - 1, t("2999-01-01 00:00")));
    }

    #[test]
    fn whether_an_event_ends_after_an_instant() {
        let c = cal("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\n");
        let at = |s: &str| (t(s).and_utc().timestamp(), t(s));
        let (i, l) = at("2026-12-25 23:59");
        assert!(c.has_event_ending_after(i, l));
        let (i, l) = at("2026-12-26 00:00");
        assert!(!c.has_event_ending_after(i, l));
    }

    #[test]
    fn a_calendar_that_does_not_parse_names_the_file_and_line() {
        let e = Calendar::parse(
            "h.ics",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026-12-25\nEND:VEVENT\nEND:VCALENDAR\n",
        )
        .unwrap_err();
        assert_eq!(e.file, "h.ics");
        assert_eq!(e.position, Some((3, 1)), "{e}");
        assert!(e.message.contains("DTSTART"), "{e}");

        let e = Calendar::parse("h.ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nRRULE:FREQ=SOMETIMES\nEND:VEVENT\nEND:VCALENDAR\n")
            .unwrap_err();
        assert_eq!(e.position, Some((4, 1)), "{e}");

        let e = Calendar::parse("h.ics", "# holidays\nnot a calendar\n").unwrap_err();
        assert_eq!(e.file, "h.ics");
        assert!(e.position.is_some(), "{e}");
    }

    #[test]
    fn folded_lines_keep_the_original_line_numbers() {
        let e = Calendar::parse("h.ics", "BEGIN:VCALENDAR\nX-NOTE:a long\n  note\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART:tomorrow\nEND:VEVENT\nEND:VCALENDAR\n")
            .unwrap_err();
        assert_eq!(e.position, Some((6, 1)), "{e}");
    }

    #[test]
    fn durations_parse_as_rfc_5545_says() {
        assert_eq!(duration("P1D"), Some(ChronoDuration::days(1)));
        assert_eq!(duration("PT1H30M"), Some(ChronoDuration::minutes(90)));
        assert_eq!(duration("P1W"), Some(ChronoDuration::days(7)));
        assert_eq!(duration("P1DT12H"), Some(ChronoDuration::hours(36)));
        assert_eq!(duration("P"), None);
        assert_eq!(duration("1D"), None);
        assert_eq!(duration("PT1D"), None);
    }

    #[test]
    fn the_shipped_korean_calendar_holds_the_holidays_it_names() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/checklists/holidays/kr-2026-2027.ics"
        );
        let c = Calendar::parse("kr.ics", &std::fs::read_to_string(path).unwrap()).unwrap();
        let days = |year: i32| {
            let mut n = 0;
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while day.year() == year {
                n += usize::from(c.covers_date(day));
                day = day.succ_opt().unwrap();
            }
            n
        };
        use chrono::Datelike;
        // Days off, Seollal and Chuseok three days each: 2026 has 16 holidays (with the local
        // elections and 4 substitutes) on 20 days; 2027 has 15 (with 6 substitutes) on 20.
        assert_eq!(days(2026), 20);
        assert_eq!(days(2027), 20);
        for holiday in [
            "2026-02-16",
            "2026-02-18",
            "2026-03-02",
            "2026-05-25",
            "2026-09-24",
            "2026-09-26",
            "2026-10-05",
            "2027-02-09",
            "2027-09-16",
            "2027-10-11",
            "2027-12-27",
        ] {
            assert!(c.covers_date(d(holiday)), "{holiday}");
        }
        for workday in [
            "2026-02-19",
            "2026-09-23",
            "2026-09-28",
            "2027-02-10",
            "2027-12-24",
        ] {
            assert!(!c.covers_date(d(workday)), "{workday}");
        }
        assert!(!c.unbounded);
    }

    #[test]
    fn a_tzid_that_is_no_iana_zone_is_an_error_naming_it() {
        let e = Calendar::parse("h.ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Korea Standard Time:20261127T090000\nEND:VEVENT\nEND:VCALENDAR\n")
            .unwrap_err();
        assert_eq!(e.position, Some((3, 1)), "{e}");
        assert!(
            e.message.contains("\"Korea Standard Time\" is not an IANA"),
            "{e}"
        );
    }
}
