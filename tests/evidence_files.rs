//! Evidence paths that are not regular files — a FIFO, a directory, a device, a missing
//! file — fail that evidence with a reason; they never hang or crash the gate.

use std::time::Duration;

const MANIFEST: &str = r#"
[release]
name = "odd files"
deployer = "jiyoon"
deploy_at = "2026-11-25T14:00:00+09:00"

[[changes]]
id = "api"
title = "API"
severity = "low"
impact = 1
likelihood = 1
recovery = "1h"

[[changes.evidence]]
kind = "jmeter"
env = "staging"
path = "pipe.jtl"

[[changes.evidence]]
kind = "file"
env = "staging"
path = "folder"

[[changes.evidence]]
kind = "k6"
env = "staging"
path = "/dev/zero"
recorded_at = "2026-11-25T10:00:00+09:00"

[[changes.evidence]]
kind = "junit"
env = "staging"
path = "missing.xml"
recorded_at = "2026-11-25T10:00:00+09:00"
"#;

/// Runs `check --format json` in `dir` (never for long), expects NO-GO, returns the report.
fn check_no_go(dir: &std::path::Path) -> serde_json::Value {
    let out = assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(dir)
        .args([
            "check",
            "--format",
            "json",
            "--now",
            "2026-11-25T13:00:00+09:00",
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn fifos_directories_devices_and_missing_files_fail_their_evidence_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.toml"), MANIFEST).unwrap();
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.jtl"))
        .status()
        .unwrap();
    assert!(status.success());

    let report = check_no_go(dir.path());
    let reasons: Vec<&str> = report["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["passed"], false);
            e["reason"].as_str().unwrap()
        })
        .collect();
    assert!(reasons[0].contains("not a regular file"), "{}", reasons[0]);
    assert!(reasons[1].contains("not a regular file"), "{}", reasons[1]);
    assert!(reasons[2].contains("not a regular file"), "{}", reasons[2]);
    assert!(reasons[3].contains("no such file"), "{}", reasons[3]);
    let failed = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "evidence-failed" && f["subject"] == "api")
        .count();
    assert_eq!(failed, 4);
}

#[test]
fn a_file_that_changes_while_read_fails_and_counts_as_empty_in_the_digest() {
    use sha2::{Digest, Sha256};
    // /proc files claim a size of 0 but read as more: exactly "changed while it was read".
    let manifest = MANIFEST.split("[[changes.evidence]]").next().unwrap().to_string()
        + "[[changes.evidence]]\nkind = \"file\"\nenv = \"staging\"\npath = \"/proc/self/status\"\nrecorded_at = \"2026-11-25T10:00:00+09:00\"\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.toml"), &manifest).unwrap();
    let report = check_no_go(dir.path());
    let reason = report["evidence"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("changed while it was being read"),
        "{reason}"
    );

    let mut d = Sha256::new();
    for part in [
        manifest.as_bytes(),
        relcheck::inputs::STANDARD_CHECKLIST.as_bytes(),
        b"",
        b"",
    ] {
        d.update((part.len() as u64).to_be_bytes());
        d.update(part);
    }
    let want = format!("sha256:{}", relcheck::evidence::hex(&d.finalize()));
    assert_eq!(report["digest"].as_str().unwrap(), want);
}
