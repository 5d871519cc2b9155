//! `relcheck verify RECORD`: does a sign-off still stand on the files it was signed on? Exits 0
//! when every input still has its recorded sha256 and the record is intact, 1 when one changed
//! or is gone, 2 when the record cannot be read.

use super::Outcome;
use crate::cli::Global;
use relcheck::error::InputError;
use relcheck::record::verify::{self, State};
use relcheck::report::escape::terminal as t;
use std::fmt::Write;
use std::path::{Path, PathBuf};

pub fn run(g: &Global, record: &Path) -> Result<Outcome, InputError> {
    let shown = record.display().to_string();
    let text = std::fs::read_to_string(record).map_err(|e| {
        InputError::new(
            &shown,
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                _ => format!("cannot read: {e}"),
            },
        )
    })?;
    let stored =
        relcheck::record::parse(&text).map_err(|e| InputError::new(&shown, e.to_string()))?;
    // Paths resolve against the manifest's folder: -m's when given, else the parent of the
    // record's folder (where `go` puts records: signoffs/ beside the manifest).
    let base: PathBuf = match &g.manifest {
        Some(m) => folder(m),
        None => folder(&folder(record)),
    };
    let v = verify::verify(
        &stored,
        &base,
        relcheck::inputs::STANDARD_CHECKLIST.as_bytes(),
    );

    let mut out = format!("Sign-off record {}\n", t(&shown));
    let _ = writeln!(
        out,
        "Release  {} ({}), signed {} by {} at {}",
        t(&stored.release.name),
        stored.release.deploy_at,
        stored.signoff.verdict.to_uppercase(),
        t(&stored.signoff.by),
        stored.signoff.at
    );
    for c in &v.checked {
        let (mark, detail) = match &c.state {
            State::Same => ("same   ", String::new()),
            State::Changed(now) => (
                "CHANGED",
                format!(" (sha256 was {}, now {now})", c.input.sha256),
            ),
            State::Gone(why) => ("GONE   ", format!(" ({why})")),
        };
        let _ = writeln!(
            out,
            "  {mark} {:<9} {}{detail}",
            c.input.role,
            t(&c.path.display().to_string())
        );
    }
    if !v.record_intact {
        let _ = writeln!(
            out,
            "The record itself was altered: its digest {} is not the digest of the inputs it lists.",
            t(&stored.digest)
        );
    }
    let changed = v
        .checked
        .iter()
        .filter(|c| matches!(c.state, State::Changed(_)))
        .count();
    let gone = v
        .checked
        .iter()
        .filter(|c| matches!(c.state, State::Gone(_)))
        .count();
    if v.holds() {
        let _ = writeln!(
            out,
            "The sign-off stands: all {} inputs are as they were signed ({}).",
            v.checked.len(),
            stored.digest
        );
    } else {
        let _ = writeln!(
            out,
            "The sign-off no longer stands: {changed} input(s) changed, {gone} gone{}.",
            if v.record_intact {
                ""
            } else {
                ", and the record was altered"
            }
        );
    }
    if !g.quiet {
        super::emit(&out)?;
    }
    Ok(if v.holds() {
        Outcome::Go
    } else {
        Outcome::NoGo
    })
}

fn folder(p: &Path) -> PathBuf {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
