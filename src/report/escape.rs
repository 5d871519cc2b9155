//! Escaping of text that comes from manifests and evidence files, one function per medium,
//! so that such text can neither break a layout, mention anyone, inject markup, nor drive
//! the terminal.

/// Terminal: drops C0 and C1 control characters and bidirectional overrides; newlines and
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

fn is_control(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
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
    for c in terminal(s).chars() {
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

/// Text inside a Slack code block: only the entities and the fence itself need care.
pub fn slack_code(s: &str) -> String {
    terminal(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("```", "`\u{200B}``")
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
}
