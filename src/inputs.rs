//! Finding and reading the input files: the manifest, the checklist template (a file or the
//! built-in one), the answers file and the approvals file. Everything that can go wrong here is
//! an input error.
//!
//! Every file the judgement reads is also listed, with its role, its path as a report shows it
//! and its sha256, in the order of SPEC's "JSON report": [`Inputs::files`] holds those read
//! here, [`listed`] adds the evidence files, and [`digest`] is the release digest over the list.
//! A new kind of input is one `push` in the right place of that order.

use crate::error::InputError;
use crate::evidence::Verified;
use crate::model::answers::Answers;
use crate::model::approvals::Approvals;
use crate::model::checklist::Template;
use crate::model::manifest::Manifest;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The built-in default checklist (`checklists/standard.toml`).
pub const STANDARD_CHECKLIST: &str = include_str!("../checklists/standard.toml");

/// Where to look, as the user said it.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    /// The manifest; `release.toml` when not given.
    pub manifest: Option<PathBuf>,
    pub checklist: Option<PathBuf>,
    pub answers: Option<PathBuf>,
    pub approvals: Option<PathBuf>,
    /// The revision being deployed (`--commit`, `RELCHECK_COMMIT`).
    pub commit: Option<String>,
}

/// What a file is to the judgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Manifest,
    Template,
    /// A template's `allowed_signers`.
    Signers,
    /// A freeze window's iCalendar file.
    Calendar,
    Answers,
    Approvals,
    Evidence,
    /// An evidence's baseline from an earlier release.
    Baseline,
}

/// One file the judgement read, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    pub role: Role,
    /// Relative to the manifest's folder, where `verify` looks for it: as written for what the
    /// manifest names, the flag's value or the default name for the others; `(built-in)` for
    /// the built-in checklist.
    pub path: String,
    /// sha256 of its bytes, lower-case hex; of no bytes for a file missing or unreadable.
    pub sha256: String,
}

impl Input {
    pub fn new(role: Role, path: impl Into<String>, bytes: &[u8]) -> Input {
        Input::hashed(role, path, &crate::sha256::of(bytes))
    }

    pub fn hashed(role: Role, path: impl Into<String>, sha256: &[u8; 32]) -> Input {
        Input {
            role,
            path: path.into(),
            sha256: crate::sha256::hex(sha256),
        }
    }
}

/// Every input of the judgement in SPEC's order: the files [`load`] read, then each
/// file-backed evidence in manifest order (an evidence whose file could not be read whole
/// counts as no bytes).
pub fn listed(inputs: &Inputs, evidence: &[Verified]) -> Vec<Input> {
    let mut out = inputs.files.clone();
    for v in evidence {
        let Some(path) = &v.path else { continue };
        if v.kind == "attestation" {
            continue;
        }
        let sha = v.sha256.as_deref().and_then(crate::sha256::from_hex);
        out.push(Input::hashed(
            Role::Evidence,
            path.clone(),
            &sha.unwrap_or_else(|| crate::sha256::of(b"")),
        ));
    }
    out
}

/// The release digest: `sha256:` and the sha256 over the 32-byte sha256 of each input, in
/// order. An input whose `sha256` is not 64 hex digits counts as no bytes.
pub fn digest(inputs: &[Input]) -> String {
    use crate::sha256::{Digest, Sha256};
    let mut h = Sha256::new();
    for i in inputs {
        let sha = crate::sha256::from_hex(&i.sha256).unwrap_or_else(|| crate::sha256::of(b""));
        h.update(sha);
    }
    format!("sha256:{}", crate::sha256::hex(&h.finalize()))
}

/// The files of one release, read and parsed.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub manifest_path: PathBuf,
    pub manifest_bytes: Vec<u8>,
    pub manifest: Manifest,
    /// The manifest's folder: relative paths in it resolve here.
    pub base: PathBuf,
    /// `None` when the built-in checklist is used.
    pub template_path: Option<PathBuf>,
    pub template_bytes: Vec<u8>,
    pub template: Template,
    pub answers_path: PathBuf,
    /// `None` when there is no answers file (yet).
    pub answers_bytes: Option<Vec<u8>>,
    pub answers: Answers,
    pub approvals_path: PathBuf,
    /// `None` when there is no approvals file.
    pub approvals_bytes: Option<Vec<u8>>,
    pub approvals: Approvals,
    /// The policy's `allowed_signers` file, when it names one: where it is and its text.
    pub signers: Option<Signers>,
    /// The revision being deployed, when the user named one.
    pub deployed_commit: Option<String>,
    /// The files read here, in the order the report lists them (see [`listed`]).
    pub files: Vec<Input>,
}

/// The allowed-signers file a template names.
#[derive(Debug, Clone)]
pub struct Signers {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub parsed: crate::sshsig::AllowedSigners,
}

impl Signers {
    /// Checks an approval's signature over `message` for `principal` at the evaluation time.
    pub fn verify(
        &self,
        principal: &str,
        message: &[u8],
        signature: &str,
        at: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<(), String> {
        crate::sshsig::verify(&self.parsed, principal, message, signature, at)
            .map(|_| ())
            .map_err(|r| r.to_string())
    }
}

impl Inputs {
    pub fn manifest_sha256(&self) -> String {
        crate::sha256::hex(&crate::sha256::of(&self.manifest_bytes))
    }

    /// How the template is named in reports.
    pub fn template_name(&self) -> String {
        match &self.template_path {
            Some(p) => p.display().to_string(),
            None => "built-in standard checklist".into(),
        }
    }
}

pub fn load(loc: &Locations) -> Result<Inputs, InputError> {
    let manifest_path = loc
        .manifest
        .clone()
        .unwrap_or_else(|| PathBuf::from("release.toml"));
    let manifest_text = read_text(&manifest_path)?;
    let manifest = Manifest::parse(&shown(&manifest_path), &manifest_text)?;
    let manifest_bytes = manifest_text.into_bytes();
    let base = manifest_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);

    let template_path = match (&loc.checklist, &manifest.release.checklist) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(rel)) => Some(base.join(rel)),
        (None, None) => None,
    };
    let (template_bytes, template) = match &template_path {
        Some(p) => {
            let text = read_text(p)?;
            let t = Template::parse(&shown(p), &text)?;
            (text.into_bytes(), t)
        }
        None => {
            let t = Template::parse("built-in checklists/standard.toml", STANDARD_CHECKLIST)?;
            (STANDARD_CHECKLIST.as_bytes().to_vec(), t)
        }
    };

    manifest.check_names_against(
        &shown(&manifest_path),
        std::str::from_utf8(&manifest_bytes).unwrap_or_default(),
        &template.policy.checks,
    )?;

    let answers_path = loc
        .answers
        .clone()
        .unwrap_or_else(|| default_answers_path(&manifest_path));
    let (answers_bytes, answers) = match std::fs::metadata(&answers_path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && loc.answers.is_none() => {
            (None, Answers::default())
        }
        _ => {
            let text = read_text(&answers_path)?;
            let a = Answers::parse(&shown(&answers_path), &text, &template)?;
            (Some(text.into_bytes()), a)
        }
    };

    let approvals_path = loc
        .approvals
        .clone()
        .unwrap_or_else(|| default_approvals_path(&manifest_path));
    let (approvals_bytes, approvals) = match std::fs::metadata(&approvals_path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && loc.approvals.is_none() => {
            (None, Approvals::default())
        }
        _ => {
            let text = read_text(&approvals_path)?;
            let a = Approvals::parse(&shown(&approvals_path), &text)?;
            (Some(text.into_bytes()), a)
        }
    };

    // A template's relative paths resolve against the template's own folder.
    let signers = match &template.policy.allowed_signers {
        None => None,
        Some(rel) => {
            let folder = template_path
                .as_deref()
                .and_then(Path::parent)
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let path = folder.join(rel.get_ref().trim());
            let text = read_text(&path).map_err(|e| {
                let template_text = String::from_utf8_lossy(&template_bytes);
                let template_name = template_path
                    .as_deref()
                    .map_or_else(|| "built-in checklists/standard.toml".to_string(), shown);
                InputError::at(
                    &template_name,
                    &template_text,
                    Some(rel.span()),
                    format!("allowed_signers: {e}"),
                )
            })?;
            let parsed = crate::sshsig::AllowedSigners::parse(&shown(&path), &text)?;
            Some(Signers {
                path,
                bytes: text.into_bytes(),
                parsed,
            })
        }
    };

    // In the order of SPEC's "JSON report".
    let mut files = Vec::new();
    files.push(Input::new(
        Role::Manifest,
        file_name(&manifest_path),
        &manifest_bytes,
    ));
    let template_shown = match (&loc.checklist, &manifest.release.checklist) {
        (Some(p), _) => shown(p),
        (None, Some(rel)) => rel.clone(),
        (None, None) => "(built-in)".into(),
    };
    files.push(Input::new(Role::Template, template_shown, &template_bytes));
    if let Some(s) = &signers {
        files.push(Input::new(
            Role::Signers,
            relative_to(&base, &s.path),
            &s.bytes,
        ));
    }
    let answers_shown = match &loc.answers {
        Some(p) => shown(p),
        None => file_name(&answers_path),
    };
    files.push(Input::new(
        Role::Answers,
        answers_shown,
        answers_bytes.as_deref().unwrap_or_default(),
    ));
    let approvals_shown = match &loc.approvals {
        Some(p) => shown(p),
        None => file_name(&approvals_path),
    };
    files.push(Input::new(
        Role::Approvals,
        approvals_shown,
        approvals_bytes.as_deref().unwrap_or_default(),
    ));

    Ok(Inputs {
        manifest_path,
        manifest_bytes,
        manifest,
        base,
        template_path,
        template_bytes,
        template,
        answers_path,
        answers_bytes,
        answers,
        approvals_path,
        approvals_bytes,
        approvals,
        signers,
        deployed_commit: loc
            .commit
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        files,
    })
}

/// `path` relative to the manifest's folder `base`, where `verify` looks for it (as it is when
/// it lies elsewhere).
fn relative_to(base: &Path, path: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(rel) if base != Path::new(".") => rel.display().to_string(),
        _ => shown(path),
    }
}

/// The last part of a path, as a path relative to its own folder.
fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| shown(p), |n| n.to_string_lossy().into_owned())
}

/// `release.toml` → `release.answers.toml`, beside the manifest.
pub fn default_answers_path(manifest: &Path) -> PathBuf {
    beside(manifest, "answers")
}

/// `release.toml` → `release.approvals.toml`, beside the manifest.
pub fn default_approvals_path(manifest: &Path) -> PathBuf {
    beside(manifest, "approvals")
}

/// `<manifest stem>.<what>.toml` beside the manifest.
fn beside(manifest: &Path, what: &str) -> PathBuf {
    let stem = manifest
        .file_stem()
        .map_or_else(|| "release".into(), |s| s.to_string_lossy().into_owned());
    manifest.with_file_name(format!("{stem}.{what}.toml"))
}

pub fn shown(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// A regular file's text; its bytes are `into_bytes()` of it, unchanged.
fn read_text(p: &Path) -> Result<String, InputError> {
    let name = shown(p);
    let meta = std::fs::metadata(p).map_err(|e| InputError::new(&name, io_message(&e)))?;
    if !meta.is_file() {
        return Err(InputError::new(&name, "not a regular file"));
    }
    let bytes = std::fs::read(p).map_err(|e| InputError::new(&name, io_message(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let text = String::from_utf8_lossy(&bytes[..e.utf8_error().valid_up_to()]).into_owned();
        InputError::at(
            &name,
            &text,
            Some(text.len()..text.len()),
            "the file is not valid UTF-8",
        )
    })
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_that_is_not_utf8_is_an_input_error_at_the_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("release.toml");
        std::fs::write(&path, b"[release]\nname = \"caf\xe9\"\n").unwrap();
        let e = load(&Locations {
            manifest: Some(path),
            ..Locations::default()
        })
        .unwrap_err();
        assert!(e.message.contains("not valid UTF-8"), "{e}");
        assert_eq!(e.position, Some((2, 12)));
    }

    #[test]
    fn the_answers_file_sits_beside_the_manifest_named_after_it() {
        assert_eq!(
            default_answers_path(Path::new("deploy/prod.toml")),
            Path::new("deploy/prod.answers.toml")
        );
    }
}
