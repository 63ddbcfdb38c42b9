//! Watchlists under attack (issue 14, SPEC §4 and its 1.1 additions): endless and binary
//! files, bad values among good ones, duplicate and disclosing labels, old hashed lists.

use crate::common;
use common::*;
use std::time::Duration;

#[test]
fn dev_zero_as_the_watchlist_is_refused_at_once() {
    for lenient in [false, true] {
        let mut args = vec!["scan", "-", "--watch", "/dev/zero"];
        if lenient {
            args.push("--lenient");
        }
        let run = measured(args, |w| {
            let _ = w.write_all(b"nik\n");
        });
        assert_eq!(run.code, 2, "lenient {lenient}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("/dev/zero:1: a NUL byte"), "{stderr}");
        // Refused at once: reading /dev/zero until memory runs out takes many seconds of CPU
        // (CPU time, not wall time: other builds on the machine do not lengthen it).
        assert!(run.cpu < Duration::from_secs(2), "{:?} of CPU", run.cpu);
    }
}

#[test]
fn an_endless_line_in_a_watchlist_is_an_error_naming_its_line() {
    let s = Scratch::new();
    let mut text = b"3201014107900001\r\n".to_vec();
    text.extend(std::iter::repeat_n(b'7', 3 << 20));
    let watch = s.write("w.txt", &text);
    let out = leakcheck().args(["scan", "-", "--watch"]).arg(&watch).write_stdin("nik\n").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("w.txt:2: longer than 1 MiB"), "{stderr}");
    assert!(!stderr.contains("777"), "{stderr}");
}

#[test]
fn normalize_refuses_an_endless_line_on_stdin() {
    // std's Command: assert_cmd's pipe_stdin would read all of /dev/zero first.
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leakcheck"))
        .args(["normalize", "nik"])
        .stdin(zero)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stdin:1: longer than 1 MiB"), "{stderr}");
}

#[test]
fn a_15_digit_nik_under_lenient_costs_only_that_value_not_the_person() {
    let s = Scratch::new();
    let watch = s.write(
        "ward.csv",
        "no_rm,nik,nama,no_hp,email\r\nRM9,320101410790000,Budi Santoso,0812-3456-7890,budi@example.com\r\n",
    );
    let dump = s.write("dump.csv", "id,hp\n1,+62 812 3456 7890\n");
    let out = leakcheck()
        .args(["scan", "--format", "json", "--lenient", "--watch"])
        .arg(&watch)
        .arg(&dump)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["watchlist_skipped"], 1, "{report}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ward.csv:2: column \"nik\": invalid nik"), "{stderr}");
    assert!(!stderr.contains("320101410790000"), "{stderr}");
    let strict = leakcheck().args(["scan", "--watch"]).arg(&watch).arg(&dump).output().unwrap();
    assert_eq!(strict.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("ward.csv:2: column \"nik\""));
}

#[test]
fn hash_never_copies_a_name_label_into_the_hashed_list() {
    let s = Scratch::new();
    let watch = s.write(
        "ward.csv",
        "label,nama,no_hp\nSiti Nurhaliza,Siti Nurhaliza,0812-3456-7890\nP-001,Budi,0813-1111-2222\n",
    );
    let out = leakcheck().arg("hash").arg(&watch).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.to_lowercase().contains("siti"), "{text}");
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["rules"], "1.1");
    assert_eq!(lines[0]["leakcheck"], env!("CARGO_PKG_VERSION"));
    assert_eq!([&lines[1]["label"], &lines[2]["label"]], ["R1", "P-001"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 label(s) were"));
}

#[test]
fn a_list_hashed_before_rules_1_1_is_scanned_with_a_warning() {
    let s = Scratch::new();
    let old = "{\"format\":\"leakcheck-watchlist\",\"version\":1,\"keyed\":false,\"key_check\":null,\"entries\":1}\n\
               {\"label\":\"P1\",\"nik\":[\"e77a3d6148b08bd89fa92cd9b384fac919d09bda67a4ee94a2a115b645a0fdfe\"]}\n";
    let watch = s.write("old.jsonl", old);
    let dump = s.write("dump.csv", "nik\n3201014107900001\n");
    let out = leakcheck().args(["scan", "--watch"]).arg(&watch).arg(&dump).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "found, not refused");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("old.jsonl was hashed before rules 1.1; hash it again"), "{stderr}");
}

#[test]
fn labels_of_several_lists_are_prefixed_with_their_file_names() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("b")).unwrap();
    let ward3 = s.write("ward3.csv", "no_rm,nik\nRM001,3201014107900001\n");
    let again = s.write("b/ward3.txt", "3201014107900001\n");
    let dump = s.write("dump.csv", "nik\n3201014107900001\n");
    let out = leakcheck()
        .args(["scan", "--format", "csv", "--watch"])
        .arg(&ward3)
        .arg("--watch")
        .arg(&again)
        .args(["--watch", "-"])
        .arg(&dump)
        .write_stdin("name:Budi\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let watches: Vec<String> = csv_rows(&out.stdout).into_iter().map(|r| r.watch).collect();
    assert_eq!(watches, ["ward3:RM001", "ward3#2:L1"]);
}

#[test]
fn duplicate_labels_in_a_list_are_warned_about() {
    let s = Scratch::new();
    let watch = s.write("ward.csv", "no_rm,nama\nRM1,Budi\nRM1,Ani\nRM2,Cici\nR5,Dedi\n,Eka\n");
    let dump = s.write("dump.csv", "nama\nZaenal\n");
    let out = leakcheck().args(["scan", "--watch"]).arg(&watch).arg(&dump).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ward.csv: 2 label(s) are each given to more than one entry (\"RM1\", \"R5\")"),
        "{stderr}"
    );
}

/// A hostile test (new user): ids that are NIKs are masked in the report, and two people whose
/// NIKs differ only in the middle got one masked label: `report people`/`notify`/`html` took them
/// for one person, without a word at scan time.
#[test]
fn labels_that_mask_alike_are_warned_about_at_scan_time() {
    let s = Scratch::new();
    let watch = s.write(
        "ward.csv",
        "id,nik,nama\n3174051203880003,3174051203880003,Agus Salim\n3174051203880103,3174051203880103,Budi Santoso\nRM1,,Cici\n",
    );
    let dump = s.write("dump.csv", "nik\n3174051203880003\n3174051203880103\n");
    let out = leakcheck().args(["scan", "--watch"]).arg(&watch).arg(&dump).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "1 masked label(s) each stand for more than one label (\"3174**********03\" for 2 labels)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "give the list an id column, or `leakcheck hash` it: hash writes such labels as R<row>"
        )
    );
    assert!(!stderr.contains("3174051203880003") && !stderr.contains("3174051203880103"), "{stderr}");
    assert_eq!(stderr.matches("masked label(s)").count(), 1, "warned once: {stderr}");
    // Ids that stay apart when masked are no concern.
    let watch = s.write("ok.csv", "id,nik,nama\nP1,3174051203880003,Agus\nP2,3174051203880103,Budi\n");
    let out = leakcheck().args(["scan", "--watch"]).arg(&watch).arg(&dump).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("masked label"));
}

/// A hostile test: a watchlist saved by Excel on Windows (Windows-1252) was read with U+FFFD for
/// `é`, so René never matched by name and birth date, silently.
#[test]
fn a_windows_1252_watchlist_matches_names_with_accents() {
    let s = Scratch::new();
    let csv = s.write("wlat.csv", b"id,nama,tgl_lahir\nP1,Ren\xe9 M\xfcller,1990-01-01\n");
    let plain = s.write("wlat.txt", b"name:Ren\xe9 M\xfcller\n");
    let dump = s.write("dutf.csv", "nama,tgl_lahir\nRen\u{e9} M\u{fc}ller,01/01/1990\n");
    let out = leakcheck().arg("scan").arg(&dump).arg("-w").arg(&csv).args(["-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out.stdout)["exposures"][0]["matched"][0], "name_dob");
    let out = leakcheck()
        .arg("scan")
        .arg(&dump)
        .arg("-w")
        .arg(&plain)
        .args(["-f", "json", "--fail-on", "possible"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let out = leakcheck()
        .args(["normalize", "name"])
        .write_stdin(b"Ren\xe9 M\xfcller\n".to_vec())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "rene muller");
}

#[test]
fn a_watch_label_holding_an_identifier_is_masked_in_every_report_format() {
    let s = Scratch::new();
    let watch = s.write(
        "w1.csv",
        "id,nik,nama,tgl_lahir,no_hp,email\n3201014107900001,3201014107900001,X Y,,,\n\
         budi@gmail.com,,,,,budi@gmail.com\nHP 0812-3456-7890 / NIK 3201014107900002,3201014107900002,,,,\n",
    );
    // Named after a NIK too: the prefix is masked as the label is.
    let named = s.write("3201014107900009.csv", "nik\n3201014107900001\n");
    let dump = s.write("d1.csv", "nik,email\n3201014107900001,\n,budi@gmail.com\n3201014107900002,\n");
    for format in ["human", "json", "ndjson", "csv"] {
        for reveal in [false, true] {
            let mut cmd = leakcheck();
            cmd.args(["scan", "--format", format, "--watch"])
                .arg(&watch)
                .arg("--watch")
                .arg(&named)
                .arg(&dump);
            if reveal {
                cmd.arg("--reveal");
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
            let report = String::from_utf8_lossy(&out.stdout);
            let shown =
                ["w1:3201014107900001", "w1:budi@gmail.com", "3201014107900009:R1", "HP 0812-3456-7890"];
            let masked = [
                "w1:3201**********01",
                "w1:b***@gmail.com",
                "3201**********09:R1",
                "w1:HP +62812*****890 / NIK",
            ];
            for (clear, masked) in shown.iter().zip(masked) {
                assert_eq!(report.contains(clear), reveal, "{format} reveal {reveal} {clear}:\n{report}");
                assert_eq!(report.contains(masked), !reveal, "{format} reveal {reveal} {masked}:\n{report}");
            }
        }
    }
}

#[test]
fn hash_writes_a_label_holding_a_nik_or_phone_as_the_row_number() {
    let s = Scratch::new();
    let watch = s.write(
        "wh.csv",
        "id,nik,nama\nNIK 3201014107900003,3201014107900003,Ani\n\
         \"KTP: 3201-0141-0790-0004 / 0812-3456-7890\",3201014107900004,Ana\nRM000123,3201014107900005,Ina\n",
    );
    let out = leakcheck().arg("hash").arg(&watch).env_remove("LEAKCHECK_KEY").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let labels: Vec<serde_json::Value> = text
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["label"].clone())
        .collect();
    assert_eq!(labels, ["R1", "R2", "RM000123"], "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 label(s) were"));
}

#[test]
fn a_numbered_prefix_never_takes_another_lists_name() {
    let s = Scratch::new();
    for dir in ["x", "y"] {
        std::fs::create_dir(s.path(dir)).unwrap();
    }
    let lists = [
        s.write("x/ward3.csv", "no_rm,nik\nRM1,3201014107900001\n"),
        s.write("y/ward3.csv", "no_rm,nik\nRM2,3201014107900001\n"),
        s.write("ward3#2.csv", "no_rm,nik\nRM3,3201014107900001\n"),
    ];
    let dump = s.write("dump.csv", "nik\n3201014107900001\n");
    let mut cmd = leakcheck();
    cmd.args(["scan", "--format", "csv"]);
    for list in &lists {
        cmd.arg("--watch").arg(list);
    }
    let out = cmd.arg(&dump).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let watches: Vec<String> = csv_rows(&out.stdout).into_iter().map(|r| r.watch).collect();
    assert_eq!(watches, ["ward3:RM1", "ward3#3:RM2", "ward3#2:RM3"]);
}

#[test]
fn a_hashed_list_rules_out_the_same_name_with_another_birth_date_or_nik_as_its_source_does() {
    // The hashed list holds no birth date of its own: that an entry has one is read from its
    // name_dob digests, and a NIK from its nik digests.
    let s = Scratch::new();
    let people = s.write(
        "people.csv",
        "id,nik,nama,tgl_lahir\nP1,,Siti Aminah,1980-01-05\nP2,3174051203880003,Budi Santoso,\nP3,,Ani,\n",
    );
    let hashed = s.path("people.jsonl");
    let out = leakcheck().arg("hash").arg(&people).arg("-o").arg(&hashed).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let dump = s.write(
        "dump.csv",
        "nik,nama,tgl_lahir\n,Siti Aminah,06-01-1980\n3201014107900001,Budi Santoso,\n,Ani,1990-01-01\n",
    );
    for watch in [&people, &hashed] {
        let out = leakcheck()
            .arg("scan")
            .arg(&dump)
            .arg("--watch")
            .arg(watch)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let report = json(&out.stdout);
        assert_eq!(report["summary"]["contradicted_name_matches"], 2, "{watch:?}: {}", report["summary"]);
        let labels: Vec<&str> =
            report["exposures"].as_array().unwrap().iter().map(|e| e["watch"].as_str().unwrap()).collect();
        assert_eq!(labels, ["P3"], "{watch:?}");
    }
}

/// A family-card column spelled out (`No. Kartu Keluarga`, `no_kartu_keluarga`) was sniffed as
/// NIK in the watchlist and the dump: a sibling sharing the card was "exposed by NIK".
#[test]
fn a_sibling_sharing_a_spelled_out_family_card_is_not_exposed() {
    let s = Scratch::new();
    let watch = s.write(
        "wl.csv",
        "id,nik,nama,No. Kartu Keluarga\nA1,3174051203880003,Budi Santoso,3174050101090012\n",
    );
    for header in ["no_kartu_keluarga", "nomor_kartu_keluarga", "kartu_keluarga", "nokartukk"] {
        let dump = s
            .write("dump.csv", format!("nik,nama,{header}\n3174054506920001,Siti Rahayu,3174050101090012\n"));
        let out = leakcheck().arg("scan").arg(&dump).arg("--watch").arg(&watch).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{header}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    }
    // The person's own NIK is still found.
    let dump =
        s.write("dump.csv", "nik,nama,no_kartu_keluarga\n3174051203880003,Budi Santoso,3174050101090012\n");
    leakcheck().arg("scan").arg(&dump).arg("--watch").arg(&watch).assert().code(1);
}
