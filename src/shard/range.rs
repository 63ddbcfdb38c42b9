//! Byte ranges of one big NDJSON file (SPEC §12): which files are cut, where the cuts fall, and
//! how a shard reads its range. A file is cut when it is a regular, uncompressed, UTF-8 NDJSON
//! file larger than [`threshold`]; it is cut into N ranges (one per shard) at line ends, so
//! each line, hence each record, lies in exactly one range. The range reads its records with
//! the NDJSON splitter the unsharded scan uses, and plans its columns from the file's head, as
//! the unsharded scan does. Record and line numbers restart at 1 in each range; the shard's
//! report names the range (`inputs[].range`) and `report merge` renumbers.
//!
//! Cut points depend only on the file's bytes and N, so every shard computes the same ones on
//! its own: the nominal cut `i·S/N` moves forward to the start of the next line. A line ends
//! where the unsharded scan ends it ([`crate::input::json::ndjson_line_end`] of the file's head):
//! at `\n`, or at a lone `\r` in a file of old Mac line ends.

use crate::input::{self, Batch, Dump, Format, InputError, InputOptions, InputPath, decompress};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Files larger than this (SPEC §12: 256 MiB) are cut into byte ranges.
pub const RANGE_THRESHOLD: u64 = 256 << 20;

/// Test-only: in a dev or test build, this variable lowers [`RANGE_THRESHOLD`] so that tests cut small
/// files. A release build (what users run) never reads it, so no environment can change how a
/// user's scan is dealt.
pub const TEST_THRESHOLD_VAR: &str = "LEAKCHECK_TEST_RANGE_THRESHOLD";

/// Bytes read at a time while looking for the end of the line a cut falls in.
const CUT_SCAN_CHUNK: usize = 64 << 10;

/// The size past which an NDJSON file is cut: [`RANGE_THRESHOLD`], or in a dev or test build the
/// value of [`TEST_THRESHOLD_VAR`].
pub fn threshold() -> u64 {
    crate::test_hook::value(TEST_THRESHOLD_VAR).unwrap_or(RANGE_THRESHOLD)
}

/// Part `part` (0-based) of the `parts` ranges of a file of `size` bytes: what a shard is dealt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub part: u32,
    pub parts: u32,
    pub size: u64,
}

/// The facts a shard's report gives about its range (`inputs[].range`): its bytes
/// `start..end`, how many records and physical lines start in it, and its identity values and
/// invalid values per kind (indexed as [`crate::kind::Kind::index`]), from which `report merge`
/// gives the whole file's suspect-input warnings ([`crate::scan::suspicions`]) as the unsharded
/// scan does: a range cannot say them of its file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeStats {
    pub start: u64,
    pub end: u64,
    pub records: u64,
    pub lines: u64,
    #[serde(default)]
    pub values: crate::matcher::ValueCounts,
    #[serde(default)]
    pub invalid: crate::matcher::InvalidCounts,
}

/// The size of the file at `path` when it is cut into ranges: a regular file larger than
/// [`threshold`], neither compressed nor an archive, in UTF-8, that the scan reads as NDJSON
/// (detected, or `--input-format ndjson`). `None` for every other input, which is dealt whole.
pub fn cut_size(path: &Path, options: &InputOptions) -> Option<u64> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    if meta.len() <= threshold() || options.encoding.is_some() {
        return None;
    }
    let mut head = Vec::with_capacity(input::sniff::SAMPLE_BYTES);
    File::open(path).ok()?.take(input::sniff::SAMPLE_BYTES as u64).read_to_end(&mut head).ok()?;
    let file_name = InputPath::File(path.to_path_buf()).name_without_compression();
    let plain = decompress::Compression::detect(&head) == decompress::Compression::None
        && !input::archive::is_container(file_name.as_deref(), &head)
        && input::encoding::sniff(&head) == input::encoding::Sniffed::Utf8;
    let ndjson = match options.format {
        Some(format) => format == Format::Ndjson,
        None => matches!(
            input::detect::detect(file_name.as_deref(), &head),
            input::detect::Detected::Dump(Format::Ndjson)
        ),
    };
    (plain && ndjson).then_some(meta.len())
}

/// Where range `part` of `parts` of the file starts: the nominal cut `part·size/parts`, moved
/// forward to the start of a line (the byte after a `line_end`), or the end of the file.
fn cut(file: &File, size: u64, part: u32, parts: u32, line_end: u8) -> io::Result<u64> {
    let nominal = (u128::from(size) * u128::from(part) / u128::from(parts.max(1))) as u64;
    if nominal == 0 || nominal >= size {
        return Ok(nominal.min(size));
    }
    // The line holding byte `nominal - 1` ends at the first line end from there on.
    let mut at = nominal - 1;
    let mut chunk = vec![0; CUT_SCAN_CHUNK];
    while at < size {
        let n = file.read_at(&mut chunk, at)?;
        if n == 0 {
            break;
        }
        if let Some(i) = memchr::memchr(line_end, &chunk[..n]) {
            return Ok(at + i as u64 + 1);
        }
        at += n as u64;
    }
    Ok(size)
}

/// The bytes `start..end` of range `part` (0-based) of the file, whose lines end at `line_end`.
pub fn bounds(file: &File, part: Part, line_end: u8) -> io::Result<(u64, u64)> {
    let start = cut(file, part.size, part.part, part.parts, line_end)?;
    let end = cut(file, part.size, part.part + 1, part.parts, line_end)?;
    Ok((start, end.max(start)))
}

/// A range being read: its bytes, and the lines seen so far (for [`RangeStats::lines`]).
#[derive(Debug)]
pub struct RangeRead {
    pub start: u64,
    pub end: u64,
    /// The byte that ends a line of the file (`\n`, or `\r` in a file of old Mac line ends).
    line_end: u8,
    newlines: AtomicU64,
    /// The last byte read was a line end (or nothing was read).
    ended_line: AtomicBool,
}

impl RangeRead {
    /// Physical lines starting in the range read so far: one per line end, and one for a last
    /// line without one (the file's last, which has no line end after it).
    pub fn lines(&self) -> u64 {
        self.newlines.load(Ordering::Relaxed) + u64::from(!self.ended_line.load(Ordering::Relaxed))
    }
}

/// Counts the lines of what passes through it into a [`RangeRead`].
struct LineCounter<R> {
    inner: R,
    range: Arc<RangeRead>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            let line_end = self.range.line_end;
            let newlines = memchr::memchr_iter(line_end, &buf[..n]).count() as u64;
            self.range.newlines.fetch_add(newlines, Ordering::Relaxed);
            self.range.ended_line.store(buf[n - 1] == line_end, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Opens range `part` of the NDJSON file at `path`, called `name`: planned from the file's
/// first records, as the unsharded scan plans it, then split from the range's first byte to its
/// last, with record and line numbers from 1. Only the bytes of the range count in `bytes_read`
/// (the head read to plan does not); only the range at byte 0 gives planning's warnings, so the
/// merged report gives them once.
pub fn open(
    name: String,
    path: &PathBuf,
    part: Part,
    options: &InputOptions,
    bytes_read: Arc<AtomicU64>,
) -> Result<Dump, InputError> {
    let open_error = |error| InputError::Open { input: name.clone(), error };
    let file = File::open(path).map_err(open_error)?;
    let read_error = |error| InputError::Read { input: name.clone(), error };
    // The head the unsharded scan decides its line end from (`json::open_ndjson`).
    let mut head = vec![0; input::sniff::SAMPLE_BYTES];
    let got = read_full_at(&file, &mut head).map_err(read_error)?;
    let line_end = input::json::ndjson_line_end(&head[..got]);
    let (start, end) = bounds(&file, part, line_end).map_err(read_error)?;
    let mut dump = input::open_dump(&InputPath::File(path.clone()), options, Arc::new(AtomicU64::new(0)))?;
    if dump.format != Format::Ndjson || dump.compression != decompress::Compression::None {
        let error = io::Error::other("the file changed while the shards were dealt (it is no longer NDJSON)");
        return Err(InputError::Read { input: name, error });
    }
    let mut file = file;
    file.seek(SeekFrom::Start(start)).map_err(open_error)?;
    let range = Arc::new(RangeRead {
        start,
        end,
        line_end,
        newlines: AtomicU64::new(0),
        ended_line: AtomicBool::new(true),
    });
    let len = end - start;
    let counted = input::CountingReader::new(file.take(len), bytes_read, Some(len));
    let reader: Box<dyn Read + Send> = Box::new(LineCounter { inner: counted, range: range.clone() });
    // The unsharded scan drops a byte-order mark at the start of the file (`json::open_ndjson`).
    let (head, reader) = input::read_head(reader, UTF8_BOM.len());
    let head = if start == 0 && head.bytes == UTF8_BOM { Vec::new() } else { head.bytes };
    let mut splitter = input::csv::CsvSplitter::new(reader, head, b',', false, name.clone()).lines();
    if line_end == b'\r' {
        splitter = splitter.with_cr_newlines();
    }
    if start != 0 {
        dump.warnings.clear();
    }
    dump.first = Batch::default();
    dump.splitter = Box::new(splitter);
    dump.range = Some(range);
    Ok(dump)
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Reads from byte 0 of `file` until `buf` is full or the file ends; returns the bytes read.
fn read_full_at(file: &File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(bytes: &[u8]) -> (tempfile::NamedTempFile, File) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        let file = File::open(f.path()).unwrap();
        (f, file)
    }

    fn ranges(bytes: &[u8], parts: u32) -> Vec<(u64, u64)> {
        let (_keep, file) = file_of(bytes);
        (0..parts)
            .map(|part| {
                let line_end = input::json::ndjson_line_end(bytes);
                bounds(&file, Part { part, parts, size: bytes.len() as u64 }, line_end).unwrap()
            })
            .collect()
    }

    #[test]
    fn cuts_fall_at_line_starts_and_the_ranges_tile_the_file() {
        let text = b"{\"a\":1}\n{\"a\":22}\r\n\n{\"a\":333}\n{\"a\":4444}";
        for parts in 1..=12 {
            let got = ranges(text, parts);
            assert_eq!(got[0].0, 0, "{parts}");
            assert_eq!(got.last().unwrap().1, text.len() as u64, "{parts}");
            for pair in got.windows(2) {
                assert_eq!(pair[0].1, pair[1].0, "{parts}: {got:?}");
            }
            for &(start, _) in &got {
                assert!(start == 0 || start == text.len() as u64 || text[start as usize - 1] == b'\n');
            }
        }
    }

    #[test]
    fn a_line_longer_than_a_range_leaves_the_ranges_it_covers_empty() {
        let mut text = vec![b'x'; 1000];
        text.extend_from_slice(b"\nshort\n");
        let got = ranges(&text, 5);
        assert_eq!(got, [(0, 1001), (1001, 1001), (1001, 1001), (1001, 1001), (1001, 1007)]);
    }

    #[test]
    fn a_cut_exactly_at_a_line_start_stays_there() {
        // 10 bytes per line, 4 lines: the nominal cuts at 20 is a line start.
        let text = b"123456789\n123456789\n123456789\n123456789\n";
        assert_eq!(ranges(text, 2), [(0, 20), (20, 40)]);
    }

    #[test]
    fn lines_count_a_last_line_without_newline() {
        let range = RangeRead {
            start: 0,
            end: 0,
            line_end: b'\n',
            newlines: AtomicU64::new(0),
            ended_line: AtomicBool::new(true),
        };
        let range = Arc::new(range);
        let mut reader = LineCounter { inner: io::Cursor::new(b"a\n\nb".to_vec()), range: range.clone() };
        io::copy(&mut reader, &mut io::sink()).unwrap();
        assert_eq!(range.lines(), 3);
        let empty = RangeRead {
            start: 0,
            end: 0,
            line_end: b'\n',
            newlines: AtomicU64::new(0),
            ended_line: AtomicBool::new(true),
        };
        assert_eq!(empty.lines(), 0);
    }

    #[test]
    fn a_file_of_old_mac_line_ends_is_cut_after_a_lone_cr_and_counts_its_lines() {
        let text = b"{\"a\":1}\r{\"a\":22}\r\r{\"a\":333}\r{\"a\":4444}";
        for parts in 1..=12 {
            let got = ranges(text, parts);
            assert_eq!(got[0].0, 0, "{parts}");
            assert_eq!(got.last().unwrap().1, text.len() as u64, "{parts}");
            for pair in got.windows(2) {
                assert_eq!(pair[0].1, pair[1].0, "{parts}: {got:?}");
            }
            for &(start, _) in &got {
                assert!(start == 0 || start == text.len() as u64 || text[start as usize - 1] == b'\r');
            }
        }
        let range = Arc::new(RangeRead {
            start: 0,
            end: 0,
            line_end: b'\r',
            newlines: AtomicU64::new(0),
            ended_line: AtomicBool::new(true),
        });
        let mut reader = LineCounter { inner: io::Cursor::new(text.to_vec()), range: range.clone() };
        io::copy(&mut reader, &mut io::sink()).unwrap();
        assert_eq!(range.lines(), 5);
    }
}
