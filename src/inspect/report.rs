//! How `inspect` shows what it found: a human summary, or one JSON object of this shape
//! (serialize-only structs, so it changes only on purpose):
//!
//! - `leakcheck`: version; `inputs[]`, one per input:
//!   - `path`, `format`, `compression` (only when compressed), `delimiter` (CSV/TSV), `header`
//!     (CSV/TSV: whether the first row was read as a header), `bom`;
//!   - `records_read`, `sampled` (`--sample` left records unread), `bad_records`,
//!     `not_utf8_share` (records decoded lossily), `tables` (SQL: `name`, `records`);
//!   - `columns[]`: `name` (header, JSON path, `table.column`, or `column N`; identifiers in it
//!     masked, a JSON key that looks like a person's name written `*`), `role` and `why`
//!     (`header`, `map`, `sniffed`; null without a role), `sniffed_share`, `values` (non-empty),
//!     `valid` (share of values with a canonical form as `nik`, `phone`, `email`, `name`, `dob`),
//!     `samples` (masked unless `--reveal`; a value is cut at 60 characters), `suggestion` (a
//!     `--map` for a column that looks like identity data but has no role, quoted for a shell
//!     when it must be; `--map KIND=… (…)`, not to be pasted, when the name is masked or cut).
//!     CSV columns are listed in their order, always-empty ones too.
//!   - `nik`: over the values of NIK columns — `values` (16 digits), `structurally_valid`,
//!     `structurally_invalid_share`, `by_province[]` (`code`, `name`, `count`), `known_district`
//!     (structurally valid NIKs whose first six digits are a district of the embedded Kemendagri
//!     list, SPEC §2 1.1), `known_district_share` (of the structurally valid), `top_regencies[]`
//!     (`code`, `name`, `count`: the 10 regencies with the most of those), `regions_source`
//!     (the list's packages and versions), `male`, `female`,
//!     `by_birth_decade` (`"1990s": n`), `dob_checked` (records with a valid NIK and birth date),
//!     `dob_disagrees_share`;
//!   - `warnings[]`: what the human report shows as `warning:` lines (a first row that looks like
//!     data, the first bad record, no records…); with `--format json` also written to stderr.
//!
//! Shares are fractions from 0 to 1, rounded to 4 decimals.

use super::Inspection;
use super::nik;
use super::tally::{ColumnTally, KINDS, SAMPLE_CHARS, SAMPLES, Sample};
use crate::kind::Kind;
use crate::normalize;
use crate::report::mask;
use crate::roles::{self, ColumnMap, RoleSource};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};

/// Below this share of valid values a column without a role is not worth a suggestion.
const SUGGEST_MIN_SHARE: f64 = 0.2;

#[derive(Serialize)]
struct InspectJson<'a> {
    leakcheck: &'static str,
    inputs: Vec<InputJson<'a>>,
}

#[derive(Serialize)]
struct InputJson<'a> {
    path: &'a str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    compression: Option<&'static str>,
    delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tsv_dialect: Option<&'static str>,
    header: Option<bool>,
    bom: bool,
    records_read: u64,
    sampled: bool,
    bad_records: u64,
    not_utf8_share: f64,
    tables: Vec<TableJson>,
    columns: Vec<ColumnJson>,
    nik: NikJson,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct TableJson {
    name: String,
    records: u64,
}

#[derive(Serialize)]
struct ColumnJson {
    name: String,
    role: Option<&'static str>,
    why: Option<&'static str>,
    sniffed_share: Option<f64>,
    values: u64,
    valid: BTreeMap<&'static str, f64>,
    samples: Vec<String>,
    suggestion: Option<String>,
}

#[derive(Serialize)]
struct NikJson {
    values: u64,
    structurally_valid: u64,
    structurally_invalid_share: f64,
    by_province: Vec<ProvinceJson>,
    known_district: u64,
    known_district_share: f64,
    top_regencies: Vec<RegencyJson>,
    regions_source: &'static str,
    male: u64,
    female: u64,
    by_birth_decade: BTreeMap<String, u64>,
    dob_checked: u64,
    dob_disagrees_share: f64,
}

#[derive(Serialize)]
struct RegencyJson {
    code: String,
    name: &'static str,
    count: u64,
}

/// Regencies named in `inspect`'s output, the most NIKs first.
const TOP_REGENCIES: usize = 10;

/// The regencies with the most known-district NIKs (ties by code), with their names.
fn top_regencies(n: &super::tally::NikTally) -> Vec<(u16, &'static str, u64)> {
    let mut top: Vec<(u16, u64)> = n.by_regency.iter().map(|(c, n)| (*c, *n)).collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.into_iter()
        .take(TOP_REGENCIES)
        .map(|(code, count)| {
            (code, crate::regions::regency_name(&format!("{code:04}")).unwrap_or("?"), count)
        })
        .collect()
}

#[derive(Serialize)]
struct ProvinceJson {
    code: String,
    name: &'static str,
    count: u64,
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0 }
}

fn why(column: &ColumnTally) -> (Option<&'static str>, Option<f64>) {
    match column.role.map(|r| r.source) {
        Some(RoleSource::Header) => (Some("header"), None),
        Some(RoleSource::Map) => (Some("map"), None),
        Some(RoleSource::Sniffed(s)) => (Some("sniffed"), Some(share((s * 10_000.0).round() as u64, 10_000))),
        None => (None, None),
    }
}

/// The `--map` that would give a column without a role the kind most of its values are, and
/// that share. For a CSV column the map is checked to name that column as the scan resolves
/// names (a header cell may be named `3`, or `column 2`): by its shown name, its header, or `#N`.
fn suggestion(column: &ColumnTally, shown: &str, headers: Option<&[String]>) -> Option<(Kind, String, f64)> {
    let target = map_target(shown);
    if column.role.is_some() || column.non_empty == 0 || roles::is_family_card(target) {
        return None;
    }
    let shares = column.valid.map(|v| v as f64 / column.non_empty as f64);
    let strong = [Kind::Nik, Kind::Phone, Kind::Email]
        .into_iter()
        .map(|k| (k, shares[KINDS.iter().position(|x| *x == k).unwrap_or(0)]))
        .filter(|(_, s)| *s >= SUGGEST_MIN_SHARE)
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let dob = shares[4];
    let dob = (dob >= roles::SNIFF_MIN_SHARE).then_some((Kind::Dob, dob));
    // A day-first date with a leading 0 (`02-07-1991`) is also a 7-digit landline (SPEC §2
    // 1.1): a column that is mostly dates, as much as anything else, is a date column.
    let (kind, s) = match (strong, dob) {
        (Some(strong), Some(dob)) if dob.1 >= strong.1 => dob,
        (strong, dob) => strong.or(dob)?,
    };
    let target = match (headers, column.position) {
        (Some(headers), Some(p)) => {
            let header = (shown == column.name).then_some(column.name.as_str());
            let number = format!("#{}", p + 1);
            [Some(target), header, Some(number.as_str())]
                .into_iter()
                .flatten()
                .find(|t| ColumnMap::new(kind, t).find(Some(headers)) == Some(p))?
                .to_string()
        }
        // A name shown masked, cut or sanitized is not the name `--map` takes.
        _ if shown != column.name => {
            let why = "the column's name is not shown as it is: see it with --reveal";
            return Some((kind, format!("--map {kind}=… ({why})"), s));
        }
        _ => target.to_string(),
    };
    (!target.is_empty()).then(|| (kind, map_option(kind, &target), s))
}

/// The column names as shown. A header is the dump's first row, and in a headerless dump read
/// with a header that row is a person: when any name holds a NIK, phone, e-mail, date or long
/// number, every CSV column is shown as `column N` (what `--map` and `--no-header` take); in
/// other names (JSON keys, SQL columns) such identifiers are masked, and a JSON key that looks
/// like a person's name (a dump keyed by people) is `*`. `--reveal` shows names as they are.
fn shown_names(i: &Inspection, reveal: bool) -> Vec<String> {
    let columns = &i.tally.columns;
    if reveal {
        return columns.iter().map(|c| mask::sanitize(&c.name)).collect();
    }
    let keys = matches!(i.format, "json" | "ndjson");
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let names = if keys { star_data_keys(&names) } else { names.into_iter().map(Cow::Borrowed).collect() };
    let masked: Vec<(String, bool)> = names.iter().map(|name| mask_identifiers(name, keys)).collect();
    let header_is_data = i.header == Some(true) && masked.iter().any(|(_, found)| *found);
    columns
        .iter()
        .zip(masked)
        .enumerate()
        .map(|(n, (c, (text, _)))| {
            if header_is_data && !c.name.starts_with("column ") {
                // CSV columns are listed in header order: the n-th is column n + 1.
                return format!("column {}", c.position.unwrap_or(n) + 1);
            }
            text
        })
        .collect()
}

/// Keys found at one place of JSON paths with the same path after them, from this many on, are
/// data (people, user names, record numbers), not field names: a schema names a few (12 months
/// of a year would be starred, which hides nothing worth seeing).
const MANY_KEYS: usize = 10;

/// JSON paths with each key that is data written `*`: a key of [`MANY_KEYS`] or more found at
/// the same place (after the same keys) with the same path after it — `budi.nik`, `siti.nik`, …
/// of a dump keyed by people with one-word names, which no rule for a name's shape can tell from
/// `alamat.kota`. A path's last key, the field's own name, is kept.
fn star_data_keys<'a>(paths: &[&'a str]) -> Vec<Cow<'a, str>> {
    /// A path's keys but the last, each with the path before it and after it.
    fn inner_keys(path: &str) -> impl Iterator<Item = (&str, &str, &str)> {
        let ends = path.match_indices('.').map(|(at, _)| at);
        let starts = std::iter::once(0).chain(path.match_indices('.').map(|(at, _)| at + 1));
        starts.zip(ends).map(move |(start, end)| (&path[..start], &path[start..end], &path[end..]))
    }
    let mut places: HashMap<(&str, &str), HashSet<&str>> = HashMap::new();
    for (before, key, after) in paths.iter().flat_map(|p| inner_keys(p)) {
        places.entry((before, after)).or_default().insert(key);
    }
    let is_data =
        |before: &str, after: &str| places.get(&(before, after)).is_some_and(|k| k.len() >= MANY_KEYS);
    paths
        .iter()
        .map(|path| {
            if !inner_keys(path).any(|(before, _, after)| is_data(before, after)) {
                return Cow::Borrowed(*path);
            }
            let mut shown: Vec<&str> = inner_keys(path)
                .map(|(before, key, after)| if is_data(before, after) { "*" } else { key })
                .collect();
            shown.push(roles::last_segment(path));
            Cow::Owned(shown.join("."))
        })
        .collect()
}

/// The columns as shown, with their names: columns whose names are shown alike once masked (the
/// `*.nik` of each person of a dump keyed by people) are one, their counts added, their role
/// kept when they all have the same one.
fn shown_columns<'a>(i: &'a Inspection, reveal: bool) -> Vec<(Cow<'a, ColumnTally>, String)> {
    let mut shown: Vec<(Cow<'a, ColumnTally>, String)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (c, name) in i.tally.columns.iter().zip(shown_names(i, reveal)) {
        match at.get(&name) {
            Some(&k) if name != c.name => merge(shown[k].0.to_mut(), c),
            _ => {
                at.insert(name.clone(), shown.len());
                shown.push((Cow::Borrowed(c), name));
            }
        }
    }
    shown
}

/// Adds `other`'s counts and samples to `into`, which keeps a role only `other` has too.
fn merge(into: &mut ColumnTally, other: &ColumnTally) {
    into.non_empty += other.non_empty;
    for (total, n) in into.valid.iter_mut().zip(other.valid) {
        *total += n;
    }
    let room = SAMPLES.saturating_sub(into.samples.len());
    into.samples.extend(other.samples.iter().take(room).cloned());
    if into.role.map(|r| r.kind) != other.role.map(|r| r.kind) {
        into.role = None;
    }
}

/// A table's name as shown: masked as column names are.
fn shown_name(name: &str, reveal: bool) -> String {
    if reveal { mask::sanitize(name) } else { mask_identifiers(name, false).0 }
}

/// `name` with each identifier in it masked, and whether there was one. A path's parts are
/// joined by `.`, and so are the parts of `siti.n@example.com` or `3201.0141.0790.0001`: the
/// longest run of parts that is an identifier is masked whole. Other long numbers (a NIK with a
/// digit missing, `NIK 3201…`) have their digits masked. With `keys` (a JSON path), a part that
/// [`looks_like_a_person`] is `*`. A name too long to be a column's is cut (and masked as free
/// text if it holds an `@`, a long number or, with `keys`, a person's name).
fn mask_identifiers(name: &str, keys: bool) -> (String, bool) {
    /// Identifiers are short: runs of more parts are not tried (nor names longer than this, so
    /// that a dump of many names of many dots costs little).
    const MAX_PARTS: usize = 24;
    const MAX_RUN: usize = 256;
    if name.len() > MAX_RUN {
        let cut = name.char_indices().nth(SAMPLE_CHARS).map_or(name.len(), |(i, _)| i);
        let risky = name.contains('@')
            || !normalize::long_number_spans(name).is_empty()
            || (keys && name.split('.').any(looks_like_a_person));
        let text = if risky { mask::mask_text(&name[..cut]) } else { mask::sanitize(&name[..cut]) };
        return (format!("{text}…"), risky);
    }
    let identifier = |text: &str| {
        // Numbers have no letters (the phone normalizer would read `kontak.0812…` as a phone),
        // e-mails an `@`.
        let letters = text.bytes().any(|b| b.is_ascii_alphabetic());
        let candidates: &[Kind] = match (letters, text.contains('@')) {
            (_, true) => &[Kind::Email],
            (true, false) => &[Kind::Dob],
            (false, false) => &[Kind::Nik, Kind::Phone, Kind::Dob],
        };
        candidates.iter().find_map(|&k| normalize::canonical(k, text).ok().map(|c| mask::mask(k, &c)))
    };
    let parts: Vec<&str> = name.split('.').collect();
    // Where each part starts in `name`: a run of parts is a slice of it, its length known.
    let starts: Vec<usize> =
        parts.iter().scan(0, |at, p| Some(std::mem::replace(at, *at + p.len() + 1))).collect();
    let (mut shown, mut found, mut i) = (Vec::with_capacity(parts.len()), false, 0);
    while i < parts.len() {
        let longest = (i + 1..=parts.len().min(i + MAX_PARTS))
            .rev()
            .find_map(|j| identifier(&name[starts[i]..starts[j - 1] + parts[j - 1].len()]).map(|m| (j, m)));
        match longest {
            Some((j, masked)) => {
                shown.push(masked);
                found = true;
                i = j;
            }
            None if keys && looks_like_a_person(parts[i]) => {
                shown.push("*".to_string());
                found = true;
                i += 1;
            }
            None => {
                shown.push(mask::sanitize(parts[i]));
                i += 1;
            }
        }
    }
    // Long numbers, within a part or across dots (`3201.1241.0790.001`).
    let mut shown = shown.join(".");
    for span in normalize::long_number_spans(&shown) {
        let stars: String =
            shown[span.clone()].chars().map(|c| if c.is_ascii_digit() { '*' } else { c }).collect();
        shown.replace_range(span, &stars);
        found = true;
    }
    (shown, found)
}

/// Words of column names, not of people's names: a key of several words holding one (`Jenis
/// Kelamin`, `Tempat Lahir`, `Nama Ibu`) is a field. Honorifics (`Ibu`, `Bapak`) are not here:
/// `Ibu Siti` is a person.
const FIELD_WORDS: &[&str] = &[
    "address",
    "age",
    "agama",
    "akun",
    "alamat",
    "bank",
    "berat",
    "birth",
    "blood",
    "city",
    "code",
    "darah",
    "data",
    "date",
    "desa",
    "education",
    "first",
    "full",
    "gender",
    "golongan",
    "home",
    "hubungan",
    "info",
    "jalan",
    "jenis",
    "job",
    "jumlah",
    "kabupaten",
    "kandung",
    "kartu",
    "kecamatan",
    "kelamin",
    "kelurahan",
    "keluarga",
    "keterangan",
    "kode",
    "kota",
    "last",
    "lahir",
    "middle",
    "nomor",
    "no",
    "number",
    "pekerjaan",
    "pendidikan",
    "postal",
    "provinsi",
    "rekening",
    "rt",
    "rw",
    "sex",
    "status",
    "street",
    "tanggal",
    "tempat",
    "tgl",
    "tinggi",
    "tipe",
    "total",
    "type",
    "umur",
    "usia",
    "warga",
    "work",
];

/// A JSON key that looks like a person's name, as a dump keyed by people has them (`{"Budi
/// Santoso": {"nik": …}}`): two or more words of letters (and `'`, `’`, `-`, and a `,` before a
/// degree or after a family name: `Santoso, Budi`), neither the whole
/// nor any word a column name (a header synonym, `kk`, `id`, or one of [`FIELD_WORDS`]). A
/// one-word key (`Budi`) cannot be told from a field name and is shown.
fn looks_like_a_person(key: &str) -> bool {
    let words: Vec<&str> = key.split_whitespace().collect();
    let column_name = |w: &str| {
        roles::role_from_header(w).is_some()
            || roles::is_family_card(w)
            || roles::is_label(w)
            || FIELD_WORDS.contains(&roles::header_key(w).as_str())
    };
    words.len() >= 2
        && key.chars().all(|c| c.is_alphabetic() || c.is_whitespace() || matches!(c, '\'' | '’' | '-' | ','))
        && words.iter().all(|w| w.chars().any(char::is_alphabetic) && !column_name(w))
        && !column_name(key)
}

/// What `--map` needs to name a column: its number for `column 3` or `x (column 3)`, else the
/// name as shown (a JSON path, or an SQL `table.column`, which maps that table's column only).
fn map_target(name: &str) -> &str {
    if let Some(n) = name.strip_prefix("column ") {
        return n;
    }
    if let Some(open) = name.rfind(" (column ") {
        return name[open + 9..].trim_end_matches(')');
    }
    name
}

/// `--map KIND=COLUMN` as one shell word: quoted when the column name has spaces, `#`, quotes or
/// other characters a shell would read.
fn map_option(kind: Kind, column: &str) -> String {
    let arg = format!("{kind}={column}");
    if arg.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.,:=/@%+".contains(&b)) {
        format!("--map {arg}")
    } else {
        format!("--map '{}'", arg.replace('\'', r"'\''"))
    }
}

fn sample_text(sample: &Sample, reveal: bool) -> String {
    let text = match &sample.masked_as {
        _ if reveal => mask::sanitize(&sample.raw),
        Some((kind, canonical)) => mask::mask(*kind, canonical),
        None => mask::mask_text(&sample.raw),
    };
    // A masked canonical form is as long as the whole value: cut as the value was.
    match text.char_indices().nth(SAMPLE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if sample.cut => format!("{text}…"),
        None => text,
    }
}

fn decade(year2: u8) -> i32 {
    nik::decade(year2, this_year())
}

/// The current year, for reading two-digit birth years.
fn this_year() -> i32 {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    // Good to a day around New Year, which is all a decade needs.
    1970 + (days as f64 / 365.2425) as i32
}

fn to_json<'a>(i: &'a Inspection, reveal: bool) -> InputJson<'a> {
    let t = &i.tally;
    let columns = shown_columns(i, reveal)
        .into_iter()
        .map(|(c, name)| {
            let (why, sniffed_share) = why(&c);
            ColumnJson {
                suggestion: suggestion(&c, &name, i.headers.as_deref()).map(|(_, m, _)| m),
                name,
                role: c.role.map(|r| r.kind.as_str()),
                why,
                sniffed_share,
                values: c.non_empty,
                valid: KINDS.iter().zip(c.valid).map(|(k, v)| (k.as_str(), share(v, c.non_empty))).collect(),
                samples: c.samples.iter().map(|s| sample_text(s, reveal)).collect(),
            }
        })
        .collect();
    let n = &t.nik;
    let mut by_decade = BTreeMap::new();
    for (year2, count) in n.by_year2.iter() {
        *by_decade.entry(format!("{}s", decade(year2))).or_insert(0) += count;
    }
    InputJson {
        path: &i.path,
        format: i.format,
        compression: i.compression,
        delimiter: i
            .delimiter
            .map(|d| if d == b'\t' { "\\t".to_string() } else { char::from(d).to_string() }),
        tsv_dialect: i.tsv_dialect,
        header: i.header,
        bom: i.bom,
        records_read: t.records,
        sampled: i.sampled,
        bad_records: t.bad_records,
        not_utf8_share: share(t.not_utf8, t.records),
        tables: t
            .tables
            .iter()
            .map(|(name, records)| TableJson { name: shown_name(name, reveal), records: *records })
            .collect(),
        columns,
        warnings: i.warnings.iter().map(|w| mask::sanitize(w)).collect(),
        nik: NikJson {
            values: n.canonical,
            structurally_valid: n.structurally_valid,
            structurally_invalid_share: share(n.canonical - n.structurally_valid, n.canonical),
            by_province: n
                .by_province
                .iter()
                .map(|(code, count)| ProvinceJson {
                    code: format!("{code:02}"),
                    name: nik::province_name(code).unwrap_or("?"),
                    count,
                })
                .collect(),
            known_district: n.known_district,
            known_district_share: share(n.known_district, n.structurally_valid),
            top_regencies: top_regencies(n)
                .into_iter()
                .map(|(code, name, count)| RegencyJson { code: format!("{code:04}"), name, count })
                .collect(),
            regions_source: crate::regions::SOURCE,
            male: n.male,
            female: n.female,
            by_birth_decade: by_decade,
            dob_checked: n.with_dob,
            dob_disagrees_share: share(n.dob_disagrees, n.with_dob),
        },
    }
}

/// Writes the JSON report of all inspected inputs.
pub fn write_json(out: &mut dyn Write, inspections: &[Inspection], reveal: bool) -> io::Result<()> {
    let report = InspectJson {
        leakcheck: crate::report::VERSION,
        inputs: inspections.iter().map(|i| to_json(i, reveal)).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn percent(part: u64, whole: u64) -> String {
    match (u128::from(part) * 100).checked_div(u128::from(whole)) {
        None => "-".to_string(),
        Some(0) if part > 0 => "<1%".to_string(),
        Some(p) => format!("{p}%"),
    }
}

/// A share as a whole percent, rounded down (as [`percent`]): a column with 79.8 % valid phones, short of the
/// 80 % that gives a role, must not read `80%`; a share above 0 reads `<1%`, not `0%`.
fn whole_percent(share: f64) -> String {
    match share {
        s if s <= 0.0 => "0%".to_string(),
        s if s < 0.01 => "<1%".to_string(),
        s => format!("{}%", (s * 100.0 + 1e-9).floor()),
    }
}

/// Writes the human report of all inspected inputs.
pub fn write_human(out: &mut dyn Write, inspections: &[Inspection], reveal: bool) -> io::Result<()> {
    for (n, i) in inspections.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        human_input(out, i, reveal)?;
    }
    out.flush()
}

fn human_input(out: &mut dyn Write, i: &Inspection, reveal: bool) -> io::Result<()> {
    let t = &i.tally;
    writeln!(out, "{}", mask::sanitize(&i.path))?;
    let mut facts = vec![format!("format {}", i.format)];
    if let Some(c) = i.compression {
        facts.push(format!("{c}-compressed"));
    }
    if let Some(d) = i.delimiter {
        facts.push(if d == b'\t' {
            "delimiter tab".to_string()
        } else {
            format!("delimiter '{}'", char::from(d))
        });
    }
    if let Some(dialect) = i.tsv_dialect {
        facts.push(format!("{dialect} TSV"));
    }
    match i.header {
        Some(true) => facts.push("header row".into()),
        Some(false) => facts.push("no header row".into()),
        None => {}
    }
    if i.bom {
        facts.push("UTF-8 BOM".into());
    }
    let read = if i.sampled { "first" } else { "all" };
    writeln!(
        out,
        "  {}; {read} {} records read, {} bad, {} not UTF-8",
        facts.join(", "),
        t.records,
        t.bad_records,
        percent(t.not_utf8, t.records)
    )?;
    if !t.tables.is_empty() {
        let tables: Vec<String> =
            t.tables.iter().map(|(name, n)| format!("{} ({n})", shown_name(name, reveal))).collect();
        writeln!(out, "  tables: {}", tables.join(", "))?;
    }
    writeln!(out)?;
    let mut rows = vec![
        ["column", "role", "why", "values", "nik", "phone", "email", "name", "dob", "samples"]
            .map(String::from),
    ];
    let columns = shown_columns(i, reveal);
    for (c, name) in &columns {
        let (why, share) = why(c);
        let why = match (why, share) {
            (Some("sniffed"), Some(s)) => format!("sniffed {}", whole_percent(s)),
            (Some(w), _) => w.to_string(),
            _ => String::new(),
        };
        let samples: Vec<String> = c.samples.iter().map(|s| sample_text(s, reveal)).collect();
        let valid = c.valid.map(|v| percent(v, c.non_empty));
        rows.push([
            name.clone(),
            c.role.map_or("-".into(), |r| r.kind.to_string()),
            why,
            c.non_empty.to_string(),
            valid[0].clone(),
            valid[1].clone(),
            valid[2].clone(),
            valid[3].clone(),
            valid[4].clone(),
            samples.join(", "),
        ]);
    }
    let mut widths = [0usize; 10];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(k, (cell, w))| {
                let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                // Counts and shares are right-aligned.
                if (3..9).contains(&k) { format!("{pad}{cell}") } else { format!("{cell}{pad}") }
            })
            .collect();
        writeln!(out, "  {}", cells.join("  ").trim_end())?;
    }
    let suggestions: Vec<(Kind, String)> = columns
        .iter()
        .filter_map(|(c, name)| {
            let (kind, map, s) = suggestion(c, name, i.headers.as_deref())?;
            Some((kind, format!("{map}  ({} of the values of {} are valid)", whole_percent(s), name)))
        })
        .collect();
    let has = |kind: Kind| t.columns.iter().any(|c| c.role.is_some_and(|r| r.kind == kind));
    let dob_suggested = suggestions.iter().any(|(kind, _)| *kind == Kind::Dob);
    if !suggestions.is_empty() {
        writeln!(out)?;
        writeln!(out, "  columns that look like identity data but have no role; to scan them, add:")?;
        for (_, s) in suggestions {
            writeln!(out, "    {s}")?;
        }
    }
    if (has(Kind::Dob) || dob_suggested) && !has(Kind::Name) {
        // Every text column is a valid name, so names are never sniffed: the person must say.
        writeln!(out)?;
        writeln!(
            out,
            "  no column has the name role (names are never sniffed), and a date of birth matches"
        )?;
        writeln!(out, "  only with a name: add --map name=COLUMN for the column of names")?;
    }
    let n = &t.nik;
    if n.canonical > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "  NIKs: {} of 16 digits, {} structurally valid ({} structurally invalid)",
            n.canonical,
            n.structurally_valid,
            percent(n.canonical - n.structurally_valid, n.canonical)
        )?;
        let mut provinces: Vec<(u8, u64)> = n.by_province.iter().collect();
        provinces.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let provinces: Vec<String> = provinces
            .iter()
            .map(|(code, count)| format!("{code} {} {count}", nik::province_name(*code).unwrap_or("?")))
            .collect();
        writeln!(out, "    province: {}", provinces.join(" · "))?;
        if n.structurally_valid > 0 {
            writeln!(
                out,
                "    known district: {} of {} structurally valid ({}; {})",
                n.known_district,
                n.structurally_valid,
                percent(n.known_district, n.structurally_valid),
                crate::regions::SOURCE
            )?;
        }
        let regencies: Vec<String> =
            top_regencies(n).iter().map(|(_, name, count)| format!("{name} {count}")).collect();
        if !regencies.is_empty() {
            writeln!(out, "    regency: {}", regencies.join(" · "))?;
        }
        writeln!(out, "    sex: {} male, {} female", n.male, n.female)?;
        let mut decades: BTreeMap<i32, u64> = BTreeMap::new();
        for (year2, count) in n.by_year2.iter() {
            *decades.entry(decade(year2)).or_default() += count;
        }
        let decades: Vec<String> = decades.iter().map(|(d, c)| format!("{d}s {c}")).collect();
        writeln!(out, "    born: {}", decades.join(" · "))?;
        if n.with_dob > 0 {
            writeln!(
                out,
                "    birth date disagrees with the NIK in {} of {} records that have both ({})",
                n.dob_disagrees,
                n.with_dob,
                percent(n.dob_disagrees, n.with_dob)
            )?;
        }
    }
    for w in &i.warnings {
        writeln!(out, "  warning: {}", mask::sanitize(w))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_round_down_and_never_hide_a_few() {
        let cases = [
            ((0, 10), "0%"),
            ((1, 1000), "<1%"),
            ((798, 1000), "79%"),
            ((7999, 10_000), "79%"),
            ((8, 10), "80%"),
            ((999, 1000), "99%"),
            ((10, 10), "100%"),
            ((u64::MAX, u64::MAX), "100%"),
        ];
        for ((part, whole), shown) in cases {
            assert_eq!(percent(part, whole), shown, "{part}/{whole}");
            assert_eq!(whole_percent(part as f64 / whole as f64), shown, "{part}/{whole}");
        }
        assert_eq!(percent(0, 0), "-");
        assert_eq!(whole_percent(0.29), "29%", "28.999…% in floating point");
    }

    #[test]
    fn identifiers_in_names_are_masked_whole() {
        let cases = [
            ("nama", "nama", false),
            ("kontak.hp", "kontak.hp", false),
            ("3201014107900001.hp", "3201**********01.hp", true),
            ("siti.n@example.com", "s*****@example.com", true),
            ("a.3201.0141.0790.0001.b", "a.3201**********01.b", true),
            ("0812.3456.7890", "+62812*****890", true),
            ("pasien.#4", "pasien.#4", false),
            ("3201.1241.0790.001", "****.****.****.***", true),
            ("kode_320101", "kode_******", true),
        ];
        for (name, shown, found) in cases {
            assert_eq!(mask_identifiers(name, true), (shown.to_string(), found), "{name}");
        }
        // A name longer than any column's is free text, cut: many dots cost nothing.
        let (shown, found) = mask_identifiers(&"1.".repeat(50_000), false);
        assert!(
            found && shown.starts_with("1****") && shown.ends_with('…') && shown.chars().count() == 61,
            "{shown}"
        );
        let (shown, _) = mask_identifiers(&format!("{}.3201014107900001", "x".repeat(300)), false);
        assert!(!shown.contains("3201014107900001"), "{shown}");
    }

    #[test]
    fn json_keys_that_are_people_are_never_shown() {
        let cases = [
            ("Budi Santoso.nik", "*.nik"),
            ("pasien.Siti Nur Aminah.kontak.hp", "pasien.*.kontak.hp"),
            ("Ma'ruf Amin.Jenis Kelamin", "*.Jenis Kelamin"),
            ("Ibu Siti.alamat", "*.alamat"),
            ("Santoso, Budi.nik", "*.nik"),
            ("Dr. Budi Santoso, S.Kom.nik", "Dr.*.Kom.nik"),
            ("Alamat, Kota", "Alamat, Kota"),
            ("data.Nama Lengkap", "data.Nama Lengkap"),
            ("Tempat Lahir", "Tempat Lahir"),
            ("No HP", "No HP"),
            ("Budi.nik", "Budi.nik"),
            ("Budi Santoso 2.nik", "Budi Santoso 2.nik"),
        ];
        for (name, shown) in cases {
            assert_eq!(mask_identifiers(name, true).0, shown, "{name}");
        }
        // Only JSON keys: a CSV header or an SQL column of two words is a column's name.
        assert_eq!(mask_identifiers("Budi Santoso", false).0, "Budi Santoso");
        let (shown, _) = mask_identifiers(&format!("Budi Santoso.{}", "x".repeat(300)), true);
        assert!(shown.starts_with("B*** S*****") && !shown.contains("antoso"), "{shown}");
    }

    #[test]
    fn many_keys_with_the_same_fields_beneath_are_data() {
        let people = ["budi", "siti", "agus", "dewi", "joko", "rina", "tono", "wati", "yudi", "sri"];
        let mut paths: Vec<String> =
            people.iter().flat_map(|p| [format!("{p}.nik"), format!("{p}.kontak.hp")]).collect();
        paths.extend(["alamat.kota", "alamat.jalan", "budi", "x.siti.nik"].map(String::from));
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let shown = star_data_keys(&paths);
        assert_eq!(shown[0], "*.nik");
        assert_eq!(shown[1], "*.kontak.hp");
        assert_eq!(shown[18], "*.nik");
        assert_eq!(&shown[20..], ["alamat.kota", "alamat.jalan", "budi", "x.siti.nik"]);
        // Nine are a schema's.
        assert!(star_data_keys(&paths[2..]).iter().all(|p| !p.starts_with('*')));
    }

    #[test]
    fn suggested_maps_are_one_shell_word() {
        assert_eq!(map_option(Kind::Phone, "no_hp"), "--map phone=no_hp");
        assert_eq!(map_option(Kind::Phone, "b.id"), "--map phone=b.id");
        assert_eq!(map_option(Kind::Phone, "No HP Lain"), "--map 'phone=No HP Lain'");
        assert_eq!(map_option(Kind::Email, "# list"), "--map 'email=# list'");
        assert_eq!(map_option(Kind::Name, "nama'ibu"), r"--map 'name=nama'\''ibu'");
        assert_eq!(map_target("x (column 3)"), "3");
        assert_eq!(map_target("column 12"), "12");
    }
}
