//! The progress bar for evidence that takes a while to read: the binary's side of
//! [`relcheck::evidence::Progress`].
//!
//! It appears only on a terminal (stderr), and only once a file has taken more than about a
//! second, so quick runs, pipes and CI logs never see it; `-q` turns it off. It is cleared when
//! the file is done, leaving the report as the only output. It names the file (control
//! characters dropped, as everywhere on the terminal) and fits an 80-column line.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use relcheck::evidence::Progress;
use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

const AFTER: Duration = Duration::from_secs(1);

pub struct Bar {
    enabled: bool,
    /// The file being read: when it started, and its bar once shown.
    current: RefCell<Option<(Instant, Option<ProgressBar>)>>,
}

impl Bar {
    /// A bar on stderr when it is a terminal and `quiet` is not asked for.
    pub fn new(quiet: bool) -> Bar {
        Bar {
            enabled: !quiet && std::io::stderr().is_terminal(),
            current: RefCell::new(None),
        }
    }
}

impl Progress for Bar {
    fn read(&self, path: &Path, done: u64, len: u64) {
        if !self.enabled {
            return;
        }
        let mut current = self.current.borrow_mut();
        let (start, bar) = current.get_or_insert_with(|| (Instant::now(), None));
        if bar.is_none() && start.elapsed() >= AFTER {
            // Start the rate from here, not from the bytes read before the bar appeared.
            let b = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
            b.set_position(done);
            b.reset_eta();
            if let Ok(style) = ProgressStyle::with_template(
                "{msg} [{bar:25}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            ) {
                b.set_style(style.progress_chars("=> "));
            }
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            b.set_message(relcheck::report::escape::terminal(&name));
            b.set_draw_target(ProgressDrawTarget::stderr());
            *bar = Some(b);
        }
        if let Some(b) = bar {
            b.set_position(done);
        }
    }

    fn finished(&self, _path: &Path) {
        if let Some((_, Some(bar))) = self.current.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}
