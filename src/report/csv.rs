//! `--format csv`: one row per exposure under the header of SPEC §7, streamed. No summary: the
//! CSV holds exposures only; when the scan failed, a last row with `confidence` = `incomplete`
//! says the list is partial.

use super::{ReportOptions, Reporter, mask};
use crate::kind::Kind;
use crate::scan::{Exposure, ScanStats};
use std::io::{self, Write};

const HEADER: [&str; 10] =
    ["input", "record", "line", "watch", "confidence", "matched", "nik", "phone", "email", "name"];

pub struct CsvReporter<'w> {
    out: csv::Writer<Box<dyn Write + 'w>>,
    options: ReportOptions,
    header_written: bool,
}

impl<'w> CsvReporter<'w> {
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        CsvReporter { out: csv::Writer::from_writer(out), options, header_written: false }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            self.out.write_record(HEADER).map_err(into_io)?;
        }
        Ok(())
    }
}

impl Reporter for CsvReporter<'_> {
    fn exposure(&mut self, e: &Exposure<'_>) -> io::Result<()> {
        self.header()?;
        let mut shown: [String; 4] = Default::default();
        for (kind, value) in e.values.iter() {
            if let Some(i) = Kind::SHOWN.iter().position(|k| *k == kind) {
                shown[i] = mask::shown(kind, value, self.options.reveal);
            }
        }
        let [nik, phone, email, name] = shown;
        self.out
            .write_record([
                // A file name from a leaked directory may carry terminal escapes.
                &mask::sanitize(e.input),
                &e.record.to_string(),
                &e.line.to_string(),
                &mask::sanitize(e.watch),
                e.confidence.as_str(),
                &e.matched.joined("+"),
                &nik,
                &phone,
                &email,
                &name,
            ])
            .map_err(into_io)
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        self.header()?;
        if !stats.complete {
            // A CSV has no summary: a last row says the report is partial (SPEC §8).
            self.out.write_record(["", "", "", "", "incomplete", "", "", "", "", ""]).map_err(into_io)?;
        }
        self.out.flush()
    }
}

/// The I/O error inside a CSV error, so that a closed pipe is still recognized as one.
fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
