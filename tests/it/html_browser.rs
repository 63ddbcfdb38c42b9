//! `report html` in a real browser (issue 18, part 3): headless Chromium opens the page from a
//! file and is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: file
//! descriptors 3 and 4, NUL-separated JSON), so no crate and no network port is needed. Checks:
//! the DOM's row counts equal the report's, no console error or exception, no request beyond the
//! file's own URL, the filter and the sort work, the big page loads in under 2 s; saves
//! screenshots under `target/tmp/`.
//!
//! Skips with a note when Chromium is absent, unless `LEAKCHECK_REQUIRE_BROWSER=1`.

use crate::common;
use common::*;

use serde_json::{Value, json};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one answer of the browser may take before the test gives up.
const ANSWER: Duration = Duration::from_secs(60);
/// SPEC §11 / issue 18: the page of thousands of exposures opens in under this.
const OPENS_IN: Duration = Duration::from_secs(2);

fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os("LEAKCHECK_CHROMIUM").unwrap_or("/usr/bin/chromium".into()));
    if path.exists() {
        return Some(path);
    }
    if std::env::var("LEAKCHECK_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("LEAKCHECK_REQUIRE_BROWSER=1 but there is no {}", path.display());
    }
    eprintln!(
        "SKIPPED: no {} (apt-get install chromium); set LEAKCHECK_REQUIRE_BROWSER=1 to fail",
        path.display()
    );
    None
}

/// A pipe whose both ends close on exec.
fn pipe() -> (RawFd, RawFd) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    (fds[0], fds[1])
}

/// Headless Chromium with a DevTools session on one page.
struct Browser {
    child: Child,
    to: File,
    from: mpsc::Receiver<Value>,
    next: u64,
    session: String,
    /// Every event met so far.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(chromium: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (cmd_read, cmd_write) = pipe();
        let (out_read, out_write) = pipe();
        let mut command = Command::new(chromium);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--remote-debugging-pipe",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // The browser reads commands on fd 3 and writes answers on fd 4.
        unsafe {
            command.pre_exec(move || {
                for (from, to) in [(cmd_read, 3), (out_write, 4)] {
                    if from == to {
                        libc::fcntl(to, libc::F_SETFD, 0);
                    } else if libc::dup2(from, to) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        unsafe {
            libc::close(cmd_read);
            libc::close(out_write);
        }
        let to = unsafe { File::from_raw_fd(cmd_write) };
        let (tx, from) = mpsc::channel();
        let reader = unsafe { File::from_raw_fd(out_read) };
        std::thread::spawn(move || {
            let mut reader = BufReader::new(reader);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                message.pop_if(|b| *b == 0);
                if let Ok(v) = serde_json::from_slice(&message)
                    && tx.send(v).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        let mut b = Browser {
            child,
            to,
            from,
            next: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call("Target.attachToTarget", json!({"targetId": target, "flatten": true}));
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Page", "Runtime", "Log", "Network"] {
            b.call(&format!("{domain}.enable"), json!({}));
        }
        b
    }

    /// Sends a command (to the page's session once attached) and waits for its answer, keeping
    /// the events that come before it.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut message = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        loop {
            let v = self.from.recv_timeout(ANSWER).unwrap_or_else(|_| panic!("no answer to {method}"));
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    /// Waits for the event `method`.
    fn wait_for(&mut self, method: &str) {
        let start = self.events.len();
        if self.events[..start].iter().any(|e| e["method"] == method) {
            return;
        }
        loop {
            let v = self.from.recv_timeout(ANSWER).unwrap_or_else(|_| panic!("no {method}"));
            let done = v["method"] == method;
            self.events.push(v);
            if done {
                return;
            }
        }
    }

    /// Opens `path`, returning its URL and the time until its load event.
    fn open(&mut self, path: &Path) -> (String, Duration) {
        self.events.clear();
        let url = format!("file://{}", path.canonicalize().unwrap().display());
        let started = Instant::now();
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for("Page.loadEventFired");
        (url, started.elapsed())
    }

    /// The value of a JavaScript expression on the page.
    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Console errors, exceptions and error log entries (a CSP violation is one) met so far.
    fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| {
                let p = &e["params"];
                match e["method"].as_str() {
                    Some("Runtime.consoleAPICalled") => p["type"] == "error" || p["type"] == "assert",
                    Some("Runtime.exceptionThrown") => true,
                    Some("Log.entryAdded") => p["entry"]["level"] == "error",
                    _ => false,
                }
            })
            .map(Value::to_string)
            .collect()
    }

    /// The URLs of every request the page made.
    fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .map(|e| e["params"]["request"]["url"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Saves a PNG of the page, `full`: its whole height.
    fn screenshot(&mut self, to: &Path, full: bool) {
        let mut params = json!({"format": "png"});
        if full {
            // A window as tall as the page: rows are drawn only in view (content-visibility), and
            // a capture beyond the window would show the tables empty.
            for _ in 0..2 {
                let metrics = self.call("Page.getLayoutMetrics", json!({}));
                let height = metrics["cssContentSize"]["height"].as_f64().unwrap().ceil();
                self.call(
                    "Emulation.setDeviceMetricsOverride",
                    json!({"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": false}),
                );
                self.eval("(async () => { for (let i = 0; i < 3; i++) await new Promise(f => requestAnimationFrame(f)); })()");
            }
            let metrics = self.call("Page.getLayoutMetrics", json!({}));
            let size = &metrics["cssContentSize"];
            params["clip"] =
                json!({"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1});
            params["captureBeyondViewport"] = json!(true);
        }
        let shot = self.call("Page.captureScreenshot", params);
        if full {
            self.call("Emulation.clearDeviceMetricsOverride", json!({}));
        }
        std::fs::write(to, base64_decode(shot["data"].as_str().unwrap())).unwrap();
        eprintln!("screenshot: {}", to.display());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    bytes
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().enumerate().fold(0u32, |n, (i, &v)| n | u32::from(v) << (18 - 6 * i));
            n.to_be_bytes()[1..c.len()].to_vec()
        })
        .collect()
}

/// Where the screenshots go.
fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The page of `report`, and the report's people and exposure counts.
fn page(scratch: &Scratch, report: &Path, lang: &str) -> (PathBuf, usize, usize) {
    let html = scratch.path(&format!("{}.html", report.file_stem().unwrap().to_string_lossy()));
    leakcheck()
        .args(["report", "html"])
        .arg(report)
        .arg("-o")
        .arg(&html)
        .args(["--lang", lang])
        .assert()
        .success();
    let people = leakcheck().args(["report", "people", "--format", "json"]).arg(report).output().unwrap();
    let people = json(&people.stdout)["people"].as_array().unwrap().len();
    let exposures = json(&std::fs::read(report).unwrap())["exposures"].as_array().unwrap().len();
    (html, people, exposures)
}

/// Checks a page has one row per person and per exposure (at most 10,000), no error, no request
/// but its own.
fn check_page(b: &mut Browser, html: &Path, people: usize, exposures: usize) -> Duration {
    let (url, took) = b.open(html);
    let rows = |b: &mut Browser, table: &str| {
        b.eval(&format!("document.querySelectorAll('#{table} tbody tr').length")).as_u64().unwrap() as usize
    };
    assert_eq!(rows(b, "people"), people);
    assert_eq!(rows(b, "exposures"), exposures.min(10_000));
    let more = b.eval("(document.getElementById('more') || {}).textContent || ''");
    if exposures > 10_000 {
        assert!(more.as_str().unwrap().contains(&format!("+ {} ", exposures - 10_000)), "{more}");
    } else {
        assert_eq!(more, json!(""));
    }
    assert_eq!(b.eval("document.querySelectorAll('svg.chart').length"), json!(4));
    assert_eq!(b.errors(), Vec::<String>::new(), "console errors");
    assert_eq!(b.requests(), [url], "requests beyond the page's own file");
    took
}

#[test]
fn the_demo_page_works_in_chromium_with_no_error_and_no_request() {
    let Some(chromium) = chromium() else { return };
    let scratch = Scratch::new();
    let report = scratch.path("demo.json");
    // Inputs by relative path, as a user would name them (the screenshot is the README's).
    leakcheck()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["scan", "fixtures/demo/pasien.csv", "--watch", "fixtures/demo/watchlist.csv"])
        .args(["--format", "json", "-o"])
        .arg(&report)
        .assert()
        .code(1);
    let (html, people, exposures) = page(&scratch, &report, "id");
    assert!(people > 5 && exposures > 5);
    let mut b = Browser::start(&chromium);
    check_page(&mut b, &html, people, exposures);

    // The filter shows the rows holding its text, and says how many.
    let filtered = b.eval(
        "(() => { const s = document.querySelector('section[data-table=people]'); \
         const i = s.querySelector('input'); i.value = 'p-001'; i.dispatchEvent(new Event('input')); \
         const shown = [...s.querySelectorAll('tbody tr')].filter(r => !r.hidden); \
         return [shown.length, shown[0].cells[0].textContent, s.querySelector('output').value]; })()",
    );
    assert_eq!(filtered, json!([1, "P-001", "1"]));
    // Clicking the record column sorts ascending, again descending, numerically.
    let order =
        "[...document.querySelectorAll('#exposures tbody tr')].map(r => Number(r.cells[1].textContent))";
    b.eval("document.querySelectorAll('#exposures thead button')[1].click()");
    let up: Vec<u64> = serde_json::from_value(b.eval(order)).unwrap();
    b.eval("document.querySelectorAll('#exposures thead button')[1].click()");
    let down: Vec<u64> = serde_json::from_value(b.eval(order)).unwrap();
    let mut sorted = up.clone();
    sorted.sort();
    assert_eq!(up, sorted);
    assert_eq!(down, sorted.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(
        b.eval("document.querySelectorAll('#exposures thead th')[1].getAttribute('aria-sort')"),
        json!("descending")
    );
    assert_eq!(b.errors(), Vec::<String>::new());
    // The rows are laid out as grids, not as a table, yet a screen reader still meets a table of
    // rows, column headers and cells (in view: Chromium leaves rows it has not laid out yet out
    // of its accessibility tree until they are).
    let roles = |b: &mut Browser, selector: &str| -> Vec<String> {
        let list = b.call(
            "Runtime.evaluate",
            json!({"expression": format!("[...document.querySelectorAll('{selector}')]")}),
        );
        let list = list["result"]["objectId"].as_str().unwrap().to_string();
        let items = b.call("Runtime.getProperties", json!({"objectId": list, "ownProperties": true}));
        let ids: Vec<String> = items["result"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["value"]["objectId"].as_str().map(str::to_string))
            .collect();
        ids.iter()
            .map(|id| {
                let tree = b
                    .call("Accessibility.getPartialAXTree", json!({"objectId": id, "fetchRelatives": false}));
                tree["nodes"][0]["role"]["value"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    };
    for table in ["people", "exposures"] {
        b.eval(&format!(
            "(async () => {{ document.querySelector('#{table} tbody tr').scrollIntoView(); \
             for (let i = 0; i < 3; i++) await new Promise(f => requestAnimationFrame(f)); }})()"
        ));
        assert_eq!(roles(&mut b, &format!("#{table}")), ["table"], "{table}");
        assert_eq!(roles(&mut b, &format!("#{table} tbody tr:first-child")), ["row"], "{table}");
        let heads = roles(&mut b, &format!("#{table} thead th"));
        assert!(!heads.is_empty() && heads.iter().all(|r| r == "columnheader"), "{table}: {heads:?}");
        let cells = roles(&mut b, &format!("#{table} tbody tr:first-child td"));
        assert_eq!(cells.len(), heads.len(), "{table}");
        assert!(cells.iter().all(|r| r == "cell"), "{table}: {cells:?}");
    }

    // As the README shows it: the page as opened, at a laptop's width.
    b.open(&html);
    b.screenshot(&shots().join("report-html.png"), true);
    // On a phone, nothing is wider than the screen but the tables' own scroll boxes.
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
    );
    b.open(&html);
    assert_eq!(b.eval("document.documentElement.scrollWidth <= window.innerWidth"), json!(true));
    b.screenshot(&shots().join("report-html-phone.png"), false);
}

/// The load average and CPUs when more processes want to run than there are CPUs: a wall-clock
/// bound then measures the neighbours, not the page.
fn overloaded() -> Option<String> {
    let load: f64 = std::fs::read_to_string("/proc/loadavg").ok()?.split(' ').next()?.parse().ok()?;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    (load > cpus as f64).then(|| format!("load average {load} on {cpus} CPUs"))
}

/// 12,000 exposures of 12,000 people in 40 inputs: the size of the 1.1 GB benchmark's report.
fn big_report(scratch: &Scratch) -> PathBuf {
    let exposures: Vec<String> = (1..=12_000u64)
        .map(|i| {
            json!({
                "input": format!("leak/part-{:02}.csv", i % 40), "record": i, "line": i + 1,
                "watch": format!("P-{i:05}"), "confidence": if i % 7 == 0 { "possible" } else { "exposed" },
                "matched": if i % 7 == 0 { json!(["name"]) } else { json!(["nik", "phone"]) },
                "values": {"nik": format!("{}01**********{:02}", 11 + i % 80, i % 100), "phone": "+62812*****321", "name": "B**** S******"},
                "fields": ["nik", "nama", "no_hp", "diagnosa"], "categories": ["general", "health"],
            })
            .to_string()
        })
        .collect();
    let report =
        format!("{{\"leakcheck\":\"0.1.0\",\"exposures\":[{}],\"summary\":{{}}}}", exposures.join(",\n"));
    scratch.write("big.json", report)
}

/// The big report's page in `lang`, and its people and exposure counts: 12,000 each, by
/// construction (asking `report people` took a second of CPU: issue 20).
fn big_page(scratch: &Scratch, lang: &str) -> (PathBuf, usize, usize) {
    let report = big_report(scratch);
    let html = scratch.path("big.html");
    leakcheck()
        .args(["report", "html"])
        .arg(&report)
        .arg("-o")
        .arg(&html)
        .args(["--lang", lang])
        .assert()
        .success();
    (html, 12_000, 12_000)
}

/// The time from the start of the page's navigation to its load event, as the page measures it
/// (Navigation Timing): not the DevTools round trips around it.
fn load_time(b: &mut Browser) -> Duration {
    let ms = b.eval("performance.getEntriesByType('navigation')[0].loadEventStart").as_f64().unwrap();
    Duration::from_secs_f64(ms / 1000.0)
}

#[test]
fn a_page_of_twelve_thousand_exposures_opens_in_under_two_seconds_with_ten_thousand_rows() {
    let Some(chromium) = chromium() else { return };
    let scratch = Scratch::new();
    let (html, people, exposures) = big_page(&scratch, "en");
    eprintln!("page: {} bytes", std::fs::metadata(&html).unwrap().len());
    let mut b = Browser::start(&chromium);
    // A first load warms the browser up (its first page pays for starting its renderer): a
    // small page of the same directory (a file URL) does, at a fraction of the big one's time.
    b.open(&scratch.write("warm.html", "<!DOCTYPE html><title>warm</title><p>warm"));
    let wall = check_page(&mut b, &html, people, exposures);
    let took = load_time(&mut b);
    eprintln!("load event after {took:?} (in the page; {wall:?} around the browser)");
    // Issue 18's "under 2 s" is judged on a quiet machine only (LEAKCHECK_STRICT_TIMING=1, see
    // BENCHMARKS.md): in `cargo test` the other tests share the CPUs with Chromium, and a wall
    // clock there measures them too. A page 7× over the budget fails anywhere. The time is the
    // page's own (navigation start to load event), so the pipe and the test's threads waiting
    // for a core add nothing to it.
    assert!(took < OPENS_IN * 7, "the page took {took:?} to load");
    match overloaded() {
        None if std::env::var("LEAKCHECK_STRICT_TIMING").as_deref() == Ok("1") => {
            assert!(took < OPENS_IN, "the page took {took:?} to load")
        }
        None => eprintln!("load time not judged against {OPENS_IN:?}: set LEAKCHECK_STRICT_TIMING=1"),
        Some(load) => eprintln!("load time not asserted: the machine is overloaded ({load})"),
    }
    // Filtering 10,000 rows answers at once.
    let started = Instant::now();
    let shown = b.eval(
        "(() => { const s = document.querySelector('section[data-table=exposures]'); \
         const i = s.querySelector('input'); i.value = 'part-07'; i.dispatchEvent(new Event('input')); \
         return Number(s.querySelector('output').value); })()",
    );
    assert_eq!(shown, json!(250), "records 7, 47, … of the first 10,000");
    eprintln!("filter after {:?}", started.elapsed());
    b.screenshot(&shots().join("report-html-big.png"), false);
}

#[test]
fn rows_below_the_fold_are_not_laid_out_when_the_big_page_opens() {
    // Laying out all 22,000 rows of the page's two tables took most of its load time (2.5 s on an
    // idle machine): the old page laid out the whole people table although it began below the
    // window. Rows now are laid out as they scroll into view (content-visibility).
    let Some(chromium) = chromium() else { return };
    let scratch = Scratch::new();
    let (html, _, _) = big_page(&scratch, "id");
    let mut b = Browser::start(&chromium);
    b.open(&html);
    let laid_out = "[...document.querySelectorAll('tbody tr:first-child td:first-child, \
                    tbody tr:last-child td:first-child')] \
                    .map(c => c.checkVisibility({contentVisibilityAuto: true}))";
    assert_eq!(
        b.eval(laid_out),
        json!([false, false, false, false]),
        "people first, last; exposures first, last"
    );
    // Scrolled to, a row is laid out and shows its text.
    let shown = b.eval(
        "(async () => { const r = document.querySelector('#exposures tbody tr:last-child'); \
         r.scrollIntoView(); \
         for (let i = 0; i < 3; i++) await new Promise(f => requestAnimationFrame(f)); \
         return [r.cells[0].checkVisibility({contentVisibilityAuto: true}), r.cells[6].getBoundingClientRect().height > 40]; })()",
    );
    assert_eq!(
        shown,
        json!([true, true]),
        "the last row, once scrolled to, with its three values on three lines"
    );
    assert_eq!(b.errors(), Vec::<String>::new());
}

#[test]
fn the_harness_sees_a_console_error_and_a_request() {
    // The checks above are only as good as their detectors: a page that logs an error and asks
    // for an image must show both.
    let Some(chromium) = chromium() else { return };
    let scratch = Scratch::new();
    let html = scratch.write(
        "bad.html",
        "<!DOCTYPE html><img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom')</script>",
    );
    let mut b = Browser::start(&chromium);
    let (url, _) = b.open(&html);
    b.eval("1");
    assert!(b.errors().iter().any(|e| e.contains("boom")), "{:?}", b.errors());
    assert!(b.requests().iter().any(|r| r.starts_with("http://127.0.0.1:9/")), "{:?}", b.requests());
    assert!(b.requests().contains(&url));
}
