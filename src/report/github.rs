//! `check --format github`: GitHub Actions workflow commands, so that findings appear as
//! annotations on the manifest (or template) in the pull request. One `::error` per blocking
//! finding and one `::warning` per warning, each with the file and line it is about; the
//! verdict as a `::notice`.
//!
//! Escaping follows GitHub's workflow-command rules: in the message `%`, CR and LF become
//! `%25`, `%0D`, `%0A`; in a property value `:` and `,` also become `%3A`, `%2C`. A message
//! can therefore never start a line of its own, and so never a command of its own.

use super::{Render, Report};
use crate::inputs::{shown, Inputs};
use crate::rules::{Finding, Level, RuleId};
use std::fmt::Write;

/// Where a finding is written about: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// The renderer; it needs the files the report was made from, to find the lines.
pub struct Github<'a> {
    pub inputs: &'a Inputs,
}

impl Render for Github<'_> {
    fn render(&self, r: &Report) -> String {
        let mut s = String::new();
        for f in &r.findings {
            let at = locate(self.inputs, f);
            let command = match f.level {
                Level::Block => "error",
                Level::Warn => "warning",
            };
            let mut title = format!("{} ({})", f.rule, f.subject);
            if f.overridden {
                title.push_str(", overridden");
            }
            let _ = writeln!(
                s,
                "::{command} file={},line={},title={}::{}",
                property(&normal(&at.file)),
                at.line,
                property(&title),
                data(&format!("{} Hint: {}", f.message, f.hint))
            );
        }
        let release = release_line(self.inputs);
        let (blocks, warnings) = (r.blocks().count(), r.warnings().count());
        let _ = writeln!(
            s,
            "::notice file={},line={},title={}::{}",
            property(&release.file),
            release.line,
            property(&format!("relcheck: {}", r.verdict.label())),
            data(&format!(
                "release \"{}\" is {}: {blocks} blocking finding(s), {warnings} warning(s); digest {}",
                r.risk.release.name,
                r.verdict.label(),
                r.digest
            ))
        );
        s
    }
}

/// A path without `.` and `a/..` in it, as GitHub names files in a pull request
/// (`examples/holidays/../../checklists/standard.toml` is `checklists/standard.toml`).
pub fn normal(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// A message (the part after `::`): GitHub's escapes for `%` and line breaks, and no other
/// control character (an escape sequence would reach the log viewer raw).
pub fn data(s: &str) -> String {
    s.chars()
        .filter(|&c| c == '\r' || c == '\n' || !crate::report::escape::is_control(c))
        .collect::<String>()
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`).
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The line of the change, evidence, override, item or answer a finding is about; the
/// `[release]` line for a finding about the release as a whole.
pub fn locate(inputs: &Inputs, f: &Finding) -> Location {
    let manifest = shown(&inputs.manifest_path);
    let text = String::from_utf8_lossy(&inputs.manifest_bytes);
    let in_manifest = |offset: usize| Location {
        file: manifest.clone(),
        line: crate::error::line_col(&text, offset).0,
    };
    let m = &inputs.manifest;
    let change = m.changes.iter().find(|c| c.id.get_ref() == &f.subject);
    match f.rule {
        RuleId::CriticalEvidence | RuleId::RollbackPlan | RuleId::RiskUnderdeclared => {
            if let Some(c) = change {
                return in_manifest(c.id.span().start);
            }
        }
        RuleId::EvidenceFailed => {
            if let Some(c) = change {
                let evidence = c.evidence.iter().find(|e| {
                    e.path
                        .as_deref()
                        .is_some_and(|p| !p.is_empty() && f.message.contains(p))
                });
                return in_manifest(evidence.map_or(c.id.span().start, |e| e.kind.span().start));
            }
        }
        RuleId::OverrideInvalid => {
            if let Some(o) = m
                .overrides
                .iter()
                .find(|o| o.rule.get_ref().as_str() == f.subject)
            {
                return in_manifest(o.rule.span().start);
            }
        }
        RuleId::Checklist => {
            // The built-in checklist is in no file of the repository: the release line.
            if let Some(origin) = inputs
                .template
                .item(&f.subject)
                .and_then(|i| i.origin.as_ref())
                .filter(|o| {
                    inputs
                        .chain
                        .iter()
                        .any(|t| t.path.is_some() && t.shown == o.file)
                })
            {
                return Location {
                    file: origin.file.clone(),
                    line: origin.line,
                };
            }
        }
        RuleId::UnknownAnswer => {
            if let Some(bytes) = &inputs.answers_bytes {
                let answers = String::from_utf8_lossy(bytes);
                let id = &f.subject;
                let header = [format!("[answers.{id}]"), format!("[answers.\"{id}\"]")];
                if let Some(i) = answers
                    .lines()
                    .position(|l| header.iter().any(|h| l.trim() == h))
                {
                    return Location {
                        file: shown(&inputs.answers_path),
                        line: i + 1,
                    };
                }
            }
        }
        _ => {}
    }
    release_line(inputs)
}

/// The manifest's `[release]` line.
fn release_line(inputs: &Inputs) -> Location {
    let text = String::from_utf8_lossy(&inputs.manifest_bytes);
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("[release]"))
        .map_or(1, |i| i + 1);
    Location {
        file: shown(&inputs.manifest_path),
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_named_without_dot_segments() {
        assert_eq!(
            normal("examples/holidays/../../checklists/standard.toml"),
            "checklists/standard.toml"
        );
        assert_eq!(normal("./a/./b.toml"), "a/b.toml");
        assert_eq!(normal("../shared/p.toml"), "../shared/p.toml");
        assert_eq!(normal("/etc/../x"), "/x");
    }

    #[test]
    fn messages_and_properties_escape_as_github_says() {
        assert_eq!(data("50% done\r\n::error::x"), "50%25 done%0D%0A::error::x");
        assert_eq!(property("a:b,c%\nd"), "a%3Ab%2Cc%25%0Ad");
    }

    #[test]
    fn control_characters_never_reach_the_log_raw() {
        assert_eq!(data("x\u{1b}]0;t\u{7}\u{202e}y\u{9b}z"), "x]0;tyz");
    }
}
