//! Archives read in place (SPEC §5, 1.1): `.zip`, `.tar` (plain, `.gz`, `.zst`, `.bz2`) and
//! `.7z`, found by their magic bytes or their name. Their members are walked like a directory
//! and recursively ([`Walk`]), each member an input named `ARCHIVE!path/in/archive` that is
//! decompressed, detected and split like a file. A member's report `bytes` (SPEC §7) is its size
//! as the archive stores it, from the archive's own directory or header, never what the reading
//! thread happened to read: a zip member's compressed size; a tar member's size in the tar (its
//! uncompressed size when the tar is compressed as one stream: no member of it has a compressed
//! size of its own); a 7z member alone in its block, the block's packed size, and one of a solid
//! block of several files, its uncompressed size. Nothing is unpacked to disk: tar members are
//! streamed, and a zip or 7z that is not a file readable at any offset (standard input, a member
//! of another archive) is first copied to an anonymous temporary file, which has no name on disk
//! and goes with the process. What containers are is left to the `zip`, `tar` and `sevenz-rust2`
//! crates: this module only decides what to open and how members are named.

pub(super) mod names;
mod pump;
mod sevenz;
mod tar;
mod zip;

use super::workbook::{Book, OLE2_MAGIC, SharedFile};
use super::{Dump, Format, InputError, InputOptions, InputPath, decompress};
use crate::shard::ShardSpec;
use names::MemberNames;
use pump::{Archive, Entry};
use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Archives opened inside one another: a member's name holds at most this many `!` (SPEC §5).
pub const MAX_DEPTH: usize = 4;
/// Bytes of a (decompressed) stream looked at to tell an archive: a tar header's magic is at 257.
const HEAD_BYTES: usize = 512;
/// Copied at a time to the temporary file of a zip or 7z that is not a file.
const SPOOL_CHUNK: usize = 256 << 10;

const ZIP_MAGICS: &[&[u8]] = &[b"PK\x03\x04", b"PK\x05\x06"];
const SEVENZ_MAGIC: &[u8] = b"7z\xbc\xaf\x27\x1c";
/// `ustar` at offset 257: POSIX (`ustar\0`) and GNU (`ustar  \0`) tar headers.
const TAR_MAGIC: (usize, &[u8]) = (257, b"ustar");
/// `pg_dump -Ft` writes a tar whose first member is `toc.dat`: a PostgreSQL archive, which the
/// format detection names, not a directory of dumps.
const PG_DUMP_TAR: &[u8] = b"toc.dat\0";
/// Names of tar files compressed as one (`.tgz`): after decompression, a tar.
const TAR_NAMES: &[&str] = &["tar", "tgz", "taz", "tbz", "tbz2", "tb2", "tzst"];
/// Zip files that are documents, not archives of dumps: named and skipped, not walked.
const ZIP_DOCUMENTS: &[(&str, &str)] = &[
    ("docx", "a Word document"),
    ("docm", "a Word document"),
    ("pptx", "a PowerPoint presentation"),
    ("odt", "an OpenDocument text"),
    ("odp", "an OpenDocument presentation"),
    ("epub", "an e-book"),
    ("jar", "a Java archive"),
    ("apk", "an Android package"),
];

/// A JSON document whose records are in no array with an identity field (SPEC §5), read from a
/// stream, which cannot be read again for its first array of objects.
const NOT_READ_TWICE: &str = "a JSON document with no array of objects holding a NIK, phone or e-mail field, or a \
    name and a birth-date field, and a stream cannot be read twice to take its first array of objects instead \
    (save it to a file, or name the fields with --map KIND=PATH)";
/// An OLE2 file that `--input-format` forces to be read as text, or an `.xlsb` workbook: not read.
pub(crate) const WORKBOOK_STREAM: &str = "an Office document (an .xls or .xlsb workbook, or other) that is \
    not read here (save its sheets as .xlsx or CSV)";
const NESTED_TOO_DEEP: &str = "an archive nested more than 4 deep (unpack the outer ones first)";

/// The password of encrypted members (`--password-file`): never shown, wiped when dropped.
#[derive(Clone)]
pub struct Password(Arc<zeroize::Zeroizing<Vec<u8>>>);

impl Password {
    pub fn new(bytes: Vec<u8>) -> Self {
        Password(Arc::new(zeroize::Zeroizing::new(bytes)))
    }

    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A container this module walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Zip,
    Tar,
    SevenZ,
}

/// What an input turned out to be.
enum Opened {
    Dump(Dump),
    Archive(Archive),
    Workbook(Sheets),
}

/// What the walk has open: an archive's members (and the names they were given), or a
/// workbook's sheets.
enum Container {
    Archive(Archive, MemberNames),
    Workbook(Sheets),
}

/// The sheets of a workbook still to be read, each an input `BOOK!sheet`.
struct Sheets {
    book: Book,
    format: Format,
    names: std::vec::IntoIter<String>,
}

impl Sheets {
    /// The sheets of `book`, once its bounds are checked (`super::workbook`).
    fn open(name: &str, book: Book, format: Format) -> Result<Self, InputError> {
        match super::workbook::sheets(&book, format) {
            Ok((_, names)) if names.is_empty() => Err(InputError::Unsupported {
                input: name.to_string(),
                what: "a spreadsheet without sheets",
                unread: false,
            }),
            Ok((book, names)) => Ok(Sheets { book, format, names: names.into_iter() }),
            Err(reason) => Err(InputError::Open { input: name.to_string(), error: io::Error::other(reason) }),
        }
    }
}

/// The lowercased extension of a file name.
fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase())
}

/// The container a stream called `name` (with any compression suffix) is, from its first
/// (decompressed) bytes, else from its name; `None` for anything else.
fn kind(name: Option<&str>, head: &[u8]) -> Option<Kind> {
    let ext = name.and_then(|n| extension(super::without_compression(n)));
    let ext = ext.as_deref();
    if ext.is_some_and(|e| ZIP_DOCUMENTS.iter().any(|(d, _)| *d == e)) {
        return None;
    }
    if ZIP_MAGICS.iter().any(|m| head.starts_with(m)) {
        return Some(Kind::Zip);
    }
    if head.starts_with(SEVENZ_MAGIC) {
        return Some(Kind::SevenZ);
    }
    if head.starts_with(PG_DUMP_TAR) {
        return None;
    }
    let (at, magic) = TAR_MAGIC;
    if head.get(at..at + magic.len()) == Some(magic) {
        return Some(Kind::Tar);
    }
    let full = name.and_then(extension);
    match ext {
        Some("zip") => Some(Kind::Zip),
        Some("7z") => Some(Kind::SevenZ),
        _ if full.is_some_and(|e| TAR_NAMES.contains(&e.as_str())) || ext == Some("tar") => Some(Kind::Tar),
        _ => None,
    }
}

/// Whether a stream called `name` starting with `head` is opened as a container (an archive, a
/// zip-based document, an OLE2 file) rather than read as a dump: such a file is never cut into
/// byte ranges (`shard::range`).
pub(crate) fn is_container(name: Option<&str>, head: &[u8]) -> bool {
    kind(name, head).is_some() || document(name, head).is_some() || head.starts_with(OLE2_MAGIC)
}

/// Whether the file at `path` may be an archive whose members a shard deals one by one (SPEC
/// §12): a zip, tar or 7z by its first bytes or its name, or any compressed file (a tar may be
/// inside). Reads its first bytes only; a file that cannot be read is not (it is dealt whole).
pub(crate) fn may_hold_members(path: &std::path::Path) -> bool {
    let Ok(file) = File::open(path) else { return false };
    let mut head = [0; HEAD_BYTES];
    let Ok(n) = file.read_at(&mut head, 0) else { return false };
    let head = &head[..n];
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    decompress::Compression::detect(head) != decompress::Compression::None
        || (kind(name.as_deref(), head).is_some() && document(name.as_deref(), head).is_none())
}

/// A zip-based document (a `.docx`…): what it is, to skip it as not a dump.
fn document(name: Option<&str>, head: &[u8]) -> Option<&'static str> {
    let ext = extension(name?)?;
    let (_, what) = ZIP_DOCUMENTS.iter().find(|(d, _)| *d == ext)?;
    ZIP_MAGICS.iter().any(|m| head.starts_with(m)).then_some(*what)
}

/// The inputs one input of the run holds: itself, or, for an archive, its members, recursively,
/// in the order they are stored. Each comes with its name; a member that is not read is an
/// [`InputError::Unsupported`] (`unread` when it should have been: an encrypted member, an
/// archive nested too deep) and one that cannot be read an [`InputError::Read`]. A dump must be
/// dropped before the next one is asked for: it reads from the archive's thread.
///
/// Dealt to a shard ([`Walk::dealt`], SPEC §12), the walk gives only this shard's inputs: a
/// file, a workbook, or an input that cannot be opened is the shard's that owns its name; the
/// members of an archive given to the run are dealt one by one, each by its name `A.zip!path`
/// (what is inside a member, a nested archive, follows it; the archive's own error after its
/// members goes by the archive's name). Every shard reads the archive through.
pub struct Walk {
    first: Option<InputPath>,
    shard: Option<ShardSpec>,
    /// Members met so far of the archive given to the run.
    members: u64,
    /// For the last input given when it is (inside) a member of the archive given to the run, or
    /// that archive's error: the name it was dealt by and its place among the archive's members.
    place: Option<(String, u64)>,
    options: InputOptions,
    /// Options for members: an archive is several inputs (a `--map` one member lacks is a warning).
    member_options: InputOptions,
    bytes_read: Arc<AtomicU64>,
    /// The archives (and workbooks) being walked, innermost last: their name and the depth left
    /// below them.
    open: Vec<(String, usize, Container)>,
}

impl Walk {
    pub fn new(input: &InputPath, options: &InputOptions, bytes_read: Arc<AtomicU64>) -> Self {
        Walk {
            first: Some(input.clone()),
            shard: None,
            members: 0,
            place: None,
            options: options.clone(),
            member_options: InputOptions { several_inputs: true, ..options.clone() },
            bytes_read,
            open: Vec::new(),
        }
    }

    /// The walk of `input` giving only what `shard` is dealt of it.
    pub fn dealt(
        input: &InputPath,
        options: &InputOptions,
        bytes_read: Arc<AtomicU64>,
        shard: ShardSpec,
    ) -> Self {
        Walk { shard: Some(shard), ..Walk::new(input, options, bytes_read) }
    }

    /// For the input [`Walk::next`] gave last, when a shard was dealt it as (inside) a member of
    /// the archive given to the run, or as that archive's error after its members: the name it
    /// was dealt by and its place among the archive's members.
    pub fn place(&self) -> Option<(&str, u64)> {
        self.place.as_ref().map(|(name, at)| (name.as_str(), *at))
    }

    fn owns(&self, name: &str) -> bool {
        self.shard.is_none_or(|s| s.owns(name))
    }

    /// The next input and its name, or `None` when the input and all its members are done.
    #[allow(clippy::should_implement_trait, reason = "a lending walk: each dump must go first")]
    pub fn next(&mut self) -> Option<(String, Result<Dump, InputError>)> {
        if let Some(input) = self.first.take() {
            let name = input.display_name();
            // A byte range was dealt to this shard already (`shard::range`).
            let ours = matches!(input, InputPath::Range { .. }) || self.owns(&name);
            match open_input(&input, &self.options, &self.bytes_read) {
                Ok(Opened::Archive(archive)) => {
                    self.open.push((name, MAX_DEPTH - 1, Container::Archive(archive, MemberNames::default())))
                }
                Ok(Opened::Workbook(sheets)) if ours => {
                    self.open.push((name, 0, Container::Workbook(sheets)))
                }
                Ok(Opened::Dump(dump)) if ours => return Some((name, Ok(dump))),
                Err(e) if ours => return Some((name, Err(e))),
                // Another shard's.
                _ => return None,
            }
        }
        loop {
            let (outermost, shard) = (self.open.len() == 1, self.shard);
            let (archive_name, depth, container) = self.open.last_mut()?;
            let (archive_name, depth) = (archive_name.clone(), *depth);
            let member = |path: &str| format!("{archive_name}!{path}");
            let (archive, names) = match container {
                Container::Archive(archive, names) => (archive, names),
                Container::Workbook(sheets) => {
                    let Some(sheet) = sheets.names.next() else {
                        self.open.pop();
                        continue;
                    };
                    let name = member(&sheet);
                    let opened = super::sheet::open(
                        name.clone(),
                        &sheets.book,
                        sheets.format,
                        &sheet,
                        &self.member_options,
                    );
                    return Some((name, opened));
                }
            };
            let entry = archive.next();
            // Each member's name, given once (`x.csv#2` is the second `x.csv`, in every shard).
            let given = match &entry {
                Some(Entry::File { path, .. } | Entry::Skipped { path, .. }) => {
                    Some(member(&names.name(path)))
                }
                Some(Entry::Unreadable { path: Some(path), .. }) => Some(member(&names.name(path))),
                _ => None,
            };
            if let Some(shard) = shard.filter(|_| outermost && entry.is_some()) {
                // Dealt here: each member of the archive given to the run by its own name, the
                // archive's own error by the archive's.
                let dealt_as = given.clone().unwrap_or_else(|| archive_name.clone());
                let at = self.members;
                self.members += u64::from(given.is_some());
                if !shard.owns(&dealt_as) {
                    continue;
                }
                self.place = Some((dealt_as, at));
            }
            let (name, opened) = match entry {
                None => {
                    self.open.pop();
                    continue;
                }
                Some(Entry::File { path, stored, reader }) => {
                    let name = given.unwrap_or_default();
                    // Its file name as stored, for detection (`x.csv#2` is still a `.csv`).
                    let file_name = path.trim_end_matches('/').rsplit('/').next().map(str::to_string);
                    let raw: Box<dyn Read + Send> = Box::new(reader);
                    let opened =
                        open_stream(&name, file_name.as_deref(), raw, &self.member_options, depth, false);
                    let opened = opened.map(|opened| match opened {
                        Opened::Dump(dump) => Opened::Dump(Dump { stored_bytes: Some(stored), ..dump }),
                        other => other,
                    });
                    (name, opened)
                }
                Some(Entry::Skipped { what, error, .. }) => {
                    let name = given.unwrap_or_default();
                    let skipped = InputError::Unsupported { input: name.clone(), what, unread: error };
                    (name, Err(skipped))
                }
                Some(Entry::Unreadable { error, .. }) => {
                    let name = given.unwrap_or_else(|| archive_name.clone());
                    (name.clone(), Err(InputError::Read { input: name, error }))
                }
            };
            match opened {
                Ok(Opened::Archive(archive)) => {
                    self.open.push((name, depth - 1, Container::Archive(archive, MemberNames::default())))
                }
                Ok(Opened::Workbook(sheets)) => self.open.push((name, 0, Container::Workbook(sheets))),
                Ok(Opened::Dump(dump)) => return Some((name, Ok(dump))),
                Err(e) => return Some((name, Err(e))),
            }
        }
    }
}

/// Opens an input of the run: a zip or 7z file is read where it lies, anything else as a stream.
fn open_input(
    input: &InputPath,
    options: &InputOptions,
    bytes_read: &Arc<AtomicU64>,
) -> Result<Opened, InputError> {
    let name = input.display_name();
    let path = match input {
        InputPath::File(path) => path,
        InputPath::Stdin => {
            // Counted as read, for the report's `bytes` (SPEC §7) and the progress bar.
            let counted = super::CountingReader::new(io::stdin(), bytes_read.clone(), None);
            return open_stream(&name, None, Box::new(counted), options, MAX_DEPTH, false);
        }
        InputPath::Sheet { book, sheet } => {
            return super::sheet::open_file(name, book, sheet, options).map(Opened::Dump);
        }
        // Cut only when it is NDJSON (`shard::range::cut_size`): never an archive.
        InputPath::Range { .. } => {
            return super::open_dump(input, options, bytes_read.clone()).map(Opened::Dump);
        }
    };
    if path.is_dir() {
        return Err(InputError::Directory { input: name });
    }
    let file = File::open(path).map_err(|error| InputError::Open { input: name.clone(), error })?;
    let metadata = file.metadata().map_err(|error| InputError::Read { input: name.clone(), error })?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    if !metadata.is_file() {
        // A pipe, FIFO or device (`scan <(zcat d.csv.gz)`, `/dev/stdin`) cannot be read at an
        // offset nor opened twice: it is read once from its start, as `-` is, its format known
        // from its bytes (`/dev/fd/63` has no extension).
        let counted = super::CountingReader::new(file, bytes_read.clone(), None);
        return open_stream(&name, file_name.as_deref(), Box::new(counted), options, MAX_DEPTH, false);
    }
    let size = Some(metadata.len());
    let mut magic = [0; 16];
    let magic = match file.read_at(&mut magic, 0) {
        Ok(n) => &magic[..n],
        Err(error) => return Err(InputError::Read { input: name, error }),
    };
    let plain = decompress::Compression::detect(magic) == decompress::Compression::None;
    match kind(file_name.as_deref(), magic) {
        Some(kind @ (Kind::Zip | Kind::SevenZ))
            if plain && document(file_name.as_deref(), magic).is_none() =>
        {
            let counted = CountingFile { file, counter: bytes_read.clone() };
            open_seekable(&name, kind, counted, Book::Path(path.clone()), options)
        }
        _ => {
            let before = bytes_read.load(Ordering::Relaxed);
            let counted = super::CountingReader::new(file, bytes_read.clone(), size);
            match open_stream(&name, file_name.as_deref(), Box::new(counted), options, MAX_DEPTH, true)? {
                // A file can be read twice: its first array of objects holds the records after
                // all (SPEC §5's JSON rule). Its bytes count once: the first reading is taken
                // back from the counter (the report's `bytes`, the progress bar).
                Opened::Dump(dump) if dump.read_again => {
                    drop(dump);
                    let first_reading = bytes_read.load(Ordering::Relaxed).saturating_sub(before);
                    bytes_read.fetch_sub(first_reading, Ordering::Relaxed);
                    let file =
                        File::open(path).map_err(|error| InputError::Open { input: name.clone(), error })?;
                    let counted = super::CountingReader::new(file, bytes_read.clone(), size);
                    let detect_name = file_name.as_deref().map(super::without_compression);
                    super::open_reader_with(name, detect_name, Box::new(counted), options, true)
                        .map(Opened::Dump)
                }
                opened => Ok(opened),
            }
        }
    }
}

/// Opens a stream as stored (compressed or not) called `name`, whose file is `file_name`: an
/// archive when `depth` allows one more, else a dump; a JSON dump that must be read again is
/// refused unless the caller can (`rereadable`: a file).
fn open_stream(
    name: &str,
    file_name: Option<&str>,
    raw: Box<dyn Read + Send>,
    options: &InputOptions,
    depth: usize,
    rereadable: bool,
) -> Result<Opened, InputError> {
    let read_error = |error| InputError::Read { input: name.to_string(), error };
    let (compression, reader) = decompress::open(raw).map_err(read_error)?;
    let (head, reader) = super::read_head(reader, HEAD_BYTES);
    if let Some(what) = document(file_name, &head.bytes) {
        return Err(InputError::Unsupported { input: name.to_string(), what, unread: false });
    }
    let kind = kind(file_name, &head.bytes);
    let ole2 = head.bytes.starts_with(OLE2_MAGIC);
    let whole: Box<dyn Read + Send> = Box::new(Cursor::new(head.bytes).chain(reader));
    // An `.xls` (whatever its name) is read from a temporary file, as big as calamine may hold.
    if ole2 && options.format.is_none() {
        let limit = crate::limits::MAX_WHOLE_WORKBOOK_BYTES;
        let Some(spooled) = spool(whole, limit).map_err(read_error)? else {
            let reason = format!(
                "a .xls workbook of more than {} MiB, which would be held whole in memory: not read \
                 (save its sheets as CSV and scan those)",
                limit >> 20
            );
            return Err(InputError::Open { input: name.to_string(), error: io::Error::other(reason) });
        };
        return Sheets::open(name, Book::Spooled(Arc::new(spooled)), Format::Xls).map(Opened::Workbook);
    }
    let Some(kind) = kind else {
        let detect_name = file_name.map(super::without_compression);
        let dump =
            super::open_decompressed(name.to_string(), detect_name, compression, whole, options, false)?;
        // A file is read again by `open_input`; a stream cannot be, so it is an input not read.
        if dump.read_again && !rereadable {
            return Err(InputError::Unsupported {
                input: name.to_string(),
                what: NOT_READ_TWICE,
                unread: true,
            });
        }
        return Ok(Opened::Dump(dump));
    };
    if depth == 0 {
        return Err(InputError::Unsupported { input: name.to_string(), what: NESTED_TOO_DEEP, unread: true });
    }
    match kind {
        Kind::Tar => tar::walk(whole).map(Opened::Archive).map_err(read_error),
        Kind::Zip | Kind::SevenZ => {
            // An archive is copied whole, however large (it is walked, never held in memory).
            let spooled = spool(whole, u64::MAX).map_err(read_error)?.map(Arc::new);
            let spooled = spooled.ok_or_else(|| read_error(io::Error::other("too large to copy")))?;
            let book = Book::Spooled(spooled.clone());
            open_seekable(name, kind, SharedFile::new(spooled), book, options)
        }
    }
}

/// Reads a zip or 7z archive from a file that can be read at any offset: its members, or, for a
/// zip that is a workbook, the sheets of `book` (the same bytes).
fn open_seekable(
    name: &str,
    kind: Kind,
    file: impl Read + Seek + Send + 'static,
    book: Book,
    options: &InputOptions,
) -> Result<Opened, InputError> {
    let password = options.password.clone();
    let walked = match kind {
        Kind::Zip => zip::walk(file, password),
        Kind::SevenZ => sevenz::walk(file, password),
        Kind::Tar => tar::walk(Box::new(file)).map_err(Refused::Io),
    };
    match walked {
        Ok(archive) => Ok(Opened::Archive(archive)),
        Err(Refused::Workbook(format)) => Sheets::open(name, book, format).map(Opened::Workbook),
        Err(Refused::Unsupported(what)) => {
            Err(InputError::Unsupported { input: name.to_string(), what, unread: true })
        }
        Err(Refused::Io(error)) => Err(InputError::Read { input: name.to_string(), error }),
    }
}

/// Why an archive cannot be walked at all.
enum Refused {
    /// It cannot be read here: what it is (a 7z with encrypted names and no password).
    Unsupported(&'static str),
    /// It is a workbook of this format: its sheets are read, not its parts.
    Workbook(Format),
    Io(io::Error),
}

impl From<io::Error> for Refused {
    fn from(e: io::Error) -> Self {
        Refused::Io(e)
    }
}

/// Copies `reader` to an anonymous temporary file (`O_TMPFILE`: no name on disk, gone with the
/// process) and returns it, rewound; `None` (and the copy dropped) once it holds more than
/// `limit` bytes. A full disk is an error saying so.
fn spool(mut reader: Box<dyn Read + Send>, limit: u64) -> io::Result<Option<File>> {
    let mut file = tempfile::tempfile()?;
    let mut buf = vec![0; SPOOL_CHUNK];
    let mut copied: u64 = 0;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) if copied.saturating_add(n as u64) > limit => return Ok(None),
            Ok(n) => file.write_all(&buf[..n]).map(|()| copied += n as u64).map_err(|e| {
                io::Error::new(e.kind(), format!("copying the archive to a temporary file: {e}"))
            })?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(Some(file))
}

/// A zip or 7z file read in place, counting the bytes read for the progress bar.
struct CountingFile {
    file: File,
    counter: Arc<AtomicU64>,
}

impl Read for CountingFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Seek for CountingFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

/// A path in an archive as text: invalid UTF-8 read as Windows-1252, like record text.
fn member_path(raw: &[u8]) -> String {
    super::encoding::record_text(raw).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_by_magic_then_by_name() {
        let mut tar_head = vec![0; 512];
        tar_head[..6].copy_from_slice(b"a.csv\0");
        tar_head[257..263].copy_from_slice(b"ustar\0");
        let mut pg_tar = tar_head.clone();
        pg_tar[..8].copy_from_slice(PG_DUMP_TAR);
        let table: [(Option<&str>, &[u8], Option<Kind>); 15] = [
            (None, b"PK\x03\x04rest", Some(Kind::Zip)),
            (None, b"PK\x05\x06", Some(Kind::Zip)),
            (Some("leak.bin"), SEVENZ_MAGIC, Some(Kind::SevenZ)),
            (None, &tar_head, Some(Kind::Tar)),
            (Some("x.tgz"), &tar_head, Some(Kind::Tar)),
            (Some("old.tar"), b"a.csv\0\0\0", Some(Kind::Tar)),
            (Some("old.TGZ"), b"a.csv\0\0\0", Some(Kind::Tar)),
            (Some("old.tar.bz2"), b"a.csv\0\0\0", Some(Kind::Tar)),
            (Some("sfx.zip"), b"MZ\x90\0", Some(Kind::Zip)),
            (Some("pg.tar"), &pg_tar, None),
            (Some("data.xlsx"), b"PK\x03\x04", Some(Kind::Zip)),
            (Some("data.xls"), b"a\tb\n", None),
            (Some("memo.docx"), b"PK\x03\x04", None),
            (Some("a.csv"), b"nik,nama\n", None),
            (None, b"nik,nama\n", None),
        ];
        for (name, head, want) in table {
            assert_eq!(kind(name, head), want, "{name:?}");
        }
        assert_eq!(document(Some("memo.DOCX"), b"PK\x03\x04"), Some("a Word document"));
        assert_eq!(document(Some("memo.docx"), b"text"), None);
    }

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(format!("{:?}", Password::new(b"rahasia".to_vec())), "Password(…)");
    }
}
