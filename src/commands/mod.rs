//! One file per subcommand. Commands print; the library below them never does.

pub mod answer;
pub mod approve;
pub mod check;
pub mod completions;
pub mod go;
pub mod init;
pub mod log;
pub mod risk;
pub mod schema;
pub mod sign;
pub mod signoff;
pub mod verify;
pub mod watch;

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
            let message = relcheck::model::values::impossible_date(s).unwrap_or_else(|| {
                format!("expected an RFC 3339 timestamp with an offset, e.g. 2026-11-27T23:00:00+09:00, got \"{s}\"")
            });
            InputError::new(from_flag_or_env("--now", "RELCHECK_NOW"), message)
        }),
        None => Ok(chrono::Utc::now().fixed_offset()),
    }
}

/// Which of a flag and its environment variable gave a value: the flag when it is on the
/// command line, else the variable.
pub fn from_flag_or_env(flag: &'static str, env: &'static str) -> &'static str {
    let prefix = format!("{flag}=");
    if std::env::args().any(|a| a == flag || a.starts_with(&prefix)) {
        flag
    } else {
        env
    }
}

pub fn locations(g: &Global) -> Locations {
    Locations {
        manifest: g.manifest.clone(),
        checklist: g.checklist.clone(),
        answers: g.answers.clone(),
        approvals: g.approvals.clone(),
        commit: g.commit.clone(),
    }
}

pub fn load(g: &Global) -> Result<Inputs, InputError> {
    inputs::load(&locations(g))
}

pub fn judge(g: &Global) -> Result<(Inputs, Report), InputError> {
    let now = now(g)?;
    let inputs = load(g)?;
    let report = judge_loaded(g, &inputs, now)?;
    Ok((inputs, report))
}

/// `go` and `answer` create the answers file they write: a missing file named by `--answers`
/// is made (empty but for its header) instead of being an error. Returns the file made, if
/// one was: see [`CreatedAnswers::keep`].
pub fn create_answers_file(g: &Global) -> Result<CreatedAnswers, InputError> {
    let Some(path) = &g.answers else {
        return Ok(CreatedAnswers(None));
    };
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    match created {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(ANSWERS_HEADER.as_bytes())
                .map_err(|e| InputError::new(path.display().to_string(), e.to_string()))?;
            Ok(CreatedAnswers(Some(path.clone())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(CreatedAnswers(None)),
        Err(e) => Err(InputError::new(
            path.display().to_string(),
            format!("cannot create the answers file: {e}"),
        )),
    }
}

const ANSWERS_HEADER: &str = "# Checklist answers, written by relcheck go after every answer.\n";

/// An answers file this run made. Dropped without [`CreatedAnswers::keep`], it is removed
/// again while nothing has been saved in it, so an input error or a stop leaves no trace.
pub struct CreatedAnswers(Option<std::path::PathBuf>);

impl CreatedAnswers {
    pub fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for CreatedAnswers {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            if std::fs::read_to_string(path).is_ok_and(|t| t == ANSWERS_HEADER) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// The template's item `id`, or an input error naming the flag, with the id meant when one
/// is close.
pub fn known_item<'a>(
    inputs: &'a Inputs,
    id: &str,
) -> Result<&'a relcheck::model::checklist::Item, InputError> {
    inputs.template.item(id).ok_or_else(|| {
        let hint = relcheck::model::suggest::value_hint(
            id,
            &inputs
                .template
                .items
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>(),
        );
        InputError::new(
            "--item",
            format!(
                "the checklist ({}) has no item `{id}`{hint}",
                inputs.template_name()
            ),
        )
    })
}

/// How wide stdout's tables may be: the terminal's width, else `$COLUMNS`, else 120.
pub fn width() -> u16 {
    console::Term::stdout()
        .size_checked()
        .map(|(_, w)| w)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .unwrap_or(120)
}

/// The judgement of loaded inputs, asking the named Prometheus first (the rules stay pure).
pub fn judge_loaded(
    g: &Global,
    inputs: &Inputs,
    now: DateTime<FixedOffset>,
) -> Result<Report, InputError> {
    let probe = probe(g, inputs, now)?;
    Ok(relcheck::judge::judge_probed(
        inputs,
        now,
        &probe,
        &crate::progress::Bar::new(g.quiet),
    ))
}

/// What the named Prometheus says about the manifest's alerts (nothing asked when none is named).
pub fn probe(
    g: &Global,
    inputs: &Inputs,
    now: DateTime<FixedOffset>,
) -> Result<relcheck::rules::MonitoringProbe, InputError> {
    Ok(match prometheus(g, inputs)? {
        None => relcheck::rules::MonitoringProbe::NotNamed,
        Some(p) => {
            let alerts = inputs
                .manifest
                .monitoring
                .as_ref()
                .map(|m| m.alerts.clone())
                .unwrap_or_default();
            p.probe(&alerts, now)
        }
    })
}

/// The Prometheus named by `--prometheus`, else `RELCHECK_PROMETHEUS_URL`, else the manifest;
/// `RELCHECK_PROMETHEUS_TOKEN` is its bearer token.
pub fn prometheus(
    g: &Global,
    inputs: &Inputs,
) -> Result<Option<relcheck::prometheus::Prometheus>, InputError> {
    use relcheck::http::{Endpoint, Timeouts};
    let endpoint = match g.prometheus.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(url) => Endpoint::parse(url).map_err(|e| {
            let from = if std::env::args()
                .any(|a| a == "--prometheus" || a.starts_with("--prometheus="))
            {
                "--prometheus"
            } else {
                "RELCHECK_PROMETHEUS_URL"
            };
            InputError::new(from, e)
        })?,
        None => match inputs
            .manifest
            .monitoring
            .as_ref()
            .and_then(|m| m.prometheus.as_ref())
        {
            // The manifest's URL was validated when it was parsed.
            Some(url) => Endpoint::parse(url.get_ref())
                .map_err(|e| InputError::new(inputs.manifest_path.display().to_string(), e))?,
            None => return Ok(None),
        },
    };
    let token = std::env::var("RELCHECK_PROMETHEUS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    Ok(Some(relcheck::prometheus::Prometheus::new(
        endpoint,
        token,
        Timeouts::default(),
    )))
}

/// Writes a report to stdout. A reader that has gone away (`relcheck check | head -1`) ends
/// the output quietly; any other failure (a full disk) is an error, never a panic.
pub fn emit(text: &str) -> Result<(), InputError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(InputError::new(
            "stdout",
            format!("cannot write the report: {e}"),
        )),
    }
}

/// Posts `text` to the team channel (`--post`): a side output, so a failure is reported on
/// stderr and never changes the exit code, and the webhook's URL is never printed.
pub fn post(text: &str, quiet: bool) {
    let url = std::env::var("RELCHECK_WEBHOOK_URL").unwrap_or_default();
    if url.trim().is_empty() {
        eprintln!("warning: not posted: --post needs the webhook's URL in RELCHECK_WEBHOOK_URL");
        return;
    }
    let sent = relcheck::post::Webhook::new(&url)
        .and_then(|mut hook| relcheck::post::post(&mut hook, text, &mut std::thread::sleep));
    match sent {
        Ok(()) if !quiet => eprintln!("posted to the team channel"),
        Ok(()) => {}
        Err(e) => eprintln!("warning: not posted to the team channel: {e}"),
    }
}

/// SPEC's JSON error object: `{"schema_version": 2, "verdict": "error", "errors": [...]}`,
/// one entry per error (line and column null where the error has no place in a file).
pub fn error_json(e: &InputError) -> String {
    #[derive(serde::Serialize)]
    struct Object<'a> {
        schema_version: u32,
        verdict: &'static str,
        errors: Vec<One<'a>>,
    }
    #[derive(serde::Serialize)]
    struct One<'a> {
        file: &'a str,
        line: Option<usize>,
        column: Option<usize>,
        message: &'a str,
    }
    let object = Object {
        schema_version: relcheck::report::SCHEMA_VERSION,
        verdict: "error",
        errors: e
            .all()
            .into_iter()
            .map(|one| One {
                file: &one.file,
                line: one.position.map(|p| p.0),
                column: one.position.map(|p| p.1),
                message: &one.message,
            })
            .collect(),
    };
    format!(
        "{}\n",
        serde_json::to_string_pretty(&object).unwrap_or_default()
    )
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

/// Appends the markdown report to `$GITHUB_STEP_SUMMARY` when running in GitHub Actions. A
/// side output: when it cannot be written, stderr says so and the verdict's exit code stands.
pub fn step_summary(report: &Report) {
    use relcheck::report::Render;
    use std::io::Write;
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let text = relcheck::report::markdown::Markdown { signed_by: None }.render(report);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(format!("{text}\n").as_bytes()));
    if let Err(e) = written {
        let _ = writeln!(
            std::io::stderr(),
            "warning: {}: cannot append the step summary: {e}",
            relcheck::report::escape::terminal(&path.to_string_lossy())
        );
    }
}
