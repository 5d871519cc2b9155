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
use crate::model::checklist::{RawTemplate, Template, WindowCalendar, MAX_CHAIN};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
/// file-backed evidence in manifest order, each followed by its baseline if it has one (a file
/// that could not be read whole counts as no bytes).
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
        if let Some(b) = &v.baseline {
            let sha = b.sha256.as_deref().and_then(crate::sha256::from_hex);
            out.push(Input::hashed(
                Role::Baseline,
                b.path.clone(),
                &sha.unwrap_or_else(|| crate::sha256::of(b"")),
            ));
        }
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
    /// The template chain, the top ancestor first and the template the manifest names (or
    /// `-c`, or the built-in one) last, each with the files it names.
    pub chain: Vec<TemplateFile>,
    /// The chain merged and validated.
    pub template: Template,
    pub answers_path: PathBuf,
    /// `None` when there is no answers file (yet).
    pub answers_bytes: Option<Vec<u8>>,
    pub answers: Answers,
    pub approvals_path: PathBuf,
    /// `None` when there is no approvals file.
    pub approvals_bytes: Option<Vec<u8>>,
    pub approvals: Approvals,
    /// The policy's `allowed_signers` file, when it names one (the nearest template of the
    /// chain that sets it): where it is and its text.
    pub signers: Option<Signers>,
    /// The revision being deployed, when the user named one.
    pub deployed_commit: Option<String>,
    /// The files read here, in the order the report lists them (see [`listed`]).
    pub files: Vec<Input>,
}

/// One template of the `extends` chain, as read, with the files it names.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Where it is; `None` for the built-in checklist.
    pub path: Option<PathBuf>,
    /// How it is named in messages and reports (`(built-in)` for the built-in checklist).
    pub shown: String,
    pub bytes: Vec<u8>,
    /// Its `allowed_signers` file, read (resolved against the template's folder).
    pub signers: Option<Signers>,
    /// Each freeze window's calendar it names, in window order.
    pub calendars: Vec<CalendarFile>,
}

/// A freeze window's calendar file, as read.
#[derive(Debug, Clone)]
pub struct CalendarFile {
    /// Resolved against the folder of the template that names it.
    pub path: PathBuf,
    pub bytes: Vec<u8>,
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

    /// sha256 of each top-level table or array of the manifest, by its key, over its TOML as
    /// parsed (so a comment or a blank line changes no section). Kept in the answers file's
    /// `[meta].sections` to say which parts changed since the answers were given.
    pub fn manifest_sections(&self) -> std::collections::BTreeMap<String, String> {
        manifest_sections(std::str::from_utf8(&self.manifest_bytes).unwrap_or_default())
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
    if loc.manifest.is_none() && !manifest_path.exists() {
        return Err(InputError::new(
            shown(&manifest_path),
            "no release manifest here: run `relcheck init` to write a starter one, or name one with -m PATH",
        ));
    }
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
    let (chain, template) = load_chain(template_path.as_deref()).map_err(|e| {
        // A checklist the manifest names but that is not there: the error points at the
        // manifest line that names it.
        match (&loc.checklist, &manifest.release.checklist, &template_path) {
            (None, Some(rel), Some(path))
                if e.message == "no such file" && e.file == shown(path) =>
            {
                let text = std::str::from_utf8(&manifest_bytes).unwrap_or_default();
                InputError::at(
                    &shown(&manifest_path),
                    text,
                    checklist_span(text),
                    format!(
                        "checklist: no such file {} (the path is relative to the manifest's folder)",
                        rel.escape_debug()
                    ),
                )
            }
            _ => e,
        }
    })?;
    let template_bytes = chain.last().map(|t| t.bytes.clone()).unwrap_or_default();

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

    let signers = chain.iter().rev().find_map(|t| t.signers.clone());

    // In the order of SPEC's "JSON report".
    let mut files = Vec::new();
    files.push(Input::new(
        Role::Manifest,
        file_name(&manifest_path),
        &manifest_bytes,
    ));
    // Each template of the chain, the top ancestor first, each followed by the files it names.
    let last = chain.len().saturating_sub(1);
    for (i, t) in chain.iter().enumerate() {
        let shown_path = match (&t.path, &manifest.release.checklist) {
            (None, _) => "(built-in)".to_string(),
            // What the manifest names, as written.
            (Some(_), Some(rel)) if i == last && loc.checklist.is_none() => rel.clone(),
            (Some(p), _) => relative_to(&base, p),
        };
        files.push(Input::new(Role::Template, shown_path, &t.bytes));
        if let Some(s) = &t.signers {
            files.push(Input::new(
                Role::Signers,
                relative_to(&base, &s.path),
                &s.bytes,
            ));
        }
        for c in &t.calendars {
            files.push(Input::new(
                Role::Calendar,
                relative_to(&base, &c.path),
                &c.bytes,
            ));
        }
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
        chain,
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
    let rel = match path.strip_prefix(base) {
        Ok(rel) if base != Path::new(".") => rel,
        _ => path,
    };
    shown(&tidy(rel))
}

/// `a/b/../c` as `a/c`, without looking at the disk (a `..` that climbs above the start stays).
fn tidy(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

/// The last part of a path, as a path relative to its own folder.
fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| shown(p), |n| n.to_string_lossy().into_owned())
}

/// Reads the template `named` (the built-in checklist when `None`) and its parents, each with
/// the files it names, and merges them. Errors point at the file where the bad value is
/// written: a missing parent or a wrong pin at the `extends` line of the child.
fn load_chain(named: Option<&Path>) -> Result<(Vec<TemplateFile>, Template), InputError> {
    let Some(named) = named else {
        let file = "built-in checklists/standard.toml";
        let t = Template::parse(file, STANDARD_CHECKLIST)?;
        let builtin = TemplateFile {
            path: None,
            shown: "(built-in)".into(),
            bytes: STANDARD_CHECKLIST.as_bytes().to_vec(),
            signers: None,
            calendars: Vec::new(),
        };
        return Ok((vec![builtin], t));
    };

    // Child first while reading; each entry: the file, its text and its raw template.
    let mut read: Vec<(TemplateFile, String, RawTemplate)> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = named.to_path_buf();
    loop {
        let text = read_text(&next)?;
        let name = shown(&next);
        let mut raw = RawTemplate::parse(&name, &text)?;
        let folder = folder_of(&next);
        let at = |span: std::ops::Range<usize>, msg: String| {
            InputError::at(&name, &text, Some(span), msg)
        };

        let signers = match raw.allowed_signers().cloned() {
            None => None,
            Some(rel) => {
                let path = folder.join(rel.get_ref().trim());
                let signers_text = read_text(&path)
                    .map_err(|e| at(rel.span(), format!("allowed_signers: {e}")))?;
                let parsed = crate::sshsig::AllowedSigners::parse(&shown(&path), &signers_text)?;
                raw.resolve_allowed_signers(&path);
                Some(Signers {
                    path,
                    bytes: signers_text.into_bytes(),
                    parsed,
                })
            }
        };
        let mut calendars = Vec::new();
        for (window, rel) in raw.calendars() {
            let path = folder.join(rel.get_ref().trim());
            let cal_text =
                read_text(&path).map_err(|e| at(rel.span(), format!("calendar: {e}")))?;
            let events = crate::calendar::Calendar::parse(&shown(&path), &cal_text)?;
            raw.set_calendar(
                window,
                WindowCalendar {
                    path: path.clone(),
                    events: std::sync::Arc::new(events),
                },
            );
            calendars.push(CalendarFile {
                path,
                bytes: cal_text.into_bytes(),
            });
        }

        seen.push(std::fs::canonicalize(&next).unwrap_or_else(|_| next.clone()));
        let parent = raw
            .extends()
            .cloned()
            .map(|rel| (rel, raw.extends_sha256().cloned()));
        read.push((
            TemplateFile {
                path: Some(next.clone()),
                shown: name.clone(),
                bytes: Vec::new(),
                signers,
                calendars,
            },
            text,
            raw,
        ));

        let Some((rel, pin)) = parent else { break };
        let parent_path = folder.join(rel.get_ref().trim());
        let chain_names = |last: &Path| {
            read.iter()
                .map(|(t, _, _)| t.shown.clone())
                .chain([shown(last)])
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let text = &read.last().map(|r| r.1.clone()).unwrap_or_default();
        let at = |span: std::ops::Range<usize>, msg: String| {
            InputError::at(&name, text, Some(span), msg)
        };
        let canonical = std::fs::canonicalize(&parent_path).unwrap_or_else(|_| parent_path.clone());
        if seen.contains(&canonical) {
            return Err(at(
                rel.span(),
                format!(
                    "extends: the templates extend each other in a cycle: {}",
                    chain_names(&parent_path)
                ),
            ));
        }
        if read.len() >= MAX_CHAIN {
            return Err(at(
                rel.span(),
                format!(
                    "extends: a chain of more than {MAX_CHAIN} templates: {}",
                    chain_names(&parent_path)
                ),
            ));
        }
        let parent_bytes = std::fs::read(&parent_path).map_err(|e| {
            at(
                rel.span(),
                format!("extends: {}: {}", shown(&parent_path), io_message(&e)),
            )
        })?;
        if let Some(pin) = pin {
            let actual = crate::sha256::hex(&crate::sha256::of(&parent_bytes));
            if !pin.get_ref().trim().eq_ignore_ascii_case(&actual) {
                return Err(at(
                    pin.span(),
                    format!(
                        "extends_sha256: {} has sha256 {actual}, expected {}",
                        shown(&parent_path),
                        pin.get_ref().trim()
                    ),
                ));
            }
        }
        next = parent_path;
    }

    // The top ancestor first; each child laid over what is above it.
    read.reverse();
    let (named_text, named_shown) = read
        .last()
        .map(|(t, text, _)| (text.clone(), t.shown.clone()))
        .unwrap_or_default();
    let mut chain = Vec::with_capacity(read.len());
    let mut merged: Option<RawTemplate> = None;
    for (mut file, text, raw) in read {
        file.bytes = text.into_bytes();
        chain.push(file);
        merged = Some(match merged {
            None => raw,
            Some(parent) => RawTemplate::merge(parent, raw),
        });
    }
    let merged = merged.ok_or_else(|| InputError::new(&named_shown, "no template"))?;
    let template = Template::from_raw(merged, &named_shown, &named_text)?;
    Ok((chain, template))
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(p: &Path) -> PathBuf {
    p.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Where `[release].checklist`'s value is written.
fn checklist_span(text: &str) -> Option<std::ops::Range<usize>> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let release = doc.get_ref().get("release")?;
    let value = release.get_ref().as_table()?.get("checklist")?;
    Some(value.span())
}

/// See [`Inputs::manifest_sections`].
pub fn manifest_sections(text: &str) -> std::collections::BTreeMap<String, String> {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Default::default();
    };
    table
        .into_iter()
        .map(|(k, v)| {
            let one: toml::Table = [(k.clone(), v)].into_iter().collect();
            let text = toml::to_string(&one).unwrap_or_default();
            (k, crate::sha256::hex(&crate::sha256::of(text)))
        })
        .collect()
}

/// The sections (top-level keys) whose digests differ between `old` and `new`, a section
/// present in only one of them included.
pub fn changed_sections(
    old: &std::collections::BTreeMap<String, String>,
    new: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    old.keys()
        .chain(new.keys().filter(|k| !old.contains_key(*k)))
        .filter(|k| old.get(*k) != new.get(*k))
        .cloned()
        .collect()
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
    fn paths_in_the_report_are_tidied_without_the_disk() {
        assert_eq!(
            relative_to(Path::new("a/b"), Path::new("a/b/../../x/y/../z.toml")),
            "../../x/z.toml"
        );
        assert_eq!(
            relative_to(Path::new("."), Path::new("./c/./d.ics")),
            "c/d.ics"
        );
    }

    #[test]
    fn sections_that_changed_are_named_and_comments_change_none() {
        let old = manifest_sections("[release]\nname = \"r\"\n[[changes]]\nid = \"a\"\n");
        let same = manifest_sections(
            "# a comment\n[release]\nname   = \"r\"\n\n[[changes]]\nid = \"a\"\n",
        );
        assert_eq!(old, same);
        let new = manifest_sections(
            "[release]\nname = \"r\"\n[[changes]]\nid = \"b\"\n[monitoring]\nalerts = []\n",
        );
        assert_eq!(changed_sections(&old, &new), ["changes", "monitoring"]);
    }

    #[test]
    fn the_answers_file_sits_beside_the_manifest_named_after_it() {
        assert_eq!(
            default_answers_path(Path::new("deploy/prod.toml")),
            Path::new("deploy/prod.answers.toml")
        );
    }

    const MANIFEST: &str =
        "[release]\nname = \"r\"\ndeployer = \"jiyoon\"\nchecklist = \"team/release.toml\"\n";

    /// Writes `files` (path, text) under a fresh folder and loads its release.toml.
    fn load_in(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Inputs, InputError>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let r = load(&Locations {
            manifest: Some(dir.path().join("release.toml")),
            ..Locations::default()
        });
        (dir, r)
    }

    const HOLIDAYS: &str = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn a_chain_is_read_top_ancestor_first_with_paths_against_each_templates_folder() {
        let (_dir, r) = load_in(&[
            ("release.toml", MANIFEST),
            ("team/release.toml", "[checklist]\nname = \"Team\"\nextends = \"../company/policy.toml\"\n[[items]]\nid = \"b\"\nprompt = \"?\"\n"),
            ("company/policy.toml", "[checklist]\nextends = \"base/root.toml\"\n[policy]\nallowed_signers = \"signers\"\n[[policy.freeze]]\nname = \"holidays\"\ncalendar = \"holidays.ics\"\nallow = \"low\"\n"),
            ("company/signers", ""),
            ("company/holidays.ics", HOLIDAYS),
            ("company/base/root.toml", "[[items]]\nid = \"a\"\nprompt = \"?\"\n"),
        ]);
        let i = r.unwrap();
        let names: Vec<_> = i
            .chain
            .iter()
            .map(|t| t.shown.rsplit('/').take(2).collect::<Vec<_>>().join("<"))
            .collect();
        assert_eq!(
            names,
            ["root.toml<base", "policy.toml<company", "release.toml<team"]
        );
        assert!(i.chain[1]
            .signers
            .as_ref()
            .unwrap()
            .path
            .ends_with("company/signers"));
        assert_eq!(i.chain[1].calendars.len(), 1);
        assert!(i.chain[1].calendars[0]
            .path
            .ends_with("company/holidays.ics"));
        assert_eq!(i.chain[1].calendars[0].bytes, HOLIDAYS.as_bytes());
        assert!(i.signers.is_some());
        assert_eq!(i.template.name, "Team");
        let ids: Vec<_> = i.template.items.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(i.template_bytes, i.chain[2].bytes);
        assert!(i.template.policy.freeze[0]
            .calendar
            .as_ref()
            .unwrap()
            .1
            .is_some());

        // The report lists every file of the chain, in SPEC's order, each with the sha256 of
        // its bytes.
        let listed: Vec<_> = i
            .files
            .iter()
            .map(|f| {
                let name = f.path.rsplit('/').next().unwrap_or_default();
                format!(
                    "{} {name}",
                    serde_json::to_value(f.role).unwrap().as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                "manifest release.toml",
                "template root.toml",
                "template policy.toml",
                "signers signers",
                "calendar holidays.ics",
                "template release.toml",
                "answers release.answers.toml",
                "approvals release.approvals.toml"
            ]
        );
        assert_eq!(
            i.files[4].sha256,
            crate::sha256::hex(&crate::sha256::of(HOLIDAYS.as_bytes()))
        );
    }

    #[test]
    fn a_pin_that_differs_is_an_input_error_at_the_pin() {
        let parent = "[policy]\nmin_on_call = 1\n";
        let sha = crate::sha256::hex(&crate::sha256::of(parent.as_bytes()));
        let child = |pin: &str| {
            format!("[checklist]\nextends = \"parent.toml\"\nextends_sha256 = \"{pin}\"\n")
        };
        let (_d, ok) = load_in(&[
            ("release.toml", MANIFEST),
            ("team/release.toml", &child(&sha.to_uppercase())),
            ("team/parent.toml", parent),
        ]);
        assert_eq!(ok.unwrap().template.policy.min_on_call, 1);
        let (_d, bad) = load_in(&[
            ("release.toml", MANIFEST),
            ("team/release.toml", &child(&"0".repeat(64))),
            ("team/parent.toml", parent),
        ]);
        let e = bad.unwrap_err();
        assert!(e.file.ends_with("team/release.toml"), "{e}");
        assert_eq!(e.position, Some((3, 18)));
        assert!(e.message.contains(&sha), "{e}");
    }

    #[test]
    fn a_missing_parent_is_an_error_at_the_extends_line() {
        let (_d, r) = load_in(&[
            ("release.toml", MANIFEST),
            (
                "team/release.toml",
                "[checklist]\nextends = \"nowhere.toml\"\n",
            ),
        ]);
        let e = r.unwrap_err();
        assert_eq!(e.position, Some((2, 11)), "{e}");
        assert!(e.message.contains("no such file"), "{e}");
    }

    #[test]
    fn cycles_are_refused_naming_the_chain() {
        let (_d, r) = load_in(&[
            ("release.toml", MANIFEST),
            ("team/release.toml", "[checklist]\nextends = \"a.toml\"\n"),
            ("team/a.toml", "[checklist]\nextends = \"release.toml\"\n"),
        ]);
        let e = r.unwrap_err();
        assert!(e.message.contains("cycle"), "{e}");
        assert!(e.file.ends_with("team/a.toml"), "{e}");
        assert!(
            e.message.contains("release.toml → ") && e.message.contains("a.toml → "),
            "{e}"
        );
        let (_d, r) = load_in(&[
            ("release.toml", MANIFEST),
            (
                "team/release.toml",
                "[checklist]\nextends = \"release.toml\"\n",
            ),
        ]);
        assert!(r.unwrap_err().message.contains("cycle"));
    }

    #[test]
    fn eight_templates_are_allowed_and_nine_are_refused() {
        let chain = |n: usize| {
            let mut files = vec![("release.toml".to_string(), MANIFEST.to_string())];
            for i in 0..n {
                let name = if i == 0 {
                    "team/release.toml".to_string()
                } else {
                    format!("team/t{i}.toml")
                };
                let text = if i + 1 < n {
                    format!("[checklist]\nextends = \"t{}.toml\"\n", i + 1)
                } else {
                    String::new()
                };
                files.push((name, text));
            }
            files
        };
        let as_refs = |f: &[(String, String)]| {
            load_in(
                &f.iter()
                    .map(|(a, b)| (a.as_str(), b.as_str()))
                    .collect::<Vec<_>>(),
            )
            .1
        };
        assert_eq!(as_refs(&chain(8)).unwrap().chain.len(), 8);
        let e = as_refs(&chain(9)).unwrap_err();
        assert!(e.message.contains("more than 8 templates"), "{e}");
        assert!(e.message.contains("t8.toml"), "{e}");
    }

    #[test]
    fn an_error_in_a_parent_points_at_the_parent() {
        let (_d, r) = load_in(&[
            ("release.toml", MANIFEST),
            ("team/release.toml", "[checklist]\nextends = \"p.toml\"\n"),
            ("team/p.toml", "[policy]\n\nmin_on_call = \"two\"\n"),
        ]);
        let e = r.unwrap_err();
        assert!(e.file.ends_with("team/p.toml"), "{e}");
        assert_eq!(e.position.map(|p| p.0), Some(3));
    }

    #[test]
    fn a_calendar_that_does_not_parse_or_is_missing_is_an_input_error() {
        let tpl = "[[policy.freeze]]\nname = \"h\"\ncalendar = \"h.ics\"\nallow = \"low\"\n";
        let (_d, r) = load_in(&[("release.toml", MANIFEST), ("team/release.toml", tpl)]);
        let e = r.unwrap_err();
        assert!(
            e.file.ends_with("team/release.toml") && e.position == Some((3, 12)),
            "{e}"
        );
        let (_d, r) = load_in(&[
            ("release.toml", MANIFEST),
            ("team/release.toml", tpl),
            (
                "team/h.ics",
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:soon\nEND:VEVENT\nEND:VCALENDAR\n",
            ),
        ]);
        let e = r.unwrap_err();
        assert!(
            e.file.ends_with("team/h.ics") && e.position == Some((3, 1)),
            "{e}"
        );
    }

    #[test]
    fn the_built_in_checklist_is_a_chain_of_one() {
        let (_d, r) = load_in(&[(
            "release.toml",
            "[release]\nname = \"r\"\ndeployer = \"j\"\n",
        )]);
        let i = r.unwrap();
        assert_eq!(i.chain.len(), 1);
        assert_eq!(i.chain[0].shown, "(built-in)");
        assert!(i.chain[0].path.is_none());
    }
}
