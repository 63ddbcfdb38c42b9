//! Where a report goes: stdout, or a file written atomically (a temporary file beside it,
//! renamed into place only when the report is complete), or a device or pipe written directly.

use crate::interrupt::PendingFile;
use anyhow::{Result, anyhow, bail};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The report's destination.
pub enum Output {
    Stdout,
    /// A temporary file in the target's directory, and the target path; the guard has Ctrl-C
    /// remove the temporary file should the process end before it is moved into place.
    File(NamedTempFile, PathBuf, PendingFile),
    /// Something that is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO): written in
    /// place, since renaming over it would replace the device with a plain file.
    Special(File),
}

impl Output {
    /// Opens the destination; `-o` creates a temporary file next to `path` so the final rename
    /// stays on one filesystem.
    pub fn open(path: Option<&Path>) -> Result<Output> {
        let Some(path) = path else { return Ok(Output::Stdout) };
        // Through a symlink, update the file it names and leave the link in place.
        let resolved = fs::canonicalize(path).ok();
        let path = resolved.as_deref().unwrap_or(path);
        if let Ok(meta) = fs::metadata(path)
            && !meta.is_file()
            && !meta.is_dir()
        {
            let file = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| anyhow!("cannot write the report to {}: {}", path.display(), e.kind()))?;
            return Ok(Output::Special(file));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if path.is_dir() {
            bail!("cannot write the report to {}: it is a directory", path.display());
        }
        if !dir.is_dir() {
            bail!(
                "cannot write the report to {}: directory {} does not exist",
                path.display(),
                dir.display()
            );
        }
        let temp = tempfile::Builder::new()
            .prefix(".leakcheck-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| anyhow!("cannot write the report to {}: {}", path.display(), e.kind()))?;
        let pending = PendingFile::new(temp.path());
        Ok(Output::File(temp, path.to_path_buf(), pending))
    }

    /// A buffered writer over the destination.
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Output::Stdout => Box::new(io::BufWriter::with_capacity(64 << 10, io::stdout().lock())),
            Output::File(temp, ..) => Box::new(io::BufWriter::with_capacity(64 << 10, temp.as_file_mut())),
            Output::Special(file) => Box::new(io::BufWriter::with_capacity(64 << 10, file)),
        }
    }

    /// Moves a complete report into place. Without this, dropping the output removes the
    /// temporary file and leaves nothing at the target.
    pub fn commit(self) -> Result<()> {
        if let Output::File(temp, path, _pending) = self {
            temp.as_file().sync_all().map_err(|e| anyhow!("writing {}: {}", path.display(), e.kind()))?;
            // Not moved into place if Ctrl-C came first (then dropping `temp` removes it).
            crate::interrupt::commit_unless_interrupted(|| temp.persist(&path))?
                .map_err(|e| anyhow!("cannot move the report into {}: {}", path.display(), e.error.kind()))?;
        }
        Ok(())
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    fn write_report(path: &Path, text: &str) {
        let mut output = Output::open(Some(path)).unwrap();
        {
            let mut w = output.writer();
            w.write_all(text.as_bytes()).unwrap();
            w.flush().unwrap();
        }
        output.commit().unwrap();
    }

    #[test]
    fn a_regular_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        fs::write(&path, "old report, longer than the new one").unwrap();
        write_report(&path, "new");
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["report.json"], "no temporary file left behind");
    }

    #[test]
    fn a_symlink_keeps_pointing_at_the_updated_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_report(&link, "new");
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
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
        write_report(&fifo, "through the pipe");
        // Checked before joining: had the FIFO been replaced, the reader would wait forever.
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a FIFO");
        assert_eq!(reader.join().unwrap(), "through the pipe");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = Output::open(Some(dir.path())).err().unwrap().to_string();
        assert!(err.contains("it is a directory"), "{err}");
    }
}
