//! Matching one record against the watchlist (SPEC §6): normalize each value, hash it, look the
//! digest up, and group the hits by watch entry.
//!
//! Runs on the workers for every record, so it reuses one [`MatchScratch`] per worker and
//! allocates only when a record matches.

use crate::hash::Hasher;
use crate::kind::{KIND_COUNT, Kind, KindSet};
use crate::normalize;
use crate::watchlist::{EntryId, Watchlist};

/// A value of the record shown in reports: as found, and canonical (for masking).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownValue {
    pub raw: String,
    pub canonical: String,
}

/// The record's own values for `nik`, `phone`, `email`, `name` (in [`Kind::SHOWN`] order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShownValues(pub [Option<ShownValue>; 4]);

impl ShownValues {
    pub fn iter(&self) -> impl Iterator<Item = (Kind, &ShownValue)> {
        Kind::SHOWN.into_iter().zip(&self.0).filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    }
}

/// One (record, watch entry) pair that shares at least one digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub entry: EntryId,
    pub matched: KindSet,
    pub values: ShownValues,
}

/// Per-kind counts of values that had no canonical form.
pub type InvalidCounts = [u64; KIND_COUNT];

#[derive(Clone, Copy, Debug)]
struct Value {
    kind: Kind,
    raw: (usize, usize),
    canonical: (usize, usize),
}

#[derive(Clone, Copy, Debug)]
struct Hit {
    entry: EntryId,
    kind: Kind,
    /// The value that matched; for `name_dob`, the name.
    value: usize,
}

/// Buffers one worker reuses for every record.
#[derive(Default)]
pub struct MatchScratch {
    raw: String,
    canonical: String,
    values: Vec<Value>,
    hits: Vec<Hit>,
    tmp: String,
    /// This record's invalid values, added to the totals only if the record is not bad.
    invalid: InvalidCounts,
    /// Values (valid or not) this record held.
    seen: u64,
}

impl MatchScratch {
    /// Identity values (valid or not) of the current record.
    pub fn values_seen(&self) -> u64 {
        self.seen
    }
}

/// Matches records against a watchlist with one hasher.
pub struct Matcher<'a> {
    pub watchlist: &'a Watchlist,
    pub hasher: &'a Hasher,
}

impl Matcher<'_> {
    /// Starts a record: forgets the previous one's values and hits.
    pub fn begin(&self, s: &mut MatchScratch) {
        s.raw.clear();
        s.canonical.clear();
        s.values.clear();
        s.hits.clear();
        s.invalid = [0; KIND_COUNT];
        s.seen = 0;
    }

    /// Adds one field of the record: skipped when absent, split when it holds several phones,
    /// normalized, hashed and looked up.
    pub fn add_field(&self, kind: Kind, raw: &str, s: &mut MatchScratch) {
        if normalize::is_absent(raw) {
            return;
        }
        if kind == Kind::Phone {
            normalize::for_each_phone(raw, |piece| self.add_value(kind, piece, s));
        } else {
            self.add_value(kind, raw, s);
        }
    }

    /// Ends the record: adds its invalid-value counts to `invalid` and returns the pairs it forms
    /// with watch entries, ordered by entry.
    pub fn finish(&self, s: &mut MatchScratch, invalid: &mut InvalidCounts) -> Vec<Pair> {
        for (total, n) in invalid.iter_mut().zip(s.invalid) {
            *total += n;
        }
        self.add_name_dob(s);
        if s.hits.is_empty() {
            return Vec::new();
        }
        s.hits.sort_by_key(|h| h.entry);
        s.hits
            .chunk_by(|a, b| a.entry == b.entry)
            .map(|hits| Pair {
                entry: hits[0].entry,
                matched: hits.iter().map(|h| h.kind).collect(),
                values: shown_values(s, hits),
            })
            .collect()
    }

    /// Matches a whole record given as (kind, raw value) fields.
    pub fn match_fields<'v>(
        &self,
        fields: impl IntoIterator<Item = (Kind, &'v str)>,
        s: &mut MatchScratch,
        invalid: &mut InvalidCounts,
    ) -> Vec<Pair> {
        self.begin(s);
        for (kind, raw) in fields {
            self.add_field(kind, raw, s);
        }
        self.finish(s, invalid)
    }

    fn add_value(&self, kind: Kind, raw: &str, s: &mut MatchScratch) {
        s.seen += 1;
        if normalize::normalize_into(kind, raw, &mut s.tmp).is_err() {
            s.invalid[kind.index()] += 1;
            return;
        }
        let value = s.values.len();
        let raw_start = s.raw.len();
        s.raw.push_str(normalize::trim(raw));
        let canonical_start = s.canonical.len();
        s.canonical.push_str(&s.tmp);
        s.values.push(Value {
            kind,
            raw: (raw_start, s.raw.len()),
            canonical: (canonical_start, s.canonical.len()),
        });
        if kind != Kind::Dob {
            let digest = self.hasher.digest(kind, &s.tmp);
            for &entry in self.watchlist.lookup(&digest) {
                s.hits.push(Hit { entry, kind, value });
            }
        }
    }

    /// Hashes every (name, dob) pair of the record as `name_dob`.
    fn add_name_dob(&self, s: &mut MatchScratch) {
        for (n, name) in s.values.iter().enumerate().filter(|(_, v)| v.kind == Kind::Name) {
            for dob in s.values.iter().filter(|v| v.kind == Kind::Dob) {
                s.tmp.clear();
                s.tmp.push_str(&s.canonical[name.canonical.0..name.canonical.1]);
                s.tmp.push('|');
                s.tmp.push_str(&s.canonical[dob.canonical.0..dob.canonical.1]);
                let digest = self.hasher.digest(Kind::NameDob, &s.tmp);
                for &entry in self.watchlist.lookup(&digest) {
                    s.hits.push(Hit { entry, kind: Kind::NameDob, value: n });
                }
            }
        }
    }
}

/// For each shown kind, the value that matched this entry, else the record's first valid one.
fn shown_values(s: &MatchScratch, hits: &[Hit]) -> ShownValues {
    let mut shown = ShownValues::default();
    for (slot, kind) in shown.0.iter_mut().zip(Kind::SHOWN) {
        let matched = hits
            .iter()
            .find(|h| h.kind == kind || (kind == Kind::Name && h.kind == Kind::NameDob))
            .map(|h| h.value);
        let index = matched.or_else(|| s.values.iter().position(|v| v.kind == kind));
        *slot = index.map(|i| {
            let v = &s.values[i];
            ShownValue {
                raw: s.raw[v.raw.0..v.raw.1].to_string(),
                canonical: s.canonical[v.canonical.0..v.canonical.1].to_string(),
            }
        });
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watchlist::{LoadOptions, load};
    use std::io::Write;

    fn watchlist(text: &str) -> Watchlist {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        load(&[f.path().to_path_buf()], &Hasher::unkeyed(), LoadOptions::default()).unwrap()
    }

    fn run(w: &Watchlist, values: &[(Kind, &str)]) -> (Vec<(String, String)>, InvalidCounts) {
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: w, hasher: &hasher };
        let mut invalid = [0; KIND_COUNT];
        let pairs = m.match_fields(values.iter().copied(), &mut MatchScratch::default(), &mut invalid);
        let out = pairs.iter().map(|p| (w.entry(p.entry).label.clone(), p.matched.joined("+"))).collect();
        (out, invalid)
    }

    const PEOPLE: &str = "id,nik,nama,tgl_lahir,no_hp,email\n\
        P1,3201014107900001,Siti Nurhaliza,01-07-1990,0812-3456-7890,siti@example.com\n\
        P2,,Budi Santoso,,,\n";

    #[test]
    fn kinds_are_grouped_per_entry() {
        let w = watchlist(PEOPLE);
        let (pairs, _) = run(
            &w,
            &[
                (Kind::Nik, "'3201.0141.0790.0001"),
                (Kind::Name, "Hj. Siti Nurhaliza, S.E."),
                (Kind::Dob, "1 Juli 1990"),
                (Kind::Phone, "021-555-1234 / +62 812 3456 7890"),
                (Kind::Email, "SITI@example.com"),
            ],
        );
        assert_eq!(pairs, [("P1".to_string(), "nik+phone+email+name_dob+name".to_string())]);
    }

    #[test]
    fn a_name_alone_is_only_possible() {
        let w = watchlist(PEOPLE);
        let (pairs, _) = run(&w, &[(Kind::Name, "BUDI SANTOSO"), (Kind::Dob, "1980-01-01")]);
        assert_eq!(pairs, [("P2".to_string(), "name".to_string())]);
        let (pairs, _) = run(&w, &[(Kind::Name, "Siti Nurhaliza"), (Kind::Dob, "02-07-1990")]);
        assert_eq!(pairs, [("P1".to_string(), "name".to_string())]);
    }

    #[test]
    fn invalid_values_are_counted_and_absent_ones_are_not() {
        let w = watchlist(PEOPLE);
        let (pairs, invalid) = run(
            &w,
            &[
                (Kind::Nik, "3.20101E+15"),
                (Kind::Phone, "0812 / 12"),
                (Kind::Email, "  "),
                (Kind::Dob, "31-02-1990"),
            ],
        );
        assert!(pairs.is_empty());
        assert_eq!(invalid[Kind::Nik.index()], 1);
        assert_eq!(invalid[Kind::Phone.index()], 2);
        assert_eq!(invalid[Kind::Email.index()], 0);
        assert_eq!(invalid[Kind::Dob.index()], 1);
    }

    #[test]
    fn shown_values_prefer_the_matching_one() {
        let w = watchlist(PEOPLE);
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: &w, hasher: &hasher };
        let mut invalid = [0; KIND_COUNT];
        let r = [(Kind::Phone, "0813-0000-1111 atau 0812-3456-7890"), (Kind::Name, "X")];
        let pairs = m.match_fields(r, &mut MatchScratch::default(), &mut invalid);
        let phone = pairs[0].values.0[1].as_ref().unwrap();
        assert_eq!(phone.raw, "0812-3456-7890");
        assert_eq!(phone.canonical, "+6281234567890");
        let name = pairs[0].values.0[3].as_ref().unwrap();
        assert_eq!(name.canonical, "x");
    }
}
