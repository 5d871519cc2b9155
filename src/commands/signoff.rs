//! `relcheck signoff`: the sign-off for the team channel, in markdown or Slack mrkdwn. It is
//! written for a NO-GO too (and says so); the exit code tells the verdict.

use super::Outcome;
use crate::cli::{Global, SignoffFormat};
use relcheck::error::InputError;
use relcheck::report::{markdown::Markdown, slack::Slack, Render, Report};
use std::path::Path;

pub fn render(report: &Report, format: SignoffFormat, signed_by: Option<String>) -> String {
    match format {
        SignoffFormat::Markdown => Markdown { signed_by }.render(report),
        SignoffFormat::Slack => Slack { signed_by }.render(report),
    }
}

pub fn run(
    g: &Global,
    format: SignoffFormat,
    out: Option<&Path>,
    force: bool,
) -> Result<Outcome, InputError> {
    let (_, report) = super::judge(g)?;
    let text = render(&report, format, None);
    match out {
        Some(path) => {
            relcheck::store::write_new(path, text.as_bytes(), force)?;
            if !g.quiet {
                eprintln!("wrote {} ({})", path.display(), report.verdict.label());
            }
        }
        None => super::emit(&text)?,
    }
    Ok(report.verdict.into())
}
