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
        let span = e.span().or_else(|| deepest_key(source));
        InputError::at(file, source, span, message)
    })
}

/// Where an error without a place most likely sits: the key with the most dotted parts
/// (the parser's "recursion limit" for a key nested too deep names no line).
fn deepest_key(source: &str) -> Option<std::ops::Range<usize>> {
    let mut best: Option<(usize, usize)> = None;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let key = line.split('=').next().unwrap_or(line);
        let dots = key.matches('.').count();
        if dots > 0 && best.is_none_or(|(d, _)| dots > d) {
            let indent = line.len() - line.trim_start().len();
            best = Some((dots, offset + indent));
        }
        offset += line.len();
    }
    best.map(|(_, at)| at..at)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_nested_too_deep_is_an_error_at_its_line() {
        let source = format!(
            "[release]\nname = \"r\"\n\n  {} = 1\n",
            vec!["a"; 200].join(".")
        );
        let e = super::from_toml::<toml::Table>("release.toml", &source).unwrap_err();
        assert_eq!(e.position, Some((4, 3)), "{e}");
        let e = super::from_toml::<toml::Table>(
            "release.toml",
            &format!("x = 1\n[{}]\n", vec!["a"; 200].join(".")),
        )
        .unwrap_err();
        assert_eq!(e.position, Some((2, 1)), "{e}");
    }
}
