//! The one buffer every splitter reads through: the bytes of the input from the first one a
//! record still needs, more read on demand ([`Source`]), the record-size limit, and the hand-over
//! of whole records to a [`Batch`] with the unfinished tail kept. Splitters only find boundaries
//! in it; none of them owns a buffer of its own.

use super::{Batch, InputError, Source};
use crate::limits::MAX_RECORD_BYTES;
use std::io::Read;
use std::ops::Deref;

/// The unconsumed bytes of an input and the reader of the rest. It derefs to those bytes, so a
/// splitter indexes and searches it like a slice; it changes only through the methods below.
pub(crate) struct SplitBuffer {
    source: Source,
    bytes: Vec<u8>,
    /// Records longer than this are bad (SPEC §9: 64 MiB).
    max_record: usize,
}

impl Deref for SplitBuffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl SplitBuffer {
    /// A buffer holding `head` (bytes already read for detection), then the rest of `reader`.
    pub(crate) fn new(reader: Box<dyn Read + Send>, head: Vec<u8>, name: String) -> Self {
        SplitBuffer { source: Source::new(reader, name), bytes: head, max_record: MAX_RECORD_BYTES }
    }

    /// Lowers the record size limit (for tests of the limit without 64 MiB inputs).
    pub(crate) fn set_max_record(&mut self, bytes: usize) {
        self.max_record = bytes;
    }

    /// The largest record, in bytes.
    pub(crate) fn max_record(&self) -> usize {
        self.max_record
    }

    /// Whether a record starting at `start` and still unfinished is already too large.
    pub(crate) fn outgrew(&self, start: usize) -> bool {
        self.bytes.len() - start > self.max_record
    }

    /// The input's name, for warnings.
    pub(crate) fn name(&self) -> &str {
        &self.source.name
    }

    /// The input has ended: every byte of it is in the buffer.
    pub(crate) fn eof(&self) -> bool {
        self.source.eof
    }

    /// Appends the next bytes of the input; `false` when it broke ([`Source::read_more`]).
    pub(crate) fn read_more(&mut self) -> bool {
        self.source.read_more(&mut self.bytes)
    }

    /// Drops the first `keep` bytes: no record of a batch not yet handed over may be in them.
    pub(crate) fn discard(&mut self, keep: usize) {
        self.bytes.drain(..keep);
    }

    /// Moves the first `keep` bytes into `batch.data`, where its spans point, and keeps the rest
    /// (the unfinished record) as the start of the buffer.
    pub(crate) fn hand_over(&mut self, batch: &mut Batch, keep: usize) {
        std::mem::swap(&mut batch.data, &mut self.bytes);
        self.bytes.clear();
        self.bytes.extend_from_slice(&batch.data[keep..]);
        batch.data.truncate(keep);
    }

    /// What [`super::Splitter::next_batch`] returns ([`Source::end_batch`]).
    pub(crate) fn end_batch(&mut self, batch: &Batch, more: bool) -> Result<bool, InputError> {
        self.source.end_batch(batch, more)
    }
}

/// The line breaks (`newline`: `\n`, or `\r` in old Mac files) in `bytes`.
pub(crate) fn count_newlines(bytes: &[u8], newline: u8) -> u64 {
    // Short runs mostly: a plain loop (vectorized by the compiler) beats memchr's setup.
    bytes.iter().filter(|&&b| b == newline).count() as u64
}
