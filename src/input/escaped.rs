//! Tab-separated text as database tools write it (SPEC §5 "the dialects real tools write"):
//! `mysql -B`, `mysqldump --tab`, `SELECT … INTO OUTFILE`, PostgreSQL `COPY … TO` in text
//! format. No quoting: a field is raw up to the next tab, a backslash escapes the byte after it
//! (`\t` `\n` `\r` `\\` `\0`, `\N` alone is NULL, a backslash before a real tab or newline keeps
//! it in the field), and a `"` is an ordinary character.
//!
//! This module owns the dialect (which of the two ways a TSV is written) and reading one escaped
//! record's fields; the splitter that finds escaped records is [`super::csv::CsvSplitter`]'s.

use memchr::memchr2;

/// How a tab-separated input is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Fields quoted like CSV (Excel's "Text (Tab delimited)", most spreadsheet tools).
    Quoted,
    /// Unquoted, backslash-escaped (database tools).
    Escaped,
}

impl Dialect {
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Quoted => "quoted",
            Dialect::Escaped => "escaped",
        }
    }
}

/// The dialect the first bytes of a tab-separated input are written in, weighing the signs of
/// each: backslash escapes (`\N` fields, `\\`, `\t`, `\n`, `\r`, `\0`, a backslash before a real
/// newline) and quoted fields that cannot be CSV (a `"` at a field's start that never closes, or
/// closes with text after it) against quoted fields that close at their field's end. Even, or no
/// sign of either: quoted, which reads such files as they were read before the dialect existed.
pub fn sniff(sample: &[u8], complete: bool) -> Dialect {
    let escapes = escape_signs(sample);
    let (closed, broken) = quote_signs(sample, complete);
    if escapes + broken > closed { Dialect::Escaped } else { Dialect::Quoted }
}

/// Backslash escapes in `sample`, counted as an escaped TSV writes them.
fn escape_signs(sample: &[u8]) -> usize {
    let mut signs = 0;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'\\', &sample[i..]) {
        let at = i + k;
        let Some(&next) = sample.get(at + 1) else { break };
        let field_start = at == 0 || matches!(sample[at - 1], b'\t' | b'\n');
        let field_end = matches!(sample.get(at + 2), None | Some(b'\t' | b'\n' | b'\r'));
        if matches!(next, b'\\' | b't' | b'n' | b'r' | b'0' | b'\n' | b'\t')
            || (next == b'N' && field_start && field_end)
        {
            signs += 1;
        }
        i = at + 2;
    }
    signs
}

/// Quoted fields of `sample` read as CSV would read them: (closed at their field's end, broken).
/// A broken one closes with text after it, or is still open where the sample ends (`complete`:
/// the sample is the whole input) or after more than [`SNIFF_QUOTE_LINES`] lines.
fn quote_signs(sample: &[u8], complete: bool) -> (usize, usize) {
    let (mut closed, mut broken) = (0, 0);
    let mut i = 0;
    while i < sample.len() {
        let field_start = i == 0 || matches!(sample[i - 1], b'\t' | b'\n');
        if sample[i] != b'"' || !field_start {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut lines = 0;
        let end = loop {
            match memchr2(b'"', b'\n', &sample[j..]) {
                None => break None,
                Some(k) if sample[j + k] == b'\n' => {
                    lines += 1;
                    if lines > SNIFF_QUOTE_LINES {
                        break None;
                    }
                    j += k + 1;
                }
                Some(k) if sample.get(j + k + 1) == Some(&b'"') => j += k + 2,
                Some(k) => break Some(j + k + 1),
            }
        };
        match end {
            Some(after) if matches!(sample.get(after), None | Some(b'\t' | b'\n' | b'\r')) => {
                closed += 1;
                i = after;
            }
            Some(_) => {
                broken += 1;
                i += 1;
            }
            None if complete || lines > SNIFF_QUOTE_LINES => {
                broken += 1;
                i += 1;
            }
            // Cut by the end of the sample: no sign either way.
            None => i += 1,
        }
    }
    (closed, broken)
}

/// A quoted field of a spreadsheet's TSV spans a few lines at most (a cell with line breaks).
const SNIFF_QUOTE_LINES: usize = 100;

/// Calls `f(column, text)` for each field of one escaped record (its line terminator excluded)
/// up to column `last`, unescaped (into `scratch` when the field holds a backslash). A NULL
/// (`\N` alone) is passed as `\N`, which [`super::is_null_marker`] knows, so it must be checked
/// before anything else: an escaped `\\N` is passed as text, unescaped.
pub fn for_each_field_until(
    record: &str,
    delim: u8,
    scratch: &mut String,
    last: usize,
    mut f: impl FnMut(usize, &str),
) {
    let rec = record.strip_suffix('\r').unwrap_or(record);
    let bytes = rec.as_bytes();
    let mut col = 0;
    let mut start = 0;
    let mut i = 0;
    let mut escaped = false;
    loop {
        // Delimiters and backslashes are ASCII: every index found is a char boundary, except
        // after a backslash, whose next byte may start a multi-byte character (skipped whole).
        let found = memchr2(delim, b'\\', &bytes[i..]).map(|k| i + k);
        match found {
            Some(at) if bytes[at] == b'\\' => {
                escaped = true;
                i = next_char(rec, at + 1);
                continue;
            }
            _ => {}
        }
        let end = found.unwrap_or(bytes.len());
        let field = &rec[start..end];
        if escaped && field != "\\N" {
            unescape(field, scratch);
            f(col, scratch);
        } else {
            f(col, field);
        }
        if end >= bytes.len() || col >= last {
            return;
        }
        col += 1;
        start = end + 1;
        i = start;
        escaped = false;
    }
}

/// The first record of an escaped input's first bytes (BOM removed): up to its first newline
/// that no backslash escapes.
pub fn first_record(head: &[u8]) -> &[u8] {
    let mut i = 0;
    while let Some(k) = memchr2(b'\\', b'\n', &head[i..]) {
        if head[i + k] == b'\n' {
            return &head[..i + k];
        }
        i += k + 2;
        if i >= head.len() {
            break;
        }
    }
    head
}

/// The index after the character starting at `i` of `s` (`s.len()` past its end).
fn next_char(s: &str, i: usize) -> usize {
    s[i..].chars().next().map_or(s.len(), |c| i + c.len_utf8())
}

/// `field` with its backslash escapes replaced, into `out`.
pub fn unescape(field: &str, out: &mut String) {
    out.clear();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('Z') => out.push('\u{1a}'),
            // `\\`, `\N` inside a field, a backslash before a real tab or newline, any other
            // character: that character (MySQL's LOAD DATA rule).
            Some(other) => out.push(other),
            // A backslash ending the record (cut by the record size limit): kept.
            None => out.push('\\'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(record: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_field_until(record, b'\t', &mut String::new(), usize::MAX, |i, f| {
            assert_eq!(i, v.len());
            v.push(f.to_string());
        });
        v
    }

    #[test]
    fn escaped_fields_unescape_as_database_tools_write_them() {
        let table: [(&str, &[&str]); 12] = [
            ("a\tb\tc", &["a", "b", "c"]),
            ("a\t\t", &["a", "", ""]),
            ("\"starts with a quote\tx", &["\"starts with a quote", "x"]),
            ("C:\\\\data\\\\\tx", &["C:\\data\\", "x"]),
            ("tab\\there\\nnew\\rcr\\0nul", &["tab\there\nnew\rcr\0nul"]),
            ("\\N\tNULL\t\\\\N", &["\\N", "NULL", "\\N"]),
            // mysqldump --tab: a backslash before a real tab or newline keeps it in the field.
            ("a\\\tb\tc", &["a\tb", "c"]),
            ("line one\\\nline two\t\\N", &["line one\nline two", "\\N"]),
            ("Müller – 東京 😀\t\\ü", &["Müller – 東京 😀", "ü"]),
            ("a),(b\t'); x", &["a),(b", "'); x"]),
            ("x\r", &["x"]),
            ("ends\\", &["ends\\"]),
        ];
        for (record, want) in table {
            assert_eq!(fields(record), want, "{record:?}");
        }
    }

    #[test]
    fn fields_after_last_are_not_read() {
        let mut seen = Vec::new();
        for_each_field_until("a\tb\\tc\td", b'\t', &mut String::new(), 1, |i, f| {
            seen.push((i, f.to_string()))
        });
        assert_eq!(seen, [(0, "a".to_string()), (1, "b\tc".to_string())]);
    }

    #[test]
    fn the_dialect_is_sniffed_from_its_signs() {
        let table: [(&str, bool, Dialect); 10] = [
            // mysql -B: escapes, no quoting; a note that starts with a quote.
            ("id\tnote\n1\t\"starts\n2\tC:\\\\data\n", true, Dialect::Escaped),
            ("1\t\\N\n2\tx\n", true, Dialect::Escaped),
            ("1\tline one\\\nline two\n", true, Dialect::Escaped),
            // A quote at a field's start that never closes is no CSV quoting.
            ("id\tnote\n1\t\"starts with a quote\n2\tok\n", true, Dialect::Escaped),
            ("id\tnote\n1\t\"O\" said\n", true, Dialect::Escaped),
            // Excel: quoted cells with tabs, quotes and line breaks in them.
            ("id\tnote\n1\t\"a\tb\"\n2\t\"say \"\"hi\"\"\"\n3\t\"two\nlines\"\n", true, Dialect::Quoted),
            ("nik\tnama\n1\tBudi\n", true, Dialect::Quoted),
            ("", true, Dialect::Quoted),
            // Cut by the end of the sample: not a sign.
            ("id\tnote\n1\t\"open", false, Dialect::Quoted),
            // One escape against two well-quoted fields.
            ("1\t\"a\"\t\"b\"\tC:\\new\n", true, Dialect::Quoted),
        ];
        for (sample, complete, want) in table {
            assert_eq!(sniff(sample.as_bytes(), complete), want, "{sample:?}");
        }
    }

    proptest::proptest! {
        /// Whatever the record, every byte is in one field or is a tab or a backslash, and
        /// reading never panics on a backslash before a multi-byte character.
        #[test]
        fn escaped_fields_never_lose_text(
            chars in proptest::collection::vec(proptest::sample::select(vec!['a', '\t', '\\', 'N', 'é', '"', '\n']), 0..60),
        ) {
            let record: String = chars.into_iter().collect();
            let mut letters = 0;
            for_each_field_until(&record, b'\t', &mut String::new(), usize::MAX, |_, f| {
                letters += f.chars().filter(|c| *c == 'a' || *c == 'é').count();
            });
            let want = record.chars().filter(|c| *c == 'a' || *c == 'é').count();
            proptest::prop_assert_eq!(letters, want);
        }
    }
}
