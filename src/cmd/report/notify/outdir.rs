//! The output directory of `report notify`: built whole in a temporary directory beside it (mode
//! 0700, files 0600), then moved into place. A new or empty directory is replaced in one rename;
//! with `--force`, a non-empty one gets each file renamed in (a symbolic link there is replaced,
//! never followed) and the letters of its previous run that this run no longer writes removed,
//! as its manifest lists them: no other file is touched. Nothing is left on error or signal.

use crate::interrupt::{self, PendingFile};
use anyhow::{Context, Result, bail};
use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The file listing what the run wrote, read by the next `--force` run.
pub const MANIFEST: &str = ".leakcheck-notify";
/// Where the letters go.
pub const LETTERS: &str = "letters";

/// The directory being written.
pub struct OutDir {
    target: PathBuf,
    force: bool,
    temp: tempfile::TempDir,
    /// Paths relative to the directory, in the order written.
    written: Vec<String>,
    pending: Vec<PendingFile>,
}

impl OutDir {
    /// Checks `target` before anything is read: refused if it is a symbolic link or not a
    /// directory, or not empty without `force`.
    /// `reads` are the files this run reads (reports, watchlists, incident, template): none may
    /// lie inside `target`, which `--force` writes over.
    pub fn prepare(target: &Path, force: bool, reads: &[&Path]) -> Result<OutDir> {
        let shown = target.display();
        if let Ok(dir) = fs::canonicalize(target) {
            for read in reads {
                if let Ok(file) = fs::canonicalize(read)
                    && file.starts_with(&dir)
                {
                    bail!(
                        "-o {shown}: holds {}, which this run reads: give another directory (notify \
                         never writes over its own inputs)",
                        read.display()
                    );
                }
            }
        }
        match fs::symlink_metadata(target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                bail!("-o {shown}: a symbolic link, not followed: give the directory's own path")
            }
            Ok(meta) if !meta.is_dir() => bail!("-o {shown}: exists and is not a directory"),
            Ok(_) => {
                let empty = fs::read_dir(target).with_context(|| format!("-o {shown}"))?.next().is_none();
                if !empty && !force {
                    bail!(
                        "-o {shown}: exists and is not empty: give a new or empty directory, or --force to \
                         replace the files notify writes there (other files are kept)"
                    );
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!("-o {shown}: {e}"),
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".leakcheck-notify-")
            .tempdir_in(parent)
            .with_context(|| format!("-o {shown}: cannot create a directory beside it"))?;
        // A signal before the commit removes these too, once their files are gone.
        let mut pending = vec![PendingFile::new(temp.path())];
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o700))
            .with_context(|| format!("-o {shown}"))?;
        pending.push(PendingFile::new(&temp.path().join(LETTERS)));
        fs::DirBuilder::new()
            .mode(0o700)
            .create(temp.path().join(LETTERS))
            .with_context(|| format!("-o {shown}"))?;
        Ok(OutDir { target: target.to_path_buf(), force, temp, written: Vec::new(), pending })
    }

    /// Writes `bytes` to `relative` (`authority.md`, `letters/x.md`), mode 0600.
    pub fn write(&mut self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.temp.path().join(relative);
        self.pending.push(PendingFile::new(&path));
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()).map(|()| f))
            .with_context(|| format!("writing {} in {}", relative, self.target.display()))?;
        file.flush()?;
        self.written.push(relative.to_string());
        Ok(())
    }

    /// Moves everything into place, unless a signal came first.
    pub fn commit(mut self) -> Result<()> {
        let manifest: String = self.written.iter().map(|p| format!("{p}\n")).collect();
        self.write(MANIFEST, manifest.as_bytes())?;
        let done = interrupt::commit_unless_interrupted(|| self.move_into_place())?;
        done.with_context(|| format!("-o {}", self.target.display()))
    }

    fn move_into_place(&mut self) -> Result<()> {
        let replace_whole = match fs::symlink_metadata(&self.target) {
            Err(_) => true,
            Ok(_) => fs::read_dir(&self.target)?.next().is_none(),
        };
        if replace_whole {
            // rename(2) replaces an empty directory in one step.
            fs::rename(self.temp.path(), &self.target)?;
            return Ok(());
        }
        if !self.force {
            bail!("it is no longer empty");
        }
        let letters = self.target.join(LETTERS);
        match fs::symlink_metadata(&letters) {
            Ok(meta) if meta.is_dir() && !meta.file_type().is_symlink() => {}
            Ok(_) => bail!("{LETTERS} there is not a directory (or is a symbolic link): not replaced"),
            Err(_) => fs::DirBuilder::new().mode(0o700).create(&letters)?,
        }
        let previous = self.previous_letters();
        for relative in &self.written {
            fs::rename(self.temp.path().join(relative), self.target.join(relative))
                .with_context(|| format!("moving {relative} into place"))?;
        }
        let now: HashSet<&String> = self.written.iter().collect();
        for stale in previous.iter().filter(|p| !now.contains(p)) {
            let path = self.target.join(stale);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
                fs::remove_file(&path)
                    .with_context(|| format!("removing {stale}, a letter of the previous run"))?;
            }
        }
        Ok(())
    }

    /// The letters the manifest of the directory's previous run lists: only names this command
    /// writes (`letters/<safe name>.md`), so a crafted manifest cannot name another file.
    fn previous_letters(&self) -> Vec<String> {
        let path = self.target.join(MANIFEST);
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            return Vec::new();
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        text.lines().filter(|line| is_letter_path(line)).map(str::to_string).collect()
    }
}

/// `letters/<name>.md` with a name of `A-Z a-z 0-9 . _ -` only, not starting with a dot.
fn is_letter_path(line: &str) -> bool {
    let Some(name) = line.strip_prefix("letters/").and_then(|n| n.strip_suffix(".md")) else { return false };
    !name.is_empty()
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_names_only_letters() {
        for (line, ok) in [
            ("letters/P-001.md", true),
            ("letters/ward3_L12.md", true),
            ("letters/../authority.md", false),
            ("letters/.md", false),
            ("letters/a/b.md", false),
            ("authority.md", false),
            ("/etc/passwd", false),
            ("letters/x.txt", false),
        ] {
            assert_eq!(is_letter_path(line), ok, "{line}");
        }
    }
}
