//! `leakcheck normalize KIND VALUE…`: canonical forms, for checking how a value will be matched.

use crate::exit_codes::ExitCode;
use crate::kind::Kind;
use crate::normalize::{self, Invalid};
use anyhow::Result;
use std::io::{self, BufRead, Read, Write};

/// Longest line read from stdin, in bytes: the watchlists' limit.
const MAX_LINE: usize = crate::watchlist::MAX_LINE;

/// The output line for `raw` and whether it was valid: its canonical form or `invalid:
/// <reason>`; a phone field holding several numbers gives each one's form or `invalid: <reason>`
/// in turn, joined by `, `, as a scan reads the field (SPEC §10: one bad number does not hide the
/// good ones), valid only when all are.
pub fn line_of(kind: Kind, raw: &str) -> (String, bool) {
    let shown = |form: Result<String, Invalid>| match form {
        Ok(canonical) => (canonical, true),
        Err(why) => (format!("invalid: {why}"), false),
    };
    if kind != Kind::Phone {
        let form =
            if normalize::is_absent(raw) { Err(Invalid("empty")) } else { normalize::canonical(kind, raw) };
        return shown(form);
    }
    let mut forms = Vec::new();
    normalize::for_each_phone(raw, |p| forms.push(shown(normalize::canonical(kind, p))));
    if forms.is_empty() {
        return shown(Err(Invalid("no digits")));
    }
    let valid = forms.iter().all(|(_, valid)| *valid);
    (forms.into_iter().map(|(form, _)| form).collect::<Vec<_>>().join(", "), valid)
}

/// Writes the output line for `raw`; false when invalid.
fn write_line(out: &mut impl Write, kind: Kind, raw: &str) -> io::Result<bool> {
    let (line, valid) = line_of(kind, raw);
    writeln!(out, "{line}").map(|()| valid)
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
    // A write error names where it went (`> /dev/full`: "No space left on device" alone named
    // nothing); its kind is kept so that a closed pipe stays a clean exit.
    let to_stdout = |e: io::Error| io::Error::new(e.kind(), format!("writing standard output: {e}"));
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
                all_valid &= write_line(&mut out, kind, &crate::input::encoding::record_text(value))
                    .map_err(to_stdout)?;
            }
        } else {
            for value in values {
                all_valid &= write_line(&mut out, kind, value).map_err(to_stdout)?;
            }
        }
        out.flush().map_err(to_stdout)
    })();
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::Clear),
        Err(e) => Err(e.into()),
        Ok(()) if all_valid => Ok(ExitCode::Clear),
        // Exit 1, as a scan's "found something": here, an invalid value.
        Ok(()) => Ok(ExitCode::Exposed),
    }
}
