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
use relcheck::rules::{Level, RuleId};
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
    /// Post the sign-off to the team channel.
    pub post: bool,
    /// Ask this one item again.
    pub item: Option<String>,
}

pub fn run(g: &Global, args: &Args) -> Result<Outcome, InputError> {
    let now = super::now(g)?;
    let interactive = !args.non_interactive && prompt::interactive();
    // Removed again when this run saves nothing in it.
    let _created = match interactive {
        true => Some(super::create_answers_file(g)?),
        false => None,
    };
    let inputs = super::load(g)?;
    if let Some(id) = &args.item {
        super::known_item(&inputs, id)?;
    }
    if !interactive {
        return judge_only(g, &inputs, now);
    }
    prompt::exit_on_interrupt(&inputs.answers_path);
    let color = super::color_stderr(g);
    let mut term = Terminal::new(color);
    // The screens below are laid out for this terminal (the tables read $COLUMNS when they
    // cannot see a terminal on stdout).
    std::env::set_var("COLUMNS", term.columns().to_string());
    let risk = relcheck::judge::assess(&inputs, now);
    term.say(&text::header(&risk));
    term.say("\n");
    term.say(&text::matrix(&risk, color));

    // The evidence is read once, here; the judgement after the answers reuses it.
    let probe = super::probe(g, &inputs, now)?;
    let first =
        relcheck::judge::judge_probed(&inputs, now, &probe, &crate::progress::Bar::new(g.quiet));
    match blockers(&first, &mut term, color)? {
        Some(true) => {}
        Some(false) => {
            term.say("Stopped before the checklist: nothing was changed.\n");
            return Ok(Outcome::NoGo);
        }
        None => {
            term.restore();
            eprintln!("interrupted before the checklist: nothing was changed");
            return Ok(Outcome::Interrupted);
        }
    }
    resume_note(&inputs, &mut term, args, now);

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
    let opts = walk::Options {
        reset: args.reset,
        by: &by,
        only: args.item.as_deref(),
    };
    match walk::walk(&inputs, &mut term, &opts, clock)? {
        Walked::Cancelled { answered } => {
            term.restore();
            eprintln!(
                "interrupted: {answered} answer{} saved in {}; run relcheck go again to continue",
                if answered == 1 { "" } else { "s" },
                inputs.answers_path.display()
            );
            return Ok(Outcome::Interrupted);
        }
        Walked::Done { asked: 0 } => term.say("\nEvery checklist item is answered.\n"),
        Walked::Done { .. } => {}
    }

    // Judge what is on disk now, exactly as `check` would, with the evidence read above.
    let inputs = super::load(g)?;
    let report = relcheck::judge::judge_verified(&inputs, now, &probe, first.evidence);
    super::step_summary(&report);
    // The whole judgement, as `check` shows it, before anyone signs.
    term.say("\n");
    term.say(&Text { color }.render(&report));
    if report.verdict == Verdict::NoGo {
        return Ok(Outcome::NoGo);
    }
    let deployer = report.risk.release.deployer.clone();
    match term.confirm(
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
            let text =
                super::signoff::render(&report, SignoffFormat::Markdown, Some(deployer.clone()));
            let record = super::signoff::record(&report, &deployer, now);
            let path = match &args.out {
                Some(path) => {
                    super::signoff::write_with_record(path, &text, &record, args.force)?;
                    path.clone()
                }
                None => super::signoff::write_numbered(&inputs, &report, &text, &record)?,
            };
            let shown = path.display().to_string();
            super::emit(&format!("{}\n", shown.strip_prefix("./").unwrap_or(&shown)))?;
            if args.post {
                let slack = super::signoff::render(&report, SignoffFormat::Slack, Some(deployer));
                super::post(&slack, g.quiet);
            }
            Ok(Outcome::Go)
        }
    }
}

/// Shows what blocks the release whatever the checklist says, and asks whether to go on
/// answering: `Some(false)` to stop here, `None` when cancelled (Esc, Ctrl-C).
fn blockers(report: &Report, term: &mut Terminal, color: bool) -> Result<Option<bool>, InputError> {
    use relcheck::report::escape::terminal as t;
    let blocks: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.level == Level::Block && f.rule != RuleId::Checklist)
        .collect();
    if blocks.is_empty() {
        return Ok(Some(true));
    }
    let width = term.width();
    let title = format!(
        "{} already block{} this release, whatever the answers:",
        match blocks.len() {
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        },
        if blocks.len() == 1 { "s" } else { "" }
    );
    let mut s = console::Style::new()
        .red()
        .bold()
        .force_styling(color)
        .apply_to(title)
        .to_string();
    s = format!("\n{s}\n");
    for f in blocks {
        s += &format!("  BLOCK {} [{}]:\n", f.rule, t(&f.subject));
        s += &relcheck::fmt::wrap("    ", &t(&f.message), width);
        s += &relcheck::fmt::wrap("    hint: ", &t(&f.hint), width);
    }
    s += "Answering the checklist will not make it GO until these are fixed.\n";
    term.say(&s);
    term.confirm("Go on answering the checklist anyway?", Some(false))
        .map_err(|e| InputError::new("terminal", format!("cannot ask: {e}")))
}

/// What is already answered: kept (and by whom, when), or given for another version of the
/// manifest (and which of its sections changed since).
fn resume_note(
    inputs: &Inputs,
    term: &mut Terminal,
    args: &Args,
    now: chrono::DateTime<chrono::FixedOffset>,
) {
    use relcheck::report::escape::terminal as t;
    let a = &inputs.answers;
    if a.given.is_empty() || args.item.is_some() {
        return;
    }
    let severity = relcheck::risk::release_severity(&relcheck::risk::assess_all(
        &inputs.manifest.changes,
        &inputs.template.policy.bands,
    ));
    let applicable: Vec<_> = inputs
        .template
        .items
        .iter()
        .filter(|i| i.applies(severity))
        .collect();
    let given: Vec<_> = applicable
        .iter()
        .filter_map(|i| a.given.get(&i.id))
        .collect();
    let mut names: Vec<&str> = given.iter().filter_map(|g| g.by.as_deref()).collect();
    names.sort_unstable();
    names.dedup();
    let by = match names.as_slice() {
        [] => String::new(),
        names => format!(" by {}", t(&names.join(", "))),
    };
    let zone = inputs.template.policy.timezone.as_ref();
    let at = given
        .iter()
        .filter_map(|g| g.at)
        .max_by_key(|t| t.0)
        .map(|latest| format!(" at {}", shown_time(latest.0, now, zone)))
        .unwrap_or_default();
    let width = term.width();
    if a.current_for(&inputs.manifest_sha256()) {
        if args.reset {
            term.say(&relcheck::fmt::wrap(
                "",
                &format!(
                    "{} of {} answered{by}{at}; --reset asks all {} again (Enter keeps an earlier answer)",
                    given.len(),
                    applicable.len(),
                    applicable.len()
                ),
                width,
            ));
            return;
        }
        let left = applicable.len().saturating_sub(given.len());
        let rest = match left {
            0 => "nothing left to ask".to_string(),
            1 => "asking the other 1".to_string(),
            n => format!("asking the other {n}"),
        };
        term.say(&format!(
            "\n{}",
            relcheck::fmt::wrap(
                "",
                &format!(
                    "{} of {} answered{by}{at}; {rest}",
                    given.len(),
                    applicable.len()
                ),
                width,
            )
        ));
        return;
    }
    let now_sections = inputs.manifest_sections();
    let changed = match &a.meta.sections {
        Some(old) => {
            let names = relcheck::inputs::changed_sections(old, &now_sections);
            if names.is_empty() {
                "only its layout or comments changed".to_string()
            } else {
                format!(
                    "changed: {}",
                    names
                        .iter()
                        .map(|n| format!("[{}]", t(n)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        }
        None => "which sections changed is not recorded in this answers file".to_string(),
    };
    term.say(&format!(
        "\n{}{}",
        relcheck::fmt::wrap(
            "",
            &format!(
                "The manifest changed since these {} answers were given{by}{at}; {changed}.",
                given.len()
            ),
            width,
        ),
        relcheck::fmt::wrap(
            "",
            "Each is asked again with the earlier answer as the default: Enter keeps it.",
            width,
        )
    ));
}

/// A time as people read it, in the policy's zone: "22:41" today, else "2026-11-24 22:41".
fn shown_time(
    at: chrono::DateTime<chrono::FixedOffset>,
    now: chrono::DateTime<chrono::FixedOffset>,
    zone: Option<&relcheck::model::checklist::Zone>,
) -> String {
    use relcheck::model::checklist::local_time;
    let (local, _) = local_time(at, zone);
    let (today, _) = local_time(now, zone);
    if local.date() == today.date() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
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
