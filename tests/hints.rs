//! Hints that point the right way: a JMeter file written the wrong way names the property to
//! set, and an override of two-person says to add an approver instead.

use assert_cmd::Command;

const NOW: &str = "2026-11-25T13:30:00+09:00";

const MANIFEST: &str = r#"
[release]
name = "hints"
deployer = "jiyoon"
deploy_at = "2026-11-25T14:00:00+09:00"

[[changes]]
id = "api"
title = "API"
severity = "critical"
impact = 9
likelihood = 6
recovery = "1h"
[[changes.evidence]]
kind = "jmeter"
env = "staging"
path = "run.jtl"
"#;

/// `check --format json` on the manifest (plus `extra`) with `jtl` as the evidence.
fn check(jtl: &str, extra: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("release.toml"),
        format!("{MANIFEST}{extra}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("run.jtl"), jtl).unwrap();
    let out = Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(["check", "--format", "json", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn reason(report: &serde_json::Value) -> String {
    report["evidence"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_jtl_with_dates_for_timestamps_names_the_property_to_set() {
    let jtl = "timeStamp,elapsed,label,success\n2026/11/25 10:00:00.000,12,GET /,true\n";
    let r = reason(&check(jtl, ""));
    assert!(
        r.contains("jmeter.save.saveservice.timestamp_format=ms"),
        "{r}"
    );
}

#[test]
fn jmeter_xml_output_names_the_property_to_set() {
    let jtl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testResults version=\"1.2\">\n</testResults>\n";
    let r = reason(&check(jtl, ""));
    assert!(r.contains("XML"), "{r}");
    assert!(
        r.contains("jmeter.save.saveservice.output_format=csv"),
        "{r}"
    );
}

#[test]
fn an_override_of_two_person_says_to_add_an_approver() {
    let jtl = "timeStamp,elapsed,success\n1764032400000,12,true\n";
    let report = check(
        jtl,
        "\n[[overrides]]\nrule = \"two-person\"\nreason = \"everyone is away\"\napproved_by = \"cto\"\n",
    );
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "override-invalid")
        .expect("an override-invalid finding");
    let hint = finding["hint"].as_str().unwrap();
    assert!(hint.contains("two-person cannot be overridden"), "{hint}");
    assert!(hint.contains("add an approver"), "{hint}");
}
