//! Thresholds shared by the load-test kinds (jmeter, k6, locust).

use super::{Figures, Thresholds};
use crate::fmt::{number, percent};

/// Why a load test's figures fail its thresholds; empty when they pass.
/// `no_p99` says why a p99 may be missing and how to get one, in the tool's own terms.
pub fn judge(f: &Figures, t: &Thresholds, no_p99: &str) -> Vec<String> {
    let mut out = Vec::new();
    match f.samples {
        Some(0) => out.push("no samples".to_string()),
        None => out.push("no sample count in the file".to_string()),
        Some(n) => {
            if let Some(min) = t.min_samples {
                if n < min {
                    out.push(format!("{n} samples < {min} required"));
                }
            }
        }
    }
    if out.iter().any(|s| s == "no samples") {
        return out;
    }
    if let Some(max) = t.max_error_rate {
        match f.error_rate {
            None => out.push("no error rate in the file".into()),
            Some(r) if r > max => out.push(format!(
                "error rate {} > {} allowed",
                percent(r),
                percent(max)
            )),
            Some(_) => {}
        }
    }
    if let Some(max) = t.max_p99_ms {
        match f.p99_ms {
            None => out.push(no_p99.to_string()),
            Some(p) if p > max => {
                out.push(format!("p99 {} ms > {} ms allowed", number(p), number(max)))
            }
            Some(_) => {}
        }
    }
    if let Some(min) = t.min_tps {
        match f.tps {
            None => out.push("no throughput (TPS) in the file".into()),
            Some(tps) if tps < min => {
                out.push(format!("{} TPS < {} required", number(tps), number(min)))
            }
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Thresholds {
        Thresholds {
            max_error_rate: Some(0.01),
            max_p99_ms: Some(500.0),
            min_samples: Some(100),
            min_tps: Some(10.0),
            min_tests: 1,
        }
    }

    fn f(samples: u64, er: f64, p99: f64, tps: f64) -> Figures {
        Figures {
            samples: Some(samples),
            error_rate: Some(er),
            p99_ms: Some(p99),
            tps: Some(tps),
            ..Figures::default()
        }
    }

    #[test]
    fn figures_exactly_at_every_bound_pass() {
        assert!(judge(&f(100, 0.01, 500.0, 10.0), &t(), "-").is_empty());
    }

    #[test]
    fn each_threshold_fails_on_its_own() {
        assert_eq!(
            judge(&f(99, 0.0, 1.0, 99.0), &t(), "-"),
            ["99 samples < 100 required"]
        );
        assert_eq!(
            judge(&f(100, 0.05, 1.0, 99.0), &t(), "-"),
            ["error rate 5.0% > 1.0% allowed"]
        );
        assert_eq!(
            judge(&f(100, 0.0, 501.0, 99.0), &t(), "-"),
            ["p99 501 ms > 500 ms allowed"]
        );
        assert_eq!(
            judge(&f(100, 0.0, 1.0, 9.5), &t(), "-"),
            ["9.5 TPS < 10 required"]
        );
    }

    #[test]
    fn no_samples_fails_and_a_missing_figure_fails_a_set_threshold() {
        assert_eq!(judge(&f(0, 0.0, 0.0, 0.0), &t(), "-"), ["no samples"]);
        let mut fig = f(100, 0.0, 1.0, 99.0);
        fig.p99_ms = None;
        assert_eq!(judge(&fig, &t(), "no p99 here"), ["no p99 here"]);
    }
}
