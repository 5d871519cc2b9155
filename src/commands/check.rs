//! `relcheck check`: the non-interactive judgement, for CI jobs and Makefiles.

use super::Outcome;
use crate::cli::{CheckFormat, Global};
use relcheck::error::InputError;
use relcheck::report::{github::Github, json::Json, markdown::Markdown, text::Text, Render};

pub fn run(g: &Global, format: CheckFormat) -> Result<Outcome, InputError> {
    let (inputs, report) = super::judge(g)?;
    let out = match format {
        CheckFormat::Text if g.quiet => String::new(),
        CheckFormat::Text => Text {
            color: super::color(g),
        }
        .render(&report),
        CheckFormat::Json => Json.render(&report),
        CheckFormat::Markdown => Markdown { signed_by: None }.render(&report),
        CheckFormat::Github => Github { inputs: &inputs }.render(&report),
    };
    super::emit(&out)?;
    super::step_summary(&report);
    Ok(report.verdict.into())
}
