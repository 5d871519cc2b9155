//! Runs every release in `tests/corpus/` through the binary and compares the verdict, the
//! exit code and the set of rules that block, warn and were overridden with the case's
//! `case.toml` (written from SPEC, not from the implementation).

use std::collections::BTreeSet;
use std::path::Path;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    now: String,
    #[serde(default)]
    args: Vec<String>,
    exit: i32,
    blocks: Option<Vec<String>>,
    warns: Option<Vec<String>>,
    overridden: Option<Vec<String>>,
    #[serde(default)]
    stderr_contains: Vec<String>,
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

fn rules_where(
    report: &serde_json::Value,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| pred(f))
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn check_case(dir: &Path) -> Result<(), String> {
    let case: Case = toml::from_str(&std::fs::read_to_string(dir.join("case.toml")).unwrap())
        .map_err(|e| format!("case.toml: {e}"))?;
    let out = assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(dir)
        .env_remove("RELCHECK_NOW")
        .env_remove("GITHUB_STEP_SUMMARY")
        .args([
            "check",
            "--format",
            "json",
            "--manifest",
            "release.toml",
            "--now",
            &case.now,
        ])
        .args(&case.args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = Vec::new();
    if code != case.exit {
        problems.push(format!("exit {code}, expected {}", case.exit));
    }
    if code == 2 {
        for s in &case.stderr_contains {
            if !stderr.contains(s.as_str()) {
                problems.push(format!("stderr lacks {s:?}"));
            }
        }
        // SPEC "JSON report": with --format json an input error is the error object, no
        // report, and it holds the errors stderr shows.
        match serde_json::from_str::<serde_json::Value>(&stdout) {
            Err(e) => problems.push(format!("an input error printed no error object: {e}")),
            Ok(object) => {
                if object["verdict"] != "error" || object["schema_version"] != 2 {
                    problems.push(format!("an input error printed a report: {object}"));
                }
                let errors = object["errors"].as_array().cloned().unwrap_or_default();
                if errors.is_empty() {
                    problems.push("the error object lists no errors".into());
                }
                for e in errors {
                    let message = e["message"].as_str().unwrap_or_default();
                    if message.is_empty() || e["file"].as_str().is_none() {
                        problems.push(format!("an error without file or message: {e}"));
                    }
                }
            }
        }
    } else if code == 0 || code == 1 {
        let report: serde_json::Value =
            serde_json::from_str(&stdout).map_err(|e| format!("bad JSON: {e}"))?;
        let verdict = report["verdict"].as_str().unwrap_or_default();
        if verdict != if code == 0 { "go" } else { "no-go" } {
            problems.push(format!("verdict {verdict} with exit {code}"));
        }
        let got_blocks = rules_where(&report, |f| f["level"] == "block");
        let got_warns = rules_where(&report, |f| f["level"] == "warn");
        let got_overridden = rules_where(&report, |f| f["overridden"] == true);
        for (name, want, got) in [
            ("blocks", &case.blocks, got_blocks),
            ("warns", &case.warns, got_warns),
            ("overridden", &case.overridden, got_overridden),
        ] {
            if let Some(want) = want {
                if set(want) != got {
                    problems.push(format!("{name} {got:?}, expected {:?}", set(want)));
                }
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        let messages: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("    {} {}: {}", f["level"], f["rule"], f["message"]))
            .collect();
        problems.push(format!("findings:\n{}", messages.join("\n")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n  {}\n  stderr: {}",
            case.description,
            problems.join("\n  "),
            stderr.trim()
        ))
    }
}

#[test]
fn every_corpus_release_gets_the_outcome_spec_implies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 100,
        "the corpus has only {} cases",
        dirs.len()
    );
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            check_case(d)
                .err()
                .map(|e| format!("{}: {e}", d.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases disagree:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}
