//! Opening what `-o` writes in place and never replaces: a descriptor the process was started
//! with (`/dev/stdout`, `/dev/fd/N`), a FIFO, a device. A FIFO with no reader is an error at
//! once, not a wait that never ends.

use crate::output::reason;
use crate::output::target::{RunFiles, SYMLINK_REFUSED};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, RawFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// A duplicate of descriptor `fd`: it shares the file offset and flags, so a report to
/// `/dev/stdout` under `>> log.txt` is appended to log.txt like any other output.
pub fn open_descriptor(fd: RawFd, run: &RunFiles) -> Result<File, String> {
    // SAFETY: fcntl on a number that may not be an open descriptor only fails with EBADF.
    let fd_flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    if fd_flags < 0 {
        return Err(format!("descriptor {fd} is not open"));
    }
    // Every descriptor leakcheck opens itself is close-on-exec; one it was started with is not.
    if fd_flags & libc::FD_CLOEXEC != 0 {
        return Err(format!("descriptor {fd} is not one leakcheck was started with"));
    }
    // SAFETY: as above, on an open descriptor.
    let status = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if status < 0 || status & libc::O_ACCMODE == libc::O_RDONLY {
        return Err(format!("descriptor {fd} is open for reading only"));
    }
    // SAFETY: duplicates an open descriptor; the new one is owned by the returned File.
    let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if copy < 0 {
        return Err(reason(&io::Error::last_os_error()));
    }
    // SAFETY: `copy` was just created and is owned by nothing else.
    let file = unsafe { File::from_raw_fd(copy) };
    let meta = file.metadata().map_err(|e| reason(&e))?;
    if let Some(refusal) = run.refusal(&meta) {
        return Err(refusal);
    }
    Ok(file)
}

/// Opens a FIFO, device or socket at `path` for writing, without waiting for a reader.
pub fn open_special(path: &Path, run: &RunFiles) -> Result<File, String> {
    let file = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ENXIO) if is_fifo(path) => {
                "it is a FIFO with no reader: start the program that reads it first".to_string()
            }
            Some(libc::ENXIO) => "nothing is behind it (a socket, or a device with no driver)".to_string(),
            Some(libc::ELOOP) => SYMLINK_REFUSED.to_string(),
            _ => reason(&e),
        })?;
    let meta = file.metadata().map_err(|e| reason(&e))?;
    if meta.is_file() || meta.is_dir() {
        // Swapped for a file since it was looked at: not written in place.
        return Err("it was replaced by another file while leakcheck opened it".into());
    }
    if let Some(refusal) = run.refusal(&meta) {
        return Err(refusal);
    }
    // Writes block again, as the reader expects.
    // SAFETY: fcntl on the descriptor `file` owns.
    let cleared = unsafe {
        let status = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        status >= 0 && libc::fcntl(file.as_raw_fd(), libc::F_SETFL, status & !libc::O_NONBLOCK) == 0
    };
    if !cleared {
        return Err(reason(&io::Error::last_os_error()));
    }
    Ok(file)
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}
