//! Where a report goes: stdout, or a file written atomically (a temporary file beside it,
//! renamed into place only when the report is complete).

use anyhow::{Result, anyhow, bail};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The report's destination.
pub enum Output {
    Stdout,
    /// A temporary file in the target's directory, and the target path.
    File(NamedTempFile, PathBuf),
}

impl Output {
    /// Opens the destination; `-o` creates a temporary file next to `path` so the final rename
    /// stays on one filesystem.
    pub fn open(path: Option<&Path>) -> Result<Output> {
        let Some(path) = path else { return Ok(Output::Stdout) };
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
        Ok(Output::File(temp, path.to_path_buf()))
    }

    /// A buffered writer over the destination.
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Output::Stdout => Box::new(io::BufWriter::with_capacity(64 << 10, io::stdout().lock())),
            Output::File(temp, _) => Box::new(io::BufWriter::with_capacity(64 << 10, temp.as_file_mut())),
        }
    }

    /// Moves a complete report into place. Without this, dropping the output removes the
    /// temporary file and leaves nothing at the target.
    pub fn commit(self) -> Result<()> {
        if let Output::File(temp, path) = self {
            temp.as_file().sync_all().map_err(|e| anyhow!("writing {}: {}", path.display(), e.kind()))?;
            temp.persist(&path)
                .map_err(|e| anyhow!("cannot move the report into {}: {}", path.display(), e.error.kind()))?;
        }
        Ok(())
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout)
    }
}
