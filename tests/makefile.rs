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

/// The workflow, parsed as GitHub parses it.
fn workflow() -> serde_norway::Value {
    let text = std::fs::read_to_string(root().join("examples/github-actions.yml")).unwrap();
    serde_norway::from_str(&text).expect("examples/github-actions.yml is YAML")
}

/// A workflow step's `run`, `if` and `env`.
#[derive(Debug)]
struct Step {
    run: String,
    cond: Option<String>,
    env: Vec<(String, String)>,
}

/// The steps of the `relcheck` job that run relcheck, in order.
fn relcheck_steps() -> Vec<Step> {
    let w = workflow();
    let steps = w["jobs"]["relcheck"]["steps"]
        .as_sequence()
        .expect("the relcheck job has steps");
    steps
        .iter()
        .filter_map(|s| {
            let run = s["run"].as_str()?;
            run.trim_start().starts_with("relcheck ").then(|| {
                let env = s["env"]
                    .as_mapping()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| {
                                (
                                    k.as_str().unwrap().to_string(),
                                    v.as_str().unwrap_or_default().to_string(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Step {
                    run: run.to_string(),
                    cond: s["if"].as_str().map(str::to_string),
                    env,
                }
            })
        })
        .collect()
}

#[test]
fn the_workflow_judges_with_github_annotations_keeps_the_report_and_gates_the_deploy() {
    let w = workflow();
    let steps = relcheck_steps();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert!(steps[0].run.contains("--format github"), "{}", steps[0].run);
    assert_eq!(steps[0].cond, None, "the judging step must fail the job");
    assert!(steps[1]
        .run
        .contains("--format json > relcheck-report.json"));
    assert_eq!(steps[1].cond.as_deref(), Some("always()"));
    assert!(steps[1]
        .env
        .contains(&("GITHUB_STEP_SUMMARY".to_string(), String::new())));
    let uploads: Vec<_> = w["jobs"]["relcheck"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact"))
        })
        .collect();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0]["if"].as_str(), Some("always()"));
    assert_eq!(
        uploads[0]["with"]["path"].as_str(),
        Some("relcheck-report.json")
    );
    assert_eq!(w["jobs"]["deploy"]["needs"].as_str(), Some("relcheck"));
}

/// Runs the job's relcheck steps as Actions would: in order, each in `bash -e -o pipefail`,
/// a failed step skipping the later ones but those marked `if: always()`. The stdout of every
/// step, the exit code of the first that failed (else 0), and the step summary.
fn actions_job(manifest: &str, dir: &Path) -> (Output, String) {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_relcheck")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let summary = dir.join("summary.md");
    let mut first: Option<Output> = None;
    let mut stdout = Vec::new();
    for Step { run, cond, env } in relcheck_steps() {
        let failed = first.as_ref().is_some_and(|o| !o.status.success());
        if failed && cond.as_deref() != Some("always()") {
            continue;
        }
        let mut cmd = Command::new("bash");
        cmd.current_dir(dir)
            .args(["-e", "-o", "pipefail", "-c", &run])
            .env("PATH", &path)
            .env("MANIFEST", manifest);
        cmd.env("RELCHECK_NOW", NOW)
            .env("GITHUB_STEP_SUMMARY", &summary);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        stdout.extend_from_slice(&out.stdout);
        if first.as_ref().is_none_or(|o| o.status.success()) {
            first = Some(out);
        }
    }
    let mut out = first.expect("at least one step ran");
    out.stdout = stdout;
    (out, std::fs::read_to_string(summary).unwrap_or_default())
}

#[test]
fn the_actions_job_annotates_keeps_a_json_report_and_writes_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = actions_job(&story("friday.toml"), dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=")
            && stdout.contains("title=critical-evidence (api-timeout)::"),
        "{stdout}"
    );
    assert!(stdout.contains("::notice "), "{stdout}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("relcheck-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["verdict"], "no-go");
    assert!(summary.contains("NO-GO"), "{summary}");
    assert!(summary.contains("critical-evidence"), "{summary}");
    assert_eq!(
        summary.matches("**Verdict:").count(),
        1,
        "the summary is written once"
    );

    let dir = tempfile::tempdir().unwrap();
    let (out, _) = actions_job(&story("wednesday.toml"), dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("relcheck-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["verdict"], "go");
}
