//! Masking identifiers for reports (SPEC §7) and making dump text safe for a terminal.

use crate::kind::Kind;
use crate::matcher::ShownValue;

/// Digits of a NIK kept at the start and at the end.
const NIK_KEEP: (usize, usize) = (4, 2);
/// Characters of an Indonesian E.164 phone kept at the start (`+62` and 3 digits) and the end.
const PHONE_KEEP: (usize, usize) = (6, 3);
/// Characters of another country's E.164 phone kept (the `+` and 2 digits) and digits at the end.
const FOREIGN_PHONE_KEEP: (usize, usize) = (3, 3);

/// The value as a report shows it: masked from its canonical form, or with `reveal`, as found in
/// the dump (sanitized for terminals).
pub fn shown(kind: Kind, value: &ShownValue, reveal: bool) -> String {
    if reveal { sanitize(&value.raw) } else { mask(kind, &value.canonical) }
}

/// Masks a canonical value: NIK `3201**********01`, phone `+62812*****890`, e-mail
/// `b**********@gmail.com`, name `B*** S******`.
pub fn mask(kind: Kind, canonical: &str) -> String {
    match kind {
        Kind::Nik => keep_ends(canonical, NIK_KEEP),
        Kind::Phone if canonical.starts_with("+62") => keep_ends(canonical, PHONE_KEEP),
        Kind::Phone => keep_ends(canonical, FOREIGN_PHONE_KEEP),
        Kind::Email => match canonical.split_once('@') {
            // An e-mail's local part may start with any character, a control one too.
            Some((local, domain)) => {
                format!("{}@{}", sanitize(&first_then_stars(local, false)), host_part(domain))
            }
            None => stars(canonical.chars().count()),
        },
        Kind::Name | Kind::NameDob => {
            canonical.split(' ').map(|token| first_then_stars(token, true)).collect::<Vec<_>>().join(" ")
        }
        Kind::Dob => stars(canonical.chars().count()),
    }
}

/// The domain as far as it is made of host-name characters; anything after that (a second value
/// pasted into the same cell, `gmail.com;0812…`) is starred, not shown.
fn host_part(domain: &str) -> String {
    let end = domain.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.')).unwrap_or(domain.len());
    format!("{}{}", &domain[..end], stars(domain[end..].chars().count()))
}

/// Masks text of no known kind: each word keeps its first character (`Jl. Mawar` → `J** M****`).
pub fn mask_text(text: &str) -> String {
    sanitize(text).split_whitespace().map(|w| first_then_stars(w, false)).collect::<Vec<_>>().join(" ")
}

fn stars(n: usize) -> String {
    "*".repeat(n)
}

/// Keeps `head` characters and `tail` characters, stars in between; short values are all stars
/// but their first character.
fn keep_ends(s: &str, (head, tail): (usize, usize)) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return first_then_stars(s, false);
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&stars(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

fn first_then_stars(s: &str, uppercase: bool) -> String {
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return String::new() };
    let mut out = String::new();
    if uppercase {
        out.extend(first.to_uppercase());
    } else {
        out.push(first);
    }
    out.push_str(&stars(chars.count()));
    out
}

/// Replaces control characters (escape sequences, newlines, bidi overrides) with U+FFFD so text
/// from a dump cannot drive the terminal it is printed on.
pub fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_control() || is_bidi_control(c) { '\u{fffd}' } else { c }).collect()
}

fn is_bidi_control(c: char) -> bool {
    // Embeddings and overrides, isolates, and the marks (LRM, RLM, ALM).
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_of_spec_section_7() {
        let table = [
            (Kind::Nik, "3201014107900001", "3201**********01"),
            (Kind::Phone, "+6281234567890", "+62812*****890"),
            (Kind::Phone, "+62215551234", "+62215***234"),
            (Kind::Phone, "+6591234567", "+65*****567"),
            (Kind::Email, "budisantoso@gmail.com", "b**********@gmail.com"),
            (Kind::Email, "a@example.com", "a@example.com"),
            (Kind::Email, "budi@gmail.com;081234567890", "b***@gmail.com*************"),
            (Kind::Name, "budi santoso", "B*** S******"),
            (Kind::Name, "siti", "S***"),
            (Kind::Name, "élodie", "É*****"),
        ];
        for (kind, canonical, want) in table {
            assert_eq!(mask(kind, canonical), want, "{kind} {canonical}");
        }
    }

    #[test]
    fn a_control_character_never_survives_masking() {
        // The e-mail normalizer keeps a local part's characters; the first one is shown.
        for local in ["\0a", "\u{1b}[31m", "\u{202e}x", "\u{61c}x"] {
            let masked = mask(Kind::Email, &format!("{local}@gmail.com"));
            assert!(!masked.chars().any(|c| c.is_control() || is_bidi_control(c)), "{masked:?}");
            assert!(masked.ends_with("@gmail.com"));
        }
    }

    #[test]
    fn free_text_keeps_first_letters() {
        assert_eq!(mask_text("Jl. Mawar  No 5"), "J** M**** N* 5");
        assert_eq!(mask_text(""), "");
    }

    #[test]
    fn masked_values_hide_the_middle() {
        let nik = mask(Kind::Nik, "3201014107900001");
        assert!(!nik.contains("01410790"));
        let email = mask(Kind::Email, "budisantoso@gmail.com");
        assert!(!email.contains("budisantoso"));
    }

    #[test]
    fn reveal_shows_the_raw_value_sanitized() {
        let v = ShownValue { raw: "Budi\u{1b}[31m \u{202e}X\n".into(), canonical: "budi x".into() };
        assert_eq!(shown(Kind::Name, &v, true), "Budi\u{fffd}[31m \u{fffd}X\u{fffd}");
        assert_eq!(shown(Kind::Name, &v, false), "B*** X");
    }
}
