//! `relcheck answer ID VALUE`: one answer without the walk, saved as `go` saves it, into a
//! file it creates when it is missing.

use assert_cmd::Command;
use std::path::Path;

#[path = "common/story.rs"]
mod story_files;

fn story() -> tempfile::TempDir {
    story_files::release("wednesday.toml", "api-timeout-staging-rerun.jtl")
}

const NOW: &str = "2026-11-25T13:30:00+09:00";

fn relcheck(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("relcheck").unwrap();
    cmd.current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .env("RELCHECK_NOW", NOW);
    cmd
}

fn table(path: &Path) -> toml::Table {
    std::fs::read_to_string(path).unwrap().parse().unwrap()
}

#[test]
fn an_answer_is_saved_with_who_when_and_the_manifest_into_a_file_it_creates() {
    let dir = story();
    let out = relcheck(dir.path())
        .args(["answer", "rollback.plan", "yes", "--by", "minho"])
        .args(["--answers", "new.answers.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rollback.plan: yes by minho"), "{stderr}");
    assert!(stderr.contains("✓ passes"), "{stderr}");
    let saved = table(&dir.path().join("new.answers.toml"));
    let a = &saved["answers"]["rollback.plan"];
    assert_eq!(a["value"].as_bool(), Some(true));
    assert_eq!(a["by"].as_str(), Some("minho"));
    assert_eq!(a["at"].as_str(), Some(NOW));
    let sha = relcheck::sha256::hex(&relcheck::sha256::of(
        std::fs::read(dir.path().join("release.toml")).unwrap(),
    ));
    assert_eq!(
        saved["meta"]["manifest_sha256"].as_str(),
        Some(sha.as_str())
    );
    assert!(
        saved["meta"]["sections"].get("changes").is_some(),
        "{saved}"
    );
}

#[test]
fn a_failing_answer_is_saved_and_said_to_block_go() {
    let dir = story();
    let out = relcheck(dir.path())
        .args(["answer", "rollback.time", "not known"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("✗ blocks GO"), "{stderr}");
    let saved = table(&dir.path().join("release.answers.toml"));
    assert_eq!(
        saved["answers"]["rollback.time"]["value"].as_str(),
        Some("not known")
    );
    assert_eq!(
        saved["answers"]["rollback.time"]["by"].as_str(),
        Some("jiyoon")
    );
}

#[test]
fn a_choice_the_item_does_not_have_is_an_input_error_and_writes_nothing() {
    let dir = story();
    let out = relcheck(dir.path())
        .args(["answer", "rollback.time", "under 15 minuts"])
        .args(["--answers", "new.answers.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("did you mean `under 15 minutes`?"),
        "{stderr}"
    );
    assert!(!dir.path().join("new.answers.toml").exists());
}

#[test]
fn answers_for_an_older_manifest_are_set_aside_before_the_new_one_is_saved() {
    let dir = story();
    relcheck(dir.path())
        .args(["answer", "rollback.plan", "true"])
        .assert()
        .success();
    let manifest = dir.path().join("release.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("title = \"", "title = \"Edited: ", 1),
    )
    .unwrap();
    relcheck(dir.path())
        .args(["answer", "rollback.owner", "seojun"])
        .assert()
        .success();
    let saved = table(&dir.path().join("release.answers.toml"));
    let given = saved["answers"].as_table().unwrap();
    assert_eq!(given.len(), 1, "{saved}");
    assert!(given.contains_key("rollback.owner"));
    assert_eq!(
        saved["previous"]["rollback.plan"]["value"].as_bool(),
        Some(true)
    );
}
