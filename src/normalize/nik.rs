//! NIK (Nomor Induk Kependudukan): cleanup to 16 digits, and the structural check of SPEC §2.

use super::Invalid;

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
    // Most NIKs in a dump are already 16 plain digits: checked without branches per byte.
    if let Ok(digits) = <&[u8; NIK_LEN]>::try_from(raw.as_bytes())
        && digits.iter().fold(true, |all, b| all & b.is_ascii_digit())
    {
        super::push_ascii(out, digits);
        return Ok(());
    }
    append_nik_general(raw, out)
}

/// [`append_nik`] for every spelling.
fn append_nik_general(raw: &str, out: &mut String) -> Result<(), Invalid> {
    let trimmed = super::trim(raw);
    // Inner whitespace is rare: only then is a copy without it made.
    let spaced = trimmed.bytes().any(|b| b.is_ascii_whitespace() || b >= 0x80);
    let compact: String;
    let mut s = if spaced {
        compact = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        compact.as_str()
    } else {
        trimmed
    };
    s = s.strip_prefix('\'').unwrap_or(s);
    // The `.0` goes before the dots do, or `3201….0` would become 17 digits.
    s = s.strip_suffix(".0").unwrap_or(s);
    let mut kept = [0u8; NIK_LEN];
    let mut digits = 0usize;
    let mut other = false;
    for &b in s.as_bytes() {
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
        if looks_scientific(s) {
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
        fn the_plain_digits_shortcut_agrees_with_the_general_path(raw in "[0-9 .'-]{14,18}|[0-9]{16}") {
            let (mut fast, mut general) = (String::new(), String::new());
            prop_assert_eq!(append_nik(&raw, &mut fast), append_nik_general(&raw, &mut general));
            prop_assert_eq!(fast, general);
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
