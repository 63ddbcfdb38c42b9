//! The emitter: ordered task results turned into the scan's stats and sink calls, on the one
//! thread that calls the sink, whatever `--threads` is.

use super::task::{Outcome, TaskResult};
use super::{BadRecord, Confidence, Exposure, ScanConfig, ScanError, ScanSink, ScanStats};
use crate::input::walk::Skipped;
use crate::kind::KIND_COUNT;
use crate::matched::{PairReport, RecordView};
use crate::matcher::{InvalidCounts, ShownValue, ShownValues, ValueCounts};
use crate::report::exposed::Date;
use crate::watchlist::Watchlist;
use std::collections::HashSet;

/// Turns ordered task results into stats and sink calls.
pub(super) struct Emitter<'w> {
    watchlist: &'w Watchlist,
    pub(super) stats: ScanStats,
    /// Values and invalid values per kind of the input being scanned, for its guard.
    pub(super) input_values: ValueCounts,
    pub(super) input_invalid: InvalidCounts,
    entry_exposed: Vec<bool>,
    entry_specific: Vec<bool>,
    pub(super) as_of: Date,
    baseline: Option<&'w HashSet<u128>>,
    /// The sheet of the input being scanned, when it is one.
    pub(super) sheet: Option<String>,
    /// What the exposure being emitted shows, refilled for each (its buffers kept).
    shown: ShownBuffers,
}

/// An exposure's owned parts, reused from exposure to exposure: the values it shows, its date
/// of birth, fields and fingerprint. A value no exposure shows keeps its buffers in `spare`.
#[derive(Default)]
struct ShownBuffers {
    values: ShownValues,
    spare: [ShownValue; 4],
    dob: Option<ShownValue>,
    spare_dob: ShownValue,
    fields: Vec<String>,
    fingerprint: String,
}

impl ShownBuffers {
    /// Sets the fields and date of birth of `record`, the same for each of its pairs.
    fn record(&mut self, record: &RecordView<'_>) {
        let fields = record.fields();
        self.fields.resize_with(fields.len(), String::new);
        for (slot, field) in self.fields.iter_mut().zip(fields) {
            slot.clear();
            slot.push_str(field);
        }
        set_value(&mut self.dob, &mut self.spare_dob, record.dob());
    }

    /// Sets the values and fingerprint of one pair of `record`.
    fn pair(&mut self, record: &RecordView<'_>, pair: &PairReport) {
        for ((slot, spare), value) in self.values.0.iter_mut().zip(&mut self.spare).zip(record.shown(pair)) {
            set_value(slot, spare, value);
        }
        self.fingerprint.clear();
        crate::hash::push_hex(&mut self.fingerprint, &pair.fingerprint);
    }
}

/// Sets `slot` to `value` (as found, canonical), its strings taken from `spare` when it had none,
/// and given back there when it is to have none.
fn set_value(slot: &mut Option<ShownValue>, spare: &mut ShownValue, value: Option<(&str, &str)>) {
    match value {
        Some((raw, canonical)) => {
            let shown = slot.get_or_insert_with(|| std::mem::take(spare));
            shown.raw.clear();
            shown.raw.push_str(raw);
            shown.canonical.clear();
            shown.canonical.push_str(canonical);
        }
        None => {
            if let Some(shown) = slot.take() {
                *spare = shown;
            }
        }
    }
}

impl<'w> Emitter<'w> {
    pub(super) fn new(watchlist: &'w Watchlist, config: &'w ScanConfig) -> Self {
        Emitter {
            watchlist,
            stats: ScanStats { watch_entries: watchlist.len(), ..ScanStats::default() },
            input_values: [0; KIND_COUNT],
            input_invalid: [0; KIND_COUNT],
            entry_exposed: vec![false; watchlist.len()],
            entry_specific: vec![false; watchlist.len()],
            as_of: config.as_of,
            baseline: config.baseline.as_ref(),
            sheet: None,
            shown: ShownBuffers::default(),
        }
    }

    /// Lists an input that was not scanned (or not to its end) and tells the sink.
    pub(super) fn skip(&mut self, skipped: Skipped, sink: &mut dyn ScanSink) {
        if !skipped.error {
            self.stats.skipped_files += 1;
        }
        sink.skipped(&skipped);
        self.stats.skipped.push(skipped);
    }

    pub(super) fn emit(
        &mut self,
        input: &str,
        results: Vec<TaskResult>,
        sink: &mut dyn ScanSink,
    ) -> Result<(), ScanError> {
        for result in results {
            // A signal stops the run at the next task's records, not the batch's end: a batch of
            // exposures is tens of MB of JSON, which a slow reader of stdout takes minutes to
            // drain while each task's write beats (ignoring Ctrl-C). The report stays whole.
            if crate::interrupt::requested() {
                return Err(crate::interrupt::Interrupted.into());
            }
            // Writing a batch of exposures can outlast the signal handler's grace period.
            crate::interrupt::beat();
            self.stats.records += result.records;
            self.stats.contradicted_name_matches += result.contradicted;
            if let Some(i) = self.stats.inputs.last_mut() {
                i.records += result.records;
                i.decoded_records += result.decoded;
            }
            add(&mut self.input_values, &result.values);
            add(&mut self.input_invalid, &result.invalid);
            add(&mut self.stats.invalid_values, &result.invalid);
            for outcome in result.outcomes {
                match outcome {
                    Outcome::Bad { record, line, reason } => {
                        self.stats.bad_records += 1;
                        if let Some(i) = self.stats.inputs.last_mut() {
                            i.bad_records += 1;
                        }
                        sink.bad_record(&BadRecord { input, record, line, reason })?;
                    }
                    // The sink writes the report: its io errors are the report's.
                    Outcome::Pairs { matched, .. } => {
                        if let Some(record) = result.matched.record(matched) {
                            self.pairs(input, &record, sink).map_err(ScanError::Output)?
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn pairs(
        &mut self,
        input: &str,
        record: &RecordView<'_>,
        sink: &mut dyn ScanSink,
    ) -> std::io::Result<()> {
        let (mut any_exposed, mut any_possible, mut any_new_exposed) = (false, false, false);
        let categories = record.categories();
        self.shown.record(record);
        for pair in record.pairs() {
            self.shown.pair(record, pair);
            let entry = self.watchlist.entry(pair.entry);
            let baseline =
                self.baseline.is_some_and(|known| known.contains(&u128::from_be_bytes(pair.fingerprint)));
            self.stats.baseline_exposures += u64::from(baseline);
            let confidence = Confidence::of(pair.matched);
            match confidence {
                Confidence::Exposed => {
                    any_exposed = true;
                    any_new_exposed |= !baseline;
                    self.stats.exposed_pairs += 1;
                    self.stats.new_exposed_pairs += u64::from(!baseline);
                    for kind in pair.matched.iter() {
                        self.stats.by_kind[kind.index()] += 1;
                    }
                    let seen = &mut self.entry_exposed[pair.entry as usize];
                    if !*seen {
                        *seen = true;
                        self.stats.watch_entries_exposed += 1;
                    }
                    let specific = &mut self.entry_specific[pair.entry as usize];
                    if !*specific && categories.any_specific() {
                        *specific = true;
                        self.stats.watch_entries_specific += 1;
                    }
                }
                Confidence::Possible => {
                    any_possible = true;
                    self.stats.possible_pairs += 1;
                    self.stats.new_possible_pairs += u64::from(!baseline);
                }
            }
            sink.exposure(&Exposure {
                input,
                record: record.record(),
                line: record.line(),
                watch: &entry.label,
                confidence,
                matched: pair.matched,
                values: &self.shown.values,
                table: record.table(),
                sheet: self.sheet.as_deref(),
                dob: self.shown.dob.as_ref(),
                fields: &self.shown.fields,
                categories,
                fingerprint: &self.shown.fingerprint,
                baseline,
            })?;
        }
        self.stats.exposed_records += u64::from(any_exposed);
        self.stats.new_exposed_records += u64::from(any_new_exposed);
        self.stats.possible_records += u64::from(any_possible);
        Ok(())
    }
}

/// Adds per-kind counts into `total`.
fn add(total: &mut [u64; KIND_COUNT], counts: &[u64; KIND_COUNT]) {
    for (total, n) in total.iter_mut().zip(counts) {
        *total += n;
    }
}
