//! A workbook's bytes and the one guarded way into `calamine`. A workbook is read from its own
//! file, or from an anonymous temporary file holding a member of an archive or standard input
//! ([`Book`]). Before `calamine` sees it, the bounds of `crate::limits` are checked: `.xls` and
//! `.ods` files are held whole, so their size is; the parts of a `.xlsx`/`.ods` that `calamine`
//! unpacks whole (shared strings, styles, `content.xml`) are, by the size their zip declares and
//! by the bytes they really unpack to. Every call into `calamine` goes through [`guarded`]: a
//! panic inside the crate (a third-party parser meeting hostile bytes) becomes "the workbook
//! could not be read" for that workbook, never the end of the run. This module does not read
//! cells: `sheet` does.

use super::Format;
use crate::limits::{MAX_WHOLE_WORKBOOK_BYTES, MAX_WORKBOOK_PART_BYTES};
use calamine::{Ods, Reader, Xls, Xlsx};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

/// Why a workbook whose reader panicked is not read.
pub const PANICKED: &str = "the workbook could not be read (an internal error of calamine)";

/// Where a workbook's bytes are.
#[derive(Clone, Debug)]
pub enum Book {
    /// Its own file.
    Path(PathBuf),
    /// An anonymous temporary file (no name on disk) holding a member of an archive or standard
    /// input; each reader reads it at its own offset.
    Spooled(Arc<File>),
}

/// Bytes `calamine` can seek in.
pub trait BookBytes: Read + Seek + Send {}
impl<T: Read + Seek + Send> BookBytes for T {}

/// What `calamine` reads a workbook from.
pub type BookReader = BufReader<Box<dyn BookBytes>>;

impl Book {
    /// A reader of the workbook from its first byte.
    pub fn reader(&self) -> io::Result<BookReader> {
        let bytes: Box<dyn BookBytes> = match self {
            Book::Path(path) => Box::new(File::open(path)?),
            Book::Spooled(file) => Box::new(SharedFile::new(file.clone())),
        };
        Ok(BufReader::new(bytes))
    }

    fn len(&self) -> io::Result<u64> {
        match self {
            Book::Path(path) => std::fs::metadata(path).map(|m| m.len()),
            Book::Spooled(file) => file.metadata().map(|m| m.len()),
        }
    }
}

/// A file shared by several readers, each at its own offset (`pread`): a sheet's reading
/// thread may still be winding down while the next sheet is opened.
pub struct SharedFile {
    file: Arc<File>,
    pos: u64,
}

impl SharedFile {
    pub fn new(file: Arc<File>) -> Self {
        SharedFile { file, pos: 0 }
    }
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let target = match pos {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::Current(by) => self.pos.checked_add_signed(by),
            SeekFrom::End(by) => self.file.metadata()?.len().checked_add_signed(by),
        };
        let at =
            target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        self.pos = at;
        Ok(at)
    }
}

/// The first bytes of an OLE2 compound file: an `.xls` workbook, or another Office 97-2003 file.
pub const OLE2_MAGIC: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
/// The first bytes of a zip: a `.xlsx`, `.xlsm` or `.ods` workbook.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// `head` starts as a `format` workbook does: OLE2 for `.xls`, a zip for `.xlsx` and `.ods`.
pub fn starts_as(format: Format, head: &[u8]) -> bool {
    head.starts_with(if format == Format::Xls { OLE2_MAGIC } else { ZIP_MAGIC })
}

/// Runs a call into `calamine`; a panic in it is an `Err` saying the workbook could not be read.
/// (The panic's own message still goes to stderr through the process's panic hook.)
pub fn guarded<T>(read: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| Err(PANICKED.to_string()))
}

/// The names of the sheets of `book`, in workbook order, once its bounds are checked; `Err`
/// says why the workbook is not read (a message naming no cell's content).
pub fn sheet_names(book: &Book, format: Format) -> Result<Vec<String>, String> {
    guarded(|| {
        check_bounds(book, format)?;
        let reader = book.reader().map_err(|e| format!("cannot be read: {e}"))?;
        match format {
            Format::Xlsx => Xlsx::new(reader).map(|b| b.sheet_names()).map_err(error_text),
            Format::Xls => Xls::new(reader).map(|b| b.sheet_names()).map_err(error_text),
            _ => Ods::new(reader).map(|b| b.sheet_names()).map_err(error_text),
        }
    })
}

/// The workbook's size (for those held whole) and the unpacked size of the parts read whole.
fn check_bounds(book: &Book, format: Format) -> Result<(), String> {
    if matches!(format, Format::Xls | Format::Ods) {
        let len = book.len().map_err(|e| format!("cannot be read: {e}"))?;
        if len > MAX_WHOLE_WORKBOOK_BYTES {
            return Err(format!(
                "a .{} workbook of more than {} MiB, which would be held whole in memory: not read \
                 (save its sheets as CSV and scan those)",
                format.as_str(),
                MAX_WHOLE_WORKBOOK_BYTES >> 20
            ));
        }
    }
    if matches!(format, Format::Xlsx | Format::Ods) {
        let reader = book.reader().map_err(|e| format!("cannot be read: {e}"))?;
        check_parts(reader, MAX_WORKBOOK_PART_BYTES)?;
    }
    Ok(())
}

/// Each part of a zip workbook that is read whole (every `.xml`/`.rels` part but the sheets of a
/// `.xlsx`, which are streamed) unpacks to at most `limit` bytes: first by the size the zip
/// declares, then by counting the bytes it really unpacks to (a declared size can lie: the `zip`
/// crate then fails past the declared size, and the workbook is not read either). A zip whose
/// directory cannot be read is left to `calamine`, which says what is wrong with it.
fn check_parts(reader: impl Read + Seek, limit: u64) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(reader) else { return Ok(()) };
    for index in 0..zip.len() {
        let Ok(mut part) = zip.by_index(index) else { continue };
        let name = part.name().unwrap_or_default().to_ascii_lowercase();
        let whole = (name.ends_with(".xml") || name.ends_with(".rels")) && !name.contains("worksheets/");
        if !whole {
            continue;
        }
        let unpacked = if part.size() > limit {
            part.size()
        } else {
            io::copy(&mut (&mut part).take(limit + 1), &mut io::sink()).map_err(error_text)?
        };
        if unpacked > limit {
            let name = crate::report::mask::sanitize(
                &part.name().unwrap_or_default().chars().take(80).collect::<String>(),
            );
            return Err(format!(
                "a workbook whose part {name} unpacks to more than {} MiB (a zip bomb, or a workbook too \
                 large to read whole): not read",
                limit >> 20
            ));
        }
    }
    Ok(())
}

/// A `calamine` error as one line for a message: control characters replaced, runs of digits
/// (which could be a cell's value) elided, and cut short.
pub fn error_text(error: impl std::fmt::Display) -> String {
    const MAX: usize = 200;
    let text = crate::report::mask::sanitize(&error.to_string());
    let mut out = String::new();
    let mut digits = 0;
    for c in text.chars().take(MAX) {
        digits = if c.is_ascii_digit() { digits + 1 } else { 0 };
        match digits {
            0 => out.push(c),
            // Short numbers (a row, a position) are kept; a longer run is cut to `…`.
            1..=4 => out.push(c),
            5 => {
                out.truncate(out.len() - 4);
                out.push('…');
            }
            _ => {}
        }
    }
    format!("not a readable spreadsheet ({out})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    /// A zip whose `xl/sharedStrings.xml` unpacks to `size` bytes of spaces (deflated to little).
    fn with_shared_strings(size: usize) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        zip.write_all(&vec![b' '; size]).unwrap();
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        zip.write_all(&vec![b' '; size]).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_part_read_whole_is_bounded_and_a_streamed_sheet_is_not() {
        assert_eq!(check_parts(Cursor::new(with_shared_strings(1000)), 1000), Ok(()));
        let err = check_parts(Cursor::new(with_shared_strings(1001)), 1000).unwrap_err();
        assert!(err.contains("part xl/sharedStrings.xml unpacks to more than"), "{err}");
    }

    #[test]
    fn a_part_that_declares_less_than_it_unpacks_to_is_caught_by_its_bytes() {
        // The declared (uncompressed) size of the shared strings is rewritten to 10 bytes in
        // both the local header and the central directory: only counting sees the truth.
        let mut bytes = with_shared_strings(5000);
        let name = b"xl/sharedStrings.xml";
        let mut at = 0;
        while let Some(i) = bytes[at..].windows(name.len()).position(|w| w == name) {
            let start = at + i;
            let header =
                if bytes[start - 46..start - 42] == *b"PK\x01\x02" { start - 46 } else { start - 30 };
            let size_at = header + if bytes[header + 3] == 2 { 24 } else { 22 };
            bytes[size_at..size_at + 4].copy_from_slice(&10u32.to_le_bytes());
            at = start + name.len();
        }
        let err = check_parts(Cursor::new(bytes), 1000).unwrap_err();
        assert!(err.starts_with("not a readable spreadsheet ("), "{err}");
    }

    #[test]
    fn a_panic_in_the_reader_is_an_unreadable_workbook() {
        let got: Result<(), String> = guarded(|| panic!("calamine met something"));
        assert_eq!(got, Err(PANICKED.to_string()));
        assert_eq!(guarded(|| Ok(3)), Ok(3));
    }

    #[test]
    fn shared_readers_keep_their_own_offsets() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"0123456789").unwrap();
        let file = Arc::new(file);
        let (mut a, mut b) = (SharedFile::new(file.clone()), SharedFile::new(file));
        let mut two = [0; 2];
        a.read_exact(&mut two).unwrap();
        b.seek(SeekFrom::End(-2)).unwrap();
        b.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"89");
        a.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"23");
        assert!(a.seek(SeekFrom::Current(-10)).is_err());
    }

    #[test]
    fn error_messages_elide_long_numbers() {
        assert_eq!(
            error_text("bad value 3201014107900001 in row 12"),
            "not a readable spreadsheet (bad value … in row 12)"
        );
    }
}
