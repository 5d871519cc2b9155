//! The `relcheck` binary: parse the arguments, run the command, map the outcome to an exit code.

mod cli;
mod commands;
mod progress;
mod prompt;

use clap::Parser;
use cli::{Cli, Command};
use commands::Outcome;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let g = &cli.global;
    // With --format json an input error is also a JSON object on stdout.
    let json_errors = matches!(
        cli.command,
        Command::Check {
            format: cli::CheckFormat::Json
        } | Command::Risk {
            format: cli::RiskFormat::Json
        }
    );
    let result = match cli.command {
        Command::Check { format } => commands::check::run(g, format),
        Command::Risk { format } => commands::risk::run(g, format),
        Command::Go {
            reset,
            non_interactive,
            by,
            out,
            force,
            post,
            item,
        } => commands::go::run(
            g,
            &commands::go::Args {
                reset,
                non_interactive,
                by,
                out,
                force,
                post,
                item,
            },
        ),
        Command::Answer { id, value, by } => commands::answer::run(g, &id, &value, by.as_deref()),
        Command::Approve { by, key, yes } => {
            commands::approve::run(g, &commands::approve::Args { by, key, yes })
        }
        Command::Signoff {
            format,
            out,
            force,
            post,
        } => commands::signoff::run(g, format, out.as_deref(), force, post),
        Command::Verify { record } => commands::verify::run(g, &record),
        Command::Log { dir, since, format } => {
            commands::log::run(g, dir.as_deref(), since.as_deref(), format)
        }
        Command::Watch {
            from,
            length,
            interval,
            format,
            out,
            post,
        } => commands::watch::run(
            g,
            &commands::watch::Args {
                from,
                length: length.map(Into::into),
                interval: interval.into(),
                format,
                out,
                post,
            },
        ),
        Command::Init { force } => commands::init::run(g, force),
        Command::Schema { file } => commands::schema::run(file),
        Command::Completions { shell } => commands::completions::completions(shell),
        Command::Man => commands::completions::man(),
    };
    match result {
        Ok(Outcome::Go | Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::NoGo) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(e) => {
            if json_errors {
                let _ = commands::emit(&commands::error_json(&e));
            }
            // Not eprintln!: a stderr that cannot be written must not turn exit 2 into a panic.
            let mut err = std::io::stderr().lock();
            for one in e.all() {
                let _ = writeln!(err, "error: {one}");
            }
            ExitCode::from(2)
        }
    }
}
