//! Phone numbers: Indonesian spellings to E.164 (`+628123456789`), and splitting a field that
//! holds several numbers (SPEC §2).

use super::Invalid;
use super::digit_marks::{self, Class};

/// More digits than any E.164 number plus prefixes can have; longer input is rejected early.
const MAX_DIGITS: usize = 24;
/// Digits of an Indonesian mobile number after `+62`: libphonenumber's metadata for ID
/// (mobile pattern `8[1-35-9]\d{7,10}`), SPEC §2 1.1.
const ID_MOBILE_DIGITS: std::ops::RangeInclusive<usize> = 9..=12;
/// Digits of an Indonesian fixed-line number after `+62` (libphonenumber's possible lengths for
/// ID fixed lines, without its per-area-code patterns), SPEC §2 1.1.
const ID_FIXED_DIGITS: std::ops::RangeInclusive<usize> = 7..=11;
/// Digits of a `+` number of another country (SPEC §2).
const FOREIGN_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;
/// Digits in all of a `62…` number written without `+` (SPEC §2).
const BARE_62_DIGITS: std::ops::RangeInclusive<usize> = 11..=15;
/// Digits of a bare `8…` mobile whose leading 0 a spreadsheet dropped (SPEC §2).
const BARE_8_DIGITS: std::ops::RangeInclusive<usize> = 9..=12;

/// Normalizes one phone number into `out` as E.164.
///
/// Rejects scientific notation (`6.28123456789E+11`: digits are lost), drops one trailing `.0`
/// (a spreadsheet float) and an extension (`ext`, `x`, `#`, `psw`,
/// `pes`, `pesawat` after the first digit, and what follows), keeps digits and one `+` written
/// before the first digit, then maps `+62…`, `0062…`, `62…`, `0…` and a bare `8…` to `+62…`,
/// dropping a trunk `0` written after the country code; the national number must fit
/// Indonesia's numbering plan. Other `+` numbers are kept.
pub fn normalize_phone(raw: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    append_phone(raw, out)
}

/// [`normalize_phone`] appending to `out`, which is left as it was when `raw` is invalid.
pub(super) fn append_phone(raw: &str, out: &mut String) -> Result<(), Invalid> {
    let raw = drop_float_suffix(raw);
    let mut buf = [0u8; MAX_DIGITS];
    let (n, plus) = match plain_digits(raw.as_bytes(), &mut buf) {
        Some(found) => found,
        None if looks_scientific(raw) => return Err(Invalid("scientific notation has lost digits")),
        None => general_digits(raw.as_bytes(), &mut buf)?,
    };
    to_e164(&buf, n, plus, out)
}

/// `6.28123456789E+11`: a spreadsheet float whose last digits are lost and whose exponent
/// digits would otherwise be read as digits of the number. Only fields with an `e`/`E` reach
/// the full check; plain numbers never come here (they take [`plain_digits`]).
fn looks_scientific(raw: &str) -> bool {
    raw.bytes().any(|b| b | 0x20 == b'e')
        && super::nik::looks_scientific(raw.strip_prefix('+').unwrap_or(raw))
}

/// [`append_phone`] for a field that is one number in digits, dashes, dots, spaces, brackets
/// and a leading `+` (which therefore needs no [`for_each_phone`] splitting); `None` for any
/// other field.
pub fn append_plain_phone(raw: &str, out: &mut String) -> Option<Result<(), Invalid>> {
    let mut buf = [0u8; MAX_DIGITS];
    let (n, plus) = plain_digits(drop_float_suffix(raw).as_bytes(), &mut buf)?;
    Some(to_e164(&buf, n, plus, out))
}

/// `raw` trimmed, less one trailing `.0`: a spreadsheet wrote the number as a float
/// (`6282136001878.0`), and its `0` is no digit of the number.
#[inline]
fn drop_float_suffix(raw: &str) -> &str {
    let trimmed = super::trim(raw);
    trimmed.strip_suffix(".0").unwrap_or(trimmed)
}

/// The digits of a number written with only digits, `-`, `.`, spaces, brackets and a leading
/// `+` (most phones in a dump), and whether it had the `+`; `None` for anything else (or too
/// long).
///
/// `buf` past the digits is left as it was (zeros).
fn plain_digits(bytes: &[u8], buf: &mut [u8; MAX_DIGITS]) -> Option<(usize, bool)> {
    match plain_digits_from_marks(bytes, buf) {
        Some(found) => found,
        None => plain_digits_by_bytes(bytes, buf),
    }
}

/// [`plain_digits`] from masks of the classes of a field's bytes: no branch per byte, none on
/// the spelling. `None` for a field of more than [`digit_marks::MAX`] bytes.
#[inline]
fn plain_digits_from_marks(raw: &[u8], buf: &mut [u8; MAX_DIGITS]) -> Option<Option<(usize, bool)>> {
    const CLASSES: [Class; 3] = [Class::Digits, Class::AnyOf(b"-. ()"), Class::AnyOf(b"+")];
    let mut bytes = [0u8; 64];
    let [digits, separators, pluses] = digit_marks::classify(raw, &CLASSES, &mut bytes)?;
    // A `+` only before the first digit (with no digit the field is refused below).
    let allowed = digits | separators | (pluses & digit_marks::below(digits.trailing_zeros() & 63));
    let n = digits.count_ones() as usize;
    if (digit_marks::below(raw.len() as u32) & !allowed != 0) | (n == 0) | (n > MAX_DIGITS) {
        return Some(None);
    }
    // The picks past the last digit are the zeros after the field's bytes.
    let (first, rest) = digit_marks::pick::<16>(&bytes, digits);
    buf[..16].copy_from_slice(&first);
    if n > 16 {
        buf[16..].copy_from_slice(&digit_marks::pick::<{ MAX_DIGITS - 16 }>(&bytes, rest).0);
    }
    Some(Some((n, pluses != 0)))
}

/// [`plain_digits`] a byte at a time (for fields longer than [`digit_marks::MAX`]).
fn plain_digits_by_bytes(bytes: &[u8], buf: &mut [u8; MAX_DIGITS]) -> Option<(usize, bool)> {
    let mut n = 0;
    let mut plus = false;
    for &b in bytes {
        match b {
            b'0'..=b'9' if n < MAX_DIGITS => {
                buf[n] = b;
                n += 1;
            }
            b'-' | b' ' | b'.' | b'(' | b')' => {}
            b'+' if n == 0 => plus = true,
            _ => return None,
        }
    }
    (n > 0).then_some((n, plus))
}

/// The digits of any spelling: an extension dropped (see [`extension_at`]), other characters
/// skipped, a `+` before the first digit remembered.
fn general_digits(bytes: &[u8], buf: &mut [u8; MAX_DIGITS]) -> Result<(usize, bool), Invalid> {
    // An extension marker counts only after the number has begun (`Fax: 021…` is no extension).
    let first_digit = bytes.iter().position(u8::is_ascii_digit).unwrap_or(bytes.len());
    let body = match (first_digit..bytes.len()).find(|&i| extension_at(bytes, i)) {
        Some(i) => &bytes[..i],
        None => bytes,
    };
    let mut n = 0;
    let mut plus = false;
    for &b in body {
        if b.is_ascii_digit() {
            if n == MAX_DIGITS {
                return Err(Invalid("too many digits"));
            }
            buf[n] = b;
            n += 1;
        } else if b == b'+' && n == 0 {
            plus = true;
        }
    }
    Ok((n, plus))
}

/// Whether an extension marker starts at `i`: `x` (so `ext` too) or `#`, or the Indonesian
/// `psw` / `pes` (so `pesawat` too), any case; a dot after the marker is then one of the
/// characters dropped with the extension.
fn extension_at(bytes: &[u8], i: usize) -> bool {
    let lower = |j: usize| bytes.get(j).map(u8::to_ascii_lowercase);
    match lower(i) {
        Some(b'x' | b'#') => true,
        Some(b'p') => {
            matches!((lower(i + 1), lower(i + 2)), (Some(b's'), Some(b'w')) | (Some(b'e'), Some(b's')))
        }
        _ => false,
    }
}

/// Maps the `n` digits at the start of `buf` (zeros after them; `plus`: written after a `+`)
/// to E.164.
fn to_e164(buf: &[u8; MAX_DIGITS], n: usize, plus: bool, out: &mut String) -> Result<(), Invalid> {
    match indonesian_national(buf, n, plus) {
        Some(national) => {
            push_indonesian(out, national);
            Ok(())
        }
        None => to_e164_general(&buf[..n], plus, out),
    }
}

/// Appends `+62` and `national` (ASCII digits, at most [`MAX_DIGITS`]) to `out` in one
/// fixed-size copy: a copy of the number's own length (and one per piece) called `memcpy`.
#[inline]
fn push_indonesian(out: &mut String, national: &[u8]) {
    let mut e164 = [0u8; 3 + MAX_DIGITS];
    e164[..3].copy_from_slice(b"+62");
    let len = 3 + national.len().min(MAX_DIGITS);
    e164[3..len].copy_from_slice(&national[..len - 3]);
    if !e164.is_ascii() {
        // Not reached (`national` is digits), but never an empty number called valid: the
        // safe way, byte by byte.
        out.push_str("+62");
        out.extend(national.iter().map(|&b| char::from(b)));
        return;
    }
    // SAFETY: `as_mut_vec` lets `out` hold what is written into it; the bytes written are
    // ASCII (checked above), so `out` stays UTF-8. The copy writes `e164.len()` bytes after
    // `out`'s end into the spare capacity just reserved, and the length then grows only over
    // the `len` bytes of them that are the number.
    unsafe {
        let v = out.as_mut_vec();
        v.reserve(e164.len());
        let end = v.len();
        std::ptr::copy_nonoverlapping(e164.as_ptr(), v.as_mut_ptr().add(end), e164.len());
        v.set_len(end + len);
    }
}

/// The national number of an Indonesian number that [`to_e164_general`] accepts, `None` for
/// any other (which it then maps, or names the error of): its prefixes read from the first seven
/// digits at once, with no branch on which of `+62`, `0062`, `62`, `0` or `8` it has.
#[inline]
fn indonesian_national(buf: &[u8; MAX_DIGITS], n: usize, plus: bool) -> Option<&[u8]> {
    let head = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
    // The zeros after the digits are no digit, so no prefix reaches past them.
    let starts_62 = head & 0xFFFF == u32::from(u16::from_le_bytes(*b"62"));
    let via_0062 = !plus & (head == u32::from_le_bytes(*b"0062"));
    let via_62 = starts_62 & (plus | BARE_62_DIGITS.contains(&n));
    let country = 2 * usize::from(via_62) + 4 * usize::from(via_0062);
    // A trunk `0` after the country code, or the `0` of a national number.
    let trunk = usize::from(((via_62 | via_0062) | !plus) & (buf[country] == b'0'));
    let via_8 = !plus & (buf[0] == b'8') & BARE_8_DIGITS.contains(&n);
    let prefixed = via_62 | via_0062 | (!plus & (buf[0] == b'0')) | via_8;
    let skip = country + trunk;
    let len = n.wrapping_sub(skip);
    let (first, second) = (buf[skip], buf[skip + 1]);
    let mobile =
        (first == b'8') & (PLAN[usize::from(second)] & MOBILE_SECOND != 0) & ID_MOBILE_DIGITS.contains(&len);
    let fixed = (PLAN[usize::from(first)] & FIXED_FIRST != 0) & ID_FIXED_DIGITS.contains(&len);
    (prefixed & (mobile | fixed)).then(|| &buf[skip.min(n)..n])
}

/// Bits of [`PLAN`]: the second digit of a mobile's `8x` (SPEC §2 1.1), the first digit of a
/// fixed line.
const MOBILE_SECOND: u8 = 1;
const FIXED_FIRST: u8 = 2;

/// The [`MOBILE_SECOND`] and [`FIXED_FIRST`] bits of each byte: a load instead of a `match`.
static PLAN: [u8; 256] = {
    let mut plan = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if matches!(byte, b'1' | b'2' | b'3' | b'5'..=b'9') {
            plan[b] |= MOBILE_SECOND;
        }
        if matches!(byte, b'2'..=b'7' | b'9') {
            plan[b] |= FIXED_FIRST;
        }
        b += 1;
    }
    plan
};

/// [`to_e164`] for every number, with the error of each that is none.
fn to_e164_general(d: &[u8], plus: bool, out: &mut String) -> Result<(), Invalid> {
    let n = d.len();
    if d.is_empty() {
        return Err(Invalid("no digits"));
    }
    let national = if plus {
        if let Some(rest) = d.strip_prefix(b"62") {
            drop_trunk_zero(rest)
        } else {
            if d[0] == b'0' {
                return Err(Invalid("country code cannot start with 0"));
            }
            if !FOREIGN_DIGITS.contains(&n) {
                return Err(Invalid("international number must have 8-15 digits"));
            }
            out.push('+');
            super::push_ascii(out, d);
            return Ok(());
        }
    } else if let Some(rest) = d.strip_prefix(b"0062") {
        drop_trunk_zero(rest)
    } else if d.starts_with(b"62") && BARE_62_DIGITS.contains(&n) {
        drop_trunk_zero(&d[2..])
    } else if let Some(rest) = d.strip_prefix(b"0") {
        rest
    } else if d[0] == b'8' && BARE_8_DIGITS.contains(&n) {
        d
    } else {
        return Err(Invalid("not an Indonesian number and no + country code"));
    };
    check_numbering_plan(national)?;
    out.push_str("+62");
    super::push_ascii(out, national);
    Ok(())
}

/// Indonesia's numbering plan after `+62` (SPEC §2 1.1): a mobile starts with `81` `82` `83`
/// `85`–`89` and has 9–12 digits; a fixed line starts with `2`–`7` or `9` and has 7–11 digits.
/// `80…` (toll-free and premium services), `84…`, `1…` (service numbers) and `0…` are none.
fn check_numbering_plan(national: &[u8]) -> Result<(), Invalid> {
    match national {
        [b'8', b'1' | b'2' | b'3' | b'5'..=b'9', ..] if !ID_MOBILE_DIGITS.contains(&national.len()) => {
            Err(Invalid("Indonesian mobile number must have 9-12 digits after +62"))
        }
        [b'8', b'1' | b'2' | b'3' | b'5'..=b'9', ..] => Ok(()),
        [b'2'..=b'7' | b'9', ..] if !ID_FIXED_DIGITS.contains(&national.len()) => {
            Err(Invalid("Indonesian fixed-line number must have 7-11 digits after +62"))
        }
        [b'2'..=b'7' | b'9', ..] => Ok(()),
        _ => Err(Invalid("not a mobile or fixed-line prefix of Indonesia's numbering plan")),
    }
}

/// `+62 (0) 812…`: a trunk `0` written after the country code is dropped.
fn drop_trunk_zero(national: &[u8]) -> &[u8] {
    national.strip_prefix(b"0").unwrap_or(national)
}

/// Calls `f` with each phone number of a field that may hold several, separated by `,` `;` `/`
/// `|` or the word `atau` ("or"). Pieces are trimmed; empty pieces are skipped.
pub fn for_each_phone<'a>(raw: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = raw.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut emit = |piece: &'a str| {
        let piece = super::trim(piece);
        if !piece.is_empty() {
            f(piece);
        }
    };
    while i < bytes.len() {
        let sep_len = match bytes[i] {
            b',' | b';' | b'/' | b'|' => 1,
            b'a' | b'A' if is_atau_at(bytes, i) => 4,
            _ => 0,
        };
        if sep_len > 0 {
            emit(&raw[start..i]);
            i += sep_len;
            start = i;
        } else {
            i += 1;
        }
    }
    emit(&raw[start..]);
}

/// The word `atau` (any case) at `i`, not part of a longer word.
fn is_atau_at(bytes: &[u8], i: usize) -> bool {
    let end = i + 4;
    end <= bytes.len()
        && bytes[i..end].eq_ignore_ascii_case(b"atau")
        && (i == 0 || !bytes[i - 1].is_ascii_alphabetic())
        && (end == bytes.len() || !bytes[end].is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_plain_field_is_one_piece_normalized_alike(raw in "[ 0-9+/,a.()-]{0,20}") {
            let mut pieces = Vec::new();
            for_each_phone(&raw, |p| pieces.push(p));
            let mut fast = String::new();
            if let Some(result) = append_plain_phone(&raw, &mut fast) {
                prop_assert_eq!(pieces.len(), 1);
                let mut general = String::new();
                prop_assert_eq!(result, append_phone(pieces[0], &mut general));
                prop_assert_eq!(fast, general);
            }
        }

        #[test]
        fn the_plain_spelling_shortcut_agrees_with_the_general_path(raw in "[+]?[0-9 +()x.-]{0,26}") {
            let mut buf = [0u8; MAX_DIGITS];
            let general = general_digits(drop_float_suffix(&raw).as_bytes(), &mut buf)
                .and_then(|(n, plus)| { let mut out = String::new(); to_e164_general(&buf[..n], plus, &mut out).map(|()| out) });
            let mut fast = String::new();
            prop_assert_eq!(append_phone(&raw, &mut fast).map(|()| fast), general);
        }
    }

    /// The masks read a field as the byte-at-a-time reading does, into the same digits.
    fn marks_agree(raw: &[u8]) -> Result<(), TestCaseError> {
        let (mut by_marks, mut by_bytes) = ([0u8; MAX_DIGITS], [0u8; MAX_DIGITS]);
        if let Some(got) = plain_digits_from_marks(raw, &mut by_marks) {
            prop_assert_eq!(got, plain_digits_by_bytes(raw, &mut by_bytes), "{:?}", raw);
            if got.is_some() {
                prop_assert_eq!(by_marks, by_bytes, "{:?}", raw);
            }
        }
        Ok(())
    }

    /// The prefixes read at once map the digits as the general mapping does.
    fn mappings_agree(digits: &str, plus: bool) -> Result<(), TestCaseError> {
        let mut buf = [0u8; MAX_DIGITS];
        let n = digits.len().min(MAX_DIGITS);
        buf[..n].copy_from_slice(&digits.as_bytes()[..n]);
        let (mut fast, mut general) = (String::from("x"), String::from("x"));
        let want = to_e164_general(&buf[..n], plus, &mut general);
        prop_assert_eq!(to_e164(&buf, n, plus, &mut fast), want, "{:?} {}", digits, plus);
        prop_assert_eq!(fast, general, "{:?} {}", digits, plus);
        Ok(())
    }

    proptest! {
        #[test]
        fn the_masks_read_a_plain_phone_as_the_bytes_do(
            spelled in "[ +(]{0,3}(62|0062|0|8|\\+62|\\+)?([0-9]{1,5}[ .()+-]{0,2}){1,7}[ )]{0,2}",
            bytes in proptest::collection::vec(prop_oneof![Just(b'0'), Just(b'8'), Just(b'+'), Just(b'('), Just(b')'), Just(b' '), Just(b'-'), Just(b'.'), Just(b'_'), Just(b'\t'), Just(0xC2u8), Just(b'x')], 0..=34),
            digits in "[0-9]{17,26}",
        ) {
            marks_agree(spelled.as_bytes())?;
            marks_agree(&bytes)?;
            marks_agree(digits.as_bytes())?;
            marks_agree(format!("+{digits}").as_bytes())?;
        }

        #[test]
        fn the_prefixes_read_at_once_map_as_the_general_mapping_does(
            digits in "(62|0062|0|8|00|6|620|00620|08|80|84|1|2|9)?[0-9]{0,16}",
            plus in any::<bool>(),
        ) {
            mappings_agree(&digits, plus)?;
        }
    }

    /// Every digit string of up to five digits from 0 1 2 5 6 8 9, with and without `+`, and
    /// each padded to every length up to 24 (other first digits are left to the proptest
    /// above).
    #[test]
    fn the_prefixes_read_at_once_map_every_short_prefix_alike() {
        let alphabet = [b'0', b'1', b'2', b'5', b'6', b'8', b'9'];
        let mut prefixes = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = prefixes
                .iter()
                .filter(|p| p.len() == prefixes.last().map_or(0, String::len))
                .flat_map(|p| alphabet.iter().map(move |&b| format!("{p}{}", b as char)))
                .collect();
            prefixes.extend(longer);
        }
        for prefix in &prefixes {
            for len in prefix.len()..=MAX_DIGITS {
                let digits = format!("{prefix}{}", "3".repeat(len - prefix.len()));
                for plus in [false, true] {
                    mappings_agree(&digits, plus).expect("agree");
                }
            }
        }
    }

    /// The one-copy append writes `+62` and the number after what `out` holds, and nothing
    /// past it, at every length (a `String` of any capacity, one that grows too).
    #[test]
    fn the_indonesian_number_is_appended_in_one_copy() {
        for len in 0..=MAX_DIGITS {
            let national: Vec<u8> = (0..len).map(|i| b'0' + (i % 10) as u8).collect();
            for before in ["", "x", "+6281234567890"] {
                for capacity in [0, before.len(), before.len() + 3 + len, 200] {
                    let mut out = String::with_capacity(capacity);
                    out.push_str(before);
                    push_indonesian(&mut out, &national);
                    assert_eq!(out, format!("{before}+62{}", String::from_utf8_lossy(&national)));
                }
            }
        }
    }

    fn phone(raw: &str) -> Result<String, Invalid> {
        let mut out = String::new();
        normalize_phone(raw, &mut out).map(|()| out)
    }

    #[test]
    fn spellings_of_one_mobile() {
        let table = [
            "+6281234567890",    // canonical E.164
            "+62 812-3456-7890", // + with separators
            "0812-3456-7890",    // national with trunk 0
            "0812 3456 7890",
            "(0812) 3456.7890",      // brackets and dots
            "6281234567890",         // 62 without +, 13 digits
            "006281234567890",       // 00 international prefix
            "81234567890",           // spreadsheet dropped the 0
            "+62 (0) 812 3456 7890", // trunk 0 after the country code
            "62 0812 3456 7890",     // same without +
            "0062 0812 3456 7890",
            "tel: 0812-3456-7890",    // labels are not digits
            "0812-3456-7890 ext. 12", // extension dropped
            "0812-3456-7890 x12",
            "0812-3456-7890#12",
            " +62 812 3456 7890 ",
            "Fax: 0812-3456-7890", // an x before the number is no extension marker
            "#0812-3456-7890",
        ];
        for raw in table {
            assert_eq!(phone(raw).as_deref(), Ok("+6281234567890"), "{raw:?}");
        }
    }

    #[test]
    fn other_accepted_numbers() {
        let table = [
            ("021-5551234", "+62215551234"), // Jakarta landline
            ("(021) 555 1234", "+62215551234"),
            ("812345678", "+62812345678"),             // bare 8… of 9 digits
            ("812345678901", "+62812345678901"),       // bare 8… of 12 digits
            ("62812345678", "+62812345678"),           // 62… of 11 digits
            ("+65 9123 4567", "+6591234567"),          // Singapore, kept as E.164
            ("+1 (415) 555-2671", "+14155552671"),     // USA
            ("(+62) 812-3456-7890", "+6281234567890"), // + before the first digit
        ];
        for (raw, want) in table {
            assert_eq!(phone(raw).as_deref(), Ok(want), "{raw:?}");
        }
    }

    const MOBILE_LENGTH: &str = "Indonesian mobile number must have 9-12 digits after +62";
    const FIXED_LENGTH: &str = "Indonesian fixed-line number must have 7-11 digits after +62";
    const NOT_IN_PLAN: &str = "not a mobile or fixed-line prefix of Indonesia's numbering plan";
    const SCIENTIFIC: &str = "scientific notation has lost digits";

    #[test]
    fn a_spreadsheet_float_suffix_is_no_digit() {
        let table = [
            ("6282136001878.0", "+6282136001878"), // issue 15: the .0 became a digit
            ("081234567890.0", "+6281234567890"),
            ("0812-3456-7890.0 ", "+6281234567890"),
            ("+62 21 5551234.0", "+62215551234"),
            ("81234567890.0", "+6281234567890"),
        ];
        for (raw, want) in table {
            assert_eq!(phone(raw).as_deref(), Ok(want), "{raw:?}");
            let mut plain = String::new();
            assert_eq!(append_plain_phone(raw, &mut plain), Some(Ok(())), "{raw:?}");
            assert_eq!(plain, want, "{raw:?}");
        }
        // One `.0` only: before it, the dot and 0 are a separator and a digit again.
        assert_eq!(phone("081234567890.0.0").as_deref(), Ok("+62812345678900"));
    }

    #[test]
    fn indonesian_extension_words_drop_the_extension() {
        let table = [
            ("(0361) 8261-68 psw 123", "+62361826168"), // issue 15: was +62361826168123
            ("(0361) 8261-68 PSW. 123", "+62361826168"),
            ("(0361) 8261-68 Pes 123", "+62361826168"),
            ("(0361) 8261-68 pes.123", "+62361826168"),
            ("(0361) 8261-68 pesawat 123", "+62361826168"),
            ("(0361) 8261-68 Pesawat. 123", "+62361826168"),
            ("(0361) 8261-68psw123", "+62361826168"),
            ("(0361) 8261-68 Ext. 123", "+62361826168"),
            ("(0361) 8261-68 EXT123", "+62361826168"),
            ("(0361) 8261-68 X 123", "+62361826168"),
            ("(0361) 8261-68 # 123", "+62361826168"),
            ("Pesawat kantor 0361 826168", "+62361826168"), // a marker before the first digit is none
        ];
        for (raw, want) in table {
            assert_eq!(phone(raw).as_deref(), Ok(want), "{raw:?}");
        }
    }

    #[test]
    fn the_numbering_plan_of_indonesia() {
        let valid = [
            ("+62 812 345 678", "+62812345678"),       // mobile, 9 digits
            ("+62 812 3456 78901", "+62812345678901"), // mobile, 12 digits
            ("+62 811 1234 567", "+628111234567"),     // every mobile prefix
            ("+62 821 1234 567", "+628211234567"),
            ("+62 831 1234 567", "+628311234567"),
            ("+62 851 1234 567", "+628511234567"),
            ("+62 861 1234 567", "+628611234567"),
            ("+62 871 1234 567", "+628711234567"),
            ("+62 881 1234 567", "+628811234567"),
            ("+62 895 1234 567", "+628951234567"),
            ("+62 21 12345", "+622112345"),          // fixed line, 7 digits
            ("+62 21 1234 56789", "+6221123456789"), // fixed line, 11 digits
            ("(0274) 512345", "+62274512345"),       // Yogyakarta
            ("0411-123456", "+62411123456"),         // Makassar
            ("0511 1234567", "+625111234567"),       // Banjarmasin
            ("0620 123456", "+62620123456"),         // 6…
            ("0711 123456", "+62711123456"),         // Palembang
            ("0901 123456", "+62901123456"),         // Papua
            ("+62 (0)21 5551234", "+62215551234"),   // trunk 0 after the country code
            ("62 021 5551234", "+62215551234"),
            ("0062 (0) 21 5551234", "+62215551234"),
        ];
        for (raw, want) in valid {
            assert_eq!(phone(raw).as_deref(), Ok(want), "{raw:?}");
        }
        let invalid = [
            ("+62 849 1234 5678", NOT_IN_PLAN), // issue 15: unallocated prefix 84
            ("+62 805 1234 5678", NOT_IN_PLAN), // 80: toll-free and premium services
            ("0800 1 234567", NOT_IN_PLAN),
            ("+62 1500 123", NOT_IN_PLAN),        // service number
            ("+62 812 3456 7", MOBILE_LENGTH),    // issue 15: an 8-digit mobile
            ("0812 3456 78901 2", MOBILE_LENGTH), // 13 digits
            ("+62 21 1234 567890", FIXED_LENGTH), // issue 15: a 12-digit landline
            ("+62 21 1234", FIXED_LENGTH),        // 6 digits
            ("021 123", FIXED_LENGTH),
        ];
        for (raw, reason) in invalid {
            assert_eq!(phone(raw), Err(Invalid(reason)), "{raw:?}");
        }
    }

    #[test]
    fn invalid_phones() {
        let table = [
            ("", "no digits"),
            ("-", "no digits"),
            ("ext", "no digits"),
            ("0812", MOBILE_LENGTH),
            ("08123456789012", MOBILE_LENGTH), // 13 national digits
            ("+62 0 0812 3456 789", NOT_IN_PLAN),
            ("00812345678", NOT_IN_PLAN),
            ("6281234567", "not an Indonesian number and no + country code"), // 62… of only 10 digits
            ("81234567", "not an Indonesian number and no + country code"),   // bare 8… of 8 digits
            ("8123456789012", "not an Indonesian number and no + country code"), // bare 8… of 13 digits
            ("3201014107900001", "not an Indonesian number and no + country code"), // a NIK
            ("+0812345678", "country code cannot start with 0"),
            ("+6512345", "international number must have 8-15 digits"),
            ("+1234567890123456", "international number must have 8-15 digits"),
            ("1234567890123456789012345", "too many digits"),
        ];
        for (raw, reason) in table {
            assert_eq!(phone(raw), Err(Invalid(reason)), "{raw:?}");
        }
    }

    #[test]
    fn scientific_notation_has_lost_digits() {
        // A spreadsheet export wrote the number as a float: its exponent digits were appended,
        // giving another valid number (`+62812345678911`), which could match someone else.
        let table = [
            "6.28123456789E+11",
            "8.12345678E+09",
            "8.12345678e9",
            "6.2812345678901E+12",
            "+6.28123456789E+11",
            " 6.28123456789E+11 ",
            "6.28123456789E-11",
            "628123456789E0",
        ];
        for raw in table {
            assert_eq!(phone(raw), Err(Invalid(SCIENTIFIC)), "{raw:?}");
            assert_eq!(append_plain_phone(raw, &mut String::new()), None, "{raw:?}");
        }
        // An `e` of an extension word or a label is no exponent.
        assert_eq!(phone("0812-3456-7890 ext 12").as_deref(), Ok("+6281234567890"));
        assert_eq!(phone("(0361) 8261-68 pesawat 123").as_deref(), Ok("+62361826168"));
        assert_eq!(phone("telepon 0812-3456-7890").as_deref(), Ok("+6281234567890"));
        assert_eq!(phone("0812 3456 7890 E").as_deref(), Ok("+6281234567890"));
    }

    fn pieces(raw: &str) -> Vec<&str> {
        let mut v = Vec::new();
        for_each_phone(raw, |p| v.push(p));
        v
    }

    #[test]
    fn several_phones_in_one_field() {
        assert_eq!(pieces("0812-1111-2222"), ["0812-1111-2222"]);
        assert_eq!(pieces("0812111122, 0813 2222 3333"), ["0812111122", "0813 2222 3333"]);
        assert_eq!(pieces("0812111122;0813222233"), ["0812111122", "0813222233"]);
        assert_eq!(pieces("0812111122 / 0813222233"), ["0812111122", "0813222233"]);
        assert_eq!(pieces("0812111122|0813222233"), ["0812111122", "0813222233"]);
        assert_eq!(pieces("0812111122 atau 0813222233"), ["0812111122", "0813222233"]);
        assert_eq!(pieces("0812111122 ATAU 0813222233"), ["0812111122", "0813222233"]);
        assert_eq!(pieces("0812111122atau0813222233"), ["0812111122", "0813222233"]);
        assert_eq!(pieces("0812111122,, ;"), ["0812111122"]);
        assert_eq!(pieces("bataua 0812"), ["bataua 0812"]); // `atau` inside a word is not a separator
        assert!(pieces(" , ").is_empty());
    }
}
