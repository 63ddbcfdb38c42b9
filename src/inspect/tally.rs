//! Counting what the records of a dump hold: per column, the values valid for each kind and a
//! few samples; for NIK columns, what the NIKs encode. Tallies of batches merge in input order.

use super::memo::Memo;
use super::nik;
use super::shape::Shape;
use crate::input::{Batch, Extractor, Wanted};
use crate::kind::Kind;
use crate::limits::MAX_COLUMNS;
use crate::normalize;
use crate::roles::Role;
use crate::scan::WARN_BAD_RECORDS;
use std::collections::{BTreeMap, HashMap};

/// Where the values of columns past [`MAX_COLUMNS`] are counted, together.
pub const MORE_COLUMNS: &str = "(more columns)";

/// Samples kept per column.
pub const SAMPLES: usize = 3;

/// Characters of a sample kept (and shown, masked or not): a longer value is cut, with `…`.
pub const SAMPLE_CHARS: usize = 60;

/// The kinds whose validity is counted per column, in report order.
pub const KINDS: [Kind; 5] = Kind::FIELDS;

/// One value kept as an example: as found, and the kind and canonical form it is masked by.
#[derive(Clone, Debug)]
pub struct Sample {
    /// As found, its first [`SAMPLE_CHARS`] characters.
    pub raw: String,
    /// The value was longer.
    pub cut: bool,
    pub masked_as: Option<(Kind, String)>,
}

/// What one column (or JSON path, or SQL column) holds.
#[derive(Clone, Debug)]
pub struct ColumnTally {
    pub name: String,
    /// The CSV column number (0-based) the column was found at.
    pub position: Option<usize>,
    pub role: Option<Role>,
    pub non_empty: u64,
    /// Values with a canonical form, per kind of [`KINDS`].
    pub valid: [u64; 5],
    pub samples: Vec<Sample>,
    /// Values counted by the set of kinds they are valid as, not yet added to `non_empty` and
    /// `valid` (one increment per value instead of six).
    by_kinds: [u64; 32],
}

impl ColumnTally {
    /// Adds the values counted in `by_kinds` to `non_empty` and `valid`.
    fn settle(&mut self) {
        // Most of the 32 sets never occur in a column: only those that did are added.
        for (bits, n) in (0u8..).zip(std::mem::take(&mut self.by_kinds)).filter(|&(_, n)| n > 0) {
            self.non_empty += n;
            for (k, total) in self.valid.iter_mut().enumerate() {
                *total += n * u64::from(bits >> k & 1);
            }
        }
    }
}

/// Counts by a two-digit code (a NIK's province, its birth year's last two digits).
#[derive(Clone, Debug)]
pub struct ByCode([u64; 100]);

impl Default for ByCode {
    fn default() -> Self {
        ByCode([0; 100])
    }
}

impl ByCode {
    fn add(&mut self, code: u8, count: u64) {
        if let Some(slot) = self.0.get_mut(usize::from(code)) {
            *slot += count;
        }
    }

    /// The codes counted at least once, in ascending order, with their counts.
    pub fn iter(&self) -> impl Iterator<Item = (u8, u64)> + '_ {
        (0u8..).zip(self.0.iter().copied()).filter(|&(_, n)| n > 0)
    }
}

/// What the NIKs of the NIK columns encode.
#[derive(Clone, Debug, Default)]
pub struct NikTally {
    /// NIK values with 16 digits after cleanup.
    pub canonical: u64,
    pub structurally_valid: u64,
    pub by_province: ByCode,
    pub female: u64,
    pub male: u64,
    pub by_year2: ByCode,
    /// Structurally valid NIKs whose district (digits 1–6) is a known region (SPEC §2 1.1).
    pub known_district: u64,
    /// Those, per regency code (`PPKK`): at most the table's 540 regencies.
    pub by_regency: BTreeMap<u16, u64>,
    /// Records with both a structurally valid NIK and a valid date of birth.
    pub with_dob: u64,
    pub dob_disagrees: u64,
}

/// Everything counted over some records of one input.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub records: u64,
    pub bad_records: u64,
    /// The first bad records (up to [`WARN_BAD_RECORDS`]): number, line and why.
    pub first_bad: Vec<(u64, u64, &'static str)>,
    /// Records that were not valid UTF-8 (read lossily).
    pub not_utf8: u64,
    pub columns: Vec<ColumnTally>,
    index: HashMap<String, usize>,
    /// The column looked up last (columns usually come in order).
    last_column: usize,
    /// The column index of each position that has a stable name (CSV), `usize::MAX` until seen.
    by_position: Vec<usize>,
    pub nik: NikTally,
    /// Records per SQL table.
    pub tables: BTreeMap<String, u64>,
}

/// Reusable buffers of one worker.
#[derive(Default)]
pub struct Scratch {
    text: String,
    work: Work,
    /// A record's values, kept until the whole record has been read: one that turns out bad
    /// part-way counts none of them.
    held: Vec<(usize, Option<Kind>, std::ops::Range<usize>)>,
    held_text: String,
}

/// What checking a value needs.
#[derive(Default)]
struct Work {
    canonical: String,
    memo: Memo,
    /// The current record's first valid date of birth.
    dob: String,
}

impl Tally {
    /// Counts one value of column `index`; `record_nik` is the record's first structurally valid
    /// NIK so far, `w.dob` its first valid date of birth.
    #[inline]
    fn count_value(
        &mut self,
        index: usize,
        kind: Option<Kind>,
        value: &str,
        record_nik: &mut Option<nik::NikFacts>,
        w: &mut Work,
    ) {
        let Work { canonical, memo, dob: record_dob } = w;
        let (valid, facts, dob) = if matches!(kind, Some(Kind::Nik | Kind::Dob)) {
            check_value(value, kind, canonical)
        } else {
            // Only NIK and dob columns yield more than the kinds a value is valid as.
            (memo.valid(index, value, || check_value(value, kind, canonical).0), None, false)
        };
        if dob && record_dob.is_empty() {
            // `check_value` tests the date last, so `canonical` still holds it.
            record_dob.push_str(canonical);
        }
        let column = &mut self.columns[index];
        column.by_kinds[usize::from(valid.0)] += 1;
        if column.samples.len() < SAMPLES {
            column.samples.push(sample(value, kind, &valid.to_array()));
        }
        if kind == Some(Kind::Nik) && valid.has(Kind::Nik) {
            self.nik.canonical += 1;
            if let Some(f) = facts {
                self.nik.structurally_valid += 1;
                self.nik.by_province.add(f.province, 1);
                if crate::regions::is_known(f.regency, f.district) {
                    self.nik.known_district += 1;
                    *self.nik.by_regency.entry(f.regency).or_default() += 1;
                }
                if f.female {
                    self.nik.female += 1;
                } else {
                    self.nik.male += 1;
                }
                self.nik.by_year2.add(f.year2, 1);
                record_nik.get_or_insert(f);
            }
        }
    }

    /// Counts the records of `spans` (part of `batch`), value by value as the extractor reads
    /// them.
    pub fn add_records(
        &mut self,
        batch: &Batch,
        spans: &[crate::input::Span],
        extractor: &dyn Extractor,
        s: &mut Scratch,
    ) {
        for span in spans {
            self.records += 1;
            if let Some(reason) = span.bad {
                self.bad_records += 1;
                self.note_bad(span, reason);
                continue;
            }
            let text = batch.record_text(span);
            if matches!(text, std::borrow::Cow::Owned(_)) {
                self.not_utf8 += 1;
            }
            let layout = batch.layout(span);
            if let Some(layout) = layout.filter(|l| !l.table.is_empty()) {
                *self.tables.entry(layout.table.clone()).or_default() += 1;
            }
            self.last_column = usize::MAX;
            let mut record_nik = None;
            s.work.dob.clear();
            let Scratch { text: scratch, work, held, held_text } = s;
            // Counted once the record is read whole: an extractor may find a record bad after
            // passing some of its values (an SQL tuple is read value by value).
            held.clear();
            held_text.clear();
            let result =
                extractor.visit(&text, layout, Wanted::All, scratch, &mut |name, position, role, value| {
                    if normalize::is_absent(value) {
                        return;
                    }
                    let index = self.column_at(name, position, role);
                    held_text.push_str(value);
                    held.push((index, role.map(|r| r.kind), held_text.len() - value.len()..held_text.len()));
                });
            if result.is_ok() {
                for (index, kind, range) in held.drain(..) {
                    self.count_value(index, kind, &held_text[range], &mut record_nik, work);
                }
            }
            if let Err(reason) = result {
                self.bad_records += 1;
                self.note_bad(span, reason);
                continue;
            }
            if let Some(f) = record_nik
                && !s.work.dob.is_empty()
            {
                self.nik.with_dob += 1;
                self.nik.dob_disagrees += u64::from(!nik::dob_agrees(&f, &s.work.dob));
            }
        }
        self.columns.iter_mut().for_each(ColumnTally::settle);
    }

    fn note_bad(&mut self, span: &crate::input::Span, reason: &'static str) {
        if self.first_bad.len() < WARN_BAD_RECORDS as usize {
            self.first_bad.push((span.record, span.line, reason));
        }
    }

    /// Lists an input's fixed columns ([`Extractor::fixed_columns`]) in their order before any
    /// value is counted, so that every column is shown where it stands, one that is always empty
    /// too.
    pub fn declare_columns(&mut self, extractor: &dyn Extractor) {
        for (col, (name, role)) in extractor.fixed_columns().into_iter().enumerate() {
            self.column_at(&name, Some(col), role);
        }
    }

    /// The index of the column called `name` at `position`: by position when the input's
    /// positions keep their names (no string compare), else by name.
    fn column_at(&mut self, name: &str, position: Option<usize>, role: Option<Role>) -> usize {
        let Some(p) = position else { return self.column(name, role) };
        if let Some(&i) = self.by_position.get(p)
            && i != usize::MAX
        {
            return i;
        }
        let i = self.column(name, role);
        self.columns[i].position.get_or_insert(p);
        if self.by_position.len() <= p {
            self.by_position.resize(p + 1, usize::MAX);
        }
        self.by_position[p] = i;
        i
    }

    /// The index of the column called `name`, added if new.
    fn column(&mut self, name: &str, role: Option<Role>) -> usize {
        // Columns come in the same order record after record: try the one after the last first.
        let hint = self.last_column.wrapping_add(1);
        if self.columns.get(hint).is_some_and(|c| c.name == name) {
            self.last_column = hint;
            return hint;
        }
        let i = match self.index.get(name) {
            Some(&i) => i,
            // As the scan reads no column past MAX_COLUMNS, inspect counts no more separately.
            // (Each task's tally has its own limit, which bounds its memory: in a dump with more
            // distinct columns or paths than that, a task that meets the limit counts its later
            // columns together even if an earlier task named them, so the split depends on
            // where tasks begin. CSV columns and most JSON dumps are far below it.)
            None if self.columns.len() >= MAX_COLUMNS && name != MORE_COLUMNS => {
                return self.column(MORE_COLUMNS, None);
            }
            None => {
                self.index.insert(name.to_string(), self.columns.len());
                self.columns.push(ColumnTally {
                    name: name.to_string(),
                    position: None,
                    role,
                    non_empty: 0,
                    valid: [0; 5],
                    samples: Vec::new(),
                    by_kinds: [0; 32],
                });
                self.columns.len() - 1
            }
        };
        self.last_column = i;
        i
    }

    /// Adds a tally of later records.
    pub fn merge(&mut self, other: Tally) {
        self.records += other.records;
        self.bad_records += other.bad_records;
        let room = (WARN_BAD_RECORDS as usize).saturating_sub(self.first_bad.len());
        self.first_bad.extend(other.first_bad.into_iter().take(room));
        self.not_utf8 += other.not_utf8;
        for column in other.columns {
            let i = self.column(&column.name, column.role);
            let mine = &mut self.columns[i];
            mine.position = mine.position.or(column.position);
            mine.non_empty += column.non_empty;
            for (a, b) in mine.valid.iter_mut().zip(column.valid) {
                *a += b;
            }
            let room = SAMPLES.saturating_sub(mine.samples.len());
            mine.samples.extend(column.samples.into_iter().take(room));
        }
        let (a, b) = (&mut self.nik, other.nik);
        a.canonical += b.canonical;
        a.structurally_valid += b.structurally_valid;
        a.female += b.female;
        a.male += b.male;
        a.with_dob += b.with_dob;
        a.known_district += b.known_district;
        for (k, v) in b.by_regency {
            *a.by_regency.entry(k).or_default() += v;
        }
        a.dob_disagrees += b.dob_disagrees;
        for (k, v) in b.by_province.iter() {
            a.by_province.add(k, v);
        }
        for (k, v) in b.by_year2.iter() {
            a.by_year2.add(k, v);
        }
        for (k, v) in other.tables {
            *self.tables.entry(k).or_default() += v;
        }
    }
}

/// Which kinds `value` is valid as (in [`KINDS`] order); for a column with the NIK role, what a
/// structurally valid NIK encodes; for a column with the dob role, whether it is a valid date
/// (then left in `canonical`). Cheap tests on the value's shape skip normalizers that cannot
/// succeed; the kinds are tested one after another, in straight-line code, because a loop with a
/// `match` on the kind mispredicted its jumps on every value.
pub(crate) fn check_value(
    value: &str,
    role: Option<Kind>,
    canonical: &mut String,
) -> (Kinds, Option<nik::NikFacts>, bool) {
    const _: () = assert!(matches!(KINDS, [Kind::Nik, Kind::Phone, Kind::Email, Kind::Name, Kind::Dob]));
    let bytes = value.as_bytes();
    let shape = Shape::of(bytes);
    let mut facts = None;

    let nik = shape.digits >= 16 && normalize::normalize_into(Kind::Nik, value, canonical).is_ok();
    if nik && role == Some(Kind::Nik) && normalize::is_structurally_valid_nik(canonical) {
        facts = nik::facts(canonical);
    }
    // An Indonesian number has at least 8 digits (a 7-digit fixed line and its trunk 0, SPEC §2
    // 1.1), which start 0, 62 or 8 without a `+`; another country's, at least 8 after its `+`.
    let phone = shape.digits >= 8
        && (shape.plus || matches!(bytes.iter().find(|b| b.is_ascii_digit()), Some(b'0' | b'6' | b'8')))
        && {
            canonical.clear();
            // One number in digits and dashes, dots, spaces or brackets (most phone fields) needs no
            // splitting.
            match normalize::append_plain_phone(value, canonical) {
                Some(result) => result.is_ok(),
                None => {
                    let (mut any, mut all) = (false, true);
                    normalize::for_each_phone(value, |p| {
                        any = true;
                        all &= normalize::normalize_phone(p, canonical).is_ok();
                    });
                    any && all
                }
            }
        };
    let email = shape.at && normalize::normalize_into(Kind::Email, value, canonical).is_ok();
    let name = shape.letter && normalize::is_valid_name(value);
    // Every date form is YYYYMMDD or has separators; only a datetime (whose time has a `:`) has
    // more than 8 digits. It may start with a letter (rules 1.1: `Kamis, 10 April 1967`, `June
    // 16, 2022`, `Bandung, 17 Agustus 1945`), so the first character says nothing: the scan's
    // parser decides, as the scan does.
    let dob = shape.digits >= 4
        && (shape.separator || shape.letter || shape.digits == 8)
        && (shape.digits <= 8 || shape.colon)
        && normalize::normalize_into(Kind::Dob, value, canonical).is_ok();
    (Kinds::of([nik, phone, email, name, dob]), facts, dob && role == Some(Kind::Dob))
}

/// What each normalizer says of `value`, without the shortcuts of [`check_value`]: the answer
/// it must give (its tests and the `normalize` fuzz target compare the two).
pub(crate) fn kinds_by_normalizers(value: &str) -> [bool; 5] {
    let mut c = String::new();
    let (mut any, mut all) = (false, true);
    normalize::for_each_phone(value, |p| {
        any = true;
        all &= normalize::normalize_phone(p, &mut c).is_ok();
    });
    [
        normalize::normalize_into(Kind::Nik, value, &mut c).is_ok(),
        any && all,
        normalize::normalize_into(Kind::Email, value, &mut c).is_ok(),
        normalize::is_valid_name(value),
        normalize::normalize_into(Kind::Dob, value, &mut c).is_ok(),
    ]
}

/// The kinds a value is valid as, one bit per kind of [`KINDS`]: a byte, returned in a register
/// (as five `bool`s it went through memory, and reading it back stalled on every value).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Kinds(u8);

impl Kinds {
    pub fn of(valid: [bool; 5]) -> Kinds {
        Kinds(valid.iter().enumerate().fold(0, |bits, (k, &ok)| bits | u8::from(ok) << k))
    }

    /// Whether the value is valid as `kind` (one of [`KINDS`]).
    pub fn has(self, kind: Kind) -> bool {
        KINDS.iter().position(|&k| k == kind).is_some_and(|k| self.0 >> k & 1 == 1)
    }

    pub fn to_array(self) -> [bool; 5] {
        std::array::from_fn(|k| self.0 >> k & 1 == 1)
    }
}

/// An example value, masked by its column's role, else by the first strong kind it is valid as,
/// else as a date if it is one (as the same value is in a column with that role).
fn sample(value: &str, role: Option<Kind>, valid: &[bool; 5]) -> Sample {
    let kind = role.or_else(|| {
        KINDS
            .into_iter()
            .zip(valid)
            .filter(|(_, ok)| **ok)
            .map(|(k, _)| k)
            .filter(|k| matches!(k, Kind::Nik | Kind::Phone | Kind::Email | Kind::Dob))
            .min_by_key(|k| *k == Kind::Dob)
    });
    let masked_as = kind.and_then(|k| {
        let mut first = None;
        if k == Kind::Phone {
            normalize::for_each_phone(value, |p| {
                if first.is_none() {
                    first = normalize::canonical(k, p).ok();
                }
            });
        } else {
            first = normalize::canonical(k, value).ok();
        }
        first.map(|c| (k, c))
    });
    let raw = value.trim();
    let cut = raw.char_indices().nth(SAMPLE_CHARS).map(|(cut, _)| cut);
    Sample { raw: raw[..cut.unwrap_or(raw.len())].to_string(), cut: cut.is_some(), masked_as }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_find_the_column_their_name_found_first() {
        let mut t = Tally::default();
        assert_eq!(t.column_at("nik", Some(0), None), 0);
        assert_eq!(t.column_at("nama", Some(1), None), 1);
        assert_eq!(t.column_at("nik", Some(0), None), 0);
        // Without a position (JSON paths) the name decides, and may reach the same column.
        assert_eq!(t.column_at("nama", None, None), 1);
        assert_eq!(t.column_at("kontak.hp", None, None), 2);
        assert_eq!(t.column_at("column 4", Some(3), None), 3);
        assert_eq!(
            t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["nik", "nama", "kontak.hp", "column 4"]
        );
    }

    #[test]
    fn columns_past_the_limit_are_counted_together() {
        let mut t = Tally::default();
        for i in 0..MAX_COLUMNS + 10 {
            t.column(&format!("k{i}"), None);
        }
        assert_eq!(t.columns.len(), MAX_COLUMNS + 1);
        assert_eq!(t.columns[MAX_COLUMNS].name, MORE_COLUMNS);
        assert_eq!(t.column("k3", None), 3);
    }

    #[test]
    fn values_are_checked_against_every_kind() {
        let mut c = String::new();
        let (valid, facts, _) = check_value("3201014107900001", Some(Kind::Nik), &mut c);
        assert_eq!(valid.to_array(), [true, false, false, false, false]);
        assert_eq!(facts.map(|f| f.province), Some(32));
        let (valid, _, dob) = check_value("17 Agustus 1945", Some(Kind::Dob), &mut c);
        assert_eq!(valid.to_array(), [false, false, false, true, true]);
        assert!(dob);
        assert_eq!(c, "1945-08-17");
        let (valid, ..) = check_value("0812-3456-7890 / 0813 1111 2222", None, &mut c);
        assert_eq!(valid.to_array(), [false, true, false, false, false]);
        let (valid, ..) = check_value("budi@example.com", None, &mut c);
        assert_eq!(valid.to_array(), [false, false, true, true, false]);
        let (valid, ..) = check_value("1990-07-01T08:30:00Z", None, &mut c);
        assert!(valid.to_array()[4], "a datetime has more than 8 digits");
    }

    #[test]
    fn dates_that_start_with_a_weekday_a_month_or_a_place_are_dates_as_the_scan_reads_them() {
        let mut c = String::new();
        for (value, want) in [
            ("Kamis, 10 April 1967", "1967-04-10"),
            ("June 16, 2022", "2022-06-16"),
            ("Bandung, 17 Agustus 1945", "1945-08-17"),
            ("June,1,1900", "1900-06-01"), // proptest: commas only, no separator the shape knew
        ] {
            let (valid, _, dob) = check_value(value, Some(Kind::Dob), &mut c);
            assert!(valid.has(Kind::Dob) && dob, "{value}");
            assert_eq!(c, want, "{value}");
        }
    }

    #[test]
    fn a_landline_of_seven_national_digits_is_a_phone() {
        // SPEC §2 1.1: a fixed line has 7-11 digits after +62, so 8 with its trunk 0; the shape
        // test skipped every phone under 9 digits.
        let mut c = String::new();
        for value in ["(021) 12345", "021-12345", "0274 51234"] {
            assert!(check_value(value, None, &mut c).0.has(Kind::Phone), "{value}");
        }
    }

    proptest::proptest! {
        /// The shape tests only skip normalizers that would fail: the answer is theirs.
        #[test]
        fn shortcuts_never_change_an_answer(
            value in proptest::prop_oneof![
                "[0-9 +@.:/TZa-z'\u{a0}\u{3000}é-]{0,40}",
                "[ \u{a0}]?[-./\t ]{0,2}(0?[1-9]|1[0-9]|2[0-8])[ \u{a0}\t\r./-](Agustus|Mei|jan|Des)[ \u{a0}\t\x0b./-](19|20)[0-9]{2}[ \u{a0}.]?",
                "[+0 ]{0,2}[0-9]{1,4}[-./ ][0-9]{1,4}[-./ ][0-9]{1,8}( [0-9:.]{0,12})?",
                "[0-9. ']{14,24}(\\.0)?",
                "(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])",
                "(0?[1-9]|1[0-9]|2[0-8])[-./ ](0?[1-9]|1[0-2]|[A-Za-z]{3,9})[-./ ](19|20)[0-9]{2}",
                "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])([T ][0-2][0-9]:[0-5][0-9](:[0-5][0-9])?Z?)?",
                "(\\+62|62|0|0062)?[ -]?8[0-9]{2,3}[ -]?[0-9]{3,4}[ -]?[0-9]{2,5}",
                "(\\+62 ?|0)[2-79][0-9]{1,3}[ -]?[0-9]{3,8}",
                "(Kamis|Bandung|June|Rabu), ?(0?[1-9]|1[0-9]|2[0-8])( April| Agustus|,)? ?(19|20)[0-9]{2}",
            ],
        ) {
            let mut c = String::new();
            proptest::prop_assert_eq!(check_value(&value, None, &mut c).0.to_array(), kinds_by_normalizers(&value), "{:?}", value);
        }
    }
}
