//! Input files, parsed then validated into types that cannot hold bad values.

pub mod answers;
pub mod approvals;
pub mod checklist;
pub mod checks;
pub mod manifest;
pub mod schema;
pub mod suggest;
pub mod values;

use crate::error::InputError;

/// Deserializes TOML, turning any error into an [`InputError`] that points into the file.
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(
    file: &str,
    source: &str,
) -> Result<T, InputError> {
    toml::from_str(source).map_err(|e| {
        let span = e.span().or_else(|| deepest_key(source));
        let message = naming_key(source, span.clone(), message(&e));
        InputError::at(file, source, span, message)
    })
}

/// A TOML error's message in the words of SPEC, with the key meant when an unknown key is
/// close to a known one.
fn message(e: &toml::de::Error) -> String {
    let message = e
        .message()
        .trim()
        .replace("missing field", "missing required key")
        .replace("unknown field", "unknown key");
    suggest::unknown_key(&message)
}

/// The message, led by the key whose value it is about ("severity: unknown severity …") when
/// the error points at a `key = value` line's value and the message does not name the key.
fn naming_key(source: &str, span: Option<std::ops::Range<usize>>, message: String) -> String {
    let Some(at) = span.map(|s| s.start).filter(|&s| s <= source.len()) else {
        return message;
    };
    let Some(line_start) = source.get(..at).map(|b| b.rfind('\n').map_or(0, |i| i + 1)) else {
        return message;
    };
    let Some((key, _)) = source[line_start..at].split_once('=') else {
        return message;
    };
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.contains(char::is_whitespace) || message.contains(key) {
        return message;
    }
    format!("{key}: {message}")
}

/// Reads one part of a file on its own: `Some` result for a part the reader knows, `None`
/// for a key it does not (the whole file's error names those).
pub(crate) type Part =
    fn(&str, toml::de::ValueDeserializer<'_>) -> Option<Result<(), toml::de::Error>>;

/// Like [`from_toml`], but when the file does not deserialize, every part of it is read on
/// its own (each top-level table, each element of the arrays of tables named in `nested`,
/// and the tables and arrays `nested` names inside them, as "policy.freeze"), so all the
/// file's errors are reported at once rather than the first; serde stops at the first.
pub(crate) fn from_toml_parts<T: serde::de::DeserializeOwned>(
    file: &str,
    source: &str,
    nested: &[&str],
    part: Part,
) -> Result<T, InputError> {
    from_toml(file, source).map_err(|first| {
        let mut errors = vec![first];
        if let Ok(doc) = toml::de::DeTable::parse(source) {
            for (key, value) in doc.get_ref() {
                check_value(
                    key.get_ref(),
                    value.clone(),
                    nested,
                    part,
                    &mut errors,
                    file,
                    source,
                );
            }
        }
        InputError::several(errors).expect("at least the first error")
    })
}

fn check_value(
    path: &str,
    value: toml::Spanned<toml::de::DeValue<'_>>,
    nested: &[&str],
    part: Part,
    out: &mut Vec<InputError>,
    file: &str,
    source: &str,
) {
    match value.get_ref() {
        toml::de::DeValue::Array(items) if nested.contains(&path) => {
            for item in items {
                check_table(path, item.clone(), nested, part, out, file, source);
            }
        }
        _ => check_table(path, value, nested, part, out, file, source),
    }
}

/// Reads the table at `path` without its nested parts, and each nested part on its own.
fn check_table(
    path: &str,
    value: toml::Spanned<toml::de::DeValue<'_>>,
    nested: &[&str],
    part: Part,
    out: &mut Vec<InputError>,
    file: &str,
    source: &str,
) {
    let span = value.span();
    let value = match value.into_inner() {
        toml::de::DeValue::Table(table) => {
            let mut rest = toml::de::DeTable::new();
            for (k, v) in table {
                let inner = format!("{path}.{}", k.get_ref());
                if nested.contains(&inner.as_str()) {
                    check_value(&inner, v, nested, part, out, file, source);
                } else {
                    rest.insert(k, v);
                }
            }
            toml::de::DeValue::Table(rest)
        }
        other => other,
    };
    let de = toml::de::ValueDeserializer::from(toml::Spanned::new(span.clone(), value));
    if let Some(Err(e)) = part(path, de) {
        let at = e.span().unwrap_or(span);
        let message = naming_key(source, Some(at.clone()), message(&e));
        out.push(InputError::at(file, source, Some(at), message));
    }
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
