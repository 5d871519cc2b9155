//! Property tests: no input makes a parser panic. Arbitrary bytes go to every parser, and
//! randomly mutated manifests, templates and answers go through the whole judgement: the
//! only outcomes are an input error (exit 2) or a verdict.
//!
//! To fuzz longer than the default counts, set `PROPTEST_CASES`, e.g.
//! `PROPTEST_CASES=50000 cargo test --release --test props`.

use proptest::prelude::*;
use relcheck::evidence::{jmeter, junit, k6, locust};
use relcheck::inputs::{self, Locations};
use relcheck::model::{answers::Answers, checklist::Template, manifest::Manifest};
use std::path::Path;

const FRIDAY: &str = include_str!("../examples/story/friday.toml");
const WEDNESDAY: &str = include_str!("../examples/story/wednesday.toml");
const ANSWERS: &str = include_str!("../examples/story/wednesday.answers.toml");
const STANDARD: &str = include_str!("../checklists/standard.toml");

/// Tokens that a mutation may put in place of a value or key.
const TOKENS: &[&str] = &[
    "0",
    "-1",
    "11",
    "1e309",
    "\"\"",
    "\" \"",
    "\"x\"",
    "true",
    "[]",
    "{}",
    "2026-11-27T23:00:00",
    "2026-11-27T23:00:00+09:00",
    "\"2h\"",
    "\"-2h\"",
    "\"nan\"",
    "\"critical\"",
    "\"CRITICAL\"",
    "\"none\"",
    "\"24:00\"",
    "\"25:00\"",
    "\"fri\"",
    "[[changes]]",
    "[[changes.evidence]]",
    "[[overrides]]",
    "[[items]]",
    "[policy.risk_bands]",
    "[[policy.freeze]]",
    "\"/dev/null\"",
    "\".\"",
    "\"../../../etc/passwd\"",
    "'''\n'''",
    "\"\\u0000\"",
    "9999999999999999999999",
    "=",
    "\"jmeter\"",
    "\"attestation\"",
    "\"freeze-window\"",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    ReplaceValue(usize, usize),
    InsertLine(usize, usize),
    Truncate(usize),
    FlipByte(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(l, t)| Mutation::ReplaceValue(l, t)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(l, t)| Mutation::InsertLine(l, t)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
    ]
}

fn mutate(src: &str, muts: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
    let mut bytes: Option<Vec<u8>> = None;
    for m in muts {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match *m {
            Mutation::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Mutation::DuplicateLine(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::ReplaceValue(i, t) => {
                let l = &mut lines[i % n];
                if let Some(eq) = l.find('=') {
                    *l = format!("{}= {}", &l[..eq], TOKENS[t]);
                } else {
                    *l = TOKENS[t].to_string();
                }
            }
            Mutation::InsertLine(i, t) => {
                lines.insert(i % (n + 1), format!("key{} = {}", i % 7, TOKENS[t]))
            }
            Mutation::Truncate(i) => {
                let mut b = lines.join("\n").into_bytes();
                b.truncate(i % (b.len() + 1));
                bytes = Some(b);
                break;
            }
            Mutation::FlipByte(i, v) => {
                let mut b = lines.join("\n").into_bytes();
                if !b.is_empty() {
                    let at = i % b.len();
                    b[at] = v;
                }
                bytes = Some(b);
                break;
            }
        }
    }
    bytes.unwrap_or_else(|| (lines.join("\n") + "\n").into_bytes())
}

fn judge_files(dir: &Path, manifest: &[u8], template: &[u8], answers: &[u8]) {
    std::fs::write(dir.join("release.toml"), manifest).unwrap();
    std::fs::write(dir.join("checklist.toml"), template).unwrap();
    std::fs::write(dir.join("release.answers.toml"), answers).unwrap();
    let loc = Locations {
        manifest: Some(dir.join("release.toml")),
        checklist: Some(dir.join("checklist.toml")),
        ..Locations::default()
    };
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T13:30:00+09:00").unwrap();
    match inputs::load(&loc) {
        Err(e) => {
            // An input error always names its file.
            assert!(!e.file.is_empty());
            assert!(!e.message.is_empty());
        }
        Ok(inputs) => {
            let report = relcheck::judge::judge(&inputs, now);
            let blocked = report.blocks().count() > 0;
            assert_eq!(blocked, report.verdict == relcheck::verdict::Verdict::NoGo);
        }
    }
}

fn story_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ev = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/story/evidence");
    std::fs::create_dir(dir.path().join("evidence")).unwrap();
    for f in ["api-timeout-staging.jtl", "api-timeout-staging-rerun.jtl"] {
        std::fs::copy(ev.join(f), dir.path().join("evidence").join(f)).unwrap();
    }
    dir
}

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_a_parser(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let template = Template::parse("t.toml", STANDARD).unwrap();
        let _ = Manifest::parse("release.toml", &text);
        let _ = Template::parse("t.toml", &text);
        let _ = Answers::parse("a.toml", &text, &template);
        let _ = jmeter::read(&mut &bytes[..]);
        let _ = k6::read(&mut &bytes[..]);
        let _ = locust::read(&mut &bytes[..]);
        let _ = junit::read(&mut &bytes[..]);
    }

    #[test]
    fn text_shaped_like_each_format_never_panics_a_parser(
        head in prop_oneof![
            Just("timeStamp,elapsed,success\n"), Just("{\"metrics\":{\"http_reqs\":"),
            Just("Type,Name,Request Count,Failure Count,99%,Requests/s\n"), Just("<testsuites><testsuite>"),
        ],
        tail in "[0-9a-zA-Z,\"{}<>/:. \n\r-]{0,400}",
    ) {
        let bytes = format!("{head}{tail}").into_bytes();
        let _ = jmeter::read(&mut &bytes[..]);
        let _ = k6::read(&mut &bytes[..]);
        let _ = locust::read(&mut &bytes[..]);
        let _ = junit::read(&mut &bytes[..]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(200), ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_give_an_input_error_or_a_verdict(
        which in 0..2usize,
        target in 0..3usize,
        muts in proptest::collection::vec(mutation(), 1..5),
    ) {
        let dir = story_dir();
        let manifest = if which == 0 { FRIDAY } else { WEDNESDAY };
        let (m, t, a) = match target {
            0 => (mutate(manifest, &muts), STANDARD.as_bytes().to_vec(), ANSWERS.as_bytes().to_vec()),
            1 => (manifest.as_bytes().to_vec(), mutate(STANDARD, &muts), ANSWERS.as_bytes().to_vec()),
            _ => (manifest.as_bytes().to_vec(), STANDARD.as_bytes().to_vec(), mutate(ANSWERS, &muts)),
        };
        judge_files(dir.path(), &m, &t, &a);
    }
}

#[test]
fn the_unmutated_story_judges_as_expected() {
    let dir = story_dir();
    judge_files(
        dir.path(),
        WEDNESDAY.as_bytes(),
        STANDARD.as_bytes(),
        ANSWERS.as_bytes(),
    );
}
