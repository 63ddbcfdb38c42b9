//! Dates of birth: the spellings of SPEC §2, day first, to `YYYY-MM-DD`.

use super::Invalid;

/// The month a name or abbreviation (Indonesian or English, any case) stands for.
///
/// Beyond SPEC §2's list: the old spellings `pebruari`/`nopember` and the abbreviations `ags`,
/// `agt`, `sept`, all common in Indonesian records and unambiguous. A `match` on the lowercase
/// bytes, not a search through a list: about one date in six in a dump is written this way.
fn month_number(name: &str) -> Option<u32> {
    let mut lower = [0u8; 9];
    let bytes = name.as_bytes();
    if bytes.len() > lower.len() {
        return None;
    }
    for (l, b) in lower.iter_mut().zip(bytes) {
        *l = b.to_ascii_lowercase();
    }
    Some(match &lower[..bytes.len()] {
        b"januari" | b"january" | b"jan" => 1,
        b"februari" | b"pebruari" | b"february" | b"feb" | b"peb" => 2,
        b"maret" | b"march" | b"mar" => 3,
        b"april" | b"apr" => 4,
        b"mei" | b"may" => 5,
        b"juni" | b"june" | b"jun" => 6,
        b"juli" | b"july" | b"jul" => 7,
        b"agustus" | b"august" | b"agu" | b"aug" | b"ags" | b"agt" => 8,
        b"september" | b"sep" | b"sept" => 9,
        b"oktober" | b"october" | b"okt" | b"oct" => 10,
        b"november" | b"nopember" | b"nov" | b"nop" => 11,
        b"desember" | b"december" | b"des" | b"dec" => 12,
        _ => return None,
    })
}

/// Normalizes a date of birth into `out` as `YYYY-MM-DD`.
///
/// Accepts `YYYY-MM-DD`, `YYYY/MM/DD`, `DD-MM-YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY`, `YYYYMMDD`,
/// `DD <month> YYYY` and an ISO datetime (the time is dropped). Day and month may have one digit;
/// the month name may also be joined by `-`, `/` or `.` (`17-Agu-1945`).
pub fn normalize_dob(raw: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    append_dob(raw, out)
}

/// [`normalize_dob`] appending to `out`, which is left as it was when `raw` is invalid.
pub(super) fn append_dob(raw: &str, out: &mut String) -> Result<(), Invalid> {
    let Some((y, m, d, canonical)) = ten_byte_date(raw.as_bytes()) else {
        return append_dob_general(raw, out);
    };
    if !is_real_date(y, m, d) {
        return Err(Invalid("not a calendar date"));
    }
    super::push_ascii(out, &canonical);
    Ok(())
}

/// The usual spellings, `YYYY-MM-DD`, `YYYY/MM/DD`, `DD-MM-YYYY`, `DD/MM/YYYY` and `DD.MM.YYYY`,
/// read at fixed positions: year, month, day and the canonical `YYYY-MM-DD` (its digits copied,
/// not printed); `None` for anything else (which the general path then reads).
fn ten_byte_date(b: &[u8]) -> Option<(u32, u32, u32, [u8; 10])> {
    let b: &[u8; 10] = b.try_into().ok()?;
    let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    let four = |i: usize| Some(two(i)? * 100 + two(i + 2)?);
    let canonical = |y: usize, m: usize, d: usize| {
        [b[y], b[y + 1], b[y + 2], b[y + 3], b'-', b[m], b[m + 1], b'-', b[d], b[d + 1]]
    };
    match (b[2], b[4], b[5], b[7]) {
        (_, s1 @ (b'-' | b'/'), _, s2) if s1 == s2 => Some((four(0)?, two(5)?, two(8)?, canonical(0, 5, 8))),
        (s1 @ (b'-' | b'/' | b'.'), _, s2, _) if s1 == s2 => {
            Some((four(6)?, two(3)?, two(0)?, canonical(6, 3, 0)))
        }
        _ => None,
    }
}

/// [`append_dob`] for every spelling.
fn append_dob_general(raw: &str, out: &mut String) -> Result<(), Invalid> {
    let s = drop_time(super::trim(raw));
    let (y, m, d) =
        parse_numeric(s).or_else(|| parse_month_name(s)).ok_or(Invalid("not a recognized date format"))?;
    write_date(y, m, d, out)
}

/// Appends `YYYY-MM-DD` when it is a calendar date.
fn write_date(y: u32, m: u32, d: u32, out: &mut String) -> Result<(), Invalid> {
    if !is_real_date(y, m, d) {
        return Err(Invalid("not a calendar date"));
    }
    // `YYYY-MM-DD` in a stack buffer, then one copy.
    let mut date = *b"0000-00-00";
    put_digits(&mut date[..4], y);
    put_digits(&mut date[5..7], m);
    put_digits(&mut date[8..], d);
    super::push_ascii(out, &date);
    Ok(())
}

/// `1990-07-01T08:30:00Z` or `1990-07-01 08:30:00` → `1990-07-01`: an ISO date followed by
/// `T` or a space and a well-formed time of day (seconds, fraction and zone optional).
fn drop_time(s: &str) -> &str {
    let b = s.as_bytes();
    let iso_date = b.len() > 10
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if iso_date && matches!(b[10], b'T' | b't' | b' ') && is_time(&s[11..]) { &s[..10] } else { s }
}

/// `HH:MM[:SS][.fff][Z|±HH[:]MM|±HH]`.
fn is_time(t: &str) -> bool {
    let b = t.as_bytes();
    let digits2 = |i: usize| b.len() >= i + 2 && b[i].is_ascii_digit() && b[i + 1].is_ascii_digit();
    if !(digits2(0) && b.get(2) == Some(&b':') && digits2(3)) {
        return false;
    }
    let mut i = 5;
    if b.get(i) == Some(&b':') && digits2(i + 1) {
        i += 3;
    }
    if matches!(b.get(i), Some(b'.' | b',')) {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        i += 1 + n;
    }
    match &b[i..] {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', zone @ ..] => match zone {
            [h1, h2] | [h1, h2, _, _] | [h1, h2, b':', _, _] => {
                h1.is_ascii_digit()
                    && h2.is_ascii_digit()
                    && zone[2..].iter().filter(|c| **c != b':').all(u8::is_ascii_digit)
            }
            _ => false,
        },
        _ => false,
    }
}

/// Writes the last `to.len()` decimal digits of `n` into `to`, zero-padded (no formatting
/// machinery on the hot path).
fn put_digits(to: &mut [u8], mut n: u32) {
    for digit in to.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// The value of `s` when it is all ASCII digits and its length is in `digits`.
fn number(s: &str, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if !digits.contains(&s.len()) {
        return None;
    }
    s.bytes().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

/// Numeric forms: year first with `-` `/`, day first with `-` `/` `.`, or `YYYYMMDD`.
fn parse_numeric(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return Some((number(&s[..4], 4..=4)?, number(&s[4..6], 2..=2)?, number(&s[6..], 2..=2)?));
    }
    let first = b.iter().position(|c| matches!(c, b'-' | b'/' | b'.'))?;
    let sep = b[first];
    let second = first + 1 + b[first + 1..].iter().position(|&c| c == sep)?;
    let (a, m, c) = (&s[..first], &s[first + 1..second], &s[second + 1..]);
    if a.len() == 4 {
        if sep == b'.' {
            return None; // `YYYY.MM.DD` is not a form of SPEC §2
        }
        Some((number(a, 4..=4)?, number(m, 1..=2)?, number(c, 1..=2)?))
    } else {
        Some((number(c, 4..=4)?, number(m, 1..=2)?, number(a, 1..=2)?))
    }
}

/// `17 Agustus 1945`, `17 Agu 1945`, `17-Aug-1945`.
fn parse_month_name(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts =
        s.split(|c: char| c.is_whitespace() || c == '-' || c == '/' || c == '.').filter(|p| !p.is_empty());
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let month = month_number(m)?;
    Some((number(y, 4..=4)?, month, number(d, 1..=2)?))
}

/// Whether `y`-`m`-`d` is a day of the Gregorian calendar.
pub(super) fn is_real_date(y: u32, m: u32, d: u32) -> bool {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_fixed_position_shortcut_agrees_with_the_general_path(
            raw in "[0-9]{2,4}[-/. ][0-9]{1,2}[-/. ][0-9]{2,4}|[0-9./-]{10}"
        ) {
            let (mut fast, mut general) = (String::new(), String::new());
            prop_assert_eq!(append_dob(&raw, &mut fast), append_dob_general(&raw, &mut general));
            prop_assert_eq!(fast, general);
        }
    }

    fn dob(raw: &str) -> Result<String, Invalid> {
        let mut out = String::new();
        normalize_dob(raw, &mut out).map(|()| out)
    }

    #[test]
    fn formats_of_spec_section_2() {
        let table = [
            ("1945-08-17", "1945-08-17"),      // YYYY-MM-DD, canonical
            ("1945/08/17", "1945-08-17"),      // YYYY/MM/DD
            ("17-08-1945", "1945-08-17"),      // DD-MM-YYYY
            ("17/08/1945", "1945-08-17"),      // DD/MM/YYYY
            ("17.08.1945", "1945-08-17"),      // DD.MM.YYYY
            ("19450817", "1945-08-17"),        // YYYYMMDD
            ("17 Agustus 1945", "1945-08-17"), // Indonesian month
            ("17 Agu 1945", "1945-08-17"),     // Indonesian abbreviation
            ("17 August 1945", "1945-08-17"),  // English month
            ("17 Aug 1945", "1945-08-17"),     // English abbreviation
            ("17 AGUSTUS 1945", "1945-08-17"), // any case
            ("1 Mei 1990", "1990-05-01"),
            ("01 Desember 1990", "1990-12-01"),
            ("5 Okt 2001", "2001-10-05"),
            ("5-Oct-2001", "2001-10-05"),
            ("1945-08-17T10:00:00", "1945-08-17"), // ISO datetime
            ("1945-08-17T10:00:00.000+07:00", "1945-08-17"),
            ("1945-08-17 00:00:00", "1945-08-17"), // SQL datetime
            ("7/8/1945", "1945-08-07"),            // one-digit day and month, day first
            ("01/02/2003", "2003-02-01"),          // day first, never month first
            ("29-02-2000", "2000-02-29"),          // leap year
            (" 17-08-1945 ", "1945-08-17"),
            ("1990-07-01T10:00", "1990-07-01"),
            ("1990-07-01 10:00:00,5Z", "1990-07-01"),
            ("1990-07-01T10:00:00-0700", "1990-07-01"),
        ];
        for (raw, want) in table {
            assert_eq!(dob(raw).as_deref(), Ok(want), "{raw:?}");
        }
    }

    #[test]
    fn invalid_dates() {
        let bad_format = Invalid("not a recognized date format");
        let not_a_date = Invalid("not a calendar date");
        let table = [
            ("", bad_format),
            ("kemarin", bad_format),
            ("17 Agustusan 1945", bad_format),
            ("1945", bad_format),
            ("17-08-45", bad_format), // two-digit year
            ("1945-08-17-01", bad_format),
            ("31-02-1990", not_a_date),
            ("29-02-1900", not_a_date), // 1900 is not a leap year
            ("1990-13-01", not_a_date),
            ("00-01-1990", not_a_date),
            ("19901301", not_a_date),
            ("0000-01-01", not_a_date),
            ("12/31/1990", not_a_date),            // month first is not read
            ("1990.07.01", bad_format),            // not a form of SPEC §2
            ("1990-07-01T10:00 2020", bad_format), // junk after the time
            ("1990-07-01 10:00:00 WIB", bad_format),
            ("01/07/1990 10:00", bad_format), // only ISO dates carry a time
        ];
        for (raw, want) in table {
            assert_eq!(dob(raw), Err(want), "{raw:?}");
        }
    }
}
