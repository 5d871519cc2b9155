//! Sign-off records end to end: `signoff -o` writes the sign-off and its record, `verify` tells
//! whether the files behind it changed, and `log` turns a folder of records into the team's
//! history and totals.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn relcheck(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(dir)
        .env_remove("RELCHECK_NOW")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("CI", "true")
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[path = "common/story.rs"]
mod story_files;

use story_files::all as story;

const WED_NOW: &str = "2026-11-25T13:30:00+09:00";

/// `signoff -o signoffs/wed.md` of the Wednesday release, with `extra` arguments.
fn signoff_wed(d: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "signoff",
        "-m",
        "wednesday.toml",
        "--now",
        WED_NOW,
        "-o",
        "signoffs/wed.md",
    ];
    args.extend_from_slice(extra);
    relcheck(d, &args)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn signoff_o_writes_the_record_beside_the_signoff_and_its_digest_is_the_inputs() {
    let dir = story();
    let d = dir.path();
    let out = signoff_wed(d, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.join("signoffs/wed.md").is_file());
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("signoffs/wed.json")).unwrap())
            .unwrap();
    assert_eq!(record["schema_version"], 2);
    assert_eq!(record["verdict"], "go");
    assert_eq!(record["signoff"]["by"], "jiyoon");
    assert_eq!(record["signoff"]["at"], WED_NOW);
    assert_eq!(record["signoff"]["verdict"], "go");

    // Every input's sha256 is the sha256 of that file now, and the digest is the sha256 of
    // their 32-byte hashes in order.
    let inputs = record["inputs"].as_array().unwrap();
    let roles: Vec<&str> = inputs.iter().map(|i| i["role"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        ["manifest", "template", "answers", "approvals", "evidence"]
    );
    let mut concat = Vec::new();
    for i in inputs {
        let path = i["path"].as_str().unwrap();
        let bytes = match path {
            "(built-in)" => relcheck::inputs::STANDARD_CHECKLIST.as_bytes().to_vec(),
            p => std::fs::read(d.join(p)).unwrap_or_default(),
        };
        let sha = sha256_hex(&bytes);
        assert_eq!(i["sha256"], sha.as_str(), "{path}");
        concat.extend((0..32).map(|k| u8::from_str_radix(&sha[2 * k..2 * k + 2], 16).unwrap()));
    }
    assert_eq!(record["digest"], format!("sha256:{}", sha256_hex(&concat)));

    // `signoff --format json` prints the same record.
    let json = relcheck(
        d,
        &[
            "signoff",
            "-m",
            "wednesday.toml",
            "--now",
            WED_NOW,
            "--format",
            "json",
        ],
    );
    let printed: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(printed, record);

    // -o onto an existing sign-off writes nothing without --force.
    std::fs::write(d.join("signoffs/wed.md"), "kept").unwrap();
    let again = signoff_wed(d, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("signoffs/wed.md")).unwrap(),
        "kept"
    );
    let forced = signoff_wed(d, &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
}

#[test]
fn verify_names_what_changed_or_is_gone_and_an_altered_or_malformed_record() {
    let dir = story();
    let d = dir.path();
    let out = signoff_wed(d, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let ok = relcheck(d, &["verify", "signoffs/wed.json"]);
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    assert!(
        stdout(&ok).contains("The sign-off stands"),
        "{}",
        stdout(&ok)
    );

    // One evidence byte changes.
    let jtl = d.join("evidence/api-timeout-staging-rerun.jtl");
    let mut bytes = std::fs::read(&jtl).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'1' { b'2' } else { b'1' };
    std::fs::write(&jtl, &bytes).unwrap();
    let changed = relcheck(d, &["verify", "signoffs/wed.json"]);
    assert_eq!(changed.status.code(), Some(1));
    let text = stdout(&changed);
    assert!(
        text.contains("CHANGED evidence  ./evidence/api-timeout-staging-rerun.jtl")
            || text.contains("CHANGED evidence  evidence/api-timeout-staging-rerun.jtl"),
        "{text}"
    );
    assert!(text.contains("1 input(s) changed, 0 gone"), "{text}");

    // A file is deleted.
    std::fs::remove_file(d.join("wednesday.answers.toml")).unwrap();
    let gone = relcheck(d, &["verify", "signoffs/wed.json"]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(
        stdout(&gone).contains("GONE    answers"),
        "{}",
        stdout(&gone)
    );
    assert!(stdout(&gone).contains("(no such file)"));

    // The record itself is altered to match the changed evidence: its digest gives it away.
    let mut record: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("signoffs/wed.json")).unwrap())
            .unwrap();
    for i in record["inputs"].as_array_mut().unwrap() {
        if i["role"] == "evidence" {
            i["sha256"] = sha256_hex(&bytes).into();
        }
    }
    std::fs::write(d.join("signoffs/forged.json"), record.to_string()).unwrap();
    let forged = relcheck(d, &["verify", "signoffs/forged.json"]);
    assert_eq!(forged.status.code(), Some(1));
    assert!(
        stdout(&forged).contains("The record itself was altered"),
        "{}",
        stdout(&forged)
    );

    // A file that is not a record cannot be verified at all.
    std::fs::write(d.join("signoffs/notes.json"), "{\"hello\": 1}").unwrap();
    let bad = relcheck(d, &["verify", "signoffs/notes.json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("not a relcheck sign-off record"),
        "{}",
        stderr(&bad)
    );
}

/// A release on the given deploy time and severity, optionally with a freeze override.
fn release(name: &str, deploy_at: &str, severity: &str, impact: u8, over: bool) -> String {
    let overrides = if over {
        "\n[[overrides]]\nrule = \"freeze-window\"\nreason = \"customer cannot wait\"\napproved_by = \"cto\"\n"
    } else {
        ""
    };
    format!(
        r#"[release]
name = "{name}"
deployer = "jiyoon"
deploy_at = "{deploy_at}"
approvers = ["minho"]
list_frozen_at = "2026-11-01T10:00:00+09:00"
checklist = "checklist.toml"

[[changes]]
id = "c"
title = "A change"
severity = "{severity}"
impact = {impact}
likelihood = 1
recovery = "1h"
rollback = "revert"

[monitoring]
dashboards = ["https://grafana.example/d/x"]
watch_minutes = 30

[contacts]
on_call = ["minho", "hana"]
{overrides}"#
    )
}

#[test]
fn log_totals_a_folder_of_records_and_watch_records() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("checklist.toml"),
        "[policy]\ntimezone = \"Asia/Seoul\"\n\n[[items]]\nid = \"ready\"\nprompt = \"Ready?\"\n",
    )
    .unwrap();
    // (file, deploy time, severity, impact, freeze override, expected verdict)
    let releases = [
        ("fri-high", "2026-11-20T23:00:00+09:00", "high", 1, true, 0),
        (
            "fri-medium",
            "2026-11-27T22:00:00+09:00",
            "medium",
            1,
            true,
            0,
        ),
        ("wed-low", "2026-11-25T14:00:00+09:00", "low", 1, false, 0),
        (
            "thu-critical-nogo",
            "2026-11-26T14:00:00+09:00",
            "critical",
            1,
            false,
            1,
        ),
    ];
    for (name, at, sev, impact, over, code) in releases {
        std::fs::write(
            d.join(format!("{name}.toml")),
            release(name, at, sev, impact, over),
        )
        .unwrap();
        std::fs::write(
            d.join(format!("{name}.answers.toml")),
            "[answers.ready]\nvalue = true\n",
        )
        .unwrap();
        let now = at
            .replace("T23:00", "T22:30")
            .replace("T22:00", "T21:30")
            .replace("T14:00", "T13:30");
        let out = relcheck(
            d,
            &[
                "signoff",
                "-m",
                &format!("{name}.toml"),
                "--now",
                &now,
                "-o",
                &format!("signoffs/{name}.md"),
            ],
        );
        assert_eq!(out.status.code(), Some(code), "{name}: {}", stderr(&out));
    }
    // Two of the GO releases were watched: one breached, one stayed healthy.
    std::fs::write(
        d.join("signoffs/fri-high.watch.json"),
        "{\"schema_version\": 2, \"outcome\": \"breach\"}",
    )
    .unwrap();
    std::fs::write(
        d.join("signoffs/wed-low.watch.json"),
        "{\"schema_version\": 2, \"outcome\": \"healthy\"}",
    )
    .unwrap();
    std::fs::write(d.join("signoffs/team-notes.json"), "[1, 2, 3]").unwrap();

    let out = relcheck(d, &["log", "signoffs", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("skipped signoffs/team-notes.json"),
        "{}",
        stderr(&out)
    );
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = log["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["fri-high", "wed-low", "thu-critical-nogo", "fri-medium"]
    );
    let t = &log["totals"];
    assert_eq!(t["releases"], 4);
    assert_eq!(
        t["by_weekday_severity"],
        serde_json::json!({"fri": {"high": 1, "medium": 1}, "wed": {"low": 1}, "thu": {"critical": 1}})
    );
    assert_eq!(t["in_freeze"], 2);
    assert_eq!(
        t["overrides"]["by_rule"],
        serde_json::json!({"freeze-window": 2})
    );
    assert_eq!(t["overrides"]["by_approver"], serde_json::json!({"cto": 2}));
    assert_eq!(t["no_go"], 1);
    assert_eq!(t["watched"], 2);
    assert_eq!(t["breached"], 1);
    assert_eq!(t["change_failure_rate"], 0.5);
    assert_eq!(log["releases"][0]["watch"], "breach");
    assert_eq!(log["releases"][0]["weekday"], "fri");
    assert_eq!(
        log["releases"][0]["overrides"],
        serde_json::json!(["freeze-window"])
    );
    assert_eq!(log["releases"][2]["verdict"], "no-go");
    assert_eq!(log["releases"][3]["watch"], Value::Null);

    // --since keeps the later ones; without a finished watch the failure rate is null.
    let since = relcheck(
        d,
        &[
            "log",
            "signoffs",
            "--since",
            "2026-11-26",
            "--format",
            "json",
        ],
    );
    let log: Value = serde_json::from_slice(&since.stdout).unwrap();
    assert_eq!(log["totals"]["releases"], 2);
    assert_eq!(log["totals"]["change_failure_rate"], Value::Null);

    // The text log fits an 80-column terminal.
    let text = Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(d)
        .env("COLUMNS", "80")
        .args(["log", "signoffs"])
        .output()
        .unwrap();
    let text = stdout(&text);
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(
        text.contains("Change failure rate   50.0% (1 of 2 watches that ended breached)"),
        "{text}"
    );
}
