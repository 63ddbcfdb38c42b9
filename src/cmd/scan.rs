//! `leakcheck scan`: load the watchlists, scan the dumps, write the report, pick the exit code.

use crate::exit_codes::ExitCode;
use crate::input::{InputOptions, InputPath, walk};
use crate::key;
use crate::output::Output;
use crate::progress::Progress;
use crate::report::{self, ReportFormat, ReportOptions, Reporter};
use crate::scan::{self, BadRecord, Exposure, ScanConfig, ScanError, ScanSink, ScanStats};
use crate::watchlist::{self, LoadOptions};
use anyhow::{Context, Result, bail};
use std::collections::HashSet;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::scan::WARN_BAD_RECORDS;
/// Skipped files named one by one; the rest are counted.
const WARN_SKIPPED_FILES: u64 = 5;

/// Which pairs make the exit code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Exposed,
    Possible,
    Never,
}

impl FailOn {
    pub fn exit_code(self, stats: &ScanStats) -> ExitCode {
        let failing = match self {
            FailOn::Exposed => stats.exposed_pairs,
            FailOn::Possible => stats.exposed_pairs + stats.possible_pairs,
            FailOn::Never => 0,
        };
        if failing > 0 { ExitCode::Exposed } else { ExitCode::Clear }
    }
}

/// Everything `scan` was asked to do, free of clap.
#[derive(Debug)]
pub struct ScanCommand {
    pub inputs: Vec<PathBuf>,
    pub watch: Vec<PathBuf>,
    pub format: ReportFormat,
    pub output: Option<PathBuf>,
    pub reveal: bool,
    pub fail_on: FailOn,
    pub threads: usize,
    pub input: InputOptions,
    pub strict: bool,
    pub lenient: bool,
    pub progress: bool,
    /// `--key-file`; without it the key comes from `LEAKCHECK_KEY`, if set.
    pub key_file: Option<PathBuf>,
}

pub fn run(cmd: ScanCommand) -> Result<ExitCode> {
    let (hasher, _) = key::load_hasher(cmd.key_file.as_deref())?;
    // Loaded on as many threads as the scan will use.
    let pool = scan::thread_pool(cmd.threads)?;
    let watchlist =
        pool.install(|| watchlist::load(&cmd.watch, &hasher, LoadOptions { lenient: cmd.lenient }))?;
    drop(pool);
    for warning in &watchlist.warnings {
        eprintln!("leakcheck: warning: {}", report::mask::sanitize(warning));
    }
    let inputs = check_inputs(&cmd.inputs, &cmd.watch)?;
    let mut output = Output::open(cmd.output.as_deref())?;

    let stdout_tty = io::stdout().is_terminal();
    let to_terminal = output.is_stdout() && stdout_tty;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let options = ReportOptions {
        reveal: cmd.reveal,
        color: cmd.format == ReportFormat::Human && to_terminal && !no_color,
        watch_skipped: watchlist.skipped,
    };
    let bytes_read = Arc::new(AtomicU64::new(0));
    let total = inputs.iter().map(InputPath::size).sum::<Option<u64>>();
    // A streamed report on the same terminal would interleave with the bar.
    let show_bar =
        cmd.progress && io::stderr().is_terminal() && !(to_terminal && cmd.format != ReportFormat::Human);
    let progress = Progress::new(show_bar, total, bytes_read.clone());
    let input = InputOptions { several_inputs: inputs.len() > 1, ..cmd.input };
    let config = ScanConfig { inputs, input, threads: cmd.threads, bytes_read };

    let (stats, result) = {
        let mut reporter = report::reporter(cmd.format, output.writer(), options);
        let mut sink = CliSink {
            reporter: reporter.as_mut(),
            progress: &progress,
            strict: cmd.strict,
            warned: 0,
            skipped: 0,
        };
        let (stats, result) = scan::scan(&config, &watchlist, &hasher, &mut sink);
        progress.finish();
        if stats.bad_records > WARN_BAD_RECORDS {
            eprintln!(
                "leakcheck: warning: {} more bad records not shown ({} in all)",
                stats.bad_records - WARN_BAD_RECORDS,
                stats.bad_records
            );
        }
        if stats.skipped_files > WARN_SKIPPED_FILES {
            eprintln!(
                "leakcheck: warning: {} more files skipped ({} in all)",
                stats.skipped_files - WARN_SKIPPED_FILES,
                stats.skipped_files
            );
        }
        // A CSV column a `--map` names must exist before reading; JSON paths and SQL columns
        // are only known once read, and a misspelt one must not pass silently.
        if result.is_ok() {
            for map in config.input.maps.iter().filter(|m| !m.was_used()) {
                let map = report::mask::sanitize(&format!("{}={}", map.kind, map.column));
                eprintln!(
                    "leakcheck: warning: --map {map} gave no column a role: no input has a column of that name"
                );
            }
        }
        let finished = reporter.finish(&stats).map_err(ScanError::Output);
        (stats, result.and(finished))
    };
    match result {
        Ok(()) => {
            output.commit()?;
            Ok(cmd.fail_on.exit_code(&stats))
        }
        // `leakcheck scan … | head`: the reader left; what it saw decides the code.
        Err(ScanError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            Ok(cmd.fail_on.exit_code(&stats))
        }
        // Dropping `output` removes the temporary file: no partial report at the -o path.
        Err(e) => Err(e.into()),
    }
}

/// Every input must exist before anything is written; directories become the files under them;
/// stdin may be read only once.
fn check_inputs(paths: &[PathBuf], watch: &[PathBuf]) -> Result<Vec<InputPath>> {
    for path in paths {
        if path != Path::new("-") {
            std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
        }
    }
    let inputs = walk::expand(paths).map_err(anyhow::Error::msg)?;
    let stdin_readers = inputs.iter().filter(|i| **i == InputPath::Stdin).count()
        + watch.iter().filter(|w| w.as_path() == Path::new("-")).count();
    if stdin_readers > 1 {
        bail!("`-` (standard input) can be read only once: as one input or as one watchlist");
    }
    let mut seen = HashSet::new();
    for input in &inputs {
        if let InputPath::File(path) = input
            && !seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
        {
            eprintln!(
                "leakcheck: warning: {} is given more than once; it is scanned each time",
                report::mask::sanitize(&path.display().to_string())
            );
        }
    }
    Ok(inputs)
}

/// Routes scan results to the reporter, and bad-record warnings to stderr.
struct CliSink<'a, 'w> {
    reporter: &'a mut (dyn Reporter + 'w),
    progress: &'a Progress,
    strict: bool,
    warned: u64,
    skipped: u64,
}

impl ScanSink for CliSink<'_, '_> {
    fn exposure(&mut self, exposure: &Exposure<'_>) -> io::Result<()> {
        self.reporter.exposure(exposure)
    }

    fn bad_record(&mut self, bad: &BadRecord<'_>) -> Result<(), ScanError> {
        if self.strict {
            return Err(ScanError::Strict {
                input: bad.input.to_string(),
                line: bad.line,
                record: bad.record,
                reason: bad.reason,
            });
        }
        if self.warned < WARN_BAD_RECORDS {
            self.warned += 1;
            self.progress.println(&format!(
                "leakcheck: warning: {}:{}: bad record {} skipped: {}",
                report::mask::sanitize(bad.input),
                bad.line,
                bad.record,
                bad.reason
            ));
        }
        Ok(())
    }

    fn progress(&mut self, records: u64) {
        self.progress.update(records);
    }

    fn skipped(&mut self, input: &str, what: &str) {
        self.skipped += 1;
        if self.skipped <= WARN_SKIPPED_FILES {
            self.progress.println(&format!(
                "leakcheck: warning: {}: skipped, it is {what}",
                report::mask::sanitize(input)
            ));
        }
    }

    fn warn(&mut self, message: &str) {
        self.progress.println(&format!("leakcheck: warning: {}", report::mask::sanitize(message)));
    }
}
