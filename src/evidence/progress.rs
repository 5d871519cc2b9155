//! A progress bar for evidence that takes a while to read.
//!
//! It appears only on a terminal (stderr), and only once a file has taken more than about a
//! second, so quick runs, pipes and CI logs never see it. It is cleared when the file is done,
//! leaving the report as the only output.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

const AFTER: Duration = Duration::from_secs(1);

pub struct Progress {
    enabled: bool,
    start: Instant,
    len: u64,
    label: String,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// For reading `len` bytes of the file shown as `label`.
    pub fn new(label: &str, len: u64) -> Progress {
        Progress {
            enabled: std::io::stderr().is_terminal(),
            start: Instant::now(),
            len,
            label: label.to_string(),
            bar: None,
        }
    }

    /// `done` bytes have been read.
    pub fn at(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.start.elapsed() >= AFTER {
            let bar = ProgressBar::with_draw_target(Some(self.len), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(self.label.clone());
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
