//! The `.lcx` file layout, shared by its writer and its reader: constants and the trailer that
//! says where every section is and what it must hash to.
//!
//! ```text
//! prelude   "LCXINDEX" + format version (u32 LE) + 4 zero bytes          16 bytes
//! table     (digest[..16], entry u32 LE) sorted by digest then entry     20 bytes per identifier
//! bloom     blocked Bloom filter, 64-byte blocks, BLOOM_PROBES bits each BLOOM_BITS_PER_ID bits per identifier
//! filter    blocked Bloom filter of the canonical values' filter keys     FILTER_BITS_PER_VALUE bits per value
//! buckets   2^bucket_bits + 1 table positions (u64 LE) by the digest's top bits
//! ends      per entry, the end of its label in `labels` (u64 LE)
//! kinds     per entry, its KindSet (u8)
//! labels    every entry's label, once, concatenated
//! sums      xxh3-64 (u64 LE) of every BLOCK bytes of everything above
//! trailer   TRAILER_LEN bytes, ending with the xxh3-64 of the rest of it
//! ```
//! Every section after the table starts on a 64-byte boundary (zero padding), so a Bloom block
//! is one cache line.
//!
//! The value filter (version 2) lets a scan hash only the values that may be on the list, as a
//! plain list's in-memory prefilter does: its keys are a fast hash of each canonical value,
//! keyed (SipHash-1-3) for a keyed index (see `watchlist::prefilter::ValueKey`).
//! The trailer is at the end because the file is written in one pass (the table streams out of
//! the merge); a file cut short has no valid trailer, so it is refused on open.

/// The first eight bytes of every index: `scan --watch` detects an index by them, not by name.
pub const MAGIC: &[u8; 8] = b"LCXINDEX";
/// Format version written and read; another is refused with a message naming both.
/// Version 1 (session 8) had no value filter; it is refused with that message.
pub const VERSION: u32 = 2;
pub const PRELUDE_LEN: usize = 16;
/// The trailer's own magic, so a truncated file is told apart from a damaged trailer.
pub const TRAILER_MAGIC: &[u8; 8] = b"LCXTRAIL";
pub const TRAILER_LEN: usize = 320;
/// Bytes of a digest kept: 128 bits. Two different identifiers among 10^9 share a truncated
/// digest with probability about (10^9)^2 / 2^129 ≈ 1.5×10^-21: negligible.
pub const DIGEST_LEN: usize = 16;
pub const RECORD_LEN: usize = DIGEST_LEN + 4;
/// Checksummed unit: verified on first touch, so opening costs no read of the table.
pub const BLOCK: usize = 64 << 10;
pub const BLOOM_BLOCK: usize = 64;
/// 8 bits and 6 probes per identifier in 512-bit blocks: about 3 % of the values that pass the
/// value filter and are not on the list reach the table (12 bits before the value filter; 8
/// keep the index within 24 bytes per identifier with it).
pub const BLOOM_BITS_PER_ID: u64 = 8;
pub const BLOOM_PROBES: u32 = 6;
/// A bucket holds about this many identifiers on average: one or two pages of the table.
pub const BUCKET_TARGET: u64 = 32;
/// 16 bits and 3 probes per value in 512-bit blocks: about 0.7 % of the values not on the list
/// pass (and are then hashed and looked up), as the in-memory prefilter of a plain list.
pub const FILTER_BITS_PER_VALUE: u64 = 16;
pub const FILTER_PROBES: u32 = 3;
pub const SECTIONS: usize = 8;

/// Section numbers, in file order.
pub const TABLE: usize = 0;
pub const BLOOM: usize = 1;
pub const FILTER: usize = 2;
pub const BUCKETS: usize = 3;
pub const ENDS: usize = 4;
pub const KINDS: usize = 5;
pub const LABELS: usize = 6;
pub const SUMS: usize = 7;

/// What the trailer records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trailer {
    pub keyed: bool,
    /// 16 hex digits, empty when not keyed.
    pub key_check: String,
    /// Rules the digests were made with (`1.1`), empty when the source list named none.
    pub rules: String,
    pub leakcheck: String,
    pub entries: u64,
    pub identifiers: u64,
    /// Digests held by more than the shared-value limit of entries, and the most held by one.
    pub crowded: u64,
    pub most: u64,
    pub bloom_blocks: u64,
    pub bucket_bits: u32,
    /// 64-byte blocks of the value filter.
    pub filter_blocks: u64,
    /// (offset, length) of each section.
    pub sections: [(u64, u64); SECTIONS],
    /// xxh3-64 of the `sums` section.
    pub sums_check: u64,
    /// SHA-256 of every byte before `sums`: what a report names the index by.
    pub sha256: [u8; 32],
}

fn text<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let n = s.len().min(N);
    out[..n].copy_from_slice(&s.as_bytes()[..n]);
    out
}

fn untext(bytes: &[u8]) -> Option<String> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let s = std::str::from_utf8(&bytes[..end]).ok()?;
    s.bytes().all(|b| b.is_ascii_graphic()).then(|| s.to_string())
}

impl Trailer {
    pub fn encode(&self) -> [u8; TRAILER_LEN] {
        let mut out = Vec::with_capacity(TRAILER_LEN);
        out.extend_from_slice(TRAILER_MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&[u8::from(self.keyed), 0, 0, 0]);
        out.extend_from_slice(&text::<16>(&self.key_check));
        out.extend_from_slice(&text::<8>(&self.rules));
        out.extend_from_slice(&text::<24>(&self.leakcheck));
        for n in [self.entries, self.identifiers, self.crowded, self.most, self.bloom_blocks] {
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&u64::from(self.bucket_bits).to_le_bytes());
        out.extend_from_slice(&self.filter_blocks.to_le_bytes());
        for (offset, len) in self.sections {
            out.extend_from_slice(&offset.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
        }
        out.extend_from_slice(&self.sums_check.to_le_bytes());
        out.extend_from_slice(&self.sha256);
        out.resize(TRAILER_LEN - 8, 0);
        let check = xxhash_rust::xxh3::xxh3_64(&out);
        out.extend_from_slice(&check.to_le_bytes());
        let mut fixed = [0u8; TRAILER_LEN];
        fixed.copy_from_slice(&out);
        fixed
    }

    /// The trailer, or why these bytes are not one (checksum, magic, version).
    pub fn decode(bytes: &[u8]) -> Result<Trailer, String> {
        const DAMAGED: &str = "its trailer is damaged or the file is cut short (build the index again)";
        if bytes.len() != TRAILER_LEN || &bytes[..8] != TRAILER_MAGIC {
            return Err(DAMAGED.into());
        }
        let u64_at = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(b)
        };
        if xxhash_rust::xxh3::xxh3_64(&bytes[..TRAILER_LEN - 8]) != u64_at(TRAILER_LEN - 8) {
            return Err(DAMAGED.into());
        }
        let mut version = [0u8; 4];
        version.copy_from_slice(&bytes[8..12]);
        let version = u32::from_le_bytes(version);
        if version != VERSION {
            return Err(format!(
                "index format version {version} is not supported by this leakcheck (it reads version {VERSION}): \
                 build the index again with this leakcheck"
            ));
        }
        let field = |at: usize, len: usize| untext(&bytes[at..at + len]).ok_or_else(|| DAMAGED.to_string());
        let mut sections = [(0, 0); SECTIONS];
        for (i, section) in sections.iter_mut().enumerate() {
            *section = (u64_at(120 + 16 * i), u64_at(128 + 16 * i));
        }
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(&bytes[256..288]);
        Ok(Trailer {
            keyed: bytes[12] != 0,
            key_check: field(16, 16)?,
            rules: field(32, 8)?,
            leakcheck: field(40, 24)?,
            entries: u64_at(64),
            identifiers: u64_at(72),
            crowded: u64_at(80),
            most: u64_at(88),
            bloom_blocks: u64_at(96),
            bucket_bits: u32::try_from(u64_at(104)).map_err(|_| DAMAGED.to_string())?,
            filter_blocks: u64_at(112),
            sections,
            sums_check: u64_at(248),
            sha256,
        })
    }
}

/// The prelude: magic and version.
pub fn prelude() -> [u8; PRELUDE_LEN] {
    let mut out = [0u8; PRELUDE_LEN];
    out[..8].copy_from_slice(MAGIC);
    out[8..12].copy_from_slice(&VERSION.to_le_bytes());
    out
}

/// Whether `bytes` start like an index.
pub fn is_index(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Which of `blocks` Bloom blocks a (truncated) digest falls in, from its second eight bytes,
/// and its probe word, from its first eight (independent bits of a uniform digest).
#[inline]
pub fn bloom_place(digest: &[u8; DIGEST_LEN], blocks: u64) -> (usize, u64) {
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&digest[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let block = ((u128::from(word(8)) * u128::from(blocks)) >> 64) as usize;
    (block, word(0))
}

/// The [`BLOOM_PROBES`] bits of a 512-bit block a probe word sets: 9 bits each.
#[inline]
pub fn bloom_bits(probes: u64) -> impl Iterator<Item = usize> {
    (0..BLOOM_PROBES).map(move |i| ((probes >> (9 * i)) & 511) as usize)
}

/// Which of `blocks` value-filter blocks a filter key falls in (its high bits, multiply-shift)
/// and the [`FILTER_PROBES`] bits of the 512-bit block it sets (9 of its low bits each).
#[inline]
pub fn filter_place(key: u64, blocks: u64) -> (usize, [usize; FILTER_PROBES as usize]) {
    let block = ((u128::from(key) * u128::from(blocks)) >> 64) as usize;
    (block, [(key & 511) as usize, ((key >> 9) & 511) as usize, ((key >> 18) & 511) as usize])
}

/// Blocks of the value filter for `values` filter keys.
pub fn filter_blocks(values: u64) -> u64 {
    values.saturating_mul(FILTER_BITS_PER_VALUE).div_ceil(512).max(1)
}

/// The bucket of a digest: its first `bits` bits.
#[inline]
pub fn bucket_of(digest: &[u8], bits: u32) -> usize {
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(b).checked_shr(64 - bits).unwrap_or(0) as usize
}

/// Bits of the bucket table for `identifiers`: about [`BUCKET_TARGET`] identifiers each.
pub fn bucket_bits(identifiers: u64) -> u32 {
    let buckets = (identifiers / BUCKET_TARGET).max(1);
    (63 - buckets.leading_zeros()).min(32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trailer_round_trips_and_refuses_any_changed_byte() {
        let trailer = Trailer {
            keyed: true,
            key_check: "368b69be2d18eca3".into(),
            rules: "1.1".into(),
            leakcheck: "1.2.3".into(),
            entries: 5,
            identifiers: 9,
            crowded: 1,
            most: 101,
            bloom_blocks: 3,
            bucket_bits: 4,
            filter_blocks: 2,
            sections: [
                (16, 180),
                (256, 192),
                (448, 128),
                (576, 136),
                (768, 40),
                (832, 5),
                (896, 30),
                (960, 8),
            ],
            sums_check: 77,
            sha256: [7; 32],
        };
        let bytes = trailer.encode();
        assert_eq!(Trailer::decode(&bytes), Ok(trailer));
        for at in 0..TRAILER_LEN {
            let mut bad = bytes;
            bad[at] ^= 0x10;
            assert!(Trailer::decode(&bad).is_err(), "byte {at}");
        }
    }

    #[test]
    fn bucket_bits_grow_with_the_list() {
        assert_eq!(bucket_bits(0), 0);
        assert_eq!(bucket_bits(64), 1);
        assert_eq!(bucket_bits(300_000_000), 23);
    }
}
