//! `relcheck verify`: does a sign-off still stand on the files it was signed on? Each input the
//! record lists is read once, hashed and compared with the recorded sha256; the record's own
//! digest is recomputed from its inputs, so an edited record shows too.

use super::{digest_of, Stored, StoredInput};
use crate::sha256::hex;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What became of one input since the record was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Same,
    /// Its bytes differ: their sha256 now.
    Changed(String),
    /// It cannot be read any more (missing, not a file, unreadable): why.
    Gone(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub input: StoredInput,
    /// Where it was looked for.
    pub path: PathBuf,
    pub state: State,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: Vec<Checked>,
    /// The digest recomputed from the recorded sha256 equals the recorded digest.
    pub record_intact: bool,
}

impl Verification {
    /// The record still stands: intact, and every input as it was.
    pub fn holds(&self) -> bool {
        self.record_intact && self.checked.iter().all(|c| c.state == State::Same)
    }
}

const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Checks every input of `record` against the files below `base` (the manifest's folder).
/// `builtin` is the built-in checklist's bytes, for a template recorded as `(built-in)`.
pub fn verify(record: &Stored, base: &Path, builtin: &[u8]) -> Verification {
    let checked = record
        .inputs
        .iter()
        .map(|input| {
            let path = base.join(&input.path);
            let now = if input.role == "template" && input.path == "(built-in)" {
                Ok(sha256_bytes(builtin))
            } else {
                sha256_file(&path)
            };
            let state = match now {
                Ok(sha) if sha.eq_ignore_ascii_case(&input.sha256) => State::Same,
                Ok(sha) => State::Changed(sha),
                // A file that was missing when it was signed and is missing now has not changed.
                Err(_) if input.sha256 == EMPTY => State::Same,
                Err(why) => State::Gone(why),
            };
            Checked {
                input: input.clone(),
                path,
                state,
            }
        })
        .collect();
    Verification {
        checked,
        record_intact: digest_of(&record.inputs).as_deref() == Some(record.digest.as_str()),
    }
}

fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&crate::sha256::of(bytes))
}

/// The sha256 of a regular file's bytes, read once in blocks.
fn sha256_file(path: &Path) -> Result<String, String> {
    use sha2::{Digest, Sha256};
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => format!("cannot read: {e}"),
    })?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read: {e}")),
        }
    }
    Ok(hex(&h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(inputs: Vec<StoredInput>) -> Stored {
        let digest = digest_of(&inputs).unwrap();
        Stored {
            schema_version: 2,
            verdict: "go".into(),
            release: super::super::StoredRelease {
                name: "r".into(),
                deployer: "jiyoon".into(),
                deploy_at: "2026-11-25T14:00:00+09:00".into(),
                severity: "low".into(),
                timezone: "Asia/Seoul".into(),
            },
            findings: vec![],
            overrides: vec![],
            inputs,
            digest,
            signoff: super::super::Stamp {
                by: "jiyoon".into(),
                at: "2026-11-25T13:00:00+09:00".into(),
                verdict: "go".into(),
            },
        }
    }

    fn input(role: &str, path: &str, bytes: &[u8]) -> StoredInput {
        StoredInput {
            role: role.into(),
            path: path.into(),
            sha256: sha256_bytes(bytes),
        }
    }

    #[test]
    fn unchanged_changed_gone_and_still_missing_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("release.toml"), "same").unwrap();
        std::fs::write(dir.path().join("e.jtl"), "now").unwrap();
        let r = record(vec![
            input("manifest", "release.toml", b"same"),
            input("template", "(built-in)", b"builtin"),
            input("answers", "release.answers.toml", b""),
            input("evidence", "e.jtl", b"then"),
            input("evidence", "gone.jtl", b"x"),
        ]);
        let v = verify(&r, dir.path(), b"builtin");
        let states: Vec<&State> = v.checked.iter().map(|c| &c.state).collect();
        assert_eq!(
            states,
            [
                &State::Same,
                &State::Same,
                &State::Same,
                &State::Changed(sha256_bytes(b"now")),
                &State::Gone("no such file".into())
            ]
        );
        assert!(v.record_intact && !v.holds());
    }

    #[test]
    fn an_edited_record_does_not_hold_even_when_the_files_are_as_it_says() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("release.toml"), "edited").unwrap();
        let mut r = record(vec![input("manifest", "release.toml", b"original")]);
        // Someone rewrites the recorded sha256 to match the edited file, but not the digest.
        r.inputs[0].sha256 = sha256_bytes(b"edited");
        let v = verify(&r, dir.path(), b"");
        assert_eq!(v.checked[0].state, State::Same);
        assert!(!v.record_intact && !v.holds());
    }
}
