//! `override-invalid`: an override is a named person accepting a specific rule's risk. It
//! only counts with a reason, an approver other than the deployer, before it expires, and
//! for a rule that may be overridden at all.

use super::{Ctx, Finding, RuleId};
use crate::model::manifest::Override;
use crate::model::values::{is_blank, name_key, same_name};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeSet;

/// Why an override is invalid; empty when it is valid.
///
/// `signed` is the set of people (as [`name_key`] gives them) whose approval counts, when the
/// policy counts only signed approvals: then the approver of an override must be one of them,
/// so nobody can type a name in.
pub fn check(
    o: &Override,
    deployer: &str,
    now: DateTime<FixedOffset>,
    signed: Option<&BTreeSet<String>>,
) -> Vec<String> {
    let mut out = Vec::new();
    let rule = o.rule.get_ref();
    if !rule.overridable() {
        out.push(format!("{rule} cannot be overridden"));
    }
    if o.reason.as_deref().is_none_or(is_blank) {
        out.push("it gives no reason".into());
    }
    match o.approved_by.as_deref().map(str::trim) {
        None => out.push("nobody approved it".into()),
        Some(a) if is_blank(a) => out.push("nobody approved it".into()),
        Some(a) if same_name(a, deployer) => {
            out.push(format!("it is approved by the deployer {a}"))
        }
        Some(a) => {
            if signed.is_some_and(|s| !s.contains(&name_key(a))) {
                out.push(format!(
                    "{a} has no signed approval of this manifest, and the policy counts only signed approvals (allowed_signers)"
                ));
            }
        }
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
    let signed = ctx
        .signed_approvals_only
        .then(|| crate::approvals::counting(ctx.approvals));
    ctx.manifest
        .overrides
        .iter()
        .filter_map(|o| {
            let problems = check(o, deployer, ctx.now, signed.as_ref());
            (!problems.is_empty()).then(|| {
                Finding::block(
        RuleId::OverrideInvalid,
                    o.rule.get_ref().as_str(),
                    format!("the override of {} is invalid: {}", o.rule.get_ref(), problems.join("; ")),
                    match o.rule.get_ref() {
                        RuleId::TwoPerson => "two-person cannot be overridden: remove the override and add an approver other than the deployer to [release].approvers (each runs relcheck approve).".to_string(),
                        rule if !rule.overridable() => format!("{rule} cannot be overridden: remove the override and fix what the {rule} finding says."),
                        _ => "Give a reason and an approver other than the deployer with an expiry in the future, or remove the override.".to_string(),
                    },
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
    fn under_allowed_signers_an_override_needs_a_counting_approval_of_its_approver() {
        use crate::approvals::{Source, Status};
        let mut f = Fixture::new(
            &format!("{MANIFEST}\n[[overrides]]\nrule = \"freeze-window\"\nreason = \"customer\"\napproved_by = \"CTO\"\n"),
            TEMPLATE,
            "[answers.ready]\nvalue = true\n",
        );
        f.signed_approvals_only = true;
        let cto = |counts| Status {
            by: "cto".into(),
            at: None,
            source: Source::File,
            counts,
            signed: counts,
            reason: None,
        };
        f.approvals = vec![cto(false)];
        let found = f.findings();
        // The typed approver "minho" does not count under allowed_signers either.
        assert_eq!(rules(&found), ["two-person", "override-invalid"]);
        assert!(
            found[1]
                .message
                .contains("CTO has no signed approval of this manifest"),
            "{}",
            found[1].message
        );
        f.approvals = vec![cto(true)];
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
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
            "rule = \"deploy-time\"\nreason = \"x\"\napproved_by = \"cto\"",
            "rule = \"release-commit\"\nreason = \"x\"\napproved_by = \"cto\"",
            "rule = \"freeze-window\"\nreason = \"\\u200b\"\napproved_by = \"cto\"",
            "rule = \"freeze-window\"\nreason = \"x\"\napproved_by = \"jiyoon\\u2060\"",
        ] {
            let f = with_override(body);
            assert_eq!(rules(&f), ["override-invalid"], "{body}");
            assert!(!f[0].subject.is_empty() && f[0].subject != "release");
        }
    }
}
