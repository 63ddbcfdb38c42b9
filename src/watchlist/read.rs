//! Reading a watchlist's bytes as a stream of text with a bound on every line: line ends become
//! `\n` (so every loader counts physical lines, whether the file ends its lines with LF, CRLF or
//! a lone CR), invalid UTF-8 is read as Windows-1252 (as dumps are, SPEC §5), a NUL byte refuses
//! the file (a watchlist is text; `/dev/zero` is not one), and a line longer than [`MAX_LINE`] is
//! an error naming it, or blanked under `--lenient`, never a buffer that grows without end. The
//! text is handed on line by line as it is read, so a 6 GB list costs a few MiB (issue 19).

use super::WatchlistError;
use sha2::{Digest as _, Sha256};
use std::io::{self, BufRead, Read};

/// Longest watchlist line kept, in bytes. A person's row of a CSV is well under a kilobyte; a
/// megabyte leaves room for a row of hundreds of phones and is no strain on memory.
pub const MAX_LINE: usize = 1 << 20;

/// The error for a line longer than [`MAX_LINE`].
pub(super) fn too_long() -> String {
    format!("longer than {} MiB: not a watchlist line", MAX_LINE >> 20)
}

/// The most text [`Stream::head`] holds back: lines are up to 1 MiB, and a layout is told from
/// its first lines.
const HEAD_MAX: usize = 16 << 20;

/// The magic numbers of compressed files and archives: read as text, their first NUL byte made
/// the error speak of binary data or UTF-16.
const COMPRESSED: &[(&[u8], &str)] = &[
    (b"\x1f\x8b", "gzip data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\0", "xz data"),
    (b"PK\x03\x04", "a zip archive"),
];

/// Raw bytes read at a time.
const CHUNK: usize = 1 << 16;

/// A watchlist being read: its text (`\n` line ends, valid UTF-8) through [`BufRead`], the
/// physical lines blanked for being too long, and the SHA-256 of the file's bytes as read (SPEC
/// §7 1.1: which list was used, provably), taken while reading so that a list read from a pipe is
/// hashed too. A read that fails keeps its reason ([`Stream::error`]): the loader reading it gets
/// an `io::Error` and gives back this one, which names the file and line.
pub(super) struct Stream<'a> {
    path: String,
    reader: Box<dyn Read + 'a>,
    lenient: bool,
    raw: Vec<u8>,
    /// Text ready to be read (complete lines, decoded), from `pos` on.
    text: Vec<u8>,
    pos: usize,
    /// The line being read, its line ends made `\n`, not yet decoded.
    lines: Lines,
    after_cr: bool,
    first: bool,
    eof: bool,
    sha256: Sha256,
    error: Option<WatchlistError>,
    progress: Option<indicatif::ProgressBar>,
    /// Lines handed on by [`Stream::next_line`].
    given: u64,
}

impl<'a> Stream<'a> {
    /// `reader`, called `path` in errors. With `progress` (the file's size, on a terminal), a
    /// bar shows how much of it was read. Without `lenient`, the first line over [`MAX_LINE`]
    /// stops the read with an error; with it, such lines are read past and left empty.
    pub fn new(path: &str, reader: impl Read + 'a, lenient: bool, progress: Option<u64>) -> Self {
        Stream {
            path: path.to_string(),
            reader: Box::new(reader),
            lenient,
            raw: vec![0; CHUNK],
            text: Vec::new(),
            pos: 0,
            lines: Lines { out: Vec::new(), long_lines: Vec::new(), line: 1, line_start: 0, skipping: false },
            after_cr: false,
            first: true,
            eof: false,
            sha256: Sha256::new(),
            error: None,
            progress: progress.and_then(progress_bar),
            given: 0,
        }
    }

    /// The text of the list's first lines, for telling its layout: at least `bytes` bytes and
    /// `lines` lines of it when the list has them (whole lines, read but not consumed).
    /// (At most [`HEAD_MAX`] bytes are waited for, whatever `bytes` and `lines` ask.)
    pub fn head(&mut self, bytes: usize, lines: usize) -> Result<&str, WatchlistError> {
        while !self.eof
            && self.text.len() < HEAD_MAX
            && (self.text.len() < bytes || memchr::memchr_iter(b'\n', &self.text).count() < lines)
        {
            self.fill()?;
        }
        // Whole lines of valid UTF-8 (see `fill`): the conversion cannot fail.
        Ok(std::str::from_utf8(&self.text).unwrap_or_default())
    }

    /// Skips a byte order mark at the start of the text.
    pub fn skip_bom(&mut self) -> Result<(), WatchlistError> {
        self.head(3, 0)?;
        if self.pos == 0 && self.text.starts_with("\u{feff}".as_bytes()) {
            self.pos = 3;
        }
        Ok(())
    }

    /// Why the read failed, once an `io::Error` came from it; else the loader's own error for
    /// `error`.
    pub fn error(&mut self, error: io::Error) -> WatchlistError {
        self.error.take().unwrap_or_else(|| WatchlistError::Io { path: self.path.clone(), error })
    }

    /// Reads the next line into `buf` (without its `\n`) and gives its physical line number,
    /// or `None` at the end of the list.
    pub fn next_line(&mut self, buf: &mut String) -> Result<Option<u64>, WatchlistError> {
        buf.clear();
        match self.read_line(buf) {
            Ok(0) => Ok(None),
            Ok(_) => {
                if buf.ends_with('\n') {
                    buf.pop();
                }
                self.given += 1;
                Ok(Some(self.given))
            }
            Err(e) => Err(self.error(e)),
        }
    }

    /// Whether the read failed (an error is kept).
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The lines left empty for being too long (under `--lenient`), so far.
    pub fn long_lines(&self) -> &[u64] {
        &self.lines.long_lines
    }

    /// Reads what is left (a loader may stop before the end, as after a hashed list's last
    /// entry) and gives the SHA-256 of every byte read, and the lines left empty.
    pub fn finish(mut self) -> Result<([u8; 32], Vec<u64>), WatchlistError> {
        while !self.eof {
            self.text.clear();
            self.pos = 0;
            self.fill()?;
        }
        if let Some(bar) = &self.progress {
            bar.finish_and_clear();
        }
        Ok((self.sha256.finalize().into(), self.lines.long_lines))
    }

    /// Reads the next chunk: the complete lines in it are added to `text`, decoded.
    fn fill(&mut self) -> Result<(), WatchlistError> {
        let path = self.path.clone();
        let n = loop {
            match self.reader.read(&mut self.raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(WatchlistError::Io { path, error }),
            }
        };
        if n == 0 {
            self.eof = true;
            let rest = std::mem::take(&mut self.lines.out);
            self.text.extend_from_slice(crate::input::encoding::record_text(&rest).as_bytes());
            self.lines.line_start = 0;
            return Ok(());
        }
        let chunk = &self.raw[..n];
        if self.first && (chunk.starts_with(b"\xff\xfe") || chunk.starts_with(b"\xfe\xff")) {
            return Err(WatchlistError::Utf16 { path });
        }
        if self.first
            && let Some((_, what)) = COMPRESSED.iter().find(|(magic, _)| chunk.starts_with(magic))
        {
            return Err(WatchlistError::Compressed { path, what });
        }
        // An index met here came through a pipe (`--watch - < list.lcx`): it is mapped in place.
        if self.first && super::lcx::format::is_index(chunk) {
            let reason = "an index is opened in place: give its path, not standard input".into();
            return Err(WatchlistError::Index { path, reason });
        }
        self.first = false;
        self.sha256.update(chunk);
        if let Some(bar) = &self.progress {
            bar.inc(n as u64);
        }
        let state = &mut self.lines;
        let mut rest = chunk;
        while !rest.is_empty() {
            // Runs of plain bytes are copied whole: a million-line list is read at memory speed.
            let end = memchr::memchr3(b'\n', b'\r', 0, rest).unwrap_or(rest.len());
            if end > 0 {
                self.after_cr = false;
                if !state.push(&rest[..end]) && !self.lenient {
                    return Err(WatchlistError::Line { path, line: state.line, reason: too_long() });
                }
            }
            let Some(&byte) = rest.get(end) else { break };
            match byte {
                0 => {
                    let reason =
                        "a NUL byte: binary data or UTF-16 without a byte order mark, not a text watchlist";
                    return Err(WatchlistError::Line { path, line: state.line, reason: reason.into() });
                }
                b'\n' if self.after_cr => {} // the LF of a CRLF, which already ended the line
                _ => state.end_line(),
            }
            self.after_cr = byte == b'\r';
            rest = &rest[end + 1..];
        }
        // Complete lines are decoded on their own: a line end is ASCII, so no UTF-8 sequence
        // spans it, and the text is the same as the whole file's decoded at once.
        if state.line_start > 0 {
            let done = state.line_start;
            self.text.extend_from_slice(crate::input::encoding::record_text(&state.out[..done]).as_bytes());
            state.out.drain(..done);
            state.line_start = 0;
        }
        Ok(())
    }

    fn keep(&mut self, result: Result<(), WatchlistError>) -> io::Result<()> {
        result.map_err(|error| {
            let message = error.to_string();
            self.error = Some(error);
            io::Error::other(message)
        })
    }
}

impl Read for Stream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Stream<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.error.is_some() {
            return Err(io::Error::other("the watchlist could not be read"));
        }
        while self.pos == self.text.len() && !self.eof {
            self.text.clear();
            self.pos = 0;
            let filled = self.fill();
            self.keep(filled)?;
        }
        Ok(&self.text[self.pos..])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.text.len());
    }
}

fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    (total > 0 && io::stderr().is_terminal()).then(|| {
        let bar =
            indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "reading the list [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ETA {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    })
}

/// The line being read and where the text read so far stands.
struct Lines {
    /// Lines ended but not yet handed on, then the current one from `line_start`.
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

    /// What reading `reader` to its end gives.
    struct ReadWatchlist {
        bytes: Vec<u8>,
        long_lines: Vec<u64>,
        sha256: [u8; 32],
    }

    fn read(path: &str, reader: impl Read, lenient: bool) -> Result<ReadWatchlist, WatchlistError> {
        let mut stream = Stream::new(path, reader, lenient, None);
        let mut bytes = Vec::new();
        if let Err(e) = stream.read_to_end(&mut bytes) {
            return Err(stream.error(e));
        }
        let (sha256, long_lines) = stream.finish()?;
        Ok(ReadWatchlist { bytes, long_lines, sha256 })
    }

    fn read_str(bytes: &[u8], lenient: bool) -> Result<ReadWatchlist, WatchlistError> {
        read("w.txt", bytes, lenient)
    }

    #[test]
    fn every_line_end_becomes_one_lf() {
        let got = read_str(b"a\r\nb\rc\nd\r\r\ne\n\n\rf", false).ok().unwrap();
        assert_eq!(got.bytes, b"a\nb\nc\nd\n\ne\n\n\nf");
        // A CRLF split between two reads is still one line end.
        let split = io::Read::chain(&b"a\r"[..], &b"\nb"[..]);
        assert_eq!(read("w", split, false).ok().unwrap().bytes, b"a\nb");
    }

    #[test]
    fn a_list_read_a_byte_at_a_time_is_the_whole_file_decoded() {
        // Lines are handed on as they end, decoded on their own: a UTF-8 letter or a CRLF split
        // between two reads, a Windows-1252 byte, a byte order mark, read as the whole file does.
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&first, rest)) = self.0.split_first() else { return Ok(0) };
                buf[0] = first;
                self.0 = rest;
                Ok(1)
            }
        }
        let bytes = b"\xef\xbb\xbfnama\r\nRen\xe9 M\xc3\xbcller\r\n\xe2\x82\xac 5\rlast";
        let whole = read_str(bytes, false).ok().unwrap();
        assert_eq!(whole.bytes, "\u{feff}nama\nRené Müller\n€ 5\nlast".as_bytes());
        let split = read("w", OneByte(bytes), false).ok().unwrap();
        assert_eq!(split.bytes, whole.bytes);
        assert_eq!(split.sha256, whole.sha256);
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
        let err = read("w.txt", endless, false).err().unwrap().to_string();
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
