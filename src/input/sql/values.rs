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
/// into `scratch`: with `backslash`, MySQL escapes (`\'`, `\n`, `\\`…) as well as `''`. A value
/// may be an expression as sqlite3 and PostgreSQL write them (see [`expression`]).
pub fn for_each_value(
    tuple: &str,
    backslash: bool,
    scratch: &mut String,
    f: &mut dyn FnMut(usize, SqlValue<'_>),
) -> Result<(), &'static str> {
    let inner = tuple.trim().strip_prefix('(').and_then(|t| t.strip_suffix(')')).ok_or(BAD)?;
    let b = inner.as_bytes();
    let mut i = skip_blanks(b, 0);
    if i == b.len() {
        return Ok(()); // `()`
    }
    let mut col = 0;
    loop {
        i = skip_blanks(b, i);
        if matches!(b.get(i), None | Some(b',')) {
            return Err("empty value in an SQL tuple");
        }
        let (value, end) = expression(inner, i, backslash, 0, scratch)?;
        f(col, sql_value(value, inner, scratch));
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

pub(super) const BAD: &str = "SQL tuple does not parse";

/// The value an [`expression`] read: its text is in `scratch` (a string) or in `s` (a number
/// as written).
fn sql_value<'a>(kind: Kind, s: &'a str, scratch: &'a str) -> SqlValue<'a> {
    match kind {
        Kind::Text => SqlValue::Text(scratch),
        Kind::Number(start, end) => SqlValue::Text(&s[start..end]),
        Kind::Absent => SqlValue::Absent,
        Kind::NotIdentity => SqlValue::NotIdentity,
    }
}

/// Calls `f(position, column, value)` for each assignment of MySQL's `INSERT … SET a = 1,
/// b = 'x'` (the list after `SET`): the column as written, unquoted (`` `t`.`a` `` is `a`), and
/// its value read as a tuple's are.
pub fn for_each_assignment(
    list: &str,
    backslash: bool,
    scratch: &mut String,
    f: &mut dyn FnMut(usize, &str, SqlValue<'_>),
) -> Result<(), &'static str> {
    const BAD_SET: &str = "SQL INSERT … SET does not parse";
    let b = list.as_bytes();
    let mut i = 0;
    let mut col = 0;
    loop {
        i = skip_blanks(b, i);
        let (column, after) = column_name(list, i).ok_or(BAD_SET)?;
        i = skip_blanks(b, after);
        if b.get(i) != Some(&b'=') {
            return Err(BAD_SET);
        }
        i = skip_blanks(b, i + 1);
        if matches!(b.get(i), None | Some(b',')) {
            return Err(BAD_SET);
        }
        let (value, end) = expression(list, i, backslash, 0, scratch)?;
        f(col, column, sql_value(value, list, scratch));
        i = skip_blanks(b, end);
        match b.get(i) {
            None => return Ok(()),
            Some(b',') => {
                i += 1;
                col += 1;
            }
            Some(_) => return Err(BAD_SET),
        }
    }
}

/// The column named at `s[i]` (`a`, `` `a` ``, `"a"`, `t.a`: the last part, unquoted) and the
/// index after it; `None` when no name is there.
fn column_name(s: &str, mut i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    loop {
        let (name, end) = match b.get(i)? {
            &q @ (b'`' | b'"') => {
                let close = i + 1 + memchr::memchr(q, &b[i + 1..])?;
                (&s[i + 1..close], close + 1)
            }
            c if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$' || !c.is_ascii() => {
                let len = b[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$') || !c.is_ascii())
                    .count();
                (&s[i..i + len], i + len)
            }
            _ => return None,
        };
        if b.get(end) != Some(&b'.') {
            return (!name.is_empty()).then_some((name, end));
        }
        i = end + 1;
    }
}

/// What a value is: text (in the scratch string), a number as written (`s[start..end]`), NULL,
/// or no identity (binary, an unknown function's result, a keyword).
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Text,
    Number(usize, usize),
    Absent,
    NotIdentity,
}

/// The value starting at `s[i]`: a term, its casts (`'1990-01-01'::date`: the literal), and
/// the terms it is concatenated with by `||` (sqlite3 and PostgreSQL). Text goes into `out`;
/// returns the kind and the index after the value. `depth` counts enclosing function calls.
pub(super) fn expression(
    s: &str,
    i: usize,
    backslash: bool,
    depth: u32,
    out: &mut String,
) -> Result<(Kind, usize), &'static str> {
    let b = s.as_bytes();
    let (kind, end) = term(s, i, backslash, depth, out)?;
    let (mut kind, mut end) = casts(s, end, kind)?;
    if !b[skip_blanks(b, end)..].starts_with(b"||") {
        return Ok((kind, end));
    }
    // Concatenation is rare (sqlite3 writes it for some values): only here are strings made.
    let mut whole = String::new();
    let mut part = String::new();
    push_text(&mut whole, kind, s, out);
    loop {
        let at = skip_blanks(b, end);
        if !b[at..].starts_with(b"||") {
            break;
        }
        let (next, next_end) = term(s, skip_blanks(b, at + 2), backslash, depth, &mut part)?;
        let (next, next_end) = casts(s, next_end, next)?;
        push_text(&mut whole, next, s, &part);
        kind = match (kind, next) {
            (Kind::Absent, _) | (_, Kind::Absent) => Kind::Absent,
            (Kind::NotIdentity, _) | (_, Kind::NotIdentity) => Kind::NotIdentity,
            _ => Kind::Text,
        };
        if whole.len() > s.len() {
            return Err(super::expr::TOO_LARGE);
        }
        end = next_end;
    }
    if matches!(kind, Kind::Text) {
        out.clear();
        out.push_str(&whole);
    }
    Ok((kind, end))
}

/// Appends a value's text (a string in `text`, or a number of `s`) to `to`.
pub(super) fn push_text(to: &mut String, kind: Kind, s: &str, text: &str) {
    match kind {
        Kind::Text => to.push_str(text),
        Kind::Number(start, end) => to.push_str(&s[start..end]),
        Kind::Absent | Kind::NotIdentity => {}
    }
}

/// One term at `s[i]`: a string, a number, NULL, a keyword, a literal with a prefix, or a call.
fn term(
    s: &str,
    i: usize,
    backslash: bool,
    depth: u32,
    out: &mut String,
) -> Result<(Kind, usize), &'static str> {
    let b = s.as_bytes();
    Ok(match b.get(i) {
        None => return Err(BAD),
        Some(b'\'' | b'"') => (Kind::Text, unescape(s, i, Escapes::of(backslash), out).ok_or(BAD)?),
        Some(_) => {
            let word_end = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$'))
                .count();
            let word = &s[i..word_end];
            match b.get(word_end) {
                // `_binary '…'`, `_utf8mb4 '…'`: a charset introducer before a string.
                Some(b' ' | b'\'')
                    if word.starts_with('_') && b.get(skip_blanks(b, word_end)) == Some(&b'\'') =>
                {
                    let at = skip_blanks(b, word_end);
                    // The string's bytes are its value whatever the charset (`_binary` too: a
                    // BLOB of text digits is an identifier as much as a string is).
                    (Kind::Text, unescape(s, at, Escapes::of(backslash), out).ok_or(BAD)?)
                }
                // `X'…'`: a hex literal (sqlite3's BLOBs, mysqldump --hex-blob), read as its bytes.
                Some(b'\'') if word.eq_ignore_ascii_case("x") => {
                    let close = word_end + 1 + memchr::memchr(b'\'', &b[word_end + 1..]).ok_or(BAD)?;
                    hex_text(&s[word_end + 1..close], out).ok_or(BAD)?;
                    (Kind::Text, close + 1)
                }
                // `B'…'`: a bit literal; `E'…'`: PostgreSQL escape strings (their
                // backslashes escape in either mode); `N'…'`: a national-charset string.
                Some(b'\'') if word.len() == 1 => {
                    let e = word.eq_ignore_ascii_case("e");
                    let escapes = if e { Escapes::Postgres } else { Escapes::of(backslash) };
                    let end = unescape(s, word_end, escapes, out).ok_or(BAD)?;
                    (if e || word.eq_ignore_ascii_case("n") { Kind::Text } else { Kind::NotIdentity }, end)
                }
                // A function call: the ones sqlite3 writes are evaluated, others skipped.
                Some(b'(') if !word.is_empty() => {
                    match super::expr::call(word, s, word_end, backslash, depth, out) {
                        Some(result) => result?,
                        None => (Kind::NotIdentity, skip_parens(b, word_end, backslash).ok_or(BAD)?),
                    }
                }
                _ if word.eq_ignore_ascii_case("NULL") => (Kind::Absent, word_end),
                _ if word.starts_with("0x") || word.starts_with("0X") => {
                    hex_text(&word[2..], out).ok_or(BAD)?;
                    (Kind::Text, word_end)
                }
                _ => {
                    // A number (with sign, dot, exponent) or a keyword such as TRUE/DEFAULT.
                    let end = i + b[i..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+' | b'_'))
                        .count();
                    if end == i {
                        return Err(BAD);
                    }
                    let text = &s[i..end];
                    if text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.') {
                        (Kind::Number(i, end), end)
                    } else {
                        (Kind::NotIdentity, end)
                    }
                }
            }
        }
    })
}

/// The bytes written in hex digits (`3331…`) as text into `out`: UTF-8 when they are, other bytes
/// Windows-1252 (as the input layer reads records). `None` for an odd count or a non-hex digit.
pub(super) fn hex_text(digits: &str, out: &mut String) -> Option<()> {
    let d = digits.as_bytes();
    if !d.len().is_multiple_of(2) || !d.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut bytes = Vec::with_capacity(d.len() / 2);
    for pair in digits.as_bytes().chunks_exact(2) {
        let digit = |c: u8| char::from(c).to_digit(16).unwrap_or(0) as u8;
        bytes.push(digit(pair[0]) << 4 | digit(pair[1]));
    }
    out.clear();
    out.push_str(&crate::input::encoding::record_text(&bytes));
    Some(())
}

/// `::type` casts after a value at `s[end]` (`::date`, `::timestamp with time zone`,
/// `::numeric(10,2)`, `::integer[]`, chained): the value is its literal, except `::bytea`.
fn casts(s: &str, mut end: usize, mut kind: Kind) -> Result<(Kind, usize), &'static str> {
    let b = s.as_bytes();
    loop {
        let at = skip_blanks(b, end);
        if !b[at..].starts_with(b"::") {
            return Ok((kind, end));
        }
        let start = skip_blanks(b, at + 2);
        let (mut i, mut depth) = (start, 0u32);
        while let Some(&c) = b.get(i) {
            match c {
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b',' if depth == 0 => break,
                b'"' => i += b[i + 1..].iter().position(|&q| q == b'"').ok_or(BAD)? + 1,
                _ if depth > 0 => {}
                c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'[' | b']' | b' ' | b'\t') => {}
                _ => break,
            }
            i += 1;
        }
        let ty = s[start..i].trim_end();
        if ty.is_empty() || depth > 0 {
            return Err(BAD);
        }
        if ty
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("bytea"))
        {
            kind = Kind::NotIdentity;
        }
        end = start + ty.len();
    }
}

pub(super) fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// How backslashes in a quoted string are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Escapes {
    /// A backslash is an ordinary character (standard SQL, sqlite3).
    None,
    /// MySQL's escapes: `\0`, `\n`, `\Z`…; `\%` and `\_` keep their backslash.
    MySql,
    /// PostgreSQL's `E'…'` escapes: `\n`, octal `\101`, hex `\x41`, `\u00e9`, `\U0001F600`.
    Postgres,
}

impl Escapes {
    pub(super) fn of(backslash: bool) -> Self {
        if backslash { Escapes::MySql } else { Escapes::None }
    }
}

/// Unescapes the quoted string starting at `start` (its quote byte) into `out`; returns the index
/// after the closing quote, or `None` when it does not close.
pub(super) fn unescape(s: &str, start: usize, escapes: Escapes, out: &mut String) -> Option<usize> {
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
        if c == b'\\' && escapes != Escapes::None {
            out.push_str(&s[run..i]);
            b.get(i + 1)?;
            i = if escapes == Escapes::Postgres {
                backslash_sequence(s, i, true, out)
            } else {
                mysql_sequence(s, i, out)
            };
            run = i;
            continue;
        }
        i += 1;
    }
    None
}

/// The MySQL escape at `s[i]` (a backslash with a byte after it) into `out`; the index after it.
fn mysql_sequence(s: &str, i: usize, out: &mut String) -> usize {
    let next = s.as_bytes()[i + 1];
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
        // A multi-byte character after a backslash: keep it whole (it is copied with the run).
        _ => return i + 1,
    }
    i + 2
}

/// The PostgreSQL escape at `s[i]` (a backslash) into `out`, as COPY text and `E'…'` strings
/// write them: `\b \f \n \r \t \v`, octal `\ooo`, hex `\xhh`, with `unicode` also `\uXXXX` and
/// `\UXXXXXXXX`; any other character stands for itself. Returns the index after it.
pub(super) fn backslash_sequence(s: &str, i: usize, unicode: bool, out: &mut String) -> usize {
    let b = s.as_bytes();
    let Some(&next) = b.get(i + 1) else {
        out.push('\\');
        return i + 1;
    };
    let digits = |from: usize, max: usize, radix: u32| {
        let n = b[from..].iter().take(max).take_while(|c| char::from(**c).is_digit(radix)).count();
        let value = u32::from_str_radix(&s[from..from + n], radix).ok();
        (value, from + n)
    };
    let simple = match next {
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'v' => Some('\u{b}'),
        _ => None,
    };
    if let Some(c) = simple {
        out.push(c);
        return i + 2;
    }
    let (value, end) = match next {
        b'0'..=b'7' => digits(i + 1, 3, 8),
        b'x' => digits(i + 2, 2, 16),
        b'u' if unicode => digits(i + 2, 4, 16),
        b'U' if unicode => digits(i + 2, 8, 16),
        _ => (None, i + 1),
    };
    match value {
        Some(v) => {
            out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            end
        }
        // `\x` without digits, `\q`, a multi-byte character: the character itself.
        None => {
            let c = s[i + 1..].chars().next().unwrap_or('\\');
            out.push(c);
            i + 1 + c.len_utf8()
        }
    }
}

/// Skips `( … )` starting at `start`, quotes respected; returns the index after it.
pub(super) fn skip_parens(b: &[u8], start: usize, backslash: bool) -> Option<usize> {
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
    let b = field.as_bytes();
    let (mut i, mut run) = (0, 0);
    while let Some(at) = memchr::memchr(b'\\', &b[i..]) {
        out.push_str(&field[run..i + at]);
        i = backslash_sequence(field, i + at, false, out);
        run = i;
    }
    out.push_str(&field[run..]);
}
