//! Dumps and watchlists given by a path that is no regular file: a FIFO, `/dev/stdin`, a process
//! substitution (`scan <(zcat d.csv.gz)`). Read once from the start, as `-` is; an index cannot
//! come this way (it is mapped in place).

use crate::common;
use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};

const DUMP: &str = "nik,nama\n3201014107900001,Siti Nurhaliza\n3174051203880003,Budi Santoso\n";

/// A FIFO at `dir/name` that a thread fills with `bytes` once a reader opens it.
fn fifo(dir: &Path, name: &str, bytes: Vec<u8>) -> PathBuf {
    let path = dir.join(name);
    let made = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(made.success());
    let writer = path.clone();
    // Not joined: if leakcheck never opens the FIFO, the thread ends with the test process.
    std::thread::spawn(move || {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&writer) {
            let _ = f.write_all(&bytes);
        }
    });
    path
}

#[test]
fn a_dump_through_a_fifo_is_scanned_and_inspected() {
    let s = Scratch::new();
    let watch = s.write("watch.txt", "3201014107900001\n");
    // No extension, as /dev/fd/63: the format comes from the bytes.
    let dump = fifo(s.dir(), "63", DUMP.into());
    let out = leakcheck().arg("scan").arg(&dump).arg("-w").arg(&watch).args(["-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["records"], 2);
    assert_eq!(report["summary"]["exposed_records"], 1);
    assert_eq!(report["inputs"][0]["format"], "csv");
    let dump = fifo(s.dir(), "again", DUMP.into());
    let out = leakcheck().arg("inspect").arg(&dump).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("format csv"));
}

#[test]
fn dev_stdin_as_a_named_input_is_read_like_dash() {
    let s = Scratch::new();
    let watch = s.write("watch.txt", "3201014107900001\n");
    let out = leakcheck()
        .args(["scan", "/dev/stdin", "-f", "json", "-w"])
        .arg(&watch)
        .write_stdin(DUMP)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out.stdout)["summary"]["records"], 2);
}

#[test]
fn a_watchlist_through_a_fifo_keeps_its_first_bytes() {
    // The first 8 bytes, read to look for an index's magic, were lost on a pipe: the entry
    // became `14107900001` and the scan a false CLEAR.
    let s = Scratch::new();
    let dump = s.write("dump.csv", DUMP);
    let watch = fifo(s.dir(), "watch", b"3201014107900001\n".to_vec());
    let out = leakcheck().arg("scan").arg(&dump).arg("-w").arg(&watch).args(["-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out.stdout)["summary"]["exposed_records"], 1);
}

#[test]
fn an_index_through_a_fifo_is_refused_saying_it_must_be_a_regular_file() {
    let s = Scratch::new();
    let dump = s.write("dump.csv", DUMP);
    let list = s.write("watch.txt", "3201014107900001\n");
    let index = s.path("watch.lcx");
    leakcheck().arg("hash").arg(&list).arg("--index").arg("-o").arg(&index).assert().code(0);
    let watch = fifo(s.dir(), "index", std::fs::read(&index).unwrap());
    let out = leakcheck().arg("scan").arg(&dump).arg("-w").arg(&watch).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("an index must be a regular file (it is opened in place with mmap)"), "{stderr}");
    assert!(!stderr.contains("NUL"), "{stderr}");
}
