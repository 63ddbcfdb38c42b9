//! The progress bar: bytes read of the total and records per second, on stderr, only when stderr
//! is a terminal. Warnings are printed through it so they do not tear the bar.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub struct Progress {
    bar: Option<ProgressBar>,
    bytes_read: Arc<AtomicU64>,
    started: Instant,
}

impl Progress {
    /// A bar over `total` bytes (a spinner when unknown), or nothing when `enabled` is false.
    pub fn new(enabled: bool, total: Option<u64>, bytes_read: Arc<AtomicU64>) -> Self {
        let bar = enabled.then(|| {
            let (bar, template) = match total {
                Some(total) => (
                    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {msg}) ETA {eta}",
                ),
                None => (
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                    "{spinner} [{elapsed_precise}] {bytes} read ({bytes_per_sec}, {msg})",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.set_message("starting");
            bar
        });
        Progress { bar, bytes_read, started: Instant::now() }
    }

    /// Updates the bar after a batch.
    pub fn update(&self, records: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes_read.load(Ordering::Relaxed));
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!("{:.0} records/s", records as f64 / secs));
        }
    }

    /// Prints a line on stderr without tearing the bar; control characters (from file names or
    /// fields of a dump) are replaced so none reaches the terminal.
    pub fn println(&self, line: &str) {
        let line = crate::report::mask::sanitize(line);
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
