//! `leakcheck report html` from the outside (SPEC §11): the demo's page as a snapshot, standard
//! output, refusals and errors. The page in a real browser is `tests/html_browser.rs`.

use crate::common;
use common::*;

use std::path::PathBuf;

fn demo_report(scratch: &Scratch) -> PathBuf {
    let report = scratch.path("demo.json");
    // Inputs by relative path: the report, and so the page, name them as a user's would.
    leakcheck()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", "fixtures/demo/pasien.csv", "--watch", "fixtures/demo/watchlist.csv"])
        .args(["--format", "json", "-o"])
        .arg(&report)
        .assert()
        .code(1);
    report
}

#[test]
fn the_demo_page() {
    // Stable: the page holds no time of its own, and names the report by its file name only.
    let scratch = Scratch::new();
    let report = demo_report(&scratch);
    let html = scratch.path("demo.html");
    leakcheck().args(["report", "html"]).arg(&report).arg("-o").arg(&html).assert().success().stdout("");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains(&scratch.dir().display().to_string()), "the page names a temporary directory");
    insta::assert_snapshot!(page);
}

#[test]
fn dash_writes_the_page_to_standard_output_in_english() {
    let scratch = Scratch::new();
    let report = demo_report(&scratch);
    let out = leakcheck().args(["report", "html", "--lang", "en", "-o", "-"]).arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.trim_end().ends_with("</html>"));
}

#[test]
fn a_file_that_is_not_a_report_is_one_line_naming_it_and_exit_2_and_no_page() {
    let scratch = Scratch::new();
    let dump = scratch.write("pasien.csv", "nik,nama\n3201014107900001,Budi\n");
    let html = scratch.path("out.html");
    let out = leakcheck().args(["report", "html"]).arg(&dump).arg("-o").arg(&html).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("pasien.csv:1") && !err.contains("3201014107900001"), "{err}");
    assert!(!html.exists());
}

#[test]
fn the_page_never_replaces_its_own_report() {
    let scratch = Scratch::new();
    let report = demo_report(&scratch);
    let before = std::fs::read(&report).unwrap();
    let out = leakcheck().args(["report", "html"]).arg(&report).arg("-o").arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&report).unwrap(), before);
}

#[test]
fn help_shows_an_example_and_o_is_required() {
    let out = leakcheck().args(["report", "html", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("leakcheck report html scan.json -o leak.html"), "{help}");
    assert!(help.contains("--lang"));
    let out = leakcheck().args(["report", "html", "r.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--output"));
}

#[test]
fn an_incomplete_scan_or_one_shard_gets_a_banner_and_a_warning_and_people_says_it() {
    let scratch = Scratch::new();
    let report = demo_report(&scratch);
    let mut scan: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    scan["summary"]["complete"] = false.into();
    let incomplete = scratch.write("incomplete.json", serde_json::to_string(&scan).unwrap());
    scan["summary"]["complete"] = true.into();
    scan["shard"] = serde_json::json!({"k": 2, "n": 3, "walk": ["pasien.csv"], "set_aside": 0});
    let shard = scratch.write("shard.json", serde_json::to_string(&scan).unwrap());
    for (path, warning, banner) in [
        (&incomplete, "the scan is incomplete", "Pemindaian tidak lengkap"),
        (&shard, "the report of shard 2/3 of a scan only", "Hanya laporan satu bagian pemindaian"),
    ] {
        let html = scratch.path("page.html");
        let out = leakcheck().args(["report", "html"]).arg(path).arg("-o").arg(&html).assert().code(0);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains(warning), "{err}");
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("role=\"alert\" id=\"partial\"") && page.contains(banner), "{page}");
        let out = leakcheck().args(["report", "people", "--format", "json"]).arg(path).assert().code(0);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains(warning), "{err}");
        let people: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(people["summary"]["complete"], false, "{people}");
    }
    // A whole, complete scan: no banner, no warning, no `complete` in people's summary.
    let out = leakcheck().args(["report", "people", "--format", "json"]).arg(&report).assert().code(0);
    assert!(out.get_output().stderr.is_empty());
    let people: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(people["summary"].get("complete").is_none(), "{people}");
}
