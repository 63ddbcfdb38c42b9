//! Creating or replacing a regular file atomically. The report is written to a temporary file in
//! the target's directory that has no name (Linux `O_TMPFILE`), so that nothing is left behind
//! however the process ends (SIGKILL, out of memory) while it is written; once complete it is
//! linked under a fresh name and renamed over the target, so readers see the old file or the new
//! one, never half (a SIGKILL in the microseconds between the link and the rename leaves the
//! complete report under its `.leakcheck-*.tmp` name).
//! Where the file system has no `O_TMPFILE` (or off Linux), the temporary file is named
//! `.leakcheck-*.tmp` from the start and removed on drop and on Ctrl-C, but not after a SIGKILL.
//! A replaced file keeps its permission bits (and its owner and group, where the process may set
//! them); a new file is `0600`, since a report says who was exposed. Every step works in the
//! directory opened once, by name, never following a symbolic link at the target.

use crate::interrupt::PendingFile;
use crate::output::reason;
use crate::output::target::RunFiles;
use std::ffi::{CStr, CString, OsStr};
use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::io::{self, Seek};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of a new report: read and write for its owner only.
const NEW_FILE_MODE: u32 = 0o600;

/// Attempts at a fresh temporary name before giving up (a clash needs another process choosing
/// the same pid, time and counter).
const NAME_ATTEMPTS: u32 = 16;

/// A report being written, to be moved over its target by [`Replacement::commit`].
pub struct Replacement {
    /// The target's directory, opened once.
    dir: File,
    dir_path: PathBuf,
    /// The target's name in `dir`.
    name: CString,
    temp: File,
    /// The temporary file's name when it has one (no `O_TMPFILE`): removed on drop.
    named: Option<(CString, PendingFile)>,
    /// Permission bits, and owner and group, the report is given before it is moved into place.
    mode: u32,
    owner: Option<(u32, u32)>,
    /// The files the run reads: checked again just before the rename.
    run: RunFiles,
}

impl Replacement {
    /// Opens `dir` and a temporary file in it for `name`, which holds `existing` (a regular file)
    /// or nothing yet. Fails now, before any scanning, where the rename would fail at the end.
    pub fn new(
        dir_path: &Path,
        name: &OsStr,
        existing: Option<&Metadata>,
        run: RunFiles,
    ) -> Result<Self, String> {
        Replacement::create(dir_path, name, existing, run, true)
    }

    /// As [`Replacement::new`] where the file system has no `O_TMPFILE`.
    #[cfg(test)]
    pub fn new_named(dir_path: &Path, name: &OsStr, existing: Option<&Metadata>) -> Result<Self, String> {
        Replacement::create(dir_path, name, existing, RunFiles::default(), false)
    }

    fn create(
        dir_path: &Path,
        name: &OsStr,
        existing: Option<&Metadata>,
        run: RunFiles,
        anonymous: bool,
    ) -> Result<Self, String> {
        let name = cstring(name)?;
        let dir = open_dir(dir_path)?;
        if let Some(meta) = existing {
            check_replaceable(&dir, &name, meta)?;
        }
        let anonymous =
            if anonymous { anonymous_temp(&dir).map_err(|e| cannot_create(dir_path, &e))? } else { None };
        let (temp, named) = match anonymous {
            Some(temp) => (temp, None),
            None => {
                let (temp, temp_name) = named_temp(&dir).map_err(|e| cannot_create(dir_path, &e))?;
                let pending = PendingFile::new(&dir_path.join(OsStr::from_bytes(temp_name.as_bytes())));
                (temp, Some((temp_name, pending)))
            }
        };
        Ok(Replacement {
            dir,
            dir_path: dir_path.to_path_buf(),
            name,
            temp,
            named,
            mode: existing.map_or(NEW_FILE_MODE, |m| m.mode() & 0o777),
            owner: existing.map(|m| (m.uid(), m.gid())),
            run,
        })
    }

    /// Gives a file that is created (not replaced) the permission bits `mode` instead of the
    /// report's owner-only ones: for files that hold nobody's data (man pages).
    pub fn set_new_file_mode(&mut self, mode: u32, created: bool) {
        if created {
            self.mode = mode;
        }
    }

    /// The temporary file the report is written to.
    pub fn file(&mut self) -> &mut File {
        &mut self.temp
    }

    /// Whether the temporary file has a name on disk (no `O_TMPFILE` here).
    pub fn is_named(&self) -> bool {
        self.named.is_some()
    }

    /// Gives the complete report its mode, flushes it to disk and moves it over the target,
    /// unless a signal came first (then nothing changes at the target).
    pub fn commit(mut self) -> anyhow::Result<()> {
        self.settle_mode()?;
        self.temp.sync_all().map_err(|e| anyhow::anyhow!("{}", reason(&e)))?;
        // The temporary file's guard is dropped after the commit releases the handler's lock.
        let _moved = crate::interrupt::commit_unless_interrupted(|| self.move_into_place())??;
        // Durable rename; a failure here loses nothing that is not already in place.
        let _ = self.dir.sync_all();
        Ok(())
    }

    fn settle_mode(&self) -> anyhow::Result<()> {
        let mut mode = self.mode;
        if let Some((uid, gid)) = self.owner {
            let mine = self.temp.metadata()?;
            if (mine.uid(), mine.gid()) != (uid, gid) {
                // Only root may give a file away; a member of the group may set the group.
                let _ = std::os::unix::fs::fchown(&self.temp, Some(uid), Some(gid))
                    .or_else(|_| std::os::unix::fs::fchown(&self.temp, None, Some(gid)));
                if self.temp.metadata()?.gid() != gid {
                    // The old group's rights must not pass to another group.
                    mode &= !0o070;
                }
            }
        }
        self.temp.set_permissions(Permissions::from_mode(mode)).map_err(|e| anyhow::anyhow!("{}", reason(&e)))
    }

    /// Links the temporary file under a fresh name if it has none, and renames it over the
    /// target; returns the temporary name's guard, which has nothing left to remove.
    fn move_into_place(&mut self) -> anyhow::Result<Option<(CString, PendingFile)>> {
        // The name may have changed since it was checked: never over a file the run reads.
        let target = self.dir_path.join(OsStr::from_bytes(self.name.as_bytes()));
        if let Ok(meta) = std::fs::symlink_metadata(target)
            && meta.is_file()
            && let Some(refusal) = self.run.refusal(&meta)
        {
            anyhow::bail!("{refusal}");
        }
        let temp_name = match &self.named {
            Some((name, _)) => name.clone(),
            None => match link_anonymous(&self.temp, &self.dir) {
                Ok(name) => name,
                // No /proc to link through (a bare container): a whole scan's report is not lost.
                Err(_) => {
                    self.copy_to_named().map_err(|e| anyhow::anyhow!(cannot_create(&self.dir_path, &e)))?
                }
            },
        };
        // SAFETY: both names are NUL-terminated C strings; the descriptor is open.
        let renamed = unsafe {
            libc::renameat(self.dir.as_raw_fd(), temp_name.as_ptr(), self.dir.as_raw_fd(), self.name.as_ptr())
        };
        if renamed != 0 {
            let e = io::Error::last_os_error();
            if self.named.is_none() {
                unlink_at(&self.dir, &temp_name);
            }
            anyhow::bail!("cannot move the report into place: {}", reason(&e));
        }
        Ok(self.named.take())
    }
}

impl Replacement {
    /// Copies the nameless temporary file into a new named one, with the same mode.
    fn copy_to_named(&mut self) -> io::Result<CString> {
        let (mut copy, name) = named_temp(&self.dir)?;
        let copied = (|| {
            self.temp.seek(io::SeekFrom::Start(0))?;
            io::copy(&mut self.temp, &mut copy)?;
            copy.set_permissions(self.temp.metadata()?.permissions())?;
            copy.sync_all()
        })();
        match copied {
            Ok(()) => Ok(name),
            Err(e) => {
                unlink_at(&self.dir, &name);
                Err(e)
            }
        }
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if let Some((name, _pending)) = self.named.take() {
            unlink_at(&self.dir, &name);
        }
    }
}

fn cstring(name: &OsStr) -> Result<CString, String> {
    CString::new(name.as_bytes()).map_err(|_| "the name holds a NUL byte".to_string())
}

fn open_dir(dir: &Path) -> Result<File, String> {
    OpenOptions::new().read(true).custom_flags(libc::O_DIRECTORY).open(dir).map_err(|e| {
        let dir = dir.display();
        match e.kind() {
            io::ErrorKind::NotFound => format!("directory {dir} does not exist"),
            io::ErrorKind::NotADirectory => format!("{dir} is not a directory"),
            _ => format!("cannot open directory {dir}: {}", reason(&e)),
        }
    })
}

fn cannot_create(dir: &Path, e: &io::Error) -> String {
    format!("cannot create a file in directory {}: {}", dir.display(), reason(e))
}

/// Refuses now what the rename would refuse after the whole scan, or what the user protected:
/// a read-only file, or one in a sticky directory (`/tmp`) that belongs to someone else.
fn check_replaceable(dir: &File, name: &CStr, meta: &Metadata) -> Result<(), String> {
    // SAFETY: `name` is NUL-terminated; the descriptor is open.
    let writable =
        unsafe { libc::faccessat(dir.as_raw_fd(), name.as_ptr(), libc::W_OK, libc::AT_EACCESS) } == 0;
    if !writable {
        return Err("it is read-only; leakcheck does not replace a file you protected".into());
    }
    // SAFETY: no arguments.
    let me = unsafe { libc::geteuid() };
    let dir_meta = dir.metadata().map_err(|e| reason(&e))?;
    let sticky = dir_meta.mode() & libc::S_ISVTX != 0;
    if sticky && me != 0 && meta.uid() != me && dir_meta.uid() != me {
        return Err("it belongs to another user, in a directory where only its owner may replace it".into());
    }
    Ok(())
}

/// A file with no name in `dir`, or `None` where the file system (or the system) has none.
#[cfg(target_os = "linux")]
fn anonymous_temp(dir: &File) -> io::Result<Option<File>> {
    // SAFETY: a NUL-terminated path and plain flags; the returned descriptor is owned below.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c".".as_ptr(),
            libc::O_TMPFILE | libc::O_RDWR | libc::O_CLOEXEC,
            NEW_FILE_MODE,
        )
    };
    if fd >= 0 {
        // SAFETY: `fd` was just opened and is owned by nothing else.
        return Ok(Some(unsafe { File::from_raw_fd(fd) }));
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // No O_TMPFILE on this file system, or a kernel that reads the flag as O_DIRECTORY.
        Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL) => Ok(None),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn anonymous_temp(_dir: &File) -> io::Result<Option<File>> {
    Ok(None)
}

/// A fresh name for a temporary file: `.leakcheck-<pid>-<time>-<n>.tmp`.
fn fresh_name(attempt: u32) -> CString {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let name = format!(".leakcheck-{:x}-{:x}-{attempt}.tmp", std::process::id(), nanos & 0xffff_ffff_ffff);
    // A formatted name holds no NUL byte.
    CString::new(name).unwrap_or_default()
}

/// Tries `make` under fresh names until one does not exist yet.
fn with_fresh_name(mut make: impl FnMut(&CStr) -> io::Result<()>) -> io::Result<CString> {
    for attempt in 0..NAME_ATTEMPTS {
        let name = fresh_name(attempt);
        match make(&name) {
            Ok(()) => return Ok(name),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::from(io::ErrorKind::AlreadyExists))
}

/// A new named temporary file in `dir`, readable by its owner only.
fn named_temp(dir: &File) -> io::Result<(File, CString)> {
    let mut file = None;
    let name = with_fresh_name(|name| {
        let flags = libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY | libc::O_CLOEXEC | libc::O_NOFOLLOW;
        // SAFETY: a NUL-terminated name; the returned descriptor is owned below.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags, NEW_FILE_MODE) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        file = Some(unsafe { File::from_raw_fd(fd) });
        Ok(())
    })?;
    file.map(|f| (f, name)).ok_or_else(|| io::Error::from(io::ErrorKind::Other))
}

/// Gives the nameless `temp` a fresh name in `dir`: through its descriptor where the process may
/// (CAP_DAC_READ_SEARCH), else through `/proc/self/fd`.
#[cfg(target_os = "linux")]
fn link_anonymous(temp: &File, dir: &File) -> io::Result<CString> {
    let fd = temp.as_raw_fd();
    let proc_path = CString::new(format!("/proc/self/fd/{fd}")).unwrap_or_default();
    with_fresh_name(|name| {
        // SAFETY: NUL-terminated names, open descriptors.
        let linked =
            unsafe { libc::linkat(fd, c"".as_ptr(), dir.as_raw_fd(), name.as_ptr(), libc::AT_EMPTY_PATH) };
        if linked == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::AlreadyExists {
            return Err(e);
        }
        // SAFETY: as above.
        let linked = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                proc_path.as_ptr(),
                dir.as_raw_fd(),
                name.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if linked == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
    })
}

#[cfg(not(target_os = "linux"))]
fn link_anonymous(_temp: &File, _dir: &File) -> io::Result<CString> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn unlink_at(dir: &File, name: &CStr) {
    // SAFETY: a NUL-terminated name; the descriptor is open.
    unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), 0) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_report_that_cannot_be_linked_is_copied_under_a_name_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let mut replacement =
            Replacement::new(dir.path(), "report.json".as_ref(), None, RunFiles::default()).unwrap();
        replacement.file().write_all(b"a whole scan's report").unwrap();
        replacement.settle_mode().unwrap();
        let name = replacement.copy_to_named().unwrap();
        let copy = dir.path().join(OsStr::from_bytes(name.as_bytes()));
        assert_eq!(std::fs::read(&copy).unwrap(), b"a whole scan's report");
        assert_eq!(std::fs::metadata(&copy).unwrap().mode() & 0o777, NEW_FILE_MODE);
    }
}
