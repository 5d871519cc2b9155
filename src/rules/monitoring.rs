//! `monitoring` and `alerts-firing`: someone watches dashboards for long enough, and, when the
//! manifest names a Prometheus, the alerts it promises exist there and none fires now.
//!
//! Rules stay pure: what Prometheus said is asked before they run (see
//! [`crate::prometheus::Prometheus::probe`]) and handed in as a [`MonitoringProbe`].

use super::{Ctx, Finding, RuleId};
use crate::model::values::is_blank;

/// What the named Prometheus said, gathered before the rules run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum MonitoringProbe {
    /// No Prometheus is named: nothing to verify.
    #[default]
    NotNamed,
    /// It could not be reached or answered with an error.
    Failed {
        /// The URL without password.
        url: String,
        error: String,
    },
    Answered {
        /// The URL without password.
        url: String,
        /// The names of its alerting rules.
        alerting_rules: Vec<String>,
        /// The alerts of `[monitoring].alerts` firing at the evaluation time.
        firing: Vec<String>,
    },
}

pub fn monitoring(ctx: &Ctx) -> Vec<Finding> {
    let m = ctx.manifest.monitoring.clone().unwrap_or_default();
    let min = ctx.template.policy.min_watch_minutes;
    let watch = m.watch_minutes.unwrap_or(0);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    if !m.dashboards.iter().any(|d| !is_blank(d)) {
        problems.push("no dashboard listed".to_string());
    }
    if watch < min {
        problems.push(format!("watch_minutes is {watch}, the policy needs {min}"));
    }
    if !problems.is_empty() {
        out.push(Finding::block(
            RuleId::Monitoring,
            "release",
            problems.join("; "),
            format!("Add the dashboards to [monitoring].dashboards and have someone watch them for at least {min} minutes after the deploy."),
        ));
    }
    match ctx.monitoring {
        MonitoringProbe::NotNamed => {}
        MonitoringProbe::Failed { url, error } => out.push(Finding::block(
            RuleId::Monitoring,
            "release",
            format!("Prometheus at {url} cannot be asked: {error}"),
            "Check the URL (--prometheus, RELCHECK_PROMETHEUS_URL or [monitoring].prometheus) and that Prometheus is up; the alerts cannot be verified without it.",
        )),
        MonitoringProbe::Answered {
            url,
            alerting_rules,
            ..
        } => {
            let missing: Vec<String> = m
                .alerts
                .iter()
                .map(|a| a.trim())
                .filter(|a| !alerting_rules.iter().any(|r| r == a))
                .map(|a| format!("\"{a}\""))
                .collect();
            if !missing.is_empty() {
                out.push(Finding::block(
                    RuleId::Monitoring,
                    "release",
                    format!(
                        "Prometheus at {url} has no alerting rule named {}: {} would page nobody",
                        missing.join(", "),
                        if missing.len() == 1 { "that alert" } else { "those alerts" }
                    ),
                    "Define the alerting rule in Prometheus (and route it to the on-call), or correct the name in [monitoring].alerts.",
                ));
            }
        }
    }
    out
}

pub fn alerts_firing(ctx: &Ctx) -> Vec<Finding> {
    let MonitoringProbe::Answered { url, firing, .. } = ctx.monitoring else {
        return vec![];
    };
    if firing.is_empty() {
        return vec![];
    }
    let names: Vec<String> = firing.iter().map(|a| format!("\"{}\"", a.trim())).collect();
    vec![Finding::block(
        RuleId::AlertsFiring,
        "release",
        format!(
            "alert {} {} firing in Prometheus at {url} at {}",
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
            ctx.now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        ),
        "Do not deploy into an incident: deal with the alert first, then judge the release again.",
    )]
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::MonitoringProbe;

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

    fn with_alerts(probe: MonitoringProbe) -> Fixture {
        let mut f = Fixture::with(
            "watch_minutes = 30",
            "watch_minutes = 30\nalerts = [\"api-5xx-rate\", \"queue-lag\"]",
        );
        f.probe = probe;
        f
    }

    #[test]
    fn an_unreachable_prometheus_blocks_naming_the_url_and_the_error() {
        let f = with_alerts(MonitoringProbe::Failed {
            url: "http://ops@prom:9090".into(),
            error: "connection refused".into(),
        });
        let found = f.findings();
        assert_eq!(rules(&found), ["monitoring"]);
        assert_eq!(
            found[0].message,
            "Prometheus at http://ops@prom:9090 cannot be asked: connection refused"
        );
    }

    #[test]
    fn an_alert_without_an_alerting_rule_blocks() {
        let f = with_alerts(MonitoringProbe::Answered {
            url: "http://prom:9090".into(),
            alerting_rules: vec!["api-5xx-rate".into(), "disk-full".into()],
            firing: vec![],
        });
        let found = f.findings();
        assert_eq!(rules(&found), ["monitoring"]);
        assert_eq!(
            found[0].message,
            "Prometheus at http://prom:9090 has no alerting rule named \"queue-lag\": that alert would page nobody"
        );
        let all = with_alerts(MonitoringProbe::Answered {
            url: "http://prom:9090".into(),
            alerting_rules: vec!["queue-lag".into(), "api-5xx-rate".into()],
            firing: vec![],
        });
        assert_eq!(all.findings(), vec![]);
    }

    #[test]
    fn a_firing_alert_blocks_as_alerts_firing() {
        let f = with_alerts(MonitoringProbe::Answered {
            url: "http://prom:9090".into(),
            alerting_rules: vec!["api-5xx-rate".into(), "queue-lag".into()],
            firing: vec!["queue-lag".into()],
        });
        let found = f.findings();
        assert_eq!(rules(&found), ["alerts-firing"]);
        assert_eq!(
            found[0].message,
            "alert \"queue-lag\" is firing in Prometheus at http://prom:9090 at 2026-11-25T10:00:00+09:00"
        );
    }
}
