//! What `-o PATH` names, decided once, before the run reads anything: standard output, an
//! inherited descriptor (`/dev/stdout`, `/dev/fd/N`), a FIFO or device to write in place, or a
//! regular file to create or replace. It refuses what must never be written: a directory, a
//! symbolic link, a file the run reads (its dumps, watchlists, key file, by device and inode).
//! It opens nothing; `super` does.

use std::ffi::OsStr;
use std::fs::{self, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::io::RawFd;
use std::path::{Component, Path, PathBuf};

/// A file's identity: two paths (hard links, symlinks, `./x` and `x`) name one file when these
/// are equal. The one same-file test of the crate (inputs scanned once, the run's own files,
/// watchlists given twice, `-o`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub fn of(meta: &Metadata) -> FileId {
        FileId { dev: meta.dev(), ino: meta.ino() }
    }
}

/// The files a run reads, which `-o` must never write: each with the name it was given.
#[derive(Clone, Debug, Default)]
pub struct RunFiles(Vec<(FileId, PathBuf)>);

impl RunFiles {
    /// The files behind `paths` (`-` is standard input), symlinks followed. A path that cannot be
    /// read is left out: the run reports it when it opens it. Character devices (a terminal,
    /// `/dev/null`) are left out too: writing one destroys nothing, and a terminal is often both
    /// standard input and standard output.
    pub fn of<'a>(paths: impl IntoIterator<Item = &'a Path>) -> RunFiles {
        let mut files = RunFiles::default();
        for path in paths {
            let meta = if path == Path::new("-") { stdin_metadata() } else { fs::metadata(path).ok() };
            if let Some(meta) = meta.filter(|m| !m.file_type().is_char_device()) {
                files.0.push((FileId::of(&meta), path.to_path_buf()));
            }
        }
        files
    }

    /// Why `meta`, the file `-o` would write, must not be written; `None` when it is none of
    /// the run's files.
    pub fn refusal(&self, meta: &Metadata) -> Option<String> {
        let id = FileId::of(meta);
        let (_, name) = self.0.iter().find(|(file, _)| *file == id)?;
        let name =
            if name == Path::new("-") { "standard input".to_string() } else { name.display().to_string() };
        Some(format!("it is {name}, a file this run reads; leakcheck never writes over its own inputs"))
    }
}

/// Standard input's metadata, whatever it is (a file redirected with `<`, a pipe, a terminal).
fn stdin_metadata() -> Option<Metadata> {
    let stdin = std::io::stdin();
    let fd = std::os::unix::io::AsFd::as_fd(&stdin).try_clone_to_owned().ok()?;
    fs::File::from(fd).metadata().ok()
}

/// What `-o` names.
#[derive(Debug)]
pub enum Target<'a> {
    /// `-o -`.
    Stdout,
    /// A descriptor the process was started with (`/dev/stdout` is 1): written through that
    /// descriptor, so `-o /dev/stdout >> log.txt` appends to log.txt.
    Descriptor(RawFd),
    /// A FIFO, a device or a socket: written in place, never replaced.
    InPlace,
    /// A regular file `name` in directory `dir`: created, or replaced whole when `existing`.
    File { dir: &'a Path, name: &'a OsStr, existing: Option<Box<Metadata>> },
}

/// Sorts `path` into a [`Target`], or says why nothing may be written there.
pub fn classify(path: &Path) -> Result<Target<'_>, String> {
    if path == Path::new("-") {
        return Ok(Target::Stdout);
    }
    if let Some(fd) = descriptor_named(path) {
        return Ok(Target::Descriptor(fd));
    }
    let (dir, name) = split(path)?;
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Target::File { dir, name, existing: None });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(format!("{} is not a directory", dir.display()));
        }
        Err(e) => return Err(crate::output::reason(&e)),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return match fs::read_link(path).ok().as_deref().and_then(descriptor_named) {
            Some(fd) => Ok(Target::Descriptor(fd)),
            None => Err(SYMLINK_REFUSED.into()),
        };
    }
    if kind.is_dir() {
        return Err("it is a directory; give the report a file name".into());
    }
    if kind.is_file() {
        return Ok(Target::File { dir, name, existing: Some(Box::new(meta)) });
    }
    Ok(Target::InPlace)
}

/// Why a `-o` that is a symbolic link is refused rather than followed or replaced.
pub const SYMLINK_REFUSED: &str = "it is a symbolic link; leakcheck writes neither through a link (into \
     a file you may not have meant) nor over it: give the path of the file itself";

/// The directory a file path is in (`.` for a bare name) and its last component, read from the
/// bytes as given: `Path::components` would drop the `.` of `missing/.` and name `missing`.
fn split(path: &Path) -> Result<(&Path, &OsStr), String> {
    let bytes = path.as_os_str().as_bytes();
    let (dir, name) = match bytes.iter().rposition(|&b| b == b'/') {
        Some(0) => (&b"/"[..], &bytes[1..]),
        Some(i) => (&bytes[..i], &bytes[i + 1..]),
        None => (&b"."[..], bytes),
    };
    match name {
        b"" if bytes.is_empty() => Err("it is empty; give the report a file name".into()),
        b"" => Err("it ends with `/`, so it names a directory; give the report a file name".into()),
        b"." | b".." => Err("it names a directory, not a file; give the report a file name".into()),
        _ => Ok((Path::new(OsStr::from_bytes(dir)), OsStr::from_bytes(name))),
    }
}

/// The descriptor `/dev/stdin`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`
/// (or `/proc/thread-self/fd/N`, `/proc/<this process>/fd/N`) stand for.
pub fn descriptor_named(path: &Path) -> Option<RawFd> {
    let parts: Vec<&OsStr> = path
        .components()
        .map(|c| match c {
            Component::RootDir => OsStr::new("/"),
            other => other.as_os_str(),
        })
        .collect();
    let text: Vec<&str> = parts.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
    let pid = std::process::id().to_string();
    match text.as_slice() {
        ["/", "dev", "stdin"] => Some(0),
        ["/", "dev", "stdout"] => Some(1),
        ["/", "dev", "stderr"] => Some(2),
        ["/", "dev", "fd", n] => parse_fd(n),
        ["/", "proc", me, "fd", n] if *me == "self" || *me == "thread-self" || *me == pid => parse_fd(n),
        _ => None,
    }
}

fn parse_fd(n: &str) -> Option<RawFd> {
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_spellings() {
        let me = format!("/proc/{}/fd/4", std::process::id());
        for (path, fd) in [
            ("/dev/stdout", Some(1)),
            ("/dev/stderr", Some(2)),
            ("/dev/stdin", Some(0)),
            ("//dev/./stdout", Some(1)),
            ("/dev/fd/7", Some(7)),
            ("/proc/self/fd/12", Some(12)),
            ("/proc/thread-self/fd/1", Some(1)),
            (me.as_str(), Some(4)),
            ("/proc/1/fd/1", None),
            ("/dev/fd/+1", None),
            ("/dev/fd/99999999999", None),
            ("/dev/fd/", None),
            ("dev/stdout", None),
            ("/dev/null", None),
            ("/dev/stdout/x", None),
        ] {
            assert_eq!(descriptor_named(Path::new(path)), fd, "{path}");
        }
    }

    #[test]
    fn paths_that_name_no_file_are_refused() {
        for path in ["missing/", "missing/.", "./", ".", "..", "/", "a/..", "x//"] {
            let err = classify(Path::new(path)).err().unwrap_or_else(|| panic!("{path:?} accepted"));
            assert!(err.contains("directory"), "{path:?}: {err}");
        }
        assert!(classify(Path::new("")).err().unwrap().contains("empty"));
    }

    #[test]
    fn a_bare_name_is_in_the_current_directory() {
        let Ok(Target::File { dir, name, existing }) = classify(Path::new("no-such-report.json")) else {
            panic!("not a file target")
        };
        assert_eq!((dir, name), (Path::new("."), OsStr::new("no-such-report.json")));
        assert!(existing.is_none());
        let Ok(Target::File { dir, name, .. }) = classify(Path::new("/no-such-report.json")) else {
            panic!("not a file target")
        };
        assert_eq!((dir, name), (Path::new("/"), OsStr::new("no-such-report.json")));
    }

    #[test]
    fn a_hard_link_to_an_input_is_that_input() {
        let dir = tempfile::tempdir().unwrap();
        let dump = dir.path().join("d.csv");
        let link = dir.path().join("copy.csv");
        fs::write(&dump, "nik\n").unwrap();
        fs::hard_link(&dump, &link).unwrap();
        let run = RunFiles::of([dump.as_path()]);
        let refusal = run.refusal(&fs::metadata(&link).unwrap()).unwrap();
        assert!(refusal.contains("d.csv, a file this run reads"), "{refusal}");
        fs::write(dir.path().join("other.csv"), "x").unwrap();
        assert!(run.refusal(&fs::metadata(dir.path().join("other.csv")).unwrap()).is_none());
    }
}
