//! Evidence verification: each evidence of each change passes or fails, with its figures.
//!
//! Every kind is one file with the same shape: `read` turns the bytes into a [`Reading`] (or a
//! one-line reason why the file cannot be read as that kind), and `judge` compares the figures
//! with the [`Thresholds`]. Every file is read by [`read::read`], the one way to read evidence
//! (open without blocking, each byte read and hashed once, one "changed while read" check, one
//! progress sink). What else every kind shares — the sha256 pin, commit binding and freshness
//! — lives here.

pub mod artillery;
pub mod attestation;
pub mod baseline;
pub mod file;
pub mod jmeter;
pub mod junit;
pub mod k6;
pub mod load;
pub mod locust;
pub mod ngrinder;
pub mod read;
pub mod records;

use crate::model::checklist::Policy;
use crate::model::manifest::{Evidence, EvidenceKind};
use crate::model::values::commits_match;
use chrono::{DateTime, FixedOffset, Utc};
pub use read::{Progress, Quiet};
use serde::Serialize;
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
    /// The layout carries its own time (a JTL, an Artillery report), so `recorded_at` is not
    /// read; `time` is then that time, or `None` when the file has none.
    pub timed: bool,
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
    /// The last good release's result this run was compared with (`baseline` in the manifest).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
}

/// A load test's baseline: the same kind's file from the last release that went well.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Baseline {
    /// As written in the manifest.
    pub path: String,
    /// sha256 of the baseline's bytes, lower-case hex; `None` when it could not be read whole.
    pub sha256: Option<String>,
    /// What the baseline says (none when it could not be read as the evidence's kind).
    pub samples: Option<u64>,
    pub error_rate: Option<f64>,
    pub p99_ms: Option<f64>,
    pub tps: Option<f64>,
    /// How far p99 may rise and TPS fall, as a fraction of the baseline's.
    pub max_regression: f64,
    /// How far the error rate may exceed the baseline's.
    pub max_error_rate_increase: f64,
}

impl Baseline {
    /// The baseline's figures, shown beside the run's.
    pub fn figures(&self) -> Figures {
        Figures {
            samples: self.samples,
            error_rate: self.error_rate,
            p99_ms: self.p99_ms,
            tps: self.tps,
            ..Figures::default()
        }
    }
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
    /// Told how far each evidence file has been read.
    pub progress: &'a dyn Progress,
}

/// Verifies one evidence: reads its file (if it has one) once, hashing every byte, and judges
/// what it says. A file that cannot be read whole fails the evidence and has no `sha256`.
pub fn verify(change: &str, e: &Evidence, ctx: &Context) -> Verified {
    let kind = *e.kind.get_ref();
    let mut problems: Vec<String> = Vec::new();
    let mut figures = Figures::default();
    let mut file_time = None;
    // Until the file says otherwise, the kinds whose usual layout carries a time.
    let mut timed = matches!(kind, EvidenceKind::Jmeter | EvidenceKind::Artillery);
    let mut sha = None;
    let mut notes: Vec<String> = Vec::new();
    // Whether the file was read as its kind: only then is there a run to hold to a baseline.
    let mut read_as_kind = false;

    if kind == EvidenceKind::Attestation {
        problems.extend(attestation::judge(e, ctx.deployer));
    } else {
        let rel = e.path.as_deref().unwrap_or_default();
        match read_file(&ctx.base.join(rel), kind, ctx.progress) {
            Err(why) => problems.push(why),
            Ok((result, own)) => {
                let hex = crate::sha256::hex(&own);
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
                        timed = reading.timed;
                        read_as_kind = true;
                    }
                }
            }
        }
    }

    let baseline = e.baseline.as_deref().map(|rel| {
        let run = read_as_kind.then_some(&figures);
        let (b, failed, noted) = baseline::judge(rel, e, kind, run, ctx);
        problems.extend(failed);
        notes.extend(noted);
        b
    });

    if let (Some(ec), Some(rc)) = (&e.commit, ctx.release_commit) {
        if !commits_match(ec, rc) {
            problems.push(format!(
                "taken on commit {}, the release deploys {}",
                ec.trim(),
                rc.trim()
            ));
        }
    }

    // A JTL and an Artillery report carry their own time; every other layout takes
    // recorded_at.
    let time: Option<DateTime<FixedOffset>> = if timed {
        file_time.map(|t| t.fixed_offset())
    } else {
        e.recorded_at.map(|t| t.0)
    };
    match time {
        // A JTL without a time has no samples or could not be read: already failing.
        None if timed => {
            if problems.is_empty() {
                problems.push(match kind {
                    EvidenceKind::Artillery => "the Artillery report has no lastMetricAt".into(),
                    _ => "the JTL carries no time".into(),
                });
            }
        }
        None => {
            problems.push("no recorded_at: the evidence has no time, so its age is unknown".into())
        }
        Some(t) => problems.extend(freshness(t, ctx)),
    }

    let passed = problems.is_empty();
    problems.extend(notes);
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
        baseline,
    }
}

fn judge(kind: EvidenceKind, f: &Figures, t: &Thresholds) -> Vec<String> {
    match kind {
        EvidenceKind::Jmeter => jmeter::judge(f, t),
        EvidenceKind::K6 => k6::judge(f, t),
        EvidenceKind::Locust => locust::judge(f, t),
        EvidenceKind::Artillery => artillery::judge(f, t),
        EvidenceKind::Ngrinder => ngrinder::judge(f, t),
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

/// Reads the file at `path` once as `kind`: its reading (or why its bytes are not that kind)
/// and its sha256. The outer `Err` is a file that could not be read whole.
fn read_file(
    path: &Path,
    kind: EvidenceKind,
    progress: &dyn Progress,
) -> Result<(Result<Reading, String>, [u8; 32]), String> {
    read::read(path, progress, |input| match kind {
        EvidenceKind::Jmeter => jmeter::read(input),
        EvidenceKind::K6 => k6::read(input),
        EvidenceKind::Locust => locust::read(input),
        EvidenceKind::Artillery => artillery::read(input),
        EvidenceKind::Ngrinder => ngrinder::read(input),
        EvidenceKind::Junit => junit::read(input),
        EvidenceKind::File | EvidenceKind::Attestation => file::read(input),
    })
}

/// The bytes of `tests/fixtures/evidence/<kind>/<name>`, for the kinds' tests.
#[cfg(test)]
pub(crate) fn fixture(kind: &str, name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/evidence/{kind}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
