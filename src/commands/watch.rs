//! `relcheck watch`: the post-deploy watch against Prometheus. The library plans and judges;
//! this file owns the clock, Ctrl-C and the screen (a live table in a terminal, one line per
//! step otherwise), and writes the record.

use super::Outcome;
use crate::cli::{Global, WatchFormat};
use chrono::{DateTime, FixedOffset};
use relcheck::error::InputError;
use relcheck::inputs::Inputs;
use relcheck::model::values::Timestamp;
use relcheck::report::escape::terminal;
use relcheck::report::Report;
use relcheck::watch::record::{self, Release};
use relcheck::watch::step::number;
use relcheck::watch::{self, Host, Plan, Status, Watch};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Args {
    pub from: Option<String>,
    pub length: Option<Duration>,
    pub interval: Duration,
    pub format: WatchFormat,
    pub out: Option<PathBuf>,
}

pub fn run(g: &Global, args: &Args) -> Result<Outcome, InputError> {
    let now = super::now(g)?;
    let inputs = super::load(g)?;
    let Some(mut prometheus) = super::prometheus(g, &inputs)? else {
        return Err(InputError::new(
            "relcheck watch",
            "no Prometheus named: give --prometheus URL, set RELCHECK_PROMETHEUS_URL, or add prometheus = \"http://…\" to [monitoring]",
        ));
    };
    if args.interval < Duration::from_secs(1) {
        return Err(InputError::new(
            "--interval",
            format!(
                "must be at least 1s, got {}",
                humantime::format_duration(args.interval)
            ),
        ));
    }
    let plan = plan(&inputs, args, now)?;
    // The digest of the judgement the watch vouches for, as `check` computes it.
    let report = relcheck::judge::judge(&inputs, now);
    let path = args
        .out
        .clone()
        .unwrap_or_else(|| record_path(&inputs, &report));

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // A second Ctrl-C while a query hangs leaves at once.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    let to_stderr = args.format == WatchFormat::Json;
    let on_terminal = if to_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let color = if to_stderr {
        super::color_stderr(g)
    } else {
        super::color(g)
    };
    let mut screen = Screen {
        started: Instant::now(),
        start_ms: now.timestamp_millis(),
        stop,
        term: if to_stderr {
            console::Term::stderr()
        } else {
            console::Term::stdout()
        },
        live: on_terminal && !g.quiet,
        quiet: g.quiet,
        drawn: 0,
        last_draw: None,
        last_done: 0,
        last_error: None,
        color,
        title: terminal(&format!(
            "relcheck watch · {} · Prometheus {}",
            report.risk.release.name,
            prometheus.shown()
        )),
    };
    if screen.live {
        let _ = screen.term.hide_cursor();
    }
    let watch = watch::run(plan, &mut prometheus, &mut screen);
    if screen.live {
        screen.draw(&watch, true);
        let _ = screen.term.show_cursor();
    }

    let rec = record::record(
        &watch,
        Release {
            name: report.risk.release.name.clone(),
            deployer: report.risk.release.deployer.clone(),
            deploy_at: report.risk.release.deploy_at.clone(),
        },
        report.digest.clone(),
    );
    let json = record::to_json(&rec);
    relcheck::store::write_atomic(&path, json.as_bytes())?;
    let summary = watch::summary(&watch, &inputs);
    let shown = path.display().to_string();
    let shown = shown.strip_prefix("./").unwrap_or(&shown);
    match args.format {
        WatchFormat::Json => {
            super::emit(&json)?;
            if !g.quiet {
                eprint!("{summary}");
                eprintln!("record: {shown}");
            }
        }
        WatchFormat::Text => {
            if !g.quiet {
                let summary = if screen.live {
                    let width = (screen.term.size().1 as usize).clamp(40, 160);
                    summary
                        .lines()
                        .map(|l| {
                            let text = l.trim_start();
                            relcheck::fmt::wrap(&l[..l.len() - text.len()], text, width)
                        })
                        .collect()
                } else {
                    summary
                };
                super::emit(&format!(
                    "{}record: {shown}\n",
                    style(&summary, watch.outcome, color)
                ))?;
            }
        }
    }
    Ok(match watch.outcome {
        Some(watch::Outcome::Healthy) => Outcome::Done,
        Some(watch::Outcome::Interrupted) => Outcome::Interrupted,
        _ => Outcome::NoGo,
    })
}

/// The window and the checks, from the flags and the files.
fn plan(inputs: &Inputs, args: &Args, now: DateTime<FixedOffset>) -> Result<Plan, InputError> {
    let m = &inputs.manifest;
    let from = match &args.from {
        Some(s) => Timestamp::parse(s).map(|t| t.0).ok_or_else(|| {
            InputError::new(
                "--from",
                format!("expected an RFC 3339 timestamp with an offset, e.g. 2026-11-27T23:00:00+09:00, got \"{}\"", s.escape_debug()),
            )
        })?,
        None => m.release.deploy_at.map_or(now, |t| t.0),
    };
    let length = args.length.unwrap_or_else(|| {
        let minutes = m
            .monitoring
            .as_ref()
            .and_then(|mon| mon.watch_minutes)
            .unwrap_or(inputs.template.policy.min_watch_minutes);
        Duration::from_secs(minutes * 60)
    });
    let to = from
        + chrono::Duration::from_std(length)
            .map_err(|_| InputError::new("--for", "the window is too long"))?;
    let checks = watch::release_checks(inputs);
    if checks.is_empty() {
        return Err(InputError::new(
            inputs.manifest_path.display().to_string(),
            "nothing to watch: add [[monitoring.checks]] to the manifest, [[policy.checks]] to the template, or alerts to [monitoring].alerts",
        ));
    }
    Ok(Plan {
        from,
        to,
        interval: args.interval,
        checks,
    })
}

/// `<sign-off name>.watch.json` beside the release's latest sign-off in `signoffs/`, or where
/// its first sign-off would go.
fn record_path(inputs: &Inputs, r: &Report) -> PathBuf {
    let date = r
        .risk
        .release
        .deploy_local
        .split_whitespace()
        .nth(1)
        .unwrap_or("undated")
        .to_string();
    let slug = super::go::slug(&r.risk.release.name);
    let dir = inputs.base.join("signoffs");
    let mut signoff = dir.join(format!("{date}-{slug}.md"));
    let mut n = 2;
    loop {
        let next = dir.join(format!("{date}-{slug}-{n}.md"));
        if !next.exists() {
            break;
        }
        signoff = next;
        n += 1;
    }
    signoff.with_extension("watch.json")
}

/// The clock (the evaluation time, running on from the start) and the screen.
struct Screen {
    started: Instant,
    start_ms: i64,
    stop: Arc<AtomicBool>,
    term: console::Term,
    live: bool,
    quiet: bool,
    /// Lines of the live table on screen now.
    drawn: usize,
    last_draw: Option<Instant>,
    last_done: usize,
    last_error: Option<String>,
    color: bool,
    title: String,
}

impl Host for Screen {
    fn now(&mut self) -> i64 {
        self.start_ms + self.started.elapsed().as_millis() as i64
    }

    fn wait_until(&mut self, until: i64, watch: &Watch) -> bool {
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let now = self.now();
            if now >= until {
                return true;
            }
            if self.live
                && self
                    .last_draw
                    .is_none_or(|d| d.elapsed() >= Duration::from_millis(500))
            {
                self.draw(watch, false);
            }
            std::thread::sleep(Duration::from_millis((until - now).clamp(1, 100) as u64));
        }
    }

    fn stepped(&mut self, watch: &Watch) {
        if self.live {
            self.draw(watch, false);
        } else if !self.quiet {
            self.line(watch);
        }
    }

    fn interrupted(&mut self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

impl Screen {
    /// Without a terminal: one line per step, and one per new error.
    fn line(&mut self, watch: &Watch) {
        if watch.error.is_some() && watch.error != self.last_error {
            let _ = self.term.write_line(&format!(
                "Prometheus cannot answer (retrying): {}",
                terminal(watch.error.as_deref().unwrap_or_default())
            ));
        }
        self.last_error = watch.error.clone();
        if watch.done == self.last_done {
            return;
        }
        self.last_done = watch.done;
        let at = watch.steps.get(watch.done - 1).copied().unwrap_or_default();
        let parts: Vec<String> = watch
            .plan
            .checks
            .iter()
            .zip(&watch.checks)
            .map(|(c, s)| {
                format!(
                    "{} {} {}",
                    terminal(&c.name),
                    s.last.map_or("-".into(), number),
                    status(s)
                )
            })
            .collect();
        let _ = self.term.write_line(&format!(
            "{} step {}/{}: {}",
            watch::shown_time(watch, at),
            watch.done,
            watch.steps.len(),
            parts.join("; ")
        ));
    }

    /// In a terminal: the table and the time left, redrawn in place.
    fn draw(&mut self, watch: &Watch, last: bool) {
        let width = (self.term.size().1 as usize).clamp(40, 160);
        let mut lines = vec![fit(&self.title, width)];
        let now = self.now();
        let end = watch.plan.to.timestamp_millis();
        let left = if last || watch.outcome.is_some() {
            watch.outcome.map_or("", |o| o.label()).to_string()
        } else {
            let secs = ((end - now).max(0) / 1000) as u64;
            format!(
                "{} left",
                humantime::format_duration(Duration::from_secs(secs))
            )
        };
        let clock = |t: DateTime<FixedOffset>| t.format("%H:%M:%S").to_string();
        lines.push(fit(
            &format!(
                "window {} → {} ({}) · step {}/{} · {left}",
                clock(watch.plan.from),
                clock(watch.plan.to),
                watch.plan.from.format("%:z"),
                watch.done,
                watch.steps.len()
            ),
            width,
        ));
        let (num, bound, st) = (11, 12, 8);
        let name = width.saturating_sub(num * 2 + bound + st + 4).max(8);
        lines.push(format!(
            "{:<name$} {:>num$} {:>num$} {:<bound$} {:<st$}",
            "check", "last", "worst", "bound", "status"
        ));
        for (c, s) in watch.plan.checks.iter().zip(&watch.checks) {
            let row = format!(
                "{:<name$} {:>num$} {:>num$} {:<bound$} ",
                fit(&terminal(&c.name), name),
                fit(&s.last.map_or("-".into(), number), num),
                fit(&s.worst.map_or("-".into(), number), num),
                fit(&c.bound_text(), bound),
            );
            let st_text = status(s);
            let styled = match s.status {
                Status::Ok if s.steps > 0 => console::Style::new().green(),
                Status::Ok => console::Style::new().dim(),
                Status::Unknown => console::Style::new().yellow(),
                Status::Breach | Status::NoData => console::Style::new().red().bold(),
            }
            .force_styling(self.color)
            .apply_to(st_text);
            lines.push(format!("{row}{styled}"));
        }
        if let Some(e) = watch.error.as_ref().filter(|_| watch.outcome.is_none()) {
            lines.push(fit(
                &format!("Prometheus cannot answer (retrying): {}", terminal(e)),
                width,
            ));
        }
        let _ = self.term.clear_last_lines(self.drawn);
        let mut text = lines.join("\n");
        text.push('\n');
        let _ = self.term.write_str(&text);
        let _ = self.term.flush();
        self.drawn = lines.len();
        self.last_draw = Some(Instant::now());
    }
}

fn status(s: &watch::CheckState) -> &'static str {
    match s.status {
        Status::Ok if s.steps == 0 => "waiting",
        Status::Ok => "ok",
        Status::Breach => "BREACH",
        Status::NoData => "NO DATA",
        Status::Unknown => "unknown",
    }
}

/// At most `width` characters, an ellipsis marking a cut.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The outcome line in its colour.
fn style(summary: &str, outcome: Option<watch::Outcome>, color: bool) -> String {
    let (first, rest) = summary.split_once('\n').unwrap_or((summary, ""));
    let st = match outcome {
        Some(watch::Outcome::Healthy) => console::Style::new().green().bold(),
        Some(watch::Outcome::Interrupted) => console::Style::new().yellow().bold(),
        _ => console::Style::new().red().bold(),
    };
    format!("{}\n{rest}", st.force_styling(color).apply_to(first))
}
