//! E-mail addresses: cleanup, lowercase, one `@`, and Gmail's dot and `+tag` folding (SPEC §2).

use super::Invalid;

/// Normalizes an e-mail address into `out`.
///
/// Trims, strips a leading `mailto:` and surrounding `<>` or quotes, lowercases all of it; for
/// `gmail.com` and `googlemail.com` drops dots and a `+tag` from the local part and writes the
/// domain as `gmail.com`. Valid with exactly one `@`, a non-empty local part and a domain that
/// has a `.` and no whitespace.
pub fn normalize_email(raw: &str, out: &mut String) -> Result<(), Invalid> {
    // Bounded before and after: a canonical form must be short enough to normalize again.
    if raw.len() > super::MAX_TEXT_VALUE_BYTES {
        out.clear();
        return Err(super::TOO_LONG);
    }
    normalize_bounded(raw, out)?;
    if out.len() > super::MAX_TEXT_VALUE_BYTES {
        out.clear();
        return Err(super::TOO_LONG);
    }
    Ok(())
}

/// [`normalize_email`] of a value already known to be short.
fn normalize_bounded(raw: &str, out: &mut String) -> Result<(), Invalid> {
    out.clear();
    let s = strip_wrappers(raw);
    let mut parts = s.splitn(3, '@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(if s.contains('@') { Invalid("more than one @") } else { Invalid("no @") });
    };
    if domain.chars().any(char::is_whitespace) {
        return Err(Invalid("whitespace in the domain"));
    }
    if !domain.contains('.') {
        return Err(Invalid("domain has no dot"));
    }
    let domain_lower = lowercase(domain);
    if domain_lower == "gmail.com" || domain_lower == "googlemail.com" {
        let local = local.split('+').next().unwrap_or("");
        out.extend(local.to_lowercase().chars().filter(|&c| c != '.'));
        if out.is_empty() {
            return Err(Invalid("empty local part"));
        }
        out.push_str("@gmail.com");
        // Dropping dots can bare what the cleanup strips (`.\tx@gmail.com`, `m.ailto:x@…`, found
        // by fuzzing): clean again, so that a canonical form normalizes to itself.
        if strip_wrappers(out).len() != out.len() {
            let folded = std::mem::take(out);
            return normalize_bounded(&folded, out);
        }
        return Ok(());
    }
    if local.is_empty() {
        return Err(Invalid("empty local part"));
    }
    out.push_str(&lowercase(local));
    out.push('@');
    out.push_str(&domain_lower);
    Ok(())
}

/// Removes, until none is left, surrounding whitespace, a leading `mailto:` and a surrounding
/// pair of `<>`, `"` or `'`.
fn strip_wrappers(raw: &str) -> &str {
    let mut s = super::trim(raw);
    loop {
        let before = s.len();
        if s.len() >= 7 && s.is_char_boundary(7) && s[..7].eq_ignore_ascii_case("mailto:") {
            s = s[7..].trim();
        }
        for (open, close) in [('<', '>'), ('"', '"'), ('\'', '\'')] {
            if s.len() >= 2 && s.starts_with(open) && s.ends_with(close) {
                s = s[1..s.len() - 1].trim();
            }
        }
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
            (".\tbudi@gmail.com", "budi@gmail.com"), // found by fuzzing: a dot hid
            ("m.ailto:budi@gmail.com", "budi@gmail.com"), // what the cleanup strips
            ("ÉLODIE@EXAMPLE.FR", "élodie@example.fr"), // Unicode lowercase
            ("ΣΑΣ@example.com", "σας@example.com"),  // final sigma, as str::to_lowercase
        ];
        for (raw, want) in table {
            assert_eq!(email(raw).as_deref(), Ok(want), "{raw:?}");
        }
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
        ];
        for (raw, reason) in table {
            assert_eq!(email(raw), Err(Invalid(reason)), "{raw:?}");
        }
    }
}
