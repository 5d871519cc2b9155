//! Sign-off snapshots in both formats, with digests and hashes filtered, and the escaping
//! that keeps text from manifests and evidence files from pinging anyone, injecting markup or
//! breaking a table.

use relcheck::inputs::{load, Locations};
use relcheck::report::{markdown::Markdown, slack::Slack, Render, Report};
use std::path::Path;

fn report(manifest: &str, now: &str) -> Report {
    let loc = Locations {
        manifest: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(manifest)),
        ..Locations::default()
    };
    let inputs = load(&loc).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(now).unwrap();
    relcheck::judge::judge(&inputs, now)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[digest]");
    s.add_filter(r"`[0-9a-f]{64}`", "`[sha256]`");
    s.add_filter(r"`[0-9a-f]{12}`", "`[sha256]`");
    s.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)",
        "[timestamp]",
    );
    s
}

#[test]
fn markdown_signoff_of_the_friday_no_go() {
    let r = report("examples/story/friday.toml", "2026-11-20T22:40:00+09:00");
    settings().bind(|| insta::assert_snapshot!(Markdown { signed_by: None }.render(&r)));
}

#[test]
fn markdown_signoff_of_the_wednesday_go_signed_by_the_deployer() {
    let r = report("examples/story/wednesday.toml", "2026-11-25T13:30:00+09:00");
    settings().bind(|| {
        insta::assert_snapshot!(Markdown {
            signed_by: Some("jiyoon".into())
        }
        .render(&r))
    });
}

#[test]
fn slack_signoff_of_the_friday_no_go() {
    let r = report("examples/story/friday.toml", "2026-11-20T22:40:00+09:00");
    settings().bind(|| insta::assert_snapshot!(Slack { signed_by: None }.render(&r)));
}

#[test]
fn slack_signoff_of_the_wednesday_go() {
    let r = report("examples/story/wednesday.toml", "2026-11-25T13:30:00+09:00");
    settings().bind(|| {
        insta::assert_snapshot!(Slack {
            signed_by: Some("jiyoon".into())
        }
        .render(&r))
    });
}

#[test]
fn hostile_text_cannot_ping_inject_or_break_a_markdown_table() {
    let r = report(
        "tests/fixtures/hostile/release.toml",
        "2026-11-25T13:30:00+09:00",
    );
    let md = Markdown { signed_by: None }.render(&r);
    for bad in [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U",
        "@here",
        "@channel",
        "<script",
        "<b>",
        "<img",
        "\u{1b}",
        "\u{202e}",
    ] {
        assert!(!md.contains(bad), "markdown contains {bad:?}");
    }
    // Every table row keeps its column count: no unescaped pipe or newline inside a cell.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells >= 3, "{line}");
    }
    let evidence_row = md
        .lines()
        .find(|l| l.starts_with("| `api-timeout` | junit"))
        .unwrap();
    assert_eq!(
        evidence_row.replace("\\|", "").matches('|').count(),
        9,
        "{evidence_row}"
    );
    assert!(md.contains("1 failed"), "{md}");
    settings().bind(|| insta::assert_snapshot!(md));
}

#[test]
fn hostile_text_cannot_ping_or_break_a_slack_message() {
    let r = report(
        "tests/fixtures/hostile/release.toml",
        "2026-11-25T13:30:00+09:00",
    );
    let slack = Slack { signed_by: None }.render(&r);
    for bad in [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<@U",
        "@here",
        "@channel",
        "<script",
        "<img",
        "\u{1b}",
        "\u{202e}",
    ] {
        assert!(!slack.contains(bad), "slack contains {bad:?}");
    }
    assert!(slack.contains("&lt;!channel&gt;"));
    assert!(!slack.contains("<2>"));
    assert!(
        !slack.contains('|') || !slack.contains("|<"),
        "no link syntax injected"
    );
    settings().bind(|| insta::assert_snapshot!(slack));
}
