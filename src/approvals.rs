//! Which approvals count for the two-person rule, and why the others do not.
//!
//! An approval counts when it names the manifest's current sha256 (editing the manifest after
//! review voids it), is not the deployer's, and, when the policy sets `allowed_signers`, carries
//! an SSH signature that verifies for its `by` under that file. Without `allowed_signers` a name
//! in `[release].approvers` counts too; with it, only signed approvals do, so nobody can type a
//! name in. This module is pure: signature checking comes in as a [`Verify`] function.

use crate::model::approvals::Approval;
use crate::model::values::{is_blank, name_key, same_name};
use serde::Serialize;
use std::collections::BTreeSet;

/// Checks one signature: `(principal, message, armored signature)` → `Ok` or why not.
pub type Verify<'a> = &'a dyn Fn(&str, &[u8], &str) -> Result<(), String>;

/// Where an approval was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The approvals file, written by `relcheck approve`.
    File,
    /// A name typed into `[release].approvers`.
    Manifest,
}

/// One approval as judged, for the report and the sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Status {
    pub by: String,
    /// When it was given; `None` for a name in `[release].approvers`.
    pub at: Option<String>,
    pub source: Source,
    pub counts: bool,
    /// Its SSH signature verified under the policy's `allowed_signers`.
    pub signed: bool,
    /// Why it does not count; `None` when it counts.
    pub reason: Option<String>,
}

/// Judges every approval of the release.
///
/// `signers` is `None` when the policy sets no `allowed_signers`.
pub fn assess(
    recorded: &[Approval],
    manifest_approvers: &[String],
    deployer: &str,
    manifest_sha256: &str,
    signers: Option<Verify>,
) -> Vec<Status> {
    let mut out = Vec::new();
    for a in recorded {
        let mut why = Vec::new();
        if same_name(&a.by, deployer) {
            why.push(format!(
                "{} is the deployer: the two-person rule needs someone else",
                a.by
            ));
        }
        if !a.manifest_sha256.eq_ignore_ascii_case(manifest_sha256) {
            why.push(format!(
                "it approves an older version of the manifest (sha256 {}…): the manifest changed after the review",
                &a.manifest_sha256[..a.manifest_sha256.len().min(12)]
            ));
        }
        let mut signed = false;
        if let Some(verify) = signers {
            match &a.signature {
                None => why.push(
                    "it is not signed, and the policy counts only signed approvals (allowed_signers)"
                        .into(),
                ),
                Some(sig) => match verify(&a.by, a.manifest_sha256.as_bytes(), sig) {
                    Ok(()) => signed = true,
                    Err(e) => why.push(e),
                },
            }
        }
        out.push(Status {
            by: a.by.clone(),
            at: Some(a.at.to_string()),
            source: Source::File,
            counts: why.is_empty(),
            signed,
            reason: (!why.is_empty()).then(|| why.join("; ")),
        });
    }
    for name in manifest_approvers.iter().filter(|n| !is_blank(n)) {
        let why = if same_name(name, deployer) {
            Some(format!(
                "{} is the deployer: the two-person rule needs someone else",
                name.trim()
            ))
        } else if signers.is_some() {
            Some("named in [release].approvers, but the policy counts only signed approvals (allowed_signers): run `relcheck approve --key …`".into())
        } else {
            None
        };
        out.push(Status {
            by: name.trim().to_string(),
            at: None,
            source: Source::Manifest,
            counts: why.is_none(),
            signed: false,
            reason: why,
        });
    }
    out
}

/// The distinct people (compared as names compare) whose approval counts.
pub fn counting(statuses: &[Status]) -> BTreeSet<String> {
    statuses
        .iter()
        .filter(|s| s.counts)
        .map(|s| name_key(&s.by))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::values::Timestamp;

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const OLD: &str = "0000d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    fn approval(by: &str, sha: &str, sig: Option<&str>) -> Approval {
        Approval {
            by: by.into(),
            at: Timestamp::parse("2026-11-25T11:20:00+09:00").unwrap(),
            manifest_sha256: sha.into(),
            signature: sig.map(str::to_string),
        }
    }

    /// Stands in for the SSH verifier: "good" verifies for minho only.
    fn verify(principal: &str, message: &[u8], sig: &str) -> Result<(), String> {
        match (principal, sig) {
            ("minho", "good") if message == SHA.as_bytes() => Ok(()),
            ("minho", "good") => Err("the signature does not match this manifest".into()),
            _ => Err("the key is not in allowed_signers".into()),
        }
    }

    #[test]
    fn without_allowed_signers_a_current_approval_and_a_typed_name_count() {
        let s = assess(
            &[approval("hana", SHA, None)],
            &["minho".into()],
            "jiyoon",
            SHA,
            None,
        );
        assert!(s.iter().all(|s| s.counts && !s.signed), "{s:?}");
        assert_eq!(
            counting(&s),
            BTreeSet::from(["hana".to_string(), "minho".to_string()])
        );
    }

    #[test]
    fn an_approval_of_an_older_manifest_or_by_the_deployer_does_not_count() {
        let s = assess(
            &[
                approval("hana", OLD, None),
                approval("Jiyoon\u{200b}", SHA, None),
            ],
            &["JIYOON".into(), "\u{200b}".into()],
            "jiyoon",
            SHA,
            None,
        );
        assert_eq!(s.len(), 3, "a blank approver is no approver: {s:?}");
        assert!(s.iter().all(|s| !s.counts));
        assert!(s[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("older version of the manifest"));
        assert!(s[1].reason.as_deref().unwrap().contains("is the deployer"));
        assert!(s[2].reason.as_deref().unwrap().contains("is the deployer"));
        assert!(counting(&s).is_empty());
    }

    #[test]
    fn with_allowed_signers_only_a_verified_signature_counts() {
        let s = assess(
            &[
                approval("minho", SHA, Some("good")),
                approval("hana", SHA, None),
                approval("seojun", SHA, Some("forged")),
            ],
            &["dohyun".into()],
            "jiyoon",
            SHA,
            Some(&verify),
        );
        assert!(s[0].counts && s[0].signed);
        assert_eq!(
            s[1].reason.as_deref(),
            Some("it is not signed, and the policy counts only signed approvals (allowed_signers)")
        );
        assert_eq!(
            s[2].reason.as_deref(),
            Some("the key is not in allowed_signers")
        );
        assert!(s[3]
            .reason
            .as_deref()
            .unwrap()
            .contains("only signed approvals"));
        assert_eq!(counting(&s), BTreeSet::from(["minho".to_string()]));
    }

    #[test]
    fn a_signature_over_an_older_manifest_gives_both_reasons() {
        let s = assess(
            &[approval("minho", OLD, Some("good"))],
            &[],
            "jiyoon",
            SHA,
            Some(&verify),
        );
        let why = s[0].reason.as_deref().unwrap();
        assert!(
            why.contains("older version") && why.contains("does not match"),
            "{why}"
        );
        assert!(!s[0].counts);
    }
}
