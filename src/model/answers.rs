//! The answers file: what the engineer confirmed, by whom and when. `relcheck go` writes it
//! after every answer; `check`, `go` and `signoff` read it.

use super::checklist::{ItemKind, Template};
use super::values::Timestamp;
use crate::error::InputError;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswers {
    #[serde(default)]
    meta: Meta,
    #[serde(default)]
    answers: BTreeMap<String, RawAnswer>,
    /// Answers set aside by `relcheck go` (after `--reset`, or given for an older manifest):
    /// no longer counted, only offered as defaults when the item is asked again.
    #[serde(default)]
    previous: BTreeMap<String, toml::Table>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// sha256 of the manifest's bytes when the answers were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
    /// sha256 of each top-level table or array of that manifest (`release`, `changes`, …), so
    /// that `relcheck go` can say which parts changed since. Files written before it have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    value: Spanned<toml::Value>,
    by: Option<String>,
    at: Option<Timestamp>,
}

/// An answer's value: a bool for confirm items, a string for text and choice items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Text(String),
}

impl Value {
    pub fn display(&self) -> String {
        match self {
            Value::Bool(true) => "yes".into(),
            Value::Bool(false) => "no".into(),
            Value::Text(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub value: Value,
    pub by: Option<String>,
    pub at: Option<Timestamp>,
}

/// Answers checked against the template they answer.
#[derive(Debug, Clone, Default)]
pub struct Answers {
    pub meta: Meta,
    /// Answers to items the template has, by item id.
    pub given: BTreeMap<String, Answer>,
    /// Ids answered that the template does not have.
    pub unknown: Vec<String>,
    /// Earlier answers set aside, by item id: defaults when the item is asked again.
    pub previous: BTreeMap<String, Value>,
}

impl Answers {
    pub fn parse(file: &str, source: &str, template: &Template) -> Result<Answers, InputError> {
        let raw: RawAnswers = super::from_toml(file, source)?;
        let mut out = Answers {
            meta: raw.meta,
            ..Answers::default()
        };
        for (id, table) in raw.previous {
            let value = match (template.item(&id).map(|i| i.kind), table.get("value")) {
                (Some(ItemKind::Confirm), Some(toml::Value::Boolean(b))) => Value::Bool(*b),
                (Some(ItemKind::Text | ItemKind::Choice), Some(toml::Value::String(s))) => {
                    Value::Text(s.clone())
                }
                _ => continue,
            };
            out.previous.insert(id, value);
        }
        let mut found = Vec::new();
        for (id, a) in raw.answers {
            let Some(item) = template.item(&id) else {
                out.unknown.push(id);
                continue;
            };
            let value = match (item.kind, a.value.get_ref()) {
                (ItemKind::Confirm, toml::Value::Boolean(b)) => Value::Bool(*b),
                (ItemKind::Text | ItemKind::Choice, toml::Value::String(s)) => {
                    Value::Text(s.clone())
                }
                (kind, other) => {
                    let expected = if kind == ItemKind::Confirm {
                        "true or false"
                    } else {
                        "a string"
                    };
                    found.push(InputError::at(
                        file,
                        source,
                        Some(a.value.span()),
                        format!(
                            "answer to {} item \"{id}\" must be {expected}, got {}",
                            kind.as_str(),
                            super::values::describe(other)
                        ),
                    ));
                    continue;
                }
            };
            out.given.insert(
                id,
                Answer {
                    value,
                    by: a.by,
                    at: a.at,
                },
            );
        }
        if let Some(e) = InputError::several(found) {
            return Err(e);
        }
        Ok(out)
    }
}

impl Answers {
    /// The answer given for `id`, or the one set aside for it: what to offer as the default.
    pub fn default_for(&self, id: &str) -> Option<&Value> {
        self.given
            .get(id)
            .map(|a| &a.value)
            .or_else(|| self.previous.get(id))
    }

    /// Whether the answers were given for the manifest whose sha256 is `sha` (answers
    /// without a recorded manifest count as current).
    pub fn current_for(&self, sha: &str) -> bool {
        self.meta
            .manifest_sha256
            .as_deref()
            .is_none_or(|m| m.trim().eq_ignore_ascii_case(sha))
    }
}

/// Edits of the answers file as `relcheck go` makes them. They edit the file's text in place
/// (with `toml_edit`), so whatever else it holds is kept: answers to items of another
/// template, comments, the order of the tables.
pub mod edit {
    use super::Value;
    use crate::model::values::Timestamp;
    use toml_edit::{DocumentMut, Item, Table};

    const HEADER: &str = "# Checklist answers, written by relcheck go after every answer.\n\n";

    /// The file as a document, and the text that goes before it: the header of a new file,
    /// or the comments of a file that holds nothing else (which `toml_edit` would otherwise
    /// keep after the tables it is given).
    fn document(existing: Option<&str>) -> Result<(DocumentMut, String), String> {
        let Some(text) = existing else {
            return Ok((DocumentMut::new(), HEADER.to_string()));
        };
        let mut doc = text
            .parse::<DocumentMut>()
            .map_err(|e| e.message().to_string())?;
        let mut before = String::new();
        if doc.as_table().is_empty() {
            before = doc.trailing().as_str().unwrap_or_default().to_string();
            doc.set_trailing("");
        }
        Ok((doc, before))
    }

    /// The table `key` of `parent`, made one if it is missing or not a table.
    fn sub<'a>(parent: &'a mut Table, key: &str) -> &'a mut Table {
        let item = parent.entry(key).or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        if !item.is_table() {
            *item = match std::mem::take(item) {
                Item::Value(toml_edit::Value::InlineTable(t)) => Item::Table(t.into_table()),
                _ => Item::Table(Table::new()),
            };
        }
        item.as_table_mut().expect("just made a table")
    }

    /// Records one answer for the manifest whose sha256 is `manifest_sha256`.
    pub fn record(
        existing: Option<&str>,
        id: &str,
        value: &Value,
        by: &str,
        at: Timestamp,
        manifest_sha256: &str,
    ) -> Result<String, String> {
        let (mut doc, before) = document(existing)?;
        let root = doc.as_table_mut();
        sub(root, "meta")["manifest_sha256"] = toml_edit::value(manifest_sha256);
        let answer = sub(sub(root, "answers"), id);
        answer.set_implicit(false);
        answer["value"] = match value {
            Value::Bool(b) => toml_edit::value(*b),
            Value::Text(s) => toml_edit::value(s.as_str()),
        };
        answer["by"] = toml_edit::value(by);
        answer["at"] = toml_edit::value(at.to_string());
        if let Some(prev) = root.get_mut("previous").and_then(Item::as_table_like_mut) {
            prev.remove(id);
            if prev.is_empty() {
                root.remove("previous");
            }
        }
        Ok(format!("{before}{doc}"))
    }

    /// Records the sha256 of each section of the manifest the answers are for (see
    /// [`crate::inputs::Inputs::manifest_sections`]) in `[meta].sections`.
    pub fn stamp_sections(
        existing: Option<&str>,
        sections: &std::collections::BTreeMap<String, String>,
    ) -> Result<String, String> {
        let (mut doc, before) = document(existing)?;
        let meta = sub(doc.as_table_mut(), "meta");
        let mut table = toml_edit::InlineTable::new();
        for (k, v) in sections {
            table.insert(k, v.as_str().into());
        }
        meta["sections"] = toml_edit::value(table);
        Ok(format!("{before}{doc}"))
    }

    /// Sets every answer aside (to be asked again, with it as the default) and marks the file
    /// as belonging to the manifest whose sha256 is `manifest_sha256`.
    pub fn set_aside(existing: Option<&str>, manifest_sha256: &str) -> Result<String, String> {
        let (mut doc, before) = document(existing)?;
        let root = doc.as_table_mut();
        if let Some(answers) = root.remove("answers") {
            let answers = match answers {
                Item::Table(t) => Some(t),
                Item::Value(toml_edit::Value::InlineTable(t)) => Some(t.into_table()),
                _ => None,
            };
            let prev = sub(root, "previous");
            for (id, a) in answers.into_iter().flatten() {
                prev.insert(&id, a);
            }
        }
        sub(root, "meta")["manifest_sha256"] = toml_edit::value(manifest_sha256);
        Ok(format!("{before}{doc}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        Template::parse(
            "t",
            "[[items]]\nid = \"a\"\nprompt = \"?\"\n[[items]]\nid = \"b\"\nprompt = \"?\"\nkind = \"text\"\n",
        )
        .unwrap()
    }

    #[test]
    fn answers_are_typed_by_their_item() {
        let a = Answers::parse(
            "a.toml",
            "[answers.a]\nvalue = true\nby = \"x\"\n[answers.b]\nvalue = \"ok\"\n",
            &template(),
        )
        .unwrap();
        assert_eq!(a.given["a"].value, Value::Bool(true));
        assert_eq!(a.given["b"].value, Value::Text("ok".into()));
    }

    #[test]
    fn a_string_for_a_confirm_is_an_input_error_at_the_value() {
        let e =
            Answers::parse("a.toml", "[answers.a]\nvalue = \"yes\"\n", &template()).unwrap_err();
        assert_eq!(e.position, Some((2, 9)));
    }

    #[test]
    fn every_answer_of_the_wrong_type_is_reported_at_once() {
        let e = Answers::parse(
            "a.toml",
            "[answers.a]\nvalue = \"yes\"\n[answers.b]\nvalue = true\n",
            &template(),
        )
        .unwrap_err();
        let positions: Vec<_> = e.all().iter().map(|e| e.position).collect();
        assert_eq!(positions, [Some((2, 9)), Some((4, 9))]);
    }

    #[test]
    fn recording_an_answer_keeps_everything_else_in_the_file() {
        let at = Timestamp::parse("2026-11-27T22:40:00+09:00").unwrap();
        let first = edit::record(
            Some("[answers.zz]\nvalue = 1\n"),
            "a",
            &Value::Bool(true),
            "jiyoon",
            at,
            "abc",
        )
        .unwrap();
        let second = edit::record(
            Some(&first),
            "b",
            &Value::Text("minho".into()),
            "jiyoon",
            at,
            "abc",
        )
        .unwrap();
        let a = Answers::parse("a.toml", &second, &template()).unwrap();
        assert_eq!(a.given["a"].value, Value::Bool(true));
        assert_eq!(a.given["b"].by.as_deref(), Some("jiyoon"));
        assert_eq!(a.given["b"].at, Some(at));
        assert_eq!(a.unknown, vec!["zz".to_string()]);
        assert!(a.current_for("ABC") && !a.current_for("abd"));
    }

    #[test]
    fn answers_set_aside_are_defaults_but_no_longer_answers() {
        let at = Timestamp::parse("2026-11-27T22:40:00+09:00").unwrap();
        let old = edit::record(None, "a", &Value::Bool(true), "jiyoon", at, "old").unwrap();
        let aside = edit::set_aside(Some(&old), "new").unwrap();
        let a = Answers::parse("a.toml", &aside, &template()).unwrap();
        assert!(a.given.is_empty());
        assert_eq!(a.default_for("a"), Some(&Value::Bool(true)));
        assert!(a.current_for("new"));
        let again =
            edit::record(Some(&aside), "a", &Value::Bool(false), "jiyoon", at, "new").unwrap();
        assert!(!again.contains("[previous"), "{again}");
    }

    #[test]
    fn comments_and_other_tables_survive_an_answer_and_a_set_aside() {
        let at = Timestamp::parse("2026-11-27T22:40:00+09:00").unwrap();
        let file = "# Answers for the Friday release; ask minho before editing.\n\n[meta]\nmanifest_sha256 = \"abc\" # pinned\n\n# Kept from the template of last year.\n[answers.zz]\nvalue = 1\n";
        let once = edit::record(Some(file), "a", &Value::Bool(true), "jiyoon", at, "abc").unwrap();
        assert!(
            once.starts_with(
                "# Answers for the Friday release; ask minho before editing.\n\n[meta]\n"
            ),
            "{once}"
        );
        assert!(
            once.contains("# Kept from the template of last year.\n[answers.zz]"),
            "{once}"
        );
        let a = Answers::parse("a.toml", &once, &template()).unwrap();
        assert_eq!(a.given["a"].value, Value::Bool(true));
        let aside = edit::set_aside(Some(&once), "def").unwrap();
        assert!(
            aside.starts_with("# Answers for the Friday release"),
            "{aside}"
        );
        let a = Answers::parse("a.toml", &aside, &template()).unwrap();
        assert!(a.given.is_empty() && a.current_for("def"));
        assert_eq!(a.default_for("a"), Some(&Value::Bool(true)));
    }

    #[test]
    fn section_digests_are_kept_in_meta_and_older_files_without_them_still_read() {
        let at = Timestamp::parse("2026-11-27T22:40:00+09:00").unwrap();
        let once = edit::record(None, "a", &Value::Bool(true), "jiyoon", at, "abc").unwrap();
        let old = Answers::parse("a.toml", &once, &template()).unwrap();
        assert_eq!(old.meta.sections, None);
        let sections: BTreeMap<String, String> = [("release", "11"), ("changes", "22")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let stamped = edit::stamp_sections(Some(&once), &sections).unwrap();
        let a = Answers::parse("a.toml", &stamped, &template()).unwrap();
        assert_eq!(a.meta.sections, Some(sections));
        assert_eq!(a.given["a"].value, Value::Bool(true));
        assert_eq!(a.meta.manifest_sha256.as_deref(), Some("abc"));
    }

    #[test]
    fn answers_to_unknown_items_are_kept_aside() {
        let a = Answers::parse("a.toml", "[answers.zz]\nvalue = 1\n", &template()).unwrap();
        assert_eq!(a.unknown, vec!["zz".to_string()]);
    }
}
