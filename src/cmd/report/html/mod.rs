//! `leakcheck report html REPORT… -o FILE.html [--lang id|en]` (SPEC §11): one self-contained page
//! for the people who decide — summary, bar charts (by kind, category, input, NIK province), the
//! people table and at most [`MAX_ROWS`] exposures, sortable and filterable by a few lines of
//! inline script. No network request and no external asset: CSS, SVG and script are inline, and
//! a Content-Security-Policy forbids every load, every form and every script but the page's own
//! (by its SHA-256). Every text from the reports — labels, file names, fields — goes through the
//! template's HTML escaping: a leak's file names are the attacker's.

mod chart;
mod words;

pub use words::Lang;

use crate::cmd::report::people::{Gatherer, Person, PersonInput};
use crate::exit_codes::ExitCode;
use crate::output::{Output, RunFiles};
use crate::report::read::ReportExposure;
use crate::report::tally::Counts;
use anyhow::{Context, Result};
use chart::Chart;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Exposures listed on the page (SPEC §11); past it a line says how many more.
pub const MAX_ROWS: usize = 10_000;

/// The order of a record's values in its cell: SPEC §1's kinds, the birth date last.
const VALUE_ORDER: [&str; 5] = ["nik", "phone", "email", "name", "dob"];

const TEMPLATE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// Everything `report html` was asked to do, free of clap.
#[derive(Debug)]
pub struct HtmlCommand {
    pub reports: Vec<PathBuf>,
    /// `None` or `-`: standard output.
    pub output: Option<PathBuf>,
    pub lang: Lang,
}

/// A person as a row of the people table.
#[derive(Debug, Serialize)]
struct PersonRow {
    label: String,
    confidence: &'static str,
    confidence_words: String,
    kinds: String,
    categories: String,
    records: u64,
    inputs: String,
    first: String,
}

/// An exposure as a row of the exposures table.
#[derive(Debug, Serialize)]
struct ExposureRow {
    input: String,
    record: u64,
    line: u64,
    watch: String,
    confidence: String,
    confidence_words: String,
    matched: String,
    /// (kind in words, value as the report holds it).
    values: Vec<(String, String)>,
    categories: String,
    baseline: bool,
}

/// What the template is given.
#[derive(Serialize)]
struct Page {
    t: &'static words::Words,
    version: &'static str,
    /// The reports' file names (not their directories: the page is shared).
    reports: Vec<String>,
    /// The leakcheck versions that wrote the reports.
    scanned_by: Vec<String>,
    counts: Counts,
    charts: Vec<Chart>,
    people: Vec<PersonRow>,
    exposures: Vec<ExposureRow>,
    exposures_total: u64,
    exposures_more: u64,
    /// The banner saying the reports are not of a whole, complete scan.
    partial: Option<String>,
    /// Made here of constants and a base64 digest: written as is.
    csp: minijinja::Value,
    style: minijinja::Value,
    script: minijinja::Value,
}

pub fn run(cmd: HtmlCommand) -> Result<ExitCode> {
    let mut output =
        Output::open(cmd.output.as_deref(), RunFiles::of(cmd.reports.iter().map(PathBuf::as_path)))?;
    let page = gather(&cmd.reports, cmd.lang)?;
    let written = {
        let mut out = output.writer();
        render(&page, &mut *out).and_then(|()| out.flush())
    };
    match written {
        Ok(()) => {
            output.commit()?;
            Ok(ExitCode::Clear)
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::Clear),
        Err(e) => Err(e).with_context(|| format!("writing the HTML page to {}", output.describe())),
    }
}

/// Reads the reports into the page: counts and people over every exposure, rows for the first
/// [`MAX_ROWS`].
fn gather(reports: &[PathBuf], lang: Lang) -> Result<Page> {
    let mut gatherer = Gatherer::default();
    let mut exposures = Vec::new();
    let mut total = 0u64;
    let facts = super::read_reports(reports, |_, e| {
        total += 1;
        if exposures.len() < MAX_ROWS {
            exposures.push(exposure_row(&e, lang));
        }
        gatherer.add(e);
    })?;
    let mut scanned_by: Vec<String> = Vec::new();
    let state = super::ScanState::of(reports, &facts);
    state.warn();
    let partial = partial_banner(&state, lang);
    for version in facts.into_iter().filter_map(|f| f.leakcheck) {
        if !scanned_by.contains(&version) {
            scanned_by.push(version);
        }
    }
    let gathered = gatherer.finish(reports.len());
    let people = gathered.people.iter().map(|p| person_row(p, lang)).collect();
    let counts = gathered.counts;
    let t = lang.words();
    let translated = |groups: &[(String, u64)], word: &dyn Fn(&str) -> String| -> Vec<(String, u64)> {
        groups.iter().map(|(g, n)| (word(g), *n)).collect()
    };
    let charts = [
        ("kind", t.chart_kind, translated(&counts.by_kind, &|k| lang.kind(k))),
        ("category", t.chart_category, translated(&counts.by_category, &|c| lang.category(c))),
        ("input", t.chart_input, counts.by_input.clone()),
        ("province", t.chart_province, translated(&counts.by_province, &|p| super::province_words(p, lang))),
    ]
    .into_iter()
    .map(|(id, title, groups)| chart::layout(id, title.to_string(), &groups, |n| lang.other(n)))
    .collect();
    let shown = exposures.len() as u64;
    let script_hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    Ok(Page {
        t,
        version: crate::report::VERSION,
        reports: reports.iter().map(|p| report_name(p)).collect(),
        scanned_by,
        counts,
        charts,
        people,
        exposures,
        exposures_total: total,
        exposures_more: total - shown,
        partial,
        csp: minijinja::Value::from_safe_string(format!(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; \
             base-uri 'none'; form-action 'none'"
        )),
        style: minijinja::Value::from_safe_string(STYLE.to_string()),
        script: minijinja::Value::from_safe_string(SCRIPT.to_string()),
    })
}

/// The page's banner when the reports are not of a whole, complete scan: nobody may read the page
/// as the final count.
fn partial_banner(state: &super::ScanState, lang: Lang) -> Option<String> {
    let shards: Vec<&str> = state.shards.iter().map(|(_, kn)| kn.as_str()).collect();
    let mut parts = Vec::new();
    match lang {
        Lang::Id => {
            if !state.incomplete.is_empty() {
                parts.push("Pemindaian tidak lengkap: sebagian masukan tidak terbaca sampai akhir, jadi orang di dalamnya mungkin tidak tercantum.".to_string());
            }
            if !shards.is_empty() {
                parts.push(format!("Hanya laporan satu bagian pemindaian (shard {}), bukan seluruh pemindaian: jalankan `leakcheck report merge` terlebih dahulu.", shards.join(", ")));
            }
        }
        Lang::En => {
            if !state.incomplete.is_empty() {
                parts.push("The scan is incomplete: some inputs were not read to their end, so people in them may be missing.".to_string());
            }
            if !shards.is_empty() {
                parts.push(format!("The report of one shard of a scan only (shard {}), not of the whole scan: run `leakcheck report merge` first.", shards.join(", ")));
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Writes the page.
fn render(page: &Page, out: &mut dyn Write) -> io::Result<()> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("page.html", TEMPLATE).map_err(io::Error::other)?;
    let template = env.get_template("page.html").map_err(io::Error::other)?;
    let html = template.render(minijinja::value::Serde(page)).map_err(io::Error::other)?;
    out.write_all(html.as_bytes())
}

/// A report's name on the page: its file name (`-`: standard input).
fn report_name(path: &Path) -> String {
    if path == Path::new("-") {
        return "stdin".to_string();
    }
    path.file_name().unwrap_or(path.as_os_str()).to_string_lossy().into_owned()
}

/// An input with its table or sheet: `dump.sql (pasien)`.
fn input_cell(input: &str, table: Option<&str>) -> String {
    match table {
        Some(table) => format!("{input} ({table})"),
        None => input.to_string(),
    }
}

fn words_of(items: &[impl AsRef<str>], word: impl Fn(&str) -> String) -> String {
    items.iter().map(|i| word(i.as_ref())).collect::<Vec<_>>().join(", ")
}

fn person_row(p: &Person, lang: Lang) -> PersonRow {
    let inputs: Vec<String> = p
        .inputs
        .iter()
        .map(|PersonInput { input, table, sheet }| input_cell(input, table.as_deref().or(sheet.as_deref())))
        .collect();
    PersonRow {
        label: p.label.clone(),
        confidence: p.confidence,
        confidence_words: if p.baseline {
            format!("{} ({})", lang.confidence(p.confidence), lang.words().baseline)
        } else {
            lang.confidence(p.confidence)
        },
        kinds: words_of(&p.kinds, |k| lang.kind(k)),
        categories: words_of(&p.categories, |c| lang.category(c)),
        records: p.records,
        inputs: inputs.join(", "),
        first: format!("{} #{}", p.first.input, p.first.record),
    }
}

fn exposure_row(e: &ReportExposure, lang: Lang) -> ExposureRow {
    ExposureRow {
        input: input_cell(&e.input, e.table.as_deref().or(e.sheet.as_deref())),
        record: e.record,
        line: e.line,
        watch: e.watch.clone(),
        confidence: e.confidence.clone(),
        confidence_words: lang.confidence(&e.confidence),
        matched: words_of(&e.matched, |k| lang.kind(k)),
        values: {
            let mut values: Vec<(&String, &String)> = e.values.iter().collect();
            values.sort_by_key(|(k, _)| VALUE_ORDER.iter().position(|o| o == k).unwrap_or(VALUE_ORDER.len()));
            values.into_iter().map(|(k, v)| (lang.kind(k), v.clone())).collect()
        },
        categories: words_of(&e.categories, |c| lang.category(c)),
        baseline: e.baseline,
    }
}

/// Standard base64 (RFC 4648, padded), for the script's hash in the CSP.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
