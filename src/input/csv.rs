//! CSV and TSV dumps: a quote-aware record splitter with bad-record recovery, a field extractor,
//! and the header/role planning of SPEC §5.
//!
//! Hand-written rather than the `csv` crate because the splitter must find record boundaries on
//! one thread at memchr speed so workers can parse fields in parallel, and must recover from a
//! quote that never closes (SPEC §9) by resuming on the next line instead of swallowing the rest
//! of the file. Quoting follows RFC 4180 as the `csv` crate reads it: a `"` opens a quoted field
//! only at the start of a field, `""` inside one is a literal quote, and bytes after the closing
//! quote up to the delimiter are kept.

use super::buffer::{SplitBuffer, count_newlines};
use super::escaped::{self, Dialect};
use super::plan::ColumnPlanner;
use super::{
    Batch, BatchLimits, Column, ColumnSink, Dump, Extractor, Format, Head, InputError, InputOptions, Layout,
    MAX_COLUMNS, Span, Splitter, Wanted, is_null_marker, sniff,
};
use crate::kind::Kind;
use crate::roles::{self, ColumnMap, Naming, Role};
use memchr::{memchr, memchr2};
use std::fmt::Write;
use std::io::Read;

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Plans a CSV/TSV dump: picks the delimiter, reads the header and the first records, and
/// assigns column roles (`--map`, header synonyms, then sniffing).
pub(super) fn open(
    name: String,
    format: Format,
    head: Head,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let Head { bytes: mut head, complete } = head;
    if head.starts_with(UTF8_BOM) {
        head.drain(..UTF8_BOM.len());
    }
    let delimiter = options.delimiter.unwrap_or(match format {
        Format::Tsv => b'\t',
        _ => sniff::sniff_delimiter(&head, complete, !options.no_header).unwrap_or(b','),
    });
    let cr_only = !head.contains(&b'\n') && head.contains(&b'\r');
    // Only a tab-separated input has two dialects (SPEC §5).
    let dialect =
        (delimiter == b'\t').then(|| options.tsv_dialect.unwrap_or_else(|| escaped::sniff(&head, complete)));
    let is_escaped = dialect == Some(Dialect::Escaped);
    // `mysqldump --tab`, `INTO OUTFILE` and `COPY` write no header: a first row that looks like
    // data is one.
    let header = !(options.no_header || (is_escaped && escaped_first_row_is_data(&head)));
    let mut splitter = CsvSplitter::new(reader, head, delimiter, header, name.clone());
    if cr_only {
        splitter = splitter.with_cr_newlines();
    }
    if is_escaped {
        splitter = splitter.escaped();
    } else if dialect == Some(Dialect::Quoted) && options.tsv_dialect.is_none() {
        splitter = splitter.switching();
    }
    let mut first = Batch::default();
    splitter.next_batch(&mut first, BatchLimits::SNIFF)?;
    if let Some(reason) = splitter.header_error {
        return Err(InputError::Columns {
            input: name,
            message: format!("cannot read the header row: {reason}"),
        });
    }
    // Columns past MAX_COLUMNS are not read (memory stays bounded): said once, not silently.
    let mut too_wide = false;
    // What the headers past them hold for the `--map`s.
    let mut past_headers = roles::PastHeaders::new(&options.maps);
    let headers: Option<Vec<String>> = splitter.header.as_deref().map(|h| {
        let mut names = Vec::new();
        let mut scratch = String::new();
        // Read like a record: a Latin-1 header is named as `--map` spells it.
        for_each_field_in(is_escaped, &super::encoding::record_text(h), delimiter, &mut scratch, |col, f| {
            if col < MAX_COLUMNS {
                names.push(f.trim().to_string());
            } else {
                too_wide = true;
                past_headers.see(col, f.trim());
            }
        });
        names
    });
    // A map that the whole header would give one of those columns, read as it is, would name no
    // column, a column read by a weaker rule (a key, where the exact name is past them), or (a
    // name that is a number) the column of that number: a role on the wrong column, silently.
    let read = headers.as_deref().unwrap_or(&[]);
    let past: Vec<(usize, &ColumnMap, usize)> = (options.maps.iter().enumerate())
        .filter_map(|(i, map)| past_headers.found(i, read).map(|col| (i, map, col)))
        .collect();
    let told = |map: &ColumnMap, col: usize| {
        format!(
            "--map {}={}: that header is column {}, past the first {MAX_COLUMNS} columns, which are all that is read",
            map.kind,
            map.column,
            col + 1
        )
    };
    if let Some(&(_, map, col)) = past.first()
        && !options.several_inputs
    {
        return Err(InputError::Columns { input: name, message: told(map, col) });
    }
    // With several inputs, as for a map that names no column of this one: said, and the file is
    // read without it.
    let past_warnings: Vec<String> = past
        .iter()
        .map(|&(_, map, col)| format!("{name}: {}; this file is read without it", told(map, col)))
        .collect();
    let without = (!past.is_empty()).then(|| {
        let mut own = options.clone();
        own.maps = (options.maps.iter().enumerate())
            .filter(|(i, _)| !past.iter().any(|(p, _, _)| p == i))
            .map(|(_, map)| map.clone())
            .collect();
        own
    });
    let options = without.as_ref().unwrap_or(options);
    let (columns, mut warnings) =
        plan_delimited(&name, headers, too_wide, &first, delimiter, is_escaped, options)?;
    warnings.extend(past_warnings);
    if let Some(warning) = splitter.late_warning() {
        warnings.push(warning);
    }
    let extractor = Box::new(CsvExtractor::new(delimiter, &columns).with_escapes(is_escaped));
    let dump = Dump::planned(name, format, first, Box::new(splitter), extractor);
    Ok(Dump { delimiter: Some(delimiter), tsv_dialect: dialect, columns, warnings, ..dump })
}

/// The columns of delimited records (a CSV or TSV, a spreadsheet's rows) and their roles, from
/// the header and the first batch of records, with the warnings planning gave: a `--map` that
/// names no column of this input (when the run has several), columns past [`MAX_COLUMNS`]
/// (`too_wide` when the header already had more), a header row that looks like data.
pub(super) fn plan_delimited(
    name: &str,
    headers: Option<Vec<String>>,
    mut too_wide: bool,
    first: &Batch,
    delimiter: u8,
    is_escaped: bool,
    options: &InputOptions,
) -> Result<(Vec<Column>, Vec<String>), InputError> {
    let mut planner = ColumnPlanner::new(headers, Naming::Whole);
    let mut scratch = String::new();
    for span in first.spans.iter().filter(|s| s.bad.is_none()) {
        let escaped = first.layout(span).map_or(is_escaped, |l| l.backslash_escapes);
        for_each_field_in(escaped, &first.record_text(span), delimiter, &mut scratch, |col, field| {
            planner.observe(col, (!is_null_marker(field)).then_some(field));
        });
    }
    too_wide |= planner.too_wide();
    let (maps, missing): (Vec<ColumnMap>, Vec<ColumnMap>) = if options.several_inputs {
        options.maps.iter().cloned().partition(|m| planner.has_column(m))
    } else {
        (options.maps.clone(), Vec::new())
    };
    let assigned =
        planner.assign(&maps).map_err(|message| InputError::Columns { input: name.to_string(), message })?;
    let headers = planner.into_names();
    let columns = assigned
        .iter()
        .enumerate()
        .map(|(i, role)| Column { name: headers.as_ref().and_then(|h| h.get(i).cloned()), role: *role })
        .collect::<Vec<_>>();
    let mut warnings: Vec<String> = missing
        .iter()
        .map(|m| {
            format!(
                "{name}: --map {}={}: no such column{}; this file is read without it",
                m.kind,
                m.column,
                m.zero_hint()
            )
        })
        .collect();
    if too_wide {
        warnings.push(format!(
            "{name}: records have more than {MAX_COLUMNS} columns; only the first {MAX_COLUMNS} are read"
        ));
    }
    if headers.as_ref().is_some_and(|h| looks_like_data(h)) {
        warnings.push(format!(
            "{name}: the first row holds a NIK, phone, e-mail, date or long number, so it looks like data, not a header; \
             it was read as a header and not scanned (use --no-header if the file has none)"
        ));
    }
    Ok((columns, warnings))
}

/// What a TSV whose quoted field ran away says (SPEC §5).
fn switch_warning(name: &str, record: u64, line: u64) -> String {
    format!(
        "{name}: a quoted field starting at record {record} (line {line}) runs over more than \
         {RUNAWAY_LINES} lines or 1 MiB, so this TSV is not quoted: it is read as escaped \
         (backslash escapes, no quoting) from that record on (--tsv-dialect forces one)"
    )
}

/// The first row of an escaped TSV's first bytes looks like data, not a header.
fn escaped_first_row_is_data(head: &[u8]) -> bool {
    let row = escaped::first_record(head);
    let mut names = Vec::new();
    escaped::for_each_field_until(
        &super::encoding::record_text(row),
        b'\t',
        &mut String::new(),
        MAX_COLUMNS,
        |_, f| names.push(f.trim().to_string()),
    );
    looks_like_data(&names)
}

/// [`for_each_field`], or [`escaped::for_each_field_until`] for an escaped record.
fn for_each_field_in(
    escaped: bool,
    record: &str,
    delim: u8,
    scratch: &mut String,
    f: impl FnMut(usize, &str),
) {
    if escaped {
        escaped::for_each_field_until(record, delim, scratch, usize::MAX, f);
    } else {
        for_each_field(record, delim, scratch, f);
    }
}

/// A header row with a valid NIK, phone, e-mail or date in it, or a long number (a NIK with a
/// digit missing, a whole row read as one field), is probably the first data row.
fn looks_like_data(headers: &[String]) -> bool {
    let mut scratch = String::new();
    headers.iter().any(|h| {
        Kind::SNIFFED.into_iter().any(|kind| roles::sniff_valid(kind, h, &mut scratch))
            || crate::normalize::normalize_into(Kind::Dob, h, &mut scratch).is_ok()
            || !crate::normalize::long_number_spans(h).is_empty()
    })
}

/// Calls `f(column, text)` for each field of one record (its line terminator excluded),
/// unquoting quoted fields (into `scratch` when they hold `""` or text after the closing quote).
pub fn for_each_field(record: &str, delim: u8, scratch: &mut String, f: impl FnMut(usize, &str)) {
    for_each_field_until(record, delim, scratch, usize::MAX, f);
}

/// [`for_each_field`] up to column `last`: the fields after it are not looked at.
pub fn for_each_field_until(
    record: &str,
    delim: u8,
    scratch: &mut String,
    last: usize,
    mut f: impl FnMut(usize, &str),
) {
    let rec = record.strip_suffix('\r').unwrap_or(record);
    let bytes = rec.as_bytes();
    // Delimiters and quotes are ASCII, so every index found below is a char boundary.
    let mut col = 0;
    let mut i = 0;
    loop {
        let end = if bytes.get(i) == Some(&b'"') {
            let (value, end) = quoted_field(rec, i, delim, scratch);
            f(col, value);
            end
        } else {
            let end = find_delimiter(bytes, i, delim);
            f(col, &rec[i..end]);
            end
        };
        if end >= rec.len() || col >= last {
            return;
        }
        i = end + 1;
        col += 1;
    }
}

/// The value of the quoted field starting at `rec[i]` and where the field ends. A field that is
/// just the quoted text is a slice of `rec`; with `""` inside or text after the closing quote it
/// is built in `scratch`.
fn quoted_field<'a>(rec: &'a str, i: usize, delim: u8, scratch: &'a mut String) -> (&'a str, usize) {
    let bytes = rec.as_bytes();
    let Some(k) = memchr(b'"', &bytes[i + 1..]) else { return (&rec[i + 1..], rec.len()) };
    let quote = i + 1 + k;
    // (With `"` itself as the delimiter, `""` is still an escaped quote: the general loop.)
    match bytes.get(quote + 1) {
        None => return (&rec[i + 1..quote], rec.len()),
        Some(&b) if b == delim && delim != b'"' => return (&rec[i + 1..quote], quote + 1),
        _ => {}
    }
    scratch.clear();
    let mut j = i + 1;
    loop {
        match memchr(b'"', &bytes[j..]) {
            None => {
                scratch.push_str(&rec[j..]);
                j = rec.len();
                break;
            }
            Some(k) => {
                scratch.push_str(&rec[j..j + k]);
                let quote = j + k;
                if bytes.get(quote + 1) == Some(&b'"') {
                    scratch.push('"');
                    j = quote + 2;
                } else {
                    j = quote + 1;
                    break;
                }
            }
        }
    }
    let end = memchr(delim, &bytes[j..]).map_or(rec.len(), |k| j + k);
    scratch.push_str(&rec[j..end]);
    (scratch, end)
}

/// The index of the first `delim` at or after `from`, or `bytes.len()`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn find_delimiter(bytes: &[u8], from: usize, delim: u8) -> usize {
    if bytes.len() < 16 {
        return memchr(delim, &bytes[from..]).map_or(bytes.len(), |k| from + k);
    }
    // SAFETY: compiled only where SSE2 is enabled for the whole build (every hosted x86_64
    // target: it is part of the baseline), so the CPU running this has it.
    unsafe { find_delimiter_sse2(bytes, from, delim) }
}

/// [`find_delimiter`] 16 bytes at a time, a vector compare per block (fields are short: a
/// `memchr` call per field cost more in setting up than in searching). The last block overlaps
/// the one before, its lanes already read masked off. `bytes` has at least 16 bytes.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn find_delimiter_sse2(bytes: &[u8], from: usize, delim: u8) -> usize {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set_epi64x, _mm_set1_epi8};
    let pattern = _mm_set1_epi8(delim as i8);
    let mut base = from;
    while base < bytes.len() {
        let at = base.min(bytes.len() - 16);
        let word = |i: usize| i64::from_le_bytes(bytes[at + i..at + i + 8].try_into().unwrap_or_default());
        let block = _mm_set_epi64x(word(8), word(0));
        let found = (_mm_movemask_epi8(_mm_cmpeq_epi8(block, pattern)) as u32) & (!0u32 << (base - at));
        if found != 0 {
            return at + found.trailing_zeros() as usize;
        }
        base = at + 16;
    }
    bytes.len()
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn find_delimiter(bytes: &[u8], from: usize, delim: u8) -> usize {
    memchr(delim, &bytes[from..]).map_or(bytes.len(), |k| from + k)
}

/// Extracts the values of a CSV record by column number.
pub struct CsvExtractor {
    delim: u8,
    /// Records are escaped TSV (unless a record's layout says which: a TSV that switched).
    escaped: bool,
    /// Columns after the last one with a role are not parsed for the scan.
    last_role: Option<usize>,
    /// Column names (`column 3` without a header) and roles with their reasons.
    names: Vec<String>,
    roles: Vec<Option<Role>>,
}

impl CsvExtractor {
    pub fn new(delim: u8, columns: &[Column]) -> Self {
        let roles: Vec<Option<Role>> = columns.iter().map(|c| c.role).collect();
        let last_role = roles.iter().rposition(Option::is_some);
        let mut names: Vec<String> = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            let name = match &column.name {
                Some(n) if !n.is_empty() && !names.contains(n) => n.clone(),
                Some(n) if !n.is_empty() => format!("{n} (column {})", i + 1),
                _ => format!("column {}", i + 1),
            };
            names.push(name);
        }
        CsvExtractor { delim, escaped: false, last_role, names, roles }
    }

    /// Reads records as escaped TSV.
    pub fn with_escapes(mut self, escaped: bool) -> Self {
        self.escaped = escaped;
        self
    }
}

impl Extractor for CsvExtractor {
    fn visit(
        &self,
        record: &str,
        layout: Option<&Layout>,
        wanted: Wanted,
        scratch: &mut String,
        sink: &mut ColumnSink<'_>,
    ) -> Result<(), &'static str> {
        let last = match (wanted, self.last_role) {
            (Wanted::All, _) => MAX_COLUMNS - 1,
            (Wanted::Roles, Some(last)) => last,
            (Wanted::Roles, None) => return Ok(()),
        };
        // The name of a column past the header's (a ragged row), built only for `inspect`.
        let mut extra = String::new();
        let each = |col: usize, field: &str| {
            let role = self.roles.get(col).copied().flatten();
            if (role.is_none() && wanted == Wanted::Roles) || is_null_marker(field) {
                return;
            }
            match self.names.get(col) {
                Some(name) => sink(name, Some(col), role, field),
                None => {
                    extra.clear();
                    let _ = write!(extra, "column {}", col + 1);
                    sink(&extra, Some(col), role, field);
                }
            }
        };
        if layout.map_or(self.escaped, |l| l.backslash_escapes) {
            escaped::for_each_field_until(record, self.delim, scratch, last, each);
        } else {
            for_each_field_until(record, self.delim, scratch, last, each);
        }
        Ok(())
    }

    fn fixed_columns(&self) -> Vec<(String, Option<Role>)> {
        self.names.iter().cloned().zip(self.roles.iter().copied()).take(MAX_COLUMNS).collect()
    }
}

/// Finds CSV record boundaries in a stream (see the module docs for the quoting rules). With
/// `quote: None` it splits plain lines (NDJSON) with the same limits and line numbers.
pub struct CsvSplitter {
    delim: u8,
    /// The quote byte, or `None` when records are plain lines or escaped.
    quote: Option<u8>,
    /// A backslash escapes the byte after it, a delimiter or a newline too (escaped TSV).
    escape: bool,
    /// A TSV read as quoted whose quoted field runs away (over [`RUNAWAY_BYTES`] or
    /// [`RUNAWAY_LINES`]) is read as escaped from that record on (SPEC §5).
    may_switch: bool,
    /// Where that happened: (record, line); spans from it on refer to [`Batch::layouts`] index 1.
    pub switched_at: Option<(u64, u64)>,
    /// The switch was warned about.
    warned_switch: bool,
    /// The record terminator: `\n` (also ends CRLF records), or `\r` for old Mac files.
    newline: u8,
    /// Unconsumed bytes, starting at the current (unfinished) record.
    buf: SplitBuffer,
    /// Where scanning resumes in `buf`.
    pos: usize,
    in_quotes: bool,
    /// Newlines inside quoted fields of the current record so far.
    inner_lines: u64,
    /// Physical line where the current record starts.
    line: u64,
    /// Number the next data record gets.
    next_record: u64,
    /// Discarding the rest of an oversized line.
    skipping_line: bool,
    /// After a broken quote, quoted fields may no longer span lines: every later line is read on
    /// its own, which keeps recovery linear however many broken quotes follow.
    line_mode: bool,
    want_header: bool,
    /// The header row, once read.
    pub header: Option<Vec<u8>>,
    /// Why the header row could not be read, if it could not.
    pub header_error: Option<&'static str>,
}

impl CsvSplitter {
    /// A splitter over `head` (bytes already read, BOM removed) followed by the rest of `reader`.
    pub fn new(reader: Box<dyn Read + Send>, head: Vec<u8>, delim: u8, header: bool, name: String) -> Self {
        CsvSplitter {
            delim,
            quote: Some(b'"'),
            escape: false,
            may_switch: false,
            switched_at: None,
            warned_switch: false,
            newline: b'\n',
            buf: SplitBuffer::new(reader, head, name),
            pos: 0,
            in_quotes: false,
            inner_lines: 0,
            line: 1,
            next_record: 1,
            skipping_line: false,
            line_mode: false,
            want_header: header,
            header: None,
            header_error: None,
        }
    }

    /// Splits plain lines: no quoting (NDJSON, where strings cannot hold a raw newline).
    pub fn lines(mut self) -> Self {
        self.quote = None;
        self
    }

    /// Splits escaped records: no quoting, a backslash escapes the byte after it.
    pub fn escaped(mut self) -> Self {
        self.quote = None;
        self.escape = true;
        self
    }

    /// Lets a runaway quoted field switch this TSV to the escaped dialect.
    pub fn switching(mut self) -> Self {
        self.may_switch = true;
        self
    }

    /// Ends records at a lone `\r` (files from old Mac software with no `\n` at all).
    pub fn with_cr_newlines(mut self) -> Self {
        self.newline = b'\r';
        self
    }

    /// Lowers the record size limit (for tests of the limit without 64 MiB inputs).
    pub fn with_max_record(mut self, bytes: usize) -> Self {
        self.buf.set_max_record(bytes);
        self
    }

    /// Scans from `pos`, pushing complete records (offsets into `buf`) until the limits are
    /// reached (`true`) or more input is needed (`false`).
    fn scan(&mut self, record_start: &mut usize, batch: &mut Batch, limits: BatchLimits) -> bool {
        let nl = self.newline;
        let mut pos = self.pos;
        loop {
            if self.in_quotes {
                let q = self.quote.unwrap_or(b'"');
                let found = if self.line_mode {
                    memchr2(q, nl, &self.buf[pos..])
                } else {
                    memchr(q, &self.buf[pos..])
                };
                let Some(k) = found else {
                    self.inner_lines += count_newlines(&self.buf[pos..], nl);
                    self.pos = self.buf.len();
                    return false;
                };
                let at = pos + k;
                if self.buf[at] == nl {
                    // Line mode: a quote still open at the end of its line is a bad record.
                    self.push_bad(batch, "quoted field never closed");
                    self.in_quotes = false;
                    self.line += 1;
                    *record_start = at + 1;
                    pos = at + 1;
                    self.pos = pos;
                } else {
                    self.inner_lines += count_newlines(&self.buf[pos..at], nl);
                    if self.runaway(*record_start, at) {
                        self.switch_to_escaped(*record_start);
                        pos = *record_start;
                        continue;
                    }
                    if at + 1 == self.buf.len() && !self.buf.eof() {
                        // Cannot tell `""` from a closing quote yet.
                        self.pos = at;
                        return false;
                    }
                    if self.buf.get(at + 1) == Some(&q) {
                        pos = at + 2;
                    } else {
                        self.in_quotes = false;
                        pos = at + 1;
                    }
                    continue;
                }
            } else {
                let found = match self.quote {
                    Some(q) => memchr2(q, nl, &self.buf[pos..]),
                    None if self.escape => memchr2(b'\\', nl, &self.buf[pos..]),
                    None => memchr(nl, &self.buf[pos..]),
                };
                let Some(k) = found else {
                    self.pos = self.buf.len();
                    return false;
                };
                let at = pos + k;
                if self.escape && self.buf[at] == b'\\' {
                    match self.buf.get(at + 1) {
                        // Cannot tell what it escapes yet.
                        None if !self.buf.eof() => {
                            self.pos = at;
                            return false;
                        }
                        Some(&b) if b == nl => self.inner_lines += 1,
                        _ => {}
                    }
                    pos = (at + 2).min(self.buf.len());
                    continue;
                }
                if self.buf[at] != nl {
                    if at == *record_start || self.buf[at - 1] == self.delim {
                        self.in_quotes = true;
                    }
                    pos = at + 1;
                    continue;
                }
                let start = *record_start;
                let lines = 1 + std::mem::take(&mut self.inner_lines);
                self.finish_record(batch, start, at);
                self.line += lines;
                *record_start = at + 1;
                pos = at + 1;
                self.pos = pos;
            }
            let full = batch.spans.len() >= limits.records || pos >= limits.bytes;
            if full && !batch.spans.is_empty() {
                return true;
            }
        }
    }

    /// Records the bytes `start..end` (terminator excluded) as the header, a data record, or
    /// nothing when the line is blank.
    fn finish_record(&mut self, batch: &mut Batch, start: usize, end: usize) {
        let bytes = &self.buf[start..end];
        // A blank line is no record; in line mode (NDJSON) neither is a line of blanks.
        let blank = bytes.is_empty()
            || bytes == b"\r"
            || (self.quote.is_none() && !self.escape && bytes.iter().all(u8::is_ascii_whitespace));
        if blank {
            return;
        }
        if end - start > self.buf.max_record() {
            self.push_bad(batch, "record larger than 64 MiB");
            return;
        }
        if self.want_header {
            self.want_header = false;
            self.header = Some(bytes.to_vec());
            return;
        }
        let mut span = Span::new(start, end, self.next_record, self.line);
        if self.switched_at.is_some() {
            span.layout = 1;
        }
        batch.spans.push(span);
        self.next_record += 1;
    }

    /// Whether the quoted field of the record at `record_start`, open up to `at`, ran away from
    /// a TSV that may switch dialect.
    fn runaway(&self, record_start: usize, at: usize) -> bool {
        self.may_switch
            && !self.line_mode
            && (self.inner_lines > RUNAWAY_LINES as u64 || at - record_start > RUNAWAY_BYTES)
    }

    /// Reads the record at `record_start`, whose quoted field ran away, and every record after
    /// it as escaped.
    fn switch_to_escaped(&mut self, record_start: usize) {
        self.switched_at = Some((self.next_record, self.line));
        self.quote = None;
        self.escape = true;
        self.in_quotes = false;
        self.inner_lines = 0;
        self.pos = record_start;
    }

    /// Counts the current record as bad (the header, if it was still expected, is an error).
    fn push_bad(&mut self, batch: &mut Batch, reason: &'static str) {
        if self.want_header {
            self.want_header = false;
            self.header_error = Some(reason);
            return;
        }
        batch.spans.push(Span::bad(self.next_record, self.line, reason));
        self.next_record += 1;
    }

    /// Marks the record at `record_start` bad and restarts on the line after its first, in line
    /// mode from then on. When that first line is itself unfinished, the rest of it is skipped.
    fn recover(&mut self, record_start: &mut usize, batch: &mut Batch, reason: &'static str) {
        self.push_bad(batch, reason);
        self.in_quotes = false;
        self.inner_lines = 0;
        self.line_mode = true;
        match memchr(self.newline, &self.buf[*record_start..]) {
            Some(k) => {
                *record_start += k + 1;
                self.pos = *record_start;
                self.line += 1;
            }
            None => {
                *record_start = self.buf.len();
                self.pos = self.buf.len();
                self.skipping_line = !self.buf.eof();
            }
        }
    }

    /// Drops bytes up to and including the next newline; `true` once it was found.
    fn skip_line(&mut self, record_start: &mut usize) -> bool {
        match memchr(self.newline, &self.buf[*record_start..]) {
            Some(k) => {
                *record_start += k + 1;
                self.pos = *record_start;
                self.line += 1;
                self.skipping_line = false;
                true
            }
            None => {
                *record_start = self.buf.len();
                self.pos = self.buf.len();
                false
            }
        }
    }

    /// Drops consumed bytes before `record_start` when no span refers to them.
    fn compact(&mut self, record_start: &mut usize) {
        if *record_start > 0 {
            self.buf.discard(*record_start);
            self.pos -= *record_start;
            *record_start = 0;
        }
    }
}

impl Splitter for CsvSplitter {
    fn next_batch(&mut self, batch: &mut Batch, limits: BatchLimits) -> Result<bool, InputError> {
        batch.clear();
        let mut record_start = 0;
        loop {
            if self.skipping_line && !self.skip_line(&mut record_start) {
                if self.buf.eof() {
                    self.skipping_line = false;
                    break;
                }
                if !batch.spans.is_empty() {
                    break; // hand the records over first: compacting would move their bytes
                }
                self.compact(&mut record_start);
                if !self.buf.read_more() {
                    break;
                }
                continue;
            }
            if self.scan(&mut record_start, batch, limits) {
                break;
            }
            if self.in_quotes && self.runaway(record_start, self.buf.len()) {
                self.switch_to_escaped(record_start);
                continue;
            }
            if self.buf.eof() {
                if self.in_quotes {
                    self.recover(&mut record_start, batch, "quoted field never closed");
                    continue;
                }
                let end = self.buf.len();
                if record_start < end {
                    self.finish_record(batch, record_start, end);
                    record_start = end;
                    self.pos = end;
                }
                break;
            }
            if self.buf.outgrew(record_start) {
                let reason = if self.in_quotes {
                    "quoted field still open after 64 MiB"
                } else {
                    "record larger than 64 MiB"
                };
                self.recover(&mut record_start, batch, reason);
                continue;
            }
            if batch.spans.is_empty() {
                self.compact(&mut record_start);
            }
            if !self.buf.read_more() {
                break;
            }
        }
        // Hand over the whole records; keep the unfinished tail for the next batch.
        self.buf.hand_over(batch, record_start);
        self.pos -= record_start.min(self.pos);
        if self.switched_at.is_some() {
            batch.layouts.extend([dialect_layout(false), dialect_layout(true)]);
        }
        let more = !(batch.spans.is_empty() && self.buf.eof() && self.buf.is_empty());
        self.buf.end_batch(batch, more)
    }

    fn late_warning(&mut self) -> Option<String> {
        let (record, line) = self.switched_at.filter(|_| !self.warned_switch)?;
        self.warned_switch = true;
        Some(switch_warning(self.buf.name(), record, line))
    }
}

/// A quoted field of a TSV longer than this, in bytes or lines, is no field: the TSV is escaped
/// (SPEC §5).
pub const RUNAWAY_BYTES: usize = 1 << 20;
pub const RUNAWAY_LINES: usize = 10_000;

/// The layout that tells the extractor a CSV record's dialect, once a TSV switched.
fn dialect_layout(escaped: bool) -> std::sync::Arc<Layout> {
    std::sync::Arc::new(Layout {
        table: String::new(),
        names: Vec::new(),
        roles: Vec::new(),
        copy: false,
        backslash_escapes: escaped,
        copy_fields: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::testing::Trickle;
    use crate::limits::MAX_RECORD_BYTES;

    /// (record, line, bytes or bad reason) of each record.
    type Split = Vec<(u64, u64, Result<String, &'static str>)>;

    fn split(input: &[u8], header: bool) -> (Option<String>, Split) {
        let s = CsvSplitter::new(Box::new(std::io::empty()), input.to_vec(), b',', header, "t".into());
        drain(s)
    }

    fn trickle(input: &[u8], header: bool, max: usize) -> (Option<String>, Split) {
        let reader = Box::new(Trickle(input.to_vec(), 0));
        drain(CsvSplitter::new(reader, Vec::new(), b',', header, "t".into()).with_max_record(max))
    }

    fn drain(mut s: CsvSplitter) -> (Option<String>, Split) {
        let mut out = Vec::new();
        let mut batch = Batch::default();
        let tiny = BatchLimits { records: 2, bytes: usize::MAX };
        while s.next_batch(&mut batch, tiny).unwrap() {
            for span in &batch.spans {
                let v = match span.bad {
                    Some(r) => Err(r),
                    None => Ok(String::from_utf8_lossy(batch.record_bytes(span)).into_owned()),
                };
                out.push((span.record, span.line, v));
            }
        }
        (s.header.map(|h| String::from_utf8(h).unwrap()), out)
    }

    #[test]
    fn splits_records_with_line_numbers() {
        let (header, recs) = split(b"a,b\n1,2\n\n\"x\ny\",3\r\n4,\"5\"\"\"\n6,7", true);
        assert_eq!(header.as_deref(), Some("a,b"));
        assert_eq!(
            recs,
            vec![
                (1, 2, Ok("1,2".into())),
                (2, 4, Ok("\"x\ny\",3\r".into())),
                (3, 6, Ok("4,\"5\"\"\"".into())),
                (4, 7, Ok("6,7".into())),
            ]
        );
    }

    #[test]
    fn a_quote_inside_a_field_is_literal() {
        let (_, recs) = split(b"a,b\n37\xc2\xb036'37.8\"N,x\n1,2\n", true);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1], (2, 3, Ok("1,2".into())));
    }

    #[test]
    fn unclosed_quote_is_a_bad_record_and_scanning_resumes_on_the_next_line() {
        let (_, recs) = split(b"a,b\n1,2\n\"broken,3\n4,5\n6,7\n", true);
        assert_eq!(
            recs,
            vec![
                (1, 2, Ok("1,2".into())),
                (2, 3, Err("quoted field never closed")),
                (3, 4, Ok("4,5".into())),
                (4, 5, Ok("6,7".into())),
            ]
        );
    }

    #[test]
    fn byte_by_byte_reads_split_the_same() {
        let inputs: [&[u8]; 5] = [
            b"a,b\n1,2\n\n\"x\ny\",3\r\n4,\"5\"\"\"\n6,7",
            b"a,b\n\"\"\"\",\"\"\n\"q\"\"\n\",z\n",
            b"a,b\n1,2\n\"broken,3\n4,5\n6,7\n",
            b"\"h\nh\",b\r\n\r\n1,\"\"\r\n",
            b"a\n\"",
        ];
        for input in inputs {
            for header in [true, false] {
                assert_eq!(trickle(input, header, MAX_RECORD_BYTES), split(input, header), "{input:?}");
            }
        }
    }

    proptest::proptest! {
        /// Whatever the bytes and however they arrive, the split is the same, every byte of
        /// every record comes from the input in order, and line numbers only grow.
        #[test]
        fn splitting_does_not_depend_on_read_sizes(
            input in proptest::collection::vec(proptest::sample::select(b"ab,\"\n\r".to_vec()), 0..200),
            header: bool,
        ) {
            let whole = split(&input, header);
            proptest::prop_assert_eq!(&trickle(&input, header, MAX_RECORD_BYTES), &whole);
            let mut last_line = 0;
            for (i, (record, line, _)) in whole.1.iter().enumerate() {
                proptest::prop_assert_eq!(*record, i as u64 + 1);
                proptest::prop_assert!(*line > last_line);
                last_line = *line;
            }
            let small = trickle(&input, header, 8);
            proptest::prop_assert!(small.1.iter().all(|(_, _, r)| r.as_ref().map_or(true, |s| s.len() <= 8 + 2)));
        }
    }

    #[test]
    fn oversized_records_are_bad_and_skipped() {
        let long = "x".repeat(100);
        // An unquoted line over the limit: bad, and the rest of that line is skipped.
        let input = format!("a,b\n1,2\n{long},{long}\n3,4\n");
        let (_, recs) = trickle(input.as_bytes(), true, 64);
        assert_eq!(
            recs,
            vec![
                (1, 2, Ok("1,2".into())),
                (2, 3, Err("record larger than 64 MiB")),
                (3, 4, Ok("3,4".into()))
            ]
        );
        // A quoted field that grows past the limit: bad, and scanning resumes on its next line.
        let input = format!("a,b\n\"{long}\n{long}\n3,4\n");
        let (_, recs) = trickle(input.as_bytes(), true, 64);
        assert_eq!(recs[0], (1, 2, Err("quoted field still open after 64 MiB")));
        assert_eq!(recs.last(), Some(&(3, 4, Ok("3,4".into()))));
    }

    /// CPU time used by this thread: unlike wall time, not lengthened by the other processes
    /// of a loaded machine (a wall-clock bound fails when parallel builds share the cores).
    fn thread_cpu() -> std::time::Duration {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: clock_gettime writes one timespec through a valid, exclusive pointer.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        // (`try_from`: `tv_sec` and `tv_nsec` are 32 bits wide on a 32-bit target.)
        let secs = u64::try_from(ts.tv_sec).expect("a thread's CPU time is not negative");
        std::time::Duration::new(secs, u32::try_from(ts.tv_nsec).expect("nanoseconds below 10^9"))
    }

    #[test]
    fn after_a_broken_quote_each_line_stands_alone() {
        // Every line opens a quote at a field start; read naively this rescans to the end once
        // per line. In line mode each such line is one bad record, found in one pass.
        let mut input = String::from("nama,x\n");
        for _ in 0..20_000 {
            input.push_str("a\",\"b\n");
        }
        input.push_str("ok,1\n");
        let started = thread_cpu();
        let (_, recs) = split(input.as_bytes(), true);
        let cpu = thread_cpu() - started;
        assert!(cpu < std::time::Duration::from_secs(2), "{cpu:?} of CPU");
        assert_eq!(recs.len(), 20_001);
        assert_eq!(recs.last(), Some(&(20_001, 20_002, Ok("ok,1".into()))));
        assert!(recs.iter().filter(|r| r.2.is_err()).count() >= 19_999);
    }

    #[test]
    fn a_header_with_a_broken_quote_is_an_error_not_record_one() {
        let mut s = CsvSplitter::new(
            Box::new(std::io::empty()),
            b"\"nik,nama\n1,2\n".to_vec(),
            b',',
            true,
            "t".into(),
        );
        let mut batch = Batch::default();
        while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {}
        assert_eq!(s.header_error, Some("quoted field never closed"));
    }

    #[test]
    fn lines_mode_ignores_quotes_and_cr_mode_splits_on_cr() {
        let mut s = CsvSplitter::new(
            Box::new(std::io::empty()),
            b"{\"a\":\"\"}\n\n{\"b\":1}".to_vec(),
            b',',
            false,
            "t".into(),
        )
        .lines();
        let mut batch = Batch::default();
        assert!(s.next_batch(&mut batch, BatchLimits::STEADY).unwrap());
        let lines: Vec<_> = batch.spans.iter().map(|sp| (sp.line, batch.record_bytes(sp).to_vec())).collect();
        assert_eq!(lines, [(1, b"{\"a\":\"\"}".to_vec()), (3, b"{\"b\":1}".to_vec())]);
        let mut s =
            CsvSplitter::new(Box::new(std::io::empty()), b"a,b\r1,2\r3,4".to_vec(), b',', true, "t".into())
                .with_cr_newlines();
        assert!(s.next_batch(&mut batch, BatchLimits::STEADY).unwrap());
        assert_eq!(s.header.as_deref(), Some(&b"a,b"[..]));
        assert_eq!(batch.spans.iter().map(|sp| sp.line).collect::<Vec<_>>(), [2, 3]);
    }

    fn drain_tsv(mut s: CsvSplitter) -> (Split, Option<(u64, u64)>, Vec<u32>) {
        let mut out = Vec::new();
        let mut layouts = Vec::new();
        let mut batch = Batch::default();
        let tiny = BatchLimits { records: 3, bytes: usize::MAX };
        while s.next_batch(&mut batch, tiny).unwrap() {
            for span in &batch.spans {
                let v = match span.bad {
                    Some(r) => Err(r),
                    None => Ok(String::from_utf8_lossy(batch.record_bytes(span)).into_owned()),
                };
                out.push((span.record, span.line, v));
                layouts.push(span.layout);
                assert_eq!(batch.layout(span).is_some(), s.switched_at.is_some());
            }
        }
        (out, s.switched_at, layouts)
    }

    /// SPEC §5: an escaped TSV's record ends at a newline no backslash escapes; a `"` is text.
    #[test]
    fn escaped_tsv_records_end_at_unescaped_newlines() {
        let input = b"1\tline one\\\nline two\t\\N\n2\t\"x\n\n3\ta\\\\\n\t\t\n4\tend\\";
        let want: Split = vec![
            (1, 1, Ok("1\tline one\\\nline two\t\\N".into())),
            (2, 3, Ok("2\t\"x".into())),
            (3, 5, Ok("3\ta\\\\".into())),
            (4, 6, Ok("\t\t".into())),
            (5, 7, Ok("4\tend\\".into())),
        ];
        let whole =
            CsvSplitter::new(Box::new(std::io::empty()), input.to_vec(), b'\t', false, "t".into()).escaped();
        assert_eq!(drain(whole).1, want);
        let reader = Box::new(Trickle(input.to_vec(), 0));
        let trickled = CsvSplitter::new(reader, Vec::new(), b'\t', false, "t".into()).escaped();
        assert_eq!(drain(trickled).1, want);
    }

    /// SPEC §5: a quoted field of a TSV that runs over 10,000 lines makes the input escaped from
    /// that record on, and the records after it keep their numbers and lines.
    #[test]
    fn a_runaway_quote_in_a_tsv_switches_it_to_escaped() {
        let mut input = String::from("id\tnote\n1\t\"quoted\"\n2\t\"starts with a quote\n");
        for i in 3..=RUNAWAY_LINES + 10 {
            input.push_str(&format!("{i}\tC:\\\\x\n"));
        }
        // A quote far below closes it, as a later note's `"` does.
        input.push_str(&format!("{}\tsaid \"hi\n", RUNAWAY_LINES + 11));
        let splitter = |switching: bool| {
            let reader = Box::new(std::io::Cursor::new(input.clone().into_bytes()));
            let s = CsvSplitter::new(reader, Vec::new(), b'\t', true, "t".into());
            if switching { s.switching() } else { s }
        };
        let (recs, switched, layouts) = drain_tsv(splitter(true));
        assert_eq!(switched, Some((2, 3)));
        assert_eq!(recs.len(), RUNAWAY_LINES + 11);
        for (i, (record, line, text)) in recs.iter().enumerate() {
            assert_eq!((*record, *line), (i as u64 + 1, i as u64 + 2));
            assert!(text.as_ref().unwrap().starts_with(&format!("{record}\t")), "{text:?}");
        }
        assert_eq!(layouts[0], 0, "record 1 was read quoted");
        assert!(layouts[1..].iter().all(|&l| l == 1), "records from 2 on are escaped");
        // Without the switch (a dialect forced), the quote costs everything after it.
        let (recs, switched, _) = drain_tsv(splitter(false));
        assert_eq!(switched, None);
        assert_eq!(recs.len(), 2);
    }

    #[test]
    fn headerless_input_numbers_from_the_first_line() {
        let (header, recs) = split(b"1,2\n3,4", false);
        assert_eq!(header, None);
        assert_eq!(recs, vec![(1, 1, Ok("1,2".into())), (2, 2, Ok("3,4".into()))]);
    }

    #[test]
    fn empty_and_header_only_inputs_have_no_records() {
        assert!(split(b"", true).1.is_empty());
        assert!(split(b"a,b\n", true).1.is_empty());
        assert!(split(b"\n\n", false).1.is_empty());
    }

    fn fields(record: &[u8]) -> Vec<String> {
        let mut v = Vec::new();
        let mut scratch = String::new();
        for_each_field(&String::from_utf8_lossy(record), b',', &mut scratch, |i, f| {
            assert_eq!(i, v.len());
            v.push(f.to_string());
        });
        v
    }

    #[test]
    fn fields_unquote_like_rfc_4180() {
        assert_eq!(fields(b"a,b,c"), ["a", "b", "c"]);
        assert_eq!(fields(b"a,,c,"), ["a", "", "c", ""]);
        assert_eq!(fields(b"\"a,b\",c\r"), ["a,b", "c"]);
        assert_eq!(fields(b"\"ha \"\"ha\"\" ha\",x"), ["ha \"ha\" ha", "x"]);
        assert_eq!(fields(b"\"multi\nline\",2"), ["multi\nline", "2"]);
        assert_eq!(fields(b"\"ab\"cd,e"), ["abcd", "e"]);
        assert_eq!(fields(b"x\"y\",z"), ["x\"y\"", "z"]);
        assert_eq!(fields(b""), [""]);
        assert_eq!(fields(b"\"unclosed,x"), ["unclosed,x"]);
        // Records of 16 bytes and more are split 16 bytes at a time.
        assert_eq!(
            fields(b"3201014107900001,Siti Nurhaliza,\"Jl. A, No. 1\",x"),
            ["3201014107900001", "Siti Nurhaliza", "Jl. A, No. 1", "x"]
        );
        assert_eq!(fields(b"0123456789abcde,"), ["0123456789abcde", ""]);
    }

    /// The fields of a record by the rules above, a character at a time.
    fn reference_fields(record: &str, delim: char) -> Vec<String> {
        let chars: Vec<char> = record.strip_suffix('\r').unwrap_or(record).chars().collect();
        let (mut out, mut i) = (Vec::new(), 0);
        loop {
            let mut field = String::new();
            if chars.get(i) == Some(&'"') {
                i += 1;
                loop {
                    match (chars.get(i), chars.get(i + 1)) {
                        (None, _) => break,
                        (Some('"'), Some('"')) => {
                            field.push('"');
                            i += 2;
                        }
                        (Some('"'), _) => {
                            i += 1;
                            break;
                        }
                        (Some(&c), _) => {
                            field.push(c);
                            i += 1;
                        }
                    }
                }
            }
            while let Some(&c) = chars.get(i).filter(|&&c| c != delim) {
                field.push(c);
                i += 1;
            }
            out.push(field);
            if i >= chars.len() {
                return out;
            }
            i += 1;
        }
    }

    proptest::proptest! {
        /// The block-at-a-time delimiter search and the borrowed quoted fields give the fields
        /// of the rules, at every length and offset.
        #[test]
        fn fields_follow_the_rules(
            chars in proptest::collection::vec(proptest::sample::select(vec!['a', 'b', ',', ';', '"', ' ', 'é', '\r']), 0..70),
            delim in proptest::sample::select(vec![',', ';', '"']),
        ) {
            let record: String = chars.into_iter().collect();
            let mut got = Vec::new();
            for_each_field(&record, delim as u8, &mut String::new(), |_, f| got.push(f.to_string()));
            proptest::prop_assert_eq!(got, reference_fields(&record, delim), "{:?} split on {:?}", record, delim);
        }
    }
}
