//! Expanding directories into the files under them, in a sorted, deterministic order; entries
//! that cannot be walked (a link to nothing, a link loop, an unreadable directory) and entries
//! that are not files (a FIFO, a socket, a device) are set aside, never a reason to stop.

use super::InputPath;
use std::path::{Path, PathBuf};

/// An input that was not scanned, and why (the report's `skipped`, SPEC §7 1.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// As given or as found under a directory (never sanitized here: the reports do that).
    pub path: String,
    /// Why, in a few words: `a PDF document`, `a symbolic link to nothing`, `read error: …`.
    pub reason: String,
    /// It should have been read and could not be: the run is incomplete (exit 2). `false` for
    /// what is simply not a dump.
    pub error: bool,
}

/// The files of a run, and the directory entries set aside while walking.
#[derive(Debug, Default)]
pub struct Expanded {
    pub inputs: Vec<InputPath>,
    pub skipped: Vec<Skipped>,
}

/// The inputs of a run with every directory replaced by the files under it (recursively,
/// sorted by path, symbolic links followed). An entry the walk cannot read, or a path given that
/// cannot be reached (a link to nothing, a missing file), is set aside in `skipped` as an error; an entry that is neither a file nor a directory as a non-dump (a FIFO
/// could block the run for ever). Only a run with nothing at all under its paths is an error.
pub fn expand(paths: &[PathBuf]) -> Result<Expanded, String> {
    let mut out = Expanded::default();
    for path in paths {
        if path == Path::new("-") {
            out.inputs.push(InputPath::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                push_file(&mut out, path.clone());
                continue;
            }
            Err(e) => {
                out.skipped.push(unreachable_path(&e, path));
                continue;
            }
        }
        let mut walk = walkdir::WalkDir::new(path).sort_by_file_name().follow_links(true).into_iter();
        while let Some(entry) = walk.next() {
            match entry {
                Ok(entry) if entry.file_type().is_file() => push_file(&mut out, entry.into_path()),
                Ok(entry) if entry.file_type().is_dir() && is_pg_directory(entry.path()) => {
                    // Its files are pieces of one archive (`toc.dat`, `NNNN.dat.gz` rows without
                    // their table): only `pg_restore` reads them whole.
                    walk.skip_current_dir();
                    out.skipped.push(Skipped {
                        path: entry.path().display().to_string(),
                        reason: super::detect::PG_DIRECTORY.to_string(),
                        error: true,
                    });
                }
                Ok(entry) if entry.file_type().is_dir() => {}
                Ok(entry) => out.skipped.push(Skipped {
                    path: entry.path().display().to_string(),
                    reason: format!("{}, not a file", special_file(&entry.file_type())),
                    error: false,
                }),
                Err(e) => out.skipped.push(unwalkable(&e, path)),
            }
        }
    }
    if out.inputs.is_empty() && out.skipped.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!("no files to scan in {}", names.join(", ")));
    }
    Ok(out)
}

/// A `pg_dump -Fd` archive: a directory whose `toc.dat` starts with pg_dump's magic.
fn is_pg_directory(dir: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 5];
    std::fs::File::open(dir.join("toc.dat")).and_then(|mut f| f.read_exact(&mut magic)).is_ok()
        && magic == super::detect::PG_DUMP_MAGIC
}

/// A file to read: a spreadsheet gives one input per sheet (`book.xlsx!Sheet1`, SPEC §5), or is
/// listed as skipped with why it could not be read; any other file is one input. A file named as
/// a workbook that does not start as one (a web app's "export to Excel", which is tab-separated
/// text or an HTML page) is one input too, read or named by its content.
fn push_file(out: &mut Expanded, path: PathBuf) {
    let Some(format) = super::sheet::format_of(&path) else {
        out.inputs.push(InputPath::File(path));
        return;
    };
    if !starts_as_workbook(&path, format) {
        out.inputs.push(InputPath::File(path));
        return;
    }
    let book = super::workbook::Book::Path(path.clone());
    match super::workbook::sheet_names(&book, format) {
        Ok(sheets) if sheets.is_empty() => out.skipped.push(Skipped {
            path: path.display().to_string(),
            reason: "a spreadsheet without sheets".to_string(),
            error: false,
        }),
        // Sheets of one name are read from a renamed copy of the workbook, made when it is read.
        Ok(sheets) if super::workbook::has_same_names(&sheets) => out.inputs.push(InputPath::File(path)),
        Ok(sheets) => {
            out.inputs.extend(sheets.into_iter().map(|sheet| InputPath::Sheet { book: path.clone(), sheet }))
        }
        Err(reason) => out.skipped.push(Skipped { path: path.display().to_string(), reason, error: true }),
    }
}

/// The file starts with the magic bytes of a `format` workbook (a file that cannot be read does
/// not: opening it says why).
fn starts_as_workbook(path: &Path, format: super::Format) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(8);
    let read = std::fs::File::open(path).and_then(|f| f.take(8).read_to_end(&mut head));
    read.is_ok() && super::workbook::starts_as(format, &head)
}

/// A directory entry the walk could not follow or read: an error of the run.
fn unwalkable(e: &walkdir::Error, root: &Path) -> Skipped {
    let path = e.path().unwrap_or(root);
    let dangling = e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let reason = if e.loop_ancestor().is_some() {
        "a symbolic link loop".to_string()
    } else if dangling {
        "a symbolic link to nothing".to_string()
    } else {
        format!("cannot be read: {}", e.io_error().map_or_else(|| e.to_string(), ToString::to_string))
    };
    Skipped { path: path.display().to_string(), reason, error: true }
}

/// A path named on the command line that cannot be reached: set aside like a directory entry
/// the walk cannot follow, in the same words (SPEC §8 1.1: the other inputs are still scanned).
fn unreachable_path(e: &std::io::Error, path: &Path) -> Skipped {
    let dangling = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let reason = if e.kind() == std::io::ErrorKind::NotFound && dangling {
        "a symbolic link to nothing".to_string()
    } else if e.kind() == std::io::ErrorKind::NotFound {
        "no such file or directory".to_string()
    } else {
        format!("cannot be read: {e}")
    };
    Skipped { path: path.display().to_string(), reason, error: true }
}

/// What a directory entry that is neither a file nor a directory is.
fn special_file(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(root: &Path, got: &Expanded) -> Vec<String> {
        got.inputs
            .iter()
            .map(|i| match i {
                InputPath::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                InputPath::Stdin => "-".into(),
                InputPath::Sheet { sheet, .. } => sheet.clone(),
                InputPath::Range { path, .. } => path.display().to_string(),
            })
            .collect()
    }

    #[test]
    fn directories_expand_sorted_and_recursively() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/inner")).unwrap();
        for f in ["z.csv", "a.csv", "b/inner/x.sql", "b/m.json"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let got = expand(&[root.to_path_buf(), PathBuf::from("-")]).unwrap();
        assert_eq!(names(root, &got), ["a.csv", "b/inner/x.sql", "b/m.json", "z.csv", "-"]);
        assert!(got.skipped.is_empty());
    }

    #[test]
    fn a_dangling_link_a_link_loop_and_a_fifo_are_set_aside_and_the_rest_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("loop")).unwrap();
        std::fs::write(root.join("a.csv"), "x").unwrap();
        std::fs::write(root.join("z.csv"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("gone.csv"), root.join("b.csv")).unwrap();
        std::os::unix::fs::symlink(root, root.join("loop/up")).unwrap();
        let fifo = std::ffi::CString::new(root.join("pipe").display().to_string()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let got = expand(&[root.to_path_buf()]).unwrap();
        assert_eq!(names(root, &got), ["a.csv", "z.csv"]);
        let skipped: Vec<(String, &str, bool)> = got
            .skipped
            .iter()
            .map(|s| {
                let path = Path::new(&s.path).strip_prefix(root).unwrap().display().to_string();
                (path, s.reason.as_str(), s.error)
            })
            .collect();
        assert_eq!(
            skipped,
            [
                ("b.csv".to_string(), "a symbolic link to nothing", true),
                ("loop/up".to_string(), "a symbolic link loop", true),
                ("pipe".to_string(), "a named pipe (FIFO), not a file", false),
            ]
        );
    }

    #[test]
    fn an_empty_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = expand(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(err.starts_with("no files to scan in "), "{err}");
    }
}
