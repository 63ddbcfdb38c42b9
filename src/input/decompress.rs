//! Transparent decompression: gzip (every member) and zstd (every frame), recognized by their
//! magic bytes whatever the file is called, and streamed.
//!
//! A stream that ends early or is corrupt is a read error, never a silent end of input: the
//! decoders report it and the scan stops with the input marked incomplete (SPEC §8).

use std::io::{self, Cursor, Read};

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// The compression of a stream, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn detect(head: &[u8]) -> Self {
        if head.starts_with(GZIP_MAGIC) {
            Compression::Gzip
        } else if head.starts_with(ZSTD_MAGIC) {
            Compression::Zstd
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
        }
    }
}

/// Peeks at `reader`'s magic bytes and returns the decompressed stream (or the stream itself).
pub fn open(mut reader: Box<dyn Read + Send>) -> io::Result<(Compression, Box<dyn Read + Send>)> {
    let mut magic = Vec::with_capacity(ZSTD_MAGIC.len());
    (&mut reader).take(ZSTD_MAGIC.len() as u64).read_to_end(&mut magic)?;
    let compression = Compression::detect(&magic);
    let whole: Box<dyn Read + Send> = Box::new(Cursor::new(magic).chain(reader));
    let stream: Box<dyn Read + Send> = match compression {
        Compression::None => whole,
        Compression::Gzip => Box::new(Truncation(flate2::read::MultiGzDecoder::new(whole))),
        Compression::Zstd => Box::new(Truncation(zstd::stream::read::Decoder::new(whole)?)),
    };
    Ok((compression, stream))
}

/// Names a decoder's error so the message says what happened to the file.
struct Truncation<R>(R);

impl<R: Read> Read for Truncation<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            let what = if e.kind() == io::ErrorKind::UnexpectedEof {
                "compressed stream is truncated"
            } else {
                "compressed stream is corrupt"
            };
            io::Error::new(e.kind(), format!("{what} ({e})"))
        })
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
    fn zstd_frames_are_read() {
        let mut bytes = zstd::encode_all(&b"one\n"[..], 3).unwrap();
        bytes.extend(zstd::encode_all(&b"two\n"[..], 3).unwrap());
        let (c, out) = read_all(bytes);
        assert_eq!(c, Compression::Zstd);
        assert_eq!(out.unwrap(), b"one\ntwo\n");
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
