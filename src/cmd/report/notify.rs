//! `leakcheck report notify REPORT… --watch PEOPLE… --incident FILE -o DIR` (SPEC §11): the
//! notice UU PDP Art. 46 asks for — one letter per person with an exposed pair that is not
//! `baseline`, a recipients CSV for a mail merge, and the summary for the supervisory authority —
//! from scans' reports and the scan's own watchlists (for names and addresses), never a dump.
//! Text from reports and watchlists reaches the Markdown escaped; the incident's text is the
//! controller's own and is kept as written.

mod incident;
mod outdir;

pub use incident::{FoundAt, Incident, KEYS as INCIDENT_KEYS};

use super::people::{Gatherer, Person, input_cell};
use crate::exit_codes::ExitCode;
use crate::interrupt;
use crate::kind::Kind;
use crate::report::exposed::{Category, Date};
use crate::report::mask::{mask_label, sanitize};
use crate::report::tally::{Counts, Tally};
use crate::watchlist::{self, Contact};
use anyhow::{Context, Result, bail};
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Duration;

pub use super::Lang;
use super::{Form, category_words, kind_words};

/// Everything `report notify` was asked to do, free of clap.
#[derive(Debug)]
pub struct NotifyCommand {
    pub reports: Vec<PathBuf>,
    pub watch: Vec<PathBuf>,
    pub incident: PathBuf,
    pub template: Option<PathBuf>,
    pub lang: Lang,
    pub output: PathBuf,
    pub force: bool,
}

/// Largest `--template` read.
const TEMPLATE_MAX: u64 = 1 << 20;

/// The work one letter of a `--template` may take, in MiniJinja fuel (about one step of the
/// template, or 64 bytes it makes, per unit): a template with a loop of billions of turns stops
/// in well under a second instead of never. The built-in letter needs under 1% of it.
const TEMPLATE_FUEL: u64 = 1_000_000;

/// Longest letter a `--template` may write, in bytes: with the fuel it keeps a template from
/// filling the disk (at most this much per exposed person).
const LETTER_MAX: usize = 1 << 20;

/// Longest `{{ … }}` or `{% … %}` tag a `--template` may hold, in bytes: MiniJinja builds an
/// expression (`not not … 1`, `1 + 1 + …`, `a.b.c…`) as deep as it is long and walks it
/// recursively, so a tag of 100 KB overflowed the stack and aborted the process. The built-in
/// letters' longest tag is under 60 bytes.
const TAG_MAX: usize = 4 << 10;

/// The time one letter of a `--template` may take: work that costs MiniJinja little fuel (a
/// list doubled by `l + l` thirty times) stops here, with nothing written, instead of never.
const TEMPLATE_DEADLINE: Duration = Duration::from_secs(10);

/// Test-only: in a dev or test build, this variable (milliseconds) replaces [`TEMPLATE_DEADLINE`] so
/// that tests of it finish quickly. A release build never reads it.
pub const TEST_DEADLINE_VAR: &str = "LEAKCHECK_TEST_TEMPLATE_DEADLINE_MS";

/// [`TEMPLATE_DEADLINE`], or in a dev or test build the value of [`TEST_DEADLINE_VAR`].
fn template_deadline() -> Duration {
    crate::test_hook::value(TEST_DEADLINE_VAR).map_or(TEMPLATE_DEADLINE, Duration::from_millis)
}

const LETTER_ID: &str = include_str!("../../../templates/letter.id.md");
const LETTER_EN: &str = include_str!("../../../templates/letter.en.md");
const AUTHORITY_ID: &str = include_str!("../../../templates/authority.id.md");
const AUTHORITY_EN: &str = include_str!("../../../templates/authority.en.md");

/// The dates the templates show, in words of `--lang` (`dates.…`, documented in docs/notify.md).
#[derive(Debug, Serialize)]
struct Dates {
    /// The incident's `found_at`: `1 Desember 2026 pukul 09.30 (UTC+07:00)`.
    found_at: String,
    /// The day notify runs (UTC): the letters' date.
    today: String,
}

/// One letter's person, as its template sees it (`person.…`, documented in docs/notify.md).
#[derive(Debug, Serialize)]
struct LetterPerson {
    label: String,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    hashed: bool,
    kinds: Vec<&'static str>,
    kind_codes: Vec<&'static str>,
    fields: Vec<String>,
    categories: Vec<&'static str>,
    specific_categories: Vec<&'static str>,
    specific: bool,
    records: u64,
    inputs: Vec<String>,
    letter: String,
}

pub fn run(cmd: NotifyCommand) -> Result<ExitCode> {
    super::stdin_once(cmd.reports.iter().chain(&cmd.watch))?;
    let incident = incident::read(&cmd.incident)?;
    let env = letter_environment(&cmd)?;
    let watchlist::ContactLists { contacts, files, repeats } = watchlist::load_contacts(&cmd.watch)?;
    for warning in &repeats {
        crate::messages::warn(warning);
    }
    let by_label = contacts_by_label(&contacts)?;
    let reads: Vec<&Path> = (cmd.reports.iter().chain(&cmd.watch))
        .map(PathBuf::as_path)
        .chain([cmd.incident.as_path()])
        .chain(cmd.template.as_deref())
        .collect();
    let mut out = outdir::OutDir::prepare(&cmd.output, cmd.force, &reads)?;
    let dates = Dates {
        found_at: FoundAt::parse(&incident.found_at)
            .map_or_else(|| incident.found_at.clone(), |f| found_at_words(f, cmd.lang)),
        today: date_words(crate::report::exposed::now_utc().1, cmd.lang),
    };

    let mut tally = Tally::default();
    let mut gatherer = Gatherer::default();
    let mut unknown: Option<(usize, String)> = None;
    let facts = super::read_reports(&cmd.reports, |i, e| {
        if unknown.is_none() && !by_label.contains_key(e.watch.as_str()) {
            unknown = Some((i, e.watch.clone()));
        }
        tally.add(&e);
        if e.confidence == "exposed" && !e.baseline {
            gatherer.add(e);
        }
    })?;
    let state = super::ScanState::of(&cmd.reports, &facts);
    if let Some((report, kn)) = state.shards.first() {
        bail!(
            "report {report}: the report of shard {kn} of a scan only: letters from a part of a scan would miss people; run `leakcheck report merge` first and notify from the merged report"
        );
    }
    state.warn();
    for warning in super::check_watchlists(&cmd.reports, &facts, &files)? {
        crate::messages::warn(&warning);
    }
    if let Some((i, label)) = unknown {
        // A label that is or holds an identifier is masked in the report: no list holds it as is.
        let why = if label.contains('*') {
            "labels that are or hold a NIK, phone or e-mail are masked in reports and so cannot be joined \
             to their list: give the list an id column (or `leakcheck hash` it: labels become R<row>) and \
             scan again"
        } else {
            "give the scan's watchlists, in the scan's order"
        };
        bail!(
            "report {}: the label {} is in none of the --watch lists: {why}",
            cmd.reports[i].display(),
            mask_label(&label)
        );
    }
    let people = gatherer.finish(cmd.reports.len()).people;
    let names = letter_names(people.iter().map(|p| p.label.as_str()));
    let mut recipients = csv::Writer::from_writer(Vec::new());
    recipients.write_record(["label", "name", "email", "phone", "letter"])?;
    let env = Arc::new(env);
    for (person, file) in people.iter().zip(&names) {
        if interrupt::requested() {
            return Err(interrupt::Interrupted.into());
        }
        let contact = by_label.get(person.label.as_str()).copied().cloned().unwrap_or_default();
        let relative = format!("{}/{file}", outdir::LETTERS);
        let context = letter_person(person, &contact, cmd.lang, &relative);
        let text = render_letter(
            &env,
            minijinja::context! { person => Value::from(minijinja::value::Serde(&context)), incident => Value::from(minijinja::value::Serde(&incident)), dates => Value::from(minijinja::value::Serde(&dates)), lang => lang_code(cmd.lang) },
            &cmd,
        )?;
        out.write(&relative, &text.bytes)?;
        let cells = [
            Some(contact.label.as_str()),
            contact.name.as_deref(),
            contact.email.as_deref(),
            contact.phone.as_deref(),
            Some(relative.as_str()),
        ];
        recipients
            .write_record(cells.map(|c| crate::report::defused(&sanitize(c.unwrap_or(""))).into_owned()))?;
    }
    let recipients = recipients.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    out.write("recipients.csv", &recipients)?;
    let counts = tally.finish();
    let hashed = contacts.iter().any(|c| c.hashed);
    let authority =
        authority_environment(cmd.lang)?.get_template("authority")?.render(minijinja::context! {
            counts => Value::from(minijinja::value::Serde(in_words(counts, cmd.lang))),
            incident => Value::from(minijinja::value::Serde(&incident)),
            dates => Value::from(minijinja::value::Serde(&dates)),
            hashed => hashed,
            incomplete => !state.incomplete.is_empty(),
            generator => format!("leakcheck {}", env!("CARGO_PKG_VERSION")),
            reports => cmd.reports.iter().map(|r| md(&r.display().to_string())).collect::<Vec<_>>(),
            lang => lang_code(cmd.lang),
        })?;
    out.write("authority.md", authority.as_bytes())?;
    out.commit()?;
    crate::messages::stderr_line(&format!(
        "leakcheck: {} letter(s), recipients.csv and authority.md written to {}",
        people.len(),
        sanitize(&cmd.output.display().to_string())
    ));
    Ok(ExitCode::Clear)
}

/// Each label's contact. A label that several watchlist rows share is refused: whichever row
/// won, one person's letter could go to another, itself a disclosure.
fn contacts_by_label(contacts: &[Contact]) -> Result<HashMap<&str, &Contact>> {
    let mut by_label: HashMap<&str, &Contact> = HashMap::with_capacity(contacts.len());
    for contact in contacts {
        let Some(first) = by_label.insert(contact.label.as_str(), contact) else { continue };
        let lines: Vec<String> = contacts
            .iter()
            .filter(|c| c.label == contact.label)
            .map(|c| if c.line == 0 { "?".to_string() } else { c.line.to_string() })
            .collect();
        bail!(
            "watchlist {}:{}: the label {:?} is given to {} rows, so a letter could reach the wrong person; \
             give every row its own label and scan again",
            sanitize(&first.source),
            lines.join(","),
            mask_label(&contact.label),
            lines.len()
        );
    }
    Ok(by_label)
}

/// An environment for the templates: an unknown variable is an error, a trailing newline kept.
fn base_environment() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build()?);
    Ok(env)
}

/// The authority summary's template (built in: its work grows with the reports, unlimited).
fn authority_environment(lang: Lang) -> Result<Environment<'static>> {
    let mut env = base_environment()?;
    env.add_template(
        "authority",
        match lang {
            Lang::Id => AUTHORITY_ID,
            Lang::En => AUTHORITY_EN,
        },
    )?;
    Ok(env)
}

/// The letter's template: built in for `--lang`, or `--template` with [`TEMPLATE_FUEL`] per
/// letter.
fn letter_environment(cmd: &NotifyCommand) -> Result<Environment<'static>> {
    let mut env = base_environment()?;
    match &cmd.template {
        None => env.add_template(
            "letter",
            match cmd.lang {
                Lang::Id => LETTER_ID,
                Lang::En => LETTER_EN,
            },
        )?,
        Some(path) => {
            let shown = path.display();
            let mut text = String::new();
            let file = std::fs::File::open(path).with_context(|| format!("--template {shown}"))?;
            std::io::Read::read_to_string(&mut std::io::Read::take(file, TEMPLATE_MAX + 1), &mut text)
                .with_context(|| format!("--template {shown} (it must be UTF-8 text)"))?;
            if text.len() as u64 > TEMPLATE_MAX {
                bail!("--template {shown}: larger than {TEMPLATE_MAX} bytes");
            }
            if let Some(line) = long_tag(&text) {
                bail!(
                    "template {}:{line}: a tag longer than {TAG_MAX} bytes (a letter's tags are short): \
                     nothing written",
                    template_name(cmd)
                );
            }
            env.set_fuel(Some(TEMPLATE_FUEL));
            env.add_template_owned("letter", text).map_err(|e| template_error(cmd, &e, false))?;
        }
    }
    Ok(env)
}

/// The stack of the thread that renders a letter: the main thread's 8 MiB, which MiniJinja's
/// recursion limits for macros and includes were measured against.
const LETTER_STACK: usize = 8 << 20;

/// One letter rendered on a thread of its own, waited for [`template_deadline`] when it is a
/// `--template`'s: past it the run ends with an error (the thread ends with the process) and the
/// output directory, still temporary, is removed as on any error.
fn render_letter(env: &Arc<Environment<'static>>, context: Value, cmd: &NotifyCommand) -> Result<Capped> {
    quiet_letter_panics();
    let (done, finished) = mpsc::sync_channel(1);
    let env = Arc::clone(env);
    let mut text = Capped::for_letter(cmd);
    std::thread::Builder::new()
        .name(LETTER_THREAD.into())
        .stack_size(LETTER_STACK)
        .spawn(move || {
            // A panic inside MiniJinja (a slice step of i64::MIN negated) is this letter's error.
            let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                env.get_template("letter").and_then(|t| t.render_captured_to(context, &mut text).map(drop))
            }));
            // The receiver is gone only when the run already ended on the deadline.
            let _ = done.send((rendered, text));
        })
        .context("starting the thread that writes the letters")?;
    let (rendered, text) = if cmd.template.is_some() {
        let deadline = template_deadline();
        match finished.recv_timeout(deadline) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                "template {}: one letter took more than {} s to render (a loop too long, or a list grown \
                 too large?): nothing written",
                template_name(cmd),
                deadline.as_secs_f64()
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => return Err(panicked(cmd)),
        }
    } else {
        finished.recv().map_err(|_| panicked(cmd))?
    };
    rendered.map_err(|_| panicked(cmd))?.map_err(|e| template_error(cmd, &e, text.over))?;
    Ok(text)
}

/// A letter whose rendering panicked inside MiniJinja, on one line like its other errors.
fn panicked(cmd: &NotifyCommand) -> anyhow::Error {
    anyhow::anyhow!(
        "template {}: MiniJinja failed on it (an internal error, such as a slice step of -9223372036854775808): \
         nothing written",
        template_name(cmd)
    )
}

/// Makes the panic hook silent for the threads that render letters (their panic is reported as
/// the template's one-line error); every other thread's panic is reported as before.
fn quiet_letter_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(LETTER_THREAD) {
                previous(info);
            }
        }));
    });
}

/// The name of the threads that render letters.
const LETTER_THREAD: &str = "leakcheck-letter";

/// The letter's template as errors name it: the `--template` file, sanitized.
fn template_name(cmd: &NotifyCommand) -> String {
    sanitize(
        &cmd.template.as_ref().map_or_else(|| "the built-in letter".to_string(), |p| p.display().to_string()),
    )
}

/// The line of the first `{{ … }}` or `{% … %}` tag of `text` longer than [`TAG_MAX`] bytes
/// (one left open counts to the end), as MiniJinja's lexer reads them: a string inside a tag
/// may hold `}}`, and a `{# … #}` comment holds no tag.
fn long_tag(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let line = |at: usize| bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let mut i = 0;
    while i + 1 < bytes.len() {
        let start = i;
        match (bytes[i], bytes[i + 1]) {
            (b'{', b'#') => {
                i = text[i + 2..].find("#}").map_or(bytes.len(), |end| i + 2 + end + 2);
                continue;
            }
            (b'{', b'{' | b'%') => {}
            _ => {
                i += 1;
                continue;
            }
        }
        let close = if bytes[i + 1] == b'{' { b'}' } else { b'%' };
        i += 2;
        let mut quote = None;
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (Some(_), b'\\') => i += 1,
                (Some(q), b) if b == q => quote = None,
                (None, b'\'' | b'"') => quote = Some(bytes[i]),
                (None, b) if b == close && bytes.get(i + 1) == Some(&b'}') => break,
                _ => {}
            }
            i += 1;
        }
        if i.min(bytes.len()) - start > TAG_MAX {
            return Some(line(start));
        }
        i += 2;
    }
    None
}

/// A letter as it is written, refused past `limit` bytes.
struct Capped {
    bytes: Vec<u8>,
    limit: usize,
    /// The template wrote more than `limit`.
    over: bool,
}

impl Capped {
    /// [`LETTER_MAX`] for a `--template`; the built-in letter is the size of what it lists.
    fn for_letter(cmd: &NotifyCommand) -> Capped {
        let limit = if cmd.template.is_some() { LETTER_MAX } else { usize::MAX };
        Capped { bytes: Vec::new(), limit, over: false }
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > self.limit {
            self.over = true;
            return Err(std::io::Error::other("letter too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A template's error on one line, naming the template file, the line and the kind of error
/// only: minijinja's detail quotes values (`{% include person.email %}` names the address), and
/// stderr holds no identifier unmasked.
/// `too_long`: the letter passed [`LETTER_MAX`].
fn template_error(cmd: &NotifyCommand, e: &minijinja::Error, too_long: bool) -> anyhow::Error {
    let name = template_name(cmd);
    let line = e.line().map_or_else(String::new, |l| format!(":{l}"));
    if too_long {
        return anyhow::anyhow!(
            "template {name}{line}: a letter would be longer than {LETTER_MAX} bytes (a loop too long?): \
             nothing written"
        );
    }
    if e.kind() == minijinja::ErrorKind::OutOfFuel {
        return anyhow::anyhow!(
            "template {name}{line}: one letter takes more than {TEMPLATE_FUEL} steps of work (a loop too \
             long?): nothing written"
        );
    }
    // minijinja's own words, which quote no value.
    if e.detail().is_some_and(|d| d.contains("recursion limit")) {
        return anyhow::anyhow!("template {name}{line}: {} (recursion limit exceeded)", e.kind());
    }
    anyhow::anyhow!("template {name}{line}: {}", e.kind())
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "id",
        Lang::En => "en",
    }
}

/// A person of the reports as the letter template sees them.
fn letter_person(p: &Person, contact: &Contact, lang: Lang, letter: &str) -> LetterPerson {
    let categories: Vec<Category> = p.categories.iter().filter_map(|c| Category::parse(c)).collect();
    let specific: Vec<&'static str> = categories
        .iter()
        .filter(|c| **c != Category::General)
        .map(|c| category_words(*c, lang, Form::Full))
        .collect();
    let opt = |v: &Option<String>| v.as_deref().map(md);
    LetterPerson {
        label: md(&p.label),
        name: opt(&contact.name),
        email: opt(&contact.email),
        phone: opt(&contact.phone),
        hashed: contact.hashed,
        kinds: p
            .kinds
            .iter()
            .filter_map(|k| Kind::parse(k))
            .map(|k| kind_words(k, lang, Form::Full))
            .collect(),
        kind_codes: p.kinds.clone(),
        fields: p.fields.iter().map(|f| code(f)).collect(),
        categories: categories.iter().map(|c| category_words(*c, lang, Form::Full)).collect(),
        specific: !specific.is_empty(),
        specific_categories: specific,
        records: p.records,
        inputs: p.inputs.iter().map(|i| code(&input_cell(i))).collect(),
        letter: letter.to_string(),
    }
}

/// The counts with kinds and categories in words and every name escaped for Markdown.
fn in_words(mut c: Counts, lang: Lang) -> Counts {
    for (name, _) in &mut c.by_kind {
        if let Some(kind) = Kind::parse(name) {
            *name = kind_words(kind, lang, Form::Full).to_string();
        }
    }
    for (name, _) in &mut c.by_category {
        if let Some(category) = Category::parse(name) {
            *name = category_words(category, lang, Form::Full).to_string();
        }
    }
    for (name, _) in &mut c.by_province {
        *name = md(&super::province_words(name, lang));
    }
    for (name, _) in &mut c.by_input {
        *name = md(name);
    }
    c
}

/// Text from a report or a watchlist made safe inside Markdown: control characters replaced,
/// the characters Markdown and HTML act on escaped with a backslash (`[x](y)` stays text).
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize(text).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '&' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text from a report as a Markdown code span (`no_rm`): shown as written, nothing in it
/// escaped or acted on; the fence is longer than any run of backticks inside.
fn code(text: &str) -> String {
    let text = sanitize(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.trim().is_empty() { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date in words: `1 Desember 2026`, `1 December 2026`.
fn date_words(date: Date, lang: Lang) -> String {
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    let month = months.get(date.month.saturating_sub(1) as usize).copied().unwrap_or("?");
    format!("{} {month} {}", date.day, date.year)
}

/// `found_at` in words: `1 Desember 2026 pukul 09.30 (UTC+07:00)`, `1 December 2026, 09:30
/// (UTC+07:00)`; the date only when the incident file gives only a date.
fn found_at_words(f: FoundAt, lang: Lang) -> String {
    let date = date_words(f.date, lang);
    let Some((hour, minute, _, offset)) = f.time else { return date };
    let zone = match offset {
        0 => "UTC".to_string(),
        o => format!(
            "UTC{}{:02}:{:02}",
            if o < 0 { '-' } else { '+' },
            o.unsigned_abs() / 60,
            o.unsigned_abs() % 60
        ),
    };
    match lang {
        Lang::Id => format!("{date} pukul {hour:02}.{minute:02} ({zone})"),
        Lang::En => format!("{date}, {hour:02}:{minute:02} ({zone})"),
    }
}

/// Longest letter file name kept from a label, in bytes (a name must fit any file system).
const NAME_MAX: usize = 120;

/// The letter file names of `labels` (SPEC §11): every character outside `A-Z a-z 0-9 . _ -`
/// replaced by `_`, `.md` added, `-2`, `-3`… on a collision, also one of case only (Windows and
/// macOS file systems do not tell `A.md` from `a.md`). A name starting with a dot (hidden) gets
/// a `_` before it; one longer than [`NAME_MAX`] is cut.
pub fn letter_names<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken = HashSet::new();
    labels
        .map(|label| {
            let mut base: String = label
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
                .take(NAME_MAX)
                .collect();
            if base.is_empty() || base.starts_with('.') {
                base.insert(0, '_');
            }
            let mut name = base.clone();
            let mut n = 1;
            while !taken.insert(name.to_ascii_lowercase()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            format!("{name}.md")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_names_follow_the_spec_rule_and_never_collide_even_by_case() {
        let labels = ["ward3:L12", "P-001", "a/b", "a_b", "A_B", "a_b-2", "", ".hidden", "Budi Santoso", "é"];
        assert_eq!(
            letter_names(labels.into_iter()),
            [
                "ward3_L12.md",
                "P-001.md",
                "a_b.md",
                "a_b-2.md",
                "A_B-3.md",
                "a_b-2-2.md",
                "_.md",
                "_.hidden.md",
                "Budi_Santoso.md",
                "_-2.md",
            ]
        );
        let long = "x".repeat(1000);
        assert_eq!(letter_names([long.as_str()].into_iter())[0].len(), NAME_MAX + 3);
    }

    #[test]
    fn the_built_in_letters_take_under_a_hundredth_of_a_template_s_fuel() {
        // The fuel of a --template is far above what a real letter needs, even one naming fifty inputs.
        let person = LetterPerson {
            label: "P-001".into(),
            name: Some("Budi".into()),
            email: None,
            phone: None,
            hashed: false,
            kinds: vec!["NIK", "nomor telepon"],
            kind_codes: vec!["nik", "phone"],
            fields: (0..20).map(|i| format!("`kolom_{i}`")).collect(),
            categories: vec!["data pribadi umum", "data kesehatan"],
            specific_categories: vec!["data kesehatan"],
            specific: true,
            records: 50,
            inputs: (0..50).map(|i| format!("`bocoran/bagian-{i:03}.csv`")).collect(),
            letter: "letters/P-001.md".into(),
        };
        let incident: HashMap<&str, &str> = INCIDENT_KEYS.iter().map(|k| (*k, "teks kejadian")).collect();
        for letter in [LETTER_ID, LETTER_EN] {
            let mut env = base_environment().unwrap();
            env.set_fuel(Some(TEMPLATE_FUEL / 100));
            env.add_template("letter", letter).unwrap();
            let text = env
                .get_template("letter")
                .unwrap()
                .render(minijinja::context! {
                    person => Value::from(minijinja::value::Serde(&person)),
                    incident => Value::from(minijinja::value::Serde(&incident)),
                    dates => Value::from(minijinja::value::Serde(&Dates { found_at: "1".into(), today: "2".into() })),
                    lang => "id",
                })
                .unwrap();
            assert!(text.contains("bagian-049"), "{text}");
        }
    }

    #[test]
    fn a_long_tag_is_found_by_its_line_strings_and_comments_read_as_the_lexer_does() {
        let long = "1 + ".repeat(TAG_MAX / 4 + 1);
        for letter in [LETTER_ID, LETTER_EN, AUTHORITY_ID, AUTHORITY_EN] {
            assert_eq!(long_tag(letter), None);
        }
        assert_eq!(long_tag(&format!("a\nb {{{{ {long} }}}}")), Some(2));
        assert_eq!(long_tag(&format!("{{% if {long} %}}")), Some(1));
        assert_eq!(long_tag(&format!("x\n\n{{{{ {long}")), Some(3));
        assert_eq!(long_tag(&format!("{{{{ \"}}}}\" ~ {long} }}}}")), Some(1));
        assert_eq!(long_tag(&format!("{{{{ '\\'}}}}' ~ {long} }}}}")), Some(1));
        assert_eq!(long_tag(&format!("{{# {{{{ #}} {long} }}}}")), None);
        assert_eq!(long_tag(&format!("{{{{ 1 }}}} {long} {{% endif %}}")), None);
    }

    #[test]
    fn dates_in_words() {
        let f = |text: &str, lang| found_at_words(FoundAt::parse(text).unwrap(), lang);
        assert_eq!(f("2026-12-01T09:30:00+07:00", Lang::Id), "1 Desember 2026 pukul 09.30 (UTC+07:00)");
        assert_eq!(f("2026-12-01T09:30:00+07:00", Lang::En), "1 December 2026, 09:30 (UTC+07:00)");
        assert_eq!(f("2026-01-31T23:05:59Z", Lang::Id), "31 Januari 2026 pukul 23.05 (UTC)");
        assert_eq!(f("2026-05-02 07:00:00-03:30", Lang::En), "2 May 2026, 07:00 (UTC-03:30)");
        assert_eq!(f("2026-08-17", Lang::Id), "17 Agustus 2026");
        assert_eq!(f("2026-08-17", Lang::En), "17 August 2026");
    }

    #[test]
    fn field_names_are_code_spans_nothing_escaped() {
        assert_eq!(code("no_rm"), "`no_rm`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("<b>*x*</b>"), "`<b>*x*</b>`");
        assert_eq!(code("a\nb"), "`a\u{fffd}b`");
    }

    #[test]
    fn markdown_from_a_dump_is_text() {
        assert_eq!(
            md("[klik](http://x) <img src=x> a|b\n#"),
            "\\[klik\\](http://x) \\<img src=x\\> a\\|b\u{fffd}\\#"
        );
    }
}
