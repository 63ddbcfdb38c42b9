//! The bytes of a short numeric field (a NIK or a phone number, at most [`MAX`] bytes) sorted
//! into classes the caller names, one bit mask per class (bit `i` for byte `i`), and the digits
//! picked out of it in order: SSE2 sixteen bytes at a time on x86-64 (part of its baseline), a
//! byte at a time elsewhere; a test holds both to one answer. No branch depends on the bytes,
//! only on their count. (The classes of [`super::masks`] are a name's and an e-mail's; these are
//! a number's, chosen per caller so that each computes only the masks it reads.)

/// The longest field classified.
pub(super) const MAX: usize = 32;

/// A field's bytes with zeros after them: room for any index below 64 (what a pick past the
/// last bit of a mask reads).
pub(super) type Bytes = [u8; 64];

/// A class of bytes.
#[derive(Clone, Copy, Debug)]
pub(super) enum Class {
    /// `0`–`9`.
    Digits,
    /// These bytes (ASCII).
    AnyOf(&'static [u8]),
}

impl Class {
    #[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
    fn holds(self, b: u8) -> bool {
        match self {
            Class::Digits => b.is_ascii_digit(),
            Class::AnyOf(set) => set.contains(&b),
        }
    }
}

/// The bits below bit `n`, for `n` below 64 (a field's length or a bit of its masks). Unlike
/// [`super::masks::below`], which gives all ones for 64, `n` is taken modulo 64.
#[inline]
pub(super) const fn below(n: u32) -> u64 {
    debug_assert!(n < 64);
    (1u64 << (n & 63)) - 1
}

/// The lowest set bit of `m` (`0` for `0`).
#[inline]
pub(super) const fn lowest(m: u64) -> u64 {
    m & m.wrapping_neg()
}

/// The highest set bit of `m` (`0` for `0`).
#[inline]
pub(super) const fn highest(m: u64) -> u64 {
    if m == 0 { 0 } else { 1 << (63 - m.leading_zeros()) }
}

/// The masks of `raw`'s bytes in each of `classes` (none past its end), with `raw` copied to
/// the start of `bytes` (the SSE2 path also writes zeros after a field of under sixteen bytes,
/// up to byte 16; the bytes after those are left as they were); `None` when `raw` has more
/// than [`MAX`] bytes.
#[inline(always)]
pub(super) fn classify<const K: usize>(
    raw: &[u8],
    classes: &[Class; K],
    bytes: &mut Bytes,
) -> Option<[u64; K]> {
    if raw.len() > MAX {
        return None;
    }
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    return Some(classify_sse2(raw, classes, bytes));
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return Some(classify_bytes(raw, classes, bytes));
}

/// [`classify`] with SSE2: the first sixteen bytes and the last sixteen (overlapping, their
/// bytes classified alike), or a shorter field copied into sixteen zeros (in no class).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn classify_sse2<const K: usize>(raw: &[u8], classes: &[Class; K], bytes: &mut Bytes) -> [u64; K] {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128, _mm_storeu_si128,
    };
    let load = |from: &[u8]| {
        let sixteen = &from[..16];
        // SAFETY: `sixteen` is sixteen bytes; the load is an unaligned one.
        unsafe { _mm_loadu_si128(sixteen.as_ptr().cast()) }
    };
    let mut masks = [0u64; K];
    // SAFETY (each block below that calls an SSE2 intrinsic): compiled only where SSE2 is
    // enabled for the whole build (every x86-64 target: it is part of the baseline), so the CPU
    // running this has it. (Without `#[target_feature]` here the function inlines into its
    // callers, which a `#[target_feature]` function whose callers lack the attribute may not.)
    let mut add = |v: __m128i, at: usize| {
        let splat = |b: u8| unsafe { _mm_set1_epi8(b as i8) };
        for (mask, class) in masks.iter_mut().zip(classes) {
            let hits = match *class {
                // Signed compares: bytes over 0x7F are below `0`.
                Class::Digits => unsafe {
                    _mm_and_si128(_mm_cmpgt_epi8(v, splat(b'0' - 1)), _mm_cmplt_epi8(v, splat(b'9' + 1)))
                },
                Class::AnyOf(set) => set.iter().fold(unsafe { _mm_setzero_si128() }, |hits, &b| unsafe {
                    _mm_or_si128(hits, _mm_cmpeq_epi8(v, splat(b)))
                }),
            };
            *mask |= u64::from(unsafe { _mm_movemask_epi8(hits) } as u16) << at;
        }
    };
    let len = raw.len();
    let mut store = |at: usize, v: __m128i| {
        let out = &mut bytes[at..at + 16];
        // SAFETY: `out` is sixteen bytes; the store is an unaligned one.
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), v) }
    };
    if len < 16 {
        let mut short = [0u8; 16];
        super::masks::copy_short(raw, &mut short);
        let v = load(&short);
        store(0, v);
        add(v, 0);
    } else {
        let (first, last) = (load(raw), load(&raw[len - 16..]));
        store(0, first);
        store(len - 16, last);
        add(first, 0);
        add(last, len - 16);
    }
    masks
}

/// [`classify`] a byte at a time (at most [`MAX`] bytes).
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn classify_bytes<const K: usize>(raw: &[u8], classes: &[Class; K], bytes: &mut Bytes) -> [u64; K] {
    let mut masks = [0u64; K];
    for (i, &b) in raw.iter().enumerate() {
        bytes[i] = b;
        for (mask, class) in masks.iter_mut().zip(classes) {
            *mask |= u64::from(class.holds(b)) << i;
        }
    }
    masks
}

/// The bytes of `bytes` at the lowest `N` bits of `mask`, in order, and the bits of `mask` left
/// after them, without a branch: a pick past the last bit of `mask` is `bytes[63]`.
#[inline(always)]
pub(super) fn pick<const N: usize>(bytes: &Bytes, mask: u64) -> ([u8; N], u64) {
    let mut out = [0u8; N];
    let mut m = mask;
    for slot in &mut out {
        // `| 1 << 63` keeps the count in 0..=63 and lets it compile to one `bsf`.
        let i = (m | 1 << 63).trailing_zeros() as usize;
        *slot = bytes[i & 63];
        m &= m.wrapping_sub(1);
    }
    (out, m)
}

/// Most runs of set bits [`pick_runs`] copies before it leaves a mask to [`pick`]: a NIK in
/// groups (`32.73.08.200259.0263`, `3273 0820 0259 0263`) has at most five.
const RUNS: usize = 5;

/// [`pick`] of the bits of `mask` (within the first [`MAX`] bytes) when it has `N` (at most
/// sixteen), else `None`; a run of set bits at a time: sixteen bytes copied from each run's
/// start to where the bytes so far end (what follows a run is overwritten by the next), for
/// [`RUNS`] runs, whether the mask has them or not (a missing run copies nothing that is kept),
/// and the bits counted as the runs' lengths. A mask of more runs is left to [`pick`]; that is
/// the only branch but the caller's on the answer. A run of digits costs what one byte costs
/// [`pick`].
#[inline(always)]
pub(super) fn pick_runs<const N: usize>(bytes: &Bytes, mask: u64) -> Option<[u8; N]> {
    const { assert!(N <= 16) };
    debug_assert!(mask >> MAX == 0, "{mask:#x}");
    // Room for sixteen bytes from any index below 32.
    let mut out = [0u8; 48];
    let (mut m, mut len) = (mask, 0usize);
    for _ in 0..RUNS {
        // `& (MAX - 1)`: the start of a run is below `MAX`; with no run left (`m == 0`) it is
        // 0, and the run is empty.
        let start = m.trailing_zeros() as usize & (MAX - 1);
        let run = (!(m >> start)).trailing_zeros() as usize;
        let at = len & (MAX - 1);
        out[at..at + 16].copy_from_slice(&bytes[start..start + 16]);
        len += run;
        // Without its lowest run: adding the run's lowest bit carries through it.
        m &= m.wrapping_add(m & m.wrapping_neg());
    }
    if m != 0 {
        len = pick_into(bytes, mask, &mut out);
    }
    let mut kept = [0u8; N];
    kept.copy_from_slice(&out[..N]);
    (len == N).then_some(kept)
}

/// [`pick`] of the sixteen lowest bits of `mask` into `out`, and how many bits `mask` has, out
/// of line: the bytes picked one at a time reach the caller through memory, as its runs'
/// copies do, and not as sixteen values it would then pack into words a byte at a time.
#[cold]
#[inline(never)]
fn pick_into(bytes: &Bytes, mask: u64, out: &mut [u8; 48]) -> usize {
    out[..16].copy_from_slice(&pick::<16>(bytes, mask).0);
    mask.count_ones() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CLASSES: [Class; 6] = [
        Class::Digits,
        Class::AnyOf(b"0"),
        Class::AnyOf(b".-_"),
        Class::AnyOf(b" \t\n\x0C\r"),
        Class::AnyOf(b"'+"),
        Class::AnyOf(b"()"),
    ];

    fn agree(raw: &[u8]) {
        let (mut got_bytes, mut want_bytes) = ([0u8; 64], [0u8; 64]);
        let got = classify(raw, &CLASSES, &mut got_bytes).expect("short");
        let want = classify_bytes(raw, &CLASSES, &mut want_bytes);
        assert_eq!(got, want, "{raw:?}");
        assert_eq!(got_bytes, want_bytes, "{raw:?}");
    }

    /// Every byte value in every position of a field of every length, among neighbours of
    /// several classes.
    #[test]
    fn every_byte_in_every_position_of_every_length_is_classified_alike() {
        for len in 1..=MAX {
            for other in [b'0', b' ', b'.', 0x80, b'+'] {
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
        assert!(classify(&[b'1'; MAX + 1], &CLASSES, &mut [0; 64]).is_none());
    }

    proptest! {
        #[test]
        fn any_bytes_are_classified_alike(raw in proptest::collection::vec(any::<u8>(), 0..=MAX)) {
            agree(&raw);
        }

        /// The digits picked are the field's digits in order, then zeros.
        #[test]
        fn the_digits_are_picked_in_order(raw in "[0-9 .'()+_-]{0,32}") {
            let mut bytes = [0u8; 64];
            let [digits] = classify(raw.as_bytes(), &[Class::Digits], &mut bytes).expect("short");
            let (first, rest) = pick::<16>(&bytes, digits);
            let (next, _) = pick::<16>(&bytes, rest);
            let mut want: Vec<u8> = raw.bytes().filter(u8::is_ascii_digit).collect();
            want.resize(32, 0);
            prop_assert_eq!(&first[..], &want[..16]);
            prop_assert_eq!(&next[..], &want[16..]);
        }
    }

    proptest! {
        /// Copying runs picks what a byte at a time picks, for masks of any number of runs.
        #[test]
        fn runs_are_picked_as_bytes_are(raw in "[0-9 .'_-]{0,32}") {
            let mut bytes = [0u8; 64];
            let [digits] = classify(raw.as_bytes(), &[Class::Digits], &mut bytes).expect("short");
            // The first sixteen digits (or as many as there are) as the mask of `N` bits.
            let sixteen = (0..16).fold(digits, |m, _| m & m.wrapping_sub(1)) ^ digits;
            let n = sixteen.count_ones();
            let (want, _) = pick::<16>(&bytes, sixteen);
            match n {
                16 => prop_assert_eq!(pick_runs::<16>(&bytes, sixteen), Some(want)),
                11 => prop_assert_eq!(pick_runs::<11>(&bytes, sixteen).map(|k| k.to_vec()), Some(want[..11].to_vec())),
                4 => prop_assert_eq!(pick_runs::<4>(&bytes, sixteen).map(|k| k.to_vec()), Some(want[..4].to_vec())),
                0 => prop_assert_eq!(pick_runs::<0>(&bytes, sixteen), Some([])),
                _ => {}
            }
            // A mask of another count of bits, of few runs or many, is refused.
            prop_assert_eq!(pick_runs::<16>(&bytes, digits).is_some(), digits.count_ones() == 16);
            prop_assert_eq!(pick_runs::<11>(&bytes, digits).is_some(), digits.count_ones() == 11);
        }
    }

    #[test]
    fn runs_of_a_nik_are_picked() {
        for raw in [
            "3201014107900001",
            "'3201014107900001",
            "32.01.01.410790.0001",
            "3201 0141 0790 0001",
            "3 2 0 1 0 1 4 1 0 7 9 0 0 0 0 1",
            " 3201-0141-0790-0001. 0",
        ] {
            let mut bytes = [0u8; 64];
            let [digits] = classify(raw.as_bytes(), &[Class::Digits], &mut bytes).expect("short");
            let digits = if digits.count_ones() == 17 {
                digits & !(1 << (63 - digits.leading_zeros()))
            } else {
                digits
            };
            assert_eq!(pick_runs::<16>(&bytes, digits), Some(*b"3201014107900001"), "{raw:?}");
            assert_eq!(pick_runs::<16>(&bytes, digits & (digits - 1)), None, "{raw:?}");
        }
    }

    #[test]
    fn bit_helpers() {
        assert_eq!((lowest(0), lowest(0b1100)), (0, 0b100));
        assert_eq!((highest(0), highest(0b1100), highest(u64::MAX)), (0, 0b1000, 1 << 63));
        assert_eq!((below(0), below(3), below(63)), (0, 0b111, u64::MAX >> 1));
    }
}
