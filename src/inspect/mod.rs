//! `inspect`: what leakcheck sees in a dump before it scans — format, columns and their roles
//! (and why), how many values of each kind are valid, masked samples, and what the NIKs say.
//!
//! It plans an input exactly as the scan does (`input::open_dump`) and reads records through
//! the same extractors, so the roles it shows are the roles the scan uses.

mod memo;
pub mod nik;
pub mod report;
mod shape;
pub mod tally;

use crate::engine::{self, EngineError};
use crate::input::{self, InputError, InputOptions, InputPath};
use crate::roles::ColumnMap;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
pub use tally::Tally;

/// Records per parallel work item: each builds a tally that is then merged, so larger than the
/// scan's; small enough that the last tasks of a batch keep both workers busy (4096 left one
/// idle at the end of each batch: 2.5 s against 2.43 s on the 1.1 GB bench CSV, 2 threads).
const RECORDS_PER_TASK: usize = 1024;

thread_local! {
    /// Each worker's buffers and value memory, kept from task to task and batch to batch: the
    /// memory pays off only over many records.
    static SCRATCH: RefCell<tally::Scratch> = RefCell::default();
}

/// Records read when neither `--sample` nor `--full` says otherwise.
pub const DEFAULT_SAMPLE: u64 = 10_000;

/// How to inspect.
pub struct InspectOptions {
    pub input: InputOptions,
    /// Stop after this many records; `None` reads everything (`--full`).
    pub sample: Option<u64>,
    pub bytes_read: Arc<AtomicU64>,
}

/// What was found in one input.
pub struct Inspection {
    pub path: String,
    pub format: &'static str,
    pub compression: Option<&'static str>,
    pub delimiter: Option<u8>,
    /// Tab-separated only: `quoted` or `escaped` (SPEC §5).
    pub tsv_dialect: Option<&'static str>,
    /// CSV/TSV only: whether the first row was read as a header.
    pub header: Option<bool>,
    /// CSV/TSV read with a header: its names, to check that a suggested `--map` names the column
    /// it is for.
    pub headers: Option<Vec<String>>,
    pub bom: bool,
    /// Reading stopped at the sample size with records left unread.
    pub sampled: bool,
    pub tally: Tally,
    pub warnings: Vec<String>,
}

/// Inspects one input; `progress` is told the records read so far after each batch.
pub fn inspect(
    input: &InputPath,
    options: &InspectOptions,
    pool: &rayon::ThreadPool,
    progress: &mut dyn FnMut(u64),
) -> Result<Inspection, EngineError> {
    // Each input is told which `--map` named none of its columns.
    options.input.maps.iter().for_each(ColumnMap::forget_use);
    let dump = input::open_dump(input, &options.input, options.bytes_read.clone())?;
    inspect_dump(dump, options, pool, progress)
}

/// Inspects an input already opened (a member of an archive); the `--map` uses must have been
/// forgotten before it was.
pub fn inspect_dump(
    mut dump: input::Dump,
    options: &InspectOptions,
    pool: &rayon::ThreadPool,
    progress: &mut dyn FnMut(u64),
) -> Result<Inspection, EngineError> {
    let mut total = Tally::default();
    let first = std::mem::take(&mut dump.first);
    let extractor = dump.extractor.as_ref();
    total.declare_columns(extractor);
    let left = engine::run_batches::<_, EngineError>(
        pool,
        dump.splitter.as_mut(),
        first,
        options.sample,
        |batch| {
            engine::map_batch(batch, RECORDS_PER_TASK, |spans, _: &mut ()| {
                let mut tally = Tally::default();
                SCRATCH.with_borrow_mut(|scratch| tally.add_records(batch, spans, extractor, scratch));
                tally
            })
        },
        |tallies| {
            for tally in tallies {
                total.merge(tally);
            }
            progress(total.records);
            Ok(())
        },
    )?;
    let csv = dump.format.has_header_row();
    // An escaped TSV whose first row is data was read without a header: its columns have no name.
    let header = !options.input.no_header
        && (dump.columns.is_empty() || dump.columns.iter().any(|c| c.name.is_some()));
    let mut warnings = dump.warnings;
    for &(record, line, reason) in &total.first_bad {
        warnings.push(format!("{}:{line}: bad record {record} not counted: {reason}", dump.name));
    }
    if let more @ 1.. = total.bad_records.saturating_sub(total.first_bad.len() as u64) {
        warnings.push(format!(
            "{}: {more} more bad records not counted ({} in all)",
            dump.name, total.bad_records
        ));
    }
    if total.records == 0 {
        warnings.push(format!("{}: no records", dump.name));
    }
    // An unknown CSV column is an error before reading; JSON paths and SQL columns are only
    // known once read.
    for map in options.input.maps.iter().filter(|m| !m.was_used()) {
        warnings.push(format!(
            "{}: --map {}={} gave no column a role: no column read has that name",
            dump.name, map.kind, map.column
        ));
    }
    Ok(Inspection {
        path: dump.name,
        format: dump.format.as_str(),
        compression: dump.compression.name(),
        delimiter: dump.delimiter,
        header: csv.then_some(header),
        tsv_dialect: dump.tsv_dialect.map(|d| d.as_str()),
        headers: (csv && header)
            .then(|| dump.columns.iter().map(|c| c.name.clone().unwrap_or_default()).collect()),
        bom: dump.bom,
        sampled: left,
        tally: total,
        warnings,
    })
}

/// Whether an input error means "not a dump" (skipped) rather than a failure.
pub fn is_skipped(error: &EngineError) -> Option<(&str, &'static str)> {
    match error {
        EngineError::Input(InputError::Unsupported { input, what, .. }) => Some((input, what)),
        _ => None,
    }
}
