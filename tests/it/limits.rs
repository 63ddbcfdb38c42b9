//! SPEC §9's limits under attack, with the peak memory of each run measured: a 1 GiB line, a
//! gzip bomb, JSON nested 100,000 deep. Each must be a counted bad record, never a crash, and
//! memory must stay bounded whatever the input's size.

use crate::common;
use common::*;
use std::io::Write;
use std::process::Command;

/// Peak resident memory allowed to any run here: the 64 MiB record limit plus the scan's own.
const MAX_RSS_KIB: i64 = 160 << 10;

/// Runs the binary with `args`, feeding it `feed` on stdin from another thread; returns the
/// exit code, stdout and the child's peak RSS in KiB.
fn run_measured(args: &[&str], feed: impl FnOnce(&mut dyn Write) + Send + 'static) -> (i32, Vec<u8>, i64) {
    let run = measured(args, feed);
    (run.code, run.stdout, run.max_rss_kib)
}

fn watch() -> (Scratch, String) {
    let s = Scratch::new();
    let path = s.write("watch.txt", "3201014107900001\n");
    (s, path.to_string_lossy().into_owned())
}

#[test]
fn a_1_gib_line_is_a_bad_record_in_bounded_memory() {
    let (_s, watch) = watch();
    let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], |w| {
        w.write_all(b"nik,nama\n").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..1024 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"\n3201014107900001,Budi\n").unwrap();
    });
    let report = json(&out);
    assert_eq!(code, 1, "the record after the long line still matched");
    assert_eq!(report["summary"]["bad_records"], 1);
    assert_eq!(report["summary"]["records"], 2);
    assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB");
}

/// `head` then `mebibytes` MiB of `0`, as one raw deflate stream, with the CRC-32 and length of
/// what it inflates to. Issue 20 (test time): deflating 512 MiB at the best level (flate2's
/// zlib-rs backend keeps far more at the fastest) took 3 s; here one mebibyte is deflated once,
/// ended by a full flush (its blocks refer to nothing before them, and end on a byte), and
/// repeated: the same ≈ 1 KB a mebibyte, in milliseconds.
fn deflated_bomb(head: &[u8], mebibytes: usize) -> (Vec<u8>, u32, u64) {
    use flate2::{Compress, Compression, Crc, FlushCompress};
    let deflate = |data: &[u8], flush| {
        let mut compress = Compress::new(Compression::best(), false);
        let mut out = Vec::with_capacity(data.len() + 1024);
        compress.compress_vec(data, &mut out, flush).unwrap();
        assert_eq!(compress.total_in(), data.len() as u64);
        out
    };
    let chunk = vec![b'0'; 1 << 20];
    let once = deflate(&chunk, FlushCompress::Full);
    let mut stream = deflate(head, FlushCompress::Full);
    let mut crc = Crc::new();
    crc.update(head);
    for _ in 0..mebibytes {
        stream.extend_from_slice(&once);
        crc.update(&chunk);
    }
    // The last block: empty, final.
    stream.extend_from_slice(&deflate(&[], FlushCompress::Finish));
    (stream, crc.sum(), (head.len() + (mebibytes << 20)) as u64)
}

/// A zip of one member `name`, deflated as `deflated` (from [`deflated_bomb`]), by hand: a
/// local header, the data, the central directory of one entry and its end record.
fn zip_of_deflated(name: &str, (deflated, crc, len): (Vec<u8>, u32, u64)) -> Vec<u8> {
    let (packed, len) = (u32::try_from(deflated.len()).unwrap(), u32::try_from(len).unwrap());
    let name_len = u16::try_from(name.len()).unwrap();
    // Version needed 2.0, no flags, deflated, 1980-01-01 00:00, the CRC and sizes, the name.
    let fields = |out: &mut Vec<u8>| {
        for half in [20u16, 0, 8, 0, 0x21] {
            out.extend_from_slice(&half.to_le_bytes());
        }
        for word in [crc, packed, len] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
    };
    let mut zip = 0x04034b50u32.to_le_bytes().to_vec();
    fields(&mut zip);
    zip.extend_from_slice(name.as_bytes());
    zip.extend_from_slice(&deflated);
    let directory = zip.len() as u32;
    zip.extend_from_slice(&0x02014b50u32.to_le_bytes());
    zip.extend_from_slice(&20u16.to_le_bytes());
    fields(&mut zip);
    // No comment, disk 0, no attributes, its local header at offset 0.
    zip.extend_from_slice(&[0; 14]);
    zip.extend_from_slice(name.as_bytes());
    let directory_len = zip.len() as u32 - directory;
    zip.extend_from_slice(&0x06054b50u32.to_le_bytes());
    for half in [0u16, 0, 1, 1] {
        zip.extend_from_slice(&half.to_le_bytes());
    }
    zip.extend_from_slice(&directory_len.to_le_bytes());
    zip.extend_from_slice(&directory.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

#[test]
fn a_gzip_bomb_is_decompressed_as_a_stream() {
    let (_s, watch) = watch();
    // 512 MiB of one byte compress to about half a megabyte ([`deflated_bomb`]), in one gzip
    // member: its header, the deflate stream, then the CRC-32 and length of what it unpacks to.
    let (deflated, crc, len) = deflated_bomb(b"nik,nama\n3201014107900001,Budi\n", 512);
    let mut bomb = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    bomb.extend_from_slice(&deflated);
    bomb.extend_from_slice(&crc.to_le_bytes());
    bomb.extend_from_slice(&(len as u32).to_le_bytes());
    assert!(bomb.len() < 4 << 20);
    let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], move |w| {
        w.write_all(&bomb).unwrap();
    });
    let report = json(&out);
    assert_eq!(code, 1);
    assert_eq!(report["inputs"][0]["compression"], "gzip");
    assert_eq!(report["summary"]["bad_records"], 1, "the 512 MiB line");
    assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB");
}

#[test]
fn a_zip_bomb_member_is_streamed_in_bounded_memory() {
    let (s, watch) = watch();
    // 512 MiB of one byte in a deflated zip member: about half a megabyte on disk. The member is
    // a dump like any other (its 512 MiB line a bad record), read as it is inflated.
    let bomb = zip_of_deflated("bomb/pasien.csv", deflated_bomb(b"nik,nama\n3201014107900001,Budi\n", 512));
    assert!(bomb.len() < 4 << 20);
    let path = s.write("bomb.zip", bomb);
    let path = path.to_str().unwrap();
    let (code, out, rss) = run_measured(&["scan", path, "-w", &watch, "-f", "json"], |_| {});
    let report = json(&out);
    assert_eq!(code, 1);
    assert_eq!(report["inputs"][0]["path"], format!("{path}!bomb/pasien.csv"));
    assert_eq!(report["summary"]["bad_records"], 1, "the 512 MiB line");
    assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB");
}

#[test]
fn json_nested_100000_deep_is_a_bad_record_not_a_stack_overflow() {
    let (_s, watch) = watch();
    let deep =
        |open: &str, close: &str| format!("{{\"a\":{}{}}}", open.repeat(100_000), close.repeat(100_000));
    // NDJSON, the same line as an element of a JSON array, and an object nested as deep.
    for (name, dump) in [
        ("ndjson", format!("{}\n{{\"nik\":\"3201014107900001\"}}\n", deep("[", "]"))),
        ("json", format!("[{},\n{{\"nik\":\"3201014107900001\"}}]\n", deep("[", "]"))),
        ("objects", format!("{}\n{{\"nik\":\"3201014107900001\"}}\n", deep("{\"b\":", "}"))),
    ] {
        let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], move |w| {
            let _ = w.write_all(dump.as_bytes());
        });
        let report = json(&out);
        assert_eq!(code, 1, "{name}: the record after the deep one still matched");
        assert_eq!(report["summary"]["bad_records"], 1, "{name}");
        assert!(rss < MAX_RSS_KIB, "{name}: peak RSS {rss} KiB");
    }
}

#[test]
fn a_json_key_repeated_millions_of_times_holds_one_member() {
    let (_s, watch) = watch();
    // About 20 MB of `"nik":0,` in one NDJSON record (under the 64 MiB record limit): the last
    // value wins, as in any JSON object, and memory does not grow with the repetitions.
    let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], |w| {
        w.write_all(b"{").unwrap();
        let chunk = b"\"nik\":0,".repeat(1 << 16);
        for _ in 0..40 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"\"nik\":\"3201014107900001\"}\n").unwrap();
    });
    let report = json(&out);
    assert_eq!(code, 1, "the last nik of the record matched");
    assert_eq!(report["summary"]["records"], 1);
    assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB");
}

#[test]
fn a_name_that_unicode_folding_would_blow_up_is_invalid_in_bounded_memory() {
    let (_s, watch) = watch();
    // 30 MB of U+FDFA, which NFKC writes as 18 characters each: a 60 MB one took 4.4 GB and
    // two minutes. Now the name is invalid at once, and the record's NIK still matches.
    let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], |w| {
        w.write_all(b"nama,nik\n").unwrap();
        let chunk = "\u{FDFA}".repeat(1 << 20);
        for _ in 0..10 {
            w.write_all(chunk.as_bytes()).unwrap();
        }
        w.write_all(b",3201014107900001\n").unwrap();
    });
    let report = json(&out);
    assert_eq!(code, 1, "the record's NIK matched");
    assert_eq!(report["summary"]["invalid_values"]["name"], 1);
    assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB");
}

#[test]
fn a_record_of_millions_of_names_and_dates_is_one_bad_record() {
    let (_s, watch) = watch();
    // 100,000 names × 100,000 dates in one JSON record would be 10¹⁰ name_dob pairs to hash.
    let letter = |i: usize| char::from(b'a' + (i % 26) as u8);
    let names: Vec<String> = (0..100_000)
        .map(|i| format!("\"Budi {}{}{}{}\"", letter(i / 17576), letter(i / 676), letter(i / 26), letter(i)))
        .collect();
    let dates: Vec<String> = (0..100_000)
        .map(|i| format!("\"{:04}-{:02}-{:02}\"", 1900 + i / 336, 1 + i / 28 % 12, 1 + i % 28))
        .collect();
    let (names, dates) = (names.join(","), dates.join(","));
    let dump = format!(
        "{{\"nama\":[{names}],\"tgl_lahir\":[{dates}],\"nik\":\"3201014107900001\"}}\n{{\"nik\":\"3201014107900001\"}}\n"
    );
    let started = std::time::Instant::now();
    let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], move |w| {
        w.write_all(dump.as_bytes()).unwrap();
    });
    let report = json(&out);
    assert_eq!(code, 1, "the record after it still matched");
    assert_eq!(report["summary"]["bad_records"], 1);
    assert_eq!(report["summary"]["records"], 2);
    assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB");
    // Not a timing assert on a loaded machine: 10¹⁰ hashes would take hours, this takes a second.
    assert!(started.elapsed() < std::time::Duration::from_secs(120));
}

/// A hostile test found a valid record of 65 copies of one name and one date (one pair) dropped
/// whole, its NIK with it: copies count once.
#[test]
fn copies_of_one_name_and_date_are_one_pair_not_a_bad_record() {
    let (_s, watch) = watch();
    let names = vec!["\"Budi Santoso\""; 5000].join(",");
    let dates = vec!["\"1990-01-01\""; 5000].join(",");
    let dump = format!("{{\"nik\":\"3201014107900001\",\"nama\":[{names}],\"tgl_lahir\":[{dates}]}}\n");
    let (code, out, _) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], move |w| {
        w.write_all(dump.as_bytes()).unwrap();
    });
    let report = json(&out);
    assert_eq!(code, 1, "the record's NIK matched");
    assert_eq!(report["summary"]["bad_records"], 0);
}

#[test]
fn running_out_of_memory_is_exit_2_with_a_message_not_an_abort() {
    use std::os::unix::process::CommandExt;
    // 40 MiB of address space: too little for a watchlist of 400,000 people (~100 MB resident
    // when it is not limited). The demo's list of 12 fits in 26 MiB now that a list's records
    // are made as its rows need them, so it no longer runs out.
    let s = Scratch::new();
    let mut list = String::with_capacity(400_000 * 17);
    for i in 0..400_000u32 {
        // Valid NIKs: 3201 01, born on day 1-28 (+40: a woman) of month 1-2, 1990, serial 1-9999.
        let (serial, rest) = (i % 9999 + 1, i / 9999);
        let (day, month) = (rest % 28 + 1, rest / 28 + 1);
        list.push_str(&format!("320101{:02}{month:02}90{serial:04}\n", day + 40));
    }
    let watch = s.write("watch.txt", list);
    let limit = libc::rlimit { rlim_cur: 40 << 20, rlim_max: 40 << 20 };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leakcheck"));
    cmd.args(["scan", "-w"]).arg(&watch).arg(fixture("demo/pasien.csv")).args(["-f", "json"]);
    // SAFETY: setrlimit is async-signal-safe, and nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("leakcheck: out of memory") || stderr.contains("cannot start"),
        "a message saying why: {stderr}"
    );
    assert!(!stderr.contains("memory allocation of"), "not Rust's abort message: {stderr}");
}

#[test]
fn a_json_record_of_small_nested_arrays_is_too_large_to_hold_in_bounded_memory() {
    let (_s, watch) = watch();
    // `[],` is 3 bytes of text and a node of 32 bytes or more: 20 MB of it took 2.3 GB, 60 MB
    // aborted. Each is one bad record now, and the record after it is still read. Issue 20 (test
    // time): the smaller one is 9 MB, twice the 3-4.5 MB (1-1.5 M nodes) that spend the 64 MiB
    // bound.
    for megabytes in [9, 60] {
        let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], move |w| {
            w.write_all(b"{\"a\":[").unwrap();
            let chunk = b"[],".repeat(1 << 20);
            for _ in 0..megabytes / 3 {
                w.write_all(&chunk).unwrap();
            }
            w.write_all(b"[]]}\n{\"nik\":\"3201014107900001\"}\n").unwrap();
        });
        let report = json(&out);
        eprintln!("{megabytes} MB: peak RSS {rss} KiB");
        assert_eq!(code, 1, "{megabytes} MB: the record after it still matched");
        assert_eq!(report["summary"]["bad_records"], 1, "{megabytes} MB");
        assert!(rss < MAX_RSS_KIB, "{megabytes} MB: peak RSS {rss} KiB");
    }
}

#[test]
fn a_200_mb_line_of_brackets_in_a_json_array_is_a_bad_record_in_bounded_memory() {
    // The element grammar kept one byte per open bracket, even once the element was too large to
    // keep, and kept the capacity after it.
    let (_s, watch) = watch();
    let (code, out, rss) = run_measured(&["scan", "-", "-w", &watch, "-f", "json"], |w| {
        w.write_all(b"[{\"nik\":\"1\"},").unwrap();
        let chunk = vec![b'['; 1 << 20];
        for _ in 0..200 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"\n{\"nik\":\"3201014107900001\"}]\n").unwrap();
    });
    let report = json(&out);
    assert_eq!(code, 1, "the element after the brackets still matched");
    assert_eq!(report["summary"]["bad_records"], 1);
    assert!(rss < MAX_RSS_KIB, "peak RSS {rss} KiB");
}
