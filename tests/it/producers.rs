//! Dumps exactly as the real tools wrote them (issue 21, SPEC §5 "the dialects real tools
//! write"): `fixtures/producers/` holds what MariaDB 10.11, PostgreSQL 15 and pandas wrote from
//! the 200-row hard-values table of `fixtures/producers/table.py` (apostrophes, quotes, a note
//! starting with `"`, backslashes, `),(`, newlines, tabs, CRs, non-ASCII, NULLs, a 20 KB note,
//! BLOBs). Each must give every record, no bad record, and every watched person at the right
//! record and line.

use crate::common;

use common::{fixture, json, leakcheck};

/// `record,watch` of every watched person in the table.
fn expected() -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(fixture("producers/expected.csv")).unwrap();
    let mut rows: Vec<(u64, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let (record, watch) = l.split_once(',').unwrap();
            (record.parse().unwrap(), watch.to_string())
        })
        .collect();
    rows.sort();
    rows
}

/// Scans one producer's output against the table's watchlist: the JSON report.
fn scan(rel: &str, extra: &[&str]) -> serde_json::Value {
    let out = leakcheck()
        .arg("scan")
        .arg(fixture(rel))
        .arg("--watch")
        .arg(fixture("producers/watchlist.csv"))
        .args(["-f", "json", "-j2"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{rel}: {stderr}");
    json(&out.stdout)
}

/// Every record read, none bad, and the watched people found exactly where they are; the
/// exposures as (record, line, watch).
fn assert_every_person(rel: &str, report: &serde_json::Value) -> Vec<(u64, u64, String)> {
    let input = &report["inputs"][0];
    assert_eq!(input["records"], 200, "{rel}: {input}");
    assert_eq!(input["bad_records"], 0, "{rel}: {input}");
    let mut exposed: Vec<(u64, u64, String)> = report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["confidence"] == "exposed")
        .map(|e| {
            (e["record"].as_u64().unwrap(), e["line"].as_u64().unwrap(), e["watch"].as_str().unwrap().into())
        })
        .collect();
    exposed.sort();
    let found: Vec<(u64, String)> = exposed.iter().map(|(r, _, w)| (*r, w.clone())).collect();
    assert_eq!(found, expected(), "{rel}");
    exposed
}

/// The line each record of a tab-separated export starts on: the line that starts with its id
/// and a tab (a line a field's newline continues never does: it starts with note text).
fn assert_lines_of_tsv(rel: &str, exposed: &[(u64, u64, String)]) {
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    for (record, line, watch) in exposed {
        let want = text.split('\n').position(|l| l.starts_with(&format!("{record}\t"))).unwrap() + 1;
        assert_eq!(*line, want as u64, "{rel}: {watch} at record {record}");
    }
}

/// Without a header, names and birth dates are columns 3 and 4 (NIK, phone and e-mail columns
/// are found by their content).
const HEADERLESS_MAPS: [&str; 4] = ["--map", "name=3", "--map", "dob=4"];

#[test]
fn mysql_batch_output_is_read_as_escaped_tsv() {
    let rel = "producers/mysql/select_B.tsv";
    let exposed = assert_every_person(rel, &scan(rel, &[]));
    assert_lines_of_tsv(rel, &exposed);
}

#[test]
fn mysqldump_tab_without_a_header_keeps_record_and_line_numbers() {
    let rel = "producers/mysqldump/tab_pasien.txt";
    let exposed = assert_every_person(rel, &scan(rel, &HEADERLESS_MAPS));
    assert_lines_of_tsv(rel, &exposed);
    // Its backslash-newlines make lines and records differ.
    assert!(exposed.iter().any(|(record, line, _)| line > record), "{exposed:?}");
}

#[test]
fn postgresql_copy_text_with_and_without_header() {
    let rel = "producers/psql/copy_to.txt";
    let exposed = assert_every_person(rel, &scan(rel, &HEADERLESS_MAPS));
    assert_lines_of_tsv(rel, &exposed);
    let rel = "producers/psql/copy_to_header.txt";
    let exposed = assert_every_person(rel, &scan(rel, &[]));
    assert_lines_of_tsv(rel, &exposed);
}

/// Read as quoted (what every TSV was before the dialect existed), the note that starts with a
/// `"` swallows the rows after it: the fixture shows the failure the dialect fixes.
#[test]
fn mysql_batch_output_read_as_quoted_loses_records() {
    let out = leakcheck()
        .args(["scan", "--tsv-dialect", "quoted", "-f", "json", "--watch"])
        .arg(fixture("producers/watchlist.csv"))
        .arg(fixture("producers/mysql/select_B.tsv"))
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_ne!(report["inputs"][0]["records"], 200, "{}", report["inputs"]);
}

#[test]
fn inspect_shows_the_tsv_dialect_and_a_headerless_export() {
    let out = leakcheck()
        .args(["inspect", "-f", "json"])
        .arg(fixture("producers/mysqldump/tab_pasien.txt"))
        .arg(fixture("producers/mysql/select_B.tsv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    let inputs = report["inputs"].as_array().unwrap();
    assert_eq!(inputs[0]["tsv_dialect"], "escaped");
    assert_eq!(inputs[0]["header"], false);
    assert_eq!(inputs[1]["tsv_dialect"], "escaped");
    assert_eq!(inputs[1]["header"], true);
    let human = leakcheck().arg("inspect").arg(fixture("producers/mysql/select_B.tsv")).output().unwrap();
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("escaped TSV"),
        "{}",
        String::from_utf8_lossy(&human.stdout)
    );
}

/// SPEC §5: `pg_dump -Fc/-Ft/-Fd` archives are skipped with a message naming the format and the
/// `pg_restore` pipe that reads them; their people were not checked, so the run is incomplete.
#[test]
fn pg_dump_archives_name_themselves_and_the_pipe_that_reads_them() {
    for (rel, format) in [
        ("producers/pg_dump/pasien.Fc", "custom-format archive (pg_dump -Fc)"),
        ("producers/pg_dump/pasien.tar", "tar-format archive (pg_dump -Ft)"),
        ("producers/pg_dump/pasien_Fd", "directory-format archive (pg_dump -Fd)"),
        ("producers/pg_dump/pasien_Fd/toc.dat", "directory-format archive (pg_dump -Fd)"),
    ] {
        let out = leakcheck()
            .args(["scan", "-f", "json", "--watch"])
            .arg(fixture("producers/watchlist.csv"))
            .arg(fixture(rel))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{rel}: {stderr}");
        let report = json(&out.stdout);
        let skipped = &report["skipped"][0];
        let reason = skipped["reason"].as_str().unwrap();
        assert!(reason.contains(format), "{rel}: {reason}");
        assert!(reason.contains("pg_restore -f - "), "{rel}: {reason}");
        assert!(reason.contains("| leakcheck scan -"), "{rel}: {reason}");
        assert_eq!(skipped["error"], true, "{rel}");
        assert_eq!(
            report["skipped"].as_array().unwrap().len(),
            1,
            "{rel}: the directory's files are not scanned"
        );
        assert!(stderr.contains(format), "{rel}: {stderr}");
    }
}

/// SPEC §2: pandas' `to_json` writes a datetime64 column as Unix milliseconds (negative before
/// 1970): read as dates, the people watched by name + birth date are found (they were lost).
#[test]
fn pandas_to_json_dates_in_epoch_milliseconds_are_birth_dates() {
    for rel in ["producers/pandas/to_json_records.json", "producers/pandas/to_json_lines.ndjson"] {
        let report = scan(rel, &[]);
        assert_every_person(rel, &report);
        let by_name_dob = report["exposures"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["matched"].as_array().unwrap().iter().any(|k| k == "name_dob"))
            .count();
        assert_eq!(by_name_dob, 5, "{rel}");
    }
}

/// SPEC §5: `mysqldump --xml --hex-blob` is detected by its prolog (it was sniffed as CSV: 22,195
/// "rows", no person found, CLEAR), each `<row>` a record whose line is where it starts, and the
/// table is the records' table.
#[test]
fn mysqldump_xml_rows_are_records_of_their_table() {
    let rel = "producers/mysqldump/xml_hex_blob.xml";
    let report = scan(rel, &[]);
    assert_eq!(report["inputs"][0]["format"], "xml");
    let exposed = assert_every_person(rel, &report);
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    let rows: Vec<usize> =
        text.split('\n').enumerate().filter(|(_, l)| l.trim() == "<row>").map(|(i, _)| i + 1).collect();
    assert_eq!(rows.len(), 200);
    for (record, line, watch) in &exposed {
        assert_eq!(*line, rows[*record as usize - 1] as u64, "{watch} at record {record}");
    }
    let out = leakcheck().args(["inspect", "-f", "json"]).arg(fixture(rel)).output().unwrap();
    let inspected = json(&out.stdout);
    assert_eq!(inspected["inputs"][0]["tables"][0]["name"], "pasien", "{}", inspected["inputs"][0]["tables"]);
}

/// The line each record of an SQL dump with one row per `INSERT` starts on: the line that
/// starts the statement holding its id (`INSERT INTO … VALUES(7,` or `VALUES (7,`).
fn assert_lines_of_inserts(rel: &str, exposed: &[(u64, u64, String)], offset: u64) {
    let text = std::fs::read_to_string(fixture(rel)).unwrap();
    for (record, line, watch) in exposed {
        let id = record + offset;
        let want = text
            .split('\n')
            .position(|l| {
                l.starts_with("INSERT INTO")
                    && (l.contains(&format!("VALUES({id},")) || l.contains(&format!("VALUES ({id},")))
            })
            .unwrap()
            + 1;
        assert_eq!(*line, want as u64, "{rel}: {watch} at record {record}");
    }
}

/// Issue 21: sqlite3 3.40's `.dump` (standard strings, `replace(…,char(10))` for newlines and
/// CRs, `X'…'` BLOBs, no column list) was read with MySQL's escapes: one `'C:\data\'` swallowed
/// the rows after it (468 of 2,000 read, 49 bad, 9 of 60 people).
#[test]
fn sqlite_dump_gives_every_record_and_person() {
    let rel = "producers/sqlite/dump.sql";
    let exposed = assert_every_person(rel, &scan(rel, &[]));
    assert_lines_of_inserts(rel, &exposed, 0);
}

/// Issue 21: `pg_dump --inserts` cut in two by `split -n l/2`: the second piece has no header
/// comment and was read with MySQL's escapes (13 of its 100 rows bad, 2 of its 5 people lost).
/// Every record, none bad, every person at its record within its piece. The second piece has
/// no `CREATE TABLE`: names and birth dates are mapped as in a headerless export.
#[test]
fn pg_dump_inserts_split_in_two_gives_every_record_and_person() {
    let pieces = ["producers/pg_dump/inserts_split.aa", "producers/pg_dump/inserts_split.ab"];
    let out = leakcheck()
        .arg("scan")
        .args(pieces.map(fixture))
        .arg("--watch")
        .arg(fixture("producers/watchlist.csv"))
        .args(["-f", "json", "-j2"])
        .args(HEADERLESS_MAPS)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    let inputs = report["inputs"].as_array().unwrap();
    let first = inputs[0]["records"].as_u64().unwrap();
    for input in inputs {
        assert_eq!(input["bad_records"], 0, "{input}");
    }
    assert_eq!(first + inputs[1]["records"].as_u64().unwrap(), 200, "{inputs:?}");
    let mut found = Vec::new();
    for e in report["exposures"].as_array().unwrap().iter().filter(|e| e["confidence"] == "exposed") {
        let second = e["input"].as_str().unwrap().ends_with(".ab");
        let record = e["record"].as_u64().unwrap();
        let (rel, offset) = if second { (pieces[1], first) } else { (pieces[0], 0) };
        let entry = (record, e["line"].as_u64().unwrap(), e["watch"].as_str().unwrap().to_string());
        assert_lines_of_inserts(rel, std::slice::from_ref(&entry), offset);
        found.push((record + offset, entry.2));
    }
    found.sort();
    assert_eq!(found, expected());
}

/// `sqlite3 .dump` (first line `PRAGMA foreign_keys=OFF;`) through stdin was read as CSV and
/// said CLEAR; it must give the same exposures as the file read by its `.sql` name.
#[test]
fn a_sqlite_dump_through_stdin_is_read_as_sql() {
    let rel = "producers/sqlite/dump.sql";
    let named = scan(rel, &[]);
    let out = leakcheck()
        .args(["scan", "-", "--watch"])
        .arg(fixture("producers/watchlist.csv"))
        .args(["-f", "json", "-j2"])
        .pipe_stdin(fixture(rel))
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let piped = json(&out.stdout);
    let people = |r: &serde_json::Value| -> Vec<(u64, u64, String)> {
        let mut v: Vec<_> = r["exposures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["record"].as_u64().unwrap(), e["line"].as_u64().unwrap(), e["watch"].to_string()))
            .collect();
        v.sort();
        v
    };
    assert!(!people(&named).is_empty());
    assert_eq!(people(&piped), people(&named));
    assert_eq!(piped["summary"]["records"], named["summary"]["records"]);
}
