//! `relcheck approve`: a reviewer records their approval of this version of the manifest, after
//! seeing what they approve (the release, the risk matrix, the evidence with its figures and what
//! blocks it). With a key (`--key`, `RELCHECK_SIGNING_KEY`) the approval is SSH-signed, so a
//! policy with `allowed_signers` can count it; signing runs `ssh-keygen -Y sign`, which handles
//! agents, passphrases and hardware keys.

use super::Outcome;
use crate::cli::Global;
use crate::prompt::{self, Terminal};
use chrono::Timelike;
use relcheck::error::InputError;
use relcheck::model::approvals::{Approval, Approvals};
use relcheck::model::values::{is_blank, same_name, Timestamp};
use relcheck::report::text::Text;
use relcheck::report::Render;
use std::path::PathBuf;

pub struct Args {
    pub by: Option<String>,
    pub key: Option<PathBuf>,
    pub yes: bool,
}

pub fn run(g: &Global, args: &Args) -> Result<Outcome, InputError> {
    let now = super::now(g)?;
    let inputs = super::load(g)?;
    let manifest = relcheck::inputs::shown(&inputs.manifest_path);

    let by =
        match args.by.clone().or_else(whoami) {
            Some(b) if !is_blank(&b) => b.trim().to_string(),
            _ => return Err(InputError::new(
                "--by",
                "who approves? Pass --by NAME (your name as the policy's allowed_signers lists it)",
            )),
        };
    if same_name(&by, inputs.manifest.release.deployer.get_ref()) {
        return Err(InputError::new(
            "--by",
            format!(
                "{by} is the deployer of {manifest}: an approval must come from someone else (two-person rule)"
            ),
        ));
    }
    let sha = inputs.manifest_sha256();

    if !args.yes {
        if !prompt::interactive() {
            return Err(InputError::new(
                "approve",
                "approve shows the release and asks on a terminal; pass --yes to approve from a script",
            ));
        }
        // What the reviewer approves: the release, its risk, its evidence with the figures, and
        // what blocks it (read only when someone is there to read it).
        let report = relcheck::judge::judge(&inputs, now);
        let term = Terminal::new(super::color_stderr(g));
        term.say(
            &Text {
                color: super::color_stderr(g),
            }
            .render(&report),
        );
        term.say(&format!(
            "\nYou approve {manifest} as it is now (sha256 {sha}).\nEditing it afterwards voids this approval.\n"
        ));
        let question = format!("Approve this release as {by}?");
        match term.confirm(&question, Some(false)) {
            Err(e) => return Err(InputError::new("terminal", e.to_string())),
            Ok(None) => {
                term.restore();
                return Ok(Outcome::Interrupted);
            }
            Ok(Some(false)) => {
                eprintln!("not approved: nothing was recorded");
                return Ok(Outcome::Done);
            }
            Ok(Some(true)) => {}
        }
    }

    let signature = match &args.key {
        None => None,
        Some(key) => Some({
            if !g.quiet {
                eprintln!(
                    "signing with {} (ssh-keygen may ask for a passphrase or a touch)",
                    key.display()
                );
            }

            super::sign::sign(key, sha.as_bytes())
                .map_err(|e| InputError::new(key.display().to_string(), e))?
        }),
    };
    let approval = Approval {
        by: by.clone(),
        at: Timestamp(now.with_nanosecond(0).unwrap_or(now)),
        manifest_sha256: sha.clone(),
        signature,
    };
    let signed = approval.signature.is_some();
    // Say now, not at deploy time, when this approval will not count under the policy.
    let wont_count = match (&inputs.signers, &approval.signature) {
        (None, _) => None,
        (Some(_), None) => Some(
            "the policy counts only signed approvals (allowed_signers); approve again with --key"
                .to_string(),
        ),
        (Some(s), Some(sig)) => s.verify(&by, sha.as_bytes(), sig, now).err(),
    };
    let path = inputs.approvals_path.clone();
    let shown = relcheck::inputs::shown(&path);
    relcheck::store::update_locked(&path, |current| {
        let mut all = match current {
            None => Approvals::default(),
            Some(text) => Approvals::parse(&shown, text)?,
        };
        all.record(approval.clone());
        Ok(all.to_toml())
    })?;
    if !g.quiet {
        eprintln!(
            "recorded {by}'s {} approval of {manifest} in {shown}",
            if signed { "signed" } else { "unsigned" }
        );
        if let Some(why) = wont_count {
            eprintln!("warning: this approval will not count: {why}");
        }
    }
    Ok(Outcome::Done)
}

/// The login name, as a default for `--by`.
fn whoami() -> Option<String> {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
}
