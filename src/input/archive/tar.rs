//! Walking a `.tar` stream (the `tar` crate: ustar, GNU and pax headers, long names): one member
//! after the other, as stored. A stream that ends inside a member, or before the blocks that end
//! a tar, is cut: that is an error, never a silent end.

use super::member_path;
use super::pump::{Archive, Pumped};
use ::tar::EntryType;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Starts the thread that reads the tar stream `reader` and hands its files over.
pub(super) fn walk(reader: Box<dyn Read + Send>) -> io::Result<Archive> {
    Archive::spawn(move |members| {
        let ended = Arc::new(AtomicBool::new(false));
        let mut archive = ::tar::Archive::new(SeesEnd { inner: reader, ended: ended.clone() });
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(e) => return members.unreadable(None, e),
        };
        for entry in entries {
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(e) => return members.unreadable(None, cut(e, &ended)),
            };
            let path = member_path(&entry.path_bytes());
            let not_read = match entry.header().entry_type() {
                EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => None,
                EntryType::Directory | EntryType::XGlobalHeader | EntryType::XHeader => continue,
                EntryType::Symlink => Some(("a symbolic link, not a file", false)),
                EntryType::Link => Some(("a hard link (its file is read under its own name)", false)),
                EntryType::Char | EntryType::Block | EntryType::Fifo => {
                    Some(("a device or FIFO, not a file", false))
                }
                _ => Some(("a tar member of a type leakcheck does not read", true)),
            };
            if let Some((what, error)) = not_read {
                members.skipped(path, what, error)?;
                continue;
            }
            let left = entry.size();
            if members.file(path, &mut Sized { inner: &mut entry, left })? == Pumped::Broken {
                // The stream is lost at an unknown place: what follows cannot be found.
                return Ok(());
            }
        }
        if ended.load(Ordering::Relaxed) {
            let error = io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the archive is cut: it ends without the blocks that end a tar",
            );
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

/// The tar stream, noting when it ends: the crate takes an end where a header should be for
/// the end of the archive.
struct SeesEnd {
    inner: Box<dyn Read + Send>,
    ended: Arc<AtomicBool>,
}

impl Read for SeesEnd {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended.store(true, Ordering::Relaxed);
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
