//! Tab-separated inputs in their two dialects (SPEC §5): quoted like CSV (spreadsheets) and
//! escaped with backslashes (database tools), detected from content or forced with
//! `--tsv-dialect`; a quoted field that runs away makes the input escaped, with a warning.

use crate::common;

use common::{Scratch, json, leakcheck};

/// A watched NIK (on the watchlist the tests write).
const WATCHED: &str = "3201014107900001";

fn scan(s: &Scratch, dump: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let watch = s.write("watch.txt", format!("{WATCHED}\n"));
    let out = leakcheck()
        .arg("scan")
        .arg(s.path(dump))
        .arg("--watch")
        .arg(watch)
        .args(["-f", "json", "-j2"])
        .args(extra)
        .output()
        .unwrap();
    (out.status.code(), json(&out.stdout), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A TSV that looks quoted in its first 64 KiB, then has a note starting with `"` whose quote
/// only closes 12,000 lines below: read as quoted, the watched person below it is swallowed and
/// the run says CLEAR; past 10,000 lines the input is read as escaped from that record on.
#[test]
fn a_quote_running_over_10000_lines_of_a_tsv_makes_it_escaped_with_a_warning() {
    let s = Scratch::new();
    let mut tsv = String::from("nik\tnama\tcatatan\n");
    for i in 0..3_000 {
        tsv.push_str(&format!("32010141079{:05}\tPasien {i}\t\"catatan\"\n", 10_000 + i));
    }
    tsv.push_str("3201014107912999\tAni\t\"starts with a quote\n");
    for i in 0..12_000 {
        if i == 6_000 {
            tsv.push_str(&format!("{WATCHED}\tSiti\tnote\n"));
        } else {
            tsv.push_str(&format!("32010141079{:05}\tPasien\tnote {i}\n", 20_000 + i % 9_999));
        }
    }
    tsv.push_str("3201014107930000\tBudi\tsaid \"hi\n");
    s.write("export.tsv", &tsv);
    let (code, report, stderr) = scan(&s, "export.tsv", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["inputs"][0]["records"], 3_000 + 1 + 12_000 + 1);
    assert_eq!(report["inputs"][0]["bad_records"], 0);
    assert_eq!(report["exposures"][0]["record"], 9_002);
    assert_eq!(report["exposures"][0]["line"], 9_003);
    assert!(
        stderr.contains(
            "export.tsv: a quoted field starting at record 3001 (line 3002) runs over more than 10000 lines"
        ),
        "{stderr}"
    );
    assert!(report["warnings"].to_string().contains("read as escaped"), "{}", report["warnings"]);
    // Forced quoted, the run reads it as before, and misses the person.
    let (code, report, _) = scan(&s, "export.tsv", &["--tsv-dialect", "quoted"]);
    assert_eq!(code, Some(0));
    assert_eq!(report["inputs"][0]["records"], 3_001);
}

/// Excel's tab-delimited text quotes cells with tabs, quotes and line breaks: still quoted.
#[test]
fn a_spreadsheet_tsv_stays_quoted_and_escaped_can_be_forced() {
    let s = Scratch::new();
    s.write(
        "excel.tsv",
        format!("nik\tcatatan\n3201014107900002\t\"a\tb\"\n{WATCHED}\t\"two\nlines \"\"quoted\"\"\"\n"),
    );
    let (code, report, stderr) = scan(&s, "excel.tsv", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["exposures"][0]["record"], 2);
    let out = leakcheck().args(["inspect", "-f", "json"]).arg(s.path("excel.tsv")).output().unwrap();
    assert_eq!(json(&out.stdout)["inputs"][0]["tsv_dialect"], "quoted");
    // Forced escaped, a `"` is text and the quoted tab splits the cell.
    s.write("db.tsv", format!("nik\tcatatan\n\"{WATCHED}\t\\N\n"));
    let (code, report, _) = scan(&s, "db.tsv", &["--tsv-dialect", "escaped"]);
    assert_eq!(code, Some(0), "the NIK is `\"3201…`: not a NIK");
    assert_eq!(report["inputs"][0]["records"], 1);
}

/// `mysqldump --tab` and `COPY … TO` write no header: an escaped TSV whose first row holds a
/// NIK is read from that row, not robbed of it as a header.
#[test]
fn an_escaped_tsv_whose_first_row_is_data_is_headerless() {
    let s = Scratch::new();
    s.write("pasien.txt", format!("{WATCHED}\tBudi\tC:\\\\data\\\\\n3201014107900002\tAni\t\\N\n"));
    let (code, report, stderr) = scan(&s, "pasien.txt", &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["inputs"][0]["records"], 2);
    assert_eq!(report["exposures"][0]["record"], 1);
    assert_eq!(report["exposures"][0]["line"], 1);
}
