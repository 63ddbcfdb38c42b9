//! Telling a stray quote from a quoted field that spans lines (CSV, SPEC §9): a `"` opening a
//! field and closed lines later by junk swallows the rows between into one field, while a
//! proper multi-line field (an address, a note, a base64 photo of 15,000 lines) holds text.
//! The sign used: every whole line the field swallowed reads, alone, as a row with as many
//! fields as the header. Only the lines are looked at, once, when such a field closes.

/// A header with fewer fields than this never calls a field a stray quote: with two or three
/// columns, a wrapped address line (`RT 02, RW 03, Bandung`) has as many commas as a row.
pub(super) const MIN_FIELDS: usize = 4;

/// Why a record is bad when its quote ran over rows (the rows are read, the record is not).
pub(super) const STRAY_QUOTE: &str =
    "stray quote: its quoted field ran over lines that read as rows, which are read as records";

/// Whether the quoted field of `record` (its bytes up to the closing quote) swallowed rows: it
/// spans at least one whole line after the record's first, and each such line reads alone as
/// a row of `fields` fields (quotes balanced on it). Returns where the record's first line
/// ends (its newline) when so.
pub(super) fn swallowed_rows(record: &[u8], delim: u8, newline: u8, fields: usize) -> Option<usize> {
    if fields < MIN_FIELDS {
        return None;
    }
    let first_end = memchr::memchr(newline, record)?;
    let last_start = memchr::memrchr(newline, record)? + 1;
    if last_start <= first_end + 1 {
        return None; // no whole line between the first and the closing one
    }
    record[first_end + 1..last_start - 1]
        .split(|&b| b == newline)
        .all(|line| fields_of_line(line.strip_suffix(b"\r").unwrap_or(line), delim) == Some(fields))
        .then_some(first_end)
}

/// The fields of one line read alone as a CSV row (a quote opens a field only at its start,
/// `""` inside quotes is a quote); `None` when a quote is left open at its end.
pub(super) fn fields_of_line(line: &[u8], delim: u8) -> Option<usize> {
    let (mut fields, mut in_quotes, mut field_start) = (1, false, true);
    let mut i = 0;
    while let Some(&b) = line.get(i) {
        if in_quotes {
            if b == b'"' {
                if line.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == delim {
            fields += 1;
            field_start = true;
            i += 1;
            continue;
        } else if b == b'"' && field_start {
            in_quotes = true;
        }
        field_start = false;
        i += 1;
    }
    (!in_quotes).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_a_line_read_alone() {
        let table: [(&str, Option<usize>); 8] = [
            ("a,b,c", Some(3)),
            ("", Some(1)),
            ("a,\"b,c\",d", Some(3)),
            ("a,\"b \"\"x\"\", c\",d", Some(3)),
            ("a,b\"c,d", Some(3)),
            ("a,\"b,c", None),
            ("\"\",\"\"", Some(2)),
            ("a,\"b\"x,c", Some(3)),
        ];
        for (line, want) in table {
            assert_eq!(fields_of_line(line.as_bytes(), b','), want, "{line}");
        }
    }

    #[test]
    fn only_lines_that_read_as_rows_are_swallowed_rows() {
        let rows = "1,\"Siti,a,b\n2,Budi,c,d\n3,Ani,e,\"f\"";
        assert_eq!(swallowed_rows(rows.as_bytes(), b',', b'\n', 4), Some(11));
        let table: [(&str, usize); 5] = [
            // A field over two lines swallows no whole line.
            ("1,\"Siti,a,b\n2,Budi\",c,d", 4),
            // Wrapped text: lines with fewer or more delimiters than a row.
            ("1,a,b,\"Jl. Mawar 1,\nRT 02, RW 03\nBandung\"", 4),
            ("1,a,b,\"x\nA, B, C, D, E\ny\"", 4),
            // base64: no delimiter at all.
            ("1,a,b,\"QUJD\nREVG\nR0hJ\"", 4),
            // Too few columns to tell a row from a wrapped line.
            ("1,\"a\nRT 02, RW 03, Bandung\nx\"", 3),
        ];
        for (record, fields) in table {
            assert_eq!(swallowed_rows(record.as_bytes(), b',', b'\n', fields), None, "{record:?}");
        }
        // CRLF rows.
        assert_eq!(swallowed_rows(b"1,\"a,b,c\r\n2,x,y,z\r\n3,\"", b',', b'\n', 4), Some(9));
    }
}
