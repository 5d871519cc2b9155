//! Input errors: anything that stops relcheck from evaluating a release at all.
//!
//! Findings about a release are values (see [`crate::rules`]); an [`InputError`] is reserved
//! for input that cannot be read or does not follow the format. It always names the file and,
//! where the problem sits inside a file, the line and column.

use std::fmt;
use std::ops::Range;

/// A problem with the input that makes the release impossible to judge (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    /// 1-based line and column, when the problem has a place inside the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
    /// The file's further errors, reported in the same run (SPEC: all of them, up to
    /// [`MAX_ERRORS`] in all); empty for most errors.
    pub more: Vec<InputError>,
}

/// The most errors of one file reported at once.
pub const MAX_ERRORS: usize = 20;

impl InputError {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            position: None,
            message: message.into(),
            more: Vec::new(),
        }
    }

    /// An error at a byte span of `source`.
    pub fn at(
        file: &str,
        source: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.to_string(),
            position: span.map(|s| line_col(source, s.start)),
            message: message.into(),
            more: Vec::new(),
        }
    }

    /// Several errors as one: the first, carrying the others (in file order, one per place,
    /// the earliest given kept, at most [`MAX_ERRORS`] in all). `None` when there are none.
    pub fn several(mut errors: Vec<InputError>) -> Option<InputError> {
        errors.sort_by_key(|e| e.position.unwrap_or((usize::MAX, usize::MAX)));
        let mut unique: Vec<InputError> = Vec::new();
        for e in errors {
            let same = |u: &InputError| match e.position {
                Some(_) => u.position == e.position,
                None => u.message == e.message,
            };
            if !unique.iter().any(same) {
                unique.push(e);
            }
        }
        unique.truncate(MAX_ERRORS);
        let mut it = unique.into_iter();
        let mut first = it.next()?;
        first.more = it.collect();
        Some(first)
    }

    /// This error and the ones it carries, each on its own.
    pub fn all(&self) -> Vec<&InputError> {
        std::iter::once(self).chain(self.more.iter()).collect()
    }
}

/// Shown on a terminal: the file's name and the message may quote file text, so they lose
/// control characters (an escape sequence in a key name must not repaint the screen).
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::report::escape::terminal(&self.file);
        let message = crate::report::escape::terminal(&self.message);
        match self.position {
            Some((line, col)) => write!(f, "{file}:{line}:{col}: {message}"),
            None => write!(f, "{file}: {message}"),
        }
    }
}

impl std::error::Error for InputError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let s = "a = 1\nbé = 22\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 6), (2, 1));
        assert_eq!(line_col(s, s.find("22").unwrap()), (2, 6));
    }

    #[test]
    fn display_drops_control_characters_from_quoted_file_text() {
        let e = InputError::new(
            "release.toml",
            "unknown key `\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}[31mFAKE: relcheck says GO\u{202E}\u{9b}`",
        );
        assert_eq!(
            e.to_string(),
            "release.toml: unknown key `]0;owned[2J[31mFAKE: relcheck says GO`"
        );
    }

    #[test]
    fn several_errors_come_in_file_order_one_per_place_at_most_twenty() {
        let source = "a\n".repeat(30);
        let at = |line: usize, m: &str| InputError::at("f", &source, Some(line * 2..line * 2), m);
        let mut errors = vec![at(5, "first"), at(1, "one"), at(5, "again")];
        errors.extend((6..30).map(|l| at(l, "more")));
        let e = InputError::several(errors).unwrap();
        let all = e.all();
        assert_eq!(all.len(), MAX_ERRORS);
        assert_eq!(all[0].message, "one");
        assert_eq!(all[1].message, "first");
        assert_eq!(all[1].position, Some((6, 1)));
        assert_eq!(all[2].position, Some((7, 1)));
        assert!(InputError::several(vec![]).is_none());
    }

    #[test]
    fn display_names_file_line_and_column() {
        let e = InputError::at(
            "release.toml",
            "x\nimpact = 11\n",
            Some(11..13),
            "impact must be 1..=10, got 11",
        );
        assert_eq!(
            e.to_string(),
            "release.toml:2:10: impact must be 1..=10, got 11"
        );
    }
}
