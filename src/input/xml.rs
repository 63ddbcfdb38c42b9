//! `mysqldump --xml` dumps (SPEC §5 "the dialects real tools write"): each `<row>` of a
//! `<table_data name="…">` is a record, its `<field name="…">` values the columns,
//! `xsi:nil="true"` a NULL.
//!
//! Split like the other formats: the splitter, on one thread, only finds where each `<row>`
//! starts and ends (XML escapes `<` in text, so a row's `</row>` is the first after it) and which
//! table it is in; each row is parsed with `quick-xml` on a worker. A row is held whole, bounded
//! by [`MAX_RECORD_BYTES`]; nothing else of the document is kept.

use super::{
    Batch, BatchLimits, Column, ColumnSink, Dump, Extractor, Format, Head, InputError, InputOptions, Layout,
    MAX_COLUMNS, MAX_RECORD_BYTES, Source, Span, Splitter, Wanted,
};
use crate::kind::Kind;
use crate::roles::{self, ColumnMap, Naming, Role, RoleSource, Sniffer};
use memchr::memmem;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

/// How a row ends.
const ROW_END: &[u8] = b"</row>";
/// Bytes enough to tell which tag a `<` opens.
const TAG_PEEK: usize = 12;

/// Whether the first bytes of an input are a `mysqldump --xml` document.
pub fn is_mysqldump_xml(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let rest = text.trim_start();
    let rest = match rest.strip_prefix("<?xml") {
        Some(after) => after.split_once("?>").map_or("", |(_, r)| r).trim_start(),
        None => rest,
    };
    rest.starts_with("<mysqldump") && rest[10..].starts_with(|c: char| c.is_whitespace() || c == '>')
}

/// Plans a `mysqldump --xml` dump: reads the first rows, collects their field names, and gives
/// each a role (`--map`, synonyms, then sniffing), as the JSON reader does with its paths.
pub(super) fn open(
    name: String,
    head: Head,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let mut splitter = XmlSplitter::new(reader, head.bytes, name.clone());
    let mut first = Batch::default();
    splitter.next_batch(&mut first, BatchLimits::SNIFF)?;
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut sniffer = Sniffer::default();
    let mut scratch = String::new();
    for span in first.spans.iter().filter(|s| s.bad.is_none()) {
        let _ = for_each_field(&first.record_text(span), &mut scratch, |field, value| {
            let i = match index.get(field) {
                Some(&i) => i,
                None if names.len() < MAX_COLUMNS => {
                    index.insert(field.to_string(), names.len());
                    names.push(field.to_string());
                    names.len() - 1
                }
                None => return,
            };
            if roles::role_from_header(field).is_none() {
                sniffer.observe(i, value);
            }
        });
    }
    let mut assigned = roles::assign_roles_named(Some(&names), Naming::Whole, &[], &sniffer, names.len())
        .map_err(|message| InputError::Columns { input: name.clone(), message })?;
    for (field, role) in names.iter().zip(assigned.iter_mut()) {
        if let Some(kind) = mapped_kind(&options.maps, field) {
            *role = Some(Role { kind, source: RoleSource::Map });
        }
    }
    let columns: Vec<Column> =
        names.iter().zip(&assigned).map(|(n, role)| Column { name: Some(n.clone()), role: *role }).collect();
    let known = names.into_iter().zip(assigned.iter().copied()).collect();
    let extractor = Box::new(XmlExtractor { known, maps: options.maps.clone() });
    Ok(Dump { columns, ..Dump::planned(name, Format::Xml, first, Box::new(splitter), extractor) })
}

/// The kind a `--map` gives field `name` (`table.field` or `field`).
fn mapped_kind(maps: &[ColumnMap], name: &str) -> Option<Kind> {
    let key = roles::header_key(name);
    let map = maps.iter().find(|m| m.column == name || roles::header_key(&m.column) == key)?;
    map.mark_used();
    Some(map.kind)
}

/// Calls `f(field name, value)` for each `<field>` of one `<row>…</row>` that is not NULL,
/// its value unescaped (built in `scratch`). `Err` when the row is not well-formed XML.
fn for_each_field(
    row: &str,
    scratch: &mut String,
    mut f: impl FnMut(&str, &str),
) -> Result<(), &'static str> {
    const BAD: &str = "not well-formed XML";
    let mut reader = quick_xml::Reader::from_str(row);
    // The field being read: its name is `scratch[..name_len]`, its value the rest (one buffer,
    // reused: no allocation per field).
    let mut name_len: Option<usize> = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event().map_err(|_| BAD)? {
            Event::Start(tag) => {
                depth += 1;
                name_len = None;
                if depth == 2 && tag.name().as_ref() == "field" {
                    let nil = tag.try_get_attribute("xsi:nil").map_err(|_| BAD)?;
                    if nil.is_some_and(|a| a.value.as_ref() == "true") {
                        continue;
                    }
                    if let Some(attr) = tag.try_get_attribute("name").map_err(|_| BAD)? {
                        scratch.clear();
                        scratch.push_str(
                            &attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|_| BAD)?,
                        );
                        name_len = Some(scratch.len());
                    }
                }
            }
            // `<field name="x" />` is an empty value (or a NULL, with `xsi:nil`): no identity.
            Event::Empty(tag) if depth == 1 && tag.name().as_ref() != "field" => return Err(BAD),
            Event::Text(text) if name_len.is_some() => scratch.push_str(&text.xml10_content()),
            Event::CData(text) if name_len.is_some() => scratch.push_str(&text.into_inner()),
            // mysqldump writes only the predefined entities and character references; anything
            // else is kept as written (a wrong character costs that value, not the record).
            Event::GeneralRef(entity) if name_len.is_some() => match entity.resolve_char_ref() {
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
                    && let Some(n) = name_len.take()
                {
                    f(&scratch[..n], &scratch[n..]);
                }
                depth = depth.checked_sub(1).ok_or(BAD)?;
            }
            Event::Eof => return if depth == 0 { Ok(()) } else { Err(BAD) },
            _ => {}
        }
    }
}

/// Parses one row and passes the values of the fields that have a role.
struct XmlExtractor {
    /// Roles of the fields seen while planning.
    known: HashMap<String, Option<Role>, foldhash::fast::RandomState>,
    /// For fields first seen later: `--map` and header synonyms (no sniffing).
    maps: Vec<ColumnMap>,
}

impl XmlExtractor {
    fn role(&self, field: &str) -> Option<Role> {
        if let Some(role) = self.known.get(field) {
            return *role;
        }
        if let Some(kind) = mapped_kind(&self.maps, field) {
            return Some(Role { kind, source: RoleSource::Map });
        }
        roles::role_from_header(field).map(|kind| Role { kind, source: RoleSource::Header })
    }
}

impl Extractor for XmlExtractor {
    fn visit(
        &self,
        record: &str,
        _layout: Option<&Layout>,
        wanted: Wanted,
        scratch: &mut String,
        sink: &mut ColumnSink<'_>,
    ) -> Result<(), &'static str> {
        for_each_field(record, scratch, |field, value| {
            let role = self.role(field);
            if role.is_some() || wanted == Wanted::All {
                sink(field, None, role, value);
            }
        })
    }
}

/// Finds the `<row>`s of a `mysqldump --xml` stream and the table each is in.
pub struct XmlSplitter {
    source: Source,
    /// Unconsumed bytes, from `pos` on.
    buf: Vec<u8>,
    pos: usize,
    /// The physical line `buf[pos]` is on.
    line: u64,
    next_record: u64,
    /// The `<table_data>` being read, as a layout (its name is the records' table).
    table: Option<Arc<Layout>>,
    /// Skipping the rest of a row over the size limit, up to its `</row>`.
    skipping_row: bool,
    /// How far after the `<row` at `pos` its `</row>` was already looked for (each read would
    /// otherwise search a long row again from its start).
    searched: usize,
    max_record: usize,
    row_end: memmem::Finder<'static>,
}

impl XmlSplitter {
    pub fn new(reader: Box<dyn Read + Send>, head: Vec<u8>, name: String) -> Self {
        XmlSplitter {
            source: Source::new(reader, name),
            buf: head,
            pos: 0,
            line: 1,
            next_record: 1,
            table: None,
            skipping_row: false,
            searched: 0,
            max_record: MAX_RECORD_BYTES,
            row_end: memmem::Finder::new(ROW_END),
        }
    }

    /// Lowers the record size limit (for tests of the limit without 64 MiB inputs).
    pub fn with_max_record(mut self, bytes: usize) -> Self {
        self.max_record = bytes;
        self
    }

    /// Moves `pos` to `to`, counting the lines passed.
    fn advance(&mut self, to: usize) {
        self.line += memchr::memchr_iter(b'\n', &self.buf[self.pos..to]).count() as u64;
        self.pos = to;
    }

    /// Drops consumed bytes and reads more; `false` at the end of the input or when it broke.
    fn refill(&mut self) -> bool {
        self.buf.drain(..self.pos);
        self.pos = 0;
        if self.source.eof {
            return false;
        }
        self.source.read_more(&mut self.buf) && !(self.source.eof && self.buf.is_empty())
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

    fn push_bad(&mut self, batch: &mut Batch, line: u64, reason: &'static str) {
        let mut span = Span::bad(self.next_record, line, reason);
        span.layout = self.layout_in(batch);
        batch.spans.push(span);
        self.next_record += 1;
    }

    /// What the tag at `pos` (a `<`) is, once enough bytes are there: `None` to read more.
    fn step(&mut self, batch: &mut Batch) -> Option<()> {
        let at = self.pos;
        let rest = &self.buf[at..];
        if rest.len() < TAG_PEEK && !self.source.eof {
            return None;
        }
        let opens = |tag: &[u8]| {
            rest.starts_with(tag)
                && rest.get(tag.len()).is_none_or(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'))
        };
        if opens(b"<row") {
            let from = self.searched.max(4);
            let Some(k) = self.row_end.find(&rest[from..]).map(|k| from - 4 + k) else {
                self.searched = rest.len().saturating_sub(ROW_END.len() - 1).max(4);
                if rest.len() > self.max_record {
                    self.push_bad(batch, self.line, "XML row larger than 64 MiB");
                    self.searched = 0;
                    self.skipping_row = true;
                    self.advance(self.buf.len());
                    return Some(());
                }
                if self.source.eof {
                    self.searched = 0;
                    self.push_bad(batch, self.line, "XML ends inside a row");
                    self.advance(self.buf.len());
                    return Some(());
                }
                return None;
            };
            self.searched = 0;
            let end = at + 4 + k + ROW_END.len();
            if end - at > self.max_record {
                self.push_bad(batch, self.line, "XML row larger than 64 MiB");
            } else {
                let start = batch.data.len();
                batch.data.extend_from_slice(&self.buf[at..end]);
                let mut span = Span::new(start, batch.data.len(), self.next_record, self.line);
                span.layout = self.layout_in(batch);
                batch.spans.push(span);
                self.next_record += 1;
            }
            self.advance(end);
        } else if opens(b"<table_data") {
            let Some(k) = memchr::memchr(b'>', rest) else {
                if rest.len() > self.max_record || self.source.eof {
                    self.advance(self.buf.len());
                    return Some(());
                }
                return None;
            };
            let tag = String::from_utf8_lossy(&rest[..=k]).into_owned();
            self.table = Some(Arc::new(table_layout(&tag)));
            if rest[..k].ends_with(b"/") {
                self.table = None;
            }
            self.advance(at + k + 1);
        } else {
            if opens(b"</table_data") {
                self.table = None;
            }
            self.advance(at + 1);
        }
        Some(())
    }
}

/// The layout of a `<table_data name="…">` tag's rows: the table's name, for reports.
fn table_layout(tag: &str) -> Layout {
    let mut reader = quick_xml::Reader::from_str(tag);
    let table = match reader.read_event() {
        Ok(Event::Start(t) | Event::Empty(t)) => t
            .try_get_attribute("name")
            .ok()
            .flatten()
            .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
            .unwrap_or_default(),
        _ => String::new(),
    };
    Layout {
        table,
        names: Vec::new(),
        roles: Vec::new(),
        copy: false,
        backslash_escapes: false,
        copy_fields: None,
    }
}

impl Splitter for XmlSplitter {
    fn next_batch(&mut self, batch: &mut Batch, limits: BatchLimits) -> Result<bool, InputError> {
        batch.clear();
        loop {
            if batch.spans.len() >= limits.records || batch.data.len() >= limits.bytes {
                break;
            }
            if self.skipping_row {
                match self.row_end.find(&self.buf[self.pos..]) {
                    Some(k) => {
                        self.skipping_row = false;
                        self.advance(self.pos + k + ROW_END.len());
                    }
                    None => {
                        // Keep the last bytes: `</row>` may be cut by the read.
                        let keep = self.buf.len().saturating_sub(ROW_END.len() - 1).max(self.pos);
                        self.advance(keep);
                        if !self.refill() {
                            break;
                        }
                    }
                }
                continue;
            }
            match memchr::memchr(b'<', &self.buf[self.pos..]) {
                Some(k) => {
                    let at = self.pos + k;
                    self.advance(at);
                    if self.step(batch).is_none() && !self.refill() {
                        break;
                    }
                }
                None => {
                    self.advance(self.buf.len());
                    if !self.refill() {
                        break;
                    }
                }
            }
        }
        let more = !(batch.spans.is_empty() && self.source.eof && self.pos >= self.buf.len());
        self.source.end_batch(batch, more)
    }
}

#[cfg(test)]
mod tests;
