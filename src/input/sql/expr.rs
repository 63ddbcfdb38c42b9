//! The functions sqlite3's `.dump` writes for values (SPEC §5): `replace(…, '\n', char(10))`
//! for strings with newlines, `char(…)`, `unistr('…')`, evaluated to the text they stand for.
//! Other functions are no identity (their result is not in the dump). Evaluation is bounded: no
//! result, and no call's arguments together, longer than the tuple, no deeper nesting than
//! [`MAX_DEPTH`] (so one value builds at most `MAX_DEPTH` times its tuple's size).

use super::values::{BAD, Kind, expression, push_text, skip_blanks, skip_parens};

/// Nested calls one value may hold; sqlite3 writes two (`replace(replace(…))` for CR and LF).
const MAX_DEPTH: u32 = 16;
/// Most arguments a call is read with (`char()` of a long string has one per character).
const MAX_ARGS: usize = 4096;

pub(super) const TOO_LARGE: &str = "SQL value expression is too large";

/// Evaluates the call of `name` whose `(` is at `s[open]` into `out`: `None` when it is no
/// function sqlite3 writes for a value.
pub(super) fn call(
    name: &str,
    s: &str,
    open: usize,
    backslash: bool,
    depth: u32,
    out: &mut String,
) -> Option<Result<(Kind, usize), &'static str>> {
    if name.eq_ignore_ascii_case("cast") || name.eq_ignore_ascii_case("convert") {
        return Some(conversion(s, open, backslash, depth, out));
    }
    let function = [Function::Replace, Function::Char, Function::Unistr]
        .into_iter()
        .find(|f| name.eq_ignore_ascii_case(f.name()))?;
    Some(evaluate(function, s, open, backslash, depth, out))
}

/// `CAST(value AS type)`, MySQL's `CONVERT(value USING charset)` and `CONVERT(value, type)`, SQL
/// Server's `CONVERT(type, value[, style])`: the value, as the literal it converts (a cast to a
/// binary type keeps its bytes, which are read as text as hex literals are).
fn conversion(
    s: &str,
    open: usize,
    backslash: bool,
    depth: u32,
    out: &mut String,
) -> Result<(Kind, usize), &'static str> {
    if depth >= MAX_DEPTH {
        return Err(TOO_LARGE);
    }
    let b = s.as_bytes();
    let end = skip_parens(b, open, backslash).ok_or(BAD)?;
    let (mut kind, after) = expression(s, skip_blanks(b, open + 1), backslash, depth + 1, out)?;
    let at = skip_blanks(b, after);
    let word = |at: usize, w: &str| {
        b.get(at..at + w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w.as_bytes()))
            && !b.get(at + w.len()).is_some_and(|&c| super::is_word_byte(c))
    };
    if b.get(at) == Some(&b',') && matches!(kind, Kind::NotIdentity) {
        // SQL Server's `CONVERT(date, '1988-03-12', 23)`: the type first, then the value.
        let (second, _) = expression(s, skip_blanks(b, at + 1), backslash, depth + 1, out)?;
        kind = second;
    } else if !(word(at, "AS") || word(at, "USING") || b.get(at) == Some(&b',') || b.get(at) == Some(&b')')) {
        return Err(BAD);
    }
    Ok((kind, end))
}

#[derive(Clone, Copy)]
enum Function {
    Replace,
    Char,
    Unistr,
}

impl Function {
    fn name(self) -> &'static str {
        match self {
            Function::Replace => "replace",
            Function::Char => "char",
            Function::Unistr => "unistr",
        }
    }
}

fn evaluate(
    function: Function,
    s: &str,
    open: usize,
    backslash: bool,
    depth: u32,
    out: &mut String,
) -> Result<(Kind, usize), &'static str> {
    if depth >= MAX_DEPTH {
        return Err(TOO_LARGE);
    }
    // The arguments, evaluated: strings only on this rare path (sqlite3 writes a call for a
    // value with a newline, a CR or a control character).
    let b = s.as_bytes();
    let mut args: Vec<(Kind, String)> = Vec::new();
    // What the arguments hold, all together: no more than the tuple (`char(replace(…), …)` of
    // 4,096 results of the tuple's size each took 1.97 GB for a 4 MB dump).
    let mut held = 0usize;
    let mut i = skip_blanks(b, open + 1);
    if b.get(i) == Some(&b')') {
        i += 1;
    } else {
        loop {
            let mut text = String::new();
            let (kind, end) = expression(s, i, backslash, depth + 1, &mut text)?;
            held += match kind {
                Kind::Number(start, end) => end - start,
                _ => text.len(),
            };
            args.push((kind, text));
            if args.len() > MAX_ARGS || held > s.len() {
                return Err(TOO_LARGE);
            }
            i = skip_blanks(b, end);
            match b.get(i) {
                Some(b',') => i = skip_blanks(b, i + 1),
                Some(b')') => {
                    i += 1;
                    break;
                }
                _ => return Err(BAD),
            }
        }
    }
    if args.iter().any(|(kind, _)| matches!(kind, Kind::Absent)) {
        return Ok((Kind::Absent, i)); // a function of NULL is NULL
    }
    if args.iter().any(|(kind, _)| matches!(kind, Kind::NotIdentity)) {
        return Ok((Kind::NotIdentity, i));
    }
    let text = |(kind, text): &(Kind, String)| {
        let mut whole = String::new();
        push_text(&mut whole, *kind, s, text);
        whole
    };
    out.clear();
    match function {
        Function::Replace => {
            let [what, from, to] = &args[..] else { return Err(BAD) };
            let (what, from, to) = (text(what), text(from), text(to));
            if from.is_empty() {
                out.push_str(&what);
            } else {
                // Bounded before it is made: a hostile call multiplies a value.
                let count = what.matches(from.as_str()).count();
                let len = what.len() - count * from.len() + count * to.len();
                if len > s.len() {
                    return Err(TOO_LARGE);
                }
                out.push_str(&what.replace(from.as_str(), &to));
            }
        }
        Function::Char => {
            for arg in &args {
                let code = text(arg).trim().parse::<u32>().ok().and_then(char::from_u32);
                out.push(code.unwrap_or('\u{fffd}'));
            }
        }
        Function::Unistr => {
            let [arg] = &args[..] else { return Err(BAD) };
            unistr(&text(arg), out);
        }
    }
    Ok((Kind::Text, i))
}

/// sqlite's `unistr()`: `\\` is a backslash, `\XXXX`, `\uXXXX`, `\+XXXXXX` and `\UXXXXXXXX`
/// are code points; anything else is kept as it is.
fn unistr(text: &str, out: &mut String) {
    let b = text.as_bytes();
    let (mut i, mut run) = (0, 0);
    while let Some(at) = memchr::memchr(b'\\', &b[i..]) {
        let at = i + at;
        out.push_str(&text[run..at]);
        let (from, len) = match b.get(at + 1) {
            Some(b'\\') => {
                out.push('\\');
                i = at + 2;
                run = i;
                continue;
            }
            Some(b'u') => (at + 2, 4),
            Some(b'+') => (at + 2, 6),
            Some(b'U') => (at + 2, 8),
            _ => (at + 1, 4),
        };
        let code = text
            .get(from..from + len)
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                i = from + len;
            }
            None => {
                out.push('\\');
                i = at + 1;
            }
        }
        run = i;
    }
    out.push_str(&text[run..]);
}
