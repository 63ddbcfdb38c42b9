//! The JSON wire format shared by the `json` and `ndjson` reports (SPEC §7). Serialize-only
//! structs, separate from the domain types, so the format changes only on purpose.
//!
//! - `exposure`: `input` (path as given, `-` for stdin), `record` (1-based data record), `line`
//!   (1-based physical line where it starts), `watch` (entry label, each NIK, phone or e-mail in
//!   it masked unless `--reveal`), `confidence` (`exposed` or `possible`), `matched` (kinds, in
//!   the order nik, phone, email, name_dob, name), `values` (the record's own
//!   nik/phone/email/name, masked unless `--reveal`).
//! - `inputs[]`: `path`, `format` (`csv` `tsv` `ndjson` `json` `sql`), `compression` (`gzip` or
//!   `zstd`, only when compressed), `records`, `bad_records`, `decoded_records` (records not valid
//!   UTF-8, read with Windows-1252), `complete`.
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

use super::ReportOptions;
use super::mask;
use crate::kind::Kind;
use crate::scan::{Exposure, InputStats, ScanStats};
use serde::Serialize;

/// The version written in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Serialize)]
pub struct JsonExposure<'a> {
    pub input: &'a str,
    pub record: u64,
    pub line: u64,
    pub watch: String,
    pub confidence: &'static str,
    pub matched: Vec<&'static str>,
    pub values: JsonValues,
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
        JsonExposure {
            input: e.input,
            record: e.record,
            line: e.line,
            watch: mask::shown_label(e.watch, options.reveal),
            confidence: e.confidence.as_str(),
            matched: e.matched.iter().map(Kind::as_str).collect(),
            values,
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
    pub complete: bool,
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
            complete: i.complete,
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

#[derive(Serialize)]
pub struct ByKind {
    pub nik: u64,
    pub phone: u64,
    pub email: u64,
    pub name_dob: u64,
    pub name: u64,
}

#[derive(Serialize)]
pub struct InvalidValues {
    pub nik: u64,
    pub phone: u64,
    pub email: u64,
    pub name: u64,
    pub dob: u64,
}

#[derive(Serialize)]
pub struct JsonSummary {
    pub records: u64,
    pub exposed_records: u64,
    pub possible_records: u64,
    pub bad_records: u64,
    pub watch_entries: usize,
    pub watch_entries_exposed: usize,
    pub by_kind: ByKind,
    pub invalid_values: InvalidValues,
    pub contradicted_name_matches: u64,
    pub watchlist_skipped: usize,
    pub skipped_files: u64,
    pub elapsed_ms: u64,
    pub complete: bool,
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
        }
    }
}
