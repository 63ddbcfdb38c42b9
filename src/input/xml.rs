//! `mysqldump --xml` dumps (SPEC §5 "the dialects real tools write"): each `<row>` of a
//! `<table_data name="…">` is a record, its `<field name="…">` values the columns,
//! `xsi:nil="true"` a NULL. The result sets `mysql --xml` writes (`<resultset statement="…">`,
//! one document per statement) are read the same way, each a table without a name (the
//! statement is not kept: it may hold an identifier).
//!
//! Split like the other formats, through the shared [`SplitBuffer`]: the splitter, on one
//! thread, only finds where each `<row>` starts and ends (XML escapes `<` in text, so a row's
//! `</row>` is the first after it) and which table it is in; each row is parsed with `quick-xml`
//! on a worker. A row is held whole, bounded by the record size limit; nothing else of the
//! document is kept. Each table's columns are planned when it opens, from its own first rows
//! ([`plan::table_columns`], as SQL tables are): a table that starts after the first 1,000 rows
//! of the file has its columns sniffed like the first.

use super::buffer::{SplitBuffer, count_newlines};
use super::plan::{self, ColumnPlanner};
use super::{
    Batch, BatchLimits, ColumnSink, Dump, Extractor, Format, Head, InputError, InputOptions, Layout, Span,
    Splitter, Wanted, encoding,
};
use crate::kind::Kind;
use crate::limits::{SNIFF_BATCH_BYTES, SNIFF_RECORDS};
use crate::roles::{self, ColumnMap, Naming, Role, RoleSource};
use memchr::memmem;
use quick_xml::events::Event;
use std::io::Read;
use std::sync::Arc;

/// How a row's end tag starts (then optional whitespace and `>`: [`row_end`]).
const ROW_END: &[u8] = b"</row";
/// Bytes enough to tell which tag a `<` opens.
const TAG_PEEK: usize = 12;

/// Whether the first bytes of an input are a `mysqldump --xml` document or `mysql --xml` output.
pub fn is_mysqldump_xml(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let rest = text.trim_start();
    let rest = match rest.strip_prefix("<?xml") {
        Some(after) => after.split_once("?>").map_or("", |(_, r)| r).trim_start(),
        None => rest,
    };
    ["<mysqldump", "<resultset"].iter().any(|root| {
        rest.strip_prefix(root)
            .is_some_and(|after| after.starts_with(|c: char| c.is_whitespace() || c == '>'))
    })
}

/// Opens a `mysqldump --xml` dump: its first batch is read, each table planned as it opens.
pub(super) fn open(
    name: String,
    head: Head,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let mut splitter = XmlSplitter::new(reader, head.bytes, name.clone(), options.maps.clone());
    let mut first = Batch::default();
    splitter.next_batch(&mut first, BatchLimits::SNIFF)?;
    let extractor = Box::new(XmlExtractor { maps: options.maps.clone() });
    Ok(Dump::planned(name, Format::Xml, first, Box::new(splitter), extractor))
}

/// Calls `f(field name, value)` for each `<field>` of one `<row>…</row>`, its value unescaped
/// (built in `scratch`), `None` for a NULL (`xsi:nil="true"`) or an empty `<field … />`.
/// `Err` when the row is not well-formed XML.
fn for_each_field(
    row: &str,
    scratch: &mut String,
    mut f: impl FnMut(&str, Option<&str>),
) -> Result<(), &'static str> {
    const BAD: &str = "not well-formed XML";
    let mut reader = quick_xml::Reader::from_str(row);
    // The field being read: its name is `scratch[..name_len]`, its value the rest (one buffer,
    // reused: no allocation per field); and whether it is a NULL.
    let mut field: Option<(usize, bool)> = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event().map_err(|_| BAD)? {
            Event::Start(tag) => {
                depth += 1;
                field = None;
                if depth == 2 && tag.name().as_ref() == "field" {
                    field = field_name(&tag, scratch)?;
                }
            }
            // `<field name="x" />` is an empty value (or a NULL, with `xsi:nil`): no identity.
            Event::Empty(tag) if depth == 1 => {
                if tag.name().as_ref() != "field" {
                    return Err(BAD);
                }
                if let Some((n, _)) = field_name(&tag, scratch)? {
                    f(&scratch[..n], None);
                }
            }
            Event::Text(text) if field.is_some() => scratch.push_str(&text.xml10_content()),
            Event::CData(text) if field.is_some() => scratch.push_str(&text.into_inner()),
            // mysqldump writes only the predefined entities and character references; anything
            // else is kept as written (a wrong character costs that value, not the record).
            Event::GeneralRef(entity) if field.is_some() => match entity.resolve_char_ref() {
                Ok(Some(c)) => scratch.push(c),
                Ok(None) => match quick_xml::escape::resolve_predefined_entity(&entity.xml10_content()) {
                    Some(text) => scratch.push_str(text),
                    None => {
                        scratch.push('&');
                        scratch.push_str(&entity.xml10_content());
                        scratch.push(';');
                    }
                },
                Err(_) => scratch.push(char::REPLACEMENT_CHARACTER),
            },
            Event::End(_) => {
                if depth == 2
                    && let Some((n, nil)) = field.take()
                {
                    f(&scratch[..n], (!nil).then(|| &scratch[n..]));
                }
                depth = depth.checked_sub(1).ok_or(BAD)?;
            }
            Event::Eof => return if depth == 0 { Ok(()) } else { Err(BAD) },
            _ => {}
        }
    }
}

/// The `name` of a `<field>` tag, put in `scratch` (cleared first): its length, and whether the
/// field is a NULL; `None` for a field without a name.
fn field_name(
    tag: &quick_xml::events::BytesStart<'_>,
    scratch: &mut String,
) -> Result<Option<(usize, bool)>, &'static str> {
    const BAD: &str = "not well-formed XML";
    let nil = tag.try_get_attribute("xsi:nil").map_err(|_| BAD)?.is_some_and(|a| a.value.as_ref() == "true");
    let Some(attr) = tag.try_get_attribute("name").map_err(|_| BAD)? else { return Ok(None) };
    scratch.clear();
    scratch.push_str(&attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|_| BAD)?);
    Ok(Some((scratch.len(), nil)))
}

/// Parses one row and passes its values by its table's layout.
struct XmlExtractor {
    /// For fields the table's first rows did not have: `--map` and header synonyms (no sniffing).
    maps: Vec<ColumnMap>,
}

impl XmlExtractor {
    /// The role of a field no planned column has.
    fn late_role(&self, table: &str, field: &str) -> Option<Role> {
        if let Some(kind) = mapped_kind(&self.maps, table, field) {
            return Some(Role { kind, source: RoleSource::Map });
        }
        roles::role_from_header(field).map(|kind| Role { kind, source: RoleSource::Header })
    }
}

impl Extractor for XmlExtractor {
    fn visit(
        &self,
        record: &str,
        layout: Option<&Layout>,
        wanted: Wanted,
        scratch: &mut String,
        sink: &mut ColumnSink<'_>,
    ) -> Result<(), &'static str> {
        let table = layout.map_or("", |l| l.table.as_str());
        // The name of a field no planned column has, built only for `inspect`.
        let mut late = String::new();
        for_each_field(record, scratch, |field, value| {
            let Some(value) = value else { return };
            let planned = layout.and_then(|l| Some((l, column_of(l, field)?)));
            let role = match planned {
                Some((l, i)) => l.roles.get(i).copied().flatten(),
                None => self.late_role(table, field),
            };
            if role.is_none() && wanted == Wanted::Roles {
                return;
            }
            let name = match planned {
                Some((l, i)) => l.names.get(i).map_or(field, String::as_str),
                None => {
                    late.clear();
                    late.push_str(&column_name(table, field));
                    &late
                }
            };
            sink(name, None, role, value);
        })
    }
}

/// How a column of `table` is named (`table.field`, as SQL columns; the field alone outside a
/// table).
fn column_name(table: &str, field: &str) -> String {
    if table.is_empty() { field.to_string() } else { format!("{table}.{field}") }
}

/// The planned column of field `field`: a layout's names are sorted (see [`XmlSplitter::plan`]).
fn column_of(layout: &Layout, field: &str) -> Option<usize> {
    let skip = if layout.table.is_empty() { 0 } else { layout.table.len() + 1 };
    layout.names.binary_search_by(|name| name.get(skip..).unwrap_or_default().cmp(field)).ok()
}

/// The kind a `--map` gives field `field` of `table` (`table.field` or `field`).
fn mapped_kind(maps: &[ColumnMap], table: &str, field: &str) -> Option<Kind> {
    if maps.is_empty() {
        return None;
    }
    let key = roles::header_key(field);
    let map = maps.iter().find(|m| {
        let column = match plan::strip_table(&m.column, table) {
            Some(column) => column,
            None if !m.column.contains('.') => m.column.as_str(),
            None => return false,
        };
        column == field || roles::header_key(column) == key
    })?;
    map.mark_used();
    Some(map.kind)
}

/// Where the first end tag of a row in `bytes` ends: `</row`, then any whitespace, then `>` (XML
/// allows `</row >` and `</row` + newline + `>`; a splitter that looked for `</row>` only read two
/// rows as one record, and a name of one with a date of birth of the other made a false
/// exposure). `Err(from)`: no end tag is complete in `bytes`, and a search of more bytes may
/// start at `from` (an end tag cut by the read is found again from there).
fn row_end(bytes: &[u8], finder: &memmem::Finder<'_>) -> Result<usize, usize> {
    let mut from = 0;
    while let Some(k) = finder.find(&bytes[from..]) {
        let at = from + k;
        let after = at + ROW_END.len();
        let space = bytes[after..].iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
        match bytes.get(after + space) {
            Some(b'>') => return Ok(after + space + 1),
            None => return Err(at),
            // `</rows>`, `</row_x>`: another tag.
            Some(_) => from = at + 1,
        }
    }
    Err(bytes.len().saturating_sub(ROW_END.len() - 1).max(from))
}

/// Whether `rest` starts with the tag `tag` (`<row`, `</table_data`…) and not a longer name.
fn opens(rest: &[u8], tag: &[u8]) -> bool {
    rest.starts_with(tag)
        && rest.get(tag.len()).is_none_or(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'))
}

/// Whether `rest` starts a table: a `<table_data>`, or a `<resultset>` of `mysql --xml`.
fn starts_table(rest: &[u8]) -> bool {
    opens(rest, b"<table_data") || opens(rest, b"<resultset")
}

/// Whether `rest` starts a tag that ends the rows of a table (the next table's start, or this
/// one's end).
fn ends_table(rest: &[u8]) -> bool {
    starts_table(rest) || opens(rest, b"</table_data") || opens(rest, b"</resultset")
}

/// The first rows of a table, found without consuming them, for its planning.
#[derive(Default)]
struct Peek {
    /// Where the look goes on (offsets from the table's first byte).
    from: usize,
    /// A row whose `</row>` is not read yet: its start, and how far it was searched.
    row: Option<(usize, usize)>,
    /// The rows found, as ranges.
    rows: Vec<(usize, usize)>,
}

impl Peek {
    /// Looks on in `bytes` (the table from its first byte); `true` once the table ended or
    /// enough rows are found.
    fn scan(&mut self, bytes: &[u8], eof: bool, finder: &memmem::Finder<'_>) -> bool {
        while self.rows.len() < SNIFF_RECORDS {
            if let Some((start, searched)) = self.row {
                match row_end(&bytes[searched..], finder) {
                    Ok(k) => {
                        let end = searched + k;
                        self.rows.push((start, end));
                        self.from = end;
                        self.row = None;
                    }
                    Err(k) => {
                        self.row = Some((start, searched + k));
                        return eof;
                    }
                }
                continue;
            }
            let Some(k) = memchr::memchr(b'<', &bytes[self.from..]) else {
                self.from = bytes.len();
                return eof;
            };
            let at = self.from + k;
            let rest = &bytes[at..];
            if rest.len() < TAG_PEEK && !eof {
                self.from = at;
                return false;
            }
            if opens(rest, b"<row") {
                self.row = Some((at, at + 4));
            } else if ends_table(rest) {
                return true;
            } else {
                self.from = at + 1;
            }
        }
        true
    }
}

/// Finds the `<row>`s of a `mysqldump --xml` stream and the table each is in.
pub struct XmlSplitter {
    buf: SplitBuffer,
    /// The first byte not yet consumed; a row is consumed whole.
    pos: usize,
    /// The physical line `buf[pos]` is on.
    line: u64,
    next_record: u64,
    /// The table being read, planned (its name is the records' table); `None` between tables.
    table: Option<Arc<Layout>>,
    /// Skipping the rest of a row over the size limit, up to its `</row>`.
    skipping_row: bool,
    /// How far after the `<row` at `pos` its `</row>` was already looked for (each read would
    /// otherwise search a long row again from its start).
    searched: usize,
    maps: Vec<ColumnMap>,
    row_end: memmem::Finder<'static>,
}

impl XmlSplitter {
    pub fn new(reader: Box<dyn Read + Send>, head: Vec<u8>, name: String, maps: Vec<ColumnMap>) -> Self {
        XmlSplitter {
            buf: SplitBuffer::new(reader, head, name),
            pos: 0,
            line: 1,
            next_record: 1,
            table: None,
            skipping_row: false,
            searched: 0,
            maps,
            row_end: memmem::Finder::new(ROW_END),
        }
    }

    /// Lowers the record size limit (for tests of the limit without 64 MiB inputs).
    pub fn with_max_record(mut self, bytes: usize) -> Self {
        self.buf.set_max_record(bytes);
        self
    }

    /// Moves `pos` to `to`, counting the lines passed.
    fn advance(&mut self, to: usize) {
        self.line += count_newlines(&self.buf[self.pos..to], b'\n');
        self.pos = to;
    }

    /// The layout index of the current table in `batch`, adding it on first use.
    fn layout_in(&self, batch: &mut Batch) -> u32 {
        let Some(table) = &self.table else { return u32::MAX };
        if let Some(i) = batch.layouts.iter().position(|l| Arc::ptr_eq(l, table)) {
            return i as u32;
        }
        batch.layouts.push(table.clone());
        (batch.layouts.len() - 1) as u32
    }

    fn push(&mut self, batch: &mut Batch, mut span: Span) {
        span.layout = self.layout_in(batch);
        batch.spans.push(span);
        self.next_record += 1;
    }

    /// Plans the table whose rows start at `pos`: the fields its first rows have (up to
    /// [`SNIFF_RECORDS`] rows, within [`SNIFF_BATCH_BYTES`] read ahead, nothing consumed), each
    /// given its role as an SQL table's columns are. The layout's names are sorted, for
    /// [`column_of`].
    fn plan(&mut self, table: String) -> Result<Arc<Layout>, InputError> {
        let from = self.pos;
        let mut peek = Peek::default();
        while !peek.scan(&self.buf[from..], self.buf.eof(), &self.row_end)
            && !self.buf.eof()
            && self.buf.len() - from <= SNIFF_BATCH_BYTES
            && self.buf.read_more()
        {}
        let mut planner = ColumnPlanner::new(None, Naming::Whole);
        let mut scratch = String::new();
        for &(start, end) in &peek.rows {
            let text = encoding::record_text(&self.buf[from + start..from + end]);
            // A row that breaks still tells the fields before the break.
            let _ = for_each_field(&text, &mut scratch, |field, value| {
                if let Some(col) = planner.column(field) {
                    planner.observe(col, value);
                }
            });
        }
        // A `--map` that the plan refused is said and the input not read, as an SQL table's is
        // (see `plan::table_columns`): never read with no roles at all, which would check nobody
        // in silence.
        let (names, roles) =
            plan::table_columns(planner, &table, &self.maps).map_err(|message| InputError::Columns {
                input: self.buf.name().to_string(),
                message: format!("table {}: {message}", crate::report::mask::sanitize(&table)),
            })?;
        let mut columns: Vec<(String, Option<Role>)> = names.into_iter().zip(roles).collect();
        columns.sort_by(|a, b| a.0.cmp(&b.0));
        let (names, roles) = columns.into_iter().unzip();
        Ok(Arc::new(Layout { table, names, roles, copy: false, backslash_escapes: false, copy_fields: None }))
    }

    /// What the tag at `pos` (a `<`) is, once enough bytes are there: `None` to read more.
    fn step(&mut self, batch: &mut Batch) -> Result<Option<()>, InputError> {
        let at = self.pos;
        let rest = &self.buf[at..];
        let eof = self.buf.eof();
        if rest.len() < TAG_PEEK && !eof {
            return Ok(None);
        }
        if opens(rest, b"<row") {
            if self.table.is_none() {
                // Rows outside any table: planned as a table of their own, without a name.
                self.table = Some(self.plan(String::new())?);
            }
            let rest = &self.buf[at..];
            let from = self.searched.max(4);
            let found = row_end(&rest[from..], &self.row_end);
            let Ok(k) = found.map(|k| from + k) else {
                self.searched = found.err().map_or(4, |k| from + k);
                if self.buf.outgrew(at) {
                    let line = self.line;
                    self.push(batch, Span::bad(self.next_record, line, "XML row larger than 64 MiB"));
                    self.searched = 0;
                    self.skipping_row = true;
                    self.advance(self.buf.len());
                    return Ok(Some(()));
                }
                if eof {
                    self.searched = 0;
                    let line = self.line;
                    self.push(batch, Span::bad(self.next_record, line, "XML ends inside a row"));
                    self.advance(self.buf.len());
                    return Ok(Some(()));
                }
                return Ok(None);
            };
            self.searched = 0;
            let end = at + k;
            let line = self.line;
            if end - at > self.buf.max_record() {
                self.push(batch, Span::bad(self.next_record, line, "XML row larger than 64 MiB"));
            } else {
                self.push(batch, Span::new(at, end, self.next_record, line));
            }
            self.advance(end);
        } else if starts_table(rest) {
            let Some(k) = memchr::memchr(b'>', rest) else {
                if self.buf.outgrew(at) || eof {
                    self.advance(self.buf.len());
                    return Ok(Some(()));
                }
                return Ok(None);
            };
            let empty = rest[..k].ends_with(b"/");
            // A result set's statement is no name (and may hold an identifier).
            let name = if opens(rest, b"<resultset") {
                String::new()
            } else {
                table_name(&String::from_utf8_lossy(&rest[..=k]))
            };
            self.advance(at + k + 1);
            self.table = if empty { None } else { Some(self.plan(name)?) };
        } else {
            if opens(rest, b"</table_data") || opens(rest, b"</resultset") {
                self.table = None;
            }
            self.advance(at + 1);
        }
        Ok(Some(()))
    }
}

/// The name of a `<table_data name="…">` tag's table, for reports.
fn table_name(tag: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(tag);
    match reader.read_event() {
        Ok(Event::Start(t) | Event::Empty(t)) => t
            .try_get_attribute("name")
            .ok()
            .flatten()
            .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

impl Splitter for XmlSplitter {
    fn next_batch(&mut self, batch: &mut Batch, limits: BatchLimits) -> Result<bool, InputError> {
        batch.clear();
        loop {
            if batch.spans.len() >= limits.records || (self.pos >= limits.bytes && !batch.spans.is_empty()) {
                break;
            }
            let need_more = if self.skipping_row {
                match row_end(&self.buf[self.pos..], &self.row_end) {
                    Ok(k) => {
                        self.skipping_row = false;
                        self.advance(self.pos + k);
                        false
                    }
                    Err(k) => {
                        // Keep the last bytes: `</row>` may be cut by the read.
                        self.advance(self.pos + k);
                        true
                    }
                }
            } else {
                match memchr::memchr(b'<', &self.buf[self.pos..]) {
                    Some(k) => {
                        self.advance(self.pos + k);
                        self.step(batch)?.is_none()
                    }
                    None => {
                        self.advance(self.buf.len());
                        true
                    }
                }
            };
            if !need_more {
                continue;
            }
            if self.buf.eof() {
                self.advance(self.buf.len());
                break;
            }
            if batch.spans.is_empty() {
                // Nothing handed over points at the bytes before `pos`: drop them.
                self.buf.discard(self.pos);
                self.pos = 0;
            } else if self.pos >= limits.bytes {
                // Bytes can only be dropped once the records before them are handed over.
                break;
            }
            if !self.buf.read_more() {
                break;
            }
        }
        // Hand over what the spans point at; keep everything from the first byte not consumed.
        let keep = self.pos;
        self.buf.hand_over(batch, keep);
        self.pos = 0;
        let more = !(batch.spans.is_empty() && self.buf.eof() && self.buf.is_empty());
        self.buf.end_batch(batch, more)
    }
}

#[cfg(test)]
mod tests;
