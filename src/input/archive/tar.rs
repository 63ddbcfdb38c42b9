//! Walking a `.tar` stream (the `tar` crate: ustar, GNU and pax headers, long names): one member
//! after the other, as stored, then the stream to its end (a compressed tar's checksum is
//! there). A stream that ends inside a member, or before the blocks that end a tar, is cut: that
//! is an error, never a silent end.

use super::member_path;
use super::pump::{Archive, Pumped};
use ::tar::EntryType;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Bytes the crate may read for one member's headers: its long name and pax records, which it
/// holds in memory whole. Real ones are a few KiB; a hostile archive declaring a long name of
/// gigabytes would otherwise be read into memory.
const MAX_HEADER_BYTES: u64 = 8 << 20;
/// The header count when member data, not headers, is being read.
const NOT_IN_HEADERS: u64 = u64::MAX;

/// Starts the thread that reads the tar stream `reader` and hands its files over.
pub(super) fn walk(reader: Box<dyn Read + Send>) -> io::Result<Archive> {
    Archive::spawn(move |members| {
        let ended = Arc::new(AtomicBool::new(false));
        let headers = Arc::new(AtomicU64::new(NOT_IN_HEADERS));
        let stream = SeesEnd { inner: reader, ended: ended.clone(), headers: headers.clone() };
        let mut archive = ::tar::Archive::new(stream);
        let mut entries = match archive.entries() {
            Ok(entries) => entries,
            Err(e) => return members.unreadable(None, e),
        };
        loop {
            // Only headers are read here (a member left early was read to its end below).
            headers.store(0, Ordering::Relaxed);
            let entry = entries.next();
            headers.store(NOT_IN_HEADERS, Ordering::Relaxed);
            let mut entry = match entry {
                None => break,
                Some(Ok(entry)) => entry,
                Some(Err(e)) => return members.unreadable(None, cut(e, &ended)),
            };
            let path = member_path(&entry.path_bytes());
            let entry_size = entry.size();
            let not_read = match entry.header().entry_type() {
                EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => None,
                EntryType::Directory | EntryType::XGlobalHeader | EntryType::XHeader => Some(("", false)),
                EntryType::Symlink => Some(("a symbolic link, not a file", false)),
                EntryType::Link => Some(("a hard link (its file is read under its own name)", false)),
                EntryType::Char | EntryType::Block | EntryType::Fifo => {
                    Some(("a device or FIFO, not a file", false))
                }
                _ => Some(("a tar member of a type leakcheck does not read", true)),
            };
            if let Some((what, error)) = not_read {
                // Whatever bytes it has are passed over here, not counted as headers.
                drop(io::copy(&mut entry, &mut io::sink()));
                if !what.is_empty() {
                    members.skipped(path, what, error)?;
                }
                continue;
            }
            let mut member = Sized { inner: &mut entry, left: entry_size };
            // Its bytes as stored in the tar (decompressed, for a `.tar.gz`: see `archive`).
            match members.file(path, entry_size, &mut member)? {
                // The stream is lost at an unknown place: what follows cannot be found.
                Pumped::Broken => return Ok(()),
                // A member that is not a dump: its bytes are passed over (an error here is met
                // again where the next header should be).
                Pumped::Left => drop(io::copy(&mut member, &mut io::sink())),
                Pumped::Whole => {}
            }
        }
        if ended.load(Ordering::Relaxed) {
            let error = io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive is cut: it ends without the blocks that end a tar",
            );
            members.unreadable(None, error)?;
            return Ok(());
        }
        // A `.tar.gz`, `.tar.bz2` or `.tar.zst` checks its bytes at the end of its compressed
        // stream (gzip's CRC, bzip2's, zstd's checksum), past the blocks that end the tar, where
        // the crate stops: read on to there, so that a damaged one is an error, never a CLEAR.
        if let Err(error) = io::copy(&mut archive.into_inner(), &mut io::sink()) {
            members.unreadable(None, error)?;
        }
        Ok(())
    })
}

/// The crate's error, named as a cut archive when the stream had ended.
fn cut(e: io::Error, ended: &AtomicBool) -> io::Error {
    if ended.load(Ordering::Relaxed) {
        io::Error::new(io::ErrorKind::UnexpectedEof, format!("the archive is cut ({e})"))
    } else {
        e
    }
}

/// The tar stream, noting when it ends (the crate takes an end where a header should be for
/// the end of the archive) and bounding what is read for one member's headers.
struct SeesEnd {
    inner: Box<dyn Read + Send>,
    ended: Arc<AtomicBool>,
    /// Bytes read for the headers of the next member, or [`NOT_IN_HEADERS`].
    headers: Arc<AtomicU64>,
}

impl Read for SeesEnd {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended.store(true, Ordering::Relaxed);
        }
        let headers = self.headers.load(Ordering::Relaxed);
        if headers != NOT_IN_HEADERS {
            let headers = headers + n as u64;
            self.headers.store(headers, Ordering::Relaxed);
            if headers > MAX_HEADER_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a tar member's headers (long name, pax records) are over 8 MiB: not a tar leakcheck reads",
                ));
            }
        }
        Ok(n)
    }
}

/// A member that must give the bytes its header says it has: fewer is a cut archive.
struct Sized<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Sized<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() && self.left > 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the archive is cut: this member ends {} bytes early", self.left),
            ));
        }
        self.left = self.left.saturating_sub(n as u64);
        Ok(n)
    }
}
