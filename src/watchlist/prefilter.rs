//! A small filter of the watchlist's canonical values, so that the scan hashes only the values
//! that may be on it.
//!
//! Built only when every entry came from a plain list or a CSV of people, whose canonical values
//! are known at load; a hashed watchlist holds digests only, and then every value is hashed.
//! Each value sets two bits in one 64-byte block of a bit array of 16 bits per value (a blocked
//! Bloom filter: one cache line per test): a value on the watchlist always passes, so the scan's
//! answer is the one it would give hashing everything; a value not on it passes with a
//! probability of about 1.5 % and is then hashed and looked up as usual. The
//! array is 2 bytes per identifier (200 KB for 100,000 people), small enough to stay in cache,
//! where a SHA-256 compression of every value costs 30–60 ns.
//!
//! The key is a hand-written 64-bit hash (8 bytes at a time, then the MurmurHash3 finalizer):
//! it only spreads bits; nothing secret depends on it, and the filter never leaves memory.

use crate::hash::Hasher;
use crate::kind::Kind;
use std::hash::Hasher as _;

/// How the value filter of an index (`.lcx`, SPEC §12) keys a canonical value. The index is a
/// file that travels, so for a keyed watchlist its filter is keyed too: SipHash-1-3 under a
/// secret derived from the HMAC key ([`Hasher::filter_secret`]), a keyed PRF, so the filter's
/// bits say nothing of any value to whoever lacks the key. Unkeyed, the filter takes [`key`]:
/// an unkeyed SHA-256 list can already be tested value by value, and the filter only makes
/// that test faster (SECURITY.md says so).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKey {
    Unkeyed,
    Keyed(u64, u64),
}

impl ValueKey {
    /// The filter key mode of digests made by `hasher`.
    pub fn of(hasher: &Hasher) -> Self {
        match hasher.filter_secret() {
            None => ValueKey::Unkeyed,
            Some(secret) => {
                let word = |at: usize| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(&secret[at..at + 8]);
                    u64::from_le_bytes(b)
                };
                ValueKey::Keyed(word(0), word(8))
            }
        }
    }

    /// The filter key of a canonical value (for `name_dob`, `<name>|<dob>`).
    #[inline]
    pub fn key(&self, kind: Kind, canonical: &[u8]) -> u64 {
        match *self {
            ValueKey::Unkeyed => key(kind, canonical),
            ValueKey::Keyed(k0, k1) => {
                let mut sip = siphasher::sip::SipHasher13::new_with_keys(k0, k1);
                // One byte of kind, then the value: an unambiguous message.
                sip.write(&[kind.index() as u8]);
                sip.write(canonical);
                sip.finish()
            }
        }
    }
}

/// Bits in the array per value on the watchlist.
const BITS_PER_VALUE: usize = 16;

/// The filter over a watchlist's `(kind, canonical)` values.
pub struct Prefilter {
    bits: Vec<u64>,
    /// Blocks of [`BLOCK_WORDS`] words are chosen modulo their number, a power of two: this mask.
    mask: u64,
}

/// The filter key of a canonical value (for `name_dob`, `<name>|<dob>`).
#[inline]
pub fn key(kind: Kind, canonical: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (kind.index() as u64 + 1).wrapping_mul(K) ^ canonical.len() as u64;
    let mut chunks = canonical.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K).rotate_left(29);
    }
    let last = tail_word(chunks.remainder());
    h = (h ^ last).wrapping_mul(K);
    // MurmurHash3's fmix64: every input bit reaches every output bit.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The last 0–7 bytes of a value as a little-endian word, zero above them: two loads that may
/// overlap (a byte read twice lands on the same bits), not a loop over the bytes (the loop was
/// a fifth of the key's cost on an e-mail).
#[inline]
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    match n {
        0 => 0,
        1..=3 => {
            u64::from(rest[0])
                | u64::from(rest[n / 2]) << (8 * (n / 2))
                | u64::from(rest[n - 1]) << (8 * (n - 1))
        }
        _ => {
            let word = |at: usize| {
                let mut b = [0u8; 4];
                b.copy_from_slice(&rest[at..at + 4]);
                u64::from(u32::from_le_bytes(b))
            };
            word(0) | word(n - 4) << (8 * (n - 4))
        }
    }
}

impl Prefilter {
    /// The filter holding every key of `keys`.
    pub fn build(keys: &[u64]) -> Self {
        let words = (keys.len() * BITS_PER_VALUE / 64).next_power_of_two().max(BLOCK_WORDS);
        let mut filter = Prefilter { bits: vec![0; words], mask: (words / BLOCK_WORDS - 1) as u64 };
        for &key in keys {
            for (word, bit) in filter.positions(key) {
                filter.bits[word] |= bit;
            }
        }
        filter
    }

    /// False only when the value of `key` is certainly not on the watchlist.
    #[inline]
    pub fn may_contain(&self, key: u64) -> bool {
        self.positions(key).iter().all(|&(word, bit)| self.bits[word] & bit != 0)
    }

    /// Asks the CPU to start loading the cache line [`Prefilter::may_contain`] of `key` reads.
    #[inline]
    pub fn prefetch(&self, key: u64) {
        super::index::prefetch(&self.bits[self.positions(key)[0].0]);
    }

    /// Both bits of a key lie in one 64-byte block (one cache line): the block from the low
    /// bits, a bit within it from each of two 9-bit fields of the high half.
    #[inline]
    fn positions(&self, key: u64) -> [(usize, u64); 2] {
        let block = (key & self.mask) as usize * BLOCK_WORDS;
        let bit = |shift: u32| {
            let n = (key >> shift) as usize & (BLOCK_WORDS * 64 - 1);
            (block + n / 64, 1u64 << (n % 64))
        };
        [bit(32), bit(48)]
    }
}

/// Words of a 64-byte block.
const BLOCK_WORDS: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The tail word is the bytes' little-endian value, as the byte loop it replaced gave.
        #[test]
        fn the_tail_word_is_the_bytes_little_endian(rest in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..8)) {
            let by_bytes = rest.iter().rev().fold(0u64, |word, &b| (word << 8) | u64::from(b));
            proptest::prop_assert_eq!(tail_word(&rest), by_bytes);
        }
    }

    /// The key is part of the index format (`.lcx` value filters store its bits): these
    /// values must never change, however the function is written.
    #[test]
    fn keys_are_the_index_formats() {
        let pinned = [
            (Kind::Nik, "3201014107900001"),
            (Kind::Phone, "+6281234567890"),
            (Kind::Email, "budisantoso@gmail.com"),
            (Kind::Name, "budi"),
            (Kind::NameDob, "budi santoso|1990-07-01"),
            (Kind::Name, ""),
            (Kind::Name, "a"),
            (Kind::Name, "ab"),
            (Kind::Name, "abc"),
            (Kind::Name, "abcdefg"),
            (Kind::Name, "abcdefgh"),
        ];
        let keys: Vec<String> =
            pinned.iter().map(|(k, v)| format!("{:016x}", key(*k, v.as_bytes()))).collect();
        assert_eq!(
            keys,
            [
                "1a3bdd6176357338",
                "7849ef1d3592ce26",
                "66f5f86f27e2b168",
                "fb4c76daad98240f",
                "dab696666f9d97e1",
                "62f1efc9319a1ca0",
                "f58d4baab364fa1d",
                "7bf8895f321b9ce9",
                "4c0526bd41979049",
                "fd017ffb07047aea",
                "8987b5e8028c7d8b",
            ]
        );
    }

    #[test]
    fn every_key_passes_and_most_others_do_not() {
        let value = |n: u32| format!("32010141079{n:05}");
        let keys: Vec<u64> = (0..10_000).map(|n| key(Kind::Nik, value(n).as_bytes())).collect();
        let filter = Prefilter::build(&keys);
        assert!(keys.iter().all(|&k| filter.may_contain(k)));
        let passing =
            (10_000..110_000).filter(|&n| filter.may_contain(key(Kind::Nik, value(n).as_bytes()))).count();
        // About 1.4 % expected; the bound leaves room for an unlucky spread.
        assert!(passing < 4_000, "{passing} of 100000 absent values passed");
        // The kind is part of the key.
        assert_ne!(key(Kind::Nik, b"3201014107900001"), key(Kind::Phone, b"3201014107900001"));
        assert_ne!(key(Kind::Name, b"budi"), key(Kind::Name, b"budi\0"));
    }
}
