//! Hostile text in every string field of the manifest, the template, the answers and a JUnit
//! file, through every output format: no raw mention, no raw HTML, no broken table, no control
//! character on a terminal, no hang. Text that lands in an identifier (which must match a
//! pattern) or in a key name is an input error, whose message must be as clean.
//!
//! A new output format is one line in [`FORMATS`]. The property runs a few cases by default;
//! run it longer with `PROPTEST_CASES=500 cargo test --release --test hostile`.

use proptest::prelude::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-25T13:30:00+09:00";

/// How long one run may take before it counts as hung: generous, a guard, not a speed test.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// What a text from a file may try.
const FRAGMENTS: &[&str] = &[
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "@here",
    "@channel",
    "<@U123>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "|",
    " | x | y |",
    "\n",
    "\r\n",
    "\n# ✅ GO — all checks passed\n",
    "`",
    "```",
    "` @here *ALL CLEAR* `",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;title\u{7}",
    "\u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "\u{1b}[2J",
    "\u{9b}2J",
    "\u{85}",
    "\u{202E}",
    "\u{2066}",
    "\u{200B}",
    "\u{2060}",
    "\u{FEFF}",
    "*bold* _it_ ~s~",
    "[link](https://evil.example)",
    "&amp; &lt;",
    "\\",
    "\"",
    "jiyoon",
];

/// How an output is checked.
#[derive(Debug, Clone, Copy)]
enum Medium {
    /// A terminal: no control characters.
    Text,
    /// Data: parses, and keeps the text whole.
    Json,
    /// GitHub markdown: no raw HTML or mentions, tables whole.
    Markdown,
    /// Slack mrkdwn: no `<…>`, no live mentions, fences whole.
    Slack,
    /// GitHub workflow commands: every line one command, nothing raw in it.
    Github,
}

/// Where an output is read.
#[derive(Debug, Clone, Copy)]
enum Sink {
    Stdout,
    /// The file `$GITHUB_STEP_SUMMARY` names.
    StepSummary,
}

struct Format {
    name: &'static str,
    args: &'static [&'static str],
    medium: Medium,
    sink: Sink,
}

/// Every output format; one line each.
const FORMATS: &[Format] = &[
    Format {
        name: "check text",
        args: &["check", "--format", "text"],
        medium: Medium::Text,
        sink: Sink::Stdout,
    },
    Format {
        name: "check json",
        args: &["check", "--format", "json"],
        medium: Medium::Json,
        sink: Sink::Stdout,
    },
    Format {
        name: "check markdown",
        args: &["check", "--format", "markdown"],
        medium: Medium::Markdown,
        sink: Sink::Stdout,
    },
    Format {
        name: "signoff markdown",
        args: &["signoff", "--format", "markdown"],
        medium: Medium::Markdown,
        sink: Sink::Stdout,
    },
    Format {
        name: "signoff slack",
        args: &["signoff", "--format", "slack"],
        medium: Medium::Slack,
        sink: Sink::Stdout,
    },
    Format {
        name: "check github",
        args: &["check", "--format", "github"],
        medium: Medium::Github,
        sink: Sink::Stdout,
    },
    Format {
        name: "signoff record",
        args: &["signoff", "--format", "json"],
        medium: Medium::Json,
        sink: Sink::Stdout,
    },
    Format {
        name: "step summary",
        args: &["check", "-q"],
        medium: Medium::Markdown,
        sink: Sink::StepSummary,
    },
    Format {
        name: "risk",
        args: &["risk"],
        medium: Medium::Text,
        sink: Sink::Stdout,
    },
    Format {
        name: "go without a terminal",
        args: &["go", "--non-interactive"],
        medium: Medium::Text,
        sink: Sink::Stdout,
    },
];

/// A TOML basic string (one line, so it may also be a key) holding `s` exactly.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as XML attribute text (XML 1.0 cannot carry C0 controls at all, even escaped).
fn xml(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\t' || c == '\n' || c == '\r' || c >= ' ')
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\n' => "&#10;".to_string(),
            '\r' => "&#13;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The free-text fields, each filled from `h(i)`: a release that is judged, GO or NO-GO.
fn release(dir: &Path, h: &dyn Fn(usize) -> String) {
    let manifest = format!(
        r#"[release]
name = {name}
deployer = {deployer}
deploy_at = "2026-11-25T14:00:00+09:00"
approvers = [{approver}, "minho"]
list_frozen_at = "2026-11-23T14:00:00+09:00"
checklist = "checklist.toml"
commit = {commit}

[[changes]]
id = "api-timeout"
title = {title}
severity = "high"
impact = 5
likelihood = 6
recovery = "1h"
owner = {owner}
rollback = {rollback}

[[changes.evidence]]
kind = "junit"
env = {env}
path = "evidence/junit.xml"
recorded_at = "2026-11-24T10:00:00+09:00"
commit = {ev_commit}

[[changes.evidence]]
kind = "attestation"
env = "staging"
url = {url}
by = {by}
recorded_at = "2026-11-24T10:00:00+09:00"

[[changes.evidence]]
kind = "file"
env = "staging"
path = {path}
recorded_at = "2026-11-24T10:00:00+09:00"

[monitoring]
dashboards = [{dashboard}]
alerts = [{alert}]
watch_minutes = 30

[contacts]
on_call = [{on_call}, "hana"]
escalation = [{escalation}]
channel = {channel}

[[overrides]]
rule = "list-freeze"
reason = {reason}
approved_by = {approved_by}
"#,
        name = q(&h(0)),
        deployer = q(&h(1)),
        approver = q(&h(2)),
        commit = q(&h(3)),
        title = q(&h(4)),
        owner = q(&h(5)),
        rollback = q(&h(6)),
        env = q(&h(7)),
        ev_commit = q(&h(8)),
        url = q(&h(9)),
        by = q(&h(10)),
        path = q(&h(11)),
        dashboard = q(&h(12)),
        alert = q(&h(13)),
        on_call = q(&h(14)),
        escalation = q(&h(15)),
        channel = q(&h(16)),
        reason = q(&h(17)),
        approved_by = q(&h(18)),
    );
    let template = format!(
        r#"[checklist]
name = {name}

[policy]
critical_needs_env = {env}

[[policy.freeze]]
name = {window}
days = ["wed"]
allow = "low"

[[items]]
id = "plan"
section = {section}
prompt = {prompt}

[[items]]
id = {owner_id}
section = "rollback"
prompt = {prompt2}
kind = "text"

[[items]]
id = "time"
section = "rollback"
prompt = "How long?"
kind = "choice"
choices = ["fast", {choice}]
pass = [{choice}]
"#,
        name = q(&h(19)),
        env = q(&h(20)),
        window = q(&h(21)),
        section = q(&h(22)),
        prompt = q(&h(23)),
        prompt2 = q(&h(24)),
        choice = q(&h(25)),
        owner_id = q(&h(31)),
    );
    let answers = format!(
        r#"[answers.plan]
value = true
by = {by}

[answers.{owner_id}]
value = {owner}
by = "jiyoon"

[answers.time]
value = {choice}
"#,
        by = q(&h(26)),
        owner = q(&h(27)),
        choice = q(&h(25)),
        owner_id = q(&h(31)),
    );
    let junit = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="{suite}" tests="1" failures="1">
  <testcase classname="api" name="{case}">
    <failure message="{message}">boom</failure>
  </testcase>
</testsuite>
"#,
        suite = xml(&h(28)),
        case = xml(&h(29)),
        message = xml(&h(30)),
    );
    std::fs::create_dir_all(dir.join("evidence")).unwrap();
    std::fs::write(dir.join("release.toml"), manifest).unwrap();
    std::fs::write(dir.join("checklist.toml"), template).unwrap();
    std::fs::write(dir.join("release.answers.toml"), answers).unwrap();
    // An approval whose name is hostile too (of another manifest, so it does not count).
    std::fs::write(
        dir.join("release.approvals.toml"),
        format!(
            "[[approvals]]\nby = {}\nat = \"2026-11-25T09:00:00+09:00\"\nmanifest_sha256 = \"{}\"\n",
            q(&h(32)),
            "0".repeat(64)
        ),
    )
    .unwrap();
    std::fs::write(dir.join("evidence/junit.xml"), junit).unwrap();
}

const FIELDS: usize = 33;

/// Runs relcheck with a hang guard.
fn run(dir: &Path, args: &[&str], summary: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relcheck"));
    cmd.current_dir(dir)
        .args(args)
        .args(["--now", NOW])
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(s) = summary {
        cmd.env("GITHUB_STEP_SUMMARY", s);
    }
    let mut child = cmd.spawn().unwrap();
    // Drain both pipes on threads so a large report cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).unwrap();
        v
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("relcheck {args:?} hung (no exit after {HANG_GUARD:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// C0 (but newline), DEL, C1, and the bidirectional controls.
fn control(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

fn assert_no_control(what: &str, s: &str) {
    if let Some((i, c)) = s.char_indices().find(|&(_, c)| control(c)) {
        let from = s[..i].char_indices().rev().nth(40).map_or(0, |x| x.0);
        panic!("{what}: control character {c:?} after {:?}", &s[from..i]);
    }
}

/// Every `@` is followed by a zero-width space, so it notifies nobody.
fn assert_no_live_at(what: &str, s: &str) {
    for (i, _) in s.match_indices('@') {
        assert!(
            s[i + 1..].starts_with('\u{200B}'),
            "{what}: a live @ in {:?}",
            &s[i.saturating_sub(40)..(i + 40).min(s.len())]
        );
    }
}

fn check_markdown(what: &str, md: &str, verdict_go: bool) {
    assert_no_control(what, md);
    assert_no_live_at(what, md);
    let without_breaks = md.replace("<br>", "");
    assert!(
        !without_breaks.contains('<'),
        "{what}: raw < (HTML or a mention)"
    );
    // Headings are ours only.
    for line in md.lines().filter(|l| l.starts_with('#')) {
        assert!(
            line.starts_with("# Release sign-off: ") || line.starts_with("## "),
            "{what}: a heading from the text: {line:?}"
        );
    }
    assert_eq!(
        md.lines().filter(|l| l.starts_with("# ")).count(),
        1,
        "{what}: one title"
    );
    let verdicts: Vec<_> = md.lines().filter(|l| l.starts_with("**Verdict")).collect();
    let expected = if verdict_go {
        "**Verdict: ✅ GO**"
    } else {
        "**Verdict: ⛔ NO-GO**"
    };
    assert_eq!(verdicts, [expected], "{what}: the verdict line");
    // Every table keeps its column count on every row.
    let mut columns: Option<usize> = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let n = line
            .replace("\\\\", "")
            .replace("\\|", "")
            .matches('|')
            .count();
        match columns {
            None => columns = Some(n),
            Some(c) => assert_eq!(n, c, "{what}: a broken table row: {line:?}"),
        }
    }
}

fn check_slack(what: &str, s: &str, verdict_go: bool) {
    assert_no_control(what, s);
    assert_no_live_at(what, s);
    assert!(
        !s.contains('<') && !s.contains('>'),
        "{what}: raw < or > (a mention or link)"
    );
    assert_eq!(
        s.matches("```").count(),
        4,
        "{what}: a code fence opened or closed by the text"
    );
    assert!(s.starts_with("*Release sign-off: "), "{what}");
    assert_eq!(
        s.contains(":white_check_mark: *GO*"),
        verdict_go,
        "{what}: the GO mark and the verdict disagree"
    );
}

/// Runs every format over the release in `dir` and checks each output.
fn check_all_formats(dir: &Path, name: &str) {
    let json = run(dir, &["check", "--format", "json"], None);
    assert!(
        matches!(json.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("check --format json is JSON");
    let go = report["verdict"] == "go";
    assert_eq!(json.status.code(), Some(if go { 0 } else { 1 }));
    // The full text stays in JSON.
    assert_eq!(report["release"]["name"].as_str(), Some(name));
    for f in FORMATS {
        let summary = dir.join("summary.md");
        let _ = std::fs::remove_file(&summary);
        let out = run(
            dir,
            f.args,
            matches!(f.sink, Sink::StepSummary).then_some(summary.as_path()),
        );
        let what = f.name;
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_no_control(&format!("{what} (stderr)"), &stderr);
        let text = match f.sink {
            Sink::Stdout => String::from_utf8(out.stdout).unwrap(),
            Sink::StepSummary => std::fs::read_to_string(&summary).unwrap(),
        };
        match f.medium {
            Medium::Text => assert_no_control(what, &text),
            Medium::Json => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["verdict"], report["verdict"], "{what}");
            }
            Medium::Markdown => check_markdown(what, &text, go),
            Medium::Slack => check_slack(what, &text, go),
            Medium::Github => check_github(what, &text),
        }
    }
}

/// Workflow commands: each line is one command (`::error`, `::warning` or `::notice`), with no
/// control character and no raw line break that could start a command of its own.
fn check_github(what: &str, text: &str) {
    assert_no_control(what, text);
    for line in text.lines() {
        assert!(
            [
                "::error ",
                "::warning ",
                "::notice ",
                "::error::",
                "::warning::",
                "::notice::"
            ]
            .iter()
            .any(|p| line.starts_with(p)),
            "{what}: a line that is not a workflow command: {line:?}"
        );
    }
}

/// Fields that must be identifiers or known words: hostile text there is an input error.
fn strict_field(dir: &Path, field: usize, h: &str) {
    let ok = |name: &str| {
        release(dir, &|_| name.to_string());
    };
    ok("benign");
    let edit = |file: &str, from: &str, to: String| {
        let p = dir.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(&p, text.replacen(from, &to, 1)).unwrap();
    };
    match field {
        0 => edit(
            "release.toml",
            "id = \"api-timeout\"",
            format!("id = {}", q(h)),
        ),
        1 => edit(
            "release.toml",
            "severity = \"high\"",
            format!("severity = {}", q(h)),
        ),
        2 => edit(
            "release.toml",
            "kind = \"junit\"",
            format!("kind = {}", q(h)),
        ),
        3 => edit(
            "release.toml",
            "rule = \"list-freeze\"",
            format!("rule = {}", q(h)),
        ),
        4 => edit(
            "release.toml",
            "recovery = \"1h\"",
            format!("recovery = {}", q(h)),
        ),
        5 => edit(
            "release.toml",
            "watch_minutes = 30",
            format!("{} = 30", q(h)),
        ),
        6 => edit(
            "checklist.toml",
            "kind = \"text\"",
            format!("kind = {}", q(h)),
        ),
        7 => edit(
            "checklist.toml",
            "days = [\"wed\"]",
            format!("days = [{}]", q(h)),
        ),
        8 => edit(
            "checklist.toml",
            "days = [\"wed\"]",
            format!("dates = [{}]", q(h)),
        ),
        9 => edit(
            "checklist.toml",
            "allow = \"low\"",
            format!("allow = \"low\"\nfrom = {}", q(h)),
        ),
        10 => edit(
            "checklist.toml",
            "[policy]",
            format!("[policy]\ntimezone = {}", q(h)),
        ),
        11 => edit("checklist.toml", "pass = [", format!("pass = [{}, ", q(h))),
        12 => edit(
            "release.answers.toml",
            "[answers.plan]",
            format!("[answers.plan]\n{} = 1", q(h)),
        ),
        _ => edit(
            "release.toml",
            "deploy_at = ",
            format!("deploy_at = {}\nx = ", q(h)),
        ),
    }
    let out = run(dir, &["check"], None);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "field {field}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_no_control(&format!("the input error for field {field}"), &stderr);
    assert!(out.stdout.is_empty());
}

const STRICT_FIELDS: usize = 14;

fn hostile() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string),
            1 => "[a-z ]{0,8}",
        ],
        1..6,
    )
    // Never blank: a blank name is a different error, tested elsewhere.
    .prop_map(|parts| format!("x{}", parts.concat()))
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_text_in_every_field_reaches_no_output_raw(
        texts in proptest::collection::vec(hostile(), FIELDS),
        big in proptest::option::of(0..FIELDS),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let h = |i: usize| {
            if big == Some(i) {
                format!("{}{}", texts[i], "x".repeat(1 << 20))
            } else {
                texts[i].clone()
            }
        };
        release(dir.path(), &h);
        check_all_formats(dir.path(), &h(0));
    }

    #[test]
    fn hostile_text_in_an_identifier_or_key_is_a_clean_input_error(
        field in 0..STRICT_FIELDS,
        text in hostile(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        // Always something no identifier pattern takes.
        strict_field(dir.path(), field, &format!("{text}\u{1b}]0;x\u{7}\u{202E}<!here>"));
    }
}

/// Every fragment at once in every field: the case each defect was found with.
#[test]
fn every_fragment_in_every_field_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let all = FRAGMENTS.concat();
    release(dir.path(), &|i| format!("{i}{all}"));
    check_all_formats(dir.path(), &format!("0{all}"));
}

/// A 1 MiB title, change owner and reason: the text report cuts them, JSON keeps them whole.
#[test]
fn a_mebibyte_of_text_in_a_cell_does_not_hang_the_text_report() {
    let dir = tempfile::tempdir().unwrap();
    let long = "y".repeat(1 << 20);
    release(dir.path(), &|i| match i {
        4 | 5 | 24 => long.clone(),
        _ => "benign".to_string(),
    });
    check_all_formats(dir.path(), "benign");
    let out = run(dir.path(), &["check"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("yyy…"), "the long title is not cut");
    assert!(text.len() < 64 * 1024, "{} bytes", text.len());
    let json = run(dir.path(), &["check", "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        v["changes"][0]["title"].as_str().map(str::len),
        Some(1 << 20)
    );
}

#[test]
fn every_strict_field_with_escape_sequences_is_a_clean_input_error() {
    for field in 0..STRICT_FIELDS {
        let dir = tempfile::tempdir().unwrap();
        strict_field(
            dir.path(),
            field,
            "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}[31mFAKE: relcheck says GO\u{202E}\u{9b}",
        );
    }
}
