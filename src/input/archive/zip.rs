//! Walking a `.zip` (the `zip` crate: zip64; stored, deflate, deflate64, bzip2, zstd, lzma and
//! xz members; ZipCrypto and AES encryption): its members in central-directory order, each
//! independent of the others, so a corrupt one costs only itself. The central directory is read
//! one entry at a time ([`zip::read::ZipIterable`]): members that share a name are all read
//! (the crate's `ZipArchive` keys members by name and keeps only the last of each), and memory
//! does not grow with the number of members.

use super::pump::{Archive, Gone, Members};
use super::{Password, Refused, member_path};
use crate::input::Format;
use std::io::{self, Read, Seek};
use zip::ZipReadOptions;
use zip::read::{Config, ZipFileEntry};
use zip::result::ZipError;
use zip::unstable::read::ZipIterable;

pub(super) const NO_PASSWORD: &str = "an encrypted member (give its password with --password-file)";
pub(super) const WRONG_PASSWORD: &str = "an encrypted member that the --password-file password does not open";
/// Members only a workbook has, and which workbook it is: Office Open XML (`.xlsx`, `.xlsm`;
/// `.xlsb`, not read) and OpenDocument (its `content.xml` beside `META-INF/manifest.xml`).
const WORKBOOK_PARTS: &[(&[&str], Option<Format>)] = &[
    (&["xl/workbook.xml"], Some(Format::Xlsx)),
    (&["xl/workbook.bin"], None),
    (&["content.xml", "META-INF/manifest.xml"], Some(Format::Ods)),
];

/// Reads the central directory's end and starts the thread that hands the members over.
pub(super) fn walk(
    reader: impl Read + Seek + Send + 'static,
    password: Option<Password>,
) -> Result<Archive, Refused> {
    let mut zip = ZipIterable::try_new(reader, Config::default()).map_err(|e| Refused::Io(error(e)))?;
    // A workbook is a zip too, but its people are in its sheets.
    if let Some(format) = workbook(&mut zip) {
        return Err(format.map_or(Refused::Unsupported(super::WORKBOOK_STREAM), Refused::Workbook));
    }
    Ok(Archive::spawn(move |members| {
        let files = match zip.files() {
            Ok(files) => files,
            Err(e) => return members.unreadable(None, error(e)),
        };
        while let Some(entry) = files.next() {
            match entry {
                Ok(entry) => member(entry, files.reader_mut(), password.as_ref(), members)?,
                // The directory cannot be followed past a broken entry: the rest is unreadable.
                Err(e) => return members.unreadable(None, error(e)),
            }
        }
        Ok(())
    })?)
}

/// The workbook a zip is, from the names of its members (one pass over the directory; a broken
/// entry ends the pass, and the walk meets it again).
fn workbook<R: Read + Seek>(zip: &mut ZipIterable<R>) -> Option<Option<Format>> {
    let parts = || WORKBOOK_PARTS.iter().flat_map(|(parts, _)| parts.iter());
    let mut present = vec![false; parts().count()];
    for entry in zip.files().ok()?.map_while(Result::ok) {
        if let Some(at) = parts().position(|part| part.as_bytes() == entry.name_raw()) {
            present[at] = true;
        }
    }
    let mut at = 0;
    WORKBOOK_PARTS.iter().find_map(|(parts, format)| {
        let all = present.get(at..at + parts.len()).is_some_and(|p| p.iter().all(|&here| here));
        at += parts.len();
        all.then_some(*format)
    })
}

fn member<R: Read + Seek>(
    entry: ZipFileEntry<'static>,
    reader: &mut R,
    password: Option<&Password>,
    members: &Members,
) -> Result<(), Gone> {
    let path = entry.name().map_or_else(|_| member_path(entry.name_raw()), |n| n.into_owned());
    // A directory holds nothing of its own; one that has bytes anyway (`x.csv/`) is read: a
    // CLEAR must not rest on bytes passed over for their name.
    if entry.is_dir() && entry.size() == 0 {
        return Ok(());
    }
    if entry.is_symlink() {
        return members.skipped(path, "a symbolic link, not a file", false);
    }
    let entry_stored = entry.compressed_size();
    let options = match (entry.encrypted(), password) {
        (false, _) => ZipReadOptions::new(),
        (true, Some(password)) => ZipReadOptions::new().password(Some(password.bytes())),
        (true, None) => return members.skipped(path, NO_PASSWORD, true),
    };
    match entry.with_reader(reader, options) {
        // Its bytes as stored: compressed (and encrypted), as `zipinfo` lists it.
        Ok(mut file) => members.file(path, entry_stored, &mut file).map(drop),
        Err(ZipError::InvalidPassword) => members.skipped(path, WRONG_PASSWORD, true),
        Err(e) => members.unreadable(Some(path), error(e)),
    }
}

/// The crate's error as an I/O error saying what is wrong with the archive.
fn error(e: ZipError) -> io::Error {
    match e {
        ZipError::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("not a readable ZIP archive: {other}")),
    }
}
