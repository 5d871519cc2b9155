//! `relcheck go` in a real pseudo-terminal: answering every prompt, a kill -9 in the middle
//! and a resume, Ctrl-C, and no terminal at all.

use expectrl::session::OsSession as Session;
use expectrl::{ControlCode, Eof, Expect};
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[path = "common/story.rs"]
mod story_files;

fn story() -> tempfile::TempDir {
    story_files::release("wednesday.toml", "api-timeout-staging-rerun.jtl")
}

/// The Friday release: a failed load test and a freeze window block it whatever the answers.
fn friday() -> tempfile::TempDir {
    story_files::release("friday.toml", "api-timeout-staging.jtl")
}

const NOW: &str = "2026-11-25T13:30:00+09:00";

fn go(dir: &Path, extra: &[&str]) -> Session {
    go_at(dir, NOW, extra)
}

fn exit_code(s: &Session) -> i32 {
    match s.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("relcheck did not exit normally: {other:?}"),
    }
}

/// Answers the question numbered `n` (the text before the widget is `[n/total]`): `y` or `n`
/// answers a confirm at once, Enter picks the highlighted choice, anything else is typed as
/// text and ended with Enter.
fn answer(s: &mut Session, n: usize, total: usize, keys: &str) {
    s.expect(format!("[{n}/{total}]")).unwrap();
    answer_shown(s, keys);
}

/// Answers the question already on screen.
fn answer_shown(s: &mut Session, keys: &str) {
    match keys {
        "y" | "n" => {
            s.expect("answer").unwrap();
            s.send(keys).unwrap();
        }
        "\r" => {
            s.expect("choose").unwrap();
            s.send(keys).unwrap();
        }
        text => {
            s.expect("answer").unwrap();
            s.send(text).unwrap();
            s.send("\r").unwrap();
        }
    }
}

/// The standard checklist for the (critical) story release: 10 items, in section order.
const SCRIPT: [&str; 10] = ["y", "seojun", "\r", "y", "minho", "y", "y", "y", "y", "y"];

fn answers(dir: &Path) -> toml::Table {
    std::fs::read_to_string(dir.join("release.answers.toml"))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn answering_every_prompt_reaches_a_written_signoff() {
    let dir = story();
    let mut s = go(dir.path(), &[]);
    for (i, keys) in SCRIPT.iter().enumerate() {
        answer(&mut s, i + 1, 10, keys);
    }
    s.expect("GO").unwrap();
    s.expect("Sign off as jiyoon?").unwrap();
    s.send("y").unwrap();
    // The release is named "2026-11-25 release": the date is not repeated in the file name.
    s.expect("signoffs/2026-11-25-release.md").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 0);
    let signoff =
        std::fs::read_to_string(dir.path().join("signoffs/2026-11-25-release.md")).unwrap();
    assert!(
        signoff.contains("GO") && signoff.contains("Signed off by | jiyoon"),
        "{signoff}"
    );
    // Its record lies beside it: the report that was signed, and who signed it when.
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("signoffs/2026-11-25-release.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(record["schema_version"], 2);
    assert_eq!(record["signoff"]["by"], "jiyoon");
    assert_eq!(record["signoff"]["verdict"], "go");
    assert_eq!(record["signoff"]["at"], NOW);
    assert_eq!(answers(dir.path())["answers"].as_table().unwrap().len(), 10);
}

#[test]
fn a_kill_mid_walk_loses_nothing_and_the_resume_asks_nothing_twice() {
    let dir = story();
    let mut s = go(dir.path(), &[]);
    for (i, keys) in SCRIPT.iter().take(3).enumerate() {
        answer(&mut s, i + 1, 10, keys);
    }
    // The fourth question is on screen: the third answer has been written.
    s.expect("[4/10]").unwrap();
    s.get_process_mut().kill(Signal::SIGKILL).unwrap();
    let _ = s.get_process().wait();
    let saved = answers(dir.path());
    let given = saved["answers"].as_table().unwrap();
    assert_eq!(given.len(), 3, "{saved}");
    assert_eq!(given["rollback.owner"]["value"].as_str(), Some("seojun"));
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".tmp")));

    let mut s = go(dir.path(), &[]);
    // Resumes at the fourth item, now 1 of 7.
    s.expect("[1/7] Are the dashboards open").unwrap();
    answer_shown(&mut s, SCRIPT[3]);
    for (i, keys) in SCRIPT.iter().skip(4).enumerate() {
        answer(&mut s, i + 2, 7, keys);
    }
    s.expect("Sign off as jiyoon?").unwrap();
    s.send("n").unwrap();
    s.expect("nothing written").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 1);
    assert!(!dir.path().join("signoffs").exists());
}

#[test]
fn ctrl_c_at_a_prompt_exits_130_with_the_cursor_shown_and_answers_kept() {
    let dir = story();
    let mut s = go(dir.path(), &[]);
    answer(&mut s, 1, 10, "y");
    answer(&mut s, 2, 10, "seojun");
    // A selection list hides the cursor while it is open.
    s.expect("[3/10]").unwrap();
    s.expect("choose").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    let rest = s.expect(Eof).unwrap();
    let tail = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(
        tail.contains("\u{1b}[?25h"),
        "the cursor is not shown again: {tail:?}"
    );
    // Whether the key arrives as a key in raw mode or as SIGINT between reads, it says so.
    assert!(
        tail.contains("interrupted:") && tail.contains("saved in"),
        "{tail:?}"
    );
    assert_eq!(exit_code(&s), 130);
    assert_eq!(answers(dir.path())["answers"].as_table().unwrap().len(), 2);
}

#[test]
fn esc_at_a_confirm_exits_130() {
    let dir = story();
    let mut s = go(dir.path(), &[]);
    s.expect("[1/10]").unwrap();
    s.expect("answer").unwrap();
    s.send("\u{1b}").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 130);
}

#[test]
fn without_a_terminal_go_asks_nothing_and_says_no_go() {
    let dir = story();
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_relcheck"))
        .current_dir(dir.path())
        .args(["go", "--now", NOW])
        .env_remove("CI")
        .write_stdin("y\ny\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stdout.contains("[1/10]") && !stderr.contains("[1/10]"));
    assert!(stderr.contains("rollback.plan (unanswered)"), "{stderr}");
    assert!(stdout.contains("NO-GO"));
    assert!(
        !dir.path().join("release.answers.toml").exists(),
        "echo y must never count as an answer"
    );
}

#[test]
fn ci_set_means_no_questions_even_on_a_terminal() {
    let dir = story();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relcheck"));
    cmd.current_dir(dir.path())
        .args(["go", "--now", NOW])
        .env("CI", "true")
        .env("NO_COLOR", "1");
    let mut s = Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    let all = s.expect(Eof).unwrap();
    assert!(!String::from_utf8_lossy(all.as_bytes()).contains("[1/10]"));
    assert_eq!(exit_code(&s), 1);
}

/// Two engineers walk the same answers file in two terminals. One answers the first item
/// "yes" and pauses; the other resets and answers it "no"; the first goes on. The "no" is
/// never reverted, each sees what the other saved, and the release is NO-GO.
#[test]
fn two_sessions_on_one_answers_file_never_revert_each_other() {
    let dir = story();
    let mut a = go(dir.path(), &[]);
    answer(&mut a, 1, 10, "y");
    a.expect("[2/10]").unwrap();
    assert_eq!(
        answers(dir.path())["answers"]["rollback.plan"]["value"].as_bool(),
        Some(true)
    );

    let mut b = go(dir.path(), &["--reset"]);
    answer(&mut b, 1, 10, "n");
    b.expect("[2/10]").unwrap();
    assert_eq!(
        answers(dir.path())["answers"]["rollback.plan"]["value"].as_bool(),
        Some(false)
    );

    // The first session goes on: its next save keeps the "no" and says so.
    answer_shown(&mut a, SCRIPT[1]);
    a.expect("meanwhile:").unwrap();
    a.expect("answered in another session by jiyoon: no")
        .unwrap();
    for (i, keys) in SCRIPT.iter().enumerate().skip(2) {
        answer(&mut a, i + 1, 10, keys);
    }
    a.expect("NO-GO").unwrap();
    a.expect(Eof).unwrap();
    assert_eq!(exit_code(&a), 1);

    // The second one answers the item that was on its screen all along: the first answer
    // stays, and nothing else is asked (everything is answered).
    answer_shown(&mut b, "hana");
    b.expect("yours (hana) was not saved").unwrap();
    b.expect("NO-GO").unwrap();
    b.expect(Eof).unwrap();
    assert_eq!(exit_code(&b), 1);

    let saved = answers(dir.path());
    let given = saved["answers"].as_table().unwrap();
    assert_eq!(given.len(), 10, "{saved}");
    assert_eq!(given["rollback.plan"]["value"].as_bool(), Some(false));
    assert_eq!(given["rollback.owner"]["value"].as_str(), Some("seojun"));
    let check = assert_cmd::Command::new(env!("CARGO_BIN_EXE_relcheck"))
        .current_dir(dir.path())
        .args(["check", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("NO-GO"));
}

#[test]
fn go_out_onto_an_existing_file_writes_nothing_without_force() {
    let dir = story();
    let manifest = std::fs::read(dir.path().join("release.toml")).unwrap();
    let mut s = go(dir.path(), &["--out", "release.toml"]);
    for (i, keys) in SCRIPT.iter().enumerate() {
        answer(&mut s, i + 1, 10, keys);
    }
    s.expect("Sign off as jiyoon?").unwrap();
    s.send("y").unwrap();
    s.expect("pass --force to replace it").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 2);
    assert_eq!(
        std::fs::read(dir.path().join("release.toml")).unwrap(),
        manifest
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_answers_file_stays_a_symlink_and_keeps_its_mode_and_comments() {
    use std::os::unix::fs::PermissionsExt;
    let dir = story();
    std::fs::create_dir(dir.path().join("shared")).unwrap();
    let target = dir.path().join("shared/answers.toml");
    std::fs::write(&target, "# Shared by the release team; keep this line.\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o664)).unwrap();
    let link = dir.path().join("release.answers.toml");
    std::os::unix::fs::symlink("shared/answers.toml", &link).unwrap();
    let mut s = go(dir.path(), &[]);
    answer(&mut s, 1, 10, "y");
    s.expect("[2/10]").unwrap();
    s.get_process_mut().kill(Signal::SIGKILL).unwrap();
    let _ = s.get_process().wait();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(
        text.starts_with("# Shared by the release team; keep this line.\n"),
        "{text}"
    );
    assert_eq!(
        answers(dir.path())["answers"]["rollback.plan"]["value"].as_bool(),
        Some(true)
    );
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
}

/// `go` at `now` in `dir`, with `extra` arguments.
fn go_at(dir: &Path, now: &str, extra: &[&str]) -> Session {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relcheck"));
    cmd.current_dir(dir)
        .args(["go", "--now", now])
        .args(extra)
        .env_remove("CI")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).unwrap();
    s.get_process_mut().set_window_size(80, 40).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

#[test]
fn what_already_blocks_is_shown_before_the_first_question_and_stopping_there_exits_1() {
    let dir = friday();
    let mut s = go_at(dir.path(), "2026-11-20T22:40:00+09:00", &[]);
    let shown = s.expect("Go on answering the checklist anyway?").unwrap();
    let before = String::from_utf8_lossy(shown.before()).to_string();
    assert!(before.contains("already block this release"), "{before}");
    assert!(
        before.contains("BLOCK evidence-failed [api-timeout]"),
        "{before}"
    );
    assert!(before.contains("BLOCK freeze-window [release]"), "{before}");
    assert!(
        !before.contains("[1/"),
        "asked before the blockers: {before}"
    );
    // Enter takes the default: stop.
    s.send("\r").unwrap();
    s.expect("Stopped before the checklist").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 1);
    assert!(!dir.path().join("release.answers.toml").exists());
}

#[test]
fn going_on_past_the_blockers_asks_the_checklist() {
    let dir = friday();
    let mut s = go_at(dir.path(), "2026-11-20T22:40:00+09:00", &[]);
    s.expect("Go on answering the checklist anyway?").unwrap();
    s.send("y").unwrap();
    s.expect("[1/10]").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 130);
}

#[test]
fn a_failing_answer_is_marked_as_blocking_the_moment_it_is_given() {
    let dir = story();
    let mut s = go(dir.path(), &[]);
    answer(&mut s, 1, 10, "n");
    s.expect("✗ no: blocks GO").unwrap();
    answer(&mut s, 2, 10, "seojun");
    s.expect("✓ seojun").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Eof).unwrap();
}

#[test]
fn the_whole_judgement_is_shown_before_the_sign_off_question() {
    let dir = story();
    let mut s = go(dir.path(), &[]);
    for (i, keys) in SCRIPT.iter().enumerate() {
        answer(&mut s, i + 1, 10, keys);
    }
    let shown = s.expect("Sign off as jiyoon?").unwrap();
    // What came after the last answer.
    let after_walk = String::from_utf8_lossy(shown.before()).to_string();
    // As `check` shows it: the evidence with its figures, the checklist, the verdict.
    for part in [
        "13600 samples, 0.0% errors",
        "Checklist: 10 of 10 required items pass",
        "GO  (",
        "digest sha256:",
    ] {
        assert!(after_walk.contains(part), "{part} missing in {after_walk}");
    }
    s.send("n").unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 1);
}

/// Answers the whole story checklist and declines the sign-off.
fn answer_all_and_decline(dir: &Path) {
    let mut s = go(dir, &[]);
    for (i, keys) in SCRIPT.iter().enumerate() {
        answer(&mut s, i + 1, 10, keys);
    }
    s.expect("Sign off as jiyoon?").unwrap();
    s.send("n").unwrap();
    s.expect(Eof).unwrap();
}

#[test]
fn a_resume_says_how_many_answers_are_kept_by_whom_and_when() {
    let dir = story();
    let mut s = go(dir.path(), &[]);
    for (i, keys) in SCRIPT.iter().take(4).enumerate() {
        answer(&mut s, i + 1, 10, keys);
    }
    s.expect("[5/10]").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Eof).unwrap();
    let mut s = go(dir.path(), &["--by", "minho"]);
    s.expect("4 of 10 answered by jiyoon at 13:30; asking the other 6")
        .unwrap();
    s.expect("[1/6]").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Eof).unwrap();
}

#[test]
fn after_a_manifest_edit_each_earlier_answer_is_kept_with_one_key() {
    let dir = story();
    answer_all_and_decline(dir.path());
    let before = answers(dir.path());
    let manifest = dir.path().join("release.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("title = \"", "title = \"Edited: ", 1),
    )
    .unwrap();
    let mut s = go(dir.path(), &[]);
    s.expect("The manifest changed since these 10 answers were given by jiyoon at 13:30")
        .unwrap();
    s.expect("changed: [changes].").unwrap();
    for n in 1..=10 {
        s.expect(format!("[{n}/10]")).unwrap();
        s.expect("Enter keeps it").unwrap();
        s.send("\r").unwrap();
    }
    s.expect("Sign off as jiyoon?").unwrap();
    s.send("n").unwrap();
    s.expect(Eof).unwrap();
    let after = answers(dir.path());
    let (old, new) = (
        before["answers"].as_table().unwrap(),
        after["answers"].as_table().unwrap(),
    );
    assert_eq!(new.len(), 10, "{after}");
    for (id, a) in old {
        assert_eq!(new[id]["value"], a["value"], "{id}");
    }
    assert!(after.get("previous").is_none(), "{after}");
    assert_ne!(
        before["meta"]["manifest_sha256"],
        after["meta"]["manifest_sha256"]
    );
}

#[test]
fn go_item_asks_that_one_item_again() {
    let dir = story();
    answer_all_and_decline(dir.path());
    let mut s = go(dir.path(), &["--item", "rollback.owner"]);
    s.expect("[1/1] Who runs the rollback").unwrap();
    s.expect("earlier answer: seojun (Enter keeps it)").unwrap();
    s.expect("answer [seojun]: ").unwrap();
    s.send("hana\r").unwrap();
    s.expect("Sign off as jiyoon?").unwrap();
    s.send("n").unwrap();
    s.expect(Eof).unwrap();
    let after = answers(dir.path());
    assert_eq!(
        after["answers"]["rollback.owner"]["value"].as_str(),
        Some("hana")
    );
    assert_eq!(after["answers"].as_table().unwrap().len(), 10);
}

#[test]
fn ctrl_c_at_the_blockers_question_exits_130_and_writes_nothing() {
    let dir = friday();
    let mut s = go_at(dir.path(), "2026-11-20T22:40:00+09:00", &[]);
    s.expect("Go on answering the checklist anyway?").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(exit_code(&s), 130);
    assert!(!dir.path().join("release.answers.toml").exists());
}

#[test]
fn an_items_help_is_shown_under_its_prompt() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("release.toml"),
        "[release]\nname = \"r\"\ndeployer = \"jiyoon\"\nchecklist = \"c.toml\"\n\n[[changes]]\nid = \"ui\"\ntitle = \"UI\"\nseverity = \"low\"\nimpact = 1\nlikelihood = 1\nrecovery = \"5m\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "[[items]]\nid = \"flag\"\nsection = \"rollback\"\nprompt = \"Is the feature flag ready?\"\nhelp = \"The flag is payments.fast_path in the admin console.\"\n",
    )
    .unwrap();
    let mut s = go(dir.path(), &[]);
    // Nobody is on call and no dashboard is listed: those block first.
    s.expect("Go on answering the checklist anyway?").unwrap();
    s.send("y").unwrap();
    s.expect("[1/1] Is the feature flag ready?").unwrap();
    s.expect("The flag is payments.fast_path in the admin console.")
        .unwrap();
    s.expect("answer").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Eof).unwrap();
}
