//! The two-person rule end to end: `relcheck approve` records (and with `--key` signs) an
//! approval, `relcheck check` counts it only for the manifest it was given for, and a policy
//! with `allowed_signers` counts only signatures that verify. Keys are made now by the real
//! `ssh-keygen`; signatures `relcheck approve` makes are checked by `ssh-keygen -Y verify`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Output;

const NOW: &str = "2026-11-25T10:00:00+09:00";

const MANIFEST: &str = r#"[release]
name = "cart release"
deployer = "jiyoon"
deploy_at = "2026-11-25T14:00:00+09:00"
list_frozen_at = "2026-11-23T14:00:00+09:00"
checklist = "checklist.toml"

[[changes]]
id = "cart-cache"
title = "Cart cache eviction"
severity = "high"
impact = 6
likelihood = 4
recovery = "1h"
rollback = "Flag cart.cache_v2 off (1 min)"

[monitoring]
dashboards = ["https://grafana.example/d/cart"]
watch_minutes = 30

[contacts]
on_call = ["minho", "hana"]
"#;

const TEMPLATE: &str =
    "[policy]\ntimezone = \"Asia/Seoul\"\n\n[[items]]\nid = \"ready\"\nprompt = \"Ready?\"\n";

struct Release {
    dir: tempfile::TempDir,
}

impl Release {
    fn new(template_extra: &str) -> Release {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("release.toml"), MANIFEST).unwrap();
        std::fs::write(
            dir.path().join("checklist.toml"),
            TEMPLATE.replace("[policy]\n", &format!("[policy]\n{template_extra}")),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("release.answers.toml"),
            "[answers.ready]\nvalue = true\n",
        )
        .unwrap();
        Release { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn relcheck(&self, args: &[&str]) -> Output {
        Command::cargo_bin("relcheck")
            .unwrap()
            .current_dir(self.dir.path())
            .env_remove("RELCHECK_NOW")
            .env_remove("RELCHECK_SIGNING_KEY")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("CI", "true")
            .args(["--now", NOW])
            .args(args)
            .output()
            .unwrap()
    }

    fn check(&self) -> (i32, serde_json::Value) {
        let out = self.relcheck(&["check", "--format", "json"]);
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap(), json)
    }

    /// A fresh ed25519 key, and its line in an allowed-signers file for `principal`.
    fn key(&self, name: &str, principal: &str) -> (PathBuf, String) {
        let key = self.path(name);
        let out = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&key)
            .output()
            .expect("these tests need ssh-keygen: apt-get install openssh-client");
        assert!(out.status.success(), "{out:?}");
        let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        (key, format!("{principal} {public}"))
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn approvals(report: &serde_json::Value) -> Vec<(String, bool, bool)> {
    report["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["by"].as_str().unwrap().to_string(),
                a["counts"].as_bool().unwrap(),
                a["signed"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn blocks(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "block")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_approval_counts_for_the_manifest_it_was_given_for_and_an_edit_voids_it() {
    let r = Release::new("");
    let (code, report) = r.check();
    assert_eq!((code, blocks(&report)), (1, vec!["two-person".to_string()]));

    let out = r.relcheck(&["approve", "--by", "hana", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("recorded hana's unsigned approval"));
    let (code, report) = r.check();
    assert_eq!(code, 0, "{report}");
    assert_eq!(approvals(&report), [("hana".to_string(), true, false)]);

    // The manifest is edited after the review: the approval no longer counts.
    let edited = MANIFEST.replace("recovery = \"1h\"", "recovery = \"2h\"");
    std::fs::write(r.path("release.toml"), edited).unwrap();
    let (code, report) = r.check();
    assert_eq!((code, blocks(&report)), (1, vec!["two-person".to_string()]));
    let reason = report["approvals"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("older version of the manifest"), "{reason}");

    // Approving again adds the approval of the new version beside the old one.
    assert!(r
        .relcheck(&["approve", "--by", "hana", "--yes"])
        .status
        .success());
    let (code, report) = r.check();
    assert_eq!(code, 0);
    assert_eq!(report["approvals"].as_array().unwrap().len(), 2);
}

#[test]
fn approve_refuses_the_deployer_and_asks_nothing_without_a_terminal() {
    let r = Release::new("");
    let own = r.relcheck(&["approve", "--by", "Jiyoon\u{200b}", "--yes"]);
    assert_eq!(own.status.code(), Some(2));
    assert!(stderr(&own).contains("is the deployer"), "{}", stderr(&own));
    let unasked = r.relcheck(&["approve", "--by", "hana"]);
    assert_eq!(unasked.status.code(), Some(2));
    assert!(stderr(&unasked).contains("--yes"), "{}", stderr(&unasked));
    assert!(!r.path("release.approvals.toml").exists());
}

#[test]
fn under_allowed_signers_only_a_signed_approval_counts_and_ssh_keygen_verifies_it() {
    let r = Release::new("allowed_signers = \"allowed_signers\"\n");
    let (minho, minho_line) = r.key("minho", "minho");
    let (stranger, _) = r.key("stranger", "stranger");
    std::fs::write(r.path("allowed_signers"), minho_line).unwrap();

    // Unsigned, or signed by a key that is not listed: neither counts.
    assert!(r
        .relcheck(&["approve", "--by", "hana", "--yes"])
        .status
        .success());
    let s = stranger.to_str().unwrap();
    let out = r.relcheck(&["approve", "--by", "stranger", "--key", s, "--yes"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("warning: this approval will not count: the signing key SHA256:"),
        "{}",
        stderr(&out)
    );
    let (code, report) = r.check();
    assert_eq!(code, 1);
    assert_eq!(
        approvals(&report),
        [
            ("hana".to_string(), false, false),
            ("stranger".to_string(), false, false)
        ]
    );
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "two-person")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(finding.contains("hana: it is not signed"), "{finding}");
    assert!(finding.contains("is not in allowed_signers"), "{finding}");

    // minho signs with the key allowed_signers lists for him: GO.
    let out = r.relcheck(&[
        "approve",
        "--by",
        "minho",
        "--key",
        minho.to_str().unwrap(),
        "--yes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (code, report) = r.check();
    assert_eq!(code, 0, "{report}");
    assert!(approvals(&report).contains(&("minho".to_string(), true, true)));

    // The signature relcheck wrote is exactly what ssh-keygen checks.
    let file: toml::Table =
        toml::from_str(&std::fs::read_to_string(r.path("release.approvals.toml")).unwrap())
            .unwrap();
    let entry = file["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["by"].as_str() == Some("minho"))
        .unwrap();
    let sig = r.path("minho.sig");
    std::fs::write(&sig, entry["signature"].as_str().unwrap()).unwrap();
    let sha = entry["manifest_sha256"].as_str().unwrap();
    assert_eq!(sha, sha256_hex(&r.path("release.toml")));
    let mut verify = std::process::Command::new("ssh-keygen");
    verify
        .args([
            "-Y",
            "verify",
            "-n",
            "relcheck-approval",
            "-I",
            "minho",
            "-f",
        ])
        .arg(r.path("allowed_signers"))
        .arg("-s")
        .arg(&sig)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = verify.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), sha.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "ssh-keygen -Y verify: {out:?}");
}

#[test]
fn a_signature_made_by_ssh_keygen_itself_counts() {
    let r = Release::new("allowed_signers = \"allowed_signers\"\n");
    let (hana, line) = r.key("hana", "hana");
    std::fs::write(r.path("allowed_signers"), line).unwrap();
    let sha = sha256_hex(&r.path("release.toml"));
    let mut child = std::process::Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "relcheck-approval", "-f"])
        .arg(&hana)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), sha.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let signature = String::from_utf8(out.stdout).unwrap();
    std::fs::write(
        r.path("release.approvals.toml"),
        format!(
            "[[approvals]]\nby = \"hana\"\nat = \"2026-11-25T09:00:00+09:00\"\nmanifest_sha256 = \"{sha}\"\nsignature = \"\"\"\n{signature}\"\"\"\n"
        ),
    )
    .unwrap();
    let (code, report) = r.check();
    assert_eq!(code, 0, "{report}");
    assert_eq!(approvals(&report), [("hana".to_string(), true, true)]);
}

#[test]
fn an_approvals_file_or_signers_file_that_cannot_be_read_never_counts() {
    let r = Release::new("");
    std::fs::create_dir(r.path("release.approvals.toml")).unwrap();
    let out = r.relcheck(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("release.approvals.toml: not a regular file"));

    let r = Release::new("allowed_signers = \"missing_signers\"\n");
    let out = r.relcheck(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("checklist.toml:2:19: allowed_signers:"),
        "{}",
        stderr(&out)
    );

    let r = Release::new("allowed_signers = \"allowed_signers\"\n");
    std::fs::write(r.path("allowed_signers"), "minho ssh-ed25519 not-base64!\n").unwrap();
    let out = r.relcheck(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("allowed_signers:1:"),
        "{}",
        stderr(&out)
    );
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
