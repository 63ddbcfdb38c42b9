//! One pass over a value's bytes before it is checked against every kind: how many digits, and
//! whether it has an `@`, a `+`, a `:`, a date separator or a letter — enough to skip the normalizers
//! that cannot succeed. Runs on every value `inspect` reads, so it reads 16 bytes at a time
//! (SSE2, in every x86_64 CPU) and never copies the value.

/// What one pass over a value's bytes tells.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Shape {
    pub digits: usize,
    pub at: bool,
    pub plus: bool,
    pub colon: bool,
    /// `-`, `.`, `/`, ASCII whitespace, or a non-ASCII byte (maybe of a Unicode space).
    pub separator: bool,
    /// An ASCII letter or a non-ASCII byte (maybe of a letter).
    pub letter: bool,
}

impl Shape {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    pub fn of(bytes: &[u8]) -> Shape {
        // SAFETY: compiled only where SSE2 is enabled for the whole build (every hosted x86_64
        // target: it is part of the baseline), so the CPU running this has it.
        unsafe { sse2::shape(bytes) }
    }

    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    pub fn of(bytes: &[u8]) -> Shape {
        swar::shape(bytes)
    }
}

/// The value's bytes as 8-byte words with zeros past its end, read without copying: the last
/// word of a value that is not a multiple of 8 long is read ending at its last byte and shifted
/// (a copy into a zero-padded buffer was read back while its stores were in flight: a stall on
/// every value). A zero byte is in no class.
pub fn words(bytes: &[u8], mut each: impl FnMut(u64)) {
    let n = bytes.len();
    let load8 = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    if n >= 8 {
        let mut at = 0;
        while at + 8 <= n {
            each(load8(at));
            at += 8;
        }
        if at < n {
            each(load8(n - 8) >> (8 * (8 - (n - at))));
        }
    } else if n >= 4 {
        let load4 =
            |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()));
        each(load4(0) | load4(n - 4) << (8 * (n - 4)));
    } else if n > 0 {
        each(
            u64::from(bytes[0])
                | u64::from(bytes[n / 2]) << (8 * (n / 2))
                | u64::from(bytes[n - 1]) << (8 * (n - 1)),
        );
    }
}

/// The first 16 bytes of a value as two words, in registers, zeros past its end: [`words`]
/// for a value that has at most two.
#[inline(always)]
pub fn short_pair(bytes: &[u8]) -> (u64, u64) {
    let n = bytes.len();
    let load8 = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let load4 = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()));
    match n {
        16.. => (load8(0), load8(8)),
        // At 8 bytes the second word is empty (a shift by 64 is no shift).
        8..16 => (load8(0), load8(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0)),
        4..8 => (load4(0) | load4(n - 4) << (8 * (n - 4)), 0),
        1..4 => (
            u64::from(bytes[0])
                | u64::from(bytes[n / 2]) << (8 * (n / 2))
                | u64::from(bytes[n - 1]) << (8 * (n - 1)),
            0,
        ),
        0 => (0, 0),
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use super::Shape;
    use std::arch::x86_64::*;

    /// Classifies 16 bytes at a time: compares give a lane mask per class, digit lanes are
    /// summed with `psadbw`. A value under 16 bytes is one block built from two words; a longer
    /// one is read in blocks, the last ending at its last byte with the lanes already read
    /// cleared.
    #[target_feature(enable = "sse2")]
    pub(super) fn shape(bytes: &[u8]) -> Shape {
        let n = bytes.len();
        let mut acc = Acc::new();
        let load = |at: usize| {
            let word =
                |i: usize| i64::from_le_bytes(bytes[at + i..at + i + 8].try_into().unwrap_or_default());
            _mm_set_epi64x(word(8), word(0))
        };
        if n >= 16 {
            let mut at = 0;
            while at + 16 <= n {
                acc.add(load(at));
                at += 16;
            }
            if at < n {
                let seen = (16 - (n - at)) as i8;
                let lanes = _mm_set_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
                let fresh = _mm_cmpgt_epi8(lanes, _mm_set1_epi8(seen - 1));
                acc.add(_mm_and_si128(load(n - 16), fresh));
            }
        } else {
            let (lo, hi) = super::short_pair(bytes);
            acc.add(_mm_set_epi64x(hi as i64, lo as i64));
        }
        acc.finish()
    }

    struct Acc {
        digits: __m128i,
        at: __m128i,
        plus: __m128i,
        colon: __m128i,
        separator: __m128i,
        letter: __m128i,
    }

    impl Acc {
        #[target_feature(enable = "sse2")]
        fn new() -> Acc {
            let zero = _mm_setzero_si128();
            Acc { digits: zero, at: zero, plus: zero, colon: zero, separator: zero, letter: zero }
        }

        #[target_feature(enable = "sse2")]
        #[inline]
        fn add(&mut self, v: __m128i) {
            let set = |c: u8| _mm_set1_epi8(c as i8);
            // Signed compares: bytes from 0x80 are negative, below every ASCII class.
            let between = |v: __m128i, lo: u8, hi: u8| {
                _mm_and_si128(_mm_cmpgt_epi8(v, set(lo - 1)), _mm_cmplt_epi8(v, set(hi + 1)))
            };
            let zero = _mm_setzero_si128();
            let high = _mm_cmplt_epi8(v, zero);
            let digit = between(v, b'0', b'9');
            self.digits = _mm_add_epi64(self.digits, _mm_sad_epu8(_mm_and_si128(digit, set(1)), zero));
            self.at = _mm_or_si128(self.at, _mm_cmpeq_epi8(v, set(b'@')));
            self.plus = _mm_or_si128(self.plus, _mm_cmpeq_epi8(v, set(b'+')));
            self.colon = _mm_or_si128(self.colon, _mm_cmpeq_epi8(v, set(b':')));
            // `-`, `.`, `/` are 0x2d..=0x2f.
            let space = _mm_or_si128(_mm_cmpeq_epi8(v, set(b' ')), between(v, b'\t', b'\r'));
            let separator = _mm_or_si128(between(v, b'-', b'/'), space);
            self.separator = _mm_or_si128(self.separator, _mm_or_si128(separator, high));
            let letter = between(_mm_or_si128(v, set(0x20)), b'a', b'z');
            self.letter = _mm_or_si128(self.letter, _mm_or_si128(letter, high));
        }

        #[target_feature(enable = "sse2")]
        fn finish(&self) -> Shape {
            let any = |m: __m128i| _mm_movemask_epi8(m) != 0;
            let low = _mm_cvtsi128_si64(self.digits) as u64;
            let high = _mm_cvtsi128_si64(_mm_unpackhi_epi64(self.digits, self.digits)) as u64;
            Shape {
                digits: (low + high) as usize,
                at: any(self.at),
                plus: any(self.plus),
                colon: any(self.colon),
                separator: any(self.separator),
                letter: any(self.letter),
            }
        }
    }
}

/// The same classification on 8-byte words with integer arithmetic: the portable path, and the
/// tests' second opinion on the SSE2 one.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
mod swar {
    use super::Shape;

    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = ONES << 7;
    const LOWS: u64 = !HIGHS;

    pub(super) fn shape(bytes: &[u8]) -> Shape {
        let mut shape = Shape::default();
        super::words(bytes, |x| {
            let high = x & HIGHS;
            let low = x & LOWS;
            // For a 7-bit byte `t`, `t + (0x80 - c)` has its high bit set iff `t >= c`, and no
            // carry reaches the next byte.
            let at_least = |t: u64, c: u8| (t + ONES * u64::from(0x80 - c)) & HIGHS;
            let digit = at_least(low, b'0') & !at_least(low, b'9' + 1) & !high;
            shape.digits += digit.count_ones() as usize;
            shape.at |= equal(x, b'@') != 0;
            shape.plus |= equal(x, b'+') != 0;
            shape.colon |= equal(x, b':') != 0;
            let space = equal(x, b' ') | (at_least(low, b'\t') & !at_least(low, b'\r' + 1) & !high);
            let separator = (at_least(low, b'-') & !at_least(low, b'/' + 1) & !high) | space | high;
            shape.separator |= separator != 0;
            let folded = (x | (ONES * 0x20)) & LOWS;
            let letter = (at_least(folded, b'a') & !at_least(folded, b'z' + 1) & !high) | high;
            shape.letter |= letter != 0;
        });
        shape
    }

    /// High bit set in each byte of `x` equal to `c` (exact: no borrow between bytes).
    fn equal(x: u64, c: u8) -> u64 {
        let y = x ^ (ONES * u64::from(c));
        !(((y & LOWS) + LOWS) | y) & HIGHS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The classes byte by byte: what both fast paths must say.
    fn plain(bytes: &[u8]) -> Shape {
        Shape {
            digits: bytes.iter().filter(|b| b.is_ascii_digit()).count(),
            at: bytes.contains(&b'@'),
            plus: bytes.contains(&b'+'),
            colon: bytes.contains(&b':'),
            separator: bytes
                .iter()
                .any(|&b| matches!(b, b'-' | b'.' | b'/' | b' ' | b'\t'..=b'\r') || b >= 0x80),
            letter: bytes.iter().any(|&b| b.is_ascii_alphabetic() || b >= 0x80),
        }
    }

    #[test]
    fn values_of_every_length_are_classified_byte_for_byte() {
        let sample = b"3201-01/41.07 90+00@01aZ\xc2\xa0`{9:0\t\x0b\r\x0e\x08";
        for len in 0..=sample.len() {
            for start in 0..(sample.len() - len).min(8) + 1 {
                let bytes = &sample[start..start + len];
                assert_eq!(Shape::of(bytes), plain(bytes), "{:?}", String::from_utf8_lossy(bytes));
                assert_eq!(swar::shape(bytes), plain(bytes));
            }
        }
        let long = "1".repeat(5000);
        assert_eq!(Shape::of(long.as_bytes()).digits, 5000);
    }

    proptest::proptest! {
        #[test]
        fn both_paths_agree_with_the_byte_loop(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            proptest::prop_assert_eq!(Shape::of(&bytes), plain(&bytes));
            proptest::prop_assert_eq!(swar::shape(&bytes), plain(&bytes));
        }
    }
}
