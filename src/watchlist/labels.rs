//! Watch entry labels: the per-file prefix that keeps the labels of several `--watch` lists
//! apart (SPEC §4 1.1), the warnings about labels a list gives to more than one entry and about
//! different labels masked alike, and the test for a label that is or holds an identifier. Labels are never printed here with an
//! identifier in them unmasked.

use crate::normalize;
use crate::report::mask;
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

/// Duplicate labels named in the warning; the rest are only counted.
const NAMED_DUPLICATES: usize = 5;

/// The label prefix of each of `paths` (`ward3:`, `stdin:`, `ward3#2:`), or none for one list.
/// For a hashed list (`hiding`), a file named after an identifier is `list<N>` instead.
///
/// No two lists get the same prefix (SPEC §4 1.1): a list whose name an earlier one took is
/// `<name>#<n>`, with the lowest `n` from 2 that no list is named and no earlier list was given
/// (`x/ward3.csv y/ward3.csv ward3#2.csv` → `ward3: ward3#3: ward3#2:`).
pub(super) fn prefixes(paths: &[PathBuf], hiding: bool) -> Vec<String> {
    if paths.len() < 2 {
        return vec![String::new(); paths.len()];
    }
    let stems: Vec<String> = paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let stem = stem(path);
            if hiding && holds_identifier(&stem) { format!("list{}", i + 1) } else { stem }
        })
        .collect();
    let named: HashSet<&str> = stems.iter().map(String::as_str).collect();
    let mut given: HashSet<String> = HashSet::new();
    stems
        .iter()
        .map(|stem| {
            let mut prefix = stem.clone();
            // Ends: every name skipped is one that some list is named or was given.
            let mut n = 1;
            while given.contains(&prefix) {
                n += 1;
                prefix = format!("{stem}#{n}");
                if named.contains(prefix.as_str()) {
                    prefix.clone_from(stem);
                }
            }
            given.insert(prefix.clone());
            format!("{prefix}:")
        })
        .collect()
}

/// The file's name without its extensions (`ward3.csv.gz` → `ward3`); `stdin` for `-`.
fn stem(path: &Path) -> String {
    if path == Path::new("-") {
        return "stdin".to_string();
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // A leading dot is part of the name (`.ward3.csv` → `.ward3`), not an extension.
    let end = name.char_indices().skip(1).find(|(_, c)| *c == '.').map_or(name.len(), |(i, _)| i);
    name[..end].to_string()
}

/// A valid NIK, phone or e-mail, or a text holding one (`NIK 3201014107900003`).
pub(super) fn holds_identifier(label: &str) -> bool {
    !normalize::identifiers_in(label).is_empty()
}

/// The warning for labels that `labels` (one list's, in load order) gives to more than one
/// entry, naming the first few: the report could not tell those people apart.
pub(super) fn duplicates_warning<'a>(path: &str, labels: impl Iterator<Item = &'a str>) -> Option<String> {
    let repeated = repeated(&labels.collect::<Vec<_>>());
    if repeated.is_empty() {
        return None;
    }
    let mut named: Vec<String> = repeated.iter().take(NAMED_DUPLICATES).map(|l| shown(l)).collect();
    if repeated.len() > NAMED_DUPLICATES {
        named.push("…".to_string());
    }
    Some(format!(
        "watchlist {path}: {} label(s) are each given to more than one entry ({}): the report cannot tell \
         those people apart; give every row its own label",
        repeated.len(),
        named.join(", ")
    ))
}

/// Each label that occurs more than once, in the order of first occurrence. Found by sorting
/// 16-byte (hash, place) pairs rather than in a map of strings: a million-person list's labels
/// are checked in a few megabytes.
fn repeated<'a>(labels: &[&'a str]) -> Vec<&'a str> {
    let seed = foldhash::fast::RandomState::default();
    let mut keyed: Vec<(u64, usize)> =
        labels.iter().enumerate().map(|(i, l)| (seed.hash_one(l), i)).collect();
    keyed.sort_unstable();
    let mut firsts = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        // (first place, count) of each label in the run: one, unless two labels share a hash.
        let mut counted: Vec<(usize, usize)> = Vec::new();
        for &(_, i) in run {
            match counted.iter_mut().find(|(first, _)| labels[*first] == labels[i]) {
                Some((_, count)) => *count += 1,
                None => counted.push((i, 1)),
            }
        }
        firsts.extend(counted.iter().filter(|(_, count)| *count > 1).map(|(first, _)| *first));
    }
    firsts.sort_unstable();
    firsts.into_iter().map(|i| labels[i]).collect()
}

/// The warning for labels that differ but are shown the same once masked, as a report shows
/// them (`3201014107900001` and `3201994107900001` are both `3201**********01`): `report
/// people`, `notify` and `html` would take those people for one, and `notify` cannot join them
/// back to their list. Names the first few masked labels, each with how many labels it stands for.
pub(super) fn masked_collisions_warning<'a>(labels: impl Iterator<Item = &'a str>) -> Option<String> {
    let labels: Vec<&str> = labels.collect();
    let masked: Vec<String> = labels.iter().map(|l| mask::mask_label(l)).collect();
    let seed = foldhash::fast::RandomState::default();
    let mut keyed: Vec<(u64, usize)> =
        masked.iter().enumerate().map(|(i, m)| (seed.hash_one(m), i)).collect();
    keyed.sort_unstable();
    // (first place, distinct labels) of each masked form that stands for more than one label.
    let mut collided: Vec<(usize, usize)> = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        // (first place, distinct labels) of each masked form in the run: one, unless two share a hash.
        let mut forms: Vec<(usize, Vec<&str>)> = Vec::new();
        for &(_, i) in run {
            match forms.iter_mut().find(|(first, _)| masked[*first] == masked[i]) {
                Some((_, seen)) => {
                    if !seen.contains(&labels[i]) {
                        seen.push(labels[i]);
                    }
                }
                None => forms.push((i, vec![labels[i]])),
            }
        }
        collided.extend(
            forms.iter().filter(|(_, seen)| seen.len() > 1).map(|(first, seen)| (*first, seen.len())),
        );
    }
    if collided.is_empty() {
        return None;
    }
    collided.sort_unstable();
    let mut named: Vec<String> = collided
        .iter()
        .take(NAMED_DUPLICATES)
        .map(|&(first, count)| format!("{} for {count} labels", cut(&masked[first])))
        .collect();
    if collided.len() > NAMED_DUPLICATES {
        named.push("…".to_string());
    }
    Some(format!(
        "watchlist: {} masked label(s) each stand for more than one label ({}): labels that are or hold a \
         NIK, phone or e-mail are masked in reports, so `report people`, `report notify` and `report html` \
         would take those people for one; give the list an id column, or `leakcheck hash` it: hash writes \
         such labels as R<row>",
        collided.len(),
        named.join(", ")
    ))
}

/// A label as a warning may show it: masked as a report shows it, cut when it is long.
fn shown(label: &str) -> String {
    cut(&mask::mask_label(label))
}

/// A masked label, quoted, cut when it is long.
fn cut(masked: &str) -> String {
    const SHOWN_CHARS: usize = 40;
    let cut: String = masked.chars().take(SHOWN_CHARS).collect();
    let more = if masked.chars().nth(SHOWN_CHARS).is_some() { "…" } else { "" };
    format!("{cut:?}{more}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_lists_get_their_stem_and_a_number_for_a_repeated_one() {
        let paths: Vec<PathBuf> =
            ["a/ward3.csv", "-", "b/ward3.txt.gz", "patients", "c/ward3", ".hidden.csv"]
                .map(PathBuf::from)
                .into();
        assert_eq!(
            prefixes(&paths, false),
            ["ward3:", "stdin:", "ward3#2:", "patients:", "ward3#3:", ".hidden:"]
        );
        assert_eq!(prefixes(&[PathBuf::from("ward3.csv")], false), [""]);
        let named = ["3201014107900001.csv", "b.csv"].map(PathBuf::from);
        assert_eq!(prefixes(&named, true), ["list1:", "b:"]);
        assert_eq!(prefixes(&named, false), ["3201014107900001:", "b:"]);
    }

    #[test]
    fn a_numbered_prefix_never_takes_another_lists_name() {
        let paths = ["x/ward3.csv", "y/ward3.csv", "ward3#2.csv"].map(PathBuf::from);
        assert_eq!(prefixes(&paths, false), ["ward3:", "ward3#3:", "ward3#2:"]);
        let paths =
            ["ward3#2.csv", "a/ward3.csv", "b/ward3.csv", "ward3#3", "c/ward3#2.csv"].map(PathBuf::from);
        assert_eq!(prefixes(&paths, false), ["ward3#2:", "ward3:", "ward3#4:", "ward3#3:", "ward3#2#2:"]);
        let paths = ["list2.csv", "3201014107900001.csv"].map(PathBuf::from);
        assert_eq!(prefixes(&paths, true), ["list2:", "list2#2:"]);
        let many: Vec<PathBuf> = (0..50).map(|i| PathBuf::from(format!("{}/w.csv", i % 3))).collect();
        let given = prefixes(&many, false);
        assert_eq!(given.iter().collect::<HashSet<_>>().len(), 50);
    }

    #[test]
    fn duplicate_labels_are_counted_named_and_masked() {
        let labels = ["RM1", "RM2", "RM1", "3201014107900001", "RM1", "3201014107900001", "RM3"];
        let warning = duplicates_warning("w.csv", labels.into_iter()).unwrap();
        assert!(warning.starts_with("watchlist w.csv: 2 label(s)"), "{warning}");
        assert!(warning.contains("(\"RM1\", \"3201**********01\")"), "{warning}");
        assert!(!warning.contains("3201014107900001"), "{warning}");
        // Masked as a report masks it: a label holding an identifier too.
        let held = ["NIK 3201014107900003", "NIK 3201014107900003"];
        let warning = duplicates_warning("w.csv", held.into_iter()).unwrap();
        assert!(warning.contains("(\"NIK 3201**********03\")"), "{warning}");
        assert_eq!(duplicates_warning("w.csv", ["a", "b"].into_iter()), None);
        let many: Vec<String> = (0..20).flat_map(|n| [format!("P{n}"), format!("P{n}")]).collect();
        let warning = duplicates_warning("w.csv", many.iter().map(String::as_str)).unwrap();
        assert!(warning.contains("20 label(s)") && warning.contains("\"P4\", …") && !warning.contains("P5"));
    }

    #[test]
    fn labels_masked_alike_are_counted_named_and_told_what_to_do() {
        // Two people's NIKs differ only in the middle; a third label repeats the first (warned
        // about as a duplicate, not counted again); phones and ids that stay apart are no concern.
        let labels = [
            "3201014107900001",
            "3201994107900001",
            "3201014107900001",
            "RM1",
            "ward3:+6281234567890",
            "ward3:+6281299999890",
            "ward3:+6281299999890",
            "3201554107900001",
            "3201014107900002",
        ];
        let warning = masked_collisions_warning(labels.into_iter()).unwrap();
        assert!(warning.starts_with("watchlist: 2 masked label(s)"), "{warning}");
        assert!(
            warning.contains("(\"3201**********01\" for 3 labels, \"ward3:+62812*****890\" for 2 labels)"),
            "{warning}"
        );
        assert!(warning.contains(
            "give the list an id column, or `leakcheck hash` it: hash writes such labels as R<row>"
        ));
        assert!(labels.iter().all(|l| !warning.contains(l.trim_start_matches("ward3:"))), "{warning}");
        assert_eq!(masked_collisions_warning(["RM1", "RM2", "RM1", "3201014107900001"].into_iter()), None);
    }
}
