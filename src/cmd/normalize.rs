//! `leakcheck normalize KIND VALUE…`: canonical forms, for checking how a value will be matched.

use crate::exit_codes::ExitCode;
use crate::kind::Kind;
use crate::normalize::{self, Invalid};
use anyhow::Result;
use std::io::{self, BufRead, Write};

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

pub fn run(kind: Kind, values: &[String]) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = (|| -> io::Result<()> {
        if values.is_empty() {
            for line in io::stdin().lock().split(b'\n') {
                let line = line?;
                let line = String::from_utf8_lossy(line.strip_suffix(b"\r").unwrap_or(&line)).into_owned();
                writeln!(out, "{}", line_for(kind, &line))?;
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
