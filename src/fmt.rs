//! Number, percentage and duration formatting shared by reasons and reports.

/// A fraction as a percentage with one decimal, or more when needed to avoid showing a
/// non-zero rate as 0.0% (0.003 → "0.3%", 0.00012 → "0.012%").
pub fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    if p == 0.0 || !p.is_finite() {
        return format!("{p:.1}%");
    }
    for decimals in 1..=6 {
        let s = format!("{p:.decimals$}");
        let back: f64 = s.parse().unwrap_or(0.0);
        if back != 0.0 && ((back - p) / p).abs() < 0.05 {
            return format!("{s}%");
        }
    }
    format!("{p:.6}%")
}

/// A number without a trailing ".0", with at most two decimals.
pub fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A signed chrono duration, to the second ("7d 2h", "-30m").
pub fn duration(d: chrono::Duration) -> String {
    let s = span(std::time::Duration::from_secs(
        d.num_seconds().unsigned_abs(),
    ));
    if d < chrono::Duration::zero() {
        format!("-{s}")
    } else {
        s
    }
}

/// A point in time as RFC 3339 to the second, in its own offset ("2026-11-25T14:00:00+09:00").
pub fn timestamp(t: chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A duration the way a manifest writes one: "24h" shows as "1d", 90 minutes as "1h 30m".
pub fn span(d: std::time::Duration) -> String {
    let mut secs = d.as_secs();
    if secs == 0 {
        return if d.is_zero() {
            "0s".into()
        } else {
            format!("{}ms", d.as_millis())
        };
    }
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            parts.push(format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    parts.join(" ")
}

/// `lead` then `text` word-wrapped to `width`, continuation lines indented under the text.
pub fn wrap(lead: &str, text: &str, width: usize) -> String {
    let indent = " ".repeat(console::measure_text_width(lead));
    let mut out = String::from(lead);
    let mut col = indent.len();
    for word in text.split_whitespace() {
        let w = console::measure_text_width(word);
        if col > indent.len() && col + 1 + w > width {
            out.push('\n');
            out.push_str(&indent);
            col = indent.len();
        } else if col > indent.len() {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_small_rates_visible() {
        assert_eq!(percent(0.05), "5.0%");
        assert_eq!(percent(0.003), "0.3%");
        assert_eq!(percent(0.001), "0.1%");
        assert_eq!(percent(0.00012), "0.012%");
        assert_eq!(percent(0.0), "0.0%");
    }

    #[test]
    fn spans_read_like_a_manifest() {
        assert_eq!(span(std::time::Duration::from_secs(86_400)), "1d");
        assert_eq!(span(std::time::Duration::from_secs(5_400)), "1h 30m");
        assert_eq!(duration(chrono::Duration::seconds(-61)), "-1m 1s");
    }

    #[test]
    fn text_wraps_under_its_lead() {
        assert_eq!(
            wrap("[1/9] ", "one two three four", 16),
            "[1/9] one two\n      three four\n"
        );
    }

    #[test]
    fn numbers_drop_needless_decimals() {
        assert_eq!(number(500.0), "500");
        assert_eq!(number(3001.25), "3001.25");
        assert_eq!(number(9.5), "9.5");
    }
}
