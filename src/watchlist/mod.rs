//! Watchlists (SPEC §4): loading plain lists and CSVs of people into one digest lookup.
//!
//! Every identifier is normalized and hashed on load; the scan only ever compares digests. The
//! loaders never put an identifier into an error message: they name the file, line, column and
//! rule instead.

mod hashed;
mod index;
mod labels;
pub mod lcx;
mod people;
mod plain;
mod prefilter;
mod read;
pub use read::MAX_LINE;

pub use hashed::write as hashed_write;
pub use index::EntryId;

use crate::hash::{Digest, Hasher};
use crate::input::sniff;
use crate::kind::{Kind, KindSet};
use crate::normalize::{self, Invalid};
use crate::roles;
use index::DigestIndex;
use prefilter::{Prefilter, ValueKey};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// One watched person (or, in a plain list, one watched identifier).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchEntry {
    /// `L<line>` (plain list), `R<row>` or the label column (CSV), after the list's prefix when
    /// there are several lists (`ward3:L12`).
    pub label: String,
    /// Bytes of `label` that are the list's prefix (`ward3:`), 0 with one list.
    pub prefix_len: usize,
    /// The kinds of the entry's digests: a NIK (`nik`) and a birth date (`name_dob`, formed
    /// for every name and date) are what a record can contradict (SPEC §6 1.1).
    pub kinds: KindSet,
}

impl WatchEntry {
    /// The label as its own list gives it, without the prefix several lists add (`L12`): what
    /// an exposure's fingerprint is made of, so that adding a list changes no fingerprint.
    pub fn own_label(&self) -> &str {
        self.label.get(self.prefix_len..).unwrap_or(&self.label)
    }
}

/// One `--watch` file, as a report names it (SPEC §7 1.1 `watchlists[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchlistFile {
    /// As given, `-` for standard input.
    pub path: String,
    /// `plain`, `csv` (a CSV of people), `hashed` or `lcx` (an index).
    pub format: &'static str,
    /// Entries it added.
    pub entries: usize,
    /// Its digests are HMACs (the scan's key mode).
    pub keyed: bool,
    /// SHA-256 of the file's bytes as read, 64 hex digits; for an index, of its bytes before
    /// its block checksums, computed when it was built and stored in it (hashing a 7 GB index
    /// on every open would cost more than the scan).
    pub sha256: String,
}

/// A value more watch entries than this hold is warned about at load: it is rarely a person's
/// own (SPEC §6: people have one NIK; phones are shared within a family, not by hundreds).
const SHARED_VALUE_WARN: usize = 100;

/// Every entry of every `--watch` file and the digests that find them.
pub struct Watchlist {
    /// The entries of lists read into memory; [`Watchlist::entry`] finds an id among them
    /// after skipping the ids of the indexes before it.
    entries: Vec<WatchEntry>,
    /// Each of `entries`' kinds, a byte apiece: read for every entry a record's common name
    /// pairs it with ([`Watchlist::kinds`]), which a cache holds for far more entries than it
    /// holds whole [`WatchEntry`]s.
    kinds: Vec<KindSet>,
    /// Indexes opened with mmap (`.lcx`), in load order, each with the ids it takes.
    indexes: Vec<IndexedList>,
    index: DigestIndex,
    /// Built when every in-memory entry's canonical values were known (no hashed watchlist).
    prefilter: Option<Prefilter>,
    /// The kinds of every digest a lookup can find: those of the entries in memory, or all of
    /// them when an index is open (its entries are not read to find out).
    held: KindSet,
    /// How the indexes' value filters key a value (all indexes share the scan's key mode).
    index_key: ValueKey,
    /// Lines, rows and values of a row skipped under `--lenient`.
    pub skipped: usize,
    /// One message per skipped line, safe to print (no identifiers).
    pub warnings: Vec<String>,
    /// The files read, in order.
    pub files: Vec<WatchlistFile>,
}

/// An index among the watchlists, and the entry ids it takes: `base..base + entries`.
struct IndexedList {
    index: lcx::LcxIndex,
    base: EntryId,
    path: String,
    prefix: String,
}

impl IndexedList {
    fn len(&self) -> usize {
        self.index.trailer.entries as usize
    }
}

/// The entries that hold one digest: those of the lists in memory, then those of each index.
/// The lookup seam: the matcher reads either source through it, without allocating.
pub struct Entries<'a> {
    memory: std::slice::Iter<'a, (Digest, EntryId)>,
    indexes: &'a [IndexedList],
    digest: &'a Digest,
    /// The index being read and the table positions left in it.
    current: Option<(&'a IndexedList, std::ops::Range<usize>)>,
}

impl Iterator for Entries<'_> {
    type Item = EntryId;

    #[inline]
    fn next(&mut self) -> Option<EntryId> {
        if let Some(&(_, entry)) = self.memory.next() {
            return Some(entry);
        }
        loop {
            if let Some((list, positions)) = &mut self.current
                && let Some(position) = positions.next()
            {
                return Some(list.base + list.index.entry_at(position));
            }
            let (list, rest) = self.indexes.split_first()?;
            self.indexes = rest;
            self.current = Some((list, list.index.find(self.digest)));
        }
    }
}

impl Watchlist {
    /// Entries that hold `digest`, in load order within each list.
    #[inline]
    pub fn lookup<'a>(&'a self, digest: &'a Digest) -> Entries<'a> {
        Entries { memory: self.index.get(digest).iter(), indexes: &self.indexes, digest, current: None }
    }

    /// A message when an index turned out damaged during the scan: its answers cannot be
    /// trusted, so the scan must end in this error instead of a report.
    pub fn corruption(&self) -> Option<String> {
        self.indexes.iter().find(|l| l.index.is_corrupt()).map(|l| {
            format!(
                "watchlist index {}: a block failed its checksum (the file is damaged): no report \
                 written; build the index again",
                l.path
            )
        })
    }

    /// Keeps the positions of the `values` (kind, canonical) that may be on the watchlist in
    /// `kept`: the others need not be hashed (see [`prefilter`]; a hashed watchlist keeps all).
    /// A value is kept when the lists in memory or any index's value filter may hold it. The
    /// filters' cache lines are all requested before any is tested.
    pub fn may_hold_all<'a>(
        &self,
        values: impl ExactSizeIterator<Item = (Kind, &'a str)>,
        keys: &mut Vec<u64>,
        kept: &mut Vec<usize>,
    ) {
        kept.clear();
        let Some(filter) = &self.prefilter else {
            kept.extend(0..values.len());
            return;
        };
        keys.clear();
        if self.indexes.is_empty() {
            keys.extend(values.map(|(kind, canonical)| {
                let key = prefilter::key(kind, canonical.as_bytes());
                filter.prefetch(key);
                key
            }));
            kept.extend(keys.iter().enumerate().filter(|(_, key)| filter.may_contain(**key)).map(|(i, _)| i));
            return;
        }
        // Two keys a value: the in-memory prefilter's, then the indexes' (the same unkeyed).
        for (kind, canonical) in values {
            let key = prefilter::key(kind, canonical.as_bytes());
            let index_key = match self.index_key {
                ValueKey::Unkeyed => key,
                keyed => keyed.key(kind, canonical.as_bytes()),
            };
            filter.prefetch(key);
            for list in &self.indexes {
                list.index.prefetch_filter(index_key);
            }
            keys.extend([key, index_key]);
        }
        let may_hold = |pair: &[u64]| {
            filter.may_contain(pair[0]) || self.indexes.iter().any(|list| list.index.may_contain(pair[1]))
        };
        kept.extend(keys.chunks_exact(2).enumerate().filter(|(_, pair)| may_hold(pair)).map(|(i, _)| i));
    }

    /// Whether a lookup of a `kind` digest can find an entry: a dump's values of a kind no list
    /// holds (e-mails against a list of NIKs and names) need not be hashed or looked up.
    #[inline]
    pub fn may_hold_kind(&self, kind: Kind) -> bool {
        self.held.contains(kind)
    }

    /// Starts loading what [`Watchlist::lookup`] of `digest` will read (see [`DigestIndex::prefetch`]).
    #[inline]
    pub fn prefetch(&self, digest: &Digest) {
        self.index.prefetch(digest);
    }

    /// The entry `id`: borrowed from memory, or read from its index (only for hits).
    pub fn entry(&self, id: EntryId) -> Cow<'_, WatchEntry> {
        let mut before = 0;
        for list in &self.indexes {
            if id < list.base {
                break;
            }
            if ((id - list.base) as usize) < list.len() {
                let (label, kinds) = list.index.entry(id - list.base).unwrap_or(("?", KindSet::default()));
                let label = format!("{}{label}", list.prefix);
                return Cow::Owned(WatchEntry { label, prefix_len: list.prefix.len(), kinds });
            }
            before += list.len();
        }
        Cow::Borrowed(&self.entries[id as usize - before])
    }

    /// The kinds of entry `id`'s digests ([`WatchEntry::kinds`]), without building its label.
    pub fn kinds(&self, id: EntryId) -> KindSet {
        let mut before = 0;
        for list in &self.indexes {
            if id < list.base {
                break;
            }
            if ((id - list.base) as usize) < list.len() {
                return list.index.entry(id - list.base).map_or(KindSet::default(), |(_, kinds)| kinds);
            }
            before += list.len();
        }
        self.kinds.get((id as usize).wrapping_sub(before)).copied().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.entries.len() + self.indexes.iter().map(IndexedList::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A watch entry's label and contact details as its list writes them: plaintext, the
/// controller's own data, for `report notify`'s letters and recipients (SPEC §11). A hashed
/// list gives the label only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// As the scan labels the entry (with the list's prefix when there are several).
    pub label: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The phone cell as written (it may hold several numbers).
    pub phone: Option<String>,
    /// The entry came from a hashed watchlist: nothing but its label is known.
    pub hashed: bool,
    /// The watchlist the entry came from, as named on the command line.
    pub source: String,
    /// The entry's line in `source` (its first, for a CSV row over several); 0 when unknown.
    pub line: u64,
}

/// Why a watchlist could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum WatchlistError {
    #[error("watchlist {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error(
        "watchlist {path}: looks like a table, but no column is named like nik, nama, tgl_lahir, no_hp or email \
         (rename the headers; for a plain list, put one identifier per line or prefix lines with nik:, phone:, \
         email: or name:)"
    )]
    UnknownTable { path: String },
    #[error(
        "watchlist {path}: {what}: a compressed watchlist is not read: decompress it, or give it as <(zcat FILE)"
    )]
    Compressed { path: String, what: &'static str },
    #[error("watchlist {path}: UTF-16 text; save it as UTF-8 and try again")]
    Utf16 { path: String },
    #[error("watchlist {path}:{line}: {reason}")]
    Line { path: String, line: u64, reason: String },
    #[error("watchlist {path}: no entries (a watchlist needs at least one identifier)")]
    Empty { path: String },
    #[error(
        "watchlist {path}: no entries: all {skipped} that could be were skipped {under} (the first: {first})"
    )]
    AllSkipped { path: String, skipped: usize, first: String, under: &'static str },
    #[error("watchlist {path}: {reason}")]
    Index { path: String, reason: String },
    #[error("watchlist index {path}: {error}")]
    IndexWrite { path: String, error: std::io::Error },
    #[error("watchlist {path} is already hashed")]
    AlreadyHashed { path: String },
    #[error("watchlist {path} is keyed: give its key with --key-file or {}", crate::key::KEY_ENV)]
    KeyMissing { path: String },
    #[error("watchlist {path} was hashed with another key (its key check does not match this key's)")]
    KeyWrong { path: String },
    #[error(
        "watchlist {path} is not keyed, but a key was given: give it without --key-file and {}",
        crate::key::KEY_ENV
    )]
    KeyUnexpected { path: String },
}

/// The note on a line skipped because `--lenient` was given.
const LENIENT: &str = "--lenient";
/// The note on a line `report notify` skips (it reads every list leniently, unasked).
const NOTIFY_SKIPS: &str = "report notify reads past what it cannot understand";

/// How to treat lines that cannot be understood.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// Skip them with a warning instead of failing (`--lenient`).
    pub lenient: bool,
}

/// The canonical identifiers of one entry, before hashing.
#[derive(Debug, Default)]
pub(crate) struct Person {
    pub values: Vec<(Kind, String)>,
}

impl Person {
    /// Normalizes and adds `raw` as `kind`. A phone cell may hold several numbers: every valid
    /// one is added, and the first invalid one is the error.
    pub fn add(&mut self, kind: Kind, raw: &str) -> Result<(), Invalid> {
        if kind == Kind::Phone {
            let mut result = Ok(());
            normalize::for_each_phone(raw, |p| match normalize::canonical(Kind::Phone, p) {
                Ok(c) => self.values.push((kind, c)),
                Err(why) => result = result.and(Err(why)),
            });
            return result;
        }
        let canonical = normalize::canonical(kind, raw)?;
        self.values.push((kind, canonical));
        Ok(())
    }

    /// One digest per identifier, plus `name_dob` for every name and date pair.
    pub fn digests(&self, hasher: &Hasher) -> Vec<(Kind, Digest)> {
        let mut digests = Vec::with_capacity(self.values.len() + 1);
        self.for_each_hashed(|kind, value| digests.push((kind, hasher.digest(kind, value))));
        digests
    }

    /// Calls `f` with each (kind, canonical value) that is hashed: every value but dates, then
    /// `<name>|<dob>` for every name and date pair.
    fn for_each_hashed(&self, mut f: impl FnMut(Kind, &str)) {
        let of = |kind: Kind| self.values.iter().filter(move |(k, _)| *k == kind).map(|(_, v)| v);
        for (kind, value) in &self.values {
            if *kind != Kind::Dob {
                f(*kind, value);
            }
        }
        let mut joined = String::new();
        for name in of(Kind::Name) {
            for dob in of(Kind::Dob) {
                joined.clear();
                joined.push_str(name);
                joined.push('|');
                joined.push_str(dob);
                f(Kind::NameDob, &joined);
            }
        }
    }

    /// The prefilter keys (`with`: see [`ValueKey`]) of the values [`Person::digests`]
    /// hashes, in the same order.
    pub fn prefilter_keys(&self, with: ValueKey) -> Vec<u64> {
        let mut keys = Vec::with_capacity(self.values.len() + 1);
        self.for_each_hashed(|kind, value| keys.push(with.key(kind, value.as_bytes())));
        keys
    }

    /// True when the entry can match something (a date of birth alone cannot).
    pub fn has_identifier(&self) -> bool {
        self.values.iter().any(|(k, _)| *k != Kind::Dob)
    }
}

/// One watch entry as digests only: what a hashed watchlist holds, line by line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashedEntry {
    pub label: String,
    /// Digests in kind order, each kind's digests once.
    pub digests: Vec<(Kind, Digest)>,
}

/// Collects entries and their digests while files are read.
pub(crate) struct Builder<'h> {
    hasher: &'h Hasher,
    lenient: bool,
    /// Why lines that cannot be understood are skipped: [`LENIENT`], or [`NOTIFY_SKIPS`].
    skip_note: &'static str,
    entries: Vec<WatchEntry>,
    pairs: Vec<(Digest, EntryId)>,
    /// Each entry's digests, kept for `leakcheck hash`.
    kept: Option<Vec<HashedEntry>>,
    skipped: usize,
    warnings: Vec<String>,
    /// Put before every label of the list being read (several lists, SPEC §4 1.1).
    label_prefix: String,
    /// Labels that would disclose their person, written as the row number (`leakcheck hash`).
    relabeled: usize,
    /// `leakcheck hash` refuses lists that are already hashed.
    refuse_hashed: bool,
    /// Show a progress bar while a list is read (`leakcheck hash --index`, on a terminal).
    progress: bool,
    /// Prefilter keys of every entry's canonical values; `None` once an entry came as digests.
    keys: Option<Vec<u64>>,
    /// How keys are made: unkeyed for the in-memory prefilter, as the index's value filter for
    /// `leakcheck hash --index` (keyed with a keyed hasher).
    value_key: ValueKey,
    files: Vec<WatchlistFile>,
    /// Entries added so far, in memory or in indexes: the next entry's id.
    total: usize,
    indexes: Vec<IndexedList>,
    /// Where `leakcheck hash --index` sends entries instead of keeping them.
    sink: Option<lcx::IndexBuilder>,
    sink_error: Option<std::io::Error>,
    /// The rules of a hashed list read with rules other than this build's (for its index).
    source_rules: Option<String>,
    /// Every entry's contact details, kept for `report notify` (see [`load_contacts`]).
    contacts: Option<Vec<Contact>>,
    /// The details of the entry about to be added.
    pending_contact: Contact,
}

impl Builder<'_> {
    /// Adds a person: one digest per identifier, plus `name_dob` for every name and date pair.
    pub fn add(&mut self, label: String, person: &Person) {
        let digests = person.digests(self.hasher);
        self.add_person(label, digests, &person.prefilter_keys(self.value_key));
    }

    /// Adds a person already hashed, with the prefilter keys of its canonical values.
    pub fn add_person(&mut self, label: String, digests: Vec<(Kind, Digest)>, keys: &[u64]) {
        if let Some(all) = &mut self.keys {
            all.extend_from_slice(keys);
        }
        self.add_entry(label, digests, Some(keys));
    }

    /// Adds an entry known only by its digests (a hashed watchlist): no value of it is known,
    /// so the scan hashes every value.
    pub fn add_digests(&mut self, label: String, digests: Vec<(Kind, Digest)>) {
        self.keys = None;
        self.pending_contact.hashed = true;
        self.add_entry(label, digests, None);
    }

    /// `keys`: the value filter's keys, for an index being built (`None`: not known).
    fn add_entry(&mut self, mut label: String, mut digests: Vec<(Kind, Digest)>, keys: Option<&[u64]>) {
        if !self.label_prefix.is_empty() {
            label.insert_str(0, &self.label_prefix);
        }
        digests.sort_by_key(|(kind, _)| *kind);
        // Each digest once, the first kind that has it kept. A person has a handful: a linear
        // search, unless a hostile row holds thousands of phones.
        if digests.len() <= 32 {
            let mut kept = 0;
            for i in 0..digests.len() {
                if !digests[..kept].iter().any(|(_, d)| *d == digests[i].1) {
                    digests.swap(kept, i);
                    kept += 1;
                }
            }
            digests.truncate(kept);
        } else {
            let mut seen = std::collections::HashSet::new();
            digests.retain(|(_, d)| seen.insert(*d));
        }
        let kinds = digests.iter().map(|(kind, _)| *kind).collect();
        if let Some(sink) = &mut self.sink {
            if let Err(e) = sink.add(&label, kinds, &digests, keys) {
                self.sink_error.get_or_insert(e);
            }
            self.total += 1;
            return;
        }
        let id = self.total as EntryId;
        self.total += 1;
        self.pairs.extend(digests.iter().map(|(_, d)| (*d, id)));
        if let Some(kept) = &mut self.kept {
            kept.push(HashedEntry { label: label.clone(), digests });
        }
        let contact = std::mem::take(&mut self.pending_contact);
        if let Some(contacts) = &mut self.contacts {
            contacts.push(Contact { label: label.clone(), ..contact });
        }
        self.entries.push(WatchEntry { label, prefix_len: self.label_prefix.len(), kinds });
    }

    /// Fails on a line that cannot be understood, or skips it under `--lenient`.
    pub fn reject(&mut self, path: &str, line: u64, reason: String) -> Result<(), WatchlistError> {
        self.skip(path, line, reason, "skipped")
    }

    /// Counts a value left out of a person under `--lenient` (the rest of the row is kept).
    pub fn reject_value(&mut self, path: &str, line: u64, reason: String) -> Result<(), WatchlistError> {
        self.skip(path, line, reason, "value left out, the rest of the row kept")
    }

    fn skip(&mut self, path: &str, line: u64, reason: String, what: &str) -> Result<(), WatchlistError> {
        if !self.lenient {
            return Err(WatchlistError::Line { path: path.to_string(), line, reason });
        }
        self.skipped += 1;
        self.warnings.push(format!("watchlist {path}:{line}: {reason}; {what} ({})", self.skip_note));
        Ok(())
    }
}

impl<'h> Builder<'h> {
    /// The lookup over everything added.
    fn finish(mut self) -> Watchlist {
        let index = DigestIndex::build(self.pairs);
        let (crowded, most) = index.crowded(SHARED_VALUE_WARN);
        if crowded > 0 {
            self.warnings.push(crowded_warning(crowded as u64, most as u64));
        }
        if let Some(warning) =
            labels::masked_collisions_warning(self.entries.iter().map(|e| e.label.as_str()))
        {
            self.warnings.push(warning);
        }
        let held = if self.indexes.is_empty() {
            self.entries.iter().fold(KindSet::default(), |all, e| all.union(e.kinds))
        } else {
            Kind::MATCHED.into_iter().collect()
        };
        Watchlist {
            held,
            kinds: self.entries.iter().map(|e| e.kinds).collect(),
            entries: self.entries,
            indexes: self.indexes,
            index,
            prefilter: self.keys.map(|keys| Prefilter::build(&keys)),
            index_key: ValueKey::of(self.hasher),
            skipped: self.skipped,
            warnings: self.warnings,
            files: self.files,
        }
    }

    fn new(hasher: &'h Hasher, options: LoadOptions) -> Self {
        Builder {
            hasher,
            lenient: options.lenient,
            skip_note: LENIENT,
            entries: Vec::new(),
            pairs: Vec::new(),
            kept: None,
            skipped: 0,
            warnings: Vec::new(),
            label_prefix: String::new(),
            relabeled: 0,
            progress: false,
            refuse_hashed: false,
            keys: Some(Vec::new()),
            value_key: ValueKey::Unkeyed,
            files: Vec::new(),
            total: 0,
            indexes: Vec::new(),
            sink: None,
            sink_error: None,
            source_rules: None,
            contacts: None,
            pending_contact: Contact::default(),
        }
    }
}

/// The warning for digests that many entries share: counted in memory, or when an index was
/// built.
fn crowded_warning(crowded: u64, most: u64) -> String {
    format!(
        "{crowded} value(s) are each held by more than {SHARED_VALUE_WARN} watch entries (up to \
         {most}): a placeholder such as 0000000000000000 or a shared number such as a \
         switchboard? Every record holding one pairs with all of those people"
    )
}

/// Loads every watchlist file (plain, CSV of people or hashed), in order, into one lookup.
pub fn load(paths: &[PathBuf], hasher: &Hasher, options: LoadOptions) -> Result<Watchlist, WatchlistError> {
    let mut builder = Builder::new(hasher, options);
    load_files(paths, &mut builder)?;
    Ok(builder.finish())
}

/// Reads `paths` in order, each file once, each list's labels prefixed with its name when
/// there are several; returns the warnings for the repeats (also among the builder's).
fn load_files(paths: &[PathBuf], builder: &mut Builder<'_>) -> Result<Vec<String>, WatchlistError> {
    let (paths, repeats) = read_once(paths);
    builder.warnings.extend(repeats.iter().cloned());
    for (path, prefix) in paths.iter().zip(labels::prefixes(&paths, builder.refuse_hashed)) {
        builder.label_prefix = prefix;
        load_file(path, builder)?;
    }
    Ok(repeats)
}

/// The first of the paths that are one file (same device and inode: `w.csv ./w.csv`, a hard
/// link, a symbolic link to it; or the same path when it cannot be looked at), and a warning
/// for each repeat. Read twice, a list's every person would be two entries: each exposure
/// reported twice, the counts doubled, two letters to each person (SPEC §6).
fn read_once(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    use std::collections::hash_map::{Entry, HashMap};
    let mut first: HashMap<FileIdentity, &Path> = HashMap::new();
    let mut kept = Vec::with_capacity(paths.len());
    let mut repeats = Vec::new();
    for path in paths {
        match first.entry(FileIdentity::of(path)) {
            Entry::Occupied(seen) => repeats.push(format!(
                "list {}: the same file as {}, which is read once",
                path.display(),
                seen.get().display()
            )),
            Entry::Vacant(slot) => {
                slot.insert(path);
                kept.push(path.clone());
            }
        }
    }
    (kept, repeats)
}

/// What makes two watchlist paths one file.
#[derive(PartialEq, Eq, Hash)]
enum FileIdentity {
    Inode(crate::output::FileId),
    Path(PathBuf),
}

impl FileIdentity {
    fn of(path: &Path) -> Self {
        let meta = if path == Path::new("-") { stdin_metadata() } else { std::fs::metadata(path).ok() };
        meta.map_or_else(
            || FileIdentity::Path(path.to_path_buf()),
            |m| FileIdentity::Inode(crate::output::FileId::of(&m)),
        )
    }
}

/// What standard input is (`-`), so that `--watch - --watch /dev/stdin` is one list.
fn stdin_metadata() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    // A duplicate of descriptor 0, closed when dropped: standard input itself stays open.
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    std::fs::File::from(fd).metadata().ok()
}

/// The entries of plain and CSV watchlists as digests, for `leakcheck hash`; the lines skipped
/// under `--lenient`, and their warnings.
pub fn hash_entries(
    paths: &[PathBuf],
    hasher: &Hasher,
    options: LoadOptions,
) -> Result<(Vec<HashedEntry>, usize, Vec<String>), WatchlistError> {
    let mut builder = Builder::new(hasher, options);
    builder.kept = Some(Vec::new());
    builder.refuse_hashed = true;
    load_files(paths, &mut builder)?;
    if builder.relabeled > 0 {
        builder.warnings.push(relabeled_warning(builder.relabeled));
    }
    Ok((builder.kept.unwrap_or_default(), builder.skipped, builder.warnings))
}

/// Every entry's label (as the scan of `paths` labels it) and contact details, in load order,
/// for `report notify`. Lines that cannot be understood are skipped, as under `--lenient`
/// (labels are line and row numbers, so they do not move); a keyed hashed list is read without
/// its key (only its labels are used). Also each file as a report names it (its SHA-256), so
/// that the lists can be checked against the scan's `watchlists[]`.
pub fn load_contacts(paths: &[PathBuf]) -> Result<ContactLists, WatchlistError> {
    let hasher = Hasher::unkeyed();
    let mut builder = Builder::new(&hasher, LoadOptions { lenient: true });
    builder.skip_note = NOTIFY_SKIPS;
    builder.contacts = Some(Vec::new());
    let repeats = load_files(paths, &mut builder)?;
    Ok(ContactLists { contacts: builder.contacts.take().unwrap_or_default(), files: builder.files, repeats })
}

/// The watchlists as `report notify` reads them ([`load_contacts`]).
pub struct ContactLists {
    pub contacts: Vec<Contact>,
    pub files: Vec<WatchlistFile>,
    /// The warnings for lists given more than once (each is read once).
    pub repeats: Vec<String>,
}

/// Loads one watchlist held in memory, called `name` in messages.
pub fn load_bytes(
    name: &str,
    bytes: &[u8],
    hasher: &Hasher,
    options: LoadOptions,
) -> Result<Watchlist, WatchlistError> {
    let mut builder = Builder::new(hasher, options);
    add_read(name.to_string(), bytes, bytes.len() as u64, &mut builder)?;
    Ok(builder.finish())
}

fn load_file(path: &Path, builder: &mut Builder<'_>) -> Result<(), WatchlistError> {
    let name = path.display().to_string();
    if path == Path::new("-") {
        return add_read(name, std::io::stdin().lock(), 0, builder);
    }
    let io_error = |error| WatchlistError::Io { path: name.clone(), error };
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    // The head is peeked, not read and sought back: a pipe or a FIFO (`--watch <(cat w.txt)`)
    // cannot go back, and its first bytes must still be read as the list's.
    let mut head = [0u8; 8];
    let got = read_head(&mut file, &mut head).map_err(io_error)?;
    let head = &head[..got];
    if looks_like_index(head) {
        use std::io::Seek;
        if file.rewind().is_ok() {
            return add_index(name, &file, builder);
        }
        let reason =
            "an index must be a regular file (it is opened in place with mmap), not a pipe or device".into();
        return Err(WatchlistError::Index { path: name, reason });
    }
    // A regular file's size is its length; a device's or a pipe's says nothing.
    let size = file.metadata().ok().filter(std::fs::Metadata::is_file).map_or(0, |m| m.len());
    add_read(name, std::io::Read::chain(head, file), size, builder)
}

/// Reads one watchlist (lines bounded, see [`read`]) and adds its entries as it is read.
fn add_read(
    name: String,
    reader: impl std::io::Read,
    size: u64,
    builder: &mut Builder<'_>,
) -> Result<(), WatchlistError> {
    let (entries_before, skipped_before) = (builder.total, builder.skipped);
    let warnings_before = builder.warnings.len();
    let contacts_before = builder.contacts.as_ref().map_or(0, Vec::len);
    let mut stream = read::Stream::new(&name, reader, builder.lenient, builder.progress.then_some(size));
    let format = add_stream(&name, &mut stream, builder)?;
    let (sha256, long_lines) = stream.finish()?;
    // Lines too long to read come first among the list's warnings, by their line numbers.
    let warnings_after = builder.warnings.len();
    for &line in &long_lines {
        builder.reject(&name, line, read::too_long())?;
    }
    builder.warnings[warnings_before..].rotate_left(warnings_after - warnings_before);
    if let Some(contacts) = &mut builder.contacts {
        for contact in contacts.iter_mut().skip(contacts_before) {
            contact.source.clone_from(&name);
        }
    }
    if builder.total > entries_before {
        builder.files.push(WatchlistFile {
            path: name.clone(),
            format,
            entries: builder.total - entries_before,
            keyed: builder.hasher.is_keyed(),
            sha256: crate::hash::to_hex(&sha256),
        });
        let first = builder.entries.len().saturating_sub(builder.total - entries_before);
        let added = builder.entries[first..].iter().map(|e| e.label.as_str());
        if let Some(warning) = labels::duplicates_warning(&name, added) {
            builder.warnings.push(warning);
        }
        return Ok(());
    }
    let skipped = builder.skipped - skipped_before;
    let note = format!("({})", builder.skip_note);
    let first = builder.warnings[warnings_before..].iter().find(|w| w.ends_with(&note));
    let under = if builder.skip_note == LENIENT { "under --lenient" } else { "by report notify" };
    match first {
        Some(first) if skipped > 0 => {
            Err(WatchlistError::AllSkipped { path: name, skipped, first: first.clone(), under })
        }
        _ => Err(WatchlistError::Empty { path: name }),
    }
}

/// Reads up to `head.len()` bytes (fewer only at the end of the file); how many were read.
fn read_head(file: &mut std::fs::File, head: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Whether a file's first bytes (all of them, if fewer than the magic) are an index's magic.
fn looks_like_index(head: &[u8]) -> bool {
    // A file shorter than the magic that begins like it is an index cut short, not a one-line
    // plain list (`LCXIN`): opening it says so, where reading it as a list would check nothing.
    let magic = lcx::format::MAGIC;
    let cut = !head.is_empty() && head.len() < magic.len() && magic.starts_with(head);
    cut || lcx::format::is_index(head)
}

/// Opens an index (`.lcx`, SPEC §12) in place: its entries take the next ids.
fn add_index(name: String, file: &std::fs::File, builder: &mut Builder<'_>) -> Result<(), WatchlistError> {
    let error = |reason: String| WatchlistError::Index { path: name.clone(), reason };
    if builder.refuse_hashed {
        return Err(WatchlistError::AlreadyHashed { path: name });
    }
    let index = lcx::LcxIndex::open(file).map_err(error)?;
    if builder.contacts.is_some() {
        // `report notify`: an index holds labels only, and reading them needs no key (as for
        // a hashed list).
        return add_index_labels(&name, &index, builder);
    }
    let t = &index.trailer;
    hashed::check_key(
        &name,
        t.keyed,
        (!t.key_check.is_empty()).then_some(t.key_check.as_str()),
        builder.hasher,
    )?;
    if let Some(warning) = hashed::rules_warning(&name, (!t.rules.is_empty()).then_some(t.rules.as_str())) {
        builder.warnings.push(warning);
    }
    if t.crowded > 0 {
        builder.warnings.push(crowded_warning(t.crowded, t.most));
    }
    if t.entries == 0 {
        return Err(WatchlistError::Empty { path: name });
    }
    let entries = t.entries as usize;
    let base = EntryId::try_from(builder.total)
        .ok()
        .filter(|base| {
            base.checked_add((entries - 1) as EntryId).is_some() && entries <= EntryId::MAX as usize
        })
        .ok_or_else(|| error("more than 4294967295 watch entries in all".into()))?;
    builder.files.push(WatchlistFile {
        path: name.clone(),
        format: "lcx",
        entries,
        keyed: builder.hasher.is_keyed(),
        sha256: crate::hash::to_hex(&t.sha256),
    });
    // Its value filter says which values to hash (the lists in memory keep their prefilter);
    // made from a hashed list, it has none, and every value is hashed (as for that list).
    if !index.has_filter() {
        builder.keys = None;
    }
    builder.total += entries;
    let prefix = builder.label_prefix.clone();
    builder.indexes.push(IndexedList { index, base, path: name, prefix });
    Ok(())
}

/// Adds the labels of `index` to the contacts (`report notify`), with the list's prefix, each
/// known by its label only.
fn add_index_labels(
    name: &str,
    index: &lcx::LcxIndex,
    builder: &mut Builder<'_>,
) -> Result<(), WatchlistError> {
    let entries = u32::try_from(index.trailer.entries).map_err(|_| WatchlistError::Index {
        path: name.to_string(),
        reason: "more than 4294967295 watch entries".into(),
    })?;
    if entries == 0 {
        return Err(WatchlistError::Empty { path: name.to_string() });
    }
    let contacts = builder.contacts.get_or_insert_with(Vec::new);
    for id in 0..entries {
        let Some((label, _)) = index.entry(id) else {
            return Err(WatchlistError::Index {
                path: name.to_string(),
                reason: "its labels are damaged (build the index again)".into(),
            });
        };
        let label = format!("{}{label}", builder.label_prefix);
        contacts.push(Contact { label, hashed: true, ..Contact::default() });
    }
    builder.total += entries as usize;
    // As the scan names it in `watchlists[]`, so notify can check it is the scan's list.
    builder.files.push(WatchlistFile {
        path: name.to_string(),
        format: "lcx",
        entries: entries as usize,
        keyed: index.trailer.keyed,
        sha256: crate::hash::to_hex(&index.trailer.sha256),
    });
    Ok(())
}

/// Writes the watchlists (plain, CSV of people or hashed) as an index (`leakcheck hash
/// --index`), its temporary files in `dir`; returns the warnings. Labels are written as by
/// [`hash_entries`].
pub fn build_index(
    paths: &[PathBuf],
    hasher: &Hasher,
    options: LoadOptions,
    out: &mut dyn std::io::Write,
    dir: &Path,
    progress: bool,
) -> Result<Vec<String>, WatchlistError> {
    let index_error = |error| WatchlistError::IndexWrite { path: dir.display().to_string(), error };
    let mut builder = Builder::new(hasher, options);
    builder.refuse_hashed = true;
    builder.sink = Some(lcx::IndexBuilder::new(dir, lcx::run_budget()).map_err(index_error)?);
    // No in-memory prefilter: its keys would grow with the list. The index's value filter keys
    // go to the index builder instead, keyed as the digests are.
    builder.keys = None;
    builder.value_key = ValueKey::of(hasher);
    builder.progress = progress;
    load_files(paths, &mut builder)?;
    if let Some(error) = builder.sink_error.take() {
        return Err(index_error(error));
    }
    if builder.relabeled > 0 {
        builder.warnings.push(relabeled_warning(builder.relabeled));
    }
    let meta = lcx::Meta {
        keyed: hasher.is_keyed(),
        key_check: hasher.key_check(),
        rules: builder.source_rules.clone().unwrap_or_else(hashed::rules),
        crowded_limit: SHARED_VALUE_WARN as u64,
        progress,
    };
    if let Some(sink) = builder.sink.take() {
        sink.finish(out, &meta).map_err(index_error)?;
    }
    Ok(builder.warnings)
}

fn relabeled_warning(relabeled: usize) -> String {
    format!(
        "{relabeled} label(s) were or held a NIK, phone or e-mail, or were the person's own name: written as R<row number> \
         instead, so the hashed list discloses no one"
    )
}

/// Text read ahead to tell a list's layout: its first 64 KiB and 1 000 lines (the layout and
/// delimiter are told from its first 50).
const HEAD_BYTES: usize = 64 << 10;
const HEAD_LINES: usize = 1000;

/// Adds the entries of one watchlist as it is read, whichever its layout; returns the layout's
/// name.
fn add_stream(
    name: &str,
    stream: &mut read::Stream<'_>,
    builder: &mut Builder<'_>,
) -> Result<&'static str, WatchlistError> {
    // Read as dumps are (SPEC §5): invalid bytes as Windows-1252, so a list Excel saved on
    // Windows matches René where the dump writes it in UTF-8.
    let head = stream.head(HEAD_BYTES, HEAD_LINES)?;
    let layout = detect(head.strip_prefix('\u{feff}').unwrap_or(head));
    stream.skip_bom()?;
    let path = || name.to_string();
    match layout {
        Layout::Hashed if builder.refuse_hashed && builder.sink.is_none() => {
            Err(WatchlistError::AlreadyHashed { path: path() })
        }
        Layout::Hashed => hashed::load(name, stream, builder).map(|()| "hashed"),
        Layout::UnknownTable => Err(WatchlistError::UnknownTable { path: path() }),
        Layout::People(delimiter) => people::load(name, stream, delimiter, builder).map(|()| "csv"),
        Layout::Plain => plain::load(name, stream, builder).map(|()| "plain"),
    }
}

enum Layout {
    Plain,
    People(u8),
    Hashed,
    UnknownTable,
}

/// A hashed list starts with its JSON header; a CSV of people has a header row naming at least
/// one identity column; a table whose header names none is refused rather than read as a list
/// of names; anything else is a plain list.
fn detect(text: &str) -> Layout {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    let Some(first) = lines.next() else {
        return Layout::Plain;
    };
    if first.starts_with('{') && first.contains("leakcheck-watchlist") {
        return Layout::Hashed;
    }
    let delimiter = sniff::sniff_delimiter(text.as_bytes(), true, true).unwrap_or(b',');
    let d = char::from(delimiter);
    let recognized = first.split(d).any(|h| roles::role_from_header(h.trim().trim_matches('"')).is_some());
    if recognized && !first.contains('@') {
        return Layout::People(delimiter);
    }
    // Every line with the same number (two or more) of fields, and a first line of words only:
    // a table with headers this tool does not know.
    let fields = first.split(d).count();
    let header_like = !first.contains('@') && !first.chars().any(|c| c.is_ascii_digit());
    let mut rest = lines.take(49).peekable();
    let uniform = rest.peek().is_some() && rest.all(|l| l.split(d).count() == fields);
    if fields >= 2 && header_like && uniform { Layout::UnknownTable } else { Layout::Plain }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest as _;
    use std::io::Write;

    fn load_text(text: &str, lenient: bool) -> Result<Watchlist, WatchlistError> {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        load(&[f.path().to_path_buf()], &Hasher::unkeyed(), LoadOptions { lenient })
    }

    fn labels_for(w: &Watchlist, kind: Kind, canonical: &str) -> Vec<String> {
        let d = Hasher::unkeyed().digest(kind, canonical);
        w.lookup(&d).map(|id| w.entry(id).label.clone()).collect()
    }

    #[test]
    fn plain_list_with_prefixes_and_inference() {
        let w = load_text(
            "# patients\n\n3201 0141 0790 0001\nphone:0812-3456-7890\nBudi.Santoso@Gmail.com\nname:Siti Nurhaliza\n+62 813 1111 2222\nHj. Ani Yudhoyono\n",
            false,
        )
        .unwrap();
        assert_eq!(w.len(), 6);
        assert_eq!(labels_for(&w, Kind::Nik, "3201014107900001"), ["L3"]);
        assert_eq!(labels_for(&w, Kind::Phone, "+6281234567890"), ["L4"]);
        assert_eq!(labels_for(&w, Kind::Email, "budisantoso@gmail.com"), ["L5"]);
        assert_eq!(labels_for(&w, Kind::Name, "siti nurhaliza"), ["L6"]);
        assert_eq!(labels_for(&w, Kind::Phone, "+6281311112222"), ["L7"]);
        assert_eq!(labels_for(&w, Kind::Name, "ani yudhoyono"), ["L8"]);
    }

    #[test]
    fn plain_list_prefixes_take_the_header_synonyms() {
        let w = load_text(
            "HP: 0812-3456-7890\nktp:3201014107900001\nSurel: Budi@Example.com\nwa: 0813 1111 2222\n",
            false,
        )
        .unwrap();
        assert_eq!(labels_for(&w, Kind::Phone, "+6281234567890"), ["L1"]);
        assert_eq!(labels_for(&w, Kind::Nik, "3201014107900001"), ["L2"]);
        assert_eq!(labels_for(&w, Kind::Email, "budi@example.com"), ["L3"]);
        assert_eq!(labels_for(&w, Kind::Phone, "+6281311112222"), ["L4"]);
        let err = load_text("tgl_lahir: 01-01-1990\n", false).err().unwrap().to_string();
        assert!(err.contains(":1: a birth date can only be watched with a name"), "{err}");
    }

    #[test]
    fn csv_of_people_with_label_column_and_several_phones() {
        let w = load_text(
            "id;NIK;Nama Lengkap;Tgl Lahir;No HP;Email\nP-1;3201014107900001;Siti Nurhaliza;01-07-1990;0812-3456-7890 / 0813 1111 2222;\n;;Budi;;;budi@example.com\n",
            false,
        )
        .unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(labels_for(&w, Kind::Nik, "3201014107900001"), ["P-1"]);
        assert_eq!(labels_for(&w, Kind::Phone, "+6281311112222"), ["P-1"]);
        assert_eq!(labels_for(&w, Kind::NameDob, "siti nurhaliza|1990-07-01"), ["P-1"]);
        assert_eq!(labels_for(&w, Kind::Name, "siti nurhaliza"), ["P-1"]);
        assert_eq!(labels_for(&w, Kind::Email, "budi@example.com"), ["R2"]);
    }

    #[test]
    fn semicolon_csv_of_people_with_commas_in_names_is_split_by_semicolons() {
        let mut text = String::from("id;nik;nama;tgl_lahir\n");
        for i in 0..30 {
            text.push_str(&format!(
                "P-{i};32010141079{:05};Nama {i}, S.Kom, M.T, M.Kom, Ph.D;1980-01-01\n",
                i + 1
            ));
        }
        text.push_str("P-S;;Siti Aminah, S.Kom, M.T;01-07-1990\n");
        let w = load_text(&text, false).unwrap();
        assert_eq!(w.len(), 31);
        assert_eq!(labels_for(&w, Kind::Nik, "3201014107900001"), ["P-0"]);
        assert_eq!(labels_for(&w, Kind::NameDob, "siti aminah|1990-07-01"), ["P-S"]);
    }

    #[test]
    fn errors_name_file_and_line_without_the_value() {
        let err = load_text("3201014107900001\n0812\n", false).err().unwrap().to_string();
        assert!(err.contains(":2: "), "{err}");
        assert!(!err.contains("0812"), "{err}");
        let err = load_text("nik,nama\n3201014107900001,Budi\n12345,Ani\n", false).err().unwrap().to_string();
        assert!(err.contains(":3: ") && err.contains("nik") && !err.contains("12345"), "{err}");
        let err = load_text("email:not-an-email\n", false).err().unwrap().to_string();
        assert!(err.contains(":1: "), "{err}");
        assert!(matches!(load_text("# nothing\n\n", false), Err(WatchlistError::Empty { .. })));
        let err = load_text("# ids\n0812\n12345\n", true).err().unwrap().to_string();
        assert!(
            err.contains("no entries: all 2 that could be were skipped under --lenient (the first: "),
            "{err}"
        );
        assert!(err.contains(":2: cannot tell what this is"), "{err}");
        // Long line 2 is skipped before the header's rules are warned about, line 3 after.
        let old_hashed = format!(
            "{{\"format\":\"leakcheck-watchlist\",\"version\":1,\"keyed\":false,\"key_check\":null,\"entries\":2}}\n{}\n{{}}\n",
            "x".repeat(read::MAX_LINE + 1)
        );
        let err = load_text(&old_hashed, true).err().unwrap().to_string();
        assert!(
            err.contains("all 2 that") && err.contains("(the first: ") && err.contains(":2: longer"),
            "{err}"
        );
        assert!(matches!(
            load_text("{\"format\":\"leakcheck-watchlist\",\"version\":1}\n", false),
            Err(WatchlistError::Line { line: 1, .. })
        ));
        assert!(matches!(
            load_text(
                "Nama Karyawan,KTP Number\nBudi Santoso,3201014107900001\nAni,3174051203880003\n",
                false
            ),
            Err(WatchlistError::UnknownTable { .. })
        ));
    }

    #[test]
    fn crlf_and_lone_cr_watchlists_report_physical_line_numbers() {
        for eol in ["\r\n", "\r"] {
            let csv = ["nik,nama", "3201014107900001,Budi", "12345,Ani", ""].join(eol);
            let err = load_text(&csv, false).err().unwrap().to_string();
            assert!(err.contains(":3: "), "{eol:?}: {err}");
            let plain = ["3201014107900001", "", "0812", ""].join(eol);
            let err = load_text(&plain, false).err().unwrap().to_string();
            assert!(err.contains(":3: "), "{eol:?}: {err}");
            let w = load_text(&["Budi", "Ani", ""].join(eol), false).unwrap();
            assert_eq!(labels_for(&w, Kind::Name, "ani"), ["L2"], "{eol:?}");
        }
    }

    #[test]
    fn lenient_skips_and_counts() {
        let w = load_text("3201014107900001\n0812\n???\nBudi\n", true).unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w.skipped, 2);
        assert_eq!(w.warnings.len(), 2);
        assert!(w.warnings[0].contains(":2: "));
        assert_eq!(labels_for(&w, Kind::Name, "budi"), ["L4"]);
    }

    #[test]
    fn lenient_skips_a_bad_value_and_keeps_the_person() {
        let csv = "no_rm,nik,nama,no_hp,email\nRM9,320101410790000,Budi,0812-3456-7890 / 0812,a@b.com\n";
        let w = load_text(csv, true).unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w.skipped, 2);
        assert_eq!(labels_for(&w, Kind::Phone, "+6281234567890"), ["RM9"]);
        assert_eq!(labels_for(&w, Kind::Email, "a@b.com"), ["RM9"]);
        assert_eq!(labels_for(&w, Kind::Name, "budi"), ["RM9"]);
        assert!(w.warnings[0].contains(":2: column \"nik\": invalid nik"), "{:?}", w.warnings);
        assert!(w.warnings[1].contains(":2: column \"no_hp\": invalid phone"), "{:?}", w.warnings);
        assert!(w.warnings.iter().all(|m| !m.contains("32010141079") && !m.contains("0812")));
        let err = load_text(csv, false).err().unwrap().to_string();
        assert!(err.contains(":2: column \"nik\""), "{err}");
        // Nothing left to watch: the row is skipped once.
        let w = load_text("nik,nama\n3201014107900001,Ani\n12345,\n", true).unwrap();
        assert_eq!((w.len(), w.skipped), (1, 1));
    }

    #[test]
    fn hash_writes_disclosing_labels_as_the_row_number() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let csv = "label,nik,nama,email\n\
                   3201014107900001,3201014107900001,Ani,\n\
                   Budi  SANTOSO,,Budi Santoso,\n\
                   budi@example.com,,,budi@example.com\n\
                   0812-3456-7890,,Cici,\n\
                   P-001,,Dedi,\n\
                   RM000123,,Eka,\n\
                   Siti,,Budi Santoso,\n\
                   NIK 3201014107900003,3201014107900003,Fajar,\n\
                   KTP: 3201-0141-0790-0004 / 0812-3456-7890,3201014107900004,Gita,\n\
                   surel budi2@example.com,,Hana,\n\
                   Bed 12 / 2024-01-31,,Indah,\n";
        f.write_all(csv.as_bytes()).unwrap();
        let (entries, _, warnings) =
            hash_entries(&[f.path().to_path_buf()], &Hasher::unkeyed(), LoadOptions::default()).unwrap();
        let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            ["R1", "R2", "R3", "R4", "P-001", "RM000123", "Siti", "R8", "R9", "R10", "Bed 12 / 2024-01-31"]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("7 label(s)"), "{warnings:?}");
        // The watchlist keeps the label as it is (a report masks it, unless `--reveal`): only a
        // hashed list must not hold it.
        let w = load_text(csv, false).unwrap();
        assert_eq!(labels_for(&w, Kind::Name, "ani"), ["3201014107900001"]);
    }

    #[test]
    fn a_hashed_list_under_lenient_counts_a_line_too_long_as_a_skipped_entry() {
        let digest = "e77a3d6148b08bd89fa92cd9b384fac919d09bda67a4ee94a2a115b645a0fdfe";
        let long = format!("{{\"label\":\"{}\",\"nik\":[\"{digest}\"]}}", "x".repeat(read::MAX_LINE));
        let list = format!(
            "{{\"format\":\"leakcheck-watchlist\",\"version\":1,\"keyed\":false,\"key_check\":null,\"entries\":2,\"rules\":\"1.1\"}}\n\
             {long}\n{{\"label\":\"P2\",\"nik\":[\"{digest}\"]}}\n"
        );
        let w = load_text(&list, true).unwrap();
        assert_eq!((w.len(), w.skipped), (1, 1));
        assert!(w.warnings[0].contains(":2: longer than 1 MiB"), "{:?}", w.warnings);
        assert_eq!(labels_for(&w, Kind::Nik, "3201014107900001"), ["P2"]);
        let err = load_text(&list, false).err().unwrap().to_string();
        assert!(err.contains(":2: longer than 1 MiB"), "{err}");
    }

    #[test]
    fn rows_without_identifiers_are_rejected() {
        let err = load_text("id,nama,tgl_lahir\nP1,,01-01-1990\n", false).err().unwrap().to_string();
        assert!(err.contains(":2: "), "{err}");
    }

    #[test]
    fn each_file_read_is_named_with_its_layout_entries_and_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("ward3.txt");
        let people = dir.path().join("patients.csv");
        std::fs::write(&plain, "3201014107900001\nname:Budi Santoso\n").unwrap();
        std::fs::write(&people, "id,nik\nRM001,3201014107900001\n").unwrap();
        let w = load(&[plain.clone(), people.clone()], &Hasher::unkeyed(), LoadOptions::default()).unwrap();
        let files: Vec<(&str, usize, bool)> =
            w.files.iter().map(|f| (f.format, f.entries, f.keyed)).collect();
        assert_eq!(files, [("plain", 2, false), ("csv", 1, false)]);
        assert_eq!(w.files[0].path, plain.display().to_string());
        // `printf '3201014107900001\nname:Budi Santoso\n' | sha256sum`
        let expected = crate::hash::to_hex(&sha2::Sha256::digest(std::fs::read(&plain).unwrap()).into());
        assert_eq!(w.files[0].sha256, expected);
        // The fingerprint's label is the list's own, without the prefix several lists add.
        let labels: Vec<(&str, &str)> = (0..w.len() as EntryId)
            .map(|id| (w.entries[id as usize].label.as_str(), w.entries[id as usize].own_label()))
            .collect();
        assert_eq!(labels, [("ward3:L1", "L1"), ("ward3:L2", "L2"), ("patients:RM001", "RM001")]);
    }

    #[test]
    fn contacts_carry_the_scan_labels_and_the_lists_own_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("ward3.txt");
        std::fs::write(
            &plain,
            "Budi.Santoso@Gmail.com\nnot a value 12\n0812-3456-7890\nname:Siti Nurhaliza\n",
        )
        .unwrap();
        let people = dir.path().join("patients.csv");
        std::fs::write(&people, "id,nama,no_hp,email,nik\nRM001,Hendra Gunawan,0813-2200-4455 / 0857-9000-2468,,\nRM002,,,,3201014107900001\n").unwrap();
        let contacts = load_contacts(&[plain.clone(), people.clone()]).unwrap().contacts;
        let (plain, people_name) = (plain.display().to_string(), people.display().to_string());
        let c =
            |label: &str, name: Option<&str>, email: Option<&str>, phone: Option<&str>, line: u64| Contact {
                label: label.into(),
                name: name.map(Into::into),
                email: email.map(Into::into),
                phone: phone.map(Into::into),
                hashed: false,
                source: if label.starts_with("ward3:") { plain.clone() } else { people_name.clone() },
                line,
            };
        assert_eq!(
            contacts,
            [
                c("ward3:L1", None, Some("Budi.Santoso@Gmail.com"), None, 1),
                c("ward3:L3", None, None, Some("0812-3456-7890"), 3),
                c("ward3:L4", Some("Siti Nurhaliza"), None, None, 4),
                c("patients:RM001", Some("Hendra Gunawan"), None, Some("0813-2200-4455 / 0857-9000-2468"), 2),
                c("patients:RM002", None, None, None, 3),
            ]
        );
        // A keyed hashed list is read without its key: labels only.
        let hasher = Hasher::keyed(b"0123456789abcdef0123456789abcdef").unwrap();
        let (entries, _, _) = hash_entries(&[people], &hasher, LoadOptions::default()).unwrap();
        let mut out = Vec::new();
        hashed_write(&mut out, &entries, &hasher).unwrap();
        let hashed = dir.path().join("hashed.jsonl");
        std::fs::write(&hashed, out).unwrap();
        let contacts = load_contacts(&[hashed]).unwrap().contacts;
        assert_eq!(
            contacts
                .iter()
                .map(|c| (c.label.as_str(), c.hashed, c.name.is_none(), c.line))
                .collect::<Vec<_>>(),
            [("RM001", true, true, 2), ("RM002", true, true, 3)]
        );
    }
}

/// A scan with an index hashes only the values its value filter may hold (issue 19: it hashed
/// every value of every record, as for a hashed list).
#[cfg(test)]
mod index_filter_tests {
    use super::*;

    /// A CSV of `people` people (nik, phone, email), indexed with `hasher` and loaded back
    /// with `plain` beside it when given.
    fn indexed(people: usize, hasher: &Hasher, plain: Option<&str>) -> (tempfile::TempDir, Watchlist) {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("id,nik,no_hp,email\n");
        for i in 0..people {
            csv.push_str(&format!("W{i},3201014107{i:06},0812{i:08},p{i}@contoh.co.id\n"));
        }
        let list = dir.path().join("people.csv");
        std::fs::write(&list, csv).unwrap();
        let index = dir.path().join("people.lcx");
        let mut out = std::fs::File::create(&index).unwrap();
        build_index(&[list], hasher, LoadOptions::default(), &mut out, dir.path(), false).unwrap();
        let mut paths = vec![index];
        if let Some(plain) = plain {
            paths.push(dir.path().join("plain.txt"));
            std::fs::write(&paths[1], plain).unwrap();
        }
        let watchlist = load(&paths, hasher, LoadOptions::default()).unwrap();
        (dir, watchlist)
    }

    /// Which of `values` the watchlist keeps for hashing.
    fn kept(watchlist: &Watchlist, values: &[(Kind, String)]) -> Vec<usize> {
        let (mut keys, mut kept) = (Vec::new(), Vec::new());
        watchlist.may_hold_all(values.iter().map(|(k, v)| (*k, v.as_str())), &mut keys, &mut kept);
        kept
    }

    fn values(from: usize, to: usize) -> Vec<(Kind, String)> {
        (from..to)
            .flat_map(|i| {
                [
                    (Kind::Nik, format!("3201014107{i:06}")),
                    (Kind::Phone, format!("+62812{i:08}")),
                    (Kind::Email, format!("p{i}@contoh.co.id")),
                ]
            })
            .collect()
    }

    #[test]
    fn a_scan_with_an_index_hashes_only_the_values_its_filter_may_hold() {
        for hasher in [Hasher::unkeyed(), Hasher::keyed(b"a key of at least sixteen bytes").unwrap()] {
            let (_dir, watchlist) = indexed(2000, &hasher, None);
            let on = values(0, 2000);
            assert_eq!(
                kept(&watchlist, &on),
                (0..on.len()).collect::<Vec<_>>(),
                "keyed {}",
                hasher.is_keyed()
            );
            let off = values(500_000, 530_000);
            let passing = kept(&watchlist, &off).len();
            assert!(passing < 1_000, "{passing} of {} values not on the list kept", off.len());
        }
    }

    #[test]
    fn a_plain_list_beside_an_index_keeps_its_own_values() {
        let hasher = Hasher::keyed(b"a key of at least sixteen bytes").unwrap();
        let (_dir, watchlist) = indexed(100, &hasher, Some("nik\n3301014107000001\n"));
        let values =
            [(Kind::Nik, "3301014107000001".to_string()), (Kind::Nik, "3201014107000005".to_string())];
        assert_eq!(kept(&watchlist, &values), [0, 1]);
    }

    #[test]
    fn an_entrys_kinds_are_its_entrys_whether_in_an_index_or_in_memory() {
        // An index first, then a plain list (with and without a birth date beside the name).
        let plain = "nik:3301014107000001\nname:Budi Santoso\n";
        let (dir, watchlist) = indexed(20, &Hasher::unkeyed(), Some(plain));
        let people = dir.path().join("more.csv");
        std::fs::write(&people, "id,nama,tgl_lahir\nP1,Siti Aminah,1990-07-01\n").unwrap();
        let lists = [dir.path().join("people.lcx"), dir.path().join("plain.txt"), people];
        for watchlist in [watchlist, load(&lists, &Hasher::unkeyed(), LoadOptions::default()).unwrap()] {
            assert!(watchlist.len() >= 22);
            for id in 0..watchlist.len() as EntryId {
                assert_eq!(watchlist.kinds(id), watchlist.entry(id).kinds, "entry {id}");
            }
            assert_eq!(watchlist.kinds(watchlist.len() as EntryId), KindSet::default());
        }
    }

    #[test]
    fn a_keyed_index_filter_is_not_the_unkeyed_hash_of_its_values() {
        // Built keyed, then read as if its filter were of unkeyed keys: the values on the list
        // pass no more often than values off it would, so the filter tells nothing without the
        // key.
        let hasher = Hasher::keyed(b"a key of at least sixteen bytes").unwrap();
        let (_dir, watchlist) = indexed(2000, &hasher, None);
        let index = &watchlist.indexes[0].index;
        let on = values(0, 2000);
        let passing = on.iter().filter(|(k, v)| index.may_contain(prefilter::key(*k, v.as_bytes()))).count();
        assert!(passing < 200, "{passing} of {} values passed under the unkeyed hash", on.len());
    }
}
