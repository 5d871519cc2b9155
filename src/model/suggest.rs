//! "Did you mean …?" for a key or a value that is close to a known one: a typo at 23:00 should
//! cost one read of the error, not a trip to the documentation.

/// The known word closest to `found`, when it is close enough to be a likely typo: at most a
/// third of its letters differ (and at least one may), compared ignoring case.
pub fn closest<'a>(found: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let found = found.trim().to_lowercase();
    if found.is_empty() {
        return None;
    }
    let limit = (found.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&found, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Adds "did you mean `x`?" to a TOML "unknown key" error whose expected keys are listed, as
/// serde writes them: "unknown key `likelyhood`, expected one of `id`, `title`, …".
pub fn unknown_key(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown key `") else {
        return message.to_string();
    };
    let Some((found, tail)) = rest.split_once('`') else {
        return message.to_string();
    };
    let known: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    match closest(found, known) {
        Some(k) => format!("{message}; did you mean `{k}`?"),
        None => message.to_string(),
    }
}

/// "; did you mean `x`?" for a value among `known`, or nothing.
pub fn value_hint(found: &str, known: &[&str]) -> String {
    closest(found, known.iter().copied())
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_typo_gets_a_suggestion_and_a_different_word_does_not() {
        assert_eq!(
            closest("likelyhood", ["impact", "likelihood"]),
            Some("likelihood")
        );
        assert_eq!(closest("Critcal", ["low", "critical"]), Some("critical"));
        assert_eq!(closest("hgih", ["high", "low"]), Some("high"));
        assert_eq!(closest("banana", ["impact", "likelihood"]), None);
        assert_eq!(closest("", ["a"]), None);
    }

    #[test]
    fn unknown_key_messages_gain_the_key_meant() {
        assert_eq!(
            unknown_key("unknown key `likelyhood`, expected one of `id`, `title`, `likelihood`"),
            "unknown key `likelyhood`, expected one of `id`, `title`, `likelihood`; did you mean `likelihood`?"
        );
        assert_eq!(
            unknown_key("unknown key `zzz`, expected one of `id`, `title`"),
            "unknown key `zzz`, expected one of `id`, `title`"
        );
        assert_eq!(unknown_key("something else"), "something else");
    }
}
