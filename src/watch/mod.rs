//! The post-deploy watch: the plan (window, steps, checks), each step judged as a pure
//! function of the values Prometheus returned ([`step::judge`]), and the run that asks
//! Prometheus and stops at the first breach. The screen and the clock are the binary's: it
//! hands them in as a [`Host`].

pub mod record;
pub mod step;

use crate::inputs::Inputs;
use crate::model::checks;
use crate::prometheus::{at_ms, Prometheus};
use chrono::{DateTime, FixedOffset};
use std::collections::HashMap;
use std::time::Duration;
use step::{Bound, StepVerdict};

/// One thing the watch verifies at every step.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: String,
    pub query: String,
    pub max: Option<f64>,
    pub min: Option<f64>,
    /// The change it guards.
    pub change: Option<String>,
    /// For the implicit check of an alert: its name. Such a check counts the firing series
    /// (so no series is health, not missing data) and breaches above zero.
    pub alert: Option<String>,
}

impl Check {
    /// The implicit `alert <name>` check.
    pub fn for_alert(name: &str) -> Check {
        let name = name.trim();
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        Check {
            name: checks::alert_check_name(name),
            query: format!("ALERTS{{alertname=\"{escaped}\", alertstate=\"firing\"}}"),
            max: Some(0.0),
            min: None,
            change: None,
            alert: Some(name.to_string()),
        }
    }

    /// The values a step is judged on: the series' values, or for an alert the number of
    /// firing series.
    pub fn values(&self, series_values: Vec<f64>) -> Vec<f64> {
        match self.alert {
            Some(_) => vec![series_values.len() as f64],
            None => series_values,
        }
    }

    /// The bounds as the screen shows them: `<= 0.01`, `>= 100`, `0..=1`.
    pub fn bound_text(&self) -> String {
        use step::number;
        if self.alert.is_some() {
            return "not firing".into();
        }
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{}..={}", number(lo), number(hi)),
            (None, Some(hi)) => format!("<= {}", number(hi)),
            (Some(lo), None) => format!(">= {}", number(lo)),
            (None, None) => "-".into(),
        }
    }
}

impl From<checks::Check> for Check {
    fn from(c: checks::Check) -> Check {
        Check {
            name: c.name,
            query: c.query,
            max: c.max,
            min: c.min,
            change: c.change,
            alert: None,
        }
    }
}

/// The release's checks, in this order: the manifest's, the template's, one per alert.
pub fn release_checks(inputs: &Inputs) -> Vec<Check> {
    let m = &inputs.manifest;
    let mut out: Vec<Check> = m.checks().into_iter().map(Into::into).collect();
    out.extend(
        inputs
            .template
            .policy
            .checks
            .iter()
            .cloned()
            .map(Into::into),
    );
    if let Some(mon) = &m.monitoring {
        out.extend(
            mon.alerts
                .iter()
                .filter(|a| !a.trim().is_empty())
                .map(|a| Check::for_alert(a)),
        );
    }
    out
}

/// The window and what is verified in it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
    pub interval: Duration,
    pub checks: Vec<Check>,
}

impl Plan {
    /// The steps: the window's start and every interval after it, up to and including its
    /// end; in ms since the epoch.
    pub fn steps(&self) -> Vec<i64> {
        let (from, to) = (self.from.timestamp_millis(), self.to.timestamp_millis());
        let every = (self.interval.as_millis() as i64).max(1);
        (0..)
            .map(|i| from + i * every)
            .take_while(|t| *t <= to)
            .collect()
    }
}

/// A check's status in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Breach,
    NoData,
    Unknown,
}

/// How the watch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Healthy,
    Breach,
    Unknown,
    Interrupted,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Healthy => "HEALTHY",
            Outcome::Breach => "BREACH",
            Outcome::Unknown => "UNKNOWN",
            Outcome::Interrupted => "INTERRUPTED",
        }
    }
}

/// What one check has shown so far.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckState {
    pub status: Status,
    /// The last step's value (its worst series), if it had one.
    pub last: Option<f64>,
    /// The largest value seen for a check with `max`, else the smallest.
    pub worst: Option<f64>,
    pub breach_at: Option<i64>,
    /// The breaching value and bound; `None` with a breach is no data.
    pub breach: Option<(f64, Bound)>,
    pub steps: u64,
}

/// The watch so far: what the screen draws and the record keeps.
#[derive(Debug, Clone)]
pub struct Watch {
    pub plan: Plan,
    pub steps: Vec<i64>,
    pub checks: Vec<CheckState>,
    /// How many steps were judged.
    pub done: usize,
    pub outcome: Option<Outcome>,
    /// The last error Prometheus gave, while it lasts.
    pub error: Option<String>,
}

impl Watch {
    pub fn new(plan: Plan) -> Watch {
        let checks = plan
            .checks
            .iter()
            .map(|_| CheckState {
                status: Status::Ok,
                last: None,
                worst: None,
                breach_at: None,
                breach: None,
                steps: 0,
            })
            .collect();
        Watch {
            steps: plan.steps(),
            plan,
            checks,
            done: 0,
            outcome: None,
            error: None,
        }
    }

    /// Judges one step from each check's values (in the plan's order); a breach ends the
    /// watch. Returns whether it breached.
    pub fn apply(&mut self, at: i64, values: Vec<Vec<f64>>) -> bool {
        let mut breached = false;
        for ((check, state), vals) in self.plan.checks.iter().zip(&mut self.checks).zip(values) {
            let vals = check.values(vals);
            state.steps += 1;
            let verdict = step::judge(check, &vals);
            let seen = match verdict {
                StepVerdict::Ok { value } => Some(value),
                StepVerdict::Breach { value, .. } => Some(value),
                StepVerdict::NoData => None,
            };
            state.last = seen;
            if let Some(v) = seen.filter(|v| !v.is_nan()) {
                let worse = |w: f64| {
                    if check.max.is_some() {
                        v > w
                    } else {
                        v < w
                    }
                };
                if state.worst.is_none_or(worse) {
                    state.worst = Some(v);
                }
            }
            match verdict {
                StepVerdict::Ok { .. } => {}
                StepVerdict::Breach { value, bound } => {
                    state.status = Status::Breach;
                    state.breach_at = Some(at);
                    state.breach = Some((value, bound));
                    breached = true;
                }
                StepVerdict::NoData => {
                    state.status = Status::NoData;
                    state.breach_at = Some(at);
                    breached = true;
                }
            }
        }
        self.done += 1;
        self.error = None;
        if breached {
            self.outcome = Some(Outcome::Breach);
        }
        breached
    }

    /// The first breaching check (in the plan's order) and its state.
    pub fn breach(&self) -> Option<(&Check, &CheckState)> {
        self.plan
            .checks
            .iter()
            .zip(&self.checks)
            .find(|(_, s)| matches!(s.status, Status::Breach | Status::NoData))
    }

    fn end(&mut self, outcome: Outcome) {
        if outcome == Outcome::Unknown {
            for s in &mut self.checks {
                if s.status == Status::Ok {
                    s.status = Status::Unknown;
                }
            }
        }
        self.outcome = Some(outcome);
    }
}

/// Where the values come from: Prometheus, or a fake in tests.
pub trait Source {
    /// Each series' points from `start` to `end` (ms) every `step`.
    fn range(
        &mut self,
        check: &Check,
        start: i64,
        end: i64,
        step: Duration,
    ) -> Result<Vec<Vec<(i64, f64)>>, String>;
    /// Each series' value at `at` (ms).
    fn instant(&mut self, check: &Check, at: i64) -> Result<Vec<f64>, String>;
}

impl Source for Prometheus {
    fn range(
        &mut self,
        check: &Check,
        start: i64,
        end: i64,
        step: Duration,
    ) -> Result<Vec<Vec<(i64, f64)>>, String> {
        self.query_range(&check.query, start, end, step)
            .map(|series| series.into_iter().map(|(_, points)| points).collect())
            .map_err(|e| e.to_string())
    }

    fn instant(&mut self, check: &Check, at: i64) -> Result<Vec<f64>, String> {
        self.query(&check.query, at_ms(at))
            .map(|a| a.values())
            .map_err(|e| e.to_string())
    }
}

/// The clock and the screen, supplied by the binary.
pub trait Host {
    /// The time now, in ms since the epoch.
    fn now(&mut self) -> i64;
    /// Waits until `until` (ms), redrawing what it likes; `false` when interrupted.
    fn wait_until(&mut self, until: i64, watch: &Watch) -> bool;
    /// A step was judged (or the watch ended).
    fn stepped(&mut self, watch: &Watch);
    /// Whether the user asked to stop.
    fn interrupted(&mut self) -> bool;
}

enum Stop {
    Unknown,
    Interrupted,
}

/// Asks until it answers; Prometheus failing for longer than one interval is unknown.
fn ask<T>(
    watch: &mut Watch,
    host: &mut dyn Host,
    mut f: impl FnMut() -> Result<T, String>,
) -> Result<T, Stop> {
    let interval = watch.plan.interval.as_millis() as i64;
    let retry = (interval / 4).clamp(250, 5_000);
    let mut since = None;
    loop {
        match f() {
            Ok(v) => return Ok(v),
            Err(e) => {
                watch.error = Some(e);
                host.stepped(watch);
                let now = host.now();
                let first = *since.get_or_insert(now);
                if now - first > interval {
                    return Err(Stop::Unknown);
                }
                if !host.wait_until(now + retry, watch) {
                    return Err(Stop::Interrupted);
                }
            }
        }
    }
}

/// Runs the watch: the steps before `host.now()` at once from history (range queries), the
/// rest live, each when its time comes; the first breach ends it.
pub fn run(plan: Plan, source: &mut dyn Source, host: &mut dyn Host) -> Watch {
    let mut watch = Watch::new(plan);
    let outcome = match drive(&mut watch, source, host) {
        Ok(()) if watch.outcome == Some(Outcome::Breach) => Outcome::Breach,
        Ok(()) => Outcome::Healthy,
        Err(Stop::Unknown) => Outcome::Unknown,
        Err(Stop::Interrupted) => Outcome::Interrupted,
    };
    watch.end(outcome);
    host.stepped(&watch);
    watch
}

fn drive(watch: &mut Watch, source: &mut dyn Source, host: &mut dyn Host) -> Result<(), Stop> {
    let now = host.now();
    let steps = watch.steps.clone();
    let past: Vec<i64> = steps.iter().copied().filter(|t| *t < now).collect();
    if let (Some(&first), Some(&last)) = (past.first(), past.last()) {
        let interval = watch.plan.interval;
        let mut by_check: Vec<HashMap<i64, Vec<f64>>> = Vec::new();
        for check in watch.plan.checks.clone() {
            if host.interrupted() {
                return Err(Stop::Interrupted);
            }
            let series = ask(watch, host, || source.range(&check, first, last, interval))?;
            let mut at: HashMap<i64, Vec<f64>> = HashMap::new();
            for points in series {
                for (t, v) in points {
                    at.entry(t).or_default().push(v);
                }
            }
            by_check.push(at);
        }
        for t in past {
            let values = by_check
                .iter_mut()
                .map(|m| m.remove(&t).unwrap_or_default())
                .collect();
            let breached = watch.apply(t, values);
            host.stepped(watch);
            if breached {
                return Ok(());
            }
        }
    }
    for t in steps.into_iter().filter(|t| *t >= now) {
        if !host.wait_until(t, watch) {
            return Err(Stop::Interrupted);
        }
        let mut values = Vec::new();
        for check in watch.plan.checks.clone() {
            values.push(ask(watch, host, || source.instant(&check, t))?);
        }
        let breached = watch.apply(t, values);
        host.stepped(watch);
        if breached {
            return Ok(());
        }
    }
    Ok(())
}

/// The rollback plans a breach of `check` calls for: the guarded change's, or when it
/// guards none, every High and Critical change's. `(change id, plan)`; a missing plan is
/// `None`.
pub fn rollback_plans(inputs: &Inputs, check: &Check) -> Vec<(String, Option<String>)> {
    let m = &inputs.manifest;
    let plan = |c: &crate::model::manifest::Change| {
        (
            c.id.get_ref().clone(),
            c.rollback.clone().filter(|r| !r.trim().is_empty()),
        )
    };
    match &check.change {
        Some(id) => m
            .changes
            .iter()
            .filter(|c| c.id.get_ref() == id)
            .map(plan)
            .collect(),
        None => {
            let assessed = crate::risk::assess_all(&m.changes, &inputs.template.policy.bands);
            m.changes
                .iter()
                .zip(&assessed)
                .filter(|(_, a)| a.effective >= crate::model::values::Severity::High)
                .map(|(c, _)| plan(c))
                .collect()
        }
    }
}

/// A time in ms as the watch shows it: RFC 3339 in the window's offset.
pub fn shown_time(watch: &Watch, ms: i64) -> String {
    at_ms(ms)
        .with_timezone(watch.plan.from.offset())
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// What the watch concluded, in words: the outcome line, and on a breach what broke, when,
/// and the rollback plan to run. Text from the manifest is made safe for a terminal.
pub fn summary(watch: &Watch, inputs: &Inputs) -> String {
    use crate::report::escape::terminal as t;
    use step::number;
    let total = watch.steps.len();
    let outcome = watch.outcome.unwrap_or(Outcome::Unknown);
    let mut s = String::new();
    match outcome {
        Outcome::Healthy => {
            s += &format!(
                "HEALTHY: {} check{} held at all {total} step{} from {} to {}\n",
                watch.plan.checks.len(),
                if watch.plan.checks.len() == 1 {
                    ""
                } else {
                    "s"
                },
                if total == 1 { "" } else { "s" },
                shown_time(watch, watch.plan.from.timestamp_millis()),
                shown_time(watch, watch.plan.to.timestamp_millis()),
            );
        }
        Outcome::Breach => {
            let Some((check, state)) = watch.breach() else {
                return "BREACH\n".into();
            };
            let at = state
                .breach_at
                .map_or_else(String::new, |ms| shown_time(watch, ms));
            let name = t(&check.name);
            s += &match (state.status, state.breach) {
                (Status::NoData, _) => {
                    format!("BREACH: {name} returned no series at {at}: no data is not health\n")
                }
                (_, Some((v, bound))) if v.is_nan() => {
                    format!("BREACH: {name} was NaN at {at} ({bound})\n")
                }
                (_, Some((v, _))) if check.alert.is_some() => format!(
                    "BREACH: alert {} was firing at {at} ({} series)\n",
                    t(check.alert.as_deref().unwrap_or_default()),
                    number(v)
                ),
                (_, Some((v, Bound::Max(m)))) => format!(
                    "BREACH: {name} was {} at {at}, above max {}\n",
                    number(v),
                    number(m)
                ),
                (_, Some((v, Bound::Min(m)))) => format!(
                    "BREACH: {name} was {} at {at}, below min {}\n",
                    number(v),
                    number(m)
                ),
                _ => format!("BREACH: {name} at {at}\n"),
            };
            s += &format!("  query: {}\n", t(&check.query));
            let others: Vec<String> = watch
                .plan
                .checks
                .iter()
                .zip(&watch.checks)
                .filter(|(c, st)| {
                    c.name != check.name && matches!(st.status, Status::Breach | Status::NoData)
                })
                .map(|(c, _)| t(&c.name))
                .collect();
            if !others.is_empty() {
                s += &format!("  also breached at that step: {}\n", others.join(", "));
            }
            let plans = rollback_plans(inputs, check);
            match (&check.change, plans.is_empty()) {
                (_, true) => s += "Roll back: no High or Critical change in this release names a rollback plan; decide with the on-call.\n",
                (Some(_), false) => s += "Roll back the change this check guards:\n",
                (None, false) => s += "Roll back (the check guards no change: every High and Critical change's plan):\n",
            }
            for (id, plan) in plans {
                s += &format!(
                    "  {id}: {}\n",
                    plan.as_deref().map_or("no rollback plan written".into(), t)
                );
            }
        }
        Outcome::Unknown => {
            s += &format!(
                "UNKNOWN: Prometheus could not answer for longer than one interval ({}); the watch cannot vouch for health after {} of {total} steps\n",
                humantime::format_duration(watch.plan.interval),
                watch.done
            );
            if let Some(e) = &watch.error {
                s += &format!("  {}\n", t(e));
            }
        }
        Outcome::Interrupted => {
            s += &format!(
                "INTERRUPTED after {} of {total} steps; no breach seen so far\n",
                watch.done
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn plan(checks: Vec<Check>) -> Plan {
        Plan {
            from: t("2026-11-25T14:00:00+09:00"),
            to: t("2026-11-25T14:02:00+09:00"),
            interval: Duration::from_secs(30),
            checks,
        }
    }

    fn ratio() -> Check {
        Check {
            name: "5xx".into(),
            query: "q".into(),
            max: Some(0.01),
            min: None,
            change: Some("api".into()),
            alert: None,
        }
    }

    /// Values by step index, the same at every step after the list ends.
    struct Fake {
        values: Vec<Vec<f64>>,
        from: i64,
        every: i64,
        fail: bool,
    }

    impl Fake {
        fn at(&self, t: i64) -> Vec<f64> {
            let i = ((t - self.from) / self.every) as usize;
            self.values[i.min(self.values.len() - 1)].clone()
        }
    }

    impl Source for Fake {
        fn range(
            &mut self,
            _: &Check,
            start: i64,
            end: i64,
            step: Duration,
        ) -> Result<Vec<Vec<(i64, f64)>>, String> {
            if self.fail {
                return Err("connection refused".into());
            }
            let mut series: Vec<Vec<(i64, f64)>> = Vec::new();
            let mut t = start;
            while t <= end {
                for (i, v) in self.at(t).into_iter().enumerate() {
                    if series.len() <= i {
                        series.push(vec![]);
                    }
                    series[i].push((t, v));
                }
                t += step.as_millis() as i64;
            }
            Ok(series)
        }

        fn instant(&mut self, _: &Check, at: i64) -> Result<Vec<f64>, String> {
            if self.fail {
                return Err("connection refused".into());
            }
            Ok(self.at(at))
        }
    }

    /// A clock that jumps to whatever it is asked to wait for.
    struct Clock {
        now: i64,
        interrupt_at: Option<i64>,
    }

    impl Host for Clock {
        fn now(&mut self) -> i64 {
            self.now
        }
        fn wait_until(&mut self, until: i64, _: &Watch) -> bool {
            if self.interrupt_at.is_some_and(|i| until >= i) {
                return false;
            }
            self.now = self.now.max(until);
            true
        }
        fn stepped(&mut self, _: &Watch) {}
        fn interrupted(&mut self) -> bool {
            false
        }
    }

    fn fake(values: Vec<Vec<f64>>) -> Fake {
        Fake {
            values,
            from: t("2026-11-25T14:00:00+09:00").timestamp_millis(),
            every: 30_000,
            fail: false,
        }
    }

    #[test]
    fn steps_run_from_the_start_every_interval_up_to_and_including_the_end() {
        let p = plan(vec![]);
        let from = p.from.timestamp_millis();
        assert_eq!(
            p.steps(),
            (0..5).map(|i| from + i * 30_000).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_window_in_the_past_is_judged_from_history_and_the_first_breach_ends_it() {
        let mut src = fake(vec![vec![0.001], vec![0.01], vec![0.02], vec![0.5]]);
        let mut clock = Clock {
            now: t("2026-11-26T00:00:00+09:00").timestamp_millis(),
            interrupt_at: None,
        };
        let w = run(plan(vec![ratio()]), &mut src, &mut clock);
        assert_eq!(w.outcome, Some(Outcome::Breach));
        let s = &w.checks[0];
        assert_eq!(s.status, Status::Breach);
        assert_eq!(s.steps, 3);
        assert_eq!(s.breach_at, Some(src.from + 60_000));
        assert_eq!(s.breach, Some((0.02, Bound::Max(0.01))));
        assert_eq!(s.worst, Some(0.02));
    }

    #[test]
    fn live_steps_are_waited_for_and_a_healthy_window_passes() {
        let mut src = fake(vec![vec![0.001, 0.004]]);
        let start = t("2026-11-25T14:01:00+09:00").timestamp_millis();
        let mut clock = Clock {
            now: start,
            interrupt_at: None,
        };
        let w = run(plan(vec![ratio()]), &mut src, &mut clock);
        assert_eq!(w.outcome, Some(Outcome::Healthy));
        assert_eq!(w.checks[0].steps, 5);
        assert_eq!(w.checks[0].worst, Some(0.004));
        assert_eq!(clock.now, start + 60_000);
    }

    #[test]
    fn an_alert_check_counts_firing_series_and_no_series_is_health() {
        let alert = Check::for_alert("api-5xx-rate");
        assert_eq!(
            alert.query,
            "ALERTS{alertname=\"api-5xx-rate\", alertstate=\"firing\"}"
        );
        let mut src = fake(vec![vec![], vec![], vec![1.0]]);
        let mut clock = Clock {
            now: t("2026-11-26T00:00:00+09:00").timestamp_millis(),
            interrupt_at: None,
        };
        let w = run(plan(vec![alert]), &mut src, &mut clock);
        assert_eq!(w.outcome, Some(Outcome::Breach));
        assert_eq!(w.checks[0].breach_at, Some(src.from + 60_000));
        assert_eq!(w.checks[0].breach, Some((1.0, Bound::Max(0.0))));
    }

    #[test]
    fn no_data_breaches_with_its_own_status() {
        let mut src = fake(vec![vec![0.0], vec![]]);
        let mut clock = Clock {
            now: t("2026-11-26T00:00:00+09:00").timestamp_millis(),
            interrupt_at: None,
        };
        let w = run(plan(vec![ratio()]), &mut src, &mut clock);
        assert_eq!(w.outcome, Some(Outcome::Breach));
        assert_eq!(w.checks[0].status, Status::NoData);
        assert_eq!(w.checks[0].worst, Some(0.0));
    }

    #[test]
    fn prometheus_failing_for_longer_than_an_interval_is_unknown() {
        let mut src = fake(vec![vec![0.0]]);
        src.fail = true;
        let mut clock = Clock {
            now: t("2026-11-25T14:00:00+09:00").timestamp_millis(),
            interrupt_at: None,
        };
        let start = clock.now;
        let w = run(plan(vec![ratio()]), &mut src, &mut clock);
        assert_eq!(w.outcome, Some(Outcome::Unknown));
        assert_eq!(w.checks[0].status, Status::Unknown);
        assert_eq!(w.error.as_deref(), Some("connection refused"));
        assert!(clock.now - start > 30_000);
    }

    fn inputs(manifest: &str) -> Inputs {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("release.toml");
        std::fs::write(&path, manifest).unwrap();
        crate::inputs::load(&crate::inputs::Locations {
            manifest: Some(path),
            ..Default::default()
        })
        .unwrap()
    }

    const RELEASE: &str = r#"
[release]
name = "r"
deployer = "jiyoon"

[[changes]]
id = "api"
title = "API"
severity = "critical"
impact = 9
likelihood = 6
recovery = "2h"
rollback = "set the timeout back"

[[changes]]
id = "ui"
title = "UI"
severity = "low"
impact = 1
likelihood = 1
recovery = "1h"
rollback = "revert the UI"

[[changes]]
id = "pay"
title = "payments"
severity = "medium"
impact = 10
likelihood = 3
recovery = "4h"
"#;

    #[test]
    fn a_breach_names_the_check_value_bound_time_and_the_guarded_changes_rollback() {
        let inputs = inputs(RELEASE);
        let mut c = ratio();
        c.change = Some("ui".into());
        let mut src = fake(vec![vec![0.001], vec![0.5]]);
        let mut clock = Clock {
            now: t("2026-11-26T00:00:00+09:00").timestamp_millis(),
            interrupt_at: None,
        };
        let w = run(plan(vec![c]), &mut src, &mut clock);
        assert_eq!(
            summary(&w, &inputs),
            "BREACH: 5xx was 0.5 at 2026-11-25T14:00:30+09:00, above max 0.01\n  query: q\nRoll back the change this check guards:\n  ui: revert the UI\n"
        );
    }

    #[test]
    fn a_check_guarding_nothing_calls_for_every_high_and_critical_rollback() {
        let inputs = inputs(RELEASE);
        let c = Check::for_alert("api-5xx-rate");
        // `pay` is declared medium but scores 30: high, and it has no plan.
        assert_eq!(
            rollback_plans(&inputs, &c),
            vec![
                ("api".to_string(), Some("set the timeout back".to_string())),
                ("pay".to_string(), None)
            ]
        );
    }

    #[test]
    fn an_interrupt_keeps_what_was_seen() {
        let mut src = fake(vec![vec![0.003]]);
        let from = t("2026-11-25T14:00:00+09:00").timestamp_millis();
        let mut clock = Clock {
            now: from + 45_000,
            interrupt_at: Some(from + 90_000),
        };
        let w = run(plan(vec![ratio()]), &mut src, &mut clock);
        assert_eq!(w.outcome, Some(Outcome::Interrupted));
        assert_eq!(w.checks[0].steps, 3);
        assert_eq!(w.checks[0].status, Status::Ok);
    }
}
