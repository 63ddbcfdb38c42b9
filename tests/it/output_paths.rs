//! `-o PATH` never replaces anything but a regular file the user named (issue 14, item 1): not
//! an input of the run, not a symlink's target, not what `/dev/stdout` stands for; paths that
//! cannot be written fail before the run reads anything; a killed run leaves no file.

use crate::common;
use common::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PEOPLE: &str = "nik,nama\n3201014107900001,Budi\n";

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leakcheck"));
    cmd.env_remove("LEAKCHECK_KEY");
    cmd
}

/// Waits at most 60 s for `child`; a run still going then is killed and fails the test (a bound
/// on a hang, generous: a machine shared with parallel builds runs everything ~10x slower).
fn wait_briefly(mut child: Child) -> std::process::Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Everything under `dir`, by relative path: kind, inode, mode and content (or link target).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (String, u64, u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let kind = meta.file_type();
            let (what, content) = if kind.is_symlink() {
                ("link", fs::read_link(&path).unwrap().into_os_string().into_encoded_bytes())
            } else if kind.is_dir() {
                stack.push(path.clone());
                ("dir", Vec::new())
            } else if kind.is_fifo() {
                ("fifo", Vec::new())
            } else {
                ("file", fs::read(&path).unwrap())
            };
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            out.insert(rel, (what.to_string(), meta.ino(), meta.mode(), content));
        }
    }
    out
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn o_dev_stdout_under_an_append_redirect_appends_to_the_log() {
    let s = Scratch::new();
    let dump = s.write("d.csv", PEOPLE);
    let watch = s.write("w.txt", "3201014107900001\n");
    let log = s.write("log.txt", "an earlier line\n");
    fs::set_permissions(&log, fs::Permissions::from_mode(0o644)).unwrap();
    let inode = fs::metadata(&log).unwrap().ino();
    let mut expected = b"an earlier line\n".to_vec();
    for (target, to_stderr) in
        [("/dev/stdout", false), ("/dev/fd/1", false), ("/proc/self/fd/1", false), ("/dev/stderr", true)]
    {
        let appending = fs::OpenOptions::new().append(true).open(&log).unwrap();
        let mut cmd = bin();
        cmd.arg("scan").arg(&dump).arg("-w").arg(&watch).args(["-f", "csv", "-o", target]);
        if to_stderr {
            cmd.stderr(appending).stdout(Stdio::null());
        } else {
            cmd.stdout(appending).stderr(Stdio::piped());
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{target}: {}", stderr(&out));
        let text = fs::read(&log).unwrap();
        assert!(text.starts_with(&expected), "{target}: the earlier lines were overwritten");
        assert!(text[expected.len()..].starts_with(b"input,record,line"), "{target}: report appended");
        let meta = fs::metadata(&log).unwrap();
        assert_eq!(meta.ino(), inode, "{target}: log.txt was replaced");
        assert_eq!(meta.mode() & 0o777, 0o644, "{target}");
        expected = text;
    }
    assert_eq!(snapshot(s.dir()).len(), 3, "no other file appeared");
}

/// From review: `scan d.csv >> d.csv` appended the report to the dump while it was read (and
/// read it back), where `-o /dev/stdout >> d.csv` was already refused.
#[test]
fn standard_output_redirected_onto_an_input_is_refused() {
    let s = Scratch::new();
    let dump = s.write("d.csv", PEOPLE);
    let watch = s.write("w.txt", "3201014107900001\n");
    for (output, onto) in [(None, &dump), (Some("-"), &dump), (None, &watch)] {
        let appending = fs::OpenOptions::new().append(true).open(onto).unwrap();
        let before = fs::read(onto).unwrap();
        let mut cmd = bin();
        cmd.arg("scan").arg(&dump).arg("-w").arg(&watch).args(["-f", "csv"]);
        if let Some(output) = output {
            cmd.args(["-o", output]);
        }
        let out = cmd.stdout(appending).stderr(Stdio::piped()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{output:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("standard output"), "{}", stderr(&out));
        assert_eq!(fs::read(onto).unwrap(), before, "{output:?}: the input was changed");
    }
}

#[test]
fn o_naming_a_file_the_run_reads_is_refused_and_the_file_kept() {
    let s = Scratch::new();
    s.write("d.csv", PEOPLE);
    s.write("w.txt", "3201014107900001\n");
    s.write("rs.key", "kunci-rahasia-rumah-sakit-2021\n");
    fs::hard_link(s.path("d.csv"), s.path("same.csv")).unwrap();
    fs::create_dir(s.path("leak")).unwrap();
    s.write("leak/part.csv", PEOPLE);
    let runs: [&[&str]; 9] = [
        &["scan", "d.csv", "-w", "w.txt", "-o", "d.csv"],
        &["scan", "d.csv", "-w", "w.txt", "-o", "./d.csv"],
        &["scan", "d.csv", "-w", "w.txt", "-o", "w.txt"],
        &["scan", "d.csv", "-w", "w.txt", "-o", "same.csv"],
        &["scan", "d.csv", "-w", "w.txt", "--key-file", "rs.key", "-o", "rs.key"],
        &["scan", "leak", "-w", "w.txt", "-o", "leak/part.csv"],
        &["scan", "-", "-w", "w.txt", "-o", "d.csv"],
        &["hash", "w.txt", "-o", "w.txt"],
        &["hash", "-", "-o", "w.txt"],
    ];
    let before = snapshot(s.dir());
    for args in runs {
        // `-` reads the dump (scan) or the watchlist (hash) from standard input.
        let stdin = fs::File::open(s.path(if args[0] == "hash" { "w.txt" } else { "d.csv" })).unwrap();
        let out = bin().current_dir(s.dir()).args(args).stdin(stdin).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("a file this run reads"), "{args:?}: {}", stderr(&out));
        assert_eq!(snapshot(s.dir()), before, "{args:?} changed a file");
    }
}

#[test]
fn o_that_is_a_symlink_is_refused_and_neither_link_nor_target_changes() {
    let s = Scratch::new();
    let dump = s.write("d.csv", PEOPLE);
    let watch = s.write("w.txt", "3201014107900001\n");
    s.write("someone-elses.txt", "precious\n");
    std::os::unix::fs::symlink(s.path("someone-elses.txt"), s.path("planted.json")).unwrap();
    std::os::unix::fs::symlink(s.path("nowhere"), s.path("dangling.json")).unwrap();
    let before = snapshot(s.dir());
    for link in ["planted.json", "dangling.json"] {
        let out =
            bin().arg("scan").arg(&dump).arg("-w").arg(&watch).arg("-o").arg(s.path(link)).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{link}: {}", stderr(&out));
        assert!(stderr(&out).contains("is a symbolic link"), "{link}: {}", stderr(&out));
        assert_eq!(snapshot(s.dir()), before, "{link}");
    }
}

/// A `-o` that cannot be written must fail before the run reads its inputs or its watchlist:
/// here either comes from a standard input that never ends, so a late check never comes.
#[test]
fn o_that_cannot_be_written_fails_before_reading_anything() {
    let s = Scratch::new();
    s.write("d.csv", PEOPLE);
    s.write("w.txt", "3201014107900001\n");
    s.write("file", "x");
    fs::create_dir(s.path("dir")).unwrap();
    assert!(Command::new("mkfifo").arg(s.path("fifo")).status().unwrap().success());
    let targets =
        ["missing/report.json", "missing/", "report.json/", "dir", "dir/", "file/report.json", "fifo", "."];
    let before = snapshot(s.dir());
    for target in targets {
        for args in [
            vec!["scan", "d.csv", "-w", "-", "-o", target],
            vec!["scan", "-", "-w", "w.txt", "-o", target],
            vec!["hash", "-", "-o", target],
        ] {
            let child = bin()
                .current_dir(s.dir())
                .args(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            // stdin stays open: a run that reads it waits until the watchdog kills it.
            let out = wait_briefly(child);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            let message = stderr(&out);
            assert!(message.contains(&format!("-o {target}:")), "{args:?}: names the path: {message}");
            assert_eq!(message.matches("error").count(), 1, "{args:?}: {message}");
        }
    }
    assert_eq!(snapshot(s.dir()), before);
}

#[test]
fn o_to_a_fifo_with_no_reader_is_an_error_not_a_hang() {
    let s = Scratch::new();
    let dump = s.write("d.csv", PEOPLE);
    let watch = s.write("w.txt", "3201014107900001\n");
    assert!(Command::new("mkfifo").arg(s.path("fifo")).status().unwrap().success());
    let child = bin()
        .arg("scan")
        .arg(&dump)
        .arg("-w")
        .arg(&watch)
        .arg("-o")
        .arg(s.path("fifo"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_briefly(child);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("FIFO with no reader"), "{}", stderr(&out));
    assert!(fs::symlink_metadata(s.path("fifo")).unwrap().file_type().is_fifo());
}

#[test]
fn o_into_a_directory_it_may_not_write_fails_at_once() {
    let s = Scratch::new();
    let dump = s.write("d.csv", PEOPLE);
    let watch = s.write("w.txt", "3201014107900001\n");
    fs::create_dir(s.path("locked")).unwrap();
    // Root writes anywhere: run as nobody, who can read the inputs but not write `locked`.
    for (path, mode) in [(s.dir(), 0o755), (&dump, 0o644), (&watch, 0o644), (&s.path("locked"), 0o555)] {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }
    // SAFETY: no arguments.
    let mut cmd = if unsafe { libc::geteuid() } == 0 {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_leakcheck")]);
        cmd
    } else {
        bin()
    };
    let out = cmd
        .arg("scan")
        .arg(&dump)
        .arg("-w")
        .arg(&watch)
        .arg("-o")
        .arg(s.path("locked/r.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot create a file in directory"), "{}", stderr(&out));
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));
}

#[test]
fn a_replaced_report_keeps_its_mode_and_a_new_one_is_private() {
    let s = Scratch::new();
    let dump = s.write("d.csv", PEOPLE);
    let watch = s.write("w.txt", "3201014107900001\n");
    let report = s.write("report.json", "last week's report\n");
    fs::set_permissions(&report, fs::Permissions::from_mode(0o640)).unwrap();
    let inode = fs::metadata(&report).unwrap().ino();
    for path in [&report, &s.path("new.json")] {
        let out = bin()
            .arg("scan")
            .arg(&dump)
            .arg("-w")
            .arg(&watch)
            .args(["-f", "json", "-o"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(json(&fs::read(path).unwrap())["summary"]["exposed_records"], 1);
    }
    let meta = fs::metadata(&report).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o640);
    assert_ne!(meta.ino(), inode, "replaced by a rename: readers see the old report or the new one");
    assert_eq!(fs::metadata(s.path("new.json")).unwrap().mode() & 0o777, 0o600);
}

#[test]
fn sigkill_mid_scan_leaves_no_file_behind() {
    let s = Scratch::new();
    let watch = s.write("watch.txt", "3201014107900001\n");
    let mut child = bin()
        .arg("scan")
        .arg("-")
        .arg("-w")
        .arg(&watch)
        .args(["--reveal", "-f", "csv", "-o"])
        .arg(s.path("report.csv"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // An endless dump of exposed, unmasked records: the report grows as long as it runs.
    let feeder = feed_endless_exposures(child.stdin.take().unwrap());
    let dir = fs::canonicalize(s.dir()).unwrap();
    let started = Instant::now();
    while !(has_file_open_under(child.id(), &dir) || fs::read_dir(&dir).unwrap().count() > 1) {
        assert!(started.elapsed() < Duration::from_secs(60), "the scan never opened its output");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(700));
    child.kill().unwrap();
    child.wait().unwrap();
    feeder.join().unwrap();
    let left: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["watch.txt"], "a killed run left a file (with unmasked values)");
}

/// The names a property case may give `-o`, and what each is.
const TARGETS: [&str; 13] = [
    "a.csv",
    "b.csv",
    "c.csv",
    "hard.csv",
    "link.csv",
    "dangling.csv",
    "fifo",
    "sub",
    "sub/",
    "new.json",
    "sub/new.json",
    "missing/new.json",
    "/dev/null",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever `-o` names and whichever files the run reads, no file but the named regular
    /// file (one the run does not read) changes, and nothing is left beside it.
    #[test]
    fn no_file_but_the_named_regular_one_changes(
        hash in any::<bool>(),
        reads in prop::sample::subsequence(vec!["a.csv", "b.csv", "c.csv"], 1..=3),
        target in prop::sample::select(TARGETS.to_vec()),
    ) {
        let s = Scratch::new();
        for name in ["a.csv", "b.csv", "c.csv"] {
            s.write(name, PEOPLE);
        }
        fs::hard_link(s.path("a.csv"), s.path("hard.csv")).unwrap();
        std::os::unix::fs::symlink("b.csv", s.path("link.csv")).unwrap();
        std::os::unix::fs::symlink("nowhere.csv", s.path("dangling.csv")).unwrap();
        assert!(Command::new("mkfifo").arg(s.path("fifo")).status().unwrap().success());
        fs::create_dir(s.path("sub")).unwrap();
        let mut cmd = bin();
        cmd.current_dir(s.dir());
        if hash {
            cmd.arg("hash").args(&reads);
        } else {
            cmd.arg("scan").args(&reads).args(["-w", reads[0]]);
        }
        let before = snapshot(s.dir());
        let out = wait_briefly(cmd.args(["-o", target]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap());
        let after = snapshot(s.dir());

        let read = |name: &str| reads.contains(&name) || (name == "hard.csv" && reads.contains(&"a.csv"));
        let writable = matches!(target, "new.json" | "sub/new.json" | "/dev/null")
            || (["a.csv", "b.csv", "c.csv", "hard.csv"].contains(&target) && !read(target));
        let code = out.status.code();
        if writable {
            // A scan's own watchlist among its inputs is skipped, not scanned: with no other
            // input nothing is checked (exit 2).
            let expected = if hash { 0 } else if reads.len() > 1 { 1 } else { 2 };
            prop_assert_eq!(code, Some(expected), "{}", stderr(&out));
        } else {
            prop_assert_eq!(code, Some(2), "{}", stderr(&out));
        }
        let named = Path::new(target);
        for (path, was) in &before {
            if path != named {
                prop_assert_eq!(after.get(path), Some(was), "{} changed", path.display());
            }
        }
        for (path, now) in &after {
            if !before.contains_key(path) {
                prop_assert_eq!(path.as_path(), named, "{} appeared", path.display());
                prop_assert!(writable);
                prop_assert_eq!(&now.0, "file");
            }
        }
        if writable && target != "/dev/null" {
            let now = &after[named];
            prop_assert_eq!(&now.0, "file");
            prop_assert!(now.3 != PEOPLE.as_bytes(), "the report was written");
        } else if let Some(was) = before.get(named) {
            prop_assert_eq!(after.get(named), Some(was));
        }
    }
}
