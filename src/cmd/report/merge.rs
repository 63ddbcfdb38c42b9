//! `leakcheck report merge`: joins the reports of the shards of one scan (`scan --shard K/N`,
//! SPEC §11, §12) into the report the unsharded scan writes, byte for byte apart from
//! `elapsed_ms` (the slowest shard's) and `started_at` (the earliest shard's).
//!
//! The unsharded order is the walk order every shard report names in its `shard.walk`: the
//! inputs as given on the command line, each directory expanded sorted by file name. Inputs,
//! exposures and skipped entries are put back in that order; exposures are kept as their shard
//! wrote them (bytes untouched, but for the record and line numbers of a byte range of a file,
//! which count from 1 in the range and are renumbered from the ranges before it); the byte
//! ranges of one file (`inputs[].range`) become that file's one input, their counts added up;
//! the summary is recomputed. Reports of different scans (rules,
//! `--as-of`, `--strict`, watchlists, key mode, inputs or leakcheck version differ), a shard
//! given twice or missing, an empty or cut-short report, two NDJSON reports joined into one file,
//! are refused with one line naming them; JSON and NDJSON reports together need `--format`. Memory holds every exposure of the shards.
//!
//! What the unsharded scan says of a whole cut file (`no records`, a suspect input:
//! `scan::suspicions`) is said here, from the counts its ranges' reports carry. A shard under
//! `--strict` cannot stop on its range's suspect values (they are the file's to judge): its
//! report records `shard.strict`, and the merge of `--strict` shards stops on a suspect cut file
//! as the unsharded `--strict` scan stops on it (exit 2, no `-o` file, the error on stderr).

use crate::cmd::scan::FailOn;
use crate::exit_codes::ExitCode;
use crate::output::{Output, RunFiles};
use crate::report::schema::JsonSummary;
use crate::scan::Shortfall;
use crate::shard::range::RangeStats;
use crate::shard::{ShardInfo, ShardSpec};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

/// The report formats `report merge` reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeFormat {
    Json,
    Ndjson,
}

/// Everything `report merge` was asked to do.
#[derive(Debug)]
pub struct MergeCommand {
    pub reports: Vec<PathBuf>,
    pub output: Option<PathBuf>,
    /// `None`: the format of the shard reports.
    pub format: Option<MergeFormat>,
    pub fail_on: FailOn,
}

/// What one shard's report holds, as read: lists kept as their raw JSON text.
struct ShardReport {
    name: String,
    format: MergeFormat,
    leakcheck: String,
    rules: String,
    started_at: String,
    as_of: String,
    watchlists: Box<RawValue>,
    shard: ShardInfo,
    /// Each exposure's JSON object, without the NDJSON `"type"`.
    exposures: Vec<String>,
    inputs: Vec<Box<RawValue>>,
    skipped: Vec<Box<RawValue>>,
    warnings: Vec<String>,
    summary: JsonSummary,
}

/// The report-level fields of a JSON report or of an NDJSON summary line.
#[derive(Deserialize)]
struct RunFields {
    leakcheck: String,
    #[serde(default)]
    rules: Option<String>,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
    watchlists: Box<RawValue>,
    #[serde(default)]
    shard: Option<ShardInfo>,
    inputs: Vec<Box<RawValue>>,
    skipped: Vec<Box<RawValue>>,
    warnings: Vec<String>,
}

/// The fields of an exposure the merge looks at.
#[derive(Deserialize)]
struct ExposureKey {
    record: u64,
    line: u64,
    input: String,
    watch: String,
    confidence: String,
    #[serde(default)]
    baseline: bool,
}

/// The fields of an input or skipped entry the merge looks at.
#[derive(Deserialize)]
struct PathKey {
    path: String,
    #[serde(default)]
    error: bool,
    #[serde(default)]
    range: Option<RangeStats>,
}

/// An input of a report, as `report::schema::JsonInput` writes it: what the merge adds up for
/// the byte ranges of one file.
#[derive(Serialize, Deserialize)]
struct InputCounts {
    path: String,
    format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    compression: Option<String>,
    records: u64,
    bad_records: u64,
    decoded_records: u64,
    bytes: u64,
    complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    range: Option<RangeStats>,
}

/// Where a shard's range lies in its file, for its exposures and warnings: its first byte, and
/// the records and lines of the ranges before it.
#[derive(Clone, Copy, Debug, Default)]
struct RangePlace {
    start: u64,
    records_before: u64,
    lines_before: u64,
}

#[derive(Deserialize)]
struct Watchlist {
    keyed: bool,
    sha256: String,
}

pub fn run(cmd: MergeCommand) -> Result<ExitCode> {
    let mut output =
        Output::open(cmd.output.as_deref(), RunFiles::of(cmd.reports.iter().map(PathBuf::as_path)))?;
    if cmd.reports.iter().filter(|p| p.as_path() == Path::new("-")).count() > 1 {
        bail!("`-` (standard input) can be read only once");
    }
    let shards = cmd.reports.iter().map(|p| read_shard(p)).collect::<Result<Vec<_>>>()?;
    let format = match cmd.format {
        Some(format) => format,
        None => same_format(&shards)?,
    };
    let merged = merge(&shards)?;
    let written = {
        let mut out = output.writer();
        merged.write(&mut *out, format).and_then(|()| out.flush())
    };
    if let Some(stop) = &merged.stopped {
        // As the unsharded `--strict` scan stops: its report on stdout says `"complete":false`,
        // and no `-o` file is written (dropping `output` removes the temporary file).
        bail!("{stop}, and --strict is set");
    }
    match written {
        Ok(()) => output.commit()?,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            return Err(e).with_context(|| format!("writing the merged report to {}", output.describe()));
        }
    }
    Ok(merged.exit_code(cmd.fail_on))
}

/// The format of the shard reports, which the merged report is written in: refused when they
/// are of both, as the merged report's format would then hang on the order they were given in.
fn same_format(shards: &[ShardReport]) -> Result<MergeFormat> {
    let Some(first) = shards.first() else { bail!("no report to merge") };
    match shards.iter().find(|s| s.format != first.format) {
        None => Ok(first.format),
        Some(other) => {
            let name = |s: &ShardReport| match s.format {
                MergeFormat::Json => "JSON",
                MergeFormat::Ndjson => "NDJSON",
            };
            bail!(
                "{} is {} and {} is {}: give --format json or --format ndjson for the merged report",
                first.name,
                name(first),
                other.name,
                name(other)
            )
        }
    }
}

/// Reads the shard report at `path` (`-`: standard input), JSON or NDJSON.
fn read_shard(path: &Path) -> Result<ShardReport> {
    let name = format!("report {}", path.display());
    let mut text = Vec::new();
    let read = if path == Path::new("-") {
        io::Read::read_to_end(&mut io::stdin().lock(), &mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| io::Read::read_to_end(&mut f, &mut text))
    };
    read.with_context(|| name.clone())?;
    if text.iter().all(u8::is_ascii_whitespace) {
        bail!("{name}: empty: its shard wrote no report (did it fail, or is it still running?)")
    }
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let ndjson = serde_json::from_slice::<TypeOnly>(first).is_ok_and(|t| t.kind.is_some());
    if !ndjson && crate::report::human::is_human_headline(first) {
        bail!("{}", crate::report::read::ReportError::HumanReport { name })
    }
    let report = if ndjson { read_ndjson(&name, &text)? } else { read_json(&name, &text)? };
    Ok(report)
}

#[derive(Deserialize)]
struct TypeOnly {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// A serde error as one line that holds no value of the report: a report that ends in the
/// middle of a value was cut short (its shard still running, a full disk), else it is no report.
fn read_error(name: &str, line: usize, error: &serde_json::Error) -> anyhow::Error {
    if error.is_eof() {
        return anyhow::anyhow!(
            "{name}:{line}: the report ends in the middle: it is cut short (is its shard still \
             running, or was the disk full?)"
        );
    }
    not_a_shard(name, line)
}

/// One line saying the text at `line` is no shard report.
fn not_a_shard(name: &str, line: usize) -> anyhow::Error {
    anyhow::anyhow!(
        "{name}:{line}: not a leakcheck JSON or NDJSON report, or one a leakcheck without \
         report merge wrote"
    )
}

fn read_json(name: &str, text: &[u8]) -> Result<ShardReport> {
    #[derive(Deserialize)]
    struct Whole {
        #[serde(default)]
        exposures: Vec<Box<RawValue>>,
        summary: JsonSummary,
    }
    let run: RunFields = serde_json::from_slice(text).map_err(|e| read_error(name, e.line(), &e))?;
    let whole: Whole = serde_json::from_slice(text).map_err(|e| read_error(name, e.line(), &e))?;
    // A pretty-printed report's values span lines: compacted, each fits one NDJSON line.
    let exposures = whole.exposures.iter().map(|e| compact(e.get())).collect();
    let raw = |list: Vec<Box<RawValue>>| -> Result<Vec<Box<RawValue>>> {
        list.iter()
            .map(|v| RawValue::from_string(compact(v.get())).map_err(|_| not_a_shard(name, 0)))
            .collect()
    };
    let watchlists =
        RawValue::from_string(compact(run.watchlists.get())).map_err(|_| not_a_shard(name, 0))?;
    let run = RunFields { watchlists, inputs: raw(run.inputs)?, skipped: raw(run.skipped)?, ..run };
    shard_report(name, MergeFormat::Json, run, exposures, whole.summary)
}

/// `json` (valid JSON text) without the whitespace outside its strings.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            in_string = true;
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            continue;
        }
        out.push(c);
    }
    out
}

fn read_ndjson(name: &str, text: &[u8]) -> Result<ShardReport> {
    let mut exposures = Vec::new();
    let mut last = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.map_err(|_| not_a_shard(name, i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        if let Some((number, _)) = last {
            // A scan writes its summary last: two reports joined into one file (`cat`), or one
            // appended to, would give one shard's exposures under another's summary.
            bail!(
                "{name}:{}: a line after the summary line (line {number}): two reports joined into \
                 one file? give each shard's report as it was written",
                i + 1
            )
        }
        let kind = serde_json::from_str::<TypeOnly>(&line).map_err(|e| read_error(name, i + 1, &e))?.kind;
        match kind.as_deref() {
            Some("exposure") => {
                let body =
                    line.strip_prefix("{\"type\":\"exposure\",").ok_or_else(|| not_a_shard(name, i + 1))?;
                exposures.push(format!("{{{body}"));
            }
            Some("summary") => last = Some((i + 1, line)),
            _ => return Err(not_a_shard(name, i + 1)),
        }
    }
    let Some((number, line)) = last else {
        bail!("{name}: no summary line: the report is cut short, or not a leakcheck report")
    };
    let run: RunFields = serde_json::from_str(&line).map_err(|_| not_a_shard(name, number))?;
    let summary: JsonSummary = serde_json::from_str(&line).map_err(|_| not_a_shard(name, number))?;
    shard_report(name, MergeFormat::Ndjson, run, exposures, summary)
}

fn shard_report(
    name: &str,
    format: MergeFormat,
    run: RunFields,
    exposures: Vec<String>,
    summary: JsonSummary,
) -> Result<ShardReport> {
    let Some(shard) = run.shard else {
        bail!("{name}: not the report of a shard (it has no \"shard\"): make each with `scan --shard K/N`")
    };
    if let Err(why) = ShardSpec::new(shard.k, shard.n) {
        bail!(
            "{name}: its shard {}/{} is not one a scan makes ({why}): was the report edited?",
            shard.k,
            shard.n
        )
    }
    let (Some(rules), Some(started_at), Some(as_of)) = (run.rules, run.started_at, run.as_of) else {
        bail!("{name}: a report older than rules 1.1 cannot be merged")
    };
    Ok(ShardReport {
        name: name.to_string(),
        format,
        leakcheck: run.leakcheck,
        rules,
        started_at,
        as_of,
        watchlists: run.watchlists,
        shard,
        exposures,
        inputs: run.inputs,
        skipped: run.skipped,
        warnings: run.warnings,
        summary,
    })
}

/// The merged report, ready to write.
struct Merged<'a> {
    first: &'a ShardReport,
    started_at: &'a str,
    exposures: Vec<Cow<'a, str>>,
    inputs: Vec<Box<RawValue>>,
    skipped: Vec<&'a RawValue>,
    warnings: Vec<String>,
    summary: JsonSummary,
    /// Exposed and possible pairs (none is `baseline`: shards refuse `--baseline`).
    exposed_pairs: u64,
    possible_pairs: u64,
    unreadable: usize,
    /// Under `--strict`, what the unsharded scan would have stopped on: a cut file's suspect
    /// values, which no shard could judge.
    stopped: Option<String>,
}

/// Refuses shards of different scans, and a shard missing or given twice.
fn check_same_scan(shards: &[ShardReport]) -> Result<()> {
    let Some(first) = shards.first() else { bail!("no report to merge") };
    let lists = |s: &ShardReport| -> Result<Vec<(bool, String)>> {
        let lists: Vec<Watchlist> = serde_json::from_str(s.watchlists.get())
            .map_err(|_| anyhow::anyhow!("{}: its \"watchlists\" do not name their sha256", s.name))?;
        Ok(lists.into_iter().map(|w| (w.keyed, w.sha256)).collect())
    };
    let first_lists = lists(first)?;
    for s in &shards[1..] {
        let differs = |what: &str| {
            anyhow::anyhow!("{} and {}: not shards of one scan, their {what} differ", first.name, s.name)
        };
        if s.rules != first.rules {
            return Err(differs("rules"));
        }
        if s.as_of != first.as_of {
            return Err(differs("--as-of days"));
        }
        if s.shard.strict != first.shard.strict {
            return Err(differs("--strict (given to some shards, not to all)"));
        }
        let theirs = lists(s)?;
        if theirs.iter().map(|w| w.0).ne(first_lists.iter().map(|w| w.0)) {
            return Err(differs("key modes (keyed or not)"));
        }
        if theirs != first_lists {
            return Err(differs("watchlists (sha256)"));
        }
        if s.leakcheck != first.leakcheck {
            return Err(differs("leakcheck versions"));
        }
        if s.shard.n != first.shard.n {
            return Err(differs("numbers of shards (N of --shard K/N)"));
        }
        if s.shard.walk != first.shard.walk {
            return Err(differs("inputs"));
        }
        if s.summary.watch_entries != first.summary.watch_entries
            || s.summary.watchlist_skipped != first.summary.watchlist_skipped
        {
            return Err(differs("watchlist entries"));
        }
    }
    let n = first.shard.n;
    let mut by_k: HashMap<u32, &str> = HashMap::new();
    for s in shards {
        if let Some(other) = by_k.insert(s.shard.k, &s.name) {
            bail!("{other} and {}: both are shard {}/{n}", s.name, s.shard.k);
        }
    }
    let missing: Vec<String> =
        (1..=n).filter(|k| !by_k.contains_key(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        bail!("shard {} missing: merge needs the reports of all {n} shards", missing.join(", "));
    }
    Ok(())
}

/// Finds, for the names of one shard's inputs in its order, their place in the walk: the walk
/// entry named so, or the archive or book it is a member of (`name` is `ENTRY!…`), never before
/// the place of the previous name (a file given twice is two entries).
struct Locator<'a> {
    walk: &'a [String],
    spec: ShardSpec,
    cursor: usize,
}

impl<'a> Locator<'a> {
    fn new(shard: &'a ShardInfo) -> Self {
        Locator { walk: &shard.walk, spec: ShardSpec { k: shard.k, n: shard.n }, cursor: 0 }
    }

    /// `ranged`: the input is a byte range of a file, which every shard is dealt.
    fn place(&mut self, name: &str, ranged: bool) -> Option<usize> {
        let member = |entry: &str| name.strip_prefix(entry).is_some_and(|rest| rest.starts_with('!'));
        // A member of an archive is dealt by its own name, not its archive's.
        let found = (self.cursor..self.walk.len()).find(|&i| {
            let entry = &self.walk[i];
            ((ranged || self.spec.owns(entry)) && name == entry) || member(entry)
        })?;
        // A file is one input; an archive's members follow one another under its place.
        self.cursor = if name == self.walk[found] { found + 1 } else { found };
        Some(found)
    }
}

/// A shard's places of the archive members it was dealt (its summary's `shard_members`): the
/// members of one archive, dealt to several shards, are put back in their archive's order.
struct Members<'a>(HashMap<&'a str, u64>);

impl<'a> Members<'a> {
    fn of(shard: &'a ShardReport) -> Self {
        Members(shard.summary.shard_members.iter().map(|(name, at)| (name.as_str(), *at)).collect())
    }

    /// The place among its archive's members of the input called `name` (or of what is inside
    /// a member: `A.zip!member!inner`), 0 for an input that is no member.
    fn place(&self, name: &str) -> u64 {
        self.find(name, |c| c == '!')
    }

    /// As [`Members::place`], for a warning that starts with an input's name and `:` or `!`.
    fn place_of_warning(&self, warning: &str) -> u64 {
        self.find(warning, |c| c == '!' || c == ':')
    }

    fn find(&self, text: &str, ends: impl Fn(char) -> bool) -> u64 {
        if self.0.is_empty() {
            return 0;
        }
        let cuts: Vec<usize> = text.char_indices().filter(|&(_, c)| ends(c)).map(|(at, _)| at).collect();
        std::iter::once(text.len())
            .chain(cuts.into_iter().rev())
            .find_map(|at| self.0.get(&text[..at]).copied())
            .unwrap_or(0)
    }
}

fn merge(shards: &[ShardReport]) -> Result<Merged<'_>> {
    check_same_scan(shards)?;
    let first = &shards[0];
    // (walk place, first byte of a range or place among an archive's members (a file is one or
    // the other), shard, index in the shard's inputs, its range)
    let mut inputs: Vec<(usize, u64, usize, usize, Option<RangeStats>)> = Vec::new();
    let mut skipped: Vec<(usize, u64, usize, usize)> = Vec::new();
    let mut set_aside: Vec<&RawValue> = Vec::new();
    let mut unreadable = 0;
    // Each shard's exposures, by its input index: (first, end) in `exposures`.
    let mut runs: Vec<HashMap<usize, (usize, usize)>> = Vec::new();
    let mut exposed_pairs = 0;
    let mut possible_pairs = 0;
    let mut exposed_entries: HashSet<String> = HashSet::new();
    for (si, s) in shards.iter().enumerate() {
        let bad = |what: &str| anyhow::anyhow!("{}: {what}", s.name);
        let members = Members::of(s);
        let mut locator = Locator::new(&s.shard);
        let mut names = Vec::with_capacity(s.inputs.len());
        for (ii, raw) in s.inputs.iter().enumerate() {
            let key: PathKey =
                serde_json::from_str(raw.get()).map_err(|_| bad("an input has no \"path\""))?;
            let place = locator
                .place(&key.path, key.range.is_some())
                .ok_or_else(|| bad("an input is not one the shard was dealt: was the report edited?"))?;
            let second = key.range.map_or_else(|| members.place(&key.path), |r| r.start);
            inputs.push((place, second, si, ii, key.range));
            names.push(key.path);
        }
        let mut locator = Locator::new(&s.shard);
        for (i, raw) in s.skipped.iter().enumerate() {
            let key: PathKey =
                serde_json::from_str(raw.get()).map_err(|_| bad("a skipped entry has no \"path\""))?;
            unreadable += usize::from(key.error);
            if i < s.shard.set_aside {
                set_aside.push(raw);
                continue;
            }
            // A file that could not be read may be a byte range of a cut file, dealt to every shard.
            let place = locator.place(&key.path, key.error).ok_or_else(|| {
                bad("a skipped entry is not one the shard was dealt: was the report edited?")
            })?;
            skipped.push((place, members.place(&key.path), si, i));
        }
        let mut by_input = HashMap::new();
        let mut input = 0;
        let mut last_record = 0;
        for (ei, text) in s.exposures.iter().enumerate() {
            let key: ExposureKey = serde_json::from_str(text)
                .map_err(|_| bad("an exposure lacks a field or has one of the wrong type"))?;
            // A file given twice: its second reading starts again from a lower record.
            if input < names.len() && names[input] == key.input && key.record < last_record {
                input += 1;
            }
            while input < names.len() && names[input] != key.input {
                input += 1;
            }
            last_record = key.record;
            if input == names.len() {
                return Err(bad("an exposure names no input of the report, or is out of order"));
            }
            by_input
                .entry(input)
                .and_modify(|run: &mut (usize, usize)| run.1 = ei + 1)
                .or_insert((ei, ei + 1));
            match key.confidence.as_str() {
                "exposed" => {
                    exposed_pairs += u64::from(!key.baseline);
                    exposed_entries.insert(key.watch);
                }
                _ => possible_pairs += u64::from(!key.baseline),
            }
        }
        runs.push(by_input);
    }
    // An empty range (a line longer than a range) starts where the next one does: by its end
    // too, the ranges of a file follow one another whatever the order of the reports.
    inputs
        .sort_unstable_by_key(|&(place, start, si, ii, range)| (place, start, range.map(|r| r.end), si, ii));
    skipped.sort_unstable();
    let (merged_inputs, ranges) = join_ranges(shards, &inputs)?;
    let mut exposures = Vec::new();
    for &(place, _, si, ii, range) in &inputs {
        let Some(&(from, to)) = runs[si].get(&ii) else { continue };
        let texts = shards[si].exposures[from..to].iter();
        match range.and_then(|_| ranges.get(&(si, place))) {
            Some(&at) if at.records_before > 0 || at.lines_before > 0 => {
                for text in texts {
                    exposures.push(Cow::Owned(renumbered_exposure(text, at).ok_or_else(|| {
                        anyhow::anyhow!(
                            "{}: an exposure lacks a field or has one of the wrong type",
                            shards[si].name
                        )
                    })?));
                }
            }
            _ => exposures.extend(texts.map(|t| Cow::Borrowed(t.as_str()))),
        }
    }
    let mut summary = merged_summary(shards, exposed_entries.len())?;
    // What the unsharded scan says of a whole cut file once read (`scan::scan_input`): its
    // suspect values stop a `--strict` scan there.
    let mut stopped = None;
    let file_ends: Vec<(usize, String)> = merged_inputs
        .iter()
        .filter_map(|(place, counts, sums)| sums.map(|sums| (*place, counts, sums)))
        .filter(|(_, counts, _)| counts.complete)
        .flat_map(|(place, counts, (values, invalid))| {
            let name = &first.shard.walk[place];
            let said = if counts.records == 0 {
                vec![format!("{name}: no records")]
            } else if counts.records > counts.bad_records {
                let suspect = crate::scan::suspicions(name, &values, &invalid);
                if first.shard.strict && stopped.is_none() {
                    stopped = suspect.first().map(|w| crate::report::mask::sanitize(w));
                }
                suspect
            } else {
                Vec::new()
            };
            said.into_iter().map(move |w| (place, crate::report::mask::sanitize(&w)))
        })
        .collect();
    summary.complete &= stopped.is_none();
    let warnings = merged_warnings(shards, &ranges, &file_ends, summary.bad_records);
    let inputs = merged_inputs
        .into_iter()
        .map(|(_, counts, _)| {
            serde_json::to_string(&counts)
                .ok()
                .and_then(|text| RawValue::from_string(text).ok())
                .ok_or_else(|| anyhow::anyhow!("an input of the merged report cannot be written"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Merged {
        first,
        started_at: shards.iter().map(|s| s.started_at.as_str()).min().unwrap_or_default(),
        exposures,
        inputs,
        skipped: set_aside
            .into_iter()
            .chain(skipped.iter().map(|&(_, _, si, i)| &*shards[si].skipped[i]))
            .collect(),
        warnings,
        summary,
        exposed_pairs,
        possible_pairs,
        unreadable,
        stopped,
    })
}

/// The inputs of the unsharded scan, each with its walk place, from the shards' `inputs` (sorted
/// by place and first byte): the byte ranges of one file joined into that file's input, checked
/// to tile it (all N, each starting where the one before ends). Also returns, for each range
/// (by shard and walk place), where it lies in its file.
#[allow(clippy::type_complexity, reason = "one use, documented above")]
fn join_ranges(
    shards: &[ShardReport],
    inputs: &[(usize, u64, usize, usize, Option<RangeStats>)],
) -> Result<(Vec<(usize, InputCounts, Option<FileSums>)>, HashMap<(usize, usize), RangePlace>)> {
    let n = shards[0].shard.n as usize;
    let read = |si: usize, ii: usize| -> Result<InputCounts> {
        serde_json::from_str(shards[si].inputs[ii].get()).map_err(|_| {
            anyhow::anyhow!("{}: an input lacks a count or has one of the wrong type", shards[si].name)
        })
    };
    let mut merged = Vec::new();
    let mut places = HashMap::new();
    let mut i = 0;
    while i < inputs.len() {
        let (place, _, si, ii, range) = inputs[i];
        if range.is_none() {
            merged.push((place, read(si, ii)?, None));
            i += 1;
            continue;
        }
        let group = inputs[i..].iter().take_while(|e| e.0 == place && e.4.is_some()).count();
        let mut joined: Option<InputCounts> = None;
        let (mut records, mut lines, mut end) = (0u64, 0u64, 0u64);
        let mut sums: FileSums = Default::default();
        for &(_, _, si, ii, range) in &inputs[i..i + group] {
            let Some(range) = range else { continue };
            let counts = read(si, ii)?;
            if group != n
                && let Some(s) = shards.iter().find(|s| {
                    s.skipped.iter().any(|raw| {
                        serde_json::from_str::<PathKey>(raw.get()).is_ok_and(|key| key.path == counts.path)
                    })
                })
            {
                bail!(
                    "{}: shard {}/{n} could not read its range of {} (see its \"skipped\"): merge needs \
                     every range of the file",
                    s.name,
                    s.shard.k,
                    counts.path
                );
            }
            if range.start != end || range.end < range.start || group != n {
                bail!(
                    "{}: the byte ranges of {} do not follow one another from byte 0 in the {n} shards' \
                     reports: was a report edited?",
                    shards[si].name,
                    counts.path
                );
            }
            places.insert(
                (si, place),
                RangePlace { start: range.start, records_before: records, lines_before: lines },
            );
            let overflow = || {
                anyhow::anyhow!(
                    "{}: the counts of {} add up past u64: was a report edited?",
                    shards[si].name,
                    counts.path
                )
            };
            records = records.checked_add(range.records).ok_or_else(overflow)?;
            lines = lines.checked_add(range.lines).ok_or_else(overflow)?;
            for (sum, count) in
                sums.0.iter_mut().zip(range.values).chain(sums.1.iter_mut().zip(range.invalid))
            {
                *sum = sum.checked_add(count).ok_or_else(overflow)?;
            }
            end = range.end;
            joined = Some(match joined {
                None => InputCounts { range: None, ..counts },
                Some(j) => InputCounts {
                    records: j.records.checked_add(counts.records).ok_or_else(overflow)?,
                    bad_records: j.bad_records.checked_add(counts.bad_records).ok_or_else(overflow)?,
                    decoded_records: j
                        .decoded_records
                        .checked_add(counts.decoded_records)
                        .ok_or_else(overflow)?,
                    bytes: j.bytes.checked_add(counts.bytes).ok_or_else(overflow)?,
                    complete: j.complete && counts.complete,
                    ..j
                },
            });
        }
        if let Some(joined) = joined {
            merged.push((place, joined, Some(sums)));
        }
        i += group;
    }
    Ok((merged, places))
}

/// A cut file's identity values and invalid values per kind: the sums of its ranges'.
type FileSums = (crate::matcher::ValueCounts, crate::matcher::InvalidCounts);

/// An exposure of a range (compact JSON, `"record":R,"line":L` after its input) with the record
/// and line numbers of the unsharded scan. `None` when it has no such numbers.
fn renumbered_exposure(text: &str, at: RangePlace) -> Option<String> {
    let key: ExposureKey = serde_json::from_str(text).ok()?;
    // A `"` inside a JSON string is escaped: `,"record":` is the exposure's own key.
    let old = format!(",\"record\":{},\"line\":{},", key.record, key.line);
    let new = format!(
        ",\"record\":{},\"line\":{},",
        key.record.checked_add(at.records_before)?,
        key.line.checked_add(at.lines_before)?
    );
    text.contains(&old).then(|| text.replacen(&old, &new, 1))
}

/// The counts of the unsharded scan: sums over shards (records are in exactly one), except the
/// watchlist's counts (the same in each) and the entries exposed (`exposed_entries`, counted
/// over all shards' exposures).
fn merged_summary(shards: &[ShardReport], exposed_entries: usize) -> Result<JsonSummary> {
    let first = &shards[0].summary;
    // The counts are the reports' own numbers: a sum past u64 is an edited report, not a scan.
    let mut overflow = false;
    let mut sum = |f: fn(&JsonSummary) -> u64| {
        shards.iter().try_fold(0u64, |total, s| total.checked_add(f(&s.summary))).unwrap_or_else(|| {
            overflow = true;
            u64::MAX
        })
    };
    let mut s = JsonSummary {
        records: sum(|s| s.records),
        exposed_records: sum(|s| s.exposed_records),
        possible_records: sum(|s| s.possible_records),
        bad_records: sum(|s| s.bad_records),
        watch_entries: first.watch_entries,
        watch_entries_exposed: exposed_entries,
        new_exposed_records: sum(|s| s.new_exposed_records),
        baseline_exposures: sum(|s| s.baseline_exposures),
        by_kind: crate::report::schema::ByKind {
            nik: sum(|s| s.by_kind.nik),
            phone: sum(|s| s.by_kind.phone),
            email: sum(|s| s.by_kind.email),
            name_dob: sum(|s| s.by_kind.name_dob),
            name: sum(|s| s.by_kind.name),
        },
        invalid_values: crate::report::schema::InvalidValues {
            nik: sum(|s| s.invalid_values.nik),
            phone: sum(|s| s.invalid_values.phone),
            email: sum(|s| s.invalid_values.email),
            name: sum(|s| s.invalid_values.name),
            dob: sum(|s| s.invalid_values.dob),
        },
        contradicted_name_matches: sum(|s| s.contradicted_name_matches),
        watchlist_skipped: first.watchlist_skipped,
        skipped_files: sum(|s| s.skipped_files),
        elapsed_ms: shards.iter().map(|s| s.summary.elapsed_ms).max().unwrap_or(0),
        complete: shards.iter().all(|s| s.summary.complete),
        shard_members: Vec::new(),
    };
    if overflow {
        bail!("the shards' summary counts add up to more than {}: was a report edited?", u64::MAX);
    }
    // SPEC §8: a run that read no record at all is no result, whichever shard it was.
    s.complete &= s.records > 0;
    Ok(s)
}

/// The warnings of the unsharded scan: those every shard gave before its first input (the
/// watchlists', inputs given twice), then each input's, in the walk order (a warning about an
/// input starts with its name; those of a byte range in the order of the ranges, their bad
/// records renumbered as in the file, and `file_ends`: what is said of a whole cut file), then
/// those about the run that every shard gave. Bad records are named for the first
/// [`WARN_BAD_RECORDS`] of the run only, then counted, as a scan does: each shard named its own
/// first ones, among which are the run's.
fn merged_warnings(
    shards: &[ShardReport],
    ranges: &HashMap<(usize, usize), RangePlace>,
    file_ends: &[(usize, String)],
    bad_records: u64,
) -> Vec<String> {
    let lists: Vec<&[String]> = shards.iter().map(|s| s.warnings.as_slice()).collect();
    let walk = &shards[0].shard.walk;
    let mut places: HashMap<&str, usize> = HashMap::new();
    for (i, entry) in walk.iter().enumerate().rev() {
        places.insert(entry.as_str(), i);
    }
    // The walk place of the input a warning is about, and where its name ends.
    let place_of = |warning: &str| {
        warning
            .char_indices()
            .filter(|&(_, c)| c == ':' || c == '!')
            .find_map(|(at, _)| places.get(&warning[..at]).map(|&place| (place, at)))
    };
    let ranged: HashSet<usize> = ranges.keys().map(|&(_, place)| place).collect();
    // Warnings every shard gave first are the run's (watchlists', inputs given twice), never a
    // bad record or a byte range's warning: ranges with bad records at the same places give
    // identical lists, each its own records, rebuilt below.
    let of_the_run = |w: &str| {
        !is_more_bad_records(w)
            && place_of(w).is_none_or(|(place, at)| !ranged.contains(&place) && bad_record(w, at).is_none())
    };
    let common = (0..lists.iter().map(|l| l.len()).min().unwrap_or(0))
        .take_while(|&i| of_the_run(&lists[0][i]) && lists.iter().all(|l| l[i] == lists[0][i]))
        .count();
    // Shard 1 lists the entries the walk set aside, whose warnings come first in the scan.
    let set_aside_warnings = |si: usize| -> usize {
        let s = &shards[si];
        let prefixes: Vec<String> = s.skipped[..s.shard.set_aside.min(s.skipped.len())]
            .iter()
            .filter_map(|raw| serde_json::from_str::<PathKey>(raw.get()).ok())
            .map(|key| format!("{}: ", key.path))
            .collect();
        lists[si][common..].iter().take_while(|w| prefixes.iter().any(|p| w.starts_with(p.as_str()))).count()
    };
    let mut leading: Vec<&str> = Vec::new();
    // (walk place, first byte of its range, shard, index, is a bad record, text)
    let mut about_inputs: Vec<(usize, u64, usize, usize, bool, Cow<'_, str>)> = Vec::new();
    let mut about_run: Vec<&str> = Vec::new();
    for (si, list) in lists.iter().enumerate() {
        let members = Members::of(&shards[si]);
        let lead = set_aside_warnings(si);
        leading.extend(list[common..common + lead].iter().map(String::as_str));
        for (wi, warning) in list[common + lead..].iter().enumerate() {
            let Some((place, at)) = place_of(warning) else {
                about_run.push(warning);
                continue;
            };
            let bad = bad_record(warning, at);
            match (ranges.get(&(si, place)), bad) {
                (Some(range), Some((line, record, reason))) => {
                    let name = &warning[..at];
                    let text = format!(
                        "{name}:{}: bad record {} skipped: {reason}",
                        line.saturating_add(range.lines_before),
                        record.saturating_add(range.records_before)
                    );
                    about_inputs.push((place, range.start, si, wi, true, Cow::Owned(text)));
                }
                (range, bad) => {
                    let start = range.map_or_else(|| members.place_of_warning(warning), |r| r.start);
                    about_inputs.push((place, start, si, wi, bad.is_some(), Cow::Borrowed(warning)));
                }
            }
        }
    }
    for (i, (place, warning)) in file_ends.iter().enumerate() {
        about_inputs.push((*place, u64::MAX, 0, i, false, Cow::Borrowed(warning.as_str())));
    }
    about_inputs.sort_unstable_by_key(|w| (w.0, w.1, w.2, w.3));
    let mut named = 0;
    about_inputs.retain(|w| {
        named += u64::from(w.4);
        !w.4 || named <= WARN_BAD_RECORDS
    });
    let mut seen = BTreeSet::new();
    let every_shard = |w: &str| lists.iter().all(|l| l[common..].iter().any(|x| x == w));
    let more_bad = (bad_records > WARN_BAD_RECORDS).then(|| more_bad_records(bad_records));
    let run = about_run
        .into_iter()
        .filter(|w| !is_more_bad_records(w) && every_shard(w) && seen.insert(*w))
        .map(str::to_string);
    lists[0][..common]
        .iter()
        .map(String::as_str)
        .chain(leading)
        .map(str::to_string)
        .chain(about_inputs.into_iter().map(|w| w.5.into_owned()))
        .chain(more_bad)
        .chain(run)
        .collect()
}

use crate::scan::WARN_BAD_RECORDS;

/// The warning a scan gives after its first [`WARN_BAD_RECORDS`] bad records (`cmd::scan`).
fn more_bad_records(total: u64) -> String {
    format!("{} more bad records not shown ({total} in all)", total - WARN_BAD_RECORDS)
}

fn is_more_bad_records(warning: &str) -> bool {
    let Some((more, rest)) = warning.split_once(" more bad records not shown (") else { return false };
    more.parse::<u64>().is_ok() && rest.strip_suffix(" in all)").is_some_and(|n| n.parse::<u64>().is_ok())
}

/// A bad-record warning (`NAME:LINE: bad record RECORD skipped: REASON`, `cmd::scan`) whose
/// name ends at `at`: its line, record and reason.
fn bad_record(warning: &str, at: usize) -> Option<(u64, u64, &str)> {
    let rest = warning[at..].strip_prefix(':')?;
    let (line, rest) = rest.split_once(": bad record ")?;
    let (record, reason) = rest.split_once(" skipped: ")?;
    Some((line.parse().ok()?, record.parse().ok()?, reason))
}

/// The report-level fields, in the order a scan writes them (`report::schema::JsonRun`).
#[derive(Serialize)]
struct RunOut<'a> {
    leakcheck: &'a str,
    rules: &'a str,
    started_at: &'a str,
    as_of: &'a str,
    watchlists: &'a RawValue,
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    run: RunOut<'a>,
    inputs: &'a [Box<RawValue>],
    skipped: &'a [&'a RawValue],
    warnings: &'a [String],
    #[serde(flatten)]
    summary: &'a JsonSummary,
}

impl Merged<'_> {
    fn run(&self) -> RunOut<'_> {
        RunOut {
            leakcheck: &self.first.leakcheck,
            rules: &self.first.rules,
            started_at: self.started_at,
            as_of: &self.first.as_of,
            watchlists: &self.first.watchlists,
        }
    }

    /// Writes the report as `scan` writes it in `format` (`report::json`, `report::ndjson`).
    fn write(&self, out: &mut dyn Write, format: MergeFormat) -> io::Result<()> {
        match format {
            MergeFormat::Json => {
                let run = serde_json::to_vec(&self.run())?;
                out.write_all(&run[..run.len() - 1])?;
                out.write_all(b",\"exposures\":[")?;
                for (i, e) in self.exposures.iter().enumerate() {
                    out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                    out.write_all(e.as_bytes())?;
                }
                out.write_all(b"\n],\"inputs\":")?;
                serde_json::to_writer(&mut *out, &self.inputs)?;
                out.write_all(b",\n\"skipped\":")?;
                serde_json::to_writer(&mut *out, &self.skipped)?;
                out.write_all(b",\n\"warnings\":")?;
                serde_json::to_writer(&mut *out, &self.warnings)?;
                out.write_all(b",\n\"summary\":")?;
                serde_json::to_writer(&mut *out, &self.summary)?;
                out.write_all(b"}\n")
            }
            MergeFormat::Ndjson => {
                for e in &self.exposures {
                    out.write_all(b"{\"type\":\"exposure\",")?;
                    out.write_all(&e.as_bytes()[1..])?;
                    out.write_all(b"\n")?;
                }
                let line = SummaryLine {
                    kind: "summary",
                    run: self.run(),
                    inputs: &self.inputs,
                    skipped: &self.skipped,
                    warnings: &self.warnings,
                    summary: &self.summary,
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")
            }
        }
    }

    /// As `scan` decides it on the report of the unsharded scan (SPEC §8).
    fn exit_code(&self, fail_on: FailOn) -> ExitCode {
        if !self.summary.complete {
            let shortfall =
                Shortfall { unreadable: self.unreadable, nothing_read: self.summary.records == 0 };
            if shortfall.unreadable == 0 && !shortfall.nothing_read {
                crate::messages::stderr_line(
                    "leakcheck: error: a shard's report says it is incomplete; the merged report is too",
                );
            } else {
                crate::messages::stderr_line(&format!("leakcheck: error: {shortfall}"));
            }
            return ExitCode::Error;
        }
        let failing = match fail_on {
            FailOn::Exposed => self.exposed_pairs,
            FailOn::Possible => self.exposed_pairs + self.possible_pairs,
            FailOn::Never => 0,
        };
        if failing > 0 { ExitCode::Exposed } else { ExitCode::Clear }
    }
}
