//! Identifiers written inside free text (a watch label such as `NIK 3201014107900003` or
//! `KTP: 3201-0141-0790-0004 / 0812-3456-7890`): where they are, so that the text can be masked
//! or refused. Pure, no I/O; never on the scan's per-record path.

use super::{long_number_spans, normalize_email, normalize_nik, normalize_phone};
use crate::kind::Kind;
use std::ops::Range;

/// A NIK, phone or e-mail found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundIdentifier {
    /// Where it is written in the text.
    pub span: Range<usize>,
    /// [`Kind::Nik`], [`Kind::Phone`] or [`Kind::Email`].
    pub kind: Kind,
    pub canonical: String,
}

/// The valid NIKs, phones and e-mails in `text`, in order and not overlapping: the whole text
/// when it is one; else each run of [`super::LONG_NUMBER`] digits or more (as
/// [`long_number_spans`] finds them, with a `+` before it) that is a NIK or a phone, or whose
/// parts between spaces or `/` are; and each word holding an `@` that is an e-mail.
/// `P-001`, `RM000123` and `2024-01-31` hold none.
pub fn identifiers_in(text: &str) -> Vec<FoundIdentifier> {
    if cannot_hold_one(text) {
        return Vec::new();
    }
    identifiers_in_any(text)
}

/// Fewest digits of a NIK (16) or a phone: a national number has at least 7 (SPEC §2), and the
/// normalizers count ASCII digits only.
const MIN_DIGITS: usize = 7;

/// Whether `text` surely holds no identifier: ASCII (so no character Unicode folds into an `@`,
/// as the e-mail normalizer's NFKC would), with no `@` and fewer than [`MIN_DIGITS`] digits.
/// Every watch label of a report is masked through [`identifiers_in`], and most are such
/// (`P000123`, `RM000123`, `L12`): this spares them the three normalizers and the word split.
pub fn cannot_hold_one(text: &str) -> bool {
    text.is_ascii()
        && !text.as_bytes().contains(&b'@')
        && text.bytes().filter(u8::is_ascii_digit).count() < MIN_DIGITS
}

/// [`identifiers_in`] without the quick answer for text that cannot hold one.
fn identifiers_in_any(text: &str) -> Vec<FoundIdentifier> {
    if let Some((kind, canonical)) = identifier(text, &[Kind::Nik, Kind::Email, Kind::Phone]) {
        return vec![FoundIdentifier { span: 0..text.len(), kind, canonical }];
    }
    let mut found = Vec::new();
    for span in long_number_spans(text) {
        let start = if text[..span.start].ends_with('+') { span.start - 1 } else { span.start };
        let span = start..span.end;
        match identifier(&text[span.clone()], &[Kind::Nik, Kind::Phone]) {
            Some((kind, canonical)) => found.push(FoundIdentifier { span, kind, canonical }),
            // Two numbers one space apart are one run: `3201014107900004 081234567890`.
            None => found.extend(words(&text[span.clone()], |c| c == ' ' || c == '/').filter_map(|word| {
                let (kind, canonical) =
                    identifier(&text[span.start + word.start..][..word.len()], &[Kind::Nik, Kind::Phone])?;
                Some(FoundIdentifier {
                    span: span.start + word.start..span.start + word.end,
                    kind,
                    canonical,
                })
            })),
        }
    }
    let separator = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '|' | '(' | ')' | '[' | ']');
    for word in words(text, separator).filter(|w| text[w.clone()].contains('@')) {
        if let Some((kind, canonical)) = identifier(&text[word.clone()], &[Kind::Email]) {
            found.push(FoundIdentifier { span: word, kind, canonical });
        }
    }
    // An e-mail's local part may be a phone (`081234567890@x.co.id`): the longer one is kept.
    found.sort_by_key(|f| (f.span.start, std::cmp::Reverse(f.span.end)));
    let mut end = 0;
    found.retain(|f| {
        let apart = f.span.start >= end;
        if apart {
            end = f.span.end;
        }
        apart
    });
    found
}

/// The first of `kinds` that `text` is valid as, with its canonical form.
fn identifier(text: &str, kinds: &[Kind]) -> Option<(Kind, String)> {
    let mut out = String::new();
    kinds.iter().copied().find_map(|kind| {
        let valid = match kind {
            Kind::Nik => normalize_nik(text, &mut out).is_ok(),
            Kind::Phone => normalize_phone(text, &mut out).is_ok(),
            // The normalizer takes a local part with spaces: `NIK 3201… / budi@gmail.com` is not
            // one address but a text holding one.
            _ => !super::trim(text).contains(char::is_whitespace) && normalize_email(text, &mut out).is_ok(),
        };
        valid.then(|| (kind, std::mem::take(&mut out)))
    })
}

/// The byte ranges of the non-empty words of `text` between characters that are `separator`.
fn words(text: &str, separator: impl Fn(char) -> bool) -> impl Iterator<Item = Range<usize>> {
    let mut start = 0;
    let mut ranges = Vec::new();
    for (i, c) in text.char_indices() {
        if separator(c) {
            if start < i {
                ranges.push(start..i);
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        ranges.push(start..text.len());
    }
    ranges.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, Kind, String)> {
        identifiers_in(text).into_iter().map(|f| (&text[f.span], f.kind, f.canonical)).collect()
    }

    #[test]
    fn identifiers_are_found_whole_or_inside_a_label() {
        let nik = || "3201014107900003".to_string();
        assert_eq!(found("3201014107900003"), [("3201014107900003", Kind::Nik, nik())]);
        assert_eq!(found("NIK 3201014107900003"), [("3201014107900003", Kind::Nik, nik())]);
        assert_eq!(
            found("KTP: 3201-0141-0790-0004 / 0812-3456-7890"),
            [
                ("3201-0141-0790-0004", Kind::Nik, "3201014107900004".to_string()),
                ("0812-3456-7890", Kind::Phone, "+6281234567890".to_string()),
            ]
        );
        assert_eq!(
            found("3201014107900003 081234567890"),
            [
                ("3201014107900003", Kind::Nik, nik()),
                ("081234567890", Kind::Phone, "+6281234567890".to_string())
            ]
        );
        // A phone takes any spelling (SPEC §2): the whole label is the number.
        assert_eq!(
            found("hp +62 812 3456 7890"),
            [("hp +62 812 3456 7890", Kind::Phone, "+6281234567890".to_string())]
        );
        assert_eq!(
            found("3201014107900003 +62 812 3456 7890"),
            [
                ("3201014107900003", Kind::Nik, nik()),
                ("+62 812 3456 7890", Kind::Phone, "+6281234567890".to_string())
            ]
        );
        assert_eq!(
            found("Budi <budi@gmail.com>, ani@x.co.id"),
            [
                ("<budi@gmail.com>", Kind::Email, "budi@gmail.com".to_string()),
                ("ani@x.co.id", Kind::Email, "ani@x.co.id".to_string())
            ]
        );
        assert_eq!(
            found("081234567890@x.co.id"),
            [("081234567890@x.co.id", Kind::Email, "081234567890@x.co.id".to_string())]
        );
        assert_eq!(
            found("a@b 081234567890@rs.co.id; 3201014107900003"),
            [
                ("081234567890@rs.co.id", Kind::Email, "081234567890@rs.co.id".to_string()),
                ("3201014107900003", Kind::Nik, nik())
            ]
        );
        for none in ["P-001", "RM000123", "2024-01-31", "ward 3", "Siti Nurhaliza", "a@b", ""] {
            assert_eq!(found(none), [], "{none}");
        }
    }

    #[test]
    fn the_shortest_phones_are_found_past_the_quick_answer() {
        // A 7-digit fixed-line number with its trunk 0 (8 digits) or +62.
        for phone in ["02155512", "+622155512", "P 021-555-12"] {
            assert!(!cannot_hold_one(phone), "{phone}");
            assert_eq!(identifiers_in(phone).len(), 1, "{phone}");
        }
    }

    proptest::proptest! {
        #[test]
        fn text_the_quick_answer_rejects_holds_none(text in "[ -~]{0,12}[0-9]{0,6}[ -?A-~]{0,12}") {
            if cannot_hold_one(&text) {
                proptest::prop_assert_eq!(identifiers_in_any(&text), []);
            }
        }
    }
}
