//! The integration tests, one test binary (issue 20): every `tests/*.rs` file used to be a crate
//! of its own that linked the whole of leakcheck (~150 MB and a long link each); as modules of
//! this one crate they link once.
//!
//! To add a test file: write it as `tests/it/<topic>.rs`, add `mod <topic>;` below (sorted), and
//! start it with `use crate::common;` (then `use common::*;` or the helpers it needs) instead of
//! `mod common;`. A `#[path]` in it is relative to `tests/it/`. Its insta snapshots live in
//! `tests/it/snapshots/` named `it__<topic>__<name>.snap`, its proptest regressions in
//! `tests/it/<topic>.proptest-regressions`. Run one file's tests with
//! `cargo test --test it <topic>::`.
//!
//! All the modules' tests run as threads of one process: a test must not change process-wide
//! state (environment variables, the current directory, signal dispositions, rlimits) of the
//! test process itself; set them on the `Command` it runs instead (`.env`, `.current_dir`,
//! `pre_exec`).

mod common;

/// One test thread more than the machine has CPUs, unless `RUST_TEST_THREADS` says how many: a
/// tenth of the time the tests wait on what they run (a scan's pipes, Chromium, a signal's
/// grace period), and with one thread per CPU that time is lost. On two CPUs the `it` run took
/// 27.2–30.2 s with three threads against 31.4–33.5 s with two, three rounds alternated; four
/// were slower than three (issue 20). Set
/// before `main`, while the process has one thread: libtest reads the variable when it starts,
/// and no test has run yet (the rule above is about the tests).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static ONE_TEST_THREAD_MORE_THAN_CPUS: extern "C" fn() = {
    extern "C" fn one_more() {
        if std::env::var_os("RUST_TEST_THREADS").is_none() {
            // SAFETY: before `main`, no other thread reads or writes the environment.
            unsafe { std::env::set_var("RUST_TEST_THREADS", (cpus() + 1).to_string()) };
            THREADS_SET.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    one_more
};

/// Whether [`ONE_TEST_THREAD_MORE_THAN_CPUS`] set `RUST_TEST_THREADS`.
#[cfg(target_os = "linux")]
static THREADS_SET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(target_os = "linux")]
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(target_os = "linux")]
#[test]
fn the_tests_run_on_one_thread_more_than_there_are_cpus_unless_told() {
    let threads = std::env::var("RUST_TEST_THREADS").expect("set before main when not given");
    if THREADS_SET.load(std::sync::atomic::Ordering::Relaxed) {
        assert_eq!(threads, (cpus() + 1).to_string());
    }
}

mod archives;
mod cli;
mod corpora;
mod csv_dumps;
mod demo;
mod deploy;
mod email_idna;
mod encodings;
mod formats;
mod fuzz_regressions;
mod gendump;
mod hostile;
mod hostile_spec;
mod html;
mod html_browser;
mod input_bytes;
mod input_findings;
mod inspect;
mod keyed;
mod lcx_index;
mod limits;
mod named_streams;
mod notify;
mod output_paths;
mod phone_differential;
mod producers;
mod properties;
mod report_fields;
mod resync_sweep;
mod shards;
mod skipped;
mod tsv_dialects;
mod watch_inputs;
mod watchlists;
mod workbooks;
mod xml_dumps;
