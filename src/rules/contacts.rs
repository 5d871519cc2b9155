//! `on-call` and `monitoring`: someone besides the deployer can be reached through the deploy
//! and the weekend after it, and someone is watching dashboards for long enough.

use super::{Ctx, Finding, RuleId};
use crate::model::values::{is_blank, name_key, same_name};
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

pub fn monitoring(ctx: &Ctx) -> Vec<Finding> {
    let m = ctx.manifest.monitoring.clone().unwrap_or_default();
    let min = ctx.template.policy.min_watch_minutes;
    let watch = m.watch_minutes.unwrap_or(0);
    let mut problems = Vec::new();
    if !m.dashboards.iter().any(|d| !is_blank(d)) {
        problems.push("no dashboard listed".to_string());
    }
    if watch < min {
        problems.push(format!("watch_minutes is {watch}, the policy needs {min}"));
    }
    if problems.is_empty() {
        return vec![];
    }
    vec![Finding::block(
        RuleId::Monitoring,
        "release",
        problems.join("; "),
        format!("Add the dashboards to [monitoring].dashboards and have someone watch them for at least {min} minutes after the deploy."),
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

    #[test]
    fn monitoring_needs_a_dashboard_and_the_watch_period() {
        let none = Fixture::with(
            "dashboards = [\"https://grafana.example/d/api\"]",
            "dashboards = []",
        );
        assert_eq!(rules(&none.findings()), ["monitoring"]);
        let short = Fixture::with("watch_minutes = 30", "watch_minutes = 29");
        assert_eq!(rules(&short.findings()), ["monitoring"]);
        let missing = Fixture::with("watch_minutes = 30", "");
        assert_eq!(rules(&missing.findings()), ["monitoring"]);
    }
}
