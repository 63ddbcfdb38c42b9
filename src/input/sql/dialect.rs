//! Which string dialect one `INSERT` is in (SPEC §5 "a piece of a dump"): MySQL's backslash
//! escapes or standard SQL strings, from what the statement itself shows: backtick or
//! double-quoted identifiers in its head, `E'…'` strings or `::` casts in its first line. A
//! statement that shows nothing takes the splitter's last shown dialect, else the header's;
//! without either, standard strings if the statement parses so, else MySQL's.

use super::Lexer;
use super::resync::starts_records_line;
use super::values::for_each_value;

/// How far past `VALUES` a statement is read to decide its dialect (a longer statement is
/// decided on its first MiB).
pub(super) const WINDOW: usize = 1 << 20;

/// `Some(true)` (MySQL) for a backtick-quoted identifier in an INSERT's head, `Some(false)`
/// (standard) for a double-quoted one (pg_dump, sqlite3), `None` for unquoted names.
pub(super) fn head_mark(head: &[u8]) -> Option<bool> {
    let mut in_string = false;
    for &b in head {
        match b {
            b'\'' => in_string = !in_string,
            b'`' if !in_string => return Some(true),
            b'"' if !in_string => return Some(false),
            _ => {}
        }
    }
    None
}

/// `Some(false)` (standard: PostgreSQL) when `line`, the first line of a statement's values,
/// has an `E'…'` string or a `::` cast outside strings.
pub(super) fn value_mark(line: &[u8]) -> Option<bool> {
    // Cheap looks first: most lines have neither (a string ending in `e` is no `E'`).
    let e_string = |needle: &[u8]| {
        memchr::memmem::find_iter(line, needle).any(|at| at == 0 || !super::is_word_byte(line[at - 1]))
    };
    if !(memchr::memmem::find(line, b"::").is_some() || e_string(b"E'") || e_string(b"e'")) {
        return None;
    }
    let mut lexer = Lexer::default();
    for (i, &b) in line.iter().enumerate() {
        let next = line.get(i + 1).copied();
        let was_open = lexer.quote.is_some();
        let code = lexer.feed(b, next, false);
        if (code && b == b':' && next == Some(b':')) || (!was_open && lexer.e_string) {
            return Some(false);
        }
    }
    None
}

/// Whether the tuples at the start of `bytes` (after `VALUES`) all parse with `backslash`
/// escapes or without, up to the statement's end or [`WINDOW`]: `Some(false)` when one does
/// not close before a `;` or a line starting a statement, or its values do not parse; `None`
/// while more bytes are needed to tell.
pub(super) fn parses(bytes: &[u8], backslash: bool, eof: bool) -> Option<bool> {
    let mut scratch = String::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        match bytes.get(i) {
            _ if i > WINDOW => return Some(true),
            None => return eof.then_some(true),
            Some(b'(') => {}
            // `;`, a clause, a comment, the next statement: every tuple before parsed.
            Some(_) => return Some(true),
        }
        let (mut lexer, mut depth, start) = (Lexer::default(), 0u32, i);
        let mut end = None;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' && starts_records_line(&bytes[i + 1..], eof) == Some(true) {
                return Some(false);
            }
            if lexer.feed(b, bytes.get(i + 1).copied(), backslash) {
                match b {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    b';' => return Some(false),
                    _ => {}
                }
            }
            i += 1;
        }
        let Some(end) = end else {
            return if eof { Some(false) } else { (i > WINDOW).then_some(true) };
        };
        let tuple = String::from_utf8_lossy(&bytes[start..end]);
        if for_each_value(&tuple, backslash, &mut scratch, &mut |_, _| {}).is_err() {
            return Some(false);
        }
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_statement_shows() {
        assert_eq!(head_mark(b"INSERT INTO `p` "), Some(true));
        assert_eq!(head_mark(b"INSERT INTO \"p\" "), Some(false));
        assert_eq!(head_mark(b"INSERT INTO public.p "), None);
        assert_eq!(value_mark(b" ('1990-01-01'::date, 1);"), Some(false));
        assert_eq!(value_mark(b" (E'a\\'b', 1);"), Some(false));
        assert_eq!(value_mark(b" ('a::b', 'Jane');"), None);
        assert_eq!(value_mark(b" ('see', 1);"), None);
    }

    #[test]
    fn a_statement_parses_or_not() {
        assert_eq!(parses(b" (1,'C:\\'),(2,'x');\n", false, true), Some(true));
        assert_eq!(parses(b" (1,'C:\\'),(2,'x');\n", true, true), Some(false));
        assert_eq!(parses(b" (1,'O\\'Brien');\n", false, true), Some(false));
        assert_eq!(parses(b" (1,'O\\'Brien');\n", true, true), Some(true));
        assert_eq!(parses(b" (1,'open", false, false), None);
        assert_eq!(parses(b" (1,'C:\\',NULL);\nINSERT INTO t VALUES (2,'x');\n", true, true), Some(false));
    }
}
