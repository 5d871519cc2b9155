//! The load-test tools besides JMeter JTLs, k6 and Locust — Artillery reports, nGrinder's
//! output.csv, JMeter's dashboard statistics.json — and baselines from the last good release,
//! through `relcheck check --format json` on the fixtures in tests/fixtures/evidence.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

const HEAD: &str = r#"
[release]
name = "load tools"
deployer = "jiyoon"
deploy_at = "2026-11-30T09:00:00+09:00"

[[changes]]
id = "api"
title = "API"
severity = "low"
impact = 1
likelihood = 1
recovery = "1h"
"#;

const RECORDED: &str = "recorded_at = \"2026-11-30T08:00:00+09:00\"\n";

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evidence")
}

/// A release folder with the fixtures under `ev/` and a manifest of `evidence` tables.
fn release(evidence: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("ev");
    for sub in ["artillery", "ngrinder", "jmeter", "jmeter/misnamed", "k6"] {
        std::fs::create_dir_all(ev.join(sub)).unwrap();
        for f in std::fs::read_dir(fixtures().join(sub)).unwrap() {
            let f = f.unwrap();
            if f.file_type().unwrap().is_file() {
                std::fs::copy(f.path(), ev.join(sub).join(f.file_name())).unwrap();
            }
        }
    }
    std::fs::write(dir.path().join("release.toml"), format!("{HEAD}{evidence}")).unwrap();
    dir
}

fn check(dir: &Path) -> Value {
    let out = assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(dir)
        .args([
            "check",
            "--format",
            "json",
            "--now",
            "2026-11-30T08:30:00+09:00",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn evidence(kind: &str, path: &str, extra: &str) -> String {
    format!(
        "\n[[changes.evidence]]\nkind = \"{kind}\"\nenv = \"staging\"\npath = \"{path}\"\n{extra}"
    )
}

fn sha(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn artillery_reports_pass_and_fail_on_their_own_figures_and_carry_their_own_time() {
    let dir = release(
        &(evidence("artillery", "ev/artillery/pass.json", "")
            + &evidence("artillery", "ev/artillery/fail.json", "")),
    );
    let r = check(dir.path());
    let pass = &r["evidence"][0];
    assert_eq!(pass["passed"], true, "{pass}");
    assert_eq!(pass["samples"], 200);
    assert_eq!(pass["p99_ms"], 63.4);
    assert_eq!(pass["tps"], 51.0);
    assert_eq!(pass["recorded_at"], "2026-11-29T23:20:35.377Z");
    let fail = &r["evidence"][1];
    assert_eq!(fail["passed"], false);
    assert_eq!(fail["reason"], "error rate 33.3% > 1.0% allowed");
    assert_eq!(r["verdict"], "no-go");
}

#[test]
fn ngrinder_output_has_no_p99_so_a_set_max_p99_fails_saying_why() {
    let dir = release(
        &(evidence("ngrinder", "ev/ngrinder/pass-output.csv", RECORDED)
            + &evidence(
                "ngrinder",
                "ev/ngrinder/pass-output.csv",
                &format!("{RECORDED}max_p99_ms = 500\n"),
            )),
    );
    let r = check(dir.path());
    assert_eq!(r["evidence"][0]["passed"], true, "{}", r["evidence"][0]);
    assert_eq!(r["evidence"][0]["samples"], 3600);
    assert_eq!(r["evidence"][0]["tps"], 120.0);
    assert_eq!(r["evidence"][1]["passed"], false);
    assert!(r["evidence"][1]["reason"]
        .as_str()
        .unwrap()
        .starts_with("no p99: nGrinder's output.csv reports no percentiles"));
}

#[test]
fn a_misleadingly_named_jmeter_file_is_read_by_its_content() {
    let dir = release(
        &(evidence("jmeter", "ev/jmeter/misnamed/results.jtl", RECORDED)
            + &evidence("jmeter", "ev/jmeter/misnamed/statistics.json", RECORDED)),
    );
    let r = check(dir.path());
    // results.jtl holds a dashboard statistics.json: its Total entry, its time recorded_at.
    let stats = &r["evidence"][0];
    assert_eq!(stats["passed"], true, "{stats}");
    assert_eq!(stats["samples"], 1200);
    assert_eq!(stats["error_rate"], 0.0025);
    assert_eq!(stats["p99_ms"], 412.0);
    assert_eq!(stats["tps"], 39.97069597069597);
    assert_eq!(stats["recorded_at"], "2026-11-30T08:00:00+09:00");
    // statistics.json holds a JTL: 10 rows, one failed; its time is its largest timeStamp.
    let jtl = &r["evidence"][1];
    assert_eq!(jtl["samples"], 10);
    assert_eq!(jtl["error_rate"], 0.1);
    assert_eq!(jtl["p99_ms"], 190.0);
    assert_eq!(jtl["recorded_at"], "2026-11-29T20:00:09Z");
    assert_eq!(jtl["reason"], "error rate 10.0% > 1.0% allowed");
}

#[test]
fn a_baseline_is_compared_and_listed_right_after_its_evidence_in_the_inputs() {
    let dir = release(
        &(evidence(
            "artillery",
            "ev/artillery/pass.json",
            "baseline = \"ev/artillery/fail.json\"\n",
        ) + &evidence(
            "artillery",
            "ev/artillery/pass.json",
            "baseline = \"ev/artillery/fail.json\"\nmax_regression = 0.5\n",
        ) + &evidence(
            "ngrinder",
            "ev/ngrinder/pass-output.csv",
            &format!("{RECORDED}baseline = \"ev/ngrinder/errors-output.csv\"\n"),
        )),
    );
    let r = check(dir.path());
    let ev = &r["evidence"];
    // p99 63.4 against 57.4 (+10.45%, shown 10.5%) and 51 TPS against 75 (-32%), 10% allowed.
    assert_eq!(ev[0]["passed"], false);
    assert_eq!(
        ev[0]["reason"],
        "p99 63.4 ms is 10.5% above the baseline's 57.4 ms, allowed 10%; \
         51 TPS is 32% below the baseline's 75, allowed 10%"
    );
    assert_eq!(
        ev[0]["baseline"],
        json!({"path": "ev/artillery/fail.json",
               "sha256": sha(&dir.path().join("ev/artillery/fail.json")),
               "samples": 300, "error_rate": 100.0 / 300.0, "p99_ms": 57.4, "tps": 75.0,
               "max_regression": 0.1, "max_error_rate_increase": 0.001})
    );
    // With 50% allowed both are within the bound.
    assert_eq!(ev[1]["passed"], true, "{}", ev[1]);
    assert_eq!(ev[1]["reason"], Value::Null);
    // nGrinder has no p99: not compared, and the passing evidence says so.
    assert_eq!(ev[2]["passed"], true, "{}", ev[2]);
    assert_eq!(
        ev[2]["reason"],
        "the baseline ev/ngrinder/errors-output.csv has no p99, so that was not compared"
    );

    let inputs: Vec<(String, String)> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .skip(4)
        .map(|i| {
            (
                i["role"].as_str().unwrap().to_string(),
                i["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("evidence", "ev/artillery/pass.json"),
        ("baseline", "ev/artillery/fail.json"),
        ("evidence", "ev/artillery/pass.json"),
        ("baseline", "ev/artillery/fail.json"),
        ("evidence", "ev/ngrinder/pass-output.csv"),
        ("baseline", "ev/ngrinder/errors-output.csv"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(inputs, want);
    assert_eq!(
        r["inputs"][9]["sha256"].as_str().unwrap(),
        sha(&dir.path().join("ev/ngrinder/errors-output.csv"))
    );
}

#[test]
fn an_unreadable_baseline_fails_the_evidence_and_counts_as_no_bytes() {
    let dir = release(
        &(evidence(
            "ngrinder",
            "ev/ngrinder/pass-output.csv",
            &format!("{RECORDED}baseline = \"ev/ngrinder/last-release.csv\"\n"),
        ) + &evidence(
            "ngrinder",
            "ev/ngrinder/pass-output.csv",
            &format!("{RECORDED}baseline = \"ev/artillery/pass.json\"\n"),
        )),
    );
    let r = check(dir.path());
    let ev = &r["evidence"];
    assert_eq!(ev[0]["passed"], false);
    let why = ev[0]["reason"].as_str().unwrap();
    assert!(
        why.starts_with("baseline ") && why.contains("last-release.csv"),
        "{why}"
    );
    assert_eq!(ev[0]["baseline"]["sha256"], Value::Null);
    // A baseline of another kind cannot be read as this one.
    assert_eq!(ev[1]["passed"], false);
    assert!(ev[1]["reason"]
        .as_str()
        .unwrap()
        .starts_with("baseline ev/artillery/pass.json: not an nGrinder output.csv"));
    let empty = format!("{:x}", Sha256::digest(b""));
    assert_eq!(
        r["inputs"][5],
        json!({"role": "baseline", "path": "ev/ngrinder/last-release.csv", "sha256": empty})
    );
    assert_eq!(r["verdict"], "no-go");
}

#[test]
fn baseline_keys_on_a_kind_without_figures_are_input_errors() {
    for key in [
        "baseline = \"x.xml\"",
        "max_regression = 0.2",
        "max_error_rate_increase = 0.01",
    ] {
        let dir = release(&evidence("junit", "ev/x.xml", &format!("{key}\n")));
        let out = assert_cmd::Command::cargo_bin("relcheck")
            .unwrap()
            .current_dir(dir.path())
            .args(["check"])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let name = key.split(' ').next().unwrap();
        assert!(
            err.contains(&format!("{name} applies only to load tests")),
            "{err}"
        );
    }
}

/// Runs `relcheck` with `args` in `dir`; returns stdout.
fn run(dir: &Path, args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .args(["--now", "2026-11-30T08:30:00+09:00"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_sign_off_shows_the_baseline_s_figures_beside_the_run_s() {
    let dir = release(&evidence(
        "artillery",
        "ev/artillery/pass.json",
        "baseline = \"ev/artillery/fail.json\"\nmax_regression = 0.5\n",
    ));
    let md = run(dir.path(), &["signoff", "--format", "markdown"]);
    assert!(
        md.contains(
            "| 200 samples, 0.0% errors, p99 63.4 ms, 51 TPS; baseline `ev/artillery/fail.json`: \
             300 samples, 33.3% errors, p99 57.4 ms, 75 TPS (allowed p99 +50%, TPS -50%, error \
             rate +0.1 points) |"
        ),
        "{md}"
    );
    let slack = run(dir.path(), &["signoff", "--format", "slack"]);
    assert!(
        slack.contains(
            "200 samples, 0.0% errors, p99 63.4 ms, 51 TPS; baseline `ev/artillery/fail.json`: \
             300 samples, 33.3% errors, p99 57.4 ms, 75 TPS (allowed p99 +50%, TPS -50%, error \
             rate +0.1 points)"
        ),
        "{slack}"
    );
}

#[test]
fn a_run_that_cannot_be_read_fails_once_and_its_baseline_is_still_listed() {
    let dir = release(&evidence(
        "ngrinder",
        "ev/ngrinder/missing.csv",
        &format!("{RECORDED}baseline = \"ev/ngrinder/errors-output.csv\"\n"),
    ));
    let r = check(dir.path());
    let ev = &r["evidence"][0];
    assert_eq!(ev["passed"], false);
    let why = ev["reason"].as_str().unwrap();
    assert!(why.contains("missing.csv"), "{why}");
    assert!(!why.contains("baseline"), "{why}");
    assert_eq!(ev["baseline"]["samples"], 2000);
    assert_eq!(
        r["inputs"][5],
        json!({"role": "baseline", "path": "ev/ngrinder/errors-output.csv",
               "sha256": sha(&dir.path().join("ev/ngrinder/errors-output.csv"))})
    );
}
