//! Findings and overrides → the verdict, in one place.

use crate::model::manifest::Manifest;
use crate::rules::{check_override, Finding, Level};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Go,
    NoGo,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Go => "go",
            Verdict::NoGo => "no-go",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Go => "GO",
            Verdict::NoGo => "NO-GO",
        }
    }
}

/// An override as it was applied.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppliedOverride {
    #[schemars(schema_with = "crate::model::schema::rule_id_in_report")]
    pub rule: crate::rules::RuleId,
    pub reason: String,
    pub approved_by: String,
    pub expires_at: Option<String>,
    pub valid: bool,
    /// How many block findings it turned into warnings.
    pub applied_to: usize,
}

/// Applies the valid overrides and decides: GO when no `block` finding is left.
pub fn decide(
    mut findings: Vec<Finding>,
    manifest: &Manifest,
    now: DateTime<FixedOffset>,
    signed: Option<&std::collections::BTreeSet<String>>,
) -> (Verdict, Vec<Finding>, Vec<AppliedOverride>) {
    let deployer = manifest.release.deployer.get_ref();
    let mut applied = Vec::new();
    for o in &manifest.overrides {
        let valid = check_override(o, deployer, now, signed).is_empty();
        let mut count = 0;
        if valid {
            for f in findings
                .iter_mut()
                .filter(|f| f.rule == *o.rule.get_ref() && f.level == Level::Block)
            {
                f.level = Level::Warn;
                f.overridden = true;
                count += 1;
            }
        }
        applied.push(AppliedOverride {
            rule: *o.rule.get_ref(),
            reason: o.reason.clone().unwrap_or_default(),
            approved_by: o.approved_by.clone().unwrap_or_default(),
            expires_at: o.expires_at.map(|t| t.to_string()),
            valid,
            applied_to: count,
        });
    }
    // Blocks first, then in rule order as evaluated.
    findings.sort_by_key(|f| f.level);
    let verdict = if findings.iter().any(|f| f.level == Level::Block) {
        Verdict::NoGo
    } else {
        Verdict::Go
    };
    (verdict, findings, applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    fn judged(manifest: &str) -> (Verdict, Vec<Finding>) {
        let f = Fixture::new(manifest, TEMPLATE, "[answers.ready]\nvalue = true\n");
        let (v, found, _) = decide(f.findings(), &f.manifest, f.now, None);
        (v, found)
    }

    #[test]
    fn a_valid_override_turns_its_rules_blocks_into_overridden_warnings() {
        let m = MANIFEST.replace("2026-11-25T14:00:00+09:00", "2026-11-27T23:00:00+09:00")
            + "\n[[overrides]]\nrule = \"freeze-window\"\nreason = \"customer\"\napproved_by = \"cto\"\n";
        let (v, found) = judged(&m);
        assert_eq!(v, Verdict::Go);
        assert_eq!(found.len(), 1);
        assert!(found[0].overridden && found[0].level == Level::Warn);
    }

    #[test]
    fn an_invalid_override_leaves_the_block_and_adds_its_own() {
        let m = MANIFEST.replace("2026-11-25T14:00:00+09:00", "2026-11-27T23:00:00+09:00")
            + "\n[[overrides]]\nrule = \"freeze-window\"\nreason = \"customer\"\napproved_by = \"jiyoon\"\n";
        let (v, found) = judged(&m);
        assert_eq!(v, Verdict::NoGo);
        assert_eq!(rules(&found), ["freeze-window", "override-invalid"]);
    }

    #[test]
    fn an_override_of_a_rule_that_did_not_fire_changes_nothing() {
        let m = format!("{MANIFEST}\n[[overrides]]\nrule = \"monitoring\"\nreason = \"x\"\napproved_by = \"cto\"\n");
        assert_eq!(judged(&m), (Verdict::Go, vec![]));
    }
}
