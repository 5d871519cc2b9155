//! One file per subcommand. Commands print; the library below them never does.

pub mod check;
pub mod completions;
pub mod go;
pub mod init;
pub mod risk;
pub mod schema;
pub mod signoff;

use crate::cli::{ColorChoice, Global};
use chrono::{DateTime, FixedOffset};
use relcheck::error::InputError;
use relcheck::inputs::{self, Inputs, Locations};
use relcheck::model::values::Timestamp;
use relcheck::report::Report;
use std::io::IsTerminal;

/// How a command ended, mapped to the exit code in `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Go,
    NoGo,
    Done,
    /// Ctrl-C or Esc at a prompt: exit 130.
    Interrupted,
}

impl From<relcheck::verdict::Verdict> for Outcome {
    fn from(v: relcheck::verdict::Verdict) -> Self {
        match v {
            relcheck::verdict::Verdict::Go => Outcome::Go,
            relcheck::verdict::Verdict::NoGo => Outcome::NoGo,
        }
    }
}

/// The evaluation time: `--now` / `RELCHECK_NOW`, else the clock. The only clock read.
pub fn now(g: &Global) -> Result<DateTime<FixedOffset>, InputError> {
    match &g.now {
        Some(s) => Timestamp::parse(s).map(|t| t.0).ok_or_else(|| {
            InputError::new(
                "--now",
                format!("expected an RFC 3339 timestamp with an offset, e.g. 2026-11-27T23:00:00+09:00, got \"{s}\""),
            )
        }),
        None => Ok(chrono::Utc::now().fixed_offset()),
    }
}

pub fn locations(g: &Global) -> Locations {
    Locations {
        manifest: g.manifest.clone(),
        checklist: g.checklist.clone(),
        answers: g.answers.clone(),
    }
}

pub fn load(g: &Global) -> Result<Inputs, InputError> {
    inputs::load(&locations(g))
}

pub fn judge(g: &Global) -> Result<(Inputs, Report), InputError> {
    let now = now(g)?;
    let inputs = load(g)?;
    let report = judge_loaded(g, &inputs, now);
    Ok((inputs, report))
}

/// The judgement of loaded inputs, with a progress bar for slow evidence unless `-q`.
pub fn judge_loaded(
    g: &Global,
    inputs: &Inputs,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Report {
    relcheck::judge::judge_with(inputs, now, &crate::progress::Bar::new(g.quiet))
}

/// Whether stdout gets colour.
pub fn color(g: &Global) -> bool {
    match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0")
            {
                true
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}

/// Whether the terminal on stderr (prompts) gets colour.
pub fn color_stderr(g: &Global) -> bool {
    match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// Appends the markdown report to `$GITHUB_STEP_SUMMARY` when running in GitHub Actions.
pub fn step_summary(report: &Report) -> Result<(), InputError> {
    use relcheck::report::Render;
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let text = relcheck::report::markdown::Markdown { signed_by: None }.render(report);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| {
            InputError::new(
                path.to_string_lossy(),
                format!("cannot append the step summary: {e}"),
            )
        })?;
    std::io::Write::write_all(&mut f, format!("{text}\n").as_bytes()).map_err(|e| {
        InputError::new(
            path.to_string_lossy(),
            format!("cannot append the step summary: {e}"),
        )
    })
}
