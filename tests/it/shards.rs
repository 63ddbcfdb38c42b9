//! `scan --shard K/N` and `report merge` (SPEC §11, §12): the merge of every shard's report is
//! the unsharded scan's report, byte for byte apart from `elapsed_ms` and `started_at`.

use crate::common;

use common::{Scratch, leakcheck};
use std::path::Path;

/// Every format the merge must put back together: a directory (CSV with a bad record, a Latin-1
/// file, a headerless one, TSV), NDJSON, two SQL dialects, gzip, a zip archive.
const INPUTS: &[&str] = &[
    "fixtures/csv",
    "fixtures/formats/pasien.ndjson",
    "fixtures/formats/pasien_mysql.sql",
    "fixtures/formats/pasien_pg.sql",
    "fixtures/formats/pasien.csv.gz",
    "fixtures/archives/pasien.zip",
];
const WATCH: &str = "fixtures/csv/people.csv";
const AS_OF: &str = "2026-01-01";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scan` on `inputs` with `extra` arguments, writing `out`; returns the exit code.
fn scan(inputs: &[&str], extra: &[&str], out: &Path) -> i32 {
    let output = leakcheck()
        .current_dir(root())
        .arg("scan")
        .args(inputs)
        .args(["--watch", WATCH, "--no-progress", "-o"])
        .arg(out)
        .args(extra)
        .args(if extra.contains(&"--as-of") { &[][..] } else { &["--as-of", AS_OF][..] })
        .output()
        .unwrap();
    output.status.code().unwrap()
}

/// The report's text with the two fields a merge may not reproduce blanked.
fn comparable(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for (i, piece) in text.split("\"elapsed_ms\":").enumerate() {
        if i > 0 {
            out.push_str("\"elapsed_ms\":0");
            out.push_str(piece.trim_start_matches(|c: char| c.is_ascii_digit()));
        } else {
            out.push_str(piece);
        }
    }
    let at = out.find("\"started_at\":\"").unwrap() + "\"started_at\":\"".len();
    let end = at + out[at..].find('"').unwrap();
    out.replace_range(at..end, "");
    out
}

/// Runs the `n` shards of the scan of `inputs` in `format`, merges their reports (given in
/// reverse order) and returns (merge exit code, merged report path).
fn shards_merged(dir: &Scratch, inputs: &[&str], format: &str, n: u32) -> (i32, std::path::PathBuf) {
    let mut reports = Vec::new();
    for k in 1..=n {
        let report = dir.path(&format!("shard-{k}-of-{n}.{format}"));
        let code =
            scan(inputs, &["--shard", &format!("{k}/{n}"), "--fail-on", "never", "-f", format], &report);
        // 2 only for a shard dealt an input it cannot read (the report is still written).
        assert!(code == 0 || code == 2, "shard {k}/{n} with --fail-on never: {code}");
        reports.push(report);
    }
    reports.reverse();
    let merged = dir.path(&format!("merged-{n}.{format}"));
    let output =
        leakcheck().arg("report").arg("merge").args(&reports).arg("-o").arg(&merged).output().unwrap();
    (output.status.code().unwrap(), merged)
}

#[test]
fn merge_of_2_to_5_shards_equals_the_unsharded_scan_byte_for_byte() {
    let dir = Scratch::new();
    for format in ["json", "ndjson"] {
        let whole = dir.path(&format!("whole.{format}"));
        let whole_code = scan(INPUTS, &["-f", format], &whole);
        assert_eq!(whole_code, 1, "the fixtures hold exposed people");
        let expected = comparable(&whole);
        assert!(expected.contains("bad record"), "the comparison covers warnings: {expected}");
        for n in 2..=5 {
            let (code, merged) = shards_merged(&dir, INPUTS, format, n);
            assert_eq!(code, whole_code, "{format}, {n} shards: exit code");
            assert_eq!(comparable(&merged), expected, "{format}, {n} shards");
        }
    }
}

#[test]
fn a_shard_dealt_nothing_writes_a_report_without_inputs_and_exits_0() {
    let dir = Scratch::new();
    let input = ["fixtures/formats/pasien_pg.sql"];
    let mut empty = 0;
    for k in 1..=4 {
        let report = dir.path(&format!("s{k}.json"));
        let args = ["--shard", &format!("{k}/4"), "-f", "json", "--fail-on", "never"];
        assert_eq!(scan(&input, &args, &report), 0);
        let json = common::json(&std::fs::read(&report).unwrap());
        if json["inputs"].as_array().unwrap().is_empty() {
            empty += 1;
            assert_eq!(json["summary"]["records"], 0);
            assert_eq!(json["summary"]["complete"], true, "a shard dealt nothing is complete");
            // Also under the default --fail-on: nothing read is no error for a shard.
            assert_eq!(scan(&input, &["--shard", &format!("{k}/4"), "-f", "json"], &report), 0);
        }
    }
    assert_eq!(empty, 3, "one file goes to exactly one of four shards");
    let whole = dir.path("whole.json");
    scan(&input, &["-f", "json"], &whole);
    let (code, merged) = shards_merged(&dir, &input, "json", 4);
    assert_eq!((code, comparable(&merged)), (1, comparable(&whole)));
}

#[test]
fn merge_of_shards_that_read_no_record_is_exit_2_as_the_unsharded_scan() {
    let dir = Scratch::new();
    let header_only = dir.write("header-only.csv", "nik,nama\n");
    let input = [header_only.to_str().unwrap()];
    let whole = dir.path("whole.json");
    assert_eq!(scan(&input, &["-f", "json"], &whole), 2);
    let (code, merged) = shards_merged(&dir, &input, "json", 2);
    assert_eq!((code, comparable(&merged)), (2, comparable(&whole)));
}

#[test]
fn merge_refuses_a_missing_or_doubled_shard_and_shards_of_other_scans() {
    let dir = Scratch::new();
    let input = ["fixtures/formats/pasien.ndjson", "fixtures/formats/pasien_pg.sql"];
    let shard = |k: u32, n: u32, extra: &[&str]| {
        let report = dir.path(&format!("s{k}-{n}-{}.json", extra.join("_").replace('/', "_")));
        let mut args = vec!["--shard".to_string(), format!("{k}/{n}"), "-f".into(), "json".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        scan(&input, &args, &report);
        report
    };
    let (s1, s2, s3) = (shard(1, 3, &[]), shard(2, 3, &[]), shard(3, 3, &[]));
    let other_day = shard(3, 3, &["--as-of", "2025-01-01"]);
    let other_n = shard(2, 2, &[]);
    let whole = dir.path("whole.json");
    scan(&input, &["-f", "json"], &whole);
    let merge = |reports: &[&Path]| {
        let out = leakcheck().args(["report", "merge"]).args(reports).output().unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap(), out.stdout.len())
    };
    for (reports, why) in [
        (vec![&s1, &s2], "shard 3/3 missing"),
        (vec![&s1, &s2, &s2, &s3], "both are shard 2/3"),
        (vec![&s1, &s2, &other_day], "--as-of days differ"),
        (vec![&s1, &s2, &other_n], "numbers of shards"),
        (vec![&s1, &s2, &whole], "not the report of a shard"),
    ] {
        let reports: Vec<&Path> = reports.iter().map(|p| p.as_path()).collect();
        let (code, stderr, stdout) = merge(&reports);
        assert_eq!((code, stdout), (2, 0), "{why}: {stderr}");
        assert!(stderr.contains(why) && stderr.lines().count() == 1, "{why}: {stderr}");
    }
}

#[test]
fn shard_arguments_are_checked_with_one_line_errors() {
    for (args, why) in [
        (vec!["--shard", "0/3", "-f", "json"], "K must be 1 to N"),
        (vec!["--shard", "4/3", "-f", "json"], "K must be 1 to N"),
        (vec!["--shard", "3", "-f", "json"], "not K/N"),
        (vec!["--shard", "1/2"], "give --format json or --format ndjson"),
        (vec!["--shard", "1/2", "-f", "json", "--baseline", "x.json"], "--baseline is not supported"),
    ] {
        let out = leakcheck()
            .current_dir(root())
            .args(["scan", "fixtures/csv/comma.csv", "--watch", WATCH])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    }
    let out = leakcheck()
        .current_dir(root())
        .args(["scan", "-", "--watch", WATCH, "--shard", "1/2", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input (`-`) cannot be dealt"));
}

#[test]
fn merge_keeps_set_aside_entries_their_warnings_and_a_file_given_twice_in_the_unsharded_order() {
    let dir = Scratch::new();
    let leak = dir.path("leak");
    std::fs::create_dir_all(leak.join("sub")).unwrap();
    std::fs::copy(root().join("fixtures/csv/comma.csv"), leak.join("a.csv")).unwrap();
    std::fs::copy(root().join("fixtures/csv/broken_quote.csv"), leak.join("c.csv")).unwrap();
    std::fs::copy(root().join("fixtures/formats/pasien.ndjson"), leak.join("sub/b.ndjson")).unwrap();
    let gz = std::fs::read(root().join("fixtures/formats/pasien.csv.gz")).unwrap();
    std::fs::write(leak.join("cut.csv.gz"), &gz[..300]).unwrap();
    std::fs::write(leak.join("notes.pdf"), "x").unwrap();
    std::os::unix::fs::symlink("nowhere", leak.join("dangling.csv")).unwrap();
    let fifo = std::ffi::CString::new(leak.join("pipe").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let a = leak.join("a.csv");
    let inputs = [leak.to_str().unwrap(), a.to_str().unwrap()];
    let whole = dir.path("whole.json");
    assert_eq!(scan(&inputs, &["-f", "json"], &whole), 2, "a link to nothing and a cut file");
    let expected = comparable(&whole);
    assert!(expected.contains("a symbolic link to nothing") && expected.contains("the same file as"));
    for n in 2..=5 {
        let (code, merged) = shards_merged(&dir, &inputs, "json", n);
        assert_eq!((code, comparable(&merged)), (2, expected.clone()), "{n} shards");
    }
}

#[test]
fn merge_of_hand_edited_shard_numbers_or_counts_is_a_one_line_error_not_a_panic() {
    let dir = Scratch::new();
    let input = ["fixtures/formats/pasien.ndjson", "fixtures/formats/pasien_pg.sql"];
    let (s1, s2) = (dir.path("s1.json"), dir.path("s2.json"));
    scan(&input, &["--shard", "1/2", "-f", "json"], &s1);
    scan(&input, &["--shard", "2/2", "-f", "json"], &s2);
    let edited = |from: &Path, name: &str, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut report: serde_json::Value = serde_json::from_slice(&std::fs::read(from).unwrap()).unwrap();
        edit(&mut report);
        let path = dir.path(name);
        std::fs::write(&path, serde_json::to_vec(&report).unwrap()).unwrap();
        path
    };
    // Shard 2 of 2 is dealt both inputs: its locator divides by n and subtracts 1 from k.
    let n0 = edited(&s2, "n0.json", &|r| r["shard"]["n"] = 0.into());
    let k0 = edited(&s2, "k0.json", &|r| {
        r["shard"]["k"] = 0.into();
        r["shard"]["n"] = 1.into();
    });
    let k1 = edited(&s1, "k1.json", &|r| r["shard"]["n"] = 1.into());
    let huge_n = edited(&s1, "huge.json", &|r| r["shard"]["n"] = u32::MAX.into());
    let k3 = edited(&s2, "k3.json", &|r| r["shard"]["k"] = 3.into());
    let max1 = edited(&s1, "max1.json", &|r| r["summary"]["records"] = u64::MAX.into());
    let max2 = edited(&s2, "max2.json", &|r| r["summary"]["records"] = u64::MAX.into());
    for (reports, why) in [
        (vec![&n0], "shard 2/0 is not one a scan makes"),
        (vec![&k0, &k1], "shard 0/1 is not one a scan makes"),
        (vec![&huge_n], "the number of shards N must be 1 to 100000"),
        (vec![&s1, &k3], "shard 3/2 is not one a scan makes"),
        (vec![&max1, &max2], "summary counts add up to more than"),
    ] {
        let out = leakcheck().args(["report", "merge"]).args(&reports).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!((out.status.code(), out.stdout.len()), (Some(2), 0), "{why}: {stderr}");
        assert!(stderr.contains(why) && stderr.lines().count() == 1, "{why}: {stderr}");
    }
}

#[test]
fn merge_to_ndjson_of_pretty_printed_shard_reports_writes_one_parseable_line_per_value() {
    let dir = Scratch::new();
    let mut pretty = Vec::new();
    for k in 1..=2 {
        let report = dir.path(&format!("s{k}.json"));
        scan(INPUTS, &["--shard", &format!("{k}/2"), "-f", "json"], &report);
        let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        let path = dir.path(&format!("p{k}.json"));
        std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
        pretty.push(path);
    }
    let out = leakcheck().args(["report", "merge", "--format", "ndjson"]).args(&pretty).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 2, "{text}");
    for line in text.lines() {
        assert!(serde_json::from_str::<serde_json::Value>(line).is_ok(), "{line}");
    }
}

/// The test-only variable that lowers the 256 MiB past which an NDJSON file is cut into byte
/// ranges (read by debug builds only: `shard::range::threshold`).
const RANGE_THRESHOLD_VAR: &str = "LEAKCHECK_TEST_RANGE_THRESHOLD";

/// An NDJSON dump of about 30 KB with what a cut must not disturb: a byte-order mark, people
/// of the watchlist on every third line (so on both sides of every cut, whatever N), CRLF
/// lines, blank lines, a dozen lines that are not JSON (more than the ten bad records a
/// report names), and one line of 4 KB, longer than a range, with a person at its end.
fn cut_dump() -> Vec<u8> {
    let people = std::fs::read_to_string(root().join("fixtures/formats/pasien.ndjson")).unwrap();
    let people: Vec<&str> = people.lines().collect();
    let mut out = b"\xef\xbb\xbf".to_vec();
    for i in 0..400u32 {
        let line = match i % 37 {
            _ if i == 200 => format!("{{\"pad\":\"{}\",\"email\":\"siti@example.com\"}}", "x".repeat(4096)),
            5 => String::new(),
            11 | 29 => "{\"nik\": not json".to_string(),
            _ if i % 3 == 0 => people[i as usize % people.len()].to_string(),
            _ => format!("{{\"id\":{i},\"nik\":\"32010141079{i:05}\",\"nama\":\"Orang {i}\"}}"),
        };
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(if i % 7 == 0 { b"\r\n" } else { b"\n" });
    }
    out.extend_from_slice(people[0].as_bytes()); // the last line has no newline
    out
}

/// Runs `scan` with the byte-range threshold lowered to `threshold`.
fn scan_cut(inputs: &[&str], extra: &[&str], out: &Path, threshold: u64) -> i32 {
    let output = leakcheck()
        .current_dir(root())
        .env(RANGE_THRESHOLD_VAR, threshold.to_string())
        .arg("scan")
        .args(inputs)
        .args(["--watch", WATCH, "--no-progress", "--as-of", AS_OF, "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    output.status.code().unwrap()
}

#[test]
fn merge_of_2_to_5_shards_of_an_ndjson_file_cut_into_byte_ranges_equals_the_unsharded_scan() {
    let dir = Scratch::new();
    let dump = dir.write("big.ndjson", cut_dump());
    let small =
        dir.write("small.ndjson", std::fs::read(root().join("fixtures/formats/pasien.ndjson")).unwrap());
    let inputs = [small.to_str().unwrap(), dump.to_str().unwrap(), "fixtures/formats/pasien_pg.sql"];
    let threshold = 1000;
    for format in ["json", "ndjson"] {
        let whole = dir.path(&format!("whole.{format}"));
        assert_eq!(scan_cut(&inputs, &["-f", format], &whole, threshold), 1);
        let expected = comparable(&whole);
        assert!(expected.contains("more bad records not shown"), "{expected}");
        for n in 2..=5u32 {
            let mut reports = Vec::new();
            let (mut records, mut lines, mut bytes) = (0, 0, 0);
            for k in (1..=n).rev() {
                let report = dir.path(&format!("cut-{k}-of-{n}.{format}"));
                let args = ["--shard", &format!("{k}/{n}"), "--fail-on", "never", "-f", format];
                assert_eq!(scan_cut(&inputs, &args, &report, threshold), 0, "shard {k}/{n}");
                let text = std::fs::read_to_string(&report).unwrap();
                let summary = text.lines().last().unwrap();
                let json = common::json(if format == "json" { text.as_bytes() } else { summary.as_bytes() });
                let cut: Vec<&serde_json::Value> = json["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|i| i["path"] == dump.to_str().unwrap())
                    .collect();
                assert_eq!(cut.len(), 1, "shard {k}/{n} reads one range of the big file: {json}");
                let range = &cut[0]["range"];
                assert!(range.is_object(), "shard {k}/{n}: {json}");
                assert_eq!(
                    cut[0]["bytes"],
                    range["end"].as_u64().unwrap() - range["start"].as_u64().unwrap()
                );
                assert_eq!(cut[0]["records"], range["records"]);
                records += range["records"].as_u64().unwrap();
                lines += range["lines"].as_u64().unwrap();
                bytes += cut[0]["bytes"].as_u64().unwrap();
                reports.push(report);
            }
            assert_eq!((lines, bytes), (401, std::fs::metadata(&dump).unwrap().len()), "{n} shards");
            assert!(records > 350, "{n} shards: {records} records");
            let merged = dir.path(&format!("cut-merged-{n}.{format}"));
            let out =
                leakcheck().args(["report", "merge"]).args(&reports).arg("-o").arg(&merged).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(comparable(&merged), expected, "{format}, {n} shards");
        }
    }
}

#[test]
fn a_file_of_blank_lines_cut_into_ranges_says_no_records_once_as_the_unsharded_scan() {
    let dir = Scratch::new();
    let blank = dir.write("blank.ndjson", "\n".repeat(3000));
    let other = "fixtures/formats/pasien.ndjson";
    let inputs = [blank.to_str().unwrap(), other];
    let whole = dir.path("whole.json");
    assert_eq!(scan_cut(&inputs, &["-f", "json"], &whole, 100), 1);
    assert!(comparable(&whole).contains("blank.ndjson: no records"));
    let mut reports = Vec::new();
    for k in 1..=3 {
        let report = dir.path(&format!("s{k}.json"));
        scan_cut(&inputs, &["--shard", &format!("{k}/3"), "-f", "json", "--fail-on", "never"], &report, 100);
        assert!(!comparable(&report).contains("no records"), "a range does not speak for its file");
        reports.push(report);
    }
    let merged = dir.path("merged.json");
    let out = leakcheck().args(["report", "merge"]).args(&reports).arg("-o").arg(&merged).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(comparable(&merged), comparable(&whole));
}

#[test]
fn a_file_under_the_threshold_or_not_ndjson_is_dealt_whole() {
    let dir = Scratch::new();
    let dump = dir.write("big.ndjson", cut_dump());
    let gz = "fixtures/formats/pasien.csv.gz";
    for (threshold, input) in [(u64::MAX, dump.to_str().unwrap()), (10, gz), (10, "fixtures/csv/comma.csv")] {
        let mut owners = 0;
        for k in 1..=3 {
            let report = dir.path(&format!("w{k}.json"));
            scan_cut(
                &[input],
                &["--shard", &format!("{k}/3"), "-f", "json", "--fail-on", "never"],
                &report,
                threshold,
            );
            let json = common::json(&std::fs::read(&report).unwrap());
            let inputs = json["inputs"].as_array().unwrap();
            assert!(inputs.iter().all(|i| i.get("range").is_none()), "{input}: {json}");
            owners += inputs.len();
        }
        assert_eq!(owners, 1, "{input} is read by one shard");
    }
}

#[test]
fn merge_refuses_byte_ranges_that_do_not_tile_their_file() {
    let dir = Scratch::new();
    let dump = dir.write("big.ndjson", cut_dump());
    let input = [dump.to_str().unwrap()];
    let (s1, s2) = (dir.path("s1.json"), dir.path("s2.json"));
    scan_cut(&input, &["--shard", "1/2", "-f", "json"], &s1, 1000);
    scan_cut(&input, &["--shard", "2/2", "-f", "json"], &s2, 1000);
    let mut edited: serde_json::Value = serde_json::from_slice(&std::fs::read(&s2).unwrap()).unwrap();
    let start = edited["inputs"][0]["range"]["start"].as_u64().unwrap();
    edited["inputs"][0]["range"]["start"] = (start + 1).into();
    let bad = dir.write("bad.json", serde_json::to_vec(&edited).unwrap());
    let out = leakcheck().args(["report", "merge"]).arg(&s1).arg(&bad).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!((out.status.code(), out.stdout.len()), (Some(2), 0), "{stderr}");
    assert!(stderr.contains("byte ranges") && stderr.lines().count() == 1, "{stderr}");
}

fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The paths of a JSON report's `inputs` and `skipped`.
fn paths_of(path: &Path) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    ["inputs", "skipped"]
        .iter()
        .flat_map(|list| report[list].as_array().unwrap().clone())
        .map(|entry| entry["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn archive_members_are_dealt_one_by_one_and_merge_back_byte_for_byte() {
    let dir = Scratch::new();
    let fixture = |rel: &str| std::fs::read(root().join("fixtures").join(rel)).unwrap();
    let inner =
        zip_of(&[("x.csv", fixture("csv/comma.csv")), ("y.ndjson", fixture("formats/pasien.ndjson"))]);
    let mut members = vec![
        ("a/comma.csv", fixture("csv/comma.csv")),
        ("b/broken.csv", fixture("csv/broken_quote.csv")),
        ("c/pasien.ndjson", fixture("formats/pasien.ndjson")),
        ("d/notes.pdf", b"%PDF-1.4 not a dump".to_vec()),
        ("e/inner.zip", inner),
        ("f/latin1.csv", fixture("csv/latin1.csv")),
        ("g/semicolon.csv", fixture("csv/semicolon_bom_crlf.csv")),
        ("h/tabs.tsv", fixture("csv/tabs.tsv")),
    ];
    for name in ["i0.csv", "i1.csv", "i2.csv", "i3.csv", "i4.csv", "i5.csv"] {
        members.push((name, fixture("csv/comma.csv")));
    }
    let leak = dir.path("leak");
    std::fs::create_dir(&leak).unwrap();
    std::fs::write(leak.join("leak.zip"), zip_of(&members)).unwrap();
    std::fs::write(leak.join("pasien.tgz"), fixture("archives/pasien.tgz")).unwrap();
    std::fs::write(leak.join("nested.tar.gz"), fixture("archives/nested.tar.gz")).unwrap();
    let inputs = [leak.to_str().unwrap(), "fixtures/formats/pasien_pg.sql"];
    let mut spread = 0;
    for format in ["json", "ndjson"] {
        let whole = dir.path(&format!("whole.{format}"));
        let whole_code = scan(&inputs, &["-f", format], &whole);
        assert_eq!(whole_code, 1, "the members hold exposed people");
        let expected = comparable(&whole);
        assert!(expected.contains("bad record") && expected.contains("inner.zip!y.ndjson"), "{expected}");
        assert!(expected.contains("nested.tar.gz!inner.zip!2021/pasien.csv"), "{expected}");
        for n in 2..=5 {
            let (code, merged) = shards_merged(&dir, &inputs, format, n);
            assert_eq!(code, whole_code, "{format}, {n} shards: exit code");
            assert_eq!(comparable(&merged), expected, "{format}, {n} shards");
            if format == "json" {
                // Each member (read or skipped) of the unsharded scan is in exactly one shard.
                let shards: Vec<Vec<String>> =
                    (1..=n).map(|k| paths_of(&dir.path(&format!("shard-{k}-of-{n}.json")))).collect();
                for path in paths_of(&whole) {
                    let holders = shards.iter().filter(|s| s.contains(&path)).count();
                    assert_eq!(holders, 1, "{path}, {n} shards");
                }
                let with_zip_members =
                    shards.iter().filter(|s| s.iter().any(|p| p.contains("leak.zip!"))).count();
                spread += usize::from(with_zip_members > 1);
            }
        }
    }
    // 14 members over 2 to 5 shards: an archive dealt whole would be in one shard every time.
    assert!(spread > 0, "the members of one archive went to one shard in every run");
}

/// The unsharded scan says of a whole file that almost all its values of a kind are invalid, or
/// that it holds no identity value at all; a range cannot, so its report carries its counts
/// (`inputs[].range.values`, `.invalid`) and the merge gives the file's warnings from their sums.
#[test]
fn merge_of_a_cut_file_gives_its_suspect_input_warnings_as_the_unsharded_scan() {
    let dir = Scratch::new();
    let invalid = dir.write("inv.ndjson", "{\"nik\":\"3.20101E+15\",\"nama\":\"Budi\"}\n".repeat(30));
    let no_id = dir.write("noid.ndjson", "{\"ket\":\"x\"}\n".repeat(300));
    for (file, says) in [(&invalid, "30 of 30 nik values are invalid"), (&no_id, "no NIK, phone, e-mail")] {
        let inputs = [file.to_str().unwrap()];
        for format in ["json", "ndjson"] {
            let whole = dir.path(&format!("whole.{format}"));
            assert_eq!(scan_cut(&inputs, &["-f", format], &whole, 100), 0);
            let expected = comparable(&whole);
            assert!(expected.contains(says), "{expected}");
            assert_eq!(scan_cut(&inputs, &["-f", format, "--strict"], &whole, 100), 2, "{says}");
            for n in 2..=3u32 {
                let mut reports = Vec::new();
                for k in 1..=n {
                    let report = dir.path(&format!("s{k}-of-{n}.{format}"));
                    let args = ["--shard", &format!("{k}/{n}"), "-f", format, "--fail-on", "never"];
                    assert_eq!(scan_cut(&inputs, &args, &report, 100), 0);
                    assert!(!comparable(&report).contains(says), "a range does not speak for its file");
                    reports.push(report);
                }
                let merged = dir.path(&format!("merged.{format}"));
                let out = leakcheck()
                    .args(["report", "merge"])
                    .args(&reports)
                    .arg("-o")
                    .arg(&merged)
                    .output()
                    .unwrap();
                assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
                assert_eq!(comparable(&merged), expected, "{says}: {format}, {n} shards");
            }
        }
    }
}

/// A line longer than a range leaves a shard an empty range, starting where the next one does:
/// the merge accepts the shard reports in any order.
#[test]
fn merge_accepts_an_empty_byte_range_in_every_order_of_the_shard_reports() {
    let dir = Scratch::new();
    let long = format!("{{\"pad\":\"{}\",\"email\":\"siti@example.com\"}}\n", "x".repeat(1000));
    let dump = dir.write("long.ndjson", format!("{long}{{\"nik\":\"3201014107900001\"}}\n"));
    let inputs = [dump.to_str().unwrap()];
    let whole = dir.path("whole.json");
    let whole_code = scan_cut(&inputs, &["-f", "json"], &whole, 100);
    let mut reports = Vec::new();
    let mut ranges = Vec::new();
    for k in 1..=3 {
        let report = dir.path(&format!("s{k}.json"));
        scan_cut(&inputs, &["--shard", &format!("{k}/3"), "-f", "json", "--fail-on", "never"], &report, 100);
        let json = common::json(&std::fs::read(&report).unwrap());
        let range = &json["inputs"][0]["range"];
        ranges.push((range["start"].as_u64().unwrap(), range["end"].as_u64().unwrap()));
        reports.push(report);
    }
    assert!(ranges.iter().any(|(start, end)| start == end && *start > 0), "an empty range: {ranges:?}");
    for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
        let merged = dir.path("merged.json");
        let out = leakcheck()
            .args(["report", "merge"])
            .args(order.map(|i| &reports[i]))
            .arg("-o")
            .arg(&merged)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(whole_code),
            "{order:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(comparable(&merged), comparable(&whole), "{order:?}");
    }
}

/// Ranges whose bad records fall at the same place in each give every shard the same warnings:
/// they are still each range's own, renumbered, not warnings about the run given once.
#[test]
fn merge_keeps_the_bad_records_of_ranges_whose_warnings_are_identical() {
    let dir = Scratch::new();
    let good = "{\"nik\":\"3201010101900001\"}";
    let bad = format!("{:<w$}", "{\"nik\": not json", w = good.len());
    let dump = dir.write("per.ndjson", [good, &bad, good, good].repeat(2).join("\n") + "\n");
    let inputs = [dump.to_str().unwrap()];
    let whole = dir.path("whole.json");
    let whole_code = scan_cut(&inputs, &["-f", "json"], &whole, 100);
    assert!(comparable(&whole).contains(":6: bad record 6 skipped"), "{}", comparable(&whole));
    let mut reports = Vec::new();
    for k in 1..=2 {
        let report = dir.path(&format!("s{k}.json"));
        scan_cut(&inputs, &["--shard", &format!("{k}/2"), "-f", "json", "--fail-on", "never"], &report, 100);
        reports.push(report);
    }
    let merged = dir.path("merged.json");
    let out = leakcheck().args(["report", "merge"]).args(&reports).arg("-o").arg(&merged).output().unwrap();
    assert_eq!(out.status.code(), Some(whole_code), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(comparable(&merged), comparable(&whole));
}

/// A shard that could not open its range lists the file in `skipped`: the merge says so, not
/// that a report was edited.
#[test]
fn merge_names_the_shard_that_could_not_read_its_range() {
    let dir = Scratch::new();
    let dump = dir.write("big.ndjson", cut_dump());
    let input = [dump.to_str().unwrap()];
    let (s1, s2) = (dir.path("s1.json"), dir.path("s2.json"));
    scan_cut(&input, &["--shard", "1/2", "-f", "json"], &s1, 1000);
    scan_cut(&input, &["--shard", "2/2", "-f", "json"], &s2, 1000);
    let mut failed: serde_json::Value = serde_json::from_slice(&std::fs::read(&s2).unwrap()).unwrap();
    failed["inputs"] = serde_json::json!([]);
    failed["exposures"] = serde_json::json!([]);
    failed["skipped"] =
        serde_json::json!([{"path": dump.to_str().unwrap(), "reason": "cannot open", "error": true}]);
    let failed = dir.write("failed.json", serde_json::to_vec(&failed).unwrap());
    let out = leakcheck().args(["report", "merge"]).arg(&s1).arg(&failed).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!((out.status.code(), out.stdout.len()), (Some(2), 0), "{stderr}");
    assert!(stderr.contains("shard 2/2 could not read its range of"), "{stderr}");
    assert!(!stderr.contains("edited") && stderr.lines().count() == 1, "{stderr}");
}

/// Runs `report merge` on `reports` with `extra` arguments: (exit code, stderr, stdout).
fn merge_reports(reports: &[&Path], extra: &[&str]) -> (i32, String, Vec<u8>) {
    let out = leakcheck().args(["report", "merge"]).args(reports).args(extra).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap(), out.stdout)
}

/// The shard reports of `--shard K/N` for K = 1…N of a scan of `inputs` cut at `threshold`.
fn cut_shards(
    dir: &Scratch,
    inputs: &[&str],
    n: u32,
    extra: &[&str],
    threshold: u64,
) -> Vec<std::path::PathBuf> {
    (1..=n)
        .map(|k| {
            let report = dir.path(&format!("s{k}-of-{n}-{}.json", extra.join("_")));
            let spec = format!("{k}/{n}");
            let args: Vec<&str> =
                ["--shard", &spec, "--fail-on", "never"].into_iter().chain(extra.iter().copied()).collect();
            assert_eq!(scan_cut(inputs, &args, &report, threshold), 0, "shard {k}/{n} {extra:?}");
            report
        })
        .collect()
}

/// `--strict` was not recorded in a shard's report: a cut file whose values are all invalid
/// stops the unsharded `--strict` scan (exit 2, no report file), while the merge of `--strict`
/// shards wrote the report and exited 0 by `--fail-on` alone.
#[test]
fn merge_of_strict_shards_stops_on_a_suspect_cut_file_as_the_unsharded_strict_scan() {
    let dir = Scratch::new();
    let invalid = dir.write("inv.ndjson", "{\"nik\":\"3.20101E+15\",\"nama\":\"Budi\"}\n".repeat(30));
    let inputs = [invalid.to_str().unwrap()];
    let whole = dir.path("whole.json");
    assert_eq!(scan_cut(&inputs, &["-f", "json", "--strict"], &whole, 100), 2);
    assert!(!whole.exists(), "a stopped scan writes no -o file");
    for n in 2..=3u32 {
        let reports = cut_shards(&dir, &inputs, n, &["-f", "json", "--strict"], 100);
        let shard = common::json(&std::fs::read(&reports[0]).unwrap());
        assert_eq!(shard["shard"]["strict"], true, "{shard}");
        let merged = dir.path(&format!("merged-{n}.json"));
        let refs: Vec<&Path> = reports.iter().map(|p| p.as_path()).collect();
        let (code, stderr, _) = merge_reports(&refs, &["-o", merged.to_str().unwrap()]);
        assert_eq!(code, 2, "{n} shards: {stderr}");
        assert!(
            stderr.contains("30 of 30 nik values are invalid") && stderr.contains("--strict is set"),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!merged.exists(), "{n} shards: the merge of a stopped scan writes no -o file");
        // On standard output, as the unsharded scan, the report says it is not complete.
        let (code, _, stdout) = merge_reports(&refs, &[]);
        assert_eq!(code, 2);
        assert_eq!(common::json(&stdout)["summary"]["complete"], false);
    }
    // Without --strict, the same shards merge with the warning and exit 0, as the unsharded scan.
    let lenient = cut_shards(&dir, &inputs, 2, &["-f", "json"], 100);
    let refs: Vec<&Path> = lenient.iter().map(|p| p.as_path()).collect();
    let (code, stderr, _) = merge_reports(&refs, &[]);
    assert_eq!(code, 0, "{stderr}");
    // Shards that differ in --strict are not shards of one scan.
    let strict = cut_shards(&dir, &inputs, 2, &["-f", "json", "--strict"], 100);
    let (code, stderr, stdout) = merge_reports(&[&strict[0], &lenient[1]], &[]);
    assert_eq!((code, stdout.len()), (2, 0), "{stderr}");
    assert!(
        stderr.contains("--strict") && stderr.contains("differ") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

/// An NDJSON file whose lines end with a lone CR (old Mac software, some exports): its lines
/// are records, also cut into byte ranges, with blank and broken lines among them.
fn cr_dump() -> Vec<u8> {
    let people = std::fs::read_to_string(root().join("fixtures/formats/pasien.ndjson")).unwrap();
    let people: Vec<&str> = people.lines().collect();
    let mut out = Vec::new();
    for i in 0..300u32 {
        let line = match i % 23 {
            4 => String::new(),
            9 | 17 => "{\"nik\": not json".to_string(),
            _ if i % 3 == 0 => people[i as usize % people.len()].to_string(),
            _ => format!("{{\"id\":{i},\"nik\":\"32010141079{i:05}\",\"nama\":\"Orang {i}\"}}"),
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\r');
    }
    out.extend_from_slice(people[0].as_bytes());
    out
}

#[test]
fn an_ndjson_file_of_lone_cr_line_ends_was_one_bad_record_and_scanned_clear() {
    let dir = Scratch::new();
    let dump = dir.write("mac.ndjson", cr_dump());
    let inputs = [dump.to_str().unwrap()];
    let whole = dir.path("whole.json");
    assert_eq!(scan(&inputs, &["-f", "json"], &whole), 1);
    let report = common::json(&std::fs::read(&whole).unwrap());
    // 300 lines less the blank ones, and the last line without a CR.
    let blank = (0..300).filter(|i| i % 23 == 4).count() as u64;
    assert_eq!(report["summary"]["records"], 300 - blank + 1, "{report}");
    assert_eq!(report["summary"]["bad_records"], (0..300).filter(|i| [9, 17].contains(&(i % 23))).count());
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("mac.ndjson:10: bad record 9 skipped"), "{warnings}");
}

#[test]
fn merge_of_2_to_5_shards_of_a_cut_file_of_lone_cr_line_ends_equals_the_unsharded_scan() {
    let dir = Scratch::new();
    let dump = dir.write("mac.ndjson", cr_dump());
    let inputs = [dump.to_str().unwrap()];
    let threshold = 1000;
    let whole = dir.path("whole.json");
    assert_eq!(scan_cut(&inputs, &["-f", "json"], &whole, threshold), 1);
    for n in 2..=5u32 {
        let reports = cut_shards(&dir, &inputs, n, &["-f", "json"], threshold);
        let mut lines = 0;
        for report in &reports {
            let json = common::json(&std::fs::read(report).unwrap());
            lines += json["inputs"][0]["range"]["lines"].as_u64().unwrap();
        }
        assert_eq!(lines, 301, "{n} shards count the lines of the file");
        let merged = dir.path(&format!("merged-{n}.json"));
        let refs: Vec<&Path> = reports.iter().map(|p| p.as_path()).collect();
        let (code, stderr, _) = merge_reports(&refs, &["-o", merged.to_str().unwrap()]);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(comparable(&merged), comparable(&whole), "{n} shards");
    }
}

/// A cut file of bad records only, and a small file of bad records only: every shard reads
/// records that are all bad; the merge keeps each warning, count and exit as the unsharded scan.
#[test]
fn merge_of_3_shards_of_inputs_of_only_bad_records_keeps_their_warnings_and_counts() {
    let dir = Scratch::new();
    let big = dir.write("bad.ndjson", "{\"nik\": \"3201014107900001\" broken\n".repeat(40));
    let small = dir.write("bad-small.ndjson", "{\"nik\": [\n".repeat(3));
    let inputs = [big.to_str().unwrap(), small.to_str().unwrap()];
    for format in ["json", "ndjson"] {
        let whole = dir.path(&format!("whole.{format}"));
        let whole_code = scan_cut(&inputs, &["-f", format], &whole, 200);
        let expected = comparable(&whole);
        assert!(
            expected.contains("\"bad_records\":43") && expected.contains("33 more bad records"),
            "{expected}"
        );
        let reports = cut_shards(&dir, &inputs, 3, &["-f", format], 200);
        for report in &reports {
            let text = comparable(report);
            assert!(text.contains("\"range\""), "each shard reads a range of the big file: {text}");
        }
        let merged = dir.path(&format!("merged.{format}"));
        let refs: Vec<&Path> = reports.iter().map(|p| p.as_path()).collect();
        let (code, stderr, _) = merge_reports(&refs, &["-o", merged.to_str().unwrap()]);
        assert_eq!(code, whole_code, "{stderr}");
        assert_eq!(comparable(&merged), expected, "{format}");
    }
}

/// Shard reports as a hostile or hurried user hands them over: each is refused with one line
/// that says what is wrong, exit 2, nothing written; mixed JSON and NDJSON reports merge only
/// with --format, which then gives the unsharded report.
#[test]
fn merge_refuses_empty_cut_short_joined_and_mixed_format_reports_with_one_line() {
    let dir = Scratch::new();
    let input = ["fixtures/formats/pasien.ndjson", "fixtures/formats/pasien_pg.sql", "fixtures/csv"];
    let shard = |k: u32, format: &str| {
        let report = dir.path(&format!("s{k}.{format}"));
        scan(&input, &["--shard", &format!("{k}/3"), "--fail-on", "never", "-f", format], &report);
        report
    };
    let (j1, j2, j3) = (shard(1, "json"), shard(2, "json"), shard(3, "json"));
    let (n1, n2, n3) = (shard(1, "ndjson"), shard(2, "ndjson"), shard(3, "ndjson"));
    let empty = dir.write("empty.json", "");
    let j3_text = std::fs::read(&j3).unwrap();
    let cut_json = dir.write("cut.json", &j3_text[..j3_text.len() / 2]);
    let n3_text = std::fs::read(&n3).unwrap();
    let cut_ndjson = dir.write("cut.ndjson", &n3_text[..n3_text.len() - 20]);
    let joined = dir.write("joined.ndjson", [std::fs::read(&n2).unwrap(), n3_text.clone()].concat());
    for (reports, why) in [
        (vec![&j1, &j2, &empty], "empty.json: empty"),
        (vec![&j1, &j2, &cut_json], "cut short"),
        (vec![&n1, &n2, &cut_ndjson], "cut short"),
        (vec![&n1, &joined, &n3], "a line after the summary line"),
        (vec![&j1, &n2, &j3], "give --format"),
        (vec![&n1, &j2, &n3], "give --format"),
    ] {
        let refs: Vec<&Path> = reports.iter().map(|p| p.as_path()).collect();
        let (code, stderr, stdout) = merge_reports(&refs, &[]);
        assert_eq!((code, stdout.len()), (2, 0), "{why}: {stderr}");
        assert!(stderr.contains(why) && stderr.lines().count() == 1, "{why}: {stderr}");
    }
    for format in ["json", "ndjson"] {
        let whole = dir.path(&format!("whole.{format}"));
        let code = scan(&input, &["-f", format], &whole);
        let merged = dir.path(&format!("mixed.{format}"));
        let (merged_code, stderr, _) =
            merge_reports(&[&n1, &j2, &n3], &["--format", format, "-o", merged.to_str().unwrap()]);
        assert_eq!(merged_code, code, "{stderr}");
        assert_eq!(comparable(&merged), comparable(&whole), "{format}");
    }
}
