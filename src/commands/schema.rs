//! `relcheck schema`: the JSON Schema of the manifest or the checklist template, for editors
//! and for validating the files in other tools.

use super::Outcome;
use crate::cli::SchemaFile;
use relcheck::error::InputError;
use relcheck::model::schema::{self, Which};

pub fn run(file: SchemaFile) -> Result<Outcome, InputError> {
    let which = match file {
        SchemaFile::Manifest => Which::Manifest,
        SchemaFile::Checklist => Which::Checklist,
        SchemaFile::Report => Which::Report,
        SchemaFile::Record => Which::Record,
    };
    super::emit(&schema::to_json(which))?;
    Ok(Outcome::Done)
}
