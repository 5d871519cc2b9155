//! The log in a terminal (a table of releases, the weekday × severity matrix, the totals) and in
//! markdown. Text from records is escaped for each medium, as the reports escape theirs.

use super::log::{severities, History, WEEKDAYS};
use crate::report::escape;
use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use std::fmt::Write;

fn table(width: u16) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    t
}

fn overrides_cell(r: &super::log::Release) -> String {
    if r.overrides.is_empty() {
        "-".into()
    } else {
        r.overrides.join(", ")
    }
}

fn rate(t: &super::log::Totals) -> String {
    match t.change_failure_rate {
        Some(r) => format!(
            "{} ({} of {} watches that ended breached)",
            crate::fmt::percent(r),
            t.breached,
            t.breached + t.healthy
        ),
        None => "none yet (no watch ended healthy or in a breach)".into(),
    }
}

/// The log for a terminal `width` columns wide.
pub fn text(h: &History, width: u16) -> String {
    let t_ = escape::terminal;
    let mut out = String::new();
    if h.releases.is_empty() {
        out.push_str("No sign-off records.\n");
    } else {
        // One line per release, the name and the overrides used last and cut to the width, so
        // the history reads at a glance in 80 columns.
        let watch_w = h
            .releases
            .iter()
            .map(|r| r.watch.as_deref().unwrap_or("-").len())
            .max()
            .unwrap_or(1)
            .max(5);
        let _ = writeln!(
            out,
            "Releases\n{:<20}  {:<8}  {:<7}  {:<watch_w$}  release (overrides used)",
            "deployed (local)", "severity", "verdict", "watch"
        );
        for r in &h.releases {
            let fixed = format!(
                "{} {}  {:<8}  {:<7}  {:<watch_w$}  ",
                r.weekday,
                r.local,
                r.severity,
                if r.verdict == "no-go" { "NO-GO" } else { "GO" },
                r.watch.as_deref().unwrap_or("-"),
            );
            let mut what = t_(&r.name);
            if !r.overrides.is_empty() {
                what.push_str(&format!(" (overrides: {})", t_(&r.overrides.join(", "))));
            }
            let room = usize::from(width)
                .saturating_sub(fixed.chars().count())
                .max(12);
            let _ = writeln!(out, "{fixed}{}", cut(&what, room));
        }
    }
    let _ = writeln!(
        out,
        "\nReleases by weekday (rows) × severity (columns)\n{}",
        matrix(h, width)
    );
    let tot = &h.totals;
    let _ = writeln!(out, "Releases              {}", tot.releases);
    let _ = writeln!(out, "NO-GO sign-offs       {}", tot.no_go);
    let _ = writeln!(
        out,
        "In a freeze window    {} (deployed by an override of freeze-window)",
        tot.in_freeze
    );
    let _ = writeln!(
        out,
        "Overrides by rule     {}",
        t_(&counts(&tot.overrides.by_rule))
    );
    let _ = writeln!(
        out,
        "Overrides by approver {}",
        t_(&counts(&tot.overrides.by_approver))
    );
    let _ = writeln!(
        out,
        "Watched               {} of {} ({} unwatched)",
        tot.watched,
        tot.releases,
        tot.releases - tot.watched
    );
    let _ = writeln!(out, "Change failure rate   {}", rate(tot));
    out
}

/// `s` in at most `n` characters, cut with "…".
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn counts(m: &std::collections::BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn matrix(h: &History, width: u16) -> String {
    let mut t = table(width);
    let mut header = vec![Cell::new("")];
    header.extend(severities().map(Cell::new));
    header.push(Cell::new("all"));
    t.set_header(header);
    for day in WEEKDAYS {
        let row = h.totals.by_weekday_severity.get(day);
        let mut cells = vec![Cell::new(day)];
        let mut all = 0;
        for sev in severities() {
            let n = row.and_then(|r| r.get(sev)).copied().unwrap_or(0);
            all += n;
            cells.push(
                Cell::new(if n == 0 {
                    "·".to_string()
                } else {
                    n.to_string()
                })
                .set_alignment(CellAlignment::Center),
            );
        }
        cells.push(Cell::new(all).set_alignment(CellAlignment::Center));
        t.add_row(cells);
    }
    t.to_string()
}

/// The log as markdown, for a retrospective's notes or the team channel.
pub fn markdown(h: &History) -> String {
    let e = escape::markdown;
    let mut out = String::from("# Release log\n\n");
    if !h.releases.is_empty() {
        out.push_str("| deployed (local) | release | severity | verdict | overrides | watch |\n|---|---|---|---|---|---|\n");
        for r in &h.releases {
            let _ = writeln!(
                out,
                "| {} {} | {} | {} | {} | {} | {} |",
                r.weekday,
                r.local,
                e(&r.name),
                r.severity,
                if r.verdict == "no-go" {
                    "**NO-GO**"
                } else {
                    "GO"
                },
                e(&overrides_cell(r)),
                r.watch.as_deref().unwrap_or("-")
            );
        }
        out.push('\n');
    }
    out.push_str("## Releases by weekday × severity\n\n| |");
    for s in severities() {
        let _ = write!(out, " {s} |");
    }
    out.push_str(" all |\n|---|");
    for _ in severities() {
        out.push_str(":-:|");
    }
    out.push_str(":-:|\n");
    for day in WEEKDAYS {
        let row = h.totals.by_weekday_severity.get(day);
        let _ = write!(out, "| **{day}** |");
        let mut all = 0;
        for sev in severities() {
            let n = row.and_then(|r| r.get(sev)).copied().unwrap_or(0);
            all += n;
            let _ = write!(
                out,
                " {} |",
                if n == 0 { String::new() } else { n.to_string() }
            );
        }
        let _ = writeln!(out, " {all} |");
    }
    let t = &h.totals;
    let _ = write!(
        out,
        "\n## Totals\n\n| | |\n|---|---|\n| Releases | {} |\n| NO-GO sign-offs | {} |\n| In a freeze window (by override) | {} |\n| Overrides by rule | {} |\n| Overrides by approver | {} |\n| Watched | {} of {} |\n| Change failure rate | {} |\n",
        t.releases,
        t.no_go,
        t.in_freeze,
        e(&counts(&t.overrides.by_rule)),
        e(&counts(&t.overrides.by_approver)),
        t.watched,
        t.releases,
        rate(t)
    );
    out
}
