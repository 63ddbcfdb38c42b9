//! Helpers shared by the integration tests: a scratch directory, the built binary, and report
//! parsing.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary directory that files are written into; removed on drop.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// The built `leakcheck` binary, with progress bars off and colour unset.
pub fn leakcheck() -> Command {
    let mut cmd = Command::cargo_bin("leakcheck").expect("binary");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// One exposure as the acceptance criteria compare them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub record: u64,
    pub line: u64,
    pub watch: String,
    pub confidence: String,
    pub matched: String,
}

pub fn row(record: u64, line: u64, watch: &str, confidence: &str, matched: &str) -> Row {
    Row { record, line, watch: watch.into(), confidence: confidence.into(), matched: matched.into() }
}

/// Parses a `--format csv` report into rows.
pub fn csv_rows(report: &[u8]) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(report);
    let headers = reader.headers().expect("csv header").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "input",
            "record",
            "line",
            "watch",
            "confidence",
            "matched",
            "nik",
            "phone",
            "email",
            "name",
            "dob",
            "table",
            "fields",
            "categories",
            "fingerprint",
            "baseline"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.expect("csv row");
            Row {
                record: r[1].parse().unwrap(),
                line: r[2].parse().unwrap(),
                watch: r[3].into(),
                confidence: r[4].into(),
                matched: r[5].into(),
            }
        })
        .collect()
}

/// Writes an endless dump to `stdin` on a thread until the process stops reading: a header,
/// then one record again and again whose NIK is `3201014107900001` (a watchlist of that NIK
/// makes every record an exposure, so a report grows as long as the scan runs).
pub fn feed_endless_exposures(mut stdin: std::process::ChildStdin) -> std::thread::JoinHandle<()> {
    use std::io::Write;
    std::thread::spawn(move || {
        let rows = "3201014107900001,Budi Santoso\n".repeat(10_000);
        let _ = stdin.write_all(b"nik,nama\n");
        while stdin.write_all(rows.as_bytes()).is_ok() {}
    })
}

/// Parses a `--format json` report.
pub fn json(report: &[u8]) -> serde_json::Value {
    serde_json::from_slice(report).expect("report is one JSON document")
}

/// The report with what depends on when it ran zeroed: `elapsed_ms` and `started_at`.
pub fn without_elapsed(report: &[u8]) -> String {
    let text = String::from_utf8(report.to_vec()).expect("utf-8 report");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("\"elapsed_ms\":") {
        let (head, tail) = rest.split_at(i + "\"elapsed_ms\":".len());
        out.push_str(head);
        out.push('0');
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    let text = out;
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("\"started_at\":\"") {
        let (head, tail) = rest.split_at(i + "\"started_at\":\"".len());
        out.push_str(head);
        rest = tail.trim_start_matches(|c: char| c != '"');
    }
    out.push_str(rest);
    out
}

/// A JSON report without what names the watchlists and the key mode (`watchlists`, each
/// exposure's `fingerprint`) or the time of the run: what scans of one dump against the same
/// people, listed plain or hashed, keyed or not, must agree on.
pub fn without_run(report: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&without_elapsed(report)).expect("one JSON document");
    if let Some(o) = v.as_object_mut() {
        o.remove("watchlists");
    }
    for e in v["exposures"].as_array_mut().into_iter().flatten() {
        if let Some(e) = e.as_object_mut() {
            e.remove("fingerprint");
        }
    }
    v
}

/// Writes `rows` as delimited text, quoting fields that need it.
pub fn delimited(rows: &[Vec<&str>], delim: char, eol: &str) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|f| {
                if f.contains(delim) || f.contains('"') || f.contains('\n') || f.contains(',') {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.to_string()
                }
            })
            .collect();
        out.push_str(&fields.join(&delim.to_string()));
        out.push_str(eol);
    }
    out
}

/// Whether process `pid` holds a file open under `dir`: a report it is writing, named or not
/// (an `O_TMPFILE` file shows as `dir/#123 (deleted)` in `/proc/PID/fd`).
pub fn has_file_open_under(pid: u32, dir: &Path) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return false };
    fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok()).any(|target| target.starts_with(dir))
}

/// What one run of the binary did, as `wait4` reports it for that process alone.
pub struct Measured {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Peak resident memory, KiB.
    pub max_rss_kib: i64,
    /// User + system CPU time. A test of "this is fast" asserts on this, not on wall time: on a
    /// machine loaded by other builds the wall time of a 10 ms run can pass a second, its CPU
    /// time does not grow.
    pub cpu: std::time::Duration,
}

/// Forks, runs argv[2:] in the child and writes `code max_rss_kib cpu_seconds` of it to argv[1].
/// A child started by this test process itself would not do: Linux gives an exec'd child the
/// peak RSS of the process it was forked from (here the test process, which every module's
/// tests share), so a 10 MB scan measured 465 MB. A child of this small Python process starts
/// from Python's few megabytes.
const MEASURE: &str = r#"
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    out.write(f"{code} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
"#;

/// Runs the built binary with `args`, feeding it `feed` on stdin from another thread, and
/// measures it (through `python3`, see [`MEASURE`]). Fails if the run is killed by a signal.
pub fn measured(
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
    feed: impl FnOnce(&mut dyn std::io::Write) + Send + 'static,
) -> Measured {
    measured_env(std::iter::empty::<(&str, &str)>(), args, feed)
}

/// [`measured`], with `envs` set for the run.
pub fn measured_env(
    envs: impl IntoIterator<Item = (impl AsRef<std::ffi::OsStr>, impl AsRef<std::ffi::OsStr>)>,
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
    feed: impl FnOnce(&mut dyn std::io::Write) + Send + 'static,
) -> Measured {
    let result = tempfile::NamedTempFile::new().expect("result file");
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-c", MEASURE]).arg(result.path()).arg(env!("CARGO_BIN_EXE_leakcheck")).args(args).envs(envs);
    let (status, stdout, stderr) = run_piped(&mut cmd, feed, |child| child.wait().expect("wait"));
    assert!(status.success(), "the measuring python3 failed: {}", String::from_utf8_lossy(&stderr));
    let text = std::fs::read_to_string(result.path()).expect("measurements");
    let fields: Vec<&str> = text.split(' ').collect();
    let code: i32 = fields[0].parse().expect("code");
    assert!(code >= 0, "killed by signal {}", -code);
    Measured {
        code,
        stdout,
        stderr,
        max_rss_kib: fields[1].parse().expect("max rss"),
        cpu: std::time::Duration::from_secs_f64(fields[2].parse().expect("cpu seconds")),
    }
}

/// Runs the built binary with `args` and no input, and returns its exit code, standard error
/// and CPU time (user + system, from `wait4`; see [`Measured::cpu`]). Cheaper than
/// [`measured`], for tests that run it hundreds of times and need no memory figure.
#[allow(clippy::zombie_processes, reason = "reaped by wait4, which also reads its rusage")]
pub fn cpu_timed(
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> (i32, Vec<u8>, std::time::Duration) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_leakcheck"));
    cmd.args(args);
    let ((status, usage), _, stderr) = run_piped(
        &mut cmd,
        |_| {},
        |child| {
            let pid = child.id() as libc::pid_t;
            let mut status = 0;
            // SAFETY: zeroed rusage is a valid value; wait4 writes into the two out-pointers only.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
            (status, usage)
        },
    );
    assert!(libc::WIFEXITED(status), "killed by a signal: {status}");
    let time = |t: libc::timeval| std::time::Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (libc::WEXITSTATUS(status), stderr, time(usage.ru_utime) + time(usage.ru_stime))
}

/// Spawns `cmd` with piped stdin, stdout and stderr, feeds stdin from one thread and reads
/// stderr on another (so neither pipe can fill and block the run), reads stdout, then `wait`s.
fn run_piped<T>(
    cmd: &mut std::process::Command,
    feed: impl FnOnce(&mut dyn std::io::Write) + Send + 'static,
    wait: impl FnOnce(&mut std::process::Child) -> T,
) -> (T, Vec<u8>, Vec<u8>) {
    use std::process::Stdio;
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || feed(&mut stdin));
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).map(|_| buf)
    });
    let mut stdout = Vec::new();
    std::io::Read::read_to_end(child.stdout.as_mut().expect("stdout"), &mut stdout).expect("read stdout");
    writer.join().expect("feed");
    let stderr = reader.join().expect("stderr reader").expect("read stderr");
    (wait(&mut child), stdout, stderr)
}
