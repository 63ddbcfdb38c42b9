//! One task of a batch on a worker: its records extracted and matched (a screening pass, then
//! the records that match once more), and what the report shows of those built
//! ([`crate::matched`]), with the worker's buffers kept from task to task.

use crate::engine::map_batch;
use crate::input::{self, Batch, Extractor, Span};
use crate::matched::MatchedTask;
use crate::matched::{Describer, RecordColumns};
use crate::matcher::{InvalidCounts, MatchScratch, Matcher, ValueCounts};
use crate::report::exposed::Date;

/// Records per parallel work item: enough to amortize scheduling, few enough to balance.
const RECORDS_PER_TASK: usize = 128;

/// The outcome of one record that the emitter must see.
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
#[derive(Default)]
pub(super) struct TaskResult {
    pub(super) records: u64,
    /// Records read with Windows-1252 for their invalid UTF-8.
    pub(super) decoded: u64,
    /// Identity values seen per kind (valid or not), for the input's guard ([`suspicions`]).
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
    /// Builds the pairs of those records, matched again.
    pairing: MatchScratch,
    /// The non-empty columns of the record being paired.
    columns: RecordColumns,
    describer: Describer,
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
            columns: RecordColumns::default(),
            describer: Describer::default(),
        }
    }
}

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
            let mut result = TaskResult::default();
            let WorkerScratch { text, matching, pairing, columns, describer } = scratch;
            matcher.begin_task(matching);
            let run = batch.run_text(spans);
            for span in spans {
                if let Some(reason) = span.bad {
                    result.outcomes.push(Outcome::Bad { record: span.record, line: span.line, reason });
                    continue;
                }
                let record = batch.record_text_in(run.as_ref(), span);
                // Owned text is text that was not valid UTF-8.
                result.decoded += u64::from(matches!(record, std::borrow::Cow::Owned(_)));
                if let Err(reason) =
                    match_record(&record, batch.layout(span), span, extractor, matcher, text, matching)
                {
                    matcher.abandon(matching);
                    result.outcomes.push(Outcome::Bad { record: span.record, line: span.line, reason });
                }
            }
            let mut matched = Vec::new();
            matcher.finish_task(matching, |m| matched.push(m.record));
            let bad = result.outcomes.len();
            // The records that match, again, keeping what the report shows. Both lists are in
            // record order.
            let mut matched = matched.into_iter().peekable();
            for span in spans {
                if matched.next_if_eq(&span.record).is_none() {
                    continue;
                }
                let record = batch.record_text(span);
                let layout = batch.layout(span);
                if !pair_record(&record, layout, span, extractor, matcher, text, pairing, columns) {
                    continue;
                }
                let table = layout.map(|l| l.table.as_str());
                matcher.finish_task(pairing, |m| {
                    let before = result.matched.len();
                    result.matched.add(m, (columns, table), describer, matcher.watchlist, as_of);
                    if result.matched.len() > before {
                        result.outcomes.push(Outcome::Pairs { record: m.record, matched: before });
                    }
                });
                result.contradicted += pairing.contradicted();
            }
            if bad > 0 && result.outcomes.len() > bad {
                // Bad records and matches were gathered in two passes: put them back in record order.
                result.outcomes.sort_by_key(Outcome::record);
            }
            result.values = *matching.values_seen();
            result.invalid = *matching.invalid();
            result.records = spans.len() as u64;
            result
        })
    })
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
    columns: &mut RecordColumns,
) -> bool {
    matcher.begin_task(scratch);
    matcher.begin(scratch);
    columns.clear();
    let table = layout.map(|l| l.table.as_str());
    let mut sink = |name: &str, number: Option<usize>, role: Option<crate::roles::Role>, raw: &str| {
        if let Some(role) = role {
            matcher.add_field(role.kind, raw, scratch);
        }
        columns.add(table, name, number, raw);
    };
    match extractor.visit(record, layout, input::Wanted::All, text, &mut sink) {
        Ok(()) => matcher.end(scratch, span.record, span.line).is_ok(),
        // No extractor fails on one of a record's values and not on its identity values alone,
        // and this record was read without error once: should one, it is matched as it was
        // then, with the columns read before the error.
        Err(_) => {
            matcher.begin_task(scratch);
            match_record(record, layout, span, extractor, matcher, text, scratch).is_ok()
        }
    }
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
