//! The progress bar: the input being read, bytes read of the total and records per second, on
//! stderr, only when stderr is a terminal. Warnings are printed through it so they do not tear
//! the bar.

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
                    "{spinner} {prefix} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {msg}) ETA {eta}",
                ),
                None => (
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                    "{spinner} {prefix} [{elapsed_precise}] {bytes} read ({bytes_per_sec}, {msg})",
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

    /// Names the input being read (an archive member or a sheet too): its last
    /// [`NAME_CHARS`] characters, control characters replaced.
    pub fn reading(&self, name: &str) {
        if let Some(bar) = &self.bar {
            bar.set_prefix(shown_name(name));
        }
    }

    /// Updates the bar after a batch.
    pub fn update(&self, records: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes_read.load(Ordering::Relaxed));
            let secs = self.started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!("{:.0} records/s", records as f64 / secs));
        }
    }

    /// Prints `message` as a warning on stderr ([`crate::messages`]) without tearing the bar.
    pub fn warn(&self, message: &str) {
        let line = crate::messages::warning_line(message);
        match &self.bar {
            Some(bar) => bar.suspend(|| crate::messages::stderr_line(&line)),
            None => crate::messages::stderr_line(&line),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// How much of an input's name the bar shows.
const NAME_CHARS: usize = 40;

/// The end of `name` (where the file name is), at most [`NAME_CHARS`] characters, `…` before
/// when cut.
fn shown_name(name: &str) -> String {
    let name = crate::report::mask::sanitize(name);
    let count = name.chars().count();
    if count <= NAME_CHARS {
        return name;
    }
    let tail: String = name.chars().skip(count - (NAME_CHARS - 1)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_names_the_input_by_its_end_and_never_a_control_character() {
        assert_eq!(shown_name("leak.zip!2021/pasien.csv"), "leak.zip!2021/pasien.csv");
        let long = format!("/data/leaks/{}/bpjs.tar.gz!2021/pasien\u{1b}[31m.csv", "x".repeat(60));
        let shown = shown_name(&long);
        assert_eq!(shown.chars().count(), NAME_CHARS);
        assert!(shown.starts_with('…') && shown.ends_with(".csv"), "{shown}");
        assert!(!shown.contains('\u{1b}'), "{shown}");
        let progress = Progress::new(true, None, Arc::new(AtomicU64::new(0)));
        progress.reading("leak.zip!2021/pasien.csv");
        assert_eq!(
            progress.bar.as_ref().map(ProgressBar::prefix).as_deref(),
            Some("leak.zip!2021/pasien.csv")
        );
    }
}
