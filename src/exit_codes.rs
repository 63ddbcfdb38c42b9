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

/// The exit-code table printed at the end of `--help`.
pub const HELP: &str = "\
Exit codes:
    0  no exposed person found (or --fail-on never)
    1  at least one exposed person found (with --fail-on possible: also name-only matches)
    2  error: bad usage, unreadable file, bad watchlist, an input not read to its end,
       no record read at all (nothing was checked), or a bad record or suspect input
       under --strict; a run that read every input it could still writes its report,
       with \"complete\":false
  130  interrupted by Ctrl-C (143: SIGTERM); -o writes nothing, an earlier file stays as it was";

/// The exit codes of `inspect`, `hash` and `normalize`, which find no exposures.
pub const HELP_OTHER: &str = "\
Exit codes:
    0  done (for normalize: also when a value is invalid; the output says `invalid: …`)
    2  error: bad usage, an unreadable or bad file
  130  interrupted by Ctrl-C (143: SIGTERM)";
