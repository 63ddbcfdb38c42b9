//! Command-line parsing. clap lives here and nowhere else: arguments become plain config structs
//! that the commands take.

use crate::cmd;
use crate::exit_codes::{self, ExitCode};
use crate::input::{Format, InputOptions};
use crate::kind::Kind;
use crate::report::ReportFormat;
use crate::roles::ColumnMap;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Most worker threads `--threads` takes: more than any machine has cores, and far fewer than
/// the 65,535 that `u16` allows, which took minutes to start and swamped the machine.
const MAX_THREADS: i64 = 1024;

/// `-h` and the man page's NAME line.
const PITCH: &str = "Find which people on your watchlist are exposed in a leaked data dump.";

const ABOUT: &str = "Find which people on your watchlist are exposed in a leaked data dump.

leakcheck normalizes every identity value it reads (NIK, phone, e-mail, name, date of birth),
hashes it, and matches it against the watchlist, so `0812-3456-7890` in a dump finds
`+62 812 3456 7890` in your list. Reports mask identifiers unless you pass --reveal.";

const SCAN_EXAMPLES: &str = "\
Examples:
  leakcheck scan dump.csv --watch patients.csv
  leakcheck scan dump.csv --watch ids.txt --format ndjson | jq 'select(.type==\"exposure\")'
  leakcheck scan leak-2021/ --watch ids.txt --format json -o report.json   # every file, .gz too
  leakcheck scan leak.zip --watch ids.txt --password-file leak.pass       # members read in place
  mysqldump simrs pasien | leakcheck scan - --watch patients.csv
  leakcheck scan export.txt --no-header --map name=3 --map dob=4 --watch ids.txt";

#[derive(Parser, Debug)]
#[command(name = "leakcheck", version, about = PITCH, long_about = ABOUT, after_help = exit_codes::HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan dumps for the people of one or more watchlists and report who is exposed.
    #[command(after_help = format!("{SCAN_EXAMPLES}\n\n{}", exit_codes::HELP))]
    Scan(ScanArgs),
    /// Write watchlists as digests only (a hashed watchlist), to hand to whoever scans a leak
    /// without handing over the people on it.
    #[command(after_help = format!("{HASH_HELP}\n\n{}", exit_codes::HELP_HASH))]
    Hash(HashArgs),
    /// Show what leakcheck sees in dumps before scanning them: format, columns and their roles
    /// (and why), valid values per kind, masked samples, what the NIKs say, and the --map that
    /// would catch columns it missed.
    #[command(after_help = exit_codes::HELP_INSPECT)]
    Inspect(InspectArgs),
    /// Print the canonical form of identifiers (one per VALUE, or per stdin line), or
    /// `invalid: <reason>`.
    #[command(after_help = exit_codes::HELP_NORMALIZE)]
    Normalize(NormalizeArgs),
    /// Turn scan reports (JSON or NDJSON, from `scan --format json|ndjson`) into what to do next;
    /// reads reports only, never the dumps.
    #[command(subcommand, after_help = exit_codes::HELP_REPORT)]
    Report(ReportCommand),
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    #[command(after_help = format!("{COMPLETIONS_HELP}\n\n{}", exit_codes::HELP_OTHER))]
    Completions(CompletionsArgs),
    /// Print leakcheck's man page (roff), or the page of one of its commands (`man report
    /// people`); `--dir DIR` writes every page into DIR.
    #[command(after_help = format!("{MAN_HELP}\n\n{}", exit_codes::HELP_OTHER))]
    Man(ManArgs),
}

const COMPLETIONS_HELP: &str = "\
Examples:
  leakcheck completions bash > ~/.local/share/bash-completion/completions/leakcheck
  leakcheck completions zsh > ~/.zfunc/_leakcheck    # with fpath+=(~/.zfunc) in ~/.zshrc
  leakcheck completions fish > ~/.config/fish/completions/leakcheck.fish
  leakcheck completions powershell >> $PROFILE";

const MAN_HELP: &str = "\
Examples:
  mkdir -p ~/.local/share/man/man1
  leakcheck man > ~/.local/share/man/man1/leakcheck.1
  leakcheck man scan > ~/.local/share/man/man1/leakcheck-scan.1
  leakcheck man report people > ~/.local/share/man/man1/leakcheck-report-people.1
  leakcheck man --dir ~/.local/share/man/man1    # every page: leakcheck.1, leakcheck-scan.1, ...
  man leakcheck-scan";

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete leakcheck's commands and options in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// The command whose page to print (`scan` for leakcheck-scan(1), `report people` for
    /// leakcheck-report-people(1)); none: leakcheck(1).
    #[arg(value_name = "COMMAND", conflicts_with = "dir")]
    pub command: Vec<String>,
    /// Write every page (leakcheck.1, leakcheck-scan.1, leakcheck-report-people.1, ...) into
    /// this directory instead of printing one; it must exist. Prints the paths written.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// One row per person of the watchlist found in the reports: the strongest confidence, the
    /// kinds, fields and UU PDP categories that leaked, how many records, in which inputs (and
    /// tables), the first and the last; exposed people first, then possible (name only) ones.
    #[command(after_help = format!("{PEOPLE_EXAMPLES}\n\n{}", exit_codes::HELP_OTHER))]
    People(PeopleArgs),
    /// The notice UU PDP Art. 46 asks for within 3×24 hours: one letter per exposed person, a
    /// recipients CSV for a mail merge and the summary for the supervisory authority, written to
    /// a new directory readable by its owner only.
    #[command(after_help = format!("{NOTIFY_HELP}\n\n{}", exit_codes::HELP_OTHER))]
    Notify(NotifyArgs),
    /// One self-contained HTML page for the people who decide: summary, charts (by kind,
    /// category, input and NIK province), the people table and the exposures table (masked as in
    /// the report, at most 10,000 rows), sortable and filterable; no network, no external file.
    #[command(after_help = format!("{HTML_EXAMPLES}\n\n{}", exit_codes::HELP_OTHER))]
    Html(HtmlArgs),
    /// Join the reports of the shards of one scan (`scan --shard K/N --format json|ndjson`) into
    /// the report of the unsharded scan, exposures and inputs in its order, the summary
    /// recomputed; exits as `scan` would on it. Refuses reports of different scans, and a shard
    /// missing or given twice.
    #[command(after_help = format!("{MERGE_EXAMPLES}\n\n{}", exit_codes::HELP))]
    Merge(MergeArgs),
}

const NOTIFY_HELP: &str = "\
Writes DIR/letters/<label>.md (one per person with an exposed pair not marked baseline; the
label with every character outside A-Z a-z 0-9 . _ - as `_`, `-2`, `-3`… on a collision),
DIR/recipients.csv (label,name,email,phone,letter) and DIR/authority.md (people and records
exposed; by kind, category, NIK province and input; possible-only and baseline-only people
counted apart). Possible-only and baseline-only people get no letter. With a hashed watchlist,
letters and recipients carry labels only.

The incident file is TOML, six strings, all required:
  name = \"Kebocoran SIMRS Desember 2026\"      # which leak
  found_at = \"2026-12-01T09:30:00+07:00\"      # a date or an RFC 3339 date-time
  how = \"Ditemukan di forum oleh tim keamanan.\"
  actions = \"Akses ditutup; kata sandi diganti.\"
  controller = \"RS Sehat Sentosa\"
  contact = \"dpo@rs-sehat.example, 021-555-0100\"

A --template is a MiniJinja template of the letter. Variables (text from reports and
watchlists comes escaped for Markdown): person.label, person.name, person.email,
person.phone (none for a hashed list), person.hashed, person.kinds (in words),
person.kind_codes (nik, phone, email, name_dob, name), person.fields, person.categories (in
words), person.specific_categories, person.specific, person.records, person.inputs,
person.letter (its path in DIR); incident.name, incident.found_at, incident.how,
incident.actions, incident.controller, incident.contact; lang (id or en). An unknown variable
is an error, not an empty sentence. See docs/notify.md.

Examples:
  leakcheck scan leak/ --watch patients.csv --format json -o scan.json
  leakcheck report notify scan.json --watch patients.csv --incident incident.toml -o notice/
  leakcheck report notify scan.json --watch ward3.csv --watch icu.csv --incident i.toml --lang en -o notice-en/";

#[derive(Args, Debug)]
pub struct NotifyArgs {
    /// Reports written by `leakcheck scan --format json` or `--format ndjson` (`-` for standard
    /// input).
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// The scan's watchlists, in the scan's order (labels join as the scan prefixed them); they
    /// give each person's name, e-mail and phone.
    #[arg(long, required = true, value_name = "PEOPLE")]
    pub watch: Vec<PathBuf>,

    /// The incident: a TOML file with name, found_at, how, actions, controller and contact.
    #[arg(long, value_name = "FILE")]
    pub incident: PathBuf,

    /// A MiniJinja template of the letter, instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// Language of the built-in letter and of the authority summary.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    pub lang: LangArg,

    /// The directory to write (created mode 0700, files 0600; built beside it and moved into
    /// place whole, so an error or Ctrl-C leaves nothing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// Write into an existing non-empty DIR: the files notify writes are replaced (a symbolic
    /// link among them is replaced, not followed) and the letters of its previous run that
    /// this run does not write are removed; no other file is touched.
    #[arg(long)]
    pub force: bool,
}

const HTML_EXAMPLES: &str = "\
Examples:
  leakcheck scan leak/ --watch patients.csv --format json -o scan.json
  leakcheck report html scan.json -o leak.html             # Indonesian
  leakcheck report html scan.json -o leak.html --lang en   # English
The page opens from a file or an e-mail attachment, prints well, and reads on a phone.";

#[derive(Args, Debug)]
pub struct HtmlArgs {
    /// Reports written by `leakcheck scan --format json` or `--format ndjson` (`-` for standard
    /// input); several reports make one page.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// Write the page to FILE.html (atomically); `-o -` writes it to standard output.
    #[arg(short, long, required = true, value_name = "FILE.html", long_help = output_help_required("page"))]
    pub output: PathBuf,

    /// Language of the page's words: Indonesian or English.
    #[arg(long, value_enum, default_value_t = LangArg::Id)]
    pub lang: LangArg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    /// Bahasa Indonesia
    Id,
    /// English
    En,
}

const MERGE_EXAMPLES: &str = "\
Examples:
  leakcheck scan leak/ --watch ids.txt --shard 1/2 --fail-on never --as-of 2026-06-01 -f json -o s1.json
  leakcheck scan leak/ --watch ids.txt --shard 2/2 --fail-on never --as-of 2026-06-01 -f json -o s2.json
  leakcheck report merge s1.json s2.json -o scan.json
  (deploy/ in the source holds recipes for GNU parallel, Kubernetes and Slurm)";

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The reports of every shard, in any order (`-` for standard input, once).
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// Write the merged report to PATH (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH", long_help = output_help("merged report"))]
    pub output: Option<PathBuf>,

    /// Format of the merged report [default: that of the shard reports; needed when some are
    /// JSON and some NDJSON].
    #[arg(short, long, value_enum)]
    pub format: Option<MergeFormatArg>,

    /// Which matches make the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Exposed, value_name = "WHEN")]
    pub fail_on: FailOn,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MergeFormatArg {
    Json,
    Ndjson,
}

const PEOPLE_EXAMPLES: &str = "\
Examples:
  leakcheck scan leak/ --watch patients.csv --format json -o scan.json
  leakcheck report people scan.json
  leakcheck report people scan.json --format csv -o people.csv   # for a spreadsheet or DuckDB";

#[derive(Args, Debug)]
pub struct PeopleArgs {
    /// Reports written by `leakcheck scan --format json` or `--format ndjson` (`-` for standard
    /// input); people of several reports are joined by their watch label.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = PeopleFormatArg::Human)]
    pub format: PeopleFormatArg,

    /// Write the people report to PATH (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH", long_help = output_help("people report"))]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PeopleFormatArg {
    Human,
    Json,
    Csv,
}

const HASH_HELP: &str = "\
The key is read from --key-file (the file's bytes, less one trailing newline) or from the
environment variable LEAKCHECK_KEY, never from the command line, and must be at least 16 bytes.
Without a key the hashes are plain SHA-256, which a laptop reverses for NIKs and phone numbers in
hours: key every list that leaves your hands, and keep the key.

Example:
  leakcheck hash patients.csv --key-file rs.key -o patients.hashed.jsonl
  leakcheck scan leak/ --watch patients.hashed.jsonl --key-file rs.key";

/// `--help` for `-o`: what it writes, replaces and refuses (src/output).
fn output_help(what: &str) -> String {
    format!("Write the {what} to PATH instead of standard output (`-`).\n\n{}", output_rules(what))
}

/// `--help` for an `-o` that must be given (`report html`).
fn output_help_required(what: &str) -> String {
    format!(
        "Write the {what} to FILE.html. Required: the {what} is not written to standard output \
         unless asked for with `-o -`.\n\n{}",
        output_rules(what)
    )
}

/// What `-o` replaces and refuses.
fn output_rules(what: &str) -> String {
    format!(
        "A regular file is created (mode 0600: it says who is on the list) or replaced whole when the \
{what} is complete, keeping its permissions; until then the {what} is in a temporary file with \
no name, so a failed, interrupted or killed run leaves nothing and the earlier file unchanged. \
/dev/stdout, /dev/stderr, /dev/fd/N, FIFOs and devices are written in place (`-o /dev/stdout \
>> log` appends to log). Refused before anything is read: a directory, a missing directory, a \
FIFO with no reader, a file this run reads (input, watchlist, key file, or a hard link to one), \
and a symbolic link, which is neither followed nor replaced: give the file's own path."
    )
}

#[derive(Args, Debug)]
pub struct HashArgs {
    /// Plain or CSV watchlists to hash (`-` for standard input); with --index, hashed lists too.
    #[arg(required = true, value_name = "WATCHLIST")]
    pub watch: Vec<PathBuf>,

    /// Write the hashed watchlist to PATH (atomically) instead of standard output.
    #[arg(short, long, value_name = "PATH", long_help = output_help("hashed watchlist"))]
    pub output: Option<PathBuf>,

    /// Read the HMAC key from this file (else from LEAKCHECK_KEY; else unkeyed, with a warning).
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,

    /// Skip watchlist lines that cannot be understood (with a warning) instead of failing.
    #[arg(long)]
    pub lenient: bool,

    /// Write a binary index (`.lcx`) instead of JSON Lines: `scan --watch FILE.lcx` maps it
    /// without loading, for lists of millions of people. Needs -o; also takes a hashed list.
    #[arg(long, requires = "output")]
    pub index: bool,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Dumps to scan: CSV/TSV, NDJSON, JSON, MySQL or PostgreSQL dumps, plain or .gz/.zst/.bz2;
    /// directories (all files under them, in sorted order); archives (.zip, .tar, .tar.gz/.tgz,
    /// .tar.zst, .tar.bz2, .7z), read in place, each member an input named ARCHIVE!path (up to 4
    /// archives deep); `-` for standard input. Files that are not dumps (images, PDFs) are
    /// skipped with a warning; .rar archives, .xz streams and SQLite files are not read yet and
    /// make the run exit 2.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Watchlist: a plain list (one NIK, phone, e-mail or name per line, optional `kind:` prefix),
    /// a CSV of people with a header (nik, nama, tgl_lahir, no_hp, email, id…), a hashed list
    /// written by `leakcheck hash`, or an index written by `leakcheck hash --index` (mapped in
    /// place, not loaded); `-` reads a list from standard input. Repeatable.
    #[arg(short, long = "watch", value_name = "FILE", required = true)]
    pub watch: Vec<PathBuf>,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// Write the report to PATH (atomically: nothing is left there if the scan fails).
    #[arg(short, long, value_name = "PATH", long_help = output_help("report"))]
    pub output: Option<PathBuf>,

    /// Show identifiers as found in the dump instead of masked.
    #[arg(long)]
    pub reveal: bool,

    /// Which matches make the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Exposed, value_name = "WHEN")]
    pub fail_on: FailOn,

    /// Worker threads, for loading the watchlists and for scanning, 1 to 1024 (no more than
    /// four per CPU, or eight on a small machine, are started: more would only wait) [default:
    /// the number of CPUs].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,

    #[command(flatten)]
    pub input: InputArgs,

    /// Stop with exit code 2 at the first malformed record instead of skipping it, and at an
    /// input whose values of one kind are almost all invalid (95 % of 20 or more) or that has
    /// no value of any kind, instead of warning.
    #[arg(long)]
    pub strict: bool,

    /// Skip watchlist lines that cannot be understood (with a warning) instead of failing.
    #[arg(long)]
    pub lenient: bool,

    /// Never show the progress bar (it only appears when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,

    /// Read the HMAC key from this file (else from LEAKCHECK_KEY): needed for watchlists hashed
    /// with a key; with plain watchlists the results are the same either way.
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,

    /// A JSON or NDJSON report of an earlier scan (same key mode): exposures already in it are
    /// marked "baseline", listed after the new ones, and do not make the exit code 1, so a
    /// nightly audit fails only on what is new.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,

    /// The day (YYYY-MM-DD) on which a record's birth date makes its person a child (under 18)
    /// for the `child` category [default: today, UTC].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<crate::report::exposed::Date>,

    /// Scan only the K-th of N disjoint parts of the inputs (1 ≤ K ≤ N), for running one scan
    /// on several machines: each file (or sheet), and each member of an archive, is dealt by a
    /// stable hash of its path as the report names it (every shard reads an archive through).
    /// Needs --format json or ndjson; join the N reports with `leakcheck report
    /// merge`. Give every shard the same inputs, watchlists, key and --as-of. A shard that is
    /// dealt nothing exits 0.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::ShardSpec>,
}

/// How to read dumps: shared by `scan` and `inspect`.
#[derive(Args, Debug)]
pub struct InputArgs {
    /// Read inputs as this format instead of detecting it (from the file name, then the content).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormatArg>,

    /// Field delimiter of CSV inputs, instead of sniffing among , ; TAB |.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// The first row of CSV inputs is data, not a header (NIK, phone and e-mail columns are then
    /// found by their content; give names and birth dates with --map and column numbers).
    #[arg(long)]
    pub no_header: bool,

    /// How tab-separated inputs are written: quoted like CSV (spreadsheets) or escaped with
    /// backslashes and never quoted (mysql -B, mysqldump --tab, PostgreSQL COPY). Detected from
    /// the content when not given.
    #[arg(long, value_enum, value_name = "DIALECT")]
    pub tsv_dialect: Option<TsvDialectArg>,

    /// Give a column a role: KIND is nik, phone, email, name or dob; COLUMN is a header name, a
    /// JSON path (`pasien.kontak.hp`) or its last part, an SQL column (`hp`, or `pasien.hp` for
    /// that table's only), or a 1-based column number (`3`, or `#3` when a header is named `3`).
    /// Repeatable.
    #[arg(long, value_name = "KIND=COLUMN")]
    pub map: Vec<ColumnMap>,

    /// Decode every input from this encoding (a WHATWG label: utf-16le, utf-16be, windows-1252,
    /// iso-8859-1, gbk, shift_jis…) instead of detecting UTF-16 by its first bytes and reading
    /// anything else as UTF-8 with Windows-1252 for the bytes that are not.
    #[arg(long, value_name = "LABEL", value_parser = crate::input::encoding::from_label)]
    pub encoding: Option<crate::input::encoding::Encoding>,

    /// Read the password of encrypted .zip and .7z members from this file (its bytes, less one
    /// trailing newline; never from the command line). Without it they are skipped, named, and
    /// the run exits 2.
    #[arg(long, value_name = "PATH", value_parser = parse_password_file)]
    pub password_file: Option<PasswordFile>,
}

/// `--password-file`: where the password was read from (a file the run reads, which -o must
/// not replace), and the password.
#[derive(Clone, Debug)]
pub struct PasswordFile {
    pub path: PathBuf,
    pub password: crate::input::archive::Password,
}

fn parse_password_file(path: &str) -> Result<PasswordFile, String> {
    let bytes = zeroize::Zeroizing::new(
        crate::key::read_capped(std::path::Path::new(path)).map_err(|e| e.to_string())?,
    );
    let password = crate::key::strip_newline(&bytes);
    if password.is_empty() {
        return Err("the file is empty: it must hold the archive's password".to_string());
    }
    Ok(PasswordFile {
        path: PathBuf::from(path),
        password: crate::input::archive::Password::new(password.to_vec()),
    })
}

impl InputArgs {
    fn into_options(self) -> InputOptions {
        InputOptions {
            format: self.input_format.map(|f| match f {
                InputFormatArg::Csv => Format::Csv,
                InputFormatArg::Tsv => Format::Tsv,
                InputFormatArg::Ndjson => Format::Ndjson,
                InputFormatArg::Json => Format::Json,
                InputFormatArg::Sql => Format::Sql,
                InputFormatArg::Xml => Format::Xml,
            }),
            delimiter: self.delimiter,
            no_header: self.no_header,
            maps: self.map,
            // Known once directories are walked.
            several_inputs: false,
            encoding: self.encoding,
            tsv_dialect: self.tsv_dialect.map(|d| match d {
                TsvDialectArg::Quoted => crate::input::escaped::Dialect::Quoted,
                TsvDialectArg::Escaped => crate::input::escaped::Dialect::Escaped,
            }),
            password: self.password_file.map(|f| f.password),
        }
    }
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Dumps to inspect (as for `scan`: files, directories, `-`).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    /// Read the first N records of each input.
    #[arg(
        long,
        value_name = "N",
        default_value_t = crate::inspect::DEFAULT_SAMPLE,
        value_parser = clap::value_parser!(u64).range(1..),
        conflicts_with = "full"
    )]
    pub sample: u64,

    /// Read every record (in parallel, with a progress bar on a terminal).
    #[arg(long)]
    pub full: bool,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = InspectFormatArg::Human)]
    pub format: InspectFormatArg,

    /// Show sample values as found instead of masked.
    #[arg(long)]
    pub reveal: bool,

    /// Worker threads, 1 to 1024 (no more than four per CPU, or eight on a small machine, are
    /// started: more would only wait) [default: the number of CPUs].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    pub threads: Option<u16>,

    /// Never show the progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InspectFormatArg {
    Human,
    Json,
}

#[derive(Args, Debug)]
pub struct NormalizeArgs {
    /// nik, phone, email, name, dob or name_dob (`<name>|<dob>`).
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
    /// Values to normalize; read one per line from stdin when none are given.
    #[arg(allow_hyphen_values = true)]
    pub values: Vec<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// A summary and a table, for a person.
    Human,
    /// One JSON object: the whole report.
    Json,
    /// One JSON object per exposure and a summary line, as they are found (also spelled `jsonl`).
    #[value(alias = "jsonl")]
    Ndjson,
    /// One row per exposure, for a spreadsheet.
    Csv,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when someone is exposed (a strong kind matched).
    Exposed,
    /// Exit 1 also for name-only (possible) matches.
    Possible,
    /// Exit 0 unless there is an error.
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InputFormatArg {
    Csv,
    Tsv,
    #[value(alias = "jsonl")]
    Ndjson,
    Json,
    Sql,
    /// `mysqldump --xml`.
    Xml,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TsvDialectArg {
    /// Quoted like CSV (Excel's tab-delimited text).
    Quoted,
    /// Backslash escapes, no quoting (database exports).
    Escaped,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| format!("unknown kind {s:?}; use nik, phone, email, name, dob or name_dob"))
}

fn parse_date(s: &str) -> Result<crate::report::exposed::Date, String> {
    crate::report::exposed::Date::parse(s)
        .ok_or_else(|| "give a real date as YYYY-MM-DD, such as 2024-05-31".to_string())
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" | "TAB" => Ok(b'\t'),
        // A newline or other control byte would split records, or reach the terminal.
        _ if s.len() == 1 && (s.as_bytes()[0].is_ascii_graphic() || s == " ") => Ok(s.as_bytes()[0]),
        _ => Err("the delimiter must be one printable ASCII character (or \\t)".to_string()),
    }
}

impl From<FormatArg> for ReportFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => ReportFormat::Human,
            FormatArg::Json => ReportFormat::Json,
            FormatArg::Ndjson => ReportFormat::Ndjson,
            FormatArg::Csv => ReportFormat::Csv,
        }
    }
}

impl From<FailOn> for cmd::scan::FailOn {
    fn from(f: FailOn) -> Self {
        match f {
            FailOn::Exposed => cmd::scan::FailOn::Exposed,
            FailOn::Possible => cmd::scan::FailOn::Possible,
            FailOn::Never => cmd::scan::FailOn::Never,
        }
    }
}

impl ScanArgs {
    /// The plain configuration the scan command runs on.
    pub fn into_config(self) -> cmd::scan::ScanCommand {
        let threads = self
            .threads
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get));
        cmd::scan::ScanCommand {
            password_file: self.input.password_file.as_ref().map(|f| f.path.clone()),
            inputs: self.inputs,
            watch: self.watch,
            format: self.format.into(),
            output: self.output,
            reveal: self.reveal,
            fail_on: self.fail_on.into(),
            threads,
            input: self.input.into_options(),
            strict: self.strict,
            lenient: self.lenient,
            progress: !self.no_progress,
            key_file: self.key_file,
            baseline: self.baseline,
            as_of: self.as_of,
            shard: self.shard,
        }
    }
}

/// `--threads`, or the number of CPUs.
fn threads_or_cpus(threads: Option<u16>) -> usize {
    threads
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// A usage error clap cannot see: `--map` options that give one column two kinds.
fn map_conflict(command: &Command) -> Option<clap::Error> {
    let (name, input) = match command {
        Command::Scan(args) => ("scan", &args.input),
        Command::Inspect(args) => ("inspect", &args.input),
        _ => return None,
    };
    let message = crate::roles::conflicting_maps(&input.map)?;
    let mut cli = Cli::command();
    cli.build();
    // The subcommand's own usage line; the whole program's if it were not found.
    let mut usage = cli.find_subcommand(name).cloned().unwrap_or(cli);
    Some(usage.error(clap::error::ErrorKind::ArgumentConflict, message))
}

/// Parses the command line, runs the command and turns the outcome into an exit code. Errors are
/// printed once, with their whole chain, as `leakcheck: error: …`.
pub fn main() -> ExitCode {
    crate::interrupt::install();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::Error } else { ExitCode::Clear };
        }
    };
    if let Some(e) = map_conflict(&cli.command) {
        let _ = e.print();
        return ExitCode::Error;
    }
    let result = match cli.command {
        Command::Scan(args) => cmd::scan::run(args.into_config()),
        Command::Hash(args) => cmd::hash::run(cmd::hash::HashCommand {
            watch: args.watch,
            output: args.output,
            key_file: args.key_file,
            lenient: args.lenient,
            index: args.index,
        }),
        Command::Inspect(args) => cmd::inspect::run(cmd::inspect::InspectCommand {
            inputs: args.inputs,
            input: args.input.into_options(),
            sample: (!args.full).then_some(args.sample),
            json: matches!(args.format, InspectFormatArg::Json),
            reveal: args.reveal,
            threads: threads_or_cpus(args.threads),
            progress: !args.no_progress,
        }),
        Command::Normalize(args) => cmd::normalize::run(args.kind, &args.values),
        Command::Report(ReportCommand::People(args)) => {
            cmd::report::people::run(cmd::report::people::PeopleCommand {
                reports: args.reports,
                format: match args.format {
                    PeopleFormatArg::Human => cmd::report::people::PeopleFormat::Human,
                    PeopleFormatArg::Json => cmd::report::people::PeopleFormat::Json,
                    PeopleFormatArg::Csv => cmd::report::people::PeopleFormat::Csv,
                },
                output: args.output,
            })
        }
        Command::Report(ReportCommand::Notify(args)) => {
            cmd::report::notify::run(cmd::report::notify::NotifyCommand {
                reports: args.reports,
                watch: args.watch,
                incident: args.incident,
                template: args.template,
                lang: match args.lang {
                    LangArg::Id => cmd::report::notify::Lang::Id,
                    LangArg::En => cmd::report::notify::Lang::En,
                },
                output: args.output,
                force: args.force,
            })
        }
        Command::Report(ReportCommand::Html(args)) => {
            cmd::report::html::run(cmd::report::html::HtmlCommand {
                reports: args.reports,
                output: Some(args.output),
                lang: match args.lang {
                    LangArg::Id => cmd::report::html::Lang::Id,
                    LangArg::En => cmd::report::html::Lang::En,
                },
            })
        }
        Command::Report(ReportCommand::Merge(args)) => {
            cmd::report::merge::run(cmd::report::merge::MergeCommand {
                reports: args.reports,
                output: args.output,
                format: args.format.map(|f| match f {
                    MergeFormatArg::Json => cmd::report::merge::MergeFormat::Json,
                    MergeFormatArg::Ndjson => cmd::report::merge::MergeFormat::Ndjson,
                }),
                fail_on: args.fail_on.into(),
            })
        }
        Command::Completions(args) => cmd::docs::completions(Cli::command(), args.shell),
        Command::Man(args) => match args.dir {
            Some(dir) => cmd::docs::man_dir(Cli::command(), &dir),
            None => cmd::docs::man(Cli::command(), &args.command),
        },
    };
    match result {
        Ok(code) => code,
        // A signal stopped the run: between batches, or before the report was moved into place.
        Err(e) if crate::interrupt::is_interruption(&e) => {
            crate::messages::interrupted();
            ExitCode::Interrupted
        }
        Err(e) => {
            // Paths and names in a message may come from a dump: messages sanitizes them.
            crate::messages::error(&format!("{e:#}"));
            ExitCode::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_help_ends_with_its_exit_codes_signals_included() {
        for command in Cli::command().get_subcommands() {
            let name = command.get_name();
            let help = command.get_after_help().map(ToString::to_string).unwrap_or_default();
            let Some((_, table)) = help.split_once("Exit codes:") else {
                panic!("{name} --help has no exit codes")
            };
            for code in ["0", "2", "129", "130", "143"] {
                let listed = table.lines().any(|l| l.trim_start().starts_with(&format!("{code}  ")));
                assert!(listed, "{name} --help does not list exit code {code}");
            }
        }
    }

    #[test]
    fn report_help_tells_the_truth_about_html_o_and_merge_exit_codes() {
        let mut cli = Cli::command();
        let report = cli.find_subcommand_mut("report").unwrap();
        let after = report.get_after_help().map(ToString::to_string).unwrap_or_default();
        assert!(after.contains("    1  report merge only:"), "{after}");
        let html = report.find_subcommand_mut("html").unwrap();
        let o = html.get_arguments().find(|a| a.get_id() == "output").unwrap();
        let long = o.get_long_help().map(ToString::to_string).unwrap_or_default();
        assert!(o.is_required_set(), "SPEC §11: -o FILE.html");
        assert!(long.starts_with("Write the page to FILE.html. Required:"), "{long}");
        assert!(!long.contains("instead of standard output"), "{long}");
    }

    #[test]
    fn delimiters() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert!(parse_delimiter(";;").is_err());
    }
}
