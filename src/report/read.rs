//! Reading a scan's report back (`--baseline`, `leakcheck report …`, SPEC §7 and §11): a JSON or
//! NDJSON report, streamed exposure by exposure so that a report of millions of exposures is read
//! in flat memory. A report of an older leakcheck (no 1.1 fields) is read with what it has.
//! Errors name the report and the line, never a value from it (a report written with
//! `--reveal` holds identifiers).

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read};

/// One exposure of a report: the fields `report` commands and `--baseline` use. Missing
/// fields (older reports) are empty.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct ReportExposure {
    pub input: String,
    pub record: u64,
    #[serde(default)]
    pub line: u64,
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub sheet: Option<String>,
    pub watch: String,
    pub confidence: String,
    #[serde(default)]
    pub matched: Vec<String>,
    /// The record's own identifier values by kind (`nik`, `phone`, `email`, `name`, `dob`), as
    /// the report holds them: masked unless the scan ran with `--reveal`.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub baseline: bool,
}

/// What a report says about its scan besides the exposures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportFacts {
    /// The leakcheck version that wrote it.
    pub leakcheck: Option<String>,
    /// Whether its watchlists were keyed (1.1 reports; `None` before).
    pub keyed: Option<bool>,
    /// Exposures read.
    pub exposures: u64,
    /// The sha256 of each of its watchlists, when the report names them all (`None` before).
    pub watchlist_sha256: Option<Vec<String>>,
    /// The summary's `complete`: `Some(false)` when the scan did not read every input to its
    /// end (`None` when the report does not say).
    pub complete: Option<bool>,
    /// Its `shard` (K of N) when it is the report of one shard of a scan (`scan --shard`).
    pub shard: Option<ReportShard>,
}

/// Which shard of a scan a report is (`"shard":{"k","n",…}`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct ReportShard {
    pub k: u32,
    pub n: u32,
}

/// The fields of a JSON report's `summary` that are kept.
#[derive(Deserialize)]
struct SummaryFacts {
    #[serde(default)]
    complete: Option<bool>,
}

/// Why a report could not be read. Names the report and, where known, the line.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{name}: {error}")]
    Io { name: String, error: io::Error },
    #[error("{name}:{line}: not a leakcheck JSON or NDJSON report ({what})")]
    NotAReport { name: String, line: usize, what: &'static str },
    #[error(
        "{name}: this is a human-readable scan report (scan's default `--format human`), which \
         `report` cannot read; scan again with `--format json` (or ndjson)"
    )]
    HumanReport { name: String },
    #[error("{0}")]
    Stop(String),
}

/// Longest first line looked at to tell NDJSON from JSON; longer, it is JSON (one object).
const FIRST_LINE_MAX: u64 = 16 << 20;
/// Longest NDJSON line read: an exposure of 4,096 fields is far shorter.
const NDJSON_LINE_MAX: u64 = 64 << 20;

/// Reads the report `reader` (called `name` in errors) and calls `each` with every exposure, in
/// the report's order. `each` may stop the read with [`ReportError::Stop`].
pub fn read_report(
    name: &str,
    reader: impl Read,
    mut each: impl FnMut(ReportExposure) -> Result<(), ReportError>,
) -> Result<ReportFacts, ReportError> {
    let io_error = |error| ReportError::Io { name: name.to_string(), error };
    let mut reader = io::BufReader::with_capacity(1 << 16, reader);
    let mut first = Vec::new();
    (&mut reader).take(FIRST_LINE_MAX).read_until(b'\n', &mut first).map_err(io_error)?;
    let ndjson = serde_json::from_slice::<NdjsonLine>(&first).is_ok_and(|line| line.kind.is_some());
    if !ndjson && super::human::is_human_headline(&first) {
        return Err(ReportError::HumanReport { name: name.to_string() });
    }
    if ndjson {
        return read_ndjson(name, io::Cursor::new(first).chain(reader), &mut each);
    }
    let mut facts = ReportFacts::default();
    let mut de = serde_json::Deserializer::from_reader(io::Cursor::new(first).chain(reader));
    let seed = ReportSeed { each: &mut each, facts: &mut facts, stopped: None };
    let mut stopped = None;
    let result = de::Deserializer::deserialize_map(&mut de, ReportVisitor { seed, stopped: &mut stopped })
        .and_then(|()| de.end());
    if let Some(stop) = stopped {
        return Err(stop);
    }
    result.map_err(|e| not_a_report(name, &e))?;
    if facts.leakcheck.is_none() {
        return Err(ReportError::NotAReport {
            name: name.to_string(),
            line: 1,
            what: "no \"leakcheck\" version",
        });
    }
    Ok(facts)
}

/// A serde error as a message that holds no value of the report.
fn not_a_report(name: &str, e: &serde_json::Error) -> ReportError {
    if e.is_io() {
        return ReportError::Io { name: name.to_string(), error: io::Error::other(e.to_string()) };
    }
    let what = match e.classify() {
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Eof => "it ends early",
        _ => "a field is missing or of the wrong type",
    };
    ReportError::NotAReport { name: name.to_string(), line: e.line(), what }
}

/// An NDJSON report line's type, and the fields of a summary line.
#[derive(Deserialize)]
struct NdjsonLine {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    leakcheck: Option<String>,
    #[serde(default)]
    watchlists: Option<Vec<WatchlistKey>>,
    #[serde(default)]
    complete: Option<bool>,
    #[serde(default)]
    shard: Option<ReportShard>,
}

#[derive(Deserialize)]
struct WatchlistKey {
    keyed: bool,
    #[serde(default)]
    sha256: Option<String>,
}

/// The sha256 of every watchlist, or `None` when one has none.
fn watchlist_sha256(watchlists: &[WatchlistKey]) -> Option<Vec<String>> {
    watchlists.iter().map(|w| w.sha256.clone()).collect()
}

fn read_ndjson(
    name: &str,
    reader: impl Read,
    each: &mut dyn FnMut(ReportExposure) -> Result<(), ReportError>,
) -> Result<ReportFacts, ReportError> {
    let mut facts = ReportFacts::default();
    let mut reader = io::BufReader::new(reader);
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(NDJSON_LINE_MAX)
            .read_until(b'\n', &mut line)
            .map_err(|error| ReportError::Io { name: name.to_string(), error })?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bad = |what| ReportError::NotAReport { name: name.to_string(), line: number, what };
        let head: NdjsonLine =
            serde_json::from_slice(&line).map_err(|_| bad("a line is not a report line"))?;
        match head.kind.as_deref() {
            Some("exposure") => {
                let exposure = serde_json::from_slice(&line)
                    .map_err(|_| bad("an exposure line lacks a field or has one of the wrong type"))?;
                facts.exposures += 1;
                each(exposure)?;
            }
            Some("summary") => {
                facts.leakcheck = head.leakcheck;
                facts.watchlist_sha256 = head.watchlists.as_deref().and_then(watchlist_sha256);
                facts.keyed = head.watchlists.map(|w| w.iter().any(|w| w.keyed));
                facts.complete = head.complete;
                facts.shard = head.shard;
            }
            _ => return Err(bad("a line's \"type\" is neither exposure nor summary")),
        }
    }
    if facts.leakcheck.is_none() {
        let what = "no summary line: the report is cut short, or not a leakcheck report";
        return Err(ReportError::NotAReport { name: name.to_string(), line: number, what });
    }
    Ok(facts)
}

/// Calls `each` with each exposure, and keeps the report's facts.
struct ReportSeed<'a> {
    each: &'a mut dyn FnMut(ReportExposure) -> Result<(), ReportError>,
    facts: &'a mut ReportFacts,
    stopped: Option<ReportError>,
}

/// The top-level object of a JSON report.
struct ReportVisitor<'a, 's> {
    seed: ReportSeed<'a>,
    stopped: &'s mut Option<ReportError>,
}

impl<'de> Visitor<'de> for ReportVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a leakcheck report object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "leakcheck" => self.seed.facts.leakcheck = Some(map.next_value()?),
                "watchlists" => {
                    let watchlists: Vec<WatchlistKey> = map.next_value()?;
                    self.seed.facts.keyed = Some(watchlists.iter().any(|w| w.keyed));
                    self.seed.facts.watchlist_sha256 = watchlist_sha256(&watchlists);
                }
                "summary" => {
                    let summary: SummaryFacts = map.next_value()?;
                    self.seed.facts.complete = summary.complete;
                }
                "shard" => self.seed.facts.shard = map.next_value()?,
                "exposures" => {
                    let result = map.next_value_seed(Exposures(&mut self.seed));
                    if let Some(stop) = self.seed.stopped.take() {
                        *self.stopped = Some(stop);
                        return Err(de::Error::custom("stopped"));
                    }
                    result?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// The `exposures` array, read element by element.
struct Exposures<'s, 'a>(&'s mut ReportSeed<'a>);

impl<'de> DeserializeSeed<'de> for Exposures<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Exposures<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of exposures")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(exposure) = seq.next_element::<ReportExposure>()? {
            self.0.facts.exposures += 1;
            if let Err(stop) = (self.0.each)(exposure) {
                self.0.stopped = Some(stop);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(ReportFacts, Vec<ReportExposure>), ReportError> {
        let mut found = Vec::new();
        let facts = read_report("r.json", text.as_bytes(), |e| {
            found.push(e);
            Ok(())
        })?;
        Ok((facts, found))
    }

    const EXPOSURE: &str = r#"{"input":"a.csv","record":3,"line":4,"watch":"P1","confidence":"exposed","matched":["nik"],"values":{"nik":"3201**********01"},"fields":["nik","diagnosa"],"categories":["general","health"],"fingerprint":"00112233445566778899aabbccddeeff"}"#;
    const OLD: &str = r#"{"input":"a.csv","record":3,"line":4,"watch":"P1","confidence":"possible","matched":["name"],"values":{}}"#;

    #[test]
    fn json_and_ndjson_reports_give_the_same_exposures() {
        let json = format!(
            "{{\"leakcheck\":\"0.1.0\",\"rules\":\"1.1\",\"watchlists\":[{{\"path\":\"w\",\"format\":\"plain\",\"entries\":1,\"keyed\":true,\"sha256\":\"x\"}}],\"exposures\":[\n{EXPOSURE},\n{OLD}\n],\"summary\":{{\"records\":9}}}}\n"
        );
        let ndjson = format!(
            "{{\"type\":\"exposure\",{}\n{{\"type\":\"exposure\",{}\n{{\"type\":\"summary\",\"leakcheck\":\"0.1.0\",\"watchlists\":[{{\"keyed\":true,\"sha256\":\"x\"}}]}}\n",
            &EXPOSURE[1..],
            &OLD[1..]
        );
        let (facts, from_json) = read(&json).unwrap();
        let (ndfacts, from_ndjson) = read(&ndjson).unwrap();
        assert_eq!(facts, ndfacts);
        assert_eq!(facts.keyed, Some(true));
        assert_eq!(facts.exposures, 2);
        assert_eq!(facts.watchlist_sha256, Some(vec!["x".to_string()]));
        assert_eq!((facts.complete, facts.shard), (None, None));
        assert_eq!(from_json, from_ndjson);
        assert_eq!(from_json[0].categories, ["general", "health"]);
        assert_eq!(from_json[0].values.get("nik").map(String::as_str), Some("3201**********01"));
        assert!(from_json[1].values.is_empty());
        assert_eq!(from_json[0].fingerprint.as_deref(), Some("00112233445566778899aabbccddeeff"));
        // A report of leakcheck before 1.1 is read with what it has.
        assert_eq!(from_json[1].fields, Vec::<String>::new());
        assert_eq!(from_json[1].fingerprint, None);
        // Pretty-printed JSON (jq .) is read too.
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&json).unwrap()).unwrap();
        assert_eq!(read(&pretty).unwrap().1, from_json);
    }

    #[test]
    fn what_is_not_a_report_is_one_line_naming_it_and_no_value() {
        let cases = [
            ("", "ends early"),
            ("nik,nama\n3201014107900001,Budi\n", "invalid JSON"),
            ("{\"exposures\":[]}", "no \"leakcheck\""),
            ("{\"leakcheck\":\"1\",\"exposures\":[{\"input\":\"3201014107900001\"}]}", "wrong type"),
            (
                "{\"leakcheck\":\"1\",\"exposures\":[{\"input\":3201014107900001,\"record\":1,\"watch\":\"x\",\"confidence\":\"exposed\"}]}",
                "wrong type",
            ),
            ("{\"type\":\"exposure\",\"input\":\"3201014107900001\"}\n", "lacks a field"),
            ("{\"type\":\"other\"}\n", "neither"),
            (&format!("{{\"type\":\"exposure\",{}\n", &EXPOSURE[1..]), "no summary line"),
        ];
        for (text, why) in cases {
            let err = read(text).err().unwrap().to_string();
            assert!(err.starts_with("r.json:") && err.contains(why), "{text:?}: {err}");
            assert!(!err.contains("3201014107900001") && !err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn an_incomplete_scan_and_a_shard_are_told_in_json_and_ndjson() {
        let json = format!(
            "{{\"leakcheck\":\"0.1.0\",\"shard\":{{\"k\":2,\"n\":3,\"walk\":[\"a\"],\"set_aside\":0}},\"exposures\":[{EXPOSURE}],\"summary\":{{\"records\":9,\"complete\":false}}}}"
        );
        let ndjson = format!(
            "{{\"type\":\"exposure\",{}\n{{\"type\":\"summary\",\"leakcheck\":\"0.1.0\",\"shard\":{{\"k\":2,\"n\":3,\"walk\":[\"a\"],\"set_aside\":0}},\"records\":9,\"complete\":false}}\n",
            &EXPOSURE[1..]
        );
        for text in [json, ndjson] {
            let facts = read(&text).unwrap().0;
            assert_eq!(
                (facts.complete, facts.shard),
                (Some(false), Some(ReportShard { k: 2, n: 3 })),
                "{text}"
            );
        }
    }

    #[test]
    fn a_stop_from_the_caller_ends_the_read_with_its_error() {
        let json = format!("{{\"leakcheck\":\"0.1.0\",\"exposures\":[{EXPOSURE},{EXPOSURE}]}}");
        let mut seen = 0;
        let err = read_report("r.json", json.as_bytes(), |_| {
            seen += 1;
            Err(ReportError::Stop("enough".into()))
        })
        .err()
        .unwrap();
        assert_eq!((seen, err.to_string()), (1, "enough".to_string()));
    }
}
