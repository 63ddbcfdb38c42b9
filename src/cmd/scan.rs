//! `leakcheck scan`: load the watchlists, scan the dumps, write the report, pick the exit code.

use crate::exit_codes::ExitCode;
use crate::input::walk::{self, Skipped};
use crate::input::{InputOptions, InputPath};
use crate::key;
use crate::output::{FileId, Output, RunFiles};
use crate::progress::Progress;
use crate::report::exposed::{self, Date};
use crate::report::{self, ReportFormat, ReportOptions, Reporter, RunInfo};
use crate::scan::{self, BadRecord, Exposure, ScanConfig, ScanError, ScanSink, ScanStats};
use crate::shard::ShardSpec;
use crate::watchlist::{self, LoadOptions};
use anyhow::{Context, Result, bail};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::scan::WARN_BAD_RECORDS;
/// Skipped files named one by one; the rest are counted.
const WARN_SKIPPED_FILES: u64 = 5;
/// Warnings a report lists; past this many (a directory of a million empty files), it counts
/// the rest, which stderr still shows.
const REPORT_WARNINGS: usize = 1000;

/// Which pairs make the exit code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Exposed,
    Possible,
    Never,
}

impl FailOn {
    /// Exposures of the `--baseline` report are known already: they do not count.
    pub fn exit_code(self, stats: &ScanStats) -> ExitCode {
        let failing = match self {
            FailOn::Exposed => stats.new_exposed_pairs,
            FailOn::Possible => stats.new_exposed_pairs + stats.new_possible_pairs,
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
    /// `--baseline`: a JSON or NDJSON report of an earlier scan.
    pub baseline: Option<PathBuf>,
    /// `--as-of`: the day ages are taken on; the day the scan starts (UTC) when not given.
    pub as_of: Option<Date>,
    /// `--password-file` (already read into `input`): a file of the run, which -o must not write.
    pub password_file: Option<PathBuf>,
    /// `--shard K/N`: scan only the inputs dealt to shard K of N (SPEC §12).
    pub shard: Option<ShardSpec>,
}

pub fn run(cmd: ScanCommand) -> Result<ExitCode> {
    let (started_at, today) = exposed::now_utc();
    check_shard(&cmd)?;
    let (hasher, _) = key::load_hasher(cmd.key_file.as_deref())?;
    let mut warnings = Warnings::default();
    let mut stdin_users: Vec<&Path> = cmd.watch.iter().map(PathBuf::as_path).collect();
    stdin_users.extend(cmd.baseline.as_deref());
    let mut expanded = check_inputs(&cmd.inputs, &stdin_users)?;
    not_the_runs_own(&mut expanded, &cmd);
    // Before the watchlists load: a -o that cannot be written fails at once. Every input of the
    // run is protected, also those dealt to other shards.
    let mut output = Output::open(cmd.output.as_deref(), run_files(&expanded.inputs, &cmd))?;
    // Decided before dealing: it changes how a CSV `--map` is read, as in the unsharded scan.
    let several_inputs = expanded.inputs.len() > 1;
    let shard = cmd
        .shard
        .map(|spec| spec.deal(&mut expanded, |path| crate::shard::range::cut_size(path, &cmd.input)))
        .map(|info| crate::shard::ShardInfo { strict: cmd.strict, ..info });
    let walk::Expanded { inputs, skipped } = expanded;
    // Loaded on the workers the scan will use (one pool: two would start their threads twice,
    // and a dropped pool's threads may outlive it for a moment).
    let pool = crate::engine::thread_pool(cmd.threads)?;
    let watchlist =
        pool.install(|| watchlist::load(&cmd.watch, &hasher, LoadOptions { lenient: cmd.lenient }))?;
    for warning in &watchlist.warnings {
        warnings.add(warning, crate::messages::warn);
    }
    let baseline = match cmd.baseline.as_deref() {
        Some(path) => {
            let (fingerprints, sha256) = load_baseline(path, hasher.is_keyed())?;
            let ours: HashSet<&str> = watchlist.files.iter().map(|f| f.sha256.as_str()).collect();
            if let Some(theirs) = sha256
                && theirs.iter().map(String::as_str).collect::<HashSet<_>>() != ours
            {
                let message = format!(
                    "--baseline {}: the baseline was made with other watchlists (their sha256 \
                     differ), and an exposure is known by its label: a label may now name another \
                     person, whose new exposure would be counted as baseline",
                    path.display()
                );
                warnings.add(&message, crate::messages::warn);
            }
            Some(fingerprints)
        }
        None => None,
    };
    // Once the run is sure to start: a run stopped by its watchlist or key writes no file.
    if let Some(message) = cmd.output.as_deref().and_then(|path| format_mismatch(path, cmd.format)) {
        warnings.add(&message, crate::messages::warn);
    }
    let as_of = cmd.as_of.unwrap_or(today);

    let stdout_tty = io::stdout().is_terminal();
    let to_terminal = output.is_stdout() && stdout_tty;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let options = ReportOptions {
        reveal: cmd.reveal,
        color: cmd.format == ReportFormat::Human && to_terminal && !no_color,
        watch_skipped: watchlist.skipped,
        run: RunInfo {
            started_at,
            as_of: as_of.to_string(),
            watchlists: watchlist.files.clone(),
            baseline: baseline.is_some(),
            shard,
        },
    };
    let bytes_read = Arc::new(AtomicU64::new(0));
    let total = inputs.iter().map(InputPath::size).sum::<Option<u64>>();
    // A streamed report on the same terminal would interleave with the bar.
    let show_bar =
        cmd.progress && io::stderr().is_terminal() && !(to_terminal && cmd.format != ReportFormat::Human);
    let progress = Progress::new(show_bar, total, bytes_read.clone());
    let input = InputOptions { several_inputs, ..cmd.input };
    let config = ScanConfig { inputs, skipped, input, bytes_read, as_of, baseline, shard: cmd.shard };

    let (stats, result) = {
        let mut reporter = report::reporter(cmd.format, output.writer(), options);
        let mut sink = CliSink {
            reporter: reporter.as_mut(),
            progress: &progress,
            strict: cmd.strict,
            warned: 0,
            skipped: 0,
            warnings,
        };
        let (mut stats, result) = scan::scan(&config, &watchlist, &hasher, &pool, &mut sink);
        progress.finish();
        let mut warnings = sink.warnings;
        let mut warn = |message: &str| warnings.add(message, crate::messages::warn);
        if stats.bad_records > WARN_BAD_RECORDS {
            warn(&format!(
                "{} more bad records not shown ({} in all)",
                stats.bad_records - WARN_BAD_RECORDS,
                stats.bad_records
            ));
        }
        if stats.skipped_files > WARN_SKIPPED_FILES {
            warn(&format!(
                "{} more files skipped ({} in all)",
                stats.skipped_files - WARN_SKIPPED_FILES,
                stats.skipped_files
            ));
        }
        // A CSV column a `--map` names must exist before reading; JSON paths and SQL columns
        // are only known once read, and a misspelt one must not pass silently.
        if result.is_ok() {
            for map in config.input.maps.iter().filter(|m| !m.was_used()) {
                warn(&format!(
                    "--map {}={} gave no column a role: no input has a column of that name",
                    map.kind, map.column
                ));
            }
        }
        stats.warnings = warnings.into_list();
        if cmd.shard.is_some() {
            // A shard may be dealt no record at all: only the merged report must hold some.
            stats.complete = result.is_ok() && !stats.skipped.iter().any(|s| s.error);
        }
        let finished = reporter.finish(&stats).map_err(ScanError::Output);
        (stats, result.and(finished))
    };
    // An index block that failed its checksum answered nothing: the report may miss people,
    // so it is not written (a report already streamed to stdout is followed by this error).
    if let Some(corruption) = watchlist.corruption() {
        return Err(anyhow::anyhow!(corruption));
    }
    match result {
        // A run that went through every input writes its report, also when some could not be
        // read or none held a record (SPEC §8 1.1); the exit code says it is no CLEAR.
        Ok(()) => {
            output.commit()?;
            Ok(exit_code(&stats, cmd.fail_on, cmd.shard.is_some()))
        }
        // `leakcheck scan … | head`: the reader left; what it saw decides the code.
        Err(ScanError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            Ok(exit_code(&stats, cmd.fail_on, cmd.shard.is_some()))
        }
        Err(ScanError::Output(e)) => Err(anyhow::anyhow!("writing the report to {}: {e}", output.describe())),
        // A run that stopped: dropping `output` removes the temporary file, no partial report
        // at the -o path.
        Err(e) => Err(e.into()),
    }
}

/// A warning when the -o file's extension names another format than `format` (`-o report.json`
/// without `-f json` writes human text, the default, which `report` cannot read).
fn format_mismatch(path: &Path, format: ReportFormat) -> Option<String> {
    let named = ReportFormat::named_by(path)?;
    let what = match format {
        ReportFormat::Human => "human text",
        ReportFormat::Json => "JSON",
        ReportFormat::Ndjson => "NDJSON",
        ReportFormat::Csv => "CSV",
    };
    (named != format).then(|| {
        format!(
            "writing {what} to {}; add --format {} to write what its name says",
            path.display(),
            named.name()
        )
    })
}

/// Exit 2 for a run that could not read some inputs or read no record at all (a shard may read
/// none: SPEC §12), with the reason on stderr; else what `--fail-on` makes of the pairs found.
fn exit_code(stats: &ScanStats, fail_on: FailOn, shard: bool) -> ExitCode {
    let shortfall = stats.shortfall().and_then(|mut s| {
        s.nothing_read &= !shard;
        (s.unreadable > 0 || s.nothing_read).then_some(s)
    });
    match shortfall {
        Some(shortfall) => {
            crate::messages::error(&shortfall.to_string());
            ExitCode::Error
        }
        None => fail_on.exit_code(stats),
    }
}

/// The run's warnings: each shown on stderr as it comes, and kept (sanitized, at most
/// [`REPORT_WARNINGS`]) for the report's `warnings`.
#[derive(Default)]
struct Warnings {
    list: Vec<String>,
    left_out: usize,
}

impl Warnings {
    /// Sanitizes `message`, hands it to `show` (which prints it), and keeps it.
    fn add(&mut self, message: &str, show: impl FnOnce(&str)) {
        let message = report::mask::sanitize(message);
        show(&message);
        if self.list.len() < REPORT_WARNINGS {
            self.list.push(message);
        } else {
            self.left_out += 1;
        }
    }

    fn into_list(mut self) -> Vec<String> {
        if self.left_out > 0 {
            self.list.push(format!("{} more warnings not listed here (see standard error)", self.left_out));
        }
        self.list
    }
}

/// The fingerprints of the exposures of the report at `path` (`-`: standard input), for
/// `--baseline`. Refused: what is not a leakcheck JSON or NDJSON report, a report older than
/// fingerprints, and a report of the other key mode, whose fingerprints could never match.
/// Returns the fingerprints and, when the report names them, its watchlists' sha256.
fn load_baseline(path: &Path, keyed: bool) -> Result<(HashSet<u128>, Option<Vec<String>>)> {
    let name = format!("--baseline {}", path.display());
    let reader: Box<dyn io::Read> = if path == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).with_context(|| name.clone())?)
    };
    let mut fingerprints = HashSet::new();
    let facts = report::read::read_report(&name, reader, |e| {
        let fingerprint = e.fingerprint.as_deref().and_then(|f| u128::from_str_radix(f, 16).ok());
        match fingerprint {
            Some(f) => {
                fingerprints.insert(f);
                Ok(())
            }
            None => Err(report::read::ReportError::Stop(format!(
                "{name}: an exposure has no fingerprint: the report was written by a leakcheck older \
                 than rules 1.1; scan again with this one to make a baseline"
            ))),
        }
    })?;
    if let Some(baseline_keyed) = facts.keyed
        && baseline_keyed != keyed
    {
        let (was, is) = if baseline_keyed { ("keyed", "not keyed") } else { ("not keyed", "keyed") };
        bail!(
            "{name}: that scan was {was} and this one is {is}, so no fingerprint could match; \
             scan with the same key mode as the baseline"
        );
    }
    Ok((fingerprints, facts.watchlist_sha256))
}

/// What `--shard` cannot go with: a report `report merge` cannot read, standard input (one
/// stream cannot be dealt between machines), and `--baseline`, whose order of exposures (new
/// ones first) a merge could not tell from the input order.
fn check_shard(cmd: &ScanCommand) -> Result<()> {
    let Some(shard) = cmd.shard else { return Ok(()) };
    if !matches!(cmd.format, ReportFormat::Json | ReportFormat::Ndjson) {
        bail!("--shard {shard}: give --format json or --format ndjson, the formats `report merge` joins");
    }
    if cmd.inputs.iter().any(|p| p == Path::new("-")) {
        bail!("--shard {shard}: standard input (`-`) cannot be dealt between shards; scan files");
    }
    if cmd.baseline.is_some() {
        bail!(
            "--shard {shard}: --baseline is not supported with shards yet; give --baseline to an unsharded scan"
        );
    }
    Ok(())
}

/// Directories become the files under them; a path that cannot be reached, named or under a
/// directory, is set aside for the report (the run still reads the others, SPEC §8 1.1); stdin
/// may be read only once.
fn check_inputs(paths: &[PathBuf], watch: &[&Path]) -> Result<walk::Expanded> {
    let expanded = walk::expand(paths).map_err(anyhow::Error::msg)?;
    let inputs = &expanded.inputs;
    let stdin_readers = inputs.iter().filter(|i| **i == InputPath::Stdin).count()
        + watch.iter().filter(|w| **w == Path::new("-")).count();
    if stdin_readers > 1 {
        bail!("`-` (standard input) can be read only once: as one input, one watchlist or the baseline");
    }
    Ok(scanned_once(expanded))
}

/// Keeps the first of the inputs that are one file (same device and inode: `a.csv ./a.csv`, a
/// directory and a file in it, a hard link, `-` and the file or pipe standard input is) and lists each repeat in `skipped`, naming the
/// first, as no error: scanned twice, its every (record, entry) pair would be reported twice
/// and the summary's counts doubled (SPEC §6).
fn scanned_once(expanded: walk::Expanded) -> walk::Expanded {
    let walk::Expanded { inputs, mut skipped } = expanded;
    let mut first: HashMap<(FileId, Option<String>), String> = HashMap::new();
    let mut kept = Vec::with_capacity(inputs.len());
    for input in inputs {
        let (path, sheet) = match &input {
            InputPath::Stdin => (None, None),
            InputPath::File(path) => (Some(path), None),
            InputPath::Sheet { book, sheet } => (Some(book), Some(sheet.clone())),
            // Ranges are cut after this (by `--shard`); one range of a file is not its repeat.
            InputPath::Range { path, part } => (Some(path), Some(format!("#{}/{}", part.part, part.parts))),
        };
        let meta = match path {
            Some(path) => std::fs::metadata(path).ok(),
            None => stdin_metadata(),
        };
        let Some(meta) = meta else {
            kept.push(input);
            continue;
        };
        match first.entry((FileId::of(&meta), sheet)) {
            Entry::Occupied(seen) => skipped.push(walk::Skipped {
                path: input.display_name(),
                reason: format!("the same file as {}, which is scanned once", seen.get()),
                error: false,
            }),
            Entry::Vacant(slot) => {
                slot.insert(input.display_name());
                kept.push(input);
            }
        }
    }
    walk::Expanded { inputs: kept, skipped }
}

/// Sets aside the inputs that are files this run reads for another purpose: a watchlist (in a
/// scanned directory, `scan dir --watch dir/watchlist.csv`), the key file, the baseline or the
/// password file. Scanned as a dump, a watchlist matches itself: every person on it would be
/// reported exposed and sent a letter (SPEC §6). Each is listed in `skipped` and warned.
fn not_the_runs_own(expanded: &mut walk::Expanded, cmd: &ScanCommand) {
    let own: Vec<(FileId, &str)> = own_files(cmd)
        .filter_map(|(path, what)| {
            // `--watch -` is standard input: the file or pipe behind it, when one is (`scan -w - dd
            // < dd/watchlist.csv` must not scan the list as a dump of itself).
            let meta = if path == Path::new("-") { stdin_metadata() } else { std::fs::metadata(path).ok() };
            Some((FileId::of(&meta?), what))
        })
        .collect();
    if own.is_empty() {
        return;
    }
    expanded.inputs.retain(|input| {
        let meta = match input {
            InputPath::Stdin => stdin_metadata(),
            InputPath::File(path) | InputPath::Sheet { book: path, .. } | InputPath::Range { path, .. } => {
                std::fs::metadata(path).ok()
            }
        };
        let Some(id) = meta.map(|meta| FileId::of(&meta)) else { return true };
        let Some((_, what)) = own.iter().find(|(own, _)| *own == id) else { return true };
        expanded.skipped.push(walk::Skipped {
            path: input.display_name(),
            reason: (*what).to_string(),
            error: false,
        });
        false
    });
}

/// The files this run reads besides its inputs, each with what it is to the run: the one list
/// that both keeps them out of the inputs ([`not_the_runs_own`]) and keeps -o off them
/// ([`run_files`]).
fn own_files(cmd: &ScanCommand) -> impl Iterator<Item = (&Path, &'static str)> {
    (cmd.watch.iter().map(|w| (w.as_path(), "a watchlist of this run")))
        .chain(cmd.key_file.as_deref().map(|k| (k, "the key file of this run")))
        .chain(cmd.baseline.as_deref().map(|b| (b, "the baseline of this run")))
        .chain(cmd.password_file.as_deref().map(|p| (p, "the password file of this run")))
}

/// What standard input is, when a path can name it too: a regular file (`scan - a.csv < a.csv`,
/// `scan - /dev/stdin < a.csv` read its records twice) or a pipe (`/dev/stdin` beside `-` would
/// read a stream already read). `None` for anything else (a terminal) or when it cannot be told.
fn stdin_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    // A duplicate of descriptor 0, closed when dropped: standard input itself stays open.
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    (meta.is_file() || meta.file_type().is_fifo()).then_some(meta)
}

/// The files the run reads, which -o must not write: its inputs and [`own_files`].
fn run_files(inputs: &[InputPath], cmd: &ScanCommand) -> RunFiles {
    let inputs = inputs.iter().map(|i| match i {
        InputPath::Stdin => Path::new("-"),
        InputPath::File(path) | InputPath::Sheet { book: path, .. } | InputPath::Range { path, .. } => {
            path.as_path()
        }
    });
    RunFiles::of(inputs.chain(own_files(cmd).map(|(path, _)| path)))
}

/// Routes scan results to the reporter, and bad-record warnings to stderr.
struct CliSink<'a, 'w> {
    reporter: &'a mut (dyn Reporter + 'w),
    progress: &'a Progress,
    strict: bool,
    warned: u64,
    skipped: u64,
    warnings: Warnings,
}

impl CliSink<'_, '_> {
    /// A warning on stderr (above the progress bar) and in the report.
    fn note(&mut self, message: &str) {
        let progress = self.progress;
        self.warnings.add(message, |w| progress.warn(w));
    }
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
            self.note(&format!(
                "{}:{}: bad record {} skipped: {}",
                bad.input, bad.line, bad.record, bad.reason
            ));
        }
        Ok(())
    }

    fn progress(&mut self, records: u64) {
        self.progress.update(records);
    }

    fn reading(&mut self, input: &str) {
        self.progress.reading(input);
    }

    fn skipped(&mut self, skipped: &Skipped) {
        let Skipped { path, reason, error } = skipped;
        if *error {
            // Never counted away: each one makes the run exit 2.
            self.note(&format!("{path}: {reason}; it is not scanned in full, so the run is incomplete"));
            return;
        }
        self.skipped += 1;
        if self.skipped <= WARN_SKIPPED_FILES {
            self.note(&format!("{path}: skipped, it is {reason}"));
        }
    }

    fn warn(&mut self, message: &str) {
        self.note(message);
    }

    fn suspicious(&mut self, message: &str) -> Result<(), ScanError> {
        if self.strict {
            return Err(ScanError::Suspicious(report::mask::sanitize(message)));
        }
        self.note(message);
        Ok(())
    }
}
