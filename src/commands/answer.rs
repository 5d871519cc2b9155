//! `relcheck answer ID VALUE`: records one checklist answer without the walk, exactly as `go`
//! saves one (who, when, the manifest's sha256 and its sections), under the answers file's lock.

use super::Outcome;
use crate::cli::Global;
use chrono::Timelike;
use relcheck::error::InputError;
use relcheck::model::answers::{edit, Answers, Value};
use relcheck::model::checklist::{Item, ItemKind};
use relcheck::model::values::Timestamp;
use relcheck::store;

pub fn run(g: &Global, id: &str, value: &str, by: Option<&str>) -> Result<Outcome, InputError> {
    let now = super::now(g)?;
    let created = super::create_answers_file(g)?;
    let inputs = super::load(g)?;
    let item = super::known_item(&inputs, id)?;
    let value = parse_value(item, value)?;
    let by = by.map_or_else(
        || inputs.manifest.release.deployer.get_ref().clone(),
        str::to_string,
    );
    let at = match &g.now {
        Some(_) => Timestamp(now),
        None => Timestamp(
            chrono::Local::now()
                .fixed_offset()
                .with_nanosecond(0)
                .unwrap_or_default(),
        ),
    };
    let path = &inputs.answers_path;
    let shown = path.display().to_string();
    let sha = inputs.manifest_sha256();
    let sections = inputs.manifest_sections();
    let template = &inputs.template;
    let mut set_aside = 0;
    store::update_locked_with(path, |current| {
        let earlier = match current {
            Some(t) => Answers::parse(&shown, t, template)?,
            None => Answers::default(),
        };
        // Answers for another version of the manifest no longer count: set aside, like go.
        let base = if !earlier.given.is_empty() && !earlier.current_for(&sha) {
            set_aside = earlier.given.len();
            Some(edit::set_aside(current, &sha).map_err(|e| InputError::new(&shown, e))?)
        } else {
            current.map(str::to_string)
        };
        let updated = edit::record(base.as_deref(), &item.id, &value, &by, at, &sha)
            .and_then(|t| edit::stamp_sections(Some(&t), &sections))
            .map_err(|e| InputError::new(&shown, e))?;
        Ok((Some(updated), ()))
    })?;
    created.keep();
    if set_aside > 0 {
        eprintln!(
            "the manifest changed since the {set_aside} earlier answer{}: set aside (relcheck go asks them again)",
            if set_aside == 1 { "" } else { "s" }
        );
    }
    if !g.quiet {
        let t = relcheck::report::escape::terminal;
        let mark = match relcheck::rules::item_problem(item, Some(&value)) {
            None => "✓ passes".to_string(),
            Some(problem) => format!("✗ blocks GO: {problem}"),
        };
        eprintln!(
            "{}: {} by {} saved in {} ({mark})",
            t(&item.id),
            t(&value.display()),
            t(&by),
            t(&shown)
        );
    }
    Ok(Outcome::Done)
}

/// The answer as the item takes it: yes/no for a confirm, one of the choices for a choice.
pub fn parse_value(item: &Item, text: &str) -> Result<Value, InputError> {
    let bad = |expected: String| {
        InputError::new(
            "VALUE",
            format!(
                "item `{}` is a {} item: expected {expected}, got \"{text}\"",
                item.id,
                item.kind.as_str()
            ),
        )
    };
    match item.kind {
        ItemKind::Confirm => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" => Ok(Value::Bool(true)),
            "false" | "no" | "n" => Ok(Value::Bool(false)),
            other => Err(bad(format!(
                "true, false, yes or no{}",
                relcheck::model::suggest::value_hint(other, &["true", "false", "yes", "no"])
            ))),
        },
        ItemKind::Choice => match item.choices.iter().find(|c| c.as_str() == text) {
            Some(c) => Ok(Value::Text(c.clone())),
            None => {
                let known: Vec<&str> = item.choices.iter().map(String::as_str).collect();
                Err(bad(format!(
                    "one of {}{}",
                    item.choices
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", "),
                    relcheck::model::suggest::value_hint(text, &known)
                )))
            }
        },
        ItemKind::Text if text.trim().is_empty() && item.required => {
            Err(bad("a non-blank answer".into()))
        }
        ItemKind::Text => Ok(Value::Text(text.to_string())),
    }
}
