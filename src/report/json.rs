//! `--format json`: one object, streamed — the run's fields (version, rules, start, watchlists)
//! first, then exposures as they are found (under `--baseline`, in the order of
//! [`super::order`]), and `inputs`, `skipped`, `warnings` and `summary` after them, so memory
//! does not grow with the number of exposures. Each exposure is one line.

use super::order::Deferred;
use super::schema::{self, JsonExposure, JsonRun, JsonSummary};
use super::{ReportOptions, Reporter};
use crate::scan::{Exposure, ScanStats};
use std::io::{self, Write};

pub struct JsonReporter<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    exposures: u64,
    opened: bool,
    deferred: Deferred,
    /// One exposure, rendered.
    buf: Vec<u8>,
}

impl<'w> JsonReporter<'w> {
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        let deferred = Deferred::new(options.run.baseline);
        JsonReporter { out, options, exposures: 0, opened: false, deferred, buf: Vec::new() }
    }

    /// The run's fields and the start of `exposures`: the report's first line.
    fn open(&mut self) -> io::Result<()> {
        if self.opened {
            return Ok(());
        }
        self.opened = true;
        let run = serde_json::to_vec(&JsonRun::new(&self.options.run))?;
        // `{…run fields…}` reopened to take the exposures after them.
        self.out.write_all(&run[..run.len() - 1])?;
        self.out.write_all(b",\"exposures\":[")
    }

    /// Writes one rendered exposure (no line end in it) into the array.
    fn element(&mut self, rendered: &[u8]) -> io::Result<()> {
        self.out.write_all(if self.exposures == 0 { b"\n" } else { b",\n" })?;
        self.out.write_all(rendered)?;
        self.exposures += 1;
        Ok(())
    }
}

impl Reporter for JsonReporter<'_> {
    fn exposure(&mut self, e: &Exposure<'_>) -> io::Result<()> {
        self.open()?;
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, &JsonExposure::new(e, &self.options))?;
        match self.deferred.holder(e)? {
            Some(holder) => {
                holder.write_all(&self.buf)?;
                holder.write_all(b"\n")
            }
            None => {
                let rendered = std::mem::take(&mut self.buf);
                let written = self.element(&rendered);
                self.buf = rendered;
                written
            }
        }
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        self.open()?;
        let mut deferred = std::mem::take(&mut self.deferred);
        deferred.replay(|held| {
            let mut line = Vec::new();
            while held.read_until(b'\n', &mut line)? > 0 {
                self.element(line.strip_suffix(b"\n").unwrap_or(&line))?;
                line.clear();
            }
            Ok(())
        })?;
        self.out.write_all(b"\n],\"inputs\":")?;
        serde_json::to_writer(&mut self.out, &schema::inputs(stats))?;
        self.out.write_all(b",\n\"skipped\":")?;
        serde_json::to_writer(&mut self.out, &schema::skipped(stats))?;
        self.out.write_all(b",\n\"warnings\":")?;
        serde_json::to_writer(&mut self.out, &stats.warnings)?;
        self.out.write_all(b",\n\"summary\":")?;
        serde_json::to_writer(&mut self.out, &JsonSummary::new(stats, &self.options))?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}
