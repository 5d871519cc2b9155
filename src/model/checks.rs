//! Watch checks: a PromQL query and the bounds its values must stay within after the deploy.
//! The manifest's `[[monitoring.checks]]` may name the change a check guards; the template's
//! `[[policy.checks]]` apply to every release and guard no change in particular.

use super::values::describe;
use crate::error::InputError;
use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use toml::Spanned;

/// A watch check: a PromQL query whose values must stay within max and min after the deploy.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WatchCheck", transform = crate::model::schema::needs_a_bound)]
pub struct ManifestCheck {
    /// Shown on the watch screen and in the watch record; unique among the release's checks.
    #[schemars(schema_with = "crate::model::schema::non_blank")]
    pub name: Spanned<String>,
    /// A PromQL expression, evaluated at each step of the watch.
    #[schemars(schema_with = "crate::model::schema::non_blank")]
    pub query: Spanned<String>,
    /// A value above this breaches (equal does not); at least one of max and min.
    #[serde(default, deserialize_with = "max")]
    pub max: Option<f64>,
    /// A value below this breaches (equal does not); at least one of max and min.
    #[serde(default, deserialize_with = "min")]
    pub min: Option<f64>,
    /// The change this check guards: a breach shows its rollback plan.
    #[serde(default)]
    #[schemars(schema_with = "crate::model::schema::change_ref")]
    pub change: Option<Spanned<String>>,
}

/// A watch check for every release: a PromQL query whose values must stay within max and min.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PolicyCheck", transform = crate::model::schema::needs_a_bound)]
pub struct PolicyCheck {
    /// Shown on the watch screen and in the watch record; unique among the release's checks.
    #[schemars(schema_with = "crate::model::schema::non_blank")]
    pub name: Spanned<String>,
    /// A PromQL expression, evaluated at each step of the watch.
    #[schemars(schema_with = "crate::model::schema::non_blank")]
    pub query: Spanned<String>,
    /// A value above this breaches (equal does not); at least one of max and min.
    #[serde(default, deserialize_with = "max")]
    pub max: Option<f64>,
    /// A value below this breaches (equal does not); at least one of max and min.
    #[serde(default, deserialize_with = "min")]
    pub min: Option<f64>,
}

/// A validated check, from either file.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: String,
    pub query: String,
    pub max: Option<f64>,
    pub min: Option<f64>,
    /// The guarded change's id (manifest checks only).
    pub change: Option<String>,
}

fn bound<'de, D: Deserializer<'de>>(d: D, key: &str) -> Result<Option<f64>, D::Error> {
    let v = toml::Value::deserialize(d)?;
    let n = match v {
        toml::Value::Integer(i) => i as f64,
        toml::Value::Float(f) if f.is_finite() => f,
        ref other => {
            return Err(D::Error::custom(format!(
                "{key} must be a finite number, got {}",
                describe(other)
            )))
        }
    };
    Ok(Some(n))
}

fn max<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    bound(d, "max")
}

fn min<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    bound(d, "min")
}

/// The key names compare by: trimmed, ignoring case, so "API 5xx" and "api 5xx " are one.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The implicit check's name for an alert in `[monitoring].alerts`.
pub fn alert_check_name(alert: &str) -> String {
    format!("alert {}", alert.trim())
}

/// Validates one file's checks: each has a name, a query and a bound, `min` is not above
/// `max`, and names are unique among them and among `taken` (names already used).
pub(crate) fn validate<'a>(
    checks: impl Iterator<
        Item = (
            &'a Spanned<String>,
            &'a Spanned<String>,
            Option<f64>,
            Option<f64>,
        ),
    >,
    taken: &[String],
    err: &impl Fn(std::ops::Range<usize>, String) -> InputError,
) -> Result<(), InputError> {
    let mut seen: Vec<String> = taken.iter().map(|n| name_key(n)).collect();
    for (name, query, max, min) in checks {
        let shown = name.get_ref().trim();
        if shown.is_empty() {
            return Err(err(name.span(), "check name must not be empty".into()));
        }
        if query.get_ref().trim().is_empty() {
            return Err(err(
                query.span(),
                format!("check \"{shown}\": query must not be empty"),
            ));
        }
        match (max, min) {
            (None, None) => {
                return Err(err(
                    name.span(),
                    format!("check \"{shown}\" needs max or min (or both), got neither"),
                ))
            }
            (Some(hi), Some(lo)) if lo > hi => {
                return Err(err(
                    name.span(),
                    format!(
                    "check \"{shown}\": min {lo} is above max {hi}, so every value would breach"
                ),
                ))
            }
            _ => {}
        }
        let key = name_key(shown);
        if seen.contains(&key) {
            return Err(err(
                name.span(),
                format!("duplicate check name \"{shown}\"; names must be unique among the release's checks"),
            ));
        }
        seen.push(key);
    }
    Ok(())
}

impl From<&ManifestCheck> for Check {
    fn from(c: &ManifestCheck) -> Check {
        Check {
            name: c.name.get_ref().trim().to_string(),
            query: c.query.get_ref().clone(),
            max: c.max,
            min: c.min,
            change: c.change.as_ref().map(|s| s.get_ref().trim().to_string()),
        }
    }
}

impl From<&PolicyCheck> for Check {
    fn from(c: &PolicyCheck) -> Check {
        Check {
            name: c.name.get_ref().trim().to_string(),
            query: c.query.get_ref().clone(),
            max: c.max,
            min: c.min,
            change: None,
        }
    }
}
