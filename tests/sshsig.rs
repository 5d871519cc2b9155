//! Signatures made now by this machine's `ssh-keygen -Y sign`, with keys it makes now, judged by
//! `relcheck::sshsig` (the committed fixtures in tests/fixtures/keys are judged beside the code).

use relcheck::sshsig::{self, AllowedSigners, NAMESPACE};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MESSAGE: &str = "9c1b7f3e5a2d4c6b8e0f1a3c5e7d9b2a4c6e8f0a1b3d5c7e9f2a4b6d8c0e1f3a";

fn ssh_keygen(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new("ssh-keygen")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("these tests need ssh-keygen (apt-get install openssh-client): {e}")
        });
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "ssh-keygen {args:?}: {out:?}");
    out
}

fn new_key(dir: &Path, name: &str, kind: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let mut args = vec!["-q", "-N", "", "-C", name, "-f", path.to_str().unwrap()];
    args.extend(kind);
    ssh_keygen(&args, b"");
    path
}

fn ssh_sign(key: &Path, namespace: &str) -> String {
    let out = ssh_keygen(
        &["-Y", "sign", "-f", key.to_str().unwrap(), "-n", namespace],
        MESSAGE.as_bytes(),
    );
    String::from_utf8(out.stdout).unwrap()
}

fn allowed_line(principals: &str, key: &Path) -> String {
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    format!("{principals} {public}")
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-27T23:00:00+09:00").unwrap()
}

#[test]
fn signatures_made_now_by_ssh_keygen_verify_for_every_supported_key_type() {
    let dir = tempfile::tempdir().unwrap();
    for (name, kind, key_type) in [
        ("ed25519", &["-t", "ed25519"][..], "ssh-ed25519"),
        (
            "p256",
            &["-t", "ecdsa", "-b", "256"][..],
            "ecdsa-sha2-nistp256",
        ),
        (
            "p384",
            &["-t", "ecdsa", "-b", "384"][..],
            "ecdsa-sha2-nistp384",
        ),
        ("rsa", &["-t", "rsa", "-b", "2048"][..], "ssh-rsa"),
    ] {
        let key = new_key(dir.path(), name, kind);
        let text = allowed_line("# a comment line first\nhana", &key);
        let signers = AllowedSigners::parse("allowed_signers", &text).unwrap();
        let sig = ssh_sign(&key, NAMESPACE);
        let info = sshsig::verify(&signers, "Hana", MESSAGE.as_bytes(), &sig, now())
            .unwrap_or_else(|r| panic!("{name}: {r}"));
        assert_eq!((info.key_type.as_str(), info.line), (key_type, 2), "{name}");

        let git = ssh_sign(&key, "git");
        let r = sshsig::verify(&signers, "hana", MESSAGE.as_bytes(), &git, now()).unwrap_err();
        assert_eq!(r.code(), "wrong-namespace", "{name}");
        let r = sshsig::verify(&signers, "minho", MESSAGE.as_bytes(), &sig, now()).unwrap_err();
        assert_eq!(r.code(), "other-principal", "{name}");
    }
}
