//! The thread that reads one archive. Container crates lend a member's reader only while the
//! archive is borrowed (`tar`'s entries, `zip`'s `by_index`, `sevenz`'s callback); this thread
//! walks the members with their own API and hands each one over as a stream that borrows
//! nothing ([`MemberReader`]), so that a member is opened, detected and split like any other
//! input. A few chunks are in flight at a time: memory does not grow with a member's size, and
//! the archive is decompressed on this thread while the scan splits the member it hands over.

use std::io::{self, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

/// Bytes handed over at a time.
const CHUNK: usize = 256 << 10;
/// Chunks that may wait for the reader: with [`CHUNK`], the memory of a member in flight.
const CHUNKS_IN_FLIGHT: usize = 4;

/// What the archive thread says next.
pub enum Entry {
    /// A member to read: its path in the archive, as stored, its size as stored in the archive
    /// (the report's `bytes`: see [`Members::file`]), and its bytes.
    File { path: String, stored: u64, reader: MemberReader },
    /// A member that is not read, and why; `error` when it should have been (an encrypted one).
    Skipped { path: String, what: &'static str, error: bool },
    /// A member (`Some` path), or the rest of the archive (`None`), that cannot be read.
    Unreadable { path: Option<String>, error: io::Error },
}

enum Message {
    Entry(Entry),
    /// The walk is over: without it, a closed channel means the thread stopped early.
    End,
}

/// The reading side: the members of an archive, in the order the thread finds them. A member's
/// reader must be dropped before the next member is asked for, or the thread waits for ever.
pub struct Archive {
    entries: Receiver<Message>,
    ended: bool,
}

/// The consumer dropped the archive: the walk stops.
#[derive(Debug)]
pub struct Gone;

/// How handing a member over went.
#[derive(Debug, PartialEq, Eq)]
pub enum Pumped {
    /// Read to its end.
    Whole,
    /// The consumer stopped reading it (not a dump, a bad plan).
    Left,
    /// Its reader failed; the consumer was told.
    Broken,
}

/// The walking side, lent to the walk on the archive's thread.
pub struct Members {
    entries: SyncSender<Message>,
}

impl Members {
    fn send(&self, entry: Entry) -> Result<(), Gone> {
        self.entries.send(Message::Entry(entry)).map_err(|_| Gone)
    }

    /// Hands member `path`, which takes `stored` bytes in the archive, over and feeds it
    /// `reader` until the consumer has read it, left it, or `reader` failed. `stored` is what the
    /// container's directory says, never what the thread happened to read: the same member has
    /// the same `bytes` whichever other members are read (a shard's, the whole scan's).
    pub fn file(&self, path: String, stored: u64, reader: &mut dyn Read) -> Result<Pumped, Gone> {
        let (chunks, receiver) = mpsc::sync_channel(CHUNKS_IN_FLIGHT);
        let (recycle, recycled) = mpsc::channel();
        let member = MemberReader { chunks: receiver, recycle, chunk: Vec::new(), pos: 0, done: false };
        self.send(Entry::File { path, stored, reader: member })?;
        loop {
            let mut buf = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK));
            buf.resize(CHUNK, 0);
            match reader.read(&mut buf) {
                Ok(0) => {
                    return Ok(if chunks.send(Ok(Vec::new())).is_ok() {
                        Pumped::Whole
                    } else {
                        Pumped::Left
                    });
                }
                Ok(n) => {
                    buf.truncate(n);
                    if chunks.send(Ok(buf)).is_err() {
                        return Ok(Pumped::Left);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = chunks.send(Err(e));
                    return Ok(Pumped::Broken);
                }
            }
        }
    }

    pub fn skipped(&self, path: String, what: &'static str, error: bool) -> Result<(), Gone> {
        self.send(Entry::Skipped { path, what, error })
    }

    pub fn unreadable(&self, path: Option<String>, error: io::Error) -> Result<(), Gone> {
        self.send(Entry::Unreadable { path, error })
    }
}

impl Archive {
    /// Starts the thread that runs `walk`. A walk that panics (a container crate meeting
    /// something it did not foresee) ends the archive with an error, never the program.
    pub fn spawn(walk: impl FnOnce(&Members) -> Result<(), Gone> + Send + 'static) -> io::Result<Self> {
        let (sender, entries) = mpsc::sync_channel(0);
        std::thread::Builder::new().name("archive".into()).spawn(move || {
            let members = Members { entries: sender };
            let walked = catch_unwind(AssertUnwindSafe(|| walk(&members)));
            if walked.is_err() {
                let error = io::Error::other("the archive reader failed on its contents");
                let _ = members.unreadable(None, error);
            }
            let _ = members.entries.send(Message::End);
        })?;
        Ok(Archive { entries, ended: false })
    }

    /// The next member, or `None` at the end of the archive.
    pub fn next(&mut self) -> Option<Entry> {
        if self.ended {
            return None;
        }
        match self.entries.recv() {
            Ok(Message::Entry(entry)) => Some(entry),
            Ok(Message::End) => {
                self.ended = true;
                None
            }
            Err(_) => {
                self.ended = true;
                let error = io::Error::other("the archive reader stopped before the end");
                Some(Entry::Unreadable { path: None, error })
            }
        }
    }
}

/// A member's bytes as the archive thread hands them over.
pub struct MemberReader {
    chunks: Receiver<io::Result<Vec<u8>>>,
    recycle: Sender<Vec<u8>>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
}

impl Read for MemberReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            match self.chunks.recv() {
                Ok(Ok(chunk)) if chunk.is_empty() => self.done = true,
                Ok(Ok(chunk)) => {
                    let used = std::mem::replace(&mut self.chunk, chunk);
                    if used.capacity() > 0 {
                        let _ = self.recycle.send(used);
                    }
                    self.pos = 0;
                }
                Ok(Err(error)) => {
                    self.done = true;
                    return Err(error);
                }
                Err(_) => {
                    self.done = true;
                    return Err(io::Error::other("the archive reader stopped inside this member"));
                }
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(reader: &mut MemberReader) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        reader.read_to_end(&mut out).map(|_| out)
    }

    #[test]
    fn members_arrive_whole_in_order_and_a_broken_one_says_so() {
        let mut archive = Archive::spawn(|members| {
            let big: Vec<u8> = (0..3 * CHUNK + 17).map(|i| i as u8).collect();
            assert_eq!(members.file("a.csv".into(), 123, &mut &big[..])?, Pumped::Whole);
            members.skipped("link".into(), "a symbolic link", false)?;
            let mut broken = (&b"nik\n"[..]).chain(Failing);
            assert_eq!(members.file("b.csv".into(), 0, &mut broken)?, Pumped::Broken);
            // Left or whole: the consumer may drop it before or after its bytes are queued.
            members.file("c.csv".into(), 3, &mut &b"abc"[..])?;
            Ok(())
        })
        .unwrap();
        let Some(Entry::File { path, stored, mut reader }) = archive.next() else { panic!("a.csv") };
        // The size the container stores it in, as given, not the bytes handed over.
        assert_eq!((path.as_str(), stored), ("a.csv", 123));
        let got = read(&mut reader).unwrap();
        assert_eq!(got.len(), 3 * CHUNK + 17);
        assert!(got.iter().enumerate().all(|(i, &b)| b == i as u8));
        drop(reader);
        assert!(matches!(archive.next(), Some(Entry::Skipped { error: false, .. })));
        let Some(Entry::File { mut reader, .. }) = archive.next() else { panic!("b.csv") };
        let mut head = [0; 4];
        reader.read_exact(&mut head).unwrap();
        assert_eq!(read(&mut reader).unwrap_err().to_string(), "disk on fire");
        drop(reader);
        let Some(Entry::File { reader, .. }) = archive.next() else { panic!("c.csv") };
        drop(reader);
        assert!(archive.next().is_none());
        assert!(archive.next().is_none());
    }

    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }

    #[test]
    fn a_walk_that_panics_ends_the_archive_with_an_error() {
        let mut archive = Archive::spawn(|members| {
            members.skipped("x".into(), "a directory", false)?;
            panic!("hostile input");
        })
        .unwrap();
        assert!(matches!(archive.next(), Some(Entry::Skipped { .. })));
        let Some(Entry::Unreadable { path: None, error }) = archive.next() else { panic!("an error") };
        assert!(error.to_string().contains("failed"), "{error}");
        assert!(archive.next().is_none());
    }

    #[test]
    fn dropping_the_archive_stops_the_walk() {
        let (done, finished) = mpsc::channel();
        let mut archive = Archive::spawn(move |members| {
            let result =
                (0..1000).try_for_each(|i| members.file(format!("{i}"), 1, &mut &b"x"[..]).map(drop));
            let _ = done.send(result.is_err());
            result
        })
        .unwrap();
        assert!(archive.next().is_some());
        drop(archive);
        assert!(finished.recv().unwrap(), "the walk saw the consumer leave");
    }
}
