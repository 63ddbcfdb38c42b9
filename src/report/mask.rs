//! Masking identifiers for reports (SPEC §7) and making dump text safe for a terminal.

use crate::kind::Kind;
use crate::matcher::ShownValue;
use crate::normalize;

/// Digits of a NIK kept at the start and at the end.
const NIK_KEEP: (usize, usize) = (4, 2);
/// Characters of an Indonesian E.164 phone of a long national number kept at the start (`+62`
/// and 3 digits) and the end (SPEC §7).
const PHONE_KEEP: (usize, usize) = (6, 3);
/// Digits of an Indonesian national number (after `+62`) from which [`PHONE_KEEP`] applies;
/// shorter ones keep [`SHORT_PHONE_KEEP`], so that an 8-digit number shows half of its digits,
/// not 6 of 8 (SPEC §7, 1.1).
const LONG_NATIONAL_DIGITS: usize = 10;
/// Characters of an Indonesian E.164 phone of a short national number kept: `+62` and 2 digits,
/// and 2 at the end.
const SHORT_PHONE_KEEP: (usize, usize) = (5, 2);
/// Characters of another country's E.164 phone kept at the start (the `+` and 3 digits) and at
/// the end (SPEC §7, 1.1).
const FOREIGN_PHONE_KEEP: (usize, usize) = (4, 2);
/// An e-mail local part this short is all stars: its first character would be half of it.
const SHORT_LOCAL_PART: usize = 2;

/// The value as a report shows it: masked from its canonical form, or with `reveal`, as found in
/// the dump (sanitized for terminals).
pub fn shown(kind: Kind, value: &ShownValue, reveal: bool) -> String {
    if reveal { sanitize(&value.raw) } else { mask(kind, &value.canonical) }
}

/// A watch label as a report shows it (SPEC §7): with `reveal` as given, sanitized for
/// terminals; else [`mask_label`].
pub fn shown_label(label: &str, reveal: bool) -> String {
    if reveal { sanitize(label) } else { mask_label(label) }
}

/// A watch label with every NIK, phone and e-mail in it masked as its kind is, each
/// `:`-separated part (a list's prefix, the label) on its own: `3201014107900001:P1` →
/// `3201**********01:P1`, `NIK 3201014107900003` → `NIK 3201**********03`. The rest is kept,
/// sanitized for terminals. One function for reports and warnings alike.
pub fn mask_label(label: &str) -> String {
    // Most labels (`P000123`) hold none in any part: sanitizing the whole is sanitizing each.
    if normalize::cannot_hold_one(label) {
        return sanitize(label);
    }
    mask_label_parts(label)
}

/// [`mask_label`], part by part.
fn mask_label_parts(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for (i, part) in label.split(':').enumerate() {
        if i > 0 {
            out.push(':');
        }
        let mut at = 0;
        for found in normalize::identifiers_in(part) {
            out.push_str(&sanitize(&part[at..found.span.start]));
            out.push_str(&mask(found.kind, &found.canonical));
            at = found.span.end;
        }
        out.push_str(&sanitize(&part[at..]));
    }
    out
}

/// Masks a canonical value: NIK `3201**********01`, phone `+62812*****890`, e-mail
/// `b**********@gmail.com`, name `B*** S******`, date of birth `1990-**-**`. No short value is
/// shown whole: `**@rs.go.id`, a one-letter name token `*`, `+6221****23` (SPEC §7, 1.1).
pub fn mask(kind: Kind, canonical: &str) -> String {
    match kind {
        Kind::Nik => keep_ends(canonical, NIK_KEEP),
        Kind::Phone => mask_phone(canonical),
        Kind::Email => mask_email(canonical),
        Kind::Name => mask_name(canonical),
        Kind::NameDob => match canonical.rsplit_once('|') {
            Some((name, dob)) => format!("{}|{}", mask_name(name), mask_dob(dob)),
            None => mask_name(canonical),
        },
        Kind::Dob => mask_dob(canonical),
    }
}

/// `+62` and 3 digits and the last 3 of a national number of 10 digits or more, else `+62` and
/// 2 and the last 2; another country's number its first 4 characters and last 2.
fn mask_phone(canonical: &str) -> String {
    let keep = match canonical.strip_prefix("+62") {
        Some(national) if national.chars().count() >= LONG_NATIONAL_DIGITS => PHONE_KEEP,
        Some(_) => SHORT_PHONE_KEEP,
        None => FOREIGN_PHONE_KEEP,
    };
    keep_ends(canonical, keep)
}

/// The local part's first character (none of a local part of 1–2) and the domain.
fn mask_email(canonical: &str) -> String {
    let Some((local, domain)) = canonical.split_once('@') else {
        return stars(canonical.chars().count());
    };
    let mut out = String::with_capacity(canonical.len() + 2);
    let chars = local.chars().count();
    match local.chars().next() {
        Some(first) if chars > SHORT_LOCAL_PART => {
            // An e-mail's local part may start with any character, a control one too.
            out.push(sanitized(first));
            push_stars(&mut out, chars - 1);
        }
        _ => push_stars(&mut out, chars),
    }
    out.push('@');
    push_host_part(&mut out, domain);
    out
}

/// Each token's first letter, uppercased; a one-letter token is `*`.
fn mask_name(canonical: &str) -> String {
    let mut out = String::with_capacity(canonical.len() + 2);
    for (i, token) in canonical.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_first_then_stars(&mut out, token, true);
    }
    out
}

/// A canonical date of birth keeps its year: `1990-**-**`; anything else is all stars.
pub fn mask_dob(canonical: &str) -> String {
    let b = canonical.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if shaped { format!("{}-**-**", &canonical[..4]) } else { stars(canonical.chars().count()) }
}

/// The domain as far as it is made of host-name characters; anything after that (a second value
/// pasted into the same cell, `gmail.com;0812…`) is starred, not shown.
fn push_host_part(out: &mut String, domain: &str) {
    let end = domain.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.')).unwrap_or(domain.len());
    out.push_str(&domain[..end]);
    push_stars(out, domain[end..].chars().count());
}

/// Masks text of no known kind: each word keeps its first character (`Jl. Mawar` → `J** M****`);
/// a one-character word is `*`.
pub fn mask_text(text: &str) -> String {
    sanitize(text).split_whitespace().map(|w| first_then_stars(w, false)).collect::<Vec<_>>().join(" ")
}

fn stars(n: usize) -> String {
    "*".repeat(n)
}

fn push_stars(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n('*', n));
}

/// Keeps `head` characters and `tail` characters, stars in between; a value too short for that
/// is all stars. Written into one `String` from byte offsets: every exposure masks its NIK and
/// phone so, and a `Vec<char>` of each was a cost of a scan whose every record is an exposure.
fn keep_ends(s: &str, (head, tail): (usize, usize)) -> String {
    let chars = s.chars().count();
    if chars <= head + tail {
        return stars(chars);
    }
    let at = |n: usize| s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    let (head_end, tail_start) =
        if s.is_ascii() { (head, s.len() - tail) } else { (at(head), at(chars - tail)) };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..head_end]);
    push_stars(&mut out, chars - head - tail);
    out.push_str(&s[tail_start..]);
    out
}

/// The first character (uppercased with `uppercase`) and a star for each other one; a value of
/// one character is `*`, never shown whole.
fn first_then_stars(s: &str, uppercase: bool) -> String {
    let mut out = String::new();
    push_first_then_stars(&mut out, s, uppercase);
    out
}

/// [`first_then_stars`] appended to `out`.
fn push_first_then_stars(out: &mut String, s: &str, uppercase: bool) {
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return };
    let rest = chars.count();
    if rest == 0 {
        out.push('*');
        return;
    }
    if uppercase {
        out.extend(first.to_uppercase());
    } else {
        out.push(first);
    }
    push_stars(out, rest);
}

/// Replaces control characters (escape sequences, newlines, bidi overrides) with U+FFFD so text
/// from a dump cannot drive the terminal it is printed on.
pub fn sanitize(s: &str) -> String {
    // Printable ASCII (most file names, labels and column names) is copied as it is.
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return s.to_string();
    }
    s.chars().map(sanitized).collect()
}

/// A character as [`sanitize`] writes it.
fn sanitized(c: char) -> char {
    if c.is_control() || is_bidi_control(c) { '\u{fffd}' } else { c }
}

fn is_bidi_control(c: char) -> bool {
    // Embeddings and overrides, isolates, and the marks (LRM, RLM, ALM).
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;
    use proptest::prelude::*;

    /// Raw values of each kind, most of them valid, many short (where a mask used to show all).
    fn raw_values() -> impl Strategy<Value = (Kind, String)> {
        prop_oneof![
            "[0-9]{4}[.-]?[0-9]{4}[.-]?[0-9]{4}[.-]?[0-9]{4}".prop_map(|v| (Kind::Nik, v)),
            "(\\+62|0|62|\\+[1-9]{1,3})[ -]?[2-9][0-9 -]{5,14}".prop_map(|v| (Kind::Phone, v)),
            "[a-z0-9._+=@-]{1,6}@(gmail\\.com|[a-z]{1,5}\\.[a-z]{2,3})".prop_map(|v| (Kind::Email, v)),
            "\\PC{1,4}@[a-z]{1,3}\\.id".prop_map(|v| (Kind::Email, v)),
            "[A-Za-z]{1,3}( [A-Za-z'.]{1,4}){0,3}".prop_map(|v| (Kind::Name, v)),
            "\\PC{1,12}".prop_map(|v| (Kind::Name, v)),
            "([0-9]{1,2}[-/.][0-9]{1,2}[-/.](19|20)[0-9]{2}|(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9])"
                .prop_map(|v| (Kind::Dob, v)),
        ]
    }

    /// Digits a mask may show: a NIK's first 4 and last 2; a phone's country code and the digits
    /// SPEC §7 keeps of its national number.
    fn digits_allowed(kind: Kind, canonical: &str) -> usize {
        match (kind, canonical.strip_prefix("+62")) {
            (Kind::Nik, _) => 6,
            (Kind::Phone, Some(national)) if national.len() >= LONG_NATIONAL_DIGITS => 2 + 6,
            (Kind::Phone, Some(_)) => 2 + 4,
            (Kind::Phone, None) => 3 + 2,
            _ => usize::MAX,
        }
    }

    /// The masks as they were first written (a `Vec<char>` and a `String` per part), which the
    /// ones above must equal.
    mod first {
        use super::super::is_bidi_control;

        pub fn sanitize(s: &str) -> String {
            s.chars().map(|c| if c.is_control() || is_bidi_control(c) { '\u{fffd}' } else { c }).collect()
        }

        fn stars(n: usize) -> String {
            "*".repeat(n)
        }

        pub fn keep_ends(s: &str, (head, tail): (usize, usize)) -> String {
            let chars: Vec<char> = s.chars().collect();
            if chars.len() <= head + tail {
                return stars(chars.len());
            }
            let mut out: String = chars[..head].iter().collect();
            out.push_str(&stars(chars.len() - head - tail));
            out.extend(&chars[chars.len() - tail..]);
            out
        }

        fn first_then_stars(s: &str, uppercase: bool) -> String {
            let mut chars = s.chars();
            let Some(first) = chars.next() else { return String::new() };
            let rest = chars.count();
            if rest == 0 {
                return stars(1);
            }
            let mut out = String::new();
            if uppercase {
                out.extend(first.to_uppercase());
            } else {
                out.push(first);
            }
            out.push_str(&stars(rest));
            out
        }

        pub fn mask_email(canonical: &str) -> String {
            match canonical.split_once('@') {
                Some((local, domain)) => {
                    let local = if local.chars().count() <= 2 {
                        stars(local.chars().count())
                    } else {
                        sanitize(&first_then_stars(local, false))
                    };
                    let end = domain
                        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.'))
                        .unwrap_or(domain.len());
                    format!("{local}@{}{}", &domain[..end], stars(domain[end..].chars().count()))
                }
                None => stars(canonical.chars().count()),
            }
        }

        pub fn mask_name(canonical: &str) -> String {
            canonical.split(' ').map(|token| first_then_stars(token, true)).collect::<Vec<_>>().join(" ")
        }
    }

    proptest! {
        #[test]
        fn a_label_masked_whole_is_masked_as_its_parts_are(label in "[ -~]{0,16}|[A-Z]{0,3}[0-9:-]{0,9}") {
            prop_assert_eq!(mask_label(&label), mask_label_parts(&label));
        }

        #[test]
        fn masks_write_what_they_first_wrote(text in "\\PC{0,24}|[ -~]{0,24}|[\\x00-\\x7f\u{e9}\u{202e}\u{ff20}@ ]{0,24}") {
            prop_assert_eq!(sanitize(&text), first::sanitize(&text));
            for keep in [NIK_KEEP, PHONE_KEEP, SHORT_PHONE_KEEP, FOREIGN_PHONE_KEEP, (0, 0), (3, 0)] {
                prop_assert_eq!(keep_ends(&text, keep), first::keep_ends(&text, keep));
            }
            prop_assert_eq!(mask_email(&text), first::mask_email(&text));
            prop_assert_eq!(mask_name(&text), first::mask_name(&text));
        }

        #[test]
        fn a_masked_value_never_holds_the_whole_value((kind, raw) in raw_values()) {
            let Ok(canonical) = normalize::canonical(kind, &raw) else { return Ok(()) };
            // A value made of the stars a mask writes is its own mask.
            prop_assume!(!canonical.contains('*'));
            let masked = mask(kind, &canonical);
            prop_assert!(!masked.to_lowercase().contains(&canonical), "{kind} {canonical:?} → {masked:?}");
            let shown = masked.chars().filter(char::is_ascii_digit).count();
            prop_assert!(shown <= digits_allowed(kind, &canonical), "{kind} {canonical:?} → {masked:?}");
            if matches!(kind, Kind::Nik | Kind::Phone | Kind::Dob) {
                prop_assert_eq!(masked.chars().count(), canonical.chars().count());
            }
        }

        #[test]
        fn any_text_masked_as_any_kind_is_never_shown_whole(kind_at in 0..5usize, text in "\\PC{1,20}") {
            prop_assume!(!text.contains('*'));
            let kind = crate::inspect::tally::KINDS[kind_at];
            // Names and e-mails are split into tokens and parts: one that is empty is no value.
            prop_assume!(!text.split([' ', '@']).any(str::is_empty));
            let masked = mask(kind, &text);
            prop_assert!(!masked.to_lowercase().contains(&text.to_lowercase()), "{kind} {text:?} → {masked:?}");
        }
    }

    #[test]
    fn masks_of_spec_section_7() {
        let table = [
            (Kind::Nik, "3201014107900001", "3201**********01"),
            (Kind::Phone, "+6281234567890", "+62812*****890"),
            (Kind::Phone, "+62215551234", "+6221*****34"),
            (Kind::Phone, "+6591234567", "+659*****67"),
            (Kind::Email, "budisantoso@gmail.com", "b**********@gmail.com"),
            (Kind::Email, "abc@example.com", "a**@example.com"),
            (Kind::Email, "budi@gmail.com;081234567890", "b***@gmail.com*************"),
            (Kind::Name, "budi santoso", "B*** S******"),
            (Kind::Name, "siti", "S***"),
            (Kind::Name, "élodie", "É*****"),
            (Kind::Dob, "1990-07-01", "1990-**-**"),
            (Kind::NameDob, "budi santoso|1990-07-01", "B*** S******|1990-**-**"),
        ];
        for (kind, canonical, want) in table {
            assert_eq!(mask(kind, canonical), want, "{kind} {canonical}");
        }
    }

    #[test]
    fn a_one_or_two_letter_local_part_is_not_shown_whole() {
        assert_eq!(mask(Kind::Email, "a@example.com"), "*@example.com");
        assert_eq!(mask(Kind::Email, "ab@rs.go.id"), "**@rs.go.id");
    }

    #[test]
    fn a_one_letter_name_token_is_a_star() {
        assert_eq!(mask(Kind::Name, "a"), "*");
        assert_eq!(mask(Kind::Name, "budi s"), "B*** *");
        assert_eq!(mask(Kind::Name, "m yusuf"), "* Y****");
        assert_eq!(mask_text("A"), "*");
    }

    #[test]
    fn an_eight_digit_phone_shows_half_its_digits_not_six() {
        // The national number 21555123 has 8 digits: 2 at the start and 2 at the end are shown.
        assert_eq!(mask(Kind::Phone, "+6221555123"), "+6221****23");
        // From 10 digits on, 3 and 3.
        assert_eq!(mask(Kind::Phone, "+62812345678"), "+6281*****78");
        assert_eq!(mask(Kind::Phone, "+628123456789"), "+62812****789");
        // Another country's number: its first 4 characters and last 2.
        assert_eq!(mask(Kind::Phone, "+12025550123"), "+120******23");
    }

    #[test]
    fn a_value_too_short_for_its_mask_is_all_stars() {
        assert_eq!(mask(Kind::Nik, "3201"), "****");
        assert_eq!(mask(Kind::Phone, "+62812"), "******");
        assert_eq!(mask(Kind::Dob, "1990-7-1"), "********");
    }

    #[test]
    fn a_control_character_never_survives_masking() {
        // The e-mail normalizer keeps a local part's characters; the first one is shown.
        for local in ["\0ab", "\u{1b}[31m", "\u{202e}xy", "\u{61c}xy"] {
            let masked = mask(Kind::Email, &format!("{local}@gmail.com"));
            assert!(!masked.chars().any(|c| c.is_control() || is_bidi_control(c)), "{masked:?}");
            assert!(masked.ends_with("@gmail.com"));
        }
    }

    #[test]
    fn free_text_keeps_first_letters() {
        assert_eq!(mask_text("Jl. Mawar  No 5"), "J** M**** N* *");
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
        assert_eq!(shown(Kind::Name, &v, false), "B*** *");
    }

    #[test]
    fn a_label_that_is_or_holds_an_identifier_is_shown_masked() {
        let cases = [
            ("3201014107900001", "3201**********01"),
            ("3201014107900001:P1", "3201**********01:P1"),
            ("ward3:budi@gmail.com", "ward3:b***@gmail.com"),
            ("NIK 3201014107900003", "NIK 3201**********03"),
            ("KTP: 3201-0141-0790-0004 / 0812-3456-7890", "KTP: 3201**********04 / +62812*****890"),
            ("ward3:P-001", "ward3:P-001"),
            ("RM000123", "RM000123"),
            ("P\u{1b}[31m", "P\u{fffd}[31m"),
        ];
        for (label, masked) in cases {
            assert_eq!(mask_label(label), masked, "{label}");
            assert_eq!(shown_label(label, false), masked, "{label}");
        }
        assert_eq!(shown_label("3201014107900001:P1", true), "3201014107900001:P1");
    }
}
