//! Regressions for the SPEC-conformance tester's findings (session 9): each test is named after
//! what broke and runs the real binary.

use crate::common;

use common::{Scratch, json, leakcheck};
use std::process::Output;

/// The one watched NIK of these tests.
const WATCH: &str = "nik:3201014107900001\n";
/// A CSV that holds the watched NIK once.
const WATCHED: &str = "id,nik,nama\nP1,3201014107900001,Budi\n";

/// `scan --watch w.txt ARGS… -j1 EXTRA…` run in the scratch directory.
fn scan(s: &Scratch, args: &[&str], extra: &[&str]) -> Output {
    let watch = s.write("w.txt", WATCH);
    let mut cmd = leakcheck();
    cmd.current_dir(s.dir()).arg("scan").arg("--watch").arg(watch).args(args).arg("-j1").args(extra);
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The report's `skipped` as (path, reason, error).
fn skipped(report: &serde_json::Value) -> Vec<(String, String, bool)> {
    let list = report["skipped"].as_array().cloned().unwrap_or_default();
    list.iter()
        .map(|s| {
            let path = s["path"].as_str().unwrap_or_default().to_string();
            (
                path,
                s["reason"].as_str().unwrap_or_default().to_string(),
                s["error"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

/// Scans `a.csv` (one watched record) and `other` named on the command line, with `-o`: the run
/// goes on, exits 2 and writes its report, incomplete, listing `other` as an error.
fn assert_named_input_listed_and_the_rest_scanned(s: &Scratch, other: &str, reason: &str) {
    s.write("a.csv", WATCHED);
    let out = scan(s, &["a.csv", other], &["-f", "json", "-o", "report.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{other}: {reason}")), "{}", stderr(&out));
    let report = json(&std::fs::read(s.path("report.json")).expect("the report is written"));
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(skipped(&report), [(other.to_string(), reason.to_string(), true)]);
    assert_eq!(report["exposures"].as_array().map(Vec::len), Some(1), "a.csv is scanned: {report}");
}

#[test]
fn a_dangling_symlink_named_on_the_command_line_is_listed_and_the_rest_scanned() {
    let s = Scratch::new();
    std::os::unix::fs::symlink(s.path("gone.csv"), s.path("dangling.csv")).unwrap();
    assert_named_input_listed_and_the_rest_scanned(&s, "dangling.csv", "a symbolic link to nothing");
}

#[test]
fn a_missing_path_named_on_the_command_line_is_listed_and_the_rest_scanned() {
    let s = Scratch::new();
    assert_named_input_listed_and_the_rest_scanned(&s, "missing.csv", "no such file or directory");
}

#[test]
fn a_missing_path_alone_writes_an_incomplete_report_to_stdout_and_exits_2() {
    let s = Scratch::new();
    let out = scan(&s, &["missing.csv"], &["-f", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(
        skipped(&report),
        [("missing.csv".to_string(), "no such file or directory".to_string(), true)]
    );
}

/// `scan NAME` with `contents`: the watched NIK in it is found (exit 1), whatever the
/// JSON-family name says.
fn assert_read_by_content(name: &str, contents: &str, format: &str) {
    let s = Scratch::new();
    s.write(name, contents);
    let out = scan(&s, &[name], &["-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["bad_records"], 0, "{name}: {report}");
    assert_eq!(report["exposures"].as_array().map(Vec::len), Some(1), "{name}: {report}");
    let inspected = leakcheck().current_dir(s.dir()).args(["inspect", name]).output().unwrap();
    let shown = String::from_utf8_lossy(&inspected.stdout);
    assert!(shown.contains(&format!("format {format}")), "{name}: inspect shows another format: {shown}");
}

#[test]
fn a_json_array_named_jsonl_or_ndjson_is_read_as_json() {
    let array = "[{\"nik\":\"3174051203880003\"},{\"nik\":\"3201014107900001\"}]\n";
    assert_read_by_content("arr.jsonl", array, "json");
    let pretty = "\u{feff}\n[\n  {\n    \"nik\": \"3201014107900001\"\n  }\n]\n";
    assert_read_by_content("arr.ndjson", pretty, "json");
}

#[test]
fn a_csv_or_a_mysqldump_named_json_is_read_by_its_content() {
    assert_read_by_content("export.json", "nik,nama\n3201014107900001,Budi\n", "csv");
    let dump =
        "-- MySQL dump 10.13\nINSERT INTO `pasien` (`nik`,`nama`) VALUES ('3201014107900001','Budi');\n";
    assert_read_by_content("dump.json", dump, "sql");
    assert_read_by_content("export.jsonl", "nik;nama\n3201014107900001;Budi\n", "csv");
}

#[test]
fn a_title_line_before_json_lines_named_jsonl_keeps_them_ndjson() {
    // Read as CSV by its first line, the JSON lines were one unplanned column: a false CLEAR.
    for (name, title) in
        [("cm.jsonl", "# export pasien, 2024-01-01"), ("cm2.ndjson", "Export of pasien table")]
    {
        let s = Scratch::new();
        let body = "{\"nik\": \"3201014107900001\", \"nama\": \"Siti\"}\n{\"nik\": \"3174051203880005\", \"nama\": \"Budi\"}\n";
        s.write(name, format!("{title}\n{body}"));
        let out = scan(&s, &[name], &["-f", "json"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert_eq!(json(&out.stdout)["summary"]["bad_records"], 1, "{name}: the title line");
    }
}

#[test]
fn a_jsonl_of_array_lines_counts_each_line_not_one_document() {
    // Read as one JSON document, 2,000 array lines were folded into one bad record.
    let s = Scratch::new();
    let lines: String = (0..2_000).map(|i| format!("[{{\"nik\": \"3174051203{i:06}\"}}]\n")).collect();
    s.write("arr3.jsonl", lines);
    let out = scan(&s, &["arr3.jsonl"], &["-f", "json"]);
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["records"], 2_000, "{report}");
    assert_eq!(report["summary"]["bad_records"], 2_000, "{report}");
}

#[test]
fn the_same_file_given_twice_is_scanned_once_and_the_repeat_listed() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("d")).unwrap();
    s.write("d/a.csv", WATCHED);
    for (args, repeat, first) in [
        (&["d/a.csv", "d/a.csv"][..], "d/a.csv", "d/a.csv"),
        (&["d/a.csv", "./d/a.csv"][..], "./d/a.csv", "d/a.csv"),
        (&["d", "d/a.csv"][..], "d/a.csv", "d/a.csv"),
    ] {
        let out = scan(&s, args, &["-f", "json"]);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let report = json(&out.stdout);
        assert_eq!(report["exposures"].as_array().map(Vec::len), Some(1), "{args:?}: {report}");
        assert_eq!(report["summary"]["records"], 1, "{args:?}");
        let reason = format!("the same file as {first}, which is scanned once");
        assert_eq!(skipped(&report), [(repeat.to_string(), reason, false)], "{args:?}");
    }
}

#[test]
fn standard_input_that_is_a_file_given_also_by_path_is_scanned_once() {
    // Regression (hostile9-A item 7): `scan - d/a.csv < d/a.csv` and `scan - /dev/stdin <
    // d/a.csv` reported the one record twice: `-` was left out of the same-file check.
    let s = Scratch::new();
    std::fs::create_dir(s.path("d")).unwrap();
    let path = s.write("d/a.csv", WATCHED);
    for (args, repeat) in [(&["-", "d/a.csv"][..], "d/a.csv"), (&["-", "/dev/stdin"][..], "/dev/stdin")] {
        let watch = s.write("w.txt", WATCH);
        // A std `Command`: standard input is the file itself, not a pipe of its bytes.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_leakcheck"))
            .current_dir(s.dir())
            .env_remove("NO_COLOR")
            .arg("scan")
            .arg("--watch")
            .arg(watch)
            .args(args)
            .args(["-j1", "-f", "json"])
            .stdin(std::fs::File::open(&path).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let report = json(&out.stdout);
        assert_eq!(report["exposures"].as_array().map(Vec::len), Some(1), "{args:?}: {report}");
        assert_eq!(report["summary"]["records"], 1, "{args:?}");
        let reason = "the same file as -, which is scanned once".to_string();
        assert_eq!(skipped(&report), [(repeat.to_string(), reason, false)], "{args:?}");
    }
}

#[test]
fn an_empty_leakcheck_key_is_refused_not_taken_for_no_key() {
    let s = Scratch::new();
    let watch = s.write("w.txt", WATCH);
    let out = leakcheck().arg("hash").arg(&watch).env("LEAKCHECK_KEY", "").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no unkeyed list is written");
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("LEAKCHECK_KEY") && message.contains("at least 16"), "{message}");
}

#[test]
fn normalize_phone_prints_each_number_of_a_field_even_beside_a_bad_one() {
    let out = leakcheck().args(["normalize", "phone", "0812-3456-7890 / 0841"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "one number is invalid");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.starts_with("+6281234567890, invalid: ") && shown.lines().count() == 1, "{shown}");
}

#[test]
fn an_e_mail_json_key_is_one_star_in_fields_not_the_whole_path() {
    let s = Scratch::new();
    s.write("f.ndjson", "{\"nik\":\"3201014107900001\",\"a\":{\"budi@rs.go.id\":{\"x\":1}}}\n");
    let out = scan(&s, &["f.ndjson"], &["-f", "json"]);
    let report = json(&out.stdout);
    assert_eq!(report["exposures"][0]["fields"], serde_json::json!(["a.*.x", "nik"]), "{report}");
}

#[test]
fn inspect_counts_dates_with_a_weekday_a_month_first_or_a_place_as_valid() {
    let s = Scratch::new();
    s.write(
        "dv.csv",
        "nama;tgl_lahir\nA;Kamis, 10 April 1967\nB;June 16, 2022\nC;Bandung, 17 Agustus 1945\nD;17-08-1945\n",
    );
    let out = leakcheck().current_dir(s.dir()).args(["inspect", "dv.csv"]).output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = shown.lines().find(|l| l.trim_start().starts_with("tgl_lahir")).unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells.get(8), Some(&"100%"), "the dob share: {shown}");
}

#[test]
fn the_no_role_warning_says_only_the_first_1000_records_were_sniffed() {
    let s = Scratch::new();
    let mut csv = String::from("kolom,lain\n");
    for _ in 0..1_000 {
        csv.push_str("x,y\n");
    }
    csv.push_str("3201014107900001,y\n");
    s.write("late.csv", csv);
    let out = scan(&s, &["late.csv"], &["-f", "json"]);
    let message = stderr(&out);
    assert!(message.contains("first 1,000 records") && !message.contains("in any record"), "{message}");
}
