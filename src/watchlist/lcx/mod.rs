//! The `.lcx` watchlist index (SPEC §12): a sorted table of truncated digests that a scan maps
//! with mmap instead of loading, so a 100 M-person list is ready at once and costs page cache,
//! not heap. This module reads it; [`build`] writes it; [`format`] is the layout both share.
//!
//! Nothing is trusted before it is checked. Opening reads the prelude (magic, version), the
//! trailer (its own xxh3 checksum, every section's bounds) and the block-checksum section
//! (xxh3-checked as a whole): a few MiB at most, so a 7 GB index opens in milliseconds. The
//! sections themselves are checked lazily: each 64 KiB block the first time a lookup touches it
//! (one bit per block remembers it). A block that fails marks the index corrupt; the lookup then
//! answers nothing and the scan refuses to write its report ([`LcxIndex::corruption`]), so a
//! damaged index is an error, never a wrong answer.

mod build;
pub mod format;

pub use build::{IndexBuilder, Meta, RUN_BUDGET, TEST_BUDGET_VAR, run_budget};

use crate::hash::Digest;
use crate::kind::KindSet;
use format::{BLOCK, DIGEST_LEN, RECORD_LEN, TRAILER_LEN, Trailer};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// An opened index.
pub struct LcxIndex {
    map: memmap2::Mmap,
    pub trailer: Trailer,
    /// One bit per checksummed block: set once the block matched its checksum.
    verified: Vec<AtomicU64>,
    /// Where the block checksums start: every byte before is covered by one.
    covered: usize,
    corrupt: AtomicBool,
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(b)
}

impl LcxIndex {
    /// Opens the index in `file`, or says (without naming it) why it cannot be used.
    pub fn open(file: &std::fs::File) -> Result<LcxIndex, String> {
        // SAFETY: the map is read-only and private to this process. A file truncated or
        // rewritten by another process while a scan runs is outside what leakcheck can guard
        // (as for any mmap reader); every read below is bounds-checked against the map's length.
        let map = unsafe { memmap2::Mmap::map(file) }.map_err(|e| format!("cannot map it: {e}"))?;
        let len = map.len();
        if len < format::PRELUDE_LEN && format::MAGIC.starts_with(&map[..len.min(format::MAGIC.len())]) {
            return Err(format!("cut short: {len} bytes, less than an index's header"));
        }
        if len < format::PRELUDE_LEN || !format::is_index(&map) {
            return Err("not a leakcheck index".into());
        }
        let version = u32::from_le_bytes([map[8], map[9], map[10], map[11]]);
        if version != format::VERSION {
            return Err(format!(
                "index format version {version} is not supported by this leakcheck (it reads version {}): \
                 build the index again with this leakcheck",
                format::VERSION
            ));
        }
        if len < format::PRELUDE_LEN + TRAILER_LEN {
            return Err("the file is cut short (build the index again)".into());
        }
        let trailer = Trailer::decode(&map[len - TRAILER_LEN..])?;
        let covered = check_layout(&trailer, len)?;
        let (sums_at, sums_len) = trailer.sections[format::SUMS];
        let sums = &map[sums_at as usize..(sums_at + sums_len) as usize];
        if xxhash_rust::xxh3::xxh3_64(sums) != trailer.sums_check {
            return Err("its block checksums are damaged (build the index again)".into());
        }
        let blocks = covered.div_ceil(BLOCK);
        let verified = (0..blocks.div_ceil(64)).map(|_| AtomicU64::new(0)).collect();
        let index = LcxIndex { map, trailer, verified, covered, corrupt: AtomicBool::new(false) };
        index.check_labels_end()?;
        Ok(index)
    }

    /// The labels section ends where the last entry's label does: the one length the counts
    /// leave free is checked against the file's own (checksummed) bytes.
    fn check_labels_end(&self) -> Result<(), String> {
        let (ends_at, _) = self.trailer.sections[format::ENDS];
        let labels_len = self.trailer.sections[format::LABELS].1;
        let last = match self.trailer.entries.checked_sub(1) {
            None => 0,
            Some(last) => {
                let at = usize::try_from(last * 8).ok().and_then(|n| n.checked_add(ends_at as usize));
                match at.and_then(|at| self.bytes(at, 8)) {
                    Some(end) => u64_at(end, 0),
                    None => {
                        return Err(
                            "a block failed its checksum (the file is damaged): build the index again".into(),
                        );
                    }
                }
            }
        };
        if last != labels_len {
            return Err(
                "its trailer describes sections that do not fit the file (build the index again)".into()
            );
        }
        Ok(())
    }

    /// Whether a block failed its checksum: the scan must not report.
    pub fn is_corrupt(&self) -> bool {
        self.corrupt.load(Ordering::Relaxed)
    }

    fn fail(&self) -> bool {
        self.corrupt.store(true, Ordering::Relaxed);
        false
    }

    /// The bytes `at..at + len`, once every block they touch matched its checksum.
    #[inline]
    fn bytes(&self, at: usize, len: usize) -> Option<&[u8]> {
        let end = at.checked_add(len).filter(|&e| e <= self.covered)?;
        if len > 0 {
            for block in at / BLOCK..=(end - 1) / BLOCK {
                if !self.verify(block) {
                    return None;
                }
            }
        }
        self.map.get(at..end)
    }

    #[inline]
    fn verify(&self, block: usize) -> bool {
        let (word, bit) = (&self.verified[block / 64], 1u64 << (block % 64));
        if word.load(Ordering::Relaxed) & bit != 0 {
            return true;
        }
        let start = block * BLOCK;
        let end = (start + BLOCK).min(self.covered);
        let sums_at = self.trailer.sections[format::SUMS].0 as usize;
        let sum = xxhash_rust::xxh3::xxh3_64(&self.map[start..end]);
        if sum != u64_at(&self.map, sums_at + block * 8) {
            return self.fail();
        }
        word.fetch_or(bit, Ordering::Relaxed);
        true
    }

    fn section(&self, section: usize) -> usize {
        self.trailer.sections[section].0 as usize
    }

    /// False only when the canonical value of filter `key` (see [`crate::watchlist::prefilter`])
    /// is certainly not on the list: its digest need not be made. A damaged block marks the
    /// index corrupt and passes the value; an index without a filter passes every value.
    #[inline]
    pub fn may_contain(&self, key: u64) -> bool {
        if !self.has_filter() {
            return true;
        }
        let (block, bits) = format::filter_place(key, self.trailer.filter_blocks);
        let at = self.section(format::FILTER) + block * format::BLOOM_BLOCK;
        match self.bytes(at, format::BLOOM_BLOCK) {
            Some(block) => bits.iter().all(|&bit| block[bit / 8] & (1 << (bit % 8)) != 0),
            None => true,
        }
    }

    /// Whether it has a value filter: not when made from a hashed list (no value known).
    pub fn has_filter(&self) -> bool {
        self.trailer.filter_blocks > 0
    }

    /// Asks the CPU to start loading the value-filter block of `key` (a hint: the page may not
    /// be mapped in yet, and the block is checked when read).
    #[inline]
    pub fn prefetch_filter(&self, key: u64) {
        let (block, _) = format::filter_place(key, self.trailer.filter_blocks);
        if let Some(byte) = self.map.get(self.section(format::FILTER) + block * format::BLOOM_BLOCK) {
            crate::watchlist::index::prefetch(byte);
        }
    }

    /// Positions in the table of the records of `digest` (empty for a miss or a damaged block).
    /// A miss is nearly always settled by one cache line of the Bloom filter.
    #[inline]
    pub fn find(&self, digest: &Digest) -> Range<usize> {
        self.try_find(digest).unwrap_or(0..0)
    }

    fn try_find(&self, digest: &Digest) -> Option<Range<usize>> {
        let mut short = [0u8; DIGEST_LEN];
        short.copy_from_slice(&digest[..DIGEST_LEN]);
        let t = &self.trailer;
        let (block, probes) = format::bloom_place(&short, t.bloom_blocks);
        let bloom =
            self.bytes(self.section(format::BLOOM) + block * format::BLOOM_BLOCK, format::BLOOM_BLOCK)?;
        if format::bloom_bits(probes).any(|bit| bloom[bit / 8] & (1 << (bit % 8)) == 0) {
            return None;
        }
        let bucket = format::bucket_of(&short, t.bucket_bits);
        let bounds = self.bytes(self.section(format::BUCKETS) + bucket * 8, 16)?;
        let (lo, hi) = (u64_at(bounds, 0), u64_at(bounds, 8));
        if lo > hi || hi > t.identifiers {
            self.fail();
            return None;
        }
        let (lo, hi) = (lo as usize, hi as usize);
        let table = self.bytes(self.section(format::TABLE) + lo * RECORD_LEN, (hi - lo) * RECORD_LEN)?;
        let record = |i: usize| &table[i * RECORD_LEN..(i + 1) * RECORD_LEN];
        let (mut low, mut high) = (0, hi - lo);
        while low < high {
            let mid = low + (high - low) / 2;
            if record(mid)[..DIGEST_LEN] < short[..] {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        let mut end = low;
        while end < hi - lo && record(end)[..DIGEST_LEN] == short[..] {
            if u64::from(self.entry_at(lo + end)) >= t.entries {
                self.fail();
                return None;
            }
            end += 1;
        }
        Some(lo + low..lo + end)
    }

    /// The entry of the table's record at `position` (within a range [`LcxIndex::find`] gave).
    #[inline]
    pub fn entry_at(&self, position: usize) -> u32 {
        let at = self.section(format::TABLE) + position * RECORD_LEN + DIGEST_LEN;
        self.map.get(at..at + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The label and kinds of entry `id`, or `None` when its blocks are damaged.
    pub fn entry(&self, id: u32) -> Option<(&str, KindSet)> {
        let id = id as usize;
        let ends =
            self.bytes(self.section(format::ENDS) + id.saturating_sub(1) * 8, if id == 0 { 8 } else { 16 })?;
        let (start, end) = if id == 0 { (0, u64_at(ends, 0)) } else { (u64_at(ends, 0), u64_at(ends, 8)) };
        let kinds = self.bytes(self.section(format::KINDS) + id, 1)?[0];
        let labels = self.trailer.sections[format::LABELS];
        if start > end || end > labels.1 {
            self.fail();
            return None;
        }
        let label = self.bytes(labels.0 as usize + start as usize, (end - start) as usize)?;
        match std::str::from_utf8(label) {
            Ok(label) => Some((label, KindSet::from_bits(kinds))),
            Err(_) => {
                self.fail();
                None
            }
        }
    }
}

/// Checks that every section is exactly where the writer puts it: the table right after the
/// prelude, each next section at the next 64-byte boundary after the one before, each as long as
/// the counts make it (the labels: up to the checksums), the checksums one per block of
/// everything before them, then the trailer. Nothing in the layout is left free, so a trailer
/// rewritten with its checksum recomputed cannot move a section onto other bytes (a table read
/// 4 bytes off would answer wrong while every block checksum still matched). Returns where the
/// block checksums start.
fn check_layout(t: &Trailer, len: usize) -> Result<usize, String> {
    let bad =
        || "its trailer describes sections that do not fit the file (build the index again)".to_string();
    let len = len as u64;
    if t.entries > u64::from(u32::MAX) + 1 || t.bloom_blocks == 0 {
        return Err(bad());
    }
    let sizes = [
        t.identifiers.checked_mul(RECORD_LEN as u64),
        t.bloom_blocks.checked_mul(format::BLOOM_BLOCK as u64),
        t.filter_blocks.checked_mul(format::BLOOM_BLOCK as u64),
        (t.bucket_bits <= 32).then(|| ((1u64 << t.bucket_bits) + 1) * 8),
        t.entries.checked_mul(8),
        Some(t.entries),
    ];
    let mut at = format::PRELUDE_LEN as u64;
    for (i, &(offset, size)) in t.sections.iter().enumerate() {
        // The table follows the prelude; every later section starts on a 64-byte boundary.
        let want = if i == format::TABLE { Some(at) } else { at.checked_next_multiple_of(64) };
        if want != Some(offset) || offset.checked_add(size).is_none_or(|end| end > len) {
            return Err(bad());
        }
        if sizes.get(i).is_some_and(|&want| want != Some(size)) {
            return Err(bad());
        }
        at = offset + size;
    }
    let (sums_at, sums_len) = t.sections[format::SUMS];
    if sums_at + sums_len + TRAILER_LEN as u64 != len || sums_len != sums_at.div_ceil(BLOCK as u64) * 8 {
        return Err(bad());
    }
    usize::try_from(sums_at).map_err(|_| bad())
}

#[cfg(test)]
mod tests;
