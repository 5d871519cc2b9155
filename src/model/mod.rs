//! Input files, parsed then validated into types that cannot hold bad values.

pub mod answers;
pub mod approvals;
pub mod checklist;
pub mod checks;
pub mod manifest;
pub mod suggest;
pub mod values;

use crate::error::InputError;

/// Deserializes TOML, turning any error into an [`InputError`] that points into the file.
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(
    file: &str,
    source: &str,
) -> Result<T, InputError> {
    toml::from_str(source).map_err(|e| {
        let message = e
            .message()
            .trim()
            .replace("missing field", "missing required key");
        let message = message.replace("unknown field", "unknown key");
        InputError::at(file, source, e.span(), message)
    })
}
