//! A record that matched, as [`Matcher::finish_task`](super::Matcher::finish_task) passes it:
//! its pairs, each naming the values it shows by their place among the record's values, its
//! identity digests and its values, all borrowed from the worker's scratch (nothing is copied
//! per pair); and the rules that pick the shown values and find the name-only pairs the record
//! contradicts (SPEC §6 1.1, §7).

use super::{Hit, MatchScratch, Pair, RecordMark, ShownValue, ShownValues, Value};
use crate::hash::Digest;
use crate::kind::{Kind, KindSet};
use crate::normalize;
use crate::watchlist::EntryId;

/// One (record, watch entry) pair that shares at least one digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairMark {
    pub entry: EntryId,
    pub matched: KindSet,
    /// For each of [`Kind::SHOWN`], the record's value a report shows (see [`shown`]), by its
    /// place among the record's values ([`RecordMatch::raw`], [`RecordMatch::canonical`]).
    pub shown: [Option<u32>; 4],
}

/// A record that forms pairs with watch entries.
#[derive(Clone, Copy, Debug)]
pub struct RecordMatch<'s> {
    pub record: u64,
    pub line: u64,
    /// Ordered by entry; none from a screening scratch.
    pub pairs: &'s [PairMark],
    /// The digest of each of the record's identity values (nik, phone, email, name, name_dob)
    /// as this scan computes them, for the exposures' fingerprints (SPEC §7 1.1); none from a
    /// screening scratch.
    pub identity: &'s [(Kind, Digest)],
    values: &'s [Value],
    raw: &'s str,
    canonical: &'s str,
}

impl<'s> RecordMatch<'s> {
    /// A record a screening scratch found to match: its number and line only.
    pub(super) fn screened(mark: RecordMark) -> Self {
        RecordMatch {
            record: mark.record,
            line: mark.line,
            pairs: &[],
            identity: &[],
            values: &[],
            raw: "",
            canonical: "",
        }
    }

    /// The record of `mark`, with the pairs and identity the scratch holds for it.
    pub(super) fn of(s: &'s MatchScratch, mark: RecordMark) -> Self {
        RecordMatch {
            record: mark.record,
            line: mark.line,
            pairs: &s.pairs,
            identity: &s.identity,
            values: s.values.get(mark.values.0..mark.values.1).unwrap_or_default(),
            raw: &s.raw,
            canonical: &s.canonical,
        }
    }

    /// How many valid values the record has: every value index is below it.
    pub fn values(&self) -> usize {
        self.values.len()
    }

    /// Value `i` as found in the dump (trimmed).
    pub fn raw(&self, i: u32) -> &'s str {
        self.values.get(i as usize).and_then(|v| self.raw.get(v.raw.0..v.raw.1)).unwrap_or_default()
    }

    /// Value `i` in canonical form (for masking).
    pub fn canonical(&self, i: u32) -> &'s str {
        self.values
            .get(i as usize)
            .and_then(|v| self.canonical.get(v.canonical.0..v.canonical.1))
            .unwrap_or_default()
    }

    /// The record's first valid date of birth (SPEC §7 1.1 `values.dob`).
    pub fn dob(&self) -> Option<u32> {
        self.values.iter().position(|v| v.kind == Kind::Dob).map(|i| i as u32)
    }

    /// Value `i` as found and canonical, owned.
    pub fn shown_value(&self, i: u32) -> ShownValue {
        ShownValue { raw: self.raw(i).to_string(), canonical: self.canonical(i).to_string() }
    }

    /// The pairs with their values, date of birth and identity copied into each.
    pub fn owned_pairs(&self) -> Vec<Pair> {
        let dob = self.dob().map(|i| self.shown_value(i));
        self.pairs
            .iter()
            .map(|pair| Pair {
                entry: pair.entry,
                matched: pair.matched,
                values: ShownValues(pair.shown.map(|i| i.map(|i| self.shown_value(i)))),
                dob: dob.clone(),
                identity: self.identity.to_vec(),
            })
            .collect()
    }
}

/// For each shown kind, the value that matched this entry (the first of `hits`, the entry's
/// hits in value order), else the record's first valid one; by place among the record's values
/// (`record` is their range in `values`).
pub(super) fn shown(values: &[Value], (first, end): (usize, usize), hits: &[Hit]) -> [Option<u32>; 4] {
    let record = values.get(first..end).unwrap_or_default();
    Kind::SHOWN.map(|kind| {
        let matched = hits
            .iter()
            .find(|h| h.kind == kind || (kind == Kind::Name && h.kind == Kind::NameDob))
            .map(|h| h.value - first);
        matched.or_else(|| record.iter().position(|v| v.kind == kind)).map(|i| i as u32)
    })
}

/// The kinds of an entry that a record (its `values`, their canonical text in `canonical`)
/// contradicts when they share only a name (SPEC §6 1.1): `name_dob` when the record has a valid
/// birth date, `nik` when it has a structurally valid NIK. They share none, or the pair would have
/// matched `name_dob` (the entry holds every name and date pair, and the record's name is one of
/// its names) or `nik`. A person has one birth date and one NIK; a placeholder NIK (`0000…`) is
/// not structurally valid and contradicts nothing.
pub(super) fn contradiction(values: &[Value], canonical: &str) -> KindSet {
    let text = |v: &Value| canonical.get(v.canonical.0..v.canonical.1).unwrap_or_default();
    let mut kinds = KindSet::default();
    if values.iter().any(|v| v.kind == Kind::Dob) {
        kinds.insert(Kind::NameDob);
    }
    if values.iter().any(|v| v.kind == Kind::Nik && normalize::is_structurally_valid_nik(text(v))) {
        kinds.insert(Kind::Nik);
    }
    kinds
}
