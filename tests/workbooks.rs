//! Workbooks as leaks arrive (SPEC §5 1.1, §8): a shared-strings zip bomb.

mod common;
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

fn read_fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap()
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

/// The largest resident set of the children waited for so far, in bytes (Linux: kilobytes).
fn children_peak_rss() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a rusage into the pointer it is given.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn a_shared_strings_zip_bomb_is_skipped_as_not_read_in_bounded_memory() {
    // Regression: calamine loaded the whole shared-strings part (4.6 GB RSS for a 1.5 MB file).
    // 16.8 M strings: 285 MiB unpacked, over the 256 MiB limit.
    let bomb = shared_strings_bomb(1 << 24);
    assert!(bomb.len() < 4 << 20, "{} bytes on disk", bomb.len());
    let s = Scratch::new();
    let path = s.write("bomb.xlsx", &bomb);
    let plain = fixture("csv/comma.csv");
    let (code, report, stderr) = scan(&[path.as_os_str(), plain.as_os_str()], None);
    assert_eq!(code, 2, "{stderr}");
    let got = skipped(&report);
    let names: Vec<(String, bool)> = got.iter().map(|(p, _, e)| (p.clone(), *e)).collect();
    assert_eq!(names, [(path.display().to_string(), true)]);
    for (_, reason, _) in &got {
        assert!(reason.contains("xl/sharedStrings.xml unpacks to more than 256 MiB"), "{reason}");
    }
    assert_eq!(report["summary"]["complete"], false);
    assert_eq!(exposures(&report).len(), 6, "the CSV beside them is still read");
    let peak = children_peak_rss();
    assert!(peak < 200 << 20, "peak RSS {} MiB", peak >> 20);
}
