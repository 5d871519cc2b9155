//! `release-commit`: when the deploy names the revision it ships (`--commit`,
//! `RELCHECK_COMMIT`, e.g. `$GITHUB_SHA`), the manifest must be about that revision. A
//! manifest reviewed for one build and used to deploy another judges the wrong thing. It cannot
//! be overridden.

use super::{Ctx, Finding, RuleId};
use crate::model::values::commits_match;

pub fn release_commit(ctx: &Ctx) -> Vec<Finding> {
    let Some(deployed) = ctx.deployed_commit else {
        return vec![];
    };
    let message = match ctx.manifest.release.commit.as_deref().map(str::trim) {
        None | Some("") => format!(
            "the deploy ships revision {deployed}, but [release].commit is not set: nothing says the manifest was written for it"
        ),
        Some(c) if commits_match(c, deployed) => return vec![],
        Some(c) => format!(
            "the deploy ships revision {deployed}, but the manifest was written for {c}"
        ),
    };
    vec![Finding::block(
        RuleId::ReleaseCommit,
        "release",
        message,
        "Set [release].commit to the revision being deployed (e.g. `git rev-parse HEAD`) and review the manifest for it; release-commit cannot be overridden.",
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn with(commit_line: &str, deployed: Option<&str>) -> Vec<&'static str> {
        let mut f = Fixture::with(
            "approvers = [\"minho\"]",
            &format!("approvers = [\"minho\"]\n{commit_line}"),
        );
        f.deployed_commit = deployed.map(str::to_string);
        rules(&f.findings())
    }

    #[test]
    fn no_deployed_revision_means_nothing_to_check() {
        assert_eq!(with("", None), Vec::<&str>::new());
        assert_eq!(with("commit = \"9f3c2ab\"", None), Vec::<&str>::new());
    }

    #[test]
    fn the_manifest_must_name_the_deployed_revision() {
        assert_eq!(with("", Some("9f3c2ab")), ["release-commit"]);
        assert_eq!(with("commit = \"  \"", Some("9f3c2ab")), ["release-commit"]);
        assert_eq!(
            with("commit = \"1234567\"", Some("9f3c2ab")),
            ["release-commit"]
        );
    }

    #[test]
    fn a_prefix_of_seven_or_more_matches_ignoring_case() {
        assert_eq!(
            with("commit = \"9F3C2AB\"", Some("9f3c2ab4d1e0c0ffee")),
            Vec::<&str>::new()
        );
        assert_eq!(
            with("commit = \"9f3c2a\"", Some("9f3c2ab4d1")),
            ["release-commit"]
        );
    }
}
