//! `--post` against a real HTTP server on 127.0.0.1 standing in for the chat webhook: what it
//! answers (200, 429 with Retry-After, 500 three times, 400, nothing at all) decides how often
//! relcheck tries; the sign-off is written and the exit code is the verdict's whatever the post
//! did; and the webhook's secret path is printed nowhere.

use assert_cmd::Command;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "T000/B000/s3cr3t-webhook-path";
const NOW: &str = "2026-11-25T13:30:00+09:00";

/// What the receiver does with the n-th request.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    TooMany(u64),
    Never,
}

struct Receiver {
    url: String,
    hits: Arc<AtomicUsize>,
    bodies: Arc<Mutex<Vec<String>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(script: Vec<Answer>) -> Receiver {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (s, h, b) = (server.clone(), hits.clone(), bodies.clone());
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            for mut req in s.incoming_requests() {
                let n = h.fetch_add(1, Ordering::SeqCst);
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                b.lock().unwrap().push(body);
                match script.get(n).copied().unwrap_or(Answer::Status(200)) {
                    Answer::Status(code) => {
                        let _ = req.respond(tiny_http::Response::empty(code));
                    }
                    Answer::TooMany(secs) => {
                        let header = tiny_http::Header::from_bytes(
                            &b"Retry-After"[..],
                            secs.to_string().as_bytes(),
                        )
                        .unwrap();
                        let _ = req.respond(tiny_http::Response::empty(429).with_header(header));
                    }
                    // Keep the connection open and say nothing.
                    Answer::Never => held.push(req),
                }
            }
        });
        Receiver {
            url: format!("http://127.0.0.1:{port}/services/{SECRET}"),
            hits,
            bodies,
            server,
            thread: Some(thread),
        }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn story() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/story/wednesday.toml")
}

/// `signoff -o FILE --post` with the webhook at `url`: (exit code, stdout + stderr).
fn signoff_post(url: &str, dir: &std::path::Path) -> (i32, String) {
    let out = Command::cargo_bin("relcheck")
        .unwrap()
        .env("RELCHECK_WEBHOOK_URL", url)
        .env_remove("RELCHECK_NOW")
        .args(["signoff", "-m"])
        .arg(story())
        .args(["--now", NOW, "--post", "-o"])
        .arg(dir.join("signoff.md"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("s3cr3t"),
        "the webhook's path was printed: {text}"
    );
    assert!(
        dir.join("signoff.md").is_file() && dir.join("signoff.json").is_file(),
        "the sign-off and its record are written whatever the post did"
    );
    (out.status.code().unwrap(), text)
}

#[test]
fn a_200_takes_one_request_with_the_slack_signoff_as_text() {
    let r = Receiver::start(vec![Answer::Status(200)]);
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = signoff_post(&r.url, dir.path());
    assert_eq!(code, 0);
    assert!(text.contains("posted to the team channel"), "{text}");
    assert_eq!(r.hits(), 1);
    let body: serde_json::Value = serde_json::from_str(&r.bodies.lock().unwrap()[0]).unwrap();
    let posted = body["text"].as_str().unwrap();
    assert!(
        posted.starts_with("*Release sign-off: 2026-11-25 release*"),
        "{posted}"
    );
}

#[test]
fn a_429_is_tried_again_after_retry_after() {
    let r = Receiver::start(vec![Answer::TooMany(1), Answer::Status(200)]);
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = signoff_post(&r.url, dir.path());
    assert_eq!(code, 0);
    assert!(text.contains("posted to the team channel"), "{text}");
    assert_eq!(r.hits(), 2);
}

#[test]
fn a_500_is_tried_three_times_and_the_exit_code_stays_the_verdict_s() {
    let r = Receiver::start(vec![Answer::Status(500); 3]);
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = signoff_post(&r.url, dir.path());
    assert_eq!(code, 0);
    assert!(
        text.contains(
            "warning: not posted to the team channel: the channel answered HTTP 500, 3 times"
        ),
        "{text}"
    );
    assert_eq!(r.hits(), 3);
}

#[test]
fn a_400_is_not_tried_again() {
    let r = Receiver::start(vec![Answer::Status(400)]);
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = signoff_post(&r.url, dir.path());
    assert_eq!(code, 0);
    assert!(text.contains("refused the post: HTTP 400"), "{text}");
    assert_eq!(r.hits(), 1);
}

#[test]
fn a_channel_that_never_answers_is_given_up_on_after_three_attempts() {
    let r = Receiver::start(vec![Answer::Never; 3]);
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let (code, text) = signoff_post(&r.url, dir.path());
    assert_eq!(code, 0);
    assert!(
        text.contains("not posted to the team channel: no answer"),
        "{text}"
    );
    assert_eq!(r.hits(), 3);
    // A hang guard, not a speed assertion: three 10 s attempts and two pauses.
    assert!(started.elapsed() < Duration::from_secs(120));
}

#[test]
fn post_without_a_webhook_says_so_and_keeps_the_verdict() {
    let out = Command::cargo_bin("relcheck")
        .unwrap()
        .env_remove("RELCHECK_WEBHOOK_URL")
        .args(["signoff", "-m"])
        .arg(story())
        .args(["--now", NOW, "--post"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("needs the webhook's URL in RELCHECK_WEBHOOK_URL"));
}
