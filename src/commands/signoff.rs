//! `relcheck signoff`: the sign-off for the team channel, in markdown or Slack mrkdwn. It is
//! written for a NO-GO too (and says so); the exit code tells the verdict.

use super::Outcome;
use crate::cli::{Global, SignoffFormat};
use chrono::{DateTime, FixedOffset};
use relcheck::error::InputError;
use relcheck::inputs::Inputs;
use relcheck::record::{Record, Stamp};
use relcheck::report::{markdown::Markdown, slack::Slack, Render, Report};
use std::path::{Path, PathBuf};

pub fn render(report: &Report, format: SignoffFormat, signed_by: Option<String>) -> String {
    match format {
        SignoffFormat::Markdown => Markdown { signed_by }.render(report),
        SignoffFormat::Slack => Slack { signed_by }.render(report),
        SignoffFormat::Json => Record {
            report,
            signoff: stamp(
                report,
                signed_by
                    .as_deref()
                    .unwrap_or(&report.risk.release.deployer),
                None,
            ),
        }
        .to_json(),
    }
}

fn stamp(report: &Report, by: &str, at: Option<DateTime<FixedOffset>>) -> Stamp {
    Stamp {
        by: by.to_string(),
        at: at.map_or_else(|| report.evaluated_at.clone(), relcheck::fmt::timestamp),
        verdict: report.verdict.as_str().to_string(),
    }
}

/// The record of a sign-off by `by` at `at`: the JSON report and the stamp.
pub fn record(report: &Report, by: &str, at: DateTime<FixedOffset>) -> String {
    Record {
        report,
        signoff: stamp(report, by, Some(at)),
    }
    .to_json()
}

/// Where a sign-off's record goes: the same name with `.json`.
pub fn record_path(signoff: &Path) -> PathBuf {
    let json = signoff.with_extension("json");
    if json == signoff {
        signoff.with_extension("record.json")
    } else {
        json
    }
}

/// Writes a sign-off and its record beside it. Without `force`, an existing file at either
/// path is an error and nothing is written.
pub fn write_with_record(
    path: &Path,
    text: &str,
    record: &str,
    force: bool,
) -> Result<(), InputError> {
    let record_path = record_path(path);
    if !force {
        for p in [path, record_path.as_path()] {
            if p.exists() {
                return Err(InputError::new(
                    p.display().to_string(),
                    "already exists; pass --force to replace it",
                ));
            }
        }
    }
    relcheck::store::write_new(path, text.as_bytes(), force)?;
    relcheck::store::write_new(&record_path, record.as_bytes(), force)
}

/// Writes the sign-off to `signoffs/<deploy date>-<slug of the name>.md` beside the manifest,
/// and its record beside it; a second sign-off of the same release gets `-2`, `-3`… rather than
/// replacing the first (also when two are written at once: a name taken meanwhile is skipped).
pub fn write_numbered(
    inputs: &Inputs,
    r: &Report,
    text: &str,
    record: &str,
) -> Result<PathBuf, InputError> {
    let stem = stem(inputs, r);
    for n in 1.. {
        let path = numbered(&stem, n);
        if path.exists() || record_path(&path).exists() {
            continue;
        }
        match write_with_record(&path, text, record, false) {
            Err(_) if path.exists() => continue,
            other => return other.map(|()| path),
        }
    }
    unreachable!("there is always a next number")
}

/// The latest sign-off of this release in `signoffs/`, or where its first would go.
pub fn latest(inputs: &Inputs, r: &Report) -> PathBuf {
    let stem = stem(inputs, r);
    let mut last = numbered(&stem, 1);
    for n in 2.. {
        let next = numbered(&stem, n);
        if !next.exists() {
            break;
        }
        last = next;
    }
    last
}

/// `signoffs/<deploy date>-<slug>` beside the manifest, without the number and extension.
fn stem(inputs: &Inputs, r: &Report) -> PathBuf {
    let date = r
        .risk
        .release
        .deploy_local
        .split_whitespace()
        .nth(1)
        .unwrap_or("undated")
        .to_string();
    let slug = slug(&r.risk.release.name);
    // A name that starts with the deploy date ("2026-12-02 release") does not repeat it.
    let slug = slug
        .strip_prefix(&format!("{date}-"))
        .filter(|s| !s.is_empty())
        .unwrap_or(&slug);
    inputs.base.join("signoffs").join(format!("{date}-{slug}"))
}

fn numbered(stem: &Path, n: usize) -> PathBuf {
    let name = stem
        .file_name()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    match n {
        1 => stem.with_file_name(format!("{name}.md")),
        n => stem.with_file_name(format!("{name}-{n}.md")),
    }
}

pub(super) fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        "release".into()
    } else {
        s
    }
}

pub fn run(
    g: &Global,
    format: SignoffFormat,
    out: Option<&Path>,
    force: bool,
    post: bool,
) -> Result<Outcome, InputError> {
    let (_, report) = super::judge(g)?;
    let text = render(&report, format, None);
    match out {
        Some(path) if format == SignoffFormat::Json => {
            relcheck::store::write_new(path, text.as_bytes(), force)?;
            if !g.quiet {
                eprintln!("wrote {} ({})", path.display(), report.verdict.label());
            }
        }
        Some(path) => {
            let now = super::now(g)?;
            let record = record(&report, &report.risk.release.deployer, now);
            write_with_record(path, &text, &record, force)?;
            if !g.quiet {
                eprintln!("wrote {} ({})", path.display(), report.verdict.label());
            }
        }
        None => super::emit(&text)?,
    }
    if post {
        let slack = match format {
            SignoffFormat::Slack => text,
            _ => render(&report, SignoffFormat::Slack, None),
        };
        super::post(&slack, g.quiet);
    }
    Ok(report.verdict.into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(
            super::slug("2026-11-27 Evening release!"),
            "2026-11-27-evening-release"
        );
        assert_eq!(super::slug("///"), "release");
    }
}
