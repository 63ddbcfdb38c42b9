//! The watchlist index (`hash --index`, SPEC §12): a scan with `FILE.lcx` reports what the
//! JSON Lines list it was made from reports, with the same key rules, and a damaged index is
//! an error, never a report.

use crate::common;
use common::*;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const KEY: &str = "kunci-rahasia-rumah-sakit-2021";

fn hash(s: &Scratch, lists: &[PathBuf], out: &str, index: bool, key: Option<&Path>) -> PathBuf {
    let path = s.path(out);
    let mut cmd = leakcheck();
    cmd.arg("hash").args(lists).arg("-o").arg(&path).env_remove("LEAKCHECK_KEY");
    if index {
        cmd.arg("--index");
    }
    if let Some(key) = key {
        cmd.arg("--key-file").arg(key);
    }
    cmd.assert().success();
    path
}

fn scan_json(dump: &Path, watch: &[&Path], key: Option<&Path>) -> (Option<i32>, Vec<u8>) {
    let mut cmd = leakcheck();
    cmd.arg("scan").arg(dump).args(["--format", "json"]).env_remove("LEAKCHECK_KEY");
    for w in watch {
        cmd.arg("--watch").arg(w);
    }
    if let Some(key) = key {
        cmd.arg("--key-file").arg(key);
    }
    let out = cmd.output().unwrap();
    (out.status.code(), out.stdout)
}

/// Without `watchlists` and the run's times: what the list and its index must agree on.
fn same_part(report: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&without_elapsed(report)).unwrap();
    v.as_object_mut().unwrap().remove("watchlists");
    v
}

#[test]
fn a_scan_with_the_index_reports_what_the_jsonl_list_reports() {
    let s = Scratch::new();
    let key = s.write("k", KEY);
    for (dump, list) in [
        ("demo/pasien.csv", "demo/watchlist.csv"),
        ("demo/pasien.csv", "demo/watchlist.txt"),
        ("csv/comma.csv", "csv/people.csv"),
        ("formats/pasien.ndjson", "csv/plain.txt"),
    ] {
        for key in [None, Some(key.as_path())] {
            let jsonl = hash(&s, &[fixture(list)], "list.jsonl", false, key);
            let from_plain = hash(&s, &[fixture(list)], "list.lcx", true, key);
            let from_jsonl = hash(&s, std::slice::from_ref(&jsonl), "list2.lcx", true, key);
            let (code, want) = scan_json(&fixture(dump), &[&jsonl], key);
            assert_eq!(code, Some(1), "{list} finds someone in {dump}");
            for index in [&from_plain, &from_jsonl] {
                let (got_code, got) = scan_json(&fixture(dump), &[index], key);
                assert_eq!(got_code, code);
                assert_eq!(
                    same_part(&got),
                    same_part(&want),
                    "{dump} with {list} (keyed: {})",
                    key.is_some()
                );
                let named = &json(&got)["watchlists"][0];
                assert_eq!(named["format"], "lcx");
                assert_eq!(named["keyed"], key.is_some());
                assert_eq!(named["sha256"].as_str().map(str::len), Some(64));
            }
        }
    }
}

#[test]
fn an_index_among_other_lists_keeps_their_labels_and_order() {
    let s = Scratch::new();
    let dir = s.path("x");
    std::fs::create_dir_all(&dir).unwrap();
    let jsonl = hash(&s, &[fixture("demo/watchlist.csv")], "x/people.jsonl", false, None);
    let lcx = hash(&s, &[fixture("demo/watchlist.csv")], "people.lcx", true, None);
    let (plain, people) = (fixture("demo/watchlist.txt"), fixture("csv/people.csv"));
    let (_, want) = scan_json(&fixture("demo/pasien.csv"), &[&plain, &jsonl, &people], None);
    let (_, got) = scan_json(&fixture("demo/pasien.csv"), &[&plain, &lcx, &people], None);
    assert_eq!(same_part(&got), same_part(&want));
    assert!(String::from_utf8_lossy(&got).contains("\"people:P-001\""));
}

#[test]
fn a_keyed_index_needs_its_key_with_the_messages_of_a_keyed_list() {
    let s = Scratch::new();
    let key = s.write("k", KEY);
    let other = s.write("k2", "another-key-of-thirty-bytes!!!");
    let lcx = hash(&s, &[fixture("demo/watchlist.csv")], "w.lcx", true, Some(&key));
    let scan = |key: Option<&Path>| {
        let mut cmd = leakcheck();
        cmd.arg("scan").arg(fixture("demo/pasien.csv")).arg("--watch").arg(&lcx).env_remove("LEAKCHECK_KEY");
        if let Some(key) = key {
            cmd.arg("--key-file").arg(key);
        }
        cmd.assert()
    };
    scan(None).code(2).stderr(predicate::str::contains("is keyed: give its key with --key-file"));
    scan(Some(&other)).code(2).stderr(predicate::str::contains("was hashed with another key"));
    let unkeyed = hash(&s, &[fixture("demo/watchlist.csv")], "u.lcx", true, None);
    leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("--watch")
        .arg(&unkeyed)
        .arg("--key-file")
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not keyed, but a key was given"));
}

#[test]
fn an_index_cut_inside_its_magic_is_an_error_not_a_one_line_plain_list() {
    // Regression (hostile test): an index cut to 1–7 bytes (`LCXINDE`) was read as a plain list
    // of one name: CLEAR, exit 0, with nothing checked.
    let s = Scratch::new();
    let lcx = hash(&s, &[fixture("demo/watchlist.csv")], "w.lcx", true, None);
    let good = std::fs::read(&lcx).unwrap();
    for len in 1..8 {
        let cut = s.write(&format!("cut{len}.lcx"), &good[..len]);
        leakcheck()
            .arg("scan")
            .arg(fixture("demo/pasien.csv"))
            .arg("--watch")
            .arg(&cut)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("cut{len}.lcx: cut short: {len} bytes")));
    }
}

#[test]
fn a_damaged_index_is_a_one_line_error_and_no_report_is_written() {
    let s = Scratch::new();
    let lcx = hash(&s, &[fixture("demo/watchlist.csv")], "w.lcx", true, None);
    let good = std::fs::read(&lcx).unwrap();
    // A byte of the table (after the 16-byte prelude): the file is one checksummed block,
    // read on open (the last label's end is checked there), so it is refused on open.
    let mut bad = good.clone();
    bad[40] ^= 0x20;
    let damaged = s.write("damaged.lcx", &bad);
    let report = s.path("report.json");
    leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("--watch")
        .arg(&damaged)
        .arg("-o")
        .arg(&report)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("damaged.lcx: a block failed its checksum"));
    assert!(!report.exists(), "a report from a damaged index");
    let cut = s.write("cut.lcx", &good[..good.len() / 2]);
    leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("--watch")
        .arg(&cut)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cut.lcx: its trailer is damaged or the file is cut short"))
        .stderr(predicate::function(|e: &str| e.lines().count() == 1));
}

#[test]
fn hash_refuses_to_hash_an_index_and_index_needs_an_output_file() {
    let s = Scratch::new();
    let lcx = hash(&s, &[fixture("demo/watchlist.csv")], "w.lcx", true, None);
    leakcheck()
        .arg("hash")
        .arg(&lcx)
        .env_remove("LEAKCHECK_KEY")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is already hashed"));
    leakcheck()
        .args(["hash", "--index"])
        .arg(fixture("demo/watchlist.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--output"));
}

#[test]
fn an_index_piped_to_standard_input_is_refused_with_what_to_do() {
    let s = Scratch::new();
    let lcx = hash(&s, &[fixture("demo/watchlist.csv")], "w.lcx", true, None);
    leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .args(["--watch", "-"])
        .pipe_stdin(&lcx)
        .unwrap()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("an index is opened in place: give its path, not standard input"));
}

#[test]
fn a_value_many_entries_share_is_warned_about_as_with_the_jsonl_list() {
    let s = Scratch::new();
    let list = s.write("shared.txt", "phone:0812-3456-7890\n".repeat(101) + "nik:3201014107900001\n");
    let jsonl = hash(&s, std::slice::from_ref(&list), "shared.jsonl", false, None);
    let lcx = hash(&s, &[list], "shared.lcx", true, None);
    let (_, want) = scan_json(&fixture("demo/pasien.csv"), &[&jsonl], None);
    let (_, got) = scan_json(&fixture("demo/pasien.csv"), &[&lcx], None);
    let warnings = &json(&got)["warnings"];
    assert!(
        warnings.to_string().contains("1 value(s) are each held by more than 100 watch entries (up to 101)"),
        "{warnings}"
    );
    assert_eq!(same_part(&got), same_part(&want));
}

/// Person `i` of a list whose text is mostly an address the index does not keep: a NIK and an
/// e-mail (identifiers) and 950 bytes of `alamat` (read, not indexed).
fn wide_person(i: u64) -> String {
    let (serial, q) = (i % 9999 + 1, i / 9999);
    let (month, year) = (q / 100 % 12 + 1, q % 100);
    format!("W{i},32010141{month:02}{year:02}{serial:04},p{i}@contoh.co.id,Jl. {i:0>940}\n")
}

#[test]
fn a_list_many_times_the_memory_bound_is_indexed_within_it_from_a_stream() {
    // Regression (issue 19): `hash --index` read the whole list's text into memory before its
    // external sort, so a 100 M-person list (≈ 6 GB of CSV) needed 6 GB of RAM. With sort runs
    // of 1.7 MB, a 124 MB list given on standard input must now be built in well under its size
    // (the text held would be all of it); and the index must be the one the in-memory sort
    // builds from the same list. Issue 20 (test time): 600,000 people (234 MB, runs of 4 MB,
    // RSS under a quarter) proved the same in 2.4 times the time; the binary's fixed ≈ 25-35 MB
    // (its batches, the read-ahead) is why the bound is now a half. Then 250,000 people of
    // 390 bytes (98 MB), in 1.3 times the time of 125,000 of 990: the time goes by the person,
    // and the text is made once, for both runs.
    const PEOPLE: u64 = 125_000;
    const HEADER: &str = "id,nik,email,alamat\n";
    let mut text = String::with_capacity(125_000_000);
    text.push_str(HEADER);
    for i in 0..PEOPLE {
        text.push_str(&wide_person(i));
    }
    let text_len = text.len();
    let s = Scratch::new();
    let list = s.write("list.csv", &text);
    let streamed = s.path("streamed.lcx");
    let run = measured_env(
        [("LEAKCHECK_TEST_INDEX_RUN_BUDGET", "1700000"), ("LEAKCHECK_KEY", KEY)],
        ["hash".as_ref(), "-".as_ref(), "--index".as_ref(), "-o".as_ref(), streamed.as_os_str()],
        move |w| {
            for piece in text.as_bytes().chunks(1 << 16) {
                w.write_all(piece).unwrap();
            }
            w.flush().unwrap();
        },
    );
    assert_eq!(run.code, 0, "{}", String::from_utf8_lossy(&run.stderr));
    let rss = run.max_rss_kib as usize * 1024;
    assert!(text_len > 120_000_000, "{text_len}");
    // Measured: 44 MB for the 124 MB list (34-37 MB for 98 MB of narrower people, whose batches
    // are smaller; 36 MB for 234 MB; before the fix: 284 MB for 234 MB, the text and the sort run
    // in memory).
    assert!(rss * 2 < text_len, "peak RSS {rss} B for a {text_len}-byte list: not bounded");

    // The same list from a file, sorted in memory in one run (the default 512 MB budget).
    let in_memory = s.path("in-memory.lcx");
    leakcheck()
        .env("LEAKCHECK_KEY", KEY)
        .arg("hash")
        .arg(&list)
        .args(["--index", "-o"])
        .arg(&in_memory)
        .assert()
        .success();
    let (a, b) = (std::fs::read(&streamed).unwrap(), std::fs::read(&in_memory).unwrap());
    assert!(a.len() > PEOPLE as usize * 2 * 20, "{}", a.len());
    assert!(a == b, "the streamed, externally sorted index differs from the in-memory one");
}
