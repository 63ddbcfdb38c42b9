//! Ctrl-C (SIGINT): the scan stops at the next batch and exits 130 with no `-o` file left
//! behind. A run blocked where it cannot check (reading a quiet stdin, loading a watchlist) is
//! ended by the handler itself after a grace period, or at once on a second Ctrl-C, after it
//! has removed the temporary report files that are still pending.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Exit code of a run ended by SIGINT (128 + 2, as shells report it).
pub const EXIT_CODE: u8 = 130;

/// How long the handler waits for the run to stop on its own.
const GRACE: Duration = Duration::from_secs(2);

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Temporary report files not yet moved into place, removed if the handler ends the process.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the SIGINT handler. Without one (another was set, or the platform has none)
/// Ctrl-C keeps its default effect: the process ends and the OS reclaims nothing on disk, which
/// is why this is installed first thing.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            end_now();
        }
        std::thread::sleep(GRACE);
        end_now();
    });
}

/// Whether Ctrl-C was pressed: long loops check this between batches.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Removes the pending temporary files and exits 130, skipping destructors.
fn end_now() -> ! {
    // A poisoned lock still holds the list.
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for path in pending.iter() {
        let _ = std::fs::remove_file(path);
    }
    eprintln!("leakcheck: interrupted");
    std::process::exit(i32::from(EXIT_CODE));
}

/// A temporary file the handler removes if it ends the process; dropping the guard forgets it
/// (the file was moved into place, or already removed by its own destructor).
pub struct PendingFile(PathBuf);

impl PendingFile {
    pub fn new(path: &Path) -> PendingFile {
        PENDING.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
        PendingFile(path.to_path_buf())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = pending.iter().position(|p| *p == self.0) {
            pending.swap_remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_file_is_forgotten_when_its_guard_drops() {
        let path = Path::new("/nonexistent/.leakcheck-test.tmp");
        let guard = PendingFile::new(path);
        assert!(PENDING.lock().unwrap().iter().any(|p| p == path));
        drop(guard);
        assert!(!PENDING.lock().unwrap().iter().any(|p| p == path));
    }
}
