//! A progress bar for evidence that takes a while to read.
//!
//! It appears only on a terminal (stderr), and only once a file has taken more than about a
//! second, so quick runs, pipes and CI logs never see it. It is cleared when the file is done,
//! leaving the report as the only output. It names the file (control characters dropped, as
//! everywhere on the terminal) and fits an 80-column line.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Off for the whole process once [`silence`] is called (`-q`).
static SILENCED: AtomicBool = AtomicBool::new(false);

/// No progress bar in this process, whatever stderr is (`relcheck -q`).
pub fn silence() {
    SILENCED.store(true, Ordering::Relaxed);
}

const AFTER: Duration = Duration::from_secs(1);

pub struct Progress {
    enabled: bool,
    start: Instant,
    len: u64,
    label: String,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// For reading `len` bytes of the file at `path` (the bar shows its name, which fits).
    pub fn new(path: &str, len: u64) -> Progress {
        let name = std::path::Path::new(path)
            .file_name()
            .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned());
        Progress {
            enabled: !SILENCED.load(Ordering::Relaxed) && std::io::stderr().is_terminal(),
            start: Instant::now(),
            len,
            label: crate::report::escape::terminal(&name),
            bar: None,
        }
    }

    /// `done` bytes have been read.
    pub fn at(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= AFTER {
            // Start the rate from here, not from the bytes read before the bar appeared.
            let bar = ProgressBar::with_draw_target(Some(self.len), ProgressDrawTarget::hidden());
            bar.set_position(done);
            bar.reset_eta();
            if let Ok(style) = ProgressStyle::with_template(
                "{msg} [{bar:25}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(self.label.clone());
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
