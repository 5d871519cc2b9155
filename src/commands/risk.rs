//! `relcheck risk`: the risk matrix and the changes ranked by score. It shows; it does not judge.

use super::Outcome;
use crate::cli::Global;
use relcheck::error::InputError;
use relcheck::report::{text::Risk, Render};

pub fn run(g: &Global) -> Result<Outcome, InputError> {
    let (_, report) = super::judge(g)?;
    if !g.quiet {
        print!(
            "{}",
            Risk {
                color: super::color(g)
            }
            .render(&report)
        );
    }
    Ok(Outcome::Done)
}
