//! The CSV-of-people watchlist: a header naming identity columns, one person per row.

use super::{Builder, Person, WatchlistError};
use crate::kind::Kind;
use crate::normalize;
use crate::roles;

pub(super) fn load(
    path: &str,
    text: &str,
    delimiter: u8,
    builder: &mut Builder<'_>,
) -> Result<(), WatchlistError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| csv_error(path, &e))?.iter().map(|h| h.trim().to_string()).collect();
    let kinds: Vec<Option<Kind>> = headers.iter().map(|h| roles::role_from_header(h)).collect();
    let label_col = headers.iter().position(|h| roles::is_label(h));
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(normalize::is_absent) {
            continue;
        }
        let mut person = Person::default();
        let mut problem = None;
        for (col, value) in record.iter().enumerate() {
            let Some(Some(kind)) = kinds.get(col) else { continue };
            if normalize::is_absent(value) {
                continue;
            }
            if let Err(why) = person.add(*kind, value) {
                problem = Some(format!("column {:?}: invalid {kind}: {why}", headers[col]));
                break;
            }
        }
        if problem.is_none() && !person.has_identifier() {
            problem = Some("no identifier (NIK, phone, e-mail or name) in this row".to_string());
        }
        if let Some(reason) = problem {
            builder.reject(path, line, reason)?;
            continue;
        }
        let given = label_col.and_then(|c| record.get(c)).map(str::trim).filter(|l| !l.is_empty());
        // A hashed list must hold no identifier: a label that is one (a NIK used as the id) is
        // replaced by the row number there.
        let given = given.filter(|l| !(builder.refuse_hashed && looks_like_identifier(l)));
        let label = given.map_or_else(|| format!("R{}", row + 1), str::to_string);
        builder.add(label, &person);
    }
    Ok(())
}

/// A valid NIK, phone or e-mail.
fn looks_like_identifier(label: &str) -> bool {
    let mut scratch = String::new();
    normalize::normalize_nik(label, &mut scratch).is_ok()
        || normalize::normalize_phone(label, &mut scratch).is_ok()
        || normalize::normalize_email(label, &mut scratch).is_ok()
}

fn csv_error(path: &str, e: &csv::Error) -> WatchlistError {
    let line = e.position().map_or(0, |p| p.line());
    WatchlistError::Line { path: path.to_string(), line, reason: "malformed CSV row".to_string() }
}
