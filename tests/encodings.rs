//! Dumps as leaks arrive in other encodings and compressed variants (SPEC §5 1.1): each must
//! give the same exposures as the UTF-8 CSV it was made from, never a silent CLEAR.

mod common;
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
