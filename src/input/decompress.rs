//! Transparent decompression: gzip (every member), zstd (every frame, skippable ones too) and
//! bzip2 (every stream, as `bzip2 -d` reads them; `.tar.bz2` needs it), recognized by their magic
//! bytes whatever the file is called, and streamed.
//!
//! A stream that ends early or is corrupt is a read error, never a silent end of input: the
//! decoders report it and the scan stops with the input marked incomplete (SPEC §8).

use std::io::{self, BufRead, BufReader, Cursor, Read};

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
/// The last three bytes of a zstd skippable frame's magic, 0x184D2A50..=0x184D2A5F little-endian
/// (pzstd writes one first, holding its frame sizes); the first byte is 0x50..=0x5F.
const ZSTD_SKIPPABLE_MAGIC: &[u8] = &[0x2a, 0x4d, 0x18];
/// `BZh` and the block size `1`-`9`, then the magic of a first block (the digits of π) or of
/// the end of an empty stream (those of √π): ten bytes, so that a CSV whose first header starts
/// with `BZh` is not taken for one.
const BZIP2_MAGIC: &[u8] = b"BZh";
const BZIP2_BLOCK: &[u8] = &[0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const BZIP2_END: &[u8] = &[0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
/// Bytes peeked at to tell the compression.
const MAGIC_BYTES: usize = 10;

/// The compression of a stream, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Bzip2,
}

impl Compression {
    pub fn detect(head: &[u8]) -> Self {
        if head.starts_with(GZIP_MAGIC) {
            Compression::Gzip
        } else if head.starts_with(ZSTD_MAGIC) || is_zstd_skippable(head) {
            Compression::Zstd
        } else if is_bzip2(head) {
            Compression::Bzip2
        } else {
            Compression::None
        }
    }

    /// The name reports give it, or `None` for an uncompressed input.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Gzip => Some("gzip"),
            Compression::Zstd => Some("zstd"),
            Compression::Bzip2 => Some("bzip2"),
        }
    }
}

/// A zstd stream may start with a skippable frame (magic 0x184D2A5?), which the decoder skips.
fn is_zstd_skippable(head: &[u8]) -> bool {
    head.first().is_some_and(|&b| b & 0xf0 == 0x50) && head.get(1..4) == Some(ZSTD_SKIPPABLE_MAGIC)
}

/// `BZh`, a block size and the magic of a block or of the end of the stream.
fn is_bzip2(head: &[u8]) -> bool {
    head.starts_with(BZIP2_MAGIC)
        && head.get(3).is_some_and(|b| (b'1'..=b'9').contains(b))
        && head.get(4..MAGIC_BYTES).is_some_and(|m| m == BZIP2_BLOCK || m == BZIP2_END)
}

/// Peeks at `reader`'s magic bytes and returns the decompressed stream (or the stream itself).
pub fn open(mut reader: Box<dyn Read + Send>) -> io::Result<(Compression, Box<dyn Read + Send>)> {
    let mut magic = Vec::with_capacity(MAGIC_BYTES);
    (&mut reader).take(MAGIC_BYTES as u64).read_to_end(&mut magic)?;
    let compression = Compression::detect(&magic);
    let whole: Box<dyn Read + Send> = Box::new(Cursor::new(magic).chain(reader));
    let stream: Box<dyn Read + Send> = match compression {
        Compression::None => whole,
        Compression::Gzip => {
            Box::new(Truncation(GzipMembers::new(BufReader::with_capacity(256 << 10, whole))))
        }
        Compression::Zstd => Box::new(Truncation(zstd::stream::read::Decoder::new(whole)?)),
        Compression::Bzip2 => Box::new(Truncation(bzip2::bufread::MultiBzDecoder::new(
            BufReader::with_capacity(256 << 10, whole),
        ))),
    };
    Ok((compression, stream))
}

/// Names a decoder's error so the message says what happened to the file; errors of the file
/// itself (a disk error) pass through unchanged.
struct Truncation<R>(R);

impl<R: Read> Read for Truncation<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            let what = match e.kind() {
                io::ErrorKind::UnexpectedEof => "compressed stream is truncated",
                io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput => "compressed stream is corrupt",
                _ => return e,
            };
            io::Error::new(e.kind(), format!("{what} ({e})"))
        })
    }
}

/// Every member of a gzip stream, one after the other, like `gzip -d`: zero bytes padding the
/// end (tape and block devices write them) are allowed; anything else after a member is an error.
struct GzipMembers<R: BufRead> {
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    fn new(reader: R) -> Self {
        GzipMembers { member: Some(flate2::bufread::GzDecoder::new(reader)) }
    }
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = self.member.as_mut() else { return Ok(0) };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // This member is whole; what follows decides whether another one starts.
            let Some(member) = self.member.take() else { return Ok(0) };
            let mut rest = member.into_inner();
            let next = rest.fill_buf()?;
            if next.is_empty() {
                return Ok(0);
            }
            if next[0] == GZIP_MAGIC[0] {
                self.member = Some(flate2::bufread::GzDecoder::new(rest));
                continue;
            }
            loop {
                let padding = rest.fill_buf()?;
                if padding.is_empty() {
                    return Ok(0);
                }
                if padding.iter().any(|&b| b != 0) {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "data after the last gzip member",
                    ));
                }
                let len = padding.len();
                rest.consume(len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: Vec<u8>) -> (Compression, io::Result<Vec<u8>>) {
        let (c, mut r) = open(Box::new(Cursor::new(bytes))).unwrap();
        let mut out = Vec::new();
        let result = r.read_to_end(&mut out).map(|_| out);
        (c, result)
    }

    #[test]
    fn plain_streams_pass_through() {
        let (c, out) = read_all(b"nik,nama\n1,2\n".to_vec());
        assert_eq!(c, Compression::None);
        assert_eq!(out.unwrap(), b"nik,nama\n1,2\n");
        let (_, out) = read_all(b"ab".to_vec());
        assert_eq!(out.unwrap(), b"ab");
    }

    #[test]
    fn every_gzip_member_is_read() {
        let mut bytes = gzip(b"first,\n");
        bytes.extend(gzip(b"second\n"));
        let (c, out) = read_all(bytes);
        assert_eq!(c, Compression::Gzip);
        assert_eq!(out.unwrap(), b"first,\nsecond\n");
    }

    #[test]
    fn zero_padding_after_gzip_is_allowed_but_garbage_is_not() {
        let mut bytes = gzip(b"a\n");
        bytes.extend([0u8; 4096]);
        assert_eq!(read_all(bytes).1.unwrap(), b"a\n");
        let mut bytes = gzip(b"a\n");
        bytes.extend(b"garbage");
        let err = read_all(bytes).1.unwrap_err().to_string();
        assert!(err.contains("corrupt") && err.contains("after the last gzip member"), "{err}");
    }

    #[test]
    fn disk_errors_pass_through_unlabelled() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("I/O error on the disk"))
            }
        }
        let mut gz = gzip(&[b'x'; 100_000]);
        gz.truncate(20);
        let reader = Box::new(Cursor::new(gz).chain(Failing));
        let (_, mut r) = open(reader).unwrap();
        let err = r.read_to_end(&mut Vec::new()).unwrap_err().to_string();
        assert_eq!(err, "I/O error on the disk");
    }

    #[test]
    fn zstd_frames_are_read() {
        let mut bytes = zstd::encode_all(&b"one\n"[..], 3).unwrap();
        bytes.extend(zstd::encode_all(&b"two\n"[..], 3).unwrap());
        let (c, out) = read_all(bytes);
        assert_eq!(c, Compression::Zstd);
        assert_eq!(out.unwrap(), b"one\ntwo\n");
    }

    /// A skippable frame of `len` bytes of content, with magic 0x184D2A5`nibble`.
    fn skippable_frame(nibble: u8, len: u32) -> Vec<u8> {
        let mut frame = vec![0x50 | nibble, 0x2a, 0x4d, 0x18];
        frame.extend(len.to_le_bytes());
        frame.extend((0..len).map(|i| i as u8));
        frame
    }

    #[test]
    fn a_zstd_stream_that_starts_with_a_skippable_frame_is_decompressed() {
        for nibble in [0x0, 0x7, 0xf] {
            let mut bytes = skippable_frame(nibble, 12);
            bytes.extend(zstd::encode_all(&b"one\n"[..], 3).unwrap());
            bytes.extend(skippable_frame(nibble, 0));
            bytes.extend(zstd::encode_all(&b"two\n"[..], 3).unwrap());
            let (c, out) = read_all(bytes);
            assert_eq!(c, Compression::Zstd, "{nibble:x}");
            assert_eq!(out.unwrap(), b"one\ntwo\n");
        }
        // The magic's neighbours are not zstd.
        assert_eq!(Compression::detect(&[0x60, 0x2a, 0x4d, 0x18]), Compression::None);
        assert_eq!(Compression::detect(&[0x50, 0x2a, 0x4d, 0x19]), Compression::None);
        assert_eq!(Compression::detect(&[0x50, 0x2a, 0x4d]), Compression::None);
    }

    fn bzip2(data: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn every_bzip2_stream_is_read_and_a_csv_starting_with_bzh_is_not_one() {
        let mut bytes = bzip2(b"one\n");
        bytes.extend(bzip2(b""));
        bytes.extend(bzip2(b"two\n"));
        let (c, out) = read_all(bytes);
        assert_eq!(c, Compression::Bzip2);
        assert_eq!(out.unwrap(), b"one\ntwo\n");
        let (c, out) = read_all(b"BZh9,nik\n1,2\n".to_vec());
        assert_eq!(c, Compression::None);
        assert_eq!(out.unwrap(), b"BZh9,nik\n1,2\n");
        let whole = bzip2(&[b'x'; 300_000]);
        let (_, out) = read_all(whole[..whole.len() / 2].to_vec());
        assert!(out.unwrap_err().to_string().contains("truncated"));
    }

    #[test]
    fn truncated_streams_are_errors_not_ends() {
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| format!("{i},x\n").into_bytes()).collect();
        let gz = gzip(&data);
        let (_, out) = read_all(gz[..gz.len() / 2].to_vec());
        assert!(out.unwrap_err().to_string().contains("truncated"));
        let (_, out) = read_all(gz[..gz.len() - 4].to_vec());
        assert!(out.is_err(), "a missing trailer is an error");
        let zst = zstd::encode_all(&data[..], 3).unwrap();
        let (_, out) = read_all(zst[..zst.len() / 2].to_vec());
        assert!(out.is_err());
    }
}
