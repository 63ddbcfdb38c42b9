//! Guessing a delimited file's delimiter from its first bytes.

/// Delimiters SPEC §5 sniffs, in tie-break order.
pub const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
/// Bytes read from the start of an input to detect its format and delimiter.
pub const SAMPLE_BYTES: usize = 64 << 10;
/// Records of the sample looked at.
const SAMPLE_RECORDS: usize = 50;
/// A candidate whose per-record count is this consistent is trusted for its count.
const CONSISTENT: f64 = 0.9;

/// The delimiter among `, \t ; |` that splits the sample's records most consistently, or `None`
/// when none occurs (a one-column file). `complete` says the sample is the whole input, so its
/// last line is not cut short.
pub fn sniff_delimiter(sample: &[u8], complete: bool) -> Option<u8> {
    let counts = count_per_record(sample, complete);
    let mut best: Option<(u8, bool, f64, usize)> = None;
    for (c, per_record) in CANDIDATES.iter().zip(&counts) {
        let Some(mode) = mode(per_record) else { continue };
        if mode == 0 {
            continue;
        }
        let consistency = per_record.iter().filter(|&&n| n == mode).count() as f64 / per_record.len() as f64;
        let trusted = consistency >= CONSISTENT;
        let better = match best {
            None => true,
            Some((_, b_trusted, b_cons, b_mode)) => match (trusted, b_trusted) {
                (true, false) => true,
                (false, true) => false,
                (true, true) => mode > b_mode,
                (false, false) => consistency > b_cons || (consistency == b_cons && mode > b_mode),
            },
        };
        if better {
            best = Some((*c, trusted, consistency, mode));
        }
    }
    best.map(|(c, ..)| c)
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
            assert_eq!(sniff_delimiter(sample.as_bytes(), true), want, "{sample:?}");
        }
    }

    #[test]
    fn a_cut_last_line_is_ignored() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n4,5", false), Some(b';'));
    }

    #[test]
    fn quoted_newlines_do_not_split_records() {
        let sample = b"a,b\n\"x\ny;z;w\",2\n3,4\n";
        assert_eq!(sniff_delimiter(sample, true), Some(b','));
        let escaped = b"a;b\n\"say \"\"hi, there\"\", ok\";2\n3;4\n";
        assert_eq!(sniff_delimiter(escaped, true), Some(b';'));
    }
}
