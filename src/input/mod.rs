//! Reading dumps: opening inputs, detecting their format, and splitting them into batches of
//! records whose identity values the scan extracts in parallel.
//!
//! Every format is split in two halves. A [`Splitter`] runs on one thread and only finds record
//! boundaries (cheap, quote-aware byte scanning); an [`Extractor`] runs on the workers and turns
//! one record's bytes into its identity values. Nothing here knows about
//! threads, hashing or reports.

pub mod archive;
mod buffer;
pub mod csv;
pub mod decompress;
pub mod detect;
pub mod encoding;
pub mod escaped;
pub mod json;
mod plan;
mod resync;
pub mod sheet;
mod sheet_rename;
mod sheet_xml;
pub mod sniff;
pub mod sql;
pub mod walk;
pub mod workbook;
pub mod xml;

use crate::kind::Kind;
use crate::roles::{ColumnMap, Role};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use crate::limits::{MAX_COLUMNS, MAX_RECORD_BYTES};
use crate::limits::{READ_CHUNK, SNIFF_BATCH_BYTES, SNIFF_RECORDS, STEADY_BATCH_BYTES};

/// A dump format (SPEC §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Tsv,
    Ndjson,
    Json,
    Sql,
    /// `mysqldump --xml`.
    Xml,
    /// A sheet of an `.xlsx` or `.xlsm` workbook.
    Xlsx,
    /// A sheet of an `.xls` workbook.
    Xls,
    /// A sheet of an `.ods` workbook.
    Ods,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Ndjson => "ndjson",
            Format::Json => "json",
            Format::Sql => "sql",
            Format::Xml => "xml",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }

    /// Its records are rows under a header row (unless `--no-header`).
    pub fn has_header_row(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv | Format::Xlsx | Format::Xls | Format::Ods)
    }
}

/// Options that say how to read every input of a run.
#[derive(Clone, Debug, Default)]
pub struct InputOptions {
    /// Forced format (`--input-format`); detected when `None`.
    pub format: Option<Format>,
    /// Forced delimiter (`--delimiter`); sniffed when `None`.
    pub delimiter: Option<u8>,
    /// The first row is data, not a header (`--no-header`).
    pub no_header: bool,
    /// `--map KIND=COLUMN` overrides.
    pub maps: Vec<ColumnMap>,
    /// The run reads several inputs: a `--map` that names no column of one CSV (another input
    /// may have it) is warned about for that CSV instead of stopping the run.
    pub several_inputs: bool,
    /// Decode every input from this encoding (`--encoding`); else UTF-16 is found by its first
    /// bytes and anything else is read as UTF-8, with Windows-1252 for the bytes that are not.
    pub encoding: Option<encoding::Encoding>,
    /// The dialect of tab-separated inputs (`--tsv-dialect`); detected from content when `None`.
    pub tsv_dialect: Option<escaped::Dialect>,
    /// Password of encrypted archive members (`--password-file`); without it they are skipped.
    pub password: Option<archive::Password>,
}

/// Where a dump comes from: a path, or standard input (`-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputPath {
    Stdin,
    File(PathBuf),
    /// One sheet of a spreadsheet file: an input of its own (SPEC §5).
    Sheet {
        book: PathBuf,
        sheet: String,
    },
    /// A byte range of a big NDJSON file, dealt to one shard (SPEC §12): named as the file.
    Range {
        path: PathBuf,
        part: crate::shard::range::Part,
    },
}

impl InputPath {
    pub fn new(arg: &Path) -> Self {
        if arg == Path::new("-") { InputPath::Stdin } else { InputPath::File(arg.to_path_buf()) }
    }

    /// The name reports and messages use: the path as given, or `-` for stdin.
    pub fn display_name(&self) -> String {
        match self {
            InputPath::Stdin => "-".to_string(),
            InputPath::File(p) | InputPath::Range { path: p, .. } => p.display().to_string(),
            InputPath::Sheet { book, sheet } => format!("{}!{sheet}", book.display()),
        }
    }

    /// The file name without a `.gz`/`.zst` suffix, for detection by extension.
    pub fn name_without_compression(&self) -> Option<String> {
        let (InputPath::File(p) | InputPath::Range { path: p, .. }) = self else { return None };
        Some(without_compression(&p.file_name()?.to_string_lossy()).to_string())
    }

    /// Size in bytes when known (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            // A sheet's bytes are not counted as read: no total either.
            InputPath::Stdin | InputPath::Sheet { .. } => None,
            InputPath::File(p) => std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len()),
            // About what the range holds: its bounds are found when it is opened.
            InputPath::Range { part, .. } => Some(part.size / u64::from(part.parts.max(1))),
        }
    }
}

/// A file name without a `.gz`/`.zst`/`.bz2` suffix, for detection by extension.
pub fn without_compression(name: &str) -> &str {
    let lower = name.to_ascii_lowercase();
    [".gz", ".gzip", ".zst", ".zstd", ".bz2"]
        .iter()
        .find(|suffix| lower.ends_with(*suffix))
        .map_or(name, |suffix| &name[..name.len() - suffix.len()])
}

/// Why an input could not be read. Messages name the input, never a value from it.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{input}: {error}")]
    Open { input: String, error: io::Error },
    #[error("{input}: is a directory")]
    Directory { input: String },
    #[error("{input}: read error: {error}")]
    Read { input: String, error: io::Error },
    #[error("{input}: {message}")]
    Columns { input: String, message: String },
    /// Not read: not a dump (an image, a PDF…), skipped and counted; or, with `unread`, a
    /// container that may hold one (an archive, UTF-32 text), which makes the run incomplete.
    #[error("{input}: skipped, it is {what}")]
    Unsupported { input: String, what: &'static str, unread: bool },
}

/// One record's place in its input; `bad` is set when the splitter already knows it is malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// 1-based among the input's data records.
    pub record: u64,
    /// 1-based physical line where the record starts.
    pub line: u64,
    pub bad: Option<&'static str>,
    /// Index into [`Batch::layouts`] for formats whose records differ in shape (SQL tables).
    pub layout: u32,
}

impl Span {
    /// A record at `start..end` of the batch's data.
    pub fn new(start: usize, end: usize, record: u64, line: u64) -> Self {
        Span { start, end, record, line, bad: None, layout: 0 }
    }

    /// A record the splitter already found malformed; it has no bytes.
    pub fn bad(record: u64, line: u64, reason: &'static str) -> Self {
        Span { start: 0, end: 0, record, line, bad: Some(reason), layout: 0 }
    }
}

/// The columns of one kind of record, for formats where they change within an input: an SQL
/// dump's tables, each with its own column list.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The table, for `inspect`.
    pub table: String,
    /// Each value position's column name, for `inspect` (`table.column`, or `table.#3`).
    pub names: Vec<String>,
    /// Role of each value position, and how it was given.
    pub roles: Vec<Option<Role>>,
    /// The record is a PostgreSQL `COPY` line (tab-separated, `\N`) rather than an SQL tuple.
    pub copy: bool,
    /// Backslash escapes inside quoted strings (MySQL), or only doubled quotes (PostgreSQL).
    pub backslash_escapes: bool,
    /// The fields each `COPY` line has, when the `COPY` or the table's `CREATE TABLE` names its
    /// columns: a line with more or fewer is a bad record.
    pub copy_fields: Option<usize>,
}

/// A run of whole records: their bytes and where each one is.
#[derive(Debug, Default)]
pub struct Batch {
    pub data: Vec<u8>,
    pub spans: Vec<Span>,
    /// Layouts the spans of this batch refer to (empty for formats with one layout).
    pub layouts: Vec<Arc<Layout>>,
}

impl Batch {
    pub fn clear(&mut self) {
        self.data.clear();
        self.spans.clear();
        self.layouts.clear();
    }

    /// The layout of a record, for formats that have several.
    pub fn layout(&self, span: &Span) -> Option<&Layout> {
        self.layouts.get(span.layout as usize).map(Arc::as_ref)
    }

    pub fn record_bytes(&self, span: &Span) -> &[u8] {
        &self.data[span.start..span.end]
    }

    /// A record's text: borrowed when it is valid UTF-8 (validated once per record, not per
    /// field), else owned, its invalid bytes read as Windows-1252 ([`encoding::record_text`]).
    #[inline]
    pub fn record_text(&self, span: &Span) -> std::borrow::Cow<'_, str> {
        encoding::record_text(self.record_bytes(span))
    }

    /// The bytes of a run of records (a task's), from the first good one's start to the last
    /// one's end, validated as UTF-8 at once: one SIMD pass over some 25 KB instead of a call
    /// per record (that call's set-up was 5 % of a scan). When a byte in it is not UTF-8 (a
    /// Windows-1252 export), the run is the valid text before that byte, and the records after
    /// it are read on their own with [`Batch::record_text`]. `None` when no span is good or the
    /// spans are out of order.
    pub fn run_text(&self, spans: &[Span]) -> Option<RunText<'_>> {
        let start = spans.iter().find(|s| s.bad.is_none())?.start;
        let end = spans.iter().rfind(|s| s.bad.is_none())?.end;
        let bytes = self.data.get(start..end)?;
        let text = match simdutf8::compat::from_utf8(bytes) {
            Ok(text) => text,
            // The valid prefix ends on a character boundary: it is UTF-8.
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
        };
        Some(RunText { start, text })
    }

    /// A record's text, taken from `run` when it lies there (see [`Batch::run_text`]), else
    /// as [`Batch::record_text`] gives it.
    #[inline]
    pub fn record_text_in<'a>(&'a self, run: Option<&RunText<'a>>, span: &Span) -> std::borrow::Cow<'a, str> {
        match run.and_then(|run| run.record(span)) {
            Some(text) => std::borrow::Cow::Borrowed(text),
            None => self.record_text(span),
        }
    }
}

/// Records' bytes that are valid UTF-8 as a whole ([`Batch::run_text`]).
pub struct RunText<'a> {
    /// Where `text` starts in the batch's data.
    start: usize,
    text: &'a str,
}

impl<'a> RunText<'a> {
    /// The record's text, when its bytes lie in the run (on character boundaries, as every
    /// record of valid UTF-8 split at ASCII delimiters does).
    #[inline]
    fn record(&self, span: &Span) -> Option<&'a str> {
        let from = span.start.checked_sub(self.start)?;
        let to = span.end.checked_sub(self.start)?;
        self.text.get(from..to)
    }
}

/// How much one batch may hold before the splitter hands it over.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    pub records: usize,
    pub bytes: usize,
}

impl BatchLimits {
    /// The steady-state batch.
    pub const STEADY: BatchLimits = BatchLimits { records: usize::MAX, bytes: STEADY_BATCH_BYTES };
    /// The first batch, on which columns are sniffed (SPEC §5: the first 1,000 records).
    pub const SNIFF: BatchLimits = BatchLimits { records: SNIFF_RECORDS, bytes: SNIFF_BATCH_BYTES };
}

/// Finds record boundaries in a byte stream.
pub trait Splitter: Send {
    /// Clears `batch` and fills it with the next whole records. Returns `false` when the input
    /// is exhausted and `batch` is empty. When a read fails, the records completed before it are
    /// still returned, and the error comes from the call that has none left ([`Source`]).
    fn next_batch(&mut self, batch: &mut Batch, limits: BatchLimits) -> Result<bool, InputError>;

    /// What the splitter found out about the input after it was planned that the user should
    /// know (a TSV that turned out escaped), once, when the input is read (never an identifier).
    fn late_warning(&mut self) -> Option<String> {
        None
    }
}

/// Receives a record's identity values as found: the kind its column holds, and the raw text.
pub type FieldSink<'a> = dyn FnMut(Kind, &str) + 'a;

/// Receives the values of a record as an extractor reads them: its column's name, its position
/// when that always has the same name in this input (CSV: the column number; `None` for JSON
/// paths and SQL tables, whose names vary record by record), the column's role (and why), and
/// the raw text.
pub type ColumnSink<'a> = dyn FnMut(&str, Option<usize>, Option<Role>, &str) + 'a;

/// Which values of a record an extractor passes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// Those of columns that have a role (the scan): columns after the last of them are not read.
    Roles,
    /// Every value, with or without a role (`inspect`).
    All,
}

/// Turns one record's bytes into its values: one visitor for every format and every caller.
pub trait Extractor: Sync {
    /// Passes the `wanted` values of the record to `sink`, in field order, each with its column
    /// and role; a NULL marker is no value. The record was decoded by the caller (invalid UTF-8
    /// read as Windows-1252, SPEC §9). `Err` is the reason the record is malformed; the values
    /// already passed (an SQL tuple is read value by value) must then be discarded by the caller.
    fn visit(
        &self,
        record: &str,
        layout: Option<&Layout>,
        wanted: Wanted,
        scratch: &mut String,
        sink: &mut ColumnSink<'_>,
    ) -> Result<(), &'static str>;

    /// The columns every record of the input has, in order, with their roles, for `inspect` to
    /// list before counting (a column that is always empty is shown too); none when the columns
    /// vary record by record (JSON paths, SQL tables).
    fn fixed_columns(&self) -> Vec<(String, Option<Role>)> {
        Vec::new()
    }

    /// The record's identity values, each with the kind its column holds: [`Extractor::visit`]
    /// with [`Wanted::Roles`].
    fn extract(
        &self,
        record: &str,
        layout: Option<&Layout>,
        scratch: &mut String,
        sink: &mut FieldSink<'_>,
    ) -> Result<(), &'static str> {
        self.visit(record, layout, Wanted::Roles, scratch, &mut |_, _, role, text| {
            if let Some(role) = role {
                sink(role.kind, text);
            }
        })
    }
}

/// A column (or path) of a dump and the role it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The header, or `None` for headerless dumps.
    pub name: Option<String>,
    pub role: Option<Role>,
}

impl Dump {
    /// A dump with defaults for what only some formats have (delimiter, column list, warnings).
    pub(crate) fn planned(
        name: String,
        format: Format,
        first: Batch,
        splitter: Box<dyn Splitter>,
        extractor: Box<dyn Extractor>,
    ) -> Self {
        Dump {
            name,
            format,
            compression: decompress::Compression::None,
            bom: false,
            delimiter: None,
            tsv_dialect: None,
            columns: Vec::new(),
            first,
            splitter,
            extractor,
            warnings: Vec::new(),
            read_again: false,
            sheet: None,
            range: None,
            stored_bytes: None,
        }
    }
}

/// An input opened and planned: its format, its columns' roles, the first batch already read
/// (sniffing needed it), and the two halves that read the rest.
pub struct Dump {
    pub name: String,
    pub format: Format,
    pub compression: decompress::Compression,
    /// The input started with a UTF-8 byte-order mark.
    pub bom: bool,
    pub delimiter: Option<u8>,
    /// How a tab-separated input is written (quoted like CSV, or escaped).
    pub tsv_dialect: Option<escaped::Dialect>,
    pub columns: Vec<Column>,
    pub first: Batch,
    pub splitter: Box<dyn Splitter>,
    pub extractor: Box<dyn Extractor>,
    /// Things planning noticed that the user should know (never an identifier).
    pub warnings: Vec<String>,
    /// A JSON document none of whose arrays of objects carries identity fields: it must be read
    /// again for its first array of objects (SPEC §5 1.1); this dump has no records.
    pub read_again: bool,
    /// The sheet of a workbook this input is (an exposure's `sheet`, SPEC §7 1.1).
    pub sheet: Option<String>,
    /// The byte range of the file this input is, when a shard was dealt one (SPEC §12).
    pub range: Option<Arc<crate::shard::range::RangeRead>>,
    /// The input's bytes as stored, when its container says (an archive member: see
    /// `archive`); `None`: the bytes read from its file or standard input are counted.
    pub stored_bytes: Option<u64>,
}

/// Counts bytes read from an input, for the progress bar; for a regular file, an end before
/// the size it had when opened is an error (the file was truncated or replaced mid-scan), so
/// the scan is marked incomplete instead of silently missing the rest.
pub(crate) struct CountingReader<R> {
    inner: R,
    counter: Arc<AtomicU64>,
    read: u64,
    expected: Option<u64>,
}

impl<R> CountingReader<R> {
    pub(crate) fn new(inner: R, counter: Arc<AtomicU64>, expected: Option<u64>) -> Self {
        CountingReader { inner, counter, read: 0, expected }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        self.read += n as u64;
        if n == 0
            && !buf.is_empty()
            && let Some(expected) = self.expected
            && self.read < expected
        {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the file shrank while it was read (ended after {} of {expected} bytes)", self.read),
            ));
        }
        Ok(n)
    }
}

/// Opens `input`, decompresses it, detects its format and plans its columns.
pub fn open_dump(
    input: &InputPath,
    options: &InputOptions,
    bytes_read: Arc<AtomicU64>,
) -> Result<Dump, InputError> {
    let name = input.display_name();
    let (reader, expected): (Box<dyn Read + Send>, _) = match input {
        InputPath::Sheet { book, sheet } => return sheet::open_file(name, book, sheet, options),
        InputPath::Range { path, part } => {
            return crate::shard::range::open(name, path, *part, options, bytes_read);
        }
        InputPath::Stdin => (Box::new(io::stdin()), None),
        InputPath::File(path) => {
            if path.is_dir() {
                return Err(InputError::Directory { input: name });
            }
            let file = File::open(path).map_err(|error| InputError::Open { input: name.clone(), error })?;
            let size = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
            (Box::new(file), size)
        }
    };
    let counted: Box<dyn Read + Send> =
        Box::new(CountingReader { inner: reader, counter: bytes_read.clone(), read: 0, expected });
    let file_name = input.name_without_compression();
    let dump = open_reader_with(name.clone(), file_name.as_deref(), counted, options, false)?;
    let InputPath::File(path) = input else { return Ok(dump) };
    if !dump.read_again {
        return Ok(dump);
    }
    // A file can be read twice: its first array of objects holds the records after all.
    let file = File::open(path).map_err(|error| InputError::Open { input: name.clone(), error })?;
    let counted: Box<dyn Read + Send> =
        Box::new(CountingReader { inner: Box::new(file), counter: bytes_read, read: 0, expected });
    open_reader_with(name, file_name.as_deref(), counted, options, true)
}

/// Plans a dump read from `reader` (decompressed here), called `name` in messages; `file_name`
/// (without a compression suffix) helps detect the format.
pub fn open_reader(
    name: String,
    file_name: Option<&str>,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    open_reader_with(name, file_name, reader, options, false)
}

/// [`open_reader`]; with `any_json_array`, a JSON document's records are its first array of
/// objects, whatever their fields (the second reading of SPEC §5's JSON rule).
pub(crate) fn open_reader_with(
    name: String,
    file_name: Option<&str>,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
    any_json_array: bool,
) -> Result<Dump, InputError> {
    let (compression, reader) = match decompress::open(reader) {
        Ok(opened) => opened,
        Err(error) => return Err(InputError::Read { input: name, error }),
    };
    open_decompressed(name, file_name, compression, reader, options, any_json_array)
}

/// Plans a dump read from `reader`, already decompressed (`compression` says from what); with
/// `any_json_array` as [`open_reader_with`].
pub(crate) fn open_decompressed(
    name: String,
    file_name: Option<&str>,
    compression: decompress::Compression,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
    any_json_array: bool,
) -> Result<Dump, InputError> {
    let reader = match encoding::open(reader, options.encoding) {
        Ok(reader) => reader,
        Err(what) => return Err(InputError::Unsupported { input: name, what, unread: true }),
    };
    let (head, reader) = read_head(reader, sniff::SAMPLE_BYTES);
    let format = match options.format {
        Some(format) => format,
        None => match detect::detect(file_name, &head.bytes) {
            detect::Detected::Dump(format) => format,
            detect::Detected::Unsupported(what) => {
                return Err(InputError::Unsupported { input: name, what, unread: false });
            }
            detect::Detected::Unreadable(what) => {
                return Err(InputError::Unsupported { input: name, what, unread: true });
            }
        },
    };
    let bom = head.bytes.starts_with(b"\xef\xbb\xbf");
    let mut dump = match format {
        Format::Csv | Format::Tsv => csv::open(name, format, head, reader, options),
        Format::Ndjson => json::open_ndjson(name, head, reader, options),
        Format::Json => json::open_array(name, head, reader, options, any_json_array),
        Format::Sql => sql::open(name, head, reader, options),
        Format::Xml => xml::open(name, head, reader, options),
        // Read from a file only, sheet by sheet (`InputPath::Sheet`): never detected in a stream.
        Format::Xlsx | Format::Xls | Format::Ods => {
            let what = "a spreadsheet read as a stream (give its path: each sheet is read as an input)";
            return Err(InputError::Unsupported { input: name, what, unread: true });
        }
    }?;
    dump.compression = compression;
    dump.bom = bom;
    Ok(dump)
}

/// Database exports write a missing value as `NULL` or `\N`: absent, not invalid (SPEC §2).
pub fn is_null_marker(field: &str) -> bool {
    // Checked for every field: the length and last-byte tests keep it off the common path.
    field.len() <= 8
        // A marker ends in `L`, `l` or `N`, or in whitespace (ASCII, or a Unicode space's last byte).
        && field.as_bytes().last().is_some_and(|&b| matches!(b, b'L' | b'l' | b'N') || !b.is_ascii_graphic())
        && matches!(field.trim(), "NULL" | "null" | "\\N")
}

/// The first bytes of an input, already read for detection; `complete` when they are all of it.
pub struct Head {
    pub bytes: Vec<u8>,
    pub complete: bool,
}

/// Reads up to `limit` bytes of `reader`: fewer only where the input ends (`complete`) or a read
/// fails. Returns them with the reader of the rest, which meets that read error again once the
/// splitter has read past these bytes, so that the records they hold are still scanned.
pub fn read_head(mut reader: Box<dyn Read + Send>, limit: usize) -> (Head, Box<dyn Read + Send>) {
    let mut bytes = Vec::with_capacity(limit);
    // `read_to_end` keeps the bytes read before an error.
    match (&mut reader).take(limit as u64).read_to_end(&mut bytes) {
        Ok(_) => {
            let complete = bytes.len() < limit;
            (Head { bytes, complete }, reader)
        }
        Err(error) => (Head { bytes, complete: false }, Box::new(Broken(Some(error)))),
    }
}

/// A reader whose next read fails with the error that broke the stream it replaces.
struct Broken(Option<io::Error>);

impl Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self.0.take().unwrap_or_else(|| io::Error::other("read after a read error")))
    }
}

/// The input a splitter reads, with how it stopped. Every splitter reads through it, so that a
/// read that fails part-way (a cut `.gz`, junk after a zstd frame, a disk error) is met the same
/// way in every format (SPEC §8, §9): the records completed before the break are handed over as
/// a batch, the record the break cut short is dropped (it is no record), and the error comes from
/// the next call to [`Splitter::next_batch`], which has no record left before it.
pub(crate) struct Source {
    reader: Box<dyn Read + Send>,
    pub(crate) name: String,
    /// The input has ended.
    pub eof: bool,
    /// A read failed: nothing more is read, and no unfinished record is finished.
    broken: bool,
    /// That read's error, until a batch with no record hands it over.
    error: Option<InputError>,
    /// Where each read lands before it is appended: zeroed once, on the first read. Reading
    /// straight into the buffer's tail zeroed [`READ_CHUNK`] bytes per read, however few came
    /// (a pipe or decompressor handing over a few bytes at a time paid 256 KiB for each).
    chunk: Vec<u8>,
}

impl Source {
    pub(crate) fn new(reader: Box<dyn Read + Send>, name: String) -> Self {
        Source { reader, name, eof: false, broken: false, error: None, chunk: Vec::new() }
    }

    /// Appends up to [`READ_CHUNK`] bytes to `buf`, setting `eof` at the end of the input.
    /// `false` when the input broke: the splitter stops, hands over its whole records, and
    /// keeps the bytes after them unread.
    pub(crate) fn read_more(&mut self, buf: &mut Vec<u8>) -> bool {
        if self.broken {
            return false;
        }
        if self.chunk.is_empty() {
            // Zeroed memory from the allocator, once per input (`resize` wrote the zeros a byte
            // at a time in the tests' build: 86 % of a test that opens thousands of inputs).
            self.chunk = vec![0; READ_CHUNK];
        }
        loop {
            match self.reader.read(&mut self.chunk) {
                Ok(n) => {
                    buf.extend_from_slice(&self.chunk[..n.min(READ_CHUNK)]);
                    self.eof = n == 0;
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.broken = true;
                    self.error = Some(InputError::Read { input: self.name.clone(), error });
                    return false;
                }
            }
        }
    }

    /// What [`Splitter::next_batch`] returns for `batch`, `more` saying whether records may
    /// follow it: once the input broke and `batch` has no record left before the break, the
    /// read error, then `false`.
    pub(crate) fn end_batch(&mut self, batch: &Batch, more: bool) -> Result<bool, InputError> {
        if !self.broken || !batch.spans.is_empty() {
            return Ok(more);
        }
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(false),
        }
    }
}

/// Test helpers shared by the format modules.
#[cfg(test)]
pub(crate) mod testing {
    pub use crate::fuzzing::Trickle;
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Each record's text read from its task's run is the text read on its own, whatever
        /// the bytes (UTF-8 of every width, now and then a byte that is not UTF-8, characters
        /// cut by a record's end) and the records (a header before them, gaps, bad records,
        /// spans out of order); and a record inside the valid run is borrowed from the run.
        #[test]
        fn a_record_read_from_its_run_is_the_record_read_alone(
            pieces in proptest::collection::vec((0u8..40, proptest::prelude::any::<u8>()), 0..40),
            cuts in proptest::collection::vec((0usize..90, 0usize..90, 0u8..8), 0..8),
        ) {
            let mut data = b"nik\n".to_vec();
            for (kind, byte) in pieces {
                match kind {
                    0 => data.extend("é".as_bytes()),
                    1 => data.extend("€".as_bytes()),
                    2 => data.extend("😀".as_bytes()),
                    3 => data.push(byte | 0x80),
                    _ => data.push(b"ab,\n"[usize::from(byte % 4)]),
                }
            }
            let spans: Vec<Span> = cuts
                .iter()
                .enumerate()
                .map(|(i, &(a, b, bad))| {
                    let (start, end) = (a.min(b).min(data.len()), a.max(b).min(data.len()));
                    if bad == 0 { Span::bad(i as u64 + 1, 1, "bad") } else { Span::new(start, end, i as u64 + 1, 1) }
                })
                .collect();
            let batch = Batch { data, spans: spans.clone(), layouts: Vec::new() };
            let run = batch.run_text(&spans);
            for span in spans.iter().filter(|s| s.bad.is_none()) {
                let read = batch.record_text_in(run.as_ref(), span);
                proptest::prop_assert_eq!(&read, &batch.record_text(span));
                if let Some(run) = &run
                    && let Some(text) = run.record(span)
                {
                    // Borrowed from the batch's own bytes, at the record's place.
                    proptest::prop_assert!(matches!(read, std::borrow::Cow::Borrowed(r) if std::ptr::eq(r, text)));
                    proptest::prop_assert_eq!(text.as_ptr(), batch.data[span.start..].as_ptr());
                }
            }
        }
    }

    #[test]
    fn a_task_of_valid_records_is_validated_once_and_an_invalid_one_alone() {
        // A header line before the records, so the run does not start at the batch's start.
        let batch = |data: &[u8]| Batch {
            data: data.to_vec(),
            spans: vec![Span::new(4, 9, 1, 2), Span::bad(2, 3, "bad"), Span::new(9, data.len(), 3, 4)],
            layouts: Vec::new(),
        };
        let valid = batch("nik\nBudi\nRené".as_bytes());
        let run = valid.run_text(&valid.spans).expect("valid UTF-8 is one run");
        assert_eq!(run.record(&valid.spans[0]), Some("Budi\n"));
        assert_eq!(run.record(&valid.spans[2]), Some("René"));
        assert!(matches!(
            valid.record_text_in(Some(&run), &valid.spans[2]),
            std::borrow::Cow::Borrowed("René")
        ));
        // A Windows-1252 é in the last record: the run stops before it; the first record is
        // still borrowed from it, the last one decoded on its own as before.
        let invalid = batch(b"nik\nBudi\nRen\xe9");
        let run = invalid.run_text(&invalid.spans).expect("the valid prefix is a run");
        assert_eq!(run.record(&invalid.spans[0]), Some("Budi\n"));
        assert_eq!(run.record(&invalid.spans[2]), None);
        assert!(matches!(
            invalid.record_text_in(Some(&run), &invalid.spans[0]),
            std::borrow::Cow::Borrowed("Budi\n")
        ));
        assert_eq!(invalid.record_text_in(Some(&run), &invalid.spans[2]), "René");
    }

    /// Regression: each read zeroed 256 KiB of the buffer however few bytes it brought, so an
    /// input arriving a byte at a time (a slow pipe; the tests' `Trickle`) cost 256 KiB of
    /// writes per byte: 20,000 bytes took ~25 s in the test build (now milliseconds; the bound
    /// is far above either, robust on a loaded machine).
    #[test]
    fn reads_of_a_few_bytes_cost_what_they_bring_not_a_whole_chunk() {
        let input: Vec<u8> = (0..20_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut source = Source::new(Box::new(testing::Trickle(input.clone(), 0)), "t".into());
        let mut buf = Vec::new();
        let started = std::time::Instant::now();
        while source.read_more(&mut buf) && !source.eof {}
        assert_eq!(buf, input);
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(5), "20,000 one-byte reads took {took:?}");
    }

    #[test]
    fn null_markers_are_found_whatever_surrounds_them() {
        for marker in ["NULL", "null", "\\N", " NULL", "null\t", "\\N\r", "NULL\u{3000}", "\u{a0}null"] {
            assert!(is_null_marker(marker), "{marker:?}");
        }
        for value in ["", "Null", "NUL", "nulls", "\\n", "N", "NULL.", "NULLNULL", "  NULL   "] {
            assert!(!is_null_marker(value), "{value:?}");
        }
    }

    #[test]
    fn names_lose_their_compression_suffix() {
        let name = |p: &str| InputPath::new(Path::new(p)).name_without_compression();
        assert_eq!(name("dir/dump.csv.gz").as_deref(), Some("dump.csv"));
        assert_eq!(name("dump.SQL.ZST").as_deref(), Some("dump.SQL"));
        assert_eq!(name("dump.csv.bz2").as_deref(), Some("dump.csv"));
        assert_eq!(name("dump.json").as_deref(), Some("dump.json"));
        assert_eq!(name("-"), None);
        assert_eq!(InputPath::new(Path::new("-")), InputPath::Stdin);
    }

    /// A stream of `bytes` whose next read then fails, as a cut `.gz` does.
    fn breaking(bytes: Vec<u8>) -> Box<dyn Read + Send> {
        let error = io::Error::new(io::ErrorKind::UnexpectedEof, "compressed stream is truncated");
        Box::new(io::Cursor::new(bytes).chain(Broken(Some(error))))
    }

    /// `records` patients in `format`, and where record `cut` (1-based) starts.
    fn patients(format: Format, records: usize, cut: usize) -> (Vec<u8>, usize) {
        let (head, tail) = match format {
            Format::Csv => ("nik,nama\n", ""),
            Format::Json => ("[\n", "]\n"),
            Format::Sql => ("INSERT INTO pasien (nik, nama) VALUES\n", ";\n"),
            _ => ("", ""),
        };
        let mut out = head.to_string();
        let mut at = 0;
        for i in 1..=records {
            if i == cut {
                at = out.len();
            }
            let nik = 3_201_014_107_000_000 + i as u64;
            let last = i == records;
            out.push_str(&match format {
                Format::Csv => format!("{nik},Pasien {i}\n"),
                Format::Ndjson => format!("{{\"nik\":\"{nik}\",\"nama\":\"Pasien {i}\"}}\n"),
                Format::Json => {
                    format!("{{\"nik\":\"{nik}\",\"nama\":\"Pasien {i}\"}}{}\n", if last { "" } else { "," })
                }
                _ => format!("('{nik}','Pasien {i}'){}\n", if last { "" } else { "," }),
            });
        }
        out.push_str(tail);
        (out.into_bytes(), at)
    }

    /// SPEC §8, §9: when a read fails part-way, every record completed before it is handed over
    /// (it was thrown away with the rest of its batch), the record it cut is not one, and the
    /// error comes after them — in every format, whether the break falls in the first bytes read
    /// for detection, in the first batch or far past it.
    #[test]
    fn a_read_error_costs_only_the_record_it_cuts() {
        for format in [Format::Csv, Format::Ndjson, Format::Json, Format::Sql] {
            for (records, cut) in [(40, 25), (3_000, 1_500), (60_000, 50_000)] {
                let (bytes, at) = patients(format, records, cut);
                let what = format!("{format:?}, cut in record {cut} of {records}");
                let input = breaking(bytes[..at + 10].to_vec());
                let options = InputOptions { format: Some(format), ..InputOptions::default() };
                let mut dump = open_reader("t".into(), None, input, &options).expect(&what);
                let mut batch = std::mem::take(&mut dump.first);
                let mut read = Vec::new();
                let error = loop {
                    for span in &batch.spans {
                        assert_eq!(span.bad, None, "{what}: record {}", span.record);
                        let text = batch.record_text(span);
                        let nik = 3_201_014_107_000_000 + span.record;
                        assert!(text.contains(&nik.to_string()), "{what}: record {}", span.record);
                        read.push(span.record);
                    }
                    match dump.splitter.next_batch(&mut batch, BatchLimits::STEADY) {
                        Ok(true) => {}
                        Ok(false) => panic!("{what}: the break was taken for the end of the input"),
                        Err(error) => break error,
                    }
                };
                assert!(matches!(error, InputError::Read { .. }), "{what}: {error}");
                assert_eq!(read, (1..cut as u64).collect::<Vec<_>>(), "{what}");
                assert!(!dump.splitter.next_batch(&mut batch, BatchLimits::STEADY).expect(&what), "{what}");
            }
        }
    }

    #[test]
    fn a_file_that_ends_before_its_size_is_a_read_error() {
        let read = |expected| {
            let mut r = CountingReader {
                inner: io::Cursor::new(vec![b'x'; 10]),
                counter: Arc::default(),
                read: 0,
                expected,
            };
            r.read_to_end(&mut Vec::new())
        };
        let err = read(Some(20)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("ended after 10 of 20 bytes"), "{err}");
        assert_eq!(read(Some(10)).unwrap(), 10);
        assert_eq!(read(Some(4)).unwrap(), 10, "a file that grew is read to its end");
        assert_eq!(read(None).unwrap(), 10);
    }
}
