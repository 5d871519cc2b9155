//! `relcheck watch` and the pre-deploy monitoring rules against a real Prometheus, with
//! history backfilled so every step's value is known. The window is ten minutes, a step a
//! minute (eleven steps); `--now` a day later judges it all from history.

mod common;

use common::prometheus::{every_15s, gauge, Exporter, Prometheus, Setup};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// Three days ago, on the hour: old enough to be history, recent enough for any retention.
fn base() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    (now - 3 * 86_400) / 3600 * 3600
}

fn rfc3339(secs: i64) -> String {
    let offset = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .with_timezone(&offset)
        .to_rfc3339()
}

/// A release folder whose deploy (the window's start) is `from`.
struct Release {
    dir: tempfile::TempDir,
    from: i64,
}

const CHANGES: &str = r#"
[[changes]]
id = "api-timeout"
title = "API timeout setting change"
severity = "critical"
impact = 9
likelihood = 6
recovery = "2h"
rollback = "Set api.timeout_ms back to 300 in the config repo and redeploy config"

[[changes]]
id = "admin-ui"
title = "Admin UI tweak"
severity = "low"
impact = 2
likelihood = 2
recovery = "30m"
rollback = "Revert the admin UI commit"
"#;

impl Release {
    fn new(checks: &str, alerts: &[&str], template: Option<&str>) -> Release {
        let from = base() + 3600;
        let dir = tempfile::tempdir().unwrap();
        let checklist = match template {
            Some(t) => {
                std::fs::write(dir.path().join("template.toml"), t).unwrap();
                "checklist = \"template.toml\"\n"
            }
            None => "",
        };
        let alerts: Vec<String> = alerts.iter().map(|a| format!("\"{a}\"")).collect();
        let manifest = format!(
            "[release]\nname = \"Watch test release\"\ndeployer = \"jiyoon\"\ndeploy_at = \"{}\"\n{checklist}{CHANGES}\n[monitoring]\ndashboards = [\"https://grafana.example/d/api\"]\nalerts = [{}]\nwatch_minutes = 30\n\n{checks}",
            rfc3339(from),
            alerts.join(", ")
        );
        std::fs::write(dir.path().join("release.toml"), manifest).unwrap();
        Release { dir, from }
    }

    fn manifest(&self) -> String {
        self.dir.path().join("release.toml").display().to_string()
    }

    /// `relcheck watch` a day after the window, the record as JSON.
    fn watch(&self, url: &str, extra: &[&str]) -> Run {
        let record = self.dir.path().join("watch.json");
        let now = rfc3339(self.from + 86_400);
        let mut args = vec!["watch".to_string(), "-m".into(), self.manifest()];
        args.extend(
            [
                "--prometheus",
                url,
                "--now",
                &now,
                "-o",
                record.to_str().unwrap(),
            ]
            .map(String::from),
        );
        // Defaults for the flags `extra` does not give.
        for (flag, value) in [("--interval", "1m"), ("--for", "10m"), ("--format", "json")] {
            if !extra.contains(&flag) {
                args.extend([flag.to_string(), value.to_string()]);
            }
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = relcheck(&args, &[]);
        Run::new(out, Some(&record))
    }

    /// A time `minutes` after the window's start, as the record writes it.
    fn at(&self, minutes: i64) -> String {
        rfc3339(self.from + minutes * 60)
    }
}

fn relcheck(args: &[String], env: &[(&str, &str)]) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("relcheck").unwrap();
    for var in [
        "RELCHECK_NOW",
        "RELCHECK_PROMETHEUS_URL",
        "RELCHECK_PROMETHEUS_TOKEN",
        "RELCHECK_COMMIT",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.args(args).output().unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    record: Value,
}

impl Run {
    fn new(out: Output, record: Option<&Path>) -> Run {
        let record_text = record
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
            record: serde_json::from_str(&record_text).unwrap_or(Value::Null),
        }
    }

    fn check(&self, name: &str) -> &Value {
        self.record["checks"]
            .as_array()
            .unwrap_or_else(|| panic!("no record: {}", self.stderr))
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no check {name} in {}", self.record))
    }
}

/// `name{labels}` every 15 s from 10 minutes before the window to 5 minutes after it, valued
/// by `f(minutes since the window's start)`.
fn history(r: &Release, name: &str, series: &[(&str, &dyn Fn(f64) -> String)]) -> String {
    let from = r.from;
    let series: Vec<(&str, Vec<(i64, String)>)> = series
        .iter()
        .map(|(labels, f)| {
            (
                *labels,
                every_15s(from - 600, from + 900, |t| f((t - from) as f64 / 60.0)),
            )
        })
        .collect();
    gauge(name, &series)
}

fn prometheus(history: String, alerting_rules: &[&str]) -> Prometheus {
    Prometheus::start(Setup {
        history,
        alerting_rules: alerting_rules.iter().map(|s| s.to_string()).collect(),
        scrape: None,
    })
}

const RATIO_CHECK: &str = r#"
[[monitoring.checks]]
name = "API 5xx ratio"
query = "api_error_ratio"
max = 0.01
change = "api-timeout"
"#;

#[test]
fn a_window_within_bounds_is_healthy_and_the_record_says_so() {
    let r = Release::new(RATIO_CHECK, &[], None);
    let p = prometheus(
        history(&r, "api_error_ratio", &[("", &|_| "0.002".into())]),
        &[],
    );
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.record["schema_version"], 2);
    assert_eq!(run.record["outcome"], "healthy");
    assert_eq!(run.record["release"]["name"], "Watch test release");
    assert_eq!(run.record["release"]["deployer"], "jiyoon");
    assert_eq!(run.record["window"]["from"], r.at(0));
    assert_eq!(run.record["window"]["to"], r.at(10));
    assert!(run.record["digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    let c = run.check("API 5xx ratio");
    assert_eq!(c["status"], "ok");
    assert_eq!(c["steps"], 11);
    assert_eq!(c["worst"], 0.002);
    assert_eq!(c["max"], 0.01);
    assert_eq!(c["min"], Value::Null);
    assert_eq!(c["change"], "api-timeout");
    assert_eq!(c["query"], "api_error_ratio");
    assert_eq!(c["breach_at"], Value::Null);
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        run.record
    );
    assert!(
        run.stderr.contains(&format!(
            "HEALTHY: 1 check held at all 11 steps from {} to {}",
            r.at(0),
            r.at(10)
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_value_above_max_breaches_at_its_step() {
    let r = Release::new(RATIO_CHECK, &[], None);
    let p = prometheus(
        history(
            &r,
            "api_error_ratio",
            &[("", &|m| if m >= 3.0 { "0.05" } else { "0.002" }.into())],
        ),
        &[],
    );
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.record["outcome"], "breach");
    let c = run.check("API 5xx ratio");
    assert_eq!(c["status"], "breach");
    assert_eq!(c["breach_at"], r.at(3));
    assert_eq!(c["steps"], 4);
    assert_eq!(c["worst"], 0.05);
    assert!(
        run.stderr.contains(&format!(
            "BREACH: API 5xx ratio was 0.05 at {}, above max 0.01",
            r.at(3)
        )),
        "{}",
        run.stderr
    );
}

const RPS_CHECK: &str = r#"
[[monitoring.checks]]
name = "API requests per second"
query = "api_rps"
min = 100
"#;

#[test]
fn a_value_below_min_breaches_at_its_step() {
    let r = Release::new(RPS_CHECK, &[], None);
    let p = prometheus(
        history(
            &r,
            "api_rps",
            &[("", &|m| if m >= 5.0 { "40" } else { "500" }.into())],
        ),
        &[],
    );
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let c = run.check("API requests per second");
    assert_eq!(c["status"], "breach");
    assert_eq!(c["breach_at"], r.at(5));
    assert_eq!(c["steps"], 6);
    assert_eq!(c["worst"], 40.0);
    assert!(
        run.stderr.contains("was 40 at") && run.stderr.contains("below min 100"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_value_exactly_at_a_bound_does_not_breach() {
    let r = Release::new(&format!("{RATIO_CHECK}{RPS_CHECK}"), &[], None);
    let mut h = history(&r, "api_error_ratio", &[("", &|_| "0.01".into())]);
    h += &history(&r, "api_rps", &[("", &|_| "100".into())]);
    let p = prometheus(h, &[]);
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.record["outcome"], "healthy");
    assert_eq!(run.check("API 5xx ratio")["worst"], 0.01);
    assert_eq!(run.check("API requests per second")["worst"], 100.0);
}

#[test]
fn a_query_without_series_breaches_as_no_data() {
    let r = Release::new(
        "[[monitoring.checks]]\nname = \"queue consumers\"\nquery = 'queue_consumers{queue=\"payments\"}'\nmin = 1\n",
        &[],
        None,
    );
    let p = prometheus(history(&r, "api_rps", &[("", &|_| "500".into())]), &[]);
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let c = run.check("queue consumers");
    assert_eq!(c["status"], "no-data");
    assert_eq!(c["breach_at"], r.at(0));
    assert_eq!(c["worst"], Value::Null);
    assert!(
        run.stderr.contains("no data is not health"),
        "{}",
        run.stderr
    );
}

#[test]
fn nan_breaches() {
    let r = Release::new(RATIO_CHECK, &[], None);
    let p = prometheus(
        history(
            &r,
            "api_error_ratio",
            &[("", &|m| if m >= 2.0 { "NaN" } else { "0.001" }.into())],
        ),
        &[],
    );
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let c = run.check("API 5xx ratio");
    assert_eq!(c["status"], "breach");
    assert_eq!(c["breach_at"], r.at(2));
    assert_eq!(c["worst"], 0.001);
    assert!(run.stderr.contains("was NaN at"), "{}", run.stderr);
}

#[test]
fn one_series_of_several_breaching_is_a_breach() {
    let r = Release::new(
        "[[monitoring.checks]]\nname = \"pod memory\"\nquery = \"pod_memory_ratio\"\nmax = 0.9\n",
        &[],
        None,
    );
    let p = prometheus(
        history(
            &r,
            "pod_memory_ratio",
            &[
                ("{pod=\"a\"}", &|_| "0.4".into()),
                ("{pod=\"b\"}", &|m| {
                    if m >= 4.0 { "0.97" } else { "0.5" }.into()
                }),
                ("{pod=\"c\"}", &|_| "0.6".into()),
            ],
        ),
        &[],
    );
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let c = run.check("pod memory");
    assert_eq!(c["breach_at"], r.at(4));
    assert_eq!(c["worst"], 0.97);
}

fn firing(r: &Release, alert: &str, from_min: i64, to_min: i64) -> String {
    gauge(
        "ALERTS",
        &[(
            &format!("{{alertname=\"{alert}\",alertstate=\"firing\"}}"),
            every_15s(r.from + from_min * 60, r.from + to_min * 60, |_| "1".into()),
        )],
    )
}

#[test]
fn an_alert_firing_inside_the_window_breaches_its_implicit_check() {
    let r = Release::new(RATIO_CHECK, &["api-5xx-rate"], None);
    let mut h = history(&r, "api_error_ratio", &[("", &|_| "0.002".into())]);
    h += &firing(&r, "api-5xx-rate", 6, 8);
    let p = prometheus(h, &["api-5xx-rate"]);
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let c = run.check("alert api-5xx-rate");
    assert_eq!(c["status"], "breach");
    assert_eq!(c["breach_at"], r.at(6));
    assert_eq!(
        c["query"],
        "ALERTS{alertname=\"api-5xx-rate\", alertstate=\"firing\"}"
    );
    assert_eq!(run.check("API 5xx ratio")["status"], "ok");
    assert_eq!(run.check("API 5xx ratio")["steps"], 7);
    assert!(
        run.stderr.contains(&format!(
            "BREACH: alert api-5xx-rate was firing at {}",
            r.at(6)
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn the_templates_checks_are_watched_with_the_manifests() {
    let template =
        "[[policy.checks]]\nname = \"API p99 seconds\"\nquery = \"api_p99_seconds\"\nmax = 0.5\n";
    let r = Release::new(RATIO_CHECK, &["api-5xx-rate"], Some(template));
    let mut h = history(&r, "api_error_ratio", &[("", &|_| "0.002".into())]);
    h += &history(
        &r,
        "api_p99_seconds",
        &[("", &|m| if m >= 7.0 { "0.8" } else { "0.3" }.into())],
    );
    let p = prometheus(h, &["api-5xx-rate"]);
    let run = r.watch(&p.url(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let names: Vec<&str> = run.record["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["API 5xx ratio", "API p99 seconds", "alert api-5xx-rate"]
    );
    let c = run.check("API p99 seconds");
    assert_eq!(c["status"], "breach");
    assert_eq!(c["breach_at"], r.at(7));
    assert_eq!(c["change"], Value::Null);
    assert_eq!(run.check("alert api-5xx-rate")["status"], "ok");
    // The template's check guards no change: every High and Critical change's plan.
    assert!(
        run.stderr
            .contains("api-timeout: Set api.timeout_ms back to 300"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("admin-ui"), "{}", run.stderr);
}

#[test]
fn a_breach_shows_the_rollback_plan_of_the_change_its_check_guards() {
    let r = Release::new(
        "[[monitoring.checks]]\nname = \"admin errors\"\nquery = \"admin_errors\"\nmax = 0\nchange = \"admin-ui\"\n",
        &[],
        None,
    );
    let p = prometheus(
        history(
            &r,
            "admin_errors",
            &[("", &|m| if m >= 1.0 { "3" } else { "0" }.into())],
        ),
        &[],
    );
    let run = r.watch(&p.url(), &["--format", "text"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "Roll back the change this check guards:\n  admin-ui: Revert the admin UI commit\n"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("api-timeout"), "{}", run.stdout);
    assert!(run.stdout.contains("record: "), "{}", run.stdout);
    assert_eq!(run.record["outcome"], "breach");
}

#[test]
fn an_unreachable_prometheus_is_unknown() {
    let r = Release::new(RATIO_CHECK, &[], None);
    let port = common::prometheus::free_port();
    let run = r.watch(
        &format!("http://127.0.0.1:{port}"),
        &["--interval", "1s", "--for", "3s"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.record["outcome"], "unknown");
    assert_eq!(run.check("API 5xx ratio")["status"], "unknown");
    assert_eq!(run.check("API 5xx ratio")["steps"], 0);
    assert!(
        run.stderr.contains("UNKNOWN: Prometheus could not answer"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "Prometheus at http://127.0.0.1:{port}: connection refused"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn watch_without_a_prometheus_is_an_input_error() {
    let r = Release::new(RATIO_CHECK, &[], None);
    let out = relcheck(&["watch".into(), "-m".into(), r.manifest()], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no Prometheus named"), "{err}");
    assert!(!r.dir.path().join("signoffs").exists());
}

#[test]
fn the_record_goes_beside_the_latest_signoff() {
    let r = Release::new(RATIO_CHECK, &[], None);
    let p = prometheus(
        history(&r, "api_error_ratio", &[("", &|_| "0.002".into())]),
        &[],
    );
    let date = rfc3339(r.from)[..10].to_string();
    let signoffs = r.dir.path().join("signoffs");
    std::fs::create_dir_all(&signoffs).unwrap();
    std::fs::write(signoffs.join(format!("{date}-watch-test-release.md")), "1").unwrap();
    std::fs::write(
        signoffs.join(format!("{date}-watch-test-release-2.md")),
        "2",
    )
    .unwrap();
    let now = rfc3339(r.from + 86_400);
    let out = relcheck(
        &[
            "watch",
            "-m",
            &r.manifest(),
            "--prometheus",
            &p.url(),
            "--now",
            &now,
            "--interval",
            "1m",
            "--for",
            "10m",
        ]
        .map(String::from),
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let rec = signoffs.join(format!("{date}-watch-test-release-2.watch.json"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&rec).unwrap()).unwrap();
    assert_eq!(v["outcome"], "healthy");
    // One line per step without a terminal.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().filter(|l| l.contains(" step ")).count(),
        11,
        "{stdout}"
    );
}

fn check_json(r: &Release, url: &str, env: &[(&str, &str)]) -> (i32, Value, String) {
    let now = rfc3339(r.from - 60);
    let out = relcheck(
        &[
            "check",
            "-m",
            &r.manifest(),
            "--prometheus",
            url,
            "--now",
            &now,
            "--format",
            "json",
        ]
        .map(String::from),
        env,
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        format!("{stdout}{stderr}"),
    )
}

fn findings(report: &Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn before_the_deploy_every_alert_must_be_an_alerting_rule_and_none_may_fire() {
    let r = Release::new(RATIO_CHECK, &["api-5xx-rate", "queue-lag"], None);
    // Defined: api-5xx-rate only; firing a minute before the deploy: api-5xx-rate.
    let p = prometheus(
        firing(&r, "api-5xx-rate", -3, -1),
        &["api-5xx-rate", "disk-full"],
    );
    let (code, report, _) = check_json(&r, &p.url(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report, "monitoring"),
        [format!(
            "Prometheus at {} has no alerting rule named \"queue-lag\": that alert would page nobody",
            p.url()
        )]
    );
    assert_eq!(
        findings(&report, "alerts-firing"),
        [format!(
            "alert \"api-5xx-rate\" is firing in Prometheus at {} at {}",
            p.url(),
            rfc3339(r.from - 60)
        )]
    );
}

#[test]
fn before_the_deploy_an_unreachable_prometheus_blocks() {
    let r = Release::new(RATIO_CHECK, &["api-5xx-rate"], None);
    let port = common::prometheus::free_port();
    let (code, report, _) = check_json(&r, &format!("http://127.0.0.1:{port}"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report, "monitoring"),
        [format!(
            "Prometheus at http://127.0.0.1:{port} cannot be asked: connection refused"
        )]
    );
    assert!(findings(&report, "alerts-firing").is_empty());
    // go (without a terminal) and signoff ask Prometheus too.
    let url = format!("http://127.0.0.1:{port}");
    let now = rfc3339(r.from - 60);
    for cmd in ["go", "signoff"] {
        let out = relcheck(
            &[
                cmd,
                "-m",
                &r.manifest(),
                "--prometheus",
                &url,
                "--now",
                &now,
                "--color",
                "never",
            ]
            .map(String::from),
            &[],
        );
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&format!(
                "Prometheus at {url} cannot be asked: connection refused"
            )),
            "{cmd}: {text}"
        );
    }
}

#[test]
fn no_password_nor_token_is_ever_printed() {
    const PASSWORD: &str = "hunter2-pw";
    const TOKEN: &str = "tok-s3cret";
    let r = Release::new(
        &format!("{RATIO_CHECK}\n[[monitoring.checks]]\nname = \"broken\"\nquery = \"rate(api_rps[5m]\"\nmax = 1\n"),
        &["api-5xx-rate"],
        None,
    );
    let p = prometheus(
        history(&r, "api_error_ratio", &[("", &|_| "0.002".into())]),
        &["api-5xx-rate"],
    );
    let env = [("RELCHECK_PROMETHEUS_TOKEN", TOKEN)];
    let mut seen = String::new();
    // A reachable Prometheus with basic auth in the URL: it ignores the credentials, and
    // answers the broken query with an error that must be shown.
    let url = format!("http://ops:{PASSWORD}@127.0.0.1:{}", p.port);
    let (_, _, text) = check_json(&r, &url, &env);
    seen += &text;
    let watch = relcheck(
        &[
            "watch",
            "-m",
            &r.manifest(),
            "--prometheus",
            &url,
            "--now",
            &rfc3339(r.from + 86_400),
            "--interval",
            "1s",
            "--for",
            "2s",
        ]
        .map(String::from),
        &env,
    );
    let stderr = String::from_utf8_lossy(&watch.stderr).to_string();
    let stdout = String::from_utf8_lossy(&watch.stdout).to_string();
    assert_eq!(watch.status.code(), Some(1), "{stderr}");
    assert!(stdout.contains("UNKNOWN"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "Prometheus at http://ops@127.0.0.1:{}: bad_data: 1:17: parse error: unclosed left parenthesis",
            p.port
        )),
        "{stdout}"
    );
    seen += &stdout;
    seen += &stderr;
    // Unreachable, with the URL from the environment.
    let closed = format!(
        "http://ops:{PASSWORD}@127.0.0.1:{}",
        common::prometheus::free_port()
    );
    let (_, report, text) = check_json(&r, &closed, &env);
    assert!(
        findings(&report, "monitoring")[0].contains("http://ops@127.0.0.1:"),
        "{report}"
    );
    seen += &text;
    let help = relcheck(
        &["watch".into(), "--help".into()],
        &[
            ("RELCHECK_PROMETHEUS_URL", closed.as_str()),
            ("RELCHECK_PROMETHEUS_TOKEN", TOKEN),
        ],
    );
    seen += &String::from_utf8_lossy(&help.stdout);
    for rec in walk(r.dir.path()) {
        seen += &std::fs::read_to_string(rec).unwrap_or_default();
    }
    assert!(
        !seen.contains(PASSWORD),
        "the password was printed:\n{seen}"
    );
    assert!(!seen.contains(TOKEN), "the token was printed:\n{seen}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_live_watch_sees_the_value_change_and_breaches() {
    let exporter = Exporter::start("# TYPE live_errors gauge\nlive_errors 0\n");
    let p = Prometheus::start(Setup {
        scrape: Some(exporter.port),
        ..Setup::default()
    });
    p.wait_for_series("live_errors");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("release.toml"),
        format!("[release]\nname = \"live\"\ndeployer = \"jiyoon\"\n{CHANGES}\n[monitoring]\nwatch_minutes = 1\n\n[[monitoring.checks]]\nname = \"live errors\"\nquery = \"live_errors\"\nmax = 1\nchange = \"api-timeout\"\n"),
    )
    .unwrap();
    let record = dir.path().join("watch.json");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_relcheck"))
        .args(["watch", "-m"])
        .arg(dir.path().join("release.toml"))
        .args([
            "--prometheus",
            &p.url(),
            "--for",
            "8s",
            "--interval",
            "1s",
            "-o",
        ])
        .arg(&record)
        .env_remove("RELCHECK_NOW")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(3500));
    exporter.set("# TYPE live_errors gauge\nlive_errors 5\n");
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(v["outcome"], "breach", "{stdout}");
    let c = &v["checks"][0];
    assert_eq!(c["status"], "breach");
    assert_eq!(c["worst"], 5.0);
    // Steps before the flip were judged healthy, live.
    assert!(c["steps"].as_u64().unwrap() >= 3, "{stdout}");
    assert!(stdout.contains("live errors 0 ok"), "{stdout}");
    assert!(stdout.contains("BREACH: live errors was 5 at"), "{stdout}");
    assert!(
        stdout.contains("api-timeout: Set api.timeout_ms back to 300"),
        "{stdout}"
    );
}

#[test]
fn the_flag_beats_the_environment_which_beats_the_manifest() {
    let closed = format!("http://127.0.0.1:{}", common::prometheus::free_port());
    let r = Release::new(RATIO_CHECK, &["api-5xx-rate"], None);
    let manifest = std::fs::read_to_string(r.manifest()).unwrap().replace(
        "watch_minutes = 30\n",
        &format!("watch_minutes = 30\nprometheus = \"{closed}\"\n"),
    );
    std::fs::write(r.manifest(), manifest).unwrap();
    let p = prometheus(String::new(), &["api-5xx-rate"]);
    let now = rfc3339(r.from - 60);
    let monitoring = |args: &[&str], env: &[(&str, &str)]| {
        let manifest = r.manifest();
        let mut all = vec!["check", "-m", &manifest, "--now", &now, "--format", "json"];
        all.extend(args);
        let all: Vec<String> = all.into_iter().map(String::from).collect();
        let out = relcheck(&all, env);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        findings(&v, "monitoring")
    };
    // The manifest's URL alone: unreachable.
    assert_eq!(
        monitoring(&[], &[]),
        [format!(
            "Prometheus at {closed} cannot be asked: connection refused"
        )]
    );
    // The environment's URL wins over the manifest's.
    assert!(monitoring(&[], &[("RELCHECK_PROMETHEUS_URL", &p.url())]).is_empty());
    // The flag wins over the environment's.
    assert!(monitoring(
        &["--prometheus", &p.url()],
        &[("RELCHECK_PROMETHEUS_URL", &closed)]
    )
    .is_empty());
    assert_eq!(
        monitoring(
            &["--prometheus", &closed],
            &[("RELCHECK_PROMETHEUS_URL", &p.url())]
        ),
        [format!(
            "Prometheus at {closed} cannot be asked: connection refused"
        )]
    );
}
