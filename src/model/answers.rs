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
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// sha256 of the manifest's bytes when the answers were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
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
}

impl Answers {
    pub fn parse(file: &str, source: &str, template: &Template) -> Result<Answers, InputError> {
        let raw: RawAnswers = super::from_toml(file, source)?;
        let mut out = Answers {
            meta: raw.meta,
            ..Answers::default()
        };
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
                    return Err(InputError::at(
                        file,
                        source,
                        Some(a.value.span()),
                        format!(
                            "answer to {} item \"{id}\" must be {expected}, got {}",
                            kind.as_str(),
                            super::values::describe(other)
                        ),
                    ));
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
        Ok(out)
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
    fn answers_to_unknown_items_are_kept_aside() {
        let a = Answers::parse("a.toml", "[answers.zz]\nvalue = 1\n", &template()).unwrap();
        assert_eq!(a.unknown, vec!["zz".to_string()]);
    }
}
