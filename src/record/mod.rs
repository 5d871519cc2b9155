//! Sign-off records: beside every sign-off `relcheck go` or `signoff -o` writes, the JSON report
//! of the judgement that was signed, plus who signed it off, when, and with what verdict. A
//! record is what the team can audit months later ([`verify`]) and learn from ([`log`]).
//!
//! Writing uses the report's own types; reading takes only the fields relcheck needs back, so a
//! record written by a later version with more fields still reads.

pub mod log;
pub mod render;
pub mod verify;

use crate::report::Report;
use serde::{Deserialize, Serialize};

/// The layout version records and watch records carry, as the JSON report does.
pub const SCHEMA_VERSION: u32 = crate::report::SCHEMA_VERSION;

/// Who signed the release off, when, and what they signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Stamp {
    /// The person who signed off (for `go`, who answered; for `signoff`, the deployer).
    pub by: String,
    /// When, RFC 3339.
    pub at: String,
    /// The verdict signed: `go` or `no-go` (a NO-GO sign-off says so).
    pub verdict: String,
}

/// A record as written: the JSON report and the stamp.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Record<'a> {
    #[serde(flatten)]
    pub report: &'a Report,
    pub signoff: Stamp,
}

impl Record<'_> {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report serialises");
        s.push('\n');
        s
    }
}

/// One file of a record's `inputs`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StoredInput {
    pub role: String,
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StoredRelease {
    pub name: String,
    pub deployer: String,
    pub deploy_at: String,
    pub severity: String,
    /// The policy's zone (an IANA name), or `UTC+09:00` when the policy set none.
    pub timezone: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StoredOverride {
    pub rule: String,
    #[serde(default)]
    pub approved_by: String,
    pub valid: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StoredFinding {
    pub rule: String,
    #[serde(default)]
    pub overridden: bool,
}

/// What relcheck reads back from a record; other fields are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Stored {
    pub schema_version: u32,
    pub verdict: String,
    pub release: StoredRelease,
    #[serde(default)]
    pub findings: Vec<StoredFinding>,
    #[serde(default)]
    pub overrides: Vec<StoredOverride>,
    pub inputs: Vec<StoredInput>,
    pub digest: String,
    pub signoff: Stamp,
}

/// Why a file is not a record relcheck can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotARecord {
    /// Not JSON, or JSON without a record's fields.
    Foreign(String),
    /// A record of another layout version.
    Version(u64),
}

impl std::fmt::Display for NotARecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotARecord::Foreign(why) => write!(f, "not a relcheck sign-off record ({why})"),
            NotARecord::Version(v) => write!(
                f,
                "a record of layout version {v}; this relcheck reads version {SCHEMA_VERSION}"
            ),
        }
    }
}

/// A record's fields, each optional, so one parse tells a record from a foreign file.
#[derive(Deserialize)]
struct Loose {
    schema_version: Option<serde_json::Value>,
    verdict: Option<String>,
    release: Option<StoredRelease>,
    #[serde(default)]
    findings: Vec<StoredFinding>,
    #[serde(default)]
    overrides: Vec<StoredOverride>,
    inputs: Option<Vec<StoredInput>>,
    digest: Option<String>,
    /// Read as a stamp once the layout version is known to be this one.
    signoff: Option<serde_json::Value>,
}

/// Reads a record from its text, in one parse that skips what relcheck does not read back.
pub fn parse(text: &str) -> Result<Stored, NotARecord> {
    let loose: Loose = serde_json::from_str(text).map_err(|e| {
        NotARecord::Foreign(if e.is_syntax() || e.is_eof() {
            format!("not JSON: {e}")
        } else {
            e.to_string()
        })
    })?;
    let Some(signoff) = loose.signoff else {
        return Err(NotARecord::Foreign("it has no signoff".into()));
    };
    match loose
        .schema_version
        .as_ref()
        .and_then(serde_json::Value::as_u64)
    {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => return Err(NotARecord::Version(v)),
        None => return Err(NotARecord::Version(1)),
    }
    let missing = |what: &str| NotARecord::Foreign(format!("it has no {what}"));
    let signoff: Stamp = serde_json::from_value(signoff)
        .map_err(|e| NotARecord::Foreign(format!("signoff: {e}")))?;
    Ok(Stored {
        schema_version: SCHEMA_VERSION,
        verdict: loose.verdict.ok_or_else(|| missing("verdict"))?,
        release: loose.release.ok_or_else(|| missing("release"))?,
        findings: loose.findings,
        overrides: loose.overrides,
        inputs: loose.inputs.ok_or_else(|| missing("inputs"))?,
        digest: loose.digest.ok_or_else(|| missing("digest"))?,
        signoff,
    })
}

/// The digest over a list of inputs, as the report computes it: `sha256:` and the sha256 over
/// the 32-byte sha256 of each input in order. `None` when an input's sha256 is not 64 hex
/// characters (the record was altered).
pub fn digest_of(inputs: &[StoredInput]) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for i in inputs {
        h.update(crate::sha256::from_hex(&i.sha256)?);
    }
    Some(format!("sha256:{}", crate::sha256::hex(&h.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_the_sha256_of_the_inputs_binary_sha256_in_order() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let one = StoredInput {
            role: "manifest".into(),
            path: "release.toml".into(),
            sha256: empty.into(),
        };
        // sha256 of the 32 bytes of sha256("") (computed with sha256sum | xxd -r -p | sha256sum).
        assert_eq!(
            digest_of(std::slice::from_ref(&one)).unwrap(),
            "sha256:5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"
        );
        let bad = StoredInput {
            sha256: "zz".into(),
            ..one
        };
        assert_eq!(digest_of(&[bad]), None);
    }

    #[test]
    fn foreign_files_and_older_layouts_are_told_apart() {
        assert!(matches!(parse("not json"), Err(NotARecord::Foreign(_))));
        assert!(matches!(parse("{\"a\": 1}"), Err(NotARecord::Foreign(_))));
        assert!(matches!(parse("[1, 2]"), Err(NotARecord::Foreign(_))));
        let stamp = r#""signoff": {"by": "j", "at": "2026-11-25T13:30:00+09:00", "verdict": "go"}"#;
        assert_eq!(
            parse(&format!("{{{stamp}, \"verdict\": \"go\"}}")).unwrap_err(),
            NotARecord::Version(1)
        );
        assert_eq!(
            parse(&format!("{{{stamp}, \"schema_version\": 3}}")).unwrap_err(),
            NotARecord::Version(3)
        );
    }
}
