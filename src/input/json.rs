//! NDJSON (one object per line) and JSON (a top-level array of objects, or an object holding one
//! at any depth), streamed: records are found by a structural byte scan that never holds more
//! than one record, and each record is parsed on a worker.
//!
//! Nested objects flatten to dotted paths (`pasien.kontak.hp`) whose last segment gives the role;
//! arrays add no segment, so an array of scalars gives several values for one path and an array of
//! objects contributes each element's fields under the same path. Numbers keep their digits
//! (`arbitrary_precision`), so a NIK written as a JSON number is read as written.

use super::buffer::{SplitBuffer, count_newlines};
use super::csv::CsvSplitter;
use super::plan::ColumnPlanner;
use super::{
    Batch, BatchLimits, Column, ColumnSink, Dump, Extractor, Format, Head, InputError, InputOptions, Layout,
    Span, Splitter, Wanted,
};
use crate::kind::Kind;
use crate::roles::{self, ColumnMap, Naming, Role, RoleSource};
use memchr::{memchr2, memchr3};
use std::collections::HashMap;
use std::io::Read;

mod node;
mod resync;

use super::resync::{Budget, Verdict};
use resync::{AtBoundary, Grammar, Tok};

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";
/// A top-level JSON value that is neither an array nor an object is read whole only up to this
/// size (it holds no records; it is only checked to be JSON).
const MAX_SCALAR: usize = 1 << 20;

/// Plans an NDJSON dump: lines are records, blank lines are skipped.
pub(super) fn open_ndjson(
    name: String,
    head: Head,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let mut bytes = head.bytes;
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
    }
    let line_end = ndjson_line_end(&bytes);
    let mut splitter = CsvSplitter::new(reader, bytes, b',', false, name.clone()).lines();
    if line_end == b'\r' {
        splitter = splitter.with_cr_newlines();
    }
    plan(name, Format::Ndjson, Box::new(splitter), options)
}

/// The byte that ends an NDJSON line, decided from the input's head (its first
/// [`super::sniff::SAMPLE_BYTES`]): a lone `\r` when the head holds no `\n` and its first `\r`
/// stands between two records — the last byte before it (past blanks) ends a value (`}` or `]`)
/// and the first after it starts one (`{` or `[`) or is the end of the head — as in files of old
/// Mac software; else `\n`, which also ends `\r\n` lines. A CR is also JSON whitespace
/// (`{"a":1,\r"b":2}`, `[\r{`, `:\r{`), and inside one JSON value a `}` or `]` is never
/// followed by `{` or `[` without a comma, so only a CR between two values is taken for a line
/// end: a first record over 64 KiB holding such a CR, read as CR-ended lines, lost every record
/// after it. Read with `\n`, a CR-only file would be one bad record. A shard's byte range of the
/// file (`shard::range`) cuts and counts lines at the byte this gives for the file's head, so its
/// records are the unsharded scan's.
pub fn ndjson_line_end(head: &[u8]) -> u8 {
    if head.contains(&b'\n') {
        return b'\n';
    }
    let Some(cr) = memchr::memchr(b'\r', head) else { return b'\n' };
    let blank = |b: &&u8| matches!(b, b' ' | b'\t' | b'\r');
    let before = head[..cr].iter().rev().find(|b| !blank(b));
    let after = head[cr + 1..].iter().find(|b| !blank(b));
    match (before, after) {
        (Some(b'}' | b']'), None | Some(b'{' | b'[')) => b'\r',
        _ => b'\n',
    }
}

/// Plans a JSON dump (SPEC §5 1.1): the elements of a top-level array are records; in an
/// object, those of the first array whose first object has an identity field (a NIK, phone or
/// e-mail synonym or `--map` path, or both a name and a birth-date synonym). When no array
/// qualifies, the dump has no records and is marked [`Dump::read_again`]: its first array of
/// objects, whatever its fields, is read on a second reading (`any_array`), which only a file
/// allows; a stream is left with a warning saying why.
pub(super) fn open_array(
    name: String,
    head: Head,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
    any_array: bool,
) -> Result<Dump, InputError> {
    let mut splitter = ArraySplitter::new(reader, head.bytes, name.clone());
    if !any_array {
        splitter.identity = Some(options.maps.clone());
    }
    let mut first = Batch::default();
    splitter.next_batch(&mut first, BatchLimits::SNIFF)?;
    let read_again = splitter.no_identity_array;
    let mut dump = plan_first(name.clone(), Format::Json, Box::new(splitter), first, options)?;
    if read_again {
        dump.read_again = true;
        dump.warnings.push(format!(
            "{name}: no array of objects in this JSON has a NIK, phone or e-mail field, or a name and a \
             birth-date field, and a stream cannot be read twice to take its first array of objects \
             instead: no records read; save it to a file, or name the fields with --map KIND=PATH"
        ));
    }
    Ok(dump)
}

/// How far the first element of an array is read ahead to see its fields: past this, the array
/// is taken as the records (as before rules 1.1).
const IDENTITY_LOOKAHEAD: usize = 1 << 20;

/// Bytes all those look-aheads of one document may scan together: arrays nested in the first
/// elements of arrays (`{"a":[{"a":[{…`) are each looked at, and each look scans what follows;
/// past this, the next array of objects is taken, so a hostile document costs linear time.
const IDENTITY_SCAN_BUDGET: usize = 64 << 20;

/// Whether an object (an array's first element) carries identity fields (SPEC §5 1.1): a key
/// (through nested objects, not into arrays of objects: those are arrays of their own) that is a
/// NIK, phone or e-mail synonym or is named by a `--map`, or both a name and a birth-date
/// synonym. Text that does not parse qualifies (the array is taken, and its bad elements are bad
/// records as before).
fn carries_identity(element: &str, maps: &[ColumnMap]) -> bool {
    let Ok(object) = node::parse_object(element) else { return true };
    let (mut strong, mut name, mut dob) = (false, false, false);
    for_each_key(&object, &mut String::new(), &mut |path| {
        let kind = mapped_kind(maps, path).or_else(|| roles::role_from_header(roles::last_segment(path)));
        match kind {
            Some(Kind::Nik | Kind::Phone | Kind::Email) => strong = true,
            Some(Kind::Name) => name = true,
            Some(Kind::Dob) => dob = true,
            _ => {}
        }
    });
    strong || (name && dob)
}

/// Calls `f` with the dotted path of every key of `members` whose value is not an object or an
/// array of objects, and of the keys of nested objects.
fn for_each_key(
    members: &[(std::borrow::Cow<'_, str>, node::Node<'_>)],
    path: &mut String,
    f: &mut dyn FnMut(&str),
) {
    for (key, value) in members {
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        match value {
            node::Node::Object(nested) => for_each_key(nested, path, f),
            node::Node::Array(items) if items.iter().any(|i| matches!(i, node::Node::Object(_))) => {}
            _ => f(path),
        }
        path.truncate(len);
    }
}

/// Where the JSON value starting at `start` (a `{`) ends in `buf`: just after its closing `}`,
/// or `None` when `buf` ends first.
fn value_end(buf: &[u8], start: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in buf.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Reads the first records, collects their paths, and gives each path a role.
fn plan(
    name: String,
    format: Format,
    mut splitter: Box<dyn Splitter>,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let mut first = Batch::default();
    splitter.next_batch(&mut first, BatchLimits::SNIFF)?;
    plan_first(name, format, splitter, first, options)
}

/// [`plan`] with the first batch already read.
fn plan_first(
    name: String,
    format: Format,
    splitter: Box<dyn Splitter>,
    first: Batch,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let mut planner = ColumnPlanner::new(Some(Vec::new()), Naming::DottedPath);
    let (mut objects, mut values) = (0, 0);
    for span in first.spans.iter().filter(|s| s.bad.is_none()) {
        let text = first.record_text(span);
        let Ok(object) = node::parse_object(&text) else {
            values += usize::from(!text.trim_start().starts_with('{'));
            continue;
        };
        objects += 1;
        let mut path = String::new();
        node::for_each_leaf_of(&object, &mut path, &mut |path, text, _| {
            if let Some(i) = planner.column(path) {
                planner.observe(i, Some(text));
            }
        });
    }
    // `--map` gives its role to every path it names (whole, or by last part), as it will for
    // paths first seen later; the rest get theirs from synonyms and sniffing.
    let mut assigned =
        planner.assign(&[]).map_err(|message| InputError::Columns { input: name.clone(), message })?;
    let paths = planner.into_names().unwrap_or_default();
    for (path, role) in paths.iter().zip(assigned.iter_mut()) {
        if let Some(message) = mapped_twice(&options.maps, path) {
            return Err(InputError::Columns { input: name.clone(), message });
        }
        if let Some(kind) = mapped_kind(&options.maps, path) {
            *role = Some(Role { kind, source: RoleSource::Map });
        }
    }
    let columns: Vec<Column> =
        paths.iter().zip(&assigned).map(|(p, role)| Column { name: Some(p.clone()), role: *role }).collect();
    let known = paths.into_iter().zip(assigned.iter().copied()).collect();
    let extractor = Box::new(JsonExtractor { known, maps: options.maps.clone() });
    let warning = (objects == 0 && values > 0).then(|| values_not_records(&name));
    let mut dump = Dump { columns, ..Dump::planned(name, format, first, splitter, extractor) };
    dump.warnings.extend(warning);
    Ok(dump)
}

/// The warning for a JSON input whose first records are values (`["3171…","3172…"]`), not
/// objects: each is a bad record (SPEC §9), so a run may end CLEAR with nobody in it checked;
/// one line says so beside the per-record warnings, which stop after ten.
fn values_not_records(name: &str) -> String {
    format!(
        "{name}: its records are JSON values, not objects with fields (a list like [\"…\", \"…\"]): \
         each is a bad record and nobody in them is checked; write the values one per line under a \
         header (nik, no_hp, email) and scan that"
    )
}

/// The kind a `--map` gives `path`: named whole, or by its last part (`hp` maps `kontak.hp`).
fn mapped_kind(maps: &[ColumnMap], path: &str) -> Option<Kind> {
    let map = maps_of(maps, path).next()?;
    map.mark_used();
    Some(map.kind)
}

/// The maps that name `path`, whole or by its last part.
fn maps_of<'a>(maps: &'a [ColumnMap], path: &'a str) -> impl Iterator<Item = &'a ColumnMap> + 'a {
    let whole = roles::header_key(path);
    let last = roles::header_key(roles::last_segment(path));
    maps.iter().filter(move |m| {
        let key = roles::header_key(&m.column);
        m.column == path || key == whole || key == last
    })
}

/// Two `--map` options that give `path` two kinds (`nik=kontak.hp`, `phone=hp`): the message
/// that says so (a path seen while planning; one first seen later takes the first map's kind).
fn mapped_twice(maps: &[ColumnMap], path: &str) -> Option<String> {
    let mut named = maps_of(maps, path);
    let first = named.next()?;
    let other = named.find(|m| m.kind != first.kind)?;
    Some(roles::two_kinds(first, other))
}

/// The value a leaf gives a field of `kind`: an integer in a dob field is a date (SPEC §2: a real
/// `YYYYMMDD`, else Unix milliseconds, written into `date`); anything else is its text. An
/// integer outside 1900–2099 stays as written, and so is an invalid dob.
fn dob_of_number<'a>(kind: Kind, text: &'a str, number: bool, date: &'a mut [u8; 10]) -> &'a str {
    if kind != Kind::Dob || !number {
        return text;
    }
    crate::normalize::epoch::dob_of_integer(text, date).unwrap_or(text)
}

/// Parses one JSON object and passes the values of paths that have a role.
struct JsonExtractor {
    /// Roles of the paths seen while planning.
    /// Looked up for every leaf of every record: foldhash, seeded per process, instead of
    /// SipHash (whose hashing was a tenth of an NDJSON scan).
    known: HashMap<String, Option<Role>, foldhash::fast::RandomState>,
    /// For paths first seen later: `--map` and header synonyms (no sniffing).
    maps: Vec<ColumnMap>,
}

impl JsonExtractor {
    /// The role of a path: planned, or for a path first seen later, from `--map` or its last
    /// part's synonym (no sniffing).
    fn role(&self, path: &str) -> Option<Role> {
        if let Some(role) = self.known.get(path) {
            return *role;
        }
        if let Some(kind) = mapped_kind(&self.maps, path) {
            return Some(Role { kind, source: RoleSource::Map });
        }
        roles::role_from_header(roles::last_segment(path))
            .map(|kind| Role { kind, source: RoleSource::Header })
    }
}

impl Extractor for JsonExtractor {
    /// A record is parsed whole before its first value is passed on.
    fn visit(
        &self,
        record: &str,
        _layout: Option<&Layout>,
        wanted: Wanted,
        scratch: &mut String,
        sink: &mut ColumnSink<'_>,
    ) -> Result<(), &'static str> {
        let object = node::parse_object(record)?;
        scratch.clear();
        node::for_each_leaf_of(&object, scratch, &mut |path, text, number| {
            let role = self.role(path);
            if role.is_some() || wanted == Wanted::All {
                let mut date = [0; 10];
                let kind = role.map_or(Kind::Name, |r| r.kind);
                sink(path, None, role, dob_of_number(kind, text, number, &mut date));
            }
        });
        Ok(())
    }
}

/// Where the array splitter is in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before the first value.
    Start,
    /// Inside a top-level object, looking for its first array of objects. `whole` is set while
    /// the object is still small enough to be one record if no such array turns up.
    Seek {
        whole: bool,
    },
    /// Inside the records array, whose contents are at `depth`.
    Records {
        depth: usize,
    },
    /// After an element that did not parse: looking for the next one of the array at `depth`.
    Resync {
        depth: usize,
        at: AtBoundary,
    },
    /// After the records array, skipping the rest of the enclosing object. After a
    /// resynchronization, only a close may follow the array's `]` (else a bad record).
    Rest,
    /// After the top-level value: only whitespace may follow.
    Trailing,
    /// A top-level scalar: read it whole to check it is JSON, then stop.
    Scalar,
    Done,
}

/// Finds the records of a JSON document by a structural scan: strings skipped with their
/// escapes, brackets counted, no value parsed. Nesting depth is a counter, not a stack, so a
/// 100,000-deep document costs nothing here (the worker's parser rejects it).
pub struct ArraySplitter {
    buf: SplitBuffer,
    /// Scanned up to here; `line` is the line at `pos`.
    pos: usize,
    line: u64,
    phase: Phase,
    depth: usize,
    in_string: bool,
    /// Inside a bare scalar (number, `true`…) that the end of the input read so far cut: the rest
    /// of it is not another token.
    in_bare: bool,
    escaped: bool,
    /// Start (offset, line) of the value being collected: a record, or the whole object.
    item: Option<(usize, u64)>,
    /// The current record grew past the limit: it is being skipped.
    oversized: bool,
    /// A comma was seen where an element should have started.
    expect_element: bool,
    next_record: u64,
    /// The line where the last top-level value ended.
    ended_on_line: u64,
    /// The tokens of the current element so far, checked as they come.
    grammar: Grammar,
    /// Where the token [`Self::next_token`] returned last starts, and where the one before it did.
    token_start: usize,
    last_token: usize,
    /// A `{` the resynchronization must not take for an element's start: the stray one that broke
    /// the element (`{"a":1,{"b":2}`: a `{` where a key should be).
    stray_brace: Option<usize>,
    /// What the resynchronization after a bad element may still read ahead.
    budget: Budget,
    /// The element being read was taken by a resynchronization unproved: if it breaks, the next
    /// resynchronization goes on with what is left of the budget.
    unproved: bool,
    /// A resynchronization took an element in this records array: its nesting is a guess, so
    /// the array's `]` may be one of a bigger element's (see [`Phase::Rest`]).
    resynced: bool,
    /// In an object, take only an array whose first object carries identity fields, these
    /// `--map`s counting ([`carries_identity`]); `None` takes the first array of objects.
    identity: Option<Vec<ColumnMap>>,
    /// An array of objects was passed over for its fields, and none was taken: the document
    /// must be read again for its first array of objects.
    no_identity_array: bool,
    passed_over: bool,
    /// Bytes scanned by the look-aheads so far (see [`IDENTITY_SCAN_BUDGET`]).
    identity_scanned: usize,
}

/// What the structural scan stopped at.
enum Token {
    /// `{ } [ ] , :` at `pos - 1`.
    Structural(u8),
    /// The first byte of a scalar (number, `true`, …) at `pos - 1`.
    Scalar,
    NeedMore,
}

/// How [`ArraySplitter::scan_body`] stopped.
enum Body {
    /// The element's value is whole: `pos` is just after it.
    Whole,
    /// The token at `token_start` broke the grammar; the start of a `{` that did.
    Broken(Option<usize>),
    /// At the end of the buffer, or before a token it cuts: the token-at-a-time path goes on.
    Stopped,
}

/// The bytes that end a bare scalar (number, `true`…).
const ENDS_BARE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] =
            matches!(b as u8, b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'{' | b'}' | b'[' | b']' | b',' | b':');
        b += 1;
    }
    table
};

impl ArraySplitter {
    pub fn new(reader: Box<dyn Read + Send>, mut head: Vec<u8>, name: String) -> Self {
        if head.starts_with(UTF8_BOM) {
            head.drain(..UTF8_BOM.len());
        }
        ArraySplitter {
            buf: SplitBuffer::new(reader, head, name),
            pos: 0,
            line: 1,
            phase: Phase::Start,
            depth: 0,
            in_string: false,
            in_bare: false,
            escaped: false,
            item: None,
            oversized: false,
            expect_element: true,
            next_record: 1,
            ended_on_line: 0,
            grammar: Grammar::default(),
            token_start: 0,
            last_token: 0,
            stray_brace: None,
            budget: Budget::fresh(),
            unproved: false,
            resynced: false,
            identity: None,
            no_identity_array: false,
            passed_over: false,
            identity_scanned: 0,
        }
    }

    /// Lowers the record size limit (for tests).
    pub fn with_max_record(mut self, bytes: usize) -> Self {
        self.buf.set_max_record(bytes);
        self
    }

    fn advance(&mut self, to: usize) {
        self.line += count_newlines(&self.buf[self.pos..to], b'\n');
        self.pos = to;
    }

    /// Moves past whitespace and strings to the next structural byte or scalar start.
    fn next_token(&mut self) -> Token {
        loop {
            if self.in_bare {
                if !self.skip_bare() {
                    return Token::NeedMore;
                }
                continue;
            }
            if self.in_string {
                if self.escaped {
                    // The byte after a backslash is taken as is, whatever it is — once it arrives.
                    if self.pos >= self.buf.len() {
                        return Token::NeedMore;
                    }
                    self.escaped = false;
                    self.advance(self.pos + 1);
                    continue;
                }
                let Some(k) = memchr2(b'"', b'\\', &self.buf[self.pos..]).map(|k| self.pos + k) else {
                    self.advance(self.buf.len());
                    return Token::NeedMore;
                };
                match self.buf[k] {
                    b'\\' if k + 1 < self.buf.len() => self.advance(k + 2),
                    b'\\' => {
                        self.escaped = true;
                        self.advance(k + 1);
                    }
                    _ => {
                        self.in_string = false;
                        self.advance(k + 1);
                    }
                }
                continue;
            }
            let Some(&b) = self.buf.get(self.pos) else { return Token::NeedMore };
            self.token_start = self.pos;
            self.advance(self.pos + 1);
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {}
                b'"' => {
                    self.in_string = true;
                    return Token::Scalar;
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    return Token::Structural(b);
                }
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    return Token::Structural(b);
                }
                b',' | b':' => return Token::Structural(b),
                _ => {
                    self.in_bare = true;
                    self.skip_bare();
                    return Token::Scalar;
                }
            }
        }
    }

    /// Skips the rest of a bare scalar; `false` when the input read so far ends inside it.
    fn skip_bare(&mut self) -> bool {
        let end = self.buf[self.pos..].iter().position(|&c| ENDS_BARE[usize::from(c)]);
        match end {
            Some(k) => {
                self.advance(self.pos + k);
                self.in_bare = false;
                true
            }
            None => {
                self.advance(self.buf.len());
                self.in_bare = !self.buf.eof();
                self.buf.eof()
            }
        }
    }

    /// The tokens of the current element up to its end, as [`Self::next_token`] returns them and
    /// [`Grammar::feed`] checks them, in one loop with the position, line and grammar held in
    /// locals: the splitter's hot path on a valid array. It stops before a token the buffer cuts
    /// (a string without its closing quote, a bare scalar at the buffer's end) and leaves that one
    /// to the token-at-a-time path, which carries a cut token across reads.
    ///
    /// `depth` is the records array's; the element's own brackets are the grammar's.
    fn scan_body(&mut self, depth: usize) -> Body {
        let buf = &self.buf[..];
        let grammar = &mut self.grammar;
        let mut pos = self.pos;
        let mut line = self.line;
        let mut last_token = self.last_token;
        let mut start = self.token_start;
        let body = loop {
            let Some(&b) = buf.get(pos) else { break Body::Stopped };
            start = pos;
            let (tok, end, lines) = match b {
                b' ' | b'\t' | b'\r' => {
                    pos += 1;
                    continue;
                }
                b'\n' => {
                    line += 1;
                    pos += 1;
                    continue;
                }
                b'"' => {
                    // The closing quote, past escapes; raw line breaks (no JSON, but read on) are
                    // counted as lines.
                    let mut k = pos + 1;
                    let mut lines = 0;
                    let end = loop {
                        let Some(j) = memchr3(b'"', b'\\', b'\n', &buf[k..]) else { break None };
                        let at = k + j;
                        match buf[at] {
                            b'"' => break Some(at + 1),
                            b'\\' if at + 1 < buf.len() => k = at + 2,
                            b'\\' => break None,
                            _ => {
                                lines += 1;
                                k = at + 1;
                            }
                        }
                    };
                    let Some(end) = end else { break Body::Stopped };
                    (Tok::Str, end, lines)
                }
                b'{' | b'[' => (Tok::Open(b), pos + 1, 0),
                b'}' | b']' => (Tok::Close(b), pos + 1, 0),
                b',' => (Tok::Comma, pos + 1, 0),
                b':' => (Tok::Colon, pos + 1, 0),
                _ => match buf[pos + 1..].iter().position(|&c| ENDS_BARE[usize::from(c)]) {
                    Some(k) => (Tok::Bare, pos + 1 + k, 0),
                    None => break Body::Stopped,
                },
            };
            if !grammar.feed(tok) {
                // Where the token-at-a-time path would stand: past the token's first byte.
                pos = start + 1;
                break Body::Broken((b == b'{').then_some(start));
            }
            last_token = start;
            pos = end;
            line += lines;
            if grammar.done() {
                break Body::Whole;
            }
        };
        self.pos = pos;
        self.line = line;
        self.last_token = last_token;
        self.token_start = start;
        self.depth = depth + self.grammar.depth();
        body
    }

    /// The top-level value ended here: only whitespace, or another object on a later line, may
    /// follow.
    /// Whether the array whose first element starts at the next `{` holds the records: always
    /// without the identity rule; with it, when that element carries identity fields. `None`
    /// until the element is whole in the buffer; one larger than [`IDENTITY_LOOKAHEAD`] is taken
    /// (it is looked for again from its start as more is read: the bound keeps that linear).
    fn takes_array(&mut self) -> Option<bool> {
        let Some(maps) = &self.identity else { return Some(true) };
        let start = self.pos + self.buf[self.pos..].iter().position(|&b| b == b'{')?;
        if self.identity_scanned > IDENTITY_SCAN_BUDGET {
            return Some(true);
        }
        let found = value_end(&self.buf[..self.buf.len().min(start + IDENTITY_LOOKAHEAD)], start);
        self.identity_scanned += found.unwrap_or(self.buf.len()).min(start + IDENTITY_LOOKAHEAD) - start;
        match found {
            Some(end) => Some(carries_identity(&String::from_utf8_lossy(&self.buf[start..end]), maps)),
            None if self.buf.eof() || self.buf.len() - start > IDENTITY_LOOKAHEAD => Some(true),
            None => None,
        }
    }

    fn end_document(&mut self) {
        self.resynced = false;
        self.phase = Phase::Trailing;
        self.ended_on_line = self.line;
    }

    /// The line of the next non-whitespace byte.
    fn line_of_next_value(&self) -> u64 {
        let rest = &self.buf[self.pos..];
        let at = rest.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len());
        self.line + rest[..at].iter().filter(|&&b| b == b'\n').count() as u64
    }

    /// Whether the `]` just read, which would close the records array, is a stray one: an
    /// element follows it. At the top level (`depth` 1) that is a `,` or a `{`, where only the
    /// end of the document may be; in an enclosing object (`{"data":[…]}`) a `{`, or a `,` and
    /// then a `{` where the next key should be. `None` while the input read so far cannot tell.
    fn stray_close(&self, depth: usize) -> Option<bool> {
        let rest = &self.buf[self.pos..];
        let next = |from: usize| rest[from..].iter().position(|b| !b.is_ascii_whitespace()).map(|k| from + k);
        let Some(at) = next(0) else { return self.buf.eof().then_some(false) };
        match rest[at] {
            b'{' => Some(true),
            b',' if depth == 1 => Some(true),
            b',' => match next(at + 1) {
                Some(k) => Some(rest[k] == b'{'),
                None => self.buf.eof().then_some(false),
            },
            _ => Some(false),
        }
    }

    /// The next non-whitespace byte at or after `pos`, without consuming it.
    fn peek(&self) -> Option<u8> {
        self.buf[self.pos..].iter().copied().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// Whether the string at the next non-whitespace byte is an object key: followed by `:`.
    /// `None` when the input read so far cannot tell. A key holds no raw line break and is short,
    /// so a look past either says no key.
    fn key_follows(&self) -> Option<bool> {
        const MAX_KEY: usize = 4096;
        let rest = &self.buf[self.pos..];
        let open = rest.iter().position(|&b| b == b'"')?;
        let mut j = open + 1;
        loop {
            match rest.get(j) {
                _ if j - open > MAX_KEY => return Some(false),
                None => return if self.buf.eof() { Some(false) } else { None },
                Some(b'\n') => return Some(false),
                Some(b'\\') => j += 2,
                Some(b'"') => break,
                Some(_) => j += 1,
            }
        }
        match rest[j + 1..].iter().find(|b| !b.is_ascii_whitespace()) {
            Some(&b) => Some(b == b':'),
            None => self.buf.eof().then_some(false),
        }
    }

    fn push_record(&mut self, batch: &mut Batch, start: usize, line: u64, end: usize) {
        let end =
            start + self.buf[start..end].iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |k| k + 1);
        let span = if self.oversized || end - start > self.buf.max_record() {
            Span::bad(self.next_record, line, "record larger than 64 MiB")
        } else if end == start {
            Span::bad(self.next_record, line, "empty array element")
        } else {
            Span::new(start, end, self.next_record, line)
        };
        batch.spans.push(span);
        self.next_record += 1;
        self.oversized = false;
        self.unproved = false;
    }

    fn push_bad(&mut self, batch: &mut Batch, line: u64, reason: &'static str) {
        batch.spans.push(Span::bad(self.next_record, line, reason));
        self.next_record += 1;
    }

    /// The element at `start` broke the token grammar: one bad record, then a resynchronization
    /// from the token before the one that broke it (a stray `"` swallows the next element's start
    /// into a string, which a fresh read finds again), or from here when it was too large to keep.
    /// A `stray` `{` (where a key should be) is not taken for the next element's start: the rest
    /// of the bad element after it would read as one.
    fn fail_element(
        &mut self,
        batch: &mut Batch,
        depth: usize,
        start: usize,
        line: u64,
        stray: Option<usize>,
    ) {
        self.stray_brace = stray;
        if !std::mem::take(&mut self.unproved) {
            self.budget = Budget::fresh();
        }
        let reason = if self.oversized { "record larger than 64 MiB" } else { "JSON element does not parse" };
        self.push_bad(batch, line, reason);
        let from = if self.oversized { self.token_start } else { self.last_token.max(start + 1) };
        let from = from.min(self.pos);
        self.line -= self.buf[from..self.pos].iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos = from;
        self.depth = depth;
        self.in_string = false;
        self.in_bare = false;
        self.escaped = false;
        self.item = None;
        self.oversized = false;
        self.phase = Phase::Resync { depth, at: AtBoundary::default() };
    }

    /// After a bad element: on to the first `{` (after `,` or `}`, or first on its line) that
    /// starts a whole element read afresh, or is still consistent where the budget lets the look
    /// stop (taken unproved: a 2 MiB element is read, not skipped); `false` when more input is
    /// needed.
    fn resync(&mut self, depth: usize, mut at: AtBoundary) -> bool {
        let mut i = self.pos;
        while i < self.buf.len() {
            if at.feed(self.buf[i]) && self.stray_brace != Some(i) {
                let verdict = self.verify_at(i, depth);
                match verdict {
                    Verdict::Record | Verdict::Unproved => {
                        self.unproved = verdict == Verdict::Unproved;
                        self.resynced = true;
                        self.stray_brace = None;
                        self.advance(i);
                        self.phase = Phase::Records { depth };
                        self.expect_element = false;
                        return true;
                    }
                    Verdict::NeedMore => {
                        self.advance(i);
                        self.phase = Phase::Resync { depth, at: AtBoundary(true) };
                        return false;
                    }
                    Verdict::NotRecord => {}
                }
            }
            i += 1;
        }
        self.advance(self.buf.len());
        self.phase = Phase::Resync { depth, at };
        false
    }

    /// Whether an element starts at the candidate `{` at `self.buf[i]`, read ahead as far as
    /// the budget allows; once it is spent, a `{` first on its line is taken unread, others not.
    fn verify_at(&mut self, i: usize, depth: usize) -> Verdict {
        if self.budget.is_spent() {
            return if resync::first_on_line(&self.buf[..i]) {
                Verdict::Unproved
            } else {
                Verdict::NotRecord
            };
        }
        let (bytes, eof) = (&self.buf[i..], self.buf.eof());
        self.budget.verify(|limit| resync::verify_element(bytes, eof, limit, depth))
    }

    /// Runs the phases until the batch is full (`true`) or more input is needed (`false`).
    fn scan(&mut self, batch: &mut Batch, limits: BatchLimits) -> bool {
        loop {
            if batch.spans.len() >= limits.records || (self.pos >= limits.bytes && !batch.spans.is_empty()) {
                return true;
            }
            match self.phase {
                Phase::Done => {
                    // Nothing more is read from this document, but the input is still drained to
                    // its end, so that a corrupt or truncated stream is noticed.
                    self.advance(self.buf.len());
                    return false;
                }
                Phase::Start => match self.peek() {
                    None => {
                        self.advance(self.buf.len());
                        return false;
                    }
                    Some(b'[') => {
                        let _ = self.next_token();
                        self.phase = Phase::Records { depth: 1 };
                        self.expect_element = true;
                    }
                    Some(b'{') => {
                        let at = self.pos + self.buf[self.pos..].iter().position(|&b| b == b'{').unwrap_or(0);
                        self.advance(at);
                        self.item = Some((at, self.line));
                        let _ = self.next_token();
                        self.phase = Phase::Seek { whole: true };
                    }
                    Some(_) => {
                        self.item = Some((self.pos, self.line));
                        self.phase = Phase::Scalar;
                    }
                },
                Phase::Scalar => {
                    // A lone value is checked whole at the end of the input; a long one is no dump.
                    if self.buf.len() - self.pos > MAX_SCALAR {
                        let line = self.line;
                        self.push_bad(batch, line, "not a JSON array or object");
                        self.item = None;
                        self.phase = Phase::Done;
                    }
                    return false;
                }
                Phase::Seek { whole } => match self.next_token() {
                    Token::NeedMore => {
                        if whole && self.item.is_some_and(|(start, _)| self.buf.outgrew(start)) {
                            self.phase = Phase::Seek { whole: false };
                            self.item = None;
                        }
                        return false;
                    }
                    Token::Structural(b'[') => match self.peek() {
                        None if !self.buf.eof() => {
                            // Cannot tell yet what the array holds: look again with more input.
                            self.pos -= 1;
                            self.depth -= 1;
                            return false;
                        }
                        Some(b'{') => match self.takes_array() {
                            None => {
                                // The first element is not whole yet: look again with more input.
                                self.pos -= 1;
                                self.depth -= 1;
                                return false;
                            }
                            Some(true) => {
                                self.item = None;
                                self.phase = Phase::Records { depth: self.depth };
                                self.expect_element = true;
                            }
                            // Passed over: arrays inside its elements are looked at next.
                            Some(false) => self.passed_over = true,
                        },
                        _ => {}
                    },
                    Token::Structural(b'}') if self.depth == 0 && self.passed_over => {
                        // Arrays of objects, none with identity fields: read it again for the
                        // first (SPEC §5 1.1); never the whole object as one record.
                        self.item = None;
                        self.no_identity_array = true;
                        self.end_document();
                    }
                    Token::Structural(b'}') if self.depth == 0 => {
                        // No array of objects: the object itself is the one record.
                        if let Some((start, line)) = self.item.take() {
                            self.push_record(batch, start, line, self.pos);
                        } else {
                            let line = self.line;
                            self.push_bad(batch, line, "record larger than 64 MiB");
                        }
                        self.end_document();
                    }
                    _ => {}
                },
                Phase::Records { depth } => {
                    if self.item.is_none() {
                        match self.peek() {
                            None => {
                                self.advance(self.buf.len());
                                return false;
                            }
                            Some(b']') => {
                                let _ = self.next_token();
                                match self.stray_close(depth) {
                                    None => {
                                        // Read the `]` again, with more input.
                                        self.pos -= 1;
                                        self.depth = depth;
                                        return false;
                                    }
                                    Some(true) => {
                                        let line = self.line;
                                        self.push_bad(batch, line, "a stray ] in the JSON records array");
                                        // The `]` closed nothing; a `,` after it (`,],{`) is no
                                        // second, empty element.
                                        self.depth = depth;
                                        self.expect_element = false;
                                        continue;
                                    }
                                    Some(false) => {}
                                }
                                if depth == 1 {
                                    self.end_document();
                                } else {
                                    self.phase = Phase::Rest;
                                }
                                continue;
                            }
                            Some(b',') => {
                                let _ = self.next_token();
                                if self.expect_element {
                                    let line = self.line;
                                    self.push_bad(batch, line, "empty array element");
                                }
                                self.expect_element = true;
                                continue;
                            }
                            Some(_) => {
                                let at = self.pos
                                    + self.buf[self.pos..]
                                        .iter()
                                        .position(|b| !b.is_ascii_whitespace())
                                        .unwrap_or(0);
                                self.advance(at);
                                // An array of objects where an element of the records array
                                // should be: a stray `[`, which would make the elements after it
                                // its own. The element it opens is lost, the rest are read.
                                if self.buf[at] == b'[' {
                                    let next = self.buf[at + 1..].iter().find(|b| !b.is_ascii_whitespace());
                                    match next {
                                        None if !self.buf.eof() => return false,
                                        Some(b'{') => {
                                            let line = self.line;
                                            self.fail_element(batch, depth, at, line, None);
                                            continue;
                                        }
                                        _ => {}
                                    }
                                }
                                self.item = Some((at, self.line));
                                self.expect_element = false;
                                self.grammar.reset();
                                self.last_token = at;
                            }
                        }
                    }
                    let Some((start, line)) = self.item else { continue };
                    if !self.grammar.done() && !self.in_string && !self.in_bare && !self.escaped {
                        match self.scan_body(depth) {
                            Body::Whole => continue,
                            Body::Broken(stray) => {
                                self.fail_element(batch, depth, start, line, stray);
                                continue;
                            }
                            Body::Stopped => {}
                        }
                    }
                    let before = self.pos;
                    let token = self.next_token();
                    let tok = match token {
                        Token::NeedMore => {
                            if self.buf.outgrew(start) {
                                self.oversized = true;
                            }
                            return false;
                        }
                        Token::Structural(b) => match b {
                            b'{' | b'[' => Tok::Open(b),
                            b'}' | b']' => Tok::Close(b),
                            b',' => Tok::Comma,
                            _ => Tok::Colon,
                        },
                        Token::Scalar if self.in_string => Tok::Str,
                        Token::Scalar => Tok::Bare,
                    };
                    if !self.grammar.done() {
                        if self.grammar.feed(tok) {
                            self.last_token = self.token_start;
                        } else {
                            let stray = (tok == Tok::Open(b'{')).then_some(self.token_start);
                            self.fail_element(batch, depth, start, line, stray);
                        }
                        continue;
                    }
                    match tok {
                        // After a whole element, a `,`…
                        Tok::Comma => {
                            // …then the next element; a key there (`{"a":1}, "b":2}`: a stray `}`)
                            // means the element went on past its `}`. A string that is no key
                            // (`{"a":1}, "{"b":2}`: a stray `"` before the next element) leaves
                            // this whole element a record.
                            let key = match self.peek() {
                                Some(b'"') if self.buf.get(start) == Some(&b'{') && !self.oversized => {
                                    self.key_follows()
                                }
                                None => self.buf.eof().then_some(false),
                                _ => Some(false),
                            };
                            match key {
                                None => {
                                    self.pos -= 1;
                                    return false;
                                }
                                Some(true) => {
                                    self.fail_element(batch, depth, start, line, None);
                                    continue;
                                }
                                Some(false) => {}
                            }
                            self.item = None;
                            self.push_record(batch, start, line, before);
                            self.expect_element = true;
                        }
                        // …or the `]` that closes the array.
                        Tok::Close(b']') => {
                            let stray = self.stray_close(depth);
                            if stray.is_none() {
                                self.pos -= 1;
                                self.depth = depth;
                                return false;
                            }
                            self.item = None;
                            self.push_record(batch, start, line, before);
                            if stray == Some(true) {
                                let line = self.line;
                                self.push_bad(batch, line, "a stray ] in the JSON records array");
                                self.depth = depth;
                                continue;
                            }
                            if depth == 1 {
                                self.end_document();
                            } else {
                                self.phase = Phase::Rest;
                            }
                        }
                        _ => self.fail_element(batch, depth, start, line, None),
                    }
                }
                Phase::Resync { depth, at } => {
                    if self.resync(depth, at) {
                        continue;
                    }
                    return false;
                }
                // After a resynchronization the `]` may have closed an array nested in an element
                // taken for a record's start: what follows then is no close of the enclosing
                // object, and the rest is not skipped in silence but a bad record.
                Phase::Rest if self.resynced => match self.peek() {
                    None if !self.buf.eof() => {
                        self.advance(self.buf.len());
                        return false;
                    }
                    Some(b'}' | b']') | None => self.resynced = false,
                    Some(_) => {
                        self.resynced = false;
                        let line = self.line_of_next_value();
                        self.push_bad(batch, line, "data after the JSON records array");
                    }
                },
                Phase::Rest => match self.next_token() {
                    Token::NeedMore => {
                        self.item = None;
                        return false;
                    }
                    Token::Structural(b'}' | b']') if self.depth == 0 => self.end_document(),
                    _ => {}
                },
                Phase::Trailing => match self.peek() {
                    None => {
                        self.advance(self.buf.len());
                        return false;
                    }
                    // Another object on a later line: NDJSON named `.json`, or documents
                    // written one per line. (`[][]` or `{}{}` on one line is no JSON.)
                    Some(b'{') if self.line_of_next_value() > self.ended_on_line => self.phase = Phase::Start,
                    Some(_) => {
                        let line = self.line_of_next_value();
                        self.push_bad(batch, line, "unexpected data after the JSON document");
                        self.phase = Phase::Done;
                    }
                },
            }
        }
    }

    /// At the end of the input: a value still open is a bad record; a top-level scalar is
    /// checked.
    fn finish(&mut self, batch: &mut Batch) {
        match self.phase {
            Phase::Scalar => {
                if let Some((start, line)) = self.item.take() {
                    let text = String::from_utf8_lossy(&self.buf[start..]);
                    if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_err() {
                        self.push_bad(batch, line, "not a JSON array or object");
                    }
                }
            }
            Phase::Records { depth } if self.depth == depth && !self.in_string => {
                // The last element is whole; only the array's `]` is missing.
                if let Some((start, line)) = self.item.take() {
                    self.push_record(batch, start, line, self.buf.len());
                }
                let line = self.line;
                self.push_bad(batch, line, "JSON ends in the middle of a value");
            }
            // The bad element was counted; what followed it had no whole element.
            Phase::Resync { .. } => {}
            Phase::Records { .. } | Phase::Seek { .. } | Phase::Rest => {
                let line = self.item.map_or(self.line, |(_, line)| line);
                self.item = None;
                self.push_bad(batch, line, "JSON ends in the middle of a value");
            }
            // Nothing but whitespace: not a JSON document at all.
            Phase::Start => self.push_bad(batch, 1, "empty JSON document"),
            Phase::Trailing | Phase::Done => {}
        }
        self.phase = Phase::Done;
    }

    /// The first byte still needed: the unfinished item, unless it is too large to keep.
    fn keep_from(&self) -> usize {
        match (self.item, self.oversized) {
            (Some((start, _)), false) => start,
            _ => self.pos,
        }
    }

    /// Offsets after the first `keep` bytes were dropped.
    fn rebase(&mut self, keep: usize) {
        self.pos -= keep;
        self.last_token = self.last_token.saturating_sub(keep);
        self.token_start = self.token_start.saturating_sub(keep);
        self.stray_brace = self.stray_brace.and_then(|at| at.checked_sub(keep));
        if let Some((start, line)) = self.item {
            self.item = Some((start.saturating_sub(keep), line));
        }
    }

    /// Drops bytes no record needs any more.
    fn compact(&mut self) {
        let keep = self.keep_from();
        if keep > 0 {
            self.buf.discard(keep);
            self.rebase(keep);
        }
    }
}

impl Splitter for ArraySplitter {
    fn next_batch(&mut self, batch: &mut Batch, limits: BatchLimits) -> Result<bool, InputError> {
        batch.clear();
        loop {
            if self.scan(batch, limits) {
                break;
            }
            if self.buf.eof() {
                self.finish(batch);
                break;
            }
            if batch.spans.is_empty() {
                self.compact();
            } else if self.oversized || self.pos >= limits.bytes {
                // Bytes can only be dropped once the records before them are handed over.
                break;
            }
            if !self.buf.read_more() {
                break;
            }
        }
        // Hand over what the spans point at; keep everything from the unfinished item on.
        let keep = self.keep_from();
        self.buf.hand_over(batch, keep);
        self.rebase(keep);
        let more = !batch.spans.is_empty() || !self.buf.eof();
        self.buf.end_batch(batch, more)
    }
}

#[cfg(test)]
mod tests;
