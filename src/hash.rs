//! Hashing of canonical values (SPEC §3): domain-separated SHA-256, or HMAC-SHA256 with a key.
//!
//! The message is `leakcheck:v1:<kind>:<canonical>`. It is fed to the hash in pieces, so hashing
//! a value allocates nothing. With a key, the keyed HMAC state is computed once and cloned per
//! value.

use crate::kind::Kind;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest as _, Sha256};
use std::fmt::Write;

/// A SHA-256 or HMAC-SHA256 output.
pub type Digest = [u8; 32];

/// `leakcheck:v1:<kind>:`, the start of every hashed message (SPEC §3).
fn message_prefix(kind: Kind) -> &'static [u8] {
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
/// Keys shorter than this are refused (SPEC §3).
pub const MIN_KEY_LEN: usize = 16;

/// Why a key was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the key is {0} bytes long; at least {MIN_KEY_LEN} are needed")]
    TooShort(usize),
}

/// Hashes canonical values, keyed or not.
#[derive(Clone)]
pub struct Hasher {
    keyed: Option<Hmac<Sha256>>,
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
        // HMAC accepts keys of any length, so this cannot fail.
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| KeyError::TooShort(key.len()))?;
        Ok(Hasher { keyed: Some(mac) })
    }

    pub fn is_keyed(&self) -> bool {
        self.keyed.is_some()
    }

    /// The digest of `leakcheck:v1:<kind>:<canonical>`.
    pub fn digest(&self, kind: Kind, canonical: &str) -> Digest {
        let parts = [message_prefix(kind), canonical.as_bytes()];
        match &self.keyed {
            None => sha256(&parts),
            Some(mac) => {
                let mut m = mac.clone();
                for part in parts {
                    m.update(part);
                }
                m.finalize().into_bytes().into()
            }
        }
    }

    /// The first 16 hex digits of `HMAC(key, "leakcheck:v1:key-check")`, or `None` unkeyed.
    pub fn key_check(&self) -> Option<String> {
        let mut m = self.keyed.clone()?;
        m.update(KEY_CHECK_MESSAGE);
        let full = to_hex(&m.finalize().into_bytes().into());
        Some(full[..16].to_string())
    }
}

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
/// Longest message that fits one 64-byte block with its `0x80` marker and 8-byte length.
const ONE_BLOCK_MAX: usize = 55;

/// SHA-256 of the concatenated `parts`. Almost every canonical message fits one block, so it is
/// padded in a stack buffer and compressed once, skipping the streaming hasher's bookkeeping.
fn sha256(parts: &[&[u8]]) -> Digest {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > ONE_BLOCK_MAX {
        let mut h = Sha256::new();
        for part in parts {
            h.update(part);
        }
        return h.finalize().into();
    }
    let mut block = [0u8; 64];
    let mut at = 0;
    for part in parts {
        block[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    block[at] = 0x80;
    block[56..].copy_from_slice(&((len as u64) * 8).to_be_bytes());
    let mut state = SHA256_IV;
    sha2::block_api::compress256(&mut state, &[block]);
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Lowercase hex of a digest.
pub fn to_hex(digest: &Digest) -> String {
    let mut s = String::with_capacity(64);
    for b in digest {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
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
mod tests {
    use super::*;

    /// SPEC §3 test vectors: kind, canonical, SHA-256, HMAC-SHA256 with the 30-byte key.
    const VECTORS: [(Kind, &str, &str, &str); 5] = [
        (
            Kind::Nik,
            "3201014107900001",
            "e77a3d6148b08bd89fa92cd9b384fac919d09bda67a4ee94a2a115b645a0fdfe",
            "a0dead7a8144871c37b70dd4c3479ad1d0c30a8d27f39ee3c110857efc2549e0",
        ),
        (
            Kind::Phone,
            "+6281234567890",
            "0766065f448af2ca561aec9e51ad8398b948bd8e911aa9a842323c07ac164804",
            "0069e77f5ac9e86f6d63301e276940c0ca88a9dd1657efccc5f71a8bc9ef35b8",
        ),
        (
            Kind::Email,
            "budisantoso@gmail.com",
            "561a9718c0e69059dc9585bc22107350093014db522dededba329f28582d8bcf",
            "caa7701dc91d7c5bc71b324c757206b74be011a3aa31d5424cb98ca8919495b2",
        ),
        (
            Kind::Name,
            "siti nurhaliza",
            "0e324c23e7a917f597a45c790785caa7812337d0691bed8a5c5110a8f714babe",
            "45a962435a772307a81b9dd82c0a4a6833bcafba3768823712cfcbe1fd20e68b",
        ),
        (
            Kind::NameDob,
            "siti nurhaliza|1990-07-01",
            "bf4dad9ff50e7903335c05d4e5cadf30712ff879130624498d3df144a1c77364",
            "9340ffb2ef7e8d5fe3ed4aba81030fe90324394c73c6d0b472701a1b6b57f8c4",
        ),
    ];
    const KEY: &[u8] = b"kunci-rahasia-rumah-sakit-2021";

    #[test]
    fn unkeyed_vectors_of_spec_section_3() {
        let h = Hasher::unkeyed();
        for (kind, canonical, sha, _) in VECTORS {
            assert_eq!(to_hex(&h.digest(kind, canonical)), sha, "{kind} {canonical}");
        }
        assert_eq!(h.key_check(), None);
    }

    #[test]
    fn keyed_vectors_of_spec_section_3() {
        let h = Hasher::keyed(KEY).unwrap();
        for (kind, canonical, _, hmac) in VECTORS {
            assert_eq!(to_hex(&h.digest(kind, canonical)), hmac, "{kind} {canonical}");
        }
        assert_eq!(h.key_check().as_deref(), Some("368b69be2d18eca3"));
    }

    #[test]
    fn message_prefixes_spell_the_kind() {
        for kind in Kind::MATCHED.into_iter().chain([Kind::Dob]) {
            assert_eq!(message_prefix(kind), format!("leakcheck:v1:{kind}:").as_bytes());
        }
    }

    #[test]
    fn short_keys_are_refused() {
        assert_eq!(Hasher::keyed(b"too-short").err(), Some(KeyError::TooShort(9)));
        assert!(Hasher::keyed(&[7u8; MIN_KEY_LEN]).is_ok());
    }

    #[test]
    fn one_block_fast_path_equals_streaming_sha256() {
        let text = "x".repeat(130);
        for len in 0..=130 {
            let (a, b) = text.split_at(len / 3);
            let b = &b[..len - len / 3];
            let mut h = Sha256::new();
            h.update(a.as_bytes());
            h.update(b.as_bytes());
            let want: Digest = h.finalize().into();
            assert_eq!(sha256(&[a.as_bytes(), b.as_bytes()]), want, "length {len}");
        }
    }

    #[test]
    fn hex_round_trips() {
        let d = Hasher::unkeyed().digest(Kind::Nik, "3201014107900001");
        assert_eq!(from_hex(&to_hex(&d)), Some(d));
        assert_eq!(from_hex(&to_hex(&d).to_uppercase()), Some(d));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex(&"g".repeat(64)), None);
    }
}
