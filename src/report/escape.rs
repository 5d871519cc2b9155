//! Escaping of text that comes from manifests, templates, answers and evidence files, one
//! [`Medium`] per output, so that such text can neither break a layout, mention anyone,
//! inject markup, nor drive the terminal.
//!
//! A renderer writes file text only through its medium: [`Medium::text`] for prose and
//! table cells, [`Medium::code`] for identifiers (change and item ids, paths, commits, urls),
//! which stay copyable exactly as written when that is safe and become escaped plain text
//! when it is not (a backtick, a mention, markup, a line break or an invisible character).

/// One output medium's ways of writing text that came from a file.
pub trait Medium {
    /// Prose or a table cell.
    fn text(s: &str) -> String;
    /// An identifier as code when it can be shown as written; otherwise as [`Medium::text`].
    fn code(s: &str) -> String;
}

/// A terminal: no control characters.
pub struct Terminal;
/// GitHub-flavoured markdown, for the report, the sign-off and the step summary.
pub struct Markdown;
/// Slack mrkdwn.
pub struct Slack;

impl Medium for Terminal {
    fn text(s: &str) -> String {
        terminal(s)
    }
    fn code(s: &str) -> String {
        terminal(s)
    }
}

impl Medium for Markdown {
    fn text(s: &str) -> String {
        markdown(s)
    }
    /// In a backtick span, which no text of ours can close: it only takes text without
    /// backticks, table pipes, markup or mention characters.
    fn code(s: &str) -> String {
        if copyable(s, &['`', '|', '<', '>', '&', '@']) {
            format!("`{s}`")
        } else {
            markdown(s)
        }
    }
}

impl Medium for Slack {
    fn text(s: &str) -> String {
        slack(s)
    }
    /// Slack's inline code cannot hold a backtick at all, and `<…>` is live inside it.
    fn code(s: &str) -> String {
        if copyable(s, &['`', '<', '>', '&', '@']) {
            format!("`{s}`")
        } else {
            slack(s)
        }
    }
}

/// Whether `s` can go inside a code span as written: one line, not blank, no leading or
/// trailing space (a span trims one), nothing invisible, none of `forbidden`.
fn copyable(s: &str, forbidden: &[char]) -> bool {
    !s.trim().is_empty()
        && s.trim() == s
        && s.chars()
            .all(|c| !is_control(c) && !is_format(c) && !c.is_whitespace() || c == ' ')
        && !s.contains(forbidden)
}

/// Terminal: drops C0 and C1 control characters and bidirectional controls; newlines and
/// tabs become spaces.
pub fn terminal(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\t' | '\r' => Some(' '),
            c if is_control(c) => None,
            c => Some(c),
        })
        .collect()
}

/// C0, DEL, C1, and the bidirectional marks, embeddings, overrides and isolates.
pub fn is_control(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// Unicode format characters (category Cf): zero-width spaces and joiners, bidirectional
/// marks, the byte-order mark, tags. Invisible, so never inside a span shown as copyable.
pub fn is_format(c: char) -> bool {
    crate::model::values::is_format_char(c)
}

/// Markdown (GitHub-flavoured), for a table cell or inline text: no HTML, no table breaks,
/// no mentions, no formatting from the text itself.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in terminal_keep_newlines(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width space after @ keeps @here and @user from notifying anyone.
            '@' => out.push_str("@\u{200B}"),
            c => out.push(c),
        }
    }
    out
}

/// Slack mrkdwn: `&`, `<`, `>` as entities (so `<!channel>` and `<@U…>` are inert), `@here`
/// and friends defused, formatting characters neutralised, one line.
pub fn slack(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let clean: Vec<char> = terminal(s).chars().collect();
    for (i, &c) in clean.iter().enumerate() {
        // An underscore inside a word (`contacts.on_call`) starts no italics in Slack: left
        // as it is, the word can be copied.
        let inside_word = |j: Option<usize>| {
            j.and_then(|j| clean.get(j))
                .is_some_and(|c| c.is_alphanumeric())
        };
        if c == '_' && inside_word(i.checked_sub(1)) && inside_word(Some(i + 1)) {
            out.push(c);
            continue;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@\u{200B}"),
            '*' | '_' | '~' | '`' => {
                out.push(c);
                out.push('\u{200B}');
            }
            c => out.push(c),
        }
    }
    out
}

/// Text inside a Slack code block (a ``` fence): only the entities, mentions and the fence
/// itself need care.
pub fn slack_code(s: &str) -> String {
    terminal(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('@', "@\u{200B}")
        .replace('`', "`\u{200B}")
}

fn terminal_keep_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
        .split('\n')
        .map(terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_keeps_underscores_inside_words_copyable_and_escapes_the_rest() {
        assert_eq!(slack("contacts.on_call"), "contacts.on_call");
        assert_eq!(
            slack("evidence/api_timeout_staging.jtl"),
            "evidence/api_timeout_staging.jtl"
        );
        assert_eq!(slack("_x_"), "_\u{200B}x_\u{200B}");
        assert_eq!(slack("a _b_ c"), "a _\u{200B}b_\u{200B} c");
    }

    #[test]
    fn terminal_text_loses_control_and_bidi_characters() {
        assert_eq!(terminal("a\x1b[31mb\u{202E}c\u{9b}d\ne"), "a[31mbcd e");
    }

    #[test]
    fn markdown_cannot_break_tables_inject_html_or_mention() {
        let s = markdown("a|b\nc <script> @here <!channel> **x**");
        assert!(!s.contains("<script>") && !s.contains("<!channel>") && !s.contains("@here"));
        assert!(s.contains("a\\|b<br>c"));
    }

    #[test]
    fn slack_text_turns_mentions_into_plain_text() {
        let s = slack("<!here> <@U123> & @channel");
        assert_eq!(
            s,
            "&lt;!here&gt; &lt;@\u{200B}U123&gt; &amp; @\u{200B}channel"
        );
    }

    #[test]
    fn identifiers_stay_copyable_as_written() {
        for id in [
            "api-timeout",
            "rollback.plan",
            "evidence/api timeout.jtl",
            "9f3c2ab",
        ] {
            assert_eq!(Markdown::code(id), format!("`{id}`"));
            assert_eq!(Slack::code(id), format!("`{id}`"));
        }
        assert_eq!(
            Slack::code("https://ci.example/run/812?a=1"),
            "`https://ci.example/run/812?a=1`"
        );
    }

    #[test]
    fn a_backtick_cannot_close_a_code_span() {
        let hostile =
            "9f3c2ab` | # ✅ GO\n<img src=x onerror=alert(1)> <!channel> @here *ALL CLEAR*";
        let md = Markdown::code(hostile);
        assert!(!md.starts_with('`'), "{md}");
        assert!(!md.contains("<img") && !md.contains("<!channel>") && !md.contains("@here"));
        assert!(!md.contains('\n') && !md.contains(" | "), "{md}");
        let sl = Slack::code("x` @here <!channel> *ALL CLEAR*");
        assert_eq!(
            sl,
            "x`\u{200B} @\u{200B}here &lt;!channel&gt; *\u{200B}ALL CLEAR*\u{200B}"
        );
        assert_eq!(Markdown::code("a\u{200B}b"), "a\u{200B}b");
        assert_eq!(Markdown::code(" a"), " a");
    }
}
