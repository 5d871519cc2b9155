//! `--format json`: the report as one JSON object, with SPEC's field names.

use super::{Render, Report, RiskView};

/// `risk --format json`: `release`, `changes` and `risk_bands`, named as in the report.
pub fn risk(view: &RiskView) -> String {
    let mut s =
        serde_json::to_string_pretty(view).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report) -> String {
        // Serializing plain data with string keys cannot fail.
        let mut s = serde_json::to_string_pretty(report)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}
