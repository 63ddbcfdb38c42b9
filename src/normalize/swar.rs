//! Eight ASCII bytes at a time in one `u64` (SWAR): the byte tests that the one-pass name path
//! and the portable classifier of `masks.rs` share. A test's answer is a mask with the high bit of each byte that passes
//! (bit `8k + 7` for byte `k`, little-endian); no branch depends on the bytes.

/// The high bit of each byte of a word.
pub(super) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The seven low bits of each byte of a word.
pub(super) const LOW_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// `b` in each byte of a word.
pub(super) const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// Eight bytes (`eight.len()` is 8) as one little-endian word: one load.
pub(super) fn load(eight: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(eight);
    u64::from_le_bytes(bytes)
}

/// The bytes of `word`, each below 0x80, that are at least `lo` and at most `hi` (`lo` at most
/// `hi`, both below 0x80: the callers' constants). Adding
/// `0x80 - lo` sets a byte's high bit when it is at least `lo`, and adding `0x7F - hi` when it
/// is past `hi`; a byte below 0x80 plus either is at most 0xFF, so nothing carries.
pub(super) const fn in_range(word: u64, lo: u8, hi: u8) -> u64 {
    word.wrapping_add(splat(0x80 - lo)) & !word.wrapping_add(splat(0x7F - hi)) & HIGH_BITS
}

/// The bytes of `word`, each below 0x80, that are `b` (below 0x80): a byte `^ b` is zero just
/// then, and zero plus 0x7F is the only sum without the high bit.
pub(super) const fn equal_to(word: u64, b: u8) -> u64 {
    !(word ^ splat(b)).wrapping_add(LOW_BITS) & HIGH_BITS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each test agrees with the byte it stands for, for every byte below 0x80 in every
    /// position of a word whose other bytes are every byte too (neighbours must not carry in).
    #[test]
    fn each_test_agrees_with_its_bytes() {
        for b in 0..0x80u8 {
            for other in 0..0x80u8 {
                for k in 0..8 {
                    let mut bytes = [other; 8];
                    bytes[k] = b;
                    let word = u64::from_le_bytes(bytes);
                    let mask = |pass: fn(u8) -> bool| {
                        bytes.iter().enumerate().fold(0, |m, (j, &c)| m | (u64::from(pass(c)) << (8 * j + 7)))
                    };
                    assert_eq!(in_range(word, b'a', b'z'), mask(|c| c.is_ascii_lowercase()), "{bytes:?}");
                    assert_eq!(in_range(word, b'0', b'9'), mask(|c| c.is_ascii_digit()), "{bytes:?}");
                    assert_eq!(in_range(word, 0, 0x7F), HIGH_BITS, "{bytes:?}");
                    assert_eq!(equal_to(word, b'@'), mask(|c| c == b'@'), "{bytes:?}");
                    assert_eq!(equal_to(word, 0), mask(|c| c == 0), "{bytes:?}");
                    assert_eq!(equal_to(word, 0x7F), mask(|c| c == 0x7F), "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn a_load_is_little_endian() {
        assert_eq!(load(b"abcdefgh"), u64::from_le_bytes(*b"abcdefgh"));
    }
}
