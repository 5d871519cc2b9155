//! SSH signatures on approvals, checked without any installed tool.
//!
//! An approval may carry a signature in OpenSSH's SSHSIG format, exactly what
//! `ssh-keygen -Y sign -f KEY -n relcheck-approval` writes over the 64 lower-case hex characters
//! of the manifest's sha256. It is checked here against an allowed-signers file, the format of
//! `ssh-keygen -Y verify` and of git's SSH-signed commits, so the same file serves both, and
//! `relcheck check` in CI needs no `ssh-keygen`.
//!
//! [`verify`] judges one signature in the order `ssh-keygen -Y verify` does: the signature must
//! be readable, made for [`NAMESPACE`] and valid for the message; only then is its key looked up
//! in the allowed signers for the approval's principal. Every way it can fail is its own
//! [`Rejection`], so a finding can say why an approval does not count.

use crate::error::InputError;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::public::{EcdsaPublicKey, KeyData};
use ssh_key::{Algorithm, HashAlg, PublicKey, SshSig};
use std::fmt;

/// The SSHSIG namespace of an approval: a signature made for git or for anything else does not
/// count, even with the same key.
pub const NAMESPACE: &str = "relcheck-approval";

/// An allowed-signers file: who may sign, with which key, for which namespaces and when.
///
/// The format is OpenSSH's (`man ssh-keygen`, ALLOWED SIGNERS): one entry a line,
/// `principals [options] keytype base64-key [comment]`; blank lines and `#` comments are
/// skipped. `principals` is a comma-separated list of patterns (`*`, `?`, and `!` to exclude);
/// the options are `cert-authority`, `namespaces="…"`, `valid-after="…"` and `valid-before="…"`.
#[derive(Debug, Clone)]
pub struct AllowedSigners {
    file: String,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    line: usize,
    /// The principals field as written, for messages.
    principals: String,
    /// Each pattern of the principals field, normalised like a name; `true` for `!pattern`.
    patterns: Vec<(bool, String)>,
    cert_authority: bool,
    /// The `namespaces` option as written: a comma-separated pattern list, compared exactly.
    namespaces: Option<String>,
    valid_after: Option<DateTime<Utc>>,
    valid_before: Option<DateTime<Utc>>,
    key: KeyData,
}

/// Who made a signature that counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo {
    /// The key's fingerprint as `ssh-keygen -l` prints it: `SHA256:` and unpadded base64.
    pub fingerprint: String,
    /// The key's type as in allowed_signers: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …
    pub key_type: String,
    /// The allowed-signers line that admitted the key (1-based).
    pub line: usize,
}

/// Why a signature does not make an approval count. Each variant reads as one line of plain
/// English; none shows key material beyond a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The approval names nobody, so no allowed-signers line can be for them.
    NoPrincipal,
    /// The text is not an SSHSIG signature that can be read.
    Malformed { reason: String },
    /// Signed for another namespace, e.g. `git` by a commit-signing setup.
    WrongNamespace { signed_for: String },
    /// A key or signature algorithm relcheck does not verify (DSA, ECDSA P-521, …).
    UnsupportedAlgorithm { algorithm: String },
    /// The signature is not valid for this message: made for another manifest, or altered.
    DoesNotMatch { fingerprint: String },
    /// The key is in no line of allowed_signers.
    UnknownKey { fingerprint: String },
    /// The key is listed only with `cert-authority`, which never admits a plain-key signature.
    CertAuthorityOnly { fingerprint: String },
    /// The key is listed, but for other principals than the approval's.
    OtherPrincipal {
        fingerprint: String,
        principal: String,
        listed_for: Vec<String>,
    },
    /// The key's line has a `namespaces` option that excludes [`NAMESPACE`].
    NamespaceNotAllowed {
        fingerprint: String,
        entry: String,
        namespaces: String,
    },
    /// The evaluation time is before the line's `valid-after`.
    NotYetValid {
        fingerprint: String,
        entry: String,
        valid_after: DateTime<Utc>,
    },
    /// The evaluation time is after the line's `valid-before`.
    Expired {
        fingerprint: String,
        entry: String,
        valid_before: DateTime<Utc>,
    },
}

impl Rejection {
    /// A stable kebab-case code for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::NoPrincipal => "no-principal",
            Rejection::Malformed { .. } => "malformed",
            Rejection::WrongNamespace { .. } => "wrong-namespace",
            Rejection::UnsupportedAlgorithm { .. } => "unsupported-algorithm",
            Rejection::DoesNotMatch { .. } => "does-not-match",
            Rejection::UnknownKey { .. } => "unknown-key",
            Rejection::CertAuthorityOnly { .. } => "cert-authority-only",
            Rejection::OtherPrincipal { .. } => "other-principal",
            Rejection::NamespaceNotAllowed { .. } => "namespace-not-allowed",
            Rejection::NotYetValid { .. } => "not-yet-valid",
            Rejection::Expired { .. } => "expired",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = |t: &DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        match self {
            Rejection::NoPrincipal => write!(f, "the approval names no signer"),
            Rejection::Malformed { reason } => {
                write!(f, "the signature cannot be read: {}", shown(reason))
            }
            Rejection::WrongNamespace { signed_for } => write!(
                f,
                "the signature was made for the namespace \"{}\", not \"{NAMESPACE}\"",
                shown(signed_for)
            ),
            Rejection::UnsupportedAlgorithm { algorithm } => write!(
                f,
                "the signature uses {}, which relcheck does not verify (it verifies ed25519, \
                 ECDSA P-256 and P-384, and RSA with SHA-2)",
                shown(algorithm)
            ),
            Rejection::DoesNotMatch { fingerprint } => write!(
                f,
                "the signature does not match this manifest: key {fingerprint} signed other \
                 content, or the signature was altered"
            ),
            Rejection::UnknownKey { fingerprint } => {
                write!(f, "the signing key {fingerprint} is not in allowed_signers")
            }
            Rejection::CertAuthorityOnly { fingerprint } => write!(
                f,
                "the signing key {fingerprint} is listed in allowed_signers only as a \
                 cert-authority, which does not let it sign itself"
            ),
            Rejection::OtherPrincipal {
                fingerprint,
                principal,
                listed_for,
            } => write!(
                f,
                "the signing key {fingerprint} is listed in allowed_signers for {}, not for {}",
                listed_for
                    .iter()
                    .map(|p| shown(p))
                    .collect::<Vec<_>>()
                    .join("; "),
                shown(principal)
            ),
            Rejection::NamespaceNotAllowed {
                fingerprint,
                entry,
                namespaces,
            } => write!(
                f,
                "the signing key {fingerprint} is limited to namespaces=\"{}\" ({entry}), which \
                 excludes {NAMESPACE}",
                shown(namespaces)
            ),
            Rejection::NotYetValid {
                fingerprint,
                entry,
                valid_after,
            } => write!(
                f,
                "the signing key {fingerprint} is not valid before {} (valid-after, {entry})",
                time(valid_after)
            ),
            Rejection::Expired {
                fingerprint,
                entry,
                valid_before,
            } => write!(
                f,
                "the signing key {fingerprint} expired at {} (valid-before, {entry})",
                time(valid_before)
            ),
        }
    }
}

impl std::error::Error for Rejection {}

/// Text from a signature or a file, made safe for a one-line message: control characters are
/// escaped and it is cut at 80 characters.
fn shown(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(80)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// Principals compare as names do (SPEC "Comparisons").
fn principal_key(s: &str) -> String {
    crate::model::values::name_key(s)
}

/// OpenSSH's wildcard match: `*` is any run of characters, `?` any one character.
fn wildcard(pattern: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pattern.chars().collect(), s.chars().collect());
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// OpenSSH's `match_pattern_list`: true when some pattern matches and no `!pattern` does.
fn matches_list<'a>(s: &str, patterns: impl IntoIterator<Item = (bool, &'a str)>) -> bool {
    let mut positive = false;
    for (negated, pattern) in patterns {
        if wildcard(pattern, s) {
            if negated {
                return false;
            }
            positive = true;
        }
    }
    positive
}

fn namespace_allowed(namespaces: &str) -> bool {
    matches_list(
        NAMESPACE,
        namespaces.split(',').map(|p| match p.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, p),
        }),
    )
}

impl AllowedSigners {
    /// Reads an allowed-signers file. `shown_name` is how errors name it.
    ///
    /// `valid-after` and `valid-before` take `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`,
    /// optionally ending in `Z` or `UTC`. Without that suffix ssh-keygen reads them in the local
    /// time zone of the machine that verifies; relcheck reads them as UTC, so CI and a laptop
    /// judge alike. Write the `Z` to make both agree.
    pub fn parse(shown_name: &str, text: &str) -> Result<AllowedSigners, InputError> {
        let mut entries = Vec::new();
        let mut start = 0;
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            let line = raw.trim_end_matches(['\n', '\r']);
            if let Some(entry) = parse_line(line, i + 1).map_err(|(at, message)| {
                InputError::at(shown_name, text, Some(start + at..start + at), message)
            })? {
                entries.push(entry);
            }
            start += raw.len();
        }
        Ok(AllowedSigners {
            file: shown_name.to_string(),
            entries,
        })
    }

    /// The name the file was read under.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// How many entries (key lines) the file has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A parse error: the byte offset in the line and the message.
type LineError = (usize, String);

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn skip_blanks(line: &str, at: usize) -> usize {
    at + line[at..].len() - line[at..].trim_start_matches(is_blank).len()
}

/// The end of a word starting at `at` (the next blank or the end of the line).
fn word_end(line: &str, at: usize) -> usize {
    line[at..].find(is_blank).map_or(line.len(), |i| at + i)
}

fn parse_line(line: &str, number: usize) -> Result<Option<Entry>, LineError> {
    let at = skip_blanks(line, 0);
    if at == line.len() || line[at..].starts_with('#') {
        return Ok(None);
    }

    // principals: a word, or a double-quoted string
    let (principals, mut at) = if line[at..].starts_with('"') {
        let close = line[at + 1..].find('"').map(|i| at + 1 + i).ok_or((
            at,
            "the quoted principals have no closing quote".to_string(),
        ))?;
        let after = close + 1;
        if after < line.len() && !line[after..].starts_with(is_blank) {
            return Err((after, "expected a space after the quoted principals".into()));
        }
        (&line[at + 1..close], after)
    } else {
        let end = word_end(line, at);
        (&line[at..end], end)
    };
    let principals_at = at - principals.len();
    if principal_key(principals).is_empty() {
        return Err((principals_at, "the principals are empty".into()));
    }
    let patterns = principals
        .split(',')
        .map(|p| {
            let p = principal_key(p);
            match p.strip_prefix('!') {
                Some(rest) => (true, rest.to_string()),
                None => (false, p),
            }
        })
        .collect();

    at = skip_blanks(line, at);
    if at == line.len() {
        return Err((at, "expected options or a key after the principals".into()));
    }
    let mut options = Options::default();
    if looks_like_options(&line[at..]) {
        at = parse_options(line, at, &mut options)?;
        at = skip_blanks(line, at);
        if at == line.len() {
            return Err((at, "expected a key after the options".into()));
        }
    }

    let type_at = at;
    let type_end = word_end(line, at);
    let key_type = &line[type_at..type_end];
    let data_at = skip_blanks(line, type_end);
    if data_at == line.len() {
        return Err((
            data_at,
            format!("expected the base64 key data after \"{}\"", shown(key_type)),
        ));
    }
    let data = &line[data_at..word_end(line, data_at)];
    let key = PublicKey::from_openssh(&format!("{key_type} {data}")).map_err(|e| {
        (
            type_at,
            format!("cannot read the key \"{}\": {e}", shown(key_type)),
        )
    })?;
    if let (Some(after), Some(before)) = (options.valid_after, options.valid_before) {
        if before <= after {
            return Err((
                principals_at,
                "valid-before must be later than valid-after".into(),
            ));
        }
    }
    Ok(Some(Entry {
        line: number,
        principals: principals.to_string(),
        patterns,
        cert_authority: options.cert_authority,
        namespaces: options.namespaces,
        valid_after: options.valid_after,
        valid_before: options.valid_before,
        key: key.key_data().clone(),
    }))
}

/// The options of one line, as read.
#[derive(Default)]
struct Options {
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<DateTime<Utc>>,
    valid_before: Option<DateTime<Utc>>,
}

const OPTIONS: [&str; 4] = [
    "cert-authority",
    "namespaces",
    "valid-after",
    "valid-before",
];

/// Whether the word at the start of `rest` is an options list rather than a key type: key types
/// never hold `=`, and `cert-authority` is the one option without a value.
fn looks_like_options(rest: &str) -> bool {
    let word = &rest[..rest.find(is_blank).unwrap_or(rest.len())];
    let first = word.split(',').next().unwrap_or("");
    word.contains('=') || first.eq_ignore_ascii_case("cert-authority")
}

/// Reads `opt[,opt…]` from `at`; returns the offset after it.
fn parse_options(line: &str, mut at: usize, entry: &mut Options) -> Result<usize, LineError> {
    loop {
        let rest = &line[at..];
        let name_len = rest
            .find(|c: char| c == '=' || c == ',' || is_blank(c))
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        let known = OPTIONS.contains(&name.as_str());
        if !known {
            return Err((
                at,
                format!(
                    "unknown option \"{}\": allowed signers take cert-authority, namespaces, \
                     valid-after and valid-before",
                    shown(&rest[..name_len])
                ),
            ));
        }
        let has_value = rest[name_len..].starts_with('=');
        let option_at = at;
        at += name_len;
        if name == "cert-authority" {
            if has_value {
                return Err((at, "cert-authority takes no value".into()));
            }
            entry.cert_authority = true;
        } else {
            if !has_value {
                return Err((at, format!("{name} needs a value, e.g. {name}=\"…\"")));
            }
            at += 1;
            if !line[at..].starts_with('"') {
                return Err((
                    at,
                    format!("the value of {name} must be in double quotes, e.g. {name}=\"…\""),
                ));
            }
            let close = line[at + 1..]
                .find('"')
                .map(|i| at + 1 + i)
                .ok_or((at, format!("the value of {name} has no closing quote")))?;
            let value = &line[at + 1..close];
            let value_at = at + 1;
            at = close + 1;
            let twice = || (option_at, format!("{name} is given twice"));
            match name.as_str() {
                "namespaces" => {
                    if entry.namespaces.replace(value.to_string()).is_some() {
                        return Err(twice());
                    }
                }
                "valid-after" => {
                    let t = parse_time(value).ok_or_else(|| bad_time(&name, value, value_at))?;
                    if entry.valid_after.replace(t).is_some() {
                        return Err(twice());
                    }
                }
                _ => {
                    let t = parse_time(value).ok_or_else(|| bad_time(&name, value, value_at))?;
                    if entry.valid_before.replace(t).is_some() {
                        return Err(twice());
                    }
                }
            }
        }
        match line[at..].chars().next() {
            None => return Ok(at),
            Some(c) if is_blank(c) => return Ok(at),
            Some(',') => at += 1,
            Some(_) => {
                return Err((
                    at,
                    "expected a comma or a space after the option".to_string(),
                ))
            }
        }
    }
}

fn bad_time(name: &str, value: &str, at: usize) -> LineError {
    (
        at,
        format!(
            "{name} must be YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally ending in Z, \
             got \"{}\"",
            shown(value)
        ),
    )
}

/// `YYYYMMDD[HHMM[SS]]` with an optional `Z` or `UTC`; read as UTC either way (see
/// [`AllowedSigners::parse`]).
fn parse_time(value: &str) -> Option<DateTime<Utc>> {
    let digits = if value.len() > 1 && value[value.len() - 1..].eq_ignore_ascii_case("z") {
        &value[..value.len() - 1]
    } else if value.len() > 3
        && value.is_char_boundary(value.len() - 3)
        && value[value.len() - 3..].eq_ignore_ascii_case("utc")
    {
        &value[..value.len() - 3]
    } else {
        value
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<u32>().ok();
    let (hour, minute, second) = match digits.len() {
        8 => (0, 0, 0),
        12 => (n(8..10)?, n(10..12)?, 0),
        14 => (n(8..10)?, n(10..12)?, n(12..14)?),
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)?;
    let time: NaiveDateTime = date.and_hms_opt(hour, minute, second)?;
    Some(Utc.from_utc_datetime(&time))
}

/// Whether relcheck verifies this key and signature algorithm; the name to report when not.
fn unsupported(sig: &SshSig) -> Option<String> {
    let key = sig.public_key();
    let supported = match key {
        KeyData::Ed25519(_) | KeyData::SkEd25519(_) | KeyData::SkEcdsaSha2NistP256(_) => true,
        KeyData::Ecdsa(EcdsaPublicKey::NistP256(_) | EcdsaPublicKey::NistP384(_)) => true,
        // ssh-key reads RSA signatures with SHA-2 only (rsa-sha2-256, rsa-sha2-512); an
        // `ssh-rsa` (SHA-1) one, which ssh-keygen never makes for SSHSIG, does not parse.
        KeyData::Rsa(_) => matches!(sig.algorithm(), Algorithm::Rsa { hash: Some(_) }),
        _ => false,
    };
    (!supported).then(|| key.algorithm().as_str().to_string())
}

/// Checks `armored_signature` (the PEM text `ssh-keygen -Y sign` writes) over `message` for
/// `principal`, under `signers`, at the evaluation time `at` (for `valid-after` and
/// `valid-before`; the approval's own time is not signed, so it cannot be trusted for this).
///
/// The signature must be made for [`NAMESPACE`] and be valid for `message`; its key must be
/// on a line of `signers` whose principals match `principal` (compared like names: trimmed,
/// format characters removed, ignoring case), that is not a `cert-authority` line, whose
/// `namespaces` (when set) admits [`NAMESPACE`], and whose validity includes `at` (both ends
/// inclusive). When several lines list the key for the principal, one that admits it is enough;
/// when none does, the first one's reason is given.
pub fn verify(
    signers: &AllowedSigners,
    principal: &str,
    message: &[u8],
    armored_signature: &str,
    at: DateTime<FixedOffset>,
) -> Result<SignerInfo, Rejection> {
    let principal_norm = principal_key(principal);
    if principal_norm.is_empty() {
        return Err(Rejection::NoPrincipal);
    }
    let armored = armored_signature.trim();
    if !armored.starts_with("-----BEGIN SSH SIGNATURE-----") {
        return Err(Rejection::Malformed {
            reason: "it does not begin with -----BEGIN SSH SIGNATURE-----".into(),
        });
    }
    let sig = SshSig::from_pem(armored).map_err(|e| Rejection::Malformed {
        reason: e.to_string(),
    })?;
    if sig.namespace() != NAMESPACE {
        return Err(Rejection::WrongNamespace {
            signed_for: sig.namespace().to_string(),
        });
    }
    if let Some(algorithm) = unsupported(&sig) {
        return Err(Rejection::UnsupportedAlgorithm { algorithm });
    }
    let key = sig.public_key();
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    let public = PublicKey::from(key.clone());
    if public.verify(NAMESPACE, message, &sig).is_err() {
        return Err(Rejection::DoesNotMatch { fingerprint });
    }

    let listing: Vec<&Entry> = signers.entries.iter().filter(|e| &e.key == key).collect();
    let plain: Vec<&Entry> = listing
        .iter()
        .copied()
        .filter(|e| !e.cert_authority)
        .collect();
    if plain.is_empty() {
        return Err(if listing.is_empty() {
            Rejection::UnknownKey { fingerprint }
        } else {
            Rejection::CertAuthorityOnly { fingerprint }
        });
    }
    // Whole seconds, as ssh-keygen compares them.
    let at = at.timestamp();
    let mut first_reason = None;
    for e in plain.iter().filter(|e| {
        matches_list(
            &principal_norm,
            e.patterns.iter().map(|(neg, p)| (*neg, p.as_str())),
        )
    }) {
        let entry = || format!("{}:{}", signers.file, e.line);
        let reason = if let Some(n) = e.namespaces.as_ref().filter(|n| !namespace_allowed(n)) {
            Rejection::NamespaceNotAllowed {
                fingerprint: fingerprint.clone(),
                entry: entry(),
                namespaces: n.clone(),
            }
        } else if let Some(valid_after) = e.valid_after.filter(|t| at < t.timestamp()) {
            Rejection::NotYetValid {
                fingerprint: fingerprint.clone(),
                entry: entry(),
                valid_after,
            }
        } else if let Some(valid_before) = e.valid_before.filter(|t| at > t.timestamp()) {
            Rejection::Expired {
                fingerprint: fingerprint.clone(),
                entry: entry(),
                valid_before,
            }
        } else {
            return Ok(SignerInfo {
                key_type: key.algorithm().as_str().to_string(),
                fingerprint,
                line: e.line,
            });
        };
        first_reason.get_or_insert(reason);
    }
    Err(first_reason.unwrap_or_else(|| Rejection::OtherPrincipal {
        fingerprint,
        principal: principal.trim().to_string(),
        listed_for: plain.iter().map(|e| e.principals.clone()).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixtures of tests/fixtures/keys, made by ssh-keygen (see generate.sh there).
    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../tests/fixtures/keys/", $name))
        };
    }

    const SIGNERS_FILE: &str = "tests/fixtures/keys/allowed_signers";

    fn signers() -> AllowedSigners {
        AllowedSigners::parse(SIGNERS_FILE, fixture!("allowed_signers")).unwrap()
    }

    fn message() -> &'static [u8] {
        fixture!("message").as_bytes()
    }

    /// The tests' evaluation time; jiyoon's key expired before it.
    fn test_time() -> DateTime<FixedOffset> {
        time("2026-11-27T23:00:00+09:00")
    }

    fn time(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    /// ssh-keygen's fingerprint of a fixture key, from the `fingerprints` file it wrote.
    fn fingerprint(name: &str) -> String {
        let comment = format!("{name}@test.invalid");
        fixture!("fingerprints")
            .lines()
            .find(|l| l.split(' ').nth(2) == Some(comment.as_str()))
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or_else(|| panic!("no fingerprint for {name}"))
            .to_string()
    }

    /// The `type base64` of a fixture public key, to build allowed-signers lines in a test.
    fn public(name: &str) -> String {
        let text = match name {
            "minho" => fixture!("minho.key.pub"),
            "hana" => fixture!("hana.key.pub"),
            _ => panic!("no public key fixture {name}"),
        };
        text.split(' ').take(2).collect::<Vec<_>>().join(" ")
    }

    fn check(principal: &str, sig: &str) -> Result<SignerInfo, Rejection> {
        verify(&signers(), principal, message(), sig, test_time())
    }

    #[test]
    fn an_ed25519_signature_by_ssh_keygen_verifies() {
        assert_eq!(
            check("minho", fixture!("minho.ed25519.sig")),
            Ok(SignerInfo {
                fingerprint: fingerprint("minho"),
                key_type: "ssh-ed25519".into(),
                line: 2,
            })
        );
    }

    #[test]
    fn an_ecdsa_p256_signature_by_ssh_keygen_verifies() {
        assert_eq!(
            check("hana", fixture!("hana.ecdsa.sig")),
            Ok(SignerInfo {
                fingerprint: fingerprint("hana"),
                key_type: "ecdsa-sha2-nistp256".into(),
                line: 3,
            })
        );
    }

    #[test]
    fn an_rsa_signature_by_ssh_keygen_verifies() {
        assert!(fixture!("seojun.rsa.sig").contains("BEGIN SSH SIGNATURE"));
        assert_eq!(
            check("seojun", fixture!("seojun.rsa.sig")),
            Ok(SignerInfo {
                fingerprint: fingerprint("seojun"),
                key_type: "ssh-rsa".into(),
                line: 5,
            })
        );
    }

    #[test]
    fn a_signature_for_another_namespace_is_refused_naming_it() {
        let r = check("minho", fixture!("minho.git-namespace.sig")).unwrap_err();
        assert_eq!(
            r,
            Rejection::WrongNamespace {
                signed_for: "git".into()
            }
        );
        assert_eq!(
            r.to_string(),
            "the signature was made for the namespace \"git\", not \"relcheck-approval\""
        );
    }

    #[test]
    fn a_signature_of_another_manifest_does_not_match_this_one() {
        let sig = fixture!("minho.other-manifest.sig");
        assert_eq!(
            check("minho", sig),
            Err(Rejection::DoesNotMatch {
                fingerprint: fingerprint("minho")
            })
        );
        // the same signature is good for the manifest it was made for
        let other = fixture!("other-message").as_bytes();
        assert!(verify(&signers(), "minho", other, sig, test_time()).is_ok());
        assert!(check("minho", sig)
            .unwrap_err()
            .to_string()
            .starts_with("the signature does not match this manifest"));
    }

    /// Replaces one base64 character of the signature body, `from_end` characters before its
    /// end (padding excluded), by another base64 character.
    fn tamper(sig: &str, from_end: usize) -> String {
        let body_end = sig.find("-----END").unwrap();
        let body = sig[..body_end].trim_end_matches(['\n', '=']);
        let i = body.len() - from_end;
        let c = body.as_bytes()[i];
        let replacement = if c == b'A' { 'B' } else { 'A' };
        format!("{}{replacement}{}", &sig[..i], &sig[i + 1..])
    }

    #[test]
    fn a_tampered_signature_does_not_match() {
        let sig = fixture!("minho.ed25519.sig");
        for from_end in [2, 10, 40] {
            let tampered = tamper(sig, from_end);
            assert_ne!(tampered, sig);
            assert_eq!(
                check("minho", &tampered),
                Err(Rejection::DoesNotMatch {
                    fingerprint: fingerprint("minho")
                }),
                "byte {from_end} from the end"
            );
        }
        let rsa = tamper(fixture!("seojun.rsa.sig"), 30);
        assert_eq!(
            check("seojun", &rsa).map_err(|r| r.code()),
            Err("does-not-match")
        );
    }

    #[test]
    fn a_key_in_no_line_is_unknown_and_named_by_its_fingerprint() {
        let r = check("stranger", fixture!("stranger.sig")).unwrap_err();
        assert_eq!(
            r,
            Rejection::UnknownKey {
                fingerprint: fingerprint("stranger")
            }
        );
        assert_eq!(
            r.to_string(),
            format!(
                "the signing key {} is not in allowed_signers",
                fingerprint("stranger")
            )
        );
    }

    #[test]
    fn a_key_listed_for_another_principal_names_who_it_is_for() {
        let r = check("minho", fixture!("hana.ecdsa.sig")).unwrap_err();
        assert_eq!(
            r,
            Rejection::OtherPrincipal {
                fingerprint: fingerprint("hana"),
                principal: "minho".into(),
                listed_for: vec!["hana".into()],
            }
        );
        assert_eq!(
            r.to_string(),
            format!(
                "the signing key {} is listed in allowed_signers for hana, not for minho",
                fingerprint("hana")
            )
        );
    }

    #[test]
    fn an_expired_key_is_refused_at_the_evaluation_time_and_valid_before() {
        let sig = fixture!("jiyoon.sig");
        let r = check("jiyoon", sig).unwrap_err();
        assert_eq!(
            r,
            Rejection::Expired {
                fingerprint: fingerprint("jiyoon"),
                entry: format!("{SIGNERS_FILE}:6"),
                valid_before: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            }
        );
        assert_eq!(
            r.to_string(),
            format!(
                "the signing key {} expired at 2026-11-01T00:00:00Z (valid-before, {SIGNERS_FILE}:6)",
                fingerprint("jiyoon")
            )
        );
        // valid-before is inclusive, to the second
        let s = signers();
        let at = |t| verify(&s, "jiyoon", message(), sig, time(t)).map(|i| i.line);
        assert_eq!(at("2026-11-01T09:00:00+09:00"), Ok(6));
        assert_eq!(at("2026-11-01T00:00:00.900Z"), Ok(6));
        assert_eq!(
            at("2026-11-01T00:00:01Z").map_err(|r| r.code()),
            Err("expired")
        );
    }

    #[test]
    fn a_key_not_yet_valid_is_refused_and_valid_after_without_z_is_utc() {
        let text = format!("minho valid-after=\"20261201\" {}\n", public("minho"));
        let s = AllowedSigners::parse("signers", &text).unwrap();
        let sig = fixture!("minho.ed25519.sig");
        let at = |t| verify(&s, "minho", message(), sig, time(t));
        assert_eq!(
            at("2026-11-27T23:00:00+09:00"),
            Err(Rejection::NotYetValid {
                fingerprint: fingerprint("minho"),
                entry: "signers:1".into(),
                valid_after: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            })
        );
        // 08:59:59 in Seoul is 23:59:59 UTC the day before
        assert_eq!(
            at("2026-12-01T08:59:59+09:00").map_err(|r| r.code()),
            Err("not-yet-valid")
        );
        assert!(at("2026-12-01T09:00:00+09:00").is_ok());
        assert!(at("2026-12-01T00:00:00Z").is_ok());
        assert_eq!(
            at("2026-11-27T23:00:00+09:00").unwrap_err().to_string(),
            format!(
                "the signing key {} is not valid before 2026-12-01T00:00:00Z (valid-after, signers:1)",
                fingerprint("minho")
            )
        );
    }

    #[test]
    fn time_options_take_minutes_seconds_and_a_utc_suffix() {
        let line = |opt: &str| format!("minho {opt} {}\n", public("minho"));
        let sig = fixture!("minho.ed25519.sig");
        for (opt, ok) in [
            ("valid-before=\"202611271400Z\"", true),
            ("valid-before=\"202611271359Z\"", false),
            ("valid-before=\"20261127135959UTC\"", false),
            ("valid-after=\"20261127140000z\"", true),
            ("valid-after=\"20261127140001\"", false),
            ("VALID-AFTER=\"20260101\",valid-before=\"20270101\"", true),
        ] {
            let s = AllowedSigners::parse("signers", &line(opt)).unwrap();
            assert_eq!(
                verify(&s, "minho", message(), sig, test_time()).is_ok(),
                ok,
                "{opt}"
            );
        }
    }

    #[test]
    fn a_line_whose_namespaces_exclude_ours_is_refused() {
        let r = check("dahye", fixture!("dahye.sig")).unwrap_err();
        assert_eq!(
            r,
            Rejection::NamespaceNotAllowed {
                fingerprint: fingerprint("dahye"),
                entry: format!("{SIGNERS_FILE}:7"),
                namespaces: "git".into(),
            }
        );
        assert_eq!(
            r.to_string(),
            format!(
                "the signing key {} is limited to namespaces=\"git\" ({SIGNERS_FILE}:7), which \
                 excludes relcheck-approval",
                fingerprint("dahye")
            )
        );
    }

    #[test]
    fn namespaces_are_pattern_lists() {
        let sig = fixture!("minho.ed25519.sig");
        for (namespaces, ok) in [
            ("git,relcheck-approval", true),
            ("git,relcheck-*", true),
            ("*,!relcheck-approval", false),
            ("Relcheck-Approval", false),
            ("", false),
        ] {
            let text = format!("minho namespaces=\"{namespaces}\" {}\n", public("minho"));
            let s = AllowedSigners::parse("signers", &text).unwrap();
            assert_eq!(
                verify(&s, "minho", message(), sig, test_time()).is_ok(),
                ok,
                "{namespaces}"
            );
        }
    }

    #[test]
    fn a_cert_authority_key_never_admits_its_own_plain_signature() {
        assert_eq!(
            check("ca@example.com", fixture!("ca.sig")),
            Err(Rejection::CertAuthorityOnly {
                fingerprint: fingerprint("ca")
            })
        );
    }

    #[test]
    fn when_one_line_admits_the_key_another_that_refuses_it_does_not_matter() {
        let text = format!(
            "minho valid-before=\"20200101Z\" {k}\nminho namespaces=\"git\" {k}\nminho {k}\n",
            k = public("minho")
        );
        let s = AllowedSigners::parse("signers", &text).unwrap();
        let sig = fixture!("minho.ed25519.sig");
        assert_eq!(
            verify(&s, "minho", message(), sig, test_time()).map(|i| i.line),
            Ok(3)
        );
        // without the third line, the first line's reason is given
        let s = AllowedSigners::parse(
            "signers",
            &text.lines().take(2).collect::<Vec<_>>().join("\n"),
        )
        .unwrap();
        assert_eq!(
            verify(&s, "minho", message(), sig, test_time()).map_err(|r| r.code()),
            Err("expired")
        );
    }

    #[test]
    fn an_unsupported_algorithm_is_its_own_reason() {
        assert_eq!(
            check("minho", fixture!("p521.sig")),
            Err(Rejection::UnsupportedAlgorithm {
                algorithm: "ecdsa-sha2-nistp521".into()
            })
        );
    }

    #[test]
    fn text_that_is_not_a_signature_is_malformed() {
        let sig = fixture!("minho.ed25519.sig");
        let truncated: String = sig.lines().take(2).collect::<Vec<_>>().join("\n");
        for bad in [
            "",
            "not a signature",
            truncated.as_str(),
            &sig.replace("SSH SIGNATURE", "PGP SIGNATURE"),
        ] {
            assert_eq!(
                check("minho", bad).map_err(|r| r.code()),
                Err("malformed"),
                "{bad}"
            );
        }
        assert_eq!(
            check("minho", "garbage").unwrap_err().to_string(),
            "the signature cannot be read: it does not begin with -----BEGIN SSH SIGNATURE-----"
        );
        let r = check("minho", &truncated).unwrap_err().to_string();
        assert!(r.starts_with("the signature cannot be read: "), "{r}");
    }

    #[test]
    fn surrounding_whitespace_and_crlf_around_the_signature_are_fine() {
        let sig = format!(
            "\n  {}  \n",
            fixture!("minho.ed25519.sig").replace('\n', "\r\n")
        );
        assert!(check("minho", &sig).is_ok());
    }

    #[test]
    fn principals_compare_trimmed_without_format_characters_and_ignoring_case() {
        let sig = fixture!("minho.ed25519.sig");
        for name in [
            "Minho",
            " minho\u{200b}",
            "\u{202e}MINHO\t",
            "mi\u{00ad}nho",
            "\u{feff}minho",
        ] {
            assert!(check(name, sig).is_ok(), "{name:?}");
        }
        assert_eq!(
            check("minh0", sig).map_err(|r| r.code()),
            Err("other-principal")
        );
        assert_eq!(
            check("minho2", sig).map_err(|r| r.code()),
            Err("other-principal")
        );
        // and so do the file's principals
        let text = format!(" \u{200b}MinHo\u{2066} {}", public("minho"));
        let s = AllowedSigners::parse("signers", &text).unwrap();
        assert!(verify(&s, "minho", message(), sig, test_time()).is_ok());
    }

    #[test]
    fn a_blank_principal_is_refused_even_under_a_star_pattern() {
        let s = AllowedSigners::parse("signers", &format!("* {}", public("minho"))).unwrap();
        let sig = fixture!("minho.ed25519.sig");
        assert!(verify(&s, "anyone", message(), sig, test_time()).is_ok());
        for blank in ["", "  ", "\u{200b}"] {
            assert_eq!(
                verify(&s, blank, message(), sig, test_time()),
                Err(Rejection::NoPrincipal)
            );
        }
    }

    #[test]
    fn principal_patterns_take_star_question_mark_and_negation() {
        let sig = fixture!("seojun.rsa.sig");
        assert!(check("seojun@example.com", sig).is_ok());
        assert!(check("Release-Bot@EXAMPLE.com", sig).is_ok());
        assert_eq!(
            check("seojun@example.org", sig),
            Err(Rejection::OtherPrincipal {
                fingerprint: fingerprint("seojun"),
                principal: "seojun@example.org".into(),
                listed_for: vec!["*@example.com,seojun".into()],
            })
        );
        let sig = fixture!("minho.ed25519.sig");
        let k = public("minho");
        for (principals, name, ok) in [
            ("min?o", "minho", true),
            ("min?o", "minhoo", false),
            ("m*o", "minho", true),
            ("*,!minho", "minho", false),
            ("*,!minho", "hana", true),
            ("\"minho,hana\"", "hana", true),
        ] {
            let s = AllowedSigners::parse("signers", &format!("{principals} {k}")).unwrap();
            assert_eq!(
                verify(&s, name, message(), sig, test_time()).is_ok(),
                ok,
                "{principals} for {name}"
            );
        }
    }

    #[test]
    fn comments_blank_lines_crlf_and_option_case_are_read() {
        let text = format!(
            "# team\r\n\r\n   \r\n  # indented comment\r\nminho NAMESPACES=\"relcheck-approval\",Cert-Authority {k}\r\nminho {k} a comment with spaces\r\n",
            k = public("minho")
        );
        let s = AllowedSigners::parse("signers", &text).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            verify(
                &s,
                "minho",
                message(),
                fixture!("minho.ed25519.sig"),
                test_time()
            )
            .map(|i| i.line),
            Ok(6)
        );
        assert!(AllowedSigners::parse("empty", "").unwrap().is_empty());
        assert_eq!(signers().len(), 6);
    }

    fn parse_error(text: &str) -> String {
        AllowedSigners::parse("team/allowed_signers", text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_malformed_allowed_signers_names_file_line_and_column() {
        let k = public("minho");
        let cases = [
            (
                "# ok\nminho ssh-ed25519 AAAAC3Nza\n".to_string(),
                "team/allowed_signers:2:7: cannot read the key \"ssh-ed25519\": ",
            ),
            (
                "minho\n".to_string(),
                "team/allowed_signers:1:6: expected options or a key after the principals",
            ),
            (
                format!("\nminho namespaces=relcheck-approval {k}\n"),
                "team/allowed_signers:2:18: the value of namespaces must be in double quotes",
            ),
            (
                format!("minho foo=\"x\" {k}\n"),
                "team/allowed_signers:1:7: unknown option \"foo\"",
            ),
            (
                format!("minho valid-after=\"2026\" {k}\n"),
                "team/allowed_signers:1:20: valid-after must be YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS",
            ),
            (
                format!("minho valid-after=\"20261301\" {k}\n"),
                "team/allowed_signers:1:20: valid-after must be",
            ),
            (
                format!("minho valid-after=\"20261201Z\",valid-before=\"20261101Z\" {k}\n"),
                "team/allowed_signers:1:1: valid-before must be later than valid-after",
            ),
            (
                format!("minho namespaces=\"git\",namespaces=\"x\" {k}\n"),
                "team/allowed_signers:1:24: namespaces is given twice",
            ),
            (
                format!("minho namespaces=\"git {k}\n"),
                "team/allowed_signers:1:18: the value of namespaces has no closing quote",
            ),
            (
                format!("minho cert-authority,namespaces=\"git\"x {k}\n"),
                "team/allowed_signers:1:38: expected a comma or a space after the option",
            ),
            (
                "minho ssh-ed25519\n".to_string(),
                "team/allowed_signers:1:18: expected the base64 key data after \"ssh-ed25519\"",
            ),
            (
                format!("\"minho {k}\n"),
                "team/allowed_signers:1:1: the quoted principals have no closing quote",
            ),
            (
                "héllo cert-authority\n".to_string(),
                "team/allowed_signers:1:21: expected a key after the options",
            ),
        ];
        for (text, expected) in cases {
            let e = parse_error(&text);
            assert!(
                e.starts_with(expected),
                "{text:?}\n got: {e}\nwant: {expected}"
            );
            assert!(
                !e.contains("AAAAC3NzaC1lZDI1NTE5AAAA"),
                "key material in {e}"
            );
        }
    }

    #[test]
    fn every_rejection_reads_as_one_line_and_has_its_own_code() {
        let fp = fingerprint("minho");
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let all = [
            Rejection::NoPrincipal,
            Rejection::Malformed {
                reason: "bad\nline".into(),
            },
            Rejection::WrongNamespace {
                signed_for: "git\r\n".into(),
            },
            Rejection::UnsupportedAlgorithm {
                algorithm: "ssh-dss".into(),
            },
            Rejection::DoesNotMatch {
                fingerprint: fp.clone(),
            },
            Rejection::UnknownKey {
                fingerprint: fp.clone(),
            },
            Rejection::CertAuthorityOnly {
                fingerprint: fp.clone(),
            },
            Rejection::OtherPrincipal {
                fingerprint: fp.clone(),
                principal: "minho".into(),
                listed_for: vec!["hana".into()],
            },
            Rejection::NamespaceNotAllowed {
                fingerprint: fp.clone(),
                entry: "f:1".into(),
                namespaces: "git".into(),
            },
            Rejection::NotYetValid {
                fingerprint: fp.clone(),
                entry: "f:1".into(),
                valid_after: at,
            },
            Rejection::Expired {
                fingerprint: fp,
                entry: "f:1".into(),
                valid_before: at,
            },
        ];
        let mut codes: Vec<_> = all.iter().map(Rejection::code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for r in &all {
            let text = r.to_string();
            assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
        }
    }

    #[test]
    fn the_wildcard_matcher_follows_openssh() {
        assert!(wildcard("*", ""));
        assert!(wildcard("a*b*c", "aXXbYYc"));
        assert!(!wildcard("a*b*c", "aXXbYY"));
        assert!(wildcard("*@example.com", "x@example.com"));
        assert!(!wildcard("?", ""));
        assert!(wildcard("??", "한국"));
    }
}
