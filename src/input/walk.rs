//! Expanding directories into the files under them, in a sorted, deterministic order.

use super::InputPath;
use std::path::{Path, PathBuf};

/// The inputs of a run with every directory replaced by the files under it (recursively,
/// sorted by path, symbolic links followed; a link loop is an error). Errors name the path.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<InputPath>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path == Path::new("-") {
            out.push(InputPath::Stdin);
            continue;
        }
        if !path.is_dir() {
            out.push(InputPath::File(path.clone()));
            continue;
        }
        for entry in walkdir::WalkDir::new(path).sort_by_file_name().follow_links(true) {
            let entry = entry.map_err(|e| {
                let at = e.path().unwrap_or(path).display().to_string();
                format!("{at}: {}", e.io_error().map_or_else(|| e.to_string(), ToString::to_string))
            })?;
            if entry.file_type().is_file() {
                out.push(InputPath::File(entry.into_path()));
            }
        }
    }
    if out.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!("no files to scan in {}", names.join(", ")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_expand_sorted_and_recursively() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/inner")).unwrap();
        for f in ["z.csv", "a.csv", "b/inner/x.sql", "b/m.json"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let got = expand(&[root.to_path_buf(), PathBuf::from("-")]).unwrap();
        let names: Vec<String> = got
            .iter()
            .map(|i| match i {
                InputPath::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                InputPath::Stdin => "-".into(),
            })
            .collect();
        assert_eq!(names, ["a.csv", "b/inner/x.sql", "b/m.json", "z.csv", "-"]);
    }
}
