//! Hashing of canonical values (SPEC §3): domain-separated SHA-256, or HMAC-SHA256 with a key.
//!
//! The message is `leakcheck:v1:<kind>:<canonical>`. Almost every message fits one 64-byte
//! SHA-256 block, so it is padded in a stack buffer and compressed directly: one compression
//! unkeyed, two keyed (the key's inner and outer HMAC states are computed once, when the key is
//! loaded, and wiped when the hasher is dropped). Longer messages take the general path.
//! [`Hasher::digest_all`] hashes a whole task's values: it pads every message first, then
//! compresses two at a time ([`shani`]).

mod shani;

use crate::kind::Kind;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// A SHA-256 or HMAC-SHA256 output.
pub type Digest = [u8; 32];

/// `leakcheck:v1:<kind>:`, the start of every hashed message (SPEC §3).
const fn message_prefix(kind: Kind) -> &'static [u8] {
    match kind {
        Kind::Nik => b"leakcheck:v1:nik:",
        Kind::Phone => b"leakcheck:v1:phone:",
        Kind::Email => b"leakcheck:v1:email:",
        Kind::NameDob => b"leakcheck:v1:name_dob:",
        Kind::Name => b"leakcheck:v1:name:",
        Kind::Dob => b"leakcheck:v1:dob:",
    }
}
/// The message whose HMAC identifies a key without revealing it (SPEC §3).
const KEY_CHECK_MESSAGE: &[u8] = b"leakcheck:v1:key-check";
/// What the key of a keyed index's value filter is derived from (never stored anywhere).
const FILTER_KEY_MESSAGE: &[u8] = b"leakcheck:v1:lcx-filter-key";
/// Keys shorter than this are refused (SPEC §3).
pub const MIN_KEY_LEN: usize = 16;
/// SHA-256's block size, which is also HMAC's padded key size.
const BLOCK: usize = 64;

/// Why a key was refused. Never holds the key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the key is {0} bytes long; at least {MIN_KEY_LEN} are needed")]
    TooShort(usize),
}

/// SHA-256 states after absorbing the key's HMAC inner and outer pads.
#[derive(Clone)]
struct KeyStates {
    inner: [u32; 8],
    outer: [u32; 8],
    /// The general HMAC, for messages longer than one block.
    mac: Hmac<Sha256>,
}

impl Drop for KeyStates {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// Hashes canonical values, keyed or not.
#[derive(Clone)]
pub struct Hasher {
    keyed: Option<Box<KeyStates>>,
}

impl Hasher {
    /// Plain SHA-256: reversible by brute force for NIKs and phones, so only for local use.
    pub fn unkeyed() -> Self {
        Hasher { keyed: None }
    }

    /// HMAC-SHA256 with `key` (at least [`MIN_KEY_LEN`] bytes).
    pub fn keyed(key: &[u8]) -> Result<Self, KeyError> {
        if key.len() < MIN_KEY_LEN {
            return Err(KeyError::TooShort(key.len()));
        }
        // RFC 2104: a key longer than a block is hashed first; the rest is zero-padded.
        let mut padded = Zeroizing::new([0u8; BLOCK]);
        if key.len() > BLOCK {
            let digest: Zeroizing<[u8; 32]> = Zeroizing::new(Sha256::digest(key).into());
            padded[..32].copy_from_slice(&digest[..]);
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let pad_state = |byte: u8| {
            let mut block = Zeroizing::new([0u8; BLOCK]);
            for (b, k) in block.iter_mut().zip(padded.iter()) {
                *b = k ^ byte;
            }
            let mut state = SHA256_IV;
            sha2::block_api::compress256(&mut state, &[*block]);
            state
        };
        // HMAC accepts keys of any length, so this cannot fail.
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| KeyError::TooShort(key.len()))?;
        Ok(Hasher {
            keyed: Some(Box::new(KeyStates { inner: pad_state(0x36), outer: pad_state(0x5c), mac })),
        })
    }

    pub fn is_keyed(&self) -> bool {
        self.keyed.is_some()
    }

    /// The digest of `leakcheck:v1:<kind>:<canonical>`.
    pub fn digest(&self, kind: Kind, canonical: &str) -> Digest {
        self.digest_message(message_prefix(kind), canonical.as_bytes())
    }

    fn digest_message(&self, prefix: &[u8], value: &[u8]) -> Digest {
        let len = prefix.len() + value.len();
        match &self.keyed {
            None if len <= ONE_BLOCK_MAX => one_block(SHA256_IV, 0, prefix, value),
            None => {
                let mut h = Sha256::new();
                h.update(prefix);
                h.update(value);
                h.finalize().into()
            }
            Some(k) if len <= ONE_BLOCK_MAX => {
                // HMAC = H(opad ‖ H(ipad ‖ message)); both pads are already absorbed.
                let inner = one_block(k.inner, BLOCK, prefix, value);
                one_block(k.outer, BLOCK, &inner, &[])
            }
            Some(k) => {
                let mut m = k.mac.clone();
                m.update(prefix);
                m.update(value);
                m.finalize().into_bytes().into()
            }
        }
    }

    /// Hashes many canonical values: `out` gets `digest(kind, value)` for each, in order.
    ///
    /// Every one-block message is padded first and compressed afterwards, two at a time: the
    /// pairs fill the SHA unit's idle cycles, and no compression waits for the stores of the
    /// block it has just built.
    pub fn digest_all<'a>(
        &self,
        values: impl IntoIterator<Item = (Kind, &'a str)>,
        scratch: &mut HashScratch,
        out: &mut Vec<Digest>,
    ) {
        let HashScratch { blocks, slots } = scratch;
        out.clear();
        blocks.clear();
        slots.clear();
        let before = if self.keyed.is_some() { BLOCK } else { 0 };
        for (kind, value) in values {
            let prefix = message_prefix(kind);
            if prefix.len() + value.len() <= ONE_BLOCK_MAX {
                // Built in place: a block built on the stack and copied would be read back
                // while its byte stores are still in flight, a stall on every value.
                // The block starts as the kind's prefix followed by zeros (one fixed-size copy).
                blocks.push(BLOCK_STARTS[kind.index()]);
                if let Some(block) = blocks.last_mut() {
                    finish_block(block, before, prefix.len(), value.as_bytes());
                }
                slots.push(out.len());
                out.push([0; 32]);
            } else {
                out.push(self.digest_message(prefix, value.as_bytes()));
            }
        }
        let Some(k) = &self.keyed else {
            compress_all(SHA256_IV, blocks, slots, out);
            return;
        };
        compress_all(k.inner, blocks, slots, out);
        for (block, &slot) in blocks.iter_mut().zip(slots.iter()) {
            block.fill(0);
            pad_into(block, BLOCK, &out[slot], &[]);
        }
        compress_all(k.outer, blocks, slots, out);
    }

    /// The first 16 hex digits of `HMAC(key, "leakcheck:v1:key-check")`, or `None` unkeyed.
    pub fn key_check(&self) -> Option<String> {
        self.keyed.as_ref()?;
        let full = to_hex(&self.digest_message(KEY_CHECK_MESSAGE, b""));
        Some(full[..16].to_string())
    }

    /// A 128-bit secret from the key, `HMAC(key, "leakcheck:v1:lcx-filter-key")[..16]`, for the
    /// keyed value filter of an index (SPEC §12); `None` unkeyed. Independent of the key check
    /// stored in the index (another message), so the index tells nothing of it.
    pub fn filter_secret(&self) -> Option<[u8; 16]> {
        self.keyed.as_ref()?;
        let mut secret = [0u8; 16];
        secret.copy_from_slice(&self.digest_message(FILTER_KEY_MESSAGE, b"")[..16]);
        Some(secret)
    }
}

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
/// Longest message that fits one 64-byte block with its `0x80` marker and 8-byte length.
const ONE_BLOCK_MAX: usize = 55;

/// Buffers [`Hasher::digest_all`] reuses: the padded blocks and where each one's digest goes.
#[derive(Default)]
pub struct HashScratch {
    blocks: Vec<[u8; BLOCK]>,
    slots: Vec<usize>,
}

impl HashScratch {
    /// Bytes its buffers hold on the heap, for callers that keep it only while it is small.
    pub fn heap_bytes(&self) -> usize {
        self.blocks.capacity() * BLOCK + self.slots.capacity() * size_of::<usize>()
    }
}

/// Compresses each block from `state` into `out[slots[i]]`, two at a time.
fn compress_all(state: [u32; 8], blocks: &[[u8; BLOCK]], slots: &[usize], out: &mut [Digest]) {
    let mut pairs = blocks.chunks_exact(2);
    let mut at = 0;
    for pair in &mut pairs {
        let mut states = [state; 2];
        shani::compress2(&mut states, &[pair[0], pair[1]]);
        out[slots[at]] = state_bytes(states[0]);
        out[slots[at + 1]] = state_bytes(states[1]);
        at += 2;
    }
    if let [last] = pairs.remainder() {
        let mut last_state = state;
        sha2::block_api::compress256(&mut last_state, &[*last]);
        out[slots[at]] = state_bytes(last_state);
    }
}

/// Each kind's message prefix at the start of an otherwise zero block, by [`Kind::index`].
const BLOCK_STARTS: [[u8; BLOCK]; crate::kind::KIND_COUNT] = {
    const KINDS: [Kind; crate::kind::KIND_COUNT] =
        [Kind::Nik, Kind::Phone, Kind::Email, Kind::NameDob, Kind::Name, Kind::Dob];
    let mut starts = [[0u8; BLOCK]; crate::kind::KIND_COUNT];
    let mut k = 0;
    while k < KINDS.len() {
        let prefix = message_prefix(KINDS[k]);
        let mut i = 0;
        while i < prefix.len() {
            starts[KINDS[k] as usize][i] = prefix[i];
            i += 1;
        }
        k += 1;
    }
    starts
};

/// Completes a block that holds `at` bytes of message followed by zeros: appends `value` (the
/// whole message at most [`ONE_BLOCK_MAX`] bytes), the `0x80` marker and the length in bits of
/// a message that had `before` bytes before this block.
fn finish_block(block: &mut [u8; BLOCK], before: usize, at: usize, value: &[u8]) {
    let len = at + value.len();
    block[at..len].copy_from_slice(value);
    block[len] = 0x80;
    block[56..].copy_from_slice(&(((before + len) as u64) * 8).to_be_bytes());
}

/// Writes `a ‖ b` (at most [`ONE_BLOCK_MAX`] bytes) into the zeroed `block` as the last block of
/// a message that had `before` bytes before it: the `0x80` marker and the length in bits.
fn pad_into(block: &mut [u8; BLOCK], before: usize, a: &[u8], b: &[u8]) {
    let len = a.len() + b.len();
    block[..a.len()].copy_from_slice(a);
    block[a.len()..len].copy_from_slice(b);
    block[len] = 0x80;
    block[56..].copy_from_slice(&(((before + len) as u64) * 8).to_be_bytes());
}

fn state_bytes(state: [u32; 8]) -> Digest {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Finishes a SHA-256 whose `state` has absorbed `before` bytes, with `a ‖ b` (at most
/// [`ONE_BLOCK_MAX`] bytes) as the last block: padded in a stack buffer and compressed once.
fn one_block(mut state: [u32; 8], before: usize, a: &[u8], b: &[u8]) -> Digest {
    let mut block = [0u8; BLOCK];
    pad_into(&mut block, before, a, b);
    sha2::block_api::compress256(&mut state, &[block]);
    state_bytes(state)
}

/// Lowercase hex of a digest.
pub fn to_hex(digest: &Digest) -> String {
    let mut s = String::with_capacity(64);
    push_hex(&mut s, digest);
    s
}

/// Appends the lowercase hex of `bytes` to `out`: two digits a byte from a table, where
/// `format!("{b:02x}")` per byte was a sixth of a scan whose every record is an exposure (each
/// exposure's fingerprint writes 32 bytes as hex per identity value, and 16 of its own).
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    out.reserve(2 * bytes.len());
    for &b in bytes {
        let [hi, lo] = hex_pair(b);
        out.push(char::from(hi));
        out.push(char::from(lo));
    }
}

/// [`push_hex`] into bytes.
pub fn extend_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(2 * bytes.len());
    for &b in bytes {
        out.extend_from_slice(&hex_pair(b));
    }
}

/// The two lowercase hex digits of a byte.
fn hex_pair(b: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xF)]]
}

/// Parses 64 hex digits (either case) into a digest.
pub fn from_hex(hex: &str) -> Option<Digest> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests;
