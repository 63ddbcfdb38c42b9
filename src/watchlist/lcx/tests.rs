//! The index answers exactly what the in-memory lookup answers, and a damaged one answers
//! nothing wrong.

use super::*;
use crate::hash::Hasher;
use crate::kind::Kind;
use crate::watchlist::index::DigestIndex;
use crate::watchlist::prefilter::ValueKey;

/// A watch entry as the index builder takes it: label, kinds, digests, and the canonical
/// values they were made from (for the value filter's keys).
type Person = (String, KindSet, Vec<(Kind, Digest)>, Vec<(Kind, String)>);

/// `people` entries, each with one to three identifiers; every seventh shares a NIK with the
/// one before it (duplicate identifiers across people).
fn people(people: usize) -> Vec<Person> {
    (0..people)
        .map(|i| {
            let nik = if i % 7 == 6 { i - 1 } else { i };
            let mut values = vec![(Kind::Nik, format!("{nik:016}"))];
            if i % 2 == 0 {
                values.push((Kind::Phone, format!("+62812{i:08}")));
            }
            if i % 3 == 0 {
                values.push((Kind::Email, format!("p{i}@example.com")));
            }
            let digests =
                values.iter().map(|(k, v)| (*k, HASHER.with(|h| h.digest(*k, v)))).collect::<Vec<_>>();
            let kinds = digests.iter().map(|(k, _)| *k).collect();
            (format!("P-{i}"), kinds, digests, values)
        })
        .collect()
}

thread_local! {
    static HASHER: Hasher = Hasher::unkeyed();
}

fn meta() -> Meta {
    Meta { keyed: false, key_check: None, rules: "1.1".into(), crowded_limit: 100, progress: false }
}

/// The index of `entries` built with sort runs of `budget` bytes, as bytes.
fn build(entries: &[Person], budget: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let mut builder = IndexBuilder::new(dir.path(), budget).unwrap();
    for (label, kinds, digests, values) in entries {
        let keys: Vec<u64> = values.iter().map(|(k, v)| ValueKey::Unkeyed.key(*k, v.as_bytes())).collect();
        builder.add(label, *kinds, digests, Some(&keys)).unwrap();
    }
    let mut out = Vec::new();
    builder.finish(&mut out, &meta()).unwrap();
    out
}

fn open(bytes: &[u8]) -> Result<LcxIndex, String> {
    let mut file = tempfile::tempfile().unwrap();
    std::io::Write::write_all(&mut file, bytes).unwrap();
    LcxIndex::open(&file)
}

/// A value to look up: its filter key and its digest.
type Probe = (u64, Digest);

/// Every answer of the index for `probes`, as a scan asks (the value filter, then the digest):
/// the (label, kinds) of each entry per value.
fn answers(index: &LcxIndex, probes: &[Probe]) -> Vec<Vec<(String, KindSet)>> {
    probes
        .iter()
        .map(|(key, d)| {
            if !index.may_contain(*key) {
                return Vec::new();
            }
            index
                .find(d)
                .map(|p| index.entry(index.entry_at(p)).map(|(l, k)| (l.to_string(), k)).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// Values on the list and as many that are not.
fn probes(entries: &[Person]) -> Vec<Probe> {
    let on = entries.iter().flat_map(|(_, _, _, values)| values.iter().cloned());
    let off = (0..entries.len()).map(|i| (Kind::Name, format!("nobody {i}")));
    on.chain(off)
        .map(|(k, v)| (ValueKey::Unkeyed.key(k, v.as_bytes()), HASHER.with(|h| h.digest(k, &v))))
        .collect()
}

/// What the in-memory lookup answers for the same entries.
fn expected(entries: &[Person], probes: &[Probe]) -> Vec<Vec<(String, KindSet)>> {
    let pairs = entries
        .iter()
        .enumerate()
        .flat_map(|(id, (_, _, digests, _))| digests.iter().map(move |(_, d)| (*d, id as u32)))
        .collect();
    let memory = DigestIndex::build(pairs);
    probes
        .iter()
        .map(|(_, d)| {
            memory
                .get(d)
                .iter()
                .map(|&(_, id)| (entries[id as usize].0.clone(), entries[id as usize].1))
                .collect()
        })
        .collect()
}

#[test]
fn the_index_answers_what_the_in_memory_lookup_answers_in_one_run_or_many() {
    for (count, budget) in
        [(1, RUN_BUDGET), (50, RUN_BUDGET), (700, RUN_BUDGET), (700, 20 * 37), (3000, 20 * 1000)]
    {
        let entries = people(count);
        let probes = probes(&entries);
        let index = open(&build(&entries, budget)).unwrap();
        assert_eq!(index.trailer.entries, count as u64);
        assert_eq!(
            answers(&index, &probes),
            expected(&entries, &probes),
            "{count} people, runs of {budget} bytes"
        );
        assert!(!index.is_corrupt());
    }
}

#[test]
fn a_digest_several_people_hold_gives_each_of_them_in_load_order() {
    let entries = people(14);
    let index = open(&build(&entries, 20 * 3)).unwrap();
    let nik = format!("{:016}", 5);
    let shared =
        (ValueKey::Unkeyed.key(Kind::Nik, nik.as_bytes()), Hasher::unkeyed().digest(Kind::Nik, &nik));
    assert_eq!(
        answers(&index, &[shared])[0].iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
        ["P-5", "P-6"]
    );
}

#[test]
fn an_empty_index_opens_and_finds_nothing() {
    let index = open(&build(&[], RUN_BUDGET)).unwrap();
    assert_eq!((index.trailer.entries, index.trailer.identifiers), (0, 0));
    assert!(index.find(&[0; 32]).is_empty());
    assert!(!index.may_contain(0) && !index.may_contain(u64::MAX));
}

#[test]
fn a_corrupt_byte_anywhere_is_an_error_or_a_flagged_index_never_a_wrong_answer() {
    let entries = people(40);
    let probes = probes(&entries);
    let good = build(&entries, RUN_BUDGET);
    let right = expected(&entries, &probes);
    let (mut refused, mut flagged) = (0, 0);
    for at in 0..good.len() {
        for flip in [0x01u8, 0x80] {
            let mut bad = good.clone();
            bad[at] ^= flip;
            let Ok(index) = open(&bad) else {
                refused += 1;
                continue;
            };
            let got = answers(&index, &probes);
            if index.is_corrupt() {
                flagged += 1;
            } else {
                assert_eq!(got, right, "byte {at} ^ {flip:#x} gave a wrong answer unflagged");
            }
        }
    }
    // The whole file is one checksummed block, touched by every lookup: nothing goes unseen.
    assert_eq!(refused + flagged, good.len() * 2, "{refused} refused, {flagged} flagged");
}

#[test]
fn a_truncated_index_is_refused_at_every_length() {
    let good = build(&people(20), RUN_BUDGET);
    for len in 0..good.len() {
        let error = open(&good[..len]).err().unwrap_or_else(|| panic!("{len} bytes opened"));
        assert!(error.contains("cut short") || error.contains("not a leakcheck index"), "{len}: {error}");
    }
}

#[test]
fn another_format_version_is_refused_with_both_versions_named() {
    let mut bytes = build(&people(3), RUN_BUDGET);
    // Version 1 (session 8): no value filter.
    bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
    let error = open(&bytes).err().unwrap_or_default();
    assert!(error.contains("version 1 is not supported") && error.contains("reads version 2"), "{error}");
}

#[test]
fn an_index_stores_at_most_24_bytes_per_identifier_besides_its_labels() {
    let entries = people(5000);
    let bytes = build(&entries, RUN_BUDGET);
    let index = open(&bytes).unwrap();
    let labels = index.trailer.sections[format::LABELS].1
        + index.trailer.sections[format::ENDS].1
        + index.trailer.sections[format::KINDS].1;
    let per_identifier = (bytes.len() as u64 - labels) as f64 / index.trailer.identifiers as f64;
    assert!(per_identifier <= 24.0, "{per_identifier:.1} bytes per identifier");
}

/// The index of `entries` with its trailer rewritten by `change` and its checksum recomputed,
/// as a crafted file would be.
fn with_trailer(bytes: &[u8], change: impl FnOnce(&mut format::Trailer)) -> Vec<u8> {
    let at = bytes.len() - format::TRAILER_LEN;
    let mut trailer = format::Trailer::decode(&bytes[at..]).unwrap();
    change(&mut trailer);
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(&trailer.encode());
    out
}

#[test]
fn a_crafted_trailer_that_moves_a_section_is_refused_on_open() {
    // 37 people: the table ends 44 bytes before the next 64-byte boundary, so moving it by a
    // few bytes keeps it inside the file and before the Bloom filter (what the old check
    // allowed: every block checksum still matched and the records were read 4 bytes off).
    let entries = people(37);
    let good = build(&entries, RUN_BUDGET);
    let sections = open(&good).unwrap().trailer.sections;
    for (section, &(at, len)) in sections.iter().enumerate() {
        for delta in [-64i64, -8, -4, -1, 1, 4, 8, 20, 64] {
            let Some(offset) = at.checked_add_signed(delta) else { continue };
            let bad = with_trailer(&good, |t| t.sections[section].0 = offset);
            assert!(open(&bad).is_err(), "section {section} moved by {delta} opened");
        }
        for delta in [-1i64, 1, 64] {
            let Some(size) = len.checked_add_signed(delta) else { continue };
            let bad = with_trailer(&good, |t| t.sections[section].1 = size);
            assert!(open(&bad).is_err(), "section {section} resized by {delta} opened");
        }
    }
    // Labels and checksums moved together keep their own sizes: still refused.
    let bad = with_trailer(&good, |t| {
        t.sections[format::LABELS].0 += 64;
        t.sections[format::LABELS].1 -= 64.min(t.sections[format::LABELS].1);
    });
    assert!(open(&bad).is_err());
    assert!(open(&with_trailer(&good, |_| {})).is_ok());
}

#[test]
fn the_value_filter_passes_every_value_on_the_list_and_few_others() {
    let entries = people(3000);
    let index = open(&build(&entries, RUN_BUDGET)).unwrap();
    for (_, _, _, values) in &entries {
        for (kind, value) in values {
            assert!(index.may_contain(ValueKey::Unkeyed.key(*kind, value.as_bytes())), "{kind} {value}");
        }
    }
    let passing = (0..100_000)
        .filter(|i| index.may_contain(ValueKey::Unkeyed.key(Kind::Nik, format!("33{i:014}").as_bytes())))
        .count();
    // About 0.7 % expected (16 bits, 3 probes a value); the bound leaves room for the spread.
    assert!(passing < 2_000, "{passing} of 100000 values not on the list passed");
    assert!(!index.is_corrupt());
}

#[test]
fn a_keyed_value_key_depends_on_the_key_and_differs_from_the_unkeyed_one() {
    let a = ValueKey::of(&Hasher::keyed(b"0123456789abcdef-key-a").unwrap());
    let b = ValueKey::of(&Hasher::keyed(b"0123456789abcdef-key-b").unwrap());
    assert_eq!(ValueKey::of(&Hasher::unkeyed()), ValueKey::Unkeyed);
    let nik = b"3201014107900001";
    let keys = [a, b, ValueKey::Unkeyed].map(|k| k.key(Kind::Nik, nik));
    assert!(keys[0] != keys[1] && keys[0] != keys[2] && keys[1] != keys[2], "{keys:?}");
    // The kind is part of the message.
    assert_ne!(a.key(Kind::Nik, nik), a.key(Kind::Phone, nik));
    assert_eq!(
        a.key(Kind::Nik, nik),
        ValueKey::of(&Hasher::keyed(b"0123456789abcdef-key-a").unwrap()).key(Kind::Nik, nik)
    );
}

#[test]
fn an_index_of_a_hashed_list_has_no_value_filter_and_passes_every_value() {
    let entries = people(50);
    let dir = tempfile::tempdir().unwrap();
    let mut builder = IndexBuilder::new(dir.path(), RUN_BUDGET).unwrap();
    for (i, (label, kinds, digests, _)) in entries.iter().enumerate() {
        // The first entry's values are known, the rest came as digests only.
        let keys = [ValueKey::Unkeyed.key(Kind::Name, b"x")];
        builder.add(label, *kinds, digests, (i == 0).then_some(&keys[..])).unwrap();
    }
    let mut out = Vec::new();
    builder.finish(&mut out, &meta()).unwrap();
    let index = open(&out).unwrap();
    assert!(!index.has_filter());
    let probes = probes(&entries);
    assert_eq!(answers(&index, &probes), expected(&entries, &probes));
}
