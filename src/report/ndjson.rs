//! `--format ndjson`: one `{"type":"exposure",…}` line per exposure as it is found, then one
//! `{"type":"summary",…}` line with the version, the inputs, what was skipped, the warnings and
//! the summary counts.

use super::schema::{self, JsonExposure, JsonInput, JsonSkipped, JsonSummary, VERSION};
use super::{ReportOptions, Reporter};
use crate::scan::{Exposure, ScanStats};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Line<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct SummaryBody<'a> {
    leakcheck: &'static str,
    inputs: Vec<JsonInput<'a>>,
    skipped: Vec<JsonSkipped<'a>>,
    warnings: &'a [String],
    #[serde(flatten)]
    summary: JsonSummary,
}

pub struct NdjsonReporter<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
}

impl<'w> NdjsonReporter<'w> {
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        NdjsonReporter { out, options }
    }
}

impl Reporter for NdjsonReporter<'_> {
    fn exposure(&mut self, e: &Exposure<'_>) -> io::Result<()> {
        let line = Line { kind: "exposure", body: JsonExposure::new(e, &self.options) };
        serde_json::to_writer(&mut self.out, &line)?;
        self.out.write_all(b"\n")
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        let body = SummaryBody {
            leakcheck: VERSION,
            inputs: schema::inputs(stats),
            skipped: schema::skipped(stats),
            warnings: &stats.warnings,
            summary: JsonSummary::new(stats, &self.options),
        };
        serde_json::to_writer(&mut self.out, &Line { kind: "summary", body })?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
