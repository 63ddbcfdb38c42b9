//! `--format human`: a summary a data-protection officer can read, then a table of exposures:
//! exposed rows first, then possible ones, then (with `--baseline`) those already known.
//! Colour only when asked for (terminal and no `NO_COLOR`); dump text is always sanitized.

use super::exposed::Category;
use super::{ReportOptions, Reporter, mask};
use crate::kind::Kind;
use crate::scan::{Confidence, Exposure, ScanStats, Shortfall};
use std::io::{self, Write};

/// Rows the table keeps; beyond this the report says how many more there were and points to the
/// machine formats, which stream every row.
pub const TABLE_LIMIT: usize = 1000;

/// How a human report's first line starts (its headlines below), so that a reader of reports can
/// say that a file is one (`scan -o report.json` without `--format json`).
const HEADLINE_STARTS: [&str; 6] =
    ["EXPOSED: ", "POSSIBLE: ", "CLEAR: ", "CLEAR, BUT ", "INCOMPLETE: ", "NOTHING CHECKED: "];

/// Whether `first_line` is the first line of a human report, coloured or not.
pub fn is_human_headline(first_line: &[u8]) -> bool {
    // A colour escape `ESC [ 1;31m` may come first.
    let text = match first_line.strip_prefix(b"\x1b[") {
        Some(rest) => rest.iter().position(|&b| b == b'm').map_or(rest, |m| &rest[m + 1..]),
        None => first_line,
    };
    HEADLINE_STARTS.iter().any(|h| text.starts_with(h.as_bytes()))
}

/// Table columns; `input` is shown only when the scan had several inputs.
const HEADINGS: [&str; 12] = [
    "input",
    "confidence",
    "line",
    "record",
    "watch",
    "matched",
    "nik",
    "phone",
    "email",
    "name",
    "dob",
    "categories",
];
/// One row of the table.
type Row = [String; HEADINGS.len()];
/// Index of the confidence column, which is coloured.
const CONFIDENCE: usize = 1;
/// Skipped inputs and warnings listed under the summary; the machine formats list them all.
const NOTES_LISTED: usize = 20;

pub struct HumanReporter<'w> {
    out: Box<dyn Write + 'w>,
    options: ReportOptions,
    /// Rows kept in the order they are shown: new exposed, new possible, baseline; each group
    /// at most [`TABLE_LIMIT`] rows.
    groups: [Vec<Row>; 3],
    exposed_rows: u64,
    possible_rows: u64,
}

impl<'w> HumanReporter<'w> {
    pub fn new(out: Box<dyn Write + 'w>, options: ReportOptions) -> Self {
        HumanReporter { out, options, groups: Default::default(), exposed_rows: 0, possible_rows: 0 }
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.options.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    fn summary(&mut self, s: &ScanStats) -> io::Result<()> {
        if !s.complete {
            let why = match s.shortfall() {
                Some(Shortfall { nothing_read: true, .. }) => {
                    "NOTHING CHECKED: no record was read; this is not a clean result".to_string()
                }
                Some(Shortfall { unreadable, .. }) => format!(
                    "INCOMPLETE: {unreadable} {} could not be read in full; the counts below cover what was read",
                    plural(unreadable as u64, "input")
                ),
                None => "INCOMPLETE: the scan stopped early; the counts below are partial".to_string(),
            };
            writeln!(self.out, "{}", self.paint(&why, "1;31"))?;
        }
        let headline = if !s.complete && s.watch_entries_exposed == 0 && s.possible_records == 0 {
            String::new()
        } else if s.watch_entries_exposed > 0 {
            self.paint(
                &format!(
                    "EXPOSED: {} of {} watched entries appear in the dump ({} {})",
                    s.watch_entries_exposed,
                    s.watch_entries,
                    s.exposed_records,
                    plural(s.exposed_records, "record")
                ),
                "1;31",
            )
        } else if s.possible_records > 0 {
            self.paint(
                &format!(
                    "POSSIBLE: no strong match, but {} {} share a watched name",
                    s.possible_records,
                    plural(s.possible_records, "record")
                ),
                "1;33",
            )
        } else if s.bad_records > 0 {
            // SPEC §9 keeps the exit code; the headline must not read as "every record checked".
            self.paint(
                &format!(
                    "CLEAR, BUT {} BAD {} NOT CHECKED: none of {} watched entries appear in the records read",
                    s.bad_records,
                    if s.bad_records == 1 { "RECORD" } else { "RECORDS" },
                    s.watch_entries
                ),
                "1;33",
            )
        } else {
            self.paint(
                &format!("CLEAR: none of {} watched entries appear in the dump", s.watch_entries),
                "1;32",
            )
        };
        if !headline.is_empty() {
            writeln!(self.out, "{headline}")?;
        }
        writeln!(self.out)?;
        let kinds = |counts: &[u64], kinds: &[Kind]| {
            kinds.iter().map(|k| format!("{k} {}", counts[k.index()])).collect::<Vec<_>>().join(", ")
        };
        let mut rows = vec![
            ("inputs", inputs_line(s)),
            ("records scanned", s.records.to_string()),
            ("exposed records", s.exposed_records.to_string()),
            ("possible records", format!("{} (name only)", s.possible_records)),
            ("watch entries exposed", format!("{} of {}", s.watch_entries_exposed, s.watch_entries)),
            (
                "people exposed",
                format!(
                    "{} {}, of whom {} with specific data exposed",
                    s.watch_entries_exposed,
                    if s.watch_entries_exposed == 1 { "person" } else { "people" },
                    s.watch_entries_specific
                ),
            ),
            ("exposed pairs by kind", kinds(&s.by_kind, &Kind::MATCHED)),
            ("invalid values", kinds(&s.invalid_values, &Kind::FIELDS)),
            ("bad records", s.bad_records.to_string()),
        ];
        if s.contradicted_name_matches > 0 {
            let why = "same name, but another birth date or NIK: not reported";
            rows.insert(4, ("names ruled out", format!("{} ({why})", s.contradicted_name_matches)));
        }
        if self.options.run.baseline {
            rows.push((
                "new since the baseline",
                format!(
                    "{} exposed {} ({} {} already in the baseline)",
                    s.new_exposed_records,
                    plural(s.new_exposed_records, "record"),
                    s.baseline_exposures,
                    plural(s.baseline_exposures, "exposure")
                ),
            ));
        }
        if s.skipped_files > 0 {
            rows.push(("files skipped", format!("{} (not dumps)", s.skipped_files)));
        }
        if self.options.watch_skipped > 0 {
            rows.push(("watchlist lines and values skipped", self.options.watch_skipped.to_string()));
        }
        rows.push(("time", format!("{:.2} s", s.elapsed_ms as f64 / 1000.0)));
        for (label, value) in rows {
            writeln!(self.out, "  {label:<24} {value}")?;
        }
        let skipped = s.skipped.iter().map(|i| {
            let error = if i.error { " (error)" } else { "" };
            format!("{}: {}{error}", mask::sanitize(&i.path), mask::sanitize(&i.reason))
        });
        self.notes("not scanned", s.skipped.len(), skipped)?;
        self.notes("warnings", s.warnings.len(), s.warnings.iter().map(|w| mask::sanitize(w)))
    }

    /// A heading and the first [`NOTES_LISTED`] of `total` lines under it, then how many more.
    fn notes(&mut self, heading: &str, total: usize, lines: impl Iterator<Item = String>) -> io::Result<()> {
        if total == 0 {
            return Ok(());
        }
        writeln!(self.out)?;
        writeln!(self.out, "  {heading}:")?;
        for line in lines.take(NOTES_LISTED) {
            writeln!(self.out, "    {line}")?;
        }
        if total > NOTES_LISTED {
            writeln!(self.out, "    … {} more; --format json lists them all", total - NOTES_LISTED)?;
        }
        Ok(())
    }

    fn table(&mut self, several_inputs: bool) -> io::Result<()> {
        let rows: Vec<Row> =
            std::mem::take(&mut self.groups).into_iter().flatten().take(TABLE_LIMIT).collect();
        if rows.is_empty() {
            return Ok(());
        }
        let first_column = if several_inputs { 0 } else { 1 };
        let mut widths = HEADINGS.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        writeln!(self.out)?;
        let heading: Vec<String> =
            HEADINGS.iter().zip(widths).skip(first_column).map(|(h, w)| format!("{h:<w$}")).collect();
        writeln!(self.out, "  {}", self.paint(heading.join("  ").trim_end(), "1"))?;
        for row in rows {
            let colour = if row[CONFIDENCE].starts_with("exposed") { "31" } else { "33" };
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .enumerate()
                .skip(first_column)
                .map(|(i, (cell, w))| {
                    let padded = pad(cell, w);
                    if i == CONFIDENCE { self.paint(&padded, colour) } else { padded }
                })
                .collect();
            writeln!(self.out, "  {}", cells.join("  ").trim_end())?;
        }
        let total = self.exposed_rows + self.possible_rows;
        if total > TABLE_LIMIT as u64 {
            writeln!(
                self.out,
                "  … {} more exposures not shown; use --format csv or ndjson for all {total}",
                total - TABLE_LIMIT as u64
            )?;
        }
        Ok(())
    }
}

/// Inputs scanned, one by one when there are a few, else counted by format.
fn inputs_line(s: &ScanStats) -> String {
    const LISTED: usize = 5;
    let format = |i: &crate::scan::InputStats| match i.compression {
        Some(c) => format!("{}+{c}", i.format.unwrap_or("?")),
        None => i.format.unwrap_or("?").to_string(),
    };
    if s.inputs.len() <= LISTED {
        let listed: Vec<String> = s
            .inputs
            .iter()
            .map(|i| {
                let complete = if i.complete { "" } else { ", incomplete" };
                let records = plural(i.records, "record");
                format!("{} ({}, {} {records}{complete})", mask::sanitize(&i.path), format(i), i.records)
            })
            .collect();
        return if listed.is_empty() { "none".to_string() } else { listed.join("; ") };
    }
    let mut by_format: Vec<(String, usize)> = Vec::new();
    for i in &s.inputs {
        let f = format(i);
        match by_format.iter_mut().find(|(name, _)| *name == f) {
            Some((_, n)) => *n += 1,
            None => by_format.push((f, 1)),
        }
    }
    let formats: Vec<String> = by_format.iter().map(|(f, n)| format!("{n} {f}")).collect();
    let incomplete = s.inputs.iter().filter(|i| !i.complete).count();
    let incomplete = if incomplete > 0 { format!(", {incomplete} incomplete") } else { String::new() };
    format!("{} files: {}{incomplete}", s.inputs.len(), formats.join(", "))
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 { word.to_string() } else { format!("{word}s") }
}

fn pad(cell: &str, width: usize) -> String {
    let n = cell.chars().count();
    format!("{cell}{}", " ".repeat(width.saturating_sub(n)))
}

impl Reporter for HumanReporter<'_> {
    fn exposure(&mut self, e: &Exposure<'_>) -> io::Result<()> {
        match e.confidence {
            Confidence::Exposed => self.exposed_rows += 1,
            Confidence::Possible => self.possible_rows += 1,
        }
        let group = match (e.baseline, e.confidence) {
            (true, _) => 2,
            (false, Confidence::Exposed) => 0,
            (false, Confidence::Possible) => 1,
        };
        if self.groups[group].len() >= TABLE_LIMIT {
            return Ok(());
        }
        let mut row: Row = Default::default();
        row[0] = mask::sanitize(e.input);
        row[CONFIDENCE] = e.confidence.as_str().to_string();
        if e.baseline {
            row[CONFIDENCE].push_str(" (baseline)");
        }
        row[2] = e.line.to_string();
        row[3] = e.record.to_string();
        row[4] = mask::shown_label(e.watch, self.options.reveal);
        row[5] = e.matched.joined("+");
        for (kind, value) in e.values.iter() {
            if let Some(i) = Kind::SHOWN.iter().position(|k| *k == kind) {
                row[6 + i] = mask::shown(kind, value, self.options.reveal);
            }
        }
        row[10] = e.dob.map(|dob| mask::shown(Kind::Dob, dob, self.options.reveal)).unwrap_or_default();
        let specific: Vec<&str> =
            e.categories.iter().filter(|c| *c != Category::General).map(Category::as_str).collect();
        row[11] = specific.join("+");
        self.groups[group].push(row);
        Ok(())
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        self.summary(stats)?;
        self.table(stats.inputs.len() > 1)?;
        self.out.flush()
    }
}
