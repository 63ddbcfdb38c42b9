//! Guessing a delimited file's delimiter from its first bytes.

use crate::roles;

/// Delimiters SPEC §5 sniffs, in tie-break order.
pub const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Bytes read from the start of an input to detect its format and delimiter.
pub const SAMPLE_BYTES: usize = 64 << 10;
/// Records of the sample looked at.
const SAMPLE_RECORDS: usize = 50;
/// A candidate whose per-record count is this consistent is trusted for its count.
const CONSISTENT: f64 = 0.9;

/// The delimiter among `, \t ; |` the sample is most likely split by, or `None` when none occurs
/// (a one-column file). `complete` says the sample is the whole input, so its last line is not cut
/// short; `header` says its first line is a header row.
///
/// The rule, among the candidates that occur in most records (a per-record mode above zero):
/// 1. with a header, the candidate under which more of the header's cells are column names
///    leakcheck knows ([`roles::names_a_column`]: a SPEC §5 synonym, a family-card or a label
///    column) wins: a `;` export whose addresses or names hold commas (`Jl. A, No 1`,
///    `Budi, S.Kom`) has more commas than semicolons per record, but only `;` splits its header
///    `nik;nama;alamat` into `nik` and `nama`;
/// 2. then a candidate with the same count in at least 90% of the records beats one without;
/// 3. then, both consistent, the higher count wins; neither consistent, the more consistent one,
///    then the higher count;
/// 4. a full tie keeps the earlier of `, \t ; |`.
///
/// Without a header, or when no candidate splits it into a known name, step 1 ties everywhere and
/// the choice is the one made from counts alone.
pub fn sniff_delimiter(sample: &[u8], complete: bool, header: bool) -> Option<u8> {
    let counts = count_per_record(sample, complete);
    let known = if header { known_header_cells(sample) } else { [0; 4] };
    let mut best: Option<(u8, usize, bool, f64, usize)> = None;
    for ((c, per_record), &known) in CANDIDATES.iter().zip(&counts).zip(&known) {
        let Some(mode) = mode(per_record) else { continue };
        if mode == 0 {
            continue;
        }
        let consistency = per_record.iter().filter(|&&n| n == mode).count() as f64 / per_record.len() as f64;
        let trusted = consistency >= CONSISTENT;
        let better = match best {
            None => true,
            Some((_, b_known, b_trusted, b_cons, b_mode)) => {
                known > b_known
                    || (known == b_known
                        && match (trusted, b_trusted) {
                            (true, false) => true,
                            (false, true) => false,
                            (true, true) => mode > b_mode,
                            (false, false) => {
                                consistency > b_cons || (consistency == b_cons && mode > b_mode)
                            }
                        })
            }
        };
        if better {
            best = Some((*c, known, trusted, consistency, mode));
        }
    }
    best.map(|(c, ..)| c)
}

/// For each candidate, how many cells of the sample's first non-blank line, split by it, are
/// column names leakcheck knows. The line ends at the first `\n` or `\r` (a header with a quoted
/// line break is cut there and only loses names past it).
fn known_header_cells(sample: &[u8]) -> [usize; 4] {
    let line = sample.split(|&b| b == b'\n' || b == b'\r').find(|l| !l.is_empty()).unwrap_or_default();
    let text = super::encoding::record_text(line);
    let mut scratch = String::new();
    let mut known = [0; 4];
    for (c, n) in CANDIDATES.iter().zip(&mut known) {
        super::csv::for_each_field(&text, *c, &mut scratch, |_, cell| {
            if roles::names_a_column(cell.trim()) {
                *n += 1;
            }
        });
    }
    known
}

/// For each candidate, how often it occurs outside quotes in each record of the sample.
fn count_per_record(sample: &[u8], complete: bool) -> [Vec<usize>; 4] {
    let mut counts: [Vec<usize>; 4] = Default::default();
    let mut current = [0usize; 4];
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut records = 0;
    let mut non_blank = false;
    let mut skip_escaped = false;
    for (i, &b) in sample.iter().enumerate() {
        if skip_escaped {
            skip_escaped = false;
            continue;
        }
        if in_quotes {
            if b == b'"' {
                if sample.get(i + 1) == Some(&b'"') {
                    skip_escaped = true;
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match b {
            b'"' if at_field_start => in_quotes = true,
            b'\n' => {
                if non_blank {
                    for (k, n) in current.iter().enumerate() {
                        counts[k].push(*n);
                    }
                    records += 1;
                    if records == SAMPLE_RECORDS {
                        return counts;
                    }
                }
                current = [0; 4];
                non_blank = false;
                at_field_start = true;
                continue;
            }
            b'\r' => continue,
            _ => {}
        }
        non_blank = true;
        at_field_start = false;
        if let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
            current[k] += 1;
            at_field_start = true;
        }
    }
    if complete && non_blank {
        for (k, n) in current.iter().enumerate() {
            counts[k].push(*n);
        }
    }
    counts
}

fn mode(values: &[usize]) -> Option<usize> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for group in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| group.len() > n) {
            best = Some((group[0], group.len()));
        }
    }
    best.map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_consistent_delimiter() {
        let table: [(&str, Option<u8>); 9] = [
            ("a,b,c\n1,2,3\n4,5,6\n", Some(b',')),
            ("a;b;c\r\n1;2,5;3\r\n4;5;6\r\n", Some(b';')),
            ("nik\tnama\n3201\tBudi, S.Kom\n", Some(b'\t')),
            ("a|b|c\n1|x, y|3\n", Some(b'|')),
            ("nama;alamat\n\"Budi\";\"Jl. Mawar; No 5\"\n", Some(b';')),
            ("\"a,b\";c\n\"d,e\";f\n", Some(b';')),
            ("just one column\nvalue\n", None),
            ("a,b\n1,2\n3,4\n5;6,7", Some(b',')),
            ("", None),
        ];
        for (sample, want) in table {
            assert_eq!(sniff_delimiter(sample.as_bytes(), true, true), want, "{sample:?}");
        }
    }

    #[test]
    fn a_cut_last_line_is_ignored() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n4,5", false, true), Some(b';'));
    }

    #[test]
    fn quoted_newlines_do_not_split_records() {
        let sample = b"a,b\n\"x\ny;z;w\",2\n3,4\n";
        assert_eq!(sniff_delimiter(sample, true, true), Some(b','));
        let escaped = b"a;b\n\"say \"\"hi, there\"\", ok\";2\n3;4\n";
        assert_eq!(sniff_delimiter(escaped, true, true), Some(b';'));
    }

    /// An export of `n` rows, each `row(i)`, under `header`.
    fn export(header: &str, n: usize, row: impl Fn(usize) -> String) -> String {
        let mut text = format!("{header}\n");
        for i in 0..n {
            text.push_str(&row(i));
            text.push('\n');
        }
        text
    }

    #[test]
    fn a_semicolon_export_with_commas_in_its_addresses_is_split_by_semicolons() {
        let text = export("nik;nama;alamat", 51, |i| {
            format!("3201014107900{i:03};Nama {i};Jl. A, No 1, RT 1, Kec. B, Kota C")
        });
        assert_eq!(sniff_delimiter(text.as_bytes(), true, true), Some(b';'));
        // Cut short at any point, the header still decides.
        assert_eq!(sniff_delimiter(&text.as_bytes()[..text.len() / 2], false, true), Some(b';'));
    }

    #[test]
    fn a_pipe_export_with_commas_in_its_names_is_split_by_pipes() {
        let text = export("NIK|Nama Lengkap|No. HP", 20, |i| {
            format!("3201014107900{i:03}|Nama {i}, S.Kom, M.T|0812{i:07}")
        });
        assert_eq!(sniff_delimiter(text.as_bytes(), true, true), Some(b'|'));
    }

    #[test]
    fn a_header_with_no_known_name_keeps_the_choice_made_from_counts() {
        let text = export("kolom1;kolom2;kolom3", 20, |i| format!("{i};x;Jl. A, No 1, RT 1, Kota C"));
        assert_eq!(sniff_delimiter(text.as_bytes(), true, true), Some(b','));
        // Without a header the first row is data, however it reads.
        let data = export("nik;nama;alamat", 20, |i| format!("{i};x;Jl. A, No 1, RT 1, Kota C"));
        assert_eq!(sniff_delimiter(data.as_bytes(), true, false), Some(b','));
    }

    #[test]
    fn known_names_under_the_counted_delimiter_keep_it() {
        // `,` splits the header into `nik` and `nama`; a `;` inside a quoted field is no rival.
        let text = export("nik,nama,catatan", 20, |i| format!("3201014107900{i:03},Nama {i},\"a;b;c;d\""));
        assert_eq!(sniff_delimiter(text.as_bytes(), true, true), Some(b','));
        let crlf = "\r\nnik;nama;alamat\r\n1;Budi;Jl. A, No 1, Kota C\r\n";
        assert_eq!(sniff_delimiter(crlf.as_bytes(), true, true), Some(b';'));
    }
}
