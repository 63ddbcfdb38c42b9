//! Dumps as leaks arrive in other encodings and compressed variants (SPEC §5 1.1): each must
//! give the same exposures as the UTF-8 CSV it was made from, never a silent CLEAR.

use crate::common;
use common::*;
use std::path::Path;

/// The exposures of scanning `input` (with `args`) against `fixtures/csv/people.csv`.
fn exposures(input: &Path, args: &[&str]) -> Vec<Row> {
    let out = leakcheck()
        .arg("scan")
        .arg(input)
        .arg("-w")
        .arg(fixture("csv/people.csv"))
        .args(["-f", "csv"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    csv_rows(&out.stdout)
}

/// The JSON report of scanning `input` against `fixtures/csv/people.csv`.
fn json_report(input: &Path, args: &[&str]) -> serde_json::Value {
    let out = leakcheck()
        .arg("scan")
        .arg(input)
        .arg("-w")
        .arg(fixture("csv/people.csv"))
        .args(["-f", "json"])
        .args(args)
        .output()
        .unwrap();
    json(&out.stdout)
}

#[test]
fn a_pzstd_file_that_starts_with_a_skippable_frame_is_decompressed() {
    let zst = fixture("zstd/pasien_pzstd.csv.zst");
    let bytes = std::fs::read(&zst).unwrap();
    assert_eq!(bytes[1..4], [0x2a, 0x4d, 0x18], "pzstd starts with a skippable frame");
    assert!(bytes[0] & 0xf0 == 0x50);
    let s = Scratch::new();
    let plain = s.write("pasien.csv", zstd::decode_all(&bytes[..]).unwrap());
    let want = exposures(&plain, &[]);
    assert!(want.iter().any(|r| r.record > 300_000), "the last frame holds people too: {want:?}");
    assert_eq!(exposures(&zst, &[]), want);
    let report = json_report(&zst, &[]);
    assert_eq!(report["inputs"][0]["compression"], "zstd");
    assert_eq!(report["summary"]["complete"], true);
}

/// `fixtures/csv/comma.csv`'s rows written with `delim` and `eol`, as a spreadsheet would.
fn comma_rows_as(delim: char, eol: &str) -> String {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_path(fixture("csv/comma.csv")).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rows: Vec<Vec<&str>> = records.iter().map(|r| r.iter().collect()).collect();
    delimited(&rows, delim, eol)
}

fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let units = std::iter::once(0xfeff).filter(|_| bom).chain(text.encode_utf16());
    units.flat_map(|u| if little_endian { u.to_le_bytes() } else { u.to_be_bytes() }).collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn an_excel_unicode_text_export_gives_the_exposures_of_its_utf8_csv() {
    let want = exposures(&fixture("csv/comma.csv"), &[]);
    assert!(want.len() >= 4, "{want:?}");
    let s = Scratch::new();
    // Excel's "Unicode text": UTF-16LE with a BOM, tab-separated, CRLF, quoted like CSV.
    let export = s.write("pasien.txt", utf16(&comma_rows_as('\t', "\r\n"), true, true));
    assert_eq!(exposures(&export, &[]), want);
    assert_eq!(exposures(&export, &["--input-format", "tsv"]), want);
    let report = json_report(&export, &["--input-format", "tsv"]);
    assert_eq!(report["summary"]["invalid_values"]["nik"], 0, "{report}");
}

#[test]
fn utf16_without_a_bom_is_found_by_its_nul_bytes_in_either_byte_order() {
    let want = exposures(&fixture("csv/comma.csv"), &[]);
    let s = Scratch::new();
    for little_endian in [true, false] {
        let tsv = s.write("pasien.tsv", utf16(&comma_rows_as('\t', "\n"), little_endian, false));
        assert_eq!(exposures(&tsv, &[]), want, "{little_endian}");
        assert_eq!(exposures(&tsv, &["--input-format", "tsv"]), want, "{little_endian}");
        let csv = s.write("pasien.csv", utf16(&comma_rows_as(',', "\r\n"), little_endian, false));
        assert_eq!(exposures(&csv, &[]), want, "{little_endian}");
    }
}

#[test]
fn gzipped_utf16_and_utf16_on_standard_input_are_decoded() {
    let want = exposures(&fixture("csv/comma.csv"), &[]);
    let s = Scratch::new();
    let bytes = utf16(&comma_rows_as('\t', "\r\n"), true, true);
    let gz = s.write("pasien.txt.gz", gzip(&bytes));
    assert_eq!(exposures(&gz, &[]), want);
    let out = leakcheck()
        .args(["scan", "-", "-f", "csv", "-w"])
        .arg(fixture("csv/people.csv"))
        .write_stdin(gzip(&utf16(&comma_rows_as(',', "\n"), false, false)))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(csv_rows(&out.stdout), want);
}

#[test]
fn an_odd_length_utf16_stream_loses_only_its_last_character() {
    let want = exposures(&fixture("csv/comma.csv"), &[]);
    let s = Scratch::new();
    let mut bytes = utf16(&comma_rows_as('\t', "\r\n"), true, true);
    bytes.pop();
    let cut = s.write("pasien.txt", bytes);
    assert_eq!(exposures(&cut, &[]), want);
    let report = json_report(&cut, &[]);
    assert_eq!(report["summary"]["complete"], true);
    assert_eq!(report["summary"]["bad_records"], 0);
}

#[test]
fn encoding_forces_a_decoding_for_every_input_and_an_unknown_label_is_a_usage_error() {
    let want = exposures(&fixture("csv/comma.csv"), &[]);
    let s = Scratch::new();
    // UTF-16 without a BOM whose first bytes are Chinese has no NUL bytes to be found by: the
    // flag says what it is (the first column, which has no role, is named in Chinese).
    let text = "备注".repeat(300) + &comma_rows_as(',', "\n");
    let forced = s.write("pasien.csv", utf16(&text, true, false));
    assert_eq!(exposures(&forced, &["--encoding", "utf-16le"]), want);
    let out = leakcheck()
        .args(["scan", "-", "-w"])
        .arg(fixture("csv/people.csv"))
        .args(["--encoding", "latin-9000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("latin-9000") && err.contains("--encoding"), "{err}");
    let out = leakcheck().arg("inspect").arg(&forced).args(["--encoding", "utf-16le"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("nik") && text.contains("no_hp"), "{text}");
}

#[test]
fn windows_1252_names_match_by_name_and_dob_and_are_counted_as_decoded() {
    let s = Scratch::new();
    let watch = s.write(
        "people.csv",
        "id,nik,nama,tgl_lahir\nW1,,René Müller,1990-07-01\nW2,,Dewi Lestari,1985-01-02\n",
    );
    let mut dump = b"nik,nama,tgl_lahir,alamat\n".to_vec();
    // é in Windows-1252 next to ü in UTF-8, as a dump of mixed sources has them.
    dump.extend(b"3201014107900001,Ren\xe9 M\xc3\xbcller,01-07-1990,Bandung\n");
    dump.extend(b"3201014107900002,Dewi Lestari,1985-01-02,Jl. \x93Mawar\x94 \x80\n");
    dump.extend(b"3201014107900003,Ren\xc3\xa9 M\xc3\xbcller,1990-07-01,Jakarta\n");
    let input = s.write("pasien.csv", dump);
    let out = leakcheck()
        .arg("scan")
        .arg(&input)
        .arg("-w")
        .arg(&watch)
        .args(["-f", "csv", "--reveal"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        csv_rows(text.as_bytes()),
        [
            row(1, 2, "W1", "exposed", "name_dob"),
            row(2, 3, "W2", "exposed", "name_dob"),
            row(3, 4, "W1", "exposed", "name_dob")
        ]
    );
    assert!(text.contains("René Müller") && !text.contains('\u{fffd}'), "{text}");
    let out =
        leakcheck().arg("scan").arg(&input).arg("-w").arg(&watch).args(["-f", "json"]).output().unwrap();
    let report = json(&out.stdout);
    assert_eq!(report["inputs"][0]["decoded_records"], 2, "{report}");
    assert_eq!(report["inputs"][0]["records"], 3);
}

#[test]
fn a_windows_1252_header_is_read_like_its_records_so_a_map_can_name_it() {
    let s = Scratch::new();
    let watch = s.write("people.csv", "id,nik,nama,tgl_lahir\nW1,,René Müller,1990-07-01\n");
    let input = s.write("pasien.csv", b"Nom compl\xe9t;N\xe9(e) le\nRen\xe9 M\xfcller;01/07/1990\n");
    let out = leakcheck()
        .arg("scan")
        .arg(&input)
        .arg("-w")
        .arg(&watch)
        .args(["-f", "csv", "--map", "name=Nom complét", "--map", "dob=Né(e) le"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(csv_rows(&out.stdout), [row(1, 2, "W1", "exposed", "name_dob")]);
}
