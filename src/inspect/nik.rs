//! What a structurally valid NIK says about its holder (SPEC §2): province, sex, date of birth.

/// Province names by the NIK's first two digits. 91–96 are Papua's codes before and after the
/// 2022 split, so 91 and 94 carry both names.
const PROVINCES: &[(u8, &str)] = &[
    (11, "Aceh"),
    (12, "Sumatera Utara"),
    (13, "Sumatera Barat"),
    (14, "Riau"),
    (15, "Jambi"),
    (16, "Sumatera Selatan"),
    (17, "Bengkulu"),
    (18, "Lampung"),
    (19, "Kepulauan Bangka Belitung"),
    (21, "Kepulauan Riau"),
    (31, "DKI Jakarta"),
    (32, "Jawa Barat"),
    (33, "Jawa Tengah"),
    (34, "DI Yogyakarta"),
    (35, "Jawa Timur"),
    (36, "Banten"),
    (51, "Bali"),
    (52, "Nusa Tenggara Barat"),
    (53, "Nusa Tenggara Timur"),
    (61, "Kalimantan Barat"),
    (62, "Kalimantan Tengah"),
    (63, "Kalimantan Selatan"),
    (64, "Kalimantan Timur"),
    (65, "Kalimantan Utara"),
    (71, "Sulawesi Utara"),
    (72, "Sulawesi Tengah"),
    (73, "Sulawesi Selatan"),
    (74, "Sulawesi Tenggara"),
    (75, "Gorontalo"),
    (76, "Sulawesi Barat"),
    (81, "Maluku"),
    (82, "Maluku Utara"),
    (91, "Papua (Papua Barat before 2022)"),
    (92, "Papua Barat"),
    (93, "Papua Selatan"),
    (94, "Papua Tengah (Papua before 2022)"),
    (95, "Papua Pegunungan"),
    (96, "Papua Barat Daya"),
];

/// The name of a province code, if it is one.
pub fn province_name(code: u8) -> Option<&'static str> {
    PROVINCES.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// The birth facts a canonical, structurally valid NIK encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NikFacts {
    pub province: u8,
    /// Digits 1–4: province and regency (`3174`).
    pub regency: u16,
    /// Digits 5–6.
    pub district: u8,
    pub female: bool,
    pub day: u8,
    pub month: u8,
    /// The last two digits of the birth year.
    pub year2: u8,
}

/// Reads the province (digits 1–2), day of birth (7–8, plus 40 for women), month (9–10) and
/// two-digit year (11–12) of a canonical NIK.
pub fn facts(canonical: &str) -> Option<NikFacts> {
    let b = canonical.as_bytes();
    if b.len() != 16 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let pair = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let day = pair(6);
    Some(NikFacts {
        province: pair(0),
        regency: u16::from(pair(0)) * 100 + u16::from(pair(2)),
        district: pair(4),
        female: day > 40,
        day: day % 40,
        month: pair(8),
        year2: pair(10),
    })
}

/// The birth decade of a two-digit year, read as the latest year not after `this_year`
/// (`05` in 2026 is 2005, `90` is 1990).
pub fn decade(year2: u8, this_year: i32) -> i32 {
    let century = this_year - this_year.rem_euclid(100);
    let year = century + i32::from(year2);
    let year = if year > this_year { year - 100 } else { year };
    year - year.rem_euclid(10)
}

/// Whether a canonical date of birth (`YYYY-MM-DD`) agrees with the NIK's day, month and
/// two-digit year.
pub fn dob_agrees(facts: &NikFacts, dob: &str) -> bool {
    let b = dob.as_bytes();
    let num = |r: std::ops::Range<usize>| dob.get(r).and_then(|s| s.parse::<u8>().ok());
    b.len() == 10
        && num(2..4) == Some(facts.year2)
        && num(5..7) == Some(facts.month)
        && num(8..10) == Some(facts.day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nik_encodes_province_sex_and_birth_date() {
        let f = facts("3201014107900001").unwrap();
        assert_eq!(
            f,
            NikFacts { province: 32, regency: 3201, district: 1, female: true, day: 1, month: 7, year2: 90 }
        );
        assert_eq!(province_name(f.province), Some("Jawa Barat"));
        let m = facts("3174051203880003").unwrap();
        assert!(!m.female);
        assert_eq!((m.day, m.month, m.year2), (12, 3, 88));
        assert!(dob_agrees(&f, "1990-07-01"));
        assert!(!dob_agrees(&f, "1990-07-02"));
        assert!(!dob_agrees(&m, "1988-12-03"), "day and month are not swapped");
        assert_eq!(facts("12"), None);
        assert_eq!(province_name(10), None);
    }

    #[test]
    fn two_digit_years_are_read_as_the_latest_past_year() {
        assert_eq!(decade(90, 2026), 1990);
        assert_eq!(decade(5, 2026), 2000);
        assert_eq!(decade(26, 2026), 2020);
        assert_eq!(decade(27, 2026), 1920);
    }
}
