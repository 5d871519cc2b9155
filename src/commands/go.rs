//! `relcheck go`: the interactive walk-through. Shows the risk, asks what is not yet answered
//! (saving every answer at once), judges like `check`, and on GO asks for the sign-off.
//! Without a terminal it asks nothing and assumes nothing: it judges like `check`.

use super::Outcome;
use crate::cli::{Global, SignoffFormat};
use crate::prompt::{self, Terminal};
use chrono::Timelike;
use relcheck::error::InputError;
use relcheck::inputs::Inputs;
use relcheck::model::values::Timestamp;
use relcheck::report::text::{self, Text};
use relcheck::report::{Render, Report};
use relcheck::rules::Level;
use relcheck::verdict::Verdict;
use relcheck::walk::{self, Walked};
use std::path::PathBuf;

pub struct Args {
    pub reset: bool,
    pub non_interactive: bool,
    pub by: Option<String>,
    pub out: Option<PathBuf>,
    /// Replace the `out` file if it exists.
    pub force: bool,
}

pub fn run(g: &Global, args: &Args) -> Result<Outcome, InputError> {
    let now = super::now(g)?;
    let inputs = super::load(g)?;
    if args.non_interactive || !prompt::interactive() {
        return judge_only(g, &inputs, now);
    }
    prompt::exit_on_interrupt(&inputs.answers_path);
    let term = Terminal::new(super::color_stderr(g));
    // The opening screen needs no evidence: it is read once, for the judgement below.
    let risk = relcheck::judge::assess(&inputs, now);
    term.say(&text::header(&risk));
    term.say("\n");
    term.say(&text::matrix(&risk, super::color_stderr(g)));

    let by = args
        .by
        .clone()
        .unwrap_or_else(|| inputs.manifest.release.deployer.get_ref().clone());
    let clock = || match &g.now {
        Some(_) => Timestamp(now),
        None => Timestamp(
            chrono::Local::now()
                .fixed_offset()
                .with_nanosecond(0)
                .unwrap_or_default(),
        ),
    };
    let mut prompter = term;
    let opts = walk::Options {
        reset: args.reset,
        by: &by,
    };
    match walk::walk(&inputs, &mut prompter, &opts, clock)? {
        Walked::Cancelled { answered } => {
            prompter.restore();
            eprintln!(
                "interrupted: {answered} answer{} saved in {}; run relcheck go again to continue",
                if answered == 1 { "" } else { "s" },
                inputs.answers_path.display()
            );
            return Ok(Outcome::Interrupted);
        }
        Walked::Done { asked: 0 } => prompter.say("\nEvery checklist item is answered.\n"),
        Walked::Done { .. } => {}
    }

    // Judge what is on disk now, exactly as `check` would.
    let inputs = super::load(g)?;
    let report = super::judge_loaded(g, &inputs, now)?;
    super::step_summary(&report);
    prompter.say("\n");
    prompter.say(&findings_and_verdict(
        &report,
        super::color_stderr(g),
        prompter.width(),
    ));
    if report.verdict == Verdict::NoGo {
        return Ok(Outcome::NoGo);
    }
    let deployer = report.risk.release.deployer.clone();
    match prompter.confirm(
        &format!(
            "Sign off as {}?",
            relcheck::report::escape::terminal(&deployer)
        ),
        None,
    ) {
        Err(e) => Err(InputError::new("terminal", format!("cannot ask: {e}"))),
        Ok(None) => Ok(Outcome::Interrupted),
        Ok(Some(false)) => {
            eprintln!("not signed off: nothing written");
            Ok(Outcome::NoGo)
        }
        Ok(Some(true)) => {
            let text = super::signoff::render(&report, SignoffFormat::Markdown, Some(deployer));
            let path = match &args.out {
                Some(path) => {
                    relcheck::store::write_new(path, text.as_bytes(), args.force)?;
                    path.clone()
                }
                None => write_numbered(&inputs, &report, text.as_bytes())?,
            };
            let shown = path.display().to_string();
            super::emit(&format!("{}\n", shown.strip_prefix("./").unwrap_or(&shown)))?;
            Ok(Outcome::Go)
        }
    }
}

/// No terminal: judge like `check`, and say on stderr which items still need an answer.
fn judge_only(
    g: &Global,
    inputs: &Inputs,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Outcome, InputError> {
    let report = super::judge_loaded(g, inputs, now)?;
    if !g.quiet {
        super::emit(
            &Text {
                color: super::color(g),
            }
            .render(&report),
        )?;
    }
    let waiting: Vec<_> = report
        .checklist
        .iter()
        .filter(|c| c.applies && c.required && !c.passed)
        .collect();
    if !waiting.is_empty() {
        eprintln!("relcheck go: not asking without a terminal; these items need an answer (run relcheck go in a terminal):");
        for c in waiting {
            let state = if c.answer.is_some() {
                "does not pass"
            } else {
                "unanswered"
            };
            eprintln!(
                "  {} ({state}): {}",
                relcheck::report::escape::terminal(&c.id),
                relcheck::report::escape::terminal(&c.prompt)
            );
        }
    }
    super::step_summary(&report);
    Ok(report.verdict.into())
}

fn findings_and_verdict(r: &Report, color: bool, width: usize) -> String {
    use relcheck::fmt::wrap;
    use relcheck::report::escape::terminal as t;
    let mut s = String::new();
    for f in r.findings.iter().filter(|f| f.level == Level::Block) {
        s += &wrap(
            &format!("BLOCK {} [{}]: ", f.rule, t(&f.subject)),
            &t(&f.message),
            width,
        );
        s += &wrap("    hint: ", &t(&f.hint), width);
    }
    let warns = r.warnings().count();
    let line = match r.verdict {
        Verdict::Go => format!("GO ({warns} warning{})", if warns == 1 { "" } else { "s" }),
        Verdict::NoGo => format!("NO-GO ({} blocking)", r.blocks().count()),
    };
    let style = match r.verdict {
        Verdict::Go => console::Style::new().green().bold(),
        Verdict::NoGo => console::Style::new().red().bold(),
    };
    s + &format!("{}\n", style.force_styling(color).apply_to(line))
}

/// Writes the sign-off to `signoffs/<deploy date>-<slug of the name>.md` beside the
/// manifest; a second sign-off of the same release gets `-2`, `-3`… rather than replacing the
/// first (also when two are written at once: a name taken meanwhile is skipped).
fn write_numbered(inputs: &Inputs, r: &Report, bytes: &[u8]) -> Result<PathBuf, InputError> {
    loop {
        let path = default_signoff_path(inputs, r);
        match relcheck::store::write_new(&path, bytes, false) {
            Err(_) if path.exists() => continue,
            other => return other.map(|()| path),
        }
    }
}

/// The first free `signoffs/<deploy date>-<slug>[-N].md`.
fn default_signoff_path(inputs: &Inputs, r: &Report) -> PathBuf {
    let date = r
        .risk
        .release
        .deploy_local
        .split_whitespace()
        .nth(1)
        .unwrap_or("undated")
        .to_string();
    let slug = slug(&r.risk.release.name);
    let dir = inputs.base.join("signoffs");
    let mut path = dir.join(format!("{date}-{slug}.md"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{date}-{slug}-{n}.md"));
        n += 1;
    }
    path
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
