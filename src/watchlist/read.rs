//! Reading a watchlist's bytes with a bound on every line: line ends become `\n` (so every
//! loader counts physical lines, whether the file ends its lines with LF, CRLF or a lone CR),
//! a NUL byte refuses the file (a watchlist is text; `/dev/zero` is not one), and a line longer
//! than [`MAX_LINE`] is an error naming it, or blanked under `--lenient`, never a buffer that
//! grows without end.

use super::WatchlistError;
use sha2::{Digest as _, Sha256};
use std::io::{self, BufRead};

/// Longest watchlist line kept, in bytes. A person's row of a CSV is well under a kilobyte; a
/// megabyte leaves room for a row of hundreds of phones and is no strain on memory.
pub const MAX_LINE: usize = 1 << 20;

/// A watchlist read into memory: its text, the physical lines blanked for being too long, and
/// the SHA-256 of the file's bytes as read (SPEC §7 1.1: which list was used, provably), taken
/// while reading so that a list read from a pipe is hashed too.
pub(super) struct ReadWatchlist {
    pub bytes: Vec<u8>,
    pub long_lines: Vec<u64>,
    pub sha256: [u8; 32],
}

/// The error for a line longer than [`MAX_LINE`].
pub(super) fn too_long() -> String {
    format!("longer than {} MiB: not a watchlist line", MAX_LINE >> 20)
}

/// Most of a watchlist's size reserved up front (a hint from its metadata, trusted that far).
const MAX_RESERVED: u64 = 1 << 30;

/// Reads `reader` (called `path` in errors) to its end, `size_hint` bytes reserved for it.
/// The magic numbers of compressed files and archives: read as text, their first NUL byte made
/// the error speak of binary data or UTF-16.
const COMPRESSED: &[(&[u8], &str)] = &[
    (b"\x1f\x8b", "gzip data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\0", "xz data"),
    (b"PK\x03\x04", "a zip archive"),
];

/// Without `lenient`, the first line over [`MAX_LINE`] stops the read with an error; with it,
/// such lines are read past and left empty.
pub(super) fn read(
    path: &str,
    reader: impl io::Read,
    size_hint: u64,
    lenient: bool,
) -> Result<ReadWatchlist, WatchlistError> {
    let io_error = |error| WatchlistError::Io { path: path.to_string(), error };
    let mut reader = io::BufReader::with_capacity(1 << 16, reader);
    let reserved = usize::try_from(size_hint.min(MAX_RESERVED)).unwrap_or(0);
    let mut state = Lines {
        out: Vec::with_capacity(reserved),
        long_lines: Vec::new(),
        line: 1,
        line_start: 0,
        skipping: false,
    };
    let mut after_cr = false;
    let mut first = true;
    let mut sha256 = Sha256::new();
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        };
        if chunk.is_empty() {
            break;
        }
        if first && (chunk.starts_with(b"\xff\xfe") || chunk.starts_with(b"\xfe\xff")) {
            return Err(WatchlistError::Utf16 { path: path.to_string() });
        }
        if first && let Some((_, what)) = COMPRESSED.iter().find(|(magic, _)| chunk.starts_with(magic)) {
            return Err(WatchlistError::Compressed { path: path.to_string(), what });
        }
        // An index met here came through a pipe (`--watch - < list.lcx`): it is mapped in place.
        if first && super::lcx::format::is_index(chunk) {
            let reason = "an index is opened in place: give its path, not standard input".into();
            return Err(WatchlistError::Index { path: path.to_string(), reason });
        }
        first = false;
        sha256.update(chunk);
        let mut rest = chunk;
        while !rest.is_empty() {
            // Runs of plain bytes are copied whole: a million-line list is read at memory speed.
            let end = memchr::memchr3(b'\n', b'\r', 0, rest).unwrap_or(rest.len());
            if end > 0 {
                after_cr = false;
                if !state.push(&rest[..end]) && !lenient {
                    return Err(WatchlistError::Line {
                        path: path.into(),
                        line: state.line,
                        reason: too_long(),
                    });
                }
            }
            let Some(&byte) = rest.get(end) else { break };
            match byte {
                0 => {
                    let reason =
                        "a NUL byte: binary data or UTF-16 without a byte order mark, not a text watchlist";
                    return Err(WatchlistError::Line {
                        path: path.into(),
                        line: state.line,
                        reason: reason.into(),
                    });
                }
                b'\n' if after_cr => {} // the LF of a CRLF, which already ended the line
                _ => state.end_line(),
            }
            after_cr = byte == b'\r';
            rest = &rest[end + 1..];
        }
        let consumed = chunk.len();
        reader.consume(consumed);
    }
    Ok(ReadWatchlist { bytes: state.out, long_lines: state.long_lines, sha256: sha256.finalize().into() })
}

/// The text read so far and where its current line stands.
struct Lines {
    out: Vec<u8>,
    long_lines: Vec<u64>,
    /// The physical line being read, 1-based.
    line: u64,
    /// Where the current line starts in `out`.
    line_start: usize,
    /// The current line went over [`MAX_LINE`]: its bytes are dropped.
    skipping: bool,
}

impl Lines {
    fn end_line(&mut self) {
        self.out.push(b'\n');
        self.line += 1;
        self.line_start = self.out.len();
        self.skipping = false;
    }

    /// Adds `run` (no line end in it) to the current line; false once the line is over
    /// [`MAX_LINE`] (its bytes are then dropped and the line noted as blanked).
    fn push(&mut self, run: &[u8]) -> bool {
        if self.skipping {
            return false;
        }
        if self.out.len() - self.line_start + run.len() > MAX_LINE {
            self.out.truncate(self.line_start);
            self.long_lines.push(self.line);
            self.skipping = true;
            return false;
        }
        self.out.extend_from_slice(run);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(bytes: &[u8], lenient: bool) -> Result<ReadWatchlist, WatchlistError> {
        read("w.txt", bytes, 0, lenient)
    }

    #[test]
    fn every_line_end_becomes_one_lf() {
        let got = read_str(b"a\r\nb\rc\nd\r\r\ne\n\n\rf", false).ok().unwrap();
        assert_eq!(got.bytes, b"a\nb\nc\nd\n\ne\n\n\nf");
        // A CRLF split between two reads is still one line end.
        let split = io::Read::chain(&b"a\r"[..], &b"\nb"[..]);
        assert_eq!(read("w", split, 0, false).ok().unwrap().bytes, b"a\nb");
    }

    #[test]
    fn the_sha256_is_of_the_bytes_as_read_whatever_their_line_ends() {
        // `printf 'a\r\nb' | sha256sum`
        let got = read_str(b"a\r\nb", false).ok().unwrap();
        assert_eq!(
            crate::hash::to_hex(&got.sha256),
            "18745f36a05e29072709042d6062ce54f1b08ff36c27ba80c39f81fb010c8ce2"
        );
    }

    #[test]
    fn a_nul_byte_refuses_the_file_at_its_line() {
        let err = read_str(b"a\r\nb\r\n\0\0\0", true).err().unwrap();
        assert!(matches!(err, WatchlistError::Line { line: 3, .. }), "{err}");
    }

    #[test]
    fn an_endless_line_stops_at_the_limit_with_its_line_number() {
        let endless = io::Read::chain(&b"3201014107900001\r\n"[..], io::repeat(b'x'));
        let err = read("w.txt", endless, 0, false).err().unwrap().to_string();
        assert!(err.contains("w.txt:2: longer than 1 MiB"), "{err}");
    }

    #[test]
    fn lenient_blanks_long_lines_and_keeps_the_numbering() {
        let mut bytes = b"a\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        bytes.extend(b"\r\nb\n");
        let read = read_str(&bytes, true).ok().unwrap();
        assert_eq!(read.bytes, b"a\n\nb\n");
        assert_eq!(read.long_lines, [2]);
        let exactly = vec![b'y'; MAX_LINE];
        assert_eq!(read_str(&exactly, false).ok().unwrap().bytes.len(), MAX_LINE);
    }
}
