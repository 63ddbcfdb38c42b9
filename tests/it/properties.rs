//! Property tests of the normalizers (SPEC §2): canonical forms are fixed points, and the many
//! spellings of one NIK, phone, e-mail, name or date map to one canonical value.

use leakcheck::kind::Kind;
use leakcheck::normalize::canonical;
use proptest::prelude::*;

const KINDS: [Kind; 6] = [Kind::Nik, Kind::Phone, Kind::Email, Kind::Name, Kind::Dob, Kind::NameDob];

/// Strings built from the characters identity values are made of, plus some Unicode.
fn messy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('0', '9'),
            3 => prop::char::range('a', 'z'),
            2 => prop::char::range('A', 'Z'),
            3 => prop::sample::select(vec![
                ' ', '.', ',', '-', '_', '+', '@', '\'', '(', ')', '/', '|', ';', ':', '#', 'x', '\t', '<', '>', '"',
                '’', 'é', 'Ö', 'ß', 'İ', 'ﬁ', 'Ｂ', '，', '\u{a0}', '\u{301}', 'Σ', 'ς', '〇', '한',
            ]),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Inserts separators between the characters of `s` wherever `mask` says so.
fn sprinkle(s: &str, seps: &[&str], mask: &[usize]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 {
            out.push_str(seps[mask[i % mask.len()] % seps.len()]);
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn canonical_values_are_fixed_points(raw in messy_text()) {
        for kind in KINDS {
            if let Ok(c) = canonical(kind, &raw) {
                prop_assert_eq!(canonical(kind, &c), Ok(c.clone()), "{} {:?}", kind, raw);
            }
        }
    }

    #[test]
    fn name_validity_without_building_agrees(raw in messy_text()) {
        prop_assert_eq!(leakcheck::normalize::is_valid_name(&raw), canonical(Kind::Name, &raw).is_ok(), "{:?}", raw);
    }

    /// `is_valid_name` decides most names by their first word: titles, short words and six-letter
    /// words, followed by anything.
    #[test]
    fn a_first_word_decides_as_the_whole_name_would(
        word in prop::sample::select(vec!["Dr", "h", "Hj", "SE", "st", "Mkes", "Budi", "Ani", "L", "Prof", "Bapak", "Abcdef", "Ratnasari", "Jl.", "Gg", "H.", "Moh.Ali", "S.Kom", "dr.", "Ma'ruf"]),
        joint in prop::sample::select(vec![" ", "", ".", ",", "\u{a0}", "'", "\u{301}", "-"]),
        tail in messy_text(),
    ) {
        let raw = format!("{word}{joint}{tail}");
        prop_assert_eq!(leakcheck::normalize::is_valid_name(&raw), canonical(Kind::Name, &raw).is_ok(), "{:?}", raw);
    }

    #[test]
    fn arbitrary_unicode_never_panics_and_is_idempotent(raw in any::<String>()) {
        for kind in KINDS {
            if let Ok(c) = canonical(kind, &raw) {
                prop_assert_eq!(canonical(kind, &c), Ok(c.clone()));
            }
        }
    }

    #[test]
    fn spellings_of_one_nik(digits in "[0-9]{16}", mask in prop::collection::vec(0usize..8, 16),
                            quote in any::<bool>(), float in any::<bool>()) {
        let mut raw = sprinkle(&digits, &["", "", "", "", " ", ".", "-", "_"], &mask);
        // `….0` at the end is a float's suffix (SPEC §2): a last digit 0 after a dot is ambiguous.
        prop_assume!(float || !raw.replace(' ', "").ends_with(".0"));
        if quote { raw.insert(0, '\''); }
        if float { raw.push_str(".0"); }
        prop_assert_eq!(canonical(Kind::Nik, &raw), Ok(digits.clone()));
    }

    #[test]
    fn spellings_of_one_mobile(second in "[1235-9]", rest in "[0-9]{7,10}", mask in prop::collection::vec(0usize..6, 12),
                               form in 0usize..13, ext in "[0-9]{1,4}",
                               marker in prop::sample::select(vec!["ext.", "x", "#", "psw", "Psw.", "PES", "pesawat", "Pesawat."])) {
        let national = format!("8{second}{rest}");
        prop_assume!(national.len() <= 12);
        let spaced = sprinkle(&national, &["", "", "", " ", "-", "."], &mask);
        // `….0` at the end is a float's suffix (SPEC §2): a last digit 0 after a dot is ambiguous.
        prop_assume!(!spaced.ends_with(".0"));
        let raw = match form {
            0 => format!("0{spaced}"),
            1 => format!("+62 {spaced}"),
            2 => format!("0062{spaced}"),
            3 => format!("+62 (0) {spaced}"),
            4 => format!("(+62) {spaced} {marker} {ext}"),
            5 if national.len() + 2 >= 11 => format!("62{spaced}"),
            6 => format!("(0{}) {}", &national[..3], &national[3..]),
            7 => format!("0{spaced} {marker}{ext}"),
            8 => format!("0{national}.0"),
            9 => format!("62{national}.0"),
            10 => format!("6 2 0 {spaced}"),
            11 => format!("{national}.0"),
            _ => spaced,
        };
        prop_assert_eq!(canonical(Kind::Phone, &raw), Ok(format!("+62{national}")), "{:?}", raw);
    }

    #[test]
    fn spellings_of_one_landline(first in "[2-79]", rest in "[0-9]{6,10}", form in 0usize..6, ext in "[0-9]{1,3}") {
        let national = format!("{first}{rest}");
        let raw = match form {
            0 => format!("0{national}"),
            1 => format!("(0{}) {}", &national[..3], &national[3..]),
            2 => format!("+62 {}-{}", &national[..2], &national[2..]),
            3 => format!("(0{}) {} psw. {ext}", &national[..3], &national[3..]),
            4 => format!("0{national}.0"),
            _ => format!("+62 (0){national}"),
        };
        prop_assert_eq!(canonical(Kind::Phone, &raw), Ok(format!("+62{national}")), "{:?}", raw);
    }

    #[test]
    fn numbers_outside_the_numbering_plan_are_invalid_in_every_spelling(
        national in "8[04][0-9]{7,10}|1[0-9]{6,10}|8[1235-9][0-9]{11,14}|8[1235-9][0-9]{0,6}|[2-79][0-9]{11,14}|[2-79][0-9]{0,5}",
        form in 0usize..4,
    ) {
        let raw = match form {
            0 => format!("0{national}"),
            1 => format!("+62 {national}"),
            2 => format!("0062{national}"),
            _ => format!("+62 (0) {national}"),
        };
        prop_assert!(canonical(Kind::Phone, &raw).is_err(), "{:?}", raw);
    }

    #[test]
    fn spellings_of_one_email(local in "[a-z][a-z0-9]{0,9}", domain in "[a-z]{2,8}\\.(com|co\\.id|go\\.id)",
                              upper in any::<bool>(), wrap in 0usize..10, fullwidth in any::<bool>()) {
        let address = format!("{local}@{domain}");
        let mut raw = if upper { address.to_uppercase() } else { address.clone() };
        if fullwidth {
            // NFKC folds full-width forms (U+FF01..U+FF5E) back to ASCII.
            raw = raw.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).filter(|_| c.is_ascii_graphic()).unwrap_or(c)).collect();
        }
        raw = match wrap {
            0 => raw,
            1 => format!("mailto:{raw}"),
            2 => format!("<{raw}>"),
            3 => format!(" \"{raw}\" "),
            4 => format!("Budi Santoso <{raw}>"),
            5 => format!("\"Santoso, Budi\" <mailto:{raw}>"),
            6 => format!("({raw})"),
            7 => format!("{raw};"),
            8 => format!("<{raw}>, "),
            _ => format!("'{raw}'."),
        };
        prop_assert_eq!(canonical(Kind::Email, &raw), Ok(address), "{:?}", raw);
    }

    #[test]
    fn both_spellings_of_an_idna_domain_are_one(label in "[a-z]{1,6}[äöüéñ][a-z]{0,6}", tld in "(de|id|com)") {
        let unicode = format!("{label}.{tld}");
        let ascii = idna::domain_to_ascii(&unicode);
        prop_assume!(ascii.as_ref().is_ok_and(|a| a.starts_with("xn--")));
        let ascii = ascii.unwrap();
        let want = canonical(Kind::Email, &format!("budi@{unicode}"));
        prop_assert_eq!(&want, &Ok(format!("budi@{unicode}")));
        prop_assert_eq!(canonical(Kind::Email, &format!("budi@{ascii}")), want.clone());
        prop_assert_eq!(canonical(Kind::Email, &format!("Budi@{}", ascii.to_uppercase())), want);
    }

    #[test]
    fn gmail_dots_and_tags_are_one_mailbox(local in "[a-z]{2,10}", mask in prop::collection::vec(0usize..3, 10),
                                           tag in "[a-z0-9]{0,6}", googlemail in any::<bool>()) {
        let dotted = sprinkle(&local, &["", "", "."], &mask);
        let domain = if googlemail { "googlemail.com" } else { "Gmail.com" };
        let raw = if tag.is_empty() { format!("{dotted}@{domain}") } else { format!("{dotted}+{tag}@{domain}") };
        prop_assert_eq!(canonical(Kind::Email, &raw), Ok(format!("{local}@gmail.com")));
    }

    #[test]
    fn spellings_of_one_name(tokens in prop::collection::vec("[b-gj-mo-z][a-z]{2,7}", 1..4),
                             title in prop::sample::select(vec!["", "Dr. ", "Hj. ", "Prof. Dr. Ir. ", "Bpk ", "H.", "Hj.", "Dr.Ir.", "Prof.Dr. H.", "Ny."]),
                             degree in prop::sample::select(vec!["", ", S.Kom.", ", S.E., M.M.", " S.Kom", " M.Kes"]),
                             invisible in prop::sample::select(vec!["", "\u{200B}", "\u{200C}", "\u{200D}", "\u{AD}"]),
                             at in 1usize..3, upper in any::<bool>()) {
        // Tokens that are themselves titles would rightly be dropped.
        const TITLES: [&str; 31] = ["h", "hj", "dr", "drs", "dra", "ir", "prof", "bpk", "bapak", "ibu", "sdr", "sdri",
            "tn", "ny", "nn", "an", "skom", "sh", "se", "st", "spd", "amd", "mm", "mt", "mkes", "ssos", "sked", "sip",
            "ssi", "mpd", "mba"];
        prop_assume!(!tokens.iter().any(|t| TITLES.contains(&t.as_str())));
        let name = tokens.join(" ");
        // A format character inside a word is removed, not turned into a space.
        let first = format!("{}{invisible}{}", &tokens[0][..at], &tokens[0][at..]);
        let rest = tokens[1..].iter().map(|t| format!("  {t}")).collect::<String>();
        let mut raw = format!("{title}{first}{rest}{degree}");
        if upper { raw = raw.to_uppercase(); }
        prop_assert_eq!(canonical(Kind::Name, &raw), Ok(name));
    }

    #[test]
    fn spellings_of_one_date(y in 1900u32..2030, m in 1u32..=12, d in 1u32..=28, form in 0usize..16,
                             place in prop::sample::select(vec!["JAKARTA", "Bandung", "Kab. Bogor, Jawa Barat", "Kamis"])) {
        const BULAN: [&str; 12] = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                                   "September", "Oktober", "November", "Desember"];
        const LAMA: [&str; 12] = ["Djanuari", "Pebruari", "Maret", "April", "Mei", "Djuni", "Djuli", "Agt",
                                  "Sept", "Oktober", "Nopember", "Desember"];
        const MONTH: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August",
                                   "September", "October", "November", "December"];
        let raw = match form {
            8 => format!("{d:02}/{m:02}/{y:04} 00:00:00"),
            9 => format!("{d}/{m}/{y:04} 0:00"),
            10 => format!("Kamis, {d} {} {y}", BULAN[m as usize - 1]),
            11 => format!("{} {d}, {y}", MONTH[m as usize - 1]),
            12 => format!("{place}, {d:02}-{m:02}-{y:04}"),
            13 => format!("{place}, {d} {} {y}", BULAN[m as usize - 1]),
            14 => format!("{d} {} {y}", LAMA[m as usize - 1]),
            // After the first comma, or the last: a place with a comma and a date with one is neither.
            15 if !place.contains(',') => format!("{place}, {} {d}, {y}", MONTH[m as usize - 1]),
            0 => format!("{y:04}-{m:02}-{d:02}"),
            1 => format!("{y:04}/{m:02}/{d:02}"),
            2 => format!("{d:02}-{m:02}-{y:04}"),
            3 => format!("{d}/{m}/{y:04}"),
            4 => format!("{d:02}.{m:02}.{y:04}"),
            5 => format!("{y:04}{m:02}{d:02}"),
            6 => format!("{d} {} {y}", BULAN[m as usize - 1]),
            _ => format!("{y:04}-{m:02}-{d:02}T08:30:00+07:00"),
        };
        prop_assert_eq!(canonical(Kind::Dob, &raw), Ok(format!("{y:04}-{m:02}-{d:02}")));
    }
}

mod corrupt_records {
    use leakcheck::fuzzing::{Corruption, Written, one_corrupt_record};
    use proptest::prelude::*;

    /// Values as dumps hold them, without the bytes the corruptions insert. The patterns are
    /// compiled once: a `&str` strategy parses its regex again for every value it draws, an
    /// eighth of these tests' time (regex-syntax is not optimized in test builds).
    fn values() -> impl Strategy<Value = Vec<(String, String)>> {
        let pattern = |re| prop::string::string_regex(re).unwrap();
        prop::collection::vec((pattern("[A-Za-z ]{0,12}"), pattern("[0-9]{0,16}")), 2..12)
    }

    fn corruption(stray: &'static [u8]) -> impl Strategy<Value = Corruption> {
        prop_oneof![
            3 => prop::sample::select(stray).prop_map(Corruption::Insert),
            1 => (1usize..12).prop_map(Corruption::Cut),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn one_corrupt_sql_tuple_loses_at_most_that_tuple(
            records in values(), victim in 0usize..12, offset in 0usize..64,
            corruption in corruption(b"()'\",;"), per_statement in 1usize..6,
        ) {
            one_corrupt_record(Written::Mysql { per_statement }, &records, victim, corruption, offset);
        }

        #[test]
        fn one_corrupt_json_element_loses_at_most_that_element(
            records in values(), victim in 0usize..12, offset in 0usize..64,
            corruption in corruption(b"{}[]\",:"), pretty in any::<bool>(),
        ) {
            one_corrupt_record(Written::Json { pretty }, &records, victim, corruption, offset);
        }

        #[test]
        fn one_corrupt_ndjson_line_loses_at_most_that_line(
            records in values(), victim in 0usize..12, offset in 0usize..64,
            corruption in corruption(b"{}[]\",:"),
        ) {
            one_corrupt_record(Written::Ndjson, &records, victim, corruption, offset);
        }
    }
}
