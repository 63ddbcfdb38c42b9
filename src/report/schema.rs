//! The JSON wire format shared by the `json` and `ndjson` reports (SPEC §7). Serialize-only
//! structs, separate from the domain types, so the format changes only on purpose.
//!
//! - `exposure`: `input` (path as given, `-` for stdin), `record` (1-based data record), `line`
//!   (1-based physical line where it starts), `watch` (entry label, each NIK, phone or e-mail in
//!   it masked unless `--reveal`), `confidence` (`exposed` or `possible`), `matched` (kinds, in
//!   the order nik, phone, email, name_dob, name), `values` (the record's own
//!   nik/phone/email/name, masked unless `--reveal`, and 1.1 `dob`, masked `YYYY-**-**`).
//!   1.1: `table` (SQL, when there is one), `fields` (the record's non-empty column names),
//!   `categories` (UU PDP Art. 4), `fingerprint` (32 hex digits), `baseline` (only when true).
//! - report level (1.1): `rules`, `started_at`, `as_of`, `watchlists[]` (`path`, `format`,
//!   `entries`, `keyed`, `sha256`). docs/report.md documents every field.
//! - `inputs[]`: `path`, `format` (`csv` `tsv` `ndjson` `json` `sql`), `compression` (`gzip` or
//!   `zstd`, only when compressed), `records`, `bad_records`, `decoded_records` (records not valid
//!   UTF-8, read with Windows-1252), `bytes` (read from the file as stored; an archive member's
//!   size as its archive stores it, `input::archive`; a sheet's 0), `complete`; in a
//!   shard's report only, `range` (`start`, `end`, `records`, `lines`: the byte range of a big
//!   NDJSON file the shard read, its counts being the range's, numbered from 1 in it, SPEC §12;
//!   `values`, `invalid`: its values and invalid values per kind, for the merge's suspect-input
//!   warnings).
//! - `skipped[]` (1.1): every input not scanned, or not to its end, in the order met: `path`,
//!   `reason` (`a PDF document`, `a symbolic link to nothing`, `read error: …`) and `error` (true
//!   when it should have been read and could not be — the run then exits 2 —, false when it is
//!   simply not a dump). An input read in part is also in `inputs[]`, with `complete` false.
//! - `warnings[]` (1.1): the run's warnings as on stderr, sanitized, without the
//!   `leakcheck: warning: ` prefix; at most 1,000, then one saying how many more there were.
//! - `summary`: the counts of SPEC §7, `contradicted_name_matches` (1.1: name-only pairs not
//!   reported because the record's birth date or NIK contradicts the entry's, SPEC §6),
//!   `watchlist_skipped` (lines skipped by `--lenient`),
//!   `skipped_files` (inputs that are not dumps) and `complete` (false when the scan stopped on an
//!   error, could not read an input, or read no record at all: the counts are not a result to
//!   trust, and the run exits 2).

use super::exposed::{Categories, Category};
use super::mask;
use super::{ReportOptions, RunInfo};
use crate::kind::{Kind, KindSet};
use crate::scan::{Exposure, InputStats, ScanStats};
use crate::watchlist::WatchlistFile;
use serde::Serialize;

/// The version written in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The normalization rules (SPEC's version) a report was made with.
pub const RULES: &str = "1.1";

/// What a report says about the run before its results: the report level fields of 1.1.
#[derive(Serialize)]
pub struct JsonRun<'a> {
    pub leakcheck: &'static str,
    pub rules: &'static str,
    pub started_at: &'a str,
    pub as_of: &'a str,
    pub watchlists: Vec<JsonWatchlist<'a>>,
    /// Only in a shard's report (`scan --shard`), which `report merge` reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<&'a crate::shard::ShardInfo>,
}

#[derive(Serialize)]
pub struct JsonWatchlist<'a> {
    pub path: &'a str,
    pub format: &'static str,
    pub entries: usize,
    pub keyed: bool,
    pub sha256: &'a str,
}

impl<'a> JsonRun<'a> {
    pub fn new(run: &'a RunInfo) -> Self {
        let watchlists = run
            .watchlists
            .iter()
            .map(|w: &'a WatchlistFile| JsonWatchlist {
                path: &w.path,
                format: w.format,
                entries: w.entries,
                keyed: w.keyed,
                sha256: &w.sha256,
            })
            .collect();
        JsonRun {
            leakcheck: VERSION,
            rules: RULES,
            started_at: &run.started_at,
            as_of: &run.as_of,
            watchlists,
            shard: run.shard.as_ref(),
        }
    }
}

#[derive(Serialize)]
pub struct JsonExposure<'a> {
    pub input: &'a str,
    pub record: u64,
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub watch: String,
    pub confidence: &'static str,
    pub matched: KindNames,
    pub values: JsonValues,
    pub fields: &'a [String],
    pub categories: CategoryNames,
    pub fingerprint: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
}

/// The names of a set of kinds, in report order, written as a JSON array (no `Vec` per exposure).
pub struct KindNames(pub KindSet);

impl Serialize for KindNames {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Kind::as_str))
    }
}

/// The names of a set of categories, in report order, written as a JSON array.
pub struct CategoryNames(pub Categories);

impl Serialize for CategoryNames {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Category::as_str))
    }
}

#[derive(Serialize, Default)]
pub struct JsonValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nik: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dob: Option<String>,
}

impl<'a> JsonExposure<'a> {
    pub fn new(e: &Exposure<'a>, options: &ReportOptions) -> Self {
        let mut values = JsonValues::default();
        for (kind, value) in e.values.iter() {
            let shown = Some(mask::shown(kind, value, options.reveal));
            match kind {
                Kind::Nik => values.nik = shown,
                Kind::Phone => values.phone = shown,
                Kind::Email => values.email = shown,
                _ => values.name = shown,
            }
        }
        values.dob = e.dob.map(|dob| mask::shown(Kind::Dob, dob, options.reveal));
        JsonExposure {
            input: e.input,
            record: e.record,
            line: e.line,
            table: e.table.map(mask::sanitize),
            sheet: e.sheet.map(mask::sanitize),
            watch: mask::shown_label(e.watch, options.reveal),
            confidence: e.confidence.as_str(),
            matched: KindNames(e.matched),
            values,
            fields: e.fields,
            categories: CategoryNames(e.categories),
            fingerprint: e.fingerprint,
            baseline: e.baseline,
        }
    }
}

#[derive(Serialize)]
pub struct JsonInput<'a> {
    pub path: &'a str,
    pub format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<&'static str>,
    pub records: u64,
    pub bad_records: u64,
    pub decoded_records: u64,
    pub bytes: u64,
    pub complete: bool,
    /// Only in a shard's report: the byte range of the file it read (SPEC §12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<crate::shard::range::RangeStats>,
}

impl<'a> From<&'a InputStats> for JsonInput<'a> {
    fn from(i: &'a InputStats) -> Self {
        JsonInput {
            path: &i.path,
            format: i.format,
            compression: i.compression,
            records: i.records,
            bad_records: i.bad_records,
            decoded_records: i.decoded_records,
            bytes: i.bytes,
            complete: i.complete,
            range: i.range,
        }
    }
}

pub fn inputs(stats: &ScanStats) -> Vec<JsonInput<'_>> {
    stats.inputs.iter().map(JsonInput::from).collect()
}

#[derive(Serialize)]
pub struct JsonSkipped<'a> {
    pub path: &'a str,
    pub reason: &'a str,
    pub error: bool,
}

pub fn skipped(stats: &ScanStats) -> Vec<JsonSkipped<'_>> {
    stats.skipped.iter().map(|s| JsonSkipped { path: &s.path, reason: &s.reason, error: s.error }).collect()
}

#[derive(Serialize, serde::Deserialize)]
pub struct ByKind {
    pub nik: u64,
    pub phone: u64,
    pub email: u64,
    pub name_dob: u64,
    pub name: u64,
}

#[derive(Serialize, serde::Deserialize)]
pub struct InvalidValues {
    pub nik: u64,
    pub phone: u64,
    pub email: u64,
    pub name: u64,
    pub dob: u64,
}

#[derive(Serialize, serde::Deserialize)]
pub struct JsonSummary {
    pub records: u64,
    pub exposed_records: u64,
    pub possible_records: u64,
    pub bad_records: u64,
    pub watch_entries: usize,
    pub watch_entries_exposed: usize,
    pub new_exposed_records: u64,
    pub baseline_exposures: u64,
    pub by_kind: ByKind,
    pub invalid_values: InvalidValues,
    pub contradicted_name_matches: u64,
    pub watchlist_skipped: usize,
    pub skipped_files: u64,
    pub elapsed_ms: u64,
    pub complete: bool,
    /// Only in a shard's report that was dealt members of an archive given to the run
    /// (SPEC §12): `[name, place among its archive's members]`, for `report merge`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shard_members: Vec<(String, u64)>,
}

impl JsonSummary {
    pub fn new(s: &ScanStats, options: &ReportOptions) -> Self {
        let by = |k: Kind| s.by_kind[k.index()];
        let bad = |k: Kind| s.invalid_values[k.index()];
        JsonSummary {
            records: s.records,
            exposed_records: s.exposed_records,
            possible_records: s.possible_records,
            bad_records: s.bad_records,
            watch_entries: s.watch_entries,
            watch_entries_exposed: s.watch_entries_exposed,
            new_exposed_records: s.new_exposed_records,
            baseline_exposures: s.baseline_exposures,
            by_kind: ByKind {
                nik: by(Kind::Nik),
                phone: by(Kind::Phone),
                email: by(Kind::Email),
                name_dob: by(Kind::NameDob),
                name: by(Kind::Name),
            },
            invalid_values: InvalidValues {
                nik: bad(Kind::Nik),
                phone: bad(Kind::Phone),
                email: bad(Kind::Email),
                name: bad(Kind::Name),
                dob: bad(Kind::Dob),
            },
            contradicted_name_matches: s.contradicted_name_matches,
            watchlist_skipped: options.watch_skipped,
            skipped_files: s.skipped_files,
            elapsed_ms: s.elapsed_ms,
            complete: s.complete,
            shard_members: s.members.clone(),
        }
    }
}
