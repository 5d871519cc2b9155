//! Fuzzing the output side: arbitrary Unicode (controls, bidi, format characters, markup and
//! mention syntax) in every text field of a judged report, rendered by every renderer, and
//! arbitrary item ids and answers through the answers file's edits.
//!
//! Each property runs 64 cases by default. To fuzz longer, raise the count, e.g.
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --test escape_fuzz
//! ```
//!
//! A failing case is printed shrunk; add it to the tests beside `src/report/escape.rs`.

use proptest::prelude::*;
use relcheck::inputs::{load, Locations};
use relcheck::model::answers::{edit, Answers, Value};
use relcheck::model::checklist::Template;
use relcheck::model::values::Timestamp;
use relcheck::report::{markdown::Markdown, slack::Slack, text::Text, Render, Report};
use std::path::Path;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// A judged report with evidence, findings, a checklist and overrides to fill.
fn base() -> Report {
    let loc = Locations {
        manifest: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/story/friday.toml")),
        ..Locations::default()
    };
    let inputs = load(&loc).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-20T22:40:00+09:00").unwrap();
    let mut r = relcheck::judge::judge(&inputs, now);
    r.overrides.push(relcheck::verdict::AppliedOverride {
        rule: relcheck::rules::RuleId::FreezeWindow,
        reason: "customer complaints cannot wait".into(),
        approved_by: "cto".into(),
        expires_at: None,
        valid: false,
        applied_to: 0,
    });
    r
}

/// Every text field of the report (optional ones made present), to be overwritten.
fn fields(r: &mut Report) -> Vec<&mut String> {
    let mut v: Vec<&mut String> = Vec::new();
    let rel = &mut r.risk.release;
    v.extend([
        &mut rel.name,
        &mut rel.deployer,
        &mut rel.timezone,
        &mut rel.checklist,
    ]);
    v.extend(rel.approvers.iter_mut());
    v.push(rel.commit.get_or_insert_with(String::new));
    for c in &mut r.risk.changes {
        v.extend([&mut c.id, &mut c.title]);
        v.push(c.owner.get_or_insert_with(String::new));
    }
    for e in &mut r.evidence {
        v.extend([&mut e.change, &mut e.env]);
        v.push(e.path.get_or_insert_with(String::new));
        v.push(e.reason.get_or_insert_with(String::new));
        v.push(e.url.get_or_insert_with(String::new));
        v.push(e.by.get_or_insert_with(String::new));
        v.push(e.recorded_at.get_or_insert_with(String::new));
    }
    for a in &mut r.approvals {
        v.push(&mut a.by);
        v.push(a.at.get_or_insert_with(String::new));
        v.push(a.reason.get_or_insert_with(String::new));
    }
    for f in &mut r.findings {
        v.extend([&mut f.subject, &mut f.message, &mut f.hint]);
    }
    for c in &mut r.checklist {
        v.extend([&mut c.id, &mut c.section, &mut c.prompt]);
        v.push(c.answer.get_or_insert_with(String::new));
        v.push(c.by.get_or_insert_with(String::new));
        v.push(c.at.get_or_insert_with(String::new));
    }
    for o in &mut r.overrides {
        v.extend([&mut o.reason, &mut o.approved_by]);
        v.push(o.expires_at.get_or_insert_with(String::new));
    }
    v.extend(r.monitoring.dashboards.iter_mut());
    v.extend(r.monitoring.alerts.iter_mut());
    v.extend(r.contacts.on_call.iter_mut());
    v.extend(r.contacts.escalation.iter_mut());
    v.push(r.contacts.channel.get_or_insert_with(String::new));
    v
}

const SYNTAX: &[&str] = &[
    "<!channel>",
    "<!here>",
    "<@U1>",
    "@here",
    "<img src=x>",
    "|",
    "\n",
    "`",
    "```",
    "*",
    "_",
    "~",
    "#",
    "[x](y)",
    "&",
    "\\",
    "\u{1b}[2J",
    "\u{1b}]0;t\u{7}",
    "\u{9b}",
    "\u{202E}",
    "\u{2067}",
    "\u{200B}",
    "\u{FEFF}",
    "\r",
];

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            2 => proptest::sample::select(SYNTAX).prop_map(str::to_string),
            2 => any::<String>(),
            1 => "[a-z0-9./ -]{0,12}",
        ],
        0..5,
    )
    .prop_map(|v| v.concat())
}

fn control(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

fn live_at(s: &str) -> bool {
    s.match_indices('@')
        .any(|(i, _)| !s[i + 1..].starts_with('\u{200B}'))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_text_escapes_its_renderer(texts in proptest::collection::vec(text(), 1..64)) {
        let mut r = base();
        for (i, f) in fields(&mut r).into_iter().enumerate() {
            *f = texts[i % texts.len()].clone();
        }

        let md = Markdown { signed_by: Some(texts[0].clone()) }.render(&r);
        prop_assert!(!md.chars().any(control));
        prop_assert!(!md.replace("<br>", "").contains('<'));
        prop_assert!(!live_at(&md));
        prop_assert_eq!(md.lines().filter(|l| l.starts_with("# ")).count(), 1);
        prop_assert_eq!(md.lines().filter(|l| l.starts_with("**Verdict")).count(), 1);
        let mut columns = None;
        for line in md.lines() {
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            let n = line.replace("\\\\", "").replace("\\|", "").matches('|').count();
            prop_assert_eq!(*columns.get_or_insert(n), n, "{}", line);
        }

        let sl = Slack { signed_by: Some(texts[0].clone()) }.render(&r);
        prop_assert!(!sl.chars().any(control));
        prop_assert!(!sl.contains('<') && !sl.contains('>'));
        prop_assert!(!live_at(&sl));
        prop_assert_eq!(sl.matches("```").count(), 4);

        let tx = Text { color: false }.render(&r);
        prop_assert!(!tx.chars().any(control));
    }

    #[test]
    fn any_answer_to_any_item_reads_back_as_given(
        id in any::<String>(),
        answer in any::<String>(),
        by in any::<String>(),
        earlier in proptest::option::of("# [a-z ]{0,20}\n"),
    ) {
        let template = Template::parse(
            "t.toml",
            &format!(
                "[[items]]\nid = {}\nprompt = \"?\"\nkind = \"text\"\n",
                toml::Value::String(id.clone())
            ),
        );
        // Not every string is a valid id; those that are must round-trip.
        if let Ok(template) = template {
            // The id as the template holds it (trimmed), as the walk records it.
            let id = template.items[0].id.clone();
            let at = Timestamp::parse("2026-11-27T22:40:00+09:00").unwrap();
            let first = earlier.clone();
            let text = edit::record(first.as_deref(), &id, &Value::Text(answer.clone()), &by, at, "abc").unwrap();
            if let Some(comment) = &earlier {
                prop_assert!(text.starts_with(comment.as_str()));
            }
            let back = Answers::parse("a.toml", &text, &template).unwrap();
            prop_assert_eq!(&back.given[&id].value, &Value::Text(answer));
            prop_assert_eq!(back.given[&id].by.as_deref(), Some(by.as_str()));
            let aside = edit::set_aside(Some(&text), "def").unwrap();
            let back = Answers::parse("a.toml", &aside, &template).unwrap();
            prop_assert!(back.given.is_empty());
            prop_assert!(back.previous.contains_key(&id));
        }
    }
}

/// The string leaves of a JSON value, with their paths (array indexes as `[]`).
fn leaves(v: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::String(s) => out.push((path, s.clone())),
        serde_json::Value::Array(a) => a.iter().for_each(|x| leaves(x, format!("{path}[]"), out)),
        serde_json::Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| leaves(x, format!("{path}.{k}"), out)),
        _ => {}
    }
}

/// Strings of the report that relcheck computes itself (words, times, hashes): no file's
/// text can reach them.
const COMPUTED: &[&str] = &[
    ".verdict",
    ".release.deploy_at",
    ".release.severity",
    ".release.deploy_local",
    ".changes[].declared",
    ".changes[].band",
    ".changes[].effective",
    ".evidence[].kind",
    ".evidence[].sha256",
    ".findings[].rule",
    ".overrides[].rule",
    ".approvals[].source",
    ".findings[].level",
    ".evaluated_at",
    ".digest",
];

/// A text field added to the report later must be added to [`fields`], so the renderers are
/// fuzzed with it: this fails naming the field until it is.
#[test]
fn every_text_field_of_the_report_is_fuzzed() {
    let mut r = base();
    for f in fields(&mut r) {
        *f = "FUZZED".into();
    }
    let mut all = Vec::new();
    leaves(&serde_json::to_value(&r).unwrap(), String::new(), &mut all);
    let missed: Vec<_> = all
        .iter()
        .filter(|(path, s)| s != "FUZZED" && !COMPUTED.contains(&path.as_str()))
        .collect();
    assert!(missed.is_empty(), "not fuzzed: {missed:?}");
}
