//! Private watchlists (SPEC §3, §4.3): keyed hashing, `leakcheck hash`, and scans with a hashed
//! list that report exactly what the plaintext list reports.

use crate::common;
use common::*;
use leakcheck::kind::Kind;
use predicates::prelude::*;

const KEY: &str = "kunci-rahasia-rumah-sakit-2021";

/// The SPEC §3 test-vector values as a plain list and a CSV of people.
fn vector_lists(s: &Scratch) -> [std::path::PathBuf; 2] {
    [
        s.write(
            "v.txt",
            "nik:3201014107900001\nphone:+6281234567890\nemail:budisantoso@gmail.com\nname:siti nurhaliza\n",
        ),
        s.write("v.csv", "id,nama,tgl_lahir\nP1,Siti Nurhaliza,1990-07-01\n"),
    ]
}

fn hash_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(out.to_vec()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn hash_writes_the_spec_digests_unkeyed_and_keyed() {
    let s = Scratch::new();
    let [plain, people] = vector_lists(&s);
    let out = leakcheck().arg("hash").arg(&plain).arg(&people).env_remove("LEAKCHECK_KEY").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("brute force"), "unkeyed hashing warns");
    let lines = hash_lines(&out.stdout);
    assert_eq!(lines[0]["format"], "leakcheck-watchlist");
    assert_eq!(lines[0]["keyed"], false);
    assert_eq!(lines[0]["key_check"], serde_json::Value::Null);
    assert_eq!(lines[0]["entries"], 5);
    assert_eq!(lines[1]["nik"][0], "e77a3d6148b08bd89fa92cd9b384fac919d09bda67a4ee94a2a115b645a0fdfe");
    assert_eq!(lines[2]["phone"][0], "0766065f448af2ca561aec9e51ad8398b948bd8e911aa9a842323c07ac164804");
    assert_eq!(lines[3]["email"][0], "561a9718c0e69059dc9585bc22107350093014db522dededba329f28582d8bcf");
    assert_eq!(lines[4]["name"][0], "0e324c23e7a917f597a45c790785caa7812337d0691bed8a5c5110a8f714babe");
    assert_eq!(lines[5]["name_dob"][0], "bf4dad9ff50e7903335c05d4e5cadf30712ff879130624498d3df144a1c77364");
    // Two lists named v: labels prefixed v: and v#2: (SPEC §4 1.1).
    assert_eq!(lines[5]["label"], "v#2:P1");
    assert!(lines[1].get("phone").is_none(), "absent kinds are omitted");

    let key = s.write("rs.key", format!("{KEY}\n"));
    let output = s.path("h.jsonl");
    leakcheck()
        .arg("hash")
        .arg(&plain)
        .arg(&people)
        .arg("--key-file")
        .arg(&key)
        .arg("-o")
        .arg(&output)
        .assert()
        .code(0)
        .stdout("");
    let lines = hash_lines(&std::fs::read(&output).unwrap());
    assert_eq!(lines[0]["keyed"], true);
    assert_eq!(lines[0]["key_check"], "368b69be2d18eca3");
    assert_eq!(lines[1]["nik"][0], "a0dead7a8144871c37b70dd4c3479ad1d0c30a8d27f39ee3c110857efc2549e0");
    assert_eq!(lines[2]["phone"][0], "0069e77f5ac9e86f6d63301e276940c0ca88a9dd1657efccc5f71a8bc9ef35b8");
    assert_eq!(lines[3]["email"][0], "caa7701dc91d7c5bc71b324c757206b74be011a3aa31d5424cb98ca8919495b2");
    assert_eq!(lines[4]["name"][0], "45a962435a772307a81b9dd82c0a4a6833bcafba3768823712cfcbe1fd20e68b");
    assert_eq!(lines[5]["name_dob"][0], "9340ffb2ef7e8d5fe3ed4aba81030fe90324394c73c6d0b472701a1b6b57f8c4");
    // The same from the environment.
    let out = leakcheck().arg("hash").arg(&plain).env("LEAKCHECK_KEY", KEY).output().unwrap();
    assert_eq!(
        hash_lines(&out.stdout)[1]["nik"][0],
        "a0dead7a8144871c37b70dd4c3479ad1d0c30a8d27f39ee3c110857efc2549e0"
    );
}

#[test]
fn a_hashed_list_holds_no_plaintext_identifier() {
    let s = Scratch::new();
    let key = s.write("rs.key", KEY);
    let out = leakcheck()
        .arg("hash")
        .arg(fixture("demo/watchlist.csv"))
        .arg(fixture("demo/watchlist.txt"))
        .arg("--key-file")
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let hashed = String::from_utf8(out.stdout).unwrap().to_lowercase();
    // Every value of the inputs, raw and canonical, in every spelling a reader could search for.
    let mut secrets = Vec::new();
    let mut people = csv::Reader::from_path(fixture("demo/watchlist.csv")).unwrap();
    let headers = people.headers().unwrap().clone();
    for row in people.records() {
        for (header, value) in headers.iter().zip(row.unwrap().iter()) {
            let Some(kind) = leakcheck::roles::role_from_header(header) else { continue };
            secrets.push(value.to_string());
            let mut pieces = Vec::new();
            if kind == Kind::Phone {
                leakcheck::normalize::for_each_phone(value, |p| pieces.push(p.to_string()));
            } else {
                pieces.push(value.to_string());
            }
            secrets.extend(pieces.iter().filter_map(|p| leakcheck::normalize::canonical(kind, p).ok()));
        }
    }
    for line in std::fs::read_to_string(fixture("demo/watchlist.txt")).unwrap().lines() {
        let value = line.split_once(':').map_or(line, |(_, v)| v).trim();
        if !line.starts_with('#') && !value.is_empty() {
            secrets.push(value.to_string());
        }
    }
    let secrets: Vec<String> = secrets.into_iter().filter(|s| s.trim().len() >= 4).collect();
    assert!(secrets.len() > 40);
    for secret in &secrets {
        let needle = secret.to_lowercase();
        assert!(!hashed.contains(needle.trim()), "hashed list holds {secret:?}");
        let digits: String = secret.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 8 {
            assert!(!hashed.contains(&digits), "hashed list holds the digits of {secret:?}");
        }
    }
}

fn scan_json(
    dump: &std::path::Path,
    watch: &[&std::path::Path],
    key: Option<&std::path::Path>,
) -> serde_json::Value {
    let mut cmd = leakcheck();
    cmd.arg("scan").arg(dump).env_remove("LEAKCHECK_KEY").args(["-f", "json"]);
    for w in watch {
        cmd.arg("--watch").arg(w);
    }
    if let Some(key) = key {
        cmd.arg("--key-file").arg(key);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    without_run(&out.stdout)
}

/// Also proves the plain list's prefilter (which a hashed list cannot have) changes no answer.
#[test]
fn scanning_the_hashed_list_reports_exactly_what_the_plain_list_does() {
    let s = Scratch::new();
    let key = s.write("rs.key", format!("{KEY}\r\n"));
    for list in ["demo/watchlist.csv", "demo/watchlist.txt"] {
        let plain = fixture(list);
        let want = scan_json(&fixture("demo/pasien.csv"), &[&plain], None);
        // Unkeyed hashed list, keyed hashed list, and the plain list scanned with a key.
        let unkeyed = s.path("unkeyed.jsonl");
        leakcheck()
            .arg("hash")
            .arg(&plain)
            .arg("-o")
            .arg(&unkeyed)
            .env_remove("LEAKCHECK_KEY")
            .assert()
            .code(0);
        let keyed = s.path("keyed.jsonl");
        leakcheck()
            .arg("hash")
            .arg(&plain)
            .arg("-o")
            .arg(&keyed)
            .arg("--key-file")
            .arg(&key)
            .assert()
            .code(0);
        assert_eq!(scan_json(&fixture("demo/pasien.csv"), &[&unkeyed], None), want, "{list} unkeyed");
        assert_eq!(scan_json(&fixture("demo/pasien.csv"), &[&keyed], Some(&key)), want, "{list} keyed");
        assert_eq!(
            scan_json(&fixture("demo/pasien.csv"), &[&plain], Some(&key)),
            want,
            "{list} plain with key"
        );
    }
}

#[test]
fn plain_csv_and_hashed_lists_mix_in_one_scan() {
    let s = Scratch::new();
    let key = s.write("rs.key", KEY);
    let hashed = s.path("people.jsonl");
    leakcheck()
        .arg("hash")
        .arg(fixture("csv/people.csv"))
        .arg("-o")
        .arg(&hashed)
        .arg("--key-file")
        .arg(&key)
        .assert()
        .code(0);
    let plain = fixture("csv/plain.txt");
    let want = scan_json(&fixture("formats/pasien.ndjson"), &[&plain, &fixture("csv/people.csv")], None);
    assert_eq!(scan_json(&fixture("formats/pasien.ndjson"), &[&plain, &hashed], Some(&key)), want);
}

#[test]
fn key_problems_are_one_line_errors_that_never_show_the_key() {
    let s = Scratch::new();
    let good = s.write("rs.key", KEY);
    let other = s.write("other.key", "another-key-of-the-hospital");
    let short = s.write("short.key", "pendek\n");
    let keyed = s.path("keyed.jsonl");
    leakcheck()
        .arg("hash")
        .arg(fixture("demo/watchlist.csv"))
        .arg("-o")
        .arg(&keyed)
        .arg("--key-file")
        .arg(&good)
        .assert()
        .code(0);
    let unkeyed = s.path("unkeyed.jsonl");
    leakcheck()
        .arg("hash")
        .arg(fixture("demo/watchlist.csv"))
        .arg("-o")
        .arg(&unkeyed)
        .env_remove("LEAKCHECK_KEY")
        .assert()
        .code(0);
    let report = s.path("report.json");
    let cases: [(&std::path::Path, Option<&std::path::Path>, Option<&str>, &str); 5] = [
        (&keyed, None, None, "is keyed: give its key"),
        (&keyed, Some(&other), None, "hashed with another key"),
        (&keyed, None, Some("wrong-key-but-long-enough"), "hashed with another key"),
        (&keyed, Some(&short), None, "at least 16 are needed"),
        (&unkeyed, Some(&good), None, "not keyed, but a key was given"),
    ];
    for (list, key_file, env, message) in cases {
        let mut cmd = leakcheck();
        cmd.arg("scan").arg(fixture("demo/pasien.csv")).arg("--watch").arg(list).arg("-o").arg(&report);
        cmd.env_remove("LEAKCHECK_KEY");
        if let Some(k) = key_file {
            cmd.arg("--key-file").arg(k);
        }
        if let Some(e) = env {
            cmd.env("LEAKCHECK_KEY", e);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{message}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(message), "{message}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        for secret in [KEY, "another-key-of-the-hospital", "pendek", "wrong-key-but-long-enough"] {
            assert!(!stderr.contains(secret), "the key leaked: {stderr}");
        }
        assert!(!report.exists(), "no report is left behind");
    }
}

#[test]
fn corrupted_hashed_lists_are_refused_with_their_line() {
    let s = Scratch::new();
    let good = s.path("good.jsonl");
    leakcheck()
        .arg("hash")
        .arg(fixture("csv/people.csv"))
        .arg("-o")
        .arg(&good)
        .env_remove("LEAKCHECK_KEY")
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&good).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let bad_header = text.replacen("\"version\":1", "\"version\":7", 1);
    let bad_hex = text.replacen(&lines[1][lines[1].len() - 10..], "zz\"]}", 1);
    let truncated = &text[..text.len() - 40];
    let missing_line = lines[..lines.len() - 1].join("\n");
    let cases = [
        (bad_header.as_str(), ":1: hashed watchlist version 7 is not supported"),
        ("{\"format\":\"leakcheck-watchlist\"}\n", ":1: not the header"),
        (bad_hex.as_str(), ":2: not a 64-digit hex digest"),
        (truncated, "not an entry of a hashed watchlist"),
        (missing_line.as_str(), "announces 7 entries but 6 follow"),
    ];
    for (content, message) in cases {
        let list = s.write("broken.jsonl", content);
        let report = s.path("r.json");
        let out = leakcheck()
            .arg("scan")
            .arg(fixture("csv/comma.csv"))
            .arg("--watch")
            .arg(&list)
            .arg("-o")
            .arg(&report)
            .env_remove("LEAKCHECK_KEY")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{message}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(message), "{message}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!report.exists());
    }
}

#[test]
fn hashing_a_hashed_list_is_refused() {
    let s = Scratch::new();
    let hashed = s.path("h.jsonl");
    leakcheck()
        .arg("hash")
        .arg(fixture("csv/plain.txt"))
        .arg("-o")
        .arg(&hashed)
        .env_remove("LEAKCHECK_KEY")
        .assert()
        .code(0);
    leakcheck()
        .arg("hash")
        .arg(&hashed)
        .env_remove("LEAKCHECK_KEY")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already hashed"));
}

#[test]
fn labels_that_are_identifiers_never_reach_a_hashed_list() {
    let s = Scratch::new();
    let list = s.write("ids.csv", "id,nama\n3201014107900001,Budi Santoso\nP-7,Ani\n");
    let out = leakcheck().arg("hash").arg(&list).env_remove("LEAKCHECK_KEY").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("3201014107900001"), "{text}");
    let labels: Vec<String> =
        hash_lines(text.as_bytes())[1..].iter().map(|l| l["label"].as_str().unwrap().to_string()).collect();
    assert_eq!(labels, ["R1", "P-7"]);
}

#[test]
fn inconsistent_headers_and_oversized_key_files_are_refused() {
    let s = Scratch::new();
    let key = s.write("rs.key", KEY);
    let keyed = s.path("k.jsonl");
    leakcheck()
        .arg("hash")
        .arg(fixture("csv/plain.txt"))
        .arg("-o")
        .arg(&keyed)
        .arg("--key-file")
        .arg(&key)
        .assert()
        .code(0);
    let flipped = std::fs::read_to_string(&keyed).unwrap().replacen("\"keyed\":true", "\"keyed\":false", 1);
    let flipped = s.write("flipped.jsonl", flipped);
    leakcheck()
        .arg("scan")
        .arg(fixture("csv/comma.csv"))
        .arg("--watch")
        .arg(&flipped)
        .env_remove("LEAKCHECK_KEY")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":1: the header's keyed and key_check disagree"));
    let extra = std::fs::read_to_string(&keyed).unwrap().replacen("{", "{\"extra\":1,", 1);
    let extra = s.write("extra.jsonl", extra);
    leakcheck()
        .arg("scan")
        .arg(fixture("csv/comma.csv"))
        .arg("--watch")
        .arg(&extra)
        .arg("--key-file")
        .arg(&key)
        .assert()
        .code(2);
    let huge = s.write("huge.key", vec![b'k'; (1 << 20) + 10]);
    leakcheck()
        .arg("hash")
        .arg(fixture("csv/plain.txt"))
        .arg("--key-file")
        .arg(&huge)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 1 MiB"));
}
