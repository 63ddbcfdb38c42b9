//! Archives read in place (SPEC §5 1.1, §8): every container gives the exposures of the CSV it
//! was made from, members named `ARCHIVE!path`; nested archives, encrypted members with and
//! without the password, cut archives and archives nested too deep. The fixtures were made by
//! the real tools (`fixtures/archives/make_archives.sh`).

use crate::common;
use common::*;
use std::io::Write;

/// (input, record, line, watch, confidence, matched) of every exposure, and the exit code.
type Exposure = (String, u64, u64, String, String, String);

fn scan_json(args: &[&std::ffi::OsStr]) -> (i32, serde_json::Value, String) {
    let out = leakcheck()
        .arg("scan")
        .args(args)
        .arg("--watch")
        .arg(fixture("csv/people.csv"))
        .args(["--format", "json"])
        .output()
        .unwrap();
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
                e["confidence"].as_str().unwrap().to_string(),
                matched.join("+"),
            )
        })
        .collect()
}

/// The exposures of `csv/comma.csv` itself, as if read under the name `input`.
fn plain_csv_exposures(input: &str) -> Vec<Exposure> {
    let (code, report, _) = scan_json(&[fixture("csv/comma.csv").as_os_str()]);
    assert_eq!(code, 1);
    let mut rows = exposures(&report);
    for row in &mut rows {
        row.0 = input.to_string();
    }
    assert_eq!(rows.len(), 6);
    rows
}

fn skipped(report: &serde_json::Value) -> Vec<(String, bool)> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap().to_string(), s["error"].as_bool().unwrap()))
        .collect()
}

#[test]
fn every_container_gives_the_exposures_of_the_csv_it_was_made_from() {
    for file in [
        "pasien.zip",
        "pasien_zip64.zip",
        "pasien_bzip2.zip",
        "pasien_deflate64.zip",
        "pasien.tar",
        "pasien.tgz",
        "pasien.tar.zst",
        "pasien.tar.bz2",
        "pasien.7z",
    ] {
        let path = fixture(&format!("archives/{file}"));
        let (code, report, stderr) = scan_json(&[path.as_os_str()]);
        assert_eq!(code, 1, "{file}: {stderr}");
        let member = format!("{}!2021/pasien.csv", path.display());
        assert_eq!(exposures(&report), plain_csv_exposures(&member), "{file}");
        assert_eq!(report["inputs"].as_array().unwrap().len(), 1, "{file}");
        assert_eq!(report["inputs"][0]["path"], member.as_str(), "{file}");
        assert_eq!(report["summary"]["complete"], true, "{file}");
        // Not dumps, listed without making the run incomplete: a PDF, and a symbolic link,
        // which is only a name (tar and zip keep links; 7-Zip was given the PDF only).
        for (name, error) in skipped(&report) {
            assert!(!error, "{file}: {name}");
            assert!(
                name.ends_with("!2021/catatan.pdf") || name.ends_with("!2021/link.csv"),
                "{file}: {name}"
            );
        }
    }
}

#[test]
fn archives_from_standard_input_are_read_too() {
    for file in ["pasien.zip", "pasien.7z", "pasien.tgz"] {
        let out = leakcheck()
            .args(["scan", "-", "--watch"])
            .arg(fixture("csv/people.csv"))
            .args(["--format", "json"])
            .pipe_stdin(fixture(&format!("archives/{file}")))
            .unwrap()
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert_eq!(exposures(&json(&out.stdout)), plain_csv_exposures("-!2021/pasien.csv"), "{file}");
    }
}

#[test]
fn a_zip_inside_a_tar_gz_and_a_gz_beside_it_are_both_read() {
    let path = fixture("archives/nested.tar.gz");
    let (code, report, _) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 1);
    let outer = path.display().to_string();
    let mut want = plain_csv_exposures(&format!("{outer}!inner.zip!2021/pasien.csv"));
    want.extend(plain_csv_exposures(&format!("{outer}!plain.csv.gz")));
    assert_eq!(exposures(&report), want);
    assert_eq!(report["inputs"][1]["compression"], "gzip");
    assert_eq!(
        skipped(&report),
        [
            (format!("{outer}!inner.zip!2021/catatan.pdf"), false),
            (format!("{outer}!inner.zip!2021/link.csv"), false)
        ]
    );
}

#[test]
fn a_zip_member_compressed_with_zstd_is_read() {
    let s = Scratch::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Zstd);
    zip.start_file("2021/pasien.csv", options).unwrap();
    zip.write_all(&std::fs::read(fixture("csv/comma.csv")).unwrap()).unwrap();
    let path = s.write("zstd.zip", zip.finish().unwrap().into_inner());
    let (code, report, _) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(exposures(&report), plain_csv_exposures(&format!("{}!2021/pasien.csv", path.display())));
}

#[test]
fn an_encrypted_member_is_read_with_the_password_file_and_named_without_it() {
    let s = Scratch::new();
    let wrong = s.write("wrong.txt", "salah\n");
    for file in ["encrypted.zip", "encrypted.7z"] {
        let path = fixture(&format!("archives/{file}"));
        let member = format!("{}!2021/pasien.csv", path.display());
        let password = fixture("archives/password.txt");
        let (code, report, _) =
            scan_json(&[path.as_os_str(), "--password-file".as_ref(), password.as_os_str()]);
        assert_eq!(code, 1, "{file}");
        assert_eq!(exposures(&report), plain_csv_exposures(&member), "{file}");

        // Without it: the report is written, names the member, and the run is no CLEAR.
        let (code, report, stderr) = scan_json(&[path.as_os_str()]);
        assert_eq!(code, 2, "{file}");
        assert_eq!(skipped(&report), [(member.clone(), true)], "{file}");
        assert_eq!(report["summary"]["complete"], false, "{file}");
        assert!(report["skipped"][0]["reason"].as_str().unwrap().contains("--password-file"), "{file}");
        assert!(stderr.contains(&member) && stderr.contains("encrypted"), "{file}: {stderr}");

        // A wrong one: not read, named, exit 2; the password is in no message.
        let (code, report, stderr) =
            scan_json(&[path.as_os_str(), "--password-file".as_ref(), wrong.as_os_str()]);
        assert_eq!(code, 2, "{file}");
        assert_eq!(report["summary"]["complete"], false, "{file}");
        assert!(stderr.contains(&member) && !stderr.contains("salah"), "{file}: {stderr}");
    }
}

#[test]
fn an_empty_or_missing_password_file_is_a_usage_error() {
    let s = Scratch::new();
    let empty = s.write("empty.txt", "\n");
    for password in [empty, s.path("missing.txt")] {
        let out = leakcheck()
            .arg("scan")
            .arg(fixture("archives/encrypted.zip"))
            .arg("-w")
            .arg(fixture("csv/people.csv"))
            .arg("--password-file")
            .arg(&password)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--password-file"));
    }
}

#[test]
fn the_report_never_replaces_the_password_file() {
    let s = Scratch::new();
    let password = s.write("password.txt", "rahasia\n");
    let out = leakcheck()
        .arg("scan")
        .arg(fixture("archives/encrypted.zip"))
        .arg("-w")
        .arg(fixture("csv/people.csv"))
        .arg("--password-file")
        .arg(&password)
        .arg("-o")
        .arg(&password)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&password).unwrap(), b"rahasia\n");
}

#[test]
fn a_cut_archive_is_named_and_the_run_exits_2() {
    let s = Scratch::new();
    let cut = |file: &str, keep: usize| {
        let bytes = std::fs::read(fixture(&format!("archives/{file}"))).unwrap();
        s.write(&format!("cut-{file}"), &bytes[..keep])
    };
    // A tar cut inside a member, a .tgz cut inside its deflate stream (the records before the
    // break are still reported), a zip and a 7z without their directory at the end.
    for (path, named, records_before) in [
        (cut("pasien.tar", 1024), "!2021/catatan.pdf", 0),
        (cut("pasien.tgz", 400), "!2021/pasien.csv", 2),
        (cut("pasien.zip", 600), "", 0),
        (cut("pasien.7z", 500), "", 0),
    ] {
        let (code, report, stderr) = scan_json(&[path.as_os_str()]);
        let what = path.display().to_string();
        assert_eq!(code, 2, "{what}: {stderr}");
        assert_eq!(report["summary"]["complete"], false, "{what}");
        assert_eq!(report["summary"]["records"], records_before, "{what}");
        let errors: Vec<String> = skipped(&report).into_iter().filter(|(_, e)| *e).map(|(p, _)| p).collect();
        assert_eq!(errors, [format!("{what}{named}")], "{what}");
    }
}

#[test]
fn a_tar_that_ends_where_a_header_should_be_is_cut() {
    // The members are whole, but the blocks that end a tar are missing: more may have followed.
    let s = Scratch::new();
    let mut tar = tar::Builder::new(Vec::new());
    let csv = std::fs::read(fixture("csv/comma.csv")).unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_size(csv.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "pasien.csv", &csv[..]).unwrap();
    let mut bytes = tar.into_inner().unwrap();
    bytes.truncate(512 + csv.len().div_ceil(512) * 512);
    let path = s.write("whole-members.tar", bytes);
    let (code, report, stderr) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(report["summary"]["records"], 5, "the members read are reported");
    assert_eq!(skipped(&report), [(path.display().to_string(), true)]);
    assert!(stderr.contains("the archive is cut"), "{stderr}");
}

#[test]
fn an_archive_nested_more_than_4_deep_is_named_not_read() {
    let path = fixture("archives/too_deep.zip");
    let (code, report, stderr) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 2);
    let fifth = format!("{}!l2.zip!l3.zip!l4.zip!l5.zip", path.display());
    assert_eq!(skipped(&report), [(fifth.clone(), true)]);
    assert!(stderr.contains(&fifth) && stderr.contains("nested more than 4 deep"), "{stderr}");
}

#[test]
fn inspect_shows_each_member_like_an_input() {
    let out = leakcheck()
        .arg("inspect")
        .arg(fixture("archives/nested.tar.gz"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    let inputs = report.as_array().or_else(|| report["inputs"].as_array()).expect("a list of inputs");
    let paths: Vec<&str> = inputs.iter().map(|i| i["path"].as_str().unwrap()).collect();
    let outer = fixture("archives/nested.tar.gz").display().to_string();
    assert_eq!(paths, [format!("{outer}!inner.zip!2021/pasien.csv"), format!("{outer}!plain.csv.gz")]);
}

#[test]
fn a_word_document_is_named_and_skipped_not_walked() {
    let s = Scratch::new();
    let dir = s.path("leak");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(fixture("archives/pasien.zip"), dir.join("memo.docx")).unwrap();
    std::fs::copy(fixture("csv/comma.csv"), dir.join("pasien.csv")).unwrap();
    let (code, report, _) = scan_json(&[dir.as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(report["skipped"][0]["reason"], "a Word document");
    assert_eq!(report["skipped"][0]["error"], false);
}

#[test]
fn a_tar_long_name_of_100_mib_is_an_error_not_100_mib_of_memory() {
    // A GNU long-name header declaring 100 MiB: the tar crate would hold it in memory whole.
    let s = Scratch::new();
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::GNULongName);
    header.set_path("././@LongLink").unwrap();
    header.set_size(100 << 20);
    header.set_mode(0o644);
    header.set_cksum();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(header.as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..100 {
        gz.write_all(&chunk).unwrap();
    }
    let path = s.write("long-name.tar.gz", gz.finish().unwrap());
    let (code, report, stderr) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 2);
    assert_eq!(skipped(&report), [(path.display().to_string(), true)]);
    assert!(stderr.contains("over 8 MiB"), "{stderr}");
}

#[test]
fn zip_members_that_share_a_name_are_all_read_and_numbered() {
    // The zip crate's `ZipArchive` keeps one member per name, so the first `2021/pasien.csv` (the
    // people of comma.csv) could not be read. Every member is read; the second of a name is
    // `#2`, the third `#3`…, and `./2021/pasien.csv` and `2021/pasien.csv/` (a "directory" that
    // holds bytes) are that name too.
    let s = Scratch::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let other = b"nik,nama\n3201019999990001,Orang Lain\n";
    for (name, body) in [
        ("2021/pasien.csv", std::fs::read(fixture("csv/comma.csv")).unwrap()),
        ("2021/pasiez.csv", other.to_vec()),
        ("./2021/pasien.csv", other.to_vec()),
        ("2021/pasien.csvQ", other.to_vec()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(&body).unwrap();
    }
    let mut bytes = zip.finish().unwrap().into_inner();
    let renames: [(&[u8], &[u8]); 2] =
        [(b"2021/pasiez.csv", b"2021/pasien.csv"), (b"2021/pasien.csvQ", b"2021/pasien.csv/")];
    for (from, to) in renames {
        for at in 0..bytes.len() - from.len() {
            if &bytes[at..at + from.len()] == from {
                bytes[at..at + to.len()].copy_from_slice(to);
            }
        }
    }
    let path = s.write("dup.zip", bytes);
    let (code, report, stderr) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["summary"]["complete"], true);
    assert_eq!(skipped(&report), []);
    let zip = path.display().to_string();
    let mut want = plain_csv_exposures(&format!("{zip}!2021/pasien.csv"));
    for n in 2..=4 {
        let input = format!("{zip}!2021/pasien.csv#{n}");
        want.push((input, 1, 2, "W6".into(), "exposed".into(), "nik".into()));
    }
    assert_eq!(exposures(&report), want);
    let inputs: Vec<&str> =
        report["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(inputs.len(), 4, "{inputs:?}");
}

#[test]
fn a_json_member_that_must_be_read_twice_is_not_read_and_named() {
    // No array qualifies, so the JSON would be read again for its first array of objects: a
    // member cannot be, and the run must not be CLEAR on the strength of the CSV beside it.
    let s = Scratch::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("rows.json", options).unwrap();
    zip.write_all(br#"{"meta":{"count":1},"rows":[{"kode":"3201014107900001","nm":"Siti"}]}"#).unwrap();
    zip.start_file("other.csv", options).unwrap();
    zip.write_all(b"nik,nama\n1234567890123456,Orang Lain\n").unwrap();
    let path = s.write("json.zip", zip.finish().unwrap().into_inner());
    let (code, report, stderr) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(skipped(&report), [(format!("{}!rows.json", path.display()), true)]);
    assert!(report["skipped"][0]["reason"].as_str().unwrap().contains("cannot be read twice"));
    assert!(!stderr.contains("3201014107900001"), "{stderr}");
}

#[test]
fn a_compressed_tar_whose_checksum_fails_is_an_error_not_a_clear() {
    // The tar crate stops at the blocks that end a tar; gzip's CRC, bzip2's and zstd's checksum
    // come after them. A damaged `.tar.gz` scanned with no exposure was a CLEAR, complete.
    let s = Scratch::new();
    let body = std::fs::read(fixture("csv/comma.csv")).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "pasien.csv", &body[..]).unwrap();
    let tar = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    let gz = gz.finish().unwrap();
    let mut zst = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    zst.include_checksum(true).unwrap();
    zst.write_all(&tar).unwrap();
    let zst = zst.finish().unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bz.write_all(&tar).unwrap();
    let bz = bz.finish().unwrap();
    // gzip: the CRC is the trailer's first 4 bytes; zstd: the checksum is the frame's last 4;
    // bzip2: the stream's combined CRC is in its last 5 bytes (before the padding bits).
    for (name, mut bytes, at) in [("t.tar.gz", gz, 8), ("t.tar.zst", zst, 2), ("t.tar.bz2", bz, 3)] {
        let whole = s.write(name, bytes.clone());
        let (code, report, _) = scan_json(&[whole.as_os_str()]);
        assert_eq!((code, report["summary"]["complete"].as_bool()), (1, Some(true)), "{name} whole");
        let end = bytes.len();
        bytes[end - at] ^= 0x55;
        let damaged = s.write(&format!("damaged-{name}"), bytes);
        let (code, report, stderr) = scan_json(&[damaged.as_os_str()]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert_eq!(report["summary"]["complete"].as_bool(), Some(false), "{name}");
        assert!(stderr.contains(&damaged.display().to_string()), "{name}: {stderr}");
    }
}

/// A zstd frame of the format before 1.0 (v0.7, magic 0xFD2FB527) holding `data` in raw blocks,
/// as zstd 0.7 wrote them: the frame header, then blocks of at most 128 KiB, then an end block.
fn zstd_v07_frame(data: &[u8]) -> Vec<u8> {
    let mut frame = 0xFD2F_B527u32.to_le_bytes().to_vec();
    frame.extend([0x00, 0x38]);
    for block in data.chunks(100_000) {
        let n = block.len();
        frame.extend([0x40 | ((n >> 16) & 7) as u8, (n >> 8) as u8, n as u8]);
        frame.extend_from_slice(block);
    }
    frame.extend([0xC0, 0, 0]);
    frame
}

#[test]
fn zstd_frames_from_before_1_0_are_read_after_a_1_x_frame() {
    // `zstd -d` still reads them; a release build that dropped zstd's `legacy` decoders refused
    // such a file as unreadable (found by a differential test).
    let s = Scratch::new();
    let csv = std::fs::read(fixture("csv/comma.csv")).unwrap();
    let (first, rest) = csv.split_at(csv.len() / 2);
    let mut bytes = zstd::encode_all(first, 3).unwrap();
    bytes.extend(zstd_v07_frame(rest));
    let path = s.write("legacy.csv.zst", bytes);
    let (code, report, stderr) = scan_json(&[path.as_os_str()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["summary"]["complete"], true);
    assert_eq!(exposures(&report), plain_csv_exposures(&path.display().to_string()));
}
