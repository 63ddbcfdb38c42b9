//! Counts over reports' exposures (SPEC §11): what `report notify`'s authority summary and
//! `report html`'s charts show. It owns the meaning of each count — pairs, records or people —
//! and nothing else: no formatting, no words in any language.
//!
//! A pair is one (input, record, label) exposure; the same pair met twice (a report given twice,
//! overlapping shards) counts once. A record is one (input, record). A person is one label.
//! Pair and record counts include `baseline` pairs, as the scan's own summary does (so they
//! match the report's `exposed_records` and `by_kind`), and each has its `new_` part beside it —
//! what was not accepted already by a `--baseline`; people are split by what they get. A
//! surface that shows a count shows which of the two it is.

use crate::kind::Kind;
use crate::regions::province_name;
use crate::report::exposed::{Categories, Category};
use crate::report::read::ReportExposure;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The `by_province` key of an exposed record with no `nik` value.
pub const NO_NIK: &str = "no NIK";

/// Gathers counts; call [`Tally::add`] for every exposure, in report order.
#[derive(Default)]
pub struct Tally {
    /// Inputs as shown in `by_input` (`dump.sql!pasien`), in the order first met.
    inputs: Vec<(String, u64)>,
    input_index: HashMap<String, usize>,
    /// People by label, in the order first met.
    people: Vec<PersonTally>,
    label_index: HashMap<String, usize>,
    /// (input, record, person) already counted.
    pairs_seen: HashSet<(usize, u64, usize)>,
    /// Exposed (input, record) already counted.
    records_seen: HashSet<(usize, u64)>,
    /// Exposed (input, record) with a pair not marked `baseline`, already counted.
    new_records_seen: HashSet<(usize, u64)>,
    provinces: HashMap<String, u64>,
    counts: Counts,
    by_kind: [u64; Kind::MATCHED.len()],
}

#[derive(Default)]
struct PersonTally {
    /// Has an exposed pair not marked `baseline`: gets a letter.
    exposed_new: bool,
    /// Has an exposed pair, baseline or not.
    exposed_any: bool,
    /// Categories of the exposed pairs not marked `baseline`.
    categories: Categories,
}

/// The counts, each with its unit in its name or comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Distinct pairs read.
    pub pairs: u64,
    /// Pairs whose confidence is `exposed` (baseline ones included).
    pub exposed_pairs: u64,
    /// Pairs whose confidence is `possible` (baseline ones included).
    pub possible_pairs: u64,
    /// Pairs marked `baseline`, either confidence.
    pub baseline_pairs: u64,
    /// Exposed pairs not marked `baseline`: `exposed_pairs` less those already accepted.
    pub new_exposed_pairs: u64,
    /// Distinct (input, record) with an exposed pair (baseline ones included): the report's
    /// `exposed_records`.
    pub records_exposed: u64,
    /// Distinct (input, record) with an exposed pair not marked `baseline`; the rest of
    /// `records_exposed` are records whose every exposed pair is in the baseline.
    pub new_records_exposed: u64,
    /// Labels with an exposed pair not marked `baseline`: the people who get a letter.
    pub people_exposed: u64,
    /// Labels with no exposed pair at all, only possible (name-only) pairs.
    pub people_possible_only: u64,
    /// Labels with exposed pairs, every one of them marked `baseline`.
    pub people_baseline_only: u64,
    /// Exposed pairs per matched kind, in SPEC §1 order (`nik phone email name_dob name`), kinds
    /// with none left out: the report's `by_kind`.
    pub by_kind: Vec<(String, u64)>,
    /// The `people_exposed` per category of their exposed, non-baseline pairs: the specific
    /// categories first (SPEC §7 order), `general` last; categories with none left out. A person
    /// counts once in each of their categories, so the sum may exceed `people_exposed`.
    pub by_category: Vec<(String, u64)>,
    /// `records_exposed` per province of the record's `values.nik` (its first two digits):
    /// the province's name, `unknown (99)` for two digits that are no province, `unknown` for a
    /// value that does not start with two digits, [`NO_NIK`] for a record without a `nik`
    /// value. Largest first, then by name; sums to `records_exposed`.
    pub by_province: Vec<(String, u64)>,
    /// `records_exposed` per input (`dump.sql!pasien` for a table or sheet), in the order the
    /// reports first name them; inputs with none left out; sums to `records_exposed`.
    pub by_input: Vec<(String, u64)>,
}

impl Tally {
    /// Counts one exposure. Call for every exposure, in report order.
    pub fn add(&mut self, e: &ReportExposure) {
        let input = self.input(e);
        let person = match self.label_index.get(&e.watch) {
            Some(&i) => i,
            None => {
                self.people.push(PersonTally::default());
                self.label_index.insert(e.watch.clone(), self.people.len() - 1);
                self.people.len() - 1
            }
        };
        if !self.pairs_seen.insert((input, e.record, person)) {
            return;
        }
        let c = &mut self.counts;
        c.pairs += 1;
        c.baseline_pairs += u64::from(e.baseline);
        if e.confidence != "exposed" {
            c.possible_pairs += 1;
            return;
        }
        c.exposed_pairs += 1;
        c.new_exposed_pairs += u64::from(!e.baseline);
        if !e.baseline && self.new_records_seen.insert((input, e.record)) {
            c.new_records_exposed += 1;
        }
        for kind in &e.matched {
            if let Some(i) = Kind::MATCHED.iter().position(|k| k.as_str() == kind) {
                self.by_kind[i] += 1;
            }
        }
        let p = &mut self.people[person];
        p.exposed_any = true;
        if !e.baseline {
            p.exposed_new = true;
            for category in e.categories.iter().filter_map(|c| Category::parse(c)) {
                p.categories.insert(category);
            }
        }
        if self.records_seen.insert((input, e.record)) {
            self.counts.records_exposed += 1;
            self.inputs[input].1 += 1;
            *self.provinces.entry(province_key(e.values.get("nik"))).or_default() += 1;
        }
    }

    /// The place of `e`'s input (with its table or sheet) among the inputs met.
    fn input(&mut self, e: &ReportExposure) -> usize {
        let name = match e.table.as_deref().or(e.sheet.as_deref()) {
            Some(table) => format!("{}!{table}", e.input),
            None => e.input.clone(),
        };
        if let Some(&i) = self.input_index.get(&name) {
            return i;
        }
        self.inputs.push((name.clone(), 0));
        self.input_index.insert(name, self.inputs.len() - 1);
        self.inputs.len() - 1
    }

    pub fn finish(self) -> Counts {
        let mut c = self.counts;
        c.by_kind = Kind::MATCHED
            .iter()
            .zip(self.by_kind)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (k.as_str().to_string(), n))
            .collect();
        let mut categories = [0u64; Category::ALL.len()];
        for p in &self.people {
            match (p.exposed_new, p.exposed_any) {
                (true, _) => c.people_exposed += 1,
                (false, true) => c.people_baseline_only += 1,
                (false, false) => c.people_possible_only += 1,
            }
            if p.exposed_new {
                for category in p.categories.iter() {
                    categories[category as usize] += 1;
                }
            }
        }
        let specific_first =
            Category::ALL.iter().filter(|c| **c != Category::General).chain([&Category::General]);
        c.by_category = specific_first
            .map(|cat| (cat.as_str().to_string(), categories[*cat as usize]))
            .filter(|(_, n)| *n > 0)
            .collect();
        let mut provinces: Vec<(String, u64)> = self.provinces.into_iter().collect();
        provinces.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        c.by_province = provinces;
        c.by_input = self.inputs.into_iter().filter(|(_, n)| *n > 0).collect();
        c
    }
}

/// The `by_province` key of a record whose `nik` value is `nik`.
fn province_key(nik: Option<&String>) -> String {
    let Some(nik) = nik else { return NO_NIK.to_string() };
    match nik.get(..2).filter(|code| code.bytes().all(|b| b.is_ascii_digit())) {
        Some(code) => match province_name(code) {
            Some(name) => name.to_string(),
            None => format!("unknown ({code})"),
        },
        None => "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposure(input: &str, record: u64, watch: &str, confidence: &str, matched: &[&str]) -> ReportExposure {
        ReportExposure {
            input: input.into(),
            record,
            watch: watch.into(),
            confidence: confidence.into(),
            matched: matched.iter().map(|m| m.to_string()).collect(),
            categories: vec!["general".into()],
            ..ReportExposure::default()
        }
    }

    fn with_nik(mut e: ReportExposure, nik: &str) -> ReportExposure {
        e.values.insert("nik".into(), nik.into());
        e
    }

    fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
        list.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    /// Eight pairs: A exposed twice (one record with two pairs), with health data; B exposed
    /// only in a baseline pair; C possible only; D exposed by name_dob in a table and, name-only,
    /// elsewhere; one pair given twice.
    fn counts() -> Counts {
        let mut t = Tally::default();
        let mut a1 = with_nik(exposure("a.csv", 1, "A", "exposed", &["nik", "phone"]), "3201**********01");
        a1.categories.push("health".into());
        t.add(&a1);
        t.add(&with_nik(exposure("a.csv", 1, "E", "exposed", &["phone"]), "3201**********01"));
        t.add(&with_nik(exposure("a.csv", 5, "A", "exposed", &["email"]), "3273**********02"));
        let mut b = with_nik(exposure("a.csv", 7, "B", "exposed", &["nik"]), "3174**********03");
        b.baseline = true;
        t.add(&b);
        t.add(&exposure("a.csv", 9, "C", "possible", &["name"]));
        let mut d = exposure("db.sql", 3, "D", "exposed", &["name_dob"]);
        d.table = Some("pasien".into());
        d.categories.push("child".into());
        t.add(&d);
        t.add(&d);
        t.add(&exposure("a.csv", 9, "D", "possible", &["name"]));
        t.finish()
    }

    #[test]
    fn pairs_records_and_people_are_counted_apart() {
        let c = counts();
        assert_eq!((c.pairs, c.exposed_pairs, c.possible_pairs, c.baseline_pairs), (7, 5, 2, 1));
        // a.csv#1 (two pairs), a.csv#5, a.csv#7 (baseline), db.sql!pasien#3.
        assert_eq!(c.records_exposed, 4);
        // B's a.csv#7 is the one exposed pair, and record, already accepted.
        assert_eq!((c.new_exposed_pairs, c.new_records_exposed), (4, 3));
        // A, E, D get letters; B is baseline only; C possible only.
        assert_eq!((c.people_exposed, c.people_baseline_only, c.people_possible_only), (3, 1, 1));
    }

    #[test]
    fn by_kind_counts_exposed_pairs_in_spec_order() {
        assert_eq!(counts().by_kind, pairs(&[("nik", 2), ("phone", 2), ("email", 1), ("name_dob", 1)]));
    }

    #[test]
    fn by_category_counts_letter_people_specific_first_general_last() {
        // B's baseline pair is not counted; D's name-only pair neither.
        assert_eq!(counts().by_category, pairs(&[("health", 1), ("child", 1), ("general", 3)]));
    }

    #[test]
    fn by_province_counts_exposed_records_largest_first_then_by_name() {
        assert_eq!(counts().by_province, pairs(&[("Jawa Barat", 2), ("DKI Jakarta", 1), (NO_NIK, 1)]));
    }

    #[test]
    fn by_input_counts_exposed_records_with_their_table() {
        assert_eq!(counts().by_input, pairs(&[("a.csv", 3), ("db.sql!pasien", 1)]));
    }

    #[test]
    fn province_key_never_takes_more_than_two_digits_and_names_odd_values_unknown() {
        let cases = [
            (None, NO_NIK),
            (Some("3171**********01"), "DKI Jakarta"),
            (Some("99"), "unknown (99)"),
            (Some("3"), "unknown"),
            (Some("**********"), "unknown"),
            (Some("é1"), "unknown"),
            (Some(""), "unknown"),
        ];
        for (nik, want) in cases {
            assert_eq!(province_key(nik.map(str::to_string).as_ref()), want, "{nik:?}");
        }
    }
}
