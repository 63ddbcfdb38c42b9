//! Column roles (SPEC §5): which identity kind a column holds, from its header, from `--map`, or
//! sniffed from its first values. Shared by dump readers and the CSV watchlist loader.

use crate::kind::Kind;
use crate::normalize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Header synonyms per kind, as header keys (lowercase, alphanumerics only), from SPEC §5.
const SYNONYMS: &[(Kind, &[&str])] = &[
    (
        Kind::Nik,
        &[
            "nik",
            "niknik",
            "noktp",
            "nomorktp",
            "ktp",
            "nonik",
            "nomorinduk",
            "nomorindukkependudukan",
            "nikpasien",
            "nikpeserta",
        ],
    ),
    (
        Kind::Name,
        &["nama", "name", "namalengkap", "namapasien", "namapeserta", "nmcetak", "fullname", "patientname"],
    ),
    (
        Kind::Phone,
        &[
            "nohp",
            "hp",
            "telepon",
            "telp",
            "notelp",
            "notelepon",
            "nomortelepon",
            "phone",
            "phonenumber",
            "mobile",
            "handphone",
            "nowa",
            "whatsapp",
            "msisdn",
        ],
    ),
    (Kind::Email, &["email", "surel", "alamatemail", "mail", "emailaddress"]),
    (
        Kind::Dob,
        &[
            "tgllahir",
            "tgllhr",
            "tanggallahir",
            "dob",
            "dateofbirth",
            "birthdate",
            // 1.1: the *tempat, tanggal lahir* (place, date of birth) column of Indonesian forms;
            // its value is read by the dob rule, which skips the place.
            "ttl",
            "tempattanggallahir",
            "tempattgllahir",
            "tmptgllahir",
            "tempattgllhr",
        ],
    ),
];

/// Family-card (Kartu Keluarga) headers: 16-digit numbers shaped like NIKs that never are one.
/// SPEC §5 names `nokk nomorkk kk`; the spelled-out forms (`No. Kartu Keluarga`,
/// `nomor_kartu_keluarga`, `nokartukk`) are the same column, and sniffed as NIKs they made a
/// sibling sharing the card "exposed by NIK".
const FAMILY_CARD: &[&str] = &[
    "nokk",
    "nomorkk",
    "kk",
    "nkk",
    "kartukeluarga",
    "nokartukeluarga",
    "nomorkartukeluarga",
    "nokartukk",
    "nomorkartukk",
    "familycard",
    "familycardnumber",
];

/// Watchlist columns that give a person's label (SPEC §4).
const LABEL: &[&str] = &["id", "label", "ref", "norm"];

/// Share of non-empty sampled values that must be valid for a sniffed role (SPEC §5).
pub const SNIFF_MIN_SHARE: f64 = 0.8;
pub use crate::limits::SNIFF_RECORDS;

/// A header lowercased with everything but letters and digits removed (`No. HP` → `nohp`).
pub fn header_key(header: &str) -> String {
    header.chars().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect()
}

/// The kind a header names, if it is one of the synonyms.
pub fn role_from_header(header: &str) -> Option<Kind> {
    let key = header_key(header);
    SYNONYMS.iter().find(|(_, names)| names.contains(&key.as_str())).map(|(kind, _)| *kind)
}

/// True for family-card columns, which never become `nik`.
pub fn is_family_card(header: &str) -> bool {
    FAMILY_CARD.contains(&header_key(header).as_str())
}

/// True for a watchlist label column (`id`, `label`, `ref`, `no_rm`).
pub fn is_label(header: &str) -> bool {
    LABEL.contains(&header_key(header).as_str())
}

/// True for a column name leakcheck knows: a SPEC §5 synonym, a family-card or a label column.
pub fn names_a_column(header: &str) -> bool {
    role_from_header(header).is_some() || is_family_card(header) || is_label(header)
}

/// How a column got its role; shown by `inspect` and in `--help`-level docs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RoleSource {
    Header,
    Map,
    /// Sniffed, with the share of non-empty sampled values that were valid.
    Sniffed(f64),
}

/// A column's role and where it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Role {
    pub kind: Kind,
    pub source: RoleSource,
}

/// Is `raw` a valid value of `kind` for sniffing? NIKs must also be structurally valid; a phone
/// field counts when every number in it is valid and it is not a date (`02-07-1991` is also a
/// 7-digit landline, SPEC §2 1.1, but a column of them holds birth dates).
pub fn sniff_valid(kind: Kind, raw: &str, scratch: &mut String) -> bool {
    match kind {
        Kind::Nik => {
            normalize::normalize_nik(raw, scratch).is_ok() && normalize::is_structurally_valid_nik(scratch)
        }
        Kind::Phone => {
            if normalize::normalize_dob(raw, scratch).is_ok() {
                return false;
            }
            let (mut any, mut all) = (false, true);
            normalize::for_each_phone(raw, |p| {
                any = true;
                all &= normalize::normalize_phone(p, scratch).is_ok();
            });
            any && all
        }
        Kind::Email => normalize::normalize_email(raw, scratch).is_ok(),
        _ => normalize::normalize_into(kind, raw, scratch).is_ok(),
    }
}

/// Counts, per column, non-empty sampled values and how many are valid for each sniffable kind.
#[derive(Debug, Default, Clone)]
pub struct Sniffer {
    columns: Vec<ColumnTally>,
    scratch: String,
}

#[derive(Debug, Default, Clone)]
struct ColumnTally {
    non_empty: usize,
    valid: [usize; Kind::SNIFFED.len()],
}

impl Sniffer {
    /// Tallies one value of column `col`.
    pub fn observe(&mut self, col: usize, raw: &str) {
        if normalize::is_absent(raw) {
            return;
        }
        if self.columns.len() <= col {
            self.columns.resize(col + 1, ColumnTally::default());
        }
        let tally = &mut self.columns[col];
        tally.non_empty += 1;
        for (i, kind) in Kind::SNIFFED.into_iter().enumerate() {
            if sniff_valid(kind, raw, &mut self.scratch) {
                tally.valid[i] += 1;
            }
        }
    }

    /// The kind with the largest valid share of column `col`'s values, and that share, whether
    /// or not it reaches [`SNIFF_MIN_SHARE`]: for saying why a column that nearly qualified was
    /// left out.
    pub fn best(&self, col: usize) -> Option<(Kind, f64)> {
        let tally = self.columns.get(col).filter(|t| t.non_empty > 0)?;
        let (i, valid) = tally.valid.iter().enumerate().max_by_key(|&(_, v)| *v)?;
        (*valid > 0).then(|| (Kind::SNIFFED[i], *valid as f64 / tally.non_empty as f64))
    }

    /// The role sniffing gives column `col`: the first strong kind (nik, email, phone) whose
    /// valid share reaches [`SNIFF_MIN_SHARE`]. `nik` is never given to a family-card column.
    pub fn role(&self, col: usize, family_card: bool) -> Option<Role> {
        let tally = self.columns.get(col)?;
        if tally.non_empty == 0 {
            return None;
        }
        Kind::SNIFFED.into_iter().enumerate().find_map(|(i, kind)| {
            let share = tally.valid[i] as f64 / tally.non_empty as f64;
            (share >= SNIFF_MIN_SHARE && !(family_card && kind == Kind::Nik))
                .then_some(Role { kind, source: RoleSource::Sniffed(share) })
        })
    }
}

/// The first two `--map` options that name one column (the same name, or names with the same
/// header key: `kode`, `KODE`) with different kinds. A column has one role (SPEC §5): a run
/// with both is a usage error, never one of them ignored in silence (a false CLEAR for the
/// people of the ignored kind).
pub fn conflicting_maps(maps: &[ColumnMap]) -> Option<String> {
    // A map names a JSON path whole or by its last part (and an SQL column with or without its
    // table): `nik=kontak.hp` and `phone=hp` name one column too. Checked here, once, before any
    // input is read: a path first seen after planning takes the first map's kind in silence.
    let same_column = |a: &ColumnMap, b: &ColumnMap| {
        let (key_a, key_b) = (header_key(&a.column), header_key(&b.column));
        let (last_a, last_b) = (header_key(last_segment(&a.column)), header_key(last_segment(&b.column)));
        a.column == b.column
            || (!key_a.is_empty() && (key_a == key_b || key_a == last_b))
            || (!key_b.is_empty() && key_b == last_a)
    };
    maps.iter().enumerate().find_map(|(i, a)| {
        maps[i + 1..].iter().find(|b| b.kind != a.kind && same_column(a, b)).map(|b| two_kinds(a, b))
    })
}

/// The message for two `--map` options that give one column two kinds.
pub fn two_kinds(a: &ColumnMap, b: &ColumnMap) -> String {
    format!(
        "--map {}={} and --map {}={} give one column two kinds; a column has one role: map each kind to its own column",
        a.kind, a.column, b.kind, b.column
    )
}

/// A `--map KIND=COLUMN` override.
#[derive(Clone, Debug)]
pub struct ColumnMap {
    pub kind: Kind,
    pub column: String,
    /// Set when the map gives a column its role; shared by the map's clones (one per input and
    /// extractor), so that a map that named no column can be warned about.
    used: Arc<AtomicBool>,
}

impl PartialEq for ColumnMap {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.column == other.column
    }
}

impl Eq for ColumnMap {}

impl std::str::FromStr for ColumnMap {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, column) = s.split_once('=').ok_or_else(|| format!("expected KIND=COLUMN, got {s:?}"))?;
        let kind = Kind::parse(kind)
            .filter(|k| Kind::FIELDS.contains(k))
            .ok_or_else(|| format!("unknown kind {kind:?}; use nik, phone, email, name or dob"))?;
        if column.is_empty() {
            return Err("the column name is empty".into());
        }
        Ok(ColumnMap::new(kind, column))
    }
}

impl ColumnMap {
    pub fn new(kind: Kind, column: &str) -> ColumnMap {
        ColumnMap { kind, column: column.to_string(), used: Arc::default() }
    }

    /// The same map under another column name (an SQL `table.column` within its table), still
    /// marking this one used.
    pub fn renamed(&self, column: &str) -> ColumnMap {
        ColumnMap { column: column.to_string(), ..self.clone() }
    }

    /// Records that the map gave a column its role.
    pub fn mark_used(&self) {
        // Read first: paths are looked up on every record, and a shared line written by every
        // worker would bounce between their caches.
        if !self.used.load(Ordering::Relaxed) {
            self.used.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the map gave a column its role since it was made or last [`forget_use`](Self::forget_use)d.
    pub fn was_used(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }

    /// `#N` (or a bare `#`): a column number, never a header (`find`).
    fn by_number(&self) -> bool {
        self.column.strip_prefix('#').is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// What to add to "no such column" for a map to column 0 (`0`, `#000`): a new user's slip.
    pub fn zero_hint(&self) -> &'static str {
        let digits = self.column.strip_prefix('#').unwrap_or(&self.column);
        if !digits.is_empty() && digits.bytes().all(|b| b == b'0') {
            " (columns are numbered from 1)"
        } else {
            ""
        }
    }

    pub fn forget_use(&self) {
        self.used.store(false, Ordering::Relaxed);
    }
    /// The index of the column this map names among `headers`: `#N` is column N; a number is
    /// the header of that exact name, else column N; other names match a header exactly, by its
    /// key, or by the key of a JSON path's last segment.
    pub fn find(&self, headers: Option<&[String]>) -> Option<usize> {
        // A number too large for a `usize` is a column past any input's (not "no such column").
        let number = |n: &str| {
            let n = match n.parse::<usize>() {
                Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => Some(usize::MAX),
                n => n.ok(),
            };
            n.filter(|&n| n >= 1).map(|n| n - 1)
        };
        if self.by_number() {
            return number(&self.column[1..]);
        }
        let exact = headers.and_then(|h| h.iter().position(|h| h == &self.column));
        if self.column.bytes().all(|b| b.is_ascii_digit()) {
            // `2` is not the header `(2)` or `x.2` by their keys: a number names a column.
            return exact.or_else(|| number(&self.column));
        }
        let headers = headers?;
        let key = header_key(&self.column);
        exact
            .or_else(|| headers.iter().position(|h| header_key(h) == key))
            .or_else(|| headers.iter().position(|h| header_key(last_segment(h)) == key))
    }
}

/// What a header row past the columns that are read holds for the `--map`s (memory stays
/// bounded: the row may have millions of names): for each map, the first such column that
/// [`ColumnMap::find`] could take by each of its rules, in its order — the exact name, the
/// key, the last segment's key. Never for a `#N` map.
pub struct PastHeaders<'a> {
    maps: &'a [ColumnMap],
    /// Each map's key, unless it names a column by number (`#N`, or a number that no header has).
    keys: Vec<Option<String>>,
    first: Vec<[Option<usize>; 3]>,
}

impl<'a> PastHeaders<'a> {
    pub fn new(maps: &'a [ColumnMap]) -> Self {
        let keys = maps
            .iter()
            .map(|m| {
                let number = m.by_number() || m.column.bytes().all(|b| b.is_ascii_digit());
                (!number).then(|| header_key(&m.column))
            })
            .collect();
        PastHeaders { maps, keys, first: vec![[None; 3]; maps.len()] }
    }

    /// Notes the header `header` of column `col`, past the columns read. Keys are compared
    /// without allocating.
    pub fn see(&mut self, col: usize, header: &str) {
        for ((map, key), first) in self.maps.iter().zip(&self.keys).zip(&mut self.first) {
            if map.by_number() {
                continue;
            }
            if first[0].is_none() && header == map.column {
                first[0] = Some(col);
            }
            let Some(key) = key else { continue };
            if first[1].is_none() && has_key(header, key) {
                first[1] = Some(col);
            }
            // (A name without a dot is its own last segment: the key rule has seen it.)
            if first[2].is_none() && header.contains('.') && has_key(last_segment(header), key) {
                first[2] = Some(col);
            }
        }
    }

    /// The column of the header past the ones read that `find` would take for map `i` over the
    /// whole header row, when it would take one of those: its rules in its order over `read`
    /// (the names of the columns read) and the columns seen.
    pub fn found(&self, i: usize, read: &[String]) -> Option<usize> {
        let (map, first) = (&self.maps[i], self.first[i]);
        if map.by_number() || read.contains(&map.column) {
            return None;
        }
        if first[0].is_some() {
            return first[0];
        }
        // A number that no header has is the column of that number.
        let key = self.keys[i].as_deref()?;
        if read.iter().any(|h| has_key(h, key)) {
            return None;
        }
        if first[1].is_some() {
            return first[1];
        }
        if read.iter().any(|h| has_key(last_segment(h), key)) {
            return None;
        }
        first[2]
    }
}

/// Whether `header_key(header) == key`, without making the key.
fn has_key(header: &str, key: &str) -> bool {
    let mut key = key.chars();
    header.chars().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).all(|c| key.next() == Some(c))
        && key.next().is_none()
}

/// The last segment of a dotted JSON path (`pasien.kontak.hp` → `hp`).
pub fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// How a format's column names give roles: CSV headers and SQL columns as a whole, JSON paths by
/// their last segment (SPEC §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    Whole,
    DottedPath,
}

/// Assigns roles to columns: `--map` first, then header synonyms, then sniffing of the rest.
pub fn assign_roles(
    headers: Option<&[String]>,
    maps: &[ColumnMap],
    sniffer: &Sniffer,
    column_count: usize,
) -> Result<Vec<Option<Role>>, String> {
    assign_roles_named(headers, Naming::Whole, maps, sniffer, column_count)
}

/// [`assign_roles`] with a choice of how names give roles.
pub fn assign_roles_named(
    headers: Option<&[String]>,
    naming: Naming,
    maps: &[ColumnMap],
    sniffer: &Sniffer,
    column_count: usize,
) -> Result<Vec<Option<Role>>, String> {
    let mut roles: Vec<Option<Role>> = vec![None; column_count];
    let mut mapped = vec![false; column_count];
    for (n, map) in maps.iter().enumerate() {
        let i = map
            .find(headers)
            .ok_or_else(|| format!("--map {}={}: no such column{}", map.kind, map.column, map.zero_hint()))?;
        if i >= column_count {
            let has = if column_count == crate::limits::MAX_COLUMNS {
                format!("only the first {column_count} columns are read")
            } else {
                format!("the input has {column_count}")
            };
            // Only a number takes a column past the input's (a header is one of its columns):
            // named as written, since one past a `usize` became `usize::MAX` (`find`).
            let digits = map.column.strip_prefix('#').unwrap_or(&map.column);
            let column = if digits.bytes().all(|b| b.is_ascii_digit()) {
                digits.trim_start_matches('0').to_string()
            } else {
                (i + 1).to_string()
            };
            return Err(format!("--map {}={}: there is no column {column} ({has})", map.kind, map.column));
        }
        if let Some(other) = maps[..n].iter().find(|m| m.kind != map.kind && m.find(headers) == Some(i)) {
            return Err(two_kinds(other, map));
        }
        roles[i] = Some(Role { kind: map.kind, source: RoleSource::Map });
        mapped[i] = true;
        map.mark_used();
    }
    for (i, role) in roles.iter_mut().enumerate() {
        if mapped[i] {
            continue;
        }
        let header = headers.and_then(|h| h.get(i)).map(|h| match naming {
            Naming::Whole => h.as_str(),
            Naming::DottedPath => last_segment(h),
        });
        *role = match header.and_then(role_from_header) {
            Some(kind) => Some(Role { kind, source: RoleSource::Header }),
            None => sniffer.role(i, header.is_some_and(is_family_card)),
        };
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_giving_one_column_two_kinds_conflict() {
        let maps = |list: &[&str]| list.iter().map(|m| m.parse::<ColumnMap>().unwrap()).collect::<Vec<_>>();
        let table: [(&[&str], bool); 10] = [
            (&["nik=kode", "phone=kode"], true),
            // A JSON path and its last part (reviewer: a path first seen after planning).
            (&["nik=kontak.hp", "phone=hp"], true),
            (&["phone=HP", "nik=kontak.hp"], true),
            (&["nik=pasien.nik", "phone=keluarga.nik"], false),
            (&["nik=kode", "phone=Kode"], true),
            (&["nik=no_ktp", "email=x", "dob=No KTP"], true),
            (&["nik=kode", "nik=kode"], false),
            (&["nik=kode", "phone=hp"], false),
            (&["nik=-", "phone=_"], false),
            (&[], false),
        ];
        for (list, conflict) in table {
            assert_eq!(conflicting_maps(&maps(list)).is_some(), conflict, "{list:?}");
        }
        let message = conflicting_maps(&maps(&["nik=kode", "phone=kode"])).unwrap_or_default();
        assert!(
            message.starts_with("--map nik=kode and --map phone=kode give one column two kinds"),
            "{message}"
        );
        // By name and by number: only the header tells, when roles are assigned.
        let headers = ["kode".to_string(), "x".to_string()];
        let got = assign_roles(Some(&headers), &maps(&["nik=kode", "phone=1"]), &Sniffer::default(), 2);
        assert!(got.is_err_and(|e| e.contains("two kinds")));
    }

    #[test]
    fn header_synonyms_of_spec_section_5() {
        let table = [
            ("NIK", Some(Kind::Nik)),
            ("No. KTP", Some(Kind::Nik)),
            ("nomor_induk_kependudukan", Some(Kind::Nik)),
            ("NIK Pasien", Some(Kind::Nik)),
            ("nama_pasien", Some(Kind::Name)),
            ("NMCETAK", Some(Kind::Name)),
            ("Full Name", Some(Kind::Name)),
            ("no_hp", Some(Kind::Phone)),
            ("No. Telp", Some(Kind::Phone)),
            ("WhatsApp", Some(Kind::Phone)),
            ("MSISDN", Some(Kind::Phone)),
            ("E-mail", Some(Kind::Email)),
            ("surel", Some(Kind::Email)),
            ("tgl_lahir", Some(Kind::Dob)),
            ("TGLLHR", Some(Kind::Dob)),
            ("Date of Birth", Some(Kind::Dob)),
            ("TTL", Some(Kind::Dob)),
            ("Tempat, Tanggal Lahir", Some(Kind::Dob)),
            ("tempat_tgl_lahir", Some(Kind::Dob)),
            ("TMP_TGL_LAHIR", Some(Kind::Dob)),
            ("Tempat Tgl Lhr", Some(Kind::Dob)),
            ("tempat_lahir", None), // the place alone is not a date
            ("no_kk", None),
            ("nama_ibu", None),
            ("alamat", None),
            ("nik_ibu", None), // only exact synonyms
        ];
        for (header, want) in table {
            assert_eq!(role_from_header(header), want, "{header}");
        }
        assert!(is_family_card("No. KK"));
        assert!(is_family_card("nomor_kk"));
        assert!(is_label("no_rm"));
        assert!(is_label("ID"));
    }

    #[test]
    fn family_card_headers_spelled_out_are_family_cards() {
        for header in [
            "nokk",
            "No. KK",
            "nomor_kk",
            "KK",
            "No. Kartu Keluarga",
            "no_kartu_keluarga",
            "nomor_kartu_keluarga",
            "kartu_keluarga",
            "Kartu Keluarga",
            "nokartukk",
            "NKK",
        ] {
            assert!(is_family_card(header), "{header}");
            assert_eq!(role_from_header(header), None, "{header}");
        }
        for header in ["nik", "No. KTP", "keluarga", "kartu", "nama_kk"] {
            assert!(!is_family_card(header), "{header}");
        }
    }

    #[test]
    fn sniffing_needs_eighty_percent_and_skips_family_cards() {
        let mut s = Sniffer::default();
        for i in 0..10 {
            // column 0: 8 of 10 NIKs valid; column 1: 7 of 10 phones valid; column 2: e-mails
            s.observe(0, if i < 8 { "3201014107900001" } else { "123" });
            s.observe(1, if i < 7 { "0812-3456-7890" } else { "n/a" });
            s.observe(2, "budi@example.com");
            s.observe(3, "");
        }
        assert_eq!(s.role(0, false).map(|r| r.kind), Some(Kind::Nik));
        assert_eq!(s.role(0, true), None);
        assert_eq!(s.role(1, false), None);
        assert_eq!(s.role(2, false).map(|r| r.kind), Some(Kind::Email));
        assert_eq!(s.role(3, false), None);
        assert_eq!(s.role(9, false), None);
    }

    #[test]
    fn a_column_of_dates_is_not_sniffed_as_phones() {
        // `02-07-1991` is also the 7-digit landline +622071991 (SPEC §2 1.1).
        let mut s = Sniffer::default();
        for date in ["02-07-1991", "03/07/1992", "09.12.1980", "05-01-2001"] {
            s.observe(0, date);
            s.observe(1, "(021) 12345");
        }
        assert_eq!(s.role(0, false), None);
        assert_eq!(s.role(1, false).map(|r| r.kind), Some(Kind::Phone));
    }

    #[test]
    fn structurally_invalid_niks_are_not_sniffed() {
        let mut s = Sniffer::default();
        for _ in 0..5 {
            s.observe(0, "1234567890123456"); // 16 digits, province 12 valid, but day 78
        }
        assert_eq!(s.role(0, false), None);
    }

    #[test]
    fn map_overrides_header_and_sniffing() {
        let headers: Vec<String> = ["nik", "kontak", "no_kk", "hp2"].map(String::from).to_vec();
        let mut s = Sniffer::default();
        s.observe(1, "0812-3456-7890");
        s.observe(2, "3201014107900001");
        let maps = ["phone=hp2".parse::<ColumnMap>().unwrap()];
        let roles = assign_roles(Some(&headers), &maps, &s, 4).unwrap();
        let kinds: Vec<_> = roles.iter().map(|r| r.map(|r| (r.kind, r.source))).collect();
        assert_eq!(kinds[0], Some((Kind::Nik, RoleSource::Header)));
        assert_eq!(kinds[1].map(|k| k.0), Some(Kind::Phone));
        assert_eq!(kinds[2], None, "family card never becomes nik");
        assert_eq!(kinds[3], Some((Kind::Phone, RoleSource::Map)));
        let bad = ["email=surel2".parse::<ColumnMap>().unwrap()];
        assert!(assign_roles(Some(&headers), &bad, &s, 4).is_err());
        let by_number = ["name=2".parse::<ColumnMap>().unwrap()];
        let roles = assign_roles(None, &by_number, &s, 4).unwrap();
        let too_far = ["nik=18446744073709551615".parse::<ColumnMap>().unwrap()];
        assert!(assign_roles(None, &too_far, &s, 4).unwrap_err().contains("the input has 4"));
        for zero in ["nik=0", "nik=#000"] {
            let err = assign_roles(None, &[zero.parse::<ColumnMap>().unwrap()], &s, 4).unwrap_err();
            assert!(err.ends_with("no such column (columns are numbered from 1)"), "{err}");
        }
        // Past a 64-bit `usize` too (on a 32-bit target, the number above is past it already).
        for column in ["99999999999999999999999999", "#99999999999999999999999999"] {
            let huge = [format!("nik={column}").parse::<ColumnMap>().unwrap()];
            let err = assign_roles(None, &huge, &s, 4).unwrap_err();
            assert!(err.contains("there is no column 99999999999999999999999999 (the input has 4)"), "{err}");
        }
        assert_eq!(roles[1].map(|r| r.kind), Some(Kind::Name));
    }

    #[test]
    fn has_key_is_header_key_without_the_string() {
        for header in
            ["Nomor Induk", "nomor_induk", "NOMOR-INDUK ", "nomorinduk2", "", "  ", "İbu", "ẞ", "a.b.c"]
        {
            for other in ["Nomor Induk", "nomorinduk2", "", "ibu", "i̇bu", "ss", "ẞ", "abc"] {
                let key = header_key(other);
                assert_eq!(has_key(header, &key), header_key(header) == key, "{header:?} {key:?}");
            }
        }
    }

    #[test]
    fn past_headers_keep_the_first_column_of_each_rule_and_follow_finds_order() {
        let maps =
            ["nik=Nomor Induk", "phone=007", "email=#5", "name=hp"].map(|m| m.parse::<ColumnMap>().unwrap());
        let mut past = PastHeaders::new(&maps);
        for (col, header) in [
            (5000, "NOMOR_INDUK"),
            (5001, "Nomor Induk"),
            (5002, "007"),
            (5003, "#5"),
            (5004, "x.HP"),
            (5005, "Nomor Induk"),
        ] {
            past.see(col, header);
        }
        assert_eq!(
            past.first,
            [[Some(5001), Some(5000), None], [Some(5002), None, None], [None; 3], [None, None, Some(5004)]]
        );
        let read = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        // An exact name past the columns read comes before a key that is read.
        assert_eq!(past.found(0, &read(&["nomor_induk"])), Some(5001));
        assert_eq!(past.found(0, &read(&["Nomor Induk"])), None);
        assert_eq!(past.found(1, &read(&[])), Some(5002));
        assert_eq!(past.found(1, &read(&["007"])), None);
        assert_eq!(past.found(2, &read(&[])), None, "#5 is column 5");
        // A key read comes before a last segment past them.
        assert_eq!(past.found(3, &read(&["HP"])), None);
        assert_eq!(past.found(3, &read(&["kontak.hp"])), None);
        assert_eq!(past.found(3, &read(&["nama"])), Some(5004));
    }

    #[test]
    fn maps_find_columns_by_name_then_number() {
        let headers: Vec<String> = ["No KTP", "3", "nama", "kontak.hp"].map(String::from).to_vec();
        let find = |column: &str| ColumnMap::new(Kind::Nik, column).find(Some(&headers));
        assert_eq!(find("No KTP"), Some(0));
        assert_eq!(find("no_ktp"), Some(0), "by header key");
        assert_eq!(find("3"), Some(1), "a header named 3 before column 3");
        assert_eq!(find("#3"), Some(2), "#3 is column 3");
        assert_eq!(find("hp"), Some(3), "a path's last part");
        assert_eq!(find("4"), Some(3));
        assert_eq!(find("#0"), None);
        assert_eq!(ColumnMap::new(Kind::Nik, "#2").find(None), Some(1));
        // Loose matching is for names: a number never finds `(2)`, `x.2` or `# 2` by key, and
        // `#2` is column 2 even beside a header named `#2`.
        let odd: Vec<String> = ["(2)", "x.2", "#2", "# 2"].map(String::from).to_vec();
        let find = |column: &str| ColumnMap::new(Kind::Nik, column).find(Some(&odd));
        assert_eq!(find("2"), Some(1));
        assert_eq!(find("#2"), Some(1));
        assert_eq!(find("# 2"), Some(3), "a name, found exactly");
    }

    #[test]
    fn map_syntax_errors() {
        assert!("nik".parse::<ColumnMap>().is_err());
        assert!("ktp=nik".parse::<ColumnMap>().is_err());
        assert!("name_dob=x".parse::<ColumnMap>().is_err());
        assert!("nik=".parse::<ColumnMap>().is_err());
        assert_eq!("NIK=No KTP".parse::<ColumnMap>(), Ok(ColumnMap::new(Kind::Nik, "No KTP")));
    }
}
