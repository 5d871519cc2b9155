//! The approvals file (`<manifest stem>.approvals.toml`): who reviewed which version of the
//! manifest, when, and, where the policy asks for it, their SSH signature over it. Written by
//! `relcheck approve`, read by every command that judges.
//!
//! A malformed file is an input error; an approval that does not count (an older manifest, a
//! bad signature, the deployer) is not: the `two-person` finding says why.

use super::values::{is_blank, name_key, Timestamp};
use crate::error::InputError;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApprovals {
    #[serde(default)]
    approvals: Vec<RawApproval>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApproval {
    /// Who approved.
    by: Spanned<String>,
    /// When they approved (not signed: a signature covers the manifest only).
    at: Timestamp,
    /// sha256 of the manifest's bytes the approver reviewed, 64 hex characters.
    manifest_sha256: Spanned<String>,
    /// An SSHSIG (`ssh-keygen -Y sign -n relcheck-approval`) over the 64 lower-case hex
    /// characters of `manifest_sha256`.
    signature: Option<String>,
}

/// One recorded approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub by: String,
    pub at: Timestamp,
    /// Lower-case hex.
    pub manifest_sha256: String,
    pub signature: Option<String>,
}

/// The approvals of one release, in the file's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approvals {
    pub entries: Vec<Approval>,
}

impl Approvals {
    pub fn parse(file: &str, source: &str) -> Result<Approvals, InputError> {
        let raw: RawApprovals = super::from_toml(file, source)?;
        let err = |span: std::ops::Range<usize>, msg: String| {
            InputError::at(file, source, Some(span), msg)
        };
        let mut entries = Vec::with_capacity(raw.approvals.len());
        // Every mistake of the file at once, as for the manifest.
        let mut found = Vec::new();
        for a in raw.approvals {
            if is_blank(a.by.get_ref()) {
                found.push(err(
                    a.by.span(),
                    "an approval's by must not be empty".into(),
                ));
            }
            let sha = a.manifest_sha256.get_ref().trim();
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                found.push(err(
                    a.manifest_sha256.span(),
                    format!(
                        "manifest_sha256 must be 64 hex characters, got \"{}\"",
                        sha.escape_debug()
                    ),
                ));
                continue;
            }
            entries.push(Approval {
                by: a.by.get_ref().trim().to_string(),
                at: a.at,
                manifest_sha256: sha.to_ascii_lowercase(),
                signature: a.signature,
            });
        }
        match InputError::several(found) {
            Some(e) => Err(e),
            None => Ok(Approvals { entries }),
        }
    }

    /// Adds `a`, replacing an earlier approval of the same person for the same manifest.
    pub fn record(&mut self, a: Approval) {
        self.entries.retain(|e| {
            !(name_key(&e.by) == name_key(&a.by) && e.manifest_sha256 == a.manifest_sha256)
        });
        self.entries.push(a);
    }

    /// The file's text: one `[[approvals]]` table per approval, in order.
    pub fn to_toml(&self) -> String {
        let mut out = String::from(
            "# Approvals of this release, written by `relcheck approve`.\n# An approval counts only for the manifest whose sha256 it names.\n",
        );
        for a in &self.entries {
            let mut t = toml::Table::new();
            t.insert("by".into(), a.by.clone().into());
            t.insert("at".into(), a.at.to_string().into());
            t.insert("manifest_sha256".into(), a.manifest_sha256.clone().into());
            if let Some(s) = &a.signature {
                t.insert("signature".into(), s.clone().into());
            }
            let mut doc = toml::Table::new();
            doc.insert(
                "approvals".into(),
                toml::Value::Array(vec![toml::Value::Table(t)]),
            );
            out.push('\n');
            out.push_str(&toml::to_string(&doc).expect("a table of strings serialises"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn one(by: &str, sha: &str) -> Approval {
        Approval {
            by: by.into(),
            at: Timestamp::parse("2026-11-25T11:20:00+09:00").unwrap(),
            manifest_sha256: sha.into(),
            signature: Some(
                "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n".into(),
            ),
        }
    }

    #[test]
    fn an_approvals_file_round_trips_through_its_text() {
        let mut a = Approvals::default();
        a.record(one("minho", SHA));
        a.record(Approval {
            signature: None,
            ..one("hana", SHA)
        });
        let text = a.to_toml();
        assert_eq!(Approvals::parse("a.toml", &text).unwrap(), a);
    }

    #[test]
    fn approving_the_same_manifest_again_replaces_the_earlier_approval() {
        let mut a = Approvals::default();
        a.record(one("minho", SHA));
        a.record(one(" MINHO", SHA));
        assert_eq!(a.entries.len(), 1);
        let other = SHA.replace('9', "8");
        a.record(one("minho", &other));
        assert_eq!(a.entries.len(), 2);
    }

    #[test]
    fn every_malformed_approval_is_reported_at_once() {
        let src = format!(
            "[[approvals]]\nby = \" \"\nat = \"2026-11-25T11:20:00+09:00\"\nmanifest_sha256 = \"{SHA}\"\n\n[[approvals]]\nby = \"hana\"\nat = \"2026-11-25T11:20:00+09:00\"\nmanifest_sha256 = \"xyz\"\n"
        );
        let e = Approvals::parse("a.toml", &src).unwrap_err();
        let positions: Vec<_> = e.all().iter().map(|e| e.position).collect();
        assert_eq!(positions, [Some((2, 6)), Some((9, 19))]);
    }

    #[test]
    fn a_malformed_approval_is_an_input_error_at_its_key() {
        let src = "[[approvals]]\nby = \"minho\"\nat = \"2026-11-25T11:20:00+09:00\"\nmanifest_sha256 = \"abc\"\n";
        let e = Approvals::parse("release.approvals.toml", src).unwrap_err();
        assert_eq!(
            e.to_string(),
            "release.approvals.toml:4:19: manifest_sha256 must be 64 hex characters, got \"abc\""
        );
        let blank = format!(
            "[[approvals]]\nby = \"\\u200b\"\nat = \"2026-11-25T11:20:00+09:00\"\nmanifest_sha256 = \"{SHA}\"\n"
        );
        let e = Approvals::parse("a.toml", &blank).unwrap_err();
        assert_eq!(e.position, Some((2, 6)));
        let unknown =
            format!("[[approvals]]\nby = \"minho\"\nwhen = 1\nmanifest_sha256 = \"{SHA}\"\n");
        assert!(Approvals::parse("a.toml", &unknown)
            .unwrap_err()
            .message
            .contains("unknown key `when`"));
    }
}
