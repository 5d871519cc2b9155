//! The JSON Schemas under `schemas/`: they are what `relcheck schema` prints, they are valid
//! schemas, every manifest and template relcheck accepts in the repository validates against
//! them, and they catch the common mistakes an editor should flag.

use serde_json::Value;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "regenerate with:\n  cargo run -q -- schema manifest > schemas/manifest.schema.json\n  cargo run -q -- schema checklist > schemas/checklist.schema.json\n  cargo run -q -- schema report > schemas/report.schema.json\n  cargo run -q -- schema record > schemas/record.schema.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn committed(name: &str) -> String {
    std::fs::read_to_string(root().join("schemas").join(name)).unwrap()
}

fn schema(name: &str) -> Value {
    serde_json::from_str(&committed(name)).unwrap()
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema(name))
        .unwrap_or_else(|e| panic!("schemas/{name} is not a valid schema: {e}"))
}

/// TOML as the JSON an editor validates: a date-time becomes its RFC 3339 text.
fn to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    to_json(toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn problems(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn relcheck(args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "relcheck {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_committed_schemas_are_what_relcheck_schema_prints() {
    for (which, file) in [
        ("manifest", "manifest.schema.json"),
        ("checklist", "checklist.schema.json"),
        ("report", "report.schema.json"),
        ("record", "record.schema.json"),
    ] {
        assert!(
            relcheck(&["schema", which]) == committed(file),
            "schemas/{file} is out of date with the model types; {REGENERATE}"
        );
    }
    assert_eq!(relcheck(&["schema"]), committed("manifest.schema.json"));
}

#[test]
fn the_committed_schemas_are_valid_draft_7_schemas() {
    for file in [
        "manifest.schema.json",
        "checklist.schema.json",
        "report.schema.json",
        "record.schema.json",
    ] {
        let s = schema(file);
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        jsonschema::meta::validate(&s).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

/// Every TOML file under `dir`, recursively, in a stable order.
fn tomls(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(tomls(&p));
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
    out
}

enum Kind {
    Manifest,
    Checklist,
}

/// A manifest has a `[release]` table; answers and approvals files and corpus case files are
/// neither.
fn kind_of(path: &Path, doc: &Value) -> Option<Kind> {
    let name = path.file_name().unwrap().to_string_lossy();
    if name.ends_with(".answers.toml") || name.ends_with(".approvals.toml") || name == "case.toml" {
        None
    } else if doc.get("release").is_some() {
        Some(Kind::Manifest)
    } else {
        Some(Kind::Checklist)
    }
}

/// Corpus cases whose expected outcome is an input error hold a file relcheck refuses.
fn is_input_error_case(dir: &Path) -> bool {
    let case = dir.join("case.toml");
    case.exists() && load(&case)["exit"] == 2
}

#[test]
fn every_manifest_and_template_relcheck_accepts_validates() {
    let manifest = validator("manifest.schema.json");
    let checklist = validator("checklist.schema.json");
    let mut files = Vec::new();
    for dir in ["examples", "checklists", "tests/corpus"] {
        files.extend(tomls(&root().join(dir)));
    }
    files.push(root().join("src/commands/init/release.toml"));

    let (mut manifests, mut templates, mut failures) = (0, 0, Vec::new());
    for path in files {
        if path
            .parent()
            .is_some_and(|d| d.starts_with(root().join("tests/corpus")) && is_input_error_case(d))
        {
            continue;
        }
        let doc = load(&path);
        let (v, count) = match kind_of(&path, &doc) {
            Some(Kind::Manifest) => (&manifest, &mut manifests),
            Some(Kind::Checklist) => (&checklist, &mut templates),
            None => continue,
        };
        *count += 1;
        for p in problems(v, &doc) {
            failures.push(format!(
                "{}: {p}",
                path.strip_prefix(root()).unwrap().display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The corpus alone holds well over a hundred manifests; a walk that found few went wrong.
    assert!(manifests > 150, "only {manifests} manifests found");
    assert!(templates > 20, "only {templates} templates found");
}

#[test]
fn what_relcheck_init_writes_validates() {
    let dir = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(dir.path())
        .args(["init", "-q"])
        .assert()
        .success();
    let doc = load(&dir.path().join("release.toml"));
    assert_eq!(
        problems(&validator("manifest.schema.json"), &doc),
        Vec::<String>::new()
    );
    let doc = load(&dir.path().join("checklists/standard.toml"));
    assert_eq!(
        problems(&validator("checklist.schema.json"), &doc),
        Vec::<String>::new()
    );
}

const MANIFEST: &str = r#"
[release]
name = "r"
deployer = "jiyoon"
deploy_at = 2026-11-27T23:00:00+09:00

[[changes]]
id = "api-timeout"
title = "API timeout"
severity = "Critical"
impact = 9
likelihood = 6
recovery = "2h"

[[changes.evidence]]
kind = " JMeter "
env = "staging"
path = "a.jtl"

[[changes.evidence]]
kind = "attestation"
env = "staging"
"#;

fn manifest_problems(src: &str) -> Vec<String> {
    let doc = to_json(toml::from_str(src).unwrap());
    problems(&validator("manifest.schema.json"), &doc)
}

#[test]
fn words_are_matched_like_relcheck_reads_them() {
    assert_eq!(manifest_problems(MANIFEST), Vec::<String>::new());
}

#[test]
fn the_manifest_schema_flags_the_usual_mistakes() {
    for (from, to, what) in [
        ("impact = 9", "impact = 11", "an impact out of range"),
        (
            "likelihood = 6",
            "likelihood = \"6\"",
            "a likelihood as text",
        ),
        (
            "severity = \"Critical\"",
            "severity = \"urgent\"",
            "an unknown severity",
        ),
        (
            "recovery = \"2h\"",
            "recovery = \"two hours\"",
            "a duration that is no duration",
        ),
        (
            "recovery = \"2h\"",
            "recovery = \"2h\"\nowners = \"x\"",
            "an unknown key",
        ),
        (
            "id = \"api-timeout\"",
            "id = \"API timeout\"",
            "a malformed change id",
        ),
        (
            "deploy_at = 2026-11-27T23:00:00+09:00",
            "deploy_at = \"2026-11-27T23:00:00\"",
            "a timestamp without an offset",
        ),
        (
            "kind = \" JMeter \"",
            "kind = \"gatling\"",
            "an unknown evidence kind",
        ),
        ("path = \"a.jtl\"\n", "\n", "file evidence without a path"),
        ("name = \"r\"\n", "\n", "a release without a name"),
        (
            "deployer = \"jiyoon\"",
            "deployer = \"  \"",
            "a blank deployer",
        ),
    ] {
        assert!(MANIFEST.contains(from), "{from}");
        let src = MANIFEST.replacen(from, to, 1);
        assert!(
            !manifest_problems(&src).is_empty(),
            "{what} passed the schema"
        );
    }
    let bad_rule = format!("{MANIFEST}\n[[overrides]]\nrule = \"friday\"\n");
    assert!(
        !manifest_problems(&bad_rule).is_empty(),
        "an unknown rule passed"
    );
}

#[test]
fn the_checklist_schema_flags_the_usual_mistakes() {
    let v = validator("checklist.schema.json");
    let check = |src: &str| problems(&v, &to_json(toml::from_str(src).unwrap()));
    let good = "[policy]\ntimezone = \"Asia/Seoul\"\nevidence_max_age = \"7d\"\n\n[[policy.freeze]]\ndays = [\"Fri\"]\nfrom = \"18:00\"\nto = \"24:00\"\nallow = \"None\"\n\n[[items]]\nid = \"a\"\nprompt = \"?\"\nkind = \"Choice\"\nchoices = [\"x\"]\nwhen = \"high\"\n";
    assert_eq!(check(good), Vec::<String>::new());
    for (from, to, what) in [
        ("days = [\"Fri\"]", "days = [\"friday\"]", "an unknown day"),
        ("to = \"24:00\"", "to = \"24:30\"", "a time past 24:00"),
        ("allow = \"None\"", "allow = \"some\"", "an unknown allow"),
        ("allow = \"None\"\n", "\n", "a window without allow"),
        (
            "kind = \"Choice\"",
            "kind = \"radio\"",
            "an unknown item kind",
        ),
        ("prompt = \"?\"\n", "\n", "an item without a prompt"),
        (
            "evidence_max_age = \"7d\"",
            "evidence_max_age = 7",
            "an age as a number",
        ),
        ("[policy]\n", "[policy]\nmin_on_cal = 2\n", "a misspelt key"),
    ] {
        assert!(good.contains(from), "{from}");
        assert!(
            !check(&good.replacen(from, to, 1)).is_empty(),
            "{what} passed the schema"
        );
    }
}

/// `check --format json` of a release, whatever its verdict.
fn report_of(manifest: &str, now: &str) -> Value {
    let out = assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(root())
        .args(["check", "--format", "json", "-m", manifest, "--now", now])
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{manifest}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_json_report_validates_against_the_report_schema() {
    let v = validator("report.schema.json");
    for (manifest, now) in [
        ("examples/story/friday.toml", "2026-11-20T22:40:00+09:00"),
        (
            "examples/holidays/release.toml",
            "2026-09-24T10:00:00+09:00",
        ),
    ] {
        let report = report_of(manifest, now);
        assert_eq!(problems(&v, &report), Vec::<String>::new(), "{manifest}");
    }
    let mut broken = report_of("examples/story/friday.toml", "2026-11-20T22:40:00+09:00");
    broken["findings"][0]["level"] = "maybe".into();
    assert!(!problems(&v, &broken).is_empty(), "a wrong level passed");
    broken["findings"][0]["level"] = "block".into();
    broken["findings"][0]["rule"] = "friday".into();
    assert!(!problems(&v, &broken).is_empty(), "an unknown rule passed");
}

#[test]
fn a_signoff_record_validates_against_the_record_schema() {
    let v = validator("record.schema.json");
    let out = assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(root())
        .args([
            "signoff",
            "--format",
            "json",
            "-m",
            "examples/story/wednesday.toml",
            "--now",
            "2026-11-25T13:30:00+09:00",
        ])
        .output()
        .unwrap();
    let record: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(problems(&v, &record), Vec::<String>::new());
    let mut unsigned = record.clone();
    unsigned.as_object_mut().unwrap().remove("signoff");
    assert!(
        !problems(&v, &unsigned).is_empty(),
        "a record without its signoff passed"
    );
}
