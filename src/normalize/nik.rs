//! NIK (Nomor Induk Kependudukan): cleanup to 16 digits, and the structural check of SPEC §2.

use super::Invalid;
use super::digit_marks::{self, Class, below, highest, lowest};

/// Digits in a NIK.
const NIK_LEN: usize = 16;

/// Normalizes a NIK into `out`: removes whitespace, then one leading `'` (Excel's text marker)
/// and one trailing `.0` (a spreadsheet float), then `.`, `-` and `_`; what is left must be 16
/// ASCII digits.
pub fn normalize_nik(raw: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    append_nik(raw, out)
}

/// [`normalize_nik`] appending to `out`, which is left as it was when `raw` is invalid.
pub(super) fn append_nik(raw: &str, out: &mut String) -> Result<(), Invalid> {
    // Most NIKs in a dump are 16 plain digits, or have the `'` or `.0` a spreadsheet adds
    // (a fifth of a messy export's each): checked without branches per byte, and without one on
    // which of the three.
    if let Some(digits) = spreadsheet_core(raw.as_bytes())
        && digits.iter().fold(true, |all, b| all & b.is_ascii_digit())
    {
        super::push_ascii(out, digits);
        return Ok(());
    }
    // Separators (a third of a messy export's): read from masks of their bytes' classes, with
    // no branch that depends on the spelling but whether the digits are one run. Longer fields
    // are read a byte at a time.
    let found = match nik_from_marks(raw.as_bytes()) {
        Some(found) => found,
        None => spreadsheet_nik(raw.as_bytes()),
    };
    if let Some(digits) = found {
        super::push_ascii(out, &digits);
        return Ok(());
    }
    // What is left (errors, text that is not ASCII, a vertical tab): its ASCII whitespace
    // dropped on the stack instead of into a `String` per value.
    let mut compact = [0u8; COMPACT_MAX];
    if let Some(len) = compact_ascii(raw.as_bytes(), &mut compact) {
        return push_digits(&compact[..len], out);
    }
    append_nik_general(raw, out)
}

/// `raw` without the `'` a spreadsheet writes before a number kept as text or, failing that,
/// the `.0` it writes after one read as a float, when 16 bytes are left: the 16 digits of a NIK
/// when they are all digits (then [`spreadsheet_nik`] would read the same). Which of the three
/// it is is chosen without a branch.
#[inline]
fn spreadsheet_core(raw: &[u8]) -> Option<&[u8; NIK_LEN]> {
    let quoted = raw.first() == Some(&b'\'');
    let float = !quoted & raw.ends_with(b".0");
    let start = usize::from(quoted);
    let end = raw.len().wrapping_sub(2 * usize::from(float));
    if end.wrapping_sub(start) != NIK_LEN {
        return None;
    }
    raw.get(start..end)?.try_into().ok()
}

/// The 16 digits of a valid ASCII NIK in a spreadsheet spelling (`'3201…`, `3201….0`,
/// `3201 0101 …`, `3201.0101.…`, most of a messy export's), in one pass: ASCII whitespace but
/// the vertical tab skipped, a leading `'` and one trailing `.0` dropped, `.`, `-` and `_`
/// ignored; what [`compact_ascii`] then [`push_digits`] give, without the copy. `None` for
/// anything else, which those decide (and name the error of).
fn spreadsheet_nik(raw: &[u8]) -> Option<[u8; NIK_LEN]> {
    let mut kept = [0u8; NIK_LEN];
    // Digits, bytes other than whitespace, and the last two of those.
    let (mut digits, mut seen, mut last) = (0usize, 0usize, [0u8; 2]);
    for &b in raw {
        match b {
            b'0'..=b'9' => {
                if let Some(slot) = kept.get_mut(digits) {
                    *slot = b;
                }
                digits += 1;
            }
            b'.' | b'-' | b'_' => {}
            b'\'' if seen == 0 => {}
            b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' => continue,
            _ => return None,
        }
        seen += 1;
        last = [last[1], b];
    }
    // The `0` of a trailing `.0` is no digit of the NIK (the `.` cannot be the leading `'`).
    if last == *b".0" {
        digits -= 1;
    }
    (digits == NIK_LEN).then_some(kept)
}

/// [`spreadsheet_nik`] from masks of the classes of a field's bytes: the same answer, with no
/// branch per byte and none on the spelling (but on more than five runs of digits). `None` for
/// a field of more than [`digit_marks::MAX`] bytes.
#[inline]
fn nik_from_marks(raw: &[u8]) -> Option<Option<[u8; NIK_LEN]>> {
    const CLASSES: [Class; 6] = [
        Class::Digits,
        Class::AnyOf(b"0"),
        Class::AnyOf(b"."),
        Class::AnyOf(b".-_"),
        // ASCII whitespace but the vertical tab.
        Class::AnyOf(b" \t\n\x0C\r"),
        Class::AnyOf(b"'"),
    ];
    let mut bytes = [0u8; 64];
    let [digits, zeros, dots, separators, blanks, quotes] = digit_marks::classify(raw, &CLASSES, &mut bytes)?;
    // Bytes other than whitespace: a `'` only as the first of them.
    let seen = below(raw.len() as u32) & !blanks;
    let allowed = digits | separators | (quotes & lowest(seen));
    // The `0` of a trailing `.0` is no digit of the NIK: the last two bytes seen are `.0`.
    let last = highest(seen);
    let float = (last & zeros != 0) & (highest(seen & !last) & dots != 0);
    let digits = digits & !(last * u64::from(float));
    // A run of digits at a time: one for `3201… `, four or five for the grouped spellings,
    // with no branch on which; `None` unless there are 16.
    let kept = digit_marks::pick_runs::<NIK_LEN>(&bytes, digits);
    if seen & !allowed != 0 {
        return Some(None);
    }
    Some(kept)
}

/// Longest NIK spelling, whitespace left out, that [`compact_ascii`] reads: 16 digits with a
/// separator between each two, a `'` and a `.0`, with room to spare.
const COMPACT_MAX: usize = 40;

/// `raw` without its ASCII whitespace, in `buf`: the text [`append_nik_general`] reads digits
/// from, for ASCII. `None` when the general path must decide: text that is not ASCII, a
/// vertical tab (whitespace to `str::trim` but not to `u8::is_ascii_whitespace`, so the general
/// path keeps it inside), or more than [`COMPACT_MAX`] bytes left.
fn compact_ascii(raw: &[u8], buf: &mut [u8; COMPACT_MAX]) -> Option<usize> {
    let mut len = 0;
    for &b in raw {
        if b >= 0x80 || b == 0x0B {
            return None;
        }
        if !b.is_ascii_whitespace() {
            *buf.get_mut(len)? = b;
            len += 1;
        }
    }
    Some(len)
}

/// [`append_nik`] for every spelling.
fn append_nik_general(raw: &str, out: &mut String) -> Result<(), Invalid> {
    let trimmed = super::trim(raw);
    // Inner whitespace is rare: only then is a copy without it made.
    let spaced = trimmed.bytes().any(|b| b.is_ascii_whitespace() || b >= 0x80);
    let compact: String;
    let s = if spaced {
        compact = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        compact.as_str()
    } else {
        trimmed
    };
    push_digits(s.as_bytes(), out)
}

/// Appends the 16 digits of a NIK whose whitespace is gone: one leading `'` and one trailing
/// `.0` dropped, then `.`, `-` and `_`.
fn push_digits(s: &[u8], out: &mut String) -> Result<(), Invalid> {
    let s = s.strip_prefix(b"'").unwrap_or(s);
    // The `.0` goes before the dots do, or `3201….0` would become 17 digits.
    let s = s.strip_suffix(b".0").unwrap_or(s);
    let mut kept = [0u8; NIK_LEN];
    let mut digits = 0usize;
    let mut other = false;
    for &b in s {
        match b {
            b'0'..=b'9' => {
                if digits < NIK_LEN {
                    kept[digits] = b;
                }
                digits += 1;
            }
            b'.' | b'-' | b'_' => {}
            _ => other = true,
        }
    }
    if other {
        if std::str::from_utf8(s).is_ok_and(looks_scientific) {
            return Err(Invalid("scientific notation has lost digits"));
        }
        return Err(Invalid("contains characters other than digits and separators"));
    }
    if digits != NIK_LEN {
        return Err(Invalid("not 16 digits"));
    }
    super::push_ascii(out, &kept);
    Ok(())
}

/// `3.20101E+15`: a mantissa of digits and dots, `e`, an optional sign, exponent digits.
pub(super) fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    mantissa.bytes().any(|b| b.is_ascii_digit())
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

/// Province codes (digits 1–2) of SPEC §2; 91–96 cover the pre-2022 and the current Papua codes.
fn is_province(code: u8) -> bool {
    matches!(code, 11..=19 | 21 | 31..=36 | 51..=53 | 61..=65 | 71..=76 | 81..=82 | 91..=96)
}

/// True when a canonical NIK has a known province, non-zero regency and district, a real
/// calendar date DDMMYY (a woman's day has 40 added) and a non-zero serial. There is no check
/// digit.
pub fn is_structurally_valid_nik(canonical: &str) -> bool {
    let b = canonical.as_bytes();
    if b.len() != NIK_LEN || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let pair = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let day = pair(6);
    let day = if day > 40 { day - 40 } else { day };
    is_province(pair(0))
        && pair(2) != 0
        && pair(4) != 0
        && is_birth_day(day, pair(8))
        && &canonical[12..] != "0000"
}

/// Whether day `day` of month `month` exists in some year: the NIK writes no century, so
/// 29 February always does (checked in 2000, a leap year).
fn is_birth_day(day: u8, month: u8) -> bool {
    super::dob::is_real_date(2000, month.into(), day.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_plain_digits_shortcut_agrees_with_the_general_path(raw in "[0-9 .'-]{14,18}|'?[0-9]{15,17}(\\.0)?") {
            let (mut fast, mut general) = (String::new(), String::new());
            prop_assert_eq!(append_nik(&raw, &mut fast), append_nik_general(&raw, &mut general));
            prop_assert_eq!(fast, general);
        }

        /// The spreadsheet spellings read on the stack give what the general path gives, with
        /// every kind of ASCII whitespace (vertical tab and form feed too), non-ASCII spaces,
        /// `'`, `.0`, `e` and letters anywhere, into a buffer that already holds text.
        #[test]
        fn the_compact_bytes_path_agrees_with_the_general_path(
            raw in "[0-9 .'_-]{0,3}([0-9]{1,5}[ .'\t\x0B\x0C\r\n_-]{0,2}){1,12}(\\.0|e\\+?1[0-9]|[a\u{a0}\u{3000}])?[ \t]{0,2}",
            spelled in "[ \t]{0,2}'?([0-9]{2}[ ._-]?){8}([ ]?[.][ ]?0)?[ \t\r]{0,2}",
        ) {
            let (mut fast, mut general) = (String::from("x"), String::from("x"));
            prop_assert_eq!(append_nik(&spelled, &mut fast), append_nik_general(&spelled, &mut general), "{:?}", spelled);
            prop_assert_eq!(fast, general);
            let (mut fast, mut general) = (String::from("x"), String::from("x"));
            prop_assert_eq!(append_nik(&raw, &mut fast), append_nik_general(&raw, &mut general), "{:?}", raw);
            prop_assert_eq!(fast, general);
        }
    }

    /// The masks give what the byte-at-a-time reading gives, for any field they classify.
    fn marks_agree(raw: &[u8]) -> Result<(), TestCaseError> {
        if let Some(found) = nik_from_marks(raw) {
            prop_assert_eq!(found, spreadsheet_nik(raw), "{:?}", raw);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn the_masks_read_a_nik_as_the_bytes_do(
            spelled in "[ \t\r]{0,2}'?([0-9]{1,6}[ ._'-]{0,2}){1,8}([ ]?[.][ ]?0)?[ \t\r\x0B]{0,2}",
            near in "[0-9]{15,17}(\\.0|\\.00|0\\.|\\.|0)?",
            bytes in proptest::collection::vec(prop_oneof![Just(b'0'), Just(b'5'), Just(b'.'), Just(b'\''), Just(b' '), Just(b'-'), Just(b'_'), Just(b'\t'), Just(0x0Bu8), Just(0xC2u8), Just(b'e'), Just(b'(')], 0..=34),
        ) {
            marks_agree(spelled.as_bytes())?;
            marks_agree(near.as_bytes())?;
            marks_agree(&format!("'{near}").into_bytes())?;
            marks_agree(&bytes)?;
        }
    }

    /// Every line of the Big List of Naughty Strings, alone and around a NIK, takes the fast
    /// paths and the general path alike.
    #[test]
    fn the_fast_paths_equal_the_general_path_on_the_naughty_strings() {
        let Some(text) = crate::normalize::naughty_strings() else { return };
        let mut compared = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            for raw in
                [line.to_string(), format!("'{line}3201014107900001"), format!("3201 0141{line}07900001.0")]
            {
                let (mut fast, mut general) = (String::new(), String::new());
                assert_eq!(append_nik(&raw, &mut fast), append_nik_general(&raw, &mut general), "{raw:?}");
                assert_eq!(fast, general, "{raw:?}");
                compared += 1;
            }
        }
        assert!(compared > 1000, "only {compared} strings compared");
    }

    /// A messy export's spellings of a valid NIK are read in one pass; errors and other text
    /// are left to the paths that name the error.
    #[test]
    fn spreadsheet_spellings_take_the_one_pass_path() {
        let taken = [
            "'3201014107900001",
            "3201014107900001.0",
            "32.01.01.410790.0001",
            "3201 0141 0790 0001 ",
            " '3201-0141-0790-0001. 0",
        ];
        for raw in taken {
            assert_eq!(spreadsheet_nik(raw.as_bytes()), Some(*b"3201014107900001"), "{raw:?}");
        }
        // The first check takes the three commonest alone, as `spreadsheet_nik` would.
        for raw in ["3201014107900001", "'3201014107900001", "3201014107900001.0"] {
            assert_eq!(spreadsheet_core(raw.as_bytes()), Some(b"3201014107900001"), "{raw:?}");
        }
        for raw in [
            "'3201014107900001.0",
            "3201014107900001.0.0",
            "''3201014107900001",
            "'320101410790000.0",
            ".0",
            "'",
            "",
        ] {
            assert_ne!(spreadsheet_core(raw.as_bytes()).map(|d| d.len()), Some(NIK_LEN), "{raw:?}");
        }
        // The masks read them alike.
        for raw in taken {
            assert_eq!(nik_from_marks(raw.as_bytes()), Some(Some(*b"3201014107900001")), "{raw:?}");
        }
        let left = [
            "320101410790000.0",
            "3201014107900001.0.0",
            "''3201014107900001",
            "3.20101E+15",
            "3201\x0B014107900001",
            "３201014107900001",
            ".0",
        ];
        for raw in left {
            assert_eq!(spreadsheet_nik(raw.as_bytes()), None, "{raw:?}");
            assert_eq!(nik_from_marks(raw.as_bytes()), Some(None), "{raw:?}");
        }
    }

    fn nik(raw: &str) -> Result<String, Invalid> {
        let mut out = String::new();
        normalize_nik(raw, &mut out).map(|()| out)
    }

    #[test]
    fn cleanup_rules_of_spec_section_2() {
        let table = [
            ("3201014107900001", "3201014107900001"),            // canonical
            ("3201 0141 0790 0001", "3201014107900001"),         // spaces
            ("3201.0141.0790.0001", "3201014107900001"),         // dots
            ("3201-0141-0790-0001", "3201014107900001"),         // hyphens
            ("3201_0141_0790_0001", "3201014107900001"),         // underscores
            ("'3201014107900001", "3201014107900001"),           // Excel text marker
            ("3201014107900001.0", "3201014107900001"),          // spreadsheet float
            ("'3201014107900001.0", "3201014107900001"),         // both
            ("  3201014107900001  ", "3201014107900001"),        // surrounding whitespace
            ("\t32 01 01 41 07 90 00 01\r", "3201014107900001"), // tabs and CR
            ("3201014107900001\u{a0}", "3201014107900001"),      // no-break space from a sheet
        ];
        for (raw, want) in table {
            assert_eq!(nik(raw).as_deref(), Ok(want), "{raw:?}");
        }
    }

    #[test]
    fn invalid_niks() {
        let table = [
            ("320101410790000", "not 16 digits"),                   // 15 digits
            ("32010141079000011", "not 16 digits"),                 // 17 digits
            ("3.20101E+15", "scientific notation has lost digits"), // Excel float
            ("3.201014107900001e15", "scientific notation has lost digits"),
            ("320101410790000A", "contains characters other than digits and separators"),
            ("''3201014107900001", "contains characters other than digits and separators"), // one ' only
            ("3201014107900001.0.0", "not 16 digits"),                                      // one .0 only
            ("320101410790000.0", "not 16 digits"), // a 15-digit float: the .0 is no digit
            ("nik", "contains characters other than digits and separators"),
            ("３２０１０１４１０７９００００１", "contains characters other than digits and separators"), // fullwidth
        ];
        for (raw, reason) in table {
            assert_eq!(nik(raw), Err(Invalid(reason)), "{raw:?}");
        }
    }

    #[test]
    fn structural_validity() {
        let valid = [
            "3201014107900001", // West Java, woman born 1 July 1990
            "3201010107900001", // man
            "1101010101000001", // Aceh
            "9601017112990001", // Papua code, day 71 (woman born 31st)
            "2101013112990001",
            "3201012902010001", // 29 February: the century is unknown, so always valid
            "3201016902010001", // a woman born 29 February
            "3201013006900001", // 30 June
            "3201017012900001", // a woman born 30 December
        ];
        for n in valid {
            assert!(is_structurally_valid_nik(n), "{n}");
        }
        let invalid = [
            "1001014107900001", // province 10 does not exist
            "3200014107900001", // regency 00
            "3201004107900001", // district 00
            "3201013207900001", // day 32
            "3201017207900001", // day 72
            "3201010007900001", // day 00
            "3201014113900001", // month 13
            "3201014100900001", // month 00
            "3201014107900000", // serial 0000
            "3201013106900001", // 31 June
            "3201017106900001", // a woman born 31 June
            "3201013002900001", // 30 February
            "3201017002900001", // a woman born 30 February
            "3201013104900001", // 31 April
            "3201013109900001", // 31 September
            "3201013111900001", // 31 November
            "3201014007900001", // day 40: neither a man's nor a woman's day
            "97010141079000011",
            "320101410790000",
        ];
        for n in invalid {
            assert!(!is_structurally_valid_nik(n), "{n}");
        }
    }
}
