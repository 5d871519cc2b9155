//! The checklist walk behind `relcheck go`: which items to ask, in which order, and saving
//! each answer the moment it is given. The terminal is behind the [`Prompter`] trait, so the
//! walk runs the same against a real terminal and a scripted one in tests.

use crate::error::InputError;
use crate::inputs::Inputs;
use crate::model::answers::{edit, Answers, Value};
use crate::model::checklist::Item;
use crate::model::values::Timestamp;
use crate::{risk, store};

/// One question put to the person at the terminal.
#[derive(Debug, Clone)]
pub struct Question<'a> {
    pub item: &'a Item,
    /// 1-based position among the items asked in this walk, and how many there are.
    pub index: usize,
    pub total: usize,
    /// Whether this is the first question of its section in this walk.
    pub opens_section: bool,
    /// An earlier answer, offered as the default.
    pub default: Option<Value>,
}

/// Asks questions. `Ok(None)` means the person cancelled (Esc or Ctrl-C).
pub trait Prompter {
    fn ask(&mut self, q: &Question) -> std::io::Result<Option<Value>>;
}

/// How a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walked {
    /// Every question was answered; `asked` of them in this walk.
    Done { asked: usize },
    /// The person cancelled after `answered` answers, all of them saved.
    Cancelled { answered: usize },
}

pub struct Options<'a> {
    /// Ask everything again, with the earlier answers as defaults.
    pub reset: bool,
    /// Who answers (the `by` of each answer).
    pub by: &'a str,
}

/// The items a walk asks, in section order, then template order.
pub fn pending<'a>(inputs: &'a Inputs, answers: &Answers) -> Vec<&'a Item> {
    let changes = risk::assess_all(&inputs.manifest.changes, &inputs.template.policy.bands);
    let severity = risk::release_severity(&changes);
    let t = &inputs.template;
    t.sections()
        .into_iter()
        .flat_map(|s| t.items.iter().filter(move |i| i.section == s))
        .filter(|i| i.applies(severity) && !answers.given.contains_key(&i.id))
        .collect()
}

/// Walks the checklist: sets stale answers aside (or all of them with `reset`), then asks
/// each pending item, writing the answers file atomically after every answer. `clock` gives
/// each answer's time.
pub fn walk(
    inputs: &Inputs,
    prompter: &mut dyn Prompter,
    opts: &Options,
    mut clock: impl FnMut() -> Timestamp,
) -> Result<Walked, InputError> {
    let path = &inputs.answers_path;
    let shown = path.display().to_string();
    let sha = inputs.manifest_sha256();
    let mut text: Option<String> = inputs
        .answers_bytes
        .as_ref()
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let mut answers = inputs.answers.clone();

    let has_answers = !answers.given.is_empty();
    if has_answers && (opts.reset || !answers.current_for(&sha)) {
        let aside =
            edit::set_aside(text.as_deref(), &sha).map_err(|e| InputError::new(&shown, e))?;
        store::write_atomic(path, aside.as_bytes())?;
        answers = Answers::parse(&shown, &aside, &inputs.template)?;
        text = Some(aside);
    }

    let items = pending(inputs, &answers);
    let total = items.len();
    let mut last_section: Option<&str> = None;
    for (i, item) in items.iter().enumerate() {
        let q = Question {
            item,
            index: i + 1,
            total,
            opens_section: last_section != Some(item.section.as_str()),
            default: answers.default_for(&item.id).cloned(),
        };
        last_section = Some(&item.section);
        let answer = match prompter.ask(&q) {
            Ok(Some(v)) => v,
            Ok(None) => return Ok(Walked::Cancelled { answered: i }),
            Err(e) => return Err(InputError::new("terminal", format!("cannot ask: {e}"))),
        };
        let updated = edit::record(text.as_deref(), &item.id, &answer, opts.by, clock(), &sha)
            .map_err(|e| InputError::new(&shown, e))?;
        store::write_atomic(path, updated.as_bytes())?;
        text = Some(updated);
    }
    Ok(Walked::Done { asked: total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{load, Locations};
    use std::collections::VecDeque;

    const MANIFEST: &str = r#"
[release]
name = "r"
deployer = "jiyoon"
deploy_at = "2026-11-25T14:00:00+09:00"
checklist = "checklist.toml"

[[changes]]
id = "api"
title = "API"
severity = "medium"
impact = 3
likelihood = 4
recovery = "1h"
"#;

    const TEMPLATE: &str = r#"
[[items]]
id = "plan"
section = "rollback"
prompt = "Rollback plan?"
[[items]]
id = "watcher"
section = "monitoring"
prompt = "Who watches?"
kind = "text"
[[items]]
id = "time"
section = "rollback"
prompt = "How long?"
kind = "choice"
choices = ["fast", "slow"]
[[items]]
id = "crit"
section = "testing"
prompt = "Critical only"
when = "critical"
"#;

    /// Answers from a script, and remembers what it was asked.
    struct Scripted {
        answers: VecDeque<Option<Value>>,
        asked: Vec<(String, usize, usize, bool, Option<Value>)>,
    }

    impl Prompter for Scripted {
        fn ask(&mut self, q: &Question) -> std::io::Result<Option<Value>> {
            self.asked.push((
                q.item.id.clone(),
                q.index,
                q.total,
                q.opens_section,
                q.default.clone(),
            ));
            Ok(self.answers.pop_front().expect("asked more than scripted"))
        }
    }

    fn scripted(answers: Vec<Option<Value>>) -> Scripted {
        Scripted {
            answers: answers.into(),
            asked: vec![],
        }
    }

    fn setup() -> (tempfile::TempDir, Locations) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("release.toml"), MANIFEST).unwrap();
        std::fs::write(dir.path().join("checklist.toml"), TEMPLATE).unwrap();
        let loc = Locations {
            manifest: Some(dir.path().join("release.toml")),
            ..Locations::default()
        };
        (dir, loc)
    }

    fn clock() -> Timestamp {
        Timestamp::parse("2026-11-25T13:00:00+09:00").unwrap()
    }

    /// A first walk that answers all three applicable items; returns what it was asked.
    fn answer_everything(loc: &Locations) -> Scripted {
        answer_all(&load(loc).unwrap())
    }

    /// A walk over `inputs` that answers all three applicable items, each asked.
    fn answer_all(inputs: &Inputs) -> Scripted {
        let mut p = scripted(vec![
            Some(Value::Bool(true)),
            Some(Value::Text("fast".into())),
            Some(Value::Text("minho".into())),
        ]);
        assert_eq!(
            walk(inputs, &mut p, &opts(), clock).unwrap(),
            Walked::Done { asked: 3 }
        );
        p
    }

    fn opts() -> Options<'static> {
        Options {
            reset: false,
            by: "jiyoon",
        }
    }

    #[test]
    fn every_kind_is_asked_by_section_with_progress_and_saved() {
        let (_dir, loc) = setup();
        let p = answer_everything(&loc);
        let order: Vec<_> = p
            .asked
            .iter()
            .map(|a| (a.0.as_str(), a.1, a.2, a.3))
            .collect();
        assert_eq!(
            order,
            [
                ("plan", 1, 3, true),
                ("time", 2, 3, false),
                ("watcher", 3, 3, true)
            ]
        );
        let saved = load(&loc).unwrap();
        assert_eq!(saved.answers.given.len(), 3);
        assert_eq!(saved.answers.given["watcher"].by.as_deref(), Some("jiyoon"));
        assert!(saved.answers.current_for(&saved.manifest_sha256()));
    }

    #[test]
    fn a_cancelled_walk_keeps_what_was_answered_and_resumes_without_asking_twice() {
        let (_dir, loc) = setup();
        let inputs = load(&loc).unwrap();
        let mut p = scripted(vec![Some(Value::Bool(true)), None]);
        assert_eq!(
            walk(&inputs, &mut p, &opts(), clock).unwrap(),
            Walked::Cancelled { answered: 1 }
        );
        let inputs = load(&loc).unwrap();
        assert_eq!(inputs.answers.given.len(), 1);
        let mut p = scripted(vec![
            Some(Value::Text("slow".into())),
            Some(Value::Text("hana".into())),
        ]);
        assert_eq!(
            walk(&inputs, &mut p, &opts(), clock).unwrap(),
            Walked::Done { asked: 2 }
        );
        let ids: Vec<_> = p.asked.iter().map(|a| a.0.as_str()).collect();
        assert_eq!(ids, ["time", "watcher"]);
        assert_eq!(p.asked[0].1, 1);
    }

    #[test]
    fn reset_asks_everything_again_with_earlier_answers_as_defaults() {
        let (_dir, loc) = setup();
        answer_everything(&loc);
        let inputs = load(&loc).unwrap();
        let mut p = scripted(vec![Some(Value::Bool(false)), None]);
        let reset = Options {
            reset: true,
            by: "minho",
        };
        assert_eq!(
            walk(&inputs, &mut p, &reset, clock).unwrap(),
            Walked::Cancelled { answered: 1 }
        );
        assert_eq!(p.asked[0].4, Some(Value::Bool(true)));
        assert_eq!(p.asked[1].4, Some(Value::Text("fast".into())));
        // Interrupted half-way: the re-given answer counts, the others are asked next time.
        let inputs = load(&loc).unwrap();
        assert_eq!(inputs.answers.given.len(), 1);
        assert_eq!(inputs.answers.given["plan"].value, Value::Bool(false));
        let mut p = scripted(vec![
            Some(Value::Text("slow".into())),
            Some(Value::Text("hana".into())),
        ]);
        walk(&inputs, &mut p, &opts(), clock).unwrap();
        assert_eq!(p.asked[1].4, Some(Value::Text("minho".into())));
    }

    #[test]
    fn answers_for_an_older_manifest_are_asked_again() {
        let (dir, loc) = setup();
        answer_everything(&loc);
        std::fs::write(
            dir.path().join("release.toml"),
            MANIFEST.replace("title = \"API\"", "title = \"API v2\""),
        )
        .unwrap();
        let inputs = load(&loc).unwrap();
        assert!(!inputs.answers.current_for(&inputs.manifest_sha256()));
        let p = answer_all(&inputs);
        assert!(p.asked.iter().all(|a| a.4.is_some()));
        let inputs = load(&loc).unwrap();
        assert!(inputs.answers.current_for(&inputs.manifest_sha256()));
    }

    #[test]
    fn nothing_is_asked_when_everything_is_answered() {
        let (_dir, loc) = setup();
        answer_everything(&loc);
        let inputs = load(&loc).unwrap();
        let mut p = scripted(vec![]);
        assert_eq!(
            walk(&inputs, &mut p, &opts(), clock).unwrap(),
            Walked::Done { asked: 0 }
        );
    }
}
