//! The lines leakcheck writes on standard error for a person to read: warnings, the run's
//! error, an interruption. One format (`leakcheck: warning: …`, `leakcheck: error: …`), and
//! every line sanitized here, once, so that no control or bidi character from a dump's file
//! name or field reaches the terminal. What is worth a warning is decided by the callers; the
//! progress bar prints these lines through itself so they do not tear it.
//!
//! A line that cannot be written (standard error a closed pipe: `2>&1 | true`) is lost and
//! the run goes on to its own exit code: `eprintln!` would panic there (exit 101), and a lost
//! warning changes nothing the report or the exit code says.

use crate::report::mask::sanitize;

/// Writes `line` and a line end on standard error, ignoring a failure (a closed pipe): every
/// line leakcheck writes there goes through this, never through `eprintln!`.
pub fn stderr_line(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `message` as a warning line, sanitized.
pub fn warning_line(message: &str) -> String {
    format!("leakcheck: warning: {}", sanitize(message))
}

/// `message` as an error line, sanitized.
pub fn error_line(message: &str) -> String {
    format!("leakcheck: error: {}", sanitize(message))
}

/// Prints `message` as a warning on standard error (when no progress bar is drawn; else
/// [`crate::progress::Progress::warn`]).
pub fn warn(message: &str) {
    stderr_line(&warning_line(message));
}

/// Prints `message` as the run's error on standard error.
pub fn error(message: &str) {
    stderr_line(&error_line(message));
}

/// Prints that a signal stopped the run.
pub fn interrupted() {
    stderr_line("leakcheck: interrupted");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_errors_have_one_prefix_and_no_control_character() {
        let name = "dump\u{1b}]0;pwned\u{7}\u{202e}.csv";
        assert_eq!(
            warning_line(&format!("{name}: skipped")),
            "leakcheck: warning: dump\u{fffd}]0;pwned\u{fffd}\u{fffd}.csv: skipped"
        );
        assert_eq!(
            error_line(&format!("{name}\n2")),
            "leakcheck: error: dump\u{fffd}]0;pwned\u{fffd}\u{fffd}.csv\u{fffd}2"
        );
    }
}
