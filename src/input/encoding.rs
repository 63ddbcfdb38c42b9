//! Text encodings (SPEC §5, §9): UTF-16 found by its byte-order mark or the NUL pattern of its
//! first bytes, or any encoding forced with `--encoding`, decoded as a stream into UTF-8 before
//! format detection; and records that are not valid UTF-8, whose invalid byte sequences are read
//! as Windows-1252 while the valid UTF-8 around them stays.

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;
use std::io::{self, Cursor, Read};

/// A text encoding, as `encoding_rs` names it (WHATWG).
pub type Encoding = &'static encoding_rs::Encoding;

/// Bytes of a stream looked at to tell UTF-16 without a byte-order mark.
const SNIFF_BYTES: usize = 512;
/// Raw bytes decoded at a time.
const CHUNK: usize = 64 << 10;

/// The encoding `--encoding LABEL` names, or a message naming the label when it names none.
pub fn from_label(label: &str) -> Result<Encoding, String> {
    match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
        // `replacement` (ISO-2022-KR and the like) decodes a whole input to one U+FFFD.
        Some(encoding) if encoding != encoding_rs::REPLACEMENT => Ok(encoding),
        _ => Err(format!(
            "unknown encoding {label:?}: give a WHATWG label such as utf-8, utf-16le, utf-16be, \
             windows-1252, iso-8859-1, gbk, big5, shift_jis"
        )),
    }
}

/// What the first bytes of a stream say about its encoding.
#[derive(Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// UTF-8 (or an ASCII-compatible encoding, read record by record).
    Utf8,
    /// To be decoded as a stream.
    Decode(Encoding),
    /// An encoding that is not read; the reason names it.
    Unsupported(&'static str),
}

/// UTF-16 by its byte-order mark, or by NUL bytes in every other position of its first bytes
/// (text that is mostly ASCII, as dumps are); UTF-32 is named, not read.
pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(b"\xff\xfe\0\0") || head.starts_with(b"\0\0\xfe\xff") {
        return Sniffed::Unsupported("UTF-32 text (convert it to UTF-8 first)");
    }
    if head.starts_with(b"\xff\xfe") {
        return Sniffed::Decode(UTF_16LE);
    }
    if head.starts_with(b"\xfe\xff") {
        return Sniffed::Decode(UTF_16BE);
    }
    let units = head[..head.len().min(SNIFF_BYTES)].chunks_exact(2);
    let count = units.len();
    // Units with a NUL byte, in either position, and whether the other byte is a control.
    let (mut high_nul, mut low_nul) = ([0, 0], [0, 0]);
    for unit in units {
        match (unit[0], unit[1]) {
            // A NUL character is not text: binary data, or UTF-32.
            (0, 0) => return Sniffed::Utf8,
            (c, 0) => high_nul[usize::from(!is_text_byte(c))] += 1,
            (0, c) => low_nul[usize::from(!is_text_byte(c))] += 1,
            _ => {}
        }
    }
    // Mostly one NUL pattern, next to text (a control character there is binary data, an
    // executable's tables), and hardly any of the other (a few characters such as U+0100 have it).
    let pattern = |nul: [usize; 2], other: [usize; 2]| {
        count >= 2 && nul[1] == 0 && nul[0] * 2 >= count && (other[0] + other[1]) * 16 <= count
    };
    if pattern(high_nul, low_nul) {
        Sniffed::Decode(UTF_16LE)
    } else if pattern(low_nul, high_nul) {
        Sniffed::Decode(UTF_16BE)
    } else {
        Sniffed::Utf8
    }
}

/// A character below U+0100 that text holds: printable, or a tab or line end.
fn is_text_byte(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\r' | 0x20..=0x7e | 0xa0..=0xff)
}

/// Peeks at `reader`'s first bytes and returns the stream as UTF-8: decoded from `forced`, or
/// from the encoding sniffed, or as it is; `Err` names an encoding that is not read. A read error
/// among the first bytes is met after them, by the splitter ([`super::read_head`]).
pub fn open(
    reader: Box<dyn Read + Send>,
    forced: Option<Encoding>,
) -> Result<Box<dyn Read + Send>, &'static str> {
    let (head, reader) = super::read_head(reader, SNIFF_BYTES);
    let sniffed = match forced {
        Some(encoding) => Sniffed::Decode(encoding),
        None => sniff(&head.bytes),
    };
    let whole: Box<dyn Read + Send> = Box::new(Cursor::new(head.bytes).chain(reader));
    match sniffed {
        Sniffed::Utf8 => Ok(whole),
        Sniffed::Decode(encoding) => Ok(Box::new(Decoding::new(whole, encoding))),
        Sniffed::Unsupported(what) => Err(what),
    }
}

/// A stream decoded from `encoding` into UTF-8: malformed sequences (a lone surrogate, an odd
/// last byte) become U+FFFD; a byte-order mark of that encoding is removed.
pub struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    out: Vec<u8>,
    /// Decoded bytes in `out[..len]`, handed out up to `pos`.
    len: usize,
    pos: usize,
    done: bool,
}

impl<R: Read> Decoding<R> {
    pub fn new(inner: R, encoding: Encoding) -> Self {
        Decoding {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            raw: vec![0; CHUNK],
            out: Vec::new(),
            len: 0,
            pos: 0,
            done: false,
        }
    }

    /// Decodes the next chunk of the inner stream into `out`.
    fn refill(&mut self) -> io::Result<()> {
        let n = self.inner.read(&mut self.raw)?;
        let last = n == 0;
        let room = self
            .decoder
            .max_utf8_buffer_length(n)
            .ok_or_else(|| io::Error::other("decoded text too long"))?;
        if self.out.len() < room {
            self.out.resize(room, 0);
        }
        // With room for the worst case, the decoder takes every byte it was given; were it not
        // to, the input would be cut silently, so that is an error.
        let (_, read, written, _) = self.decoder.decode_to_utf8(&self.raw[..n], &mut self.out, last);
        if read != n {
            return Err(io::Error::other("the text decoder did not take its input"));
        }
        self.len = written;
        self.pos = 0;
        self.done = last;
        Ok(())
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.len && !self.done && !buf.is_empty() {
            self.refill()?;
        }
        let n = buf.len().min(self.len - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A record's text: borrowed when it is valid UTF-8 (one SIMD pass, the common case); else
/// owned, each invalid byte sequence read as Windows-1252 and the valid UTF-8 around it kept
/// (`Ren\xe9 Müller` is `René Müller`). Owned means decoded: callers count it.
#[inline]
pub fn record_text(bytes: &[u8]) -> Cow<'_, str> {
    // SIMD validation: this is the one pass over every byte of every record.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(mixed_to_string(bytes)),
    }
}

/// Valid UTF-8 as it is, every other byte as Windows-1252 (which maps each byte to a character).
#[cold]
fn mixed_to_string(bytes: &[u8]) -> String {
    let high = windows_1252_high();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        // Invalid sequences are bytes 0x80–0xFF: one table look-up each, no allocation (a
        // decoder call per accented letter allocated its result).
        text.extend(chunk.invalid().iter().map(|&b| high[usize::from(b & 0x7f)]));
    }
    text
}

/// What Windows-1252 makes of bytes 0x80–0xFF, taken once from `encoding_rs` (WHATWG's table).
fn windows_1252_high() -> &'static [char; 128] {
    static TABLE: std::sync::OnceLock<[char; 128]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = ['\u{fffd}'; 128];
        for (byte, slot) in (0x80u8..=0xff).zip(table.iter_mut()) {
            let one = [byte];
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(&one);
            *slot = text.chars().next().unwrap_or('\u{fffd}');
        }
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_windows_1252_table_is_the_decoders() {
        for byte in 0x80u8..=0xff {
            let one = [byte];
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(&one);
            assert_eq!(mixed_to_string(&[b'a', byte, b'z']), format!("a{text}z"), "{byte:#x}");
        }
        assert_eq!(mixed_to_string(b"\x80 \x9f \xe9"), "€ Ÿ é");
    }

    fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if le { [0xff, 0xfe] } else { [0xfe, 0xff] });
        }
        for unit in text.encode_utf16() {
            out.extend(if le { unit.to_le_bytes() } else { unit.to_be_bytes() });
        }
        out
    }

    fn decoded(bytes: Vec<u8>, forced: Option<Encoding>) -> String {
        let mut reader = open(Box::new(Cursor::new(bytes)), forced).unwrap();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn utf16_is_found_by_bom_or_by_its_nul_pattern() {
        let text = "nik\tnama\r\n3201014107900001\tRené Müller\r\n";
        for (le, bom) in [(true, true), (false, true), (true, false), (false, false)] {
            let bytes = utf16(text, le, bom);
            assert_eq!(sniff(&bytes), Sniffed::Decode(if le { UTF_16LE } else { UTF_16BE }), "{le} {bom}");
            assert_eq!(decoded(bytes, None), text, "{le} {bom}");
        }
        assert_eq!(sniff(text.as_bytes()), Sniffed::Utf8);
        assert_eq!(decoded(text.as_bytes().to_vec(), None), text);
    }

    #[test]
    fn what_is_not_utf16_is_left_alone() {
        for head in [&b"ab\0\0\0\x01\x02"[..], b"a\0", b"nik,nama\n", b"\0\0\0\0", b"x\0y\0\0\0z\0"] {
            assert_eq!(sniff(head), Sniffed::Utf8, "{head:?}");
        }
        assert!(matches!(sniff(b"\xff\xfe\0\0n\0\0\0"), Sniffed::Unsupported(_)));
    }

    #[test]
    fn binary_data_with_nul_bytes_every_other_byte_is_not_taken_for_utf16() {
        // Control characters next to the NUL bytes: an executable's tables, not text.
        let binary = b"\x01\0\x02\0\x7f\0a\0b\0c\0d\0e\0f\0g\0";
        assert_eq!(sniff(binary), Sniffed::Utf8);
        assert_eq!(sniff(&binary.map(|b| if b == 0 { 0 } else { b'a' })), Sniffed::Decode(UTF_16LE));
        assert_eq!(sniff(b"\0\x1b\0a\0b\0c\0d\0e\0f\0g\0h\0i"), Sniffed::Utf8);
        // A character such as U+0100 in UTF-16LE text does not make it binary.
        let text: Vec<u8> =
            "Āisyah Putri, 3201014107900001".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(sniff(&text), Sniffed::Decode(UTF_16LE));
    }

    #[test]
    fn an_odd_last_byte_or_a_lone_surrogate_is_a_replacement_character() {
        let mut bytes = utf16("a,b\n", true, true);
        bytes.extend([0x00, 0xd8]); // a high surrogate with no low one
        bytes.extend(utf16("c\n", true, false));
        bytes.push(b'x');
        assert_eq!(decoded(bytes, None), "a,b\n\u{fffd}c\n\u{fffd}");
    }

    #[test]
    fn a_long_stream_is_decoded_across_chunks() {
        let text: String = (0..40_000).map(|i| format!("{i},Müller €\n")).collect();
        assert_eq!(decoded(utf16(&text, false, true), None), text);
        // Read a byte at a time: a character split between reads is whole.
        let mut reader = open(Box::new(Cursor::new(utf16("é€😀", true, true))), None).unwrap();
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while reader.read(&mut byte).unwrap() == 1 {
            bytes.push(byte[0]);
        }
        assert_eq!(String::from_utf8(bytes).unwrap(), "é€😀");
    }

    proptest::proptest! {
        #[test]
        fn decoding_a_byte_at_a_time_is_decoding_it_whole(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            big_endian: bool,
        ) {
            let encoding = if big_endian { UTF_16BE } else { UTF_16LE };
            let whole = encoding.decode_with_bom_removal(&bytes).0.into_owned();
            let trickled = crate::fuzzing::Trickle(bytes, 0);
            let mut reader = open(Box::new(trickled), Some(encoding)).unwrap();
            let mut text = String::new();
            reader.read_to_string(&mut text).unwrap();
            proptest::prop_assert_eq!(text, whole);
        }
    }

    #[test]
    fn a_forced_encoding_decodes_every_input() {
        let windows_1252 = from_label("windows-1252").unwrap();
        assert_eq!(decoded(b"Ren\xe9;\x80".to_vec(), Some(windows_1252)), "René;€");
        let gbk = from_label("gbk").unwrap();
        assert_eq!(decoded(b"\xc4\xe3\xba\xc3".to_vec(), Some(gbk)), "你好");
        assert_eq!(from_label(" UTF-16LE ").unwrap(), UTF_16LE);
        assert!(from_label("latin-9000").unwrap_err().contains("\"latin-9000\""));
        assert!(from_label("iso-2022-kr").is_err(), "the replacement encoding reads nothing");
    }

    #[test]
    fn invalid_bytes_of_a_record_are_windows_1252_and_valid_utf8_stays() {
        assert!(matches!(record_text(b"Ren\xc3\xa9"), Cow::Borrowed("René")));
        let text = record_text(b"Ren\xe9 M\xc3\xbcller;\x80\x81\xff;\xe9\x80");
        assert!(matches!(text, Cow::Owned(_)));
        assert_eq!(text, "René Müller;€\u{81}ÿ;é€");
    }
}
