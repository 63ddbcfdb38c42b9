//! The values of one SQL tuple `(…)` or one PostgreSQL COPY line, unescaped.

/// One value of a tuple: text to match (a string or a number as written), or nothing to match
/// (`NULL`, `\N`, binary and hex literals, function calls, keywords).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlValue<'a> {
    Text(&'a str),
    Absent,
    NotIdentity,
}

/// Calls `f(position, value)` for each value of the tuple `(v1, v2, …)`. Strings are unescaped
/// into `scratch`: with `backslash`, MySQL escapes (`\'`, `\n`, `\\`…) as well as `''`.
pub fn for_each_value(
    tuple: &str,
    backslash: bool,
    scratch: &mut String,
    f: &mut dyn FnMut(usize, SqlValue<'_>),
) -> Result<(), &'static str> {
    const BAD: &str = "SQL tuple does not parse";
    let inner = tuple.trim().strip_prefix('(').and_then(|t| t.strip_suffix(')')).ok_or(BAD)?;
    let b = inner.as_bytes();
    let mut i = skip_blanks(b, 0);
    if i == b.len() {
        return Ok(()); // `()`
    }
    let mut col = 0;
    loop {
        i = skip_blanks(b, i);
        let value_start = i;
        let (value, end) = match b.get(i) {
            None | Some(b',') => return Err("empty value in an SQL tuple"),
            Some(b'\'' | b'"') => {
                let end = unescape(inner, i, backslash, scratch).ok_or(BAD)?;
                (Kind::Text, end)
            }
            Some(_) => {
                let word_end = i + b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$'))
                    .count();
                let word = &inner[i..word_end];
                match b.get(word_end) {
                    // `_binary '…'`, `_utf8mb4 '…'`: a charset introducer before a string.
                    Some(b' ' | b'\'')
                        if word.starts_with('_') && b.get(skip_blanks(b, word_end)) == Some(&b'\'') =>
                    {
                        let at = skip_blanks(b, word_end);
                        let end = unescape(inner, at, backslash, scratch).ok_or(BAD)?;
                        (
                            if word.eq_ignore_ascii_case("_binary") { Kind::NotIdentity } else { Kind::Text },
                            end,
                        )
                    }
                    // `X'…'`, `B'…'`: hex and bit literals; `E'…'`: PostgreSQL escape strings;
                    // `N'…'`: a national-charset string.
                    Some(b'\'') if word.len() == 1 => {
                        let escapes = word.eq_ignore_ascii_case("e");
                        let text = escapes || word.eq_ignore_ascii_case("n");
                        let end = unescape(inner, word_end, escapes || backslash, scratch).ok_or(BAD)?;
                        (if text { Kind::Text } else { Kind::NotIdentity }, end)
                    }
                    // A function call: skip its arguments.
                    Some(b'(') if !word.is_empty() => {
                        (Kind::NotIdentity, skip_parens(b, word_end, backslash).ok_or(BAD)?)
                    }
                    _ if word.eq_ignore_ascii_case("NULL") => (Kind::Absent, word_end),
                    _ if word.starts_with("0x") || word.starts_with("0X") => (Kind::NotIdentity, word_end),
                    _ => {
                        // A number (with sign, dot, exponent) or a keyword such as TRUE/DEFAULT.
                        let end = i + b[i..]
                            .iter()
                            .take_while(|c| {
                                c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'_')
                            })
                            .count();
                        if end == i {
                            return Err(BAD);
                        }
                        let text = &inner[i..end];
                        if text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.')
                        {
                            (Kind::Number, end)
                        } else {
                            (Kind::NotIdentity, end)
                        }
                    }
                }
            }
        };
        match value {
            Kind::Text => f(col, SqlValue::Text(scratch)),
            Kind::Number => f(col, SqlValue::Text(&inner[value_start..end])),
            Kind::Absent => f(col, SqlValue::Absent),
            Kind::NotIdentity => f(col, SqlValue::NotIdentity),
        }
        i = skip_blanks(b, end);
        match b.get(i) {
            None => return Ok(()),
            Some(b',') => {
                i += 1;
                col += 1;
            }
            Some(_) => return Err(BAD),
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Number,
    Absent,
    NotIdentity,
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// Unescapes the quoted string starting at `start` (its quote byte) into `out`; returns the index
/// after the closing quote, or `None` when it does not close.
fn unescape(s: &str, start: usize, backslash: bool, out: &mut String) -> Option<usize> {
    let b = s.as_bytes();
    let quote = b[start];
    out.clear();
    let mut i = start + 1;
    let mut run = i; // start of the pending unescaped run
    while i < b.len() {
        let c = b[i];
        if c == quote {
            out.push_str(&s[run..i]);
            if b.get(i + 1) == Some(&quote) {
                out.push(char::from(quote));
                i += 2;
                run = i;
                continue;
            }
            return Some(i + 1);
        }
        if c == b'\\' && backslash {
            out.push_str(&s[run..i]);
            let next = *b.get(i + 1)?;
            match next {
                b'0' => out.push('\0'),
                b'b' => out.push('\u{8}'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'Z' => out.push('\u{1a}'),
                // MySQL keeps the backslash of `\%` and `\_` (they are LIKE escapes).
                b'%' | b'_' => {
                    out.push('\\');
                    out.push(char::from(next));
                }
                _ if next.is_ascii() => out.push(char::from(next)),
                // A multi-byte character after a backslash: keep it whole.
                _ => {
                    i += 1;
                    run = i;
                    continue;
                }
            }
            i += 2;
            run = i;
            continue;
        }
        i += 1;
    }
    None
}

/// Skips `( … )` starting at `start`, quotes respected; returns the index after it.
fn skip_parens(b: &[u8], start: usize, backslash: bool) -> Option<usize> {
    let mut depth = 0u32;
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(_) if c == b'\\' && backslash => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Calls `f(position, value)` for each tab-separated field of a COPY line: `\N` is absent, and
/// the COPY escapes (`\t`, `\n`, `\\`, octal `\123`, hex `\x41`) are undone into `scratch`.
pub fn for_each_copy_field(line: &str, scratch: &mut String, f: &mut dyn FnMut(usize, SqlValue<'_>)) {
    for (col, field) in line.split('\t').enumerate() {
        if field == "\\N" {
            f(col, SqlValue::Absent);
        } else if !field.contains('\\') {
            f(col, SqlValue::Text(field));
        } else {
            copy_unescape(field, scratch);
            f(col, SqlValue::Text(scratch));
        }
    }
}

fn copy_unescape(field: &str, out: &mut String) {
    out.clear();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(next) = chars.next() else {
            out.push('\\');
            break;
        };
        match next {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut n = next.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
            }
            'x' => {
                let mut n = 0;
                let mut digits = 0;
                while digits < 2 {
                    match chars.peek().and_then(|c| c.to_digit(16)) {
                        Some(d) => {
                            n = n * 16 + d;
                            chars.next();
                            digits += 1;
                        }
                        None => break,
                    }
                }
                if digits == 0 {
                    out.push('x');
                } else {
                    out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                }
            }
            other => out.push(other),
        }
    }
}
