//! `leakcheck normalize KIND VALUE…`: canonical forms, for checking how a value will be matched.

use crate::exit_codes::ExitCode;
use crate::kind::Kind;
use crate::normalize::{self, Invalid};
use anyhow::Result;
use std::io::{self, BufRead, Read, Write};

/// Longest line read from stdin, in bytes: the watchlists' limit.
const MAX_LINE: usize = crate::watchlist::MAX_LINE;

/// One output line for `raw`: its canonical form (a phone field's numbers joined by `, `), or
/// `invalid: <reason>`.
pub fn line_for(kind: Kind, raw: &str) -> String {
    let result = if kind == Kind::Phone {
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
    };
    match result {
        Ok(canonical) => canonical,
        Err(why) => format!("invalid: {why}"),
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
                writeln!(out, "{}", line_for(kind, &crate::input::encoding::record_text(value)))?;
            }
        } else {
            for value in values {
                writeln!(out, "{}", line_for(kind, value))?;
            }
        }
        out.flush()
    })();
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::Clear),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(ExitCode::Clear),
    }
}
