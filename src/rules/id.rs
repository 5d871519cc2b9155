//! Every rule's id, as one type: findings, overrides, the override validation and the policy's
//! rule levels all name rules through it, so a rule's id is written once.

use serde::Serialize;
use std::fmt;

/// A rule of the gate, in the order of SPEC's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    CriticalEvidence,
    EvidenceFailed,
    RollbackPlan,
    FreezeWindow,
    OnCall,
    Monitoring,
    AlertsFiring,
    DeployTime,
    ReleaseCommit,
    TwoPerson,
    Checklist,
    OverrideInvalid,
    UnknownAnswer,
    ListFreeze,
    RiskUnderdeclared,
    FreezeCalendar,
}

impl RuleId {
    pub const ALL: [RuleId; 16] = [
        RuleId::CriticalEvidence,
        RuleId::EvidenceFailed,
        RuleId::RollbackPlan,
        RuleId::FreezeWindow,
        RuleId::OnCall,
        RuleId::Monitoring,
        RuleId::AlertsFiring,
        RuleId::DeployTime,
        RuleId::ReleaseCommit,
        RuleId::TwoPerson,
        RuleId::Checklist,
        RuleId::OverrideInvalid,
        RuleId::UnknownAnswer,
        RuleId::ListFreeze,
        RuleId::RiskUnderdeclared,
        RuleId::FreezeCalendar,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::CriticalEvidence => "critical-evidence",
            RuleId::EvidenceFailed => "evidence-failed",
            RuleId::RollbackPlan => "rollback-plan",
            RuleId::FreezeWindow => "freeze-window",
            RuleId::OnCall => "on-call",
            RuleId::Monitoring => "monitoring",
            RuleId::AlertsFiring => "alerts-firing",
            RuleId::DeployTime => "deploy-time",
            RuleId::ReleaseCommit => "release-commit",
            RuleId::TwoPerson => "two-person",
            RuleId::Checklist => "checklist",
            RuleId::OverrideInvalid => "override-invalid",
            RuleId::UnknownAnswer => "unknown-answer",
            RuleId::ListFreeze => "list-freeze",
            RuleId::RiskUnderdeclared => "risk-underdeclared",
            RuleId::FreezeCalendar => "freeze-calendar",
        }
    }

    pub fn parse(s: &str) -> Option<RuleId> {
        let s = s.trim();
        RuleId::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether a valid override can turn this rule's blocks into warnings. The rules that make
    /// the gate worth having cannot be: no evidence, failed evidence, a lone deployer, a stale
    /// or mismatched manifest, and an invalid override itself.
    pub fn overridable(self) -> bool {
        !matches!(
            self,
            RuleId::CriticalEvidence
                | RuleId::EvidenceFailed
                | RuleId::TwoPerson
                | RuleId::DeployTime
                | RuleId::ReleaseCommit
                | RuleId::OverrideInvalid
        )
    }

    /// Whether `[policy.rules]` may set this rule to `warn` or `off`: the same rules as
    /// [`RuleId::overridable`] can only ever block.
    pub fn lowerable(self) -> bool {
        self.overridable()
    }

    /// What the rule checks, in a line.
    pub fn description(self) -> &'static str {
        match self {
            RuleId::CriticalEvidence => {
                "a Critical change has passing load-test evidence from the policy's env"
            }
            RuleId::EvidenceFailed => "no evidence of any change fails verification",
            RuleId::RollbackPlan => "every High and Critical change has a rollback plan",
            RuleId::FreezeWindow => {
                "the deploy is not in a freeze window that excludes its severity"
            }
            RuleId::OnCall => "enough distinct people besides the deployer are on call",
            RuleId::Monitoring => {
                "dashboards, a long enough watch, and the named alerts exist in Prometheus"
            }
            RuleId::AlertsFiring => "none of the release's alerts is firing at the evaluation time",
            RuleId::DeployTime => "deploy_at has not passed by more than the policy's grace",
            RuleId::ReleaseCommit => "the manifest names the revision being deployed",
            RuleId::TwoPerson => "enough approvals from people other than the deployer count",
            RuleId::Checklist => {
                "every required checklist item that applies passes, for this manifest"
            }
            RuleId::OverrideInvalid => {
                "every override has a reason, an approver, and has not expired"
            }
            RuleId::UnknownAnswer => "the answers file answers only items the template has",
            RuleId::ListFreeze => "the change list froze early enough before the deploy",
            RuleId::RiskUnderdeclared => "no change scores above its declared severity",
            RuleId::FreezeCalendar => "each freeze calendar still has events after the deploy",
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = toml::Value::deserialize(d)?;
        v.as_str().and_then(RuleId::parse).ok_or_else(|| {
            D::Error::custom(format!(
                "unknown rule {}, expected one of {}",
                crate::model::values::describe(&v),
                RuleId::ALL.map(RuleId::as_str).join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule table of the contract, as written there (id, level, overridable).
    const SPEC_TABLE: [(&str, bool); 16] = [
        ("critical-evidence", false),
        ("evidence-failed", false),
        ("rollback-plan", true),
        ("freeze-window", true),
        ("on-call", true),
        ("monitoring", true),
        ("alerts-firing", true),
        ("deploy-time", false),
        ("release-commit", false),
        ("two-person", false),
        ("checklist", true),
        ("override-invalid", false),
        ("unknown-answer", true),
        ("list-freeze", true),
        ("risk-underdeclared", true),
        ("freeze-calendar", true),
    ];

    #[test]
    fn the_rule_ids_are_spec_s_table_in_order_and_unique() {
        let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        let spec: Vec<&str> = SPEC_TABLE.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, spec);
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn exactly_the_rules_spec_names_cannot_be_overridden_or_lowered() {
        for (id, overridable) in SPEC_TABLE {
            let r = RuleId::parse(id).unwrap();
            assert_eq!(r.overridable(), overridable, "{id}");
            assert_eq!(r.lowerable(), overridable, "{id}");
        }
    }

    #[test]
    fn ids_serialise_and_parse_as_kebab_case() {
        for r in RuleId::ALL {
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
            assert_eq!(RuleId::parse(&format!(" {r} ")), Some(r));
            assert!(!r.description().is_empty());
        }
        assert_eq!(RuleId::parse("friday"), None);
    }
}
