//! Reading dumps: opening inputs, detecting their format, and splitting them into batches of
//! records whose identity values the scan extracts in parallel.
//!
//! Every format is split in two halves. A [`Splitter`] runs on one thread and only finds record
//! boundaries (cheap, quote-aware byte scanning); an [`Extractor`] runs on the workers and turns
//! one record's bytes into its identity values. Nothing here knows about
//! threads, hashing or reports.

pub mod csv;
pub mod sniff;

use crate::kind::Kind;
use crate::roles::{ColumnMap, Role};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A record larger than this is a bad record, not an allocation (SPEC §9).
pub const MAX_RECORD_BYTES: usize = 64 << 20;
/// Bytes read from the input at a time.
const READ_CHUNK: usize = 256 << 10;

/// A dump format (SPEC §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Tsv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Tsv => "tsv",
        }
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
}

/// Where a dump comes from: a path, or standard input (`-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputPath {
    Stdin,
    File(PathBuf),
}

impl InputPath {
    pub fn new(arg: &Path) -> Self {
        if arg == Path::new("-") { InputPath::Stdin } else { InputPath::File(arg.to_path_buf()) }
    }

    /// The name reports and messages use: the path as given, or `-` for stdin.
    pub fn display_name(&self) -> String {
        match self {
            InputPath::Stdin => "-".to_string(),
            InputPath::File(p) => p.display().to_string(),
        }
    }

    /// Size in bytes when known (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        match self {
            InputPath::Stdin => None,
            InputPath::File(p) => std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len()),
        }
    }
}

/// Why an input could not be read. Messages name the input, never a value from it.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{input}: {source}")]
    Open { input: String, source: io::Error },
    #[error("{input}: is a directory")]
    Directory { input: String },
    #[error("{input}: read error: {source}")]
    Read { input: String, source: io::Error },
    #[error("{input}: {message}")]
    Columns { input: String, message: String },
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
}

/// A run of whole records: their bytes and where each one is.
#[derive(Debug, Default)]
pub struct Batch {
    pub data: Vec<u8>,
    pub spans: Vec<Span>,
}

impl Batch {
    pub fn clear(&mut self) {
        self.data.clear();
        self.spans.clear();
    }

    pub fn record_bytes(&self, span: &Span) -> &[u8] {
        &self.data[span.start..span.end]
    }

    /// A record's text: borrowed when it is valid UTF-8 (validated once per record, not per
    /// field), else decoded lossily with U+FFFD (SPEC §9).
    pub fn record_text(&self, span: &Span) -> std::borrow::Cow<'_, str> {
        let bytes = self.record_bytes(span);
        match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        }
    }
}

/// How much one batch may hold before the splitter hands it over.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    pub records: usize,
    pub bytes: usize,
}

impl BatchLimits {
    /// The steady-state batch: large enough to amortize scheduling, small enough for the cache.
    pub const STEADY: BatchLimits = BatchLimits { records: usize::MAX, bytes: 4 << 20 };
    /// The first batch, on which columns are sniffed (SPEC §5: the first 1,000 records). Bounded
    /// in bytes too, so that huge records cannot make sniffing hold gigabytes.
    pub const SNIFF: BatchLimits = BatchLimits { records: crate::roles::SNIFF_RECORDS, bytes: 16 << 20 };
}

/// Finds record boundaries in a byte stream.
pub trait Splitter: Send {
    /// Clears `batch` and fills it with the next whole records. Returns `false` when the input
    /// is exhausted and `batch` is empty.
    fn next_batch(&mut self, batch: &mut Batch, limits: BatchLimits) -> Result<bool, InputError>;
}

/// Receives a record's identity values as found: the kind its column holds, and the raw text.
pub type FieldSink<'a> = dyn FnMut(Kind, &str) + 'a;

/// Turns one record's bytes into its identity values.
pub trait Extractor: Sync {
    /// Passes each identity value of the record to `sink`, in field order. The record was decoded
    /// lossily from UTF-8 by the caller (SPEC §9). `Err` is the reason the record is malformed;
    /// values already passed must then be discarded by the caller.
    fn extract(
        &self,
        record: &str,
        scratch: &mut String,
        sink: &mut FieldSink<'_>,
    ) -> Result<(), &'static str>;
}

/// A column (or path) of a dump and the role it was given.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The header, or `None` for headerless dumps.
    pub name: Option<String>,
    pub role: Option<Role>,
}

/// An input opened and planned: its format, its columns' roles, the first batch already read
/// (sniffing needed it), and the two halves that read the rest.
pub struct Dump {
    pub name: String,
    pub format: Format,
    pub delimiter: Option<u8>,
    pub columns: Vec<Column>,
    pub first: Batch,
    pub splitter: Box<dyn Splitter>,
    pub extractor: Box<dyn Extractor>,
}

/// Counts bytes read from an input, for the progress bar.
struct CountingReader<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens `input`, detects its format and plans its columns.
pub fn open_dump(
    input: &InputPath,
    options: &InputOptions,
    bytes_read: Arc<AtomicU64>,
) -> Result<Dump, InputError> {
    let name = input.display_name();
    let reader: Box<dyn Read + Send> = match input {
        InputPath::Stdin => Box::new(io::stdin()),
        InputPath::File(path) => {
            if path.is_dir() {
                return Err(InputError::Directory { input: name });
            }
            let file = File::open(path).map_err(|source| InputError::Open { input: name.clone(), source })?;
            Box::new(file)
        }
    };
    let mut reader: Box<dyn Read + Send> = Box::new(CountingReader { inner: reader, counter: bytes_read });
    let head = read_head(&mut reader, sniff::SAMPLE_BYTES)
        .map_err(|source| InputError::Read { input: name.clone(), source })?;
    let complete = head.len() < sniff::SAMPLE_BYTES;
    let format = options.format.unwrap_or_else(|| detect_format(input, &head));
    csv::open(name, format, head, complete, reader, options)
}

/// The format an input's name suggests, then its content (CSV is the default).
fn detect_format(input: &InputPath, _head: &[u8]) -> Format {
    let ext = match input {
        InputPath::File(p) => p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase),
        InputPath::Stdin => None,
    };
    match ext.as_deref() {
        Some("tsv" | "tab") => Format::Tsv,
        _ => Format::Csv,
    }
}

/// Reads up to `limit` bytes (fewer only at the end of the input).
pub fn read_head(reader: &mut dyn Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(limit);
    reader.take(limit as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Appends up to [`READ_CHUNK`] bytes to `buf`; returns how many (0 at the end of the input).
pub(crate) fn read_chunk(reader: &mut dyn Read, buf: &mut Vec<u8>) -> io::Result<usize> {
    let len = buf.len();
    buf.resize(len + READ_CHUNK, 0);
    loop {
        match reader.read(&mut buf[len..]) {
            Ok(n) => {
                buf.truncate(len + n);
                return Ok(n);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(len);
                return Err(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        let tsv = InputPath::new(Path::new("dump.TSV"));
        assert_eq!(detect_format(&tsv, b""), Format::Tsv);
        assert_eq!(detect_format(&InputPath::new(Path::new("-")), b""), Format::Csv);
        assert_eq!(InputPath::new(Path::new("-")), InputPath::Stdin);
    }
}
