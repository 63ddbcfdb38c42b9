//! The names of an archive's members as inputs (SPEC §5, 1.1): a member's path as stored, made
//! plain (`./x.csv`, `x.csv/` and `dir//x.csv` are `x.csv` and `dir/x.csv`), and unique within
//! its archive: a second member of the same name is `x.csv#2`, a third `x.csv#3`. A zip (and a
//! tar appended to) may hold several members of one name; each is an input of its own, so each
//! needs a name of its own in the report.

use std::collections::HashSet;

/// The names given so far to the members of one archive.
#[derive(Default)]
pub(crate) struct MemberNames {
    given: HashSet<String>,
}

impl MemberNames {
    /// The name of the next member, stored as `path`.
    pub(super) fn name(&mut self, path: &str) -> String {
        self.numbered(&plain(path))
    }

    /// `name` itself the first time, then `name#2`, `name#3`… (also the sheets of one name of a
    /// workbook, `super::super::sheet_rename`).
    pub(crate) fn numbered(&mut self, name: &str) -> String {
        let mut given = name.to_string();
        let mut n = 1u64;
        while self.given.contains(&given) {
            n += 1;
            given = format!("{name}#{n}");
        }
        self.given.insert(given.clone());
        given
    }
}

/// `path` without `.` components and empty ones (a leading, doubled or trailing `/`); a path
/// that is nothing else is kept as stored.
fn plain(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').filter(|part| !part.is_empty() && *part != ".").collect();
    if parts.is_empty() { path.to_string() } else { parts.join("/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_of_one_name_are_numbered_from_the_second() {
        let mut names = MemberNames::default();
        let given: Vec<String> =
            ["x.csv", "y.csv", "x.csv", "./x.csv", "x.csv/", "dir//y.csv", "/dir/./y.csv", "x.csv#2", "."]
                .iter()
                .map(|path| names.name(path))
                .collect();
        assert_eq!(
            given,
            ["x.csv", "y.csv", "x.csv#2", "x.csv#3", "x.csv#4", "dir/y.csv", "dir/y.csv#2", "x.csv#2#2", "."]
        );
    }
}
