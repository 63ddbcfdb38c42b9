//! `leakcheck normalize KIND VALUE…`: canonical forms, for checking how a value will be matched.

use crate::exit_codes::ExitCode;
use crate::kind::Kind;
use crate::normalize::{self, Invalid};
use anyhow::Result;
use std::io::{self, BufRead, Read, Write};

/// Longest line read from stdin, in bytes: the watchlists' limit.
const MAX_LINE: usize = crate::watchlist::MAX_LINE;

/// The canonical form of `raw` (a phone field's numbers joined by `, `), or why it is invalid.
pub fn canonical_of(kind: Kind, raw: &str) -> Result<String, Invalid> {
    if kind == Kind::Phone {
        let mut forms = Vec::new();
        let mut error = None;
        normalize::for_each_phone(raw, |p| match normalize::canonical(kind, p) {
            Ok(c) => forms.push(c),
            Err(e) => error = error.or(Some(e)),
        });
        match error {
            Some(e) => Err(e),
            None if forms.is_empty() => Err(Invalid("no digits")),
            None => Ok(forms.join(", ")),
        }
    } else if normalize::is_absent(raw) {
        Err(Invalid("empty"))
    } else {
        normalize::canonical(kind, raw)
    }
}

/// Writes the output line for `raw`: its canonical form or `invalid: <reason>`; false when invalid.
fn write_line(out: &mut impl Write, kind: Kind, raw: &str) -> io::Result<bool> {
    match canonical_of(kind, raw) {
        Ok(canonical) => writeln!(out, "{canonical}").map(|()| true),
        Err(why) => writeln!(out, "invalid: {why}").map(|()| false),
    }
}

/// Reads the next line of `input` into `line` without its `\n`, at most [`MAX_LINE`] + 1 bytes
/// of it (more means too long); false at the end of the input.
fn next_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    let read = input.by_ref().take(MAX_LINE as u64 + 2).read_until(b'\n', line)?;
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    Ok(read > 0)
}

pub fn run(kind: Kind, values: &[String]) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    // SPEC §8: exit 1 when any value was invalid, so a script can test a value by the exit code.
    let mut all_valid = true;
    let result = (|| -> io::Result<()> {
        if values.is_empty() {
            let mut stdin = io::stdin().lock();
            let mut line = Vec::new();
            let mut number = 0u64;
            while next_line(&mut stdin, &mut line)? {
                number += 1;
                let value = line.strip_suffix(b"\r").unwrap_or(&line);
                if value.len() > MAX_LINE {
                    let reason = format!("stdin:{number}: longer than {} MiB: not a value", MAX_LINE >> 20);
                    return Err(io::Error::new(io::ErrorKind::InvalidData, reason));
                }
                all_valid &= write_line(&mut out, kind, &crate::input::encoding::record_text(value))?;
            }
        } else {
            for value in values {
                all_valid &= write_line(&mut out, kind, value)?;
            }
        }
        out.flush()
    })();
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::Clear),
        Err(e) => Err(e.into()),
        Ok(()) if all_valid => Ok(ExitCode::Clear),
        // Exit 1, as a scan's "found something": here, an invalid value.
        Ok(()) => Ok(ExitCode::Exposed),
    }
}
