//! The CI examples in `examples/` gate for real: `make deploy`, the pre-deploy script and the
//! GitHub Actions job's judging step all stop on NO-GO and go through on GO.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An evaluation time after both story releases' evidence, so the outcome never depends on
/// the clock.
const NOW: &str = "2026-11-25T13:30:00+09:00";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn story(name: &str) -> String {
    root()
        .join("examples/story")
        .join(name)
        .display()
        .to_string()
}

fn run(mut cmd: Command) -> Output {
    cmd.env("RELCHECK_NOW", NOW)
        .env("RELCHECK", env!("CARGO_BIN_EXE_relcheck"))
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS");
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn make_deploy(manifest: &str) -> Output {
    let mut cmd = Command::new("make");
    cmd.current_dir(root())
        .args(["--no-print-directory", "-f", "examples/Makefile", "deploy"])
        .arg(format!("MANIFEST={manifest}"));
    run(cmd)
}

#[test]
fn make_deploy_stops_on_no_go() {
    let out = make_deploy(&story("friday.toml"));
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("NO-GO"), "{all}");
    assert!(
        !all.contains("deploying"),
        "the deploy recipe ran on NO-GO:\n{all}"
    );
}

#[test]
fn make_deploy_goes_through_on_go() {
    let out = make_deploy(&story("wednesday.toml"));
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("GO  (0 warnings)"), "{all}");
    assert!(all.contains("relcheck says GO: deploying"), "{all}");
}

#[test]
fn make_deploy_stops_when_relcheck_cannot_read_the_release() {
    let out = make_deploy(&story("no-such-release.toml"));
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("no such file"), "{all}");
    assert!(!all.contains("deploying"), "{all}");
}

fn pre_deploy(manifest: &str) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg(root().join("examples/pre-deploy.sh")).arg(manifest);
    run(cmd)
}

#[test]
fn the_pre_deploy_script_passes_relchecks_exit_code_on() {
    let go = pre_deploy(&story("wednesday.toml"));
    assert_eq!(go.status.code(), Some(0), "{}", text(&go));
    assert!(text(&go).contains("relcheck says GO"));

    let no_go = pre_deploy(&story("friday.toml"));
    assert_eq!(no_go.status.code(), Some(1), "{}", text(&no_go));
    assert!(text(&no_go).contains("not deploying"));

    let broken = pre_deploy(&story("missing.toml"));
    assert_eq!(broken.status.code(), Some(2), "{}", text(&broken));
    assert!(text(&broken).contains("could not judge"));
}

/// The `run:` line of the workflow step that judges the release.
fn judging_step() -> String {
    let workflow = std::fs::read_to_string(root().join("examples/github-actions.yml")).unwrap();
    let line = workflow
        .lines()
        .find(|l| l.trim_start().starts_with("run: relcheck check"))
        .expect("a step that runs relcheck check");
    line.trim_start()
        .trim_start_matches("run:")
        .trim()
        .to_string()
}

fn actions_step(manifest: &str, dir: &Path) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_relcheck")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.current_dir(dir)
        .args(["-e", "-o", "pipefail", "-c", &judging_step()])
        .env("PATH", path)
        .env("MANIFEST", manifest);
    let mut out = run_keeping_summary(cmd, &dir.join("summary.md"));
    out.stdout
        .extend(std::fs::read(dir.join("summary.md")).unwrap_or_default());
    out
}

fn run_keeping_summary(mut cmd: Command, summary: &Path) -> Output {
    cmd.env("RELCHECK_NOW", NOW)
        .env("GITHUB_STEP_SUMMARY", summary)
        .output()
        .unwrap()
}

#[test]
fn the_actions_job_keeps_a_json_report_and_writes_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = actions_step(&story("friday.toml"), dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("relcheck-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["verdict"], "no-go");
    let summary = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert!(summary.contains("NO-GO"), "{summary}");
    assert!(summary.contains("critical-evidence"), "{summary}");

    let dir = tempfile::tempdir().unwrap();
    let out = actions_step(&story("wednesday.toml"), dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("relcheck-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["verdict"], "go");
}
