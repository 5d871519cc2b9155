//! `override-invalid`: an override is a named person accepting a specific rule's risk. It
//! only counts with a reason, an approver other than the deployer, before it expires, and
//! for a rule that may be overridden at all.

use super::{Ctx, Finding};
use crate::model::manifest::Override;
use crate::model::values::same_name;
use chrono::{DateTime, FixedOffset};

/// Rules no override can turn off.
pub const NOT_OVERRIDABLE: [&str; 4] = [
    "critical-evidence",
    "evidence-failed",
    "two-person",
    "override-invalid",
];

/// Why an override is invalid; empty when it is valid.
pub fn check(o: &Override, deployer: &str, now: DateTime<FixedOffset>) -> Vec<String> {
    let mut out = Vec::new();
    let rule = o.rule.get_ref();
    if NOT_OVERRIDABLE.contains(&rule.as_str()) {
        out.push(format!("{rule} cannot be overridden"));
    }
    if o.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        out.push("it gives no reason".into());
    }
    match o.approved_by.as_deref().map(str::trim) {
        None | Some("") => out.push("nobody approved it".into()),
        Some(a) if same_name(a, deployer) => {
            out.push(format!("it is approved by the deployer {a}"))
        }
        Some(_) => {}
    }
    if let Some(exp) = o.expires_at {
        if now > exp.0 {
            out.push(format!("it expired at {exp}"));
        }
    }
    out
}

pub fn override_invalid(ctx: &Ctx) -> Vec<Finding> {
    let deployer = ctx.manifest.release.deployer.get_ref();
    ctx.manifest
        .overrides
        .iter()
        .filter_map(|o| {
            let problems = check(o, deployer, ctx.now);
            (!problems.is_empty()).then(|| {
                Finding::block(
                    "override-invalid",
                    o.rule.get_ref().as_str(),
                    format!("the override of {} is invalid: {}", o.rule.get_ref(), problems.join("; ")),
                    "Give a reason and an approver other than the deployer with an expiry in the future, or remove the override.",
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn with_override(body: &str) -> Vec<super::Finding> {
        Fixture::new(
            &format!("{MANIFEST}\n[[overrides]]\n{body}\n"),
            TEMPLATE,
            "[answers.ready]\nvalue = true\n",
        )
        .findings()
    }

    #[test]
    fn a_valid_override_is_quiet() {
        assert_eq!(with_override("rule = \"freeze-window\"\nreason = \"customer\"\napproved_by = \"cto\"\nexpires_at = \"2026-11-25T10:00:00+09:00\""), vec![]);
    }

    #[test]
    fn invalid_overrides_block_with_the_rule_as_subject() {
        for body in [
            "rule = \"freeze-window\"\nreason = \" \"\napproved_by = \"cto\"",
            "rule = \"freeze-window\"\nreason = \"x\"",
            "rule = \"freeze-window\"\nreason = \"x\"\napproved_by = \"JIYOON\"",
            "rule = \"freeze-window\"\nreason = \"x\"\napproved_by = \"cto\"\nexpires_at = \"2026-11-25T09:59:00+09:00\"",
            "rule = \"two-person\"\nreason = \"x\"\napproved_by = \"cto\"",
            "rule = \"override-invalid\"\nreason = \"x\"\napproved_by = \"cto\"",
        ] {
            let f = with_override(body);
            assert_eq!(rules(&f), ["override-invalid"], "{body}");
            assert!(!f[0].subject.is_empty() && f[0].subject != "release");
        }
    }
}
