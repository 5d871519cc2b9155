//! A real Prometheus for the tests: 127.0.0.1 on a free port, its own data folder and
//! config (with a rules file, so `/api/v1/rules` lists alerting rules), history backfilled
//! with `promtool tsdb create-blocks-from openmetrics`, killed and removed on drop.
//!
//! It needs the `prometheus` package (prometheus and promtool); `scripts/test.sh` installs it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const INSTALL: &str = "prometheus and promtool are needed for these tests: run scripts/test.sh, or apt-get update && apt-get install -y prometheus";

/// A running Prometheus; dropped, it is killed, waited for, and its folder removed.
pub struct Prometheus {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What to start a Prometheus with.
#[derive(Default)]
pub struct Setup {
    /// OpenMetrics text to backfill (without the closing `# EOF`).
    pub history: String,
    /// Names of alerting rules to define (they never fire by themselves).
    pub alerting_rules: Vec<String>,
    /// A port on 127.0.0.1 to scrape every second.
    pub scrape: Option<u16>,
}

fn tool(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| panic!("{name} not found. {INSTALL}"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Prometheus {
    pub fn start(setup: Setup) -> Prometheus {
        let prometheus = tool("prometheus");
        let promtool = tool("promtool");
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        if !setup.history.is_empty() {
            let om = dir.path().join("history.om");
            std::fs::write(&om, format!("{}# EOF\n", setup.history)).unwrap();
            let out = Command::new(&promtool)
                .args(["tsdb", "create-blocks-from", "openmetrics"])
                .arg(&om)
                .arg(&data)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "promtool failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut rules = String::from("groups:\n- name: relcheck-tests\n  rules:\n");
        for r in &setup.alerting_rules {
            let _ = write!(rules, "  - alert: {r}\n    expr: vector(0) > 1\n");
        }
        if setup.alerting_rules.is_empty() {
            rules = "groups: []\n".into();
        }
        std::fs::write(dir.path().join("rules.yml"), rules).unwrap();
        let mut config = String::from(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [rules.yml]\n",
        );
        if let Some(port) = setup.scrape {
            let _ = write!(
                config,
                "scrape_configs:\n- job_name: exporter\n  static_configs:\n  - targets: ['127.0.0.1:{port}']\n"
            );
        }
        std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
        let port = free_port();
        let child = Command::new(&prometheus)
            .current_dir(dir.path())
            .arg("--config.file=prometheus.yml")
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg("--storage.tsdb.retention.time=100y")
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("prometheus.log")).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start prometheus: {e}. {INSTALL}"));
        let mut p = Prometheus { child, port, dir };
        if !p.wait_ready() {
            let log =
                std::fs::read_to_string(p.dir.path().join("prometheus.log")).unwrap_or_default();
            panic!("prometheus did not become ready on port {port}:\n{log}");
        }
        p
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if get(self.port, "/-/ready").is_some_and(|(status, _)| status == 200) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        false
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Waits until an instant query of `promql` answers at least one series.
    pub fn wait_for_series(&self, promql: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let path = format!("/api/v1/query?query={}", encode(promql));
        while Instant::now() < deadline {
            if let Some((200, body)) = get(self.port, &path) {
                if body.contains("\"metric\"") {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("Prometheus never had a series for {promql}");
    }
}

/// A GET on 127.0.0.1 with a plain socket: status and body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// OpenMetrics text for one gauge family: each series' labels and `(seconds, value)` points.
pub fn gauge(name: &str, series: &[(&str, Vec<(i64, String)>)]) -> String {
    let mut s = format!("# TYPE {name} gauge\n");
    for (labels, points) in series {
        for (t, v) in points {
            let _ = writeln!(s, "{name}{labels} {v} {t}");
        }
    }
    s
}

/// Points every 15 s from `from` to `to` (seconds, both included), valued by `f`.
pub fn every_15s(from: i64, to: i64, f: impl Fn(i64) -> String) -> Vec<(i64, String)> {
    (0..)
        .map(|i| from + 15 * i)
        .take_while(|t| *t <= to)
        .map(|t| (t, f(t)))
        .collect()
}

/// A tiny exporter on 127.0.0.1 serving `/metrics` with whatever `body` holds.
pub struct Exporter {
    pub port: u16,
    pub body: Arc<Mutex<String>>,
}

impl Exporter {
    pub fn start(body: &str) -> Exporter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let body = Arc::new(Mutex::new(body.to_string()));
        let shared = body.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let text = shared.lock().unwrap().clone();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
            }
        });
        Exporter { port, body }
    }

    pub fn set(&self, body: &str) {
        *self.body.lock().unwrap() = body.to_string();
    }
}
