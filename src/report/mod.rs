//! Reports (SPEC §7): one [`Reporter`] per format behind one trait, plus masking.
//!
//! Reporters receive exposures in input order while the scan runs and the summary at the end.
//! Machine formats stream (memory stays flat however many exposures there are); the human format
//! keeps at most [`human::TABLE_LIMIT`] rows for its table.

mod csv;
pub mod exposed;
pub(crate) mod human;
mod json;
pub mod mask;
mod ndjson;
mod order;
pub mod read;
pub mod schema;
pub mod tally;

pub(crate) use self::csv::defused;
pub use schema::{RULES, VERSION};

use crate::scan::{Exposure, ScanStats};
use crate::watchlist::WatchlistFile;
use std::io::{self, Write};

/// The report formats of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Human,
    Json,
    Ndjson,
    Csv,
}

impl ReportFormat {
    /// What `--format` calls it.
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Human => "human",
            ReportFormat::Json => "json",
            ReportFormat::Ndjson => "ndjson",
            ReportFormat::Csv => "csv",
        }
    }

    /// The format a file name's extension names (`.json`, `.ndjson`, `.jsonl`, `.csv`), if any.
    pub fn named_by(path: &std::path::Path) -> Option<ReportFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(ReportFormat::Json),
            "ndjson" | "jsonl" => Some(ReportFormat::Ndjson),
            "csv" => Some(ReportFormat::Csv),
            _ => None,
        }
    }
}

/// What every reporter needs to know besides the data.
#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Show identifiers as found instead of masked (`--reveal`).
    pub reveal: bool,
    /// Use ANSI colour (human format, terminal, no `NO_COLOR`).
    pub color: bool,
    /// Lines or rows of the watchlists skipped under `--lenient`.
    pub watch_skipped: usize,
    pub run: RunInfo,
}

/// What a report says about the run before its results (SPEC §7 1.1).
#[derive(Clone, Debug, Default)]
pub struct RunInfo {
    /// RFC 3339, UTC.
    pub started_at: String,
    /// `YYYY-MM-DD`: the day ages are taken on (`--as-of`).
    pub as_of: String,
    pub watchlists: Vec<WatchlistFile>,
    /// `--baseline` was given: exposures come new exposed, new possible, then baseline.
    pub baseline: bool,
    /// `--shard K/N`: what `report merge` needs to join this shard's report with the others.
    pub shard: Option<crate::shard::ShardInfo>,
}

/// Writes one report format.
pub trait Reporter {
    /// One (record, watch entry) pair, in input order.
    fn exposure(&mut self, exposure: &Exposure<'_>) -> io::Result<()>;
    /// The summary, once, after the last exposure (also when the scan stopped early).
    fn finish(&mut self, stats: &ScanStats) -> io::Result<()>;
}

/// A reporter of `format` writing to `out`.
pub fn reporter<'w>(
    format: ReportFormat,
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
) -> Box<dyn Reporter + 'w> {
    match format {
        ReportFormat::Human => Box::new(human::HumanReporter::new(out, options)),
        ReportFormat::Json => Box::new(json::JsonReporter::new(out, options)),
        ReportFormat::Ndjson => Box::new(ndjson::NdjsonReporter::new(out, options)),
        ReportFormat::Csv => Box::new(csv::CsvReporter::new(out, options)),
    }
}

#[cfg(test)]
mod tests;
