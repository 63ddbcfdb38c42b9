//! Snapshot tests of every report format on the same exposures and summary.

use super::{ReportFormat, ReportOptions, reporter};
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
            complete: true,
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

/// The report of two exposures, of watch entries labelled `labels`.
fn render_labelled(format: ReportFormat, reveal: bool, labels: [&str; 2]) -> String {
    let mut buf = Vec::new();
    {
        let options = ReportOptions { reveal, color: false, watch_skipped: 0 };
        let mut r = reporter(format, Box::new(&mut buf), options);
        let values = values();
        let strong: KindSet = [Kind::Nik, Kind::Phone, Kind::NameDob, Kind::Name].into_iter().collect();
        let name: KindSet = [Kind::Name].into_iter().collect();
        let rows = [
            (12, 13, labels[0], Confidence::Exposed, strong, &values[0]),
            (241, 243, labels[1], Confidence::Possible, name, &values[1]),
        ];
        for (record, line, watch, confidence, matched, values) in rows {
            let e = Exposure { input: "pasien.csv", record, line, watch, confidence, matched, values };
            r.exposure(&e).unwrap();
        }
        r.finish(&stats()).unwrap();
    }
    String::from_utf8(buf).unwrap()
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
        for secret in ["3201014107900001", "0141", "34567890", "budisantoso", "Santoso", "aminah"] {
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
