//! E-mail domains in IDNA (`xn--`) form through the normalizer's Unicode back end: the rows in
//! which a change of `idna`'s back end (`idna_adapter`, pinned in Cargo.toml) could show.

use leakcheck::normalize::normalize_email;

fn email(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    normalize_email(raw, &mut out).map(|()| out).map_err(|e| e.to_string())
}

/// The expected column is what ICU4X (idna_adapter 1.2) gave; the unicode-rs back end
/// (idna_adapter 1.1, pinned to build faster) must give the same: right-to-left labels (the
/// bidi rule), joiners (ContextJ, by joining type), deviation characters, a letter new in
/// Unicode 16, and labels that must stay as written because they do not decode.
#[test]
fn idna_domains_decode_the_same_whatever_the_unicode_back_end() {
    let table = [
        ("info@xn--bcher-kva.de", "info@bücher.de"),
        ("info@xn--zz.de", "info@xn--zz.de"), // not punycode: kept
        ("info@xn--mgbh0fb.xn--kgbechtv", "info@مثال.إختبار"), // right-to-left, both labels
        ("info@xn--6dbbec0c.com", "info@דוגמה.com"), // right-to-left beside a left-to-right label
        ("info@xn--1-zhc.com", "info@א1.com"), // right-to-left ending in a digit
        ("info@xn--a-1mc.com", "info@xn--a-1mc.com"), // `aب`: breaks the bidi rule, kept
        ("info@xn--a-0mc.com", "info@xn--a-0mc.com"), // `بa`: breaks the bidi rule, kept
        ("info@xn--11b2ezcs70k.in", "info@क\u{94d}\u{200c}ष.in"), // ZWNJ after a virama
        ("info@xn--11b2ezcw70k.in", "info@क\u{94d}\u{200d}ष.in"), // ZWJ after a virama
        ("info@xn--ab-j1t.com", "info@xn--ab-j1t.com"), // ZWNJ between Latin letters: kept
        ("info@xn--ab-m1t.com", "info@xn--ab-m1t.com"), // ZWJ between Latin letters: kept
        ("info@xn--mgba3gch31f060k.ir", "info@نامه\u{200c}ای.ir"), // ZWNJ between joining letters
        ("info@xn--mgba000r.ir", "info@xn--mgba000r.ir"), // ZWNJ between non-joining alefs: kept
        ("info@xn--3xa.gr", "info@ς.gr"),     // deviation characters stay as decoded
        ("info@xn--zca.de", "info@ß.de"),
        ("info@xn--d4f.ru", "info@\u{1c8a}.ru"), // CYRILLIC SMALL LETTER TJE, Unicode 16
        ("info@xn--e28h.com", "info@😀.com"),
    ];
    for (raw, want) in table {
        assert_eq!(email(raw).as_deref(), Ok(want), "{raw:?}");
    }
}
