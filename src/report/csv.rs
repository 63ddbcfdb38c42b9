//! `--format csv`: one row per exposure under the 1.1 header of SPEC §7, streamed (under
//! `--baseline`, in the order of [`super::order`]). No summary: the CSV holds exposures only;
//! when the scan failed, a last row with `confidence` = `incomplete` says the list is partial. A
//! cell a spreadsheet would run as a formula is escaped (SPEC §7, 1.1).

use super::order::Deferred;
use super::{ReportOptions, Reporter, mask};
use crate::kind::Kind;
use crate::scan::{Exposure, ScanStats};
use std::borrow::Cow;
use std::io::{self, Write};

const HEADER: [&str; 16] = [
    "input",
    "record",
    "line",
    "watch",
    "confidence",
    "matched",
    "nik",
    "phone",
    "email",
    "name",
    "dob",
    "table",
    "fields",
    "categories",
    "fingerprint",
    "baseline",
];

pub struct CsvReporter<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    header_written: bool,
    deferred: Deferred,
    /// Renders one row at a time into its buffer, which is emptied after each row: one writer for
    /// the report, where a writer per row allocated its 8 KiB buffer for every exposure.
    rows: csv::Writer<RowBuffer>,
}

/// What the CSV writer writes a row into. The writer lends only a shared reference to it, so the
/// row is taken out of a `Cell` to be written on and put back empty.
#[derive(Default)]
struct RowBuffer(std::cell::Cell<Vec<u8>>);

impl Write for RowBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.get_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'w> CsvReporter<'w> {
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        let deferred = Deferred::new(options.run.baseline);
        let rows = csv::Writer::from_writer(RowBuffer::default());
        CsvReporter { out, options, header_written: false, deferred, rows }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            write_row(&mut self.rows, HEADER, &mut self.out)?;
        }
        Ok(())
    }
}

/// Renders one CSV row with `rows` and writes it to `to` (rows are rendered one at a time: each
/// goes to the report or waits in [`Deferred`]).
fn write_row(
    rows: &mut csv::Writer<RowBuffer>,
    cells: [&str; HEADER.len()],
    to: &mut dyn Write,
) -> io::Result<()> {
    rows.write_record(cells).map_err(into_io)?;
    rows.flush()?;
    let mut row = rows.get_ref().0.take();
    let written = to.write_all(&row);
    row.clear();
    rows.get_ref().0.set(row);
    written
}

impl CsvReporter<'_> {
    /// Writes a row to `to` (the report when `None`), every cell [`defused`]: dump text, file
    /// names and watch labels alike.
    fn row(&mut self, cells: [&str; HEADER.len()], to: Option<&mut dyn Write>) -> io::Result<()> {
        let defused = cells.map(defused);
        let cells = std::array::from_fn(|i| defused[i].as_ref());
        match to {
            Some(holder) => write_row(&mut self.rows, cells, holder),
            None => write_row(&mut self.rows, cells, &mut self.out),
        }
    }
}

/// A cell a spreadsheet would read as a formula, escaped by a leading `'` (SPEC §7, 1.1): one
/// that starts with `=`, `@`, TAB or CR, or with `+` or `-` followed by anything but digits,
/// spaces, `-` and `*` (`=HYPERLINK(…)`, `+cmd|…`, `-1+1`; not a masked phone `+62812*****321`).
pub(crate) fn defused(cell: &str) -> Cow<'_, str> {
    let mut rest = cell.chars();
    let formula = match rest.next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => rest.any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '*'))),
        _ => false,
    };
    if formula { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
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
        let dob = e.dob.map(|dob| mask::shown(Kind::Dob, dob, self.options.reveal)).unwrap_or_default();
        let cells: [&str; HEADER.len()] = [
            // A file name from a leaked directory may carry terminal escapes.
            &mask::sanitize(e.input),
            &e.record.to_string(),
            &e.line.to_string(),
            &mask::shown_label(e.watch, self.options.reveal),
            e.confidence.as_str(),
            &e.matched.joined("+"),
            &nik,
            &phone,
            &email,
            &name,
            &dob,
            // The table or the sheet (SPEC §7 1.1).
            &e.table.or(e.sheet).map(mask::sanitize).unwrap_or_default(),
            &e.fields.join("+"),
            &e.categories.names().join("+"),
            e.fingerprint,
            if e.baseline { "true" } else { "" },
        ];
        let mut deferred = std::mem::take(&mut self.deferred);
        let written = deferred.holder(e).and_then(|holder| self.row(cells, holder));
        self.deferred = deferred;
        written
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        self.header()?;
        let out = &mut self.out;
        self.deferred.replay(|held| io::copy(held, out).map(drop))?;
        if !stats.complete {
            // A CSV has no summary: a last row says the report is partial (SPEC §8).
            let mut cells = [""; HEADER.len()];
            cells[4] = "incomplete";
            self.row(cells, None)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::KindSet;
    use crate::matcher::{ShownValue, ShownValues};
    use crate::scan::Confidence;

    #[test]
    fn cells_a_spreadsheet_would_run_are_escaped() {
        let escaped = ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "\tx", "\rx", "+cmd|' /C calc'!A0", "-1+1"];
        let kept =
            ["+62812*****321", "-", "+", "- 12 -", "3201**********01", "B*** S******", "", "a=b", " =1"];
        for cell in escaped {
            assert_eq!(defused(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in kept {
            assert_eq!(defused(cell), cell, "{cell:?}");
        }
    }

    /// Renders one exposure whose every text cell is a formula, with `reveal`.
    fn render(reveal: bool) -> String {
        let formula = |s: &str| Some(ShownValue { raw: s.to_string(), canonical: s.to_string() });
        let values = ShownValues([
            formula("=1+1"),
            formula("+cmd|' /C calc'!A0"),
            formula("=cmd@example.com"),
            formula("=HYPERLINK(\"http://x\";\"klik\")"),
        ]);
        let mut buf = Vec::new();
        {
            let options = ReportOptions { reveal, ..ReportOptions::default() };
            let mut r = CsvReporter::new(Box::new(&mut buf), options);
            let matched: KindSet = [Kind::Nik].into_iter().collect();
            let e = Exposure {
                input: "-2+3.csv",
                record: 1,
                line: 2,
                watch: "@label",
                confidence: Confidence::Exposed,
                matched,
                values: &values,
                table: Some("=tabel"),
                sheet: None,
                dob: None,
                fields: &["=kolom".to_string()],
                categories: crate::report::exposed::Categories::default(),
                fingerprint: "00112233445566778899aabbccddeeff",
                baseline: false,
            };
            r.exposure(&e).unwrap();
            r.finish(&ScanStats::default()).unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn a_formula_in_a_revealed_cell_a_path_or_a_label_is_escaped() {
        let report = render(true);
        let mut rows = csv::Reader::from_reader(report.as_bytes());
        let row = rows.records().next().unwrap().unwrap();
        let cells: Vec<&str> = row.iter().collect();
        assert_eq!(
            cells,
            [
                "'-2+3.csv",
                "1",
                "2",
                "'@label",
                "exposed",
                "nik",
                "'=1+1",
                "'+cmd|' /C calc'!A0",
                "'=cmd@example.com",
                "'=HYPERLINK(\"http://x\";\"klik\")",
                "",
                "'=tabel",
                "'=kolom",
                "",
                "00112233445566778899aabbccddeeff",
                ""
            ]
        );
        // Masked, the phone and the e-mail still start with their first characters.
        let masked = render(false);
        assert!(masked.contains(",****,'+cmd************A0,'=***@example.com,"), "{masked}");
    }
}
