//! The process exit codes (SPEC §8), documented in `--help` and the README.

/// How a run ended. `1` always means "exposures found", never "something broke".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// No pair counted by `--fail-on` (or `--fail-on never`).
    Clear = 0,
    /// At least one pair counted by `--fail-on`: exposed by default.
    Exposed = 1,
    /// Usage error, unreadable file, bad watchlist, an input not read to its end, or no record
    /// read at all.
    Error = 2,
    /// A signal stopped the run (Ctrl-C: 130; SIGTERM: 143; SIGHUP: 129); no `-o` file was left.
    Interrupted = crate::interrupt::EXIT_CODE as isize,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        match code {
            ExitCode::Interrupted => std::process::ExitCode::from(crate::interrupt::exit_code()),
            _ => std::process::ExitCode::from(code as u8),
        }
    }
}

/// The exit-code table printed at the end of `scan --help` (and of `leakcheck --help`). Every
/// table starts with `Exit codes:`, one code a line, meanings indented under it: `leakcheck man`
/// turns it into the page's EXIT STATUS section.
pub const HELP: &str = "\
Exit codes:
    0  no exposed person found (or --fail-on never)
    1  at least one exposed person found (with --fail-on possible: also name-only matches)
    2  error: bad usage, unreadable file, bad watchlist, an input not read to its end,
       no record read at all (nothing was checked), or a bad record or suspect input
       under --strict; a run that read every input it could still writes its report,
       with \"complete\":false
  129  stopped by SIGHUP (the terminal was closed)
  130  stopped by Ctrl-C (SIGINT)
  143  stopped by SIGTERM (a cancelled CI job, `timeout`, `kill`); after any of these
       three, -o writes nothing and an earlier file stays as it was";

/// `hash --help`.
pub const HELP_HASH: &str = "\
Exit codes:
    0  the hashed watchlist was written
    2  error: bad usage, an unreadable watchlist, a line that cannot be understood (without
       --lenient), a key shorter than 16 bytes, or a write failure; -o writes nothing
  129  stopped by SIGHUP (the terminal was closed)
  130  stopped by Ctrl-C (SIGINT)
  143  stopped by SIGTERM";

/// `inspect --help`.
pub const HELP_INSPECT: &str = "\
Exit codes:
    0  every input was inspected (read the report: an input may still hold no identity data)
    2  error: bad usage, an input that could not be read, or no input that is a dump
  129  stopped by SIGHUP (the terminal was closed)
  130  stopped by Ctrl-C (SIGINT)
  143  stopped by SIGTERM";

/// `normalize --help`.
pub const HELP_NORMALIZE: &str = "\
Exit codes:
    0  every value is valid
    1  at least one value is invalid (its line says `invalid: <reason>`)
    2  error: bad usage, an unknown KIND, unreadable standard input, or a line over 1 MiB
  129  stopped by SIGHUP (the terminal was closed)
  130  stopped by Ctrl-C (SIGINT)
  143  stopped by SIGTERM";

/// `report --help`: `people`, `notify` and `html` only succeed or fail; `merge` exits as `scan`
/// would on the merged report.
pub const HELP_REPORT: &str = "\
Exit codes:
    0  done (report merge: no exposed person in the merged report, as scan)
    1  report merge only: at least one exposed person in the merged report (with --fail-on
       possible: also name-only matches), as scan
    2  error: bad usage, an unreadable or bad report, or a write failure; report merge
       also as scan: a merged report with \"complete\":false (an input not read to its end)
  129  stopped by SIGHUP (the terminal was closed)
  130  stopped by Ctrl-C (SIGINT)
  143  stopped by SIGTERM";

/// Commands that find nothing and only succeed or fail: `completions`, `man`, `report people|notify|html`.
pub const HELP_OTHER: &str = "\
Exit codes:
    0  done
    2  error: bad usage, an unreadable or bad file, or a write failure
  129  stopped by SIGHUP (the terminal was closed)
  130  stopped by Ctrl-C (SIGINT)
  143  stopped by SIGTERM";
