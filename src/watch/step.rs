//! One step of one check, judged from the values Prometheus returned: a pure function.

use super::Check;
use std::fmt;

/// The bound a value broke.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Max(f64),
    Min(f64),
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Max(m) => write!(f, "max {}", number(*m)),
            Bound::Min(m) => write!(f, "min {}", number(*m)),
        }
    }
}

/// A step's verdict for one check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepVerdict {
    /// Every value within the bounds; `value` is the step's worst (largest for a check with
    /// `max`, else smallest).
    Ok { value: f64 },
    /// A value above `max`, below `min`, or NaN (then `bound` is the check's first bound).
    Breach { value: f64, bound: Bound },
    /// The query returned no series at all: no data is not health.
    NoData,
}

/// Judges one step: any series above `max` or below `min` (equal is not), or NaN, breaches;
/// no series breaches as no data.
pub fn judge(check: &Check, values: &[f64]) -> StepVerdict {
    if values.is_empty() {
        return StepVerdict::NoData;
    }
    let first_bound = match (check.max, check.min) {
        (Some(m), _) => Bound::Max(m),
        (None, Some(m)) => Bound::Min(m),
        (None, None) => Bound::Max(f64::INFINITY),
    };
    if let Some(&v) = values.iter().find(|v| v.is_nan()) {
        return StepVerdict::Breach {
            value: v,
            bound: first_bound,
        };
    }
    let largest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let smallest = values.iter().copied().fold(f64::INFINITY, f64::min);
    if let Some(max) = check.max {
        if largest > max {
            return StepVerdict::Breach {
                value: largest,
                bound: Bound::Max(max),
            };
        }
    }
    if let Some(min) = check.min {
        if smallest < min {
            return StepVerdict::Breach {
                value: smallest,
                bound: Bound::Min(min),
            };
        }
    }
    StepVerdict::Ok {
        value: if check.max.is_some() {
            largest
        } else {
            smallest
        },
    }
}

/// A value as the screen and the messages show it: up to 6 significant digits, NaN and
/// infinities as Prometheus writes them.
pub fn number(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "0" || s == "-0" {
        format!("{v:e}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(max: Option<f64>, min: Option<f64>) -> Check {
        Check {
            name: "c".into(),
            query: "q".into(),
            max,
            min,
            change: None,
            alert: None,
        }
    }

    #[test]
    fn a_value_above_max_breaches_and_one_equal_to_it_does_not() {
        let c = check(Some(0.01), None);
        assert_eq!(judge(&c, &[0.01]), StepVerdict::Ok { value: 0.01 });
        assert_eq!(
            judge(&c, &[0.011]),
            StepVerdict::Breach {
                value: 0.011,
                bound: Bound::Max(0.01)
            }
        );
    }

    #[test]
    fn a_value_below_min_breaches_and_one_equal_to_it_does_not() {
        let c = check(None, Some(100.0));
        assert_eq!(judge(&c, &[100.0, 250.0]), StepVerdict::Ok { value: 100.0 });
        assert_eq!(
            judge(&c, &[250.0, 99.5]),
            StepVerdict::Breach {
                value: 99.5,
                bound: Bound::Min(100.0)
            }
        );
    }

    #[test]
    fn one_series_of_several_is_enough_to_breach() {
        let c = check(Some(1.0), Some(0.0));
        assert_eq!(
            judge(&c, &[0.2, 3.0, 0.5]),
            StepVerdict::Breach {
                value: 3.0,
                bound: Bound::Max(1.0)
            }
        );
        assert_eq!(
            judge(&c, &[0.2, -1.0]),
            StepVerdict::Breach {
                value: -1.0,
                bound: Bound::Min(0.0)
            }
        );
        assert_eq!(judge(&c, &[0.2, 0.7]), StepVerdict::Ok { value: 0.7 });
    }

    #[test]
    fn no_series_is_no_data_and_nan_breaches() {
        let c = check(Some(1.0), None);
        assert_eq!(judge(&c, &[]), StepVerdict::NoData);
        let StepVerdict::Breach { value, bound } = judge(&c, &[0.5, f64::NAN]) else {
            panic!("NaN must breach")
        };
        assert!(value.is_nan());
        assert_eq!(bound, Bound::Max(1.0));
        assert!(matches!(
            judge(&check(None, Some(0.0)), &[f64::NAN]),
            StepVerdict::Breach {
                bound: Bound::Min(_),
                ..
            }
        ));
    }

    #[test]
    fn infinities_break_the_bounds_they_pass() {
        let c = check(Some(1.0), Some(0.0));
        assert!(matches!(
            judge(&c, &[f64::INFINITY]),
            StepVerdict::Breach {
                bound: Bound::Max(_),
                ..
            }
        ));
        assert!(matches!(
            judge(&c, &[f64::NEG_INFINITY]),
            StepVerdict::Breach {
                bound: Bound::Min(_),
                ..
            }
        ));
    }

    #[test]
    fn numbers_read_short() {
        assert_eq!(number(0.0123456789), "0.012346");
        assert_eq!(number(42.0), "42");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-Inf");
        assert_eq!(number(1e-9), "1e-9");
    }
}
