//! `--format json`: one object, streamed — exposures are written as they are found, and
//! `inputs`, `skipped`, `warnings` and `summary` follow them, so memory does not grow with the number of exposures.

use super::schema::{self, JsonExposure, JsonSummary, VERSION};
use super::{ReportOptions, Reporter};
use crate::scan::{Exposure, ScanStats};
use std::io::{self, Write};

pub struct JsonReporter<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    exposures: u64,
}

impl<'w> JsonReporter<'w> {
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        JsonReporter { out, options, exposures: 0 }
    }

    fn open(&mut self) -> io::Result<()> {
        write!(self.out, "{{\"leakcheck\":\"{VERSION}\",\"exposures\":[")
    }
}

impl Reporter for JsonReporter<'_> {
    fn exposure(&mut self, e: &Exposure<'_>) -> io::Result<()> {
        if self.exposures == 0 {
            self.open()?;
        }
        self.out.write_all(if self.exposures == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, &JsonExposure::new(e, &self.options))?;
        self.exposures += 1;
        Ok(())
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        if self.exposures == 0 {
            self.open()?;
        }
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
