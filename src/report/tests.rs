//! Snapshot tests of every report format on the same exposures and summary.

use super::exposed::{Categories, Category};
use super::{ReportFormat, ReportOptions, RunInfo, reporter};
use crate::input::walk::Skipped;
use crate::kind::{Kind, KindSet};
use crate::matcher::{ShownValue, ShownValues};
use crate::scan::{Confidence, Exposure, InputStats, ScanStats};

fn value(raw: &str, canonical: &str) -> Option<ShownValue> {
    Some(ShownValue { raw: raw.to_string(), canonical: canonical.to_string() })
}

fn values() -> [ShownValues; 2] {
    [
        ShownValues([
            value("'3201.0141.0790.0001", "3201014107900001"),
            value("0812-3456-7890", "+6281234567890"),
            value("Budi.Santoso@Gmail.com", "budisantoso@gmail.com"),
            value("Dr. Budi Santoso, S.Kom", "budi santoso"),
        ]),
        ShownValues([None, None, None, value("SITI \"AMINAH\", S.E.", "siti aminah")]),
    ]
}

fn stats() -> ScanStats {
    let mut s = ScanStats {
        inputs: vec![InputStats {
            path: "pasien.csv".into(),
            format: Some("csv"),
            compression: None,
            records: 300,
            bad_records: 1,
            decoded_records: 2,
            bytes: 48_213,
            complete: true,
            range: None,
        }],
        records: 300,
        exposed_records: 1,
        possible_records: 1,
        bad_records: 1,
        exposed_pairs: 1,
        possible_pairs: 1,
        contradicted_name_matches: 3,
        watch_entries: 12,
        watch_entries_exposed: 1,
        watch_entries_specific: 1,
        new_exposed_pairs: 1,
        new_possible_pairs: 1,
        new_exposed_records: 1,
        skipped_files: 1,
        skipped: vec![Skipped { path: "scan.png".into(), reason: "a PNG image".into(), error: false }],
        warnings: vec!["scan.png: skipped, it is a PNG image".into()],
        elapsed_ms: 0,
        complete: true,
        ..ScanStats::default()
    };
    for kind in [Kind::Nik, Kind::Phone, Kind::NameDob, Kind::Name] {
        s.by_kind[kind.index()] = 1;
    }
    s.invalid_values[Kind::Nik.index()] = 4;
    s.invalid_values[Kind::Dob.index()] = 2;
    s
}

fn render(format: ReportFormat, reveal: bool) -> String {
    render_labelled(format, reveal, ["P-001", "P-006"])
}

/// What the reports say about the run.
fn run(baseline: bool) -> RunInfo {
    RunInfo {
        started_at: "2026-12-05T08:49:14Z".into(),
        as_of: "2026-12-05".into(),
        watchlists: vec![crate::watchlist::WatchlistFile {
            path: "pasien-rs.csv".into(),
            format: "csv",
            entries: 12,
            keyed: true,
            sha256: "18745f36a05e29072709042d6062ce54f1b08ff36c27ba80c39f81fb010c8ce2".into(),
        }],
        baseline,
        shard: None,
    }
}

/// The report of two exposures, of watch entries labelled `labels`.
fn render_labelled(format: ReportFormat, reveal: bool, labels: [&str; 2]) -> String {
    let rows = [(labels[0], Confidence::Exposed, false, "1"), (labels[1], Confidence::Possible, false, "2")];
    render_rows(format, reveal, false, &rows)
}

/// The report of exposures (label, confidence, in the baseline, fingerprint's last digit): the
/// first of each confidence with the values of [`values`], in `pasien.sql`'s table `pasien`.
fn render_rows(
    format: ReportFormat,
    reveal: bool,
    baseline: bool,
    rows: &[(&str, Confidence, bool, &str)],
) -> String {
    let mut buf = Vec::new();
    {
        let options = ReportOptions { reveal, color: false, watch_skipped: 0, run: run(baseline) };
        let mut r = reporter(format, Box::new(&mut buf), options);
        let values = values();
        let dob = value("17/08/2007", "2007-08-17").unwrap();
        let strong: KindSet = [Kind::Nik, Kind::Phone, Kind::NameDob, Kind::Name].into_iter().collect();
        let name: KindSet = [Kind::Name].into_iter().collect();
        let fields = ["nik".to_string(), "nama".to_string(), "tgl_lahir".to_string(), "diagnosa".to_string()];
        let mut categories = Categories::default();
        for c in [Category::General, Category::Health, Category::Child] {
            categories.insert(c);
        }
        for (i, (watch, confidence, in_baseline, last)) in rows.iter().enumerate() {
            let exposed = *confidence == Confidence::Exposed;
            let fingerprint = format!("{}{last}", "0123456789abcdef0123456789abcde");
            let e = Exposure {
                input: "pasien.sql",
                record: 12 + i as u64,
                line: 13 + i as u64,
                watch,
                confidence: *confidence,
                matched: if exposed { strong } else { name },
                values: &values[usize::from(!exposed)],
                table: Some("pasien"),
                sheet: None,
                dob: exposed.then_some(&dob),
                fields: if exposed { &fields } else { &fields[1..2] },
                categories: if exposed { categories } else { Categories::default() },
                fingerprint: &fingerprint,
                baseline: *in_baseline,
            };
            r.exposure(&e).unwrap();
        }
        r.finish(&stats()).unwrap();
    }
    String::from_utf8(buf).unwrap()
}

/// Under `--baseline`: possible, exposed, baseline exposed, exposed, baseline possible, in
/// input order.
const MIXED: [(&str, Confidence, bool, &str); 5] = [
    ("P-006", Confidence::Possible, false, "1"),
    ("P-001", Confidence::Exposed, false, "2"),
    ("P-002", Confidence::Exposed, true, "3"),
    ("P-003", Confidence::Exposed, false, "4"),
    ("P-007", Confidence::Possible, true, "5"),
];

#[test]
fn with_a_baseline_every_format_lists_new_exposed_then_new_possible_then_baseline() {
    for format in [ReportFormat::Human, ReportFormat::Json, ReportFormat::Ndjson, ReportFormat::Csv] {
        let out = render_rows(format, false, true, &MIXED);
        let order: Vec<usize> = ["P-001", "P-003", "P-006", "P-002", "P-007"]
            .iter()
            .map(|label| out.find(label).unwrap_or_else(|| panic!("{format:?}: {label}")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{format:?}:\n{out}");
        if format == ReportFormat::Json {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let marked: Vec<bool> =
                v["exposures"].as_array().unwrap().iter().map(|e| e["baseline"] == true).collect();
            assert_eq!(marked, [false, false, false, true, true]);
        }
    }
    // Without a baseline, machine formats keep input order.
    let out = render_rows(ReportFormat::Ndjson, false, false, &MIXED);
    assert!(out.find("P-006").unwrap() < out.find("P-001").unwrap(), "{out}");
}

#[test]
fn baseline_reports() {
    insta::assert_snapshot!("baseline_json", render_rows(ReportFormat::Json, false, true, &MIXED));
    insta::assert_snapshot!("baseline_csv", render_rows(ReportFormat::Csv, false, true, &MIXED));
    insta::assert_snapshot!("baseline_human", render_rows(ReportFormat::Human, false, true, &MIXED));
}

#[test]
fn the_human_report_lists_exposed_rows_before_possible_ones() {
    let rows = [("P-006", Confidence::Possible, false, "1"), ("P-001", Confidence::Exposed, false, "2")];
    let out = render_rows(ReportFormat::Human, false, false, &rows);
    assert!(out.find("P-001").unwrap() < out.find("P-006").unwrap(), "{out}");
    assert!(out.contains("1 person, of whom 1 with specific data exposed"), "{out}");
}

#[test]
fn human_report() {
    insta::assert_snapshot!(render(ReportFormat::Human, false));
}

#[test]
fn json_report() {
    let out = render(ReportFormat::Json, false);
    serde_json::from_str::<serde_json::Value>(&out).expect("one JSON document");
    insta::assert_snapshot!(out);
}

#[test]
fn ndjson_report() {
    let out = render(ReportFormat::Ndjson, false);
    for line in out.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("each line is JSON");
    }
    insta::assert_snapshot!(out);
}

#[test]
fn csv_report() {
    let out = render(ReportFormat::Csv, false);
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(out.as_bytes()).records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), 2);
    insta::assert_snapshot!(out);
}

#[test]
fn csv_report_revealed_quotes_dump_text() {
    insta::assert_snapshot!(render(ReportFormat::Csv, true));
}

#[test]
fn empty_reports_are_still_valid() {
    let mut buf = Vec::new();
    {
        let mut r = reporter(ReportFormat::Json, Box::new(&mut buf), ReportOptions::default());
        r.finish(&ScanStats { complete: false, ..ScanStats::default() }).unwrap();
    }
    let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(v["exposures"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["summary"]["complete"], false);
}

#[test]
fn masked_reports_hold_no_identifier() {
    for format in [ReportFormat::Human, ReportFormat::Json, ReportFormat::Ndjson, ReportFormat::Csv] {
        let out = render(format, false);
        for secret in
            ["3201014107900001", "0141", "34567890", "budisantoso", "Santoso", "aminah", "08-17", "17/08"]
        {
            assert!(!out.to_lowercase().contains(&secret.to_lowercase()), "{format:?} shows {secret}");
        }
    }
}

#[test]
fn a_watch_label_that_is_or_holds_an_identifier_is_masked_in_every_format() {
    let labels = ["3201014107900001:P1", "ward3:NIK 3201014107900003 / budi@gmail.com"];
    for format in [ReportFormat::Human, ReportFormat::Json, ReportFormat::Ndjson, ReportFormat::Csv] {
        let out = render_labelled(format, false, labels);
        for secret in ["3201014107900001", "3201014107900003", "budi@"] {
            assert!(!out.contains(secret), "{format:?} shows {secret}:\n{out}");
        }
        assert!(out.contains("3201**********01:P1"), "{format:?}:\n{out}");
        assert!(out.contains("ward3:NIK 3201**********03 / b***@gmail.com"), "{format:?}:\n{out}");
        let revealed = render_labelled(format, true, labels);
        assert!(
            revealed.contains("3201014107900001:P1") && revealed.contains("budi@gmail.com"),
            "{format:?}"
        );
    }
}
