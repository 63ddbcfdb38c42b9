//! The bytes of a short value (at most [`MAX`]) sorted into classes, one bit mask per class, bit
//! `i` for byte `i`: SSE2 sixteen bytes at a time on x86-64 (part of its baseline, so no runtime
//! check), eight-byte words ([`super::swar`]) elsewhere; a test holds both to one answer. No
//! branch depends on the bytes (only on their count). What the classes mean to a name or an
//! address is for the callers.

/// The longest value classified: the masks are `u64`.
pub(super) const MAX: usize = 64;

/// Room for a value of at most [`MAX`] bytes and 32 more: 32 bytes can be read or written from
/// any of its first [`MAX`].
pub(super) type Padded = [u8; MAX + 32];

/// The classes of a value's bytes, none past its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Classes {
    /// ASCII letters, either case.
    pub letters: u64,
    /// Spaces and tabs.
    pub blanks: u64,
    pub dots: u64,
    pub commas: u64,
    /// Apostrophes and backquotes.
    pub quotes: u64,
    /// Bytes over 0x7F.
    pub non_ascii: u64,
}

impl std::ops::BitOrAssign for Classes {
    fn bitor_assign(&mut self, other: Classes) {
        self.letters |= other.letters;
        self.blanks |= other.blanks;
        self.dots |= other.dots;
        self.commas |= other.commas;
        self.quotes |= other.quotes;
        self.non_ascii |= other.non_ascii;
    }
}

/// The bits below bit `n` (at most 64).
#[inline]
pub(super) const fn below(n: usize) -> u64 {
    match 1u64.checked_shl(n as u32) {
        Some(bit) => bit - 1,
        None => u64::MAX,
    }
}

/// The classes of the bytes of `raw` (at most [`MAX`]), and `raw` written into `folded` from its
/// start with each letter lowercased and every other byte a space. `folded` is left as it was
/// from a multiple of 16 past `raw` on.
#[inline]
pub(super) fn classify(raw: &[u8], folded: &mut Padded) -> Classes {
    debug_assert!(raw.len() <= MAX);
    // SAFETY: compiled only where SSE2 is enabled for the whole build (every x86-64 target: it
    // is part of the baseline), so the CPU running this has it.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return unsafe { classify_sse2(raw, folded) };
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return classify_swar(raw, folded);
}

/// [`classify`] with SSE2, sixteen bytes at a time read straight from `raw`: the first sixteen,
/// the next ones, and the last sixteen (overlapping the others, whose bytes they classify
/// alike), so a value of sixteen bytes or more is not copied first. A shorter one is copied into
/// sixteen zeros (the zeros are in no class).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn classify_sse2(raw: &[u8], folded: &mut Padded) -> Classes {
    let len = raw.len();
    if len < 16 {
        let mut short = [0u8; 16];
        copy_short(raw, &mut short);
        return chunk_sse2(&short, 0, folded);
    }
    let mut c = chunk_sse2(raw, 0, folded);
    if len > 32 {
        c |= chunk_sse2(raw, 16, folded);
        c |= chunk_sse2(raw, 32.min(len - 16), folded);
    }
    c |= chunk_sse2(raw, len - 16, folded);
    c
}

/// The classes of the sixteen bytes of `raw` from `at` (at most `MAX - 16`), shifted to their
/// place, and those bytes folded into `folded` from `at`: a compare per class, a `movemask` per
/// class.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn chunk_sse2(raw: &[u8], at: usize, folded: &mut Padded) -> Classes {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_storeu_si128,
    };
    let (sixteen, out) = (&raw[at..at + 16], &mut folded[at % MAX..at % MAX + 16]);
    let splat = |b: u8| _mm_set1_epi8(b as i8);
    let bits = |v| u64::from(_mm_movemask_epi8(v) as u16) << at;
    // SAFETY: `sixteen` and `out` are sixteen bytes; the load and the store are unaligned ones.
    let v = unsafe { _mm_loadu_si128(sixteen.as_ptr().cast()) };
    // `| 0x20` lowercases ASCII letters and maps nothing else onto one; the signed compares
    // leave bytes over 0x7F out.
    let lower = _mm_or_si128(v, splat(0x20));
    let letters =
        _mm_and_si128(_mm_cmpgt_epi8(lower, splat(b'a' - 1)), _mm_cmplt_epi8(lower, splat(b'z' + 1)));
    // A letter `& 0xFF` and anything else `& 0`, then `| 0x20`: the folded letter or a space.
    let spelled = _mm_or_si128(_mm_and_si128(v, letters), splat(b' '));
    unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), spelled) };
    let is = |b: u8| _mm_cmpeq_epi8(v, splat(b));
    Classes {
        letters: bits(letters),
        blanks: bits(_mm_or_si128(is(b' '), is(b'\t'))),
        dots: bits(is(b'.')),
        commas: bits(is(b',')),
        quotes: bits(_mm_or_si128(is(b'\''), is(b'`'))),
        non_ascii: bits(v),
    }
}

/// `raw` (under sixteen bytes) copied to the start of `to`, in two overlapping copies of eight
/// or four bytes (a copy of `raw`'s size would call `memcpy`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn copy_short(raw: &[u8], to: &mut [u8; 16]) {
    let len = raw.len();
    if len >= 8 {
        to[..8].copy_from_slice(&raw[..8]);
        to[len - 8..len].copy_from_slice(&raw[len - 8..]);
    } else if len >= 4 {
        to[..4].copy_from_slice(&raw[..4]);
        to[len - 4..len].copy_from_slice(&raw[len - 4..]);
    } else {
        for (to, &b) in to.iter_mut().zip(raw) {
            *to = b;
        }
    }
}

/// [`classify`] eight bytes at a time in a `u64`, from a zero-padded copy: each test's high
/// bits packed into eight mask bits by one multiplication.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn classify_swar(raw: &[u8], folded: &mut Padded) -> Classes {
    use super::swar::{HIGH_BITS, LOW_BITS, equal_to, in_range, load, splat};
    let mut text = [0u8; MAX];
    text[..raw.len()].copy_from_slice(raw);
    // Bit `8k + 7` of `high` (each byte's high bit) as bit `k`: the multiplication moves bit
    // `8k` to bit `56 + k`, and no two partial products meet.
    let bits = |high: u64| (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let mut c = Classes::default();
    for at in (0..raw.len()).step_by(8) {
        let word = load(&text[at..at + 8]);
        let (ascii, high) = (word & LOW_BITS, word & HIGH_BITS);
        let letters = in_range(ascii | splat(0x20), b'a', b'z') & !high;
        // Each letter's byte all ones: `(high bit >> 7) * 0xFF`.
        let letter_bytes = (letters >> 7).wrapping_mul(0xFF);
        folded[at..at + 8].copy_from_slice(&((word & letter_bytes) | splat(b' ')).to_le_bytes());
        let is = |b: u8| equal_to(ascii, b) & !high;
        c.letters |= bits(letters) << at;
        c.blanks |= bits(is(b' ') | is(b'\t')) << at;
        c.dots |= bits(is(b'.')) << at;
        c.commas |= bits(is(b',')) << at;
        c.quotes |= bits(is(b'\'') | is(b'`')) << at;
        c.non_ascii |= bits(high) << at;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What each class is, one byte at a time.
    fn by_bytes(raw: &[u8]) -> (Classes, Vec<u8>) {
        let mut c = Classes::default();
        let mut folded = Vec::new();
        for (i, &b) in raw.iter().enumerate() {
            let bit = 1u64 << i;
            let letter = b.is_ascii_alphabetic();
            folded.push(if letter { b.to_ascii_lowercase() } else { b' ' });
            c.letters |= if letter { bit } else { 0 };
            c.blanks |= if b == b' ' || b == b'\t' { bit } else { 0 };
            c.dots |= if b == b'.' { bit } else { 0 };
            c.commas |= if b == b',' { bit } else { 0 };
            c.quotes |= if b == b'\'' || b == b'`' { bit } else { 0 };
            c.non_ascii |= if b > 0x7F { bit } else { 0 };
        }
        (c, folded)
    }

    /// Both ways (the one [`classify`] takes and the portable one) give the byte-by-byte answer.
    fn agree(raw: &[u8]) {
        let (want, want_folded) = by_bytes(raw);
        for (way, f) in [("classify", classify as fn(&[u8], &mut Padded) -> Classes), ("swar", classify_swar)]
        {
            let mut folded = [0u8; MAX + 32];
            assert_eq!(f(raw, &mut folded), want, "{way} {raw:?}");
            assert_eq!(folded[..raw.len()], want_folded[..], "{way} {raw:?}");
        }
    }

    /// Every byte value in every position of a value of every length, among neighbours of
    /// several classes (a carry or a sign must not leak into the next byte; the overlapping
    /// chunks and the short copies must put each byte in its place).
    #[test]
    fn every_byte_in_every_position_of_every_length_is_classified_alike() {
        for len in 1..=MAX {
            for other in [b'a', b' ', b'.', 0x80, b'@'] {
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut raw = vec![other; len];
                        raw[at] = b;
                        agree(&raw);
                    }
                }
            }
        }
        agree(b"");
    }

    proptest! {
        #[test]
        fn any_bytes_are_classified_alike(raw in proptest::collection::vec(any::<u8>(), 0..=MAX)) {
            agree(&raw);
        }

        #[test]
        fn any_name_like_bytes_are_classified_alike(raw in r"[A-Za-z .,'`\t@\[{\x00-\x1f\x7f-]{0,64}") {
            agree(raw.as_bytes());
        }
    }

    #[test]
    fn below_is_the_low_bits() {
        assert_eq!(below(0), 0);
        assert_eq!(below(1), 1);
        assert_eq!(below(63), u64::MAX >> 1);
        assert_eq!(below(64), u64::MAX);
    }
}
