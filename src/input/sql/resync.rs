//! Finding the way back after an SQL tuple that does not parse (STYLE habit 15): what may follow
//! a tuple's `)`, the lines that always start a statement, and the next place where a tuple
//! provably starts again. None of this runs on the hot path but the check after each `)`.

use super::Lexer;
use super::values::for_each_value;
use crate::input::resync::Verdict;

/// Bytes after a newline needed to tell whether the line starts a statement.
pub(super) const STATEMENT_PREFIX: usize = 24;

/// `Some(true)` when `line` (the bytes after a newline) starts an `INSERT INTO`, `INSERT IGNORE
/// INTO` or `REPLACE INTO`, or is a COPY head ([`copy_head_line`]): a line no tuple of a dump
/// holds, even inside an unclosed quote, so a strong boundary. `None` while too few bytes are
/// known.
pub(super) fn starts_records_line(line: &[u8], eof: bool) -> Option<bool> {
    const HEADS: [&[u8]; 3] = [b"INSERT INTO ", b"INSERT IGNORE INTO ", b"REPLACE INTO "];
    let known = HEADS.iter().any(|h| line.len() >= h.len() && line[..h.len()].eq_ignore_ascii_case(h));
    if known {
        return Some(true);
    }
    if !eof && line.len() < STATEMENT_PREFIX {
        return None;
    }
    copy_head_line(line, eof)
}

/// Longest line looked at for being a COPY head.
const COPY_HEAD_LINE: usize = 4096;

/// `Some(true)` when `line` is a whole line that starts with a letter and ends with ` FROM
/// stdin;`: the head of a COPY block, as pg_dump writes it (`COPY public.t (a, b) FROM stdin;`),
/// even with a stray byte in its name or columns. `None` while its end is not known.
pub(super) fn copy_head_line(line: &[u8], eof: bool) -> Option<bool> {
    if !line.first().is_some_and(u8::is_ascii_alphabetic) {
        return if line.is_empty() && !eof { None } else { Some(false) };
    }
    let look = &line[..line.len().min(COPY_HEAD_LINE)];
    let end = match memchr::memchr(b'\n', look) {
        Some(end) => end,
        None if line.len() > COPY_HEAD_LINE => return Some(false),
        None if eof => line.len(),
        None => return None,
    };
    let text = line[..end].strip_suffix(b"\r").unwrap_or(&line[..end]);
    const TAIL: &[u8] = b" FROM stdin;";
    Some(text.len() > TAIL.len() && text[text.len() - TAIL.len()..].eq_ignore_ascii_case(TAIL))
}

/// Whether what follows a tuple's closing `)` may follow one: `,` and the next `(` (or a
/// comment), `;`, a comment, the end, `ON …`/`RETURNING …`/`AS …` clauses, or a statement on a
/// later line. Anything else (`'x'),(…` after a stray `)`) means the `)` did not end the tuple.
/// `None` while the bytes known do not decide it.
pub(super) fn may_follow_tuple(rest: &[u8], eof: bool) -> Option<bool> {
    let mut i = 0;
    let mut newline = false;
    while i < rest.len() && rest[i].is_ascii_whitespace() {
        newline |= rest[i] == b'\n';
        i += 1;
    }
    let Some(&b) = rest.get(i) else { return eof.then_some(true) };
    match b {
        b';' | b'-' | b'/' | b'#' => Some(true),
        b',' => {
            let at = i + 1 + rest[i + 1..].iter().take_while(|c| c.is_ascii_whitespace()).count();
            match rest.get(at) {
                None => eof.then_some(false),
                Some(c) if c.is_ascii_alphabetic() => {
                    // MySQL 8's `,ROW(…)`.
                    let word = &rest[at..];
                    let len = word.iter().take_while(|c| c.is_ascii_alphabetic()).count();
                    if at + len == rest.len() && !eof {
                        return None;
                    }
                    Some(word[..len].eq_ignore_ascii_case(b"ROW"))
                }
                Some(c) => Some(matches!(c, b'(' | b'-' | b'/' | b'#')),
            }
        }
        _ if b.is_ascii_alphabetic() => {
            if newline {
                return Some(true);
            }
            let len = rest[i..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
            if i + len == rest.len() && !eof {
                return None;
            }
            Some(ends_tuples(&rest[i..i + len]))
        }
        _ => Some(false),
    }
}

/// Whether `word`, after a tuple on the same line, starts a clause that ends the tuples of an
/// INSERT: `ON DUPLICATE KEY UPDATE`, `RETURNING`, MySQL 8's `AS alias`.
pub(super) fn ends_tuples(word: &[u8]) -> bool {
    ["ON", "RETURNING", "AS"].iter().any(|k| word.eq_ignore_ascii_case(k.as_bytes()))
}

/// Whether `bytes`, which start with `(`, start a tuple that closes, parses, and is followed
/// as a tuple is — read afresh, outside any quote the bad tuple before it left open. Still open
/// after `limit` bytes, it is taken unproved. Also says how many bytes it read.
pub(super) fn verify_tuple(bytes: &[u8], backslash: bool, eof: bool, limit: usize) -> (Verdict, usize) {
    let mut lexer = Lexer::default();
    let mut depth = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        if i > limit {
            return (Verdict::Unproved, i);
        }
        if b == b'\n' {
            match starts_records_line(&bytes[i + 1..], eof) {
                Some(true) => return (Verdict::NotRecord, i),
                Some(false) => {}
                None => return (Verdict::NeedMore, i),
            }
        }
        let next = bytes.get(i + 1).copied();
        if next.is_none() && !eof && matches!(b, b'-' | b'/' | b'*') {
            return (Verdict::NeedMore, i);
        }
        if !lexer.feed(b, next, backslash) {
            continue;
        }
        match b {
            b'(' => depth += 1,
            b';' => return (Verdict::NotRecord, i),
            b')' => {
                depth -= 1;
                if depth == 0 {
                    let verdict = match may_follow_tuple(&bytes[i + 1..], eof) {
                        None => Verdict::NeedMore,
                        Some(false) => Verdict::NotRecord,
                        Some(true) if parses(&bytes[..=i], backslash) => Verdict::Record,
                        Some(true) => Verdict::NotRecord,
                    };
                    return (verdict, i);
                }
            }
            _ => {}
        }
    }
    (if eof { Verdict::NotRecord } else { Verdict::NeedMore }, bytes.len())
}

/// Whether `tuple` (`(…)`) parses as a tuple's values.
pub(super) fn parses(tuple: &[u8], backslash: bool) -> bool {
    let text = String::from_utf8_lossy(tuple);
    for_each_value(&text, backslash, &mut String::new(), &mut |_, _| {}).is_ok()
}

/// Where a resynchronization may go on from.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Boundary {
    /// A `(` after a `)` with no `(` between (blanks, a `,` or stray bytes may be): where tuples
    /// go on (`),(`), also past a stray byte (`)',(`, `),[(`, `) junk,(`). A tuple may start
    /// here, to be verified. A `(` inside a tuple's values (`(1,(…`) is none: the bad tuple's own
    /// values are not taken for a tuple.
    Tuple,
    /// A line starting an `INSERT`/`REPLACE` (at the byte after the newline), or the end of a
    /// line that ends with `;`: a statement boundary.
    Statement,
}

/// The state of the byte scan for boundaries, carried across reads: whether a `)` came since
/// the last `(`, and whether the last byte that was not a blank was a `;`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Seen {
    after_close: bool,
    semicolon: bool,
}

impl Seen {
    /// Where tuples go on: a `(` next is a candidate.
    pub(super) fn after_tuple() -> Self {
        Seen { after_close: true, semicolon: false }
    }

    /// Feeds byte `b`; returns the boundary it is, if any.
    pub(super) fn feed(&mut self, b: u8) -> Option<Boundary> {
        match b {
            b' ' | b'\t' | b'\r' => None,
            b'\n' if self.semicolon => {
                self.semicolon = false;
                Some(Boundary::Statement)
            }
            b'\n' => None,
            b'(' => {
                let found = self.after_close;
                *self = Seen::default();
                found.then_some(Boundary::Tuple)
            }
            _ => {
                self.after_close |= b == b')';
                self.semicolon = b == b';';
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_may_follow_a_tuple() {
        for ok in [",(", ", \n (", ";", " ON DUPLICATE", "\nINSERT", ",-- c", " /* x */", ""] {
            assert_eq!(may_follow_tuple(ok.as_bytes(), true), Some(true), "{ok:?}");
        }
        for bad in [",'x'", "'x'),(", "x,'b')", ")", ",2)"] {
            assert_eq!(may_follow_tuple(bad.as_bytes(), true), Some(false), "{bad:?}");
        }
        assert_eq!(may_follow_tuple(b",  ", false), None);
        assert_eq!(may_follow_tuple(b" O", false), None);
    }

    #[test]
    fn candidate_tuples_are_verified() {
        let verify = |bytes: &[u8], eof| verify_tuple(bytes, true, eof, 1 << 20).0;
        assert_eq!(verify(b"(2,'b'),(3,'c');", true), Verdict::Record);
        assert_eq!(verify(b"(2,'b');", true), Verdict::Record);
        assert_eq!(verify(b"(ok', 'a'b'),(2,'c')", true), Verdict::NotRecord);
        assert_eq!(verify(b"(2,'b'", false), Verdict::NeedMore);
        assert_eq!(verify(b"(2,'b;\nINSERT INTO t VALUES (1);", true), Verdict::NotRecord);
    }

    #[test]
    fn a_tuple_still_open_at_the_limit_is_taken_unproved() {
        assert_eq!(verify_tuple(b"(2,'AAAAAAAAAAAA", true, false, 8).0, Verdict::Unproved);
        assert_eq!(verify_tuple(b"(2,'A');", true, false, 8).0, Verdict::Record);
    }

    #[test]
    fn boundaries_are_found_across_blanks() {
        let found: Vec<(usize, Boundary)> = {
            let mut seen = Seen::default();
            b"(1,'a') ,\n (2);\nX"
                .iter()
                .enumerate()
                .filter_map(|(i, &b)| seen.feed(b).map(|f| (i, f)))
                .collect()
        };
        assert_eq!(found, [(11, Boundary::Tuple), (15, Boundary::Statement)]);
    }

    #[test]
    fn a_tuple_may_start_after_a_close_and_stray_bytes() {
        let candidate = |bytes: &[u8]| {
            let mut seen = Seen::default();
            bytes.iter().filter_map(|&b| seen.feed(b)).any(|f| f == Boundary::Tuple)
        };
        for yes in ["),(", ") , (", ")',(", "),[(", ")[(", "),,(", "),)(", ") junk,("] {
            assert!(candidate(yes.as_bytes()), "{yes}");
        }
        // A `(` inside a tuple's values is none.
        for no in ["1,(", "f(", "((", "'a',(", "(x,("] {
            assert!(!candidate(no.as_bytes()), "{no}");
        }
    }
}
