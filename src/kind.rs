//! Identity kinds (SPEC §1): what a value is, how strong a match on it is, and small sets of kinds.

use std::fmt;

/// One identity kind. `NameDob` is derived from a name and a birth date and is never a column;
/// `Dob` is only ever used inside `NameDob` and is never matched on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Nik,
    Phone,
    Email,
    NameDob,
    Name,
    Dob,
}

impl Kind {
    /// Kinds that are hashed and matched, in the order reports list them.
    pub const MATCHED: [Kind; 5] = [Kind::Nik, Kind::Phone, Kind::Email, Kind::NameDob, Kind::Name];
    /// Kinds a column (or JSON path, or SQL column) can hold.
    pub const FIELDS: [Kind; 5] = [Kind::Nik, Kind::Phone, Kind::Email, Kind::Name, Kind::Dob];
    /// Kinds whose values are shown (masked) in reports.
    pub const SHOWN: [Kind; 4] = [Kind::Nik, Kind::Phone, Kind::Email, Kind::Name];
    /// Kinds a column can be given by content sniffing (SPEC §5: strong kinds only).
    pub const SNIFFED: [Kind; 3] = [Kind::Nik, Kind::Email, Kind::Phone];

    /// The kind's name as it appears in the CLI, hashes and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Nik => "nik",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::NameDob => "name_dob",
            Kind::Name => "name",
            Kind::Dob => "dob",
        }
    }

    /// Parses a kind name (`nik`, `phone`, `email`, `name`, `dob`, `name_dob`).
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "nik" => Kind::Nik,
            "phone" => Kind::Phone,
            "email" => Kind::Email,
            "name_dob" => Kind::NameDob,
            "name" => Kind::Name,
            "dob" => Kind::Dob,
            _ => return None,
        })
    }

    /// A match on a strong kind means the person is exposed; a match on `name` alone is only
    /// possible (SPEC §6).
    pub fn is_strong(self) -> bool {
        matches!(self, Kind::Nik | Kind::Phone | Kind::Email | Kind::NameDob)
    }

    /// Position of the kind in fixed-size per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Number of kinds, for fixed-size per-kind counters indexed by [`Kind::index`].
pub const KIND_COUNT: usize = 6;

/// A small set of kinds, iterated in report order (`nik phone email name_dob name dob`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u8);

impl KindSet {
    pub fn insert(&mut self, kind: Kind) {
        self.0 |= kind.bit();
    }

    pub fn remove(&mut self, kind: Kind) {
        self.0 &= !kind.bit();
    }

    /// The set of `kind` alone.
    pub fn only(kind: Kind) -> Self {
        KindSet(kind.bit())
    }

    /// The kinds of either set.
    pub fn union(self, other: KindSet) -> KindSet {
        KindSet(self.0 | other.0)
    }

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// The set as one byte (the `.lcx` index stores it so).
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set a byte from [`KindSet::bits`] stands for; bits of no kind are dropped.
    pub fn from_bits(bits: u8) -> Self {
        KindSet(bits & ((1 << KIND_COUNT) - 1))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the two sets share a kind.
    pub fn intersects(self, other: KindSet) -> bool {
        self.0 & other.0 != 0
    }

    /// True when any kind in the set is strong, which makes a pair exposed.
    pub fn any_strong(self) -> bool {
        self.iter().any(Kind::is_strong)
    }

    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::MATCHED.into_iter().chain(std::iter::once(Kind::Dob)).filter(move |k| self.contains(*k))
    }

    /// The kinds joined with `+`, as the CSV report writes them (`nik+phone`).
    pub fn joined(self, sep: &str) -> String {
        let names: Vec<&str> = self.iter().map(Kind::as_str).collect();
        names.join(sep)
    }
}

impl FromIterator<Kind> for KindSet {
    fn from_iter<I: IntoIterator<Item = Kind>>(iter: I) -> Self {
        let mut set = KindSet::default();
        for kind in iter {
            set.insert(kind);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in Kind::MATCHED.into_iter().chain([Kind::Dob]) {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("NIK"), Some(Kind::Nik));
        assert_eq!(Kind::parse("ktp"), None);
    }

    #[test]
    fn strength_follows_spec() {
        assert!(Kind::Nik.is_strong());
        assert!(Kind::NameDob.is_strong());
        assert!(!Kind::Name.is_strong());
        assert!(!Kind::Dob.is_strong());
    }

    #[test]
    fn set_iterates_in_report_order() {
        let set: KindSet = [Kind::Name, Kind::Phone, Kind::Nik, Kind::NameDob].into_iter().collect();
        assert_eq!(set.joined("+"), "nik+phone+name_dob+name");
        assert!(set.any_strong());
        let name_only: KindSet = [Kind::Name].into_iter().collect();
        assert!(!name_only.any_strong());
        assert!(KindSet::default().is_empty());
    }
}
