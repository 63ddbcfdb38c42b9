//! Birth dates that JSON writers store as numbers (SPEC §2, dob, 1.1): an integer in a dob
//! field is a `YYYYMMDD` when it has exactly 8 digits and reads as a real date, and otherwise a
//! Unix time in milliseconds (pandas' `to_json`, MongoDB's `$date`; negative before 1970),
//! taken as a UTC date between 1900-01-01 and 2099-12-31. Pure functions, no allocation.

/// 1900-01-01T00:00:00Z in Unix milliseconds: the earliest date read from a number.
pub const MIN_MS: i64 = -2_208_988_800_000;
/// 2099-12-31T23:59:59.999Z in Unix milliseconds: the latest.
pub const MAX_MS: i64 = 4_102_444_799_999;
const MS_PER_DAY: i64 = 86_400_000;

/// The dob text an integer `text` (a JSON number as written) stands for: `text` itself when it
/// is a real `YYYYMMDD`, else the `YYYY-MM-DD` of it as Unix milliseconds, written into `buf`.
/// `None` when it is no integer, or a time outside 1900–2099 (then the value is invalid).
pub fn dob_of_integer<'a>(text: &'a str, buf: &'a mut [u8; 10]) -> Option<&'a str> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() == 8 && text.len() == 8 && is_real_yyyymmdd(text.as_bytes()) {
        return Some(text);
    }
    let ms: i64 = text.parse().ok()?;
    let (year, month, day) = date_of_ms(ms)?;
    write_date(buf, year, month, day)
}

/// The UTC calendar date of Unix time `ms` milliseconds, within 1900–2099.
pub fn date_of_ms(ms: i64) -> Option<(i64, u32, u32)> {
    if !(MIN_MS..=MAX_MS).contains(&ms) {
        return None;
    }
    Some(civil_from_days(ms.div_euclid(MS_PER_DAY)))
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Eight ASCII digits that are a real date as `YYYYMMDD`.
fn is_real_yyyymmdd(d: &[u8]) -> bool {
    let num = |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    let (year, month, day) = (num(0..4), num(4..6), num(6..8));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year > 0 && (1..=days).contains(&day)
}

/// `YYYY-MM-DD` into `buf`.
fn write_date(buf: &mut [u8; 10], year: i64, month: u32, day: u32) -> Option<&str> {
    let year = u32::try_from(year).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    *buf = [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ];
    std::str::from_utf8(buf).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_in_a_dob_field() {
        let table: [(&str, Option<&str>); 17] = [
            // pandas `to_json` of a datetime64 column (fixtures/producers/pandas): 1951-02-02.
            ("-596851200000", Some("1951-02-02")),
            ("0", Some("1970-01-01")),
            ("-1", Some("1969-12-31")),
            ("631152000000", Some("1990-01-01")),
            ("631151999999", Some("1989-12-31")),
            // The bounds: 1900-01-01 and 2099-12-31, and one millisecond outside each.
            ("-2208988800000", Some("1900-01-01")),
            ("-2208988800001", None),
            ("4102444799999", Some("2099-12-31")),
            ("4102444800000", None),
            // Exactly 8 digits and a real date: that date, as written (the dob rules read it).
            ("19900101", Some("19900101")),
            ("20000229", Some("20000229")),
            // 8 digits that are no date, and 7 or 9 digits: milliseconds.
            ("19900230", Some("1970-01-01")),
            ("86400000", Some("1970-01-02")),
            ("1990010", Some("1970-01-01")),
            ("-1234567", Some("1969-12-31")),
            // Not integers.
            ("6.3e11", None),
            ("99999999999999999999999", None),
        ];
        for (text, want) in table {
            assert_eq!(dob_of_integer(text, &mut [0; 10]), want, "{text}");
        }
        for text in ["", "-", "1.5", "--1", "12a"] {
            assert_eq!(dob_of_integer(text, &mut [0; 10]), None, "{text:?}");
        }
    }

    proptest::proptest! {
        /// Every day of 1900–2099 at any time of day gives that day back, and the date the
        /// next day's midnight gives is the next date.
        #[test]
        fn milliseconds_give_their_utc_day(day in 0i64..73_048, ms_of_day in 0i64..MS_PER_DAY) {
            let ms = MIN_MS + day * MS_PER_DAY + ms_of_day;
            let here = date_of_ms(ms).unwrap();
            let next = date_of_ms(ms - ms_of_day + MS_PER_DAY);
            proptest::prop_assert_eq!(date_of_ms(ms - ms_of_day), Some(here));
            if let Some(next) = next {
                proptest::prop_assert!(next > here);
                let mut buf = [0; 10];
                let text = write_date(&mut buf, next.0, next.1, next.2).unwrap().replace('-', "");
                proptest::prop_assert!(is_real_yyyymmdd(text.as_bytes()));
            }
        }
    }
}
