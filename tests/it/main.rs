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
