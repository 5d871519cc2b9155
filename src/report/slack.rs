//! Slack mrkdwn: the sign-off as a message for the team channel. Slack has no tables, so
//! lists are bullets and the risk matrix is an aligned block in a code fence. Text from files
//! is written through the [`Slack`](super::escape::Slack) medium (`e` for text, `id` for
//! identifiers) or, inside a fence, [`escape::slack_code`](super::escape::slack_code), so it
//! cannot mention anyone or break the message.

use super::escape::{slack_code as code, Medium, Slack as S};
use super::{matrix_cells, Render, Report};
use crate::rules::Level;
use crate::verdict::Verdict;
use std::fmt::Write;

fn e(s: &str) -> String {
    S::text(s)
}

fn id(s: &str) -> String {
    S::code(s)
}

pub struct Slack {
    pub signed_by: Option<String>,
}

impl Render for Slack {
    fn render(&self, r: &Report) -> String {
        let rel = &r.risk.release;
        let mut s = String::new();
        let verdict = match r.verdict {
            Verdict::Go => ":white_check_mark: *GO*",
            Verdict::NoGo => ":no_entry: *NO-GO* — not cleared to deploy",
        };
        let _ = writeln!(s, "*Release sign-off: {}*", e(&rel.name));
        let _ = writeln!(s, "{verdict}");
        let _ = writeln!(
            s,
            "• Deployer: {}   • Approvals: {}",
            e(&rel.deployer),
            e(&super::approvals_line(r))
        );
        let _ = writeln!(
            s,
            "• Deploy: {} ({}) — severity *{}*",
            e(&rel.deploy_local),
            e(&rel.timezone),
            rel.severity
        );
        if let Some(by) = &self.signed_by {
            let _ = writeln!(s, "• Signed off by {}", e(by));
        }

        let blocks: Vec<_> = r.blocks().collect();
        if !blocks.is_empty() {
            let _ = writeln!(s, "\n*Blocking findings*");
            for f in blocks {
                let _ = writeln!(
                    s,
                    "• `{}` {}: {}\n    _{}_",
                    f.rule,
                    id(&f.subject),
                    e(&f.message),
                    e(&f.hint)
                );
            }
        }
        let warns: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.level == Level::Warn)
            .collect();
        if !warns.is_empty() {
            let _ = writeln!(s, "\n*Warnings*");
            for f in warns {
                let tag = if f.overridden { " (overridden)" } else { "" };
                let _ = writeln!(
                    s,
                    "• `{}`{tag} {}: {}",
                    f.rule,
                    id(&f.subject),
                    e(&f.message)
                );
            }
        }

        let _ = writeln!(s, "\n*Risk matrix* (impact ↓ × likelihood →)\n```");
        s.push_str(&matrix_block(r));
        s.push_str("```\n");

        let _ = writeln!(s, "\n*Changes*\n```");
        let ranked = crate::risk::ranked(&r.risk.changes);
        let w = ranked
            .iter()
            .map(|c| code(&c.id).chars().count())
            .max()
            .unwrap_or(6)
            .max(6);
        let _ = writeln!(
            s,
            "{:<w$}  score  declared  effective  recovery  owner",
            "change"
        );
        for c in &ranked {
            let _ = writeln!(
                s,
                "{:<w$}  {:>5}  {:<8}  {:<9}  {:>4} min  {}",
                code(&c.id),
                c.score,
                c.declared.as_str(),
                c.effective.as_str(),
                c.recovery_minutes,
                c.owner.as_deref().map_or("-".to_string(), code)
            );
        }
        s.push_str("```\n");
        // Titles are prose: outside the fence, each after its change's id.
        for c in &ranked {
            let _ = writeln!(s, "• {} {}", id(&c.id), e(&c.title));
        }

        if !r.evidence.is_empty() {
            let _ = writeln!(s, "\n*Evidence*");
            for ev in &r.evidence {
                let result = match (ev.passed, ev.reason.as_deref()) {
                    (true, None) => "pass".to_string(),
                    (true, Some(note)) => format!("pass ({})", e(note)),
                    (false, why) => format!("*FAIL*: {}", e(why.unwrap_or(""))),
                };
                let mut figures = e(&super::text::figures(&ev.figures));
                if let Some(b) = &ev.baseline {
                    let _ = write!(
                        figures,
                        "; baseline {}: {} ({})",
                        id(&b.path),
                        e(&super::text::figures(&b.figures())),
                        e(&super::text::baseline_allowed(b))
                    );
                }
                let _ = writeln!(
                    s,
                    "• {} {} ({}) {} — {} — {}{}",
                    id(&ev.change),
                    ev.kind,
                    e(&ev.env),
                    id(ev.source()),
                    result,
                    figures,
                    ev.sha256
                        .as_deref()
                        .map_or(String::new(), |h| format!(" — sha256 `{h}`"))
                );
            }
        }

        let _ = writeln!(s, "\n*Checklist* ({})", e(&rel.checklist));
        for c in r.checklist.iter().filter(|c| c.applies) {
            let mark = if c.passed {
                ":white_check_mark:"
            } else if c.required {
                ":x:"
            } else {
                ":white_circle:"
            };
            let answer = c.answer.as_deref().map_or("unanswered".to_string(), e);
            let who = match (&c.by, &c.at) {
                (Some(b), Some(a)) => format!(
                    " — {} at {}",
                    e(b),
                    e(&super::wall_clock(&r.risk.release, a))
                ),
                (Some(b), None) => format!(" — {}", e(b)),
                _ => String::new(),
            };
            let _ = writeln!(s, "{mark} {} {}: {answer}{who}", id(&c.id), e(&c.prompt));
            if let Some(h) = &c.help {
                let _ = writeln!(s, "      _{}_", e(h));
            }
        }

        if !r.overrides.is_empty() {
            let _ = writeln!(s, "\n*Overrides*");
            for o in &r.overrides {
                let _ = writeln!(
                    s,
                    "• {} — {} — approved by {}{}",
                    id(o.rule.as_str()),
                    e(&o.reason),
                    e(&o.approved_by),
                    if o.valid { "" } else { " — *invalid*" }
                );
            }
        }
        let _ = writeln!(s, "\nDigest `{}`", r.digest);
        s
    }
}

fn matrix_block(r: &Report) -> String {
    let grid = matrix_cells(&r.risk.changes);
    let cell = |i: usize, l: usize| {
        let ids = &grid[i - 1][l - 1];
        if ids.is_empty() {
            "·".to_string()
        } else {
            ids.iter().map(|id| code(id)).collect::<Vec<_>>().join(",")
        }
    };
    // Each column as wide as its widest cell.
    let widths: Vec<usize> = (1..=10)
        .map(|l| {
            (1..=10)
                .map(|i| cell(i, l).chars().count())
                .max()
                .unwrap_or(1)
                .max(2)
        })
        .collect();
    let mut s = String::from("   ");
    for l in 1..=10 {
        let _ = write!(s, " {:^w$}", l, w = widths[l - 1]);
    }
    s = s.trim_end().to_string();
    s.push('\n');
    for i in (1..=10).rev() {
        let mut line = format!("{i:>3}");
        for l in 1..=10 {
            let _ = write!(line, " {:^w$}", cell(i, l), w = widths[l - 1]);
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}
