//! `--format ndjson`: one `{"type":"exposure",…}` line per exposure as it is found (under
//! `--baseline`, in the order of [`super::order`]), then one `{"type":"summary",…}` line with
//! the run's fields (version, rules, start, watchlists), the inputs, what was skipped, the
//! warnings and the summary counts.

use super::order::Deferred;
use super::schema::{self, JsonExposure, JsonInput, JsonRun, JsonSkipped, JsonSummary};
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
    #[serde(flatten)]
    run: JsonRun<'a>,
    inputs: Vec<JsonInput<'a>>,
    skipped: Vec<JsonSkipped<'a>>,
    warnings: &'a [String],
    #[serde(flatten)]
    summary: JsonSummary,
}

pub struct NdjsonReporter<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    deferred: Deferred,
}

impl<'w> NdjsonReporter<'w> {
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        let deferred = Deferred::new(options.run.baseline);
        NdjsonReporter { out, options, deferred }
    }
}

impl Reporter for NdjsonReporter<'_> {
    fn exposure(&mut self, e: &Exposure<'_>) -> io::Result<()> {
        let line = Line { kind: "exposure", body: JsonExposure::new(e, &self.options) };
        let out: &mut dyn Write = match self.deferred.holder(e)? {
            Some(holder) => holder,
            None => &mut self.out,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        let out = &mut self.out;
        self.deferred.replay(|held| io::copy(held, out).map(drop))?;
        let body = SummaryBody {
            run: JsonRun::new(&self.options.run),
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
