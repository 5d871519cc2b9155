//! In GitHub Actions, `check` and `go` append the markdown report to `$GITHUB_STEP_SUMMARY`,
//! and `signoff -o` writes its file whole.

#[test]
fn check_appends_the_markdown_report_to_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    for (manifest, code) in [
        ("examples/story/friday.toml", 1),
        ("examples/story/wednesday.toml", 0),
    ] {
        assert_cmd::Command::cargo_bin("relcheck")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "check",
                "-q",
                "-m",
                manifest,
                "--now",
                "2026-11-25T13:30:00+09:00",
            ])
            .env("GITHUB_STEP_SUMMARY", &summary)
            .assert()
            .code(code);
    }
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n"));
    assert!(
        text.contains("⛔ NO-GO") && text.contains("✅ GO"),
        "{text}"
    );
    assert_eq!(text.matches("# Release sign-off").count(), 2);
}

#[test]
fn go_without_a_terminal_appends_to_the_step_summary_too() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "go",
            "-q",
            "-m",
            "examples/story/wednesday.toml",
            "--now",
            "2026-11-25T13:30:00+09:00",
        ])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("CI", "true")
        .assert()
        .code(0);
    assert!(std::fs::read_to_string(&summary).unwrap().contains("✅ GO"));
}

#[test]
fn signoff_to_a_file_writes_it_and_exits_by_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested/signoff.md");
    assert_cmd::Command::cargo_bin("relcheck")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "signoff",
            "-m",
            "examples/story/friday.toml",
            "--now",
            "2026-11-20T22:40:00+09:00",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("NO-GO") && text.contains("not** cleared to deploy"));
}
