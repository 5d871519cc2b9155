//! Evidence verification: each evidence of each change passes or fails, with its figures.
//!
//! Every kind is one file with the same shape: `read` turns the bytes into a [`Reading`] (or a
//! one-line reason why the file cannot be read as that kind), and `judge` compares the figures
//! with the [`Thresholds`]. What every kind shares — opening the file without ever blocking on
//! a FIFO or device, the sha256 pin, commit binding and freshness — lives here.

pub mod attestation;
pub mod file;
pub mod jmeter;
pub mod jtl_blocks;
pub mod jtl_fast;
pub mod junit;
pub mod k6;
pub mod load;
pub mod locust;
pub mod progress;
pub mod stream;

use crate::model::checklist::Policy;
use crate::model::manifest::{Evidence, EvidenceKind};
use crate::model::values::commits_match;
use crate::sha256::{update_both, Sha256};
use chrono::{DateTime, FixedOffset, Utc};
use progress::Progress;
use serde::Serialize;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// The thresholds one evidence is held to: its own, else the policy's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub max_error_rate: Option<f64>,
    pub max_p99_ms: Option<f64>,
    pub min_samples: Option<u64>,
    pub min_tps: Option<f64>,
    /// JUnit: tests that must have run (skipped ones do not count).
    pub min_tests: u64,
}

impl Thresholds {
    pub fn for_evidence(e: &Evidence, p: &Policy) -> Thresholds {
        Thresholds {
            max_error_rate: e.max_error_rate.or(Some(p.max_error_rate)),
            max_p99_ms: e.max_p99_ms.or(p.max_p99_ms),
            min_samples: e.min_samples.or(p.min_samples),
            min_tps: e.min_tps.or(p.min_tps),
            min_tests: e.min_tests.unwrap_or(1),
        }
    }
}

/// What an evidence file says, as far as relcheck reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Figures {
    pub samples: Option<u64>,
    pub error_rate: Option<f64>,
    pub p99_ms: Option<f64>,
    pub tps: Option<f64>,
    /// JUnit: tests run (testcases without `<skipped>`), failed, errored, skipped.
    pub tests: Option<u64>,
    pub failed: Option<u64>,
    pub errored: Option<u64>,
    pub skipped: Option<u64>,
}

/// The result of reading one file as one kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    pub figures: Figures,
    /// The time the file itself carries (a JTL's largest timeStamp); `None` for kinds that
    /// take `recorded_at`.
    pub time: Option<DateTime<Utc>>,
    /// A detail worth adding to the reason when the evidence fails (JUnit: the first failure).
    pub note: Option<String>,
}

/// One evidence, verified.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Verified {
    pub change: String,
    pub kind: &'static str,
    pub env: String,
    /// As written in the manifest.
    pub path: Option<String>,
    pub passed: bool,
    /// Why it failed, one line; `None` when it passed.
    pub reason: Option<String>,
    #[serde(flatten)]
    pub figures: Figures,
    /// sha256 of the file's bytes, lower-case hex.
    pub sha256: Option<String>,
    /// The evidence's time: the file's own, or `recorded_at`.
    pub recorded_at: Option<String>,
    pub url: Option<String>,
    pub by: Option<String>,
}

impl Verified {
    /// Where the evidence can be found: its path, or an attestation's url.
    pub fn source(&self) -> &str {
        self.path.as_deref().or(self.url.as_deref()).unwrap_or("-")
    }
}

/// Everything verification needs besides the evidence itself.
pub struct Context<'a> {
    /// The manifest's folder; evidence paths resolve against it.
    pub base: &'a Path,
    pub policy: &'a Policy,
    pub deployer: &'a str,
    pub release_commit: Option<&'a str>,
    pub deploy_at: DateTime<FixedOffset>,
    pub now: DateTime<FixedOffset>,
    /// `deploy_at` passed long ago (`deploy-time` blocks): ages measured against it would
    /// blame the evidence for a wrong date, so they are not judged, and the reason says so.
    pub deploy_is_stale: bool,
}

/// Verifies one evidence. File bytes are also fed, as `length (u64 BE) ‖ bytes`, to `digest`:
/// the release digest covers every file-backed evidence (a file that cannot be read counts as
/// empty there).
pub fn verify(change: &str, e: &Evidence, ctx: &Context, digest: &mut Sha256) -> Verified {
    let kind = *e.kind.get_ref();
    let mut problems: Vec<String> = Vec::new();
    let mut figures = Figures::default();
    let mut file_time = None;
    let mut sha = None;

    if kind == EvidenceKind::Attestation {
        problems.extend(attestation::judge(e, ctx.deployer));
    } else {
        let rel = e.path.as_deref().unwrap_or_default();
        // A file that fails part-way has fed some of its bytes to the digest already: start
        // again from before it, so it counts as empty, as for a file that cannot be opened.
        let before = digest.clone();
        match read_file(&ctx.base.join(rel), kind, digest) {
            Err(why) => {
                *digest = before;
                digest.update(0u64.to_be_bytes());
                problems.push(why);
            }
            Ok((result, hex)) => {
                if let Some(pin) = &e.sha256 {
                    if !pin.trim().eq_ignore_ascii_case(&hex) {
                        problems.push(format!("sha256 is {hex}, the manifest pins {}", pin.trim()));
                    }
                }
                sha = Some(hex);
                match result {
                    Err(why) => problems.push(why),
                    Ok(reading) => {
                        let t = Thresholds::for_evidence(e, ctx.policy);
                        let failed = judge(kind, &reading.figures, &t);
                        // The note explains a failure; on a pass there is nothing to explain.
                        let note = reading.note.filter(|_| !failed.is_empty());
                        problems.extend(failed);
                        problems.extend(note);
                        figures = reading.figures;
                        file_time = reading.time;
                    }
                }
            }
        }
    }

    if let (Some(ec), Some(rc)) = (&e.commit, ctx.release_commit) {
        if !commits_match(ec, rc) {
            problems.push(format!(
                "taken on commit {}, the release deploys {}",
                ec.trim(),
                rc.trim()
            ));
        }
    }

    // A JTL carries its own time; every other kind takes recorded_at.
    let time: Option<DateTime<FixedOffset>> = if kind == EvidenceKind::Jmeter {
        file_time.map(|t| t.fixed_offset())
    } else {
        e.recorded_at.map(|t| t.0)
    };
    match time {
        // A JTL without a time has no samples or could not be read: already failing.
        None if kind == EvidenceKind::Jmeter => {
            if problems.is_empty() {
                problems.push("the JTL carries no time".into());
            }
        }
        None => {
            problems.push("no recorded_at: the evidence has no time, so its age is unknown".into())
        }
        Some(t) => problems.extend(freshness(t, ctx)),
    }

    let passed = problems.is_empty();
    if ctx.deploy_is_stale {
        problems.push("its age was not judged: deploy_at is in the past (see deploy-time)".into());
    }
    Verified {
        change: change.to_string(),
        kind: kind.as_str(),
        env: e.env.clone(),
        path: e.path.clone(),
        passed,
        reason: (!problems.is_empty()).then(|| problems.join("; ")),
        figures,
        sha256: sha,
        recorded_at: time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        url: e.url.clone(),
        by: e.by.clone(),
    }
}

fn judge(kind: EvidenceKind, f: &Figures, t: &Thresholds) -> Vec<String> {
    match kind {
        EvidenceKind::Jmeter => jmeter::judge(f, t),
        EvidenceKind::K6 => k6::judge(f, t),
        EvidenceKind::Locust => locust::judge(f, t),
        EvidenceKind::Junit => junit::judge(f, t),
        EvidenceKind::File | EvidenceKind::Attestation => Vec::new(),
    }
}

fn freshness(t: DateTime<FixedOffset>, ctx: &Context) -> Vec<String> {
    let mut out = Vec::new();
    if !ctx.deploy_is_stale {
        let max_age = chrono::Duration::from_std(ctx.policy.evidence_max_age)
            .unwrap_or(chrono::Duration::MAX);
        let age = ctx.deploy_at.signed_duration_since(t);
        if age > max_age {
            out.push(format!(
                "taken {} before the deploy, older than the {} allowed",
                crate::fmt::duration(age),
                crate::fmt::span(ctx.policy.evidence_max_age)
            ));
        }
        if t > ctx.deploy_at {
            out.push(format!(
                "its time {} is after the deploy time",
                t.to_rfc3339()
            ));
        }
    }
    if t > ctx.now {
        out.push(format!(
            "its time {} is in the future (after the evaluation time)",
            t.to_rfc3339()
        ));
    }
    out
}

type ReadResult = Result<Reading, String>;

/// Opens `path` if it is a regular file, reads it as `kind` and hashes every byte.
/// The outer `Err` is a file that could not be read at all.
fn read_file(
    path: &Path,
    kind: EvidenceKind,
    digest: &mut Sha256,
) -> Result<(ReadResult, String), String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => format!("{shown}: no such file"),
        _ => format!("{shown}: cannot read: {e}"),
    })?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    let file = open_nonblocking(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    // The path may have been swapped between stat and open: check what was opened.
    let meta = file
        .metadata()
        .map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    let len = meta.len();
    digest.update(len.to_be_bytes());
    if kind == EvidenceKind::Jmeter {
        return read_jtl(file, len, &shown.to_string(), digest);
    }
    if len >= TWO_THREADS_FROM {
        let mut progress = Progress::new(&shown.to_string(), len);
        let out = stream::read(file, digest, &mut |n| progress.at(n), |input| {
            read_kind(kind, input)
        });
        if let Some(e) = out.error {
            return Err(format!("{shown}: cannot read: {e}"));
        }
        if out.count != len {
            return Err(format!("{shown}: the file changed while it was being read"));
        }
        return Ok((out.result, hex(&out.own.finalize())));
    }
    let mut hashing = Hashing {
        inner: file,
        own: Sha256::new(),
        digest,
        count: 0,
        error: None,
        progress: Progress::new(&shown.to_string(), len),
    };
    let result = {
        let mut buffered = BufReader::with_capacity(256 * 1024, &mut hashing);
        let result = read_kind(kind, &mut buffered);
        // Hash what the reader did not need, so the sha256 covers the whole file.
        let _ = io::copy(&mut buffered, &mut io::sink());
        result
    };
    if let Some(e) = hashing.error.take() {
        return Err(format!("{shown}: cannot read: {e}"));
    }
    if hashing.count != len {
        return Err(format!("{shown}: the file changed while it was being read"));
    }
    let hex = hex(&hashing.own.finalize());
    Ok((result, hex))
}

/// Files at least this large are read on two threads: below it, starting the helper costs
/// more than it saves.
const TWO_THREADS_FROM: u64 = 512 << 10;

/// JTLs below this size are read in small blocks: fresh pages cost more than the reads they
/// hold (a page fault here is several microseconds), so a small file goes through two small
/// buffers, used over and over. From about 8 MB, fewer hand-overs between the threads win.
const JTL_SMALL_BLOCKS_UP_TO: u64 = 6 << 20;

/// A JTL goes through the block reader: one read of each byte, parsed here while a helper
/// feeds both sha256 (the evidence's own and the digest), and parses too when it has time.
fn read_jtl(
    file: std::fs::File,
    len: u64,
    shown: &str,
    digest: &mut Sha256,
) -> Result<(ReadResult, String), String> {
    let mut own = Sha256::new();
    let mut progress = Progress::new(shown, len);
    let default = jtl_blocks::Options::default();
    let opts = jtl_blocks::Options {
        threads: len >= TWO_THREADS_FROM,
        block: if len < JTL_SMALL_BLOCKS_UP_TO {
            128 << 10
        } else {
            default.block
        },
        ..default
    };
    let sinks = jtl_blocks::Sinks {
        hash: &mut |b| update_both(&mut own, digest, b),
        progress: &mut |n| progress.at(n),
    };
    let (result, count) =
        jtl_blocks::read(file, opts, sinks).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if count != len {
        return Err(format!("{shown}: the file changed while it was being read"));
    }
    Ok((result, hex(&own.finalize())))
}

fn read_kind(kind: EvidenceKind, input: &mut dyn BufRead) -> ReadResult {
    match kind {
        EvidenceKind::Jmeter => jmeter::read(input),
        EvidenceKind::K6 => k6::read(input),
        EvidenceKind::Locust => locust::read(input),
        EvidenceKind::Junit => junit::read(input),
        EvidenceKind::File | EvidenceKind::Attestation => file::read(input),
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO that replaced the file after the stat must not hang.
    const O_NONBLOCK: i32 = 0o4000;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// A reader that hashes what passes through it, for the evidence's own sha256 and the digest.
struct Hashing<'a, R> {
    inner: R,
    own: Sha256,
    digest: &'a mut Sha256,
    count: u64,
    error: Option<io::Error>,
    progress: Progress,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                update_both(&mut self.own, self.digest, &buf[..n]);
                self.count += n as u64;
                self.progress.at(self.count);
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                // Remember the failure: a parser may swallow it as "malformed".
                let copy = io::Error::new(e.kind(), e.to_string());
                self.error = Some(e);
                Err(copy)
            }
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
