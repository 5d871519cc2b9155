//! `relcheck completions SHELL` and `relcheck man`: generated from the same clap definitions as
//! `--help`, so they never fall behind the commands.

use super::Outcome;
use crate::cli::Cli;
use clap::CommandFactory;
use relcheck::error::InputError;

/// The global options that read a release; the commands that read none are not offered them.
const RELEASE_OPTIONS: [&str; 8] = [
    "manifest",
    "checklist",
    "answers",
    "approvals",
    "commit",
    "now",
    "prometheus",
    "quiet",
];

pub fn completions(shell: clap_complete::Shell) -> Result<Outcome, InputError> {
    let mut cmd = Cli::command();
    // A global option reaches every subcommand; for completion the options that read a
    // release are given only to the subcommands that read one, so `schema`, `completions`
    // and `man` are not offered them.
    let release: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| RELEASE_OPTIONS.contains(&a.get_id().as_str()))
        .map(|a| a.clone().global(false))
        .collect();
    for a in &release {
        cmd = cmd.mut_arg(a.get_id().clone(), |a| a.global(false));
    }
    let reading: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|s| !["schema", "completions", "man"].contains(&s.as_str()))
        .collect();
    for sub in reading {
        cmd = cmd.mut_subcommand(sub, |mut c| {
            for a in &release {
                c = c.arg(a.clone());
            }
            c
        });
    }
    clap_complete::generate(shell, &mut cmd, "relcheck", &mut std::io::stdout());
    Ok(Outcome::Done)
}

pub fn man() -> Result<Outcome, InputError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| InputError::new("man page", format!("cannot render: {e}")))?;
    std::io::Write::write_all(&mut std::io::stdout(), &out)
        .map_err(|e| InputError::new("stdout", format!("cannot write: {e}")))?;
    Ok(Outcome::Done)
}
