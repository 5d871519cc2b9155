//! A load test against the last good release: `baseline` names the same kind's file from the
//! release that went well, read the same way (through [`super::read::read`], hashed once), and
//! the run fails when it is worse than that by more than the manifest allows:
//!
//! - p99 more than `max_regression` above the baseline's (default 10%);
//! - TPS more than `max_regression` below the baseline's;
//! - error rate more than `max_error_rate_increase` above the baseline's (default 0.001).
//!
//! Every bound is inclusive. A figure the baseline lacks is not compared, and a note says so
//! (a passing evidence may carry it); a figure the run lacks while its baseline has it fails,
//! since nothing shows the run is not worse. A baseline that cannot be read, or that has none
//! of the three figures, fails the evidence. Only its figures matter: its age, thresholds and
//! pin are not judged.

use super::{read_file, Baseline, Context, Figures};
use crate::fmt::number;
use crate::model::manifest::{Evidence, EvidenceKind};

/// Floating-point slack for "exactly at the bound": 1.1 × 100 is 110.00000000000001.
const SLACK: f64 = 1e-9;

/// Reads the baseline at `rel` (relative to the manifest's folder) as `kind` and compares the
/// run's figures with it: the baseline as the report shows it, the reasons the run fails, and
/// notes that do not fail it. A run that could not be read (`None`) already fails; the
/// baseline is still read, for its figures and its place in the report's inputs.
pub fn judge(
    rel: &str,
    e: &Evidence,
    kind: EvidenceKind,
    run: Option<&Figures>,
    ctx: &Context,
) -> (Baseline, Vec<String>, Vec<String>) {
    let mut b = Baseline {
        path: rel.to_string(),
        sha256: None,
        samples: None,
        error_rate: None,
        p99_ms: None,
        tps: None,
        max_regression: e.max_regression.unwrap_or(Evidence::DEFAULT_MAX_REGRESSION),
        max_error_rate_increase: e
            .max_error_rate_increase
            .unwrap_or(Evidence::DEFAULT_MAX_ERROR_RATE_INCREASE),
    };
    let base = match read_file(&ctx.base.join(rel), kind, ctx.progress) {
        Err(why) => return (b, vec![format!("baseline {why}")], Vec::new()),
        Ok((result, sha)) => {
            b.sha256 = Some(crate::sha256::hex(&sha));
            match result {
                Err(why) => return (b, vec![format!("baseline {rel}: {why}")], Vec::new()),
                Ok(reading) => reading.figures,
            }
        }
    };
    b.samples = base.samples;
    b.error_rate = base.error_rate;
    b.p99_ms = base.p99_ms;
    b.tps = base.tps;
    match run {
        Some(run) => {
            let (failed, notes) = compare(run, &b);
            (b, failed, notes)
        }
        None => (b, Vec::new(), Vec::new()),
    }
}

/// The run against the baseline's figures: why it fails, and what was not compared.
pub fn compare(run: &Figures, b: &Baseline) -> (Vec<String>, Vec<String>) {
    let mut failed = Vec::new();
    let mut missing = Vec::new();
    if b.p99_ms.is_none() && b.tps.is_none() && b.error_rate.is_none() {
        failed.push(format!(
            "the baseline {} has no p99, TPS or error rate to compare with",
            b.path
        ));
        return (failed, Vec::new());
    }
    let allowed = whole_percent(b.max_regression);

    match (run.p99_ms, b.p99_ms) {
        (_, None) => missing.push("p99"),
        (None, Some(base)) => failed.push(format!(
            "no p99 to compare with the baseline's {} ms",
            number(base)
        )),
        (Some(p), Some(base)) => {
            if p > base * (1.0 + b.max_regression) + SLACK {
                failed.push(format!(
                    "p99 {} ms is {} above the baseline's {} ms, allowed {allowed}",
                    number(p),
                    change(p - base, base, b.max_regression),
                    number(base)
                ));
            }
        }
    }
    match (run.tps, b.tps) {
        (_, None) => missing.push("TPS"),
        (None, Some(base)) => failed.push(format!(
            "no TPS to compare with the baseline's {}",
            number(base)
        )),
        (Some(t), Some(base)) => {
            if t < base * (1.0 - b.max_regression) - SLACK {
                failed.push(format!(
                    "{} TPS is {} below the baseline's {}, allowed {allowed}",
                    number(t),
                    change(base - t, base, b.max_regression),
                    number(base)
                ));
            }
        }
    }
    match (run.error_rate, b.error_rate) {
        (_, None) => missing.push("error rate"),
        (None, Some(base)) => failed.push(format!(
            "no error rate to compare with the baseline's {}%",
            points(base)
        )),
        (Some(r), Some(base)) => {
            if r - base > b.max_error_rate_increase + SLACK {
                failed.push(format!(
                    "error rate {}% is {} points above the baseline's {}%, allowed {} points",
                    points(r),
                    points(r - base),
                    points(base),
                    points(b.max_error_rate_increase)
                ));
            }
        }
    }
    let notes = (!missing.is_empty())
        .then(|| {
            format!(
                "the baseline {} has no {}, so that was not compared",
                b.path,
                missing.join(" or ")
            )
        })
        .into_iter()
        .collect();
    (failed, notes)
}

/// `fraction` as a percentage with as few decimals as show it ("10%", "12.5%").
fn whole_percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    for d in 0..=4 {
        let s = format!("{p:.d$}");
        if (s.parse::<f64>().unwrap_or(f64::NAN) - p).abs() < 1e-9 {
            return format!("{s}%");
        }
    }
    format!("{p:.4}%")
}

/// `delta` as a percentage of `base`, with as few decimals as keep it from printing as
/// `allowed` itself ("16%", "25.5%", "10.04%" when 10% is allowed).
fn change(delta: f64, base: f64, allowed: f64) -> String {
    if base == 0.0 {
        return "infinitely".into();
    }
    let p = delta / base * 100.0;
    let a = allowed * 100.0;
    for d in 0..=4usize {
        let s = format!("{p:.d$}");
        // A whole percentage only where it is close to the figure (16.1% is "16%", 25.5% is
        // not "26%").
        let near = d > 0 || (s.parse::<f64>().unwrap_or(f64::NAN) - p).abs() <= 0.2;
        if near && s != format!("{a:.d$}") {
            return format!("{s}%");
        }
    }
    format!("{p:.4}%")
}

/// A rate, or a difference of two, in percent (points), at most 4 decimals ("0.25", "0.1").
fn points(diff: f64) -> String {
    let s = format!("{:.4}", diff * 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(p99: Option<f64>, tps: Option<f64>, er: Option<f64>) -> Baseline {
        Baseline {
            path: "evidence/last.json".into(),
            sha256: None,
            samples: Some(1000),
            error_rate: er,
            p99_ms: p99,
            tps,
            max_regression: 0.10,
            max_error_rate_increase: 0.001,
        }
    }

    fn run(p99: f64, tps: f64, er: f64) -> Figures {
        Figures {
            samples: Some(1000),
            error_rate: Some(er),
            p99_ms: Some(p99),
            tps: Some(tps),
            ..Figures::default()
        }
    }

    #[test]
    fn a_run_exactly_at_every_bound_passes() {
        let b = base(Some(242.0), Some(200.0), Some(0.001));
        // p99 +10%, TPS -10%, error rate +0.001: each exactly at its bound.
        let (failed, notes) = compare(&run(266.2, 180.0, 0.002), &b);
        assert!(failed.is_empty(), "{failed:?}");
        assert!(notes.is_empty());
    }

    #[test]
    fn a_run_just_over_each_bound_fails_with_both_figures_and_the_allowed_change() {
        let b = base(Some(242.0), Some(200.0), Some(0.001));
        let (failed, _) = compare(&run(281.0, 200.0, 0.001), &b);
        assert_eq!(
            failed,
            ["p99 281 ms is 16% above the baseline's 242 ms, allowed 10%"]
        );
        let (failed, _) = compare(&run(266.3, 200.0, 0.001), &b);
        assert_eq!(
            failed,
            ["p99 266.3 ms is 10.04% above the baseline's 242 ms, allowed 10%"]
        );
        let (failed, _) = compare(&run(242.0, 178.0, 0.001), &b);
        assert_eq!(
            failed,
            ["178 TPS is 11% below the baseline's 200, allowed 10%"]
        );
        let (failed, _) = compare(&run(242.0, 179.98, 0.001), &b);
        assert_eq!(
            failed,
            ["179.98 TPS is 10.01% below the baseline's 200, allowed 10%"]
        );
        let (failed, _) = compare(&run(242.0, 200.0, 0.00201), &b);
        assert_eq!(
            failed,
            ["error rate 0.201% is 0.101 points above the baseline's 0.1%, allowed 0.1 points"]
        );
    }

    #[test]
    fn a_looser_max_regression_moves_the_bound() {
        let mut b = base(Some(100.0), Some(100.0), None);
        b.max_regression = 0.25;
        assert!(compare(&run(125.0, 75.0, 0.0), &b).0.is_empty());
        assert_eq!(
            compare(&run(125.5, 75.0, 0.0), &b).0,
            ["p99 125.5 ms is 25.5% above the baseline's 100 ms, allowed 25%"]
        );
    }

    #[test]
    fn a_figure_the_baseline_lacks_is_noted_not_compared() {
        let b = base(None, Some(100.0), Some(0.0));
        let (failed, notes) = compare(&run(9999.0, 100.0, 0.0), &b);
        assert!(failed.is_empty());
        assert_eq!(
            notes,
            ["the baseline evidence/last.json has no p99, so that was not compared"]
        );
    }

    #[test]
    fn a_baseline_with_none_of_the_figures_fails() {
        let (failed, _) = compare(&run(1.0, 1.0, 0.0), &base(None, None, None));
        assert_eq!(
            failed,
            ["the baseline evidence/last.json has no p99, TPS or error rate to compare with"]
        );
    }

    #[test]
    fn a_figure_the_run_lacks_but_the_baseline_has_fails() {
        let mut r = run(1.0, 100.0, 0.0);
        r.p99_ms = None;
        let (failed, _) = compare(&r, &base(Some(50.0), Some(100.0), Some(0.0)));
        assert_eq!(failed, ["no p99 to compare with the baseline's 50 ms"]);
    }
}
