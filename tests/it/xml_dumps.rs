//! `mysqldump --xml` dumps (SPEC §5): each `<table_data>` plans its columns from its own first
//! rows, whatever came before it in the file.

use crate::common;
use common::*;
use std::fmt::Write as _;

/// A watchlist of one person, known by NIK.
const WATCH: &str = "id,nik\nW1,3201014107900001\n";

/// A row's fields, as (name, value).
type Fields<'a> = Vec<(&'a str, String)>;

/// A `mysqldump --xml` document of `tables`, each a name and its rows.
fn mysqldump_xml(tables: &[(&str, Vec<Fields<'_>>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<mysqldump xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<database name=\"leak\">\n",
    );
    for (table, rows) in tables {
        writeln!(xml, "\t<table_data name=\"{table}\">").unwrap();
        for row in rows {
            xml.push_str("\t<row>\n");
            for (field, value) in row {
                writeln!(xml, "\t\t<field name=\"{field}\">{value}</field>").unwrap();
            }
            xml.push_str("\t</row>\n");
        }
        xml.push_str("\t</table_data>\n");
    }
    xml.push_str("</database>\n</mysqldump>\n");
    xml
}

/// `n` rows of a table with no identity in it (a log).
fn log_rows(n: usize) -> Vec<Fields<'static>> {
    (1..=n).map(|i| vec![("id", i.to_string()), ("keterangan", format!("login {i}"))]).collect()
}

/// Rows whose NIKs sit under a header that is no synonym (`kolom7`), the watched one third.
fn warga_rows() -> Vec<Fields<'static>> {
    (1..=5).map(|i| vec![("kolom1", i.to_string()), ("kolom7", format!("320101410790000{i}"))]).collect()
}

/// Issue 16: a table first seen after the first 1,000 rows of the file got no sniffed columns:
/// its NIKs under `kolom7` were not read, and the scan said CLEAR (exit 0) with a "no NIK
/// found" warning. Each table is planned from its own first rows.
#[test]
fn a_table_after_the_first_thousand_rows_has_its_columns_sniffed() {
    let dir = Scratch::new();
    let dump = dir.write("leak.xml", mysqldump_xml(&[("log", log_rows(1_001)), ("warga", warga_rows())]));
    let watch = dir.write("watch.csv", WATCH);
    let out = leakcheck().arg("scan").arg(&dump).arg("-w").arg(&watch).args(["-f", "csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = csv_rows(&out.stdout);
    let text = std::fs::read_to_string(&dump).unwrap();
    let nik_line = text.lines().position(|l| l.contains("3201014107900001")).unwrap() as u64 + 1;
    // The watched person is the first row of `warga`: record 1,002, on the line of its `<row>`
    // (two lines above the NIK: `<row>`, `kolom1`, `kolom7`).
    assert_eq!(rows, vec![row(1_002, nik_line - 2, "W1", "exposed", "nik")]);
}

/// SPEC §9: a row over the 64 MiB record limit (here 200 MiB, on standard input) is one bad
/// record, read in bounded memory, and the rows after it are read: the row that opens its table
/// is also what that table's planning looks at (up to 16 MiB of it).
#[test]
fn a_200_mib_row_opening_a_table_is_a_bad_record_in_bounded_memory() {
    let dir = Scratch::new();
    let watch = dir.write("watch.csv", WATCH);
    let watch = watch.to_str().unwrap().to_string();
    let run = measured(["scan", "-", "-w", &watch, "-f", "json"], |w| {
        w.write_all(
            b"<?xml version=\"1.0\"?>\n<mysqldump>\n<table_data name=\"t\">\n<row><field name=\"catatan\">",
        )
        .unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..200 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"</field></row>\n<row><field name=\"nik\">3201014107900001</field></row>\n</table_data>\n</mysqldump>\n")
            .unwrap();
    });
    let report = json(&run.stdout);
    assert_eq!(run.code, 1, "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(report["summary"]["bad_records"], 1);
    assert_eq!(report["summary"]["records"], 2);
    assert_eq!(report["exposures"][0]["record"], 2);
    // The 64 MiB record limit plus the scan's own (as tests/it/limits.rs).
    assert!(run.max_rss_kib < 160 << 10, "peak RSS {} KiB", run.max_rss_kib);
}

/// `mysql --xml -e 'SELECT …; SELECT …'` (real MariaDB 10.11 output): one XML document per
/// statement, each `<resultset>` a table of its own, planned from its own first rows: the NIKs
/// of the second, after 1,001 rows of a log, are read (they were skipped: exit 0, no record).
#[test]
fn mysql_xml_result_sets_are_read_each_planned_on_its_own() {
    let dump = fixture("producers/mysql/xml_resultsets.xml");
    let dir = Scratch::new();
    let watch = dir.write("watch.csv", WATCH);
    let out = leakcheck().arg("scan").arg(&dump).arg("-w").arg(&watch).args(["-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    assert_eq!(report["inputs"][0]["format"], "xml");
    assert_eq!(report["summary"]["records"], 1_004);
    assert_eq!(report["summary"]["bad_records"], 0);
    let text = std::fs::read_to_string(&dump).unwrap();
    let nik_line = text.lines().position(|l| l.contains("3201014107900001")).unwrap() as u64 + 1;
    let exposures = report["exposures"].as_array().unwrap();
    assert_eq!(exposures.len(), 1);
    assert_eq!(exposures[0]["record"], 1_002);
    assert_eq!(exposures[0]["line"], nik_line - 2);
    // A result set has no table: its statement is not one (and is never shown).
    assert!(exposures[0].get("table").is_none_or(|t| t.is_null()), "{}", exposures[0]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("SELECT"));
}
