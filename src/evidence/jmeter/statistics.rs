//! `jmeter`, the other layout: the `statistics.json` of JMeter's HTML dashboard
//! (`jmeter -g results.jtl -o report/`, or `jmeter -n -t plan.jmx -l results.jtl -e -o report/`).
//!
//! The file is an object with one entry per sampler label and one named `Total`, each holding
//! `transaction`, `sampleCount`, `errorCount`, `errorPct`, `meanResTime`, `medianResTime`,
//! `minResTime`, `maxResTime`, `pct1ResTime`, `pct2ResTime`, `pct3ResTime`, `throughput`,
//! `receivedKBytesPerSec` and `sentKBytesPerSec`. Only `Total` is read: `sampleCount`,
//! `errorCount`, `pct3ResTime` (the 99th percentile under JMeter's default
//! `aggregate_rpt_pct3=99`) and `throughput` (requests per second). The other entries stream
//! past unread, so a dashboard of thousands of labels costs no more memory than one.
//!
//! The dashboard carries no time of its own, so the evidence's time is `recorded_at`.
//! [`super::read`] tells this file from a JTL by its first non-blank byte (`{`), never
//! by its name.

use crate::evidence::{Figures, Reading};
use serde::Deserialize;
use std::io::BufRead;

const WHAT: &str = "JMeter statistics.json";

#[derive(Deserialize)]
struct Statistics {
    #[serde(rename = "Total")]
    total: Option<Total>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Total {
    sample_count: Option<f64>,
    error_count: Option<f64>,
    pct3_res_time: Option<f64>,
    throughput: Option<f64>,
}

fn whole(x: f64) -> bool {
    x >= 0.0 && x.fract() == 0.0 && x <= u64::MAX as f64
}

pub fn read(input: &mut dyn BufRead) -> Result<Reading, String> {
    let stats: Statistics = serde_json::from_reader(input).map_err(|e| {
        // serde_json's messages may quote the file's text: say only what and where.
        let at = format!("line {} column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Io => format!("cannot read the {WHAT}: {e}"),
            serde_json::error::Category::Eof => {
                format!("the {WHAT} ends early (truncated JSON) at {at}")
            }
            serde_json::error::Category::Syntax => format!("not a {WHAT}: not JSON at {at}"),
            serde_json::error::Category::Data => format!(
                "not a {WHAT} (the dashboard's statistics, or a label named Total twice): a \
                 value of the wrong type or a repeated entry at {at}"
            ),
        }
    })?;
    let bad = |what: &str| Err(format!("not a {WHAT}: {what}"));
    let Some(total) = stats.total else {
        return bad("no \"Total\" entry (expected the statistics.json of jmeter -g or -e -o)");
    };
    let samples = match total.sample_count {
        None => return bad("the Total entry has no sampleCount"),
        Some(n) if whole(n) => n as u64,
        Some(_) => return bad("the Total sampleCount is not a whole number of samples"),
    };
    let errors = match total.error_count {
        None => None,
        Some(n) if whole(n) && n <= samples as f64 => Some(n),
        Some(_) => return bad("the Total errorCount is not a count of at most sampleCount"),
    };
    if total
        .pct3_res_time
        .is_some_and(|p| !(p.is_finite() && p >= 0.0))
    {
        return bad("the Total pct3ResTime is not a duration (negative or not finite)");
    }
    if total
        .throughput
        .is_some_and(|r| !(r.is_finite() && r >= 0.0))
    {
        return bad("the Total throughput is not a number of requests per second");
    }
    let any = samples > 0;
    Ok(Reading {
        figures: Figures {
            samples: Some(samples),
            error_rate: errors.filter(|_| any).map(|e| e / samples as f64),
            p99_ms: total.pct3_res_time.filter(|_| any),
            tps: total.throughput.filter(|_| any),
            ..Figures::default()
        },
        time: None,
        note: None,
        timed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_entry_gives_the_figures_and_other_labels_are_skipped() {
        let json = br#"{"Total":{"transaction":"Total","sampleCount":400,"errorCount":4,
            "errorPct":1.0,"pct3ResTime":812.99,"throughput":133.5},
            "login":{"transaction":"login","sampleCount":1,"errorCount":1,"pct3ResTime":1e9,
            "throughput":0.1}}"#;
        let f = read(&mut &json[..]).unwrap().figures;
        assert_eq!(f.samples, Some(400));
        assert_eq!(f.error_rate, Some(0.01));
        assert_eq!(f.p99_ms, Some(812.99));
        assert_eq!(f.tps, Some(133.5));
    }

    #[test]
    fn a_label_named_total_twice_or_a_missing_total_is_refused() {
        let twice = br#"{"Total":{"sampleCount":1},"Total":{"sampleCount":2}}"#;
        assert!(read(&mut &twice[..])
            .unwrap_err()
            .contains("a repeated entry"));
        let none = br#"{"login":{"sampleCount":1}}"#;
        assert!(read(&mut &none[..])
            .unwrap_err()
            .contains("no \"Total\" entry"));
        let more_errors = br#"{"Total":{"sampleCount":1,"errorCount":2}}"#;
        assert!(read(&mut &more_errors[..])
            .unwrap_err()
            .contains("errorCount is not a count of at most sampleCount"));
    }
}
