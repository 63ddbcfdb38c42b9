//! Dates of birth: the spellings of SPEC §2, day first, to `YYYY-MM-DD`.

use super::Invalid;

/// The month a name or abbreviation (Indonesian or English, any case) stands for.
///
/// With the older Indonesian spellings of SPEC §2 1.1 (`pebruari`, `nopember`, `djanuari`,
/// `djuni`, `djuli`, `peb`, `nop`, `agt`, `ags`, `sept`). A `match` on the lowercase bytes, not a
/// search through a list: about one date in six in a dump is written this way.
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
        b"januari" | b"djanuari" | b"january" | b"jan" => 1,
        b"februari" | b"pebruari" | b"february" | b"feb" | b"peb" => 2,
        b"maret" | b"march" | b"mar" => 3,
        b"april" | b"apr" => 4,
        b"mei" | b"may" => 5,
        b"juni" | b"djuni" | b"june" | b"jun" => 6,
        b"juli" | b"djuli" | b"july" | b"jul" => 7,
        b"agustus" | b"august" | b"agu" | b"aug" | b"ags" | b"agt" => 8,
        b"september" | b"sep" | b"sept" => 9,
        b"oktober" | b"october" | b"okt" | b"oct" => 10,
        b"november" | b"nopember" | b"nov" | b"nop" => 11,
        b"desember" | b"december" | b"des" | b"dec" => 12,
        _ => return None,
    })
}

/// The month an English month name or abbreviation stands for: only these may come first
/// (`June 16, 2022`), where the name makes the order unambiguous.
fn english_month_number(name: &str) -> Option<u32> {
    let mut lower = [0u8; 9];
    let bytes = name.as_bytes();
    if bytes.len() > lower.len() {
        return None;
    }
    for (l, b) in lower.iter_mut().zip(bytes) {
        *l = b.to_ascii_lowercase();
    }
    Some(match &lower[..bytes.len()] {
        b"january" | b"jan" => 1,
        b"february" | b"feb" => 2,
        b"march" | b"mar" => 3,
        b"april" | b"apr" => 4,
        b"may" => 5,
        b"june" | b"jun" => 6,
        b"july" | b"jul" => 7,
        b"august" | b"aug" => 8,
        b"september" | b"sep" | b"sept" => 9,
        b"october" | b"oct" => 10,
        b"november" | b"nov" => 11,
        b"december" | b"dec" => 12,
        _ => return None,
    })
}

/// A weekday name (Indonesian or English, any case) that may lead a date: `Kamis, 10 April 1967`.
fn is_weekday(word: &str) -> bool {
    let mut lower = [0u8; 9];
    let bytes = word.as_bytes();
    if bytes.len() > lower.len() {
        return false;
    }
    for (l, b) in lower.iter_mut().zip(bytes) {
        *l = b.to_ascii_lowercase();
    }
    matches!(
        &lower[..bytes.len()],
        b"senin"
            | b"selasa"
            | b"rabu"
            | b"kamis"
            | b"jumat"
            | b"jum'at"
            | b"sabtu"
            | b"minggu"
            | b"ahad"
            | b"monday"
            | b"tuesday"
            | b"wednesday"
            | b"thursday"
            | b"friday"
            | b"saturday"
            | b"sunday"
            | b"mon"
            | b"tue"
            | b"wed"
            | b"thu"
            | b"fri"
            | b"sat"
            | b"sun"
    )
}

/// Normalizes a date of birth into `out` as `YYYY-MM-DD`.
///
/// Accepts `YYYY-MM-DD`, `YYYY/MM/DD`, `DD-MM-YYYY`, `DD/MM/YYYY`, `DD.MM.YYYY`, `YYYYMMDD`,
/// `DD <month> YYYY`, `<English month> DD, YYYY`, an ISO datetime and a day-first date followed
/// by a time (the time is dropped), each after an optional weekday. Day and month may have one
/// digit; the month name may also be joined by `-`, `/` or `.` (`17-Agu-1945`). When the whole
/// value is not a date, the text after its first comma is tried, then the text after its last
/// comma (`JAKARTA, 17-08-1945`: the place and date of birth of Indonesian forms).
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
    let s = super::trim(raw);
    let after = |split: Option<(&str, &str)>| split.and_then(|(_, rest)| parse_date(rest.trim()));
    let (y, m, d) = parse_date(s)
        .or_else(|| after(s.split_once(',')))
        .or_else(|| after(s.rsplit_once(',')))
        .ok_or(Invalid("not a recognized date format"))?;
    write_date(y, m, d, out)
}

/// Year, month and day of one date spelling (a comma-separated place is not looked past here).
fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let s = drop_time(drop_weekday(s));
    parse_numeric(s).or_else(|| parse_month_name(s)).or_else(|| parse_month_first(s))
}

/// `Kamis, 10 April 1967` or `Kamis 10 April 1967` → `10 April 1967`.
fn drop_weekday(s: &str) -> &str {
    let end = s.find(|c: char| c == ',' || c.is_whitespace()).unwrap_or(s.len());
    if end < s.len() && is_weekday(&s[..end]) {
        s[end..].trim_start_matches(|c: char| c == ',' || c.is_whitespace())
    } else {
        s
    }
}

/// `June 16, 2022`, `Jun 16 2022`: an English month name first, then the day and the year.
fn parse_month_first(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split(|c: char| c.is_whitespace() || c == ',').filter(|p| !p.is_empty());
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some((number(y, 4..=4)?, english_month_number(m)?, number(d, 1..=2)?))
}

/// Days from 1970-01-01 to 1900-01-01 and to 2099-12-31: the dates a Unix time may give
/// (SPEC §2 1.1: a fixed range keeps normalization a pure function).
const UNIX_DAYS: std::ops::RangeInclusive<i64> = -25_567..=47_481;
/// Milliseconds in a day.
const MS_PER_DAY: i64 = 86_400_000;

/// Normalizes the text of a JSON integer in a dob field (SPEC §2 1.1) into `out`: exactly 8
/// digits that read as a real `YYYYMMDD` are that date (`19900701`); any other integer is a Unix
/// time in milliseconds (pandas' `to_json`), see [`normalize_dob_epoch_ms`].
pub fn normalize_dob_json_integer(number: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    let b = number.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let value = |r: std::ops::Range<usize>| number.get(r).and_then(|t| t.parse::<u32>().ok());
        if let (Some(y), Some(m), Some(d)) = (value(0..4), value(4..6), value(6..8))
            && is_real_date(y, m, d)
        {
            return write_date(y, m, d, out);
        }
    }
    normalize_dob_epoch_ms(number, out)
}

/// Normalizes a Unix time in milliseconds, written as a JSON integer (negative before 1970),
/// into `out` as its UTC date, valid from 1900-01-01 to 2099-12-31 (SPEC §2 1.1). For the
/// number or `$numberLong` text of a MongoDB `{"$date": …}`, and through
/// [`normalize_dob_json_integer`] for other integers in a dob field.
pub fn normalize_dob_epoch_ms(number: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    let digits = number.strip_prefix('-').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid("not an integer"));
    }
    let days = number.parse::<i64>().map(|ms| ms.div_euclid(MS_PER_DAY));
    match days {
        Ok(days) if UNIX_DAYS.contains(&days) => {
            let (y, m, d) = civil_from_days(days);
            write_date(y, m, d, out)
        }
        _ => Err(Invalid("Unix time outside 1900-01-01..2099-12-31")),
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`),
/// for days of [`UNIX_DAYS`].
fn civil_from_days(days: i64) -> (u32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of the 400-year era, 0..=146_096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // In UNIX_DAYS, all three are small and positive.
    (y as u32, m as u32, d as u32)
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
/// `T` or a space and a well-formed time of day (seconds, fraction and zone optional); and
/// `30/03/1970 00:00:00`, `1/10/1971 0:00` → the date: a day-first date, spaces and a time
/// (Excel's and CSV exports).
fn drop_time(s: &str) -> &str {
    let b = s.as_bytes();
    let iso_date = b.len() > 10
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if iso_date && matches!(b[10], b'T' | b't' | b' ') && is_time(&s[11..]) {
        return &s[..10];
    }
    // A day-first date starts with a day of one or two digits and a separator.
    let day_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let day_first = matches!(day_digits, 1 | 2) && matches!(b.get(day_digits), Some(b'-' | b'/' | b'.'));
    match s.split_once(' ') {
        Some((date, time)) if day_first && is_time(time.trim_start()) => date,
        _ => s,
    }
}

/// `H:MM[:SS][.fff][Z|±HH[:]MM|±HH]`, the hour in one or two digits.
fn is_time(t: &str) -> bool {
    let b = t.as_bytes();
    // `0:00` is `00:00` less one hour digit: the positions after it move one to the left.
    let shift = usize::from(b.get(1) == Some(&b':'));
    let digits2 = |i: usize| b.len() >= i + 2 && b[i].is_ascii_digit() && b[i + 1].is_ascii_digit();
    let hour = if shift == 1 { b[0].is_ascii_digit() } else { digits2(0) };
    if !(hour && b.get(2 - shift) == Some(&b':') && digits2(3 - shift)) {
        return false;
    }
    let mut i = 5 - shift;
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
    fn rules_1_1_of_spec_section_2() {
        let table = [
            ("17 Pebruari 1945", "1945-02-17"), // older Indonesian spellings
            ("17 Nopember 1945", "1945-11-17"),
            ("17 Djanuari 1945", "1945-01-17"),
            ("17 Djuni 1945", "1945-06-17"),
            ("17 Djuli 1945", "1945-07-17"), // issue 15
            ("17 DJULI 1945", "1945-07-17"),
            ("17 Peb 1945", "1945-02-17"),
            ("17 Nop 1945", "1945-11-17"),
            ("17 Agt 1945", "1945-08-17"),
            ("17-Ags-1945", "1945-08-17"),
            ("17 Sept 1945", "1945-09-17"),
            ("30/03/1970 00:00:00", "1970-03-30"), // issue 15: Excel's export
            ("1/10/1971 0:00", "1971-10-01"),
            ("30-03-1970 23:59", "1970-03-30"),
            ("30.03.1970  08:30:00.000", "1970-03-30"),
            ("1970-03-30 0:00", "1970-03-30"),
            ("Kamis, 10 April 1967", "1967-04-10"), // issue 15: a leading weekday
            ("Kamis 10 April 1967", "1967-04-10"),
            ("Jum'at, 17 Agustus 1945", "1945-08-17"),
            ("Thursday, 10 April 1967", "1967-04-10"),
            ("Sen, 10-04-1967", "1967-04-10"), // an unknown word: the text after the comma
            ("June 16, 2022", "2022-06-16"),   // issue 15: English month first
            ("Jun 16 2022", "2022-06-16"),
            ("SEPTEMBER 1, 1990", "1990-09-01"),
            ("Sept 1,1990", "1990-09-01"),
            ("JAKARTA, 17-08-1945", "1945-08-17"), // issue 15: place and date of birth
            ("Bandung, 17 Agustus 1945", "1945-08-17"),
            ("Bandung , 17/8/1945", "1945-08-17"),
            ("Kab. Bogor, Jawa Barat, 17-08-1945", "1945-08-17"), // after the last comma
            ("Jakarta, Kamis, 10 April 1967", "1967-04-10"),
            ("Jakarta, June 16, 2022", "2022-06-16"),
            ("Jakarta, 30/03/1970 00:00:00", "1970-03-30"),
            ("x, 1945-08-17", "1945-08-17"),
        ];
        for (raw, want) in table {
            assert_eq!(dob(raw).as_deref(), Ok(want), "{raw:?}");
        }
    }

    #[test]
    fn a_json_integer_is_yyyymmdd_or_unix_milliseconds() {
        let table: [(&str, Result<&str, &str>); 14] = [
            ("19900701", Ok("1990-07-01")), // 8 digits, a real date
            ("19450817", Ok("1945-08-17")),
            ("646790400000", Ok("1990-07-01")), // pandas' to_json: Unix ms
            ("646876799999", Ok("1990-07-01")), // the day's last millisecond, UTC
            ("0", Ok("1970-01-01")),
            ("-1", Ok("1969-12-31")), // negative before 1970
            ("-769219200000", Ok("1945-08-17")),
            ("19901301", Ok("1970-01-01")), // 8 digits, no date: milliseconds
            ("-2208988800000", Ok("1900-01-01")), // the first day of the range
            ("4102444799999", Ok("2099-12-31")), // its last millisecond
            ("-2208988800001", Err("Unix time outside 1900-01-01..2099-12-31")),
            ("4102444800000", Err("Unix time outside 1900-01-01..2099-12-31")),
            ("99999999999999999999", Err("Unix time outside 1900-01-01..2099-12-31")),
            ("1990.5", Err("not an integer")),
        ];
        let mut out = String::new();
        for (raw, want) in table {
            let got = normalize_dob_json_integer(raw, &mut out).map(|()| out.clone());
            assert_eq!(got, want.map(str::to_string).map_err(Invalid), "{raw:?}");
        }
        // A `$date` number is always milliseconds, even with 8 digits.
        assert_eq!(normalize_dob_epoch_ms("19900701", &mut out), Ok(()));
        assert_eq!(out, "1970-01-01");
        for bad in ["", "-", "1e3", "+5", " 5"] {
            assert_eq!(normalize_dob_epoch_ms(bad, &mut out), Err(Invalid("not an integer")), "{bad:?}");
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
            ("1990/07/01 10:00", bad_format), // only ISO and day-first dates carry a time
            ("17 Agustus 1945 10:00", bad_format),
            ("30/03/1970 00:00 junk", bad_format),
            ("30/03/1970 0:0", bad_format),
            ("June 16 2022 2023", bad_format),
            ("16 2022 June", bad_format),
            ("Juni 16, 2022", bad_format), // only an English name may come first
            ("06/16/2022", not_a_date),    // numeric dates stay day first
            ("June 31, 2022", not_a_date),
            ("Kamis", bad_format),
            ("Kamis, 10 April 67", bad_format), // two-digit year
            ("Hari Kamis 10 April 1967", bad_format),
            ("JAKARTA", bad_format),
            ("JAKARTA, ", bad_format),
            ("JAKARTA, 31-02-1945", not_a_date),
            ("Jakarta, Jawa Barat, Indonesia", bad_format),
            ("Djanuarie 1945", bad_format),
        ];
        for (raw, want) in table {
            assert_eq!(dob(raw), Err(want), "{raw:?}");
        }
    }
}
