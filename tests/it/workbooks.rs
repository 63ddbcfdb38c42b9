//! Workbooks as leaks arrive (SPEC §5 1.1, §8): inside an archive or on standard input, read
//! sheet by sheet like a workbook on disk; a shared-strings zip bomb, an oversized `.xls`, and a
//! `.xls` that is really tab-separated text or an HTML page.

use crate::common;
use common::*;
use std::io::{Cursor, Write};

/// (input, record, line, watch, matched) of every exposure.
type Exposure = (String, u64, u64, String, String);

fn scan(args: &[&std::ffi::OsStr], stdin: Option<Vec<u8>>) -> (i32, serde_json::Value, String) {
    let mut cmd = leakcheck();
    cmd.arg("scan").args(args).arg("--watch").arg(fixture("csv/people.csv")).args(["--format", "json"]);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap(), json(&out.stdout), stderr)
}

fn exposures(report: &serde_json::Value) -> Vec<Exposure> {
    report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let matched: Vec<&str> =
                e["matched"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
            (
                e["input"].as_str().unwrap().to_string(),
                e["record"].as_u64().unwrap(),
                e["line"].as_u64().unwrap(),
                e["watch"].as_str().unwrap().to_string(),
                matched.join("+"),
            )
        })
        .collect()
}

/// The exposures of the workbook fixture `book` read from its own file, renamed `{prefix}!sheet`.
fn on_disk(book: &str, prefix: &str) -> Vec<Exposure> {
    let path = fixture(&format!("formats/{book}"));
    let (code, report, stderr) = scan(&[path.as_os_str()], None);
    assert_eq!(code, 1, "{stderr}");
    let mut rows = exposures(&report);
    for row in &mut rows {
        let sheet = row.0.rsplit('!').next().unwrap().to_string();
        row.0 = format!("{prefix}!{sheet}");
    }
    assert!(rows.len() >= 6, "{book}: {rows:?}");
    rows
}

fn skipped(report: &serde_json::Value) -> Vec<(String, String, bool)> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let path = s["path"].as_str().unwrap().to_string();
            (path, s["reason"].as_str().unwrap().to_string(), s["error"].as_bool().unwrap())
        })
        .collect()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in members {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn read_fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap()
}

#[test]
fn a_workbook_inside_an_archive_is_read_sheet_by_sheet_like_one_on_disk() {
    // Regression: a workbook in a zip (by its name, or by its parts when renamed) was refused
    // (exit 2) instead of read.
    let s = Scratch::new();
    let books = ["pasien_libreoffice.ods", "pasien_libreoffice.xls", "pasien_libreoffice.xlsx"];
    let mut members: Vec<(String, Vec<u8>)> =
        books.iter().map(|b| (format!("dir/{b}"), read_fixture(&format!("formats/{b}")))).collect();
    members.push(("renamed.bin".into(), read_fixture("formats/pasien_openpyxl.xlsx")));
    let refs: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let path = s.write("books.zip", zip_of(&refs));
    let (code, report, stderr) = scan(&[path.as_os_str()], None);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(skipped(&report), [], "{stderr}");
    let archive = path.display().to_string();
    let mut want: Vec<Exposure> =
        books.iter().flat_map(|b| on_disk(b, &format!("{archive}!dir/{b}"))).collect();
    want.extend(on_disk("pasien_openpyxl.xlsx", &format!("{archive}!renamed.bin")));
    assert_eq!(exposures(&report), want);
    let formats: Vec<&str> =
        report["inputs"].as_array().unwrap().iter().map(|i| i["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["ods", "xls", "xlsx", "xlsx", "xlsx"]);
}

#[test]
fn a_workbook_on_standard_input_is_read_sheet_by_sheet() {
    for (book, format) in [("pasien_libreoffice.xls", "xls"), ("pasien_openpyxl.xlsx", "xlsx")] {
        let (code, report, stderr) = scan(&["-".as_ref()], Some(read_fixture(&format!("formats/{book}"))));
        assert_eq!(code, 1, "{book}: {stderr}");
        assert_eq!(exposures(&report), on_disk(book, "-"), "{book}");
        assert_eq!(report["inputs"][0]["format"], format);
    }
}

/// A `.xlsx` whose `xl/sharedStrings.xml` unpacks to `strings` × `<si><t>x</t></si>` (a few
/// hundred kilobytes on disk), its other parts those of the openpyxl fixture.
fn shared_strings_bomb(strings: usize) -> Vec<u8> {
    let mut book = zip::ZipArchive::new(Cursor::new(read_fixture("formats/pasien_openpyxl.xlsx"))).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..book.len() {
        let part = book.by_index(i).unwrap();
        if part.name().unwrap() != "xl/sharedStrings.xml" {
            out.raw_copy_file(part).unwrap();
        }
    }
    let options = zip::write::SimpleFileOptions::default().large_file(true);
    out.start_file("xl/sharedStrings.xml", options).unwrap();
    out.write_all(
        b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    )
    .unwrap();
    let chunk = b"<si><t>x</t></si>".repeat(1 << 16);
    for _ in 0..strings >> 16 {
        out.write_all(&chunk).unwrap();
    }
    out.write_all(b"</sst>").unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn a_shared_strings_count_no_memory_can_hold_skips_the_workbook_not_the_run() {
    // Regression (hostile9-A cnt3/cnt4/cnt2.xlsx): the reader reserved memory for the
    // `uniqueCount` a 9 KB workbook declared before reading a string: 4,000,000,000 (96 GB)
    // ended the whole run (the CSV beside it unread, no report); 2^61 and u64::MAX printed a
    // panic. Now the workbook is skipped as unreadable and the run goes on.
    let s = Scratch::new();
    let plain = fixture("csv/comma.csv");
    for count in ["4000000000", "2305843009213693952", "18446744073709551615"] {
        let mut book =
            zip::ZipArchive::new(Cursor::new(read_fixture("formats/pasien_openpyxl.xlsx"))).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..book.len() {
            out.raw_copy_file(book.by_index(i).unwrap()).unwrap();
        }
        out.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
        write!(out, r#"<?xml version="1.0"?><sst count="1" uniqueCount="{count}"><si><t>x</t></si></sst>"#)
            .unwrap();
        let path = s.write("count.xlsx", out.finish().unwrap().into_inner());
        let (code, report, stderr) = scan(&[path.as_os_str(), plain.as_os_str()], None);
        assert_eq!(code, 2, "{count}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("out of memory"), "{count}: {stderr}");
        let got = skipped(&report);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].2), (path.to_str().unwrap(), true));
        assert!(got[0].1.contains("part xl/sharedStrings.xml declares more shared strings"), "{got:?}");
        assert_eq!(exposures(&report).len(), 6, "the CSV beside it is still read");
    }
}

#[test]
fn a_shared_strings_zip_bomb_is_skipped_as_not_read_in_bounded_memory() {
    // Regression: calamine loaded the whole shared-strings part (4.6 GB RSS for a 1.5 MB file).
    // 16.8 M strings: 285 MiB unpacked, over the 256 MiB limit.
    let bomb = shared_strings_bomb(1 << 24);
    assert!(bomb.len() < 4 << 20, "{} bytes on disk", bomb.len());
    let s = Scratch::new();
    let path = s.write("bomb.xlsx", &bomb);
    let zipped = s.write("bomb.zip", zip_of(&[("in/bomb.xlsx", &bomb)]));
    let plain = fixture("csv/comma.csv");
    // Measured from a process of its own: the test process's other children do not count.
    let watch = fixture("csv/people.csv");
    let run = measured(
        [
            "scan".as_ref(),
            path.as_os_str(),
            zipped.as_os_str(),
            plain.as_os_str(),
            "--watch".as_ref(),
            watch.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
        |_| {},
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.code, 2, "{stderr}");
    let report = json(&run.stdout);
    let got = skipped(&report);
    let names: Vec<(String, bool)> = got.iter().map(|(p, _, e)| (p.clone(), *e)).collect();
    assert_eq!(
        names,
        [(path.display().to_string(), true), (format!("{}!in/bomb.xlsx", zipped.display()), true)]
    );
    for (_, reason, _) in &got {
        assert!(reason.contains("xl/sharedStrings.xml unpacks to more than 256 MiB"), "{reason}");
    }
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(exposures(&report).len(), 6, "the CSV beside them is still read");
    assert!(run.max_rss_kib < 200 << 10, "peak RSS {} MiB", run.max_rss_kib >> 10);
}

/// Runs `scan path --format json` in a process of its own, measured.
fn measured_scan(path: &std::path::Path) -> (Measured, serde_json::Value) {
    let watch = fixture("csv/people.csv");
    let run = measured(
        [
            "scan".as_ref(),
            path.as_os_str(),
            "--watch".as_ref(),
            watch.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ],
        |_| {},
    );
    let report = json(&run.stdout);
    (run, report)
}

#[test]
fn shared_strings_under_the_part_limit_are_not_read_when_their_strings_would_not_fit() {
    // Regression (issue 20): 14.9 M one-letter strings, 242 MiB of XML, under the 256 MiB part
    // limit, were read: calamine holds each string as a `String` of its own, 1.3 GB in all.
    // Issue 20 (test time): the fewest such strings refused, 4,784,128 (78 MiB of XML, 17 bytes
    // and the 96 a `String` costs each: 540.6 MB, past 512 MiB; 65,536 fewer would be 533.2 MB,
    // read), in a third of the time, and holding the cost of a string to within 1 % of 96.
    let bomb = shared_strings_bomb(73 << 16);
    let s = Scratch::new();
    let path = s.write("strings.xlsx", &bomb);
    let (run, report) = measured_scan(&path);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.code, 2, "{stderr}");
    let got = skipped(&report);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, path.display().to_string());
    assert!(
        got[0]
            .1
            .contains("part xl/sharedStrings.xml holds 4784128 strings, which would take more than 512 MiB"),
        "{}",
        got[0].1
    );
    assert!(got[0].2, "its people were not checked");
    assert!(run.max_rss_kib < 200 << 10, "peak RSS {} MiB", run.max_rss_kib >> 10);
}

#[test]
fn a_cell_larger_than_a_record_is_refused_before_the_reader_holds_it() {
    // Regression (issue 20): a 1 MB .xlsx whose one cell is 1 GiB of text took 3.1 GB before
    // its row was found larger than a record (calamine holds each cell whole). Here 65 MiB, past
    // the 64 MiB a record may be.
    let cell = "x".repeat(65 << 20);
    let s = Scratch::new();
    let path = s.write("cell.xlsx", xlsx_of(&[("Data", &["nik", &cell]), ("Other", &["nik", "1"])]));
    drop(cell);
    assert!(std::fs::metadata(&path).unwrap().len() < 4 << 20);
    let (run, report) = measured_scan(&path);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.code, 2, "{stderr}");
    let got = skipped(&report);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].1.contains(
            "part xl/worksheets/sheet1.xml holds a cell (or a piece of its XML) of more than 64 MiB"
        ),
        "{}",
        got[0].1
    );
    assert!(got[0].2, "its people were not checked");
    assert!(run.max_rss_kib < 100 << 10, "peak RSS {} MiB", run.max_rss_kib >> 10);
    // A cell of a record's size or less is read as before (a bad record past 64 MiB in all).
    let path = s.write("fine.xlsx", xlsx_of(&[("Data", &["nik", &"1".repeat(1 << 20)])]));
    let (code, report, stderr) = scan(&[path.as_os_str()], None);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(skipped(&report), []);
}

#[test]
fn an_xls_larger_than_the_whole_workbook_limit_is_not_read() {
    // An OLE2 stream of 129 MiB on standard input: not copied past the limit, nor read.
    let mut big = read_fixture("formats/pasien_libreoffice.xls");
    big.resize((128 << 20) + 1, 0);
    let (code, report, stderr) = scan(&["-".as_ref()], Some(big));
    assert_eq!(code, 2, "{stderr}");
    let got = skipped(&report);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.contains("of more than 128 MiB, which would be held whole"), "{}", got[0].1);
    assert!(got[0].2);
}

#[test]
fn an_xls_that_is_tab_separated_text_is_read_as_such() {
    // Regression: a web application's "export to Excel" (TSV named .xls) was refused by its name.
    let s = Scratch::new();
    let tsv = String::from_utf8(read_fixture("csv/comma.csv")).unwrap().replace(',', "\t");
    let path = s.write("export.xls", &tsv);
    let zipped = s.write("exports.zip", zip_of(&[("export.xlsx", tsv.as_bytes())]));
    for (input, name) in
        [(&path, path.display().to_string()), (&zipped, format!("{}!export.xlsx", zipped.display()))]
    {
        let (code, report, stderr) = scan(&[input.as_os_str()], None);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(report["inputs"][0]["path"], name.as_str());
        assert_eq!(report["inputs"][0]["format"], "csv");
        assert_eq!(exposures(&report).len(), 6);
    }
}

#[test]
fn an_xls_that_is_an_html_page_is_named_with_what_to_do() {
    let s = Scratch::new();
    let html =
        "<html><body><table><tr><td>nik</td></tr><tr><td>3201014107900001</td></tr></table></body></html>";
    let path = s.write("export.xls", html);
    let (code, report, stderr) = scan(&[path.as_os_str(), fixture("csv/comma.csv").as_os_str()], None);
    assert_eq!(code, 2, "{stderr}");
    let got = skipped(&report);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.starts_with("an HTML page named as a workbook"), "{}", got[0].1);
    assert!(got[0].1.contains("save it as CSV"), "{}", got[0].1);
    assert!(got[0].2, "its people were not checked");
    assert!(!stderr.contains("3201014107900001"), "{stderr}");
}

#[test]
fn a_workbook_in_an_archive_spools_nothing_that_outlives_the_run() {
    // The temporary copy has no name on disk: TMPDIR holds nothing after (or during) the run.
    let s = Scratch::new();
    let tmp = s.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let path = s.write("b.zip", zip_of(&[("b.xls", &read_fixture("formats/pasien_libreoffice.xls"))]));
    let out = leakcheck()
        .env("TMPDIR", &tmp)
        .args(["scan", "--format", "json", "--watch"])
        .arg(fixture("csv/people.csv"))
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let mut left = Vec::new();
    std::fs::read_dir(&tmp).unwrap().for_each(|e| left.push(e.unwrap().file_name()));
    assert_eq!(left, Vec::<std::ffi::OsString>::new());
}

/// An `.ods` of one sheet whose `content.xml` table holds `rows` (XML of `<table:table-row>`s).
fn ods_of(rows: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"pasien\">{rows}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

fn ods_row(cell: &str, repeated: u32) -> String {
    let cell = if cell.is_empty() {
        "<table:table-cell/>".to_string()
    } else {
        format!("<table:table-cell office:value-type=\"string\"><text:p>{cell}</text:p></table:table-cell>")
    };
    format!("<table:table-row table:number-rows-repeated=\"{repeated}\">{cell}</table:table-row>")
}

#[test]
fn an_ods_sheet_past_row_1048576_is_not_read_in_full_and_says_so() {
    // Regression: calamine stops an .ods sheet at row 1,048,576 without a word, so the NIK on
    // the row after it was lost and the run was CLEAR.
    let s = Scratch::new();
    let rows =
        [ods_row("nik", 1), ods_row("", 1_048_574), ods_row("x", 1), ods_row("3201014107900001", 1)].concat();
    let path = s.write("long.ods", ods_of(&rows));
    let (code, report, stderr) = scan(&[path.as_os_str()], None);
    assert_eq!(code, 2, "{stderr}");
    let got = skipped(&report);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, format!("{}!pasien", path.display()));
    assert!(got[0].1.contains("reaches row 1048576"), "{}", got[0].1);
    assert!(got[0].2);
    // A sheet that ends before it is read in full, as before.
    let short = [ods_row("nik", 1), ods_row("", 10), ods_row("3201014107900001", 1)].concat();
    let path = s.write("short.ods", ods_of(&short));
    let (code, report, stderr) = scan(&[path.as_os_str()], None);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(exposures(&report)[0].2, 12, "line is the spreadsheet row");
}

/// A `.xlsx` whose sheets are `sheets` (name, one inline-string cell per row), by hand.
fn xlsx_of(sheets: &[(&str, &[&str])]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut listed = String::new();
    let mut rels = String::new();
    let mut parts = Vec::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        listed.push_str(&format!("<sheet name=\"{name}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>"));
        rels.push_str(&format!(
            "<Relationship Id=\"rId{n}\" Type=\"{RELS}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        ));
        let cells: String = rows
            .iter()
            .enumerate()
            .map(|(r, text)| {
                format!(
                    "<row r=\"{0}\"><c r=\"A{0}\" t=\"inlineStr\"><is><t>{text}</t></is></c></row>",
                    r + 1
                )
            })
            .collect();
        parts.push((
            format!("xl/worksheets/sheet{n}.xml"),
            format!("<?xml version=\"1.0\"?><worksheet xmlns=\"{MAIN}\"><sheetData>{cells}</sheetData></worksheet>"),
        ));
    }
    let workbook = format!(
        "<?xml version=\"1.0\"?><workbook xmlns=\"{MAIN}\" xmlns:r=\"{RELS}\"><sheets>{listed}</sheets></workbook>"
    );
    let rels = format!(
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>"
    );
    let root = format!(
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{RELS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    );
    let mut members: Vec<(&str, &[u8])> = vec![
        ("_rels/.rels", root.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
    ];
    members.extend(parts.iter().map(|(name, xml)| (name.as_str(), xml.as_bytes())));
    zip_of(&members)
}

#[test]
fn two_sheets_of_the_same_name_are_each_read_the_second_as_name_2() {
    // Regression: calamine finds a sheet by its name, so of two sheets named `Data` one was
    // read twice and the other never (.xlsx the first, .ods the second); that was then refused
    // (exit 2) and the workbook not read at all. Now each is read, the second named `Data#2`
    // as a second archive member of one name is, on disk, in an archive and in a directory.
    let s = Scratch::new();
    let nik = "3201014107900001";
    let xlsx_bytes = xlsx_of(&[
        ("Data", &["nik", "1"]),
        ("Data", &["nik", nik]),
        ("Data#2", &["nik", "3201014107900002"]),
        ("A&amp;B", &["nik", "2"]),
        ("A&amp;B", &["nik", nik]),
    ]);
    let xlsx = s.write("two.xlsx", &xlsx_bytes);
    let table = |rows: &str| format!("</table:table><table:table table:name=\"pasien\">{rows}");
    let ods = s.write(
        "two.ods",
        ods_of(&[ods_row("nik", 1), ods_row(nik, 1), table(&ods_row("nik", 1)), ods_row("1", 1)].concat()),
    );
    let zipped = s.write("two.zip", zip_of(&[("in/two.xlsx", &xlsx_bytes)]));
    std::fs::create_dir(s.path("dir")).unwrap();
    std::fs::copy(&xlsx, s.path("dir/two.xlsx")).unwrap();
    let inputs = |report: &serde_json::Value| -> Vec<String> {
        let inputs = report["inputs"].as_array().unwrap();
        inputs.iter().map(|i| i["path"].as_str().unwrap().to_string()).collect()
    };
    let xlsx_sheets = ["Data", "Data#2", "Data#2#2", "A&B", "A&B#2"];
    for (input, book) in [
        (xlsx.clone(), xlsx.display().to_string()),
        (zipped.clone(), format!("{}!in/two.xlsx", zipped.display())),
        (s.path("dir"), s.path("dir/two.xlsx").display().to_string()),
    ] {
        let (code, report, stderr) = scan(&[input.as_os_str()], None);
        assert_eq!(code, 1, "{book}: {stderr}");
        assert_eq!(skipped(&report), [], "{stderr}");
        let want: Vec<String> = xlsx_sheets.iter().map(|sheet| format!("{book}!{sheet}")).collect();
        assert_eq!(inputs(&report), want);
        let found: Vec<(String, u64)> = exposures(&report).into_iter().map(|e| (e.0, e.2)).collect();
        assert_eq!(found, [(format!("{book}!Data#2"), 2), (format!("{book}!A&B#2"), 2)]);
    }
    let (code, report, stderr) = scan(&[ods.as_os_str()], None);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(skipped(&report), []);
    let book = ods.display().to_string();
    assert_eq!(inputs(&report), [format!("{book}!pasien"), format!("{book}!pasien#2")]);
    assert_eq!(exposures(&report)[0].0, format!("{book}!pasien"));
    // Sheets of different names are each read from the workbook itself, as before.
    let distinct = s.write("distinct.xlsx", xlsx_of(&[("Data", &["nik", "1"]), ("Data2", &["nik", nik])]));
    let (code, report, stderr) = scan(&[distinct.as_os_str()], None);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(exposures(&report)[0].0, format!("{}!Data2", distinct.display()));
}

#[test]
fn a_damaged_workbook_in_a_directory_is_not_a_clear_run() {
    // Regression (hostile testers): a .xlsx whose first bytes were overwritten was skipped as
    // "binary data" (error: false), so a directory holding it was CLEAR even with --strict.
    let s = Scratch::new();
    let mut book = read_fixture("formats/pasien_openpyxl.xlsx");
    book[..2].copy_from_slice(b"XX");
    std::fs::create_dir(s.path("leak")).unwrap();
    s.write("leak/book.xlsx", book);
    s.write("leak/other.csv", "nik\n1\n");
    let (code, report, stderr) = scan(&[s.path("leak").as_os_str(), "--strict".as_ref()], None);
    assert_eq!(code, 2, "{stderr}");
    let got = skipped(&report);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].1.starts_with("a file named as a workbook that cannot be read"), "{}", got[0].1);
    assert!(got[0].2, "its people were not checked");
}
