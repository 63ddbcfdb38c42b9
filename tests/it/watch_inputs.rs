//! How a run takes its watchlists (SPEC §4): read whole whatever kind of file holds them (a
//! pipe, a FIFO), each once however often it is named, and never scanned as a dump.

use crate::common;
use common::*;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

const PERSON: &str = "budi.santoso@gmail.com";

fn dump(s: &Scratch) -> std::path::PathBuf {
    s.write("dump.csv", format!("email,nama\n{PERSON},Budi\n"))
}

/// A FIFO at `path` that a thread fills with `bytes` once a reader opens it. The thread is
/// left behind if no one ever does (the test fails then anyway).
fn fifo_with(path: &Path, bytes: Vec<u8>) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        if let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&path) {
            let _ = w.write_all(&bytes);
        }
    });
}

/// The three kinds of list that hold the person, by name: plain, a CSV of people, hashed.
fn lists(s: &Scratch) -> Vec<(&'static str, Vec<u8>)> {
    let plain = format!("{PERSON}\n").into_bytes();
    let plain_path = s.write("plain.txt", &plain);
    let hashed = leakcheck().arg("hash").arg(&plain_path).output().unwrap();
    assert_eq!(hashed.status.code(), Some(0), "{}", String::from_utf8_lossy(&hashed.stderr));
    vec![
        ("plain", plain),
        ("csv", format!("email,nama\n{PERSON},Budi Santoso\n").into_bytes()),
        ("hashed", hashed.stdout),
    ]
}

#[test]
fn a_watchlist_from_a_fifo_loses_none_of_its_bytes() {
    let s = Scratch::new();
    let dump = dump(&s);
    for (kind, bytes) in lists(&s) {
        let fifo = s.path(&format!("{kind}.fifo"));
        fifo_with(&fifo, bytes);
        let out = leakcheck()
            .args(["scan", "--format", "json"])
            .arg(&dump)
            .arg("--watch")
            .arg(&fifo)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{kind}: {stderr}");
        assert_eq!(json(&out.stdout)["summary"]["exposed_records"], 1, "{kind}");
    }
}

#[test]
fn a_watchlist_piped_to_dev_stdin_loses_none_of_its_bytes() {
    let s = Scratch::new();
    let dump = dump(&s);
    for (kind, bytes) in lists(&s) {
        let out = leakcheck()
            .args(["scan"])
            .arg(&dump)
            .args(["--watch", "/dev/stdin"])
            .write_stdin(bytes)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{kind}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn hash_of_a_fifo_writes_the_digests_of_the_file() {
    let s = Scratch::new();
    let list = format!("{PERSON}\n3201014107900001\n");
    let file = s.write("w.txt", &list);
    let from_file = leakcheck().arg("hash").arg(&file).output().unwrap();
    assert_eq!(from_file.status.code(), Some(0));
    let fifo = s.path("w.fifo");
    fifo_with(&fifo, list.clone().into_bytes());
    let from_fifo = leakcheck().arg("hash").arg(&fifo).output().unwrap();
    assert_eq!(from_fifo.status.code(), Some(0), "{}", String::from_utf8_lossy(&from_fifo.stderr));
    // The labels are line numbers and the header names no file: the same bytes.
    assert_eq!(String::from_utf8_lossy(&from_fifo.stdout), String::from_utf8_lossy(&from_file.stdout));

    // And an index built from the FIFO finds the person.
    let fifo = s.path("w2.fifo");
    fifo_with(&fifo, list.into_bytes());
    let index = s.path("w.lcx");
    let built = leakcheck().args(["hash", "--index", "-o"]).arg(&index).arg(&fifo).output().unwrap();
    assert_eq!(built.status.code(), Some(0), "{}", String::from_utf8_lossy(&built.stderr));
    let out = leakcheck().arg("scan").arg(dump(&s)).arg("--watch").arg(&index).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}
