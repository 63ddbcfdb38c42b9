//! Where the HMAC key comes from (SPEC §3): `--key-file PATH` (its bytes, less one trailing
//! `\n` or `\r\n`) or the environment variable `LEAKCHECK_KEY` (its UTF-8 bytes) — never from a
//! command-line value. The key is held in memory that is wiped when dropped, and no message
//! ever contains it.

use crate::hash::{Hasher, KeyError};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The environment variable holding a key.
pub const KEY_ENV: &str = "LEAKCHECK_KEY";

/// Why no usable key could be read.
#[derive(Debug, thiserror::Error)]
pub enum KeyLoadError {
    #[error("key file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("key file {path}: {error}")]
    Refused { path: String, error: KeyError },
    #[error("{KEY_ENV}: {0}")]
    EnvRefused(KeyError),
    #[error("{KEY_ENV} is not valid UTF-8")]
    EnvNotUtf8,
    #[error(
        "{KEY_ENV} is set but empty (a CI secret that is missing?): the key is 0 bytes long; at least {} are \
         needed (unset {KEY_ENV} to hash without a key)",
        crate::hash::MIN_KEY_LEN
    )]
    EnvEmpty,
}

/// Where the key was found, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    File(PathBuf),
    Env,
}

/// Reads the key from `key_file`, else from `LEAKCHECK_KEY`. `None` when neither is given; an
/// empty variable is refused like any key under 16 bytes (a CI secret that is missing must not
/// turn a keyed list into an unkeyed one).
pub fn load_hasher(key_file: Option<&Path>) -> Result<(Hasher, Option<KeySource>), KeyLoadError> {
    if let Some(path) = key_file {
        let name = path.display().to_string();
        let bytes = Zeroizing::new(
            read_capped(path).map_err(|error| KeyLoadError::Read { path: name.clone(), error })?,
        );
        let key = strip_newline(&bytes);
        let hasher = Hasher::keyed(key).map_err(|error| KeyLoadError::Refused { path: name, error })?;
        return Ok((hasher, Some(KeySource::File(path.to_path_buf()))));
    }
    match std::env::var_os(KEY_ENV) {
        Some(value) if value.is_empty() => Err(KeyLoadError::EnvEmpty),
        Some(value) => {
            let value = Zeroizing::new(value.into_string().map_err(|_| KeyLoadError::EnvNotUtf8)?);
            let hasher = Hasher::keyed(value.as_bytes()).map_err(KeyLoadError::EnvRefused)?;
            Ok((hasher, Some(KeySource::Env)))
        }
        None => Ok((Hasher::unkeyed(), None)),
    }
}

/// Longest key file read: a key is bytes, not a file to stream (`--key-file /dev/zero`).
const MAX_KEY_FILE: u64 = 1 << 20;

pub(crate) fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_KEY_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        zeroize::Zeroize::zeroize(&mut bytes);
        return Err(std::io::Error::other("larger than 1 MiB; the file must hold the key or password only"));
    }
    Ok(bytes)
}

/// The file's bytes less one trailing `\r\n` or `\n` (editors add one; SPEC §3).
pub(crate) fn strip_newline(bytes: &[u8]) -> &[u8] {
    bytes.strip_suffix(b"\r\n").or_else(|| bytes.strip_suffix(b"\n")).unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_newline_is_dropped() {
        assert_eq!(strip_newline(b"secret\n"), b"secret");
        assert_eq!(strip_newline(b"secret\r\n"), b"secret");
        assert_eq!(strip_newline(b"secret\n\n"), b"secret\n");
        assert_eq!(strip_newline(b"secret"), b"secret");
    }

    #[test]
    fn key_files_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("k");
        std::fs::write(&good, "kunci-rahasia-rumah-sakit-2021\r\n").unwrap();
        let (hasher, source) = load_hasher(Some(&good)).unwrap();
        assert_eq!(hasher.key_check().as_deref(), Some("368b69be2d18eca3"));
        assert_eq!(source, Some(KeySource::File(good)));
        let short = dir.path().join("s");
        std::fs::write(&short, "short\n").unwrap();
        let err = load_hasher(Some(&short)).err().unwrap().to_string();
        assert!(err.contains("5 bytes") && !err.contains("short\n"), "{err}");
        assert!(load_hasher(Some(&dir.path().join("missing"))).is_err());
    }
}
