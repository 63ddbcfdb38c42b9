//! Walking a `.7z` (the `sevenz-rust2` crate: LZMA, LZMA2, bzip2, PPMd…, AES-256). Members are
//! decoded block by block (a solid block holds many files, each read after the one before it);
//! a block that cannot be decoded costs its own members, not the others.

use super::pump::{Archive, Gone, Pumped};
use super::{Password, Refused, zip};
use sevenz_rust2::{BlockDecoder, Error};
use std::io::{self, Read, Seek};

const ENCRYPTED_NAMES: &str =
    "a 7-Zip archive with encrypted file names (give its password with --password-file)";

/// Reads the archive's header and starts the thread that hands the members over.
pub(super) fn walk(
    mut reader: impl Read + Seek + Send + 'static,
    password: Option<Password>,
) -> Result<Archive, Refused> {
    let given = password.is_some();
    // 7-Zip passwords are text (UTF-16 in the archive); bytes that are not UTF-8 cannot be one.
    let password = password.map_or_else(sevenz_rust2::Password::empty, |p| {
        sevenz_rust2::Password::new(&String::from_utf8_lossy(p.bytes()))
    });
    let archive = match sevenz_rust2::Archive::read(&mut reader, &password) {
        Ok(archive) => archive,
        Err(Error::PasswordRequired) if !given => return Err(Refused::Unsupported(ENCRYPTED_NAMES)),
        Err(e) => return Err(Refused::Io(error(e))),
    };
    Ok(Archive::spawn(move |members| {
        for block in 0..archive.blocks.len() {
            let decoder = BlockDecoder::new(1, block, &archive, &password, &mut reader);
            let names: Vec<(String, bool)> =
                decoder.entries().iter().map(|e| (e.name().to_string(), e.is_directory())).collect();
            // Its bytes as stored: a file alone in its block, the block's packed size (`7z l`'s
            // "Compressed"); a file of a solid block of several, which has no packed size of its
            // own, its size.
            let solid = decoder.entry_count() > 1;
            let mut handed = 0;
            let mut gone = false;
            let decoded = decoder.for_each_entries(&mut |entry, data| {
                handed += 1;
                if entry.is_directory() {
                    return Ok(true);
                }
                let mut hinted = PasswordHint { inner: &mut *data, given };
                let stored = if solid { entry.size() } else { entry.compressed_size };
                match members.file(entry.name().to_string(), stored, &mut hinted) {
                    Ok(Pumped::Whole) => Ok(true),
                    // The next file of the block starts where this one ends.
                    Ok(Pumped::Left) => io::copy(data, &mut io::sink()).map(|_| true).map_err(Error::from),
                    Ok(Pumped::Broken) => Ok(false),
                    Err(Gone) => {
                        gone = true;
                        Ok(false)
                    }
                }
            });
            if gone {
                return Err(Gone);
            }
            let failure = match decoded {
                Ok(true) => continue,
                Ok(false) => None,
                Err(e) => Some(e),
            };
            // The members of the block not handed over (the one that broke already said why).
            for (name, _) in names.into_iter().skip(handed).filter(|(_, dir)| !dir) {
                match &failure {
                    Some(Error::PasswordRequired) => members.skipped(name, zip::NO_PASSWORD, true)?,
                    Some(Error::MaybeBadPassword(_)) => members.skipped(name, zip::WRONG_PASSWORD, true)?,
                    Some(e) => members.unreadable(Some(name), error_ref(e))?,
                    None => {
                        members.unreadable(Some(name), io::Error::other("the block before it is corrupt"))?
                    }
                }
            }
        }
        // Files without content are in no block.
        for (index, entry) in archive.files.iter().enumerate() {
            let in_block = archive.stream_map.file_block_index.get(index).copied().flatten().is_some();
            if !in_block && !entry.is_directory() && !entry.is_anti_item() {
                members.file(entry.name().to_string(), 0, &mut io::empty())?;
            }
        }
        Ok(())
    })?)
}

/// A member's bytes, whose errors say that the password may be wrong when one was given (7-Zip
/// cannot tell a wrong password from corrupt data).
struct PasswordHint<R> {
    inner: R,
    given: bool,
}

impl<R: Read> Read for PasswordHint<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| match self.given {
            true => io::Error::new(e.kind(), format!("{e} (is the --password-file password right?)")),
            false => e,
        })
    }
}

fn error(e: Error) -> io::Error {
    match e {
        Error::Io(e, _) => e,
        other => error_ref(&other),
    }
}

fn error_ref(e: &Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("not a readable 7-Zip archive: {e}"))
}
