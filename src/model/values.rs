//! Small validated value types shared by the manifest, the template and the answers file,
//! with the serde glue that turns a bad value into an error pointing at that value.

use chrono::{DateTime, FixedOffset};
use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// How bad a change is, declared or judged. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        match v.as_str().and_then(Severity::parse) {
            Some(s) => Ok(s),
            None => Err(D::Error::custom(format!(
                "unknown severity {}, expected one of critical, high, medium, low{}",
                describe(&v),
                super::suggest::value_hint(
                    v.as_str().unwrap_or_default(),
                    &["critical", "high", "medium", "low"]
                )
            ))),
        }
    }
}

/// A point in time that always carries its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    pub fn parse(s: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(s.trim()).ok().map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Accept both a quoted string and a native TOML datetime, as long as it has an offset.
        let v = toml::Value::deserialize(d)?;
        let text = match &v {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Datetime(dt)
                if dt.offset.is_some() && dt.date.is_some() && dt.time.is_some() =>
            {
                Some(dt.to_string())
            }
            _ => None,
        };
        text.as_deref().and_then(Timestamp::parse).ok_or_else(|| {
            D::Error::custom(match text.as_deref().and_then(impossible_date) {
                Some(why) => why,
                None => format!(
                    "expected an RFC 3339 timestamp with an offset, e.g. 2026-11-27T23:00:00+09:00, got {}",
                    describe(&v)
                ),
            })
        })
    }
}

/// For a timestamp that is written right but names a day the calendar does not have
/// ("2026-02-30"): says so. `None` when the date exists or is not written YYYY-MM-DD.
pub fn impossible_date(text: &str) -> Option<String> {
    let date = text.trim().get(..10)?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if chrono::NaiveDate::from_ymd_opt(y, m, d).is_some() {
        return None;
    }
    let days = (28..=31)
        .rev()
        .find(|&n| chrono::NaiveDate::from_ymd_opt(y, m, n).is_some());
    Some(match days {
        Some(n) => {
            let month = chrono::NaiveDate::from_ymd_opt(y, m, 1)?.format("%B %Y");
            format!("the date {date} does not exist: {month} has {n} days")
        }
        None => format!("the date {date} does not exist: there is no month {m}"),
    })
}

/// A span of time written the humantime way ("2h", "30m", "7d").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span(pub Duration);

impl Span {
    /// The longest span a file may write: an absurd one is a typing error, and arithmetic on
    /// spans stays far from overflow.
    pub const MAX: Duration = Duration::from_secs(100 * 366 * 86_400);

    pub fn chrono(self) -> chrono::Duration {
        chrono::Duration::from_std(self.0).unwrap_or(chrono::Duration::MAX)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        match &v {
            toml::Value::String(s) => match humantime::parse_duration(s.trim()) {
                Ok(d) if d > Span::MAX => Err(D::Error::custom(format!(
                    "{} is longer than 100 years; expected a duration such as \"2h\", \"30m\" or \"7d\"",
                    describe(&v)
                ))),
                Ok(d) => Ok(Span(d)),
                Err(e) => Err(D::Error::custom(format!(
                    "expected a duration such as \"2h\", \"30m\" or \"7d\", got {} ({e})",
                    describe(&v)
                ))),
            },
            _ => Err(D::Error::custom(format!(
                "expected a duration such as \"2h\", \"30m\" or \"7d\", got {}",
                describe(&v)
            ))),
        }
    }
}

/// How a TOML value reads in an error message.
pub fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{}\"", s.escape_debug()),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) => "an array".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

/// An integer within `lo..=hi`, with an error that names the key.
pub fn int_in<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
    lo: i64,
    hi: i64,
) -> Result<i64, D::Error> {
    let v = toml::Value::deserialize(d)?;
    match v {
        toml::Value::Integer(i) if (lo..=hi).contains(&i) => Ok(i),
        toml::Value::Integer(i) => Err(D::Error::custom(format!(
            "{key} must be {lo}..={hi}, got {i}"
        ))),
        other => Err(D::Error::custom(format!(
            "{key} must be an integer {lo}..={hi}, got {}",
            describe(&other)
        ))),
    }
}

/// A non-negative number (integer or float), with an error that names the key.
pub fn non_negative<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
    max: Option<f64>,
) -> Result<f64, D::Error> {
    let v = toml::Value::deserialize(d)?;
    let n = match v {
        toml::Value::Integer(i) => i as f64,
        toml::Value::Float(f) => f,
        ref other => {
            return Err(D::Error::custom(format!(
                "{key} must be a number, got {}",
                describe(other)
            )))
        }
    };
    if !n.is_finite() || n < 0.0 || max.is_some_and(|m| n > m) {
        let range = match max {
            Some(m) => format!("0..={m}"),
            None => ">= 0".into(),
        };
        return Err(D::Error::custom(format!("{key} must be {range}, got {n}")));
    }
    Ok(n)
}

/// Deserializers for optional numeric thresholds; each names its key in its errors.
pub mod thresholds {
    use super::*;

    pub fn error_rate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        non_negative(d, "max_error_rate", Some(1.0)).map(Some)
    }
    pub fn p99<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        non_negative(d, "max_p99_ms", None).map(Some)
    }
    pub fn tps<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        non_negative(d, "min_tps", None).map(Some)
    }
    pub fn samples<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        int_in(d, "min_samples", 0, i64::MAX).map(|i| Some(i as u64))
    }
    pub fn regression<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        non_negative(d, "max_regression", None).map(Some)
    }
    pub fn error_rate_increase<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        non_negative(d, "max_error_rate_increase", Some(1.0)).map(Some)
    }
    pub fn tests<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        int_in(d, "min_tests", 0, i64::MAX).map(|i| Some(i as u64))
    }
}

/// Unicode format characters (category Cf): zero-width spaces and joiners, bidirectional marks
/// and the like. They are invisible, so a name or a text made of them must not read as another
/// name or as written text (SPEC "Comparisons").
pub fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// A text made only of whitespace and format characters says nothing: a reason, a rollback
/// plan, a dashboard or an answer like that is blank.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_format_char(c))
}

/// Names of people and environments compare trimmed, without format characters and ignoring
/// case, so `Jiyoon` and `jiyoon\u{200b}` are the same person.
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

/// The canonical form two names are compared in.
pub fn name_key(a: &str) -> String {
    a.chars()
        .filter(|&c| !is_format_char(c))
        .collect::<String>()
        .trim()
        .to_lowercase()
}

/// Commits match ignoring case when equal, or when one is a prefix of the other and the
/// shorter has at least 7 characters.
pub fn commits_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().to_lowercase(), b.trim().to_lowercase());
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    short.chars().count() >= 7 && long.starts_with(short.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absurd_duration_is_an_error_not_a_wrapped_number() {
        #[derive(Debug, serde::Deserialize)]
        struct T {
            #[allow(dead_code)]
            d: Span,
        }
        for text in [
            "18446744073709551615s 1ns",
            "18446744073709551615s",
            "200years",
        ] {
            let e = toml::from_str::<T>(&format!("d = \"{text}\"")).unwrap_err();
            assert!(
                e.message().contains("longer than 100 years") || e.message().contains("overflow"),
                "{text}: {e}"
            );
        }
        let ok: T = toml::from_str("d = \"36500d\"").unwrap();
        assert_eq!(ok.d.0.as_secs(), 36500 * 86_400);
    }

    #[test]
    fn severities_order_from_low_to_critical() {
        assert!(Severity::Low < Severity::Medium && Severity::High < Severity::Critical);
        assert_eq!(Severity::parse(" CRITICAL "), Some(Severity::Critical));
        assert_eq!(Severity::parse("urgent"), None);
    }

    #[test]
    fn commits_match_by_prefix_of_at_least_seven() {
        assert!(commits_match("9F3C2AB", "9f3c2ab1234"));
        assert!(!commits_match("9f3c2a", "9f3c2ab1234"));
        assert!(commits_match("abc", "ABC"));
        assert!(!commits_match("9f3c2ab", "9f3c2ac"));
    }

    #[test]
    fn names_compare_trimmed_and_ignoring_case() {
        assert!(same_name(" Jiyoon", "jiyoon "));
        assert!(!same_name("jiyoon", "minho"));
    }

    #[test]
    fn invisible_characters_do_not_make_another_name() {
        assert!(same_name("jiyoon\u{200b}", "jiyoon"));
        assert!(same_name("\u{2060}JIYOON\u{202e}", "jiyoon"));
        assert!(same_name("ji\u{200d}yoon", "jiyoon"));
        assert_eq!(name_key("\u{feff} Minho \u{200b}"), "minho");
    }

    #[test]
    fn a_text_of_whitespace_and_format_characters_is_blank() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n"));
        assert!(is_blank("\u{200b}\u{200c}\u{2060} \u{feff}"));
        assert!(!is_blank("\u{200b}x"));
    }
}
