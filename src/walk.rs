//! The checklist walk behind `relcheck go`: which items to ask, in which order, and saving
//! each answer the moment it is given. The terminal is behind the [`Prompter`] trait, so the
//! walk runs the same against a real terminal and a scripted one in tests.

use crate::error::InputError;
use crate::inputs::Inputs;
use crate::model::answers::{edit, Answer, Answers, Value};
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

/// An answer that another session saved while this walk ran. It is kept, never reverted.
#[derive(Debug, Clone)]
pub struct Elsewhere<'a> {
    pub item: &'a Item,
    pub theirs: Answer,
    /// This walk's answer to the same item, given after theirs was saved: not saved.
    pub discarded: Option<Value>,
}

/// Asks questions. `Ok(None)` means the person cancelled (Esc or Ctrl-C).
pub trait Prompter {
    fn ask(&mut self, q: &Question) -> std::io::Result<Option<Value>>;
    /// Says that another session answered an item meanwhile (and, when this walk answered
    /// it too, that this walk's answer was not saved).
    fn elsewhere(&mut self, e: &Elsewhere);
    /// Says how the answer just saved fares: `problem` is why it does not pass its item
    /// (it blocks GO), `None` when it passes.
    fn answered(&mut self, _item: &Item, _value: &Value, _problem: Option<&str>) {}
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
    /// Ask only this item, again, whether or not it is answered (`go --item`).
    pub only: Option<&'a str>,
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
/// each pending item, saving every answer the moment it is given. `clock` gives each
/// answer's time.
///
/// Each save is a read-modify-write of the answers file as it is now, under the lock (see
/// [`store::update_locked`]), so an answer another session saved meanwhile is kept: it is
/// shown through [`Prompter::elsewhere`], its item is not asked again, and this walk's own
/// answer to an item someone else answered first is not saved.
pub fn walk(
    inputs: &Inputs,
    prompter: &mut dyn Prompter,
    opts: &Options,
    mut clock: impl FnMut() -> Timestamp,
) -> Result<Walked, InputError> {
    let path = &inputs.answers_path;
    let shown = path.display().to_string();
    let sha = inputs.manifest_sha256();
    let template = &inputs.template;
    let parse = |text: Option<&str>| match text {
        Some(t) => Answers::parse(&shown, t, template),
        None => Ok(Answers::default()),
    };

    let sections = inputs.manifest_sections();
    // What the file holds as far as this walk knows; anything else is another session's.
    let mut known: Answers = store::update_locked_with(path, |current| {
        let answers = parse(current)?;
        if !answers.given.is_empty() && (opts.reset || !answers.current_for(&sha)) {
            let aside = edit::set_aside(current, &sha)
                .and_then(|t| edit::stamp_sections(Some(&t), &sections))
                .map_err(|e| InputError::new(&shown, e))?;
            let answers = parse(Some(&aside))?;
            Ok((Some(aside), answers))
        } else {
            Ok((None, answers))
        }
    })?;

    let items = match opts.only {
        Some(id) => template.item(id).into_iter().collect(),
        None => pending(inputs, &known),
    };
    // The answer an item asked again had when the walk began: a different one by the time
    // this walk saves is another session's, and stays.
    let started: Option<Answer> = opts.only.and_then(|id| known.given.get(id).cloned());

    let total = items.len();
    let mut asked = 0;
    let mut last_section: Option<&str> = None;
    for (i, item) in items.iter().enumerate() {
        // Answers saved elsewhere since the last look: shown, and their items not asked.
        let now = parse(store::read(path)?.as_deref())?;
        show_news(prompter, template, &known, &now, None);
        known = now;
        let again = opts.only == Some(item.id.as_str());
        if known.given.get(&item.id) != started.as_ref().filter(|_| again) {
            continue;
        }
        let q = Question {
            item,
            index: i + 1,
            total,
            opens_section: last_section != Some(item.section.as_str()),
            default: known.default_for(&item.id).cloned(),
        };
        last_section = Some(&item.section);
        let answer = match prompter.ask(&q) {
            Ok(Some(v)) => v,
            Ok(None) => return Ok(Walked::Cancelled { answered: asked }),
            Err(e) => return Err(InputError::new("terminal", format!("cannot ask: {e}"))),
        };
        let at = clock();
        let (before, after, kept_theirs) = store::update_locked_with(path, |current| {
            let now = parse(current)?;
            if !now.given.is_empty() && !now.current_for(&sha) {
                return Err(InputError::new(
                    &shown,
                    "was set for another version of the manifest while this walk ran; \
                     nothing saved, run relcheck go again",
                ));
            }
            if now.given.get(&item.id) != started.as_ref().filter(|_| again) {
                // Someone answered this item while it was on screen here: theirs stays.
                return Ok((None, (now.clone(), now, true)));
            }
            let updated = edit::record(current, &item.id, &answer, opts.by, at, &sha)
                .and_then(|t| edit::stamp_sections(Some(&t), &sections))
                .map_err(|e| InputError::new(&shown, e))?;
            let after = parse(Some(&updated))?;
            Ok((Some(updated), (now, after, false)))
        })?;
        let discarded = kept_theirs.then_some(&answer);
        show_news(
            prompter,
            template,
            &known,
            &before,
            discarded.map(|v| (&item.id, v)),
        );
        // Exactly what was written: whatever comes after it is news at the next look.
        known = after;
        if !kept_theirs {
            asked += 1;
            prompter.answered(
                item,
                &answer,
                crate::rules::item_problem(item, Some(&answer)).as_deref(),
            );
        }
    }
    Ok(Walked::Done { asked })
}

/// Tells the prompter about every answer in `now` that `known` did not have (or had
/// otherwise); `discarded` is this walk's unsaved answer to one of them.
fn show_news(
    prompter: &mut dyn Prompter,
    template: &crate::model::checklist::Template,
    known: &Answers,
    now: &Answers,
    discarded: Option<(&String, &Value)>,
) {
    for (id, theirs) in &now.given {
        if known.given.get(id) == Some(theirs) {
            continue;
        }
        let Some(item) = template.item(id) else {
            continue;
        };
        prompter.elsewhere(&Elsewhere {
            item,
            theirs: theirs.clone(),
            discarded: discarded.filter(|d| d.0 == id).map(|d| d.1.clone()),
        });
    }
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

    /// Another session's work, run while a question is on screen.
    type Meanwhile = Box<dyn FnMut(&str)>;

    /// Answers from a script, and remembers what it was asked.
    struct Scripted {
        answers: VecDeque<Option<Value>>,
        asked: Vec<(String, usize, usize, bool, Option<Value>)>,
        elsewhere: Vec<(String, Value, Option<Value>)>,
        /// Runs while a question is on screen: another session at work.
        meanwhile: Option<Meanwhile>,
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
            if let Some(f) = &mut self.meanwhile {
                f(&q.item.id);
            }
            Ok(self.answers.pop_front().expect("asked more than scripted"))
        }

        fn elsewhere(&mut self, e: &Elsewhere) {
            self.elsewhere.push((
                e.item.id.clone(),
                e.theirs.value.clone(),
                e.discarded.clone(),
            ));
        }
    }

    fn scripted(answers: Vec<Option<Value>>) -> Scripted {
        Scripted {
            answers: answers.into(),
            asked: vec![],
            elsewhere: vec![],
            meanwhile: None,
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
            only: None,
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
            only: None,
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
    fn only_asks_one_answered_item_again_and_replaces_its_answer() {
        let (_dir, loc) = setup();
        answer_everything(&loc);
        let inputs = load(&loc).unwrap();
        let mut p = scripted(vec![Some(Value::Text("slow".into()))]);
        let again = Options {
            reset: false,
            by: "minho",
            only: Some("time"),
        };
        assert_eq!(
            walk(&inputs, &mut p, &again, clock).unwrap(),
            Walked::Done { asked: 1 }
        );
        assert_eq!(p.asked.len(), 1);
        assert_eq!(p.asked[0].0, "time");
        assert_eq!(p.asked[0].4, Some(Value::Text("fast".into())));
        let saved = load(&loc).unwrap().answers;
        assert_eq!(saved.given.len(), 3);
        assert_eq!(saved.given["time"].value, Value::Text("slow".into()));
        assert_eq!(saved.given["time"].by.as_deref(), Some("minho"));
        assert_eq!(saved.given["plan"].by.as_deref(), Some("jiyoon"));
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

    /// Another session on the same file: resets it and records `id` = `value`.
    fn other_session(
        path: std::path::PathBuf,
        reset: bool,
        id: &'static str,
        value: Value,
    ) -> impl FnMut(&str) {
        move |_| {
            let inputs = load(&Locations {
                manifest: Some(path.join("release.toml")),
                ..Locations::default()
            })
            .unwrap();
            let sha = inputs.manifest_sha256();
            store::update_locked::<InputError>(&inputs.answers_path, |cur| {
                let cur = match reset {
                    true => Some(edit::set_aside(cur, &sha).unwrap()),
                    false => cur.map(str::to_string),
                };
                Ok(edit::record(cur.as_deref(), id, &value, "minho", clock(), &sha).unwrap())
            })
            .unwrap();
        }
    }

    #[test]
    fn an_answer_another_session_saved_meanwhile_is_kept_shown_and_not_asked() {
        let (dir, loc) = setup();
        let inputs = load(&loc).unwrap();
        // The first answer is saved; while the second question is on screen, another session
        // resets the file and answers the first item "no".
        let mut p = scripted(vec![
            Some(Value::Bool(true)),
            Some(Value::Text("fast".into())),
            Some(Value::Text("hana".into())),
        ]);
        let mut once = Some(other_session(
            dir.path().to_path_buf(),
            true,
            "plan",
            Value::Bool(false),
        ));
        p.meanwhile = Some(Box::new(move |id: &str| {
            if id == "time" {
                if let Some(mut f) = once.take() {
                    f(id);
                }
            }
        }));
        assert_eq!(
            walk(&inputs, &mut p, &opts(), clock).unwrap(),
            Walked::Done { asked: 3 }
        );
        assert_eq!(
            p.elsewhere,
            [("plan".to_string(), Value::Bool(false), None)]
        );
        let saved = load(&loc).unwrap().answers;
        assert_eq!(saved.given["plan"].value, Value::Bool(false));
        assert_eq!(saved.given["plan"].by.as_deref(), Some("minho"));
        assert_eq!(saved.given["time"].value, Value::Text("fast".into()));
        assert_eq!(saved.given["watcher"].value, Value::Text("hana".into()));
    }

    #[test]
    fn an_item_answered_elsewhere_while_on_screen_keeps_the_first_answer() {
        let (dir, loc) = setup();
        let inputs = load(&loc).unwrap();
        let mut p = scripted(vec![
            Some(Value::Bool(true)),
            Some(Value::Text("fast".into())),
            Some(Value::Text("hana".into())),
        ]);
        let mut other = other_session(
            dir.path().to_path_buf(),
            false,
            "time",
            Value::Text("slow".into()),
        );
        let mut later = other_session(
            dir.path().to_path_buf(),
            false,
            "watcher",
            Value::Text("jiho".into()),
        );
        p.meanwhile = Some(Box::new(move |id: &str| {
            if id == "time" {
                // Both: the item on screen, and the one after it.
                other(id);
                later(id);
            }
        }));
        assert_eq!(
            walk(&inputs, &mut p, &opts(), clock).unwrap(),
            Walked::Done { asked: 1 }
        );
        assert_eq!(
            p.elsewhere,
            [
                (
                    "time".to_string(),
                    Value::Text("slow".into()),
                    Some(Value::Text("fast".into()))
                ),
                ("watcher".to_string(), Value::Text("jiho".into()), None),
            ]
        );
        // "watcher" was never asked here.
        assert_eq!(p.asked.len(), 2);
        let saved = load(&loc).unwrap().answers;
        assert_eq!(saved.given["time"].value, Value::Text("slow".into()));
        assert_eq!(saved.given["watcher"].value, Value::Text("jiho".into()));
        assert_eq!(saved.given["plan"].value, Value::Bool(true));
    }
}
