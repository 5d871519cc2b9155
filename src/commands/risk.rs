//! `relcheck risk`: the risk matrix and the changes ranked by score. It shows; it does not
//! judge, so it reads no evidence file.

use super::Outcome;
use crate::cli::{Global, RiskFormat};
use relcheck::error::InputError;

pub fn run(g: &Global, format: RiskFormat) -> Result<Outcome, InputError> {
    let now = super::now(g)?;
    let inputs = super::load(g)?;
    let view = relcheck::judge::assess(&inputs, now);
    let out = match format {
        RiskFormat::Text if g.quiet => String::new(),
        RiskFormat::Text => relcheck::report::text::risk(&view, super::color(g)),
        RiskFormat::Json => relcheck::report::json::risk(&view),
        RiskFormat::Markdown => relcheck::report::markdown::risk(&view),
    };
    super::emit(&out)?;
    Ok(Outcome::Done)
}
