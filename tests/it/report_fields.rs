//! Report 1.1 (SPEC §7 1.1, issue 17): the run's fields, each exposure's table, dob, fields,
//! categories and fingerprint on the fixtures; `--baseline` and its exit codes; and
//! `leakcheck report people` against a hand count of the demo.

use crate::common;
use common::*;
use std::collections::BTreeSet;
use std::io::Write;

fn scan(args: &[&std::ffi::OsStr]) -> std::process::Output {
    leakcheck().arg("scan").args(args).output().unwrap()
}

/// The demo dump scanned against its CSV watchlist, as JSON, ages taken on `as_of`.
fn demo(as_of: &str) -> serde_json::Value {
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("--watch")
        .arg(fixture("demo/watchlist.csv"))
        .args(["--format", "json", "--as-of", as_of])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    json(&out.stdout)
}

/// The exposure of `watch` at `record`.
fn exposure<'a>(report: &'a serde_json::Value, watch: &str, record: u64) -> &'a serde_json::Value {
    report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["watch"] == watch && e["record"] == record)
        .unwrap_or_else(|| panic!("no exposure of {watch} at {record}"))
}

#[test]
fn the_report_names_its_rules_start_watchlists_with_their_sha256_and_bytes_read() {
    let report = demo("2020-01-01");
    assert_eq!(report["rules"], "1.1");
    assert_eq!(report["as_of"], "2020-01-01");
    let started = report["started_at"].as_str().unwrap();
    let b = started.as_bytes();
    assert!(b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z', "{started}");
    let list = std::fs::read(fixture("demo/watchlist.csv")).unwrap();
    let sha = {
        use sha2::Digest;
        sha2::Sha256::digest(&list).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let w = &report["watchlists"][0];
    assert_eq!(
        (w["format"].as_str(), w["entries"].as_u64(), w["keyed"].as_bool()),
        (Some("csv"), Some(12), Some(false))
    );
    assert_eq!(w["sha256"], sha);
    let size = std::fs::metadata(fixture("demo/pasien.csv")).unwrap().len();
    assert_eq!(report["inputs"][0]["bytes"], size);
}

#[test]
fn a_watchlist_read_from_stdin_and_a_gzipped_input_are_measured_as_read() {
    let list = std::fs::read(fixture("csv/people.csv")).unwrap();
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("formats/pasien.csv.gz"))
        .args(["--watch", "-", "--format", "ndjson"])
        .write_stdin(list.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let summary: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last().unwrap()).unwrap();
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&list).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(summary["watchlists"][0]["path"], "-");
    assert_eq!(summary["watchlists"][0]["sha256"], sha);
    let gz = std::fs::metadata(fixture("formats/pasien.csv.gz")).unwrap().len();
    assert_eq!(summary["inputs"][0]["bytes"], gz, "bytes as stored, not decompressed");
}

#[test]
fn an_sql_exposure_names_its_table_and_its_columns_without_the_table() {
    for dump in ["formats/pasien_mysql.sql", "formats/pasien_pg.sql"] {
        let out = scan(&[
            fixture(dump).as_os_str(),
            "--watch".as_ref(),
            fixture("csv/people.csv").as_os_str(),
            "-f".as_ref(),
            "json".as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{dump}");
        let report = json(&out.stdout);
        let e = exposure(&report, "W1", 1);
        assert_eq!(e["table"], "pasien", "{dump}");
        assert_eq!(
            e["fields"],
            serde_json::json!(["no_rm", "nik", "nama_lengkap", "tgl_lahir", "no_hp", "email", "alamat"]),
            "{dump}"
        );
        // RM003 has no phone (NULL, \N): not a field of what leaked.
        let agus = report["exposures"].as_array().unwrap().iter().find(|e| e["record"] == 3);
        if let Some(agus) = agus {
            assert!(!agus["fields"].as_array().unwrap().contains(&"no_hp".into()), "{dump}");
        }
    }
    // A CSV has no table.
    let out = scan(&[
        fixture("csv/comma.csv").as_os_str(),
        "-w".as_ref(),
        fixture("csv/people.csv").as_os_str(),
        "-f".as_ref(),
        "json".as_ref(),
    ]);
    assert!(json(&out.stdout)["exposures"][0].get("table").is_none());
}

#[test]
fn values_dob_is_the_records_birth_date_masked_to_its_year_unless_revealed() {
    let report = demo("2020-01-01");
    assert_eq!(exposure(&report, "P-001", 12)["values"]["dob"], "1988-**-**");
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("csv/comma.csv"))
        .arg("-w")
        .arg(fixture("csv/people.csv"))
        .args(["-f", "csv", "--reveal"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let w1 = rows.records().map(Result::unwrap).find(|r| &r[3] == "W1").unwrap();
    assert_eq!(&w1[10], "01-07-1990", "as found, with --reveal");
    // A record without a birth date has none.
    let report = json(
        &scan(&[
            fixture("csv/comma.csv").as_os_str(),
            "-w".as_ref(),
            fixture("csv/people.csv").as_os_str(),
            "-f".as_ref(),
            "json".as_ref(),
        ])
        .stdout,
    );
    assert!(exposure(&report, "W3", 4)["values"].get("dob").is_none());
}

#[test]
fn a_diagnosa_column_is_health_data_and_general_is_always_there() {
    let report = demo("2020-01-01");
    let e = exposure(&report, "P-001", 12);
    assert_eq!(
        e["fields"],
        serde_json::json!([
            "no_rm",
            "nik",
            "nama_pasien",
            "tgl_lahir",
            "jenis_kelamin",
            "alamat",
            "no_kk",
            "diagnosa"
        ])
    );
    assert_eq!(e["categories"], serde_json::json!(["general", "health"]));
    // The same records with no health column are general data only.
    let s = Scratch::new();
    let dump = s.write("d.csv", "nik,nama,alamat,catatan\n3174051203880003,Agus Salim Pratama,Jl. X,\n");
    let out = scan(&[
        dump.as_os_str(),
        "-w".as_ref(),
        fixture("demo/watchlist.csv").as_os_str(),
        "-f".as_ref(),
        "json".as_ref(),
    ]);
    let report = json(&out.stdout);
    assert_eq!(report["exposures"][0]["categories"], serde_json::json!(["general"]));
    assert_eq!(
        report["exposures"][0]["fields"],
        serde_json::json!(["nik", "nama", "alamat"]),
        "an empty column is not a field"
    );
}

#[test]
fn child_comes_from_the_records_own_dob_on_the_as_of_date() {
    // P-002's record 58 was born in 2015: a child in 2020 and in 2033, no longer on its 18th
    // birthday in 2033.
    let e = |as_of| exposure(&demo(as_of), "P-002", 58)["categories"].clone();
    assert_eq!(e("2020-01-01"), serde_json::json!(["general", "health", "child"]));
    let dob = exposure(&demo("2020-01-01"), "P-002", 58)["values"]["dob"].clone();
    assert_eq!(dob, "2015-**-**");
    assert_eq!(e("2060-01-01"), serde_json::json!(["general", "health"]));
    // An adult's record is no child's.
    assert_eq!(
        exposure(&demo("2020-01-01"), "P-001", 12)["categories"],
        serde_json::json!(["general", "health"])
    );
}

#[test]
fn as_of_must_be_a_real_date() {
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("csv/comma.csv"))
        .arg("-w")
        .arg(fixture("csv/people.csv"))
        .args(["--as-of", "2021-02-29"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

/// Fingerprint of each (watch, record's NIK cell) in a JSON report.
fn fingerprints(report: &serde_json::Value) -> BTreeSet<(String, String)> {
    report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["watch"].as_str().unwrap().to_string(), e["fingerprint"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn fingerprints_are_equal_across_a_renamed_reordered_gzipped_and_appended_copy() {
    let s = Scratch::new();
    let original = std::fs::read_to_string(fixture("demo/pasien.csv")).unwrap();
    let mut lines = original.split_inclusive('\n');
    let header = lines.next().unwrap();
    // Records, whole (one holds a newline inside quotes): split on lines that start a record.
    let mut records: Vec<String> = Vec::new();
    for line in lines {
        if line.starts_with("RM-") || records.is_empty() {
            records.push(line.to_string());
        } else if let Some(last) = records.last_mut() {
            last.push_str(line);
        }
    }
    records.reverse();
    let mut copy = header.to_string();
    copy.extend(records);
    copy.push_str("RM-999999,3174051203880003,Someone Else,01-01-1999,P,Jl. Baru,,,,,\n");
    let gz = s.path("renamed-leak.csv.gz");
    let mut enc =
        flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::default());
    enc.write_all(copy.as_bytes()).unwrap();
    enc.finish().unwrap();
    let run = |dump: &std::path::Path| {
        let out = scan(&[
            dump.as_os_str(),
            "-w".as_ref(),
            fixture("demo/watchlist.csv").as_os_str(),
            "-f".as_ref(),
            "json".as_ref(),
        ]);
        assert_eq!(out.status.code(), Some(1));
        json(&out.stdout)
    };
    let before = fingerprints(&run(&fixture("demo/pasien.csv")));
    let after = run(&gz);
    let after_set = fingerprints(&after);
    assert!(before.len() >= 10, "{before:?}");
    assert!(before.is_subset(&after_set), "every exposure keeps its fingerprint");
    // The appended record is the one new exposure: another record of P-001's NIK.
    let new: Vec<_> = after_set.difference(&before).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].0, "P-001");
}

#[test]
fn the_csv_report_has_the_1_1_header_and_joins_lists_with_plus() {
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("-w")
        .arg(fixture("demo/watchlist.csv"))
        .args(["-f", "csv", "--as-of", "2020-01-01"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(
        "input,record,line,watch,confidence,matched,nik,phone,email,name,dob,table,fields,categories,fingerprint,baseline\n"
    ));
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let p2 = rows.records().map(Result::unwrap).find(|r| &r[3] == "P-002").unwrap();
    assert_eq!(&p2[13], "general+health+child");
    assert!(p2[12].starts_with("no_rm+nik+nama_pasien+tgl_lahir"), "{}", &p2[12]);
    assert_eq!(p2[14].len(), 32);
    assert_eq!(&p2[15], "");
}

/// Scans the demo with `--baseline BASELINE` in `format`.
fn rescan(dump: &std::path::Path, baseline: &std::path::Path, format: &str) -> std::process::Output {
    leakcheck()
        .arg("scan")
        .arg(dump)
        .arg("-w")
        .arg(fixture("demo/watchlist.csv"))
        .arg("--baseline")
        .arg(baseline)
        .args(["-f", format])
        .output()
        .unwrap()
}

#[test]
fn with_a_baseline_only_new_exposures_fail_the_run() {
    let s = Scratch::new();
    for format in ["json", "ndjson"] {
        let baseline = s.path(&format!("baseline.{format}"));
        let out = leakcheck()
            .arg("scan")
            .arg(fixture("demo/pasien.csv"))
            .arg("-w")
            .arg(fixture("demo/watchlist.csv"))
            .args(["-f", format, "-o"])
            .arg(&baseline)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        // The same dump again: everything is known, exit 0, every exposure marked.
        let out = rescan(&fixture("demo/pasien.csv"), &baseline, "json");
        assert_eq!(out.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let report = json(&out.stdout);
        let exposures = report["exposures"].as_array().unwrap();
        assert!(exposures.iter().all(|e| e["baseline"] == true), "{format}");
        assert_eq!(report["summary"]["baseline_exposures"], exposures.len());
        assert_eq!(report["summary"]["new_exposed_records"], 0);
        assert_eq!(report["summary"]["exposed_records"], 9, "everything still counted");
        // --fail-on possible: known possible pairs do not count either.
        let out = leakcheck()
            .arg("scan")
            .arg(fixture("demo/pasien.csv"))
            .arg("-w")
            .arg(fixture("demo/watchlist.csv"))
            .arg("--baseline")
            .arg(&baseline)
            .args(["--fail-on", "possible"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
    // A new record of a watched person: exit 1, listed first, the rest after it.
    let dump = s.write(
        "grown.csv",
        std::fs::read_to_string(fixture("demo/pasien.csv")).unwrap()
            + "RM-999999,3174051203880003,Someone Else,01-01-1999,P,Jl. Baru,,,,,\n",
    );
    let out = rescan(&dump, &s.path("baseline.json"), "json");
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    let first = &report["exposures"][0];
    assert_eq!((first["record"].as_u64(), first.get("baseline")), (Some(301), None));
    assert_eq!(report["summary"]["new_exposed_records"], 1);
    let human = rescan(&dump, &s.path("baseline.json"), "human");
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("new since the baseline   1 exposed record"), "{text}");
    assert!(text.contains("exposed (baseline)"), "{text}");
}

#[test]
fn a_baseline_that_is_no_report_stops_the_run_with_one_line() {
    let s = Scratch::new();
    let not_json = s.write("b.json", "nik,nama\n3201014107900001,Budi\n");
    let not_report = s.write("c.json", "{\"exposures\":[]}");
    let old = s.write(
        "old.json",
        "{\"leakcheck\":\"0.1.0\",\"exposures\":[{\"input\":\"a\",\"record\":1,\"line\":2,\"watch\":\"P\",\"confidence\":\"exposed\",\"matched\":[\"nik\"],\"values\":{}}],\"summary\":{}}",
    );
    let keyed = s.write(
        "keyed.ndjson",
        "{\"type\":\"summary\",\"leakcheck\":\"0.1.0\",\"watchlists\":[{\"path\":\"w\",\"format\":\"hashed\",\"entries\":1,\"keyed\":true,\"sha256\":\"x\"}]}\n",
    );
    let cases = [
        (not_json, "not a leakcheck JSON or NDJSON report"),
        (not_report, "no \"leakcheck\" version"),
        (old, "no fingerprint"),
        (keyed, "that scan was keyed and this one is not keyed"),
        (s.path("missing.json"), "missing.json"),
    ];
    for (baseline, why) in cases {
        let out = rescan(&fixture("demo/pasien.csv"), &baseline, "json");
        assert_eq!(out.status.code(), Some(2), "{why}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(why) && err.contains("--baseline"), "{err}");
        assert!(!err.contains("3201014107900001"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn report_people_matches_a_hand_count_of_the_demo() {
    let s = Scratch::new();
    let report = s.path("scan.ndjson");
    leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("-w")
        .arg(fixture("demo/watchlist.csv"))
        .args(["-f", "ndjson", "--as-of", "2020-01-01", "-o"])
        .arg(&report)
        .assert()
        .code(1);
    let out = leakcheck().args(["report", "people"]).arg(&report).args(["-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let people = json(&out.stdout);
    // By hand, from fixtures/demo/expected.csv: P-001…P-005, P-007, P-008 once each, P-012 in
    // records 268 and 283; P-006 twice by name only; P-009…P-011 not at all.
    let rows: Vec<(String, String, u64)> = people["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["label"].as_str().unwrap().into(),
                p["confidence"].as_str().unwrap().into(),
                p["records"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64)> = [
        ("P-001", "exposed", 1),
        ("P-002", "exposed", 1),
        ("P-003", "exposed", 1),
        ("P-004", "exposed", 1),
        ("P-005", "exposed", 1),
        ("P-007", "exposed", 1),
        ("P-008", "exposed", 1),
        ("P-012", "exposed", 2),
        // Record 177 has P-006's name with another birth date: ruled out (SPEC §6 1.1).
        ("P-006", "possible", 1),
    ]
    .iter()
    .map(|(l, c, n)| (l.to_string(), c.to_string(), *n))
    .collect();
    assert_eq!(rows, want);
    let p12 = &people["people"][7];
    assert_eq!(p12["kinds"], serde_json::json!(["nik", "phone", "name_dob"]));
    assert_eq!((p12["first"]["record"].as_u64(), p12["last"]["record"].as_u64()), (Some(268), Some(283)));
    assert_eq!(people["people"][1]["categories"], serde_json::json!(["general", "health", "child"]));
    assert_eq!(people["summary"]["exposed_people"], 8);
    assert_eq!(people["summary"]["possible_people"], 1);
    assert_eq!(people["summary"]["people_with_specific_data"], 8, "every record has a diagnosa");
    // The same from the JSON report, and from standard input; CSV through -o.
    let json_report = s.path("scan.json");
    leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("-w")
        .arg(fixture("demo/watchlist.csv"))
        .args(["-f", "json", "--as-of", "2020-01-01", "-o"])
        .arg(&json_report)
        .assert()
        .code(1);
    let from_stdin = leakcheck()
        .args(["report", "people", "-", "-f", "json"])
        .write_stdin(std::fs::read(&json_report).unwrap())
        .output()
        .unwrap();
    assert_eq!(json(&from_stdin.stdout), people);
    let csv_out = s.path("people.csv");
    leakcheck()
        .args(["report", "people"])
        .arg(&report)
        .args(["-f", "csv", "-o"])
        .arg(&csv_out)
        .assert()
        .code(0);
    let csv_text = std::fs::read_to_string(&csv_out).unwrap();
    assert_eq!(csv_text.lines().count(), 10, "{csv_text}");
    assert!(csv_text.contains("P-012,exposed,nik+phone+name_dob,"), "{csv_text}");
}

#[test]
fn report_people_refuses_what_is_not_a_report_with_one_line() {
    let out = leakcheck().args(["report", "people"]).arg(fixture("demo/pasien.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("pasien.csv") && err.contains("not a leakcheck"), "{err}");
    let out = leakcheck().args(["report", "people", "/nonexistent/r.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // -o onto the report it reads is refused, and the report stays as it was.
    let s = Scratch::new();
    let report = s.write("r.ndjson", "{\"type\":\"summary\",\"leakcheck\":\"0.1.0\"}\n");
    let out = leakcheck().args(["report", "people"]).arg(&report).arg("-o").arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "{\"type\":\"summary\",\"leakcheck\":\"0.1.0\"}\n");
}

#[test]
fn a_first_record_read_as_the_header_shows_no_cell_of_it_as_a_field() {
    let s = Scratch::new();
    let dump = s.write(
        "hl.csv",
        "3201014107900001,Budi Santoso,budi@x.co.id,Jl. Mawar 1\n3201014107900001,Ani,ani@x.co.id,Jl. X\n",
    );
    let watch = s.write("w.txt", "nik:3201014107900001\n");
    let out = scan(&[dump.as_os_str(), "-w".as_ref(), watch.as_os_str(), "-f".as_ref(), "json".as_ref()]);
    let report = json(&out.stdout);
    let fields = &report["exposures"][0]["fields"];
    assert_eq!(*fields, serde_json::json!(["column 1", "column 2", "column 3", "column 4"]), "{report}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Budi"));
}

#[test]
fn a_baseline_of_other_watchlists_is_warned_about() {
    let s = Scratch::new();
    let baseline = s.path("baseline.json");
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("-w")
        .arg(fixture("demo/watchlist.csv"))
        .args(["-f", "json", "-o"])
        .arg(&baseline)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let warned = |stderr: &str, report: &serde_json::Value| {
        let in_report = report["summary"]["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(report["warnings"].as_array().into_iter().flatten())
            .any(|w| w.as_str().is_some_and(|w| w.contains("other watchlists")));
        (stderr.contains("other watchlists") && stderr.contains("another person"), in_report)
    };
    // The same watchlist: no warning.
    let out = rescan(&fixture("demo/pasien.csv"), &baseline, "json");
    assert_eq!(warned(&String::from_utf8_lossy(&out.stderr), &json(&out.stdout)), (false, false));
    // An edited watchlist: its labels may name other people now.
    let edited =
        s.write("watchlist.csv", std::fs::read_to_string(fixture("demo/watchlist.csv")).unwrap() + "\n");
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("-w")
        .arg(&edited)
        .arg("--baseline")
        .arg(&baseline)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(warned(&stderr, &json(&out.stdout)), (true, true), "{stderr}");
}
