//! E-mail addresses: cleanup, lowercase, one `@`, and Gmail's dot and `+tag` folding (SPEC §2).

use super::masks::{self, AddressClasses, Padded};
use super::{Invalid, swar};
use unicode_normalization::UnicodeNormalization;

/// Normalizes an e-mail address into `out`.
///
/// Unicode NFKC, trims, strips a leading `mailto:`, keeps the `addr` of `Display Name <addr>`,
/// strips surrounding `<>`, `()` or quotes and trailing `,` `;` `.`, lowercases all of it and
/// writes an IDNA (`xn--`) domain in its Unicode form; for `gmail.com` and `googlemail.com`
/// drops dots and a `+tag` from the local part and writes the domain as `gmail.com`. Valid with
/// exactly one `@`, a non-empty local part without whitespace, `,` or `;`, and a domain of two
/// or more non-empty labels without whitespace.
pub fn normalize_email(raw: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    append_email(raw, out)
}

/// [`normalize_email`] appending to `out`, which is left as it was when `raw` is invalid: the
/// scan writes every canonical address straight into its task's buffer.
pub(super) fn append_email(raw: &str, out: &mut String) -> Result<(), Invalid> {
    bounded(raw, out, append_plain_address)
}

/// Whether `raw` is a valid address: exactly [`append_email`]'s answer, its reason included,
/// for a scan that only counts the addresses (no list holds one). The usual address is only
/// checked, not written; `out` may have the canonical form of another appended (the caller
/// truncates it), and is left as it was when `raw` is invalid.
pub(super) fn check_email(raw: &str, out: &mut String) -> Result<(), Invalid> {
    bounded(raw, out, |raw, _| is_plain_address(raw))
}

/// [`append_email`], with `plain` for the usual address ([`append_plain_address`] or a check
/// of it): bounded before and after, since a canonical form must be short enough to normalize
/// again.
#[inline]
fn bounded(
    raw: &str,
    out: &mut String,
    plain: impl FnOnce(&[u8], &mut String) -> bool,
) -> Result<(), Invalid> {
    if raw.len() > super::MAX_TEXT_VALUE_BYTES {
        return Err(super::TOO_LONG);
    }
    // (The usual address and its canonical form are at most `masks::MAX` bytes: within it.)
    if plain(raw.as_bytes(), out) {
        return Ok(());
    }
    let base = out.len();
    normalize_declined(raw, out, true)?;
    if out.len() - base > super::MAX_TEXT_VALUE_BYTES {
        out.truncate(base);
        return Err(super::TOO_LONG);
    }
    Ok(())
}

/// [`append_email`] of a value within the bound, through [`append_plain_address`] or
/// [`ascii_parts`] when `fast` and one applies; without `fast`, every value takes the general
/// path (the proptest compares both). `out` is left as it was when `raw` is invalid.
#[inline]
fn normalize_with(raw: &str, out: &mut String, fast: bool) -> Result<(), Invalid> {
    if fast && append_plain_address(raw.as_bytes(), out) {
        return Ok(());
    }
    normalize_declined(raw, out, fast)
}

/// [`normalize_with`] of a value [`append_plain_address`] declined, or of every value without
/// `fast`. Out of line: the usual address does not pay for the general path's stack frame.
#[inline(never)]
fn normalize_declined(raw: &str, out: &mut String, fast: bool) -> Result<(), Invalid> {
    let base = out.len();
    let result = append_with(raw, out, fast);
    if result.is_err() {
        out.truncate(base);
    }
    result
}

/// [`normalize_declined`], which cleans up after it.
fn append_with(raw: &str, out: &mut String, fast: bool) -> Result<(), Invalid> {
    let base = out.len();
    let ascii = raw.is_ascii();
    // ASCII is its own NFKC: only other text pays for the Unicode pass (`ｇｍａｉｌ` → `gmail`).
    let folded: String;
    let raw = if ascii {
        raw
    } else {
        folded = raw.nfkc().collect();
        // NFKC writes up to 18 characters for one (U+FDFA): bounded again, so that stripping
        // wrappers from what it wrote stays cheap.
        if folded.len() > super::MAX_TEXT_VALUE_BYTES {
            return Err(super::TOO_LONG);
        }
        &folded
    };
    let s = strip_wrappers(raw);
    let (local, domain) = if fast && s.is_ascii() { split_ascii(s)? } else { split_checked(s)? };
    if fast && let Some(done) = ascii_parts(local, domain, out, base) {
        return done;
    }
    let domain_lower = lowercase(domain);
    if domain_lower == "gmail.com" || domain_lower == "googlemail.com" {
        let local = local.split('+').next().unwrap_or("");
        out.extend(local.to_lowercase().chars().filter(|&c| c != '.'));
        if out.len() == base {
            return Err(Invalid("empty local part"));
        }
        out.push_str("@gmail.com");
        // Dropping dots can bare what the cleanup strips (`m.ailto:x@…`, found by fuzzing):
        // clean again, so that a canonical form normalizes to itself.
        if strip_wrappers(&out[base..]).len() != out.len() - base {
            let folded = out.split_off(base);
            return normalize_with(&folded, out, fast);
        }
        return Ok(());
    }
    if local.is_empty() {
        return Err(Invalid("empty local part"));
    }
    out.push_str(&lowercase(local));
    out.push('@');
    out.push_str(&unicode_domain(&domain_lower));
    Ok(())
}

/// The usual address of a messy export: ASCII of at most [`masks::MAX`] bytes, read from the
/// masks of its byte classes ([`masks::classify_address`]). One round of [`strip_wrappers`] on the
/// masks ([`strip_once`]) leaves a core; when that is letters, digits, `.`, `_`, `+` and `-`
/// around one `@`, starts and ends with a letter or digit, and has a domain of non-empty labels
/// with a dot and no `--` (so no IDNA label), it is what [`strip_wrappers`] leaves (a second
/// round changes nothing: no whitespace, `:`, bracket, quote or trailing `,` `;` `.`), and it is
/// valid: its canonical form is appended to `out` and `true` returned. Anything else returns
/// `false` with `out` untouched, and the general path decides (a proptest compares both).
///
/// No branch depends on where the wrappers, dots and `@` are: each rule is a test of bits.
fn append_plain_address(raw: &[u8], out: &mut String) -> bool {
    append_classified(raw, out, masks::classify_address)
}

/// [`append_plain_address`] with the classifier `classify` (the tests hand it the portable one
/// too).
#[inline]
fn append_classified(
    raw: &[u8],
    out: &mut String,
    classify: impl FnOnce(&[u8], &mut Padded) -> AddressClasses,
) -> bool {
    let Some(PlainCore { mut lower, c, core, start, end, at }) = plain_core(raw, classify) else {
        return false;
    };
    // The core starts and ends with a letter or digit, so `start < at < end - 1 < 64`.
    let at = at.trailing_zeros() as usize;
    let mut len = end - start;
    if is_gmail_domain(&lower, at, end) {
        // The local part starts with a letter or digit (the core does), so it is not empty,
        // and holds nothing the cleanup would strip. `@gmail.com` fits where the domain was.
        let marks = c.marks & core & masks::below(at);
        let local = if marks == 0 { at - start } else { fold_gmail_local(&mut lower[start..at]) };
        lower[start + local..start + local + GMAIL.len()].copy_from_slice(GMAIL);
        len = local + GMAIL.len();
    }
    push_core(out, &lower, start, len);
    true
}

/// Whether [`append_plain_address`] takes `raw` (and it is valid), without writing it: its own
/// copy of [`plain_core`], which computes only what the answer reads (no Gmail marks) and
/// returns nothing else (not the 96 lowercased bytes and the masks that [`append_classified`]
/// reads). Out of line: the scan's per-field chain does not pay for its stack frame.
#[inline(never)]
#[allow(clippy::redundant_closure)]
fn is_plain_address(raw: &[u8]) -> bool {
    // (A closure, not the function's name: passed by name, it was called out of line, through
    // its `FnOnce` shim.)
    core_of(raw, |raw, lower| masks::classify_address(raw, lower)).is_some()
}

/// What [`plain_core`] found: the value's lowercased bytes and classes, and its core (a mask,
/// and its first and one-past-last byte) around the `@` (a mask).
struct PlainCore {
    lower: Padded,
    c: AddressClasses,
    core: u64,
    start: usize,
    end: usize,
    at: u64,
}

/// The core of the usual address `raw`, if [`append_plain_address`] takes it (see there).
#[inline]
fn plain_core(raw: &[u8], classify: impl FnOnce(&[u8], &mut Padded) -> AddressClasses) -> Option<PlainCore> {
    core_of(raw, classify)
}

/// [`plain_core`], inlined into each caller: the compiler drops what a caller does not read.
#[inline(always)]
fn core_of(raw: &[u8], classify: impl FnOnce(&[u8], &mut Padded) -> AddressClasses) -> Option<PlainCore> {
    if raw.len() > masks::MAX {
        return None;
    }
    let mut lower: Padded = [0; masks::MAX + 32];
    let c = classify(raw, &mut lower);
    let core = strip_once(raw.len(), &lower, &c);
    let (start, end) = (core.trailing_zeros() as usize, end_of(core));
    let (alnum, allowed) = (c.alnum, c.allowed);
    let at = c.ats & core;
    // The bits above the `@` (the lowest, when there are two: then the core is refused).
    let domain = (at << 1).wrapping_neg() & core;
    let pairs = (c.dots & c.dots >> 1) | (c.dashes & c.dashes >> 1);
    // (`|` rather than `||`: one branch on all the rules, not one per rule.)
    let refused = c.non_ascii
        | (core & !allowed != 0)
        | !masks::has(alnum, start)
        | !masks::has(alnum, end.wrapping_sub(1))
        | (at == 0)
        | (at & at.wrapping_sub(1) != 0)
        // `..` or `--` (a pair's first byte is in the core: its last is a letter or digit),
        // and `@.`, an empty first label.
        | ((pairs & core) | (at & c.dots >> 1) != 0)
        | (domain & c.dots == 0);
    (!refused).then_some(PlainCore { lower, c, core, start, end, at })
}

/// Whether the domain of the lowercased core, from after its `@` at `at` to `end` (`at < end`,
/// both below [`masks::MAX`]), is `gmail.com` or `googlemail.com`: one load of sixteen bytes.
#[inline]
fn is_gmail_domain(lower: &Padded, at: usize, end: usize) -> bool {
    const fn word(name: &[u8]) -> u128 {
        let mut bytes = [0u8; 16];
        let mut i = 0;
        while i < name.len() {
            bytes[i] = name[i];
            i += 1;
        }
        u128::from_le_bytes(bytes)
    }
    let mut sixteen = [0u8; 16];
    // (`& 63`: `at + 1` is below 64, and the compiler sees that the load is within `lower`.)
    sixteen.copy_from_slice(&lower[(at + 1) & 63..][..16]);
    let domain = u128::from_le_bytes(sixteen);
    let first = |len: usize| domain & (u128::MAX >> (128 - 8 * len));
    let len = end - at - 1;
    (len == 9) & (first(9) == word(b"gmail.com")) | (len == 14) & (first(14) == word(b"googlemail.com"))
}

/// Appends the `len` bytes (at most [`masks::MAX`]) of `lower` from `start` (below
/// [`masks::MAX`]) to `out`: two copies of 32 bytes into its spare room (a copy of the
/// address's size would call `memcpy`).
#[inline]
fn push_core(out: &mut String, lower: &Padded, start: usize, len: usize) {
    debug_assert!(start < masks::MAX && start + len <= masks::MAX && lower[start..start + len].is_ascii());
    // SAFETY: the bytes counted in are ASCII (the value's bytes, all below 0x80, with its
    // letters lowercased, moved by [`fold_gmail_local`], and `@gmail.com`): `out` stays UTF-8.
    let bytes = unsafe { out.as_mut_vec() };
    bytes.reserve(masks::MAX);
    let base = bytes.len();
    let spare = &mut bytes.spare_capacity_mut()[..masks::MAX];
    let (low, high) = spare.split_at_mut(32);
    // The second half is only counted in when `len` is over 32, so `start` is below 32 then.
    for (to, &b) in low.iter_mut().zip(&lower[start & 63..][..32]) {
        to.write(b);
    }
    for (to, &b) in high.iter_mut().zip(&lower[(start + 32) & 63..][..32]) {
        to.write(b);
    }
    // SAFETY: the first `len` (at most 64) bytes of the spare room were just written.
    unsafe { bytes.set_len(base + len) };
}

/// Gmail's canonical domain.
const GMAIL: &[u8] = b"@gmail.com";

/// Whether an ASCII domain is Gmail's, in any case (`googlemail.com` is `gmail.com`).
fn is_gmail(domain: &[u8]) -> bool {
    domain.eq_ignore_ascii_case(b"gmail.com") || domain.eq_ignore_ascii_case(b"googlemail.com")
}

/// Gmail's canonical form of a lowercased local part, in place: up to its first `+`, without
/// dots. Returns its length.
fn fold_gmail_local(local: &mut [u8]) -> usize {
    let tag = memchr::memchr(b'+', local).unwrap_or(local.len());
    let mut end = 0;
    for i in 0..tag {
        let b = local[i];
        local[end] = b;
        end += usize::from(b != b'.');
    }
    end
}

/// One round of [`strip_wrappers`] on the masks of an ASCII value of `len` bytes (`lower` its
/// lowercased bytes, zero past its end), as the mask of the bytes it keeps, in its order: trim, a leading
/// `mailto:`, the address in the last `<…>` of a trailing one, a surrounding pair of `()`, `"` or
/// `'`, trimming after each, then every trailing `,` `;` `.` and whitespace at once (the rounds
/// of [`strip_wrappers`] take them a run at a time). For a core [`append_plain_address`] accepts
/// (letters, digits, `.` `_` `+` `-` and one `@`: no `:`, bracket or quote), the other rules
/// cannot apply between those runs, so the result is what [`strip_wrappers`] leaves; for other
/// text it may not be (`(mailto:x@y.com. ,)`), which is why that core is checked.
///
/// Each step keeps or drops bits of a mask under a condition, without a branch on it. An empty
/// value gives 0.
#[inline(always)]
fn strip_once(len: usize, lower: &Padded, c: &AddressClasses) -> u64 {
    // All ones when `yes`.
    let all_if = |yes: bool| 0u64.wrapping_sub(u64::from(yes));
    // (Indices `& 63`: an empty mask's last byte wraps, and 63 is within `lower`.)
    let first = |span: u64| span.trailing_zeros() as usize & 63;
    let last = |span: u64| end_of(span).wrapping_sub(1) & 63;
    let mut span = trimmed(masks::below(len), c.spaces);
    const MAILTO: u64 = u64::from_le_bytes(*b"mailto:\0");
    let from = span.trailing_zeros() as usize;
    let seven = swar::load(&lower[from & 63..][..8]) & (u64::MAX >> 8);
    let mailto = (seven == MAILTO) & masks::has(span, from + 6);
    span = trimmed(span & !(masks::below(from + 7) & all_if(mailto)), c.spaces);
    // `Budi Santoso <budi@x.com>`: the address is in the last pair of angle brackets.
    let closing = (span != 0) & (lower[last(span)] == b'>');
    let opens = c.angles & span & !(1 << last(span));
    let inner = span & !masks::below(end_of(opens)) & !(1 << last(span));
    let angled = all_if(closing & (opens != 0));
    span = trimmed((inner & angled) | (span & !angled), c.spaces);
    // Only a value that starts with `(`, `"` or `'` (about one in twelve) can lose a pair: the
    // others skip the three rounds on one well-predicted branch.
    if matches!(lower[first(span)], b'(' | b'"' | b'\'') {
        for (open, close) in [(b'(', b')'), (b'"', b'"'), (b'\'', b'\'')] {
            let (a, z) = (first(span), last(span));
            let pair = (span & span.wrapping_sub(1) != 0) & (lower[a] == open) & (lower[z] == close);
            span = trimmed(span & !(all_if(pair) & (1 << a | 1 << z)), c.spaces);
        }
    }
    let kept = span & !c.trailing;
    span & masks::below(end_of(kept))
}

/// `span` (one run of bits) without the bits of `spaces` at either end: the bits from the lowest
/// bit kept (`x | -x`) to the highest (`MAX >> leading zeros`; with none kept, the first mask is
/// zero).
#[inline]
fn trimmed(span: u64, spaces: u64) -> u64 {
    let kept = span & !spaces;
    span & (kept | kept.wrapping_neg()) & (u64::MAX >> (kept.leading_zeros() & 63))
}

/// One past the highest bit of `mask`: 0 when it has none.
#[inline]
fn end_of(mask: u64) -> usize {
    64 - mask.leading_zeros() as usize
}

/// The local part and domain of a cleaned-up address, checked: exactly one `@`, no whitespace,
/// `,` or `;` in the local part, and a domain of two or more non-empty labels without
/// whitespace. The reason names the first rule broken.
fn split_checked(s: &str) -> Result<(&str, &str), Invalid> {
    let mut parts = s.splitn(3, '@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(if s.contains('@') { Invalid("more than one @") } else { Invalid("no @") });
    };
    if local.contains(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        return Err(Invalid("whitespace, comma or semicolon in the local part"));
    }
    if domain.chars().any(char::is_whitespace) {
        return Err(Invalid("whitespace in the domain"));
    }
    if !domain.contains('.') {
        return Err(Invalid("domain has no dot"));
    }
    if domain.split('.').any(str::is_empty) {
        return Err(Invalid("empty label in the domain"));
    }
    Ok((local, domain))
}

/// [`split_checked`] of ASCII text, on its bytes: one search for the `@` and one pass over
/// each part instead of a `splitn` and five searches by `char` (a sixth of the e-mail column's
/// cost in a messy export). The same parts, and the same reason in the same order of rules.
fn split_ascii(s: &str) -> Result<(&str, &str), Invalid> {
    let bytes = s.as_bytes();
    let Some(at) = memchr::memchr(b'@', bytes) else {
        return Err(Invalid("no @"));
    };
    let (local, domain) = (&bytes[..at], &bytes[at + 1..]);
    if memchr::memchr(b'@', domain).is_some() {
        return Err(Invalid("more than one @"));
    }
    // `char::is_whitespace` of an ASCII byte: tab to carriage return (vertical tab and form
    // feed too, which `u8::is_ascii_whitespace` leaves out) and space.
    let space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    if local.iter().any(|&b| space(b) || b == b',' || b == b';') {
        return Err(Invalid("whitespace, comma or semicolon in the local part"));
    }
    let (mut dot, mut empty_label, mut previous) = (false, false, b'.');
    for &b in domain {
        if space(b) {
            return Err(Invalid("whitespace in the domain"));
        }
        if b == b'.' {
            dot = true;
            empty_label |= previous == b'.';
        }
        previous = b;
    }
    if !dot {
        return Err(Invalid("domain has no dot"));
    }
    if empty_label || previous == b'.' {
        return Err(Invalid("empty label in the domain"));
    }
    Ok((&s[..at], &s[at + 1..]))
}

/// The canonical form of an ASCII address split and checked by [`normalize_with`], lowercased
/// straight into `out` after its first `base` bytes (upper-case and wrapped e-mails are most of
/// a messy export's): no `String` per value. `None`, with `out` as it was, when the general path
/// must decide: text that is not ASCII, or an IDNA (`xn--`) label to decode.
fn ascii_parts(local: &str, domain: &str, out: &mut String, base: usize) -> Option<Result<(), Invalid>> {
    if !local.is_ascii() || !domain.is_ascii() {
        return None;
    }
    if is_gmail(domain.as_bytes()) {
        // SAFETY: `local` is ASCII (checked above) and only its bytes are written: `out` stays
        // UTF-8.
        let bytes = unsafe { out.as_mut_vec() };
        bytes.extend_from_slice(local.as_bytes());
        bytes[base..].make_ascii_lowercase();
        let len = fold_gmail_local(&mut bytes[base..]);
        bytes.truncate(base + len);
        if out.len() == base {
            return Some(Err(Invalid("empty local part")));
        }
        out.push_str("@gmail.com");
        // Dropping dots can bare what the cleanup strips: the general path cleans again.
        if strip_wrappers(&out[base..]).len() != out.len() - base {
            out.truncate(base);
            return None;
        }
        return Some(Ok(()));
    }
    if local.is_empty() {
        return Some(Err(Invalid("empty local part")));
    }
    if has_idna_label(domain.as_bytes()) {
        return None;
    }
    out.push_str(local);
    out.push('@');
    out.push_str(domain);
    out[base..].make_ascii_lowercase();
    Some(Ok(()))
}

/// Whether a label of an ASCII domain starts with `xn--` in any case: found with one search
/// for the `-` pair that every such label holds, not a `split` into labels.
fn has_idna_label(domain: &[u8]) -> bool {
    memchr::memmem::find_iter(domain, b"--").any(|dashes| {
        let start = dashes.wrapping_sub(2);
        dashes >= 2
            && domain[start..dashes].eq_ignore_ascii_case(b"xn")
            && (start == 0 || domain[start - 1] == b'.')
    })
}

/// A lowercase domain with IDNA labels (`xn--bcher-kva.de`) written in Unicode (`bücher.de`,
/// UTS 46), so that both spellings of one domain are one. Kept as it is when a label does not
/// decode, or decodes to text this normalizer would change again (a canonical form must be a
/// fixed point).
fn unicode_domain(domain: &str) -> std::borrow::Cow<'_, str> {
    if !domain.split('.').any(|label| label.starts_with("xn--")) {
        return std::borrow::Cow::Borrowed(domain);
    }
    let (unicode, decoded) = idna::domain_to_unicode(domain);
    let stable = decoded.is_ok()
        && !unicode.contains("xn--")
        && !unicode.split('.').any(str::is_empty)
        && !unicode.contains(|c: char| c.is_whitespace() || c == '@')
        && unicode.nfkc().eq(unicode.chars())
        && lowercase(&unicode) == unicode.as_str();
    if stable { std::borrow::Cow::Owned(unicode) } else { std::borrow::Cow::Borrowed(domain) }
}

/// Removes, until none is left, surrounding whitespace, a leading `mailto:`, a display name
/// before `<addr>`, a surrounding pair of `<>`, `()`, `"` or `'`, and trailing `,` `;` `.`.
fn strip_wrappers(raw: &str) -> &str {
    let mut s = super::trim(raw);
    loop {
        let before = s.len();
        if s.len() >= 7 && s.is_char_boundary(7) && s[..7].eq_ignore_ascii_case("mailto:") {
            s = s[7..].trim();
        }
        // `Budi Santoso <budi@x.com>`: the address is in the last pair of angle brackets.
        if let Some(inner) = s.strip_suffix('>')
            && let Some(open) = inner.rfind('<')
        {
            s = inner[open + 1..].trim();
        }
        for (open, close) in [('(', ')'), ('"', '"'), ('\'', '\'')] {
            if s.len() >= 2 && s.starts_with(open) && s.ends_with(close) {
                s = s[1..s.len() - 1].trim();
            }
        }
        s = s.trim_end_matches([',', ';', '.']).trim_end();
        if s.len() == before {
            return s;
        }
    }
}

fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(raw: &str) -> Result<String, Invalid> {
        let mut out = String::new();
        normalize_email(raw, &mut out).map(|()| out)
    }

    #[test]
    fn an_address_longer_than_the_bound_is_invalid() {
        let at_bound = format!("{}@example.co.id", "b".repeat(super::super::MAX_TEXT_VALUE_BYTES - 14));
        assert_eq!(at_bound.len(), super::super::MAX_TEXT_VALUE_BYTES);
        assert_eq!(email(&at_bound).as_deref(), Ok(at_bound.as_str()));
        let over = format!("b{at_bound}");
        assert_eq!(email(&over), Err(super::super::TOO_LONG));
    }

    #[test]
    fn an_address_that_nfkc_would_blow_up_is_invalid() {
        // U+3300 (㌀) is 3 bytes that NFKC writes as 4 katakana (12 bytes).
        let expands = format!("<{}@x.co.id>", "\u{3300}".repeat(100));
        assert!(expands.len() <= super::super::MAX_TEXT_VALUE_BYTES);
        assert_eq!(email(&expands), Err(super::super::TOO_LONG));
        let fits = format!("<{}@x.co.id>", "\u{3300}".repeat(20));
        assert!(email(&fits).is_ok());
    }

    #[test]
    fn cleanup_and_gmail_folding() {
        let table = [
            ("budi@example.co.id", "budi@example.co.id"),        // canonical
            ("  Budi@Example.CO.ID ", "budi@example.co.id"),     // trim, lowercase all
            ("mailto:budi@example.co.id", "budi@example.co.id"), // mailto:
            ("MAILTO:budi@example.co.id", "budi@example.co.id"),
            ("<budi@example.co.id>", "budi@example.co.id"), // angle brackets
            ("\"budi@example.co.id\"", "budi@example.co.id"), // double quotes
            ("'budi@example.co.id'", "budi@example.co.id"), // single quotes
            ("<mailto:budi@example.co.id>", "budi@example.co.id"), // both
            ("budi.santoso+promo@example.com", "budi.santoso+promo@example.com"), // other domains keep dots and tags
            ("Budi.Santoso@gmail.com", "budisantoso@gmail.com"),                  // gmail drops dots
            ("budi.santoso+bpjs@gmail.com", "budisantoso@gmail.com"),             // and +tag
            ("budisantoso@googlemail.com", "budisantoso@gmail.com"),              // googlemail is gmail
            ("B.U.D.I+x+y@GoogleMail.com", "budi@gmail.com"),
            ("budisantoso@gmail.com", "budisantoso@gmail.com"),
            ("m.ailto:budi@gmail.com", "budi@gmail.com"), // found by fuzzing: a dot hid what the cleanup strips
            ("ÉLODIE@EXAMPLE.FR", "élodie@example.fr"),   // Unicode lowercase
            ("ΣΑΣ@example.com", "σας@example.com"),       // final sigma, as str::to_lowercase
        ];
        for (raw, want) in table {
            assert_eq!(email(raw).as_deref(), Ok(want), "{raw:?}");
        }
    }

    #[test]
    fn rules_1_1_of_spec_section_2() {
        let table = [
            ("Budi <budi@x.com>", "budi@x.com"), // issue 15: display name
            ("Budi Santoso <Budi@X.com>", "budi@x.com"),
            ("\"Santoso, Budi\" <budi@x.com>", "budi@x.com"),
            ("(j.setiawan@ugm.ac.id)", "j.setiawan@ugm.ac.id"), // issue 15: brackets
            ("x@y.com;", "x@y.com"),                            // issue 15: trailing ;
            ("x@y.com,", "x@y.com"),
            ("x@y.com.", "x@y.com"),
            ("<x@y.com>;", "x@y.com"),
            ("x@y.com , ", "x@y.com"),
            ("mailto:Budi <budi@x.com>", "budi@x.com"),
            ("xn--bcher-kva.de@xn--bcher-kva.de", "xn--bcher-kva.de@bücher.de"), // IDNA domain, local part kept
            ("info@xn--bcher-kva.de", "info@bücher.de"), // issue 15: both spellings are one
            ("info@bücher.de", "info@bücher.de"),
            ("info@BÜCHER.DE", "info@bücher.de"),
            ("info@XN--BCHER-KVA.DE", "info@bücher.de"),
            ("info@mail.xn--bcher-kva.de", "info@mail.bücher.de"),
            ("info@xn--zz.de", "info@xn--zz.de"), // not decodable: kept as written
            ("ｂｕｄｉ＠ｇｍａｉｌ．ｃｏｍ", "budi@gmail.com"), // issue 15: full-width, NFKC
            ("budi@ｇｍａｉｌ.com", "budi@gmail.com"),
            ("ｂｕｄｉ．ｓａｎｔｏｓｏ@example.com", "budi.santoso@example.com"),
        ];
        for (raw, want) in table {
            assert_eq!(email(raw).as_deref(), Ok(want), "{raw:?}");
            assert_eq!(email(want).as_deref(), Ok(want), "canonical {want:?}");
        }
    }

    proptest::proptest! {
        /// The ASCII fast path gives what the general path gives, for every spelling the
        /// messy exports use (case, wrappers, display names, gmail dots and tags, IDNA).
        #[test]
        fn the_ascii_fast_path_equals_the_general_path(
            raw in "[ <(\"']{0,2}(mailto:|MAILTO:|[A-Za-z]{1,6} <)?[A-Za-z0-9.+_-]{0,10}@{0,2}([A-Za-z0-9-]{0,6}|xn--bcher-kva|XN--zz)[.]{0,2}(gmail|GoogleMail|co|ID|de)[.]?(com|COM|id)?[>)\"';,. ]{0,3}"
        ) {
            // Appended after what the buffer holds, which an invalid value leaves as it was.
            let (mut fast, mut general) = (String::from("lain|"), String::from("lain|"));
            let fast_result = normalize_with(&raw, &mut fast, true);
            let general_result = normalize_with(&raw, &mut general, false);
            proptest::prop_assert_eq!(fast_result, general_result, "{:?}", raw);
            proptest::prop_assert_eq!(&fast, &general, "{:?}", raw);
            if fast_result.is_err() {
                proptest::prop_assert_eq!(fast, "lain|");
            }
        }

        /// The one-pass path gives what the general path gives on ASCII of every kind around
        /// an `@`: wrappers, display names, `:`, brackets and quotes inside, whitespace of
        /// every kind, trailing punctuation, dashes and dots anywhere.
        #[test]
        fn the_one_pass_path_equals_the_general_path_on_any_ascii(
            raw in "[ \t\x0B\r]{0,2}(mailto:|MailTo: |<|[(]|\"|'|[A-Za-z ]{0,5}<)?[A-Za-z0-9._+:<>()\"',; -]{0,10}@{0,2}[A-Za-z0-9.+_-]{0,10}[>)\"',;. \t\n]{0,3}",
            any in "[ -~\t\n\x0B\x0C\r]{0,20}",
            plain in "[ \t\x0B]{0,2}(mailto: ?|MAILTO:|<|[(]|\"|'|[A-Za-z ]{0,5}<)?[A-Za-z0-9][A-Za-z0-9._+-]{0,6}@[A-Za-z0-9.-]{0,5}[.](com|COM|id|co[.]id)[>)\"',;. \t]{0,3}",
            gmail in "[A-Za-z0-9][A-Za-z0-9._+-]{0,8}@(gmail|GMAIL|GoogleMail)[.](com|COM)",
        ) {
            for raw in [raw, any, plain, gmail] {
                let (mut fast, mut general) = (String::from("lain|"), String::from("lain|"));
                let fast_result = normalize_with(&raw, &mut fast, true);
                proptest::prop_assert_eq!(fast_result, normalize_with(&raw, &mut general, false), "{:?}", raw);
                proptest::prop_assert_eq!(&fast, &general, "{:?}", raw);
                let mut checked = String::new();
                proptest::prop_assert_eq!(check_email(&raw, &mut checked), fast_result, "{:?}", raw);
            }
        }

        /// Splitting and checking ASCII on its bytes gives the parts and the reason the `char`
        /// checks give, whitespace of every kind (vertical tab, form feed, the separators
        /// U+001C–U+001F that are not whitespace), commas, semicolons, dots and `@` anywhere.
        #[test]
        fn the_ascii_split_equals_the_char_checks(raw in "[a-z@.,; \t\n\x0B\x0C\r\x1C\x1F_-]{0,12}") {
            proptest::prop_assert_eq!(split_ascii(&raw), split_checked(&raw), "{:?}", raw);
        }
    }

    /// An address made of the bytes the word-at-a-time scan has masks for (`@ . - + _`, letters,
    /// digits), with Gmail's domains and the bytes it refuses among them, 0–40 pieces long: each
    /// falls on every position of a word and either side of a boundary between two words (a
    /// `..`, `--` or `@.` across one), in a wrapper or bare.
    fn boundary_address() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            12 => "[a-zA-Z0-9]",
            3 => "[.]",
            2 => "-",
            1 => "[+_]",
            2 => "@",
            1 => "(gmail|GMAIL|GoogleMail)[.](com|COM)",
            1 => "[ ,;:<>()%'\"\t\x7F\x00]",
        ];
        ("(|<|[(]|mailto:|[A-Z][a-z]{0,3} <| )", proptest::collection::vec(piece, 0..40), "(|>|[)]|;|[.]| )")
            .prop_map(|(open, core, close)| format!("{open}{}{close}", core.concat()))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4096, ..Default::default() })]

        /// The word-at-a-time scan of the one-pass path gives what the general path gives, and
        /// leaves the buffer as it was when it declines.
        #[test]
        fn the_word_at_a_time_scan_equals_the_general_path_around_word_boundaries(raw in boundary_address()) {
            let (mut fast, mut general) = (String::from("lain|"), String::from("lain|"));
            let fast_result = normalize_with(&raw, &mut fast, true);
            proptest::prop_assert_eq!(fast_result, normalize_with(&raw, &mut general, false), "{:?}", raw);
            proptest::prop_assert_eq!(&fast, &general, "{:?}", raw);
            let mut plain = String::from("lain|");
            let taken = append_plain_address(raw.as_bytes(), &mut plain);
            if !taken {
                proptest::prop_assert_eq!(&plain, "lain|", "{:?}", raw);
            }
            // The check alone: the same answer and reason, the buffer as it was when invalid.
            proptest::prop_assert_eq!(is_plain_address(raw.as_bytes()), taken, "{:?}", raw);
            let mut checked = String::from("lain|");
            proptest::prop_assert_eq!(check_email(&raw, &mut checked), append_email(&raw, &mut plain), "{:?}", raw);
            if fast_result.is_err() {
                proptest::prop_assert_eq!(checked, "lain|", "{:?}", raw);
            }
        }

        /// The portable classifier (the one builds without SSE2 take) gives the one-pass path
        /// the same answer as the one this build takes.
        #[test]
        fn the_one_pass_path_on_the_portable_masks_equals_it_on_these(
            raw in proptest::prop_oneof![
                boundary_address(),
                "[ \t\x0B]{0,2}(mailto: ?|MAILTO:|<|[(]|\"|'|[A-Za-z ]{0,5}<)?[A-Za-z0-9][A-Za-z0-9._+-]{0,30}@[A-Za-z0-9.-]{0,20}[.](com|COM|id|co[.]id)[>)\"',;. \t]{0,3}",
            ]
        ) {
            let (mut here, mut portable) = (String::from("lain|"), String::from("lain|"));
            let taken = append_plain_address(raw.as_bytes(), &mut here);
            proptest::prop_assert_eq!(taken, append_classified(raw.as_bytes(), &mut portable, |raw, lower| AddressClasses::of(&masks::classify_swar(raw, lower, masks::Fold::Lowercase))), "{:?}", raw);
            proptest::prop_assert_eq!(here, portable, "{:?}", raw);
        }
    }

    /// A byte over 0x7F is not part of a core the one-pass path reads, even one whose low
    /// seven bits are a letter, `.` or `@`: it declines, and the buffer is as it was.
    #[test]
    fn a_byte_over_0x7f_is_declined_by_the_one_pass_path() {
        for high in [b'a' | 0x80, b'.' | 0x80, b'@' | 0x80, 0xFF] {
            for at in [0, 1, 4, 7, 8, 9, 15, 16] {
                let mut raw = b"budisantoso.x@example.co.id".to_vec();
                raw[at] = high;
                let mut out = String::from("x|");
                assert!(!append_plain_address(&raw, &mut out), "{raw:?}");
                assert_eq!(out, "x|");
            }
        }
    }

    /// Every string of the Big List of Naughty Strings (../shared/corpora, read in place), as
    /// it is and as each part of an address, takes the fast path and the general path alike.
    #[test]
    fn the_fast_path_equals_the_general_path_on_the_naughty_strings() {
        let Some(text) = crate::normalize::naughty_strings() else { return };
        let mut compared = 0;
        for line in text.lines().filter(|l| !l.starts_with('#') && l.len() <= 200) {
            for raw in [
                line.to_string(),
                format!("{line}@Example.CO.ID"),
                format!("Budi.S@{line}"),
                format!("<{line}@GMAIL.com>"),
                format!("mailto:{line}"),
            ] {
                let (mut fast, mut general) = (String::from("x"), String::from("x"));
                let fast_result = normalize_with(&raw, &mut fast, true);
                assert_eq!(fast_result, normalize_with(&raw, &mut general, false), "{raw:?}");
                assert_eq!(fast, general, "{raw:?}");
                assert_eq!(check_email(&raw, &mut String::new()), fast_result, "{raw:?}");
                if raw.is_ascii() {
                    assert_eq!(split_ascii(&raw), split_checked(&raw), "{raw:?}");
                }
                compared += 1;
            }
        }
        assert!(compared > 2000, "only {compared} strings compared");
    }

    /// The spellings most of a messy export's e-mails take go the one-pass way; the rare ones
    /// (an IDNA or `--` domain, an invalid address, a `%` or `!`, a dot first) go the general way.
    #[test]
    fn the_usual_spellings_take_the_one_pass_path() {
        let table = [
            ("budi@example.co.id", Some("budi@example.co.id")),
            ("MEGA1478@YAHOO.CO.ID", Some("mega1478@yahoo.co.id")),
            ("mailto:Ramli.Silalahi1483@gmail.com", Some("ramlisilalahi1483@gmail.com")),
            ("<NIASUSANTI1558@RSUD.GO.ID>", Some("niasusanti1558@rsud.go.id")),
            ("(poniman1798@gmail.com)", Some("poniman1798@gmail.com")),
            (" AISYAH_TANUWIJAYA206@GMAIL.COM ", Some("aisyah_tanuwijaya206@gmail.com")),
            (" SAMSUL1847+BPJS@GMAIL.COM ", Some("samsul1847@gmail.com")),
            ("Galih Susilo <galih+bpjs@googlemail.com>", Some("galih@gmail.com")),
            ("dina@yahoo.co.id;", Some("dina@yahoo.co.id")),
            ("dina@yahoo.co.id , ", Some("dina@yahoo.co.id")),
            ("budi.santoso+promo@Example.com", Some("budi.santoso+promo@example.com")),
            ("info@xn--bcher-kva.de", None),
            ("info@a--b.de", None),
            ("budi@localhost", None),
            ("budi@@x.com", None),
            ("budi%x@x.com", None),
            (".budi@x.com", None),
            ("budi@.x.com", None),
            ("m.ailto:budi@gmail.com", None),
            ("\"Santoso, Budi\" <budi@x.com>", Some("budi@x.com")),
            ("(x@y.com) ,", None),
            // Either side of the eight-byte words the core is read in: short, a word, two.
            ("a@b.co", Some("a@b.co")),
            ("abc@x.co", Some("abc@x.co")),
            ("ABCDEFGH@X.CO.ID", Some("abcdefgh@x.co.id")),
            ("abcdefg.@example.com", Some("abcdefg.@example.com")),
            ("abcdefg@.example.com", None),   // `@.` across two words
            ("abcdefg..x@example.com", None), // `..` across two words
            ("a@bcdefgh--x.com", None),
            ("abcdefg@x.com@y.com", None), // a second `@` in a later word
            ("B.U_D-I+x@GMAIL.COM", Some("bu_d-i@gmail.com")),
            ("b.u@gmail.co", Some("b.u@gmail.co")),
            ("budi@xgmail.com", Some("budi@xgmail.com")),
            ("budi@hotmail.com", Some("budi@hotmail.com")),
            ("budi@mail.gmail.com", Some("budi@mail.gmail.com")),
        ];
        for (raw, want) in table {
            let mut out = String::from("x|");
            let taken = append_plain_address(raw.as_bytes(), &mut out);
            assert_eq!(taken.then(|| &out[2..]), want, "{raw:?}");
            if !taken {
                assert_eq!(out, "x|", "{raw:?}");
            }
            let mut general = String::from("x|");
            if let Some(want) = want {
                normalize_with(raw, &mut general, false).unwrap();
                assert_eq!(&general[2..], want, "{raw:?}");
            }
        }
    }

    /// Values either side of the masks' size: up to 64 bytes the one-pass path takes them, past
    /// it the general path does, and both give one canonical form.
    #[test]
    fn values_either_side_of_the_masks_size_agree() {
        for (open, close) in [("", ""), ("<", ">"), ("mailto:", ";")] {
            for domain in ["@Example.CO.ID", "@GMAIL.com", "@googlemail.com"] {
                for len in masks::MAX - 2..=masks::MAX + 1 {
                    let mut raw = String::from(open) + "B.";
                    while raw.len() + domain.len() + close.len() < len {
                        raw.push(if raw.len().is_multiple_of(5) { '.' } else { 'x' });
                    }
                    raw = raw + domain + close;
                    assert_eq!(raw.len(), len);
                    let mut fast = String::from("x|");
                    let taken = append_plain_address(raw.as_bytes(), &mut fast);
                    assert_eq!(taken, len <= masks::MAX, "{raw:?}");
                    let mut general = String::from("x|");
                    normalize_with(&raw, &mut general, false).unwrap();
                    if taken {
                        assert_eq!(fast, general, "{raw:?}");
                    }
                    let mut out = String::from("x|");
                    normalize_with(&raw, &mut out, true).unwrap();
                    assert_eq!(out, general, "{raw:?}");
                }
            }
        }
    }

    #[test]
    fn idna_labels_are_found_at_the_start_of_a_label_only() {
        let table = [
            ("xn--bcher-kva.de", true),
            ("mail.XN--BCHER-KVA.de", true),
            ("a.Xn--zz", true),
            ("axn--b.de", false),
            ("xn-x--.de", false),
            ("-xn--.de", false),
            ("x---.de", false),
            ("ab.xn-.de", false),
            ("example.co.id", false),
            ("--", false),
        ];
        for (domain, idna) in table {
            let by_labels =
                domain.split('.').any(|l| l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")));
            assert_eq!(by_labels, idna, "{domain:?}");
            assert_eq!(has_idna_label(domain.as_bytes()), idna, "{domain:?}");
        }
    }

    #[test]
    fn an_address_is_appended_after_what_the_buffer_holds() {
        let table = [
            ("MAILTO:Budi.Santoso@GMAIL.COM", Ok("budisantoso@gmail.com")),
            ("Budi <BUDI@X.CO.ID>;", Ok("budi@x.co.id")),
            ("m.ailto:budi@gmail.com", Ok("budi@gmail.com")), // cleaned twice
            ("info@XN--BCHER-KVA.DE", Ok("info@bücher.de")),
            ("<budi@@x.com>", Err(Invalid("more than one @"))),
            ("+tag@gmail.com", Err(Invalid("empty local part"))),
        ];
        for (raw, want) in table {
            let mut out = String::from("3201014107900001");
            assert_eq!(append_email(raw, &mut out), want.map(|_| ()), "{raw:?}");
            assert_eq!(out, format!("3201014107900001{}", want.unwrap_or("")), "{raw:?}");
        }
        let mut out = String::from("x");
        let long = format!("{}@x.co.id", "b".repeat(super::super::MAX_TEXT_VALUE_BYTES));
        assert_eq!(append_email(&long, &mut out), Err(super::super::TOO_LONG));
        assert_eq!(out, "x");
    }

    #[test]
    fn invalid_emails() {
        let table = [
            ("budi", "no @"),
            ("budi@@example.com", "more than one @"),
            ("a@b@example.com", "more than one @"),
            ("@example.com", "empty local part"),
            ("+tag@gmail.com", "empty local part"),
            ("...@gmail.com", "empty local part"),
            ("budi@localhost", "domain has no dot"),
            ("budi@exa mple.com", "whitespace in the domain"),
            ("budi@", "domain has no dot"),
            (".\tbudi@gmail.com", "whitespace, comma or semicolon in the local part"),
            ("budi santoso@example.com", "whitespace, comma or semicolon in the local part"),
            ("budi,ani@example.com", "whitespace, comma or semicolon in the local part"),
            ("budi;ani@example.com", "whitespace, comma or semicolon in the local part"),
            ("budi@example..com", "empty label in the domain"),
            ("budi@.example.com", "empty label in the domain"),
            ("budi@example.", "domain has no dot"), // the trailing dot is stripped
            ("Budi Santoso", "no @"),
            ("<>", "no @"),
        ];
        for (raw, reason) in table {
            assert_eq!(email(raw), Err(Invalid(reason)), "{raw:?}");
        }
    }
}
