//! Canonical forms of identity values (SPEC §2): one pure function per kind, no I/O.
//!
//! Every normalizer writes into a caller-owned `String` so the scan's hot path reuses one scratch
//! buffer per worker instead of allocating per field. A value is either canonical, *invalid*
//! (with a short reason that never repeats the value), or *absent* (empty), which callers check
//! first with [`is_absent`].

mod digit_marks;
mod dob;
mod email;
pub mod epoch;
mod masks;
mod name;
mod nik;
mod phone;
mod short_name;
mod swar;
mod within;

pub use dob::{normalize_dob, normalize_dob_epoch_ms, normalize_dob_json_integer};
pub use email::normalize_email;
pub use name::{is_valid_name, normalize_name};
pub use nik::{is_structurally_valid_nik, normalize_nik};
pub use phone::{append_plain_phone, for_each_phone, normalize_phone};
pub use within::{FoundIdentifier, cannot_hold_one, identifiers_in};

use crate::kind::Kind;
use std::fmt;

/// Why a value has no canonical form. The reason names the rule, never the value, so it is safe
/// to print in warnings and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Invalid {}

/// Digits in a run of digits that may be split by single separators (` `, `-`, `.`, `/`), for
/// runs of at least [`LONG_NUMBER`] digits: where a column name holds what looks like an
/// identifier (a NIK, a phone, a record number) though no normalizer takes it.
pub fn long_number_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let (mut spans, mut i) = (Vec::new(), 0);
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (start, mut end, mut digits) = (i, i, 0);
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                digits += 1;
                i += 1;
                end = i;
            } else if matches!(bytes[i], b' ' | b'-' | b'.' | b'/')
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        if digits >= LONG_NUMBER {
            spans.push(start..end);
        }
    }
    spans
}

/// Digits that make a number look like an identifier in a column name.
pub const LONG_NUMBER: usize = 6;

/// Longest name or e-mail value, in bytes, that is normalized; a longer one is invalid. Unicode
/// NFKC can write 18 characters for one (U+FDFA), so without a bound a 60 MB name took 4.4 GB
/// and two minutes. Real values are far shorter: an e-mail address has at most 254 characters
/// (RFC 5321), and the longest Indonesian names with every title and degree about 150.
pub const MAX_TEXT_VALUE_BYTES: usize = 1024;

/// The reason a name or e-mail over [`MAX_TEXT_VALUE_BYTES`] is invalid.
pub(crate) const TOO_LONG: Invalid = Invalid("longer than 1,024 bytes");

/// An absent value (empty or whitespace only) is skipped: neither matched nor counted invalid.
pub fn is_absent(raw: &str) -> bool {
    match (raw.as_bytes().first(), raw.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => false,
        _ => is_blank(raw),
    }
}

/// Whether `raw` is empty or whitespace only, from its first byte that is not ASCII
/// whitespace (as `char::is_whitespace` has it: tab to carriage return, and space) when that is
/// ASCII: a value with a blank at an end (` budi@x.id `, `'3201… `, a tenth of a messy
/// export's) is judged by a byte or two instead of `str::trim` from both ends.
#[inline(never)]
fn is_blank(raw: &str) -> bool {
    match raw.bytes().find(|b| !matches!(b, b'\t'..=b'\r' | b' ')) {
        None => true,
        Some(b) if b.is_ascii() => false,
        Some(_) => raw.trim().is_empty(),
    }
}

/// `str::trim`, with a fast path for the usual value that starts and ends with a visible ASCII
/// character (the hot path trims every field).
#[inline]
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Appends ASCII `bytes` (digits, `+`, `-`) built in a stack buffer: one copy instead of a
/// `String::push` per character on the hot path.
#[inline]
fn push_ascii(out: &mut String, bytes: &[u8]) {
    if bytes.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8 on their own, so `out` stays valid UTF-8. (The
        // safe `str::from_utf8` here was 4 % of a scan: an out-of-line call per value.)
        unsafe { out.as_mut_vec() }.extend_from_slice(bytes);
    }
}

/// Normalizes `raw` as `kind` into `out` (cleared first).
///
/// `name_dob` takes `<name>|<dob>` and normalizes both halves. Phones are normalized as one
/// number; use [`for_each_phone`] first when a field may hold several.
pub fn normalize_into(kind: Kind, raw: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    match kind {
        Kind::Nik => normalize_nik(raw, out),
        Kind::Phone => normalize_phone(raw, out),
        Kind::Email => normalize_email(raw, out),
        Kind::Name => normalize_name(raw, out),
        Kind::Dob => normalize_dob(raw, out),
        Kind::NameDob => {
            let (name, dob) = raw.rsplit_once('|').ok_or(Invalid("name_dob needs <name>|<dob>"))?;
            normalize_name(name, out)?;
            out.push('|');
            let mut date = String::new();
            normalize_dob(dob, &mut date)?;
            out.push_str(&date);
            Ok(())
        }
    }
}

/// Appends the canonical form of `raw` as `kind` to `out` (left as it was when `raw` is
/// invalid). Every field's kind is written straight into `out`; only `name_dob` goes through
/// `tmp`.
#[inline]
pub fn normalize_append(kind: Kind, raw: &str, out: &mut String, tmp: &mut String) -> Result<(), Invalid> {
    append_or_check(kind, raw, out, tmp, || false)
}

/// [`normalize_append`], except that an e-mail address is only checked when `validity_only`
/// says so (asked only of e-mail addresses, for a pass that only counts them: no list holds
/// one). The answer is [`normalize_append`]'s, its reason included; a checked address may or may
/// not be appended to `out` (the caller truncates it).
#[inline(always)]
pub fn append_or_check(
    kind: Kind,
    raw: &str,
    out: &mut String,
    tmp: &mut String,
    validity_only: impl FnOnce() -> bool,
) -> Result<(), Invalid> {
    match kind {
        Kind::Nik => nik::append_nik(raw, out),
        Kind::Phone => phone::append_phone(raw, out),
        Kind::Dob => dob::append_dob(raw, out),
        Kind::Name => name::append_name(raw, out),
        Kind::Email if validity_only() => email::check_email(raw, out),
        Kind::Email => email::append_email(raw, out),
        _ => {
            normalize_into(kind, raw, tmp)?;
            out.push_str(tmp);
            Ok(())
        }
    }
}

/// Convenience form of [`normalize_into`] returning a new `String`.
pub fn canonical(kind: Kind, raw: &str) -> Result<String, Invalid> {
    let mut out = String::new();
    normalize_into(kind, raw, &mut out)?;
    Ok(out)
}

/// The Big List of Naughty Strings (`../shared/corpora`, read in place; `LEAKCHECK_CORPORA`
/// names another folder), for the tests that compare each normalizer's fast paths with its
/// general path. `None`, with a note, when it is missing, unless `LEAKCHECK_REQUIRE_CORPORA`
/// is set (CI), which fails the test instead.
#[cfg(test)]
pub(crate) fn naughty_strings() -> Option<String> {
    let path = std::env::var("LEAKCHECK_CORPORA").map_or_else(
        |_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora/naughty-strings/blns.txt").to_string(),
        |dir| format!("{dir}/naughty-strings/blns.txt"),
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            assert!(std::env::var_os("LEAKCHECK_REQUIRE_CORPORA").is_none(), "{path} is missing");
            eprintln!("note: {path} not found; corpus test skipped");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_numbers_are_found_with_their_separators() {
        let cases: [(&str, &[&str]); 8] = [
            ("nama", &[]),
            ("no_hp_2", &[]),
            ("12345", &[]),
            ("123456", &["123456"]),
            ("NIK 3201014107900001", &["3201014107900001"]),
            ("0812-3456 7890 x", &["0812-3456 7890"]),
            ("01/07/1990", &["01/07/1990"]),
            ("12--3456 789012", &["3456 789012"]),
        ];
        for (text, expected) in cases {
            let found: Vec<&str> = long_number_spans(text).into_iter().map(|r| &text[r]).collect();
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn absent_values_are_empty_or_whitespace() {
        for raw in ["", " ", "\t\r\n", "\u{3000}"] {
            assert!(is_absent(raw), "{raw:?}");
        }
        assert!(!is_absent(" x "));
        for raw in ["x ", " x", "\u{a0}x", "x\u{3000}", "'3201014107900001 ", " <budi@x.id> ", "\u{a0}\u{85}"]
        {
            assert_eq!(is_absent(raw), raw.trim().is_empty(), "{raw:?}");
        }
    }

    proptest::proptest! {
        /// The shortcuts agree with trimming the whole value.
        #[test]
        fn absent_is_what_trims_to_nothing(raw in "[ \t\r\n\x0B\x0C\x1F\u{a0}\u{3000}\u{85}\u{2028}xé.'<>]{0,6}") {
            proptest::prop_assert_eq!(is_absent(&raw), raw.trim().is_empty(), "{:?}", raw);
        }
    }

    #[test]
    fn name_dob_joins_both_canonical_halves() {
        assert_eq!(
            canonical(Kind::NameDob, "Hj. Siti Nurhaliza, S.E.|01-07-1990").as_deref(),
            Ok("siti nurhaliza|1990-07-01")
        );
        assert!(canonical(Kind::NameDob, "Siti").is_err());
        assert!(canonical(Kind::NameDob, "Siti|31-02-1990").is_err());
    }

    #[test]
    fn output_buffer_is_cleared_before_use() {
        let mut out = String::from("stale");
        normalize_into(Kind::Nik, "3201014107900001", &mut out).unwrap();
        assert_eq!(out, "3201014107900001");
    }
}
