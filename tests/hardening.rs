//! The gate under attack, from the outside: files it must not overwrite, modes it must keep,
//! a stdout that is closed or full, numbers that must not wrap, errors that must say where.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-25T13:30:00+09:00";

fn story(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/story")
        .join(name)
}

fn relcheck() -> Command {
    let mut cmd = Command::cargo_bin("relcheck").unwrap();
    cmd.env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .env("RELCHECK_NOW", NOW);
    cmd
}

/// The Wednesday story (a GO) copied into a folder of its own.
fn wednesday() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(story("wednesday.toml"), dir.path().join("release.toml")).unwrap();
    std::fs::copy(
        story("wednesday.answers.toml"),
        dir.path().join("release.answers.toml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("evidence")).unwrap();
    std::fs::copy(
        story("evidence/api-timeout-staging-rerun.jtl"),
        dir.path().join("evidence/api-timeout-staging-rerun.jtl"),
    )
    .unwrap();
    dir
}

#[test]
fn signoff_out_never_replaces_an_existing_file_without_force() {
    let dir = wednesday();
    let manifest = std::fs::read(dir.path().join("release.toml")).unwrap();
    let out = relcheck()
        .current_dir(dir.path())
        .args(["signoff", "-o", "release.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("release.toml") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("release.toml")).unwrap(),
        manifest
    );

    // With --force it is replaced, and keeps its mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.path().join("signoff.md");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        relcheck()
            .current_dir(dir.path())
            .args(["signoff", "-o", "signoff.md", "--force"])
            .assert()
            .code(0);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("# Release sign-off"), "{text}");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}

#[cfg(unix)]
#[test]
fn a_new_signoff_gets_the_mode_the_umask_gives() {
    use std::os::unix::fs::PermissionsExt;
    let dir = wednesday();
    // The umask is the test's own (the child inherits it): compare with a file made here.
    let probe = dir.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    relcheck()
        .current_dir(dir.path())
        .args(["signoff", "-o", "new.md"])
        .assert()
        .code(0);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("new.md")), mode(&probe));
}

/// Runs `relcheck ARGS | head -c 1` in bash; returns relcheck's exit code and stderr.
fn into_closed_pipe(dir: &Path, args: &str) -> (i32, String) {
    let bin = env!("CARGO_BIN_EXE_relcheck");
    let out = std::process::Command::new("bash")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RELCHECK_NOW", NOW)
        .env_remove("GITHUB_STEP_SUMMARY")
        .arg("-c")
        .arg(format!(
            "'{bin}' {args} | head -c 1 >/dev/null; exit ${{PIPESTATUS[0]}}"
        ))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_reader_that_goes_away_ends_the_report_quietly() {
    let dir = wednesday();
    // A report far larger than a pipe's buffer, so the write meets the closed pipe.
    let manifest = std::fs::read_to_string(dir.path().join("release.toml")).unwrap();
    let long = "t".repeat(512 * 1024);
    std::fs::write(
        dir.path().join("release.toml"),
        manifest.replacen("title = \"", &format!("title = \"{long} "), 1),
    )
    .unwrap();
    for (args, code) in [
        ("check --format json", 0),
        ("check --format markdown", 0),
        ("signoff", 0),
        ("risk", 0),
        ("schema", 0),
    ] {
        let (got, stderr) = into_closed_pipe(dir.path(), args);
        assert_eq!(got, code, "{args}: {stderr}");
        assert!(stderr.is_empty(), "{args}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_not_a_panic() {
    let dir = wednesday();
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["signoff"],
        &["signoff", "--format", "slack"],
        &["risk"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_relcheck"))
            .current_dir(dir.path())
            .args(args)
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("RELCHECK_NOW", NOW)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: stdout: cannot write the report"),
            "{args:?}: {stderr}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_step_summary_that_cannot_be_written_does_not_change_the_exit_code() {
    let dir = wednesday();
    let out = relcheck()
        .current_dir(dir.path())
        .args(["check", "-q"])
        .env("GITHUB_STEP_SUMMARY", "/dev/full")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/dev/full: cannot append the step summary"),
        "{stderr}"
    );
}

#[test]
fn a_recovery_too_long_to_count_is_an_input_error_at_its_value() {
    let dir = wednesday();
    let manifest = std::fs::read_to_string(dir.path().join("release.toml")).unwrap();
    let line = manifest
        .lines()
        .position(|l| l.starts_with("recovery = "))
        .unwrap()
        + 1;
    let bad = manifest.replacen(
        manifest
            .lines()
            .find(|l| l.starts_with("recovery = "))
            .unwrap(),
        "recovery = \"18446744073709551615s 1ns\"",
        1,
    );
    std::fs::write(dir.path().join("release.toml"), bad).unwrap();
    let out = relcheck()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("error: release.toml:{line}:12: ")),
        "{stderr}"
    );
    assert!(stderr.contains("longer than 100 years"), "{stderr}");
}

#[test]
fn a_key_nested_too_deep_is_an_error_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("release.toml"),
        format!(
            "[release]\nname = \"r\"\ndeployer = \"jiyoon\"\n{} = 1\n",
            vec!["a"; 100].join(".")
        ),
    )
    .unwrap();
    let out = relcheck()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: release.toml:4:1: "), "{stderr}");
}

#[test]
fn an_unknown_key_with_escape_sequences_cannot_repaint_the_terminal() {
    let dir = wednesday();
    let manifest = std::fs::read_to_string(dir.path().join("release.toml")).unwrap();
    std::fs::write(
        dir.path().join("release.toml"),
        manifest.replacen(
            "[release]\n",
            "[release]\n\"\\u001B]0;owned\\u0007\\u001B[2J\\u001B[31mFAKE: relcheck says GO\\u202E\" = 1\n",
            1,
        ),
    )
    .unwrap();
    let out = relcheck()
        .current_dir(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("FAKE: relcheck says GO"), "{stderr}");
    assert!(
        !stderr.contains(['\u{1b}', '\u{7}', '\u{202E}']),
        "{stderr:?}"
    );
}
