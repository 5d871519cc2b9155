//! The terminal report: verdict, findings with hints, the risk matrix, changes ranked by
//! score, evidence. Colour only when asked for; text from files loses control characters.

use super::escape::terminal as t;

/// The most characters a table cell shows; the rest is cut with "…" (JSON keeps it whole).
/// comfy-table's wrapping grows much faster than the text, so a long cell is cut before it
/// reaches the table.
pub const CELL_CHARS: usize = 160;

/// Text from a file for a table cell: control characters stripped, cut to [`CELL_CHARS`].
pub fn cell_text(s: &str) -> String {
    match s.char_indices().nth(CELL_CHARS) {
        None => t(s),
        Some((cut, _)) => {
            let mut short = t(&s[..cut]);
            short.push('…');
            short
        }
    }
}
use super::{matrix_cells, Render, Report, RiskView};
use crate::fmt::{number, percent};
use crate::model::values::Severity;
use crate::rules::Level;
use crate::verdict::Verdict;
use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::fmt::Write;

/// The full `check` report.
pub struct Text {
    pub color: bool,
}

impl Render for Text {
    fn render(&self, r: &Report) -> String {
        let mut out = risk(&r.risk, self.color);
        out.push_str(&approvals(r));
        if !r.evidence.is_empty() {
            out.push('\n');
            out.push_str(&evidence(r, self.color));
        }
        out.push('\n');
        out.push_str(&checklist_line(r));
        out.push_str(&findings(r, self.color));
        out.push('\n');
        out.push_str(&verdict_line(r, self.color));
        let _ = writeln!(out, "digest {}", r.digest);
        out
    }
}

/// One line per approval: a mark that reads without colour, the person, and why it does not
/// count where it does not.
fn approvals(r: &Report) -> String {
    let mut s = String::from("\nApprovals");
    if r.approvals.is_empty() {
        s.push_str(" none\n");
        return s;
    }
    s.push('\n');
    for a in &r.approvals {
        let mark = if a.counts { "  ✓" } else { "  ✗" };
        let _ = writeln!(s, "{mark} {}", t(&super::approval_label(a)));
    }
    s
}

/// Only the risk: header, matrix, ranked changes (`relcheck risk`, and `go` before it asks).
pub fn risk(r: &RiskView, color: bool) -> String {
    let mut out = header(r);
    out.push('\n');
    out.push_str(&matrix(r, color));
    out.push('\n');
    out.push_str(&ranked(r, color));
    out
}

pub fn header(r: &RiskView) -> String {
    let rel = &r.release;
    let mut s = format!("Release  {}\n", t(&rel.name));
    let _ = writeln!(
        s,
        "Deploy   {} ({}) by {}",
        rel.deploy_local,
        t(&rel.timezone),
        t(&rel.deployer)
    );
    let approvers = if rel.approvers.is_empty() {
        "none".to_string()
    } else {
        t(&rel.approvers.join(", "))
    };
    let _ = writeln!(s, "Severity {}   Approvers {}", rel.severity, approvers);
    s
}

fn table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    if table.width().is_none() {
        // Not a terminal: wrap to $COLUMNS, or to a width that pastes well.
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(120);
        table.set_width(width);
    }
    table
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Low => Color::Green,
        Severity::Medium => Color::Yellow,
        Severity::High => Color::DarkYellow,
        Severity::Critical => Color::Red,
    }
}

fn severity_cell(s: Severity, color: bool) -> Cell {
    let c = Cell::new(s.as_str());
    if color {
        c.fg(severity_color(s))
    } else {
        c
    }
}

/// Below this many columns the matrix is a list: its ten columns would cut change ids.
const MATRIX_COLUMNS: usize = 90;
/// Below this many columns the changes and the evidence are lists rather than tables, and
/// findings are wrapped at spaces: a table cell that narrow would cut ids and paths apart.
const TABLE_COLUMNS: usize = 100;

/// The width the tables are laid out for: the terminal's, else `$COLUMNS`, else 120.
fn layout_width(color: bool) -> usize {
    table(color).width().map_or(120, usize::from)
}

/// Impact down (10 at the top), likelihood across, change ids in the cells.
pub fn matrix(r: &RiskView, color: bool) -> String {
    if layout_width(color) < MATRIX_COLUMNS {
        let mut s = String::from("Risk matrix: impact × likelihood = score\n");
        if r.changes.is_empty() {
            s.push_str("  (no changes)\n");
        }
        for c in crate::risk::ranked(&r.changes) {
            let _ = writeln!(
                s,
                "  {:>3} = {:>2} × {:<2} {}",
                c.score,
                c.impact,
                c.likelihood,
                cell_text(&c.id)
            );
        }
        return s;
    }
    let grid = matrix_cells(&r.changes);
    let mut table = table(color);
    let mut head = vec![Cell::new("i \\ l")];
    head.extend((1..=10).map(|l| Cell::new(l).set_alignment(CellAlignment::Center)));
    table.set_header(head);
    for impact in (1..=10usize).rev() {
        let mut row = vec![Cell::new(impact).set_alignment(CellAlignment::Right)];
        for likelihood in 1..=10usize {
            let ids = &grid[impact - 1][likelihood - 1];
            let text = if ids.is_empty() {
                "·".to_string()
            } else {
                ids.iter()
                    .map(|i| cell_text(i))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let mut cell = Cell::new(text).set_alignment(CellAlignment::Center);
            if color {
                cell = cell.fg(severity_color(crate::risk::band(
                    (impact * likelihood) as u32,
                    &r.risk_bands,
                )));
                if !ids.is_empty() {
                    cell = cell.add_attribute(Attribute::Bold);
                }
            }
            row.push(cell);
        }
        table.add_row(row);
    }
    format!("Risk matrix: impact (rows) × likelihood (columns) = score\n{table}\n")
}

pub fn ranked(r: &RiskView, color: bool) -> String {
    if r.changes.is_empty() {
        return "Changes: none\n".into();
    }
    if layout_width(color) < TABLE_COLUMNS {
        let mut s = String::from("Changes by score\n");
        for (i, c) in crate::risk::ranked(&r.changes).into_iter().enumerate() {
            let _ = writeln!(
                s,
                "{:>2}. {}  {} ({}×{})  {}",
                i + 1,
                cell_text(&c.id),
                c.score,
                c.impact,
                c.likelihood,
                c.effective.as_str()
            );
            let _ = writeln!(
                s,
                "    declared {} · recovery {} min · owner {}",
                c.declared.as_str(),
                c.recovery_minutes,
                cell_text(c.owner.as_deref().unwrap_or("-"))
            );
            let _ = writeln!(s, "    {}", cell_text(&c.title));
        }
        return s;
    }
    let mut table = table(color);
    table.set_header(vec![
        "#",
        "change",
        "score",
        "declared",
        "effective",
        "recovery",
        "owner",
        "title",
    ]);
    for (i, c) in crate::risk::ranked(&r.changes).into_iter().enumerate() {
        table.add_row(vec![
            Cell::new(i + 1),
            Cell::new(cell_text(&c.id)),
            Cell::new(format!("{} ({}×{})", c.score, c.impact, c.likelihood)),
            Cell::new(c.declared.as_str()),
            severity_cell(c.effective, color),
            Cell::new(format!("{} min", c.recovery_minutes)),
            Cell::new(cell_text(c.owner.as_deref().unwrap_or("-"))),
            Cell::new(cell_text(&c.title)),
        ]);
    }
    format!("Changes by score\n{table}\n")
}

fn evidence(r: &Report, color: bool) -> String {
    let width = layout_width(color);
    if width < TABLE_COLUMNS {
        let mut s = String::from("Evidence\n");
        for e in &r.evidence {
            let _ = writeln!(
                s,
                "  {}  {} ({})  {}",
                cell_text(&e.change),
                e.kind,
                cell_text(&e.env),
                if e.passed { "pass" } else { "FAIL" }
            );
            let _ = writeln!(s, "    {}", cell_text(e.source()));
            if !e.passed {
                s +=
                    &crate::fmt::wrap("    ", &cell_text(e.reason.as_deref().unwrap_or("")), width);
            }
            s += &crate::fmt::wrap("    ", &figures(&e.figures), width);
        }
        return s;
    }
    let mut table = table(color);
    table.set_header(vec!["change", "kind", "env", "file", "result", "figures"]);
    for e in &r.evidence {
        let result = if e.passed {
            Cell::new("pass")
        } else {
            Cell::new(format!(
                "FAIL: {}",
                cell_text(e.reason.as_deref().unwrap_or(""))
            ))
        };
        let result = match (color, e.passed) {
            (true, true) => result.fg(Color::Green),
            (true, false) => result.fg(Color::Red),
            _ => result,
        };
        table.add_row(vec![
            Cell::new(cell_text(&e.change)),
            Cell::new(e.kind),
            Cell::new(cell_text(&e.env)),
            Cell::new(cell_text(e.source())),
            result,
            Cell::new(match &e.baseline {
                None => figures(&e.figures),
                Some(b) => format!(
                    "{}\nbaseline {}: {} ({})",
                    figures(&e.figures),
                    cell_text(&b.path),
                    figures(&b.figures()),
                    baseline_allowed(b)
                ),
            }),
        ]);
    }
    format!("Evidence\n{table}\n")
}

/// What a baseline allowed, beside its figures: "p99 +10%, TPS -10%, error rate +0.1 points".
pub fn baseline_allowed(b: &crate::evidence::Baseline) -> String {
    let pct = |x: f64| number(x * 100.0);
    format!(
        "allowed p99 +{}%, TPS -{}%, error rate +{} points",
        pct(b.max_regression),
        pct(b.max_regression),
        pct(b.max_error_rate_increase)
    )
}

/// The figures an evidence carries, in one short line.
pub fn figures(f: &crate::evidence::Figures) -> String {
    let mut parts = Vec::new();
    if let Some(n) = f.samples {
        parts.push(format!("{n} samples"));
    }
    if let Some(e) = f.error_rate {
        parts.push(format!("{} errors", percent(e)));
    }
    if let Some(p) = f.p99_ms {
        parts.push(format!("p99 {} ms", number(p)));
    }
    if let Some(tps) = f.tps {
        parts.push(format!("{} TPS", number(tps)));
    }
    if let Some(n) = f.tests {
        parts.push(format!("{n} tests run"));
    }
    for (n, what) in [
        (f.failed, "failed"),
        (f.errored, "errored"),
        (f.skipped, "skipped"),
    ] {
        if let Some(n) = n.filter(|&n| n > 0) {
            parts.push(format!("{n} {what}"));
        }
    }
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

fn checklist_line(r: &Report) -> String {
    let applicable: Vec<_> = r
        .checklist
        .iter()
        .filter(|c| c.applies && c.required)
        .collect();
    let passed = applicable.iter().filter(|c| c.passed).count();
    format!(
        "Checklist: {passed} of {} required items pass ({})\n",
        applicable.len(),
        t(&r.risk.release.checklist)
    )
}

fn findings(r: &Report, color: bool) -> String {
    let mut s = String::new();
    for f in &r.findings {
        let tag = match (f.level, f.overridden) {
            (Level::Block, _) => "BLOCK",
            (Level::Warn, true) => "OVERRIDDEN",
            (Level::Warn, false) => "WARN",
        };
        let tag = if color {
            let style = if f.level == Level::Block {
                console::Style::new().red().bold()
            } else {
                console::Style::new().yellow()
            };
            style.force_styling(true).apply_to(tag).to_string()
        } else {
            tag.to_string()
        };
        let width = layout_width(color);
        if width < TABLE_COLUMNS {
            let _ = writeln!(s, "{tag} {} [{}]:", f.rule, t(&f.subject));
            s += &crate::fmt::wrap("  ", &t(&f.message), width);
            s += &crate::fmt::wrap("  hint: ", &t(&f.hint), width);
            continue;
        }
        let _ = writeln!(s, "{tag} {} [{}]: {}", f.rule, t(&f.subject), t(&f.message));
        let _ = writeln!(s, "    hint: {}", t(&f.hint));
    }
    s
}

fn verdict_line(r: &Report, color: bool) -> String {
    let blocks = r.blocks().count();
    let warns = r.warnings().count();
    let text = match r.verdict {
        Verdict::Go => format!("GO  ({warns} warning{})", if warns == 1 { "" } else { "s" }),
        Verdict::NoGo => format!(
            "NO-GO  ({blocks} blocking finding{}, {warns} warning{})",
            if blocks == 1 { "" } else { "s" },
            if warns == 1 { "" } else { "s" }
        ),
    };
    if color {
        let style = match r.verdict {
            Verdict::Go => console::Style::new().green().bold(),
            Verdict::NoGo => console::Style::new().red().bold(),
        };
        format!("{}\n", style.force_styling(true).apply_to(text))
    } else {
        format!("{text}\n")
    }
}
