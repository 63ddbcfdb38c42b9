//! `leakcheck report people REPORT… [--format human|json|csv]`: one row per watch entry found in
//! the reports (SPEC §11): the strongest confidence, and for it the kinds, fields and categories
//! that leaked (unions), the records paired with the entry, the inputs (with their tables) and
//! the first and last record. Exposed people come first, then possible-only ones, each group in
//! the order the reports first name them. A person exposed only in pairs marked `baseline` (made
//! with `scan --baseline`: already known and accepted) is marked so, and counted apart; the
//! counts are [`Tally`]'s, the ones `report html` and `report notify` show.

use crate::exit_codes::ExitCode;
use crate::kind::Kind;
use crate::output::{Output, RunFiles};
use crate::report::exposed::{Categories, Category};
use crate::report::mask;
use crate::report::read::ReportExposure;
use crate::report::tally::{Counts, Tally};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::path::PathBuf;

/// The formats of `report people --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeopleFormat {
    Human,
    Json,
    Csv,
}

/// Everything `report people` was asked to do, free of clap.
#[derive(Debug)]
pub struct PeopleCommand {
    pub reports: Vec<PathBuf>,
    pub format: PeopleFormat,
    pub output: Option<PathBuf>,
}

/// Where a record is: an input (with its table or sheet) and the record's number in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    pub input: String,
    pub record: u64,
}

/// An input of a person's records, with the table or sheet they are rows of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonInput {
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// One watch entry, as `report people` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub label: String,
    pub confidence: &'static str,
    pub kinds: Vec<&'static str>,
    pub fields: Vec<String>,
    pub categories: Vec<&'static str>,
    pub records: u64,
    pub inputs: Vec<PersonInput>,
    pub first: Place,
    pub last: Place,
    /// Exposed, but only in pairs marked `baseline`: already known, no letter.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PeopleSummary {
    pub reports: usize,
    pub exposures: u64,
    pub people: usize,
    /// People with an exposed pair not marked `baseline`: the ones to notify.
    pub exposed_people: u64,
    /// Of `exposed_people`, those whose exposed records hold specific data (UU PDP Art. 4 (2)).
    pub people_with_specific_data: usize,
    /// People exposed only in pairs marked `baseline`.
    pub baseline_people: u64,
    pub possible_people: u64,
    /// `false` when a report is of an incomplete scan or of one shard only (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    /// The shards (`K/N`) of the reports that are one shard's only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct People {
    pub people: Vec<Person>,
    pub summary: PeopleSummary,
    /// The counts over every exposure read.
    #[serde(skip)]
    pub counts: Counts,
}

/// A person while the reports are read.
struct Gathered {
    label: String,
    exposed: bool,
    /// Has an exposed pair not marked `baseline`.
    exposed_new: bool,
    kinds: [bool; Kind::MATCHED.len()],
    fields: Vec<String>,
    categories: Categories,
    /// Distinct (input, record) pairs.
    records: u64,
    inputs: Vec<PersonInput>,
    /// (input's place among every input met, record): the first and last one.
    first: (usize, u64),
    last: (usize, u64),
}

/// Gathers exposures into people.
#[derive(Default)]
pub struct Gatherer {
    people: Vec<Gathered>,
    by_label: HashMap<String, usize>,
    inputs: Vec<String>,
    input_index: HashMap<String, usize>,
    /// (person, input, record) already counted: a record named by two reports (the same
    /// report twice, overlapping shards) is one record of the person.
    counted: HashSet<(usize, usize, u64)>,
    exposures: u64,
    tally: Tally,
}

impl Gatherer {
    pub fn add(&mut self, e: ReportExposure) {
        self.exposures += 1;
        self.tally.add(&e);
        let input = match self.input_index.get(&e.input) {
            Some(&i) => i,
            None => {
                self.inputs.push(e.input.clone());
                self.input_index.insert(e.input.clone(), self.inputs.len() - 1);
                self.inputs.len() - 1
            }
        };
        let at = (input, e.record);
        let index = *self.by_label.entry(e.watch.clone()).or_insert_with(|| {
            self.people.push(Gathered {
                label: e.watch.clone(),
                exposed: false,
                exposed_new: false,
                kinds: Default::default(),
                fields: Vec::new(),
                categories: Categories::default(),
                records: 0,
                inputs: Vec::new(),
                first: at,
                last: at,
            });
            self.people.len() - 1
        });
        let person = &mut self.people[index];
        person.exposed_new |= e.confidence == "exposed" && !e.baseline;
        person.records += u64::from(self.counted.insert((index, input, e.record)));
        person.first = person.first.min(at);
        person.last = person.last.max(at);
        let place = PersonInput { input: e.input, table: e.table, sheet: e.sheet };
        if !person.inputs.contains(&place) {
            person.inputs.push(place);
        }
        // What leaked is told by the pairs of the strongest confidence: a name-only pair of a
        // person exposed elsewhere may be someone else's record.
        let exposed = e.confidence == "exposed";
        if exposed && !person.exposed {
            person.exposed = true;
            person.kinds = Default::default();
            person.fields.clear();
            person.categories = Categories::default();
        } else if !exposed && person.exposed {
            return;
        }
        for kind in &e.matched {
            if let Some(i) = Kind::MATCHED.iter().position(|k| k.as_str() == kind) {
                person.kinds[i] = true;
            }
        }
        for field in e.fields {
            if !person.fields.contains(&field) {
                person.fields.push(field);
            }
        }
        for category in e.categories.iter().filter_map(|c| Category::parse(c)) {
            person.categories.insert(category);
        }
    }

    pub fn finish(self, reports: usize) -> People {
        let place = |(input, record): (usize, u64)| Place { input: self.inputs[input].clone(), record };
        let mut people: Vec<Person> = Vec::with_capacity(self.people.len());
        let counts = self.tally.finish();
        let mut summary = PeopleSummary {
            reports,
            exposures: self.exposures,
            exposed_people: counts.people_exposed,
            baseline_people: counts.people_baseline_only,
            possible_people: counts.people_possible_only,
            ..PeopleSummary::default()
        };
        for exposed in [true, false] {
            for p in self.people.iter().filter(|p| p.exposed == exposed) {
                if p.exposed_new {
                    summary.people_with_specific_data += usize::from(p.categories.any_specific());
                }
                people.push(Person {
                    label: p.label.clone(),
                    confidence: if exposed { "exposed" } else { "possible" },
                    kinds: Kind::MATCHED
                        .iter()
                        .zip(p.kinds)
                        .filter(|(_, on)| *on)
                        .map(|(k, _)| k.as_str())
                        .collect(),
                    fields: p.fields.clone(),
                    categories: p.categories.names(),
                    records: p.records,
                    inputs: p.inputs.clone(),
                    first: place(p.first),
                    last: place(p.last),
                    baseline: exposed && !p.exposed_new,
                });
            }
        }
        summary.people = people.len();
        People { people, summary, counts }
    }
}

pub fn run(cmd: PeopleCommand) -> Result<ExitCode> {
    let mut output =
        Output::open(cmd.output.as_deref(), RunFiles::of(cmd.reports.iter().map(PathBuf::as_path)))?;
    let mut gatherer = Gatherer::default();
    let facts = super::read_reports(&cmd.reports, |_, e| gatherer.add(e))?;
    let state = super::ScanState::of(&cmd.reports, &facts);
    state.warn();
    let mut people = gatherer.finish(cmd.reports.len());
    if !state.complete() {
        people.summary.complete = Some(false);
        people.summary.shards = state.shards.iter().map(|(_, kn)| kn.clone()).collect();
    }
    let written = {
        let mut out = output.writer();
        write(&mut *out, &people, cmd.format).and_then(|()| out.flush())
    };
    match written {
        Ok(()) => {
            output.commit()?;
            Ok(ExitCode::Clear)
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::Clear),
        Err(e) => Err(e).with_context(|| format!("writing the people report to {}", output.describe())),
    }
}

/// Writes `people` in `format`.
pub fn write(out: &mut dyn Write, people: &People, format: PeopleFormat) -> io::Result<()> {
    match format {
        PeopleFormat::Json => {
            serde_json::to_writer(&mut *out, people)?;
            out.write_all(b"\n")
        }
        PeopleFormat::Csv => write_csv(out, people),
        PeopleFormat::Human => write_human(out, people),
    }
}

/// An input as one cell: `dump.sql (pasien)`.
pub(super) fn input_cell(i: &PersonInput) -> String {
    match i.table.as_deref().or(i.sheet.as_deref()) {
        Some(table) => format!("{} ({table})", i.input),
        None => i.input.clone(),
    }
}

const CSV_HEADER: [&str; 12] = [
    "label",
    "confidence",
    "kinds",
    "fields",
    "categories",
    "records",
    "inputs",
    "first_input",
    "first_record",
    "last_input",
    "last_record",
    "baseline",
];

fn write_csv(out: &mut dyn Write, people: &People) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let error = |e: csv::Error| io::Error::other(e.to_string());
    w.write_record(CSV_HEADER).map_err(error)?;
    for p in &people.people {
        let inputs: Vec<String> = p.inputs.iter().map(input_cell).collect();
        let cells = [
            p.label.clone(),
            p.confidence.to_string(),
            p.kinds.join("+"),
            p.fields.join("+"),
            p.categories.join("+"),
            p.records.to_string(),
            inputs.join("+"),
            p.first.input.clone(),
            p.first.record.to_string(),
            p.last.input.clone(),
            p.last.record.to_string(),
            if p.baseline { "true" } else { "" }.to_string(),
        ];
        w.write_record(cells.iter().map(|c| crate::report::defused(c).into_owned())).map_err(error)?;
    }
    w.flush()
}

fn write_human(out: &mut dyn Write, people: &People) -> io::Result<()> {
    let s = &people.summary;
    let c = &people.counts;
    let baseline = if c.baseline_pairs > 0 {
        format!("; {} more exposed only in the baseline (already known, no letter)", s.baseline_people)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} {} {}exposed, of whom {} with specific data exposed{baseline}; {} more possible (name only)",
        s.exposed_people,
        if s.exposed_people == 1 { "person" } else { "people" },
        if c.baseline_pairs > 0 { "newly " } else { "" },
        s.people_with_specific_data,
        s.possible_people
    )?;
    if c.baseline_pairs > 0 {
        writeln!(
            out,
            "  exposed records: {} new, {} already in the baseline; exposed pairs: {} new, {} already in the baseline",
            c.new_records_exposed,
            c.records_exposed - c.new_records_exposed,
            c.new_exposed_pairs,
            c.exposed_pairs - c.new_exposed_pairs
        )?;
    }
    writeln!(
        out,
        "  from {} {} ({} exposures)",
        s.reports,
        if s.reports == 1 { "report" } else { "reports" },
        s.exposures
    )?;
    for p in &people.people {
        writeln!(out)?;
        let confidence = if p.baseline { "exposed (baseline: already known)" } else { p.confidence };
        writeln!(out, "  {}  {}  {}", mask::sanitize(&p.label), confidence, p.kinds.join("+"))?;
        let specific: Vec<&str> = p.categories.iter().copied().filter(|c| *c != "general").collect();
        if !specific.is_empty() {
            writeln!(out, "    specific data: {}", specific.join(", "))?;
        }
        if !p.fields.is_empty() {
            writeln!(out, "    fields:  {}", mask::sanitize(&p.fields.join(", ")))?;
        }
        let inputs: Vec<String> = p.inputs.iter().map(input_cell).collect();
        writeln!(
            out,
            "    records: {} in {} (first {} #{}, last {} #{})",
            p.records,
            mask::sanitize(&inputs.join(", ")),
            mask::sanitize(&p.first.input),
            p.first.record,
            mask::sanitize(&p.last.input),
            p.last.record
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposure(input: &str, record: u64, watch: &str, confidence: &str, matched: &[&str]) -> ReportExposure {
        ReportExposure {
            input: input.into(),
            record,
            line: record + 1,
            watch: watch.into(),
            confidence: confidence.into(),
            matched: matched.iter().map(|m| m.to_string()).collect(),
            ..ReportExposure::default()
        }
    }

    /// Two reports' exposures: P-1 exposed in two inputs (and once name-only), P-2 possible
    /// only, P-3 exposed with health data and a child, and one of a pre-1.1 report (no fields).
    fn people() -> People {
        let mut g = Gatherer::default();
        let mut e = exposure("pasien.sql", 40, "P-1", "exposed", &["nik"]);
        e.table = Some("pasien".into());
        e.fields = vec!["nik".into(), "nama".into()];
        e.categories = vec!["general".into()];
        g.add(e);
        g.add(exposure("pasien.sql", 7, "P-2", "possible", &["name"]));
        let mut e = exposure("pasien.sql", 3, "P-1", "possible", &["name"]);
        e.fields = vec!["nama".into(), "=cmd|x".into()];
        g.add(e);
        let mut e = exposure("lab.csv", 9, "P-3", "exposed", &["phone", "name_dob", "name"]);
        e.fields = vec!["no_hp".into(), "diagnosa".into()];
        e.categories = vec!["general".into(), "health".into(), "child".into()];
        g.add(e);
        let mut e = exposure("lab.csv", 2, "P-1", "exposed", &["email"]);
        e.fields = vec!["email".into(), "nik".into()];
        e.categories = vec!["general".into()];
        g.add(e);
        g.add(exposure("old.csv", 5, "P-1", "exposed", &["phone"]));
        g.finish(2)
    }

    #[test]
    fn people_are_gathered_by_label_with_what_their_strongest_pairs_leaked() {
        let p = people();
        let labels: Vec<(&str, &str, u64)> =
            p.people.iter().map(|p| (p.label.as_str(), p.confidence, p.records)).collect();
        assert_eq!(labels, [("P-1", "exposed", 4), ("P-3", "exposed", 1), ("P-2", "possible", 1)]);
        let p1 = &p.people[0];
        assert_eq!(p1.kinds, ["nik", "phone", "email"]);
        // The name-only record's `=cmd|x` column is not what leaked about P-1.
        assert_eq!(p1.fields, ["nik", "nama", "email"]);
        assert_eq!(p1.categories, ["general"]);
        assert_eq!(p1.first, Place { input: "pasien.sql".into(), record: 3 });
        assert_eq!(p1.last, Place { input: "old.csv".into(), record: 5 });
        assert_eq!(p1.inputs.len(), 4, "pasien.sql (pasien), pasien.sql, lab.csv, old.csv");
        assert_eq!(
            p.summary,
            PeopleSummary {
                reports: 2,
                exposures: 6,
                people: 3,
                exposed_people: 2,
                people_with_specific_data: 1,
                baseline_people: 0,
                possible_people: 1,
                ..PeopleSummary::default()
            }
        );
    }

    #[test]
    fn a_record_named_by_two_reports_counts_once() {
        // `report people R.json R.json`, or shard reports that overlap: the same record of the
        // same input is one record of the person, not two.
        let mut g = Gatherer::default();
        for _ in 0..2 {
            g.add(exposure("dump.csv", 4, "L1", "exposed", &["nik"]));
            g.add(exposure("dump.csv", 9, "L1", "possible", &["name"]));
            g.add(exposure("other.csv", 4, "L1", "exposed", &["phone"]));
            g.add(exposure("dump.csv", 4, "L2", "exposed", &["email"]));
        }
        let p = g.finish(2);
        let records: Vec<(&str, u64)> = p.people.iter().map(|p| (p.label.as_str(), p.records)).collect();
        assert_eq!(records, [("L1", 3), ("L2", 1)]);
        assert_eq!(p.people[0].kinds, ["nik", "phone"]);
        assert_eq!(p.people[0].inputs.len(), 2);
    }

    #[test]
    fn a_person_exposed_only_in_the_baseline_is_marked_and_counted_apart() {
        // `scan --baseline`: P-1's pair is new, P-2's was accepted already; P-2 has health
        // data, but gets no letter, so is not among the people with specific data to notify.
        let mut g = Gatherer::default();
        g.add(exposure("dump.csv", 1, "P-1", "exposed", &["nik"]));
        let mut old = exposure("dump.csv", 2, "P-2", "exposed", &["phone"]);
        old.baseline = true;
        old.categories = vec!["general".into(), "health".into()];
        g.add(old);
        g.add(exposure("dump.csv", 3, "P-3", "possible", &["name"]));
        let p = g.finish(1);
        let rows: Vec<(&str, bool)> = p.people.iter().map(|p| (p.label.as_str(), p.baseline)).collect();
        assert_eq!(rows, [("P-1", false), ("P-2", true), ("P-3", false)]);
        let s = &p.summary;
        assert_eq!(
            (s.exposed_people, s.baseline_people, s.possible_people, s.people_with_specific_data),
            (1, 1, 1, 0)
        );
        let mut out = Vec::new();
        write(&mut out, &p, PeopleFormat::Human).unwrap();
        let human = String::from_utf8(out).unwrap();
        assert!(
            human.starts_with(
                "1 person newly exposed, of whom 0 with specific data exposed; 1 more exposed only in the baseline (already known, no letter); 1 more possible (name only)\n  exposed records: 1 new, 1 already in the baseline; exposed pairs: 1 new, 1 already in the baseline\n"
            ),
            "{human}"
        );
        assert!(human.contains("  P-2  exposed (baseline: already known)  phone\n"), "{human}");
        let mut out = Vec::new();
        write(&mut out, &p, PeopleFormat::Json).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["people"][1]["baseline"], true);
        assert_eq!(v["people"][0].get("baseline"), None);
        assert_eq!(v["summary"]["baseline_people"], 1);
        let mut out = Vec::new();
        write(&mut out, &p, PeopleFormat::Csv).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .contains("\nP-2,exposed,phone,,general+health,1,dump.csv,dump.csv,2,dump.csv,2,true\n")
        );
    }

    fn render(format: PeopleFormat) -> String {
        let mut out = Vec::new();
        write(&mut out, &people(), format).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn people_json() {
        let out = render(PeopleFormat::Json);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["people"][0]["first"]["record"], 3);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn people_csv() {
        let out = render(PeopleFormat::Csv);
        assert!(out.starts_with(
            "label,confidence,kinds,fields,categories,records,inputs,first_input,first_record,last_input,last_record,baseline\n"
        ));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn people_human() {
        let out = render(PeopleFormat::Human);
        assert!(out.starts_with("2 people exposed, of whom 1 with specific data exposed"), "{out}");
        insta::assert_snapshot!(out);
    }
}
