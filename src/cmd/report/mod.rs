//! `leakcheck report …`: commands that read scans' reports (JSON or NDJSON), never the dumps, so
//! they rerun in a blink (SPEC §11). One file per command; each reads reports through
//! [`crate::report::read`] and writes through [`crate::output`].

pub mod html;
pub mod merge;
pub mod notify;
pub mod people;

use crate::report::read::{ReportError, ReportExposure, ReportFacts, read_report};
use anyhow::{Result, bail};
use std::io;
use std::path::{Path, PathBuf};

/// Reads each report of `paths` in order (`-`: standard input, once), calling `each` with its
/// index among `paths` and each of its exposures.
pub fn read_reports(
    paths: &[PathBuf],
    mut each: impl FnMut(usize, ReportExposure),
) -> Result<Vec<ReportFacts>> {
    if paths.iter().filter(|p| p.as_path() == Path::new("-")).count() > 1 {
        bail!("`-` (standard input) can be read only once");
    }
    let mut facts = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let name = format!("report {}", path.display());
        let reader: Box<dyn io::Read> = if path.as_path() == Path::new("-") {
            Box::new(io::stdin().lock())
        } else {
            let file =
                std::fs::File::open(path).map_err(|error| ReportError::Io { name: name.clone(), error })?;
            Box::new(file)
        };
        facts.push(read_report(&name, reader, |e| {
            each(i, e);
            Ok(())
        })?);
    }
    Ok(facts)
}
