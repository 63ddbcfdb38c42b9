//! E-mail addresses: cleanup, lowercase, one `@`, and Gmail's dot and `+tag` folding (SPEC §2).

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
    // Bounded before and after: a canonical form must be short enough to normalize again.
    if raw.len() > super::MAX_TEXT_VALUE_BYTES {
        return Err(super::TOO_LONG);
    }
    let base = out.len();
    normalize_bounded(raw, out)?;
    if out.len() - base > super::MAX_TEXT_VALUE_BYTES {
        out.truncate(base);
        return Err(super::TOO_LONG);
    }
    Ok(())
}

/// [`normalize_email`] of a value already known to be short, appended to `out`.
fn normalize_bounded(raw: &str, out: &mut String) -> Result<(), Invalid> {
    normalize_with(raw, out, true)
}

/// [`normalize_bounded`], through [`append_plain_address`] or [`ascii_parts`] when `fast` and
/// one applies; without `fast`,
/// every value takes the general path (the proptest compares both). `out` is left as it was
/// when `raw` is invalid.
fn normalize_with(raw: &str, out: &mut String, fast: bool) -> Result<(), Invalid> {
    let base = out.len();
    let result = append_with(raw, out, fast);
    if result.is_err() {
        out.truncate(base);
    }
    result
}

/// [`normalize_with`], which cleans up after it.
fn append_with(raw: &str, out: &mut String, fast: bool) -> Result<(), Invalid> {
    let base = out.len();
    let ascii = raw.is_ascii();
    if fast && ascii && append_plain_address(raw.as_bytes(), out) {
        return Ok(());
    }
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

/// The usual address of a messy export, in one pass over its bytes (a third of the cost of the
/// cleanup, split and checks below, which were a sixth of a messy scan): one round of
/// [`strip_once`], then a core of letters, digits, `.`, `_`, `+` and `-` around one `@`, that
/// starts and ends with a letter or digit, in a domain of non-empty labels with a dot and no `--`
/// (so no IDNA label). Such a core is what [`strip_wrappers`] leaves (a second round changes
/// nothing: no whitespace, `:`, bracket, quote or trailing `,` `;` `.`), and it is valid: its
/// canonical form is appended to `out` and `true` returned. Anything else returns `false` with
/// `out` untouched, and the general path decides (a proptest compares both).
///
/// The core is read eight bytes at a time ([`CoreScan`]) into a lowercased copy on the stack: no
/// branch per byte on where its dots and `@` are.
fn append_plain_address(raw: &[u8], out: &mut String) -> bool {
    let s = strip_once(trim_bytes(raw));
    let (Some(&first), Some(&last)) = (s.first(), s.last()) else {
        return false;
    };
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return false;
    }
    if s.len() <= SHORT_CORE {
        append_core::<SHORT_CORE>(s, out)
    } else if s.len() <= LONG_CORE {
        append_core::<LONG_CORE>(s, out)
    } else {
        false
    }
}

/// The stack copy of the usual core (the longest of a messy export's are about 50 bytes), and of
/// a long one (RFC 5321 allows 254): a longer one takes the general path.
const SHORT_CORE: usize = 64;
const LONG_CORE: usize = 256;

/// [`append_plain_address`] of a core `s` (that starts and ends with a letter or digit) of at
/// most `N` bytes, `N` a multiple of 8.
fn append_core<const N: usize>(s: &[u8], out: &mut String) -> bool {
    let mut lower = [0u8; N];
    let mut scan = CoreScan::default();
    let mut words = s.chunks_exact(8);
    for (k, eight) in words.by_ref().enumerate() {
        let word = scan.read(swar::load(eight), 8 * k, swar::HIGH_BITS);
        lower[8 * k..8 * k + 8].copy_from_slice(&word.to_le_bytes());
    }
    let rest = words.remainder().len();
    if rest > 0 {
        // The tail's word starts at a multiple of 8 below `s.len()`, so it ends within `N`.
        let start = s.len() - rest;
        let word = scan.read(swar::load_tail(s), start, swar::HIGH_BITS >> (8 * (8 - rest)));
        lower[start..start + 8].copy_from_slice(&word.to_le_bytes());
    }
    let Some(at) = scan.valid_at() else {
        return false;
    };
    // A domain that starts with a dot (`@.`) has an empty label.
    if lower[at + 1] == b'.' {
        return false;
    }
    let mut len = s.len();
    if &lower[at + 1..len] == b"gmail.com" || &lower[at + 1..len] == b"googlemail.com" {
        // The local part starts with a letter or digit (the core does), so it is not empty,
        // and holds nothing the cleanup would strip. `@gmail.com` fits where the domain was.
        len = if scan.local_marks == 0 { at } else { fold_gmail_local(&mut lower[..at]) };
        lower[len..len + GMAIL.len()].copy_from_slice(GMAIL);
        len += GMAIL.len();
    }
    // SAFETY: every byte of `lower` is below 0x80 (its zeros, the words [`CoreScan::read`]
    // returns, moved by [`fold_gmail_local`], and `@gmail.com`): `out` stays UTF-8.
    let bytes = unsafe { out.as_mut_vec() };
    let base = bytes.len();
    // All of the copy at once (a copy of a known size, not a call), then only the address kept.
    bytes.extend_from_slice(&lower);
    bytes.truncate(base + len);
    true
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

/// What [`append_plain_address`] has read of a core, eight bytes at a time: masks with the
/// high bit of each byte that is a dot or breaks a rule, and where the `@` is.
#[derive(Default)]
struct CoreScan {
    /// Bytes that break a rule: outside the core's set, an `@` after another, `..`, `--`.
    broken: u64,
    /// All ones once an `@` has been read.
    after_at: u64,
    /// The `@` (if there are two, `broken` says so) and where its word starts.
    at: u64,
    at_word: usize,
    /// Dots after the `@`, and dots and `+` before it (Gmail's local part has to be folded).
    domain_dots: u64,
    local_marks: u64,
    /// The previous word's bytes (seven bits each): a pair may straddle two words.
    previous: u64,
}

impl CoreScan {
    /// Reads the word of the core's bytes from `start` (those of `valid`, the rest zero) and
    /// returns it lowercased, each byte below 0x80.
    fn read(&mut self, word: u64, start: usize, valid: u64) -> u64 {
        use swar::{equal_to, in_range};
        let ascii = word & swar::LOW_BITS;
        // `| 0x20` lowercases a letter and leaves a digit, `+`, `-` and `.` as they are.
        let folded = ascii | swar::splat(0x20);
        let (at, dots, dashes, underscores) =
            (equal_to(ascii, b'@'), equal_to(ascii, b'.'), equal_to(ascii, b'-'), equal_to(ascii, b'_'));
        let pluses = equal_to(ascii, b'+');
        let allowed = in_range(folded, b'a', b'z')
            | in_range(ascii, b'0', b'9')
            | pluses
            | underscores
            | at
            | dots
            | dashes;
        self.broken |= ((word & swar::HIGH_BITS) | !allowed) & valid;
        // Each byte's previous byte (across words too): `..` and `--` are a dot or dash equal to
        // the byte before it.
        let before = ascii << 8 | self.previous >> 56;
        self.previous = ascii;
        self.broken |= (dots | dashes) & equal_to(ascii ^ before, 0);
        // The bytes after this word's first `@` (none when it has none), or all of them: an `@`
        // among them is a second one.
        let first_at = at & at.wrapping_neg();
        let after = self.after_at | (first_at << 1).wrapping_neg();
        self.broken |= at & after;
        self.domain_dots |= dots & after;
        self.local_marks |= (dots | pluses) & !after;
        self.at |= at;
        self.at_word |= start & 0usize.wrapping_sub(usize::from(at != 0));
        self.after_at |= 0u64.wrapping_sub(u64::from(at != 0));
        // `| 0x20` made `@` a backquote and `_` a DEL: bit 5 of those two flips back.
        folded ^ (at | underscores) >> 2
    }

    /// Where the one `@` is, if the core read is a valid address: nothing broken, an `@`, and a
    /// dot after it (not last: the core ends with a letter or digit; not first: the caller
    /// checks the byte after the `@`).
    fn valid_at(&self) -> Option<usize> {
        (self.broken == 0 && self.after_at != 0 && self.domain_dots != 0)
            .then_some(self.at_word + (self.at.trailing_zeros() / 8) as usize)
    }
}

/// `str::trim` of ASCII text, on its bytes: `char::is_whitespace` of an ASCII byte is tab to
/// carriage return and space.
fn trim_bytes(mut s: &[u8]) -> &[u8] {
    let space = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    while let Some((first, rest)) = s.split_first()
        && space(first)
    {
        s = rest;
    }
    while let Some((last, rest)) = s.split_last()
        && space(last)
    {
        s = rest;
    }
    s
}

/// One round of [`strip_wrappers`] on trimmed ASCII bytes, in its order: a leading `mailto:`,
/// the address in the last `<…>` of a trailing one, a surrounding pair of `()`, `"` or `'`,
/// trimming after each, then every trailing `,` `;` `.` and whitespace at once (the rounds of
/// [`strip_wrappers`] take them a run at a time). For a core [`append_plain_address`] accepts
/// (letters, digits, `.` `_` `+` `-` and one `@`: no `:`, bracket or quote), the other rules
/// cannot apply between those runs, so the result is what [`strip_wrappers`] leaves; for other
/// text it may not be (`(mailto:x@y.com. ,)`), which is why that core is checked.
fn strip_once(mut s: &[u8]) -> &[u8] {
    const MAILTO: &[u8] = b"mailto:";
    if s.len() >= MAILTO.len() && s[..MAILTO.len()].eq_ignore_ascii_case(MAILTO) {
        s = trim_bytes(&s[MAILTO.len()..]);
    }
    if let Some((b'>', inner)) = s.split_last()
        && let Some(open) = memchr::memrchr(b'<', inner)
    {
        s = trim_bytes(&inner[open + 1..]);
    }
    for (open, close) in [(b'(', b')'), (b'"', b'"'), (b'\'', b'\'')] {
        if s.len() >= 2 && s[0] == open && s[s.len() - 1] == close {
            s = trim_bytes(&s[1..s.len() - 1]);
        }
    }
    while let Some((b',' | b';' | b'.' | b'\t'..=b'\r' | b' ', rest)) = s.split_last() {
        s = rest;
    }
    s
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
            if !append_plain_address(raw.as_bytes(), &mut plain) {
                proptest::prop_assert_eq!(plain, "lain|", "{:?}", raw);
            }
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

    /// Cores either side of each stack copy's size: up to 256 bytes the one-pass path takes
    /// them, past it the general path does, and both give one canonical form.
    #[test]
    fn cores_either_side_of_each_stack_copy_size_agree() {
        for domain in ["@Example.CO.ID", "@GMAIL.com", "@googlemail.com"] {
            for len in [SHORT_CORE, LONG_CORE].into_iter().flat_map(|bound| bound - 2..=bound + 1) {
                let mut raw = String::from("B.");
                while raw.len() + domain.len() < len {
                    raw.push(if raw.len() % 5 == 0 { '.' } else { 'x' });
                }
                raw.push_str(domain);
                let mut fast = String::from("x|");
                let taken = append_plain_address(raw.as_bytes(), &mut fast);
                assert_eq!(taken, len <= LONG_CORE, "{raw:?}");
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
