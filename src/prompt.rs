//! The terminal: the only module that touches dialoguer, console and the Ctrl-C handler.
//! Prompts go to stderr, so stdout stays clean for reports.

use console::{Key, Style, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Select};
use relcheck::model::answers::Value;
use relcheck::model::checklist::{Item, ItemKind};
use relcheck::report::escape::terminal as t;
use relcheck::walk::{Elsewhere, Prompter, Question};
use std::io::{self, IsTerminal};

pub struct Terminal {
    term: Term,
    theme: Box<dyn Theme>,
    color: bool,
}

/// Whether `go` may ask questions: both ends are a terminal and no CI says otherwise.
pub fn interactive() -> bool {
    let ci = std::env::var("CI")
        .is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"));
    !ci && io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Ctrl-C outside a prompt: show the cursor again and exit 130. Every answer given so far is
/// already on disk (each is written atomically the moment it is given).
pub fn exit_on_interrupt(answers: &std::path::Path) {
    let note = format!(
        "interrupted: every answer given is saved in {}; run relcheck go again to continue",
        answers.display()
    );
    let _ = ctrlc::set_handler(move || {
        let term = Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("");
        let _ = term.write_line(&note);
        std::process::exit(130);
    });
}

impl Terminal {
    pub fn new(color: bool) -> Terminal {
        let theme: Box<dyn Theme> = if color {
            // No green check mark on every answer: whether it passes is said after it.
            Box::new(ColorfulTheme {
                success_prefix: console::style("›".to_string()).for_stderr().dim(),
                ..ColorfulTheme::default()
            })
        } else {
            Box::new(SimpleTheme)
        };
        Terminal {
            term: Term::stderr(),
            theme,
            color,
        }
    }

    /// The terminal's width in columns, as it is.
    pub fn columns(&self) -> usize {
        usize::from(self.term.size().1)
    }

    /// The terminal's width for wrapped text, kept readable on very wide terminals.
    pub fn width(&self) -> usize {
        usize::from(self.term.size().1).clamp(40, 100)
    }

    pub fn say(&self, text: &str) {
        let _ = self.term.write_str(text);
    }

    pub fn bold(&self, text: &str) -> String {
        Style::new()
            .bold()
            .force_styling(self.color)
            .apply_to(text)
            .to_string()
    }

    /// Puts the terminal back the way it was: cursor shown. (console restores the line
    /// discipline itself after every key it reads.)
    pub fn restore(&self) {
        let _ = self.term.show_cursor();
    }

    /// A yes/no question; `None` when cancelled.
    pub fn confirm(&self, prompt: &str, default: Option<bool>) -> io::Result<Option<bool>> {
        let mut c = Confirm::with_theme(&*self.theme).with_prompt(prompt);
        if let Some(d) = default {
            c = c.default(d);
        }
        self.cancellable(c.interact_on_opt(&self.term))
    }

    fn select(
        &self,
        prompt: &str,
        choices: &[String],
        default: Option<usize>,
    ) -> io::Result<Option<usize>> {
        let labels: Vec<String> = choices.iter().map(|c| t(c)).collect();
        let s = Select::with_theme(&*self.theme)
            .with_prompt(prompt)
            .items(&labels)
            .default(default.unwrap_or(0));
        self.cancellable(s.interact_on_opt(&self.term))
    }

    /// A line of text; Enter on an empty line takes the default; Esc cancels. A required
    /// item is asked until it gets a non-blank answer.
    fn text(
        &self,
        prompt: &str,
        default: Option<&str>,
        required: bool,
    ) -> io::Result<Option<String>> {
        loop {
            let shown = match default {
                Some(d) => format!("{prompt} [{}]: ", t(d)),
                None => format!("{prompt}: "),
            };
            self.term.write_str(&shown)?;
            let mut line = String::new();
            loop {
                let key = match self.term.read_key() {
                    Ok(k) => k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                        self.term.write_line("")?;
                        return Ok(None);
                    }
                    Err(e) => return Err(e),
                };
                match key {
                    Key::Enter => break,
                    Key::Escape => {
                        self.term.write_line("")?;
                        return Ok(None);
                    }
                    Key::Backspace if line.pop().is_some() => self.term.clear_chars(1)?,
                    Key::Char(c) if !c.is_control() => {
                        line.push(c);
                        self.term.write_str(&c.to_string())?;
                    }
                    _ => {}
                }
            }
            self.term.write_line("")?;
            let answer = if line.trim().is_empty() {
                default.unwrap_or_default().to_string()
            } else {
                line
            };
            if !required || !answer.trim().is_empty() {
                return Ok(Some(answer));
            }
            self.term.write_line("  (an answer is required)")?;
        }
    }

    fn cancellable<T>(&self, r: dialoguer::Result<Option<T>>) -> io::Result<Option<T>> {
        match r {
            Ok(v) => {
                if v.is_none() {
                    self.restore();
                }
                Ok(v)
            }
            Err(dialoguer::Error::IO(e)) if e.kind() == io::ErrorKind::Interrupted => {
                self.restore();
                let _ = self.term.write_line("");
                Ok(None)
            }
            Err(dialoguer::Error::IO(e)) => {
                self.restore();
                Err(e)
            }
        }
    }
}

impl Prompter for Terminal {
    fn elsewhere(&mut self, e: &Elsewhere) {
        let by = e
            .theirs
            .by
            .as_deref()
            .map_or(String::new(), |b| format!(" by {}", t(b)));
        let mut s = format!(
            "\n{} {}\n    answered in another session{by}: {}\n",
            self.bold("meanwhile:"),
            t(&e.item.prompt),
            t(&e.theirs.value.display())
        );
        if let Some(mine) = &e.discarded {
            s += &format!(
                "    that answer stays; yours ({}) was not saved (relcheck go --reset asks again)\n",
                t(&mine.display())
            );
        }
        self.say(&s);
    }

    fn answered(&mut self, _item: &Item, value: &Value, problem: Option<&str>) {
        let (style, text) = match problem {
            None => (
                Style::new().green(),
                relcheck::fmt::wrap("  ✓ ", &t(&value.display()), self.width()),
            ),
            Some(p) => (
                Style::new().red().bold(),
                relcheck::fmt::wrap(
                    "  ✗ ",
                    &format!("{}: blocks GO ({})", t(&value.display()), t(p)),
                    self.width(),
                ),
            ),
        };
        let style = style.force_styling(self.color);
        for line in text.lines() {
            self.say(&format!("{}\n", style.apply_to(line)));
        }
    }

    fn ask(&mut self, q: &Question) -> io::Result<Option<Value>> {
        if q.opens_section {
            self.say(&format!("\n{}\n", self.bold(&t(&q.item.section))));
        }
        // The question goes on its own wrapped lines; the widget keeps a one-line prompt, so
        // its redraws never have to clear a wrapped line.
        let optional = if q.item.required { "" } else { " (optional)" };
        let progress = format!("[{}/{}] ", q.index, q.total);
        let question = format!("{}{optional}", t(&q.item.prompt));
        let width = self.width();
        self.say(&relcheck::fmt::wrap(&progress, &question, width));
        if let Some(help) = q.item.help.as_deref().filter(|h| !h.trim().is_empty()) {
            let dim = Style::new().dim().force_styling(self.color);
            let lead = " ".repeat(progress.chars().count());
            for line in relcheck::fmt::wrap(&lead, &t(help), width).lines() {
                self.say(&format!("{}\n", dim.apply_to(line)));
            }
        }
        if let Some(d) = &q.default {
            let lead = " ".repeat(progress.chars().count());
            self.say(&relcheck::fmt::wrap(
                &lead,
                &format!("earlier answer: {} (Enter keeps it)", t(&d.display())),
                width,
            ));
        }
        Ok(match q.item.kind {
            ItemKind::Confirm => {
                let default = match q.default {
                    Some(Value::Bool(b)) => Some(b),
                    _ => None,
                };
                self.confirm("answer", default)?.map(Value::Bool)
            }
            ItemKind::Text => {
                let default = match &q.default {
                    Some(Value::Text(t)) => Some(t.as_str()),
                    _ => None,
                };
                self.text("answer", default, q.item.required)?
                    .map(Value::Text)
            }
            ItemKind::Choice => {
                let default = match &q.default {
                    Some(Value::Text(t)) => q.item.choices.iter().position(|c| c == t),
                    _ => None,
                };
                self.select("choose", &q.item.choices, default)?
                    .map(|i| Value::Text(q.item.choices[i].clone()))
            }
        })
    }
}
