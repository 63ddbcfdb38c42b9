//! Fills in libphonenumber's answers in fixtures/phone/libphonenumber.tsv, the table that
//! tests/it/phone_differential.rs compares leakcheck's phone normalizer with. It reads a table
//! (the corpus the test wrote, answers `?`, or the committed table), recomputes every answer
//! from the national numbers and raw spellings with the `phonenumber` crate and writes the whole
//! table: its own header, then every line in the same order. The committed table is what this
//! writes for it, byte for byte; .ci/run checks that on every run.
//!
//! From the repository's root:
//!
//! ```text
//! # check (what CI does): prints the table, compared with the committed one
//! cargo run --locked --manifest-path scripts/phone-oracle/Cargo.toml -- fixtures/phone/libphonenumber.tsv \
//!   | cmp - fixtures/phone/libphonenumber.tsv
//! # regenerate: the test writes the corpus, then this fills in the answers
//! LEAKCHECK_PHONE_CORPUS=write cargo test --test it phone_differential::
//! cargo run --locked --manifest-path scripts/phone-oracle/Cargo.toml -- --write fixtures/phone/libphonenumber.tsv
//! ```

use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, PhoneNumber, country};
use std::fmt::Write as _;
use std::process::ExitCode;

/// The table's header. It names the `phonenumber` version that Cargo.toml pins.
const HEADER: &str = "\
# libphonenumber's readings of the Indonesian phone corpus of tests/it/phone_differential.rs (a
# SplitMix64 corpus with a fixed seed: the same on every run), recorded so that `cargo test` need
# not compile libphonenumber. Written by scripts/phone-oracle with the `phonenumber` crate
# 0.3.10+9.0.33 (libphonenumber's metadata 9.0.33), default region ID.
#
# Tab-separated. A line per national number (the digits after +62): the number, libphonenumber's
# E.164 of `+62<number>` when that is a valid number (`-` when not) and its type (the crate's
# `Type`, asked of that `+62<number>`; `-` when not valid). Under it, a line per spelling of the
# number, starting with a tab: the spelling as written, then libphonenumber's E.164 of it when it
# is a valid number: `=` when that is the number's own E.164, `-` when not valid.
#
# Check (CI does, .ci/run), from the repository's root:
#   cargo run --locked --manifest-path scripts/phone-oracle/Cargo.toml -- fixtures/phone/libphonenumber.tsv | cmp - fixtures/phone/libphonenumber.tsv
# Regenerate (after changing the test's corpus, or for another phonenumber version):
#   1. LEAKCHECK_PHONE_CORPUS=write cargo test --test it phone_differential::   (writes the corpus, answers `?`)
#   2. cargo run --locked --manifest-path scripts/phone-oracle/Cargo.toml -- --write fixtures/phone/libphonenumber.tsv
";

/// libphonenumber's reading of `raw` (default region ID) when it is a valid number.
fn theirs(raw: &str) -> Option<PhoneNumber> {
    let number = phonenumber::parse(Some(country::ID), raw).ok()?;
    number.is_valid().then_some(number)
}

/// A number's E.164 form.
fn e164(number: &PhoneNumber) -> String {
    number.format().mode(Mode::E164).to_string()
}

/// The table `input` with every answer recomputed, under [`HEADER`].
fn fill(input: &str) -> Result<String, String> {
    let mut out = String::from(HEADER);
    // The E.164 of the number the spellings below belong to, once there is a number line.
    let mut number: Option<Option<String>> = None;
    for (i, line) in input.lines().enumerate() {
        let at = || format!("line {}", i + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cells = line.split('\t');
        let first = cells.next().unwrap_or_default();
        if first.is_empty() {
            let raw = cells.next().ok_or_else(|| format!("{}: a spelling line without a spelling", at()))?;
            let own = number.as_ref().ok_or_else(|| format!("{}: a spelling before any number", at()))?;
            let answer = theirs(raw).map(|number| e164(&number));
            let cell = match (answer, own) {
                (Some(e), Some(own)) if e == *own => "=".to_string(),
                (Some(e), _) => e,
                (None, _) => "-".to_string(),
            };
            writeln!(out, "\t{raw}\t{cell}").unwrap();
        } else {
            if !first.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{}: {first:?} is not a national number", at()));
            }
            let read = theirs(&format!("+62{first}"));
            let answer = read.as_ref().map(e164);
            match &read {
                Some(n) => writeln!(out, "{first}\t{}\t{:?}", e164(n), n.number_type(&DATABASE)).unwrap(),
                None => writeln!(out, "{first}\t-\t-").unwrap(),
            }
            number = Some(answer);
        }
    }
    Ok(out)
}

/// The `phonenumber` version this oracle is built with, as its Cargo.lock pins it.
fn locked_version() -> Option<&'static str> {
    let (lock, entry) = (include_str!("../Cargo.lock"), "name = \"phonenumber\"\nversion = \"");
    let rest = &lock[lock.find(entry)? + entry.len()..];
    rest.get(..rest.find('"')?)
}

fn main() -> ExitCode {
    // The header names the version: a `phonenumber` bumped without it would write a table whose
    // header is wrong while every check passes.
    match locked_version() {
        Some(version) if HEADER.contains(&format!(" {version} ")) => {}
        version => {
            eprintln!(
                "phone-oracle: HEADER does not name the phonenumber version of Cargo.lock ({version:?})"
            );
            return ExitCode::FAILURE;
        }
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (write, path) = match args.as_slice() {
        [path] => (false, path),
        [flag, path] if flag == "--write" => (true, path),
        _ => {
            eprintln!("usage: phone-oracle [--write] TABLE (prints the filled table, or rewrites TABLE)");
            return ExitCode::from(2);
        }
    };
    let result = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}")).and_then(|text| {
        let table = fill(&text).map_err(|e| format!("{path}: {e}"))?;
        if write {
            std::fs::write(path, table).map_err(|e| format!("writing {path}: {e}"))
        } else {
            use std::io::Write as _;
            std::io::stdout().write_all(table.as_bytes()).map_err(|e| format!("writing the table: {e}"))
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("phone-oracle: {e}");
            ExitCode::FAILURE
        }
    }
}
