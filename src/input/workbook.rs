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
use super::sheet_xml::{XmlMeasure, declared_strings};
use crate::limits::{
    MAX_RECORD_BYTES, MAX_WHOLE_WORKBOOK_BYTES, MAX_WORKBOOK_PART_BYTES, MAX_WORKBOOK_PART_MEMORY,
    SHARED_STRING_COST,
};
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

/// The sheets of `book`, once its bounds are checked: the workbook to read them from and their
/// names, in workbook order, each its own. `calamine` finds a sheet by its name only, so a
/// `.xlsx` or `.ods` with two sheets of one name is read from a copy in which the second is
/// `Name#2` (`sheet_rename`); an `.xls` cannot be renamed so and is not read. `Err` says why
/// the workbook is not read (a message naming no cell's content).
pub fn sheets(book: &Book, format: Format) -> Result<(Book, Vec<String>), String> {
    let names = sheet_names(book, format)?;
    if !has_same_names(&names) {
        return Ok((book.clone(), names));
    }
    let copy = super::sheet_rename::renamed(book, format)?;
    let names = guarded(|| read_names(&copy, format))?;
    refuse_same_names(&names)?;
    Ok((copy, names))
}

/// The names of the sheets of `book`, in workbook order, once its bounds are checked: two
/// sheets may share a name in a `.xlsx` or `.ods` ([`sheets`] reads them apart), not in an
/// `.xls`. `Err` says why the workbook is not read.
pub fn sheet_names(book: &Book, format: Format) -> Result<Vec<String>, String> {
    let names = guarded(|| {
        check_bounds(book, format)?;
        read_names(book, format)
    })?;
    if format == Format::Xls {
        refuse_same_names(&names)?;
    }
    Ok(names)
}

/// Two of `names` are the same: the workbook is read through [`sheets`].
pub fn has_same_names(names: &[String]) -> bool {
    let mut seen = std::collections::HashSet::new();
    !names.iter().all(|name| seen.insert(name.as_str()))
}

fn read_names(book: &Book, format: Format) -> Result<Vec<String>, String> {
    let reader = book.reader().map_err(|e| format!("cannot be read: {e}"))?;
    match format {
        Format::Xlsx => Xlsx::new(reader).map(|b| b.sheet_names()).map_err(error_text),
        Format::Xls => Xls::new(reader).map(|b| b.sheet_names()).map_err(error_text),
        _ => Ods::new(reader).map(|b| b.sheet_names()).map_err(error_text),
    }
}

/// `Err` when two sheets have the same name. `calamine` finds a sheet by its name only (of two
/// sheets called `Data`, an `.xls` gives one for both), so one sheet would be read twice and the
/// other never, and the run said complete. A workbook that cannot be read sheet for sheet is
/// not read: the run is incomplete (exit 2).
fn refuse_same_names(names: &[String]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    let Some(twice) = names.iter().find(|name| !seen.insert(name.as_str())) else { return Ok(()) };
    let twice = crate::report::mask::sanitize(&twice.chars().take(80).collect::<String>());
    Err(format!(
        "a workbook with two sheets named {twice}, which cannot be told apart (the reader finds a sheet by its \
         name): not read (rename one of them, or save each sheet as CSV, and scan again)"
    ))
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

/// Each part of a zip workbook but its worksheets unpacks to at most `limit` bytes: first by the
/// size the zip declares, then by counting the bytes it really unpacks to (a declared size can
/// lie: the `zip` crate then fails past the declared size, and the workbook is not read either).
/// Only the worksheets of a `.xlsx` are streamed by `calamine`; every other part it reads (shared
/// strings, styles, `content.xml`) it holds whole. Which parts are worksheets is taken from the
/// workbook's relationships, not from part names: `calamine` follows the relationships, so shared
/// strings stored as `xl/worksheets/sharedStrings.xml` are still read whole and still bounded. A
/// zip whose directory cannot be read is left to `calamine`, which says what is wrong with it.
///
/// The XML parts `calamine` reads, streamed or not, are measured too ([`XmlMeasure`]): `calamine`
/// holds a cell's text whole (and its reader a tag or comment), so a part with a piece longer
/// than [`MAX_RECORD_BYTES`] is not read (a 1 GiB cell took 3.1 GB before the row was found too
/// large); and a part held whole whose strings would take more than
/// [`MAX_WORKBOOK_PART_MEMORY`] (each one a `String` of its own) is not read either, nor a
/// shared-strings part whose declared `uniqueCount`, reserved before a string is read, would.
fn check_parts(reader: impl Read + Seek, limit: u64) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(reader) else { return Ok(()) };
    let streamed = worksheet_parts(&mut zip)?;
    for index in 0..zip.len() {
        let Ok(mut part) = zip.by_index(index) else { continue };
        let name = part.name().unwrap_or_default().to_string();
        let is_sheet = streamed.contains(&name);
        let lower = name.to_ascii_lowercase();
        let is_xml = is_sheet || lower.ends_with(".xml") || lower.ends_with(".rels");
        if part.is_dir() {
            continue;
        }
        let shown = || crate::report::mask::sanitize(&name.chars().take(80).collect::<String>());
        let too_large = || {
            format!(
                "a workbook whose part {} unpacks to more than {} MiB (a zip bomb, or a workbook too large to \
                 read whole): not read",
                shown(),
                limit >> 20
            )
        };
        if !is_sheet && part.size() > limit {
            return Err(too_large());
        }
        let cap = if is_sheet { u64::MAX } else { limit + 1 };
        let mut measure = XmlMeasure::default();
        if is_xml {
            io::copy(&mut (&mut part).take(cap), &mut measure).map_err(error_text)?;
        } else {
            io::copy(&mut (&mut part).take(cap), &mut CountingSink(&mut measure)).map_err(error_text)?;
        }
        if !is_sheet && measure.bytes() > limit {
            return Err(too_large());
        }
        if measure.longest() > MAX_RECORD_BYTES as u64 {
            return Err(format!(
                "a workbook whose part {} holds a cell (or a piece of its XML) of more than {} MiB, larger than \
                 a record may be: not read (the reader would hold it whole; save its sheets as CSV and scan \
                 those)",
                shown(),
                MAX_RECORD_BYTES >> 20
            ));
        }
        let memory = measure.bytes().saturating_add(measure.strings().saturating_mul(SHARED_STRING_COST));
        if !is_sheet && memory > MAX_WORKBOOK_PART_MEMORY {
            return Err(format!(
                "a workbook whose part {} holds {} strings, which would take more than {} MiB of memory to \
                 read: not read (save its sheets as CSV and scan those)",
                shown(),
                measure.strings(),
                MAX_WORKBOOK_PART_MEMORY >> 20
            ));
        }
        drop(part);
        if !is_sheet && is_shared_strings(&name) {
            let declared = match zip.by_index(index) {
                Ok(part) => declared_strings(BufReader::new(part)).unwrap_or(0),
                Err(_) => 0,
            };
            if memory.saturating_add(declared.saturating_mul(RESERVED_STRING_COST)) > MAX_WORKBOOK_PART_MEMORY
            {
                return Err(format!(
                    "a workbook whose part {} declares more shared strings (its uniqueCount) than {} MiB of \
                     memory can hold, for which the reader would reserve memory before reading one: not read \
                     (save its sheets as CSV and scan those)",
                    shown(),
                    MAX_WORKBOOK_PART_MEMORY >> 20
                ));
            }
        }
    }
    Ok(())
}

/// What `calamine` reserves for each string its shared-strings part declares (`uniqueCount`)
/// before reading one: a `String` (pointer, capacity, length) in a `Vec`.
const RESERVED_STRING_COST: u64 = std::mem::size_of::<String>() as u64;

/// `name` is the shared-strings part `calamine` reads: `<workbook's directory>sharedStrings.xml`,
/// found as it finds parts (in any case). Any part so named is checked, whatever the workbook's
/// directory: at worst a part `calamine` does not read is read once more up to its `sst`.
fn is_shared_strings(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("sharedstrings.xml")
}

/// Counts the bytes of a part that is not XML, as [`XmlMeasure::bytes`] does.
struct CountingSink<'a>(&'a mut XmlMeasure);

impl io::Write for CountingSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.count(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Longest relationships part read to find the worksheets (a real one is a few KiB).
const MAX_RELS_BYTES: u64 = 1 << 20;

/// The parts that the workbook's relationships name as worksheets and as nothing else (a part a
/// relationship of another type also names is read whole, so it is bounded too).
fn worksheet_parts(
    zip: &mut zip::ZipArchive<impl Read + Seek>,
) -> Result<std::collections::HashSet<String>, String> {
    let mut sheets = std::collections::HashSet::new();
    let mut others = std::collections::HashSet::new();
    for index in 0..zip.len() {
        let Ok(part) = zip.by_index(index) else { continue };
        let name = part.name().unwrap_or_default().to_string();
        if !name.to_ascii_lowercase().ends_with(".rels") {
            continue;
        }
        let mut text = Vec::new();
        part.take(MAX_RELS_BYTES + 1).read_to_end(&mut text).map_err(error_text)?;
        if text.len() as u64 > MAX_RELS_BYTES {
            return Err(format!(
                "a workbook whose relationships part unpacks to more than {} MiB: not read",
                MAX_RELS_BYTES >> 20
            ));
        }
        // `dir/_rels/x.rels` describes the parts of `dir/`; `_rels/.rels` those of the root.
        let base = name.rsplit_once("_rels/").map_or("", |(dir, _)| dir).to_string();
        let mut reader = quick_xml::Reader::from_reader(text.as_slice());
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    let (mut kind, mut target, mut external) = (String::new(), String::new(), false);
                    for attr in e.attributes().flatten() {
                        let value = attr.value.to_string();
                        match attr.key.local_name().as_ref() {
                            "Type" => kind = value,
                            "Target" => target = value,
                            "TargetMode" => external = value.eq_ignore_ascii_case("external"),
                            _ => {}
                        }
                    }
                    if external || target.is_empty() {
                        continue;
                    }
                    let part = resolve_part(&base, &target);
                    if kind.ends_with("/worksheet") {
                        sheets.insert(part);
                    } else {
                        others.insert(part);
                    }
                }
                Ok(quick_xml::events::Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
    }
    Ok(sheets.difference(&others).cloned().collect())
}

/// The part a relationship's target names, from the directory of the part it belongs to:
/// `worksheets/sheet1.xml` from `xl/` is `xl/worksheets/sheet1.xml`; `/xl/x.xml` is from the root;
/// `..` goes up.
fn resolve_part(base: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{base}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
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
        zip.start_file("xl/_rels/workbook.xml.rels", options).unwrap();
        zip.write_all(RELS.replace("STRINGS", "sharedStrings.xml").as_bytes()).unwrap();
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        zip.write_all(&vec![b' '; size]).unwrap();
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        zip.write_all(&vec![b' '; size]).unwrap();
        zip.finish().unwrap().into_inner()
    }

    /// A zip of `parts` (name, bytes).
    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="STRINGS"/>
</Relationships>"#;

    #[test]
    fn shared_strings_stored_among_the_worksheets_are_still_bounded() {
        // Regression (cold review): parts under `worksheets/` were taken for streamed sheets by
        // their name, so shared strings stored there were unpacked whole, unbounded (1.7 GB for
        // an 826 KB file). What is a worksheet is what the relationships say.
        let big = vec![b' '; 1001];
        let rels = RELS.replace("STRINGS", "worksheets/sharedStrings.xml");
        let book = zip_of(&[
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", &big),
            ("xl/worksheets/sharedStrings.xml", &big),
        ]);
        let err = check_parts(Cursor::new(book), 1000).unwrap_err();
        assert!(err.contains("part xl/worksheets/sharedStrings.xml unpacks to more than"), "{err}");
        // A part named as a worksheet and as shared strings is read whole: bounded.
        let rels = RELS.replace("STRINGS", "/xl/worksheets/sheet1.xml");
        let book =
            zip_of(&[("xl/_rels/workbook.xml.rels", rels.as_bytes()), ("xl/worksheets/sheet1.xml", &big)]);
        assert!(check_parts(Cursor::new(book), 1000).is_err());
        // A real worksheet, named by the relationships, is streamed: not bounded.
        let rels = RELS.replace("STRINGS", "../xl/./sharedStrings.xml");
        let book = zip_of(&[
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", &big),
            ("xl/sharedStrings.xml", b"<sst/>"),
        ]);
        assert_eq!(check_parts(Cursor::new(book), 1000), Ok(()));
    }

    #[test]
    fn a_shared_strings_count_that_memory_cannot_hold_is_not_read() {
        // Regression (hostile9-A cnt3/cnt4/cnt2.xlsx): `calamine` reserved memory for the
        // `uniqueCount` a 9 KB workbook declared: 96 GB ended the whole run, 2^61 panicked.
        let book = |count: &str| {
            let strings = format!(
                r#"<?xml version="1.0"?><sst count="2" uniqueCount="{count}"><si><t>nik</t></si></sst>"#
            );
            zip_of(&[
                ("xl/_rels/workbook.xml.rels", RELS.replace("STRINGS", "sharedStrings.xml").as_bytes()),
                ("xl/worksheets/sheet1.xml", b"<worksheet/>"),
                ("xl/SharedStrings.xml", strings.as_bytes()),
            ])
        };
        for count in ["4000000000", "2305843009213693952", "18446744073709551615", "99999999999999999999999"]
        {
            let err = check_parts(Cursor::new(book(count)), 1000).unwrap_err();
            assert!(err.contains("part xl/SharedStrings.xml declares more shared strings"), "{err}");
            assert!(!err.contains(count), "{err}");
        }
        for count in ["1", "1000", "x"] {
            assert_eq!(check_parts(Cursor::new(book(count)), 1000), Ok(()), "{count}");
        }
    }

    #[test]
    fn relationship_targets_resolve_from_their_part_s_directory() {
        assert_eq!(resolve_part("xl/", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve_part("xl/", "/xl/a.xml"), "xl/a.xml");
        assert_eq!(resolve_part("xl/", "../docProps/app.xml"), "docProps/app.xml");
        assert_eq!(resolve_part("", "xl/workbook.xml"), "xl/workbook.xml");
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
