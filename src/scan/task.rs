//! One task of a batch on a worker: its records extracted and matched (a screening pass, then
//! the records that match once more; or, where most records match, one pass), and what the
//! report shows of those built ([`crate::matched`]), with the worker's buffers kept from task to
//! task.

use crate::engine::map_batch;
use crate::input::{self, Batch, Extractor, Span};
use crate::matched::{Describer, MatchedTask, TaskColumns, TaskSizes};
use crate::matcher::{InvalidCounts, MatchScratch, Matcher, RecordMatch, ValueCounts};
use crate::report::exposed::Date;

/// Records per parallel work item: enough to amortize scheduling, few enough to balance.
const RECORDS_PER_TASK: usize = 128;

/// The outcome of one record that the emitter must see.
#[derive(Debug)]
pub(super) enum Outcome {
    /// A record that forms pairs: its place in the task's [`MatchedTask`].
    Pairs {
        record: u64,
        matched: usize,
    },
    Bad {
        record: u64,
        line: u64,
        reason: &'static str,
    },
}

impl Outcome {
    fn record(&self) -> u64 {
        match self {
            Outcome::Pairs { record, .. } | Outcome::Bad { record, .. } => *record,
        }
    }
}

/// One work item's results, in record order.
#[derive(Debug, Default)]
pub(super) struct TaskResult {
    pub(super) records: u64,
    /// Records read with Windows-1252 for their invalid UTF-8.
    pub(super) decoded: u64,
    /// Identity values seen per kind (valid or not), for the input's guard ([`super::suspicions`]).
    pub(super) values: ValueCounts,
    pub(super) outcomes: Vec<Outcome>,
    /// The records that form pairs, ready for the report.
    pub(super) matched: MatchedTask,
    pub(super) invalid: InvalidCounts,
    /// Name-only pairs left out because the record contradicts the entry (SPEC §6 1.1).
    pub(super) contradicted: u64,
}

/// Buffers one worker thread reuses across records.
struct WorkerScratch {
    text: String,
    /// Finds the records that match.
    matching: MatchScratch,
    /// Builds the pairs of those records, matched again, or of every record of a task read once.
    pairing: MatchScratch,
    /// The non-empty columns of the records being paired.
    columns: TaskColumns,
    describer: Describer,
    /// Enough records of this worker's last task matched that the next is read once
    /// ([`Task::read_once`]) rather than screened ([`Task::screen`]).
    dense: bool,
    /// What the last task's matched records took, reserved for the next one's at once.
    reserve: TaskSizes,
}

impl WorkerScratch {
    fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.matching.heap_bytes()
            + self.pairing.heap_bytes()
            + self.columns.heap_bytes()
            + self.describer.heap_bytes()
    }
}

/// A worker scratch larger than this after a task (a huge record grew it) is dropped rather
/// than kept for the next task, so one record does not pin its memory for the rest of the run.
/// A usual 128-record task of a ten-column export leaves about 100 KB.
const SCRATCH_KEPT_BYTES: usize = 4 << 20;

thread_local! {
    /// Each worker's scratch, kept from task to task and batch to batch: a scratch made anew
    /// for every task regrew its buffers (malloc, realloc, and fresh zeroed pages each batch).
    static SCRATCH: std::cell::RefCell<WorkerScratch> = std::cell::RefCell::default();
}

/// Runs `f` with this worker thread's kept scratch, then drops the scratch if it grew past
/// [`SCRATCH_KEPT_BYTES`]. Should the scratch be in use already (a task run while another
/// waits on the same thread), `f` gets a fresh one.
fn with_scratch<T>(f: impl FnOnce(&mut WorkerScratch) -> T) -> T {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let result = f(&mut scratch);
            if scratch.heap_bytes() > SCRATCH_KEPT_BYTES {
                *scratch = WorkerScratch::default();
            }
            result
        }
        Err(_) => f(&mut WorkerScratch::default()),
    })
}

impl Default for WorkerScratch {
    fn default() -> Self {
        WorkerScratch {
            text: String::new(),
            matching: MatchScratch::screening(),
            pairing: MatchScratch::default(),
            columns: TaskColumns::default(),
            describer: Describer::default(),
            dense: false,
            reserve: TaskSizes::default(),
        }
    }
}

/// A task is read once when, in the worker's last task, at least one record in this many
/// matched. Screening keeps what is copied per value to what every record needs; a matching
/// record is then read, normalized, hashed and looked up a second time. Reading once copies every
/// value as found and every column name, which costs a non-matching record less than that second
/// read costs a matching one. Either way the task's results are the same (see the tests).
const DENSE_ONE_IN: usize = 4;

/// Extracts and matches every record of a batch in parallel; results keep record order.
/// `as_of` is the day a birth date makes its person a child.
pub(super) fn process_batch(
    batch: &Batch,
    extractor: &dyn Extractor,
    matcher: &Matcher<'_>,
    as_of: Date,
) -> Vec<TaskResult> {
    map_batch(batch, RECORDS_PER_TASK, |spans, _: &mut ()| {
        with_scratch(|scratch| {
            let task = Task { batch, spans, extractor, matcher, as_of };
            let (result, found) = if scratch.dense { task.read_once(scratch) } else { task.screen(scratch) };
            scratch.dense = found * DENSE_ONE_IN >= spans.len().max(1);
            scratch.reserve = result.matched.sizes();
            result
        })
    })
}

/// One task: records of a batch, and what matching them needs.
struct Task<'a> {
    batch: &'a Batch,
    spans: &'a [Span],
    extractor: &'a dyn Extractor,
    matcher: &'a Matcher<'a>,
    as_of: Date,
}

impl Task<'_> {
    /// Matches every record with a screening scratch, then the records that match once more,
    /// keeping what the report shows. Returns the results and how many records matched.
    fn screen(&self, scratch: &mut WorkerScratch) -> (TaskResult, usize) {
        let Task { batch, spans, extractor, matcher, .. } = *self;
        let mut result = TaskResult::default();
        let WorkerScratch { text, matching, pairing, columns, describer, reserve, .. } = scratch;
        matcher.begin_task(matching);
        self.each_record(&mut result, |record, span| {
            let matched = match_record(record, batch.layout(span), span, extractor, matcher, text, matching);
            if matched.is_err() {
                matcher.abandon(matching);
            }
            matched
        });
        let mut matched = Vec::new();
        matcher.finish_task(matching, |m| matched.push(m.record));
        result.values = *matching.values_seen();
        result.invalid = *matching.invalid();
        result.records = spans.len() as u64;
        let found = matched.len();
        if found == 0 {
            return (result, 0);
        }
        result.matched = MatchedTask::with_capacity(*reserve);
        let bad = result.outcomes.len();
        // The records that match, again, keeping what the report shows. Both lists are in
        // record order.
        let mut matched = matched.into_iter().peekable();
        for span in spans {
            if matched.next_if_eq(&span.record).is_none() {
                continue;
            }
            let record = batch.record_text(span);
            if !pair_record(&record, batch.layout(span), span, extractor, matcher, text, pairing, columns) {
                continue;
            }
            matcher.finish_task(pairing, |m| self.add(m, columns, describer, &mut result));
            result.contradicted += pairing.contradicted();
        }
        if bad > 0 && result.outcomes.len() > bad {
            // Bad records and matches were gathered in two passes: put them back in record order.
            result.outcomes.sort_by_key(Outcome::record);
        }
        (result, found)
    }

    /// Reads, matches and pairs every record in one pass, keeping every value as found and the
    /// columns of every record. Returns the results and how many records matched.
    fn read_once(&self, scratch: &mut WorkerScratch) -> (TaskResult, usize) {
        let Task { batch, spans, extractor, matcher, .. } = *self;
        let mut result =
            TaskResult { matched: MatchedTask::with_capacity(scratch.reserve), ..TaskResult::default() };
        let WorkerScratch { text, pairing, columns, describer, .. } = scratch;
        matcher.begin_task(pairing);
        columns.clear();
        self.each_record(&mut result, |record, span| {
            matcher.begin(pairing);
            columns.begin();
            let read = visit_record(record, batch.layout(span), extractor, matcher, text, pairing, columns)
                .and_then(|()| matcher.end(pairing, span.record, span.line));
            match read {
                Ok(()) => columns.end(span.record),
                Err(_) => {
                    matcher.abandon(pairing);
                    columns.abandon();
                }
            }
            read
        });
        let bad = result.outcomes.len();
        let mut found = 0;
        matcher.finish_task(pairing, |m| {
            found += 1;
            self.add(m, columns, describer, &mut result);
        });
        result.contradicted += pairing.contradicted();
        if bad > 0 && result.outcomes.len() > bad {
            result.outcomes.sort_by_key(Outcome::record);
        }
        result.values = *pairing.values_seen();
        result.invalid = *pairing.invalid();
        result.records = spans.len() as u64;
        (result, found)
    }

    /// Calls `read` with the text of each record of the task in order, but those the splitter
    /// found bad; lists as bad those and the ones `read` refuses (with its reason).
    fn each_record(
        &self,
        result: &mut TaskResult,
        mut read: impl FnMut(&str, &Span) -> Result<(), &'static str>,
    ) {
        let run = self.batch.run_text(self.spans);
        for span in self.spans {
            if let Some(reason) = span.bad {
                result.outcomes.push(Outcome::Bad { record: span.record, line: span.line, reason });
                continue;
            }
            let record = self.batch.record_text_in(run.as_ref(), span);
            // Owned text is text that was not valid UTF-8.
            result.decoded += u64::from(matches!(record, std::borrow::Cow::Owned(_)));
            if let Err(reason) = read(&record, span) {
                result.outcomes.push(Outcome::Bad { record: span.record, line: span.line, reason });
            }
        }
    }

    /// Adds a matched record to the task's results (unless all its pairs were contradicted).
    fn add(
        &self,
        m: &RecordMatch<'_>,
        columns: &TaskColumns,
        describer: &mut Describer,
        result: &mut TaskResult,
    ) {
        // Spans are in record order.
        let span = self.spans.binary_search_by_key(&m.record, |s| s.record).ok().map(|i| &self.spans[i]);
        let table = span.and_then(|s| self.batch.layout(s)).map(|l| l.table.as_str());
        let before = result.matched.len();
        result.matched.add(m, (columns.of(m.record), table), describer, self.matcher.watchlist, self.as_of);
        if result.matched.len() > before {
            result.outcomes.push(Outcome::Pairs { record: m.record, matched: before });
        }
    }
}

/// Matches a record that matched in the screening pass once more, as the only record of
/// `scratch`'s task, and gathers its non-empty columns in `columns` (SPEC §7 1.1 `fields`): one
/// read of the record for both. Returns whether it is matched (it was once, so it is).
#[allow(clippy::too_many_arguments)]
fn pair_record(
    record: &str,
    layout: Option<&input::Layout>,
    span: &Span,
    extractor: &dyn Extractor,
    matcher: &Matcher<'_>,
    text: &mut String,
    scratch: &mut MatchScratch,
    columns: &mut TaskColumns,
) -> bool {
    matcher.begin_task(scratch);
    matcher.begin(scratch);
    columns.clear();
    columns.begin();
    let matched = match visit_record(record, layout, extractor, matcher, text, scratch, columns) {
        Ok(()) => matcher.end(scratch, span.record, span.line).is_ok(),
        // No extractor fails on one of a record's values and not on its identity values alone,
        // and this record was read without error once: should one, it is matched as it was
        // then, with the columns read before the error.
        Err(_) => {
            matcher.begin_task(scratch);
            match_record(record, layout, span, extractor, matcher, text, scratch).is_ok()
        }
    };
    columns.end(span.record);
    matched
}

/// Reads every value of a record once (its text is `record`): those of identity columns into
/// `scratch` as values of its record being matched, and the columns of all that are not absent
/// into `columns`'.
fn visit_record(
    record: &str,
    layout: Option<&input::Layout>,
    extractor: &dyn Extractor,
    matcher: &Matcher<'_>,
    text: &mut String,
    scratch: &mut MatchScratch,
    columns: &mut TaskColumns,
) -> Result<(), &'static str> {
    let table = layout.map(|l| l.table.as_str());
    let mut sink = |name: &str, number: Option<usize>, role: Option<crate::roles::Role>, raw: &str| {
        if let Some(role) = role {
            matcher.add_field(role.kind, raw, scratch);
        }
        columns.add(table, name, number, raw);
    };
    extractor.visit(record, layout, input::Wanted::All, text, &mut sink)
}

/// Extracts one record's fields (its text is `record`) into `scratch` as a record of its task.
fn match_record(
    record: &str,
    layout: Option<&input::Layout>,
    span: &Span,
    extractor: &dyn Extractor,
    matcher: &Matcher<'_>,
    text: &mut String,
    scratch: &mut MatchScratch,
) -> Result<(), &'static str> {
    matcher.begin(scratch);
    let mut sink = |kind, raw: &str| matcher.add_field(kind, raw, scratch);
    extractor.extract(record, layout, text, &mut sink)?;
    matcher.end(scratch, span.record, span.line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::Hasher;
    use crate::watchlist::{LoadOptions, load};

    /// `i` spelled in letters (names take no digits).
    fn letters(i: usize) -> String {
        i.to_string().bytes().map(|d| char::from(b'a' + d - b'0')).collect()
    }

    /// 60 people: NIK, name, birth date and phone.
    fn watchlist_csv() -> String {
        let mut csv = String::from("id,nik,nama,tgl_lahir,no_hp\n");
        for p in 0..60 {
            csv.push_str(&format!(
                "P{p},32010141079{p:05},Siti {},1990-01-{:02},08123{p:07}\n",
                letters(p),
                1 + p % 28
            ));
        }
        csv
    }

    /// A record of every kind a task meets: matching by NIK, by name and birth date, by name alone
    /// (possible) and contradicted by its date, two people's phones, nobody, and bad ones.
    fn records() -> Vec<[String; 5]> {
        (0..400)
            .map(|i| {
                let p = i % 60;
                let name = format!("Siti {}", letters(p));
                let dob = format!("1990-01-{:02}", 1 + p % 28);
                let [nik, name, dob, phone] = match i % 6 {
                    0 => [format!("32010141079{p:05}"), String::new(), String::new(), String::new()],
                    1 => [String::new(), name, dob, String::new()],
                    2 => [String::new(), name, "1971-03-03".into(), String::new()],
                    3 => [String::new(), name, String::new(), String::new()],
                    4 => [
                        String::new(),
                        String::new(),
                        String::new(),
                        format!("08123{p:07} / 08123{:07}", p + 1),
                    ],
                    _ => [format!("3201019999{i:06}"), format!("Budi {}", letters(i)), dob, String::new()],
                };
                [nik, name, dob, phone, if i % 7 == 0 { "J18".into() } else { String::new() }]
            })
            .collect()
    }

    /// Every task of `dump` (called `name`) gives the same results read once as screened;
    /// returns how many pairs they hold, and why each bad record is.
    fn the_same_either_way(name: &str, dump: String) -> (usize, Vec<&'static str>) {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("watch.csv");
        std::fs::write(&list, watchlist_csv()).unwrap();
        let hasher = Hasher::unkeyed();
        let watchlist = load(&[list], &hasher, LoadOptions::default()).unwrap();
        let matcher = Matcher { watchlist: &watchlist, hasher: &hasher };
        let reader = Box::new(std::io::Cursor::new(dump.into_bytes()));
        let dump =
            input::open_reader(name.into(), Some(name), reader, &input::InputOptions::default()).unwrap();
        let (batch, extractor) = (&dump.first, dump.extractor.as_ref());
        assert!(batch.spans.len() > 350, "{name}: {} records", batch.spans.len());
        let as_of = Date::parse("2000-06-30").unwrap();
        let (mut screened, mut once) = (WorkerScratch::default(), WorkerScratch::default());
        let (mut pairs, mut bad) = (0, Vec::new());
        for spans in batch.spans.chunks(RECORDS_PER_TASK) {
            let task = Task { batch, spans, extractor, matcher: &matcher, as_of };
            let (a, b) = (task.screen(&mut screened), task.read_once(&mut once));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}");
            pairs += a.0.matched.sizes().pairs;
            for outcome in &a.0.outcomes {
                if let Outcome::Bad { reason, .. } = outcome {
                    bad.push(*reason);
                }
            }
        }
        (pairs, bad)
    }

    #[test]
    fn a_task_read_once_gives_what_it_gives_screened() {
        let mut csv = String::from("nik,nama,tgl_lahir,no_hp,diagnosa\n");
        let mut ndjson = String::new();
        let mut sql = String::from(
            "CREATE TABLE `pasien` (`nik` varchar(16), `nama` text, `tgl_lahir` date, `no_hp` text, `diagnosa` text);\nINSERT INTO `pasien` VALUES ",
        );
        for (i, [nik, name, dob, phone, diagnosis]) in records().iter().enumerate() {
            csv.push_str(&format!("{nik},{name},{dob},\"{phone}\",{diagnosis}\n"));
            ndjson.push_str(&format!(
                "{{\"nik\":\"{nik}\",\"nama\":\"{name}\",\"tgl_lahir\":\"{dob}\",\"kontak\":{{\"no_hp\":\"{phone}\"}},\"diagnosa\":\"{diagnosis}\"}}\n"
            ));
            let sep = if i == 0 { "" } else { "," };
            sql.push_str(&format!("{sep}('{nik}','{name}','{dob}','{phone}','{diagnosis}')"));
            if i % 97 == 5 {
                // Bad records between the matches: one that does not parse, one of too many
                // name and birth-date pairs (its NIK is on the list), a tuple that does not parse.
                csv.push_str("3201014107900001,\"Siti a,1990-01-01,0812\n");
                ndjson.push_str("{\"nik\": \"32010141079000\n");
                let names: Vec<String> = (0..65).map(|n| format!("\"Ani {}\"", letters(n))).collect();
                let dates: Vec<String> = (1..=64).map(|d| format!("\"19{d:02}-01-01\"")).collect();
                ndjson.push_str(&format!(
                    "{{\"nik\":\"3201014107900001\",\"nama\":[{}],\"tgl_lahir\":[{}]}}\n",
                    names.join(","),
                    dates.join(",")
                ));
                sql.push_str(",('3201014107900001',),(");
            }
        }
        sql.push_str(";\n");
        // Most records match (some two people); the NDJSON and SQL dumps have bad ones too.
        let (pairs, _) = the_same_either_way("pasien.csv", csv);
        assert!(pairs > 250, "csv: {pairs} pairs");
        for (name, dump) in [("pasien.ndjson", ndjson), ("pasien.sql", sql)] {
            let (pairs, bad) = the_same_either_way(name, dump);
            assert!(pairs > 250 && bad.len() >= 4, "{name}: {pairs} pairs, bad records: {bad:?}");
            if name.ends_with("ndjson") {
                assert!(bad.contains(&crate::matcher::TOO_MANY_PAIRS), "{bad:?}");
            }
        }
    }

    #[test]
    fn a_worker_scratch_is_kept_across_tasks_and_dropped_when_a_huge_record_grew_it() {
        // Run on a thread of its own: the scratch is per thread.
        let kept = std::thread::spawn(|| {
            with_scratch(|s| s.text.reserve(64 << 10));
            let kept = with_scratch(|s| s.text.capacity());
            with_scratch(|s| s.text.reserve(SCRATCH_KEPT_BYTES + 1));
            let after_huge = with_scratch(|s| s.text.capacity());
            (kept, after_huge)
        })
        .join();
        let Ok((kept, after_huge)) = kept else { panic!("the test thread panicked") };
        assert!(kept >= 64 << 10, "the buffer was not kept: capacity {kept}");
        assert!(after_huge < SCRATCH_KEPT_BYTES, "a huge buffer was kept: capacity {after_huge}");
    }

    #[test]
    fn a_scratch_already_in_use_on_this_thread_is_not_borrowed_twice() {
        let nested = std::thread::spawn(|| {
            with_scratch(|outer| {
                outer.text.push_str("outer");
                with_scratch(|inner| inner.text.len())
            })
        })
        .join();
        assert!(matches!(nested, Ok(0)), "{nested:?}");
    }
}
