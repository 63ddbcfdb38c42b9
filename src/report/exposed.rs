//! What an exposure says leaked about a person (SPEC §7 1.1): the names of the record's
//! columns as a report may show them, the UU PDP (UU 27/2022, Art. 4) categories those columns
//! and the person's age put it in, and the fingerprint that finds the same exposure in a later
//! scan. Pure functions over names, dates and digests; never a value from the dump.

use crate::hash::{self, Digest};
use crate::kind::{KIND_COUNT, Kind, KindSet};
use crate::normalize;
use crate::report::mask;
use crate::roles::header_key;
use sha2::{Digest as _, Sha256};

/// A UU PDP Art. 4 category. `General` is every exposure's; the others are "specific"
/// personal data, with heavier duties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    General,
    Health,
    Financial,
    Biometric,
    Genetic,
    Criminal,
    Child,
}

impl Category {
    /// Every category, in the order reports list them.
    pub const ALL: [Category; 7] = [
        Category::General,
        Category::Health,
        Category::Financial,
        Category::Biometric,
        Category::Genetic,
        Category::Criminal,
        Category::Child,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::General => "general",
            Category::Health => "health",
            Category::Financial => "financial",
            Category::Biometric => "biometric",
            Category::Genetic => "genetic",
            Category::Criminal => "criminal",
            Category::Child => "child",
        }
    }

    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// A set of [`Category`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Categories(u8);

impl Categories {
    pub fn insert(&mut self, category: Category) {
        self.0 |= 1 << category as u8;
    }

    pub fn contains(self, category: Category) -> bool {
        self.0 & (1 << category as u8) != 0
    }

    pub fn union(self, other: Categories) -> Categories {
        Categories(self.0 | other.0)
    }

    /// Holds a category other than `general`: specific personal data (UU PDP Art. 4 (2)).
    pub fn any_specific(self) -> bool {
        self.0 & !(1 << Category::General as u8) != 0
    }

    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::ALL.into_iter().filter(move |c| self.contains(*c))
    }

    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Category::as_str).collect()
    }
}

/// Header synonyms of each specific category, as header keys (SPEC §7 1.1).
const SYNONYMS: &[(Category, &[&str])] = &[
    (
        Category::Health,
        &[
            "diagnosa",
            "diagnosis",
            "icd",
            "icd10",
            "penyakit",
            "keluhan",
            "hasillab",
            "lab",
            "laboratorium",
            "obat",
            "resep",
            "rekammedis",
            "tindakan",
            "golongandarah",
            "goldar",
            "alergi",
            "riwayatpenyakit",
            "hasilcovid",
            "vaksin",
            "rontgen",
            "terapi",
            "rujukan",
            "poli",
        ],
    ),
    (
        Category::Financial,
        &[
            "norek",
            "rekening",
            "nomorrekening",
            "kartukredit",
            "creditcard",
            "gaji",
            "penghasilan",
            "pendapatan",
            "saldo",
            "npwp",
        ],
    ),
    (
        Category::Biometric,
        &[
            "sidikjari",
            "fingerprint",
            "fotowajah",
            "wajah",
            "foto",
            "retina",
            "iris",
            "biometrik",
            "biometric",
        ],
    ),
    (Category::Genetic, &["dna", "genetik", "genetic"]),
    (Category::Criminal, &["catatankriminal", "kriminal", "skck", "pidana"]),
];

/// A synonym this long or longer also matches a header that starts with it (`diagnosautama`);
/// a shorter one only the header it is (`lab`, not `label`) (SPEC §7 1.1).
const PREFIX_MIN_CHARS: usize = 5;

/// The specific categories of one header key (SPEC §5's normalization: lowercase, letters and
/// digits only).
fn key_categories(key: &str) -> Categories {
    let mut found = Categories::default();
    for (category, names) in SYNONYMS {
        let matches = |name: &&str| {
            key == *name || (name.chars().count() >= PREFIX_MIN_CHARS && key.starts_with(*name))
        };
        if names.iter().any(matches) {
            found.insert(*category);
        }
    }
    found
}

/// The specific categories a column name puts its values in: from the whole name, and from each
/// segment of a dotted JSON path (`pasien.diagnosa.kode` is health).
pub fn column_categories(name: &str) -> Categories {
    let mut found = key_categories(&header_key(name));
    if name.contains('.') {
        for segment in name.split('.') {
            found = found.union(key_categories(&header_key(segment)));
        }
    }
    found
}

/// A column name as a report shows it: sanitized for terminals, and with any `.`-separated
/// segment that is or holds a NIK, phone or e-mail written `*` (a JSON object keyed by NIK, or a
/// headerless CSV whose first record was taken for its header). When no segment alone is one
/// but the name is (`3201.0141.0790.0001`, a dotted e-mail), the segments it spans are one `*`.
pub fn shown_column(name: &str) -> String {
    let segments: Vec<&str> = name.split('.').collect();
    let alone: Vec<bool> = segments.iter().map(|s| !normalize::identifiers_in(s).is_empty()).collect();
    if alone.iter().any(|a| *a) {
        let shown: Vec<String> = segments
            .iter()
            .zip(alone)
            .map(|(s, a)| if a { "*".to_string() } else { mask::sanitize(s) })
            .collect();
        return shown.join(".");
    }
    let found = normalize::identifiers_in(name);
    if found.is_empty() {
        return mask::sanitize(name);
    }
    let mut out = String::with_capacity(name.len());
    let mut at = 0;
    // The identifier the last `*` stood for: a dotted e-mail is one `*`, not one per dot.
    let mut last_star: Option<usize> = None;
    for (i, segment) in segments.iter().enumerate() {
        let span = at..at + segment.len();
        at = span.end + 1;
        let hit = found.iter().position(|f| f.span.start < span.end && span.start < f.span.end);
        if hit.is_some() && hit == last_star {
            continue;
        }
        if i > 0 {
            out.push('.');
        }
        match hit {
            Some(_) => out.push('*'),
            None => out.push_str(&mask::sanitize(segment)),
        }
        last_star = hit;
    }
    out
}

/// A calendar date, as `--as-of` gives it and canonical dates of birth are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYYY-MM-DD`, a real calendar date.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            b.get(r.clone()).filter(|d| d.iter().all(u8::is_ascii_digit)).and_then(|_| text[r].parse().ok())
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let date = Date { year: i64::from(digits(0..4)?), month: digits(5..7)?, day: digits(8..10)? };
        (Date::from_days(date.days()) == date).then_some(date)
    }

    /// The date `days` after 1970-01-01 (proleptic Gregorian; H. Hinnant's `civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date { year, month, day }
    }

    /// Days from 1970-01-01 (H. Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let year = self.year - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The age under which a person is a child (UU PDP Art. 4 and UU 35/2014 on child protection).
const ADULT_AGE: i64 = 18;

/// Whether someone born on `dob` is under 18 on `as_of`. A birth date after `as_of` is no child
/// but a date that cannot be one (the dump's date is wrong, or `--as-of` is).
pub fn is_child(dob: Date, as_of: Date) -> bool {
    if dob > as_of {
        return false;
    }
    let mut age = as_of.year - dob.year;
    if (as_of.month, as_of.day) < (dob.month, dob.day) {
        age -= 1;
    }
    age < ADULT_AGE
}

/// The current time as RFC 3339 UTC to the second, and the day it is (SPEC §7 1.1 `started_at`,
/// and `--as-of`'s default).
pub fn now_utc() -> (String, Date) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    rfc3339(secs)
}

/// `secs` after the Unix epoch as RFC 3339 UTC, and its date.
pub fn rfc3339(secs: i64) -> (String, Date) {
    let date = Date::from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    (format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60), date)
}

/// Bytes of SHA-256 a fingerprint keeps (32 hex digits).
pub const FINGERPRINT_BYTES: usize = 16;

/// The fingerprint of an exposure (SPEC §7 1.1): the first 16 bytes of SHA-256 over
/// `<label>\n<matched kinds, sorted, joined by ",">\n<"kind:hexdigest" of each identity value,
/// sorted, joined by ",">`, in hex. `label` is the entry's own, without a list's prefix. Only
/// what the record holds goes in, never where it is: the same exposure has the same fingerprint
/// when its dump is renamed, reordered, recompressed or appended to.
pub fn fingerprint(label: &str, matched: KindSet, identity: &[(Kind, Digest)]) -> String {
    let mut text = Vec::new();
    identity_text(identity, &mut Vec::new(), &mut text);
    let mut fingerprint = String::with_capacity(2 * FINGERPRINT_BYTES);
    hash::push_hex(&mut fingerprint, &fingerprint_bytes(label, matched, &text));
    fingerprint
}

/// [`fingerprint`] as bytes, from the [`identity_text`] of the record: that part is the same for
/// every pair of a record, so a record's is written once.
pub fn fingerprint_bytes(label: &str, matched: KindSet, identity_text: &[u8]) -> [u8; FINGERPRINT_BYTES] {
    // The kinds' names sorted: `matched` iterates in report order, not by name.
    let mut kinds = [""; KIND_COUNT];
    let mut n = 0;
    for (slot, kind) in kinds.iter_mut().zip(matched.iter()) {
        *slot = kind.as_str();
        n += 1;
    }
    let kinds = &mut kinds[..n];
    kinds.sort_unstable();
    let mut h = Sha256::new();
    h.update(label.as_bytes());
    h.update(b"\n");
    update_joined(&mut h, kinds);
    h.update(b"\n");
    h.update(identity_text);
    let mut bytes = [0; FINGERPRINT_BYTES];
    bytes.copy_from_slice(&h.finalize()[..FINGERPRINT_BYTES]);
    bytes
}

/// Writes into `out` the last line of a fingerprint's text: `"kind:hexdigest"` of each identity
/// value, sorted as those strings are, joined by `,`. `sorted` is scratch.
pub fn identity_text(identity: &[(Kind, Digest)], sorted: &mut Vec<(Kind, Digest)>, out: &mut Vec<u8>) {
    sorted.clear();
    sorted.extend_from_slice(identity);
    // Two strings of one kind compare as their digests (lowercase hex keeps byte order); of two
    // kinds, as `kind:`, where they differ before either ends (no kind name holds `:`).
    sorted.sort_unstable_by(
        |a, b| {
            if a.0 == b.0 { a.1.cmp(&b.1) } else { kind_prefix(a.0).cmp(kind_prefix(b.0)) }
        },
    );
    out.clear();
    for (i, (kind, digest)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(kind_prefix(*kind));
        hash::extend_hex(out, digest);
    }
}

/// `kind:`, the start of an identity value's string.
fn kind_prefix(kind: Kind) -> &'static [u8] {
    match kind {
        Kind::Nik => b"nik:",
        Kind::Phone => b"phone:",
        Kind::Email => b"email:",
        Kind::NameDob => b"name_dob:",
        Kind::Name => b"name:",
        Kind::Dob => b"dob:",
    }
}

/// Hashes `parts` joined by `,`, without joining them.
fn update_joined(h: &mut Sha256, parts: &[impl AsRef<str>]) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b",");
        }
        h.update(part.as_ref().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_give_categories_by_synonym_or_a_long_synonym_as_prefix() {
        let cases: &[(&str, &[&str])] = &[
            ("diagnosa", &["health"]),
            ("Diagnosa Utama", &["health"]),
            ("hasil_covid", &["health"]),
            ("Gol. Darah", &["health"]),
            ("lab", &["health"]),
            ("label", &[]),
            ("poliklinik", &[]),
            ("icd10_kode", &["health"]),
            ("No. Rekening", &["financial"]),
            ("NPWP", &["financial"]),
            ("foto", &["biometric"]),
            ("fotocopy", &[]),
            ("foto_wajah", &["biometric"]),
            ("DNA", &["genetic"]),
            ("catatan_kriminal", &["criminal"]),
            ("alamat", &[]),
            ("nama", &[]),
            ("pasien.diagnosa.kode", &["health"]),
            ("rekam.medis", &["health"]),
        ];
        for (header, expected) in cases {
            assert_eq!(column_categories(header).names(), *expected, "{header}");
        }
    }

    #[test]
    fn a_column_name_that_is_or_holds_an_identifier_is_a_star() {
        assert_eq!(shown_column("nama"), "nama");
        assert_eq!(shown_column("pasien.kontak.hp"), "pasien.kontak.hp");
        assert_eq!(shown_column("3201014107900001.nama"), "*.nama");
        assert_eq!(shown_column("by_phone.081234567890.alamat"), "by_phone.*.alamat");
        assert_eq!(shown_column("kontak.budi.santoso@gmail.com.aktif"), "*");
        assert_eq!(shown_column("3201.0141.0790.0001"), "*");
        assert_eq!(shown_column("x.3201.0141.0790.0001"), "x.*");
        assert_eq!(shown_column("3201014107900001"), "*");
        assert_eq!(shown_column("No. HP"), "No. HP");
        assert_eq!(shown_column("column 3"), "column 3");
        assert_eq!(shown_column("a\u{1b}[31m"), "a\u{fffd}[31m");
    }

    #[test]
    fn dates_round_trip_and_only_real_ones_parse() {
        for text in ["1970-01-01", "2000-02-29", "1900-03-01", "2026-12-05", "1969-12-31"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(date.to_string(), text);
            assert_eq!(Date::from_days(date.days()), date);
        }
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        for text in
            ["2001-02-29", "2020-13-01", "2020-00-10", "2020-1-1", "20200101", "2020-01-01x", "+020-01-01"]
        {
            assert_eq!(Date::parse(text), None, "{text}");
        }
        assert_eq!(
            rfc3339(1_796_460_554),
            ("2026-12-05T08:49:14Z".to_string(), Date::parse("2026-12-05").unwrap())
        );
    }

    #[test]
    fn a_child_is_under_18_on_the_as_of_date() {
        let d = |t| Date::parse(t).unwrap();
        assert!(is_child(d("2003-10-26"), d("2021-10-25")));
        assert!(!is_child(d("2003-10-26"), d("2021-10-26")));
        assert!(!is_child(d("1990-07-01"), d("2021-10-26")));
        assert!(is_child(d("2004-02-29"), d("2022-02-28")));
        assert!(!is_child(d("2004-02-29"), d("2022-03-01")));
        assert!(is_child(d("2021-10-26"), d("2021-10-26")));
        assert!(!is_child(d("2021-10-27"), d("2021-10-26")), "born after the as-of date");
    }

    #[test]
    fn the_fingerprint_follows_the_spec_formula() {
        let hasher = crate::hash::Hasher::unkeyed();
        let nik = hasher.digest(Kind::Nik, "3201014107900001");
        let name = hasher.digest(Kind::Name, "siti nurhaliza");
        let matched: KindSet = [Kind::Nik, Kind::Name].into_iter().collect();
        let text = format!("P1\nname,nik\nname:{},nik:{}", hash::to_hex(&name), hash::to_hex(&nik));
        let expected: String =
            Sha256::digest(text.as_bytes())[..16].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(fingerprint("P1", matched, &[(Kind::Nik, nik), (Kind::Name, name)]), expected);
        // The order values come in does not matter; the label and the kinds do.
        assert_eq!(fingerprint("P1", matched, &[(Kind::Name, name), (Kind::Nik, nik)]), expected);
        assert_ne!(fingerprint("P2", matched, &[(Kind::Nik, nik), (Kind::Name, name)]), expected);
        assert_eq!(expected.len(), 32);
    }

    #[test]
    fn identity_values_are_sorted_as_their_kind_and_hex_strings_are() {
        // `name:` sorts before `name_dob:`, one kind's values by digest, repeats kept.
        let hasher = crate::hash::Hasher::unkeyed();
        let values = [
            (Kind::Phone, "+6281234567890"),
            (Kind::NameDob, "siti nurhaliza|1990-07-01"),
            (Kind::Name, "siti nurhaliza"),
            (Kind::Nik, "3201014107900001"),
            (Kind::Email, "siti@example.com"),
            (Kind::Name, "budi santoso"),
            (Kind::NameDob, "budi santoso|1990-07-01"),
            (Kind::Phone, "+6281234567890"),
        ];
        let identity: Vec<(Kind, Digest)> = values.iter().map(|(k, v)| (*k, hasher.digest(*k, v))).collect();
        let mut strings: Vec<String> =
            identity.iter().map(|(k, d)| format!("{k}:{}", hash::to_hex(d))).collect();
        strings.sort();
        let mut text = Vec::new();
        identity_text(&identity, &mut Vec::new(), &mut text);
        assert_eq!(String::from_utf8(text).unwrap(), strings.join(","));
    }
}
