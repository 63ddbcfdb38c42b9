//! Ctrl-C (SIGINT), and the SIGTERM and SIGHUP that CI cancellation, `timeout` and a closed
//! terminal send: the scan stops when the batch it is processing is done (or, while it writes a
//! batch's report, before the next task's records) and exits 128 + the signal's number (130
//! for Ctrl-C) with no `-o` file left behind. A run blocked where it cannot check (reading a
//! quiet stdin, loading a watchlist) is ended by the handler itself once a grace period passes
//! with no batch work done, or at once on a second signal, after it has removed the temporary
//! report files still pending. A run still working through its batch is left to reach the check.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

/// Exit code of a run ended by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_CODE: u8 = 130;

/// How long the handler waits for a run that does no batch work to stop on its own.
const GRACE: Duration = Duration::from_secs(2);

/// In a dev or test build, the grace period in milliseconds instead of [`GRACE`]: a test of a
/// run ended by the handler need not wait 2 s, and a test that a second signal does not wait
/// for it can make the wait long enough to tell the two apart on a loaded machine.
pub const TEST_GRACE_VAR: &str = "LEAKCHECK_TEST_GRACE_MS";

/// [`GRACE`], or in a dev or test build the value of [`TEST_GRACE_VAR`].
fn grace() -> Duration {
    crate::test_hook::value(TEST_GRACE_VAR).map_or(GRACE, Duration::from_millis)
}

/// Batch work done so far ([`beat`]): the handler does not end a run while it grows.
static BEATS: AtomicU64 = AtomicU64::new(0);

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The exit code the run ends with: 128 + the first signal received.
static CODE: AtomicU8 = AtomicU8::new(EXIT_CODE);

/// Temporary report files not yet moved into place, removed if the handler ends the process.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler: a thread that waits for the signals. If it cannot be installed, the
/// signals keep their default effect (the process ends; a temporary report file may remain).
pub fn install() {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
        for signal in signals.forever() {
            if REQUESTED.swap(true, Ordering::SeqCst) {
                end_now();
                continue;
            }
            CODE.store(128 + signal as u8, Ordering::SeqCst);
            // The grace period runs on its own thread so that a second signal ends at once.
            let grace = grace();
            let _ = std::thread::Builder::new().name("grace".into()).spawn(move || {
                wait_while_busy(|| std::thread::sleep(grace), || BEATS.load(Ordering::Relaxed));
                end_now();
            });
        }
    });
    drop(spawned);
}

/// Returns after a grace period (`sleep`) in which `beats` did not grow. A busy run reaches its
/// check between batches; ended sooner, under load a batch of exposures took longer than the
/// grace period and a report on stdout was cut in the middle of a line.
fn wait_while_busy(mut sleep: impl FnMut(), beats: impl Fn() -> u64) {
    let mut seen = beats();
    loop {
        sleep();
        let now = beats();
        if now == seen {
            return;
        }
        seen = now;
    }
}

/// Records batch work done (a part of a batch processed or emitted): a run that does it will
/// check [`requested`] at its next batch (or task, while reporting), so the handler gives it the
/// time to get there.
pub fn beat() {
    BEATS.fetch_add(1, Ordering::Relaxed);
}

/// The exit code for a run stopped by a signal: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP.
pub fn exit_code() -> u8 {
    CODE.load(Ordering::SeqCst)
}

/// Whether Ctrl-C was pressed: long loops check this between batches.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}

/// Removes the pending temporary files and exits 128 + the signal, skipping destructors; or
/// returns, when the report was already moved into place and the run ends on its own.
fn end_now() {
    // A poisoned lock still holds the list.
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    if COMMITTED.load(Ordering::SeqCst) {
        return;
    }
    remove_pending(&pending);
    crate::messages::interrupted();
    std::process::exit(i32::from(exit_code()));
}

/// Removes the pending files, then the pending directories they were in, deepest first: a
/// directory only if it is empty by then (`remove_dir`), so nothing but what the run made goes.
fn remove_pending(pending: &[PathBuf]) {
    let mut dirs = Vec::new();
    for path in pending {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            dirs.push(path);
        } else {
            let _ = std::fs::remove_file(path);
        }
    }
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in dirs {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Set once a report was moved into place: a signal after that no longer changes the outcome.
static COMMITTED: AtomicBool = AtomicBool::new(false);

/// A signal stopped the run: between batches of a scan, or before a finished report was moved
/// into place. The one type of an interruption: whatever error carries it (a `ScanError`, an
/// error with context) has it in its chain, and [`is_interruption`] is how it is recognized.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// Whether `error` is an interruption (it holds [`Interrupted`] anywhere in its chain): the
/// run ends with 128 + the signal and no error message.
pub fn is_interruption(error: &anyhow::Error) -> bool {
    error.chain().any(|e| e.is::<Interrupted>())
}

/// Runs `commit` (which moves a finished report into place) unless a signal came first. The
/// handler cannot end the process while `commit` runs, so the report is either left out whole
/// (exit 128 + signal) or in place with the run's own exit code.
/// A commit that failed (the rename was refused) leaves the run as uncommitted as before, so a
/// later signal still ends it with 128 + the signal.
pub fn commit_unless_interrupted<T, E>(
    commit: impl FnOnce() -> Result<T, E>,
) -> Result<Result<T, E>, Interrupted> {
    let _serialized = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    if requested() {
        return Err(Interrupted);
    }
    Ok(commit_marking(&COMMITTED, commit))
}

/// Runs `commit` and marks `committed` only when it succeeded.
fn commit_marking<T, E>(committed: &AtomicBool, commit: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let done = commit();
    if done.is_ok() {
        committed.store(true, Ordering::SeqCst);
    }
    done
}

/// A temporary file (or a directory, removed once empty) the handler removes if it ends the
/// process; dropping the guard forgets it (it was moved into place, or already removed by its
/// own destructor).
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
    fn an_interruption_is_recognized_however_it_is_wrapped() {
        use anyhow::Context;
        let scan: anyhow::Error = crate::scan::ScanError::from(Interrupted).into();
        assert!(is_interruption(&scan));
        assert!(is_interruption(&Err::<(), _>(scan).context("-o report.json").unwrap_err()));
        assert!(is_interruption(&anyhow::Error::from(Interrupted).context("-o report.json")));
        let other: anyhow::Error = crate::scan::ScanError::Threads(2, "no".into()).into();
        assert!(!is_interruption(&other));
        assert!(!is_interruption(&anyhow::anyhow!("interrupted")));
    }

    #[test]
    fn the_grace_period_ends_only_after_one_without_batch_work() {
        use std::cell::Cell;
        // Work is done during the first three grace periods, none during the fourth.
        let (periods, beats) = (Cell::new(0), Cell::new(0));
        wait_while_busy(
            || {
                periods.set(periods.get() + 1);
                if periods.get() <= 3 {
                    beats.set(beats.get() + 5);
                }
            },
            || beats.get(),
        );
        assert_eq!(periods.get(), 4);
        // A run blocked from the start is ended after one.
        let periods = Cell::new(0);
        wait_while_busy(|| periods.set(periods.get() + 1), || 7);
        assert_eq!(periods.get(), 1);
    }

    #[test]
    fn a_pending_file_is_forgotten_when_its_guard_drops() {
        let path = Path::new("/nonexistent/.leakcheck-test.tmp");
        let guard = PendingFile::new(path);
        assert!(PENDING.lock().unwrap().iter().any(|p| p == path));
        drop(guard);
        assert!(!PENDING.lock().unwrap().iter().any(|p| p == path));
    }

    #[test]
    fn an_interrupted_notify_leaves_no_empty_temporary_directory_beside_its_output() {
        // Before, only the files went: `.leakcheck-notify-XXXX/letters/` stayed beside DIR.
        let beside = tempfile::tempdir().unwrap();
        let temp = beside.path().join(".leakcheck-notify-x");
        let letters = temp.join("letters");
        std::fs::create_dir_all(&letters).unwrap();
        std::fs::write(letters.join("P-1.md"), "letter").unwrap();
        let keep = beside.path().join("kept.txt");
        std::fs::write(&keep, "not the run's").unwrap();
        // In the order a run registers them, the directories first.
        remove_pending(&[temp.clone(), letters.clone(), letters.join("P-1.md")]);
        assert!(!temp.exists());
        assert!(keep.exists());
        // A directory that still holds something not pending is left as it is.
        let other = beside.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("x"), "x").unwrap();
        remove_pending(std::slice::from_ref(&other));
        assert!(other.join("x").exists());
    }

    #[test]
    fn a_refused_commit_leaves_the_run_uncommitted_so_a_later_signal_still_ends_it() {
        let committed = AtomicBool::new(false);
        assert_eq!(commit_marking(&committed, || Err::<(), _>("rename refused")), Err("rename refused"));
        assert!(!committed.load(Ordering::SeqCst));
        assert_eq!(commit_marking(&committed, || Ok::<_, ()>(7)), Ok(7));
        assert!(committed.load(Ordering::SeqCst));
    }
}
