//! The order of a machine report's exposures under `--baseline` (SPEC §7 1.1): new exposed
//! pairs as they come, then new possible ones, then those of the baseline. Reports stream, so
//! the two later groups wait, already written, in anonymous temporary files (`O_TMPFILE`: no
//! name on disk, gone with the process however it ends) and memory stays flat. Without
//! `--baseline` every exposure is written as it comes, in input order.

use crate::scan::{Confidence, Exposure};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

/// Where an exposure goes in the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    /// Written at once.
    Now,
    Possible,
    Baseline,
}

/// The exposures a report holds back until the new exposed ones are written.
#[derive(Default)]
pub(super) struct Deferred {
    ordered: bool,
    possible: Option<BufWriter<File>>,
    baseline: Option<BufWriter<File>>,
}

impl Deferred {
    /// Holds nothing back unless `ordered` (`--baseline` was given).
    pub fn new(ordered: bool) -> Self {
        Deferred { ordered, ..Deferred::default() }
    }

    fn group(&self, e: &Exposure<'_>) -> Group {
        match (self.ordered, e.baseline, e.confidence) {
            (false, _, _) => Group::Now,
            (true, true, _) => Group::Baseline,
            (true, false, Confidence::Possible) => Group::Possible,
            (true, false, Confidence::Exposed) => Group::Now,
        }
    }

    /// Where `e`, once rendered, is written: `None` for the report itself; else the file it
    /// waits in (made when first needed).
    pub fn holder(&mut self, e: &Exposure<'_>) -> io::Result<Option<&mut dyn Write>> {
        let spool = match self.group(e) {
            Group::Now => return Ok(None),
            Group::Possible => &mut self.possible,
            Group::Baseline => &mut self.baseline,
        };
        if spool.is_none() {
            *spool = Some(BufWriter::new(tempfile::tempfile()?));
        }
        Ok(spool.as_mut().map(|w| w as &mut dyn Write))
    }

    /// Hands what waited to `each`, the possible exposures first, then the baseline ones.
    pub fn replay(&mut self, mut each: impl FnMut(&mut dyn BufRead) -> io::Result<()>) -> io::Result<()> {
        for spool in [self.possible.take(), self.baseline.take()].into_iter().flatten() {
            let mut file = spool.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.rewind()?;
            each(&mut BufReader::new(file))?;
        }
        Ok(())
    }
}
