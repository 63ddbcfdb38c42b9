//! The incident file of `report notify` (SPEC §11): a small TOML file of six strings, each one
//! required, checked before anything is written. Errors are one line naming the file and the key.

use crate::report::exposed::Date;
use crate::report::mask::sanitize;
use anyhow::{Result, bail};
use serde::Serialize;
use std::path::Path;

/// The keys, in the order the help and the errors list them.
pub const KEYS: [&str; 6] = ["name", "found_at", "how", "actions", "controller", "contact"];

/// Largest incident file read: six sentences are far shorter.
const MAX_BYTES: u64 = 1 << 20;

/// The incident's facts, as the letters and the authority summary tell them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// The leak's name (which leak).
    pub name: String,
    /// When it was found: `YYYY-MM-DD` or an RFC 3339 date-time.
    pub found_at: String,
    /// How it was found.
    pub how: String,
    /// What the controller does about it.
    pub actions: String,
    /// Who the controller is.
    pub controller: String,
    /// Whom to ask.
    pub contact: String,
}

/// Reads and checks the incident file at `path`.
pub fn read(path: &Path) -> Result<Incident> {
    let incident = read_text(path)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    not_in_the_future(&path.display().to_string(), &incident, now)?;
    Ok(incident)
}

/// When the incident was found, as the incident file's `found_at` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundAt {
    pub date: Date,
    /// For a date-time: hour, minute, second and the UTC offset in minutes.
    pub time: Option<(u32, u32, u32, i32)>,
}

impl FoundAt {
    /// Parses `found_at` (a date or an RFC 3339 date-time), `None` for anything else.
    pub fn parse(text: &str) -> Option<FoundAt> {
        if !is_date_or_date_time(text) {
            return None;
        }
        let date = Date::parse(text.get(..10)?)?;
        let Some(time) = text.get(11..).filter(|t| !t.is_empty()) else {
            return Some(FoundAt { date, time: None });
        };
        let num = |t: &str, r: std::ops::Range<usize>| t.get(r)?.parse::<u32>().ok();
        let (hour, minute, second) = (num(time, 0..2)?, num(time, 3..5)?, num(time, 6..8)?);
        let offset = if time.ends_with(['Z', 'z']) {
            0
        } else {
            let o = time.get(time.len().checked_sub(6)?..)?;
            let minutes = i32::try_from(num(o, 1..3)? * 60 + num(o, 4..6)?).ok()?;
            if o.starts_with('-') { -minutes } else { minutes }
        };
        Some(FoundAt { date, time: Some((hour, minute, second, offset)) })
    }

    /// The earliest second since the Unix epoch it may stand for: the instant of a date-time,
    /// the start of a date in the zone furthest ahead of UTC (UTC+14).
    fn earliest_secs(self) -> i64 {
        let day = self.date.days() * 86_400;
        match self.time {
            Some((h, m, s, offset)) => day + i64::from(h * 3600 + m * 60 + s) - i64::from(offset) * 60,
            None => day - 14 * 3600,
        }
    }
}

/// Refuses an incident found after `now` (seconds since the Unix epoch): a typo in the year
/// would otherwise reach every letter.
pub fn not_in_the_future(name: &str, incident: &Incident, now: i64) -> Result<()> {
    let Some(found) = FoundAt::parse(&incident.found_at) else { return Ok(()) };
    // A minute of clock skew between machines is no typo.
    if found.earliest_secs() > now.saturating_add(60) {
        bail!(
            "incident file {name}: the key `found_at` ({}) is in the future (it is now {}): give when the leak was found",
            sanitize(&incident.found_at),
            crate::report::exposed::rfc3339(now).0
        );
    }
    Ok(())
}

/// Reads and checks the incident file at `path`, the time aside.
fn read_text(path: &Path) -> Result<Incident> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("incident file {shown}: {e}"))?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(file, MAX_BYTES + 1), &mut text)
        .map_err(|e| anyhow::anyhow!("incident file {shown}: {e} (it must be UTF-8 text)"))?;
    if text.len() as u64 > MAX_BYTES {
        bail!("incident file {shown}: larger than {MAX_BYTES} bytes: not an incident file");
    }
    parse(&shown.to_string(), &text)
}

/// Parses the incident file `text`, called `name` in errors.
pub fn parse(name: &str, text: &str) -> Result<Incident> {
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(e) => {
            let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            bail!("incident file {name}:{line}: not valid TOML (write key = \"text\" lines)");
        }
    };
    if let Some(unknown) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
        bail!("incident file {name}: unknown key `{}` (the keys are {})", sanitize(unknown), KEYS.join(", "));
    }
    let mut values = KEYS.iter().map(|key| match table.get(*key) {
        None => bail!("incident file {name}: the key `{key}` is missing (the keys are {})", KEYS.join(", ")),
        Some(toml::Value::String(s)) if s.trim().is_empty() => {
            bail!("incident file {name}: the key `{key}` is empty")
        }
        Some(toml::Value::String(s)) => Ok(s.trim().to_string()),
        Some(_) => bail!("incident file {name}: the key `{key}` must be a string in quotes: {key} = \"…\""),
    });
    let mut next = || values.next().unwrap_or_else(|| Ok(String::new()));
    let incident = Incident {
        name: next()?,
        found_at: next()?,
        how: next()?,
        actions: next()?,
        controller: next()?,
        contact: next()?,
    };
    if !is_date_or_date_time(&incident.found_at) {
        bail!(
            "incident file {name}: the key `found_at` is not a date (2026-12-01) or an RFC 3339 date-time \
             (2026-12-01T09:30:00+07:00)"
        );
    }
    Ok(incident)
}

/// `YYYY-MM-DD`, or RFC 3339: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (a space for `T` too).
fn is_date_or_date_time(text: &str) -> bool {
    let (date, time) = match text.get(..10) {
        Some(date) => (date, &text[10..]),
        None => return false,
    };
    if Date::parse(date).is_none() {
        return false;
    }
    if time.is_empty() {
        return true;
    }
    let Some(time) = time.strip_prefix(['T', 't', ' ']) else { return false };
    let b = time.as_bytes();
    let two = |at: usize, max: u8| {
        b.get(at..at + 2)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .is_some_and(|d| (d[0] - b'0') * 10 + (d[1] - b'0') <= max)
    };
    if b.len() < 9 || !two(0, 23) || b[2] != b':' || !two(3, 59) || b[5] != b':' || !two(6, 60) {
        return false;
    }
    let mut rest = &time[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &frac[digits..];
    }
    if rest == "Z" || rest == "z" {
        return true;
    }
    let o = rest.as_bytes();
    o.len() == 6
        && (o[0] == b'+' || o[0] == b'-')
        && o[1..3].iter().all(u8::is_ascii_digit)
        && o[3] == b':'
        && o[4..6].iter().all(u8::is_ascii_digit)
        && (o[1] - b'0') * 10 + (o[2] - b'0') <= 23
        && (o[4] - b'0') * 10 + (o[5] - b'0') <= 59
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "Kebocoran data SIMRS 2026"
found_at = "2026-12-01T09:30:00+07:00"
how = "Ditemukan di forum"
actions = "Kata sandi diganti"
controller = "RS Sehat"
contact = "dpo@rs-sehat.example"
"#;

    #[test]
    fn a_complete_incident_file_is_read_trimmed() {
        let i = parse("i.toml", GOOD).unwrap();
        assert_eq!(
            (i.name.as_str(), i.contact.as_str()),
            ("Kebocoran data SIMRS 2026", "dpo@rs-sehat.example")
        );
    }

    #[test]
    fn each_missing_empty_or_non_string_key_is_a_one_line_error_naming_file_and_key() {
        for key in KEYS {
            let without: String = GOOD
                .lines()
                .filter(|l| !l.starts_with(&format!("{key} =")))
                .map(|l| format!("{l}\n"))
                .collect();
            let err = parse("i.toml", &without).unwrap_err().to_string();
            assert!(
                err.starts_with("incident file i.toml:") && err.contains(&format!("`{key}` is missing")),
                "{err}"
            );
            let empty = GOOD.replace(&format!("{key} = \""), &format!("{key} = \"  \" \n#\""));
            let err = parse("i.toml", &empty).unwrap_err().to_string();
            assert!(err.contains(&format!("`{key}` is empty")), "{key}: {err}");
        }
        let cases = [
            (
                GOOD.replace("found_at = \"2026-12-01T09:30:00+07:00\"", "found_at = 2026-12-01"),
                "`found_at` must be a string",
            ),
            (GOOD.replace("how = \"Ditemukan di forum\"", "how = 3"), "`how` must be a string"),
            (format!("{GOOD}\nacions = \"x\"\n"), "unknown key `acions`"),
            (format!("{GOOD}\n[x\n"), "i.toml:9: not valid TOML"),
        ];
        for (text, want) in cases {
            let err = parse("i.toml", &text).unwrap_err().to_string();
            assert!(err.contains(want) && !err.contains('\n'), "{want}: {err}");
        }
    }

    #[test]
    fn found_at_in_the_future_is_refused_a_minute_of_skew_and_a_zone_ahead_aside() {
        // 2026-12-05T12:00:00Z.
        let now = Date { year: 2026, month: 12, day: 5 }.days() * 86_400 + 12 * 3600;
        let with = |found_at: &str| Incident { found_at: found_at.into(), ..parse("i.toml", GOOD).unwrap() };
        for ok in [
            "2026-12-01",
            "2026-12-05",
            // Already the 6th in Jakarta (UTC+07:00 is 19:00 there) and in Kiribati.
            "2026-12-06",
            "2026-12-05T12:00:30Z",
            "2026-12-05T19:00:00+07:00",
        ] {
            assert!(not_in_the_future("i.toml", &with(ok), now).is_ok(), "{ok}");
        }
        for late in ["2026-12-07", "2027-12-01", "2026-12-05T12:02:00Z", "2026-12-05T20:00:00+07:00"] {
            let err = not_in_the_future("i.toml", &with(late), now).unwrap_err().to_string();
            assert_eq!(
                err,
                format!(
                    "incident file i.toml: the key `found_at` ({late}) is in the future (it is now 2026-12-05T12:00:00Z): give when the leak was found"
                )
            );
        }
    }

    #[test]
    fn found_at_parts() {
        let d = Date { year: 2026, month: 12, day: 1 };
        assert_eq!(FoundAt::parse("2026-12-01"), Some(FoundAt { date: d, time: None }));
        assert_eq!(
            FoundAt::parse("2026-12-01T09:30:00+07:00"),
            Some(FoundAt { date: d, time: Some((9, 30, 0, 420)) })
        );
        assert_eq!(
            FoundAt::parse("2026-12-01 23:59:60.5-03:30"),
            Some(FoundAt { date: d, time: Some((23, 59, 60, -210)) })
        );
        assert_eq!(
            FoundAt::parse("2026-12-01T09:30:00z"),
            Some(FoundAt { date: d, time: Some((9, 30, 0, 0)) })
        );
        assert_eq!(FoundAt::parse("2026-12-01T09:30"), None);
    }

    #[test]
    fn found_at_takes_a_real_date_or_an_rfc3339_date_time_only() {
        let good = [
            "2026-12-01",
            "2024-02-29",
            "2026-12-01T09:30:00Z",
            "2026-12-01 09:30:00.25+07:00",
            "2026-12-01T23:59:60-03:30",
        ];
        let bad = [
            "",
            "1/12/2026",
            "2026-02-29",
            "2026-12-01T09:30",
            "2026-12-01T09:30:00",
            "2026-12-01T24:00:00Z",
            "2026-12-01T09:30:00+7",
            "2026-12-01T09:30:00.Z",
            "2026-12-01é",
            "kemarin",
        ];
        for text in good {
            assert!(is_date_or_date_time(text), "{text}");
        }
        for text in bad {
            assert!(!is_date_or_date_time(text), "{text}");
        }
    }
}
