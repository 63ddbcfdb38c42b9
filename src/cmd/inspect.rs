//! `leakcheck inspect DUMP…`: show what leakcheck sees in each dump, and why.

use crate::engine::{self, EngineError};
use crate::exit_codes::ExitCode;
use crate::input::{self, InputOptions, InputPath, walk};
use crate::inspect::{self, InspectOptions, report};
use crate::progress::Progress;
use crate::roles::ColumnMap;
use anyhow::{Context, Result};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Everything `inspect` was asked to do, free of clap.
#[derive(Debug)]
pub struct InspectCommand {
    pub inputs: Vec<PathBuf>,
    pub input: InputOptions,
    /// Records per input; `None` reads everything.
    pub sample: Option<u64>,
    pub json: bool,
    pub reveal: bool,
    pub threads: usize,
    pub progress: bool,
}

pub fn run(cmd: InspectCommand) -> Result<ExitCode> {
    for path in &cmd.inputs {
        if path != Path::new("-") {
            std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
        }
    }
    let walk::Expanded { inputs, skipped } = walk::expand(&cmd.inputs).map_err(anyhow::Error::msg)?;
    for walk::Skipped { path, reason, .. } in &skipped {
        crate::messages::warn(&format!("{path}: skipped, {reason}"));
    }
    if inputs.iter().filter(|i| **i == InputPath::Stdin).count() > 1 {
        anyhow::bail!("`-` (standard input) can be read only once");
    }
    let pool = engine::thread_pool(cmd.threads)?;
    let bytes_read = Arc::new(AtomicU64::new(0));
    let total =
        if cmd.sample.is_none() { inputs.iter().map(InputPath::size).sum::<Option<u64>>() } else { None };
    let show_bar = cmd.progress && cmd.sample.is_none() && io::stderr().is_terminal();
    let progress = Progress::new(show_bar, total, bytes_read.clone());
    let input = InputOptions { several_inputs: inputs.len() > 1, ..cmd.input };
    let options = InspectOptions { input, sample: cmd.sample, bytes_read };
    let mut inspections = Vec::new();
    // An archive's members are inspected one by one, like the files of a directory.
    let options = &options;
    let opened = inputs.iter().flat_map(|input| {
        let mut walk = input::archive::Walk::new(input, &options.input, options.bytes_read.clone());
        std::iter::from_fn(move || {
            // Each input is told which `--map` named none of its columns.
            options.input.maps.iter().for_each(ColumnMap::forget_use);
            walk.next()
        })
    });
    for (_, dump) in opened {
        let inspected = dump.map_err(EngineError::from).and_then(|dump| {
            inspect::inspect_dump(dump, options, &pool, &mut |records| progress.update(records))
        });
        match inspected {
            Ok(inspection) => inspections.push(inspection),
            Err(e) => match inspect::is_skipped(&e) {
                Some((name, what)) => progress.warn(&format!("{name}: skipped, it is {what}")),
                None => {
                    progress.finish();
                    return Err(e.into());
                }
            },
        }
    }
    progress.finish();
    if cmd.json {
        // The human report shows its warnings; a JSON report piped on is not read by a person.
        for warning in inspections.iter().flat_map(|i| &i.warnings) {
            crate::messages::warn(warning);
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = if cmd.json {
        report::write_json(&mut out, &inspections, cmd.reveal)
    } else {
        report::write_human(&mut out, &inspections, cmd.reveal)
    };
    match written.and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::from(e).context("writing standard output"))
        }
        _ if inspections.is_empty() => {
            Err(anyhow::anyhow!("none of the inputs could be inspected: they are not dumps"))
        }
        _ => Ok(ExitCode::Clear),
    }
}
