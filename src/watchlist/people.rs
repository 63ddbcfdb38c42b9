//! The CSV-of-people watchlist: a header naming identity columns, one person per row. Rows are
//! normalized and hashed in parallel chunks and added in file order.

use super::read::Stream;
use super::{Builder, Person, WatchlistError};
use crate::hash::{Digest, Hasher};
use crate::kind::Kind;
use crate::normalize;
use crate::roles;
use rayon::prelude::*;

/// Rows read before a chunk is normalized and hashed in parallel (then added in order).
const CHUNK_ROWS: usize = 16_384;

/// One row, normalized and hashed off the loading thread.
enum Row {
    Blank,
    Rejected {
        line: u64,
        reason: String,
    },
    Person {
        label: String,
        /// The label column was replaced by the row number, for disclosing the person.
        relabeled: bool,
        digests: Vec<(Kind, Digest)>,
        keys: Vec<u64>,
        skipped: Vec<Rejected>,
        /// Sniffed columns whose value was invalid here (left out, counted per column).
        sniffed_invalid: Vec<usize>,
        /// Kept for `report notify` only.
        contact: Option<Box<super::Contact>>,
    },
}

/// A value left out of a person under `--lenient`: its physical line and why.
struct Rejected {
    line: u64,
    reason: String,
}

/// The valid share of one kind from which an unnamed column left out is warned about.
const NEARLY_SHARE: f64 = 0.3;

/// Bytes of the list's head sampled for the kinds of columns no header names (with
/// [`roles::SNIFF_RECORDS`] rows, whichever comes first past this many bytes).
const SAMPLE_BYTES: usize = 64 * 1024;

pub(super) fn load(
    path: &str,
    stream: &mut Stream<'_>,
    delimiter: u8,
    builder: &mut Builder<'_>,
) -> Result<(), WatchlistError> {
    // The list's first lines, read but not consumed: the sample for columns no header names.
    let sample = stream.head(SAMPLE_BYTES, roles::SNIFF_RECORDS + 1)?.to_owned();
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).comment(Some(b'#')).from_reader(stream);
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.trim().to_string()).collect(),
        Err(e) => return Err(csv_error(path, &e, reader.get_mut())),
    };
    let label_col = headers.iter().position(|h| roles::is_label(h));
    let kinds = column_kinds(path, &sample, delimiter, &headers, label_col, builder);
    let sniffed = kinds
        .iter()
        .zip(&headers)
        .map(|(kind, h)| kind.is_some() && roles::role_from_header(h).is_none())
        .collect();
    let plan = Plan {
        kinds,
        sniffed,
        label_col,
        headers,
        refuse_hashed: builder.refuse_hashed,
        contacts: builder.contacts.is_some(),
        lenient: builder.lenient,
        hasher: builder.hasher,
        value_key: builder.value_key,
    };
    // Records are reused from chunk to chunk, and made as rows need them: a list of ten people
    // makes ten, not CHUNK_ROWS (a fresh record is an allocation).
    let mut chunk: Vec<csv::StringRecord> = Vec::new();
    let mut first_row = 0;
    // Invalid values of each sniffed column, left out of their people.
    let mut sniffed_invalid = vec![0_usize; plan.headers.len()];
    loop {
        // A malformed row ends the load, but only after the rows before it (whose own errors
        // come first).
        let mut malformed = None;
        let mut filled = 0;
        while filled < CHUNK_ROWS {
            if filled == chunk.len() {
                chunk.push(csv::StringRecord::new());
            }
            match reader.read_record(&mut chunk[filled]) {
                Ok(true) => filled += 1,
                Ok(false) => break,
                Err(e) => {
                    malformed = Some(csv_error(path, &e, reader.get_mut()));
                    break;
                }
            }
        }
        if filled == 0 && malformed.is_none() {
            break;
        }
        let rows: Vec<Row> = chunk[..filled]
            .par_iter()
            .enumerate()
            .map(|(i, record)| plan.row(first_row + i, record))
            .collect();
        first_row += filled;
        for row in rows {
            match row {
                Row::Blank => {}
                Row::Rejected { line, reason } => builder.reject(path, line, reason)?,
                Row::Person {
                    label,
                    relabeled,
                    digests,
                    keys,
                    skipped,
                    sniffed_invalid: invalid,
                    contact,
                } => {
                    for col in invalid {
                        sniffed_invalid[col] += 1;
                    }
                    if let Some(contact) = contact {
                        builder.pending_contact = *contact;
                    }
                    for value in skipped {
                        builder.reject_value(path, value.line, value.reason)?;
                    }
                    builder.relabeled += usize::from(relabeled);
                    builder.add_person(label, digests, &keys);
                }
            }
        }
        if let Some(error) = malformed {
            return Err(error);
        }
    }
    for (col, &count) in sniffed_invalid.iter().enumerate().filter(|(_, count)| **count > 0) {
        builder.skipped += count;
        builder.warnings.push(format!(
            "watchlist {path}: column {:?}: {count} value{} not a valid {kind}, left out (the column was \
             sniffed, not named: the rest of each row kept)",
            plan.headers[col],
            if count == 1 { " is" } else { "s are" },
            kind = plan.kinds[col].map_or("value", Kind::as_str),
        ));
    }
    Ok(())
}

/// Each column's kind, as a dump's columns get theirs (SPEC §5): from its header's synonym,
/// else sniffed from its first values. A column whose header is no synonym (`NIK/KTP`,
/// `No KTP / NIK`, `NIK Pasien (16 digit)`) but whose values are NIKs, phones or e-mails is
/// read as such, with a warning naming it: left out, its people would be watched by name only
/// and a leak of their NIKs reported CLEAR. The label column keeps its one role.
///
/// A watchlist row is one person, so a sniffed column must be that person's: one whose header
/// names someone else (`NIK Ibu`, `HP Penanggung Jawab`) or whose kind a known header of the
/// list already gives (`nik` beside `NIK/KTP`) is not used, with a warning: read as the
/// person's, a leak of the mother's NIK would be reported as the baby's exposure.
fn column_kinds(
    path: &str,
    text: &str,
    delimiter: u8,
    headers: &[String],
    label_col: Option<usize>,
    builder: &mut Builder<'_>,
) -> Vec<Option<Kind>> {
    let mut kinds: Vec<Option<Kind>> = headers.iter().map(|h| roles::role_from_header(h)).collect();
    let named: Vec<Kind> = kinds.iter().flatten().copied().collect();
    let unnamed: Vec<usize> = (0..headers.len())
        .filter(|&col| {
            kinds[col].is_none() && Some(col) != label_col && !roles::is_family_card(&headers[col])
        })
        .collect();
    if unnamed.is_empty() {
        return kinds;
    }
    let mut sniffer = roles::Sniffer::default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    // A malformed row ends the sample; the load itself reports it.
    for record in reader.records().take(roles::SNIFF_RECORDS).map_while(Result::ok) {
        for &col in &unnamed {
            if let Some(value) = record.get(col) {
                sniffer.observe(col, value);
            }
        }
    }
    for col in unnamed {
        let Some(role) = sniffer.role(col, false) else {
            // A column of mostly NIKs with a few typos would be left out in silence, its
            // people watched without them (a CLEAR for a leak of their NIKs): say so.
            if let Some((kind, share)) = sniffer.best(col).filter(|&(_, share)| share >= NEARLY_SHARE) {
                builder.warnings.push(format!(
                    "watchlist {path}: column {:?} is not a header leakcheck knows and only {:.0}% of \
                     its values are a valid {kind}, under the 80% that reads a column: not used (name it \
                     {kind} to read it, its invalid values then reported)",
                    headers[col],
                    share * 100.0
                ));
            }
            continue;
        };
        let header = &headers[col];
        let kind = role.kind;
        if let Some(word) = relation_word(header) {
            builder.warnings.push(format!(
                "watchlist {path}: column {header:?} holds {kind} values, but its header names another                  person ({word:?}): not used (a watchlist row is one person)"
            ));
            continue;
        }
        if named.contains(&kind) {
            builder.warnings.push(format!(
                "watchlist {path}: column {header:?} holds {kind} values, but the list already has a                  {kind} column: not used (name it {kind} if it is the same person's)"
            ));
            continue;
        }
        let share = match role.source {
            roles::RoleSource::Sniffed(share) => share * 100.0,
            _ => 100.0,
        };
        builder.warnings.push(format!(
            "watchlist {path}: column {header:?} is not a header leakcheck knows, but {share:.0}% of its values \
             are a valid {kind}: it is read as {kind} (name it {kind} to say so)"
        ));
        kinds[col] = Some(kind);
    }
    kinds
}

/// Words of a header that name someone other than the row's person (Indonesian and English).
const RELATION_WORDS: &[&str] = &[
    "ibu",
    "ayah",
    "bapak",
    "ortu",
    "wali",
    "penanggung",
    "pj",
    "keluarga",
    "suami",
    "istri",
    "anak",
    "kerabat",
    "darurat",
    "kakak",
    "adik",
    "saudara",
    "pasangan",
    "emergency",
    "mother",
    "father",
    "parent",
    "parents",
    "guardian",
    "spouse",
    "relative",
    "kin",
    "husband",
    "wife",
];
/// Relations written as two words.
const RELATION_PAIRS: &[(&str, &str)] = &[("orang", "tua"), ("next", "of")];

/// The relation word a header holds as a whole word, case-insensitively (`NIK_Ibu` → `ibu`;
/// `Ibukota` holds none).
fn relation_word(header: &str) -> Option<String> {
    let words: Vec<String> = header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if let Some(word) = words.iter().find(|w| RELATION_WORDS.contains(&w.as_str())) {
        return Some(word.clone());
    }
    words
        .windows(2)
        .find(|pair| RELATION_PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())))
        .map(|pair| pair.join(" "))
}

/// What every row needs to know about the file.
struct Plan<'h> {
    headers: Vec<String>,
    kinds: Vec<Option<Kind>>,
    /// Columns read as a kind by sniffing their values, not by their header: an invalid value
    /// there is left out and counted, never an error (the column may hold notes like `belum ada`).
    sniffed: Vec<bool>,
    label_col: Option<usize>,
    refuse_hashed: bool,
    /// Keep each person's contact details (`report notify`).
    contacts: bool,
    /// A bad value is left out of its person (SPEC §4 1.1), not the person out of the list.
    lenient: bool,
    hasher: &'h Hasher,
    value_key: super::ValueKey,
}

impl Plan<'_> {
    /// Row number `row` (0-based) of the data.
    fn row(&self, row: usize, record: &csv::StringRecord) -> Row {
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(normalize::is_absent) {
            return Row::Blank;
        }
        let mut person = Person::default();
        let mut skipped = Vec::new();
        let mut sniffed_invalid = Vec::new();
        for (col, value) in record.iter().enumerate() {
            let Some(Some(kind)) = self.kinds.get(col) else { continue };
            if normalize::is_absent(value) {
                continue;
            }
            if let Err(why) = person.add(*kind, value) {
                if self.sniffed.get(col) == Some(&true) {
                    sniffed_invalid.push(col);
                    continue;
                }
                let reason = format!("column {:?}: invalid {kind}: {why}", self.headers[col]);
                if !self.lenient {
                    return Row::Rejected { line, reason };
                }
                skipped.push(Rejected { line, reason });
            }
        }
        if !person.has_identifier() {
            // Nothing left to watch: the row goes, once, for its first bad value if it had one.
            let reason = skipped.into_iter().next().map_or_else(
                || "no identifier (NIK, phone, e-mail or name) in this row".to_string(),
                |first| first.reason,
            );
            return Row::Rejected { line, reason };
        }
        let given = self.label_col.and_then(|c| record.get(c)).map(str::trim).filter(|l| !l.is_empty());
        // A hashed list must hold no identifier: a label that discloses the person (a NIK used
        // as the id, the name again) is replaced by the row number there (SPEC §4 1.1).
        let relabeled = self.refuse_hashed && given.is_some_and(|l| discloses(l, &person));
        let label = given.filter(|_| !relabeled).map_or_else(|| format!("R{}", row + 1), str::to_string);
        let (digests, keys) = (person.digests(self.hasher), person.prefilter_keys(self.value_key));
        let contact = self.contacts.then(|| Box::new(self.contact(record, line)));
        Row::Person { label, relabeled, digests, keys, skipped, sniffed_invalid, contact }
    }

    /// The row's first name, e-mail and phone cells, as written, and its line.
    fn contact(&self, record: &csv::StringRecord, line: u64) -> super::Contact {
        let first = |kind: Kind| {
            record
                .iter()
                .enumerate()
                .find(|(col, value)| {
                    self.kinds.get(*col) == Some(&Some(kind)) && !normalize::is_absent(value)
                })
                .map(|(_, value)| value.trim().to_string())
        };
        super::Contact {
            name: first(Kind::Name),
            email: first(Kind::Email),
            phone: first(Kind::Phone),
            line,
            ..Default::default()
        }
    }
}

/// A label that is or holds a valid NIK, phone or e-mail, or is canonically the row's own name
/// in any word order (`Nurhaliza, Siti` for Siti Nurhaliza: a "Last, First" label is the name).
fn discloses(label: &str, person: &Person) -> bool {
    let words = |name: &str| {
        let mut words: Vec<String> = name.split_whitespace().map(str::to_string).collect();
        words.sort_unstable();
        words
    };
    super::labels::holds_identifier(label)
        || normalize::canonical(Kind::Name, &label.replace(',', " ")).is_ok_and(|name| {
            let name = words(&name);
            person.values.iter().any(|(kind, value)| *kind == Kind::Name && words(value) == name)
        })
}

/// The error for a row the CSV reader refused: the list's own read error (a NUL byte, a line too
/// long), or a malformed row.
fn csv_error(path: &str, e: &csv::Error, stream: &mut Stream<'_>) -> WatchlistError {
    if stream.failed() {
        return stream.error(std::io::Error::other("the watchlist could not be read"));
    }
    let line = e.position().map_or(0, |p| p.line());
    WatchlistError::Line { path: path.to_string(), line, reason: "malformed CSV row".to_string() }
}

#[cfg(test)]
mod tests {
    use super::relation_word;

    #[test]
    fn relation_words_are_found_as_whole_words_in_any_case() {
        for (header, word) in [
            ("NIK Ibu", Some("ibu")),
            ("nik_ayah", Some("ayah")),
            ("HP Penanggung Jawab", Some("penanggung")),
            ("Email Ortu", Some("ortu")),
            ("No HP Orang Tua", Some("orang tua")),
            ("Emergency Contact", Some("emergency")),
            ("HP PJ", Some("pj")),
            ("NIK/KTP", None),
            ("Ibukota", None),
            ("Anaknya", None),
            ("NIK Pasien (16 digit)", None),
        ] {
            assert_eq!(relation_word(header).as_deref(), word, "{header}");
        }
    }
}
