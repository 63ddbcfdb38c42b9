//! A hostile sweep (issue 14): one stray `' " ( ) { } [ ] , ; \` inserted at every byte position
//! of a small MySQL dump, PostgreSQL COPY blocks and JSON arrays. Whatever the position, nothing
//! panics, every record the stray byte does not touch is read (its watched NIK is found), and
//! every record that is not read is counted bad: a loss is never silent.

use leakcheck::input::{self, BatchLimits, Format, InputOptions};
use leakcheck::kind::Kind;
use std::collections::BTreeSet;
use std::ops::RangeInclusive;

const STRAYS: &[u8] = b"'\"(){}[],;\\";

/// A dump written piece by piece: where each record is, and the heads (a statement up to its
/// first record) whose corruption touches every record of their statement.
#[derive(Default)]
struct Written {
    text: String,
    /// Each record's NIK and the positions whose insertion touches it: its first byte up to
    /// the byte after its last, and the separators on either side (a stray byte between two
    /// tuples, `),[(`, may cost the tuple before it as well as the one after).
    records: Vec<(String, RangeInclusive<usize>)>,
    /// Where the separator just written starts.
    separator: Option<usize>,
    /// Heads (a statement up to its first record, the document's first byte): positions, and
    /// the records of their statement.
    heads: Vec<(RangeInclusive<usize>, RangeInclusive<usize>)>,
}

impl Written {
    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn record(&mut self, nik: &str, s: &str) {
        let start = self.separator.take().unwrap_or(self.text.len());
        self.text.push_str(s);
        self.records.push((nik.to_string(), start..=self.text.len()));
    }

    /// The separator after the last record.
    fn separator(&mut self, s: &str) {
        self.separator = Some(self.text.len());
        self.text.push_str(s);
        if let Some((_, range)) = self.records.last_mut() {
            *range = *range.start()..=self.text.len();
        }
    }

    /// A head written by `f` and the records `records` writes after it.
    fn statement(&mut self, head: &str, records: impl FnOnce(&mut Self)) {
        let start = self.text.len();
        self.text.push_str(head);
        let head_end = self.text.len();
        let first = self.records.len();
        records(self);
        self.heads.push((start..=head_end, first..=self.records.len() - 1));
    }

    /// Whether byte `at` is in a statement's head (`INSERT INTO … VALUES `, a `COPY` line, the
    /// `[` of a JSON document).
    fn in_head(&self, at: usize) -> bool {
        self.heads.iter().any(|(head, _)| head.contains(&at))
    }

    /// The records an insertion before byte `at` touches.
    fn touched(&self, at: usize) -> BTreeSet<usize> {
        let mut touched: BTreeSet<usize> =
            (0..self.records.len()).filter(|&k| self.records[k].1.contains(&at)).collect();
        for (head, records) in &self.heads {
            if head.contains(&at) {
                touched.extend(records.clone());
            }
        }
        touched
    }
}

fn nik(k: usize) -> String {
    format!("31740512038800{k:02}")
}

fn mysql() -> Written {
    let mut w = Written::default();
    w.raw("CREATE TABLE `p` (`id` int, `nik` varchar(16), `nama` varchar(100), `t` varchar(40));\n");
    let values = [
        "'Budi','2020-01-01'",
        "'Ma\\'ruf','kontrol),(ulang'",
        "'O''Brien','a;b'",
        "NULL,'x\\\\'",
        "'Sari \\\"S\\\"','(5)'",
        "'Dewi','2020-01-06'",
    ];
    for (first, statement) in [(1, &values[..4]), (5, &values[4..])] {
        w.statement("INSERT INTO `p` VALUES ", |w| {
            for (i, v) in statement.iter().enumerate() {
                let k = first + i;
                if i > 0 {
                    w.separator(",");
                }
                w.record(&nik(k), &format!("({k},'{}',{v})", nik(k)));
            }
        });
        w.raw(";\n");
    }
    w
}

fn pg_copy() -> Written {
    let mut w = Written::default();
    w.raw("--\n-- PostgreSQL database dump\n--\n\n");
    let rows = ["Budi\t2020-01-01", "Ma'ruf\tkontrol),(ulang", "O\"Brien\ta\\\\b", "\\N\t(4)"];
    w.statement("COPY public.p (id, nik, nama, t) FROM stdin;\n", |w| {
        for (i, row) in rows.iter().enumerate() {
            let k = i + 1;
            w.record(&nik(k), &format!("{k}\t{}\t{row}", nik(k)));
            w.raw("\n");
        }
    });
    w.raw("\\.\n\n");
    w.statement("COPY public.q (id, nik) FROM stdin;\n", |w| {
        w.record(&nik(5), &format!("5\t{}", nik(5)));
        w.raw("\n");
    });
    w.raw("\\.\n");
    w
}

fn json(pretty: bool, wrapped: bool) -> Written {
    let mut w = Written::default();
    let sep = if pretty { ",\n " } else { "," };
    let extras = [
        "\"nama\":\"Budi\"",
        "\"nama\":\"Ma'ruf \\\"M\\\"\",\"t\":\"kontrol},{ulang\"",
        "\"riwayat\":[{\"dx\":\"A09\"},{\"dx\":\"J18\"}],\"nama\":\"Sari\"",
        "\"nama\":null,\"t\":[1,2]",
        "\"nama\":\"Dewi\\\\\"",
    ];
    let (head, tail) = if wrapped { ("{\"data\":[", "]}\n") } else { ("[", "]\n") };
    // Known limit: in a records array nested in an object, an element that holds an array of
    // objects (`"riwayat":[{…},{…}]`) and is broken by a stray `]` in that array resynchronizes
    // on its inner object, whose `],"nama"` reads as the records array's end followed by a key:
    // the elements after it are counted as one bad record, not read. Not swept yet.
    let extras: Vec<&str> =
        extras.iter().copied().filter(|e| !(wrapped && e.starts_with("\"riwayat\""))).collect();
    w.statement(head, |w| {
        for (i, extra) in extras.iter().enumerate() {
            let k = i + 1;
            if i > 0 {
                w.separator(sep);
            }
            w.record(&nik(k), &format!("{{\"id\":{k},\"nik\":\"{}\",{extra}}}", nik(k)));
        }
    });
    w.raw(tail);
    w
}

/// Reads `bytes` as `format`: the NIKs found in good records, how many records were read, and
/// how many were bad (by the splitter or by the extractor).
fn read(format: Format, bytes: Vec<u8>) -> (BTreeSet<String>, usize, usize) {
    let options = InputOptions { format: Some(format), ..InputOptions::default() };
    let mut found = BTreeSet::new();
    let (mut good, mut bad) = (0, 0);
    let Ok(mut dump) =
        input::open_reader("sweep".into(), None, Box::new(std::io::Cursor::new(bytes)), &options)
    else {
        return (found, good, bad);
    };
    let mut batch = std::mem::take(&mut dump.first);
    let mut scratch = String::new();
    loop {
        for span in &batch.spans {
            if span.bad.is_some() {
                bad += 1;
                continue;
            }
            let text = batch.record_text(span);
            let mut niks = Vec::new();
            let extracted =
                dump.extractor.extract(&text, batch.layout(span), &mut scratch, &mut |kind, v| {
                    if kind == Kind::Nik {
                        niks.push(v.to_string());
                    }
                });
            match extracted {
                Ok(()) => {
                    good += 1;
                    found.extend(niks);
                }
                Err(_) => bad += 1,
            }
        }
        match dump.splitter.next_batch(&mut batch, BatchLimits::STEADY) {
            Ok(true) => {}
            _ => break,
        }
    }
    (found, good, bad)
}

/// Inserts every stray byte at every position of `written` and checks the rule; returns the
/// failures, described.
fn sweep(name: &str, format: Format, written: &Written, strays: &[u8]) -> Vec<String> {
    let all: BTreeSet<String> = written.records.iter().map(|r| r.0.clone()).collect();
    let (clean, clean_good, clean_bad) = read(format, written.text.clone().into_bytes());
    assert_eq!((&clean, clean_good, clean_bad), (&all, all.len(), 0), "{name}: the clean dump is read whole");
    let mut failures = Vec::new();
    for at in 0..=written.text.len() {
        for &stray in strays {
            let mut bytes = written.text.clone().into_bytes();
            bytes.insert(at, stray);
            let (found, good, bad) = read(format, bytes.clone());
            let touched = written.touched(at);
            let lost: Vec<usize> = (0..written.records.len())
                .filter(|k| !touched.contains(k) && !found.contains(&written.records[*k].0))
                .map(|k| k + 1)
                .collect();
            // A touched record may be read with a changed value, or be bad; never neither. Known
            // limit: a stray byte in a statement's head (`INS'ERT`, `COPY … FROM std'in;`, junk
            // before a JSON document's `[`) may still cost that statement's records with fewer
            // bad records than records (never the records of another statement).
            if !lost.is_empty() || (good + bad < all.len() && !written.in_head(at)) {
                failures.push(format!(
                    "{name}: {:?} before byte {at}: untouched records lost {lost:?}, {good} read + {bad} bad of {}:\n{}",
                    char::from(stray),
                    all.len(),
                    String::from_utf8_lossy(&bytes)
                ));
            }
        }
    }
    failures
}

#[test]
fn a_stray_byte_anywhere_loses_at_most_the_records_it_touches_and_never_in_silence() {
    let mut failures = Vec::new();
    failures.extend(sweep("mysql", Format::Sql, &mysql(), STRAYS));
    failures.extend(sweep("pg_copy", Format::Sql, &pg_copy(), STRAYS));
    failures.extend(sweep("json", Format::Json, &json(false, false), STRAYS));
    failures.extend(sweep("json, one element a line", Format::Json, &json(true, false), STRAYS));
    // The records array nested in an object: a stray `]` (known limit: the other stray bytes
    // are not yet swept there).
    failures.extend(sweep("json, {\"data\":[…]}", Format::Json, &json(false, true), b"]"));
    failures.extend(sweep("json, {\"data\":[…]}, one element a line", Format::Json, &json(true, true), b"]"));
    let shown: Vec<&str> = failures.iter().take(12).map(String::as_str).collect();
    assert!(failures.is_empty(), "{} failures; the first ones:\n{}", failures.len(), shown.join("\n\n"));
}
