//! SQL dumps: `INSERT … VALUES (…),(…);` as MySQL/MariaDB, PostgreSQL and sqlite3 write them
//! (with or without a column list, then the columns of the table's `CREATE TABLE`) and
//! PostgreSQL `COPY … FROM stdin;` blocks. Each tuple or COPY line is a record, numbered in file
//! order across the whole file; everything else (comments, `SET`, `PRAGMA`, `LOCK TABLES`,
//! indexes…) is skipped. Whether strings take MySQL's backslash escapes is decided per `INSERT`
//! ([`dialect`]), so a piece of a dump without its header reads right.
//!
//! The splitter walks statements with a small lexer that knows quotes, escapes and comments; it
//! never holds a whole statement, only the tuple being read. Column roles are planned per table
//! when its first rows appear: column names first, then sniffing on up to 1,000 of those rows.

use super::buffer::{SplitBuffer, count_newlines};
use super::plan::{self, ColumnPlanner};
use super::{
    Batch, BatchLimits, ColumnSink, Dump, Extractor, Format, Head, InputError, InputOptions, Layout,
    MAX_COLUMNS, Span, Splitter, Wanted,
};
use crate::roles::{self, ColumnMap, Naming};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

mod dialect;
mod expr;
mod resync;
mod values;

use super::resync::{Budget, Verdict};
use resync::{Boundary, Seen};

pub use values::{SqlValue, for_each_copy_field, for_each_value};

/// Bytes a sniffing look-ahead may read past the current position.
const LOOKAHEAD_BYTES: usize = 16 << 20;
/// Longest statement head (`INSERT INTO … VALUES`, `CREATE TABLE …;`) that is parsed.
const MAX_HEAD: usize = 4 << 20;
/// Statements that hold no rows of a table, skipped without a word (`SELECT` too: pg_dump writes
/// `SELECT pg_catalog.set_config(…)`). Any other statement not read (`UPDATE t SET nik = …`,
/// `INSERT … SELECT`) is counted and said once the input is read.
const HOLDS_NO_ROWS: &[&str] = &[
    "ABORT",
    "ALTER",
    "ANALYZE",
    "BEGIN",
    "CHECKPOINT",
    "CLUSTER",
    "COMMENT",
    "COMMIT",
    "DEALLOCATE",
    "DELETE",
    "DELIMITER",
    "DROP",
    "END",
    "EXPLAIN",
    "FLUSH",
    "GO",
    "GRANT",
    "LOCK",
    "OPTIMIZE",
    "REINDEX",
    "RELEASE",
    "RESET",
    "REVOKE",
    "ROLLBACK",
    "SAVEPOINT",
    "SELECT",
    "SHOW",
    "START",
    "TRUNCATE",
    "UNLOCK",
    "USE",
    "VACUUM",
];

/// SQL keywords that start a statement leakcheck does not read but that may hold people: the
/// warning names the first such statement by its keyword. Any other first word is not printed.
const NAMED_UNREAD: &[&str] = &[
    "CALL", "DECLARE", "DO", "EXEC", "EXECUTE", "HANDLER", "IMPORT", "INSERT", "LOAD", "MERGE", "PREPARE",
    "REPLACE", "TABLE", "UPDATE", "UPSERT", "VALUES", "WITH",
];

pub(super) fn open(
    name: String,
    head: Head,
    reader: Box<dyn Read + Send>,
    options: &InputOptions,
) -> Result<Dump, InputError> {
    let mut splitter = SqlSplitter::new(reader, head.bytes, name.clone(), options.maps.clone());
    let mut first = Batch::default();
    splitter.next_batch(&mut first, BatchLimits::SNIFF)?;
    Ok(Dump::planned(name, Format::Sql, first, Box::new(splitter), Box::new(SqlExtractor)))
}

/// What the splitter is in the middle of.
#[derive(Debug)]
enum Mode {
    /// Between statements.
    Top,
    /// Inside a statement that holds no records, until its `;`.
    Skip(Lexer),
    /// After `VALUES`, between tuples.
    Values(Arc<Layout>),
    /// Inside a tuple that started at `start` (kept: one that outgrows the record limit is given
    /// up at once).
    Tuple { layout: Arc<Layout>, start: usize, line: u64, depth: u32, lexer: Lexer },
    /// Inside the data of a `COPY … FROM stdin`.
    Copy(Arc<Layout>),
    /// Dropping the rest of an oversized COPY line, then back to its block.
    CopySkipLine(Arc<Layout>),
    /// After a tuple that did not parse: looking for where tuples or statements start again.
    Resync { layout: Arc<Layout>, seen: Seen },
}

/// Quote and comment state, carried across reads.
#[derive(Debug, Clone, Copy, Default)]
struct Lexer {
    quote: Option<u8>,
    escaped: bool,
    line_comment: bool,
    block_comment: bool,
    /// A quote closed and only blanks came since.
    closed: bool,
    /// A closed string was followed by what never follows a value (`'2020-'01-02'`): a quote is
    /// stray somewhere, so what reads as strings and code may be the other way round.
    suspect: bool,
    /// The last code byte was an `E`/`e` that starts a word: a `'` now opens an `E'…'` string.
    e_prefix: bool,
    /// The open quote is an `E'…'` string: its backslashes escape in either dialect.
    e_string: bool,
    /// The last code byte was a word byte.
    in_word: bool,
    /// The byte before was the closing quote of an `E'…'` string: a `'` now doubles it.
    after_e_string: bool,
}

impl Lexer {
    /// Feeds one byte; `true` when it is code (outside quotes and comments).
    fn feed(&mut self, b: u8, next: Option<u8>, backslash: bool) -> bool {
        if self.escaped {
            self.escaped = false;
            return false;
        }
        if let Some(q) = self.quote {
            if b == b'\\' && (backslash || self.e_string) && q != b'`' {
                self.escaped = true;
            } else if b == q {
                // A doubled quote re-opens at once: both bytes are string.
                self.quote = None;
                self.closed = true;
                self.after_e_string = self.e_string;
            }
            return false;
        }
        let reopen = std::mem::take(&mut self.after_e_string);
        if self.closed && !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            // A value's string is followed by `,`, `)`, or the quote that doubles it.
            self.closed = false;
            // `::date` casts and `||` concatenation follow values too.
            self.suspect |= !matches!(b, b',' | b')' | b'\'' | b'"' | b'`' | b':' | b'|');
        }
        if self.line_comment {
            self.line_comment = b != b'\n';
            return false;
        }
        if self.block_comment {
            // The closing `*/`: the `*` ends the comment here, the `/` is then skipped as code.
            if b == b'*' && next == Some(b'/') {
                self.block_comment = false;
                self.escaped = true;
            }
            return false;
        }
        let e_prefix = std::mem::take(&mut self.e_prefix);
        let in_word = std::mem::replace(&mut self.in_word, is_word_byte(b));
        match b {
            b'\'' | b'"' | b'`' => {
                self.quote = Some(b);
                self.e_string = b == b'\'' && (e_prefix || reopen);
                self.in_word = false;
                false
            }
            b'E' | b'e' => {
                self.e_prefix = !in_word;
                true
            }
            b'-' if next == Some(b'-') => {
                self.line_comment = true;
                false
            }
            b'#' => {
                self.line_comment = true;
                false
            }
            b'/' if next == Some(b'*') => {
                self.block_comment = true;
                false
            }
            _ => true,
        }
    }
}

/// Finds SQL records in a stream (see the module docs).
pub struct SqlSplitter {
    buf: SplitBuffer,
    pos: usize,
    line: u64,
    mode: Mode,
    next_record: u64,
    /// Columns of each `CREATE TABLE`, by table name.
    tables: HashMap<String, Vec<String>>,
    /// Planned layouts, by table and column list.
    layouts: HashMap<String, Arc<Layout>>,
    /// MySQL string escapes in the statement being read; off for standard strings.
    backslash: bool,
    /// The dialect the dump's header says (`-- PostgreSQL database dump`, `-- MySQL dump`,
    /// `SET standard_conforming_strings`, sqlite3's `PRAGMA`): `true` for MySQL's escapes.
    header: Option<bool>,
    /// The dialect the last statement that showed one showed (see [`dialect`]).
    shown: Option<bool>,
    maps: Vec<ColumnMap>,
    /// What the resynchronization after a bad tuple may still read ahead.
    budget: Budget,
    /// The next tuple was taken by a resynchronization unproved: if it breaks, the scan from its
    /// start takes statement boundaries only (it was read once already, up to where it broke).
    unproved: bool,
    /// The layout of the INSERT whose `;` was the last thing read: what follows it that is no
    /// statement at all (`);,(3,…`) is junk in its tuples, not a statement to skip in silence.
    after_values: Option<Arc<Layout>>,
    /// The layout of the COPY block whose `\.` was the last thing read: lines after it that look
    /// like its rows (a second `\.` cut the block) are read as its rows, not skipped in silence.
    after_copy: Option<Arc<Layout>>,
    /// Between tuples, a line break came since the last tuple or `,`: a word there starts a
    /// statement (one without `;`), not junk in the tuples.
    values_newline: bool,
    /// Statements skipped that may hold people (`UPDATE … SET nik = …`, `INSERT … SELECT`, an
    /// `INSERT` whose head does not parse): said once the input is read ([`Splitter::late_warning`]).
    unread: u64,
    /// The first of them: its first word if an SQL keyword in [`NAMED_UNREAD`], and its line.
    first_unread: Option<(Option<&'static str>, u64)>,
}

/// What one step of the splitter did.
enum Step {
    Continue,
    NeedMore,
}

impl SqlSplitter {
    pub fn new(reader: Box<dyn Read + Send>, mut head: Vec<u8>, name: String, maps: Vec<ColumnMap>) -> Self {
        if head.starts_with(b"\xef\xbb\xbf") {
            head.drain(..3);
        }
        SqlSplitter {
            buf: SplitBuffer::new(reader, head, name),
            pos: 0,
            line: 1,
            mode: Mode::Top,
            next_record: 1,
            tables: HashMap::new(),
            layouts: HashMap::new(),
            backslash: true,
            header: None,
            shown: None,
            maps,
            budget: Budget::fresh(),
            unproved: false,
            after_values: None,
            after_copy: None,
            values_newline: false,
            unread: 0,
            first_unread: None,
        }
    }

    /// A statement starting with `word` at `self.pos` is skipped without its values being read.
    fn skip_unread(&mut self, word: &str) -> Step {
        self.unread += 1;
        if self.first_unread.is_none() {
            // Only a keyword is named: any other first word is text from the dump (a stray line
            // `Dewi Lestari 3201…`), maybe a name, never printed.
            let keyword = NAMED_UNREAD.iter().copied().find(|k| k.eq_ignore_ascii_case(word));
            self.first_unread = Some((keyword, self.line));
        }
        self.mode = Mode::Skip(Lexer::default());
        Step::Continue
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

    /// The first byte that must be kept: the unfinished tuple, else the scan position.
    fn keep_from(&self) -> usize {
        match &self.mode {
            Mode::Tuple { start, .. } => *start,
            _ => self.pos,
        }
    }

    fn push(&mut self, batch: &mut Batch, span: Span, layout: &Arc<Layout>) {
        let index = match batch.layouts.iter().position(|l| Arc::ptr_eq(l, layout)) {
            Some(i) => i,
            None => {
                batch.layouts.push(layout.clone());
                batch.layouts.len() - 1
            }
        };
        batch.spans.push(Span { layout: index as u32, ..span });
        self.next_record += 1;
    }

    fn step(&mut self, batch: &mut Batch) -> Result<Step, InputError> {
        match std::mem::replace(&mut self.mode, Mode::Top) {
            Mode::Top => self.top(batch),
            Mode::Skip(lexer) => Ok(self.skip(lexer)),
            Mode::Values(layout) => Ok(self.values(batch, layout)),
            Mode::Tuple { layout, start, line, depth, lexer } => {
                Ok(self.tuple(batch, layout, start, line, depth, lexer))
            }
            Mode::Copy(layout) => Ok(self.copy(batch, layout)),
            Mode::Resync { layout, seen } => Ok(self.resync(layout, seen)),
            Mode::CopySkipLine(layout) => Ok(match memchr::memchr(b'\n', &self.buf[self.pos..]) {
                Some(end) => {
                    self.advance(self.pos + end + 1);
                    self.mode = Mode::Copy(layout);
                    Step::Continue
                }
                None => {
                    self.advance(self.buf.len());
                    self.mode = Mode::CopySkipLine(layout);
                    Step::NeedMore
                }
            }),
        }
    }

    /// Between statements: skip blanks and comments, then classify the next statement.
    fn top(&mut self, batch: &mut Batch) -> Result<Step, InputError> {
        let Some(at) = self.buf[self.pos..].iter().position(|b| !b.is_ascii_whitespace() && *b != b';')
        else {
            self.advance(self.buf.len());
            return Ok(Step::NeedMore);
        };
        self.advance(self.pos + at);
        let rest = &self.buf[self.pos..];
        if rest.starts_with(b"--") || rest.starts_with(b"#") {
            let Some(end) = memchr::memchr(b'\n', rest) else { return Ok(self.wait_or_skip()) };
            let comment = String::from_utf8_lossy(&rest[..end]);
            if comment.contains("PostgreSQL database dump") {
                self.set_header(false);
            } else if comment.contains("MySQL dump") || comment.contains("MariaDB dump") {
                self.set_header(true);
            }
            self.advance(self.pos + end + 1);
            return Ok(Step::Continue);
        }
        if rest.starts_with(b"/*") {
            let Some(end) = memchr::memmem::find(&rest[2..], b"*/") else { return Ok(self.wait_or_skip()) };
            self.advance(self.pos + end + 4);
            return Ok(Step::Continue);
        }
        let word_len = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        if word_len == rest.len() && !self.buf.eof() {
            return Ok(Step::NeedMore);
        }
        if let Some(layout) = self.after_values.take()
            && word_len == 0
        {
            return Ok(self.junk_in_values(batch, layout));
        }
        if let Some(layout) = self.after_copy.take()
            && (rest[0].is_ascii_digit() || rest.starts_with(b"\\N\t") || is_copy_row(rest, &layout))
        {
            self.mode = Mode::Copy(layout);
            return Ok(Step::Continue);
        }
        let word = String::from_utf8_lossy(&rest[..word_len]).to_ascii_uppercase();
        match word.as_str() {
            "INSERT" | "REPLACE" => self.insert_head(batch),
            "COPY" => self.copy_head(),
            "PRAGMA" => {
                // Only sqlite3 writes PRAGMA (`.dump` starts with one): standard strings.
                self.set_header(false);
                self.mode = Mode::Skip(Lexer::default());
                Ok(Step::Continue)
            }
            "CREATE" => self.create_table(),
            "SET" => {
                let line_end = memchr::memchr(b';', rest).unwrap_or(rest.len());
                let statement = String::from_utf8_lossy(&rest[..line_end]).to_ascii_lowercase();
                if let Some(at) = statement.find("standard_conforming_strings") {
                    // `= on`, `TO 'off'`, `= false`…: the word after the name and `=`/`TO`.
                    let value = statement[at + "standard_conforming_strings".len()..]
                        .split(|c: char| c.is_whitespace() || c == '=' || c == '\'')
                        .find(|w| !w.is_empty() && *w != "to");
                    self.set_header(matches!(value, Some("off" | "false")));
                }
                self.mode = Mode::Skip(Lexer::default());
                Ok(Step::Continue)
            }
            _ if word_len > 0 && resync::copy_head_line(rest, self.buf.eof()) != Some(false) => {
                // `C'OPY public.p (…) FROM stdin;`: a COPY head with a stray byte in it.
                if resync::copy_head_line(rest, self.buf.eof()).is_none() {
                    return Ok(Step::NeedMore);
                }
                self.copy_head()
            }
            _ if word_len > 0 && !HOLDS_NO_ROWS.contains(&word.as_str()) => Ok(self.skip_unread(&word)),
            _ => {
                self.mode = Mode::Skip(Lexer::default());
                if word_len == 0 {
                    // Not a statement at all: step over the byte so the scan always moves on.
                    self.advance(self.pos + 1);
                }
                Ok(Step::Continue)
            }
        }
    }

    /// A statement head is cut by the end of the buffer: wait for more, or give up on it.
    fn wait_or_skip(&mut self) -> Step {
        if self.buf.eof() || self.buf.len() - self.pos > MAX_HEAD {
            self.mode = Mode::Skip(Lexer::default());
            Step::Continue
        } else {
            Step::NeedMore
        }
    }

    /// Skips to the end of the statement (`;` outside quotes and comments), streaming.
    fn skip(&mut self, mut lexer: Lexer) -> Step {
        let bytes = &self.buf[self.pos..];
        for (i, &b) in bytes.iter().enumerate() {
            let next = bytes.get(i + 1).copied();
            let cut = match b {
                b'-' | b'/' | b'*' => next.is_none(),
                // The statement that may start on the next line must be whole to be recognized.
                b'\n' => bytes.len() - (i + 1) < resync::STATEMENT_PREFIX,
                _ => false,
            };
            if cut && !self.buf.eof() {
                // A comment marker or keyword may be cut by the read: look again with more input.
                self.advance(self.pos + i);
                self.mode = Mode::Skip(lexer);
                return Step::NeedMore;
            }
            let before = lexer;
            let code = lexer.feed(b, next, self.backslash);
            if code && b == b';' {
                self.advance(self.pos + i + 1);
                self.mode = Mode::Top;
                return Step::Continue;
            }
            // A statement without `;` ends where a line starts another INSERT or COPY; one with a
            // quote that never closes, where a line starts an INSERT or is a COPY head.
            if b == b'\n' {
                match line_ends_skipped_statement(&lexer, &bytes[i + 1..], self.buf.eof()) {
                    Some(true) => {
                        self.advance(self.pos + i + 1);
                        self.mode = Mode::Top;
                        return Step::Continue;
                    }
                    Some(false) => {}
                    None => {
                        // Look again from the newline with more input.
                        self.advance(self.pos + i);
                        self.mode = Mode::Skip(before);
                        return Step::NeedMore;
                    }
                }
            }
        }
        self.advance(self.buf.len());
        self.mode = Mode::Skip(lexer);
        Step::NeedMore
    }

    /// `INSERT [IGNORE] INTO t [(cols)] VALUES`: plans the layout and moves on to the tuples.
    fn insert_head(&mut self, batch: &mut Batch) -> Result<Step, InputError> {
        let rest = &self.buf[self.pos..];
        let Some(found) = find_values_keyword(rest, self.backslash) else { return self.insert_cut(batch) };
        let (head_end, after) = match found {
            Keyword::Values { start, end } => (start, end),
            Keyword::Semicolon(end) => return self.insert_set(batch, end),
        };
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        let values_at = self.pos + after;
        self.backslash = self.statement_dialect(head.as_bytes(), values_at);
        self.advance(values_at);
        let Some((table, columns)) = parse_insert_head(&head) else { return Ok(self.skip_unread("INSERT")) };
        let layout = self.layout_for(&table, columns, Rows::Tuples)?;
        self.mode = Mode::Values(layout);
        Ok(Step::Continue)
    }

    /// An `INSERT` whose `VALUES` or `;` is not in the bytes read: wait for more. Past
    /// [`MAX_HEAD`] (or at the end of the input), an `INSERT … SET` is read on up to the record
    /// limit, as a tuple is (a 5 MiB photo in it costs nothing), and is a bad record past that;
    /// any other is a statement not read. Neither is skipped in silence.
    fn insert_cut(&mut self, batch: &mut Batch) -> Result<Step, InputError> {
        let (read, eof) = (self.buf.len() - self.pos, self.buf.eof());
        if !eof && read <= MAX_HEAD {
            return Ok(Step::NeedMore);
        }
        let Some((_, list_start)) = set_list_start(&self.buf[self.pos..], self.backslash) else {
            return Ok(self.skip_unread("INSERT"));
        };
        if eof {
            // The input ends the statement that lacks its `;`.
            return self.insert_set(batch, read);
        }
        if read - list_start > self.buf.max_record() {
            let line = self.line;
            batch.spans.push(Span::bad(self.next_record, line, "record larger than 64 MiB"));
            self.next_record += 1;
            self.mode = Mode::Skip(Lexer::default());
            return Ok(Step::Continue);
        }
        // Read on in doubling steps: the statement is scanned again from its start after each.
        while self.buf.len() - self.pos < read.saturating_mul(2) && !self.buf.eof() && self.buf.read_more() {}
        // Nothing more to read (the input broke): the caller's read says so.
        Ok(if self.buf.len() - self.pos > read || self.buf.eof() { Step::Continue } else { Step::NeedMore })
    }

    /// MySQL's `INSERT [IGNORE] [INTO] t SET a = 1, b = 'x' [ON DUPLICATE KEY UPDATE …];`, whose
    /// `;` is at `self.buf[self.pos + end]`: one record, the list after `SET`, its columns those
    /// it names. An `INSERT` with neither `VALUES` nor `SET` (`INSERT … SELECT`) holds no rows.
    fn insert_set(&mut self, batch: &mut Batch, end: usize) -> Result<Step, InputError> {
        let statement = &self.buf[self.pos..self.pos + end];
        let Some((set_start, list_start)) = set_list_start(statement, self.backslash) else {
            return Ok(self.skip_unread("INSERT"));
        };
        let head = String::from_utf8_lossy(&statement[..set_start]).into_owned();
        let Some((table, _)) = parse_insert_head(&head) else { return Ok(self.skip_unread("INSERT")) };
        let at = self.pos + list_start;
        self.backslash = match self.shown_dialect(head.as_bytes(), at) {
            Some(shown) => shown,
            // Nothing shown: standard strings if the list parses so, else MySQL's escapes
            // (`nama = 'O\'Brien'`). The list is no tuple: `statement_dialect` cannot tell.
            None => {
                let statement = &self.buf[self.pos..self.pos + end];
                let list_end = set_list_end(statement, list_start, false);
                let list = String::from_utf8_lossy(&statement[list_start..list_end]);
                let mut scratch = String::new();
                values::for_each_assignment(&list, false, &mut scratch, &mut |_, _, _| {}).is_err()
            }
        };
        let statement = &self.buf[self.pos..self.pos + end];
        let list_end = set_list_end(statement, list_start, self.backslash);
        let list = String::from_utf8_lossy(&statement[list_start..list_end]).into_owned();
        let next_statement = (self.pos + end + 1).min(self.buf.len());
        let mut columns = Vec::new();
        let mut scratch = String::new();
        // A list that does not parse is still a record (a bad one, said by the extractor).
        let _ = values::for_each_assignment(&list, self.backslash, &mut scratch, &mut |_, column, _| {
            if columns.len() < MAX_COLUMNS {
                columns.push(column.to_string());
            }
        });
        self.advance(at);
        let line = self.line;
        let layout =
            self.layout_for(&table, Some(columns), Rows::SetLists { first: list, next_statement })?;
        let span = if list_end - list_start > self.buf.max_record() {
            Span::bad(self.next_record, line, "record larger than 64 MiB")
        } else {
            Span::new(self.pos, self.pos + list_end - list_start, self.next_record, line)
        };
        self.push(batch, span, &layout);
        // What follows the list (`ON DUPLICATE KEY UPDATE …`) up to the `;` is no record.
        self.advance(self.pos + list_end - list_start);
        self.mode = Mode::Skip(Lexer::default());
        Ok(Step::Continue)
    }

    /// A header comment or setting says the dialect of the statements after it (a new dump
    /// starts: what the statements before showed no longer counts).
    fn set_header(&mut self, backslash: bool) {
        self.header = Some(backslash);
        self.shown = None;
        self.backslash = backslash;
    }

    /// The string dialect of the INSERT whose head is `head` and whose values start at
    /// `self.buf[at]`: `true` for MySQL's escapes (SPEC §5, see [`dialect`]). Reads ahead up to
    /// [`dialect::WINDOW`] bytes.
    fn statement_dialect(&mut self, head: &[u8], at: usize) -> bool {
        if let Some(shown) = self.shown_dialect(head, at) {
            return shown;
        }
        let bytes = &self.buf[at..];
        let line = &bytes[..memchr::memchr(b'\n', bytes).unwrap_or(bytes.len()).min(dialect::WINDOW)];
        // Nothing shown: standard strings if the statement parses so, else MySQL's escapes. A
        // one-line statement without a backslash reads the same either way.
        if memchr::memchr(b'\\', line).is_none() && line.trim_ascii_end().ends_with(b";") {
            return false;
        }
        loop {
            // Parsed to the statement's end; read on only when the bytes read end first.
            let (bytes, eof) = (&self.buf[at..], self.buf.eof());
            match dialect::parses(bytes, false, eof) {
                Some(parses) => return !parses,
                None if eof || bytes.len() > dialect::WINDOW || !self.buf.read_more() => return false,
                None => {}
            }
        }
    }

    /// The string dialect the INSERT whose head is `head` and whose values start at
    /// `self.buf[at]` shows (its head, its first line), else the last one shown, else the
    /// header's; `None` when there is none of these.
    fn shown_dialect(&mut self, head: &[u8], at: usize) -> Option<bool> {
        if let Some(shown) = dialect::head_mark(head) {
            self.shown = Some(shown);
            return Some(shown);
        }
        self.read_window(at, |bytes, _| memchr::memchr(b'\n', bytes).is_some());
        let bytes = &self.buf[at..];
        let line = &bytes[..memchr::memchr(b'\n', bytes).unwrap_or(bytes.len()).min(dialect::WINDOW)];
        if let Some(shown) = dialect::value_mark(line) {
            self.shown = Some(shown);
            return Some(shown);
        }
        self.shown.or(self.header)
    }

    /// Reads on until `enough` says the bytes from `self.buf[from]` are, the input ends, or
    /// [`dialect::WINDOW`] bytes are there.
    fn read_window(&mut self, from: usize, enough: impl Fn(&[u8], bool) -> bool) {
        while !enough(&self.buf[from..], self.buf.eof())
            && !self.buf.eof()
            && self.buf.len() - from <= dialect::WINDOW
            && self.buf.read_more()
        {}
    }

    /// `COPY t [(cols)] FROM stdin;`: the data lines that follow are records.
    fn copy_head(&mut self) -> Result<Step, InputError> {
        let rest = &self.buf[self.pos..];
        let Some(end) = memchr::memchr(b'\n', rest) else { return Ok(self.wait_or_skip()) };
        let head = String::from_utf8_lossy(&rest[..end]).into_owned();
        let from_stdin = resync::copy_head_line(rest, self.buf.eof()) == Some(true);
        self.advance(self.pos + end + 1);
        // A head with a stray byte in it still says rows follow: they are read with what can be
        // made of it (else sniffed), never skipped in silence.
        match parse_copy_head(&head).or_else(|| from_stdin.then(|| salvage_copy_head(&head))) {
            Some((table, columns)) => {
                let layout = self.layout_for(&table, columns, Rows::CopyLines)?;
                self.mode = Mode::Copy(layout);
            }
            None => self.mode = Mode::Top,
        }
        Ok(Step::Continue)
    }

    /// `CREATE TABLE t (…);`: remembers the column names; other `CREATE`s are skipped.
    fn create_table(&mut self) -> Result<Step, InputError> {
        let rest = &self.buf[self.pos..];
        let eof = self.buf.eof();
        let mut lexer = Lexer::default();
        // It ends at its `;`, or (a quote left open in it) at a line that starts an INSERT or is
        // a COPY head: the rows of the next statement are not read as part of it.
        let mut end = None;
        for (i, &b) in rest.iter().enumerate() {
            if lexer.feed(b, rest.get(i + 1).copied(), self.backslash) && b == b';' {
                end = Some((i, i + 1));
                break;
            }
            if b == b'\n' && lexer.quote.is_some() {
                match resync::starts_records_line(&rest[i + 1..], eof) {
                    Some(true) => {
                        end = Some((i, i + 1));
                        break;
                    }
                    Some(false) => {}
                    None => break,
                }
            }
        }
        let Some((end, next)) = end else { return Ok(self.wait_or_skip()) };
        let statement = String::from_utf8_lossy(&rest[..end]).into_owned();
        self.advance(self.pos + next);
        if let Some((table, columns)) = parse_create_table(&statement) {
            self.tables.insert(table, columns);
        }
        Ok(Step::Continue)
    }

    /// After `VALUES`: the next tuple, a `,`, the closing `;`, or a trailing clause to skip.
    fn values(&mut self, batch: &mut Batch, layout: Arc<Layout>) -> Step {
        let blanks = self.buf[self.pos..].iter().position(|b| !b.is_ascii_whitespace());
        let blank_end = blanks.map_or(self.buf.len(), |at| self.pos + at);
        self.values_newline |= memchr::memchr(b'\n', &self.buf[self.pos..blank_end]).is_some();
        self.advance(blank_end);
        if blanks.is_none() {
            self.mode = Mode::Values(layout);
            return Step::NeedMore;
        }
        let rest = &self.buf[self.pos..];
        // A comment marker or a keyword may be cut by the read: decide on a few whole bytes.
        let undecided =
            rest.len() < 8 && (rest[0] == b'-' || rest[0] == b'/' || rest[0].is_ascii_alphabetic());
        if undecided && !self.buf.eof() {
            self.mode = Mode::Values(layout);
            return Step::NeedMore;
        }
        if rest.starts_with(b"--") || rest.starts_with(b"/*") || rest.starts_with(b"#") {
            let close: &[u8] = if rest.starts_with(b"/*") { b"*/" } else { b"\n" };
            match memchr::memmem::find(&rest[1..], close) {
                Some(end) => self.advance(self.pos + 1 + end + close.len()),
                None if self.buf.eof() => self.advance(self.buf.len()),
                None => {
                    self.mode = Mode::Values(layout);
                    return Step::NeedMore;
                }
            }
            self.mode = Mode::Values(layout);
            return Step::Continue;
        }
        if starts_statement(rest) {
            // The previous statement ended without `;` (SQL Server scripts, hand-made dumps).
            self.unproved = false;
            self.mode = Mode::Top;
            return Step::Continue;
        }
        let newline = std::mem::take(&mut self.values_newline);
        match self.buf[self.pos] {
            b',' => {
                self.advance(self.pos + 1);
                self.mode = Mode::Values(layout);
            }
            b';' => {
                self.advance(self.pos + 1);
                self.unproved = false;
                self.after_values = Some(layout);
                self.mode = Mode::Top;
            }
            b'(' => {
                let (start, line) = (self.pos, self.line);
                self.advance(self.pos + 1);
                self.mode = Mode::Tuple { layout, start, line, depth: 1, lexer: Lexer::default() };
            }
            b if b.is_ascii_alphabetic() => {
                let word_len = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
                let word = &rest[..word_len];
                let open = word_len + rest[word_len..].iter().take_while(|c| c.is_ascii_whitespace()).count();
                if word.eq_ignore_ascii_case(b"ROW") && rest.get(open) == Some(&b'(') {
                    // MySQL 8's `VALUES ROW(1,'a'),ROW(2,'b')`: the tuple is what follows ROW.
                    self.advance(self.pos + open);
                    self.mode = Mode::Values(layout);
                } else if newline || resync::ends_tuples(word) {
                    // `ON DUPLICATE KEY UPDATE …`, `RETURNING …`, or a statement on its own line:
                    // no more tuples in this statement.
                    self.mode = Mode::Skip(Lexer::default());
                } else {
                    // `VALUES garbage;`, `(1,'a') junk`: never a silent end of the statement.
                    return self.junk_in_values(batch, layout);
                }
            }
            // `)(1,…`, `[(1,…`, `-5,6),(2,…`: not where tuples go on, nor where they end.
            _ => return self.junk_in_values(batch, layout),
        }
        Step::Continue
    }

    /// Bytes at `self.pos` that are neither a tuple nor what may follow one: a bad record (the
    /// tuples it hides are lost with it, never in silence), then a resynchronization that takes
    /// a `(` right after the junk byte as a candidate tuple.
    fn junk_in_values(&mut self, batch: &mut Batch, layout: Arc<Layout>) -> Step {
        let from = if self.buf[self.pos] == b'(' { self.pos } else { self.pos + 1 };
        let line = self.line;
        self.push(batch, Span::bad(self.next_record, line, "SQL values do not parse"), &layout);
        self.resync_from(layout, from, line, Seen::after_tuple());
        Step::Continue
    }

    /// Inside a tuple: find its closing parenthesis. A tuple that cannot be one (a `;` or a line
    /// starting an INSERT before it closes, or a `)` followed by what never follows a tuple) is
    /// a bad record, and the scan resynchronizes after it.
    #[allow(clippy::too_many_arguments)]
    fn tuple(
        &mut self,
        batch: &mut Batch,
        layout: Arc<Layout>,
        start: usize,
        line: u64,
        mut depth: u32,
        mut lexer: Lexer,
    ) -> Step {
        let bytes = &self.buf[self.pos..];
        for (i, &b) in bytes.iter().enumerate() {
            let next = bytes.get(i + 1).copied();
            let undecided = match b {
                // A comment marker may be cut by the read.
                b'-' | b'/' | b'*' => next.is_none() && !self.buf.eof(),
                b'\n' => match resync::starts_records_line(&bytes[i + 1..], self.buf.eof()) {
                    None => true,
                    Some(true) => {
                        self.advance(self.pos + i);
                        return self.fail_tuple(batch, layout, start, line, "SQL tuple is not closed");
                    }
                    Some(false) => false,
                },
                _ => false,
            };
            if undecided {
                // Look again with more input.
                self.advance(self.pos + i);
                return self.wait_in_tuple(batch, layout, start, line, depth, lexer);
            }
            if !lexer.feed(b, next, self.backslash) {
                continue;
            }
            match b {
                b'(' => depth += 1,
                b';' => {
                    self.advance(self.pos + i);
                    return self.fail_tuple(batch, layout, start, line, "SQL tuple is not closed");
                }
                b')' if depth > 1 => depth -= 1,
                b')' => {
                    let end = self.pos + i + 1;
                    let follows = resync::may_follow_tuple(&self.buf[end..], self.buf.eof());
                    // A suspect tuple (rare) is parsed here: read as one, `'2020-'01-02'),(3,…)`
                    // would swallow the tuples up to the next `)` into one bad record.
                    let parses = || !lexer.suspect || resync::parses(&self.buf[start..end], self.backslash);
                    match follows {
                        None => {
                            self.advance(end - 1);
                            return self.wait_in_tuple(batch, layout, start, line, depth, lexer);
                        }
                        Some(true) if parses() => {}
                        Some(_) => {
                            self.advance(end);
                            return self.fail_tuple(batch, layout, start, line, "SQL tuple does not parse");
                        }
                    }
                    self.advance(end);
                    self.unproved = false;
                    let span = if end - start > self.buf.max_record() {
                        Span::bad(self.next_record, line, "record larger than 64 MiB")
                    } else {
                        Span::new(start, end, self.next_record, line)
                    };
                    self.push(batch, span, &layout);
                    self.mode = Mode::Values(layout);
                    return Step::Continue;
                }
                _ => {}
            }
        }
        self.advance(self.buf.len());
        self.wait_in_tuple(batch, layout, start, line, depth, lexer)
    }

    /// The tuple goes on past the bytes read: wait for more, unless it has outgrown the record
    /// limit (then it is bad, and the scan resynchronizes after it: a quote left open on a
    /// gigabyte-long line costs one tuple, not the line).
    fn wait_in_tuple(
        &mut self,
        batch: &mut Batch,
        layout: Arc<Layout>,
        start: usize,
        line: u64,
        depth: u32,
        lexer: Lexer,
    ) -> Step {
        if self.buf.outgrew(start) {
            return self.fail_tuple(batch, layout, start, line, "record larger than 64 MiB");
        }
        self.mode = Mode::Tuple { layout, start, line, depth, lexer };
        Step::NeedMore
    }

    /// The tuple at `start` is bad: one bad record, then a resynchronization from the byte after
    /// its `(`.
    fn fail_tuple(
        &mut self,
        batch: &mut Batch,
        layout: Arc<Layout>,
        start: usize,
        line: u64,
        reason: &'static str,
    ) -> Step {
        self.push(batch, Span::bad(self.next_record, line, reason), &layout);
        self.resync_from(layout, start + 1, line, Seen::default());
        Step::Continue
    }

    /// Resynchronizes from `self.buf[at]` (on `line`), after the bad record just pushed.
    fn resync_from(&mut self, layout: Arc<Layout>, at: usize, line: u64, seen: Seen) {
        self.budget = if std::mem::take(&mut self.unproved) { Budget::spent() } else { Budget::fresh() };
        self.pos = at;
        self.line = line;
        self.mode = Mode::Resync { layout, seen };
    }

    /// After a bad tuple: on to the first boundary that is provably one: a `(` after `),` that
    /// starts a whole tuple (read afresh, outside any quote the bad tuple left open, or still
    /// open where the budget lets the look stop: taken unproved, so a 2 MiB BLOB is read), a line
    /// starting an INSERT, or the end of a line ending with `;`. With the budget spent, only the
    /// last two.
    fn resync(&mut self, layout: Arc<Layout>, mut seen: Seen) -> Step {
        let mut i = self.pos;
        while i < self.buf.len() {
            let b = self.buf[i];
            if b == b'\n' {
                match resync::starts_records_line(&self.buf[i + 1..], self.buf.eof()) {
                    None => {
                        self.advance(i);
                        self.mode = Mode::Resync { layout, seen };
                        return Step::NeedMore;
                    }
                    Some(true) => {
                        self.advance(i + 1);
                        self.mode = Mode::Top;
                        return Step::Continue;
                    }
                    Some(false) => {}
                }
            }
            match seen.feed(b) {
                Some(Boundary::Statement) => {
                    self.advance(i + 1);
                    self.mode = Mode::Top;
                    return Step::Continue;
                }
                // Spent: statement boundaries only.
                Some(Boundary::Tuple) if self.budget.is_spent() => {}
                Some(Boundary::Tuple) => match self.verify_at(i) {
                    verdict @ (Verdict::Record | Verdict::Unproved) => {
                        self.unproved = verdict == Verdict::Unproved;
                        self.advance(i);
                        self.mode = Mode::Values(layout);
                        return Step::Continue;
                    }
                    Verdict::NeedMore => {
                        self.advance(i);
                        self.mode = Mode::Resync { layout, seen: Seen::after_tuple() };
                        return Step::NeedMore;
                    }
                    // The `(` is then a stray byte after the `)` before it (`)(,(2,…`).
                    Verdict::NotRecord => seen = Seen::after_tuple(),
                },
                None => {}
            }
            i += 1;
        }
        self.advance(self.buf.len());
        self.mode = Mode::Resync { layout, seen };
        Step::NeedMore
    }

    /// Whether a tuple starts at `self.buf[i]`, read ahead as far as the budget allows.
    fn verify_at(&mut self, i: usize) -> Verdict {
        let (bytes, backslash, eof) = (&self.buf[i..], self.backslash, self.buf.eof());
        self.budget.verify(|limit| resync::verify_tuple(bytes, backslash, eof, limit))
    }

    /// COPY data: one record per line, up to the `\.` line.
    fn copy(&mut self, batch: &mut Batch, layout: Arc<Layout>) -> Step {
        let rest = &self.buf[self.pos..];
        let end = match memchr::memchr(b'\n', rest) {
            Some(end) => end,
            None if self.buf.eof() => rest.len(),
            None => {
                if rest.len() > self.buf.max_record() {
                    let line = self.line;
                    self.push(batch, Span::bad(self.next_record, line, "record larger than 64 MiB"), &layout);
                    // Drop the oversized line's bytes as they come.
                    self.advance(self.buf.len());
                    self.mode = Mode::CopySkipLine(layout);
                    return Step::Continue;
                }
                self.mode = Mode::Copy(layout);
                return Step::NeedMore;
            }
        };
        let text = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
        if resync::copy_head_line(rest, self.buf.eof()) == Some(true) {
            // The block before lost its `\.`: the next one starts here, with its own columns.
            self.mode = Mode::Top;
            return Step::Continue;
        }
        if text == b"\\." {
            self.advance(self.pos + (end + 1).min(rest.len()));
            self.after_copy = Some(layout);
            self.mode = Mode::Top;
            return Step::Continue;
        }
        if end == 0 && self.buf.eof() {
            self.mode = Mode::Top;
            return Step::NeedMore;
        }
        let (start, line) = (self.pos, self.line);
        let text_end = start + text.len();
        self.advance(self.pos + (end + 1).min(rest.len()));
        if text_end - start > self.buf.max_record() {
            self.push(batch, Span::bad(self.next_record, line, "record larger than 64 MiB"), &layout);
        } else if text_end > start {
            self.push(batch, Span::new(start, text_end, self.next_record, line), &layout);
        }
        self.mode = Mode::Copy(layout);
        Step::Continue
    }

    /// The layout of rows of `table` with `columns` (or the `CREATE TABLE` columns), planned once
    /// from the names and a look-ahead at the first rows.
    fn layout_for(
        &mut self,
        table: &str,
        columns: Option<Vec<String>>,
        sniffed: Rows,
    ) -> Result<Arc<Layout>, InputError> {
        let copy = matches!(sniffed, Rows::CopyLines);
        // Only a COPY's own column list says how many fields its lines have (a `CREATE TABLE`
        // may have been read wrong, or changed by a later `ALTER TABLE`).
        let copy_fields = columns.as_ref().filter(|_| copy).map(Vec::len);
        let names = columns.or_else(|| self.tables.get(table).cloned());
        let key = format!(
            "{table}\u{0}{}\u{0}{copy}\u{0}{}",
            names.as_ref().map(|n| n.join("\u{1}")).unwrap_or_default(),
            self.backslash
        );
        if let Some(layout) = self.layouts.get(&key) {
            return Ok(layout.clone());
        }
        let (rows, set_lists) = match sniffed {
            Rows::Tuples | Rows::CopyLines => (self.lookahead(copy), false),
            Rows::SetLists { first, next_statement } => {
                (self.lookahead_sets(table, first, next_statement), true)
            }
        };
        let mut planner = ColumnPlanner::new(names.clone(), Naming::Whole);
        let mut scratch = String::new();
        for row in &rows {
            let mut observe = |col: usize, value: SqlValue<'_>| {
                let text = match value {
                    SqlValue::Text(text) => Some(text),
                    SqlValue::Absent | SqlValue::NotIdentity => None,
                };
                planner.observe(col, text);
            };
            let _ = if copy {
                for_each_copy_field(row, &mut scratch, &mut observe);
                Ok(())
            } else if set_lists {
                // Each list names its columns, in any order: a value is observed in the column
                // of this layout with its name (MySQL's column names ignore case).
                let names = names.as_deref().unwrap_or_default();
                values::for_each_assignment(row, self.backslash, &mut scratch, &mut |_, column, value| {
                    if let Some(col) = names.iter().position(|n| n.eq_ignore_ascii_case(column)) {
                        observe(col, value);
                    }
                })
            } else {
                for_each_value(row, self.backslash, &mut scratch, &mut observe)
            };
        }
        // A `--map` applies to the tables that have the column it names (see
        // `plan::table_columns`). It has nothing to refuse today; were it to, the input is not
        // read (as a CSV's bad `--map` is), never read with no roles at all, which would check
        // nobody in silence.
        let (column_names, roles) =
            plan::table_columns(planner, table, &self.maps).map_err(|message| InputError::Columns {
                input: self.buf.name().to_string(),
                message: format!("table {}: {message}", crate::report::mask::sanitize(table)),
            })?;
        let layout = Arc::new(Layout {
            table: table.to_string(),
            names: column_names,
            roles,
            copy,
            backslash_escapes: self.backslash,
            copy_fields,
        });
        self.layouts.insert(key, layout.clone());
        Ok(layout)
    }

    /// Up to 1,000 rows from the current position, without consuming them: tuples of this
    /// `INSERT`, or lines of this `COPY`. Reads ahead up to [`LOOKAHEAD_BYTES`].
    fn lookahead(&mut self, copy: bool) -> Vec<String> {
        loop {
            let (rows, complete) = peek_rows(&self.buf[self.pos..], copy, self.backslash);
            let enough = rows.len() >= roles::SNIFF_RECORDS || complete;
            // A break ends the look too: the rows before it are all there are.
            if enough
                || self.buf.eof()
                || self.buf.len() - self.pos > LOOKAHEAD_BYTES
                || !self.buf.read_more()
            {
                return rows;
            }
        }
    }

    /// `first`, the list of the `INSERT … SET` being read, then the lists of the `INSERT … SET`
    /// statements of `table` from `self.buf[from]` on, up to 1,000 in all, without consuming
    /// them: each such statement is one row, so its table's first rows are its first statements
    /// (other statements between them are passed over). Reads ahead up to [`LOOKAHEAD_BYTES`],
    /// each byte once.
    fn lookahead_sets(&mut self, table: &str, first: String, from: usize) -> Vec<String> {
        let mut rows = vec![first];
        let (mut start, mut at, mut lexer) = (from, from, Lexer::default());
        loop {
            let (len, eof) = (self.buf.len(), self.buf.eof());
            // The last byte waits for the next read unless the input ended: the byte after it
            // decides whether it starts a comment.
            while at < len && (at + 1 < len || eof) && rows.len() < roles::SNIFF_RECORDS {
                let b = self.buf[at];
                let code = lexer.feed(b, self.buf.get(at + 1).copied(), self.backslash);
                at += 1;
                if code && b == b';' {
                    if let Some(list) = set_list_of(&self.buf[start..at - 1], table, self.backslash) {
                        rows.push(list);
                    }
                    (start, lexer) = (at, Lexer::default());
                }
            }
            if rows.len() >= roles::SNIFF_RECORDS
                || eof
                || len - from > LOOKAHEAD_BYTES
                || !self.buf.read_more()
            {
                return rows;
            }
        }
    }
}

/// The rows a layout is planned from, read ahead from where its first row starts.
enum Rows {
    /// The tuples of the `INSERT … VALUES` at the current position.
    Tuples,
    /// The lines of the `COPY` block at the current position.
    CopyLines,
    /// The list of the `INSERT … SET` being read (`first`), then those of the next `INSERT … SET`
    /// statements of its table, from the statement at `next_statement` on.
    SetLists { first: String, next_statement: usize },
}

/// In an `INSERT … SET` statement (up to its `;`, excluded): where its `SET` starts and where the
/// list after it starts; `None` when it has no `SET`.
fn set_list_start(statement: &[u8], backslash: bool) -> Option<(usize, usize)> {
    let (set_start, set_end) = find_word(statement, b"SET", 0, backslash)?;
    let blanks = statement[set_end..].iter().take_while(|b| b.is_ascii_whitespace()).count();
    Some((set_start, set_end + blanks))
}

/// Where the list of an `INSERT … SET` statement that starts at `list_start` ends: at its
/// `ON DUPLICATE KEY UPDATE`, else at the statement's end.
fn set_list_end(statement: &[u8], list_start: usize, backslash: bool) -> usize {
    find_word(statement, b"ON", list_start, backslash).map_or(statement.len(), |(on, _)| on)
}

/// The list of `statement` (up to its `;`, excluded) if it is an `INSERT … SET` into `table`.
fn set_list_of(statement: &[u8], table: &str, backslash: bool) -> Option<String> {
    let statement = &statement[code_start(statement)..];
    let word_len = statement.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let word = &statement[..word_len];
    if !(word.eq_ignore_ascii_case(b"INSERT") || word.eq_ignore_ascii_case(b"REPLACE")) {
        return None;
    }
    if find_word(statement, b"VALUES", 0, backslash).is_some() {
        return None;
    }
    let (set_start, list_start) = set_list_start(statement, backslash)?;
    let (this_table, _) = parse_insert_head(&String::from_utf8_lossy(&statement[..set_start]))?;
    let list_end = set_list_end(statement, list_start, backslash);
    (this_table == table).then(|| String::from_utf8_lossy(&statement[list_start..list_end]).into_owned())
}

/// Where the code of a statement starts: after the blanks and comments before it.
fn code_start(statement: &[u8]) -> usize {
    let mut i = 0;
    loop {
        i += statement[i..].iter().take_while(|b| b.is_ascii_whitespace()).count();
        let rest = &statement[i..];
        let skipped = if rest.starts_with(b"--") || rest.starts_with(b"#") {
            memchr::memchr(b'\n', rest).map_or(rest.len(), |end| end + 1)
        } else if rest.starts_with(b"/*") {
            memchr::memmem::find(&rest[2..], b"*/").map_or(rest.len(), |end| end + 4)
        } else {
            return i;
        };
        i += skipped;
    }
}

/// Whether a statement being skipped ends before `line`, the bytes after a newline: at an INSERT
/// or COPY outside quotes, or at a line that starts an INSERT or is a COPY head inside a quote
/// that never closed. `None` while the bytes known cannot tell.
fn line_ends_skipped_statement(lexer: &Lexer, line: &[u8], eof: bool) -> Option<bool> {
    match lexer.quote {
        None => Some(!lexer.block_comment && starts_statement(line)),
        Some(_) => resync::starts_records_line(line, eof),
    }
}

/// `bytes` starts (after blanks) with a statement that holds records.
fn starts_statement(bytes: &[u8]) -> bool {
    let at = bytes.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r')).unwrap_or(bytes.len());
    let word: Vec<u8> =
        bytes[at..].iter().take_while(|b| b.is_ascii_alphabetic()).map(u8::to_ascii_uppercase).collect();
    matches!(word.as_slice(), b"INSERT" | b"REPLACE" | b"COPY")
        && bytes.get(at + word.len()).is_some_and(|b| b.is_ascii_whitespace())
}

/// Rows at the start of `bytes` (after `VALUES`, or after a `COPY` line): their text, and
/// whether the statement ended within `bytes`.
fn peek_rows(bytes: &[u8], copy: bool, backslash: bool) -> (Vec<String>, bool) {
    let mut rows = Vec::new();
    if copy {
        for line in bytes.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line == b"\\." {
                return (rows, true);
            }
            if rows.len() == roles::SNIFF_RECORDS {
                break;
            }
            rows.push(String::from_utf8_lossy(line).into_owned());
        }
        rows.pop(); // the last piece may be cut short
        return (rows, false);
    }
    let mut i = 0;
    while rows.len() < roles::SNIFF_RECORDS {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'(') => {}
            Some(_) => return (rows, true),
            None => return (rows, false),
        }
        let (mut lexer, mut depth, start) = (Lexer::default(), 0u32, i);
        let mut end = None;
        while i < bytes.len() {
            let b = bytes[i];
            if lexer.feed(b, bytes.get(i + 1).copied(), backslash) {
                match b {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        let Some(end) = end else { return (rows, false) };
        rows.push(String::from_utf8_lossy(&bytes[start..end]).into_owned());
    }
    (rows, false)
}

/// Where an `INSERT` head ends.
enum Keyword {
    /// `VALUES` (or `VALUE`) at `start..end`.
    Values { start: usize, end: usize },
    /// A `;` before any `VALUES`, at this index: an `INSERT … SELECT` or `INSERT … SET`.
    Semicolon(usize),
}

/// Finds the `VALUES` keyword of an `INSERT` outside quotes and comments, or the `;` that ends
/// the statement first. `None` when neither is in `bytes` yet.
fn find_values_keyword(bytes: &[u8], backslash: bool) -> Option<Keyword> {
    let mut lexer = Lexer::default();
    let mut i = 0;
    // The word before: `OVERRIDING SYSTEM VALUE` (pg_dump --inserts of an identity column) is
    // no `VALUE` keyword.
    let mut overriding = false;
    while i < bytes.len() {
        let b = bytes[i];
        let code = lexer.feed(b, bytes.get(i + 1).copied(), backslash);
        if code && b == b';' {
            return Some(Keyword::Semicolon(i));
        }
        let word_start = code && b.is_ascii_alphabetic() && (i == 0 || !is_word_byte(bytes[i - 1]));
        if word_start {
            let len = bytes[i..].iter().take_while(|&&c| is_word_byte(c)).count();
            if i + len == bytes.len() {
                return None; // the word may go on
            }
            let word = &bytes[i..i + len];
            if word.eq_ignore_ascii_case(b"VALUES") || (word.eq_ignore_ascii_case(b"VALUE") && !overriding) {
                return Some(Keyword::Values { start: i, end: i + len });
            }
            overriding = word.eq_ignore_ascii_case(b"SYSTEM") || word.eq_ignore_ascii_case(b"USER");
            i += len;
            continue;
        }
        i += 1;
    }
    None
}

/// The first `word` (in any case) at or after `from` in the statement `bytes`, outside quotes
/// and comments: its start and end.
fn find_word(bytes: &[u8], word: &[u8], from: usize, backslash: bool) -> Option<(usize, usize)> {
    let mut lexer = Lexer::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let code = lexer.feed(b, bytes.get(i + 1).copied(), backslash);
        if code && i >= from && b.is_ascii_alphabetic() && (i == 0 || !is_word_byte(bytes[i - 1])) {
            let len = bytes[i..].iter().take_while(|&&c| is_word_byte(c)).count();
            if bytes[i..i + len].eq_ignore_ascii_case(word) {
                return Some((i, i + len));
            }
            // The rest of the word is code too: the lexer needs no more of it.
            i += len;
            continue;
        }
        i += 1;
    }
    None
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// A statement split into identifiers, quoted names and punctuation.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            // A string literal (a COMMENT or DEFAULT): one token, whatever commas it holds.
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    '\\' => i += 2,
                    '\'' if chars.get(i + 1) == Some(&'\'') => i += 2,
                    '\'' => break,
                    _ => i += 1,
                }
            }
            i += 1;
            out.push("'…'".to_string());
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '`' || c == '"' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let mut name = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == close {
                    if chars.get(i + 1) == Some(&close) && close != ']' {
                        name.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                name.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(format!("\u{1}{name}")); // marked as quoted: never a keyword
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

fn unquote(token: &str) -> &str {
    token.strip_prefix('\u{1}').unwrap_or(token)
}

fn is_keyword(token: &str, word: &str) -> bool {
    !token.starts_with('\u{1}') && token.eq_ignore_ascii_case(word)
}

/// `schema.table` → `table` (the last part names the table); returns it and the index after.
fn table_name(tokens: &[String], mut i: usize) -> Option<(String, usize)> {
    let mut name = unquote(tokens.get(i)?).to_string();
    i += 1;
    while tokens.get(i).map(String::as_str) == Some(".") {
        name = unquote(tokens.get(i + 1)?).to_string();
        i += 2;
    }
    (!name.is_empty() && name != "(").then_some((name, i))
}

/// `( a, b, c )` starting at `i`: the names.
fn column_list(tokens: &[String], i: usize) -> Option<Vec<String>> {
    if tokens.get(i).map(String::as_str) != Some("(") {
        return None;
    }
    let mut names = Vec::new();
    for t in &tokens[i + 1..] {
        match t.as_str() {
            ")" => return Some(names),
            "," => {}
            name => names.push(unquote(name).to_string()),
        }
    }
    None
}

/// `INSERT [LOW_PRIORITY|DELAYED|HIGH_PRIORITY] [IGNORE] [INTO] t [(cols)]` (text before
/// `VALUES`): the table and its column list, if given.
fn parse_insert_head(head: &str) -> Option<(String, Option<Vec<String>>)> {
    let tokens = tokens(head);
    let mut i = 1;
    while tokens.get(i).is_some_and(|t| {
        ["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO"].iter().any(|k| is_keyword(t, k))
    }) {
        i += 1;
    }
    let (table, i) = table_name(&tokens, i)?;
    let i = if tokens.get(i).is_some_and(|t| is_keyword(t, "PARTITION")) {
        // Skip `PARTITION (p0, p1)`.
        i + 1 + tokens[i + 1..].iter().position(|t| t == ")")? + 1
    } else {
        i
    };
    Some((table, column_list(&tokens, i)))
}

/// `COPY t [(cols)] FROM stdin;` → the table and columns; `None` for other COPYs.
fn parse_copy_head(head: &str) -> Option<(String, Option<Vec<String>>)> {
    let tokens = tokens(head);
    let (table, i) = table_name(&tokens, 1)?;
    let columns = column_list(&tokens, i);
    let from = tokens.iter().position(|t| is_keyword(t, "FROM"))?;
    tokens.get(from + 1).filter(|t| is_keyword(t, "STDIN"))?;
    Some((table, columns))
}

/// The table and columns of a COPY head that does not parse (a stray byte in it): the last
/// parenthesized list before `FROM` and the name before it, as far as they can be read.
fn salvage_copy_head(head: &str) -> (String, Option<Vec<String>>) {
    let tokens = tokens(head);
    let from = tokens.iter().rposition(|t| is_keyword(t, "FROM")).unwrap_or(tokens.len());
    let open = tokens[..from].iter().rposition(|t| t == "(");
    let columns = open.and_then(|i| column_list(&tokens, i)).filter(|c| !c.is_empty());
    let table = open
        .unwrap_or(from)
        .checked_sub(1)
        .and_then(|i| tokens.get(i))
        .map(|t| unquote(t).to_string())
        .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .unwrap_or_else(|| "copy".to_string());
    (table, columns)
}

/// Whether the line at the start of `rest`, after a COPY block's `\.`, is one of its rows: it has
/// tabs, as many fields as the block's rows (pg_dump's statements have no tabs).
fn is_copy_row(rest: &[u8], layout: &Layout) -> bool {
    let line = memchr::memchr(b'\n', rest).map_or(rest, |end| &rest[..end]);
    let fields = memchr::memchr_iter(b'\t', line).count() + 1;
    fields > 1 && layout.copy_fields.is_none_or(|n| n == fields)
}

/// `CREATE [TEMPORARY] TABLE [IF NOT EXISTS] t ( definitions ) …` → the table and the names
/// of its columns (constraints and indexes left out).
fn parse_create_table(statement: &str) -> Option<(String, Vec<String>)> {
    let tokens = tokens(statement);
    let table_kw = tokens.iter().position(|t| is_keyword(t, "TABLE"))?;
    let mut i = table_kw + 1;
    while tokens.get(i).is_some_and(|t| ["IF", "NOT", "EXISTS"].iter().any(|k| is_keyword(t, k))) {
        i += 1;
    }
    let (table, i) = table_name(&tokens, i)?;
    if tokens.get(i).map(String::as_str) != Some("(") {
        return None;
    }
    const NOT_COLUMNS: [&str; 11] = [
        "PRIMARY",
        "KEY",
        "UNIQUE",
        "INDEX",
        "CONSTRAINT",
        "FOREIGN",
        "FULLTEXT",
        "SPATIAL",
        "CHECK",
        "EXCLUDE",
        "LIKE",
    ];
    let mut columns = Vec::new();
    let mut depth = 0;
    let mut at_definition_start = true;
    for t in &tokens[i + 1..] {
        match t.as_str() {
            "(" => depth += 1,
            ")" if depth == 0 => break,
            ")" => depth -= 1,
            "," if depth == 0 => {
                at_definition_start = true;
                continue;
            }
            name if at_definition_start && depth == 0 && !NOT_COLUMNS.iter().any(|k| is_keyword(name, k)) => {
                columns.push(unquote(name).to_string());
            }
            _ => {}
        }
        at_definition_start = false;
    }
    Some((table, columns))
}

impl Splitter for SqlSplitter {
    fn next_batch(&mut self, batch: &mut Batch, limits: BatchLimits) -> Result<bool, InputError> {
        batch.clear();
        loop {
            let full =
                batch.spans.len() >= limits.records || (self.pos >= limits.bytes && !batch.spans.is_empty());
            if full {
                break;
            }
            match self.step(batch)? {
                Step::Continue => continue,
                Step::NeedMore if self.buf.eof() => {
                    if let Mode::Tuple { layout, start, line, .. } =
                        std::mem::replace(&mut self.mode, Mode::Top)
                    {
                        // What follows the unclosed tuple may still hold tuples and statements.
                        self.fail_tuple(batch, layout, start, line, "SQL tuple is not closed");
                        continue;
                    }
                    self.pos = self.buf.len();
                    break;
                }
                Step::NeedMore => {
                    if batch.spans.is_empty() {
                        let keep = self.keep_from();
                        self.buf.discard(keep);
                        self.pos -= keep;
                        if let Mode::Tuple { start, .. } = &mut self.mode {
                            *start -= keep.min(*start);
                        }
                    } else if self.pos >= limits.bytes {
                        // Bytes can only be dropped once the records before them are handed over.
                        break;
                    }
                    if !self.buf.read_more() {
                        break;
                    }
                }
            }
        }
        let keep = self.keep_from();
        self.buf.hand_over(batch, keep);
        self.pos -= keep;
        if let Mode::Tuple { start, .. } = &mut self.mode {
            *start -= keep.min(*start);
        }
        let more = !(batch.spans.is_empty() && self.buf.eof() && self.pos >= self.buf.len());
        self.buf.end_batch(batch, more)
    }

    fn late_warning(&mut self) -> Option<String> {
        let (keyword, line) = self.first_unread.take()?;
        let statement = match keyword {
            Some(word) => format!("the {word} statement"),
            None => "a statement".to_string(),
        };
        let more = match self.unread {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        Some(format!(
            "{}: {statement} at line {line}{more} not read: SQL of a form leakcheck does not read \
             (only INSERT … VALUES, INSERT … SET and COPY rows are records); people in them were not checked",
            self.buf.name()
        ))
    }
}

/// Reads the values of a tuple or COPY line by its table's layout.
pub struct SqlExtractor;

impl Extractor for SqlExtractor {
    fn visit(
        &self,
        record: &str,
        layout: Option<&Layout>,
        wanted: Wanted,
        scratch: &mut String,
        sink: &mut ColumnSink<'_>,
    ) -> Result<(), &'static str> {
        let Some(layout) = layout else { return Ok(()) };
        // The name of a value past the table's columns, built only for `inspect`.
        let mut extra = String::new();
        let mut emit = |col: usize, value: SqlValue<'_>| {
            let SqlValue::Text(text) = value else { return };
            let role = layout.roles.get(col).copied().flatten();
            if (role.is_none() && wanted == Wanted::Roles) || col >= MAX_COLUMNS {
                return;
            }
            match layout.names.get(col) {
                Some(name) => sink(name, None, role, text),
                None => {
                    extra = format!("{}.#{}", layout.table, col + 1);
                    sink(&extra, None, role, text);
                }
            }
        };
        read_row(record, layout, scratch, &mut emit)
    }
}

/// Calls `emit` for each value of a tuple or COPY line, as its layout says to read it.
fn read_row(
    record: &str,
    layout: &Layout,
    scratch: &mut String,
    emit: &mut dyn FnMut(usize, SqlValue<'_>),
) -> Result<(), &'static str> {
    if layout.copy {
        let fields = memchr::memchr_iter(b'\t', record.as_bytes()).count() + 1;
        if layout.copy_fields.is_some_and(|n| n != fields) {
            return Err("COPY row has the wrong number of fields");
        }
        for_each_copy_field(record, scratch, emit);
        Ok(())
    } else if record.trim_start().starts_with('(') {
        for_each_value(record, layout.backslash_escapes, scratch, emit)
    } else {
        // Only an `INSERT … SET` list is a record that is not a tuple (`insert_set`).
        values::for_each_assignment(record, layout.backslash_escapes, scratch, &mut |col, _, value| {
            emit(col, value)
        })
    }
}

#[cfg(test)]
mod tests;
