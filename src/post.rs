//! Posting to the team channel: a Slack-compatible incoming webhook (`{"text": …}`, which
//! Slack, Mattermost, Rocket.Chat and Discord's `/slack` endpoint accept).
//!
//! At most 10 s per attempt and 3 attempts. A 429 waits what `Retry-After` says (at most
//! [`MAX_WAIT`]); a 5xx or a connection error is tried again after a short pause; any other
//! answer is final. The webhook URL is a secret: no message names it, not even its host.

use crate::http::{Client, Endpoint, HttpError, Response, Timeouts};
use std::time::Duration;

pub const ATTEMPTS: u32 = 3;
pub const PER_ATTEMPT: Duration = Duration::from_secs(10);
/// The longest `Retry-After` honoured: a channel that asks for more is not waited for.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// Why a post failed, without the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostError(pub String);

impl std::fmt::Display for PostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Something that delivers one attempt: the real client, or a test's.
pub trait Send {
    fn send(&mut self, body: &serde_json::Value) -> Result<Response, HttpError>;
}

/// The webhook at a secret URL, through the one HTTP client.
pub struct Webhook {
    client: Client,
    endpoint: Endpoint,
}

impl Webhook {
    /// `url` is the webhook's whole URL (`RELCHECK_WEBHOOK_URL`); the error never quotes it.
    pub fn new(url: &str) -> Result<Webhook, PostError> {
        let endpoint = Endpoint::parse_secret(url)
            .map_err(|e| PostError(format!("RELCHECK_WEBHOOK_URL is not usable: {e}")))?;
        let timeouts = Timeouts {
            connect: PER_ATTEMPT,
            read: PER_ATTEMPT,
            total: Some(PER_ATTEMPT),
        };
        Ok(Webhook {
            client: Client::new(timeouts, None),
            endpoint,
        })
    }
}

impl Send for Webhook {
    fn send(&mut self, body: &serde_json::Value) -> Result<Response, HttpError> {
        self.client.post_json(&self.endpoint, "", body)
    }
}

/// Posts `text` with the retry policy above; `sleep` waits between attempts.
pub fn post(
    to: &mut dyn Send,
    text: &str,
    sleep: &mut dyn FnMut(Duration),
) -> Result<(), PostError> {
    let body = serde_json::json!({ "text": text });
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let wait = match to.send(&body) {
            Ok(r) if (200..300).contains(&r.status) => return Ok(()),
            Ok(r) if r.status == 429 => {
                last = "the channel answered 429 (too many requests)".into();
                match r.retry_after {
                    Some(w) if w > MAX_WAIT => {
                        return Err(PostError(format!(
                        "the channel answered 429 and asked to wait {}, longer than relcheck waits",
                        crate::fmt::span(w)
                    )))
                    }
                    Some(w) => w,
                    None => pause(attempt),
                }
            }
            Ok(r) if r.status >= 500 => {
                last = format!("the channel answered HTTP {}", r.status);
                pause(attempt)
            }
            Ok(r) => {
                return Err(PostError(format!(
                    "the channel refused the post: HTTP {}",
                    r.status
                )))
            }
            // The error's text is already scrubbed of the URL's secret path; only its kind is
            // kept, so not even the host is printed.
            Err(e) => {
                last = format!("no answer ({})", e.message);
                pause(attempt)
            }
        };
        if attempt < ATTEMPTS {
            sleep(wait);
        }
    }
    Err(PostError(format!("{last}, {ATTEMPTS} times")))
}

fn pause(attempt: u32) -> Duration {
    Duration::from_secs(u64::from(attempt))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers from a script, counting the requests.
    struct Script(Vec<Result<Response, HttpError>>, usize);

    impl Send for Script {
        fn send(&mut self, _: &serde_json::Value) -> Result<Response, HttpError> {
            self.1 += 1;
            self.0.remove(0)
        }
    }

    fn status(s: u16, retry_after: Option<u64>) -> Result<Response, HttpError> {
        Ok(Response {
            status: s,
            body: String::new(),
            retry_after: retry_after.map(Duration::from_secs),
        })
    }

    fn run(
        script: Vec<Result<Response, HttpError>>,
    ) -> (Result<(), PostError>, usize, Vec<Duration>) {
        let mut s = Script(script, 0);
        let mut waits = Vec::new();
        let out = post(&mut s, "hello", &mut |d| waits.push(d));
        (out, s.1, waits)
    }

    #[test]
    fn a_429_waits_what_retry_after_says_then_succeeds() {
        let (out, n, waits) = run(vec![status(429, Some(7)), status(200, None)]);
        assert_eq!((out, n), (Ok(()), 2));
        assert_eq!(waits, [Duration::from_secs(7)]);
    }

    #[test]
    fn a_5xx_is_tried_three_times_and_a_4xx_once() {
        let (out, n, _) = run(vec![
            status(500, None),
            status(502, None),
            status(503, None),
        ]);
        assert_eq!(n, 3);
        assert_eq!(out.unwrap_err().0, "the channel answered HTTP 503, 3 times");
        let (out, n, _) = run(vec![status(400, None)]);
        assert_eq!(n, 1);
        assert_eq!(out.unwrap_err().0, "the channel refused the post: HTTP 400");
    }

    #[test]
    fn connection_errors_are_retried_and_a_long_retry_after_is_not_waited_for() {
        let err = || {
            Err(HttpError {
                url: "https://hooks.example/…".into(),
                message: "connection refused".into(),
            })
        };
        let (out, n, waits) = run(vec![err(), err(), status(204, None)]);
        assert_eq!((out, n), (Ok(()), 3));
        assert_eq!(waits.len(), 2);
        let (out, n, _) = run(vec![status(429, Some(3600))]);
        assert_eq!(n, 1);
        assert!(out.unwrap_err().0.contains("asked to wait 1h"));
    }
}
