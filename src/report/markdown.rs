//! Markdown (GitHub-flavoured): the report a person pastes into the team channel or a pull
//! request, and the sign-off document. Everything from a manifest, a template, the answers or
//! an evidence file is written through the [`Markdown`](super::escape::Markdown) medium: `e`
//! for text, `code` for identifiers.

use super::escape::{Markdown as M, Medium};
use super::{matrix_cells, Render, Report, RiskView};
use crate::rules::Level;
use crate::verdict::Verdict;
use std::fmt::Write;

fn e(s: &str) -> String {
    M::text(s)
}

fn code(s: &str) -> String {
    M::code(s)
}

/// A markdown report. `signoff` adds the sign-off line; `signed_by` names who signed.
pub struct Markdown {
    pub signed_by: Option<String>,
}

impl Render for Markdown {
    fn render(&self, r: &Report) -> String {
        let mut s = String::new();
        let rel = &r.risk.release;
        let verdict = match r.verdict {
            Verdict::Go => "✅ GO",
            Verdict::NoGo => "⛔ NO-GO",
        };
        let _ = writeln!(s, "# Release sign-off: {}\n", e(&rel.name));
        let _ = writeln!(s, "**Verdict: {verdict}**\n");
        if r.verdict == Verdict::NoGo {
            let _ = writeln!(
                s,
                "> This release is **not** cleared to deploy: {} blocking finding(s) below.\n",
                r.blocks().count()
            );
        }
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(s, "| Deployer | {} |", e(&rel.deployer));
        let _ = writeln!(s, "| Approvals | {} |", e(&super::approvals_line(r)));
        let _ = writeln!(
            s,
            "| Deploy at | {} ({}) — {} |",
            e(&rel.deploy_local),
            e(&rel.timezone),
            e(&rel.deploy_at)
        );
        let _ = writeln!(s, "| Severity | {} |", rel.severity);
        if let Some(c) = &rel.commit {
            let _ = writeln!(s, "| Commit | {} |", code(c));
        }
        let _ = writeln!(s, "| Checklist | {} |", e(&rel.checklist));
        let _ = writeln!(s, "| Evaluated at | {} |", e(&r.evaluated_at));
        if let Some(by) = &self.signed_by {
            let _ = writeln!(s, "| Signed off by | {} |", e(by));
        }
        s.push('\n');

        s.push_str(&findings(r));
        s.push_str(&matrix(&r.risk));
        s.push_str(&changes(&r.risk));
        s.push_str(&evidence(r));
        s.push_str(&checklist(r));
        s.push_str(&operations(r));
        s.push_str(&overrides(r));
        let _ = writeln!(s, "---\nDigest: `{}`", r.digest);
        s
    }
}

fn findings(r: &Report) -> String {
    let mut s = String::new();
    let blocks: Vec<_> = r.blocks().collect();
    if !blocks.is_empty() {
        let _ = writeln!(
            s,
            "## Blocking findings\n\n| rule | subject | finding | what to do |\n|---|---|---|---|"
        );
        for f in blocks {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                f.rule,
                e(&f.subject),
                e(&f.message),
                e(&f.hint)
            );
        }
        s.push('\n');
    }
    let warns: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.level == Level::Warn)
        .collect();
    if !warns.is_empty() {
        let _ = writeln!(
            s,
            "## Warnings\n\n| rule | subject | finding | overridden |\n|---|---|---|---|"
        );
        for f in warns {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                f.rule,
                e(&f.subject),
                e(&f.message),
                if f.overridden { "yes" } else { "no" }
            );
        }
        s.push('\n');
    }
    s
}

/// `risk --format markdown`: the release, the risk matrix and the changes ranked, for a
/// pull-request comment.
pub fn risk(r: &RiskView) -> String {
    let rel = &r.release;
    let mut s = format!("# Risk: {}\n\n| | |\n|---|---|\n", e(&rel.name));
    let _ = writeln!(s, "| Deployer | {} |", e(&rel.deployer));
    let _ = writeln!(
        s,
        "| Deploy at | {} ({}) — {} |",
        e(&rel.deploy_local),
        e(&rel.timezone),
        e(&rel.deploy_at)
    );
    let _ = writeln!(s, "| Severity | {} |", rel.severity);
    let _ = writeln!(
        s,
        "| Risk bands | medium from {}, high from {}, critical from {} |\n",
        r.risk_bands.medium, r.risk_bands.high, r.risk_bands.critical
    );
    s.push_str(&matrix(r));
    s.push_str(&changes(r));
    s
}

fn matrix(r: &RiskView) -> String {
    let grid = matrix_cells(&r.changes);
    let mut s = String::from("## Risk matrix\n\nImpact (rows) × likelihood (columns); score = impact × likelihood.\n\n| impact \\\\ likelihood |");
    for l in 1..=10 {
        let _ = write!(s, " {l} |");
    }
    s.push_str("\n|---:|");
    s.push_str(&":-:|".repeat(10));
    s.push('\n');
    for impact in (1..=10usize).rev() {
        let _ = write!(s, "| **{impact}** |");
        for likelihood in 1..=10usize {
            let ids = &grid[impact - 1][likelihood - 1];
            let cell = ids.iter().map(|i| code(i)).collect::<Vec<_>>().join("<br>");
            let _ = write!(s, " {cell} |");
        }
        s.push('\n');
    }
    s.push('\n');
    s
}

fn changes(r: &RiskView) -> String {
    if r.changes.is_empty() {
        return "## Changes\n\nNone.\n\n".into();
    }
    let mut s = String::from("## Changes\n\n| change | title | score | declared | effective | recovery | owner |\n|---|---|--:|---|---|--:|---|\n");
    for c in crate::risk::ranked(&r.changes) {
        let _ = writeln!(
            s,
            "| {} | {} | {} ({}×{}) | {} | **{}** | {} min | {} |",
            code(&c.id),
            e(&c.title),
            c.score,
            c.impact,
            c.likelihood,
            c.declared,
            c.effective,
            c.recovery_minutes,
            e(c.owner.as_deref().unwrap_or("-"))
        );
    }
    s.push('\n');
    s
}

fn evidence(r: &Report) -> String {
    if r.evidence.is_empty() {
        return "## Evidence\n\nNone.\n\n".into();
    }
    let mut s = String::from("## Evidence\n\n| change | kind | env | file | result | figures | time | sha256 |\n|---|---|---|---|---|---|---|---|\n");
    for ev in &r.evidence {
        let result = match (ev.passed, ev.reason.as_deref()) {
            (true, None) => "pass".to_string(),
            (true, Some(note)) => format!("pass ({})", e(note)),
            (false, why) => format!("**FAIL**: {}", e(why.unwrap_or(""))),
        };
        let mut figures = e(&super::text::figures(&ev.figures));
        if let Some(b) = &ev.baseline {
            let _ = write!(
                figures,
                "; baseline {}: {} ({})",
                code(&b.path),
                e(&super::text::figures(&b.figures())),
                e(&super::text::baseline_allowed(b))
            );
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            code(&ev.change),
            ev.kind,
            e(&ev.env),
            code(ev.source()),
            result,
            figures,
            e(&ev
                .recorded_at
                .as_deref()
                .map_or("-".to_string(), |t| super::wall_clock(&r.risk.release, t))),
            ev.sha256
                .as_deref()
                .map_or("-".to_string(), |h| format!("`{h}`")),
        );
    }
    s.push('\n');
    s
}

fn checklist(r: &Report) -> String {
    let mut s = format!(
        "## Checklist: {}\n\n| item | question | answer | by | at |\n|---|---|---|---|---|\n",
        e(&r.risk.release.checklist)
    );
    for c in r.checklist.iter().filter(|c| c.applies) {
        let answer = match (&c.answer, c.passed, c.required) {
            (None, _, true) => "**unanswered**".to_string(),
            (None, _, false) => "— (optional)".to_string(),
            (Some(a), true, _) => e(a),
            (Some(a), false, _) => format!("**{}** ✗", e(a)),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            code(&c.id),
            match &c.help {
                Some(h) => format!("{}<br>_{}_", e(&c.prompt), e(h)),
                None => e(&c.prompt),
            },
            answer,
            e(c.by.as_deref().unwrap_or("-")),
            e(&c.at
                .as_deref()
                .map_or("-".to_string(), |t| super::wall_clock(&r.risk.release, t)))
        );
    }
    s.push('\n');
    s
}

fn operations(r: &Report) -> String {
    let mut s = String::from("## Monitoring and contacts\n\n| | |\n|---|---|\n");
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            e(&v.join(", "))
        }
    };
    let _ = writeln!(s, "| Dashboards | {} |", list(&r.monitoring.dashboards));
    let _ = writeln!(s, "| Alerts | {} |", list(&r.monitoring.alerts));
    let _ = writeln!(
        s,
        "| Watch | {} |",
        r.monitoring
            .watch_minutes
            .map_or("not set".into(), |m| format!("{m} min"))
    );
    let _ = writeln!(s, "| On call | {} |", list(&r.contacts.on_call));
    let _ = writeln!(s, "| Escalation | {} |", list(&r.contacts.escalation));
    let _ = writeln!(
        s,
        "| Channel | {} |",
        e(r.contacts.channel.as_deref().unwrap_or("-"))
    );
    s.push('\n');
    s
}

fn overrides(r: &Report) -> String {
    if r.overrides.is_empty() {
        return String::new();
    }
    let mut s = String::from("## Overrides\n\n| rule | reason | approved by | expires | valid |\n|---|---|---|---|---|\n");
    for o in &r.overrides {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            code(o.rule.as_str()),
            e(&o.reason),
            e(&o.approved_by),
            e(o.expires_at.as_deref().unwrap_or("-")),
            if o.valid { "yes" } else { "**no**" }
        );
    }
    s.push('\n');
    s
}
