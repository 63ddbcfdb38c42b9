//! Matching records against the watchlist (SPEC §6): normalize each value, hash it, look the
//! digest up, and group the hits by record and watch entry.
//!
//! Runs on the workers for every task of records, so it reuses one [`MatchScratch`] per worker
//! and allocates only when a record matches.

use crate::hash::{Digest, HashScratch, Hasher};
use crate::kind::{KIND_COUNT, Kind, KindSet};
use crate::normalize::{self, Invalid};
use crate::watchlist::{EntryId, Watchlist};

mod record;
pub use record::{PairMark, RecordMatch};

/// A value of the record shown in reports: as found, and canonical (for masking).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// The record's first valid date of birth (SPEC §7 1.1 `values.dob`).
    pub dob: Option<ShownValue>,
    /// The digest of each of the record's identity values (nik, phone, email, name, name_dob)
    /// as this scan computes them, for the exposure's fingerprint (SPEC §7 1.1).
    pub identity: Vec<(Kind, Digest)>,
}

/// Per-kind counts of values that had no canonical form.
pub type InvalidCounts = [u64; KIND_COUNT];
/// Per-kind counts of values (valid or not; absent ones are not values).
pub type ValueCounts = [u64; KIND_COUNT];

#[derive(Clone, Copy, Debug)]
struct Value {
    kind: Kind,
    raw: (usize, usize),
    canonical: (usize, usize),
}

/// A digest to look up: what it was hashed from, and which value shows it.
#[derive(Clone, Copy, Debug)]
struct Query {
    kind: Kind,
    /// The hashed text in `canonical` (for `name_dob`, `<name>|<dob>`).
    text: (usize, usize),
    /// The value that matched; for `name_dob`, the name.
    value: usize,
}

#[derive(Clone, Copy, Debug)]
struct Hit {
    entry: EntryId,
    kind: Kind,
    value: usize,
    /// The record's place in the task.
    record: usize,
}

/// One record of the task: where its values and queries are.
#[derive(Clone, Copy, Debug)]
struct RecordMark {
    record: u64,
    line: u64,
    values: (usize, usize),
    queries: (usize, usize),
}

/// Buffers one worker reuses for every task, so a record costs no allocation unless it matches.
///
/// A task's records are matched in three passes: every value is normalized (and kept here),
/// then every canonical value is hashed ([`Hasher::digest_all`], two compressions at a time),
/// then every digest is looked up, each slot prefetched a few lookups ahead.
#[derive(Default)]
pub struct MatchScratch {
    raw: String,
    canonical: String,
    values: Vec<Value>,
    queries: Vec<Query>,
    records: Vec<RecordMark>,
    /// The queries that passed the watchlist's prefilter, and their digests.
    hashed: Vec<usize>,
    keys: Vec<u64>,
    digests: Vec<Digest>,
    hashing: HashScratch,
    hits: Vec<Hit>,
    /// Hits of `name_dob` pairs hashed on the spot (see [`QUEUED_PAIRS_MAX`]).
    early: Vec<Hit>,
    tmp: String,
    /// The current record's first value and query, and text lengths, to undo a bad record.
    start: (usize, usize, usize, usize),
    /// The current record's invalid values, added to the task's only if the record is not bad.
    record_invalid: InvalidCounts,
    /// The task's invalid values.
    invalid: InvalidCounts,
    /// Identity values (valid or not) per kind the current record, then the task, held.
    record_seen: ValueCounts,
    seen: ValueCounts,
    /// Valid names and dates of birth of the current record (for its `name_dob` pairs).
    record_names: usize,
    record_dobs: usize,
    /// Screening: values as found are not kept, and `finish_task` only names the records that
    /// match (see [`MatchScratch::screening`]).
    screening: bool,
    /// Name-only pairs of the task that the record contradicts, not reported (SPEC §6 1.1).
    contradicted: u64,
    /// The pairs of the record being passed to `finish_task`'s caller, and its identity digests.
    pairs: Vec<PairMark>,
    identity: Vec<(Kind, Digest)>,
    /// Entries the record shares more than a name with, and the contradicted name-only ones.
    strong: Vec<EntryId>,
    dropped: Vec<EntryId>,
}

impl MatchScratch {
    /// A scratch that only finds which records match: it does not copy the values as found,
    /// which only matching records need, and [`Matcher::finish_task`] passes those records
    /// with no pairs. Matching records are then matched again with a default scratch, which
    /// builds their pairs; they are rare in most dumps, so the scan copies almost nothing per
    /// value.
    pub fn screening() -> Self {
        MatchScratch { screening: true, ..MatchScratch::default() }
    }

    /// Bytes its buffers hold on the heap: a scratch kept from task to task is dropped when a
    /// huge record made it larger than a usual one (see `scan`'s `SCRATCH_KEPT_BYTES`).
    pub fn heap_bytes(&self) -> usize {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * size_of::<T>()
        }
        self.raw.capacity()
            + self.canonical.capacity()
            + self.tmp.capacity()
            + vec(&self.values)
            + vec(&self.queries)
            + vec(&self.records)
            + vec(&self.hashed)
            + vec(&self.keys)
            + vec(&self.digests)
            + vec(&self.hits)
            + vec(&self.early)
            + vec(&self.pairs)
            + vec(&self.identity)
            + vec(&self.strong)
            + vec(&self.dropped)
            + self.hashing.heap_bytes()
    }

    /// Identity values (valid or not) per kind of the records ended so far in this task.
    pub fn values_seen(&self) -> &ValueCounts {
        &self.seen
    }

    /// Invalid values per kind of the records ended so far in this task.
    pub fn invalid(&self) -> &InvalidCounts {
        &self.invalid
    }

    /// Name-only pairs the last [`Matcher::finish_task`] left out because the record
    /// contradicts the entry (see [`contradicts`]); a screening scratch counts none.
    pub fn contradicted(&self) -> u64 {
        self.contradicted
    }
}

/// How many lookups ahead a slot is prefetched: enough to overlap the cache misses of a large
/// watchlist, few enough that the lines are still there when they are read.
const PREFETCH_AHEAD: usize = 16;

/// `name_dob` pairs of one record queued for the task's hashing pass; past this many, they are
/// hashed one by one on the spot.
const QUEUED_PAIRS_MAX: usize = 64;

/// Most `name_dob` pairs one record may form (distinct names × distinct dates of birth). A
/// family card of 30 members forms 900; a hostile JSON record of a million names and a million
/// dates would form 10¹² and hash for days, so a record past this is a bad record (SPEC §9),
/// named in a warning.
pub const RECORD_PAIRS_MAX: usize = 4096;

/// Why a record past [`RECORD_PAIRS_MAX`] is bad.
pub const TOO_MANY_PAIRS: &str = "more than 4,096 name and birth-date pairs";

/// Matches records against a watchlist with one hasher.
pub struct Matcher<'a> {
    pub watchlist: &'a Watchlist,
    pub hasher: &'a Hasher,
}

impl Matcher<'_> {
    /// Starts a task: forgets the previous one's records.
    pub fn begin_task(&self, s: &mut MatchScratch) {
        s.raw.clear();
        s.canonical.clear();
        s.values.clear();
        s.queries.clear();
        s.records.clear();
        s.early.clear();
        s.invalid = [0; KIND_COUNT];
        s.seen = [0; KIND_COUNT];
        s.contradicted = 0;
    }

    /// Starts a record of the task.
    pub fn begin(&self, s: &mut MatchScratch) {
        s.start = (s.values.len(), s.queries.len(), s.raw.len(), s.canonical.len());
        s.record_invalid = [0; KIND_COUNT];
        s.record_seen = [0; KIND_COUNT];
        s.record_names = 0;
        s.record_dobs = 0;
    }

    /// Adds one field of the record: skipped when absent, split when it holds several phones,
    /// normalized and queued for hashing.
    pub fn add_field(&self, kind: Kind, raw: &str, s: &mut MatchScratch) {
        if normalize::is_absent(raw) {
            return;
        }
        if kind == Kind::Phone {
            // One number in digits and dashes, dots, spaces or brackets (most phone fields) needs no
            // splitting.
            let start = s.canonical.len();
            match normalize::append_plain_phone(raw, &mut s.canonical) {
                Some(result) => self.record_value(kind, raw, start, result, s),
                None => normalize::for_each_phone(raw, |piece| self.add_value(kind, piece, s)),
            }
        } else {
            self.add_value(kind, raw, s);
        }
    }

    /// Ends the record: queues its `name_dob` pairs and counts its values. A record that would
    /// form more than [`RECORD_PAIRS_MAX`] pairs is refused (the caller then
    /// [abandons](Matcher::abandon) it as a bad record).
    pub fn end(&self, s: &mut MatchScratch, record: u64, line: u64) -> Result<(), &'static str> {
        self.add_name_dob(s)?;
        for (total, n) in s.invalid.iter_mut().zip(s.record_invalid) {
            *total += n;
        }
        for (total, n) in s.seen.iter_mut().zip(s.record_seen) {
            *total += n;
        }
        s.records.push(RecordMark {
            record,
            line,
            values: (s.start.0, s.values.len()),
            queries: (s.start.1, s.queries.len()),
        });
        Ok(())
    }

    /// Forgets the record begun last (it turned out to be bad): its values are not counted.
    pub fn abandon(&self, s: &mut MatchScratch) {
        let (values, queries, raw, canonical) = s.start;
        s.values.truncate(values);
        s.queries.truncate(queries);
        s.raw.truncate(raw);
        s.canonical.truncate(canonical);
    }

    /// Hashes and looks up every value of the task's records, and calls `found` with each
    /// record that forms pairs with watch entries (its pairs ordered by entry), in record order.
    /// A [screening](MatchScratch::screening) scratch passes no pairs.
    pub fn finish_task(&self, s: &mut MatchScratch, mut found: impl FnMut(&RecordMatch<'_>)) {
        // Only values that may be on the watchlist are hashed (all of them for a hashed one).
        let values = s.queries.iter().map(|q| (q.kind, &s.canonical[q.text.0..q.text.1]));
        self.watchlist.may_hold_all(values, &mut s.keys, &mut s.hashed);
        let texts = s
            .hashed
            .iter()
            .map(|&q| (s.queries[q].kind, &s.canonical[s.queries[q].text.0..s.queries[q].text.1]));
        self.hasher.digest_all(texts, &mut s.hashing, &mut s.digests);
        let digests = &s.digests;
        for d in digests.iter().take(PREFETCH_AHEAD) {
            self.watchlist.prefetch(d);
        }
        // Records are in query order, so the record of each hit is found by walking forward.
        let mut record = 0;
        s.hits.clear();
        for (i, (digest, &q)) in digests.iter().zip(&s.hashed).enumerate() {
            if let Some(ahead) = digests.get(i + PREFETCH_AHEAD) {
                self.watchlist.prefetch(ahead);
            }
            let mut entries = self.watchlist.lookup(digest);
            let Some(first) = entries.next() else { continue };
            while s.records[record].queries.1 <= q {
                record += 1;
            }
            let query = s.queries[q];
            let hit = |entry| Hit { entry, kind: query.kind, value: query.value, record };
            s.hits.push(hit(first));
            if !s.screening {
                // Screening only names the record: one hit says it matches (a common name
                // shared by hundreds of entries would otherwise add hundreds).
                s.hits.extend(entries.map(hit));
            }
        }
        if !s.early.is_empty() {
            // After each record's queued hits, as if its pairs had been queued last (stable).
            s.hits.append(&mut s.early);
            s.hits.sort_by_key(|h| h.record);
        }
        let mut hits = std::mem::take(&mut s.hits);
        for record_hits in hits.chunk_by_mut(|a, b| a.record == b.record) {
            let mark = s.records[record_hits[0].record];
            if s.screening {
                found(&RecordMatch::screened(mark));
                continue;
            }
            let kept = self.drop_contradicted(s, mark.values, record_hits);
            let record_hits = &mut record_hits[..kept];
            // Stable: a record's hits stay in value order within each entry.
            record_hits.sort_by_key(|h| h.entry);
            s.pairs.clear();
            for hits in record_hits.chunk_by(|a, b| a.entry == b.entry) {
                let mut matched: KindSet = hits.iter().map(|h| h.kind).collect();
                if matched.contains(Kind::NameDob) {
                    // The name is part of `name_dob` (SPEC §6 1.1): listed and counted once.
                    matched.remove(Kind::Name);
                }
                let shown = record::shown(&s.values, mark.values, hits);
                s.pairs.push(PairMark { entry: hits[0].entry, matched, shown });
            }
            self.identity(s, mark.queries);
            found(&RecordMatch::of(s, mark));
        }
        hits.clear();
        s.hits = hits;
    }

    /// Drops the hits of the record's name-only pairs that the record contradicts (SPEC §6 1.1,
    /// see [`record::contradiction`]) and counts those pairs, keeping the other hits in order at
    /// the front of `hits`; returns how many are kept. A common name is held by hundreds of
    /// entries: each of them is one check of the entry's kinds, not a pair built and dropped.
    fn drop_contradicted(&self, s: &mut MatchScratch, values: (usize, usize), hits: &mut [Hit]) -> usize {
        if !hits.iter().any(|h| h.kind == Kind::Name) {
            return hits.len();
        }
        let contradicting = record::contradiction(&s.values[values.0..values.1], &s.canonical);
        if contradicting.is_empty() {
            return hits.len();
        }
        // An entry that shares more than the name with the record is no name-only pair.
        s.strong.clear();
        s.strong.extend(hits.iter().filter(|h| h.kind != Kind::Name).map(|h| h.entry));
        s.strong.sort_unstable();
        s.strong.dedup();
        s.dropped.clear();
        let mut kept = 0;
        for i in 0..hits.len() {
            let hit = hits[i];
            if hit.kind == Kind::Name
                && s.strong.binary_search(&hit.entry).is_err()
                && self.watchlist.kinds(hit.entry).intersects(contradicting)
            {
                s.dropped.push(hit.entry);
            } else {
                hits[kept] = hit;
                kept += 1;
            }
        }
        // Two names of the record may both match an entry: one pair.
        s.dropped.sort_unstable();
        s.dropped.dedup();
        s.contradicted += s.dropped.len() as u64;
        kept
    }

    /// Fills `s.identity` with the digest of each of the record's queries, in query order:
    /// those the task hashed are reused, the others (values no entry holds, left out by the
    /// watchlist's prefilter) hashed now.
    fn identity(&self, s: &mut MatchScratch, (first, end): (usize, usize)) {
        s.identity.clear();
        // `hashed` is in query order (see `Watchlist::may_hold_all`).
        let mut at = s.hashed.partition_point(|&q| q < first);
        for q in first..end {
            let query = s.queries[q];
            let digest = if s.hashed.get(at) == Some(&q) {
                at += 1;
                s.digests[at - 1]
            } else {
                self.hasher.digest(query.kind, &s.canonical[query.text.0..query.text.1])
            };
            s.identity.push((query.kind, digest));
        }
    }

    /// Matches a whole record given as (kind, raw value) fields.
    pub fn match_fields<'v>(
        &self,
        fields: impl IntoIterator<Item = (Kind, &'v str)>,
        s: &mut MatchScratch,
        invalid: &mut InvalidCounts,
    ) -> Vec<Pair> {
        self.begin_task(s);
        self.begin(s);
        for (kind, raw) in fields {
            self.add_field(kind, raw, s);
        }
        if self.end(s, 1, 1).is_err() {
            self.abandon(s);
        }
        let mut pairs = Vec::new();
        self.finish_task(s, |m| pairs = m.owned_pairs());
        for (total, n) in invalid.iter_mut().zip(s.invalid) {
            *total += n;
        }
        pairs
    }

    // (Always inlined: out of line, each value paid for the e-mail arm's check of the list.)
    #[inline(always)]
    fn add_value(&self, kind: Kind, raw: &str, s: &mut MatchScratch) {
        let start = s.canonical.len();
        // An address [`Self::record_value`] only counts needs its validity, not its canonical
        // form (asked in the e-mail arm only: other kinds pay nothing for it).
        let screening = s.screening;
        let mut only_counted = false;
        let validity_only = || {
            only_counted = screening && !self.watchlist.may_hold_kind(kind);
            only_counted
        };
        let result = normalize::append_or_check(kind, raw, &mut s.canonical, &mut s.tmp, validity_only);
        if only_counted {
            // What `record_value` does with such an address, without its call: counted, and
            // nothing kept. (`only_counted` is a constant `false` on the other kinds' arms, so
            // the compiler sends them straight to `record_value`.)
            s.record_seen[kind.index()] += 1;
            s.record_invalid[kind.index()] += u64::from(result.is_err());
            s.canonical.truncate(start);
            return;
        }
        self.record_value(kind, raw, start, result, s);
    }

    /// Counts a value whose canonical form, if it has one, was appended to `s.canonical` from
    /// `start`, and queues it for hashing.
    fn record_value(
        &self,
        kind: Kind,
        raw: &str,
        start: usize,
        normalized: Result<(), Invalid>,
        s: &mut MatchScratch,
    ) {
        s.record_seen[kind.index()] += 1;
        if normalized.is_err() {
            s.canonical.truncate(start);
            s.record_invalid[kind.index()] += 1;
            return;
        }
        if s.screening
            && matches!(kind, Kind::Nik | Kind::Phone | Kind::Email)
            && !self.watchlist.may_hold_kind(kind)
        {
            // Counted, and nothing else: no list holds such a value, so it cannot find anyone.
            // (Names and dates stay: they form `name_dob`, and a record's count of them bounds
            // its pairs.) Records that match are read again with every value, for the report.
            s.canonical.truncate(start);
            return;
        }
        let canonical = (start, s.canonical.len());
        let value = s.values.len();
        let raw_start = s.raw.len();
        if !s.screening {
            s.raw.push_str(normalize::trim(raw));
        }
        match kind {
            Kind::Name => s.record_names += 1,
            Kind::Dob => s.record_dobs += 1,
            _ => {}
        }
        s.values.push(Value { kind, raw: (raw_start, s.raw.len()), canonical });
        if kind != Kind::Dob {
            s.queries.push(Query { kind, text: canonical, value });
        }
    }

    /// Queues every (name, dob) pair of the record as `name_dob`. A record with more pairs than
    /// [`QUEUED_PAIRS_MAX`] (a hostile JSON record of thousands of names and dates) has them
    /// hashed and looked up at once instead, so its memory does not grow with their product.
    fn add_name_dob(&self, s: &mut MatchScratch) -> Result<(), &'static str> {
        if s.record_names == 0 || s.record_dobs == 0 {
            return Ok(());
        }
        let record = s.start.0..s.values.len();
        if s.record_names.saturating_mul(s.record_dobs) > QUEUED_PAIRS_MAX {
            // Copies of one name or date (a JSON array repeating them) form one pair: only
            // distinct ones count towards the bound, and are hashed.
            let distinct = |kind: Kind| {
                let mut found: Vec<usize> = record.clone().filter(|&v| s.values[v].kind == kind).collect();
                let text = |v: &usize| &s.canonical[s.values[*v].canonical.0..s.values[*v].canonical.1];
                // Stable: the first of equal values stays, as the one a report shows.
                found.sort_by(|a, b| text(a).cmp(text(b)));
                found.dedup_by(|a, b| text(a) == text(b));
                found
            };
            let (names, dobs) = (distinct(Kind::Name), distinct(Kind::Dob));
            if names.len().saturating_mul(dobs.len()) > RECORD_PAIRS_MAX {
                return Err(TOO_MANY_PAIRS);
            }
            for &n in &names {
                for &d in &dobs {
                    let (name, dob) = (s.values[n].canonical, s.values[d].canonical);
                    s.tmp.clear();
                    s.tmp.push_str(&s.canonical[name.0..name.1]);
                    s.tmp.push('|');
                    s.tmp.push_str(&s.canonical[dob.0..dob.1]);
                    let digest = self.hasher.digest(Kind::NameDob, &s.tmp);
                    let record = s.records.len();
                    for entry in self.watchlist.lookup(&digest) {
                        s.early.push(Hit { entry, kind: Kind::NameDob, value: n, record });
                    }
                }
            }
            return Ok(());
        }
        for n in record.clone() {
            let name = s.values[n];
            if name.kind != Kind::Name {
                continue;
            }
            for d in record.clone() {
                let dob = s.values[d];
                if dob.kind != Kind::Dob {
                    continue;
                }
                let start = s.canonical.len();
                s.canonical.extend_from_within(name.canonical.0..name.canonical.1);
                s.canonical.push('|');
                s.canonical.extend_from_within(dob.canonical.0..dob.canonical.1);
                s.queries.push(Query { kind: Kind::NameDob, text: (start, s.canonical.len()), value: n });
            }
        }
        Ok(())
    }
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
        assert_eq!(pairs, [("P1".to_string(), "nik+phone+email+name_dob".to_string())]);
    }

    #[test]
    fn a_pair_carries_the_records_dob_and_the_digest_of_each_identity_value() {
        let w = watchlist(PEOPLE);
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: &w, hasher: &hasher };
        let record =
            [(Kind::Nik, "3201014107900001"), (Kind::Name, "Siti Nurhaliza"), (Kind::Dob, "1 Juli 1990")];
        let pairs = m.match_fields(record, &mut MatchScratch::default(), &mut [0; KIND_COUNT]);
        assert_eq!(pairs[0].dob.as_ref().map(|d| d.canonical.as_str()), Some("1990-07-01"));
        let expected = [
            (Kind::Nik, hasher.digest(Kind::Nik, "3201014107900001")),
            (Kind::Name, hasher.digest(Kind::Name, "siti nurhaliza")),
            (Kind::NameDob, hasher.digest(Kind::NameDob, "siti nurhaliza|1990-07-01")),
        ];
        assert_eq!(pairs[0].identity, expected);
    }

    #[test]
    fn a_value_no_entry_holds_is_still_in_the_identity() {
        // The phone is on no list: the prefilter keeps it from the task's hashing, and the
        // identity (the fingerprint's input) still has its digest, in the record's order.
        let w = watchlist(PEOPLE);
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: &w, hasher: &hasher };
        let record = [(Kind::Phone, "0813-0000-1111"), (Kind::Nik, "3201014107900001")];
        let pairs = m.match_fields(record, &mut MatchScratch::default(), &mut [0; KIND_COUNT]);
        let expected = [
            (Kind::Phone, hasher.digest(Kind::Phone, "+6281300001111")),
            (Kind::Nik, hasher.digest(Kind::Nik, "3201014107900001")),
        ];
        assert_eq!(pairs[0].identity, expected);
    }

    #[test]
    fn a_contradicted_entry_two_names_of_a_record_match_is_one_pair_left_out() {
        let w = watchlist(&format!("{PEOPLE}P3,,Siti Nurhaliza,02-02-1980,,\n"));
        // Both names are P1's and P3's; the date is neither's: two pairs left out, not four.
        let record =
            [(Kind::Name, "Siti Nurhaliza"), (Kind::Name, "SITI NURHALIZA"), (Kind::Dob, "03-03-1970")];
        assert_eq!(run_counting(&w, &record), (vec![], 2));
        // The phone is P1's: P1 is exposed, by phone and name; P3 is still left out.
        let record =
            [(Kind::Name, "Siti Nurhaliza"), (Kind::Dob, "03-03-1970"), (Kind::Phone, "081234567890")];
        assert_eq!(run_counting(&w, &record), (vec!["P1:phone+name".to_string()], 1));
    }

    #[test]
    fn a_screening_pass_counts_but_does_not_query_kinds_no_list_holds() {
        // NIKs, names and dates only: a record's phones and e-mails cannot find anyone.
        let w = watchlist("id,nik,nama,tgl_lahir\nP1,3201014107900001,Siti Nurhaliza,01-07-1990\n");
        assert!(w.may_hold_kind(Kind::Nik) && w.may_hold_kind(Kind::Name) && w.may_hold_kind(Kind::NameDob));
        assert!(!w.may_hold_kind(Kind::Phone) && !w.may_hold_kind(Kind::Email));
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: &w, hasher: &hasher };
        let record = [
            (Kind::Nik, "3201014107900001"),
            (Kind::Phone, "0812-3456-7890 / 12"),
            (Kind::Email, "SITI@example.com"),
            (Kind::Email, "not an address"),
            // Valid through the general path (an IDNA domain), which writes its canonical form.
            (Kind::Email, "Siti <SITI@xn--bcher-kva.de>"),
            (Kind::Name, "Siti Nurhaliza"),
            (Kind::Dob, "1990-07-01"),
        ];
        let (mut screening, mut full) = (MatchScratch::screening(), MatchScratch::default());
        for s in [&mut screening, &mut full] {
            m.begin_task(s);
            m.begin(s);
            for (kind, raw) in record {
                m.add_field(kind, raw, s);
            }
            m.end(s, 1, 1).unwrap();
        }
        let kinds = |s: &MatchScratch| s.queries.iter().map(|q| q.kind).collect::<Vec<_>>();
        assert_eq!(kinds(&screening), [Kind::Nik, Kind::Name, Kind::NameDob]);
        assert_eq!(
            kinds(&full),
            [Kind::Nik, Kind::Phone, Kind::Email, Kind::Email, Kind::Name, Kind::NameDob]
        );
        // The same values seen and found invalid either way (the report's counts).
        assert_eq!(screening.values_seen(), full.values_seen());
        assert_eq!(screening.invalid(), full.invalid());
        assert_eq!(screening.invalid()[Kind::Email.index()], 1);
        assert_eq!(screening.invalid()[Kind::Phone.index()], 1);
        assert_eq!(screening.values_seen()[Kind::Email.index()], 3);
        // An address only counted leaves nothing behind in the task's text.
        assert!(!screening.canonical.contains('@'), "{}", screening.canonical);
        let mut found = Vec::new();
        m.finish_task(&mut screening, |m| found.push(m.record));
        assert_eq!(found, [1]);
    }

    #[test]
    fn a_name_alone_is_only_possible() {
        let w = watchlist(PEOPLE);
        let (pairs, _) = run(&w, &[(Kind::Name, "BUDI SANTOSO"), (Kind::Dob, "1980-01-01")]);
        assert_eq!(pairs, [("P2".to_string(), "name".to_string())]);
        let (pairs, _) = run(&w, &[(Kind::Name, "Siti Nurhaliza"), (Kind::Phone, "0813-0000-1111")]);
        assert_eq!(pairs, [("P1".to_string(), "name".to_string())]);
    }

    /// The pairs and the contradicted name-only pairs of one record.
    fn run_counting(w: &Watchlist, values: &[(Kind, &str)]) -> (Vec<String>, u64) {
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: w, hasher: &hasher };
        let mut s = MatchScratch::default();
        let pairs = m.match_fields(values.iter().copied(), &mut s, &mut [0; KIND_COUNT]);
        let out =
            pairs.iter().map(|p| format!("{}:{}", w.entry(p.entry).label, p.matched.joined("+"))).collect();
        (out, s.contradicted())
    }

    /// A record, the pairs it must give and how many name-only pairs it must rule out.
    type Case<'a> = (&'a [(Kind, &'a str)], &'a [&'a str], u64);

    #[test]
    fn a_name_only_match_contradicted_by_the_records_birth_date_or_nik_is_not_reported() {
        // P1 has a NIK and a birth date; P2 (Budi) neither; P3 a placeholder NIK and no date.
        let w = watchlist(&format!("{PEOPLE}P3,9999999999999999,Ani Yudhoyono,,,\n"));
        let siti = (Kind::Name, "Siti Nurhaliza");
        let table: [Case; 12] = [
            // Another birth date: another person.
            (&[siti, (Kind::Dob, "02-07-1990")], &[], 1),
            // Another structurally valid NIK: another person.
            (&[siti, (Kind::Nik, "3174051203880003")], &[], 1),
            // A placeholder or structurally invalid NIK contradicts nothing.
            (&[siti, (Kind::Nik, "0000000000000000")], &["P1:name"], 0),
            (&[siti, (Kind::Nik, "3201019999990001")], &["P1:name"], 0),
            // An invalid birth date is no birth date.
            (&[siti, (Kind::Dob, "31-02-1990")], &["P1:name"], 0),
            // Phones and e-mails never contradict: people have several.
            (&[siti, (Kind::Phone, "0813-0000-1111"), (Kind::Email, "x@example.com")], &["P1:name"], 0),
            // The same birth date is name_dob, exposed, listed without `name`.
            (&[siti, (Kind::Dob, "1 Juli 1990")], &["P1:name_dob"], 0),
            // One of two dates shared: not contradicted.
            (&[siti, (Kind::Dob, "02-07-1990"), (Kind::Dob, "01-07-1990")], &["P1:name_dob"], 0),
            // The entry has no date or NIK: nothing to contradict.
            (&[(Kind::Name, "Budi Santoso"), (Kind::Dob, "02-07-1990")], &["P2:name"], 0),
            (&[(Kind::Name, "Budi Santoso"), (Kind::Nik, "3174051203880003")], &["P2:name"], 0),
            // The entry's NIK is a placeholder, the record's a real one: SPEC says the entry has a
            // NIK, and a hashed list cannot tell a placeholder, so the rule is the same for both.
            (&[(Kind::Name, "Ani Yudhoyono"), (Kind::Nik, "3174051203880003")], &[], 1),
            // A strong match is never dropped, whatever else differs.
            (&[siti, (Kind::Dob, "02-07-1990"), (Kind::Email, "siti@example.com")], &["P1:email+name"], 0),
        ];
        for (record, want, contradicted) in table {
            let (pairs, n) = run_counting(&w, record);
            assert_eq!(
                (pairs.as_slice(), n),
                (want.iter().map(|s| s.to_string()).collect::<Vec<_>>().as_slice(), contradicted),
                "{record:?}"
            );
        }
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
    fn many_name_dob_pairs_are_hashed_on_the_spot_with_the_same_answer() {
        let w = watchlist(PEOPLE);
        let mut fields: Vec<(Kind, String)> = (0..9).map(|i| (Kind::Name, format!("Orang {i}x"))).collect();
        fields.extend((1..10).map(|d| (Kind::Dob, format!("0{d}-07-1990"))));
        fields.push((Kind::Name, "Siti Nurhaliza".to_string()));
        // 10 × 9 = 90 pairs, more than are queued: the matching one is still found, after the
        // name hit, and the shown name is the matching one.
        let fields: Vec<(Kind, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: &w, hasher: &hasher };
        let pairs =
            m.match_fields(fields.iter().copied(), &mut MatchScratch::default(), &mut [0; KIND_COUNT]);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].matched.joined("+"), "name_dob");
        assert_eq!(pairs[0].values.0[3].as_ref().unwrap().canonical, "siti nurhaliza");
    }

    #[test]
    fn a_record_of_too_many_names_and_dates_is_refused_not_hashed_for_days() {
        let w = watchlist(PEOPLE);
        let hasher = Hasher::unkeyed();
        let m = Matcher { watchlist: &w, hasher: &hasher };
        let letter = |i: usize| char::from(b'a' + (i % 26) as u8);
        let names: Vec<String> = (0..65).map(|i| format!("Orang {}{}", letter(i / 26), letter(i))).collect();
        let dates: Vec<String> =
            (0..64).map(|i| format!("{:02}-{:02}-1990", 1 + i % 28, 1 + i / 28)).collect();
        let fields = |dobs: usize| {
            let mut f: Vec<(Kind, &str)> = names.iter().map(|n| (Kind::Name, n.as_str())).collect();
            f.extend(dates[..dobs].iter().map(|d| (Kind::Dob, d.as_str())));
            f.push((Kind::Nik, "3201014107900001"));
            f
        };
        let mut s = MatchScratch::default();
        // 65 × 63 = 4,095 pairs: matched as usual (by its NIK).
        m.begin_task(&mut s);
        m.begin(&mut s);
        for (kind, raw) in fields(63) {
            m.add_field(kind, raw, &mut s);
        }
        assert_eq!(m.end(&mut s, 1, 1), Ok(()));
        // 65 × 64 = 4,160: refused, and abandoning it leaves nothing of it in the task.
        m.begin(&mut s);
        for (kind, raw) in fields(64) {
            m.add_field(kind, raw, &mut s);
        }
        assert_eq!(m.end(&mut s, 2, 2), Err(TOO_MANY_PAIRS));
        m.abandon(&mut s);
        let mut found = Vec::new();
        m.finish_task(&mut s, |r| found.push((r.record, r.pairs.len())));
        assert_eq!(found, [(1, 1)]);
        // Copies of one name and one date are one pair, however many: matched as usual.
        let copies: Vec<(Kind, &str)> = std::iter::repeat_n((Kind::Name, "Siti Nurhaliza"), 5000)
            .chain(std::iter::repeat_n((Kind::Dob, "01-07-1990"), 5000))
            .collect();
        let pairs = m.match_fields(copies, &mut MatchScratch::default(), &mut [0; KIND_COUNT]);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].matched.joined("+"), "name_dob");
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
