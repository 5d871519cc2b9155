//! What makes relcheck feel like the command-line tools around it: `init`, colour that
//! follows `--color`, `NO_COLOR` and `CLICOLOR_FORCE`, help with examples and exit codes,
//! `--version`, shell completions and the man page.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-25T13:30:00+09:00";

fn relcheck() -> Command {
    let mut cmd = Command::cargo_bin("relcheck").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("RELCHECK_NOW", NOW);
    cmd
}

fn story(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/story")
        .join(name)
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

fn has_colour(s: &str) -> bool {
    s.contains("\x1b[")
}

fn friday() -> Command {
    let mut cmd = relcheck();
    cmd.arg("check").arg("-m").arg(story("friday.toml"));
    cmd
}

#[test]
fn colour_is_off_when_stdout_is_not_a_terminal() {
    assert!(!has_colour(&stdout(&mut friday())));
}

#[test]
fn color_always_and_never_win_over_everything() {
    assert!(has_colour(&stdout(
        friday().args(["--color", "always"]).env("NO_COLOR", "1")
    )));
    assert!(!has_colour(&stdout(
        friday()
            .args(["--color", "never"])
            .env("CLICOLOR_FORCE", "1")
    )));
}

#[test]
fn clicolor_force_turns_colour_on_off_a_terminal() {
    assert!(has_colour(&stdout(friday().env("CLICOLOR_FORCE", "1"))));
    assert!(!has_colour(&stdout(friday().env("CLICOLOR_FORCE", "0"))));
}

#[test]
fn no_color_beats_clicolor_force() {
    assert!(!has_colour(&stdout(
        friday().env("NO_COLOR", "1").env("CLICOLOR_FORCE", "1")
    )));
}

#[test]
fn json_is_never_coloured() {
    assert!(!has_colour(&stdout(
        friday().args(["--format", "json", "--color", "always"])
    )));
}

#[test]
fn quiet_prints_nothing_and_the_exit_code_tells_the_verdict() {
    friday().arg("-q").assert().code(1).stdout("");
    relcheck()
        .arg("check")
        .arg("-q")
        .arg("-m")
        .arg(story("wednesday.toml"))
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn every_command_has_help_with_an_example_and_its_exit_codes() {
    for cmd in [
        "check",
        "risk",
        "go",
        "answer",
        "signoff",
        "init",
        "schema",
        "completions",
        "man",
    ] {
        let help = stdout(relcheck().args([cmd, "--help"]));
        assert!(
            help.contains("Example:"),
            "{cmd} --help has no example:\n{help}"
        );
        assert!(
            help.contains("Exit codes:"),
            "{cmd} --help has no exit codes:\n{help}"
        );
    }
    let top = stdout(relcheck().arg("--help"));
    assert!(top.contains("Exit codes: 0 GO · 1 NO-GO · 2 input or usage error"));
}

#[test]
fn version_prints_the_crate_version() {
    relcheck()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("relcheck {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_2_with_an_error_line() {
    let out = relcheck()
        .args(["check", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    let out = relcheck().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_are_printed_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _relcheck"),
        ("zsh", "#compdef relcheck"),
        ("fish", "complete -c relcheck"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[relcheck]"),
    ] {
        let out = stdout(relcheck().args(["completions", shell]));
        assert!(out.contains(marker), "{shell}: no {marker:?} in\n{out}");
        assert!(out.contains("init") && out.contains("schema"), "{shell}");
    }
}

#[test]
fn the_man_page_is_roff_naming_the_commands() {
    let man = stdout(relcheck().arg("man"));
    assert!(man.contains(".TH relcheck 1"), "{man}");
    for cmd in ["check", "risk", "init", "schema", "completions"] {
        assert!(
            man.contains(&format!("relcheck\\-{cmd}")),
            "no {cmd} in\n{man}"
        );
    }
}

// --- init ---------------------------------------------------------------------------------

const WRITTEN: [&str; 4] = [
    "release.toml",
    "checklists/standard.toml",
    ".relcheck/manifest.schema.json",
    ".relcheck/checklist.schema.json",
];

fn init(dir: &Path) -> Command {
    let mut cmd = relcheck();
    cmd.current_dir(dir).arg("init");
    cmd
}

#[test]
fn init_writes_a_release_that_check_judges_no_go_for_its_open_checklist() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path()).assert().success();
    for f in WRITTEN {
        assert!(dir.path().join(f).is_file(), "{f} not written");
    }
    let out = relcheck()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "no-go");
    let checklist_blocks = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "checklist" && f["level"] == "block")
        .count();
    assert!(checklist_blocks > 0, "{report}");
}

#[test]
fn init_writes_the_built_in_checklist_under_its_schema_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path()).assert().success();
    let written = std::fs::read_to_string(dir.path().join("checklists/standard.toml")).unwrap();
    assert!(written.starts_with("#:schema ../.relcheck/checklist.schema.json\n"));
    assert!(written.ends_with(relcheck::inputs::STANDARD_CHECKLIST));
    let manifest = std::fs::read_to_string(dir.path().join("release.toml")).unwrap();
    assert!(manifest.starts_with("#:schema ./.relcheck/manifest.schema.json\n"));
    assert!(manifest.contains("checklist = \"checklists/standard.toml\""));
    let schema =
        std::fs::read_to_string(dir.path().join(".relcheck/manifest.schema.json")).unwrap();
    assert_eq!(
        schema,
        relcheck::model::schema::to_json(relcheck::model::schema::Which::Manifest)
    );
}

#[test]
fn init_refuses_to_overwrite_and_then_writes_nothing_at_all() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.toml"), "mine").unwrap();
    init(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: release.toml: already exists",
        ))
        .stderr(predicates::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("release.toml")).unwrap(),
        "mine"
    );
    for f in &WRITTEN[1..] {
        assert!(!dir.path().join(f).exists(), "{f} was written");
    }
    // Only the checklist in the way: still nothing written, and it is the one named.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("checklists")).unwrap();
    std::fs::write(dir.path().join("checklists/standard.toml"), "ours").unwrap();
    init(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("checklists/standard.toml"));
    assert!(!dir.path().join("release.toml").exists());
}

#[test]
fn init_force_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("release.toml"), "mine").unwrap();
    init(dir.path()).arg("--force").assert().success();
    let manifest = std::fs::read_to_string(dir.path().join("release.toml")).unwrap();
    assert!(manifest.contains("[release]"));
}

#[test]
fn init_with_a_manifest_path_writes_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path())
        .args(["-q", "-m", "deploy/prod.toml"])
        .assert()
        .success()
        .stdout("");
    for f in [
        "deploy/prod.toml",
        "deploy/checklists/standard.toml",
        "deploy/.relcheck/manifest.schema.json",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} not written");
    }
    relcheck()
        .current_dir(dir.path())
        .args(["check", "-q", "-m", "deploy/prod.toml"])
        .assert()
        .code(1);
}

#[test]
fn completion_offers_release_options_only_to_commands_that_read_a_release() {
    let out = stdout(relcheck().args(["completions", "bash"]));
    let opts = |sub: &str| -> String {
        let at = out
            .find(&format!("        relcheck__subcmd__{sub})\n"))
            .unwrap_or_else(|| panic!("no {sub} in the completion"));
        out[at..].lines().nth(1).unwrap().to_string()
    };
    for sub in ["schema", "completions"] {
        let line = opts(sub);
        assert!(
            !line.contains("-m ") && !line.contains("--manifest"),
            "{sub}: {line}"
        );
    }
    for sub in ["check", "go", "answer"] {
        assert!(opts(sub).contains("--manifest"), "{sub}");
    }
}

#[test]
fn a_60_column_terminal_gets_lists_that_keep_ids_and_paths_whole() {
    let out = stdout(
        relcheck()
            .env("NO_COLOR", "1")
            .env("COLUMNS", "60")
            .env("RELCHECK_NOW", "2026-11-20T22:00:00+09:00")
            .args(["check", "-m"])
            .arg(story("friday.toml")),
    );
    for whole in [
        "api-timeout",
        "signup-flow",
        "payment-perf",
        "evidence/api-timeout-staging.jtl",
    ] {
        let lines = out.lines().filter(|l| l.contains(whole)).count();
        assert!(lines > 0, "{whole} is cut apart:\n{out}");
    }
    assert!(!out.contains('┌'), "a table at 60 columns:\n{out}");
    assert!(out.contains("   54 =  9 × 6  api-timeout"), "{out}");
}
