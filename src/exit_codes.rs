//! The process exit codes (SPEC §8), documented in `--help` and the README.

/// How a run ended. `1` always means "exposures found", never "something broke".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// No pair counted by `--fail-on` (or `--fail-on never`).
    Clear = 0,
    /// At least one pair counted by `--fail-on`: exposed by default.
    Exposed = 1,
    /// Usage error, unreadable file, bad watchlist, or an input not read to its end.
    Error = 2,
    /// Ctrl-C (SIGINT) stopped the run; no `-o` file was left.
    Interrupted = crate::interrupt::EXIT_CODE as isize,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

/// The exit-code table printed at the end of `--help`.
pub const HELP: &str = "\
Exit codes:
  0  no exposed person found (or --fail-on never)
  1  at least one exposed person found (with --fail-on possible: also name-only matches)
  2  error: bad usage, unreadable file, bad watchlist, or an input not read to its end
  130  interrupted by Ctrl-C (no -o file is left behind)";
