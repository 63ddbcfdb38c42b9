//! What the workers keep of a task's matched records for the report (SPEC §7 1.1): each
//! record's non-empty columns as shown and the categories they and its birth date put it in, its
//! pairs with their fingerprints, and the values those show, in one arena per task. Built on the
//! workers beside the matching, so the thread that emits results (one, whatever `--threads`
//! is) only counts them and hands them to the report. Never decides what matches.

use crate::hash::Digest;
use crate::kind::{Kind, KindSet};
use crate::matcher::RecordMatch;
use crate::report::exposed::{self, Categories, Category, Date, FINGERPRINT_BYTES};
use crate::watchlist::{EntryId, Watchlist};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

/// Column names a worker keeps with how reports show them and their categories; past this
/// many (JSON records keyed by identifiers, each path new), the cache starts again.
const COLUMNS_CACHED: usize = crate::input::MAX_COLUMNS;

/// About what a cached column name costs besides its text: the map's slot, two `String`s.
const CACHED_SLOT_BYTES: usize = 64;

/// A record's distinct columns compared pair by pair up to this many; past it, sorted.
const LINEAR_DEDUP_MAX: usize = 32;

/// A task's matched records, in record order.
#[derive(Debug, Default)]
pub struct MatchedTask {
    /// Every text below: values as found and canonical, shown column names, tables.
    text: String,
    values: Vec<(Range<usize>, Range<usize>)>,
    fields: Vec<Range<usize>>,
    pairs: Vec<PairReport>,
    records: Vec<RecordReport>,
}

/// One matched record.
#[derive(Debug)]
struct RecordReport {
    record: u64,
    line: u64,
    table: Option<Range<usize>>,
    fields: Range<usize>,
    categories: Categories,
    /// Its first value in `values`; a pair's shown values and `dob` are counted from it.
    values: usize,
    dob: Option<u32>,
    pairs: Range<usize>,
}

/// One pair of a matched record.
#[derive(Clone, Copy, Debug)]
pub struct PairReport {
    pub entry: EntryId,
    pub matched: KindSet,
    shown: [Option<u32>; 4],
    /// [`exposed::fingerprint_bytes`].
    pub fingerprint: [u8; FINGERPRINT_BYTES],
}

/// A matched record as the emitter reads it.
pub struct RecordView<'t> {
    task: &'t MatchedTask,
    record: &'t RecordReport,
}

/// What a [`MatchedTask`]'s buffers hold, to reserve as much for the next task at once.
#[derive(Clone, Copy, Debug, Default)]
pub struct TaskSizes {
    text: usize,
    values: usize,
    fields: usize,
    pub pairs: usize,
    records: usize,
}

impl MatchedTask {
    /// An empty task with room for `sizes` (those of the worker's last task: its next one is
    /// usually alike).
    pub fn with_capacity(sizes: TaskSizes) -> Self {
        MatchedTask {
            text: String::with_capacity(sizes.text),
            values: Vec::with_capacity(sizes.values),
            fields: Vec::with_capacity(sizes.fields),
            pairs: Vec::with_capacity(sizes.pairs),
            records: Vec::with_capacity(sizes.records),
        }
    }

    pub fn sizes(&self) -> TaskSizes {
        TaskSizes {
            text: self.text.len(),
            values: self.values.len(),
            fields: self.fields.len(),
            pairs: self.pairs.len(),
            records: self.records.len(),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Matched record `i` of the task (`i` below [`MatchedTask::len`]).
    pub fn record(&self, i: usize) -> Option<RecordView<'_>> {
        self.records.get(i).map(|record| RecordView { task: self, record })
    }

    fn text(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    /// Adds a record that `m` matched, with its non-empty `columns` and SQL `table` (`None`, or
    /// empty: no table), unless none of its pairs is left (all contradicted). `as_of` is the day
    /// a birth date makes its person a child (`--as-of`).
    pub fn add(
        &mut self,
        m: &RecordMatch<'_>,
        (columns, table): (Columns<'_>, Option<&str>),
        describer: &mut Describer,
        watchlist: &Watchlist,
        as_of: Date,
    ) {
        if m.pairs.is_empty() {
            return;
        }
        let values = self.values.len();
        for i in 0..m.values() as u32 {
            let raw = push(&mut self.text, m.raw(i));
            let canonical = push(&mut self.text, m.canonical(i));
            self.values.push((raw, canonical));
        }
        let dob = m.dob();
        let fields = self.fields.len();
        let child =
            dob.and_then(|d| Date::parse(m.canonical(d))).is_some_and(|d| exposed::is_child(d, as_of));
        let categories = describer.describe(columns, child, &mut self.text, &mut self.fields);
        // `mysql --xml` result sets have no table name: no table, not an empty one.
        let table = table.filter(|t| !t.is_empty()).map(|t| push(&mut self.text, t));
        exposed::identity_text(m.identity, &mut describer.sorted, &mut describer.identity);
        let pairs = self.pairs.len();
        for pair in m.pairs {
            let entry = watchlist.entry(pair.entry);
            let fingerprint =
                exposed::fingerprint_bytes(entry.own_label(), pair.matched, &describer.identity);
            self.pairs.push(PairReport {
                entry: pair.entry,
                matched: pair.matched,
                shown: pair.shown,
                fingerprint,
            });
        }
        self.records.push(RecordReport {
            record: m.record,
            line: m.line,
            table,
            fields: fields..self.fields.len(),
            categories,
            values,
            dob,
            pairs: pairs..self.pairs.len(),
        });
    }
}

impl<'t> RecordView<'t> {
    pub fn record(&self) -> u64 {
        self.record.record
    }

    pub fn line(&self) -> u64 {
        self.record.line
    }

    /// Its SQL table.
    pub fn table(&self) -> Option<&'t str> {
        self.record.table.as_ref().map(|t| self.task.text(t))
    }

    /// Its non-empty columns as a report shows them ([`exposed::shown_column`]).
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &'t str> + use<'t> {
        let task = self.task;
        task.fields.get(self.record.fields.clone()).unwrap_or_default().iter().map(|f| task.text(f))
    }

    /// `general`, those of its columns, and `child` from its date of birth.
    pub fn categories(&self) -> Categories {
        self.record.categories
    }

    pub fn pairs(&self) -> &'t [PairReport] {
        self.task.pairs.get(self.record.pairs.clone()).unwrap_or_default()
    }

    /// Value `i` of the record, as found and canonical.
    fn value(&self, i: u32) -> Option<(&'t str, &'t str)> {
        let (raw, canonical) = self.task.values.get(self.record.values + i as usize)?;
        Some((self.task.text(raw), self.task.text(canonical)))
    }

    /// Its first valid date of birth, as found and canonical.
    pub fn dob(&self) -> Option<(&'t str, &'t str)> {
        self.record.dob.and_then(|i| self.value(i))
    }

    /// The values `pair` shows, for each of [`Kind::SHOWN`], as found and canonical.
    pub fn shown(&self, pair: &PairReport) -> [Option<(&'t str, &'t str)>; 4] {
        pair.shown.map(|i| i.and_then(|i| self.value(i)))
    }
}

/// Appends `s` to `text`; returns where it is.
fn push(text: &mut String, s: &str) -> Range<usize> {
    let start = text.len();
    text.push_str(s);
    start..text.len()
}

/// The non-empty columns of a task's records as an extractor visits them: the names a report
/// uses (an SQL column without its table, an unnamed one `column N`), with their numbers where
/// the input numbers them (CSV), in field order, repeats included. Reused task to task.
#[derive(Debug, Default)]
pub struct TaskColumns {
    text: String,
    columns: Vec<(Range<usize>, Option<usize>)>,
    /// Each record's columns, in record order.
    records: Vec<(u64, Range<usize>)>,
    /// Where the record being read starts in `text` and `columns`.
    start: (usize, usize),
}

/// The columns of one record of a [`TaskColumns`].
#[derive(Clone, Copy, Debug)]
pub struct Columns<'a> {
    text: &'a str,
    columns: &'a [(Range<usize>, Option<usize>)],
}

impl Columns<'_> {
    fn len(&self) -> usize {
        self.columns.len()
    }

    fn name(&self, i: usize) -> &str {
        self.columns.get(i).and_then(|(range, _)| self.text.get(range.clone())).unwrap_or_default()
    }

    fn number(&self, i: usize) -> Option<usize> {
        self.columns.get(i).and_then(|(_, number)| *number)
    }
}

impl TaskColumns {
    pub fn clear(&mut self) {
        self.text.clear();
        self.columns.clear();
        self.records.clear();
    }

    /// Starts a record.
    pub fn begin(&mut self) {
        self.start = (self.text.len(), self.columns.len());
    }

    /// Adds the column of one visited value of the record, unless the value is absent. `table`
    /// is the record's SQL table.
    pub fn add(&mut self, table: Option<&str>, name: &str, number: Option<usize>, raw: &str) {
        if crate::normalize::is_absent(raw) {
            return;
        }
        let start = self.text.len();
        match table.and_then(|t| name.strip_prefix(t)).and_then(|n| n.strip_prefix('.')) {
            Some(column) => match column.strip_prefix('#') {
                Some(number) => {
                    self.text.push_str("column ");
                    self.text.push_str(number);
                }
                None => self.text.push_str(column),
            },
            None => self.text.push_str(name),
        }
        self.columns.push((start..self.text.len(), number));
    }

    /// Ends the record begun last, numbered `record` (after the task's records before it).
    pub fn end(&mut self, record: u64) {
        self.records.push((record, self.start.1..self.columns.len()));
    }

    /// Forgets the record begun last (it is bad).
    pub fn abandon(&mut self) {
        self.text.truncate(self.start.0);
        self.columns.truncate(self.start.1);
    }

    /// The columns of record `record` (none when it was not read).
    pub fn of(&self, record: u64) -> Columns<'_> {
        let columns = match self.records.binary_search_by_key(&record, |(r, _)| *r) {
            Ok(i) => self.columns.get(self.records[i].1.clone()).unwrap_or_default(),
            Err(_) => &[],
        };
        Columns { text: &self.text, columns }
    }

    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.columns.capacity() * size_of::<(Range<usize>, Option<usize>)>()
            + self.records.capacity() * size_of::<(u64, Range<usize>)>()
    }
}

/// Turns a matched record's columns into the fields and categories its report rows show, with
/// the column names met so far cached; and holds the scratch of its fingerprints. One a worker.
#[derive(Debug, Default)]
pub struct Describer {
    /// Column names as met, with how reports show them and their categories.
    known: HashMap<String, (String, Categories), foldhash::fast::RandomState>,
    /// About the bytes `known` holds: its names' and shown names' text, and a slot each.
    known_bytes: usize,
    /// The record's distinct columns, by index into its [`Columns`].
    distinct: Vec<usize>,
    order: Vec<usize>,
    /// The record's identity values sorted, and its fingerprints' last line.
    sorted: Vec<(Kind, Digest)>,
    identity: Vec<u8>,
}

impl Describer {
    /// Bytes its buffers and cache hold on the heap (about: a cached name counts its text).
    pub fn heap_bytes(&self) -> usize {
        self.known_bytes
            + (self.distinct.capacity() + self.order.capacity()) * size_of::<usize>()
            + self.sorted.capacity() * size_of::<(Kind, Digest)>()
            + self.identity.capacity()
    }

    /// Appends the shown name of each distinct column (its first occurrence, in field order) to
    /// `text` and its range to `fields`; returns the record's categories: `general`, its
    /// columns', and `child` with `child`. A column shown `*` that the input numbers (the
    /// header of a CSV without one, read as its header: its cells are a person's data, a name or
    /// an address, and no column name) makes every numbered column `column N` and the columns'
    /// categories none.
    fn describe(
        &mut self,
        columns: Columns<'_>,
        child: bool,
        text: &mut String,
        fields: &mut Vec<Range<usize>>,
    ) -> Categories {
        self.dedup(columns);
        let (start, first_field) = (text.len(), fields.len());
        let mut categories = Categories::default();
        categories.insert(Category::General);
        let mut header_is_data = false;
        for &i in &self.distinct {
            let name = columns.name(i);
            if !self.known.contains_key(name) {
                if self.known.len() >= COLUMNS_CACHED {
                    self.known.clear();
                    self.known_bytes = 0;
                }
                let shown = exposed::shown_column(name);
                self.known_bytes += name.len() + shown.len() + CACHED_SLOT_BYTES;
                self.known.insert(name.to_string(), (shown, exposed::column_categories(name)));
            }
            let Some((shown, of_column)) = self.known.get(name) else { continue };
            categories = categories.union(*of_column);
            header_is_data |= shown == "*" && columns.number(i).is_some();
            fields.push(push(text, shown));
        }
        if header_is_data {
            text.truncate(start);
            fields.truncate(first_field);
            categories = Categories::default();
            categories.insert(Category::General);
            for &i in &self.distinct {
                let range = match columns.number(i) {
                    Some(number) => {
                        let start = text.len();
                        let _ = write!(text, "column {}", number + 1);
                        start..text.len()
                    }
                    None => push(text, self.known.get(columns.name(i)).map_or("", |(shown, _)| shown)),
                };
                fields.push(range);
            }
        }
        if child {
            categories.insert(Category::Child);
        }
        categories
    }

    /// Fills `distinct` with the first column of each name, in field order.
    fn dedup(&mut self, columns: Columns<'_>) {
        let n = columns.len();
        self.distinct.clear();
        if n <= LINEAR_DEDUP_MAX {
            for i in 0..n {
                if !self.distinct.iter().any(|&j| columns.name(j) == columns.name(i)) {
                    self.distinct.push(i);
                }
            }
            return;
        }
        // Many columns (a JSON record of hundreds of paths): sorted by name, then place.
        self.order.clear();
        self.order.extend(0..n);
        self.order.sort_by(|&a, &b| columns.name(a).cmp(columns.name(b)).then(a.cmp(&b)));
        for (k, &i) in self.order.iter().enumerate() {
            if k == 0 || columns.name(self.order[k - 1]) != columns.name(i) {
                self.distinct.push(i);
            }
        }
        self.distinct.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields and categories `describe` gives the columns (name, number, value) of a record.
    fn described(
        table: Option<&str>,
        columns: &[(&str, Option<usize>, &str)],
        child: bool,
    ) -> (Vec<String>, Vec<&'static str>) {
        let mut task = TaskColumns::default();
        task.begin();
        for (name, number, raw) in columns {
            task.add(table, name, *number, raw);
        }
        task.end(7);
        let (mut text, mut fields) = (String::new(), Vec::new());
        let categories = Describer::default().describe(task.of(7), child, &mut text, &mut fields);
        (fields.iter().map(|f| text[f.clone()].to_string()).collect(), categories.names())
    }

    #[test]
    fn fields_are_the_non_empty_columns_once_each_as_shown() {
        let columns = [
            ("pasien.nik", None, "3201014107900001"),
            ("pasien.#3", None, "x"),
            ("pasien.alamat", None, "  "),
            ("pasien.diagnosa", None, "J18"),
            ("pasien.nik", None, "3201014107900002"),
            ("lain.nama", None, "Budi"),
        ];
        let (fields, categories) = described(Some("pasien"), &columns, false);
        assert_eq!(fields, ["nik", "column 3", "diagnosa", "lain.nama"]);
        assert_eq!(categories, ["general", "health"]);
        let (_, categories) = described(Some("pasien"), &columns, true);
        assert_eq!(categories, ["general", "health", "child"]);
    }

    #[test]
    fn many_columns_keep_the_first_of_each_name_in_field_order() {
        let names: Vec<String> = (0..50).map(|i| format!("k{}", (i * 7) % 40)).collect();
        let columns: Vec<(&str, Option<usize>, &str)> =
            names.iter().map(|n| (n.as_str(), None, "v")).collect();
        let mut expected: Vec<String> = Vec::new();
        for name in &names {
            if !expected.contains(name) {
                expected.push(name.clone());
            }
        }
        assert_eq!(described(None, &columns, false).0, expected);
    }

    #[test]
    fn a_header_that_is_an_identifier_makes_numbered_columns_column_n() {
        // A CSV without a header read as having one: its "header" is a record.
        let columns = [
            ("3201014107900001", Some(0), "3201014107900009"),
            ("Budi", Some(1), "Siti"),
            ("diagnosa", Some(2), "J18"),
        ];
        let (fields, categories) = described(None, &columns, false);
        assert_eq!(fields, ["column 1", "column 2", "column 3"]);
        assert_eq!(categories, ["general"]);
    }
}
