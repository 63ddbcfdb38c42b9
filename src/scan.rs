//! The scan: every input's records matched against the watchlist, through the batch engine
//! ([`crate::engine`]), and the results turned into stats and sink calls in input order, so the
//! report is byte-identical whatever the number of threads.
//!
//! It also decides what the run cannot vouch for: the inputs it could not read (listed in
//! [`ScanStats::skipped`], see [`ScanStats::shortfall`]) and the inputs whose values look like no
//! rule foresaw them ([`suspicions`], from per-kind counts summed per input as batches are emitted).

use crate::engine::{EngineError, run_batches};
use crate::hash::Hasher;
use crate::input::walk::Skipped;
use crate::input::{self, InputError, InputOptions, InputPath};
use crate::kind::{KIND_COUNT, Kind, KindSet};
use crate::matcher::{InvalidCounts, Matcher, ShownValue, ShownValues, ValueCounts};
use crate::report::exposed::{Categories, Date};
use crate::watchlist::Watchlist;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

mod emit;
mod task;

use emit::Emitter;
use task::process_batch;

/// Whether a pair shares a strong kind (exposed) or only the name (possible), SPEC §6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    Exposed,
    Possible,
}

impl Confidence {
    pub fn of(matched: KindSet) -> Self {
        if matched.any_strong() { Confidence::Exposed } else { Confidence::Possible }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Exposed => "exposed",
            Confidence::Possible => "possible",
        }
    }
}

/// One (record, watch entry) pair, ready for a report.
#[derive(Debug)]
pub struct Exposure<'a> {
    pub input: &'a str,
    pub record: u64,
    pub line: u64,
    pub watch: &'a str,
    pub confidence: Confidence,
    pub matched: KindSet,
    pub values: &'a ShownValues,
    /// The SQL table the record is a row of (SPEC §7 1.1).
    pub table: Option<&'a str>,
    /// The workbook sheet the record is a row of (SPEC §7 1.1).
    pub sheet: Option<&'a str>,
    /// The record's date of birth.
    pub dob: Option<&'a ShownValue>,
    /// The record's non-empty columns, as a report shows them ([`exposed::shown_column`]).
    pub fields: &'a [String],
    pub categories: Categories,
    /// 32 hex digits ([`exposed::fingerprint`]).
    pub fingerprint: &'a str,
    /// The fingerprint is in the `--baseline` report: an exposure already known.
    pub baseline: bool,
}

/// A malformed record that was skipped (SPEC §9).
#[derive(Debug, Clone)]
pub struct BadRecord<'a> {
    pub input: &'a str,
    pub record: u64,
    pub line: u64,
    pub reason: &'static str,
}

/// Receives the scan's results in input order.
pub trait ScanSink {
    fn exposure(&mut self, exposure: &Exposure<'_>) -> std::io::Result<()>;
    /// Called for each bad record; returning `Err` stops the scan (`--strict`).
    fn bad_record(&mut self, bad: &BadRecord<'_>) -> Result<(), ScanError>;
    /// Called after each batch with the records scanned so far.
    fn progress(&mut self, _records: u64) {}
    /// Called when an input (a file, an archive member, a sheet) starts to be read.
    fn reading(&mut self, _input: &str) {}
    /// An input that was not scanned, or not to its end (see [`Skipped::error`]).
    fn skipped(&mut self, skipped: &Skipped);
    /// Something the user should know about an input (never an identifier).
    fn warn(&mut self, message: &str);
    /// An input whose values look like no rule foresaw them (see [`suspicions`]); returning
    /// `Err` stops the scan (`--strict`).
    fn suspicious(&mut self, message: &str) -> Result<(), ScanError>;
}

/// What the scan needs besides the watchlist.
pub struct ScanConfig {
    pub inputs: Vec<InputPath>,
    /// Entries of the inputs' directories that could not be walked: the report lists them first.
    pub skipped: Vec<Skipped>,
    pub input: InputOptions,
    /// Bytes read so far across inputs, for the progress bar.
    pub bytes_read: Arc<AtomicU64>,
    /// The day a record's date of birth makes its person a child or not (`--as-of`).
    pub as_of: Date,
    /// Fingerprints of the `--baseline` report's exposures.
    pub baseline: Option<HashSet<u128>>,
    /// `--shard K/N`: the members of an archive among `inputs` are dealt one by one
    /// (SPEC §12, [`input::archive::Walk::dealt`]).
    pub shard: Option<crate::shard::ShardSpec>,
}

/// Per-input counts for the report's `inputs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputStats {
    pub path: String,
    pub format: Option<&'static str>,
    /// `gzip` or `zstd` when the input was compressed.
    pub compression: Option<&'static str>,
    pub records: u64,
    pub bad_records: u64,
    /// Records that were not valid UTF-8 and were read with Windows-1252 (SPEC §5).
    pub decoded_records: u64,
    /// Bytes read from the file as stored (compressed or not).
    pub bytes: u64,
    /// Read to its end.
    pub complete: bool,
    /// The byte range of the file a shard read (SPEC §12), its records and lines.
    pub range: Option<crate::shard::range::RangeStats>,
}

/// Everything the summary reports.
#[derive(Clone, Debug, Default)]
pub struct ScanStats {
    pub inputs: Vec<InputStats>,
    pub records: u64,
    pub exposed_records: u64,
    pub possible_records: u64,
    pub bad_records: u64,
    pub exposed_pairs: u64,
    pub possible_pairs: u64,
    /// Name-only pairs not reported because the record's birth date or NIK contradicts the
    /// entry's (SPEC §6 1.1).
    pub contradicted_name_matches: u64,
    /// Exposed pairs per matched kind, indexed by [`crate::kind::Kind::index`].
    pub by_kind: [u64; KIND_COUNT],
    pub invalid_values: InvalidCounts,
    pub watch_entries: usize,
    pub watch_entries_exposed: usize,
    /// Entries exposed by at least one pair whose categories include specific data.
    pub watch_entries_specific: usize,
    /// Exposed and possible pairs not in the `--baseline` report: what the exit code counts.
    pub new_exposed_pairs: u64,
    pub new_possible_pairs: u64,
    /// Records with an exposed pair not in the baseline.
    pub new_exposed_records: u64,
    /// Pairs marked as in the baseline.
    pub baseline_exposures: u64,
    /// Inputs skipped because they are not dumps (images, PDFs, archives…).
    pub skipped_files: u64,
    /// Every input not scanned, or not to its end, in the order met.
    pub skipped: Vec<Skipped>,
    /// A shard's members of the archives given to the run: the name each was dealt by and its
    /// place among its archive's members, for `report merge` to put them back in order.
    pub members: Vec<(String, u64)>,
    /// The run's warnings as shown on stderr (sanitized), for the report; the scan leaves this
    /// empty and the command fills it.
    pub warnings: Vec<String>,
    pub elapsed_ms: u64,
    /// Every input was read to its end, and records were read: the counts can be trusted.
    pub complete: bool,
}

impl ScanStats {
    /// Why a scan that went through every input is still no result to trust (SPEC §8 1.1: exit
    /// 2, with the report written).
    pub fn shortfall(&self) -> Option<Shortfall> {
        let unreadable = self.skipped.iter().filter(|s| s.error).count();
        (unreadable > 0 || self.records == 0)
            .then_some(Shortfall { unreadable, nothing_read: self.records == 0 })
    }
}

/// Inputs that could not be read, or no record read at all: what was checked is not everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub unreadable: usize,
    pub nothing_read: bool,
}

impl std::fmt::Display for Shortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.unreadable > 0 {
            // A missing path is not read at all, a failing one not to its end: the words fit both.
            let (inputs, their) = if self.unreadable == 1 { ("input", "its") } else { ("inputs", "their") };
            write!(
                f,
                "{} {inputs} could not be read, or not to {their} end (see the warnings above and the report's \
                 skipped inputs); the report is incomplete",
                self.unreadable
            )?;
            if self.nothing_read {
                f.write_str("; ")?;
            }
        }
        if self.nothing_read {
            f.write_str(
                "no record was read, so nothing was checked: every input was empty, header-only, \
                 unreadable or not a dump (see the warnings above)",
            )?;
        }
        Ok(())
    }
}

/// Why a scan stopped early.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{input}:{line}: bad record {record} ({reason}), and --strict is set")]
    Strict { input: String, line: u64, record: u64, reason: &'static str },
    #[error("writing the report: {0}")]
    Output(std::io::Error),
    #[error("cannot start worker threads ({0} of them): {1}")]
    Threads(usize, String),
    /// A signal stopped the scan between batches: [`crate::interrupt::Interrupted`], the one
    /// type of an interruption, is its source, so [`crate::interrupt::is_interruption`] finds it.
    #[error("interrupted")]
    Interrupted(#[from] crate::interrupt::Interrupted),
    #[error("{0}, and --strict is set")]
    Suspicious(String),
}

impl From<EngineError> for ScanError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Input(e) => ScanError::Input(e),
            EngineError::Threads(threads, why) => ScanError::Threads(threads, why),
            EngineError::Interrupted(i) => ScanError::Interrupted(i),
        }
    }
}

/// Scans every input of `config` on the workers of `pool` (the command's, which loaded the
/// watchlist: its threads are started once). The stats are returned even when the scan stops
/// early, with `complete` false, so the caller can still write an honest report.
pub fn scan(
    config: &ScanConfig,
    watchlist: &Watchlist,
    hasher: &Hasher,
    pool: &rayon::ThreadPool,
    sink: &mut dyn ScanSink,
) -> (ScanStats, Result<(), ScanError>) {
    let started = Instant::now();
    let mut state = Emitter::new(watchlist, config);
    let result = (|| {
        let matcher = Matcher { watchlist, hasher };
        for skipped in &config.skipped {
            state.skip(skipped.clone(), sink);
        }
        // An input that cannot be read to its end does not stop the others (a leaked directory
        // of hundreds of files with one cut short); it is listed, and the run ends in exit 2.
        // An archive is walked like a directory: each member an input of its own.
        for input in &config.inputs {
            let bytes_read = config.bytes_read.clone();
            let mut walk = match config.shard {
                Some(shard) => input::archive::Walk::dealt(input, &config.input, bytes_read, shard),
                None => input::archive::Walk::new(input, &config.input, bytes_read),
            };
            loop {
                // Inputs are read one after the other: what the counter gains from here on is
                // this input's (an archive member's bytes are its stored size instead).
                let bytes_before = config.bytes_read.load(Ordering::Relaxed);
                let Some((name, opened)) = walk.next() else { break };
                if let Some((member, at)) = walk.place()
                    && state.stats.members.last().is_none_or(|last| last.0 != member || last.1 != at)
                {
                    state.stats.members.push((member.to_string(), at));
                }
                let bytes = (config.bytes_read.as_ref(), bytes_before);
                match scan_input(name, opened, bytes, pool, &matcher, &mut state, sink) {
                    Err(ScanError::Input(InputError::Open { input, error })) => state.skip(
                        Skipped { path: input, reason: format!("cannot be read: {error}"), error: true },
                        sink,
                    ),
                    Err(ScanError::Input(InputError::Read { input, error })) => state.skip(
                        Skipped { path: input, reason: format!("read error: {error}"), error: true },
                        sink,
                    ),
                    result => result?,
                }
            }
        }
        Ok(())
    })();
    let mut stats = state.stats;
    stats.complete = result.is_ok() && stats.shortfall().is_none();
    stats.elapsed_ms = started.elapsed().as_millis() as u64;
    (stats, result)
}

/// Scans one input (a file, or a member of an archive) called `name`, as opened.
fn scan_input(
    name: String,
    opened: Result<input::Dump, InputError>,
    (bytes_read, bytes_before): (&AtomicU64, u64),
    pool: &rayon::ThreadPool,
    matcher: &Matcher<'_>,
    state: &mut Emitter,
    sink: &mut dyn ScanSink,
) -> Result<(), ScanError> {
    if let Err(InputError::Unsupported { input, what, unread }) = opened {
        state.skip(Skipped { path: input, reason: what.to_string(), error: unread }, sink);
        return Ok(());
    }
    state.stats.inputs.push(InputStats {
        path: name,
        format: None,
        compression: None,
        records: 0,
        bad_records: 0,
        decoded_records: 0,
        bytes: 0,
        complete: false,
        range: None,
    });
    let mut dump = opened?;
    if let Some(last) = state.stats.inputs.last_mut() {
        last.format = Some(dump.format.as_str());
        last.compression = dump.compression.name();
    }
    for warning in &dump.warnings {
        sink.warn(warning);
    }
    let name = dump.name.clone();
    state.sheet = dump.sheet.clone();
    sink.reading(&name);
    state.input_values = [0; KIND_COUNT];
    state.input_invalid = [0; KIND_COUNT];
    let first = std::mem::take(&mut dump.first);
    let extractor = dump.extractor.as_ref();
    let as_of = state.as_of;
    let read = run_batches::<_, ScanError>(
        pool,
        dump.splitter.as_mut(),
        first,
        None,
        |batch| process_batch(batch, extractor, matcher, as_of),
        |results| {
            state.emit(&name, results, sink)?;
            sink.progress(state.stats.records);
            Ok(())
        },
    );
    if let Some(last) = state.stats.inputs.last_mut() {
        // A member's bytes as its archive stores them; a file's (or standard input's) as read.
        last.bytes = dump
            .stored_bytes
            .unwrap_or_else(|| bytes_read.load(Ordering::Relaxed).saturating_sub(bytes_before));
        last.range = dump.range.as_ref().map(|range| crate::shard::range::RangeStats {
            start: range.start,
            end: range.end,
            records: last.records,
            lines: range.lines(),
            values: state.input_values,
            invalid: state.input_invalid,
        });
    }
    read?;
    if let Some(warning) = dump.splitter.late_warning() {
        sink.warn(&warning);
    }
    let Some(last) = state.stats.inputs.last_mut() else { return Ok(()) };
    last.complete = true;
    if last.range.is_some() {
        // A part of a file: whether the file has no record, or suspect values, is said of the
        // whole file, which only `report merge` sees (from the range's counts in the report).
        return Ok(());
    }
    if last.records == 0 {
        // An empty export scans clear: say so, or a CI job reads it as a clean dump.
        sink.warn(&format!("{name}: no records"));
    } else if last.records > last.bad_records {
        for message in suspicions(&name, &state.input_values, &state.input_invalid) {
            sink.suspicious(&message)?;
        }
    }
    Ok(())
}

/// The guard for what no rule foresaw: an input is suspect when at least this many values of
/// one role (one kind, all its columns together) were read…
pub const SUSPECT_MIN_VALUES: u64 = 20;
/// …and at least this share of them, in percent, is invalid: a UTF-16 file read as TSV, a NIK
/// column of a spreadsheet export written `3.20101E+15`, dates with two-digit years. Few values
/// never warn, so one bad value in a small dump is not a suspect input.
pub const SUSPECT_INVALID_PERCENT: u64 = 95;

/// What looks wrong in a whole input of `name`, from its values and invalid values per kind:
/// a role whose values are almost all invalid, or no value with a role at all.
pub fn suspicions(name: &str, values: &ValueCounts, invalid: &InvalidCounts) -> Vec<String> {
    if values.iter().all(|&n| n == 0) {
        return vec![format!(
            "{name}: no NIK, phone, e-mail, name or birth date was found by column or field name, nor \
             in 80 % of a column's values in the first 1,000 records (only those are sniffed; or the \
             columns for them were empty), so no value was checked; check which columns hold them \
             with --map KIND=COLUMN"
        )];
    }
    Kind::FIELDS
        .iter()
        .filter_map(|&kind| {
            let (seen, bad) = (values[kind.index()], invalid[kind.index()]);
            (seen >= SUSPECT_MIN_VALUES && bad * 100 >= seen * SUSPECT_INVALID_PERCENT).then(|| {
                format!(
                    "{name}: {bad} of {seen} {kind} values are invalid ({}%): that column may hold \
                     something else, or the input be in another format or encoding; check it with \
                     `leakcheck inspect`, and give the columns with --map KIND=COLUMN",
                    bad * 100 / seen
                )
            })
        })
        .collect()
}

/// Bad records warned about one by one; the rest are counted (SPEC §9).
pub const WARN_BAD_RECORDS: u64 = 10;
