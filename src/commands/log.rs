//! `relcheck log [DIR]`: the team's release history from the sign-off and watch records in
//! `DIR` (default `signoffs/` beside the manifest).

use super::Outcome;
use crate::cli::{Global, LogFormat};
use relcheck::error::InputError;
use relcheck::record::{log, render};
use std::path::{Path, PathBuf};

pub fn run(
    g: &Global,
    dir: Option<&Path>,
    since: Option<&str>,
    format: LogFormat,
) -> Result<Outcome, InputError> {
    let since = match since {
        None => None,
        Some(s) => Some(
            chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                InputError::new(
                    "--since",
                    format!(
                        "expected a date YYYY-MM-DD that exists, got \"{}\"",
                        s.escape_debug()
                    ),
                )
            })?,
        ),
    };
    let dir: PathBuf = match dir {
        Some(d) => d.to_path_buf(),
        None => {
            let manifest = g
                .manifest
                .clone()
                .unwrap_or_else(|| PathBuf::from("release.toml"));
            manifest
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                .join("signoffs")
        }
    };
    let shown = dir.display().to_string();
    let history = log::read(&dir, since).map_err(|e| {
        InputError::new(
            &shown,
            match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "no such folder (relcheck go and relcheck signoff -o write sign-offs and their records there)".to_string()
                }
                _ => format!("cannot read the folder: {e}"),
            },
        )
    })?;
    for (path, why) in &history.skipped {
        eprintln!(
            "warning: skipped {}: {}",
            relcheck::report::escape::terminal(&path.display().to_string()),
            relcheck::report::escape::terminal(why)
        );
    }
    let out = match format {
        LogFormat::Text => render::text(&history, super::width()),
        LogFormat::Markdown => render::markdown(&history),
        LogFormat::Json => {
            let mut s = serde_json::to_string_pretty(&history).expect("the log serialises");
            s.push('\n');
            s
        }
    };
    super::emit(&out)?;
    Ok(Outcome::Done)
}
