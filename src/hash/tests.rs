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
    assert!(!h.is_keyed());
}

#[test]
fn keyed_vectors_of_spec_section_3() {
    let h = Hasher::keyed(KEY).unwrap();
    for (kind, canonical, _, hmac) in VECTORS {
        assert_eq!(to_hex(&h.digest(kind, canonical)), hmac, "{kind} {canonical}");
    }
    assert_eq!(h.key_check().as_deref(), Some("368b69be2d18eca3"));
    assert!(h.is_keyed());
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

fn reference_sha256(message: &[u8]) -> Digest {
    Sha256::digest(message).into()
}

fn reference_hmac(key: &[u8], message: &[u8]) -> Digest {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(message);
    m.finalize().into_bytes().into()
}

#[test]
fn fast_paths_equal_the_general_algorithms_at_every_length() {
    let text = "x".repeat(200);
    // Keys shorter than, equal to and longer than a block (which HMAC hashes first).
    let keys = [vec![3u8; 16], vec![5u8; 64], vec![9u8; 100]];
    for len in 0..=150 {
        let value = &text[..len];
        let mut message = message_prefix(Kind::Name).to_vec();
        message.extend_from_slice(value.as_bytes());
        assert_eq!(Hasher::unkeyed().digest(Kind::Name, value), reference_sha256(&message), "length {len}");
        for key in &keys {
            let h = Hasher::keyed(key).unwrap();
            assert_eq!(
                h.digest(Kind::Name, value),
                reference_hmac(key, &message),
                "length {len} key {}",
                key.len()
            );
        }
    }
}

#[test]
fn digest_all_equals_digest_one_by_one() {
    // Every length around the one-block limit, every kind, odd and even counts, keyed or not.
    let text = "y".repeat(80);
    let values: Vec<(Kind, &str)> =
        (0..=70).map(|len| (Kind::MATCHED[len % Kind::MATCHED.len()], &text[..len])).collect();
    for hasher in [Hasher::unkeyed(), Hasher::keyed(&[4u8; 32]).unwrap()] {
        let mut scratch = HashScratch::default();
        let mut out = Vec::new();
        for n in [0, 1, 2, 3, values.len()] {
            hasher.digest_all(values[..n].iter().copied(), &mut scratch, &mut out);
            let expected: Vec<Digest> = values[..n].iter().map(|&(k, v)| hasher.digest(k, v)).collect();
            assert_eq!(out, expected, "{n} values, keyed {}", hasher.is_keyed());
        }
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

#[test]
fn push_hex_writes_every_byte_as_format_does_after_what_the_string_holds() {
    let bytes: Vec<u8> = (0..=255).collect();
    let mut out = String::from("x:");
    push_hex(&mut out, &bytes);
    let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(out, format!("x:{expected}"));
}
