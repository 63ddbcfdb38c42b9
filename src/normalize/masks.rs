//! The bytes of a short value (at most [`MAX`]) sorted into classes, one bit mask per class, bit
//! `i` for byte `i`: SSE2 sixteen bytes at a time on x86-64 (part of its baseline, so no runtime
//! check), eight-byte words ([`super::swar`]) elsewhere; a test holds both to one answer. No
//! branch depends on the bytes (only on their count). What the classes mean to a name or an
//! address is for the callers (`short_name.rs`, `email.rs`); a class a caller does not read
//! costs it nothing once inlined.

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
    pub digits: u64,
    /// Spaces and tabs (a name's separators).
    pub blanks: u64,
    /// Tab to carriage return and space: `char::is_whitespace` of an ASCII byte.
    pub spaces: u64,
    pub dots: u64,
    pub commas: u64,
    pub semicolons: u64,
    /// Apostrophes and backquotes.
    pub quotes: u64,
    pub ats: u64,
    pub dashes: u64,
    pub pluses: u64,
    pub underscores: u64,
    /// `<`.
    pub angles: u64,
    /// Bytes over 0x7F.
    pub non_ascii: u64,
}

impl std::ops::BitOrAssign for Classes {
    fn bitor_assign(&mut self, other: Classes) {
        self.letters |= other.letters;
        self.digits |= other.digits;
        self.blanks |= other.blanks;
        self.spaces |= other.spaces;
        self.dots |= other.dots;
        self.commas |= other.commas;
        self.semicolons |= other.semicolons;
        self.quotes |= other.quotes;
        self.ats |= other.ats;
        self.dashes |= other.dashes;
        self.pluses |= other.pluses;
        self.underscores |= other.underscores;
        self.angles |= other.angles;
        self.non_ascii |= other.non_ascii;
    }
}

/// What [`classify`] writes for each byte besides the masks: a name wants its letters
/// lowercased and every other byte a space, an address all of its bytes with letters
/// lowercased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fold {
    LettersOnly,
    /// (An address's classes take it on the portable path only: SSE2 folds in
    /// [`classify_address`] itself.)
    #[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2", not(test)), allow(dead_code))]
    Lowercase,
}

/// The bits below bit `n` (at most 64).
#[inline]
pub(super) const fn below(n: usize) -> u64 {
    match 1u64.checked_shl(n as u32) {
        Some(bit) => bit - 1,
        None => u64::MAX,
    }
}

/// Whether bit `at` of `mask` is set (none is past bit 63).
#[inline]
pub(super) fn has(mask: u64, at: usize) -> bool {
    mask.checked_shr(at as u32).unwrap_or(0) & 1 != 0
}

/// The classes of the bytes of `raw` (at most [`MAX`]), and `raw` written into `folded` from its
/// start with each letter lowercased and, with [`Fold::LettersOnly`], every other byte a space.
/// `folded` is left as it was from a multiple of 16 past `raw` on.
#[inline]
pub(super) fn classify(raw: &[u8], folded: &mut Padded, fold: Fold) -> Classes {
    debug_assert!(raw.len() <= MAX);
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return classify_sse2(raw, folded, fold);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return classify_swar(raw, folded, fold);
}

/// [`classify`] with SSE2, sixteen bytes at a time read straight from `raw`: the first sixteen,
/// the next ones, and the last sixteen (overlapping the others, whose bytes they classify
/// alike), so a value of sixteen bytes or more is not copied first: two chunks up to 32 bytes,
/// three up to 48, four up to [`MAX`]. A shorter one is copied into sixteen zeros (the zeros are
/// in no class).
///
/// Compiled only where SSE2 is enabled for the whole build (every x86-64 target: it is part of
/// the baseline), so its intrinsics need no `#[target_feature]`, and both functions are inlined
/// into each caller, which computes only the classes it reads (out of line, a name paid for
/// an address's classes).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn classify_sse2(raw: &[u8], folded: &mut Padded, fold: Fold) -> Classes {
    let len = raw.len();
    if len < 16 {
        let mut short = [0u8; 16];
        copy_short(raw, &mut short);
        return chunk_sse2(&short, 0, folded, fold);
    }
    let mut c = chunk_sse2(raw, 0, folded, fold);
    if len > 32 {
        c |= chunk_sse2(raw, 16, folded, fold);
    }
    // (Up to 48 bytes, the chunk from 32 would be the last one: it is classified once.)
    if len > 48 {
        c |= chunk_sse2(raw, 32, folded, fold);
    }
    c |= chunk_sse2(raw, len - 16, folded, fold);
    c
}

/// The sixteen bytes of `raw` from `at`, and the mask of its ASCII letters (either case): the
/// start of [`chunk_sse2`] and [`address_chunk_sse2`].
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn load_letters(raw: &[u8], at: usize) -> (std::arch::x86_64::__m128i, std::arch::x86_64::__m128i) {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_or_si128, _mm_set1_epi8,
    };
    let sixteen = &raw[at..at + 16];
    // SAFETY: SSE2 is enabled for the whole build (the `cfg` above), so the CPU running this has
    // it; `sixteen` is sixteen bytes, and the load is an unaligned one.
    unsafe {
        let splat = |b: u8| _mm_set1_epi8(b as i8);
        let v = _mm_loadu_si128(sixteen.as_ptr().cast());
        // `| 0x20` lowercases ASCII letters and maps nothing else onto one; the signed compares
        // leave bytes over 0x7F out.
        let lower = _mm_or_si128(v, splat(0x20));
        let letters =
            _mm_and_si128(_mm_cmpgt_epi8(lower, splat(b'a' - 1)), _mm_cmplt_epi8(lower, splat(b'z' + 1)));
        (v, letters)
    }
}

/// The classes of the sixteen bytes of `raw` from `at` (at most `MAX - 16`), shifted to their
/// place, and those bytes folded into `folded` from `at`: a compare per class, a `movemask` per
/// class.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn chunk_sse2(raw: &[u8], at: usize, folded: &mut Padded, fold: Fold) -> Classes {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_storeu_si128,
    };
    let out = &mut folded[at % MAX..at % MAX + 16];
    let (v, letters) = load_letters(raw, at);
    // SAFETY: SSE2 is enabled for the whole build (the `cfg` above), so the CPU running this has
    // it; `out` is sixteen bytes, and the store is an unaligned one.
    unsafe {
        let splat = |b: u8| _mm_set1_epi8(b as i8);
        let bits = |v| u64::from(_mm_movemask_epi8(v) as u16) << at;
        let spelled = match fold {
            // A letter `& 0xFF` and anything else `& 0`, then `| 0x20`: the folded letter or a space.
            Fold::LettersOnly => _mm_or_si128(_mm_and_si128(v, letters), splat(b' ')),
            // `| 0x20` on the letters only.
            Fold::Lowercase => _mm_or_si128(v, _mm_and_si128(letters, splat(0x20))),
        };
        _mm_storeu_si128(out.as_mut_ptr().cast(), spelled);
        let is = |b: u8| _mm_cmpeq_epi8(v, splat(b));
        let within = |lo: u8, hi: u8| {
            _mm_and_si128(_mm_cmpgt_epi8(v, splat(lo - 1)), _mm_cmplt_epi8(v, splat(hi + 1)))
        };
        let blanks = _mm_or_si128(is(b' '), is(b'\t'));
        Classes {
            letters: bits(letters),
            digits: bits(within(b'0', b'9')),
            blanks: bits(blanks),
            spaces: bits(_mm_or_si128(within(b'\t', b'\r'), is(b' '))),
            dots: bits(is(b'.')),
            commas: bits(is(b',')),
            semicolons: bits(is(b';')),
            quotes: bits(_mm_or_si128(is(b'\''), is(b'`'))),
            ats: bits(is(b'@')),
            dashes: bits(is(b'-')),
            pluses: bits(is(b'+')),
            underscores: bits(is(b'_')),
            angles: bits(is(b'<')),
            non_ascii: bits(v),
        }
    }
}

/// The classes an address reads ([`classify_address`]), each merged before its `movemask`: the
/// unions it tests are one mask each, and the classes it reads only in them are none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct AddressClasses {
    /// Letters and digits.
    pub alnum: u64,
    /// What the usual address is made of: letters, digits, `.`, `@`, `-`, `+` and `_`.
    pub allowed: u64,
    /// As in [`Classes::spaces`].
    pub spaces: u64,
    pub dots: u64,
    pub ats: u64,
    pub dashes: u64,
    /// `<`.
    pub angles: u64,
    /// `.` and `+` (what Gmail's folding drops or stops at).
    pub marks: u64,
    /// What is stripped from an address's end: whitespace, `,`, `;` and `.`.
    pub trailing: u64,
    /// Whether any byte is over 0x7F.
    pub non_ascii: bool,
}

impl AddressClasses {
    /// The address's classes from all of a value's ones.
    #[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
    pub(super) fn of(c: &Classes) -> Self {
        let alnum = c.letters | c.digits;
        AddressClasses {
            alnum,
            allowed: alnum | c.dots | c.ats | c.dashes | c.pluses | c.underscores,
            spaces: c.spaces,
            dots: c.dots,
            ats: c.ats,
            dashes: c.dashes,
            angles: c.angles,
            marks: c.dots | c.pluses,
            trailing: c.spaces | c.commas | c.semicolons | c.dots,
            non_ascii: c.non_ascii != 0,
        }
    }
}

/// [`classify`] for an address, with [`Fold::Lowercase`]: its classes merged
/// ([`AddressClasses`]).
#[inline(always)]
pub(super) fn classify_address(raw: &[u8], folded: &mut Padded) -> AddressClasses {
    debug_assert!(raw.len() <= MAX);
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return classify_address_sse2(raw, folded);
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return AddressClasses::of(&classify_swar(raw, folded, Fold::Lowercase));
}

/// [`classify_address`] with SSE2, its chunks as in [`classify_sse2`]; whether a byte is over
/// 0x7F is one `movemask` of all the chunks' bytes `|`-ed.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn classify_address_sse2(raw: &[u8], folded: &mut Padded) -> AddressClasses {
    use std::arch::x86_64::{_mm_movemask_epi8, _mm_or_si128};
    let len = raw.len();
    let (mut c, mut high);
    if len < 16 {
        let mut short = [0u8; 16];
        copy_short(raw, &mut short);
        (c, high) = address_chunk_sse2(&short, 0, folded);
    } else {
        (c, high) = address_chunk_sse2(raw, 0, folded);
        let mut more = |c: &mut AddressClasses, at: usize| {
            let (d, v) = address_chunk_sse2(raw, at, folded);
            // SAFETY: SSE2 is enabled for the whole build (the `cfg` above).
            high = unsafe { _mm_or_si128(high, v) };
            c.merge(&d);
        };
        if len > 32 {
            more(&mut c, 16);
        }
        if len > 48 {
            more(&mut c, 32);
        }
        more(&mut c, len - 16);
    }
    // SAFETY: as above.
    c.non_ascii = unsafe { _mm_movemask_epi8(high) } != 0;
    c
}

impl AddressClasses {
    /// `self` with `other`'s bits too (`non_ascii` is left alone).
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[inline(always)]
    fn merge(&mut self, other: &AddressClasses) {
        self.alnum |= other.alnum;
        self.allowed |= other.allowed;
        self.spaces |= other.spaces;
        self.dots |= other.dots;
        self.ats |= other.ats;
        self.dashes |= other.dashes;
        self.angles |= other.angles;
        self.marks |= other.marks;
        self.trailing |= other.trailing;
    }
}

/// [`chunk_sse2`] for an address ([`Fold::Lowercase`]): its classes merged, but for
/// `non_ascii` (false), and the sixteen bytes read.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn address_chunk_sse2(
    raw: &[u8],
    at: usize,
    folded: &mut Padded,
) -> (AddressClasses, std::arch::x86_64::__m128i) {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_storeu_si128,
    };
    let out = &mut folded[at % MAX..at % MAX + 16];
    let (v, letters) = load_letters(raw, at);
    // SAFETY: as in `chunk_sse2`: SSE2 is enabled for the whole build, `out` is sixteen bytes,
    // and the store is an unaligned one.
    unsafe {
        let splat = |b: u8| _mm_set1_epi8(b as i8);
        let bits = |v| u64::from(_mm_movemask_epi8(v) as u16) << at;
        _mm_storeu_si128(out.as_mut_ptr().cast(), _mm_or_si128(v, _mm_and_si128(letters, splat(0x20))));
        let is = |b: u8| _mm_cmpeq_epi8(v, splat(b));
        let within = |lo: u8, hi: u8| {
            _mm_and_si128(_mm_cmpgt_epi8(v, splat(lo - 1)), _mm_cmplt_epi8(v, splat(hi + 1)))
        };
        let or = |a, b| _mm_or_si128(a, b);
        let alnum = or(letters, within(b'0', b'9'));
        let (dots, ats, dashes) = (is(b'.'), is(b'@'), is(b'-'));
        let marks = or(dots, is(b'+'));
        let spaces = or(within(b'\t', b'\r'), is(b' '));
        let classes = AddressClasses {
            alnum: bits(alnum),
            allowed: bits(or(or(alnum, marks), or(or(ats, dashes), is(b'_')))),
            spaces: bits(spaces),
            dots: bits(dots),
            ats: bits(ats),
            dashes: bits(dashes),
            angles: bits(is(b'<')),
            marks: bits(marks),
            trailing: bits(or(or(spaces, dots), or(is(b','), is(b';')))),
            non_ascii: false,
        };
        (classes, v)
    }
}

/// `raw` (under sixteen bytes) copied to the start of `to`, in two overlapping copies of eight
/// or four bytes (a copy of `raw`'s size would call `memcpy`).
/// Shared with [`super::digit_marks`].
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
pub(super) fn copy_short(raw: &[u8], to: &mut [u8; 16]) {
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
pub(super) fn classify_swar(raw: &[u8], folded: &mut Padded, fold: Fold) -> Classes {
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
        let spelled = match fold {
            Fold::LettersOnly => (word & letter_bytes) | splat(b' '),
            Fold::Lowercase => word | (letter_bytes & splat(0x20)),
        };
        folded[at..at + 8].copy_from_slice(&spelled.to_le_bytes());
        let is = |b: u8| equal_to(ascii, b) & !high;
        c.letters |= bits(letters) << at;
        c.digits |= bits(in_range(ascii, b'0', b'9') & !high) << at;
        c.blanks |= bits(is(b' ') | is(b'\t')) << at;
        c.spaces |= bits((in_range(ascii, b'\t', b'\r') | is(b' ')) & !high) << at;
        c.dots |= bits(is(b'.')) << at;
        c.commas |= bits(is(b',')) << at;
        c.semicolons |= bits(is(b';')) << at;
        c.quotes |= bits(is(b'\'') | is(b'`')) << at;
        c.ats |= bits(is(b'@')) << at;
        c.dashes |= bits(is(b'-')) << at;
        c.pluses |= bits(is(b'+')) << at;
        c.underscores |= bits(is(b'_')) << at;
        c.angles |= bits(is(b'<')) << at;
        c.non_ascii |= bits(high) << at;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What each class is, one byte at a time, and the bytes each [`Fold`] writes.
    fn by_bytes(raw: &[u8]) -> (Classes, Vec<u8>, Vec<u8>) {
        let mut c = Classes::default();
        let (mut letters_only, mut lowercase) = (Vec::new(), Vec::new());
        for (i, &b) in raw.iter().enumerate() {
            let bit = 1u64 << i;
            let letter = b.is_ascii_alphabetic();
            letters_only.push(if letter { b.to_ascii_lowercase() } else { b' ' });
            lowercase.push(b.to_ascii_lowercase());
            let set = |yes: bool| if yes { bit } else { 0 };
            c.letters |= set(letter);
            c.digits |= set(b.is_ascii_digit());
            c.blanks |= set(b == b' ' || b == b'\t');
            c.spaces |= set((b as char).is_whitespace() && b < 0x80);
            c.dots |= set(b == b'.');
            c.commas |= set(b == b',');
            c.semicolons |= set(b == b';');
            c.quotes |= set(b == b'\'' || b == b'`');
            c.ats |= set(b == b'@');
            c.dashes |= set(b == b'-');
            c.pluses |= set(b == b'+');
            c.underscores |= set(b == b'_');
            c.angles |= set(b == b'<');
            c.non_ascii |= set(b > 0x7F);
        }
        (c, letters_only, lowercase)
    }

    /// Both ways (the one [`classify`] takes and the portable one) give the byte-by-byte answer,
    /// with either fold.
    fn agree(raw: &[u8]) {
        let (want, letters_only, lowercase) = by_bytes(raw);
        agree_with(raw, want, &letters_only, &lowercase);
    }

    /// [`agree`] with the byte-by-byte answer given.
    fn agree_with(raw: &[u8], want: Classes, letters_only: &[u8], lowercase: &[u8]) {
        type Way = fn(&[u8], &mut Padded, Fold) -> Classes;
        for (way, f) in [("classify", classify as Way), ("swar", classify_swar as Way)] {
            for (fold, want_folded) in [(Fold::LettersOnly, letters_only), (Fold::Lowercase, lowercase)] {
                let mut folded = [0u8; MAX + 32];
                assert_eq!(f(raw, &mut folded, fold), want, "{way} {fold:?} {raw:?}");
                assert_eq!(folded[..raw.len()], want_folded[..], "{way} {fold:?} {raw:?}");
            }
        }
    }

    /// [`classify_address`] gives [`AddressClasses::of`] the byte-by-byte classes, and the
    /// lowercased bytes.
    fn agree_address(raw: &[u8]) {
        let (want, _, lowercase) = by_bytes(raw);
        agree_address_with(raw, want, &lowercase);
    }

    /// [`agree_address`] with the byte-by-byte answer given.
    fn agree_address_with(raw: &[u8], want: Classes, lowercase: &[u8]) {
        let mut folded = [0u8; MAX + 32];
        assert_eq!(classify_address(raw, &mut folded), AddressClasses::of(&want), "{raw:?}");
        assert_eq!(folded[..raw.len()], lowercase[..], "{raw:?}");
    }

    /// Every byte value in every position of a value of every length, among neighbours of
    /// several classes (a carry or a sign must not leak into the next byte; the overlapping
    /// chunks and the short copies must put each byte in its place). Bytes under test are put in
    /// every 16th position at once (`at`, `at + 16`, …): no 16-byte chunk, overlapping or not,
    /// and no 8-byte word holds two of them, so each sees only `other`s around it, as if it were
    /// alone, in 2.3 times fewer values (issue 20: this was the suite's slowest unit test). The
    /// k-th of them is byte `b + 97k`: a chunk's answer also written in the next chunk's place
    /// meets another byte there, for most `b` one of another class, not the same byte.
    #[test]
    fn every_byte_in_every_position_of_every_length_is_classified_alike() {
        // The byte-by-byte answer of a value that is `other` but for the bytes put in it, from
        // the answer for all `other`s and the one for each byte alone (1.6 M values: computing
        // each answer afresh was most of the test's time).
        let alone: Vec<_> = (0..=255u8).map(|b| by_bytes(&[b])).collect();
        let masks = |c: &Classes| {
            [
                c.letters,
                c.digits,
                c.blanks,
                c.spaces,
                c.dots,
                c.commas,
                c.semicolons,
                c.quotes,
                c.ats,
                c.dashes,
                c.pluses,
                c.underscores,
                c.angles,
                c.non_ascii,
            ]
        };
        let with = |row: &Classes, put: &[(usize, u8)]| {
            let mut m = masks(row);
            for &(at, b) in put {
                for (mask, byte) in m.iter_mut().zip(masks(&alone[usize::from(b)].0)) {
                    *mask = (*mask & !(1u64 << at)) | (byte << at);
                }
            }
            Classes {
                letters: m[0],
                digits: m[1],
                blanks: m[2],
                spaces: m[3],
                dots: m[4],
                commas: m[5],
                semicolons: m[6],
                quotes: m[7],
                ats: m[8],
                dashes: m[9],
                pluses: m[10],
                underscores: m[11],
                angles: m[12],
                non_ascii: m[13],
            }
        };
        let mut put = Vec::new();
        for len in 1..=MAX {
            for other in [b'a', b' ', b'.', 0x80, b'@', b'9', b'\r'] {
                let mut raw = vec![other; len];
                let (row, mut letters_only, mut lowercase) = by_bytes(&raw);
                for first in 0..len.min(16) {
                    for b in 0..=255u8 {
                        put.clear();
                        for (k, at) in (first..len).step_by(16).enumerate() {
                            let byte = b.wrapping_add(97u8.wrapping_mul(k as u8));
                            let (_, byte_letters_only, byte_lowercase) = &alone[usize::from(byte)];
                            raw[at] = byte;
                            (letters_only[at], lowercase[at]) = (byte_letters_only[0], byte_lowercase[0]);
                            put.push((at, byte));
                        }
                        let want = with(&row, &put);
                        agree_with(&raw, want, &letters_only, &lowercase);
                        agree_address_with(&raw, want, &lowercase);
                    }
                    let (_, row_letters_only, row_lowercase) = &alone[usize::from(other)];
                    for at in (first..len).step_by(16) {
                        raw[at] = other;
                        (letters_only[at], lowercase[at]) = (row_letters_only[0], row_lowercase[0]);
                    }
                }
            }
        }
        agree(b"");
        agree_address(b"");
    }

    proptest! {
        #[test]
        fn any_bytes_are_classified_alike(raw in proptest::collection::vec(any::<u8>(), 0..=MAX)) {
            agree(&raw);
            agree_address(&raw);
        }

        #[test]
        fn any_name_like_bytes_are_classified_alike(raw in r"[A-Za-z .,'`\t@\[{\x00-\x1f\x7f-]{0,64}") {
            agree(raw.as_bytes());
        }

        #[test]
        fn any_address_like_bytes_are_classified_alike(raw in "[A-Za-z0-9 .,;:@_+<>()\"'\t-\r/`\\[{-]{0,64}") {
            agree(raw.as_bytes());
            agree_address(raw.as_bytes());
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
