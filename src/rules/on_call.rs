//! `on-call`: someone besides the deployer can be reached through the deploy and the weekend
//! after it.

use super::{Ctx, Finding, RuleId};
use crate::model::values::{name_key, same_name};
use std::collections::BTreeSet;

pub fn on_call(ctx: &Ctx) -> Vec<Finding> {
    let names: &[String] = ctx.manifest.contacts.as_ref().map_or(&[], |c| &c.on_call);
    let distinct: BTreeSet<String> = names
        .iter()
        .map(|n| name_key(n))
        .filter(|n| !n.is_empty())
        .collect();
    let deployer = ctx.manifest.release.deployer.get_ref();
    let min = ctx.template.policy.min_on_call;
    let mut problems = Vec::new();
    if (distinct.len() as u64) < min {
        problems.push(format!(
            "{} distinct on-call name(s), the policy needs {min}",
            distinct.len()
        ));
    }
    if !distinct.iter().any(|n| !same_name(n, deployer)) {
        problems.push("nobody on call but the deployer".to_string());
    }
    if problems.is_empty() {
        return vec![];
    }
    vec![Finding::block(
        RuleId::OnCall,
        "release",
        problems.join("; "),
        format!("List at least {min} people in [contacts].on_call, someone besides the deployer among them, and confirm they are reachable through the weekend."),
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn on_call_needs_enough_distinct_names_besides_the_deployer() {
        let one = Fixture::with("on_call = [\"minho\", \"hana\"]", "on_call = [\"minho\"]");
        assert_eq!(rules(&one.findings()), ["on-call"]);
        let dup = Fixture::with(
            "on_call = [\"minho\", \"hana\"]",
            "on_call = [\"minho\", \" MINHO\"]",
        );
        assert_eq!(rules(&dup.findings()), ["on-call"]);
        let only_deployer = Fixture::with(
            "on_call = [\"minho\", \"hana\"]",
            "on_call = [\"Jiyoon\", \"jiyoon \"]",
        );
        assert_eq!(rules(&only_deployer.findings()), ["on-call"]);
        let deployer_and_one = Fixture::with(
            "on_call = [\"minho\", \"hana\"]",
            "on_call = [\"Jiyoon\", \"minho\"]",
        );
        assert_eq!(rules(&deployer_and_one.findings()), Vec::<&str>::new());
    }
}
