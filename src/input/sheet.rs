//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`; SPEC §5): each sheet is an input of its own,
//! named `book.xlsx!Sheet1`. The first non-empty row is the header (as in a CSV), each later
//! non-empty row a record whose `line` is its row number.
//!
//! A sheet is read with `calamine` on a thread of its own, which writes each row as a CSV record
//! (quoted where needed) into batches it hands over through a bounded channel; the CSV extractor
//! and the column planner then read those records as they read any CSV. A `.xlsx` sheet is
//! streamed cell by cell (`calamine`'s cell reader): memory is the workbook's shared strings and
//! a batch or two, whatever the number of rows. `.xls` and `.ods` sheets have no such reader in
//! `calamine`: a sheet is held whole while it is read (an `.xls` sheet has at most 65,536 rows).
//!
//! Cells are written as text the way the dump's reader would have seen them in a CSV export: a
//! whole number as its digits (a NIK stored as a number is its 16 digits, no `E+15`, no `.0`),
//! except one of 2⁵³ or more, whose last digits the spreadsheet has already lost: it is written
//! in scientific notation, which is no valid NIK; a date cell as `YYYY-MM-DD`.

use super::workbook::{Book, BookReader, error_text, guarded};
use super::{Batch, BatchLimits, Dump, Format, InputError, InputOptions, Span, Splitter, csv};
use crate::limits::{MAX_COLUMNS, MAX_RECORD_BYTES, SNIFF_RECORDS, STEADY_BATCH_BYTES};
use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx};
use std::fmt::Write;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// The spreadsheet formats, by file extension; `None` for any other file.
pub fn format_of(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "xlsx" | "xlsm" => Some(Format::Xlsx),
        "xls" => Some(Format::Xls),
        "ods" => Some(Format::Ods),
        _ => None,
    }
}

/// What the reading thread hands the splitter.
enum Chunk {
    /// The header row's cells.
    Header(Vec<String>),
    /// A row has cells past [`MAX_COLUMNS`], which are not read (said once).
    TooWide,
    /// Whole records: CSV text and where each one is.
    Records(Batch),
    /// The sheet could not be read past the records already handed over.
    Failed(String),
    /// The whole sheet was read: without it, a thread gone (a panic) is a read error.
    End,
}

/// Why a sheet whose reading thread stopped unexpectedly is not read in full.
const PANICKED: &str = "the spreadsheet reader failed inside this sheet (an internal error of calamine)";

/// The last row `calamine` reads of an `.ods` sheet (1,048,576, its `MAX_ROWS`): rows after it
/// are dropped without a word, so a sheet that reaches it is said not to be read in full.
const ODS_LAST_ROW: u32 = 1_048_576;
/// Why an `.ods` sheet that reaches [`ODS_LAST_ROW`] is not read in full.
const ODS_CUT: &str = "the sheet reaches row 1048576, the last one an .ods sheet is read to: rows after it, \
    if any, are not read (save the sheet as CSV and scan that)";

/// Plans the sheet `sheet` of the workbook file at `path` (`InputPath::Sheet`).
pub(super) fn open_file(
    name: String,
    path: &Path,
    sheet: &str,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let format = format_of(path).unwrap_or(Format::Xlsx);
    open(name, &Book::Path(path.to_path_buf()), format, sheet, options)
}

/// Plans the sheet `sheet` of the `format` workbook `book`, called `name` in reports.
pub(super) fn open(
    name: String,
    book: &Book,
    format: Format,
    sheet: &str,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let (send, receive) = sync_channel(2);
    let reader = RowReader { send, header: !options.no_header, batch: Batch::default(), record: 1 };
    let (book, sheet_name) = (book.clone(), sheet.to_string());
    std::thread::Builder::new()
        .name("sheet".into())
        .spawn(move || {
            let send = reader.send.clone();
            // A panic inside calamine is a sheet not read in full, never the end of the sheet.
            let read = guarded(|| {
                reader.read(&book, &sheet_name, format);
                Ok(())
            });
            if read.is_err() {
                let _ = send.send(Chunk::Failed(PANICKED.to_string()));
            }
        })
        .map_err(|error| InputError::Read { input: name.clone(), error })?;
    let mut splitter =
        SheetSplitter { receive, name: name.clone(), header: None, too_wide: false, ended: false };
    let mut first = Batch::default();
    splitter.next_batch(&mut first, BatchLimits::SNIFF)?;
    let headers = splitter.header.take();
    let (columns, warnings) =
        csv::plan_delimited(&name, headers, splitter.too_wide, &first, b',', false, options)?;
    let extractor = Box::new(csv::CsvExtractor::new(b',', &columns));
    let dump = Dump::planned(name, format, first, Box::new(splitter), extractor);
    Ok(Dump { columns, warnings, sheet: Some(sheet.to_string()), ..dump })
}

/// Hands over the batches the reading thread writes.
struct SheetSplitter {
    receive: Receiver<Chunk>,
    name: String,
    /// The header row, once the thread has read it.
    header: Option<Vec<String>>,
    /// A row had cells past [`MAX_COLUMNS`].
    too_wide: bool,
    ended: bool,
}

impl Splitter for SheetSplitter {
    fn next_batch(&mut self, batch: &mut Batch, _limits: BatchLimits) -> Result<bool, InputError> {
        batch.clear();
        while !self.ended {
            match self.receive.recv() {
                Ok(Chunk::Header(cells)) => self.header = Some(cells),
                Ok(Chunk::TooWide) => self.too_wide = true,
                Ok(Chunk::Records(records)) => {
                    *batch = records;
                    return Ok(true);
                }
                Ok(Chunk::End) => self.ended = true,
                Ok(Chunk::Failed(message)) => {
                    self.ended = true;
                    let error = std::io::Error::other(message);
                    return Err(InputError::Read { input: self.name.clone(), error });
                }
                // The thread is gone without saying the sheet is done.
                Err(_) => {
                    self.ended = true;
                    let error = std::io::Error::other(PANICKED);
                    return Err(InputError::Read { input: self.name.clone(), error });
                }
            }
        }
        Ok(false)
    }
}

/// Reads one sheet row by row on its own thread and writes each row as a CSV record.
struct RowReader {
    send: SyncSender<Chunk>,
    /// The first non-empty row is still to be taken as the header.
    header: bool,
    batch: Batch,
    /// Number the next record gets.
    record: u64,
}

/// Why a row is a bad record: its cells (up to 32,767 characters each) add up to more than
/// [`MAX_RECORD_BYTES`].
const TOO_LARGE: &str = "record larger than 64 MiB";

/// Records a batch holds before it is handed over: the sniffing sample (SPEC §5), so that the
/// first batch is exactly the records sniffed.
const BATCH_RECORDS: usize = SNIFF_RECORDS;

impl RowReader {
    /// Reads the sheet; a failure is handed over after the rows read before it. Returns when the
    /// sheet is read or the splitter is gone.
    fn read(mut self, book: &Book, sheet: &str, format: Format) {
        let opened = book.reader().map_err(|e| format!("cannot be read: {e}"));
        let read = opened.and_then(|bytes| match format {
            Format::Xlsx => self.read_xlsx(bytes, sheet),
            Format::Xls => match Xls::new(bytes) {
                Ok(mut book) => book.worksheet_range(sheet).map_err(error_text).map(|r| self.read_range(&r)),
                Err(e) => Err(error_text(e)),
            },
            _ => match Ods::new(bytes) {
                Ok(mut book) => book.worksheet_range(sheet).map_err(error_text).and_then(|r| {
                    let read = self.read_range(&r);
                    // calamine stops at its last row without a word: nothing is lost silently.
                    match r.end() {
                        Some((row, _)) if read.is_ok() && row + 1 >= ODS_LAST_ROW => Err(ODS_CUT.to_string()),
                        _ => Ok(read),
                    }
                }),
                Err(e) => Err(error_text(e)),
            },
        });
        match read {
            // The splitter is gone: nobody reads on.
            Ok(Err(())) => {}
            Ok(Ok(())) => {
                if self.flush() {
                    let _ = self.send.send(Chunk::End);
                }
            }
            Err(message) => {
                if self.flush() {
                    let _ = self.send.send(Chunk::Failed(message));
                }
            }
        }
    }

    /// Streams a `.xlsx` sheet cell by cell. `Ok(Err(()))` when the splitter is gone.
    fn read_xlsx(&mut self, book: BookReader, sheet: &str) -> Result<Result<(), ()>, String> {
        let mut workbook = Xlsx::new(book).map_err(error_text)?;
        let mut cells = workbook.worksheet_cells_reader(sheet).map_err(error_text)?;
        let mut row = Row::default();
        while let Some(cell) = cells.next_cell().map_err(error_text)? {
            let (r, c) = cell.get_position();
            if row.number != Some(r) {
                if self.end_row(&mut row).is_err() {
                    return Ok(Err(()));
                }
                row.number = Some(r);
            }
            row.put(c as usize, |text| cell_text(CellValue::of_ref(cell.get_value()), text));
        }
        Ok(self.end_row(&mut row))
    }

    /// Reads a sheet held whole (`.xls`, `.ods`). `Err(())` when the splitter is gone.
    fn read_range(&mut self, range: &calamine::Range<Data>) -> Result<(), ()> {
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut row = Row::default();
        for (i, cells) in range.rows().enumerate() {
            row.number = Some(first_row + i as u32);
            for (j, data) in cells.iter().enumerate() {
                row.put(first_col as usize + j, |text| cell_text(CellValue::of(data), text));
            }
            self.end_row(&mut row)?;
        }
        Ok(())
    }

    /// Takes the row read so far: as the header, as a record, or as nothing when it is empty.
    /// `Err(())` when the splitter is gone.
    fn end_row(&mut self, row: &mut Row) -> Result<(), ()> {
        let Some(number) = row.number.take() else { return Ok(()) };
        if std::mem::take(&mut row.too_wide) {
            self.send.send(Chunk::TooWide).map_err(drop)?;
        }
        let width = row.width;
        row.width = 0;
        let cells = &row.cells[..width];
        if cells.iter().all(String::is_empty) {
            return Ok(());
        }
        if std::mem::take(&mut self.header) {
            let header = cells.iter().map(|c| c.trim().to_string()).collect();
            return self.send.send(Chunk::Header(header)).map_err(drop);
        }
        let start = self.batch.data.len();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.batch.data.push(b',');
            }
            write_field(cell, &mut self.batch.data);
        }
        let line = u64::from(number) + 1;
        if self.batch.data.len() - start > MAX_RECORD_BYTES {
            self.batch.data.truncate(start);
            self.batch.spans.push(Span::bad(self.record, line, TOO_LARGE));
        } else {
            self.batch.spans.push(Span::new(start, self.batch.data.len(), self.record, line));
        }
        self.record += 1;
        if self.batch.spans.len() >= BATCH_RECORDS || self.batch.data.len() >= STEADY_BATCH_BYTES {
            return if self.flush() { Ok(()) } else { Err(()) };
        }
        Ok(())
    }

    /// Hands over the records written so far; `false` when the splitter is gone.
    fn flush(&mut self) -> bool {
        if self.batch.spans.is_empty() {
            return true;
        }
        let batch = std::mem::take(&mut self.batch);
        self.send.send(Chunk::Records(batch)).is_ok()
    }
}

/// The cells of the row being read, their strings kept from row to row.
#[derive(Default)]
struct Row {
    /// 0-based row number, while a row is being read.
    number: Option<u32>,
    cells: Vec<String>,
    /// Cells of this row so far (up to the last one given).
    width: usize,
    /// A cell past [`MAX_COLUMNS`] was given (and not read), not yet reported.
    too_wide: bool,
    /// That was reported once: no more reports.
    reported_wide: bool,
}

impl Row {
    /// Writes cell `col` with `write`; a cell past [`MAX_COLUMNS`] is not read.
    fn put(&mut self, col: usize, write: impl FnOnce(&mut String)) {
        if col >= MAX_COLUMNS {
            if !self.reported_wide {
                self.too_wide = true;
                self.reported_wide = true;
            }
            return;
        }
        if self.cells.len() <= col {
            self.cells.resize_with(col + 1, String::new);
        }
        for cell in &mut self.cells[self.width.min(col)..col] {
            cell.clear();
        }
        let cell = &mut self.cells[col];
        cell.clear();
        write(cell);
        self.width = self.width.max(col + 1);
    }
}

/// Largest whole number a spreadsheet's 64-bit float holds exactly: from 2⁵³ on, its last digits
/// are lost.
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// A cell's value, from a streamed (`DataRef`) or a whole (`Data`) sheet alike.
enum CellValue<'a> {
    Text(&'a str),
    /// An ISO 8601 date, time or date-time (`.ods`).
    Iso(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(calamine::ExcelDateTime),
    Empty,
}

impl<'a> CellValue<'a> {
    fn of_ref(value: &'a DataRef<'_>) -> Self {
        match value {
            DataRef::String(s) | DataRef::DurationIso(s) => CellValue::Text(s),
            DataRef::SharedString(s) => CellValue::Text(s),
            DataRef::DateTimeIso(s) => CellValue::Iso(s),
            DataRef::Int(n) => CellValue::Int(*n),
            DataRef::Float(f) => CellValue::Float(*f),
            DataRef::Bool(b) => CellValue::Bool(*b),
            DataRef::DateTime(d) => CellValue::Date(*d),
            DataRef::Error(_) | DataRef::Empty => CellValue::Empty,
        }
    }

    fn of(value: &'a Data) -> Self {
        match value {
            Data::String(s) | Data::DurationIso(s) => CellValue::Text(s),
            Data::DateTimeIso(s) => CellValue::Iso(s),
            Data::Int(n) => CellValue::Int(*n),
            Data::Float(f) => CellValue::Float(*f),
            Data::Bool(b) => CellValue::Bool(*b),
            Data::DateTime(d) => CellValue::Date(*d),
            Data::Error(_) | Data::Empty => CellValue::Empty,
        }
    }
}

/// Writes a cell's value as text into `out` (nothing for an empty or error cell).
fn cell_text(value: CellValue<'_>, out: &mut String) {
    match value {
        CellValue::Iso(s) if is_iso_date(s) => out.push_str(&s[..10]),
        CellValue::Text(s) | CellValue::Iso(s) => out.push_str(s),
        CellValue::Int(n) => {
            let _ = write!(out, "{n}");
        }
        CellValue::Float(f) => float_text(f, out),
        CellValue::Bool(b) => out.push_str(if b { "TRUE" } else { "FALSE" }),
        CellValue::Date(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            let _ = write!(out, "{y:04}-{m:02}-{day:02}");
        }
        CellValue::Date(d) => float_text(d.as_f64(), out),
        CellValue::Empty => {}
    }
}

/// A number cell as text: a whole number below 2⁵³ as its digits, one from 2⁵³ on in scientific
/// notation (its digits are no longer all there), any other as the shortest decimal that reads
/// back as it.
fn float_text(f: f64, out: &mut String) {
    if f.is_finite() && f.fract() == 0.0 {
        if f.abs() < EXACT_INTEGER_LIMIT {
            let _ = write!(out, "{}", f as i64);
        } else {
            let _ = write!(out, "{f:E}");
        }
    } else {
        let _ = write!(out, "{f}");
    }
}

/// `YYYY-MM-DD` at the start of `s`.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// Appends `field` as a CSV field: quoted (its quotes doubled) when it holds a delimiter, a
/// quote or a line break, or starts with a quote.
fn write_field(field: &str, out: &mut Vec<u8>) {
    if !field.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(field.as_bytes());
        return;
    }
    out.push(b'"');
    for b in field.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_thread_gone_without_its_end_is_a_read_error() {
        // A thread that panicked (inside calamine) drops its sender without saying the sheet
        // is done: not the end of the sheet, an input not read in full.
        let (send, receive) = sync_channel(2);
        drop(send);
        let mut splitter =
            SheetSplitter { receive, name: "b.xlsx".into(), header: None, too_wide: false, ended: false };
        let got = splitter.next_batch(&mut Batch::default(), BatchLimits::SNIFF);
        assert!(matches!(got, Err(InputError::Read { .. })), "{:?}", got.map_err(|e| e.to_string()));
    }

    fn text(value: DataRef<'_>) -> String {
        let mut out = String::new();
        cell_text(CellValue::of_ref(&value), &mut out);
        out
    }

    #[test]
    fn cells_read_as_a_csv_export_would_write_them() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        assert_eq!(text(DataRef::Float(3_201_014_107_900_001.0)), "3201014107900001");
        assert_eq!(text(DataRef::Float(81_234_567_890.0)), "81234567890");
        assert_eq!(text(DataRef::Float(-12.0)), "-12");
        assert_eq!(text(DataRef::Float(1.5)), "1.5");
        assert_eq!(text(DataRef::Int(3_201_014_107_900_001)), "3201014107900001");
        // 2⁵³ and more: the spreadsheet has lost the last digits, so it is no NIK.
        assert_eq!(text(DataRef::Float(9_201_014_107_900_001.0)), "9.2010141079E15");
        let mut nik = String::new();
        assert!(
            crate::normalize::normalize_into(
                crate::kind::Kind::Nik,
                &text(DataRef::Float(9_007_199_254_740_992.0)),
                &mut nik
            )
            .is_err()
        );
        let date = ExcelDateTime::new(33_055.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(DataRef::DateTime(date)), "1990-07-01");
        let with_time = ExcelDateTime::new(33_055.75, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(DataRef::DateTime(with_time)), "1990-07-01");
        assert_eq!(text(DataRef::DateTimeIso("1990-07-01T00:00:00".into())), "1990-07-01");
        assert_eq!(text(DataRef::String("1990-07-01T00:00:00".into())), "1990-07-01T00:00:00");
        assert_eq!(text(DataRef::SharedString("Siti")), "Siti");
        assert_eq!(text(DataRef::Bool(true)), "TRUE");
        assert_eq!(text(DataRef::Empty), "");
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = Vec::new();
        for field in ["plain", "a,b", "say \"hi\"", "two\nlines", ""] {
            write_field(field, &mut out);
            out.push(b'|');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"||");
    }

    #[test]
    fn a_row_past_the_record_limit_is_bad_and_cells_past_the_last_column_are_said_once() {
        let (send, receive) = sync_channel(16);
        let mut reader = RowReader { send, header: false, batch: Batch::default(), record: 1 };
        let mut row = Row { number: Some(4), ..Row::default() };
        row.put(0, |t| t.push_str(&"x".repeat(MAX_RECORD_BYTES + 1)));
        row.put(MAX_COLUMNS, |t| t.push('y'));
        row.put(MAX_COLUMNS + 1, |t| t.push('y'));
        reader.end_row(&mut row).unwrap();
        row.number = Some(5);
        row.put(2, |t| t.push_str("3201014107900001"));
        row.put(MAX_COLUMNS + 2, |t| t.push('y'));
        reader.end_row(&mut row).unwrap();
        assert!(reader.flush());
        drop(reader);
        let chunks: Vec<Chunk> = receive.iter().collect();
        assert_eq!(chunks.len(), 2);
        assert!(matches!(chunks[0], Chunk::TooWide));
        let Chunk::Records(batch) = &chunks[1] else { panic!("records expected") };
        assert_eq!(batch.spans[0], Span::bad(1, 5, TOO_LARGE));
        assert_eq!((batch.spans[1].record, batch.spans[1].line), (2, 6));
        assert_eq!(batch.record_bytes(&batch.spans[1]), b",,3201014107900001");
    }
}
