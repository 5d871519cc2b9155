//! `relcheck risk`: the risk matrix and the changes ranked by score. It shows; it does not
//! judge, so it reads no evidence file.

use super::Outcome;
use crate::cli::Global;
use relcheck::error::InputError;

pub fn run(g: &Global) -> Result<Outcome, InputError> {
    let now = super::now(g)?;
    let inputs = super::load(g)?;
    if !g.quiet {
        let view = relcheck::judge::assess(&inputs, now);
        super::emit(&relcheck::report::text::risk(&view, super::color(g)))?;
    }
    Ok(Outcome::Done)
}
