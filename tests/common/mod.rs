//! Helpers shared by the integration tests: a scratch directory, the built binary, and report
//! parsing.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary directory that files are written into; removed on drop.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// The built `leakcheck` binary, with progress bars off and colour unset.
pub fn leakcheck() -> Command {
    let mut cmd = Command::cargo_bin("leakcheck").expect("binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// One exposure as the acceptance criteria compare them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub record: u64,
    pub line: u64,
    pub watch: String,
    pub confidence: String,
    pub matched: String,
}

pub fn row(record: u64, line: u64, watch: &str, confidence: &str, matched: &str) -> Row {
    Row { record, line, watch: watch.into(), confidence: confidence.into(), matched: matched.into() }
}

/// Parses a `--format csv` report into rows.
pub fn csv_rows(report: &[u8]) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(report);
    let headers = reader.headers().expect("csv header").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "input",
            "record",
            "line",
            "watch",
            "confidence",
            "matched",
            "nik",
            "phone",
            "email",
            "name",
            "dob",
            "table",
            "fields",
            "categories",
            "fingerprint",
            "baseline"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.expect("csv row");
            Row {
                record: r[1].parse().unwrap(),
                line: r[2].parse().unwrap(),
                watch: r[3].into(),
                confidence: r[4].into(),
                matched: r[5].into(),
            }
        })
        .collect()
}

/// Parses a `--format json` report.
pub fn json(report: &[u8]) -> serde_json::Value {
    serde_json::from_slice(report).expect("report is one JSON document")
}

/// The report with what depends on when it ran zeroed: `elapsed_ms` and `started_at`.
pub fn without_elapsed(report: &[u8]) -> String {
    let text = String::from_utf8(report.to_vec()).expect("utf-8 report");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("\"elapsed_ms\":") {
        let (head, tail) = rest.split_at(i + "\"elapsed_ms\":".len());
        out.push_str(head);
        out.push('0');
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    let text = out;
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("\"started_at\":\"") {
        let (head, tail) = rest.split_at(i + "\"started_at\":\"".len());
        out.push_str(head);
        rest = tail.trim_start_matches(|c: char| c != '"');
    }
    out.push_str(rest);
    out
}

/// A JSON report without what names the watchlists and the key mode (`watchlists`, each
/// exposure's `fingerprint`) or the time of the run: what scans of one dump against the same
/// people, listed plain or hashed, keyed or not, must agree on.
pub fn without_run(report: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&without_elapsed(report)).expect("one JSON document");
    if let Some(o) = v.as_object_mut() {
        o.remove("watchlists");
    }
    for e in v["exposures"].as_array_mut().into_iter().flatten() {
        if let Some(e) = e.as_object_mut() {
            e.remove("fingerprint");
        }
    }
    v
}

/// Writes `rows` as delimited text, quoting fields that need it.
pub fn delimited(rows: &[Vec<&str>], delim: char, eol: &str) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|f| {
                if f.contains(delim) || f.contains('"') || f.contains('\n') || f.contains(',') {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.to_string()
                }
            })
            .collect();
        out.push_str(&fields.join(&delim.to_string()));
        out.push_str(eol);
    }
    out
}

/// Whether process `pid` holds a file open under `dir`: a report it is writing, named or not
/// (an `O_TMPFILE` file shows as `dir/#123 (deleted)` in `/proc/PID/fd`).
pub fn has_file_open_under(pid: u32, dir: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return false };
    fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok()).any(|target| target.starts_with(dir))
}
