//! The digest → watch entries lookup the scan probes for every value.

use crate::hash::Digest;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// Index of a watch entry in load order.
pub type EntryId = u32;

/// A digest as a map key. Digests are already uniform, so the map hashes only their first
/// eight bytes instead of running SipHash over all 32.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key(Digest);

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut first = [0u8; 8];
        first.copy_from_slice(&self.0[..8]);
        state.write_u64(u64::from_le_bytes(first));
    }
}

/// Passes the key's pre-mixed `u64` through.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Maps each digest to the entries that hold it, stored as ranges of one flat id list.
#[derive(Default)]
pub struct DigestIndex {
    map: HashMap<Key, (u32, u32), BuildHasherDefault<PassThrough>>,
    ids: Vec<EntryId>,
}

impl DigestIndex {
    /// Builds the index from (digest, entry) pairs in any order; duplicates are dropped.
    pub fn build(mut pairs: Vec<(Digest, EntryId)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let mut index = DigestIndex::default();
        index.map.reserve(pairs.len());
        index.ids.reserve(pairs.len());
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            let start = index.ids.len() as u32;
            index.ids.extend(group.iter().map(|&(_, id)| id));
            index.map.insert(Key(group[0].0), (start, group.len() as u32));
        }
        index
    }

    /// Entries holding `digest`, in load order.
    pub fn get(&self, digest: &Digest) -> &[EntryId] {
        match self.map.get(&Key(*digest)) {
            Some(&(start, len)) => &self.ids[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: u8) -> Digest {
        let mut x = [0u8; 32];
        x[31] = n;
        x
    }

    #[test]
    fn lookup_returns_every_holder_once_in_order() {
        let index = DigestIndex::build(vec![(d(1), 3), (d(2), 0), (d(1), 1), (d(1), 3)]);
        assert_eq!(index.get(&d(1)), &[1, 3]);
        assert_eq!(index.get(&d(2)), &[0]);
        assert_eq!(index.get(&d(9)), &[] as &[EntryId]);
        assert_eq!(index.map.len(), 2);
    }
}
