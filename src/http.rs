//! The one HTTP client: Prometheus' queries use it, and so will the webhook post.
//!
//! Secrets never reach a message. A URL's `user:password` is taken out of the URL and sent as
//! basic auth; a bearer token is sent as a header. Every error names the URL as
//! [`Endpoint::shown`] writes it (no password) and is scrubbed of the password and the token,
//! whatever the underlying library put in its text.

use std::fmt;
use std::time::Duration;

/// A base URL with its credentials taken apart, so that only [`Endpoint::shown`] is printable.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port][/path]` without userinfo and without a trailing slash.
    base: String,
    user: Option<String>,
    password: Option<String>,
    /// The path is a secret too (a chat webhook's URL): shown as `…`.
    secret_path: bool,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.shown())
    }
}

impl Endpoint {
    /// Parses an `http://` or `https://` URL; the error says what was expected, never quoting
    /// the URL (it may hold a password).
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let url = url.trim();
        let (scheme, rest) = url
            .split_once("://")
            .filter(|(s, _)| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
            .ok_or("expected an http:// or https:// URL")?;
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if path.contains(['?', '#']) {
            return Err("expected a URL without a query or fragment".into());
        }
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err("expected a host after the scheme, e.g. http://prometheus:9090".into());
        }
        let (user, password) = match userinfo {
            None => (None, None),
            Some(u) => match u.split_once(':') {
                Some((u, p)) => (Some(percent_decode(u)), Some(percent_decode(p))),
                None => (Some(percent_decode(u)), None),
            },
        };
        Ok(Endpoint {
            base: format!(
                "{}://{host}{}",
                scheme.to_ascii_lowercase(),
                path.trim_end_matches('/')
            ),
            user,
            password,
            secret_path: false,
        })
    }

    /// A URL that is a secret as a whole, such as a chat webhook's: messages show only its
    /// scheme and host.
    pub fn parse_secret(url: &str) -> Result<Endpoint, String> {
        Ok(Endpoint {
            secret_path: true,
            ..Endpoint::parse(url)?
        })
    }

    /// The URL as it may be printed: the user name kept, the password left out (and the
    /// path, for a secret URL).
    pub fn shown(&self) -> String {
        let (scheme, rest) = self.base.split_once("://").unwrap_or(("http", &self.base));
        let rest = match rest.find('/') {
            Some(i) if self.secret_path => format!("{}/…", &rest[..i]),
            _ => rest.to_string(),
        };
        match &self.user {
            Some(u) => format!("{scheme}://{u}@{rest}"),
            None => format!("{scheme}://{rest}"),
        }
    }

    /// The path, when it is a secret.
    fn secret(&self) -> Option<&str> {
        let (_, rest) = self.base.split_once("://")?;
        rest.find('/')
            .map(|i| &rest[i..])
            .filter(|p| self.secret_path && p.len() > 1)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    fn basic_auth(&self) -> Option<String> {
        let user = self.user.as_deref()?;
        let pass = self.password.as_deref().unwrap_or("");
        Some(format!(
            "Basic {}",
            base64(format!("{user}:{pass}").as_bytes())
        ))
    }
}

/// How long to wait for a connection and for an answer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// For the response's head and for its body, each.
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(30),
        }
    }
}

/// An answer of any status; the caller decides what a 4xx or 5xx means.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// A request that got no answer: the URL (without secrets) and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    /// [`Endpoint::shown`] of the endpoint asked.
    pub url: String,
    pub message: String,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.message)
    }
}

impl std::error::Error for HttpError {}

/// The client: timeouts, an optional bearer token, and the secrets to keep out of messages.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    bearer: Option<String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("bearer", &self.bearer.as_ref().map(|_| "***"))
            .finish()
    }
}

impl Client {
    /// `bearer` is sent as `Authorization: Bearer …` unless the endpoint has a user (basic
    /// auth wins: one Authorization header).
    pub fn new(timeouts: Timeouts, bearer: Option<String>) -> Client {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(timeouts.connect))
            .timeout_recv_response(Some(timeouts.read))
            .timeout_recv_body(Some(timeouts.read))
            .http_status_as_error(false)
            .user_agent(concat!("relcheck/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: config.into(),
            bearer: bearer.filter(|t| !t.trim().is_empty()),
        }
    }

    /// GET `path` under the endpoint with the query parameters (encoded here).
    pub fn get(
        &self,
        at: &Endpoint,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Response, HttpError> {
        let mut req = self.agent.get(at.url(path));
        for (k, v) in query {
            req = req.query(*k, *v);
        }
        if let Some(auth) = self.authorization(at) {
            req = req.header("Authorization", auth);
        }
        self.finish(at, req.call())
    }

    /// POST a JSON body to `path` under the endpoint.
    pub fn post_json(
        &self,
        at: &Endpoint,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Response, HttpError> {
        let mut req = self
            .agent
            .post(at.url(path))
            .header("Content-Type", "application/json");
        if let Some(auth) = self.authorization(at) {
            req = req.header("Authorization", auth);
        }
        let text = serde_json::to_string(body).unwrap_or_default();
        self.finish(at, req.send(text.as_bytes()))
    }

    fn authorization(&self, at: &Endpoint) -> Option<String> {
        at.basic_auth()
            .or_else(|| self.bearer.as_ref().map(|t| format!("Bearer {}", t.trim())))
    }

    fn finish(
        &self,
        at: &Endpoint,
        sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Response, HttpError> {
        let fail = |message: String| HttpError {
            url: at.shown(),
            message: self.scrub(at, &message),
        };
        let mut resp = sent.map_err(|e| fail(describe(&e)))?;
        let status = resp.status().as_u16();
        let body = resp.body_mut().read_to_string().map_err(|e| {
            fail(format!(
                "HTTP {status}, reading the answer: {}",
                describe(&e)
            ))
        })?;
        Ok(Response { status, body })
    }

    /// `text` with the endpoint's password and the token replaced by `***`.
    pub fn scrub(&self, at: &Endpoint, text: &str) -> String {
        let mut out = text.to_string();
        for secret in [at.password.as_deref(), self.bearer.as_deref(), at.secret()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            out = out.replace(secret, "***");
            out = out.replace(&percent_encode(secret), "***");
        }
        out
    }
}

/// What went wrong, in words a release engineer reads at midnight.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::ConnectionReset => "connection reset".into(),
            std::io::ErrorKind::TimedOut => "timed out".into(),
            _ => format!("network error: {io}"),
        },
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::BadUri(_) => "not a valid URL".into(),
        other => other.to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_loses_its_password_when_shown_and_keeps_the_path() {
        let e = Endpoint::parse("https://ops:s%40cret@prom.example:9090/prometheus/").unwrap();
        assert_eq!(e.shown(), "https://ops@prom.example:9090/prometheus");
        assert_eq!(e.password.as_deref(), Some("s@cret"));
        assert_eq!(
            e.url("/api/v1/query"),
            "https://prom.example:9090/prometheus/api/v1/query"
        );
        assert_eq!(
            e.basic_auth().unwrap(),
            format!("Basic {}", base64(b"ops:s@cret"))
        );
        assert!(!format!("{e:?}").contains("cret"));
    }

    #[test]
    fn a_secret_url_shows_only_its_host() {
        let e = Endpoint::parse_secret("https://hooks.example/services/T0/B0/XyZ").unwrap();
        assert_eq!(e.shown(), "https://hooks.example/…");
        let c = Client::new(Timeouts::default(), None);
        assert_eq!(
            c.scrub(&e, "POST https://hooks.example/services/T0/B0/XyZ failed"),
            "POST https://hooks.example*** failed"
        );
    }

    #[test]
    fn only_http_urls_with_a_host_parse() {
        for bad in ["prom:9090", "ftp://x", "http://", "http://x?y=1", " "] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Endpoint::parse("HTTP://127.0.0.1:9090").unwrap().shown(),
            "http://127.0.0.1:9090"
        );
    }

    #[test]
    fn base64_pads_like_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }

    #[test]
    fn scrubbing_removes_the_password_and_the_token_in_any_encoding() {
        let c = Client::new(Timeouts::default(), Some("tok/en".into()));
        let e = Endpoint::parse("http://u:p%2Fw@h").unwrap();
        assert_eq!(
            c.scrub(&e, "a p/w b p%2Fw c tok/en d tok%2Fen"),
            "a *** b *** c *** d ***"
        );
    }

    /// Serves one request on 127.0.0.1 and hands back what was asked.
    fn one_request(answer: &'static str) -> (u16, std::thread::JoinHandle<String>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then as many body bytes as Content-Length says.
            loop {
                let n = s.read(&mut chunk).unwrap();
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len || n == 0 {
                        break;
                    }
                }
            }
            let n = buf.len();
            let _ = write!(
                s,
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        (port, handle)
    }

    #[test]
    fn credentials_go_in_the_authorization_header_and_query_parameters_are_encoded() {
        let (port, asked) = one_request("busy");
        let c = Client::new(Timeouts::default(), Some("t0ken".into()));
        let e = Endpoint::parse(&format!("http://ops:s%40cret@127.0.0.1:{port}/prom")).unwrap();
        let resp = c
            .get(&e, "/api/v1/query", &[("query", "up{a=\"b c\"}")])
            .unwrap();
        assert_eq!((resp.status, resp.body.as_str()), (503, "busy"));
        let req = asked.join().unwrap();
        let line = req.lines().next().unwrap_or_default();
        assert!(
            line == "GET /prom/api/v1/query?query=up%7Ba%3D%22b+c%22%7D HTTP/1.1"
                || line == "GET /prom/api/v1/query?query=up%7Ba%3D%22b%20c%22%7D HTTP/1.1",
            "{req}"
        );
        let auth = format!("authorization: Basic {}\r\n", base64(b"ops:s@cret"));
        assert!(req.to_lowercase().contains(&auth.to_lowercase()), "{req}");

        let (port, asked) = one_request("");
        let e = Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap();
        c.post_json(&e, "/hook", &serde_json::json!({"text": "hi"}))
            .unwrap();
        let req = asked.join().unwrap();
        assert!(req.starts_with("POST /hook HTTP/1.1\r\n"), "{req}");
        assert!(
            req.to_lowercase()
                .contains("authorization: bearer t0ken\r\n"),
            "{req}"
        );
        assert!(req.ends_with("{\"text\":\"hi\"}"), "{req}");
    }

    #[test]
    fn a_refused_connection_names_the_url_without_the_password() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let c = Client::new(Timeouts::default(), Some("t0ken".into()));
        let e = Endpoint::parse(&format!("http://u:hunter2@127.0.0.1:{port}")).unwrap();
        let err = c.get(&e, "/api/v1/query", &[("query", "up")]).unwrap_err();
        let text = err.to_string();
        assert_eq!(
            text,
            format!("http://u@127.0.0.1:{port}: connection refused")
        );
    }
}
