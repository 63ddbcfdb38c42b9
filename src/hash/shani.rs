//! Two SHA-256 block compressions at once with the x86 SHA extensions, interleaved.
//!
//! One compression with SHA-NI is a chain of 32 dependent `sha256rnds2` instructions, so a
//! single stream leaves the unit idle most of the time waiting on each result. The scan hashes
//! several independent values per record, so two streams run side by side here and fill those
//! gaps: about 1.7× the throughput of the one-at-a-time compression in the `sha2` crate (see
//! `cargo bench --features bench --bench hot_paths -- hash`). Hand-written because no maintained crate offers
//! multi-buffer SHA-256; it is checked against `sha2` on random states and blocks in the tests,
//! and machines without the extensions take `sha2`'s compression twice.

/// SHA-256 round constants (FIPS 180-4 §4.2.2), four per group of rounds.
#[cfg(target_arch = "x86_64")]
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// Compresses `blocks[0]` into `states[0]` and `blocks[1]` into `states[1]`.
pub fn compress2(states: &mut [[u32; 8]; 2], blocks: &[[u8; 64]; 2]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("sha")
        && std::arch::is_x86_feature_detected!("sse4.1")
        && std::arch::is_x86_feature_detected!("ssse3")
    {
        // SAFETY: the CPU has the features `compress2_ni` is compiled for (checked above).
        unsafe { compress2_ni(states, blocks) };
        return;
    }
    let [a, b] = states;
    sha2::block_api::compress256(a, &[blocks[0]]);
    sha2::block_api::compress256(b, &[blocks[1]]);
}

/// The SHA-NI compression of two independent (state, block) pairs. The state and message
/// schedule arrangement follows Intel's "New Instructions Supporting the Secure Hash Algorithm
/// on Intel Architecture Processors" (2013): the state is held as (A, B, E, F) and (C, D, G, H),
/// and each 4-word group of the schedule is `msg2(msg1(X[i-4], X[i-3]) + X[i-2..i-1], X[i-1])`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
unsafe fn compress2_ni(states: &mut [[u32; 8]; 2], blocks: &[[u8; 64]; 2]) {
    use std::arch::x86_64::*;

    // Big-endian words: reverse the bytes of each 32-bit lane.
    let swap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203);
    let load = |p: &[u8; 64], i: usize| {
        // SAFETY: `i < 4`, so the 16 bytes read are inside the 64-byte block; unaligned load.
        let v = unsafe { _mm_loadu_si128(p.as_ptr().add(16 * i).cast()) };
        _mm_shuffle_epi8(v, swap)
    };
    let k = |i: usize| {
        // SAFETY: `i < 16`, so the four words read are inside `K`.
        unsafe { _mm_loadu_si128(K.as_ptr().add(4 * i).cast()) }
    };
    // (A, B, C, D), (E, F, G, H) → (A, B, E, F), (C, D, G, H) in SHA-NI's lane order.
    let unpack = |s: &[u32; 8]| {
        // SAFETY: `s` holds eight words: two 16-byte unaligned loads.
        let (abcd, efgh) =
            unsafe { (_mm_loadu_si128(s.as_ptr().cast()), _mm_loadu_si128(s.as_ptr().add(4).cast())) };
        let cdab = _mm_shuffle_epi32(abcd, 0xb1);
        let efgh = _mm_shuffle_epi32(efgh, 0x1b);
        (_mm_alignr_epi8(cdab, efgh, 8), _mm_blend_epi16(efgh, cdab, 0xf0))
    };

    let (mut abef_a, mut cdgh_a) = unpack(&states[0]);
    let (mut abef_b, mut cdgh_b) = unpack(&states[1]);
    let (saved_abef_a, saved_cdgh_a, saved_abef_b, saved_cdgh_b) = (abef_a, cdgh_a, abef_b, cdgh_b);
    let (mut a0, mut a1, mut a2, mut a3) =
        (load(&blocks[0], 0), load(&blocks[0], 1), load(&blocks[0], 2), load(&blocks[0], 3));
    let (mut b0, mut b1, mut b2, mut b3) =
        (load(&blocks[1], 0), load(&blocks[1], 1), load(&blocks[1], 2), load(&blocks[1], 3));
    // Fully unrolled by macros, so the schedule stays in registers: four rounds of each stream
    // on schedule group `x`, with round constants group `i`.
    macro_rules! rounds {
        ($i:expr, $xa:ident, $xb:ident) => {{
            let ka = _mm_add_epi32($xa, k($i));
            let kb = _mm_add_epi32($xb, k($i));
            cdgh_a = _mm_sha256rnds2_epu32(cdgh_a, abef_a, ka);
            cdgh_b = _mm_sha256rnds2_epu32(cdgh_b, abef_b, kb);
            abef_a = _mm_sha256rnds2_epu32(abef_a, cdgh_a, _mm_shuffle_epi32(ka, 0x0e));
            abef_b = _mm_sha256rnds2_epu32(abef_b, cdgh_b, _mm_shuffle_epi32(kb, 0x0e));
        }};
    }
    // X[i] (in the register that held X[i-4]) = msg2(msg1(X[i-4], X[i-3]) + X[i-2..i-1] >> 1 word, X[i-1]).
    macro_rules! next {
        ($x4:ident, $x3:ident, $x2:ident, $x1:ident) => {
            $x4 = _mm_sha256msg2_epu32(
                _mm_add_epi32(_mm_sha256msg1_epu32($x4, $x3), _mm_alignr_epi8($x1, $x2, 4)),
                $x1,
            )
        };
    }
    macro_rules! scheduled {
        ($i:expr) => {{
            next!(a0, a1, a2, a3);
            next!(b0, b1, b2, b3);
            rounds!($i, a0, b0);
            next!(a1, a2, a3, a0);
            next!(b1, b2, b3, b0);
            rounds!($i + 1, a1, b1);
            next!(a2, a3, a0, a1);
            next!(b2, b3, b0, b1);
            rounds!($i + 2, a2, b2);
            next!(a3, a0, a1, a2);
            next!(b3, b0, b1, b2);
            rounds!($i + 3, a3, b3);
        }};
    }
    rounds!(0, a0, b0);
    rounds!(1, a1, b1);
    rounds!(2, a2, b2);
    rounds!(3, a3, b3);
    scheduled!(4);
    scheduled!(8);
    scheduled!(12);
    let pack = |abef: __m128i, cdgh: __m128i, s: &mut [u32; 8]| {
        let feba = _mm_shuffle_epi32(abef, 0x1b);
        let dchg = _mm_shuffle_epi32(cdgh, 0xb1);
        let abcd = _mm_blend_epi16(feba, dchg, 0xf0);
        let efgh = _mm_alignr_epi8(dchg, feba, 8);
        // SAFETY: `s` holds eight words: two 16-byte unaligned stores.
        unsafe {
            _mm_storeu_si128(s.as_mut_ptr().cast(), abcd);
            _mm_storeu_si128(s.as_mut_ptr().add(4).cast(), efgh);
        }
    };
    let [sa, sb] = states;
    pack(_mm_add_epi32(abef_a, saved_abef_a), _mm_add_epi32(cdgh_a, saved_cdgh_a), sa);
    pack(_mm_add_epi32(abef_b, saved_abef_b), _mm_add_epi32(cdgh_b, saved_cdgh_b), sb);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(mut state: [u32; 8], block: [u8; 64]) -> [u32; 8] {
        sha2::block_api::compress256(&mut state, &[block]);
        state
    }

    #[test]
    fn fips_abc_block() {
        // "abc" padded: the FIPS 180-4 example, from the standard initial state.
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        let iv =
            [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
        let mut states = [iv, iv];
        compress2(&mut states, &[block, [0; 64]]);
        assert_eq!(states[0][0], 0xba7816bf);
        assert_eq!(states[0][7], 0xf20015ad);
        assert_eq!(states[1], reference(iv, [0; 64]));
    }

    proptest! {
        #[test]
        fn equals_sha2_on_any_states_and_blocks(
            a in any::<[u32; 8]>(), b in any::<[u32; 8]>(),
            x in proptest::collection::vec(any::<u8>(), 64), y in proptest::collection::vec(any::<u8>(), 64),
        ) {
            let (x, y): ([u8; 64], [u8; 64]) = (x.try_into().unwrap(), y.try_into().unwrap());
            let mut states = [a, b];
            compress2(&mut states, &[x, y]);
            prop_assert_eq!(states[0], reference(a, x));
            prop_assert_eq!(states[1], reference(b, y));
        }
    }
}
