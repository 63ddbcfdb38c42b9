//! Counting what the records of a dump hold: per column, the values valid for each kind and a
//! few samples; for NIK columns, what the NIKs encode. Tallies of batches merge in input order.

use super::nik;
use crate::input::{Batch, Extractor};
use crate::kind::Kind;
use crate::normalize;
use crate::roles::Role;
use std::collections::{BTreeMap, HashMap};

/// Samples kept per column.
pub const SAMPLES: usize = 3;

/// The kinds whose validity is counted per column, in report order.
pub const KINDS: [Kind; 5] = Kind::FIELDS;

/// One value kept as an example: as found, and the kind and canonical form it is masked by.
#[derive(Clone, Debug)]
pub struct Sample {
    pub raw: String,
    pub masked_as: Option<(Kind, String)>,
}

/// What one column (or JSON path, or SQL column) holds.
#[derive(Clone, Debug)]
pub struct ColumnTally {
    pub name: String,
    pub role: Option<Role>,
    pub non_empty: u64,
    /// Values with a canonical form, per kind of [`KINDS`].
    pub valid: [u64; 5],
    pub samples: Vec<Sample>,
}

/// What the NIKs of the NIK columns encode.
#[derive(Clone, Debug, Default)]
pub struct NikTally {
    /// NIK values with 16 digits after cleanup.
    pub canonical: u64,
    pub structurally_valid: u64,
    pub by_province: BTreeMap<u8, u64>,
    pub female: u64,
    pub male: u64,
    pub by_year2: BTreeMap<u8, u64>,
    /// Records with both a structurally valid NIK and a valid date of birth.
    pub with_dob: u64,
    pub dob_disagrees: u64,
}

/// Everything counted over some records of one input.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub records: u64,
    pub bad_records: u64,
    /// Records that were not valid UTF-8 (read lossily).
    pub not_utf8: u64,
    pub columns: Vec<ColumnTally>,
    index: HashMap<String, usize>,
    /// The column looked up last (columns usually come in order).
    last_column: usize,
    pub nik: NikTally,
    /// Records per SQL table.
    pub tables: BTreeMap<String, u64>,
}

/// Reusable buffers of one worker.
#[derive(Default)]
pub struct Scratch {
    text: String,
    canonical: String,
    /// The current record's first valid date of birth.
    dob: String,
}

impl Tally {
    /// Counts the records of `spans` (part of `batch`).
    pub fn add_records(
        &mut self,
        batch: &Batch,
        spans: &[crate::input::Span],
        extractor: &dyn Extractor,
        s: &mut Scratch,
    ) {
        for span in spans {
            self.records += 1;
            if span.bad.is_some() {
                self.bad_records += 1;
                continue;
            }
            let text = batch.record_text(span);
            if matches!(text, std::borrow::Cow::Owned(_)) {
                self.not_utf8 += 1;
            }
            let layout = batch.layout(span);
            if let Some(layout) = layout {
                *self.tables.entry(layout.table.clone()).or_default() += 1;
            }
            self.last_column = usize::MAX;
            let mut record_nik: Option<nik::NikFacts> = None;
            let Scratch { text: scratch, canonical, dob: record_dob } = s;
            record_dob.clear();
            let result = extractor.columns(&text, layout, scratch, &mut |name, role, value| {
                if normalize::is_absent(value) {
                    return;
                }
                let column = self.column(name, role);
                let (valid, facts, dob) = check_value(value, role.map(|r| r.kind), canonical);
                if dob && record_dob.is_empty() {
                    // `check_value` tests the date last, so `canonical` still holds it.
                    record_dob.push_str(canonical);
                }
                column.non_empty += 1;
                for (total, ok) in column.valid.iter_mut().zip(valid) {
                    *total += u64::from(ok);
                }
                if column.samples.len() < SAMPLES {
                    column.samples.push(sample(value, role.map(|r| r.kind), &valid));
                }
                if role.is_some_and(|r| r.kind == Kind::Nik) && valid[0] {
                    self.nik.canonical += 1;
                    if let Some(f) = facts {
                        self.nik.structurally_valid += 1;
                        *self.nik.by_province.entry(f.province).or_default() += 1;
                        if f.female {
                            self.nik.female += 1;
                        } else {
                            self.nik.male += 1;
                        }
                        *self.nik.by_year2.entry(f.year2).or_default() += 1;
                        record_nik.get_or_insert(f);
                    }
                }
            });
            if result.is_err() {
                self.bad_records += 1;
                continue;
            }
            if let Some(f) = record_nik
                && !record_dob.is_empty()
            {
                self.nik.with_dob += 1;
                self.nik.dob_disagrees += u64::from(!nik::dob_agrees(&f, record_dob));
            }
        }
    }

    fn column(&mut self, name: &str, role: Option<Role>) -> &mut ColumnTally {
        // Columns come in the same order record after record: try the one after the last first.
        let hint = self.last_column.wrapping_add(1);
        if self.columns.get(hint).is_some_and(|c| c.name == name) {
            self.last_column = hint;
            return &mut self.columns[hint];
        }
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                self.index.insert(name.to_string(), self.columns.len());
                self.columns.push(ColumnTally {
                    name: name.to_string(),
                    role,
                    non_empty: 0,
                    valid: [0; 5],
                    samples: Vec::new(),
                });
                self.columns.len() - 1
            }
        };
        self.last_column = i;
        &mut self.columns[i]
    }

    /// Adds a tally of later records.
    pub fn merge(&mut self, other: Tally) {
        self.records += other.records;
        self.bad_records += other.bad_records;
        self.not_utf8 += other.not_utf8;
        for column in other.columns {
            let mine = self.column(&column.name, column.role);
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
        a.dob_disagrees += b.dob_disagrees;
        for (k, v) in b.by_province {
            *a.by_province.entry(k).or_default() += v;
        }
        for (k, v) in b.by_year2 {
            *a.by_year2.entry(k).or_default() += v;
        }
        for (k, v) in other.tables {
            *self.tables.entry(k).or_default() += v;
        }
    }
}

const DIGIT: u8 = 1;
const AT: u8 = 2;
const PLUS: u8 = 4;
const SEPARATOR: u8 = 8;
const LETTER: u8 = 16;

/// The shape class of each byte value.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'0'..=b'9' => DIGIT,
            b'@' => AT,
            b'+' => PLUS,
            b'-' | b'/' | b'.' | b' ' => SEPARATOR,
            b'a'..=b'z' | b'A'..=b'Z' | 0x80..=0xff => LETTER,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Which kinds `value` is valid as (in [`KINDS`] order); for a column with the NIK role, what a
/// structurally valid NIK encodes; for a column with the dob role, whether it is a valid date
/// (then left in `canonical`). Cheap tests on the text skip normalizers that cannot succeed.
fn check_value(
    value: &str,
    role: Option<Kind>,
    canonical: &mut String,
) -> ([bool; 5], Option<nik::NikFacts>, bool) {
    // One pass for the shape of the value: every kind needs some digits, an `@` or a letter.
    // The shape of the value in one table-driven pass: every kind needs some digits, an `@` or a
    // letter, and cheap tests on them skip normalizers that cannot succeed.
    let bytes = value.as_bytes();
    let (mut classes, mut digits) = (0u8, 0usize);
    for &b in bytes {
        let c = CLASS[usize::from(b)];
        classes |= c;
        digits += usize::from(c & DIGIT);
    }
    let has = |class: u8| classes & class != 0;
    let first_digit = || bytes.iter().find(|b| b.is_ascii_digit()).copied();
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied().unwrap_or(b' ');
    let mut valid = [false; 5];
    let mut facts = None;
    let mut dob = false;
    for (i, kind) in KINDS.into_iter().enumerate() {
        let plausible = match kind {
            Kind::Nik => digits >= 16,
            // Without a `+`, an Indonesian number's digits start 0, 62 or 8.
            Kind::Phone => digits >= 8 && (has(PLUS) || matches!(first_digit(), Some(b'0' | b'6' | b'8'))),
            Kind::Email => has(AT),
            // Every date form starts with its day or its year, and is YYYYMMDD or has separators.
            Kind::Dob => digits >= 4 && first.is_ascii_digit() && (has(SEPARATOR) || digits == 8),
            _ => has(LETTER),
        };
        if !plausible {
            continue;
        }
        if kind == Kind::Name {
            valid[i] = normalize::is_valid_name(value);
            continue;
        }
        valid[i] = match kind {
            Kind::Phone => {
                let (mut any, mut all) = (false, true);
                normalize::for_each_phone(value, |p| {
                    any = true;
                    all &= normalize::normalize_phone(p, canonical).is_ok();
                });
                any && all
            }
            _ => normalize::normalize_into(kind, value, canonical).is_ok(),
        };
        if valid[i] && role == Some(kind) {
            match kind {
                Kind::Nik if normalize::is_structurally_valid_nik(canonical) => facts = nik::facts(canonical),
                Kind::Dob => dob = true,
                _ => {}
            }
        }
    }
    (valid, facts, dob)
}

/// An example value, masked by its column's role, else by the first strong kind it is valid as.
fn sample(value: &str, role: Option<Kind>, valid: &[bool; 5]) -> Sample {
    let kind = role.or_else(|| {
        KINDS
            .into_iter()
            .zip(valid)
            .find(|(k, ok)| **ok && matches!(k, Kind::Nik | Kind::Phone | Kind::Email))
            .map(|(k, _)| k)
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
    Sample { raw: value.trim().to_string(), masked_as }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_against_every_kind() {
        let mut c = String::new();
        let (valid, facts, _) = check_value("3201014107900001", Some(Kind::Nik), &mut c);
        assert_eq!(valid, [true, false, false, false, false]);
        assert_eq!(facts.map(|f| f.province), Some(32));
        let (valid, _, dob) = check_value("17 Agustus 1945", Some(Kind::Dob), &mut c);
        assert_eq!(valid, [false, false, false, true, true]);
        assert!(dob);
        assert_eq!(c, "1945-08-17");
        let (valid, ..) = check_value("0812-3456-7890 / 0813 1111 2222", None, &mut c);
        assert_eq!(valid, [false, true, false, false, false]);
        let (valid, ..) = check_value("budi@example.com", None, &mut c);
        assert_eq!(valid, [false, false, true, true, false]);
    }
}
