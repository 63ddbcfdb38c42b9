//! Every dump format of SPEC §5 gives the same exposures for the same records; compression,
//! directories, stdin and files that are not dumps; the JSONTestSuite corpus.

use crate::common;
use common::*;
use std::io::Write;

/// (record, watch, confidence, matched) of one exposure.
type Pair = (u64, String, String, String);

/// Every exposure of a scan against `csv/people.csv`, and the line of each record.
fn exposures(dump: &std::path::Path, extra: &[&str]) -> (Vec<Pair>, Vec<u64>) {
    let out = leakcheck()
        .arg("scan")
        .arg(dump)
        .arg("--watch")
        .arg(fixture("csv/people.csv"))
        .args(["--format", "csv"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}: {}", dump.display(), String::from_utf8_lossy(&out.stderr));
    let rows = csv_rows(&out.stdout);
    let lines = rows.iter().map(|r| r.line).collect();
    (rows.into_iter().map(|r| (r.record, r.watch, r.confidence, r.matched)).collect(), lines)
}

fn expected() -> Vec<Pair> {
    [
        (1, "W1", "exposed", "nik"),
        (2, "W2", "exposed", "phone"),
        (2, "W5", "exposed", "email"),
        (4, "W3", "possible", "name"),
        (4, "W7", "exposed", "phone"),
        (5, "W4", "exposed", "name_dob"),
    ]
    .map(|(r, w, c, m)| (r, w.to_string(), c.to_string(), m.to_string()))
    .to_vec()
}

#[test]
fn the_same_records_in_every_format_give_the_same_exposures() {
    let cases: [(&str, [u64; 6]); 12] = [
        ("csv/comma.csv", [2, 3, 3, 5, 5, 7]),
        ("formats/pasien.csv.gz", [2, 3, 3, 5, 5, 7]),
        ("formats/pasien.ndjson", [1, 2, 2, 4, 4, 5]),
        ("formats/pasien.json", [5, 6, 6, 8, 8, 9]),
        ("formats/pasien_mongoexport.json", [1, 2, 2, 4, 4, 5]),
        // Spreadsheets (LibreOffice's conversions of csv/comma.csv): `line` is the row.
        ("formats/pasien_libreoffice.xlsx", [2, 3, 3, 5, 5, 6]),
        ("formats/pasien_libreoffice.ods", [2, 3, 3, 5, 5, 6]),
        ("formats/pasien_libreoffice.xls", [2, 3, 3, 5, 5, 6]),
        ("formats/pasien_mysql.sql", [15; 6]),
        ("formats/pasien_mysql_columns.sql", [2, 3, 3, 5, 5, 6]),
        // `INSERT … SET`: was skipped in silence (a CLEAR run of a dump full of people).
        ("formats/pasien_mysql_set.sql", [2, 3, 3, 5, 5, 6]),
        ("formats/pasien_pg.sql", [18, 19, 19, 21, 21, 22]),
    ];
    for (file, lines) in cases {
        let (got, got_lines) = exposures(&fixture(file), &[]);
        assert_eq!(got, expected(), "{file}");
        assert_eq!(got_lines, lines, "{file}");
    }
}

/// SPEC §5 (1.1): each sheet of a workbook is an input named `book!sheet`, whose first non-empty
/// row is its header; a NIK stored as a number is its 16 digits, one of 2⁵³ or more (its last
/// digits lost) is an invalid NIK; a date cell is a date.
#[test]
fn each_sheet_of_a_workbook_is_an_input_and_numbers_and_dates_read_as_written() {
    let book = fixture("formats/pasien_openpyxl.xlsx");
    let scan = |format: &str| {
        let out = leakcheck()
            .arg("scan")
            .arg(&book)
            .arg("--watch")
            .arg(fixture("csv/people.csv"))
            .args(["--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let report = scan("csv");
    let mut reader = csv::Reader::from_reader(&report[..]);
    let got: Vec<(String, u64, u64, String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            // The CSV report's `table` column holds the sheet (SPEC §7 1.1).
            let sheet = r[11].to_string();
            (sheet, r[1].parse().unwrap(), r[2].parse().unwrap(), r[3].to_string(), r[5].to_string())
        })
        .collect();
    let mut want: Vec<(String, u64, u64, String, String)> = expected()
        .into_iter()
        .zip([3, 4, 4, 6, 6, 7])
        .map(|((record, watch, _, matched), line)| ("Pasien".to_string(), record, line, watch, matched))
        .collect();
    want.push(("Lain".into(), 2, 3, "W1".into(), "nik".into()));
    assert_eq!(got, want);
    let report = json(&scan("json"));
    let inputs: Vec<(String, String)> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap().to_string(), i["format"].as_str().unwrap().to_string()))
        .collect();
    let name = |sheet: &str| format!("{}!{sheet}", book.display());
    assert_eq!(inputs, [(name("Pasien"), "xlsx".into()), (name("Lain"), "xlsx".into())]);
    assert_eq!(report["summary"]["invalid_values"]["nik"], 1, "9201014107900001 stored as a number");
    let sheets: Vec<(&str, bool)> = report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["sheet"].as_str().unwrap_or("none"), e.get("table").is_some()))
        .collect();
    assert_eq!(sheets, [("Pasien", false); 6].into_iter().chain([("Lain", false)]).collect::<Vec<_>>());
}

#[test]
fn reports_name_each_inputs_format_and_compression() {
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("formats"))
        .arg("--watch")
        .arg(fixture("csv/plain.txt"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let inputs: Vec<(String, String, Option<String>)> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let path = std::path::Path::new(i["path"].as_str().unwrap());
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                i["format"].as_str().unwrap().to_string(),
                i["compression"].as_str().map(String::from),
            )
        })
        .collect();
    let formats: Vec<(&str, &str, Option<&str>)> =
        inputs.iter().map(|(p, f, c)| (p.as_str(), f.as_str(), c.as_deref())).collect();
    assert_eq!(
        formats,
        [
            ("make_formats.py", "csv", None),
            ("make_sheets.py", "csv", None),
            ("pasien.csv.gz", "csv", Some("gzip")),
            ("pasien.json", "json", None),
            ("pasien.ndjson", "ndjson", None),
            ("pasien_libreoffice.ods!pasien", "ods", None),
            ("pasien_libreoffice.xls!pasien", "xls", None),
            ("pasien_libreoffice.xlsx!pasien", "xlsx", None),
            ("pasien_mongoexport.json", "ndjson", None),
            ("pasien_mysql.sql", "sql", None),
            ("pasien_mysql_columns.sql", "sql", None),
            ("pasien_mysql_set.sql", "sql", None),
            ("pasien_openpyxl.xlsx!Pasien", "xlsx", None),
            ("pasien_openpyxl.xlsx!Lain", "xlsx", None),
            ("pasien_pg.sql", "sql", None),
        ]
    );
}

#[test]
fn zstd_and_stdin_are_sniffed_from_content() {
    let s = Scratch::new();
    let ndjson = std::fs::read(fixture("formats/pasien.ndjson")).unwrap();
    // Compressed under a name that says nothing: detected by magic bytes, then by content.
    let path = s.write("export.bin", zstd::encode_all(&ndjson[..], 3).unwrap());
    assert_eq!(exposures(&path, &[]).0, expected());
    let out = leakcheck()
        .args(["scan", "-", "--watch"])
        .arg(fixture("csv/people.csv"))
        .args(["--format", "csv"])
        .write_stdin(std::fs::read(fixture("formats/pasien_pg.sql")).unwrap())
        .output()
        .unwrap();
    let got: Vec<_> =
        csv_rows(&out.stdout).into_iter().map(|r| (r.record, r.watch, r.confidence, r.matched)).collect();
    assert_eq!(got, expected());
    // --input-format overrides detection.
    let path = s.write("rows.txt", &ndjson);
    assert_eq!(exposures(&path, &["--input-format", "ndjson"]).0, expected());
}

/// A gzipped CSV of 50,000 patients whose NIKs start at `32010141079` + `first`, cut to
/// `keep` of its bytes (a fraction).
fn cut_gzip(first: u32, keep: f64) -> Vec<u8> {
    let mut big = String::from("nik,nama\n");
    for i in 0..50_000 {
        big.push_str(&format!("32010141079{:05},Pasien {i}\n", i % 99_999 + first));
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(big.as_bytes()).unwrap();
    let gz = e.finish().unwrap();
    gz[..(gz.len() as f64 * keep) as usize].to_vec()
}

/// SPEC §8 1.1: a run that went through its inputs but could not read one to its end writes its
/// report, incomplete, and exits 2.
#[test]
fn a_truncated_gzip_is_an_error_and_its_report_says_incomplete() {
    let s = Scratch::new();
    let cut = s.write("cut.csv.gz", cut_gzip(1, 2.0 / 3.0));
    let report = s.path("report.json");
    let out = leakcheck()
        .arg("scan")
        .arg(&cut)
        .args(["--watch"])
        .arg(fixture("csv/plain.txt"))
        .args(["--format", "json", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("cut.csv.gz") && stderr.contains("truncated"), "{stderr}");
    let written = json(&std::fs::read(&report).unwrap());
    assert_eq!(written["summary"]["complete"], false);
    assert_eq!(written["skipped"][0]["error"], true);
    assert!(written["skipped"][0]["reason"].as_str().unwrap().starts_with("read error: "), "{written}");
    let out = leakcheck()
        .arg("scan")
        .arg(&cut)
        .arg("--watch")
        .arg(fixture("csv/plain.txt"))
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let partial = json(&out.stdout);
    assert_eq!(partial["summary"]["complete"], false);
    assert_eq!(partial["inputs"][0]["complete"], false);
    assert!(partial["summary"]["records"].as_u64().unwrap() > 0, "what was read is reported");
}

/// 120,000 patients in `ndjson` or CSV; record 30,000 holds the NIK `wn.csv` watches, the others
/// are unwatched. About 5 MB, so a break half-way is far past the first batch of 1,000 records.
fn many_patients(ndjson: bool) -> Vec<u8> {
    let mut out = String::from(if ndjson { "" } else { "nik,nama\n" });
    for i in 1..=120_000u32 {
        let nik = if i == 30_000 { 3_201_014_107_900_001 } else { 3_201_014_107_000_000 + u64::from(i) * 7 };
        if ndjson {
            out.push_str(&format!("{{\"nik\":\"{nik}\",\"nama\":\"Pasien {i}\"}}\n"));
        } else {
            out.push_str(&format!("{nik},Pasien {i}\n"));
        }
    }
    out.into_bytes()
}

/// The whole records among the bytes `decoder` gives before its stream breaks.
fn records_before_the_break(mut decoder: impl std::io::Read, ndjson: bool) -> u64 {
    let mut plain = Vec::new();
    let mut chunk = [0; 1 << 16];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => plain.extend_from_slice(&chunk[..n]),
        }
    }
    let lines = plain.iter().filter(|&&b| b == b'\n').count() as u64;
    if ndjson { lines } else { lines - 1 }
}

/// SPEC §8, §9: a compressed dump cut short, or with junk after its stream, is scanned up to the
/// break: every whole record before it is read and matched (a watched person there is reported),
/// the record the break cut is not counted, and the input is still incomplete (exit 2). It was
/// scanned for its first 1,000 records only: the batch the break fell in was thrown away whole.
#[test]
fn a_watched_person_before_the_break_of_a_cut_or_trailed_compressed_dump_is_reported() {
    let s = Scratch::new();
    let watch = s.write("wn.csv", "id,nik\nP1,3201014107900001\n");
    for ndjson in [false, true] {
        let plain = many_patients(ndjson);
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&plain).unwrap();
        let gz = e.finish().unwrap();
        let zst = zstd::encode_all(&plain[..], 3).unwrap();
        let trailed = |mut c: Vec<u8>| {
            c.extend_from_slice(b"junk after the stream");
            c
        };
        let cases = [
            ("cut", "gz", gz[..gz.len() / 2].to_vec()),
            ("cut", "zst", zst[..zst.len() / 2].to_vec()),
            ("trailed", "gz", trailed(gz.clone())),
            ("trailed", "zst", trailed(zst.clone())),
        ];
        for (how, ext, bytes) in cases {
            let what = format!("{how} {ext} ndjson={ndjson}");
            let whole = if ext == "gz" {
                records_before_the_break(flate2::read::MultiGzDecoder::new(&bytes[..]), ndjson)
            } else {
                records_before_the_break(zstd::stream::read::Decoder::new(&bytes[..]).unwrap(), ndjson)
            };
            assert!(whole > 30_000, "{what}: the break is after the watched record");
            let name = format!("dump.{}.{ext}", if ndjson { "ndjson" } else { "csv" });
            let path = s.write(&name, &bytes);
            let out = leakcheck()
                .arg("scan")
                .arg(&path)
                .arg("-w")
                .arg(&watch)
                .args(["-f", "json"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{what}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("read error") && !stderr.contains("3201014107900001"),
                "{what}: {stderr}"
            );
            let report = json(&out.stdout);
            assert_eq!(report["summary"]["complete"], false, "{what}");
            assert_eq!(report["inputs"][0]["complete"], false, "{what}");
            assert_eq!(report["skipped"][0]["error"], true, "{what}");
            assert_eq!(report["summary"]["records"], whole, "{what}: every whole record, not the one cut");
            assert_eq!(report["summary"]["bad_records"], 0, "{what}");
            let exposures = report["exposures"].as_array().unwrap();
            assert_eq!(exposures.len(), 1, "{what}");
            assert_eq!(exposures[0]["record"], 30_000, "{what}");
            assert!(!out.stdout.windows(16).any(|w| w == b"3201014107900001"), "{what}: masked");
        }
    }
}

#[test]
fn an_input_cut_short_does_not_stop_the_others() {
    let s = Scratch::new();
    let dir = s.dir().join("leak");
    std::fs::create_dir(&dir).unwrap();
    // Its NIKs (3201014107900002 on) are not watched; b.csv holds one that is.
    std::fs::write(dir.join("a.csv.gz"), cut_gzip(2, 0.5)).unwrap();
    std::fs::write(dir.join("b.csv"), "nik,nama\n3201014107900001,Budi\n").unwrap();
    let out = leakcheck()
        .arg("scan")
        .arg(&dir)
        .arg("--watch")
        .arg(fixture("csv/plain.txt"))
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a.csv.gz: read error") && stderr.contains("the run is incomplete"), "{stderr}");
    assert!(stderr.contains("1 input could not be read, or not to its end"), "{stderr}");
    let json = json(&out.stdout);
    assert_eq!(json["summary"]["complete"], false);
    assert_eq!(json["inputs"][0]["complete"], false);
    assert_eq!(json["inputs"][1]["complete"], true);
    assert_eq!(json["exposures"][0]["input"].as_str().map(|p| p.ends_with("b.csv")), Some(true));
}

#[test]
fn directories_are_walked_in_order_and_non_dumps_skipped() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("leak/b")).unwrap();
    std::fs::copy(fixture("formats/pasien.ndjson"), s.path("leak/b/z.ndjson")).unwrap();
    std::fs::copy(fixture("csv/comma.csv"), s.path("leak/a.csv")).unwrap();
    s.write("leak/scan.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    s.write("leak/report.pdf", b"%PDF-1.7\n");
    let out = leakcheck()
        .arg("scan")
        .arg(s.path("leak"))
        .arg("--watch")
        .arg(fixture("csv/people.csv"))
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["skipped_files"], 2);
    let paths: Vec<&str> =
        report["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 2);
    assert!(paths[0].ends_with("a.csv") && paths[1].ends_with("z.ndjson"), "{paths:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("report.pdf: skipped, it is a PDF document"), "{stderr}");
    assert!(stderr.contains("scan.png: skipped, it is a PNG image"), "{stderr}");
    // Nothing but non-dumps: an error, not a clean bill of health.
    let out = leakcheck()
        .arg("scan")
        .arg(s.path("leak/report.pdf"))
        .arg("--watch")
        .arg(fixture("csv/plain.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn broken_ndjson_lines_are_bad_records_and_the_scan_goes_on() {
    let s = Scratch::new();
    let text = "{\"nik\":\"3201014107900001\"}\n\n{\"nik\": \n[1,2]\n{\"nik\":\"3201014107900001\"}\n";
    let dump = s.write("d.ndjson", text);
    let out = leakcheck()
        .arg("scan")
        .arg(&dump)
        .arg("--watch")
        .arg(fixture("csv/plain.txt"))
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["records"], 4);
    assert_eq!(report["summary"]["bad_records"], 2);
    let lines: Vec<u64> =
        report["exposures"].as_array().unwrap().iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 5]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("d.ndjson:3: bad record 2 skipped"), "{stderr}");
    assert!(stderr.contains("d.ndjson:4: bad record 3 skipped: not a JSON object"), "{stderr}");
}

#[test]
fn many_bad_records_are_named_ten_times_then_counted() {
    let s = Scratch::new();
    let mut text = String::new();
    for _ in 0..25 {
        text.push_str("{broken\n");
    }
    text.push_str("{\"nik\":\"3201014107900001\"}\n");
    let dump = s.write("d.ndjson", text);
    let out =
        leakcheck().arg("scan").arg(&dump).arg("--watch").arg(fixture("csv/plain.txt")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("skipped: not valid JSON").count(), 10, "{stderr}");
    assert!(stderr.contains("15 more bad records not shown (25 in all)"), "{stderr}");
}

fn json_test_suite() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/JSONTestSuite/test_parsing");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var_os("LEAKCHECK_REQUIRE_CORPORA").is_none(), "{} is missing", dir.display());
    eprintln!("note: {} not found; JSONTestSuite test skipped", dir.display());
    None
}

#[test]
fn json_test_suite_y_accepted_n_rejected_nothing_hangs() {
    let Some(dir) = json_test_suite() else { return };
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() > 300);
    // One run over all of them: the binary reports each file's records and bad records.
    let out = leakcheck()
        .arg("scan")
        .args(&files)
        .arg("--watch")
        .arg(fixture("csv/plain.txt"))
        .args(["-f", "json", "--fail-on", "never"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    let inputs = report["inputs"].as_array().unwrap();
    // Only UTF-16 text is skipped (with a warning), and only i_ files are UTF-16.
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.lines().filter(|l| l.contains(": skipped, it is")).all(|l| l.contains("/i_")), "{stderr}");
    assert!(inputs.len() >= files.len() - 3, "{} of {}", inputs.len(), files.len());
    for skipped in report["skipped"].as_array().unwrap() {
        assert!(skipped["path"].as_str().unwrap().contains("/i_"), "{skipped}");
    }
    for input in inputs {
        let name = std::path::Path::new(input["path"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(input["complete"], true, "{name}");
        let bad = input["bad_records"].as_u64().unwrap();
        if name.starts_with("n_") {
            assert!(bad > 0, "{name} must be rejected");
        }
        if name.starts_with("y_") {
            assert!(input["format"] == "json" || input["format"] == "ndjson", "{name}");
        }
    }
    // And each takes well under a second of CPU: the whole run does (wall time on a loaded
    // machine is no measure: a 10 ms run waited seconds for a core while the other sessions
    // compiled). One run, not one a file: 318 runs of the binary were most of the test's time
    // (issue 20), and every file in the run was read whole (above) or skipped as UTF-16.
    let s = Scratch::new();
    let (code, stderr, cpu) = cpu_timed(
        ["scan".as_ref(), "--watch".as_ref(), fixture("csv/plain.txt").as_os_str()]
            .into_iter()
            .chain(files.iter().map(|f| f.as_os_str()))
            .chain(["-f", "json", "--fail-on", "never", "-o"].map(std::ffi::OsStr::new))
            .chain([s.path("report.json").as_os_str()]),
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&stderr));
    assert!(cpu < std::time::Duration::from_secs(1), "the {} files took {cpu:?} of CPU", files.len());
}

#[test]
fn linked_files_are_scanned_and_an_empty_directory_is_an_error() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.path("leak")).unwrap();
    std::fs::create_dir_all(s.path("empty")).unwrap();
    std::os::unix::fs::symlink(fixture("formats/pasien_pg.sql"), s.path("leak/link.sql")).unwrap();
    let (got, _) = exposures(&s.path("leak"), &[]);
    assert_eq!(got, expected());
    leakcheck()
        .arg("scan")
        .arg(s.path("empty"))
        .arg("--watch")
        .arg(fixture("csv/plain.txt"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no files to scan"));
}

/// A `--map` that names no JSON path or SQL column (known only once read) is a warning, not a
/// silent no-op; one that names a column is not.
#[test]
fn a_map_that_names_no_column_is_warned_about() {
    let watch = fixture("demo/watchlist.txt");
    for dump in ["formats/pasien.ndjson", "formats/pasien_mysql.sql"] {
        for (map, warned) in [("phone=nope", true), ("phone=no_hp", false)] {
            let out = leakcheck()
                .args(["scan", "-j1", "--map", map, "-f", "json", "--watch"])
                .arg(&watch)
                .arg(fixture(dump))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{dump}: the other columns are still scanned");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let warning = format!("--map {map} gave no column a role");
            assert_eq!(stderr.contains(&warning), warned, "{dump} {map}: {stderr}");
        }
    }
}

/// With several inputs a `--map` for one of them does not stop the others: a CSV without the
/// column is read without the map (and warned about); one input alone keeps the error.
#[test]
fn a_map_for_one_of_several_inputs_does_not_stop_the_others() {
    let s = Scratch::new();
    let dir = s.path("dumps");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.csv"), "nik,nama,lhr\n3201014107900001,Budi Santoso,01-07-1990\n").unwrap();
    std::fs::write(dir.join("b.csv"), "nik,nama\n3201014107900002,Ani\n").unwrap();
    std::fs::write(dir.join("c.csv"), "").unwrap();
    let watch = s.write("w.csv", "nama,tgl_lahir\nBudi Santoso,1990-07-01\n");
    let out = leakcheck()
        .args(["scan", "-j1", "--map", "dob=lhr", "-f", "json", "--watch"])
        .arg(&watch)
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("b.csv: --map dob=lhr: no such column; this file is read without it"),
        "{stderr}"
    );
    assert!(stderr.contains("c.csv: no records"), "{stderr}");
    assert_eq!(json(&out.stdout)["summary"]["by_kind"]["name_dob"], 1);
    let alone = leakcheck()
        .args(["scan", "-j1", "--map", "dob=lhr", "--watch"])
        .arg(&watch)
        .arg(dir.join("b.csv"))
        .output()
        .unwrap();
    assert_eq!(alone.status.code(), Some(2));
}

/// A scan of `dump` (or of standard input holding it) against two watched NIKs, as JSON.
fn scan_json_dump(dump: &std::path::Path, stdin: bool) -> (Option<i32>, serde_json::Value, String) {
    let s = Scratch::new();
    let watch = s.write("ids.txt", "3201014107900001\n3174051203880003\n");
    let mut cmd = leakcheck();
    cmd.arg("scan").arg("--watch").arg(&watch).args(["--format", "json"]);
    if stdin {
        cmd.arg("-").pipe_stdin(dump).unwrap();
    } else {
        cmd.arg(dump);
    }
    let out = cmd.output().unwrap();
    (out.status.code(), json(&out.stdout), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn json_records_are_the_first_array_whose_objects_carry_identity_fields() {
    // Rules 1.0 took the first array of objects, a lookup table of cities here, and scanned
    // CLEAR past the patients.
    let s = Scratch::new();
    let dump = s.write(
        "dump.json",
        r#"{"meta":{"count":2},"kota":[{"kode":"3174","nama_kota":"Jakarta Selatan"}],
 "data":{"pasien":[{"nik":"3201014107900001","nama":"Siti"},{"nik":"3174051203880003","nama":"Budi"}]}}"#,
    );
    let (code, report, stderr) = scan_json_dump(&dump, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["summary"]["records"], 2);
    assert_eq!(report["summary"]["exposed_records"], 2);
    // A name and a birth date qualify together (the first array has a name only).
    let dump = s.write(
        "people.json",
        r#"{"kota":[{"nama":"Bandung"}],"orang":[{"nama":"Siti","ttl":"1990-07-01","no_ktp":"3201014107900001"}]}"#,
    );
    let (code, report, _) = scan_json_dump(&dump, false);
    assert_eq!((code, report["summary"]["records"].as_u64()), (Some(1), Some(1)));
}

#[test]
fn json_with_no_identity_array_is_read_again_for_its_first_array_of_objects() {
    let s = Scratch::new();
    let text = r#"{"meta":{"count":2},"rows":[{"kode":"3201014107900001","nm":"Siti"},{"kode":"3174051203880003","nm":"Budi"}],"more":[{"x":1}]}"#;
    let dump = s.write("rows.json", text);
    let (code, report, stderr) = scan_json_dump(&dump, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["summary"]["records"], 2, "the first array, its column sniffed as nik");
    assert_eq!(report["summary"]["exposed_records"], 2);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(report["inputs"][0]["bytes"], text.len(), "read twice, its bytes count once");
    let gz = s.path("rows.json.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, text.as_bytes()).unwrap();
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let (code, report, stderr) = scan_json_dump(&gz, false);
    assert_eq!((code, report["summary"]["records"].as_u64()), (Some(1), Some(2)), "{stderr}");
    // Standard input cannot be read twice: no records, a warning saying why, and exit 2.
    let (code, report, stderr) = scan_json_dump(&dump, true);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(report["summary"]["records"], 0);
    assert!(stderr.contains("a stream cannot be read twice"), "{stderr}");
    assert!(!stderr.contains("3201014107900001"), "{stderr}");
}

#[test]
fn json_patients_nested_in_a_first_array_of_hospitals_are_the_records() {
    let s = Scratch::new();
    let dump = s.write(
        "rs.json",
        r#"{"rs":[{"nama":"RSUD Cibinong","pasien":[{"nik":"3201014107900001"},{"nik":"3174051203880003"}]}]}"#,
    );
    let (code, report, stderr) = scan_json_dump(&dump, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(report["summary"]["records"], 2, "each patient is a record, not the hospital");
}

/// A CSV header in brackets (`[nik],[nama]`) through a pipe was taken for JSON; by its `.csv`
/// name it is CSV, and through a pipe it must be too.
#[test]
fn a_bracketed_csv_header_through_a_pipe_is_read_as_csv() {
    let s = Scratch::new();
    let watch = s.write("wl.txt", "3174051203880003\n");
    let dump = "[nik],[nama]\n3174051203880003,Budi Santoso\n";
    let named = s.write("dump.csv", dump);
    leakcheck().arg("scan").arg(&named).arg("--watch").arg(&watch).assert().code(1);
    let out = leakcheck().args(["scan", "-", "--watch"]).arg(&watch).write_stdin(dump).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("(csv, 1 record)"), "{stdout}");
}
