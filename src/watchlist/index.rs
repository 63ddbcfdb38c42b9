//! The digest → watch entries lookup the scan probes for every value.
//!
//! A flat open-addressing table. The home slot and a 32-bit tag come from a hash of the whole
//! digest keyed with a per-process random seed (foldhash), not from the digest's own bits: the
//! digests of a hashed watchlist are whatever its file says, and a million crafted ones sharing
//! their first bytes would otherwise all start at one slot and make the build quadratic. Each
//! 8-byte slot holds the tag beside the group number, so a miss, which is nearly every probe,
//! reads one cache line of slots and never the 32-byte digests. The table is at most half full,
//! so a probe costs the same for a thousand entries as for millions, apart from cache misses,
//! which [`DigestIndex::prefetch`] lets the caller overlap.

use crate::hash::Digest;
use std::hash::{BuildHasher, Hasher};

/// Index of a watch entry in load order.
pub type EntryId = u32;

/// Maps each digest to the entries that hold it.
pub struct DigestIndex {
    /// `0` is empty; otherwise the digest's tag in the high half and, in the low half, one more
    /// than the place in `pairs` where its entries start.
    slots: Vec<u64>,
    /// `slots.len() - 1` (the length is a power of two).
    mask: usize,
    /// 64 minus the table's size in bits: the home slot is the keyed hash's top bits.
    shift: u32,
    /// The per-process random key of the slot hash.
    seed: foldhash::fast::RandomState,
    /// Every (digest, entry) once, sorted: a digest's entries are one run, in load order. The
    /// table points into it, so no digest is stored twice.
    pairs: Vec<(Digest, EntryId)>,
}

impl Default for DigestIndex {
    fn default() -> Self {
        DigestIndex::build(Vec::new())
    }
}

/// The digest's first eight bytes as a big-endian number: the same order as the digests.
#[inline]
fn prefix(digest: &Digest) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The keyed hash of the whole digest that places it: two of foldhash's folded multiplies, one
/// per half, each mixed with the per-process seed (half the work of hashing it as a slice).
#[inline]
fn slot_hash(seed: &foldhash::fast::RandomState, digest: &Digest) -> u64 {
    let half = |at: usize| {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[at..at + 16]);
        u128::from_le_bytes(bytes)
    };
    let mut hasher = seed.build_hasher();
    hasher.write_u128(half(0));
    hasher.write_u128(half(16));
    hasher.finish()
}

/// Where `hash`'s probe starts: its top bits, so that pairs sorted by hash fill the table from
/// front to back while it is built.
#[inline]
fn home(hash: u64, shift: u32) -> usize {
    // `checked_shr`: a one-slot shift of 64 would overflow; the table has at least 16 slots.
    hash.checked_shr(shift).unwrap_or(0) as usize
}

/// Bits of `hash` that (in any table under 2^32 slots) do not choose the slot, kept in the slot
/// to reject misses cheaply.
#[inline]
fn tag(hash: u64) -> u64 {
    hash << 32
}

impl DigestIndex {
    /// Builds the index from (digest, entry) pairs in any order; duplicates are dropped.
    pub fn build(mut pairs: Vec<(Digest, EntryId)>) -> Self {
        use rayon::slice::ParallelSliceMut;
        // By the first eight bytes first: one integer comparison settles nearly every pair (and
        // crafted digests that share them cost a full comparison, not more).
        pairs.par_sort_unstable_by(|a, b| prefix(&a.0).cmp(&prefix(&b.0)).then_with(|| a.cmp(b)));
        pairs.dedup();
        // (slot hash, first pair) of each digest, sorted by hash: the table fills from front to
        // back, one cache line after the other, however the digests are spread.
        let seed = foldhash::fast::RandomState::default();
        let mut groups: Vec<(u64, usize)> = Vec::new();
        let mut start = 0;
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            groups.push((slot_hash(&seed, &group[0].0), start));
            start += group.len();
        }
        groups.par_sort_unstable();
        // At most half full: short probe runs, and an empty slot always ends a probe.
        let capacity = (groups.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![0; capacity];
        advise_huge_pages(&slots);
        let (mask, shift) = (capacity - 1, 64 - capacity.trailing_zeros());
        for (hash, start) in groups {
            let mut slot = home(hash, shift);
            while slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            slots[slot] = tag(hash) | (start as u64 + 1);
        }
        pairs.shrink_to_fit();
        DigestIndex { slots, mask, shift, seed, pairs }
    }

    /// How many digests more than `limit` entries hold, and the most entries one digest has:
    /// a placeholder (`0000000000000000`) or a shared number (a switchboard) on many people,
    /// each of whom a record holding it pairs with.
    pub fn crowded(&self, limit: usize) -> (usize, usize) {
        self.pairs
            .chunk_by(|a, b| a.0 == b.0)
            .map(<[_]>::len)
            .filter(|&n| n > limit)
            .fold((0, 0), |(count, most), n| (count + 1, most.max(n)))
    }

    /// The (digest, entry) pairs of the entries holding `digest`, in load order.
    #[inline]
    pub fn get(&self, digest: &Digest) -> &[(Digest, EntryId)] {
        let hash = slot_hash(&self.seed, digest);
        let tag = tag(hash);
        let mut slot = home(hash, self.shift);
        loop {
            let found = self.slots[slot];
            if found == 0 {
                return &[];
            }
            if found & !0xffff_ffff == tag {
                let start = (found & 0xffff_ffff) as usize - 1;
                let run = run_len(&self.pairs[start..], digest);
                if run > 0 {
                    return &self.pairs[start..start + run];
                }
            }
            slot = (slot + 1) & self.mask;
        }
    }

    /// Asks the CPU to start loading the slots `get(digest)` will read, so that the cache misses
    /// of a large watchlist overlap instead of following one another.
    #[inline]
    pub fn prefetch(&self, digest: &Digest) {
        prefetch(&self.slots[home(slot_hash(&self.seed, digest), self.shift)]);
    }
}

/// How many of the first `pairs` are of `digest`: `pairs` is sorted, so they are a run at its
/// start. Galloped (1, 2, 4… past what is known to match), then halved: a name that hundreds of
/// entries share (a scan whose every record is an exposure looks one up per record) costs about
/// twice the logarithm of its run in digest comparisons, not one per entry; a run of one costs two
/// comparisons, as a walk does.
fn run_len(pairs: &[(Digest, EntryId)], digest: &Digest) -> usize {
    if pairs.first().is_none_or(|(d, _)| d != digest) {
        return 0;
    }
    // `pairs[..known]` are of `digest`.
    let (mut known, mut step) = (1, 1);
    while pairs.get(known + step - 1).is_some_and(|(d, _)| d == digest) {
        known += step;
        step *= 2;
    }
    // `pairs[known + step - 1]`, if there is one, is not: the run ends before it.
    let bound = (known + step - 1).min(pairs.len());
    known + pairs[known..bound].partition_point(|(d, _)| d == digest)
}

/// Asks the CPU to start loading the cache line that holds `word`.
#[inline]
pub(super) fn prefetch<T>(word: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let at: *const T = word;
        // SAFETY: a prefetch is only a hint: it cannot fault or change memory, and the pointer
        // is to a live value.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(at.cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = word;
}

/// Asks Linux to back a large table with 2 MiB pages: a million-person watchlist's table is tens
/// of megabytes probed at random, and with 4 KiB pages nearly every probe would also miss the
/// TLB. Called before the table is written, so the pages are faulted in huge.
fn advise_huge_pages(slots: &[u64]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = slots.as_ptr() as usize;
        let end = start + std::mem::size_of_val(slots);
        let (from, to) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if to > from {
            // SAFETY: `from..to` lies inside the table's own allocation, and MADV_HUGEPAGE is
            // advice about how to back it: it never changes what the memory holds. A refusal
            // (THP disabled) is harmless, so the result is ignored.
            unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = slots;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_held_by_many_entries_are_counted() {
        let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        let mut pairs: Vec<(Digest, EntryId)> = (0..150).map(|e| (a, e)).collect();
        pairs.extend((0..101).map(|e| (b, e)));
        pairs.extend((0..100).map(|e| (c, e)));
        let index = DigestIndex::build(pairs);
        assert_eq!(index.crowded(100), (2, 150));
        assert_eq!(index.crowded(150), (0, 0));
    }

    fn d(n: u8) -> Digest {
        let mut x = [0u8; 32];
        x[31] = n;
        x
    }

    #[test]
    fn lookup_returns_every_holder_once_in_order() {
        let index = DigestIndex::build(vec![(d(1), 3), (d(2), 0), (d(1), 1), (d(1), 3)]);
        let ids = |digest| index.get(&digest).iter().map(|p| p.1).collect::<Vec<_>>();
        assert_eq!(ids(d(1)), [1, 3]);
        assert_eq!(ids(d(2)), [0]);
        assert_eq!(ids(d(9)), [] as [EntryId; 0]);
        assert_eq!(index.pairs.len(), 3);
    }

    #[test]
    fn a_run_of_any_length_is_found_whole_between_other_digests() {
        for run in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 93, 128, 300] {
            let mut pairs: Vec<(Digest, EntryId)> = (0..run).map(|e| (d(5), e)).collect();
            pairs.extend([(d(4), 900), (d(6), 901), (d(6), 902)]);
            let index = DigestIndex::build(pairs);
            assert_eq!(index.get(&d(5)).len(), run as usize, "run of {run}");
            assert!(index.get(&d(5)).iter().zip(0..).all(|(p, e)| *p == (d(5), e)), "run of {run}");
            assert_eq!(index.get(&d(6)).len(), 2, "run of {run}");
            assert_eq!(index.get(&d(4)).len(), 1, "run of {run}");
            // At the very end of the pairs too.
            let index = DigestIndex::build((0..run).map(|e| (d(200), e)).collect());
            assert_eq!(index.get(&d(200)).len(), run as usize, "run of {run} at the end");
        }
    }

    #[test]
    fn colliding_homes_and_tags_still_find_exactly() {
        // Same first 12 bytes (same home slot and tag), different tails: probing must go on
        // past a tag match whose digest differs, and stop at the first empty slot.
        let digests: Vec<Digest> = (0..40u8)
            .map(|n| {
                let mut x = [7u8; 32];
                x[20] = n;
                x
            })
            .collect();
        let index = DigestIndex::build(digests.iter().enumerate().map(|(i, d)| (*d, i as u32)).collect());
        for (i, digest) in digests.iter().enumerate() {
            assert_eq!(index.get(digest), &[(*digest, i as u32)]);
        }
        let mut absent = [7u8; 32];
        absent[20] = 200;
        assert!(index.get(&absent).is_empty());
        assert!(DigestIndex::default().get(&absent).is_empty());
    }

    impl DigestIndex {
        /// Slots probed past their home by every digest in the table: what a build walks and
        /// what lookups of all of them walk, beyond one slot each.
        fn displacement(&self) -> usize {
            let occupied = self.slots.iter().enumerate().filter(|(_, s)| **s != 0);
            occupied
                .map(|(slot, s)| {
                    let digest = &self.pairs[(s & 0xffff_ffff) as usize - 1].0;
                    slot.wrapping_sub(home(slot_hash(&self.seed, digest), self.shift)) & self.mask
                })
                .sum()
        }
    }

    #[test]
    fn a_million_digests_sharing_their_first_24_bytes_load_in_linear_probes() {
        // A hashed watchlist's digests are whatever its file says: these all share the bytes
        // that used to choose the slot and the tag, and all landed on one slot (quadratic).
        const N: u32 = 1_000_000;
        let crafted = |n: u32| -> Digest {
            let mut x = [0xab; 32];
            x[24..28].copy_from_slice(&n.to_be_bytes());
            x
        };
        let index = DigestIndex::build((0..N).map(|n| (crafted(n), n)).collect());
        let probes = index.displacement();
        // Random homes at this load walk about two slots per digest, but the per-process seed
        // moves it (6.5 N was seen once); one shared home walked N² / 2 = 5×10¹¹. Sixteen per
        // digest is still linear and never flakes.
        assert!(probes < 16 * N as usize, "{probes} probes past home for {N} digests");
        for n in (0..N).step_by(997) {
            assert_eq!(index.get(&crafted(n)), &[(crafted(n), n)]);
        }
        assert!(index.get(&crafted(N)).is_empty());
    }

    #[test]
    fn many_random_digests_are_all_found_and_others_are_not() {
        use sha2::Digest as _;
        let digest = |n: u32| -> Digest { sha2::Sha256::digest(n.to_le_bytes()).into() };
        let index = DigestIndex::build((0..20_000).map(|n| (digest(n), n)).collect());
        assert!(index.slots.len() >= 40_000 && index.slots.len().is_power_of_two());
        for n in 0..20_000 {
            index.prefetch(&digest(n));
            assert_eq!(index.get(&digest(n)), &[(digest(n), n)]);
        }
        assert!((20_000..40_000).all(|n| index.get(&digest(n)).is_empty()));
    }
}
