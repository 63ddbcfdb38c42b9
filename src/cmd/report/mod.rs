//! `leakcheck report …`: commands that read scans' reports (JSON or NDJSON), never the dumps, so
//! they rerun in a blink (SPEC §11). One file per command; each reads reports through
//! [`crate::report::read`] and writes through [`crate::output`].

pub mod html;
pub mod merge;
pub mod notify;
pub mod people;

/// The language of what `report notify` and `report html` write (`--lang id|en`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Id,
    En,
}

/// A `by_province` group of [`crate::report::tally`] in words: the province's name as the tally
/// gives it, or what stands for none (`no NIK`, `unknown (99)`). Not escaped for any format.
pub fn province_words(group: &str, lang: Lang) -> String {
    match (lang, group.strip_prefix("unknown")) {
        (Lang::Id, _) if group == crate::report::tally::NO_NIK => "tanpa NIK".to_string(),
        (Lang::Id, Some(rest)) => format!("tidak dikenal{rest}"),
        _ => group.to_string(),
    }
}

/// How much a word of [`kind_words`] or [`category_words`] says: `Short` for a table's cell or a
/// chart's bar (`report html`), `Full` for a sentence (`report notify`'s letters and summary).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Short,
    Full,
}

/// The one word table of both commands: Indonesian short and full, English short and full.
fn pick(words: [&'static str; 4], lang: Lang, form: Form) -> &'static str {
    let at = match lang {
        Lang::Id => 0,
        Lang::En => 2,
    };
    words[at + usize::from(form == Form::Full)]
}

/// A kind (SPEC §1; `dob` as a `values` key) in plain words.
pub fn kind_words(kind: Kind, lang: Lang, form: Form) -> &'static str {
    let words = match kind {
        Kind::Nik => ["NIK", "NIK", "NIK", "NIK (national identity number)"],
        Kind::Phone => ["nomor telepon", "nomor telepon", "phone", "phone number"],
        Kind::Email => ["e-mail", "alamat e-mail", "e-mail", "e-mail address"],
        Kind::NameDob => {
            ["nama + tanggal lahir", "nama dan tanggal lahir", "name + birth date", "name and date of birth"]
        }
        Kind::Name => ["nama", "nama", "name", "name"],
        Kind::Dob => ["tanggal lahir", "tanggal lahir", "birth date", "date of birth"],
    };
    pick(words, lang, form)
}

/// A UU PDP category (SPEC §7) in plain words, as the law names it (Art. 4: "data genetika").
pub fn category_words(category: Category, lang: Lang, form: Form) -> &'static str {
    let words = match category {
        Category::General => ["umum", "data pribadi umum", "general", "general personal data"],
        Category::Health => ["kesehatan", "data kesehatan", "health", "health data"],
        Category::Financial => ["keuangan", "data keuangan", "financial", "financial data"],
        Category::Biometric => ["biometrik", "data biometrik", "biometric", "biometric data"],
        Category::Genetic => ["genetika", "data genetika", "genetic", "genetic data"],
        Category::Criminal => {
            ["catatan kejahatan", "catatan kejahatan", "criminal records", "criminal records"]
        }
        Category::Child => ["anak", "data anak", "child", "data of a child"],
    };
    pick(words, lang, form)
}

use crate::kind::Kind;
use crate::report::exposed::Category;
use crate::report::read::{ReportError, ReportExposure, ReportFacts, read_report};
use anyhow::{Result, bail};
use std::io;
use std::path::{Path, PathBuf};

/// Refuses `-` (standard input) named more than once among the files a command reads (its
/// reports, and `report notify`'s `--watch` lists): the second would read nothing.
pub fn stdin_once<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> Result<()> {
    if paths.into_iter().filter(|p| p.as_path() == Path::new("-")).count() > 1 {
        bail!("`-` (standard input) can be read only once: give the other reports and lists as files");
    }
    Ok(())
}

/// Reads each report of `paths` in order (`-`: standard input, once), calling `each` with its
/// index among `paths` and each of its exposures.
pub fn read_reports(
    paths: &[PathBuf],
    mut each: impl FnMut(usize, ReportExposure),
) -> Result<Vec<ReportFacts>> {
    stdin_once(paths)?;
    let mut facts = Vec::with_capacity(paths.len());
    for (i, path) in paths.iter().enumerate() {
        let name = format!("report {}", path.display());
        let reader: Box<dyn io::Read> = if path.as_path() == Path::new("-") {
            Box::new(io::stdin().lock())
        } else {
            let file =
                std::fs::File::open(path).map_err(|error| ReportError::Io { name: name.clone(), error })?;
            Box::new(file)
        };
        facts.push(read_report(&name, reader, |e| {
            each(i, e);
            Ok(())
        })?);
    }
    Ok(facts)
}

/// What the reports say of their scans besides the exposures: the reports of a scan that did not
/// read every input to its end, and those of one shard only (SPEC §7, §8, §12).
#[derive(Debug, Default)]
pub struct ScanState {
    /// Reports whose summary says `"complete":false`.
    pub incomplete: Vec<String>,
    /// Reports of one shard, with it as `K/N`.
    pub shards: Vec<(String, String)>,
}

impl ScanState {
    pub fn of(reports: &[PathBuf], facts: &[ReportFacts]) -> Self {
        let mut state = ScanState::default();
        for (path, f) in reports.iter().zip(facts) {
            let name = path.display().to_string();
            if f.complete == Some(false) {
                state.incomplete.push(name.clone());
            }
            if let Some(shard) = f.shard {
                state.shards.push((name, format!("{}/{}", shard.k, shard.n)));
            }
        }
        state
    }

    /// Whether every report is of a whole scan that read every input.
    pub fn complete(&self) -> bool {
        self.incomplete.is_empty() && self.shards.is_empty()
    }

    /// One warning per report that is not of a whole, complete scan.
    pub fn warnings(&self) -> Vec<String> {
        let incomplete = self.incomplete.iter().map(|r| {
            format!(
                "report {r}: the scan is incomplete (\"complete\":false): some inputs were not read to their end, so people in them may be missing"
            )
        });
        let shards = self.shards.iter().map(|(r, kn)| {
            format!(
                "report {r}: the report of shard {kn} of a scan only, not of the whole scan: run `leakcheck report merge` first"
            )
        });
        incomplete.chain(shards).collect()
    }

    /// Prints [`ScanState::warnings`] on standard error.
    pub fn warn(&self) {
        for warning in self.warnings() {
            crate::messages::warn(&warning);
        }
    }
}

/// Refuses `--watch` files that are not the watchlists of the reports' scan (SPEC §11: labels
/// join to them by position, so another list, an edited one or the lists in another order would
/// put one person's name on another's letter): each file's SHA-256 must be the one the reports'
/// `watchlists[]` gives at its place. Reports of different watchlists are refused together.
/// Returns the warnings for reports older than `watchlists[]`, which cannot be checked.
pub fn check_watchlists(
    reports: &[PathBuf],
    facts: &[ReportFacts],
    watch: &[crate::watchlist::WatchlistFile],
) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    let mut scan: Option<(&Path, &[String])> = None;
    for (path, f) in reports.iter().zip(facts) {
        let Some(lists) = f.watchlist_sha256.as_deref() else {
            warnings.push(format!(
                "report {}: it names no watchlist's SHA-256 (an older leakcheck): the --watch files cannot be checked to be the scan's",
                path.display()
            ));
            continue;
        };
        match scan {
            None => scan = Some((path, lists)),
            Some((first, expected)) if expected != lists => bail!(
                "reports {} and {}: scans of different watchlists (their watchlists[] differ): give the reports of one scan",
                first.display(),
                path.display()
            ),
            Some(_) => {}
        }
    }
    let Some((report, expected)) = scan else { return Ok(warnings) };
    for (i, file) in watch.iter().enumerate() {
        if expected.get(i) == Some(&file.sha256) {
            continue;
        }
        if let Some(at) = expected.iter().position(|s| *s == file.sha256) {
            bail!(
                "--watch {}: it is the scan's watchlist {} but is given as {}: give the scan's watchlists in the scan's order",
                file.path,
                at + 1,
                i + 1
            );
        }
        bail!(
            "--watch {}: not a watchlist of the scan of report {} (its SHA-256 is none of the report's watchlists[]: another list, or edited since)",
            file.path,
            report.display()
        );
    }
    if watch.len() != expected.len() {
        bail!(
            "--watch: {} watchlist(s) given, the scan of report {} used {}: give the scan's watchlists, in the scan's order",
            watch.len(),
            report.display(),
            expected.len()
        );
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_kind_and_category_has_its_own_words_in_each_language_and_form() {
        let kinds = [Kind::Nik, Kind::Phone, Kind::Email, Kind::NameDob, Kind::Name, Kind::Dob];
        for lang in [Lang::Id, Lang::En] {
            for form in [Form::Short, Form::Full] {
                let words: HashSet<&str> = kinds.iter().map(|k| kind_words(*k, lang, form)).collect();
                assert_eq!(words.len(), kinds.len(), "{lang:?} {form:?}");
                let words: HashSet<&str> =
                    Category::ALL.iter().map(|c| category_words(*c, lang, form)).collect();
                assert_eq!(words.len(), Category::ALL.len(), "{lang:?} {form:?}");
            }
        }
        let table = [
            (kind_words(Kind::Phone, Lang::Id, Form::Short), "nomor telepon"),
            (kind_words(Kind::Email, Lang::Id, Form::Full), "alamat e-mail"),
            (kind_words(Kind::NameDob, Lang::En, Form::Short), "name + birth date"),
            (kind_words(Kind::Nik, Lang::En, Form::Full), "NIK (national identity number)"),
            (category_words(Category::Health, Lang::Id, Form::Short), "kesehatan"),
            (category_words(Category::Health, Lang::Id, Form::Full), "data kesehatan"),
            (category_words(Category::Genetic, Lang::Id, Form::Short), "genetika"),
            (category_words(Category::Criminal, Lang::En, Form::Full), "criminal records"),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn the_page_and_the_letters_name_the_same_thing() {
        // The page's word is the letter's, shortened: every word of it is in the letter's (the
        // two copies had drifted: the page said "genetik", the letters "data genetika").
        let same = |short: &str, full: &str| {
            let full: Vec<&str> = full.split_whitespace().collect();
            short.split_whitespace().filter(|w| *w != "+").all(|w| full.contains(&w))
        };
        for lang in [Lang::Id, Lang::En] {
            for kind in [Kind::Nik, Kind::Phone, Kind::Email, Kind::NameDob, Kind::Name, Kind::Dob] {
                let (short, full) = (kind_words(kind, lang, Form::Short), kind_words(kind, lang, Form::Full));
                assert!(same(short, full), "{short} / {full}");
            }
            for c in Category::ALL {
                let (short, full) =
                    (category_words(c, lang, Form::Short), category_words(c, lang, Form::Full));
                assert!(same(short, full), "{short} / {full}");
            }
        }
    }

    #[test]
    fn province_groups_read_the_same_in_the_letter_summary_and_the_page() {
        let table = [
            ("Jawa Barat", Lang::Id, "Jawa Barat"),
            (crate::report::tally::NO_NIK, Lang::Id, "tanpa NIK"),
            (crate::report::tally::NO_NIK, Lang::En, "no NIK"),
            ("unknown (99)", Lang::Id, "tidak dikenal (99)"),
            ("unknown", Lang::Id, "tidak dikenal"),
            ("unknown (99)", Lang::En, "unknown (99)"),
        ];
        for (group, lang, words) in table {
            assert_eq!(province_words(group, lang), words, "{group} {lang:?}");
        }
    }
}
