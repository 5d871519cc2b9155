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

    // The digest: sha256 over the binary sha256 of manifest, built-in template, answers and
    // approvals (both missing: no bytes) and the evidence (unreadable: no bytes).
    let mut d = Sha256::new();
    for part in [
        manifest.as_bytes(),
        relcheck::inputs::STANDARD_CHECKLIST.as_bytes(),
        b"",
        b"",
        b"",
    ] {
        d.update(Sha256::digest(part));
    }
    let want = format!("sha256:{:x}", d.finalize());
    assert_eq!(report["digest"].as_str().unwrap(), want);
    let empty = format!("{:x}", Sha256::digest(b""));
    assert_eq!(
        report["inputs"],
        serde_json::json!([
            {"role": "manifest", "path": "release.toml",
             "sha256": format!("{:x}", Sha256::digest(manifest.as_bytes()))},
            {"role": "template", "path": "(built-in)",
             "sha256": format!("{:x}", Sha256::digest(relcheck::inputs::STANDARD_CHECKLIST))},
            {"role": "answers", "path": "release.answers.toml", "sha256": empty},
            {"role": "approvals", "path": "release.approvals.toml", "sha256": empty},
            {"role": "evidence", "path": "/proc/self/status", "sha256": empty},
        ])
    );
    assert_eq!(report["schema_version"], 2);
}

const KINDS: [&str; 7] = [
    "jmeter",
    "k6",
    "locust",
    "artillery",
    "ngrinder",
    "junit",
    "file",
];

/// A manifest with one evidence of each kind at `path`.
fn every_kind_at(path: &str) -> String {
    let mut m = MANIFEST
        .split("[[changes.evidence]]")
        .next()
        .unwrap()
        .to_string();
    for kind in KINDS {
        m += &format!(
            "[[changes.evidence]]\nkind = \"{kind}\"\nenv = \"staging\"\npath = \"{path}\"\n\
             recorded_at = \"2026-11-25T10:00:00+09:00\"\n"
        );
    }
    m
}

/// Judges the manifest in `dir` with `progress` on a helper thread; panics after 30 s
/// (a guard against a hang, not a measure of speed).
fn reasons(
    dir: &std::path::Path,
    progress: impl relcheck::evidence::Progress + Send + 'static,
) -> Vec<String> {
    let dir = dir.to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let inputs = relcheck::inputs::load(&relcheck::inputs::Locations {
            manifest: Some(dir.join("release.toml")),
            ..Default::default()
        })
        .unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T13:00:00+09:00").unwrap();
        let report = relcheck::judge::judge_probed(
            &inputs,
            now,
            &relcheck::rules::MonitoringProbe::NotNamed,
            &progress,
        );
        let _ = tx.send(
            report
                .evidence
                .iter()
                .map(|e| e.reason.clone().unwrap_or_default())
                .collect::<Vec<_>>(),
        );
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("judging finished")
}

#[test]
fn every_kind_refuses_a_fifo_and_a_folder_through_the_one_reader() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    for path in ["pipe", "folder"] {
        std::fs::write(dir.path().join("release.toml"), every_kind_at(path)).unwrap();
        let got = reasons(dir.path(), relcheck::evidence::Quiet);
        let want = format!("{}: not a regular file", dir.path().join(path).display());
        assert_eq!(got, vec![want; KINDS.len()], "{path}");
    }
}

/// Changes the file when its first block has been read.
struct ChangeAfterFirstBlock {
    path: std::path::PathBuf,
    grow: bool,
}

impl relcheck::evidence::Progress for ChangeAfterFirstBlock {
    fn read(&self, path: &std::path::Path, done: u64, _len: u64) {
        assert_eq!(path, self.path);
        if done == 1 << 20 {
            let f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
            if self.grow {
                use std::io::Write;
                (&f).write_all(b"\n").unwrap();
            } else {
                f.set_len(1000).unwrap();
            }
        }
    }
}

#[test]
fn every_kind_fails_a_file_cut_short_or_grown_while_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    std::fs::write(dir.path().join("release.toml"), every_kind_at("big")).unwrap();
    for grow in [false, true] {
        std::fs::write(&path, vec![b' '; 3 << 20]).unwrap();
        let progress = RestoreAndChange {
            inner: ChangeAfterFirstBlock {
                path: path.clone(),
                grow,
            },
        };
        let got = reasons(dir.path(), progress);
        let want = format!(
            "{}: the file changed while it was being read",
            path.display()
        );
        assert_eq!(got, vec![want; KINDS.len()], "grow {grow}");
    }
}

/// Puts the 3 MiB file back before each kind reads it, then changes it after one block.
struct RestoreAndChange {
    inner: ChangeAfterFirstBlock,
}

impl relcheck::evidence::Progress for RestoreAndChange {
    fn read(&self, path: &std::path::Path, done: u64, len: u64) {
        self.inner.read(path, done, len);
    }
    fn finished(&self, path: &std::path::Path) {
        std::fs::write(path, vec![b' '; 3 << 20]).unwrap();
    }
}
