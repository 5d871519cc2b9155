//! Risk: each change's score (impact × likelihood), its band, and its effective severity —
//! the higher of what was declared and what the score says. A change declared Low that scores
//! 54 is judged Critical and must meet Critical's rules.

use crate::model::checklist::Bands;
use crate::model::manifest::Change;
use crate::model::values::Severity;
use serde::Serialize;

/// One change with its risk worked out.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Assessed {
    pub id: String,
    pub title: String,
    pub declared: Severity,
    pub band: Severity,
    pub effective: Severity,
    pub score: u32,
    pub impact: u8,
    pub likelihood: u8,
    /// Time to recover, rounded up to the minute.
    pub recovery_minutes: u64,
    pub owner: Option<String>,
}

/// The band a score falls in: the highest band whose lower bound it reaches.
pub fn band(score: u32, bands: &Bands) -> Severity {
    if score >= bands.critical {
        Severity::Critical
    } else if score >= bands.high {
        Severity::High
    } else if score >= bands.medium {
        Severity::Medium
    } else {
        Severity::Low
    }
}

pub fn assess(change: &Change, bands: &Bands) -> Assessed {
    let score = u32::from(change.impact) * u32::from(change.likelihood);
    let band = band(score, bands);
    // Parsing caps a recovery (see `Span`), so this cannot overflow.
    let secs = change
        .recovery
        .0
        .as_secs()
        .saturating_add(u64::from(change.recovery.0.subsec_nanos() > 0));
    Assessed {
        id: change.id.get_ref().clone(),
        title: change.title.clone(),
        declared: change.severity,
        band,
        effective: change.severity.max(band),
        score,
        impact: change.impact,
        likelihood: change.likelihood,
        recovery_minutes: secs.div_ceil(60),
        owner: change.owner.clone(),
    }
}

/// Every change of a manifest, assessed, in manifest order.
pub fn assess_all(changes: &[Change], bands: &Bands) -> Vec<Assessed> {
    changes.iter().map(|c| assess(c, bands)).collect()
}

/// The release is as severe as its most severe change; a release of no changes is Low.
pub fn release_severity(changes: &[Assessed]) -> Severity {
    changes
        .iter()
        .map(|c| c.effective)
        .max()
        .unwrap_or(Severity::Low)
}

/// Changes from the riskiest down: by score, then effective severity, then id.
pub fn ranked(changes: &[Assessed]) -> Vec<&Assessed> {
    let mut v: Vec<&Assessed> = changes.iter().collect();
    v.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.effective.cmp(&a.effective))
            .then(a.id.cmp(&b.id))
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_exactly_at_a_bound_is_in_that_band() {
        let b = Bands::default();
        assert_eq!(band(14, &b), Severity::Low);
        assert_eq!(band(15, &b), Severity::Medium);
        assert_eq!(band(29, &b), Severity::Medium);
        assert_eq!(band(30, &b), Severity::High);
        assert_eq!(band(49, &b), Severity::High);
        assert_eq!(band(50, &b), Severity::Critical);
        assert_eq!(band(100, &b), Severity::Critical);
    }

    #[test]
    fn effective_severity_is_the_higher_of_declared_and_band() {
        let src = "[release]\nname='r'\ndeployer='d'\n[[changes]]\nid='a'\ntitle='t'\nseverity='low'\nimpact=9\nlikelihood=6\nrecovery='90s'\n";
        let m = crate::model::manifest::Manifest::parse("r", src).unwrap();
        let a = assess(&m.changes[0], &Bands::default());
        assert_eq!(
            (a.score, a.band, a.effective),
            (54, Severity::Critical, Severity::Critical)
        );
        assert_eq!(a.recovery_minutes, 2);
        assert_eq!(release_severity(&[a]), Severity::Critical);
        assert_eq!(release_severity(&[]), Severity::Low);
    }
}
