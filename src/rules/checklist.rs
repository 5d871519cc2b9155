//! `checklist` and `unknown-answer`: every required item that applies to a release of this
//! severity has a passing answer, given for this version of the manifest.

use super::{Ctx, Finding, RuleId};
use crate::model::answers::Value;
use crate::model::checklist::{Item, ItemKind};
use crate::model::values::is_blank;

/// Why an item's answer does not pass, or `None` when it passes.
pub fn item_problem(item: &Item, answer: Option<&Value>) -> Option<String> {
    match (item.kind, answer) {
        (_, None) => Some("unanswered".into()),
        (_, Some(Value::Bool(false))) => Some("answered no".into()),
        (_, Some(Value::Bool(true))) => None,
        (_, Some(Value::Text(t))) if is_blank(t) => Some("answered blank".into()),
        (ItemKind::Choice, Some(Value::Text(t))) => {
            let ok = if item.pass.is_empty() {
                &item.choices
            } else {
                &item.pass
            };
            if ok.iter().any(|c| c == t) {
                None
            } else if item.pass.is_empty() {
                Some(format!("answered \"{t}\", which is not one of its choices"))
            } else {
                Some(format!(
                    "answered \"{t}\", which does not pass (passing: {})",
                    item.pass.join(", ")
                ))
            }
        }
        (_, Some(Value::Text(_))) => None,
    }
}

pub fn checklist(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(sha) = &ctx.answers.meta.manifest_sha256 {
        if !sha.trim().eq_ignore_ascii_case(ctx.manifest_sha256) {
            out.push(Finding::block(
                RuleId::Checklist,
                "answers",
                "the answers were given for another version of the manifest",
                "Run relcheck go to confirm the checklist again for the manifest as it is now.",
            ));
        }
    }
    for item in ctx
        .template
        .items
        .iter()
        .filter(|i| i.required && i.applies(ctx.severity))
    {
        let answer = ctx.answers.given.get(&item.id).map(|a| &a.value);
        if let Some(problem) = item_problem(item, answer) {
            let hint = if answer.is_none() {
                format!(
                    "Answer it with relcheck go, or relcheck answer {} VALUE.",
                    item.id
                )
            } else {
                format!(
                    "Settle what it asks about, then answer it again with relcheck go --item {}.",
                    item.id
                )
            };
            out.push(Finding::block(
                RuleId::Checklist,
                &item.id,
                format!("{} — {problem}", item.prompt.trim()),
                hint,
            ));
        }
    }
    out
}

pub fn unknown_answer(ctx: &Ctx) -> Vec<Finding> {
    ctx.answers
        .unknown
        .iter()
        .map(|id| {
            Finding::warn(
                RuleId::UnknownAnswer,
                id,
                format!("the answers file answers \"{id}\", which the checklist does not have"),
                "Remove the answer or check that the right checklist template is used.",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const TPL: &str = r#"
[[items]]
id = "ready"
prompt = "Ready?"
[[items]]
id = "who"
prompt = "Who rolls back?"
kind = "text"
[[items]]
id = "load"
prompt = "Load test?"
kind = "choice"
choices = ["passed", "failed", "n/a"]
pass = ["passed", "n/a"]
[[items]]
id = "extra"
prompt = "Optional"
required = false
[[items]]
id = "crit"
prompt = "Only for critical"
when = "critical"
"#;

    fn with_answers(a: &str) -> Vec<super::Finding> {
        Fixture::new(MANIFEST, TPL, a).findings()
    }

    const GOOD: &str = "[answers.ready]\nvalue = true\n[answers.who]\nvalue = \"minho\"\n[answers.load]\nvalue = \"passed\"\n";

    #[test]
    fn every_required_applicable_item_answered_and_passing_is_quiet() {
        assert_eq!(with_answers(GOOD), vec![]);
    }

    #[test]
    fn unanswered_no_blank_and_non_passing_answers_block() {
        let f = with_answers("[answers.ready]\nvalue = false\n[answers.who]\nvalue = \" \"\n[answers.load]\nvalue = \"failed\"\n");
        assert_eq!(rules(&f), ["checklist", "checklist", "checklist"]);
        let subjects: Vec<_> = f.iter().map(|f| f.subject.as_str()).collect();
        assert_eq!(subjects, ["ready", "who", "load"]);
        let missing = with_answers("");
        assert_eq!(missing.len(), 3);
        assert!(missing[0].message.contains("unanswered"));
    }

    #[test]
    fn stale_answers_block_with_subject_answers() {
        let f = with_answers(&format!("[meta]\nmanifest_sha256 = \"abc\"\n{GOOD}"));
        assert_eq!(rules(&f), ["checklist"]);
        assert_eq!(f[0].subject, "answers");
        let fresh = with_answers(&format!("[meta]\nmanifest_sha256 = \"00\"\n{GOOD}"));
        assert_eq!(fresh, vec![]);
    }

    #[test]
    fn answers_to_items_the_template_lacks_warn() {
        let f = with_answers(&format!("{GOOD}[answers.gone]\nvalue = true\n"));
        assert_eq!(rules(&f), ["unknown-answer"]);
        assert_eq!(f[0].subject, "gone");
    }
}
