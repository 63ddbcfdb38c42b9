//! The hashed watchlist (SPEC §4.3), read and written: JSON Lines, a header line then one
//! object of digests per entry. It never holds a plaintext identifier.

use super::read::Stream;
use super::{Builder, HashedEntry, WatchlistError};
use crate::hash::{self, Digest, Hasher};
use crate::kind::Kind;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// The `format` field of the header.
const FORMAT: &str = "leakcheck-watchlist";
/// The only version written and read.
const VERSION: u64 = 1;
/// The normalization rules (SPEC's version) the digests are made with, written in the header: a
/// list hashed with other rules may spell values in ways this build does not (SPEC §4 1.1).
const RULES: (u64, u64) = (1, 1);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    version: u64,
    keyed: bool,
    key_check: Option<String>,
    entries: u64,
    /// The leakcheck version that wrote the list (absent before rules 1.1).
    #[serde(default)]
    leakcheck: Option<String>,
    /// `<major>.<minor>` of the rules the list was hashed with (absent before rules 1.1).
    #[serde(default)]
    rules: Option<String>,
}

/// One entry line: a label and lowercase hex digests per kind (absent kinds omitted).
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EntryLine {
    label: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    nik: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    phone: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    email: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    name: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    name_dob: Vec<String>,
}

impl EntryLine {
    fn slots(&mut self) -> [(Kind, &mut Vec<String>); 5] {
        [
            (Kind::Nik, &mut self.nik),
            (Kind::Phone, &mut self.phone),
            (Kind::Email, &mut self.email),
            (Kind::Name, &mut self.name),
            (Kind::NameDob, &mut self.name_dob),
        ]
    }
}

/// Reads a hashed watchlist into `builder`, after checking that its key is the scan's key.
pub(super) fn load(
    path: &str,
    stream: &mut Stream<'_>,
    builder: &mut Builder<'_>,
) -> Result<(), WatchlistError> {
    let mut buf = String::new();
    // The next line that is not blank, and its number.
    let mut next = |buf: &mut String| -> Result<Option<u64>, WatchlistError> {
        while let Some(line_no) = stream.next_line(buf)? {
            if !buf.trim().is_empty() {
                return Ok(Some(line_no));
            }
        }
        Ok(None)
    };
    let line_error =
        |line: u64, reason: &str| WatchlistError::Line { path: path.into(), line, reason: reason.into() };
    let header_line = next(&mut buf)?.ok_or_else(|| line_error(1, "empty file"))?;
    let header: Header = serde_json::from_str(&buf)
        .map_err(|_| line_error(header_line, "not the header of a leakcheck hashed watchlist"))?;
    if header.format != FORMAT {
        return Err(line_error(header_line, "not the header of a leakcheck hashed watchlist"));
    }
    if header.version != VERSION {
        return Err(line_error(
            header_line,
            &format!("hashed watchlist version {} is not supported", header.version),
        ));
    }
    let check_ok = header
        .key_check
        .as_deref()
        .is_some_and(|c| c.len() == 16 && c.bytes().all(|b| b.is_ascii_hexdigit()));
    if header.keyed != check_ok || (!header.keyed && header.key_check.is_some()) {
        return Err(line_error(header_line, "the header's keyed and key_check disagree"));
    }
    if builder.contacts.is_none() {
        check_key(path, header.keyed, header.key_check.as_deref(), builder.hasher)?;
    }
    if let Some(warning) = rules_warning(path, header.rules.as_deref()) {
        builder.warnings.push(warning);
        // An index made of this list keeps its rules, so a scan with it warns the same.
        builder.source_rules = Some(header.rules.clone().unwrap_or_default());
    }
    // Lines left empty for being too long (under --lenient) were entries too.
    let mut seen = 0;
    let mut last_line = header_line;
    while let Some(line_no) = next(&mut buf)? {
        last_line = line_no;
        seen += 1;
        match parse_entry(&buf) {
            Ok(entry) => {
                builder.pending_contact.line = line_no;
                builder.add_digests(entry.label, entry.digests);
            }
            Err(reason) => builder.reject(path, line_no, reason.to_string())?,
        }
    }
    seen += stream.long_lines().len() as u64;
    if seen != header.entries {
        let reason = format!(
            "the header announces {} entries but {seen} follow (is the file cut short?)",
            header.entries
        );
        return Err(line_error(last_line, &reason));
    }
    Ok(())
}

/// The warning for a list hashed with rules other than this build's, if it was.
pub(super) fn rules_warning(path: &str, rules: Option<&str>) -> Option<String> {
    let parsed = rules.and_then(|r| {
        let (major, minor) = r.split_once('.')?;
        Some((major.parse::<u64>().ok()?, minor.parse::<u64>().ok()?))
    });
    let ours = format!("{}.{}", RULES.0, RULES.1);
    let when = match parsed {
        Some(theirs) if theirs == RULES => return None,
        Some(theirs) if theirs > RULES => {
            format!(
                "with newer rules than this leakcheck's {ours}; update leakcheck or hash it with this one"
            )
        }
        Some(_) => format!("with rules older than {ours}; hash it again with this leakcheck"),
        None if rules.is_none() => format!("before rules {ours}; hash it again with this leakcheck"),
        None => "with rules this leakcheck does not know; hash it again with this one".to_string(),
    };
    Some(format!(
        "watchlist {path} was hashed {when} (values spelled in ways the rules changed may be missed)"
    ))
}

/// A keyed list needs the same key; an unkeyed list needs no key (SPEC §4.3).
pub(super) fn check_key(
    path: &str,
    keyed: bool,
    key_check: Option<&str>,
    hasher: &Hasher,
) -> Result<(), WatchlistError> {
    let path = path.to_string();
    match (keyed, hasher.key_check()) {
        (true, None) => Err(WatchlistError::KeyMissing { path }),
        (true, Some(check)) if key_check != Some(check.as_str()) => Err(WatchlistError::KeyWrong { path }),
        (false, Some(_)) => Err(WatchlistError::KeyUnexpected { path }),
        _ => Ok(()),
    }
}

fn parse_entry(line: &str) -> Result<HashedEntry, &'static str> {
    let mut entry: EntryLine =
        serde_json::from_str(line).map_err(|_| "not an entry of a hashed watchlist")?;
    let label = std::mem::take(&mut entry.label);
    let mut digests: Vec<(Kind, Digest)> = Vec::new();
    for (kind, hexes) in entry.slots() {
        for hex in hexes.iter() {
            digests.push((kind, hash::from_hex(hex).ok_or("not a 64-digit hex digest")?));
        }
    }
    if digests.is_empty() {
        return Err("an entry without digests");
    }
    Ok(HashedEntry { label, digests })
}

/// This build's rules, `<major>.<minor>`.
pub(super) fn rules() -> String {
    format!("{}.{}", RULES.0, RULES.1)
}

/// Writes `entries` as a hashed watchlist: the header (keyed or not, key check, count), then one
/// line per entry.
pub fn write(out: &mut dyn Write, entries: &[HashedEntry], hasher: &Hasher) -> io::Result<()> {
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        keyed: hasher.is_keyed(),
        key_check: hasher.key_check(),
        entries: entries.len() as u64,
        leakcheck: Some(env!("CARGO_PKG_VERSION").to_string()),
        rules: Some(format!("{}.{}", RULES.0, RULES.1)),
    };
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n")?;
    for entry in entries {
        let mut line = EntryLine { label: entry.label.clone(), ..EntryLine::default() };
        for (kind, digest) in &entry.digests {
            if let Some((_, slot)) = line.slots().into_iter().find(|(k, _)| k == kind) {
                slot.push(hash::to_hex(digest));
            }
        }
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_hashed_with_other_rules_are_warned_about() {
        assert_eq!(rules_warning("w", Some("1.1")), None);
        for (rules, says) in [
            (None, "before rules 1.1"),
            (Some("1.0"), "older than 1.1"),
            (Some("0.9"), "older than 1.1"),
            (Some("1.10"), "newer rules"),
            (Some("2.0"), "newer rules"),
            (Some("one"), "does not know"),
        ] {
            let warning = rules_warning("w", rules).unwrap_or_default();
            assert!(warning.contains(says), "{rules:?}: {warning}");
        }
    }

    #[test]
    fn the_header_names_the_version_and_rules() {
        let mut out = Vec::new();
        write(&mut out, &[], &Hasher::unkeyed()).unwrap();
        let header: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(header["rules"], "1.1");
        assert_eq!(header["leakcheck"], env!("CARGO_PKG_VERSION"));
    }
}
