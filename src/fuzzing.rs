//! Harnesses shared by the fuzz targets under `fuzz/` and their regression tests: each takes
//! arbitrary bytes, runs one part of leakcheck on them, and panics only when a property breaks
//! (a panic inside leakcheck is a finding too).

use crate::hash::Hasher;
use crate::input::{self, BatchLimits, Format, InputOptions, Wanted};
use crate::inspect::{self, Tally};
use crate::kind::Kind;
use crate::normalize;
use crate::watchlist::{self, LoadOptions};
use std::io::Read;

/// The fuzz targets, by name: each is `run(name, data)`.
pub const TARGETS: [&str; 9] = [
    "csv",
    "ndjson",
    "json",
    "mysql",
    "pg_copy",
    "watchlist_plain",
    "watchlist_csv",
    "watchlist_hashed",
    "normalize",
];

/// Runs the harness of fuzz target `target` on `data`. SQL and CSV-watchlist targets put a
/// fixed head before the data so that most inputs reach the tuple, row or entry parser.
pub fn run(target: &str, data: &[u8]) {
    let with_head = |head: &[u8]| [head, data].concat();
    match target {
        "csv" => dump(Format::Csv, data),
        "ndjson" => dump(Format::Ndjson, data),
        "json" => dump(Format::Json, data),
        "mysql" => {
            dump(Format::Sql, &with_head(b"INSERT INTO `pasien` (`nik`,`nama`,`tgl_lahir`,`no_hp`) VALUES "))
        }
        "pg_copy" => {
            dump(Format::Sql, &with_head(b"COPY public.pasien (nik, nama, tgl_lahir, no_hp) FROM stdin;\n"))
        }
        "watchlist_plain" => watchlist(data),
        "watchlist_csv" => watchlist(&with_head(b"id,nik,nama,tgl_lahir,no_hp,email\n")),
        "watchlist_hashed" => watchlist(&with_head(
            br#"{"format":"leakcheck-watchlist","version":1,"keyed":false,"key_check":null,"entries":1}
"#,
        )),
        "normalize" => normalizers(data),
        _ => panic!("no fuzz target {target}"),
    }
}

/// One record as the splitter found it: number, line, why it is bad, and its bytes.
type Seen = (u64, u64, Option<&'static str>, Vec<u8>);

/// Reads `bytes` as a dump of `format`, checks the records are numbered 1, 2, 3… and that
/// feeding the same bytes one at a time splits them identically, and passes every value of
/// every record through the extractor and the normalizers.
pub fn dump(format: Format, bytes: &[u8]) {
    let whole = read_dump(format, Box::new(std::io::Cursor::new(bytes.to_vec())));
    for (i, seen) in whole.iter().enumerate() {
        assert_eq!(seen.0, i as u64 + 1, "records are numbered in order");
    }
    assert!(whole.windows(2).all(|w| w[0].1 <= w[1].1), "lines never go back");
    if bytes.len() <= 4096 {
        let trickled = read_dump(format, Box::new(Trickle(bytes.to_vec(), 0)));
        assert_eq!(whole, trickled, "the split does not depend on how reads fall");
    }
}

fn read_dump(format: Format, reader: Box<dyn Read + Send>) -> Vec<Seen> {
    read_records(format, reader, true)
}

/// The records of a dump as [`read_dump`] reads them; `render`: whether to render and check
/// `inspect`'s reports of them too (two thirds of the time of a small dump's read).
fn read_records(format: Format, reader: Box<dyn Read + Send>, render: bool) -> Vec<Seen> {
    let options = InputOptions { format: Some(format), ..InputOptions::default() };
    let Ok(mut dump) = input::open_reader("fuzz".into(), None, reader, &options) else { return Vec::new() };
    let mut batch = std::mem::take(&mut dump.first);
    let mut seen = Vec::new();
    let (mut scratch, mut canonical) = (String::new(), String::new());
    let (mut tally, mut inspecting) = (Tally::default(), inspect::tally::Scratch::default());
    loop {
        // What `inspect --full` counts: every record once, whatever it holds.
        tally.add_records(&batch, &batch.spans, dump.extractor.as_ref(), &mut inspecting);
        assert_eq!(
            tally.records,
            seen.len() as u64 + batch.spans.len() as u64,
            "inspect counts every record"
        );
        for span in &batch.spans {
            seen.push((span.record, span.line, span.bad, batch.record_bytes(span).to_vec()));
            if span.bad.is_some() {
                continue;
            }
            let text = batch.record_text(span);
            let layout = batch.layout(span);
            let mut check = |kind: Kind, value: &str| {
                let _ = normalize::normalize_into(kind, value, &mut canonical);
            };
            let extracted = dump.extractor.extract(&text, layout, &mut scratch, &mut check);
            let listed =
                dump.extractor.visit(&text, layout, Wanted::All, &mut scratch, &mut |_, _, role, value| {
                    if let Some(role) = role {
                        let _ = normalize::normalize_into(role.kind, value, &mut canonical);
                    }
                });
            assert_eq!(extracted.is_ok(), listed.is_ok(), "extract and columns agree on a record");
        }
        match dump.splitter.next_batch(&mut batch, BatchLimits::STEADY) {
            Ok(true) => {}
            _ => break,
        }
    }
    if render {
        render_inspection(&dump, tally);
    }
    seen
}

/// `inspect`'s reports of what was counted: the JSON parses, and neither report holds a control
/// character a terminal would act on (column names, table names and samples come from the dump).
fn render_inspection(dump: &input::Dump, tally: Tally) {
    let inspection = inspect::Inspection {
        path: "fuzz".into(),
        format: dump.format.as_str(),
        compression: None,
        delimiter: dump.delimiter,
        tsv_dialect: dump.tsv_dialect.map(|d| d.as_str()),
        header: matches!(dump.format, input::Format::Csv | input::Format::Tsv).then_some(true),
        headers: Some(dump.columns.iter().map(|c| c.name.clone().unwrap_or_default()).collect()),
        bom: dump.bom,
        sampled: false,
        tally,
        warnings: dump.warnings.clone(),
    };
    for reveal in [false, true] {
        let (mut human, mut json) = (Vec::new(), Vec::new());
        let one = std::slice::from_ref(&inspection);
        assert!(inspect::report::write_human(&mut human, one, reveal).is_ok());
        assert!(inspect::report::write_json(&mut json, one, reveal).is_ok());
        assert!(serde_json::from_slice::<serde_json::Value>(&json).is_ok(), "inspect's JSON parses");
        let human = String::from_utf8_lossy(&human);
        assert!(
            !human.chars().any(|c| c.is_control() && c != '\n'),
            "inspect's report holds no control character: {human:?}"
        );
    }
}

/// A reader that hands out one byte per call, so that every record and token boundary falls
/// between two reads at some point: the bytes, and how many were handed out.
pub struct Trickle(pub Vec<u8>, pub usize);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.1 == self.0.len() || buf.is_empty() {
            return Ok(0);
        }
        buf[0] = self.0[self.1];
        self.1 += 1;
        Ok(1)
    }
}

/// Loads `bytes` as a watchlist, strict and lenient; a lenient load fails only where a strict
/// one fails for a reason other than one bad line.
pub fn watchlist(bytes: &[u8]) {
    let hasher = Hasher::unkeyed();
    let strict = watchlist::load_bytes("fuzz", bytes, &hasher, LoadOptions { lenient: false });
    let lenient = watchlist::load_bytes("fuzz", bytes, &hasher, LoadOptions { lenient: true });
    if let Ok(strict) = &strict {
        let lenient = lenient.as_ref().expect("what loads strictly loads leniently");
        assert_eq!(strict.len(), lenient.len());
        assert_eq!(lenient.skipped, 0);
    }
}

/// Normalizes `bytes` (decoded lossily) as every kind: canonical forms normalize to themselves,
/// the name check agrees with the name normalizer, and every phone piece is handled.
pub fn normalizers(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let hasher = Hasher::unkeyed();
    for kind in Kind::FIELDS {
        if let Ok(canonical) = normalize::canonical(kind, &text) {
            assert_eq!(normalize::canonical(kind, &canonical).as_deref(), Ok(canonical.as_str()), "{kind:?}");
            hasher.digest(kind, &canonical);
        }
    }
    let mut out = String::new();
    assert_eq!(
        normalize::is_valid_name(&text),
        normalize::normalize_into(Kind::Name, &text, &mut out).is_ok(),
        "is_valid_name agrees with normalize_name"
    );
    assert_eq!(
        crate::inspect::tally::check_value(&text, None, &mut out).0.to_array(),
        crate::inspect::tally::kinds_by_normalizers(&text),
        "inspect's shortcuts give the normalizers' answers"
    );
    normalize::for_each_phone(&text, |piece| {
        if let Ok(phone) = normalize::canonical(Kind::Phone, piece) {
            assert_eq!(normalize::canonical(Kind::Phone, &phone).as_deref(), Ok(phone.as_str()));
        }
    });
}

/// How [`one_corrupt_record`] breaks its record.
#[derive(Debug, Clone, Copy)]
pub enum Corruption {
    /// One stray byte (`(`, `'`, `"`, `{`, `}`…) inserted.
    Insert(u8),
    /// Some bytes removed: a value cut short, a quote or bracket lost.
    Cut(usize),
}

/// The dump formats [`one_corrupt_record`] writes.
#[derive(Debug, Clone, Copy)]
pub enum Written {
    /// `INSERT INTO t (id, nama, nik) VALUES (…),(…);`, `per_statement` tuples a statement, one
    /// statement a line (as mysqldump writes).
    Mysql {
        per_statement: usize,
    },
    /// A JSON array of objects, minified on one line or one element a line.
    Json {
        pretty: bool,
    },
    Ndjson,
}

/// "One corrupted record loses at most that record" (issue 14): writes `records` (pairs of plain
/// values: letters, digits, blanks) as a valid dump, corrupts the record at `victim` with
/// `corruption` at `offset` bytes into it (strictly inside it: its first and last bytes are
/// kept), and checks that every other record is still read with the same bytes, number and line.
/// The corrupt record itself may be read changed, read as bad, or lost into the bad one.
/// `inspect`'s reports of these dumps are not rendered (the fuzz targets render them): thousands
/// of cases spent two thirds of their time there (issue 20: test time).
pub fn one_corrupt_record(
    written: Written,
    records: &[(String, String)],
    victim: usize,
    corruption: Corruption,
    offset: usize,
) {
    let texts: Vec<String> = records
        .iter()
        .enumerate()
        .map(|(i, (nama, nik))| match written {
            Written::Mysql { .. } => format!("({},'{nama}','{nik}')", i + 1),
            Written::Json { .. } | Written::Ndjson => {
                format!("{{\"id\":{},\"nama\":\"{nama}\",\"nik\":\"{nik}\"}}", i + 1)
            }
        })
        .collect();
    let victim = victim % texts.len();
    let mut broken = texts.clone();
    let text = &mut broken[victim];
    let at = 1 + offset % (text.len() - 2);
    match corruption {
        Corruption::Insert(b) => text.insert(at, char::from(b)),
        Corruption::Cut(n) => {
            let end = (at + n.max(1)).min(text.len() - 1);
            text.replace_range(at..end, "");
        }
    }
    let (format, clean, dirty) = match written {
        Written::Mysql { per_statement } => {
            (Format::Sql, mysql(&texts, per_statement), mysql(&broken, per_statement))
        }
        Written::Json { pretty } => (Format::Json, json_array(&texts, pretty), json_array(&broken, pretty)),
        Written::Ndjson => (Format::Ndjson, texts.join("\n") + "\n", broken.join("\n") + "\n"),
    };
    let clean = read_records(format, Box::new(std::io::Cursor::new(clean.into_bytes())), false);
    assert_eq!(clean.len(), texts.len(), "the clean dump is read whole");
    assert!(clean.iter().all(|r| r.2.is_none()));
    let dirty = read_records(format, Box::new(std::io::Cursor::new(dirty.into_bytes())), false);
    let victim = victim as u64 + 1;
    for record in clean.iter().filter(|r| r.0 != victim) {
        assert!(dirty.contains(record), "record {} is read as before: {:?}\n{dirty:?}", record.0, record);
    }
    assert!(dirty.len() <= clean.len(), "no record is made up: {dirty:?}");
    assert!(
        dirty.iter().all(|r| r.0 == victim || clean.contains(r)),
        "nothing but the corrupt record changes"
    );
}

fn mysql(tuples: &[String], per_statement: usize) -> String {
    tuples
        .chunks(per_statement.max(1))
        .map(|chunk| format!("INSERT INTO `t` (`id`, `nama`, `nik`) VALUES {};\n", chunk.join(",")))
        .collect()
}

fn json_array(elements: &[String], pretty: bool) -> String {
    if pretty { format!("[\n  {}\n]\n", elements.join(",\n  ")) } else { format!("[{}]", elements.join(",")) }
}
