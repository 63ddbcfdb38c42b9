//! Walking a `.zip` (the `zip` crate: zip64; stored, deflate, deflate64, bzip2, zstd, lzma and
//! xz members; ZipCrypto and AES encryption): its members in central-directory order, each
//! independent of the others, so a corrupt one costs only itself.

use super::pump::{Archive, Gone, Members};
use super::{Password, Refused, member_path};
use crate::input::Format;
use std::io::{self, Read, Seek};
use zip::result::ZipError;

pub(super) const NO_PASSWORD: &str = "an encrypted member (give its password with --password-file)";
pub(super) const WRONG_PASSWORD: &str = "an encrypted member that the --password-file password does not open";
/// Members only a workbook has, and which workbook it is: Office Open XML (`.xlsx`, `.xlsm`;
/// `.xlsb`, not read) and OpenDocument (its `content.xml` beside `META-INF/manifest.xml`).
const WORKBOOK_PARTS: &[(&[&str], Option<Format>)] = &[
    (&["xl/workbook.xml"], Some(Format::Xlsx)),
    (&["xl/workbook.bin"], None),
    (&["content.xml", "META-INF/manifest.xml"], Some(Format::Ods)),
];
/// The `zip` crate keeps one member per name (the last): the others cannot be read.
pub(super) const DUPLICATE_NAMES: &str =
    "a zip with several members of the same name: only the last of each can be read (unzip it first)";

/// Reads the central directory and starts the thread that hands the members over.
pub(super) fn walk(
    reader: impl Read + Seek + Send + 'static,
    password: Option<Password>,
) -> Result<Archive, Refused> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| Refused::Io(error(e)))?;
    // A workbook is a zip too, but its people are in its sheets.
    let is = |parts: &[&str]| parts.iter().all(|part| zip.index_for_name(part).is_some());
    if let Some((_, format)) = WORKBOOK_PARTS.iter().find(|(parts, _)| is(parts)) {
        return Err(format.map_or(Refused::Unsupported(super::WORKBOOK_STREAM), Refused::Workbook));
    }
    Ok(Archive::spawn(move |members| {
        if zip.has_duplicate_names() {
            members.skipped("(members of the same name)".to_string(), DUPLICATE_NAMES, true)?;
        }
        for index in 0..zip.len() {
            member(&mut zip, index, password.as_ref(), members)?;
        }
        Ok(())
    })?)
}

fn member<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    index: usize,
    password: Option<&Password>,
    members: &Members,
) -> Result<(), Gone> {
    let (path, dir, symlink, encrypted) = match zip.by_index_data(index) {
        Ok(entry) => {
            let path = entry.name().map_or_else(|_| member_path(entry.name_raw()), |n| n.into_owned());
            (path, entry.is_dir(), entry.is_symlink(), entry.encrypted())
        }
        Err(e) => return members.unreadable(Some(format!("#{}", index + 1)), error(e)),
    };
    if dir {
        return Ok(());
    }
    if symlink {
        return members.skipped(path, "a symbolic link, not a file", false);
    }
    let opened = match (encrypted, password) {
        (false, _) => zip.by_index(index),
        (true, Some(password)) => zip.by_index_decrypt(index, password.bytes()),
        (true, None) => return members.skipped(path, NO_PASSWORD, true),
    };
    match opened {
        Ok(mut file) => members.file(path, &mut file).map(drop),
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
