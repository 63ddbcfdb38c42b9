//! `--format csv`: one row per exposure under the header of SPEC §7, streamed. No summary row:
//! the CSV holds exposures only (the exit code and the other formats carry the counts).

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
            self.out.write_record(HEADER)?;
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
        self.out.write_record([
            e.input,
            &e.record.to_string(),
            &e.line.to_string(),
            e.watch,
            e.confidence.as_str(),
            &e.matched.joined("+"),
            &nik,
            &phone,
            &email,
            &name,
        ])?;
        Ok(())
    }

    fn finish(&mut self, _stats: &ScanStats) -> io::Result<()> {
        self.header()?;
        self.out.flush()
    }
}
