//! The plain watchlist: one identifier per line, kind from a `kind:` prefix or inferred.

use super::read::Stream;
use super::{Builder, Person, WatchlistError};
use crate::kind::Kind;
use crate::normalize;
use crate::roles;

/// Prefixes that force a line's kind (SPEC §4).
const PREFIXES: [Kind; 4] = [Kind::Nik, Kind::Phone, Kind::Email, Kind::Name];

pub(super) fn load(
    path: &str,
    stream: &mut Stream<'_>,
    builder: &mut Builder<'_>,
) -> Result<(), WatchlistError> {
    let mut buf = String::new();
    while let Some(line_no) = stream.next_line(&mut buf)? {
        let line = buf.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(reason) = unknown_prefix(line) {
            builder.reject(path, line_no, reason)?;
            continue;
        }
        let (kind, value) = match forced_kind(line) {
            Some(forced) => forced,
            None if holds_two_identifiers(line) => {
                let reason =
                    "two identifiers on one line: put one per line, or use a CSV of people with a header"
                        .to_string();
                builder.reject(path, line_no, reason)?;
                continue;
            }
            None => match infer_kind(line) {
                Some(kind) => (kind, line),
                None => {
                    let reason = "cannot tell what this is: not a NIK, phone, e-mail or name".to_string();
                    builder.reject(path, line_no, reason)?;
                    continue;
                }
            },
        };
        let mut person = Person::default();
        match person.add(kind, value) {
            Ok(()) if person.has_identifier() => {
                if builder.contacts.is_some() {
                    builder.pending_contact = super::Contact { line: line_no, ..contact(kind, value) };
                }
                builder.add(format!("L{line_no}"), &person)
            }
            Ok(()) => builder.reject(path, line_no, format!("no {kind} in this line"))?,
            Err(why) => builder.reject(path, line_no, format!("invalid {kind}: {why}"))?,
        }
    }
    Ok(())
}

/// The contact details a line of `kind` gives: itself, when it is a name, e-mail or phone.
fn contact(kind: Kind, value: &str) -> super::Contact {
    let value = Some(value.trim().to_string());
    match kind {
        Kind::Name => super::Contact { name: value, ..Default::default() },
        Kind::Email => super::Contact { email: value, ..Default::default() },
        Kind::Phone => super::Contact { phone: value, ..Default::default() },
        _ => super::Contact::default(),
    }
}

/// `nik:…`, `phone:…`, `email:…`, `name:…`, or (1.1) a header synonym of SPEC §5 as the
/// prefix (`hp:`, `KTP:`, `No. Telp:`, `surel:`, `nama:`), in any case.
fn forced_kind(line: &str) -> Option<(Kind, &str)> {
    let (prefix, value) = line.split_once(':')?;
    let kind = Kind::parse(prefix).or_else(|| prefix_synonym(prefix)).filter(|k| PREFIXES.contains(k))?;
    Some((kind, value.trim()))
}

/// The kind a prefix names by its SPEC §5 header synonyms, or `wa` (WhatsApp), which SPEC §4
/// names as a prefix although no column is called that alone.
fn prefix_synonym(prefix: &str) -> Option<Kind> {
    if roles::header_key(prefix) == "wa" {
        return Some(Kind::Phone);
    }
    roles::role_from_header(prefix)
}

/// A `word:` prefix that is not one of the four kinds (`nik :`, `dob:`, `emial:`): an error
/// rather than a name or an e-mail that can never match.
fn unknown_prefix(line: &str) -> Option<String> {
    let (prefix, _) = line.split_once(':')?;
    let prefix = prefix.trim();
    let is_word = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
    if !is_word || forced_kind(line).is_some() || prefix.eq_ignore_ascii_case("mailto") {
        return None;
    }
    let birth_date = prefix.eq_ignore_ascii_case("name_dob") || prefix_synonym(prefix) == Some(Kind::Dob);
    Some(if birth_date {
        "a birth date can only be watched with a name: use a CSV of people".to_string()
    } else {
        "unknown prefix; use nik:, phone:, email: or name: (or a column name such as ktp:, hp:, surel:)"
            .to_string()
    })
}

/// SPEC §4: `@` → email; 16 digits after NIK cleanup → nik; a valid phone → phone; letters →
/// name. A line of letters and digits (`3201… Budi`) holds two identifiers: it is not a name.
fn infer_kind(line: &str) -> Option<Kind> {
    let mut scratch = String::new();
    if line.contains('@') {
        Some(Kind::Email)
    } else if normalize::normalize_nik(line, &mut scratch).is_ok() {
        Some(Kind::Nik)
    } else if normalize::normalize_phone(line, &mut scratch).is_ok() {
        Some(Kind::Phone)
    } else if line.chars().any(char::is_alphabetic) && !line.chars().any(|c| c.is_ascii_digit()) {
        Some(Kind::Name)
    } else {
        None
    }
}

/// A line like `3201…,budi@example.com` or `Budi Santoso;0812…`: split at a delimiter, at least
/// two pieces are identifiers and one of them is a NIK, phone or e-mail. (A name with a degree
/// after a comma, `Budi Santoso, S.Kom.`, holds no strong identifier and stays one name.) Left
/// whole, such a line would be inferred as one e-mail or rejected as nothing, and never match.
fn holds_two_identifiers(line: &str) -> bool {
    let (mut identified, mut strong) = (0, false);
    let mut scratch = String::new();
    for piece in line.split([',', ';', '\t', '|']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some(kind) = infer_kind(piece) else { continue };
        if normalize::normalize_into(kind, piece, &mut scratch).is_ok() {
            identified += 1;
            strong |= kind.is_strong();
        }
    }
    identified >= 2 && strong
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inference_order_of_spec_section_4() {
        let table = [
            ("budi@example.com", Some(Kind::Email)),
            ("3201.0141.0790.0001", Some(Kind::Nik)),
            ("'3201014107900001.0", Some(Kind::Nik)),
            ("0812-3456-7890", Some(Kind::Phone)),
            ("+65 9123 4567", Some(Kind::Phone)),
            ("Siti Nurhaliza", Some(Kind::Name)),
            ("not @ valid", Some(Kind::Email)), // `@` decides, validity is checked after
            ("12345", None),
            ("---", None),
            ("3201014107900001 Budi", None), // two identifiers on one line
            ("Budi 2", None),
        ];
        for (line, want) in table {
            assert_eq!(infer_kind(line), want, "{line}");
        }
    }

    #[test]
    fn two_identifiers_on_one_line_are_found() {
        for line in [
            "3201014107900001,budi@x.com",
            "Budi Santoso,budi@gmail.com",
            "Budi Santoso;0812-3456-7890",
            "3201014107900001\t0812-3456-7890",
            "budi@x.com | siti@y.com",
        ] {
            assert!(holds_two_identifiers(line), "{line}");
        }
        for line in ["Budi Santoso, S.Kom.", "budi@x.com", "3201014107900001", "Siti, Hj."] {
            assert!(!holds_two_identifiers(line), "{line}");
        }
    }

    #[test]
    fn unknown_prefixes_are_errors() {
        assert!(unknown_prefix("dob:01-01-1990").is_some());
        assert!(unknown_prefix("emial:x@y.com").is_some());
        assert!(unknown_prefix("Nik : 3201").is_none());
        assert!(unknown_prefix("mailto:x@y.com").is_none());
        assert!(unknown_prefix("Budi Santoso").is_none());
        assert!(unknown_prefix("+62:812").is_none());
    }

    #[test]
    fn prefixes_force_the_kind() {
        assert_eq!(forced_kind("nik: 3201014107900001"), Some((Kind::Nik, "3201014107900001")));
        assert_eq!(forced_kind("NAME:Budi"), Some((Kind::Name, "Budi")));
        assert_eq!(forced_kind("dob:01-01-1990"), None);
        assert_eq!(forced_kind("mailto:budi@example.com"), None);
    }

    #[test]
    fn header_synonyms_force_the_kind_in_any_case() {
        let table = [
            ("hp: 0812-3456-7890", Some(Kind::Phone)),
            ("HP:0812-3456-7890", Some(Kind::Phone)),
            ("telp: 021-555-1234", Some(Kind::Phone)),
            ("No. Telp: 021-555-1234", Some(Kind::Phone)),
            ("wa: 0812-3456-7890", Some(Kind::Phone)),
            ("WA:0812-3456-7890", Some(Kind::Phone)),
            ("whatsapp: 0812-3456-7890", Some(Kind::Phone)),
            ("ktp: 3201014107900001", Some(Kind::Nik)),
            ("No_KTP: 3201014107900001", Some(Kind::Nik)),
            ("surel: budi@example.com", Some(Kind::Email)),
            ("E-mail: budi@example.com", Some(Kind::Email)),
            ("nama: Siti Nurhaliza", Some(Kind::Name)),
            ("tgl_lahir: 01-01-1990", None),
            ("ttl: Jakarta, 17-08-1945", None),
            ("kk: 3201014107900001", None),
            ("budi: santoso", None),
        ];
        for (line, want) in table {
            assert_eq!(forced_kind(line).map(|(k, _)| k), want, "{line}");
        }
        assert_eq!(forced_kind("Hp : 0812"), Some((Kind::Phone, "0812")));
        for line in ["tgl_lahir: 01-01-1990", "TTL:Jakarta, 17-08-1945"] {
            assert!(unknown_prefix(line).is_some_and(|r| r.contains("birth date")), "{line}");
        }
        assert!(unknown_prefix("kk: 3201014107900001").is_some_and(|r| r.contains("unknown prefix")));
        assert!(unknown_prefix("hp: 0812").is_none());
    }
}
