//! The command line. The `///` docs here are the `--help` text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "Exit codes: 0 GO · 1 NO-GO · 2 input or usage error · 130 interrupted";

/// A release checklist and go/no-go gate.
///
/// relcheck reads a release manifest (what goes out, how risky each change is, what evidence
/// backs it) and a checklist template, computes the risk matrix, verifies the evidence files,
/// applies the team's policy and answers GO or NO-GO. It never says GO when a Critical change
/// lacks passing staging evidence.
#[derive(Debug, Parser)]
#[command(name = "relcheck", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The release manifest [default: ./release.toml]
    #[arg(short, long, global = true, value_name = "PATH")]
    pub manifest: Option<PathBuf>,

    /// The checklist template [default: [release].checklist, else the built-in one]
    #[arg(short, long, global = true, value_name = "PATH")]
    pub checklist: Option<PathBuf>,

    /// The answers file [default: <manifest stem>.answers.toml beside the manifest]
    #[arg(long, global = true, value_name = "PATH")]
    pub answers: Option<PathBuf>,

    /// The approvals file [default: <manifest stem>.approvals.toml beside the manifest]
    #[arg(long, global = true, value_name = "PATH")]
    pub approvals: Option<PathBuf>,

    /// The revision being deployed; [release].commit must match it (rule release-commit)
    #[arg(long, global = true, env = "RELCHECK_COMMIT", value_name = "REV")]
    pub commit: Option<String>,

    /// The evaluation time, RFC 3339 with an offset [default: now]
    #[arg(long, global = true, env = "RELCHECK_NOW", value_name = "RFC3339")]
    pub now: Option<String>,

    /// The Prometheus that verifies alerts and watch checks [default: [monitoring].prometheus].
    /// A user:password in the URL is sent as basic auth; RELCHECK_PROMETHEUS_TOKEN as a
    /// bearer token. Neither is ever printed
    #[arg(
        long,
        global = true,
        env = "RELCHECK_PROMETHEUS_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub prometheus: Option<String>,

    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print nothing but errors for text output; the exit code tells the verdict
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Markdown,
    /// GitHub Actions workflow commands: annotations on the manifest in the pull request
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RiskFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignoffFormat {
    Markdown,
    Slack,
    /// The sign-off's record: the JSON report and who signed it off, when
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge the release without asking anything: GO or NO-GO, for CI and Makefiles
    #[command(
        after_help = "Example:\n  relcheck check -m release.toml --format json > report.json\n  relcheck check -m release.toml --format github   # annotations in GitHub Actions\n\nExit codes: 0 GO · 1 NO-GO · 2 input or usage error"
    )]
    Check {
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Show the risk matrix and the changes ranked by score
    #[command(
        after_help = "Example:\n  relcheck risk -m release.toml --format markdown >> pr-comment.md\n\nExit codes: 0 shown · 2 input or usage error"
    )]
    Risk {
        /// Output format
        #[arg(long, value_enum, default_value_t = RiskFormat::Text)]
        format: RiskFormat,
    },
    /// Walk through the checklist interactively, judge, and sign off on GO
    #[command(
        after_help = "Shows the release and the risk matrix, then what already blocks it whatever the answers\n(failed evidence, a freeze window, missing approvals, …) and asks whether to go on. Asks each\napplicable checklist item not yet answered, saving every answer at once to the answers file\n(created if missing) and saying at once when an answer blocks GO. Shows the whole judgement\nas check does, and on GO asks to sign off. When the manifest changed since the answers, each\nearlier answer is the default: Enter keeps it. Without a terminal (or with CI set, or\n--non-interactive) it asks nothing and judges like check, listing on stderr the items that\nstill need an answer.\n\nExample:\n  relcheck go -m release.toml\n  relcheck go --item rollback.owner     # answer one item again\n\nExit codes: 0 GO (signed off, on a terminal) · 1 NO-GO, stopped at what already blocks, or\nsign-off declined · 2 input or usage error · 130 interrupted (every answer given is kept)"
    )]
    Go {
        /// Ask every item again, with the earlier answers as defaults
        #[arg(long)]
        reset: bool,
        /// Ask nothing, even on a terminal
        #[arg(long)]
        non_interactive: bool,
        /// Who answers [default: the release's deployer]
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        /// Where to write the sign-off [default: signoffs/<deploy date>-<name>.md beside the manifest]
        #[arg(short, long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Replace the --out file if it exists
        #[arg(long, requires = "out")]
        force: bool,
        /// Post it to the team channel through the webhook in RELCHECK_WEBHOOK_URL
        #[arg(long)]
        post: bool,
        /// Ask this one checklist item again (its earlier answer is the default)
        #[arg(long, value_name = "ID")]
        item: Option<String>,
    },
    /// Record one checklist answer without the walk, as go saves it
    #[command(
        after_help = "VALUE is true, false, yes or no for a confirm item, one of the choices for a choice item,\nany text for a text item. The answer is checked against the item, saved under the answers\nfile's lock like every answer go saves (with who and when), and the file is created if\nit is missing. Answers given for an older version of the manifest are set aside first.\n\nExample:\n  relcheck answer rollback.plan yes --by jiyoon\n\nExit codes: 0 saved · 2 input or usage error (an unknown item, a value the item does not take)"
    )]
    Answer {
        /// The checklist item's id
        #[arg(value_name = "ID")]
        id: String,
        /// The answer
        #[arg(value_name = "VALUE")]
        value: String,
        /// Who answers [default: the release's deployer]
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
    },
    /// Record your approval of this version of the manifest (two-person rule), SSH-signed with --key
    #[command(
        after_help = "Shows the release, the risk matrix, the evidence with its figures and what blocks it, then\nasks. The approval names the manifest's sha256: editing the manifest afterwards voids it.\nWith --key (or RELCHECK_SIGNING_KEY) it is signed with `ssh-keygen -Y sign -n relcheck-approval`,\nso a policy that sets allowed_signers counts it.\n\nExample:\n  relcheck approve -m release.toml --by minho --key ~/.ssh/id_ed25519\n\nExit codes: 0 recorded or declined · 2 input or usage error · 130 interrupted"
    )]
    Approve {
        /// Who approves [default: the login name]
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        /// Sign with this SSH key (a private key, or a public key whose private half is in the agent)
        #[arg(long, env = "RELCHECK_SIGNING_KEY", value_name = "PATH")]
        key: Option<PathBuf>,
        /// Approve without asking (for scripts)
        #[arg(long)]
        yes: bool,
    },
    /// Write the sign-off for the team channel (also for a NO-GO, which it says)
    #[command(
        after_help = "Example:\n  relcheck signoff --format slack -o signoff.txt\n\nExit codes: 0 GO · 1 NO-GO · 2 input or usage error"
    )]
    Signoff {
        /// Output format
        #[arg(long, value_enum, default_value_t = SignoffFormat::Markdown)]
        format: SignoffFormat,
        /// Write to this file instead of stdout (an existing file only with --force)
        #[arg(short, long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Replace the --out file if it exists
        #[arg(long, requires = "out")]
        force: bool,
        /// Post it to the team channel through the webhook in RELCHECK_WEBHOOK_URL
        #[arg(long)]
        post: bool,
    },
    /// Check a sign-off's record against the files as they are now
    #[command(
        after_help = "Re-reads every file the record lists (manifest, templates, answers, approvals, evidence),\ncompares each sha256 with the recorded one, recomputes the record's digest, and says which\ninput changed or is gone. Paths resolve against -m's folder when given, else the parent of\nthe record's folder (records live in signoffs/ beside the manifest).\n\nExample:\n  relcheck verify signoffs/2026-11-25-release.json\n\nExit codes: 0 the sign-off stands · 1 an input changed or is gone, or the record was altered · 2 the record cannot be read"
    )]
    Verify {
        /// The sign-off's JSON record
        #[arg(value_name = "RECORD")]
        record: PathBuf,
    },
    /// The team's release history from its sign-off and watch records
    #[command(
        after_help = "Lists every signed-off release (deploy time in its policy's zone, weekday, severity,\nverdict, overrides, watch outcome), then releases by weekday × severity, releases inside a\nfreeze window by override, overrides by rule and approver, NO-GO sign-offs, watched releases\nand the change failure rate (watches that breached ÷ watches that ended healthy or breached).\n\nExample:\n  relcheck log signoffs --since 2026-01-01\n\nExit codes: 0 shown · 2 the folder cannot be read or a usage error"
    )]
    Log {
        /// The folder of records [default: signoffs/ beside the manifest]
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Only releases deployed on or after this date (YYYY-MM-DD, in each release's zone)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        format: LogFormat,
    },
    /// Watch the release after the deploy: its checks against Prometheus, step by step
    #[command(
        after_help = "Verifies the watch period against Prometheus: the manifest's [[monitoring.checks]], the\ntemplate's [[policy.checks]] and one check per alert in [monitoring].alerts, at the window's\nstart and every --interval up to its end. Steps already past are judged at once from\nhistory; the rest are waited for. The first breach ends the watch with the rollback plan to\nrun. The record is written beside the release's latest sign-off (<sign-off>.watch.json).\n\nExample:\n  relcheck watch --prometheus http://prometheus:9090 --for 48h --interval 30m\n\nExit codes: 0 healthy · 1 breach or unknown · 2 input or usage error · 130 interrupted"
    )]
    Watch {
        /// The window's start, RFC 3339 with an offset [default: deploy_at, else the evaluation time]
        #[arg(long, value_name = "RFC3339")]
        from: Option<String>,
        /// The window's length, e.g. 30m or 48h [default: watch_minutes, else min_watch_minutes]
        #[arg(long = "for", value_name = "DURATION")]
        length: Option<humantime::Duration>,
        /// Time between steps, at least 1s
        #[arg(long, default_value = "30s", value_name = "DURATION")]
        interval: humantime::Duration,
        /// Output: the screen (text), or the record as JSON on stdout
        #[arg(long, value_enum, default_value_t = WatchFormat::Text)]
        format: WatchFormat,
        /// Where to write the record [default: beside the release's latest sign-off]
        #[arg(short, long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Post the outcome to the team channel through the webhook in RELCHECK_WEBHOOK_URL
        #[arg(long)]
        post: bool,
    },
    /// Write a starter release.toml and checklists/standard.toml (and the schemas they name)
    #[command(
        after_help = "Writes release.toml (or the -m path), checklists/standard.toml beside it, and\n.relcheck/manifest.schema.json and .relcheck/checklist.schema.json for editors.\nNothing is written if any of them exists, unless --force.\n\nExample:\n  relcheck init && relcheck check\n\nExit codes: 0 written · 2 a file exists or cannot be written"
    )]
    Init {
        /// Overwrite files that already exist
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of the manifest, the checklist template or the JSON report
    #[command(
        after_help = "Example:\n  relcheck schema checklist > checklist.schema.json\n\nExit codes: 0 printed · 2 usage error"
    )]
    Schema {
        /// Which file the schema describes
        #[arg(value_enum, default_value_t = SchemaFile::Manifest)]
        file: SchemaFile,
    },
    /// Print shell completions
    #[command(
        after_help = "Example:\n  relcheck completions bash > ~/.local/share/bash-completion/completions/relcheck\n\nExit codes: 0 printed · 2 usage error"
    )]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    #[command(
        after_help = "Example:\n  relcheck man > ~/.local/share/man/man1/relcheck.1\n\nExit codes: 0 printed · 2 usage error"
    )]
    Man,
}

/// The files `relcheck schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFile {
    /// The release manifest
    Manifest,
    /// The checklist template
    Checklist,
    /// The JSON report of `check --format json`
    Report,
    /// A sign-off's record (`signoff --format json`, and beside every written sign-off)
    Record,
}
