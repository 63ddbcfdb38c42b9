//! Runs that cannot be a CLEAR: directory entries that cannot be read, inputs that hold no
//! record, inputs whose values look like no rule foresaw them; and the report's `skipped` and
//! `warnings`, which say so (SPEC §7 and §8, 1.1).

use crate::common;

use common::{Scratch, fixture, json, leakcheck};
use std::path::Path;
use std::process::Output;

/// A NIK on `fixtures/csv/plain.txt`, and a CSV that holds it.
const WATCHED: &str = "nik,nama\n3201014107900001,Budi\n";
/// A CSV whose one NIK is not watched.
const UNWATCHED: &str = "nik,nama\n3201014107900002,Ani\n";

fn scan(args: &[&Path], extra: &[&str]) -> Output {
    let mut cmd = leakcheck();
    cmd.arg("scan").args(args).arg("--watch").arg(fixture("csv/plain.txt")).args(["-j1"]).args(extra);
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The report's `skipped` as (file name, reason, error).
fn skipped(report: &serde_json::Value) -> Vec<(String, String, bool)> {
    report["skipped"]
        .as_array()
        .expect("skipped is an array")
        .iter()
        .map(|s| {
            let path = Path::new(s["path"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into();
            (path, s["reason"].as_str().unwrap().to_string(), s["error"].as_bool().unwrap())
        })
        .collect()
}

/// Scans `dir` (one watched record in `a.csv` beside what the test put there) with `-o`: the
/// run goes on, exits 2, and still writes its report, incomplete, listing `entry` as an error.
fn assert_listed_and_the_rest_scanned(s: &Scratch, dir: &Path, entry: &str, reason: &str) {
    let report = s.path("report.json");
    let out = scan(&[dir], &["-f", "json", "-o", report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{entry}: {reason}")), "{}", stderr(&out));
    // A missing file was never read: no words about reading it "to their end".
    assert!(stderr(&out).contains("1 input could not be read, or not to its end"), "{}", stderr(&out));
    let report = json(&std::fs::read(&report).expect("the report is written"));
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(skipped(&report), [(entry.to_string(), reason.to_string(), true)]);
    assert_eq!(report["exposures"].as_array().unwrap().len(), 1, "a.csv is scanned");
    assert_eq!(report["summary"]["records"], 1);
    assert!(report["warnings"][0].as_str().unwrap().contains(reason), "{report}");
}

#[test]
fn a_dangling_symlink_in_a_directory_is_listed_and_the_rest_scanned() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("leak")).unwrap();
    s.write("leak/a.csv", WATCHED);
    std::os::unix::fs::symlink(s.path("leak/gone.csv"), s.path("leak/b.csv")).unwrap();
    assert_listed_and_the_rest_scanned(&s, &s.path("leak"), "b.csv", "a symbolic link to nothing");
}

#[test]
fn a_symlink_loop_in_a_directory_is_listed_and_the_rest_scanned() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("leak/sub")).unwrap();
    s.write("leak/a.csv", WATCHED);
    std::os::unix::fs::symlink(s.path("leak"), s.path("leak/sub/up")).unwrap();
    assert_listed_and_the_rest_scanned(&s, &s.path("leak"), "up", "a symbolic link loop");
}

/// Even root cannot read `/proc/self/mem` from offset 0 (nothing is mapped there): an
/// unreadable file that works where tests run as root, where `chmod 000` stops nothing.
#[test]
fn an_unreadable_file_is_listed_and_the_report_still_written() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("leak")).unwrap();
    s.write("leak/a.csv", WATCHED);
    std::os::unix::fs::symlink("/proc/self/mem", s.path("leak/mem.csv")).unwrap();
    assert_listed_and_the_rest_scanned(
        &s,
        &s.path("leak"),
        "mem.csv",
        "read error: Input/output error (os error 5)",
    );
}

/// `chmod 000`, where it stops a read: not as root (CI), which is then told and skipped.
#[test]
fn a_file_without_read_permission_is_listed_and_the_report_still_written() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    std::fs::create_dir(s.path("leak")).unwrap();
    s.write("leak/a.csv", WATCHED);
    let locked = s.write("leak/locked.csv", UNWATCHED);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("skipped: running as root, chmod 000 does not stop a read");
        return;
    }
    let reason = "cannot be read: Permission denied (os error 13)";
    assert_listed_and_the_rest_scanned(&s, &s.path("leak"), "locked.csv", reason);
}

/// The report as `-o` wrote it, after checking the run exited 2 and said nothing was checked.
fn assert_nothing_checked(s: &Scratch, inputs: &[&Path]) -> serde_json::Value {
    let report = s.path("report.json");
    let out = scan(inputs, &["-f", "json", "-o", report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no record was read, so nothing was checked"), "{}", stderr(&out));
    let report = json(&std::fs::read(&report).expect("the report is written"));
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(report["summary"]["records"], 0);
    report
}

#[test]
fn inputs_that_are_all_empty_are_exit_2_not_clear() {
    let s = Scratch::new();
    let (a, b) = (s.write("a.csv", ""), s.write("b.ndjson", "\n\n"));
    let report = assert_nothing_checked(&s, &[&a, &b]);
    assert_eq!(report["warnings"].as_array().unwrap().len(), 2, "{report}");
    // Standard input that brings nothing is no CLEAR either.
    let out = leakcheck().args(["scan", "-", "--watch"]).arg(fixture("csv/plain.txt")).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("NOTHING CHECKED"));
}

#[test]
fn a_header_only_csv_is_exit_2_not_clear() {
    let s = Scratch::new();
    let dump = s.write("header.csv", "nik,nama,no_hp\n");
    assert_nothing_checked(&s, &[&dump]);
}

#[test]
fn a_directory_of_only_pngs_is_exit_2_and_lists_them() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("scans")).unwrap();
    for name in ["1.png", "2.png"] {
        s.write(&format!("scans/{name}"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    }
    let report = assert_nothing_checked(&s, &[&s.path("scans")]);
    let png = |name: &str| (name.to_string(), "a PNG image".to_string(), false);
    assert_eq!(skipped(&report), [png("1.png"), png("2.png")]);
    assert_eq!(report["summary"]["skipped_files"], 2);
}

/// Records read but bad count as read: the run checked what there was.
#[test]
fn a_dump_of_only_bad_records_is_read_not_empty() {
    let s = Scratch::new();
    let dump = s.write("bad.csv", "nik,nama\n3201014107900002,\"never closed\n");
    let out = scan(&[&dump], &["-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out.stdout)["summary"]["bad_records"], 1);
}

#[test]
fn one_good_input_and_one_non_dump_exit_by_the_findings() {
    let s = Scratch::new();
    let pdf = s.write("report.pdf", "%PDF-1.7\n");
    for (dump, code) in [(UNWATCHED, 0), (WATCHED, 1)] {
        let csv = s.write("a.csv", dump);
        let out = scan(&[&csv, &pdf], &["-f", "ndjson"]);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let summary = json(text.lines().last().unwrap().as_bytes());
        assert_eq!(summary["type"], "summary");
        assert_eq!(summary["complete"], true);
        assert_eq!(skipped(&summary), [("report.pdf".to_string(), "a PDF document".to_string(), false)]);
        assert_eq!(
            summary["warnings"],
            serde_json::json!([format!("{}: skipped, it is a PDF document", pdf.display())])
        );
    }
}

/// A hostile test: an archive, a bzip2 stream or UTF-32 text beside a clean dump was skipped
/// as "not a dump" and the run was CLEAR, though the people in it were never checked.
#[test]
fn an_archive_or_text_it_cannot_read_makes_the_run_incomplete() {
    let s = Scratch::new();
    let zip = s.write("leak.zip", b"PK\x03\x04\x14\0\0\0\0\0");
    let bz2 = s.write("leak.csv.bz2", b"BZh91AY&SY");
    let utf32 = s.write("u32.csv", b"\xff\xfe\0\0n\0\0\0i\0\0\0");
    let csv = s.write("a.csv", UNWATCHED);
    let out = scan(&[&csv, &zip, &bz2, &utf32], &["-f", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(report["summary"]["records"], 1, "the CSV is still scanned");
    let errors: Vec<bool> = skipped(&report).into_iter().map(|(_, _, error)| error).collect();
    assert_eq!(errors, [true, true, true]);
}

/// A NIK column as a spreadsheet writes it (`3.20101E+15`: digits lost) fails no record, so
/// the run would be a CLEAR that checked nothing: a warning, and an error under `--strict`.
#[test]
fn a_nik_column_of_spreadsheet_floats_is_warned_and_strict_stops() {
    let s = Scratch::new();
    let rows = |n: usize| {
        let mut text = "nik,nama\n".to_string();
        for i in 0..n {
            text.push_str(&format!("3.20101E+15,Budi {}\n", i + 1));
        }
        text
    };
    let dump = s.write("export.csv", rows(25));
    let out = scan(&[&dump], &["-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "a warning: {}", stderr(&out));
    let warning = "export.csv: 25 of 25 nik values are invalid (100%)";
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert!(report["warnings"][0].as_str().unwrap().contains(warning), "{report}");
    assert_eq!(report["summary"]["complete"], true);

    let report = s.path("report.json");
    let out = scan(&[&dump], &["--strict", "-o", report.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--strict is set"), "{}", stderr(&out));
    assert!(!report.exists(), "a run --strict stopped writes no report");

    // Under 20 values, one bad value in a small dump is no suspect input.
    let small = s.write("small.csv", rows(19));
    let out = scan(&[&small], &["--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// 95 % is the line: 19 invalid of 20 warns, 18 of 20 does not.
#[test]
fn the_invalid_share_guard_starts_at_95_percent() {
    let s = Scratch::new();
    for (invalid, warned) in [(19, true), (18, false)] {
        let mut text = "no_hp\n".to_string();
        for i in 0..20 {
            text.push_str(if i < invalid { "12\n" } else { "081234567890\n" });
        }
        let dump = s.write("phones.csv", text);
        let out = scan(&[&dump], &["-f", "json"]);
        let report = json(&out.stdout);
        let warnings = report["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), usize::from(warned), "{invalid} of 20: {report}");
        if warned {
            assert!(
                warnings[0].as_str().unwrap().contains("19 of 20 phone values are invalid (95%)"),
                "{report}"
            );
        }
    }
}

#[test]
fn an_input_where_no_value_has_a_role_is_warned_and_strict_stops() {
    let s = Scratch::new();
    let dump = s.write("menu.csv", "item,harga\nnasi goreng,15000\n");
    let out = scan(&[&dump], &["-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out.stdout);
    assert!(
        report["warnings"][0].as_str().unwrap().contains("no NIK, phone, e-mail, name or birth date"),
        "{report}"
    );
    let out = scan(&[&dump], &["--strict"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// The human report says what was not scanned and why, and repeats the warnings.
#[test]
fn the_human_report_lists_what_was_not_scanned_and_the_warnings() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("leak")).unwrap();
    s.write("leak/a.csv", WATCHED);
    s.write("leak/c.csv", "");
    std::os::unix::fs::symlink(s.path("leak/gone.csv"), s.path("leak/b.csv")).unwrap();
    let out = scan(&[&s.path("leak")], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "INCOMPLETE: 1 input could not be read in full; the counts below cover what was read"
        ),
        "{text}"
    );
    assert!(text.contains("\nEXPOSED: 1 of 4 watched entries"), "{text}");
    assert!(
        text.contains("  not scanned:\n    ") && text.contains("b.csv: a symbolic link to nothing (error)\n"),
        "{text}"
    );
    assert!(text.contains("  warnings:\n") && text.contains("c.csv: no records\n"), "{text}");
}

/// `inspect` walks a directory as `scan` does: a link to nothing is warned about, not the end.
#[test]
fn inspect_warns_about_a_dangling_symlink_and_inspects_the_rest() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("leak")).unwrap();
    s.write("leak/a.csv", WATCHED);
    std::os::unix::fs::symlink(s.path("leak/gone.csv"), s.path("leak/b.csv")).unwrap();
    let out = leakcheck().arg("inspect").arg(s.path("leak")).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("b.csv: skipped, a symbolic link to nothing"), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("a.csv"));
}
