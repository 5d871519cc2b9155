//! `relcheck completions SHELL` and `relcheck man`: generated from the same clap definitions as
//! `--help`, so they never fall behind the commands.

use super::Outcome;
use crate::cli::Cli;
use clap::CommandFactory;
use relcheck::error::InputError;

pub fn completions(shell: clap_complete::Shell) -> Result<Outcome, InputError> {
    let mut cmd = Cli::command();
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
