//! `scan --shard K/N` (SPEC §12): which inputs of a run the K-th of N shards scans. An input is
//! dealt by a stable hash of its name — the path as given on the command line, joined with the
//! path under a directory (`leak/2021/a.csv`), or `book.xlsx!Sheet1` for a sheet: exactly the
//! `path` the report gives it. The hash is 64-bit FNV-1a of that name's UTF-8 bytes, so every
//! machine, run and build deals alike (never Rust's randomized hasher). The members of an archive
//! given to the run are dealt one by one, each by its name `A.zip!path`
//! (`input::archive::Walk::dealt`): every shard keeps every file that may be an archive, opens it
//! and reads it through; its report lists in its summary's `shard_members` the place of each
//! member it was dealt, which `report merge` needs to put one archive's members back in order.
//! A big NDJSON file is
//! cut into N byte ranges ([`range`]), one per shard: range `j` goes to shard
//! `(hash + j) mod N + 1`, so the first ranges of several big files go to different shards.
//!
//! A shard's report carries a `shard` object (`k`, `n`, the names of every input of the run in
//! the walk order, how many entries set aside by the walk it lists first, and `strict` when
//! `--strict` was given) that `report merge` needs to put the shards' inputs back in the
//! unsharded order and to exit as the unsharded scan.

pub mod range;

use crate::input::InputPath;
use crate::input::walk::Expanded;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// The most shards a scan may be cut into: more than any cluster runs, few enough that a
/// mistyped `1/1000000000` is caught.
pub const MAX_SHARDS: u32 = 100_000;

/// `--shard K/N`: this is shard `k` (1-based) of `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardSpec {
    pub k: u32,
    pub n: u32,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let usage = || {
            format!(
                "`{s}` is not K/N: give this shard's number K and the number of shards N, 1 ≤ K ≤ N, such as 2/4"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let number = |t: &str| t.trim().parse::<u32>().map_err(|_| usage());
        let (k, n) = (number(k)?, number(n)?);
        ShardSpec::new(k, n).map_err(|why| format!("{s}: {why}"))
    }
}

impl ShardSpec {
    /// Shard `k` of `n`, checked as `--shard K/N` is (1 ≤ K ≤ N ≤ [`MAX_SHARDS`]): also for the
    /// `shard` object of a report, which anyone may have edited.
    pub fn new(k: u32, n: u32) -> Result<Self, String> {
        if n == 0 || n > MAX_SHARDS {
            return Err(format!("the number of shards N must be 1 to {MAX_SHARDS}"));
        }
        if k == 0 || k > n {
            return Err(format!("the shard number K must be 1 to N ({n}): shards are numbered from 1"));
        }
        Ok(ShardSpec { k, n })
    }
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// 64-bit FNV-1a (offset basis and prime from the FNV reference, `draft-eastlake-fnv`).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(PRIME))
}

impl ShardSpec {
    /// Whether the input called `name` is this shard's.
    pub fn owns(self, name: &str) -> bool {
        fnv1a(name.as_bytes()) % u64::from(self.n) == u64::from(self.k - 1)
    }

    /// The range (0-based) of a file called `name`, cut into N ranges, that this shard reads.
    pub fn range_of(self, name: &str) -> u32 {
        let offset = (fnv1a(name.as_bytes()) % u64::from(self.n)) as u32;
        (self.k - 1 + self.n - offset) % self.n
    }

    /// Keeps of `expanded` the inputs this shard scans: a file `cut_size` gives a size for is
    /// cut into N ranges and this shard reads one ([`ShardSpec::range_of`]); any other input is
    /// the shard's when [`ShardSpec::owns`] says so. Entries set aside by the walk (a link to
    /// nothing, a FIFO) are not inputs: shard 1 lists them all, the others none, so the merged
    /// report lists each once. Returns the facts the shard's report carries.
    pub fn deal(self, expanded: &mut Expanded, cut_size: impl Fn(&Path) -> Option<u64>) -> ShardInfo {
        let walk: Vec<String> = expanded.inputs.iter().map(InputPath::display_name).collect();
        let inputs = std::mem::take(&mut expanded.inputs);
        for input in inputs {
            let name = input.display_name();
            let size = match &input {
                InputPath::File(path) if self.n > 1 => cut_size(path),
                _ => None,
            };
            match (input, size) {
                (InputPath::File(path), Some(size)) => {
                    let part = range::Part { part: self.range_of(&name), parts: self.n, size };
                    expanded.inputs.push(InputPath::Range { path, part });
                }
                (input, _) if self.owns(&name) => expanded.inputs.push(input),
                // Maybe an archive, whose members are dealt one by one as the walk meets them
                // (`input::archive::Walk::dealt`): known only once opened.
                (InputPath::File(path), _)
                    if self.n > 1 && crate::input::archive::may_hold_members(&path) =>
                {
                    expanded.inputs.push(InputPath::File(path))
                }
                _ => {}
            }
        }
        if self.k != 1 {
            expanded.skipped.clear();
        }
        ShardInfo { k: self.k, n: self.n, walk, set_aside: expanded.skipped.len(), strict: false }
    }
}

/// The report's `shard` object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub k: u32,
    pub n: u32,
    /// The name of every input of the run (all shards'), in the unsharded scan's order.
    pub walk: Vec<String>,
    /// How many of the report's `skipped` come first from the walk (entries set aside under
    /// directories), before those met while scanning.
    pub set_aside: usize,
    /// `--strict` was given (written only then): it decides the exit as much as the results,
    /// and only `report merge` can apply it to what is said of a whole cut file (a suspect
    /// input), so the merge exits as the unsharded `--strict` scan and refuses shards that
    /// differ in it. `--fail-on` is not recorded: the merge takes its own (SPEC §8).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::walk::Skipped;
    use std::path::PathBuf;

    fn names(s: &[Skipped]) -> Vec<&str> {
        s.iter().map(|s| s.path.as_str()).collect()
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv, FNV-1a 64).
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn shard_specs_parse_and_bad_ones_are_one_line_errors() {
        assert_eq!("2/4".parse::<ShardSpec>(), Ok(ShardSpec { k: 2, n: 4 }));
        assert_eq!("1/1".parse::<ShardSpec>(), Ok(ShardSpec { k: 1, n: 1 }));
        for (bad, why) in [
            ("0/4", "K must be 1 to N"),
            ("5/4", "K must be 1 to N"),
            ("1/0", "N must be 1 to"),
            ("4", "not K/N"),
            ("a/b", "not K/N"),
            ("-1/4", "not K/N"),
            ("1/100001", "N must be 1 to"),
        ] {
            let err = bad.parse::<ShardSpec>().unwrap_err();
            assert!(err.contains(why) && !err.contains('\n'), "{bad}: {err}");
        }
    }

    #[test]
    fn every_input_is_dealt_to_exactly_one_shard_and_the_walk_is_named_whole() {
        let files: Vec<String> = (0..200).map(|i| format!("leak/part-{i:03}.csv")).collect();
        for n in 1..=6 {
            let mut owners = vec![0; files.len()];
            for k in 1..=n {
                let shard = ShardSpec { k, n };
                let mut expanded = Expanded {
                    inputs: files.iter().map(|f| InputPath::File(PathBuf::from(f))).collect(),
                    skipped: vec![Skipped { path: "leak/gone".into(), reason: "x".into(), error: true }],
                };
                let info = shard.deal(&mut expanded, |_| None);
                assert_eq!(info.walk, files);
                let kept = expanded.inputs.iter().map(InputPath::display_name);
                for name in kept {
                    owners[files.iter().position(|f| *f == name).unwrap()] += 1;
                }
                assert_eq!(names(&expanded.skipped).len(), usize::from(k == 1));
                assert_eq!(info.set_aside, usize::from(k == 1));
            }
            assert!(owners.iter().all(|&o| o == 1), "n = {n}: {owners:?}");
        }
    }

    #[test]
    fn a_cut_file_gives_each_shard_one_range_and_each_range_to_one_shard() {
        for n in 2..=7 {
            for name in ["big.ndjson", "leak/2021/pasien.ndjson", "x"] {
                let mut parts = Vec::new();
                for k in 1..=n {
                    let mut expanded = Expanded {
                        inputs: vec![
                            InputPath::File(PathBuf::from(name)),
                            InputPath::File("small.csv".into()),
                        ],
                        skipped: Vec::new(),
                    };
                    let info =
                        ShardSpec { k, n }.deal(&mut expanded, |p| (p == Path::new(name)).then_some(5000));
                    assert_eq!(info.walk, [name, "small.csv"]);
                    let ranges: Vec<_> = expanded
                        .inputs
                        .iter()
                        .filter_map(|i| match i {
                            InputPath::Range { path, part } => Some((path.clone(), *part)),
                            _ => None,
                        })
                        .collect();
                    assert_eq!(ranges.len(), 1, "{name}, shard {k}/{n}");
                    assert_eq!(ranges[0].0, PathBuf::from(name));
                    assert_eq!((ranges[0].1.parts, ranges[0].1.size), (n, 5000));
                    parts.push(ranges[0].1.part);
                }
                parts.sort_unstable();
                assert_eq!(parts, (0..n).collect::<Vec<_>>(), "{name}, {n} shards");
            }
        }
    }

    #[test]
    fn dealing_spreads_inputs_over_the_shards() {
        let n = 4;
        let mut per_shard = [0; 4];
        for i in 0..1000 {
            let name = format!("dump/{i}.ndjson");
            let k = (1..=n).find(|&k| ShardSpec { k, n }.owns(&name)).unwrap();
            per_shard[k as usize - 1] += 1;
        }
        assert!(per_shard.iter().all(|&c| c > 200), "{per_shard:?}");
    }
}
