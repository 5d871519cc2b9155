//! `relcheck init`: a starter release folder that `relcheck check` can judge at once.
//!
//! It writes the manifest, a copy of the built-in checklist for the team to edit, and the two
//! JSON Schemas the files' `#:schema` lines point at, so an editor completes and checks them
//! without a network. Nothing is overwritten without `--force`, and when a file is in the way
//! nothing at all is written.

use super::Outcome;
use crate::cli::Global;
use relcheck::error::InputError;
use relcheck::model::schema::{self, Which};
use std::path::{Path, PathBuf};

/// The starter manifest; its comments teach the format.
const STARTER_MANIFEST: &str = include_str!("init/release.toml");

/// Where the schemas go, beside the manifest.
const SCHEMA_DIR: &str = ".relcheck";

pub fn run(g: &Global, force: bool) -> Result<Outcome, InputError> {
    let files = plan(g.manifest.as_deref());
    if !force {
        let taken: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.symlink_metadata().is_ok())
            .map(|(p, _)| shown(p))
            .collect();
        if !taken.is_empty() {
            let (what, verb) = if taken.len() == 1 {
                ("it", "exists")
            } else {
                ("them", "exist")
            };
            return Err(InputError::new(
                taken.join(", "),
                format!(
                    "already {verb}; nothing was written (relcheck init --force overwrites {what})"
                ),
            ));
        }
    }
    for (path, contents) in &files {
        write(path, contents)?;
    }
    if !g.quiet {
        let mut said = String::new();
        for (path, _) in &files {
            said += &format!("wrote {}\n", shown(path));
        }
        let manifest = shown(&files[0].0);
        let flag = if manifest == "release.toml" {
            String::new()
        } else {
            format!(" -m {manifest}")
        };
        said += &format!(
            "\nNext: describe the release in {manifest}, then run `relcheck check{flag}`.\n\
             It says NO-GO until the checklist is answered and someone is on call.\n"
        );
        super::emit(&said)?;
    }
    Ok(Outcome::Done)
}

/// Every file `init` writes, with its contents; the manifest comes first.
fn plan(manifest: Option<&Path>) -> Vec<(PathBuf, String)> {
    let manifest = manifest.map_or_else(|| PathBuf::from("release.toml"), Path::to_path_buf);
    let dir = manifest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let at = |rel: &str| {
        if dir == Path::new(".") {
            PathBuf::from(rel)
        } else {
            dir.join(rel)
        }
    };
    let checklist = format!(
        "#:schema ../{SCHEMA_DIR}/{}\n# Written by `relcheck init` from relcheck's built-in checklist: edit it to fit your team.\n{}",
        Which::Checklist.file_name(),
        relcheck::inputs::STANDARD_CHECKLIST
    );
    vec![
        (manifest, STARTER_MANIFEST.to_string()),
        (at("checklists/standard.toml"), checklist),
        (
            at(&format!("{SCHEMA_DIR}/{}", Which::Manifest.file_name())),
            schema::to_json(Which::Manifest),
        ),
        (
            at(&format!("{SCHEMA_DIR}/{}", Which::Checklist.file_name())),
            schema::to_json(Which::Checklist),
        ),
    ]
}

fn write(path: &Path, contents: &str) -> Result<(), InputError> {
    let fail = |e: std::io::Error| InputError::new(shown(path), format!("cannot write: {e}"));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, contents).map_err(fail)
}

fn shown(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}
