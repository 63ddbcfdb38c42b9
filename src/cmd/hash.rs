//! `leakcheck hash WATCHLIST… [-o FILE] [--key-file PATH]`: the watchlists as digests only, for
//! handing to whoever scans a leak without handing over the people on it (SPEC §4.3, §10).

use crate::exit_codes::ExitCode;
use crate::key::{self, KeySource};
use crate::output::{Output, RunFiles};
use crate::watchlist::{self, LoadOptions, hashed_write};
use anyhow::Result;
use std::io;
use std::path::PathBuf;

/// Everything `hash` was asked to do, free of clap.
#[derive(Debug)]
pub struct HashCommand {
    pub watch: Vec<PathBuf>,
    pub output: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub lenient: bool,
    /// `--index`: write a `.lcx` index to `output` (clap makes sure there is one).
    pub index: bool,
}

pub fn run(cmd: HashCommand) -> Result<ExitCode> {
    let (hasher, source) = key::load_hasher(cmd.key_file.as_deref())?;
    // Said once the lists are read: a run that fails (a missing file) writes nothing to warn of.
    let key_note = || match &source {
        None => crate::messages::warn(&format!(
            "no key: unkeyed SHA-256 of a NIK or a phone number is reversed by brute force \
             in hours; give a key with --key-file or {} before handing this list to anyone",
            key::KEY_ENV
        )),
        Some(KeySource::Env) => {
            crate::messages::stderr_line(&format!("leakcheck: keyed with {}", key::KEY_ENV))
        }
        Some(KeySource::File(_)) => {}
    };
    // Before the watchlists are read: a -o that cannot be written fails at once.
    let run = RunFiles::of(cmd.watch.iter().map(PathBuf::as_path).chain(cmd.key_file.as_deref()));
    let mut output = Output::open(cmd.output.as_deref(), run)?;
    if cmd.index {
        let code = write_index(&cmd, &hasher, output)?;
        key_note();
        return Ok(code);
    }
    let (entries, _skipped, warnings) =
        watchlist::hash_entries(&cmd.watch, &hasher, LoadOptions { lenient: cmd.lenient })?;
    key_note();
    for warning in &warnings {
        crate::messages::warn(warning);
    }
    let written = {
        let mut out = output.writer();
        hashed_write(&mut *out, &entries, &hasher)
    };
    match written {
        Ok(()) => {
            output.commit()?;
            Ok(ExitCode::Clear)
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::Clear),
        Err(e) => Err(anyhow::anyhow!("writing the hashed watchlist to {}: {e}", output.describe())),
    }
}

/// `hash --index -o FILE.lcx`: the index, its temporary files beside it.
fn write_index(cmd: &HashCommand, hasher: &crate::hash::Hasher, mut output: Output) -> Result<ExitCode> {
    let dir = match cmd.output.as_deref().and_then(std::path::Path::parent) {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let warnings = {
        let mut out = output.writer();
        watchlist::build_index(
            &cmd.watch,
            hasher,
            LoadOptions { lenient: cmd.lenient },
            &mut *out,
            &dir,
            true,
        )
    }?;
    for warning in &warnings {
        crate::messages::stderr_line(&crate::messages::warning_line(warning));
    }
    output.commit()?;
    Ok(ExitCode::Clear)
}
