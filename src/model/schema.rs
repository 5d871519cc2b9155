//! JSON Schemas of the release manifest and the checklist template, generated from the very
//! types that parse them, so that an editor with a TOML language server (Taplo, Even Better
//! TOML) completes keys and flags mistakes the way `relcheck` would.
//!
//! The schemas describe what relcheck accepts, never less: words that relcheck reads ignoring
//! case and surrounding blanks are matched the same way. A few checks need the whole file
//! (duplicate ids, rising risk bands, a `pass` value among the `choices`) and are left to
//! relcheck itself.

use crate::model::checklist::{Allow, ItemKind};
use crate::model::manifest::{EvidenceKind, Manifest};
use crate::model::values::{Severity, Span, Timestamp};
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;
use std::borrow::Cow;

/// Which file a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Manifest,
    Checklist,
    /// The JSON report of `check --format json`.
    Report,
    /// A sign-off's record: the report and who signed it off.
    Record,
}

impl Which {
    /// The committed file's name under `schemas/` (and what `relcheck init` writes).
    pub fn file_name(self) -> &'static str {
        match self {
            Which::Manifest => "manifest.schema.json",
            Which::Checklist => "checklist.schema.json",
            Which::Report => "report.schema.json",
            Which::Record => "record.schema.json",
        }
    }
}

/// Draft 7 is the draft editors' TOML tooling knows best.
fn settings() -> SchemaSettings {
    SchemaSettings::draft07()
        .for_deserialize()
        .with_transform(RecursiveTransform(no_null))
}

/// TOML has no null: an optional key is one that may be left out, never one set to null.
fn no_null(schema: &mut Schema) {
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            schema.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(any)) = schema.get_mut("anyOf") {
        any.retain(|s| s != &serde_json::json!({ "type": "null" }));
        if any.len() == 1 {
            let only = any.remove(0);
            schema.remove("anyOf");
            schema.insert("allOf".into(), Value::Array(vec![only]));
        }
    }
    if schema.get("default") == Some(&Value::Null) {
        schema.remove("default");
    }
}

/// The schema of one kind of file.
pub fn schema(which: Which) -> Schema {
    let mut schema = match which {
        Which::Manifest => settings()
            .into_generator()
            .into_root_schema_for::<Manifest>(),
        Which::Checklist => crate::model::checklist::schema(settings()),
        // The report is written, not read, and says null where a value is missing.
        Which::Report => SchemaSettings::draft07()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<crate::report::Report>(),
        Which::Record => SchemaSettings::draft07()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<crate::record::Record<'static>>(),
    };
    let (title, description) = match which {
        Which::Manifest => (
            "relcheck release manifest",
            "What goes out, how risky each change is, and what evidence backs it.",
        ),
        Which::Checklist => (
            "relcheck checklist template",
            "What the team must confirm before any deploy, and the policy the gate applies.",
        ),
        Which::Report => (
            "relcheck report",
            "The judgement of one release, as `relcheck check --format json` prints it.",
        ),
        Which::Record => (
            "relcheck sign-off record",
            "The JSON report of the judgement that was signed off, and who signed it off, when, with what verdict: written beside each sign-off, read by `relcheck verify` and `relcheck log`.",
        ),
    };
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    schema
}

/// The schema as the committed file holds it: pretty JSON ending in a newline.
pub fn to_json(which: Which) -> String {
    let mut text = serde_json::to_string_pretty(&schema(which)).expect("a schema is JSON");
    text.push('\n');
    text
}

/// A regular expression matching `word` in any case (JSON Schema regexes have no `(?i)`).
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// One of `words`, read ignoring case and surrounding blanks. The `enum` branch is what an
/// editor offers for completion; the `pattern` branch accepts every spelling relcheck does.
fn one_of_words(words: &[&str], description: &str) -> Schema {
    let alternatives: Vec<String> = words.iter().map(|w| any_case(w)).collect();
    let pattern = format!("^\\s*({})\\s*$", alternatives.join("|"));
    json_schema!({
        "description": description,
        "type": "string",
        "anyOf": [
            { "enum": words },
            { "pattern": pattern }
        ]
    })
}

impl JsonSchema for Severity {
    fn schema_name() -> Cow<'static, str> {
        "Severity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        one_of_words(
            &["critical", "high", "medium", "low"],
            "critical | high | medium | low (any case)",
        )
    }
}

impl JsonSchema for EvidenceKind {
    fn schema_name() -> Cow<'static, str> {
        "EvidenceKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        one_of_words(
            &[
                "jmeter",
                "k6",
                "locust",
                "artillery",
                "ngrinder",
                "junit",
                "file",
                "attestation",
            ],
            "What the evidence is: a JMeter JTL or statistics.json, a k6 or Locust summary, an \
             Artillery report, an nGrinder output.csv, JUnit XML, any file, or an attestation \
             (a person's word with a url)",
        )
    }
}

impl JsonSchema for Allow {
    fn schema_name() -> Cow<'static, str> {
        "Allow".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        one_of_words(
            &["low", "medium", "high", "critical", "none"],
            "The highest effective severity that may still deploy in the window; none lets \
             nothing through",
        )
    }
}

impl JsonSchema for ItemKind {
    fn schema_name() -> Cow<'static, str> {
        "ItemKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut s = one_of_words(
            &["confirm", "text", "choice"],
            "confirm: answered yes or no; text: a free answer that must not be blank; choice: \
             one of `choices`",
        );
        s.insert("default".into(), "confirm".into());
        s
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An RFC 3339 timestamp with its UTC offset, quoted or as a TOML offset \
                date-time, e.g. 2026-11-27T23:00:00+09:00",
            "type": "string",
            "format": "date-time",
            "pattern": "^\\s*\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})\\s*$"
        })
    }
}

impl JsonSchema for Span {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration such as \"30m\", \"2h\", \"1h 30m\" or \"7d\"",
            "type": "string",
            "pattern": "^\\s*(0|([0-9]+\\s*[A-Za-zµ]+\\s*)+)$"
        })
    }
}

/// `^[a-z0-9][a-z0-9._-]*$`, as the manifest requires of change ids.
pub(crate) fn change_id(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Unique among the changes; lower-case letters, digits, '.', '_' and '-'",
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9._-]*$"
    })
}

/// A reference to a change of the same manifest by its id.
pub(crate) fn change_ref(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "The change this check guards, by its id: a breach shows its rollback plan",
        "type": "string",
        "pattern": "^\\s*[a-z0-9][a-z0-9._-]*\\s*$"
    })
}

/// An http:// or https:// URL.
pub(crate) fn http_url(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Where alerts and watch checks are verified, e.g. \"http://prometheus.internal:9090\" (also --prometheus URL, RELCHECK_PROMETHEUS_URL); a user:password in it is sent as basic auth",
        "type": "string",
        "pattern": "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+"
    })
}

/// A string with something in it besides blanks.
pub(crate) fn non_blank(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "pattern": "\\S" })
}

/// A rule id as the report names it.
pub(crate) fn rule_id_in_report(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "A rule id",
        "type": "string",
        "enum": crate::rules::RuleId::ALL.map(crate::rules::RuleId::as_str)
    })
}

/// The rule ids an override may name.
pub(crate) fn rule_id(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "The rule whose risk is accepted",
        "type": "string",
        "enum": crate::rules::RuleId::ALL.map(crate::rules::RuleId::as_str)
    })
}

/// Days of the week, `mon` to `sun`, any case.
pub(crate) fn weekdays(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Days the window covers",
        "type": "array",
        "items": one_of_words(&["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "mon tue wed thu fri sat sun"),
        "default": []
    })
}

/// Calendar dates, `YYYY-MM-DD`.
pub(crate) fn dates(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Dates the window also covers (holidays, launch freezes), YYYY-MM-DD",
        "type": "array",
        "items": { "type": "string", "pattern": "^\\s*\\d{4}-\\d{2}-\\d{2}\\s*$" },
        "default": []
    })
}

/// A time of day `HH:MM` from 00:00 to 24:00, as freeze windows' `from` and `to` take it.
pub(crate) struct Clock;

impl JsonSchema for Clock {
    fn schema_name() -> Cow<'static, str> {
        "Clock".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A time of day, HH:MM from 00:00 to 24:00",
            "type": "string",
            "pattern": "^\\s*(([01]\\d|2[0-3]):[0-5]\\d|24:00)\\s*$"
        })
    }
}

/// A watch check needs `max` or `min` (or both).
pub(crate) fn needs_a_bound(schema: &mut Schema) {
    schema.insert(
        "anyOf".into(),
        serde_json::json!([{ "required": ["max"] }, { "required": ["min"] }]),
    );
}

/// Every evidence kind but `attestation` needs a `path`.
pub(crate) fn evidence_needs_path(schema: &mut Schema) {
    schema.insert(
        "if".into(),
        serde_json::json!({
            "properties": { "kind": { "pattern": format!("^\\s*{}\\s*$", any_case("attestation")) } }
        }),
    );
    schema.insert("else".into(), serde_json::json!({ "required": ["path"] }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_matches_every_spelling_of_a_word() {
        assert_eq!(any_case("k6"), "[Kk]6");
    }

    #[test]
    fn both_schemas_forbid_unknown_keys_at_the_top() {
        for which in [Which::Manifest, Which::Checklist] {
            let s = schema(which);
            assert_eq!(
                s.get("additionalProperties"),
                Some(&false.into()),
                "{which:?}"
            );
        }
    }
}
