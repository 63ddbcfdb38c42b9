//! `inputs[].bytes` (SPEC §7 1.1: bytes read from the file as stored): an archive member's is its
//! size as its archive stores it, checked against the archivers' own listings (`zipinfo`, GNU
//! `tar tvf`, `7z l -slt`), not against leakcheck's reading of the archive; standard input's is
//! what was read from it. The rule for a member whose stored size is not its own (a member of a
//! compressed tar, of a solid 7z block of several files) is its uncompressed size.

use crate::common;
use common::*;
use std::path::Path;
use std::process::Command as Tool;

/// How the independent listing gives a member's stored size.
#[derive(Clone, Copy, Debug)]
enum Listing {
    /// `zipinfo -l`: the compressed size, the sixth column.
    Zip,
    /// `tar tvf` (GNU tar reads gzip, zstd and bzip2 itself): the size, the third column.
    Tar,
    /// `7z l -slt`: a file alone in its block, its `Packed Size`; one of a solid block of
    /// several, its `Size` (7-Zip names the block's packed size on the first file only).
    SevenZ,
}

/// The `bytes` of each input of a scan of `args` (JSON report), by path.
fn input_bytes(args: &[&std::ffi::OsStr], stdin: Option<Vec<u8>>) -> Vec<(String, u64)> {
    let mut cmd = leakcheck();
    cmd.arg("scan").args(args).arg("--watch").arg(fixture("csv/people.csv")).args(["-f", "json"]);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    let out = cmd.output().unwrap();
    let report = json(&out.stdout);
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap().to_string(), i["bytes"].as_u64().unwrap()))
        .collect()
}

/// The tool's output listing `archive`, or `None` when the tool is not installed here.
fn listing(tool: &str, args: &[&str], archive: &Path) -> Option<String> {
    let out = Tool::new(tool).args(args).arg(archive).output().ok()?;
    assert!(out.status.success(), "{tool} {archive:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

/// The value of `key` in one file's `key = value` lines of `7z l -slt`.
fn field<'a>(file: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    file.iter().find(|(k, _)| *k == key).map(|(_, v)| v.trim())
}

/// What `listing` says `member` of `archive` takes as stored; `None` without the tool.
fn listed_size(kind: Listing, archive: &Path, member: &str) -> Option<u64> {
    let size = |line: &str, column: usize| line.split_whitespace().nth(column).unwrap().parse().unwrap();
    match kind {
        Listing::Zip => {
            let text = listing("zipinfo", &["-l"], archive)?;
            let line = text.lines().find(|l| l.split_whitespace().last() == Some(member)).unwrap();
            Some(size(line, 5))
        }
        Listing::Tar => {
            let text = listing("tar", &["tvf"], archive)?;
            let line = text.lines().find(|l| l.split_whitespace().nth(5) == Some(member)).unwrap();
            Some(size(line, 2))
        }
        Listing::SevenZ => {
            let text = listing("7z", &["l", "-slt"], archive)?;
            let files: Vec<Vec<(&str, &str)>> = text
                .split("\n\n")
                .map(|block| block.lines().filter_map(|l| l.split_once(" = ")).collect::<Vec<_>>())
                .filter(|f| f.iter().any(|(k, _)| *k == "Block"))
                .collect();
            let file = files.iter().find(|f| field(f, "Path") == Some(member)).unwrap();
            let block = field(file, "Block");
            let solid = files.iter().filter(|f| field(f, "Block") == block).count() > 1;
            let key = if solid { "Size" } else { "Packed Size" };
            Some(field(file, key).unwrap().parse().unwrap())
        }
    }
}

#[test]
fn a_members_bytes_are_its_size_as_its_archive_stores_it_as_the_archivers_list_it() {
    // (fixture, member, listing, bytes): the bytes are what the listing gave when this was
    // written (zipinfo 3.0, GNU tar 1.34, 7-Zip 26), checked again below wherever the tool is.
    let table: [(&str, &str, Listing, u64); 10] = [
        ("pasien.zip", "2021/pasien.csv", Listing::Zip, 353),
        ("pasien_zip64.zip", "2021/pasien.csv", Listing::Zip, 353),
        ("pasien_bzip2.zip", "2021/pasien.csv", Listing::Zip, 409),
        ("pasien_deflate64.zip", "2021/pasien.csv", Listing::Zip, 352),
        ("pasien.tar", "2021/pasien.csv", Listing::Tar, 499),
        ("pasien.tgz", "2021/pasien.csv", Listing::Tar, 499),
        ("pasien.tar.zst", "2021/pasien.csv", Listing::Tar, 499),
        ("pasien.tar.bz2", "2021/pasien.csv", Listing::Tar, 499),
        ("pasien.7z", "2021/pasien.csv", Listing::SevenZ, 499),
        ("pasien_nonsolid.7z", "2021/pasien.csv", Listing::SevenZ, 376),
    ];
    let mut checked = 0;
    for (archive, member, kind, want) in table {
        let path = fixture(&format!("archives/{archive}"));
        if let Some(listed) = listed_size(kind, &path, member) {
            assert_eq!(listed, want, "{archive}: the table disagrees with the {kind:?} listing");
            checked += 1;
        }
        let name = format!("{}!{member}", path.display());
        let got = input_bytes(&[path.as_os_str()], None);
        assert_eq!(got, [(name, want)], "{archive}");
    }
    eprintln!("{checked} of {} sizes checked against the archivers here", table.len());
}

#[test]
fn a_nested_members_bytes_are_its_size_in_the_archive_it_is_in() {
    let path = fixture("archives/nested.tar.gz");
    let dir = Scratch::new();
    // `inner.zip` as the tar stores it, listed by zipinfo: its member's compressed size.
    let inner = Tool::new("tar").arg("xzf").arg(&path).args(["-O", "inner.zip"]).output().ok();
    let inner = inner.filter(|o| o.status.success()).map(|o| dir.write("inner.zip", o.stdout));
    let listed = [
        inner.and_then(|inner| listed_size(Listing::Zip, &inner, "2021/pasien.csv")),
        listed_size(Listing::Tar, &path, "plain.csv.gz"),
    ];
    let want = [353, 371];
    for (listed, want) in listed.into_iter().zip(want) {
        assert!(listed.is_none_or(|l| l == want), "{listed:?} listed, {want} in the table");
    }
    let name = |member: &str| format!("{}!{member}", path.display());
    assert_eq!(
        input_bytes(&[path.as_os_str()], None),
        [(name("inner.zip!2021/pasien.csv"), want[0]), (name("plain.csv.gz"), want[1])]
    );
}

#[test]
fn standard_input_counts_the_bytes_read_from_it_as_stored() {
    for rel in ["csv/comma.csv", "zstd/pasien_pzstd.csv.zst"] {
        let bytes = std::fs::read(fixture(rel)).unwrap();
        let len = bytes.len() as u64;
        assert_eq!(input_bytes(&["-".as_ref()], Some(bytes)), [("-".to_string(), len)], "{rel}");
    }
    // A zip on standard input: its member's compressed size, as from the file.
    let zip = std::fs::read(fixture("archives/pasien.zip")).unwrap();
    assert_eq!(input_bytes(&["-".as_ref()], Some(zip)), [("-!2021/pasien.csv".to_string(), 353)]);
}
