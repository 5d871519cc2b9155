//! `two-person`: a release of a severity the policy guards (`min_approvers`: High and Critical
//! by default) needs that many approvals that count, from people other than the deployer.
//! Which approvals count, and why the others do not, is [`crate::approvals`]' business; this
//! rule counts them and says why each one that does not count fell short. It cannot be
//! overridden: add an approver instead.

use super::{Ctx, Finding, RuleId};

pub fn two_person(ctx: &Ctx) -> Vec<Finding> {
    let need = ctx.template.policy.min_approvers.for_severity(ctx.severity);
    let counted = crate::approvals::counting(ctx.approvals).len() as u64;
    if counted >= need {
        return vec![];
    }
    let not_counted: Vec<String> = ctx
        .approvals
        .iter()
        .filter(|a| !a.counts)
        .map(|a| {
            format!(
                "{}: {}",
                a.by,
                a.reason.as_deref().unwrap_or("does not count")
            )
        })
        .collect();
    let mut message = format!(
        "the release is {} and needs {need} approval(s) from someone other than the deployer; {counted} count",
        ctx.severity
    );
    if !not_counted.is_empty() {
        message.push_str(&format!(" (not counted: {})", not_counted.join("; ")));
    }
    let how = if ctx.signed_approvals_only {
        "Ask a reviewer other than the deployer to run `relcheck approve --key <their ssh key>` on this manifest (the policy counts only signed approvals)."
    } else {
        "Ask a reviewer other than the deployer to run `relcheck approve` on this manifest, or add them to approvers."
    };
    vec![Finding::block(
        RuleId::TwoPerson,
        "release",
        message,
        format!("{how} two-person cannot be overridden."),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::approvals::{Source, Status};

    fn status(by: &str, counts: bool, reason: Option<&str>) -> Status {
        Status {
            by: by.into(),
            at: None,
            source: Source::File,
            counts,
            signed: counts,
            reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn a_high_release_needs_an_approver_other_than_the_deployer() {
        assert_eq!(
            rules(
                &Fixture::with("approvers = [\"minho\"]", "approvers = [\" JIYOON\"]").findings()
            ),
            ["two-person"]
        );
        assert_eq!(
            rules(
                &Fixture::with("approvers = [\"minho\"]", "approvers = [\"jiyoon\\u200b\"]")
                    .findings()
            ),
            ["two-person"]
        );
        assert_eq!(
            rules(&Fixture::with("approvers = [\"minho\"]", "").findings()),
            ["two-person"]
        );
    }

    #[test]
    fn a_medium_release_needs_no_approver_by_default() {
        let low = MANIFEST
            .replace(
                "severity = \"high\"\nimpact = 5",
                "severity = \"medium\"\nimpact = 3",
            )
            .replace("approvers = [\"minho\"]", "");
        assert_eq!(
            rules(&Fixture::new(&low, TEMPLATE, "[answers.ready]\nvalue = true\n").findings()),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn min_approvers_sets_the_count_per_severity() {
        let two = TEMPLATE.replace(
            "timezone = \"Asia/Seoul\"",
            "timezone = \"Asia/Seoul\"\nmin_approvers = { high = 2 }",
        );
        let f = Fixture::new(MANIFEST, &two, "[answers.ready]\nvalue = true\n");
        let found = f.findings();
        assert_eq!(rules(&found), ["two-person"]);
        assert!(
            found[0].message.contains("needs 2 approval(s)")
                && found[0].message.contains("1 count"),
            "{}",
            found[0].message
        );
        let both = Fixture::new(
            &MANIFEST.replace(
                "approvers = [\"minho\"]",
                "approvers = [\"minho\", \"Minho\", \"hana\"]",
            ),
            &two,
            "[answers.ready]\nvalue = true\n",
        );
        assert_eq!(
            rules(&both.findings()),
            Vec::<&str>::new(),
            "minho twice is one person"
        );
        let none = TEMPLATE.replace(
            "timezone = \"Asia/Seoul\"",
            "timezone = \"Asia/Seoul\"\nmin_approvers = { high = 0 }",
        );
        let f = Fixture::new(
            &MANIFEST.replace("approvers = [\"minho\"]", ""),
            &none,
            "[answers.ready]\nvalue = true\n",
        );
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
        let low_one = MANIFEST
            .replace(
                "severity = \"high\"\nimpact = 5",
                "severity = \"low\"\nimpact = 2",
            )
            .replace("approvers = [\"minho\"]", "");
        let f = Fixture::new(
            &low_one,
            &TEMPLATE.replace(
                "timezone = \"Asia/Seoul\"",
                "timezone = \"Asia/Seoul\"\nmin_approvers = { low = 1 }",
            ),
            "[answers.ready]\nvalue = true\n",
        );
        assert_eq!(
            rules(&f.findings()),
            ["two-person"],
            "a team may guard Low releases too"
        );
    }

    #[test]
    fn the_finding_says_why_each_approval_did_not_count() {
        let mut f = Fixture::with("approvers = [\"minho\"]", "");
        f.signed_approvals_only = true;
        f.approvals = vec![
            status(
                "minho",
                false,
                Some("it approves an older version of the manifest"),
            ),
            status(
                "hana",
                false,
                Some("its signature does not count: unknown key"),
            ),
        ];
        let found = f.findings();
        assert_eq!(rules(&found), ["two-person"]);
        assert!(found[0]
            .message
            .contains("minho: it approves an older version of the manifest"));
        assert!(found[0]
            .message
            .contains("hana: its signature does not count: unknown key"));
        assert!(found[0].hint.contains("--key"));
        f.approvals.push(status("seojun", true, None));
        assert_eq!(rules(&f.findings()), Vec::<&str>::new());
    }
}
