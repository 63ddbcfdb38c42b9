//! Where a report goes: stdout; a descriptor, FIFO or device, written in place; or a regular
//! file, created or replaced atomically. Everything about `-o PATH` is decided when it is opened,
//! before the run reads its first record: a path that cannot or must not be written (a missing
//! directory, a directory, a symbolic link, a file the run reads) is an error then, not after
//! the scan.

mod in_place;
mod replace;
mod target;

pub use target::{FileId, RunFiles};

use anyhow::{Result, anyhow};
use replace::Replacement;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use target::Target;

/// The report's destination.
pub enum Output {
    Stdout,
    /// A regular file, replaced whole (or created) by [`Output::commit`]; until then the report
    /// is in a temporary file that Ctrl-C, an error or a crash leaves nothing of.
    File(Replacement, PathBuf),
    /// What is never replaced: a descriptor the process was started with (`/dev/stdout`), a
    /// FIFO, a device (`/dev/null`); with the path `-o` gave.
    InPlace(File, PathBuf),
}

impl Output {
    /// Opens the destination `-o` names (`None` or `-`: standard output), refusing any of `run`,
    /// the files the run reads.
    pub fn open(path: Option<&Path>, run: RunFiles) -> Result<Output> {
        let Some(path) = path else { return stdout(&run) };
        let refused = |reason: String| anyhow!("-o {}: {reason}", path.display());
        match target::classify(path).map_err(refused)? {
            Target::Stdout => stdout(&run),
            Target::Descriptor(fd) => {
                Ok(Output::InPlace(in_place::open_descriptor(fd, &run).map_err(refused)?, path.to_path_buf()))
            }
            Target::InPlace => {
                Ok(Output::InPlace(in_place::open_special(path, &run).map_err(refused)?, path.to_path_buf()))
            }
            Target::File { dir, name, existing } => {
                if let Some(refusal) = existing.as_deref().and_then(|meta| run.refusal(meta)) {
                    return Err(refused(refusal));
                }
                let replacement = Replacement::new(dir, name, existing.as_deref(), run).map_err(refused)?;
                Ok(Output::File(replacement, path.to_path_buf()))
            }
        }
    }

    /// A buffered writer over the destination.
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Output::Stdout => Box::new(io::BufWriter::with_capacity(64 << 10, io::stdout().lock())),
            Output::File(replacement, _) => {
                Box::new(io::BufWriter::with_capacity(64 << 10, replacement.file()))
            }
            Output::InPlace(file, _) => Box::new(io::BufWriter::with_capacity(64 << 10, file)),
        }
    }

    /// Moves a complete report into place. Without this, dropping the output leaves nothing at
    /// the target and the file that was there unchanged.
    pub fn commit(self) -> Result<()> {
        if let Output::File(replacement, path) = self {
            // An interruption keeps its type through the context (interrupt::is_interruption).
            replacement.commit().map_err(|e| e.context(format!("-o {}", path.display())))?;
        }
        Ok(())
    }

    /// Where the report goes, for an error message: `-o PATH`, or standard output.
    pub fn describe(&self) -> String {
        match self {
            Output::Stdout => "standard output".to_string(),
            Output::File(_, path) | Output::InPlace(_, path) => format!("-o {}", path.display()),
        }
    }

    /// Whether the report goes to standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout)
    }
}

/// Writes `bytes` as the whole of the file `path` the way `-o` writes a report: a regular file
/// is created, or replaced through a temporary file and a rename (never written half); a
/// symbolic link is refused, neither followed nor replaced; a FIFO or device is written in
/// place. For files other than reports (`leakcheck man --dir`): one created gets `new_mode`
/// (a report gets 0600); errors do not name the path.
pub fn write_whole(path: &Path, bytes: &[u8], new_mode: u32) -> Result<()> {
    let run = RunFiles::default();
    let mut file = match target::classify(path).map_err(|reason| anyhow!(reason))? {
        Target::File { dir, name, existing } => {
            let mut replacement =
                Replacement::new(dir, name, existing.as_deref(), run).map_err(|reason| anyhow!(reason))?;
            replacement.set_new_file_mode(new_mode, existing.is_none());
            replacement.file().write_all(bytes).map_err(|e| anyhow!(reason(&e)))?;
            return replacement.commit();
        }
        Target::Stdout => return io::stdout().lock().write_all(bytes).map_err(|e| anyhow!(reason(&e))),
        Target::Descriptor(fd) => in_place::open_descriptor(fd, &run).map_err(|reason| anyhow!(reason))?,
        Target::InPlace => in_place::open_special(path, &run).map_err(|reason| anyhow!(reason))?,
    };
    file.write_all(bytes).map_err(|e| anyhow!(reason(&e)))
}

/// An I/O error as a message: the system's words, without the error number.
fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_string(),
        None => text,
    }
}

/// Standard output, unless it is a file the run reads: `leakcheck scan d.csv >> d.csv` would
/// append the report to the dump while it is read (and read it back), as `-o /dev/stdout` would.
fn stdout(run: &RunFiles) -> Result<Output> {
    let stdout = io::stdout();
    let meta =
        std::os::unix::io::AsFd::as_fd(&stdout).try_clone_to_owned().and_then(|fd| File::from(fd).metadata());
    if let Some(refusal) = meta.ok().and_then(|meta| run.refusal(&meta)) {
        return Err(anyhow!("standard output: {refusal}"));
    }
    Ok(Output::Stdout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use std::time::Duration;

    fn write_report(path: &Path, text: &str) {
        let mut output = Output::open(Some(path), RunFiles::default()).unwrap();
        write_and_commit(&mut output, text);
    }

    fn write_and_commit(output: &mut Output, text: &str) {
        {
            let mut w = output.writer();
            w.write_all(text.as_bytes()).unwrap();
            w.flush().unwrap();
        }
        std::mem::replace(output, Output::Stdout).commit().unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn open_err(path: &Path) -> String {
        format!("{:#}", Output::open(Some(path), RunFiles::default()).err().expect("refused"))
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_regular_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old report, longer than the new one").unwrap();
        write_report(&path, "new");
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(dir.path()), ["report.json"], "no temporary file left behind");
    }

    #[test]
    fn a_report_being_written_has_no_name_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old").unwrap();
        let mut output = Output::open(Some(&path), RunFiles::default()).unwrap();
        output.writer().write_all(b"half a report").unwrap();
        let Output::File(replacement, _) = &output else { panic!("not a file output") };
        assert!(!replacement.is_named(), "ext4 and tmpfs have O_TMPFILE");
        assert_eq!(names(dir.path()), ["report.json"]);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old", "readers see the old file until the commit");
        drop(output);
        assert_eq!(names(dir.path()), ["report.json"]);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old", "dropped uncommitted: unchanged");
    }

    #[test]
    fn without_o_tmpfile_the_named_temporary_file_is_removed_on_drop_and_renamed_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let meta = fs::symlink_metadata(&path).unwrap();
        let mut replacement =
            Replacement::new_named(dir.path(), "report.json".as_ref(), Some(&meta)).unwrap();
        replacement.file().write_all(b"dropped").unwrap();
        assert!(replacement.is_named());
        let during = names(dir.path());
        assert_eq!(during.len(), 2, "{during:?}");
        assert!(during[0].starts_with(".leakcheck-") && during[0].ends_with(".tmp"), "{during:?}");
        drop(replacement);
        assert_eq!(names(dir.path()), ["report.json"]);

        let mut replacement =
            Replacement::new_named(dir.path(), "report.json".as_ref(), Some(&meta)).unwrap();
        replacement.file().write_all(b"new").unwrap();
        replacement.commit().unwrap();
        assert_eq!(names(dir.path()), ["report.json"]);
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode(&path), 0o640);
    }

    #[test]
    fn a_replaced_file_keeps_its_permission_bits_and_a_new_one_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let before = fs::metadata(&path).unwrap();
        write_report(&path, "new");
        let after = fs::metadata(&path).unwrap();
        assert_eq!(mode(&path), 0o644);
        assert_ne!(
            std::os::unix::fs::MetadataExt::ino(&after),
            std::os::unix::fs::MetadataExt::ino(&before),
            "replaced by a rename, never rewritten in place"
        );
        let new = dir.path().join("new.json");
        write_report(&new, "new");
        assert_eq!(mode(&new), 0o600);
    }

    #[test]
    fn a_symlink_is_refused_and_its_target_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(open_err(&link).contains("symbolic link"), "{}", open_err(&link));
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "old");
        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(open_err(&dangling).contains("symbolic link"));
        assert!(fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
        assert_eq!(names(dir.path()), ["dangling.txt", "link.txt", "real.txt"]);
    }

    #[test]
    fn a_fifo_is_written_in_place_not_replaced() {
        // Stands in for /dev/null and /dev/stdout: a rename over them would swap the device
        // for a plain file (which once broke every later `</dev/null` on a CI machine).
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        // The reader must be there first: without one, opening is an error.
        let mut output = loop {
            match Output::open(Some(&fifo), RunFiles::default()) {
                Ok(output) => break output,
                Err(e) if format!("{e}").contains("no reader") => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(e) => panic!("{e:#}"),
            }
        };
        write_and_commit(&mut output, "through the pipe");
        drop(output);
        // Checked before joining: had the FIFO been replaced, the reader would wait forever.
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a FIFO");
        assert_eq!(reader.join().unwrap(), "through the pipe");
    }

    #[test]
    fn a_fifo_with_no_reader_is_an_error_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let err = open_err(&fifo);
        assert!(err.contains("FIFO with no reader"), "{err}");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_err(dir.path());
        assert!(err.contains("it is a directory"), "{err}");
        let err = open_err(&dir.path().join("missing/report.json"));
        assert!(err.contains("missing does not exist"), "{err}");
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        let err = open_err(&file.join("report.json"));
        assert!(err.contains("is not a directory"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "x");
    }

    #[test]
    fn a_descriptor_leakcheck_was_not_started_with_is_refused() {
        let err = open_err(Path::new("/dev/fd/987"));
        assert!(err.contains("descriptor 987 is not open"), "{err}");
        // Opened by this process, so close-on-exec: perhaps a dump being read.
        let dir = tempfile::tempdir().unwrap();
        let own = fs::File::create(dir.path().join("x")).unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&own);
        let err = open_err(Path::new(&format!("/proc/self/fd/{fd}")));
        assert!(err.contains("not one leakcheck was started with"), "{err}");
    }

    #[test]
    fn an_input_is_refused_by_identity() {
        let dir = tempfile::tempdir().unwrap();
        let dump = dir.path().join("d.csv");
        fs::write(&dump, "nik\n").unwrap();
        let alias = dir.path().join(".").join("d.csv");
        let err = format!("{:#}", Output::open(Some(&alias), RunFiles::of([dump.as_path()])).err().unwrap());
        assert!(err.contains("a file this run reads"), "{err}");
        assert_eq!(fs::read_to_string(&dump).unwrap(), "nik\n");
        assert_eq!(names(dir.path()), ["d.csv"]);
    }
}
