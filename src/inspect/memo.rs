//! Per-worker memory of which kinds a column's recent values were valid as. Dumps repeat the
//! values of their low-cardinality columns (sex, city, clinic, class) millions of times, and
//! `inspect --full` would otherwise check each repetition against every kind again.

use super::shape::{short_pair, words};
use super::tally::Kinds;

/// Slots per column, direct-mapped by a hash of the value: a column starts with few (a table
/// that stays in the L1 cache: a column of sexes or classes needs no more) and doubles them when
/// its values keep missing, up to the largest.
const FIRST_SLOT_BITS: u32 = 6;
const MAX_SLOT_BITS: u32 = 10;
/// Lookups after which a column whose values rarely repeat stops being remembered.
const TRIAL: u32 = 4096;
/// Longer values are not remembered: they rarely repeat, and the short ones are compared as a
/// few words held in the slot itself (no pointer to follow, no `memcmp` call).
const MAX_LEN: usize = 8 * WORDS;
const WORDS: usize = 5;
/// Only the first columns are remembered, so that a dump of thousands of columns (or of JSON
/// keys) cannot make each worker hold 32 KiB for every one: at most 1 MiB a worker.
const MAX_COLUMNS: usize = 32;

#[derive(Clone, Copy, Default)]
struct Slot {
    key: Key,
    valid: Kinds,
}

/// A value of at most [`MAX_LEN`] bytes as its length and words: equal values, equal keys. The
/// first 16 bytes (all of most values) are read into two words in registers; the rest, if any,
/// into `rest`.
#[derive(Clone, Copy, Default)]
struct Key {
    /// Zero for an unused slot (empty values are never looked up).
    len: usize,
    head: (u64, u64),
    rest: [u64; WORDS - 2],
}

impl Key {
    #[inline(always)]
    fn of(bytes: &[u8]) -> Key {
        let mut key = Key { len: bytes.len(), head: short_pair(bytes), rest: [0; WORDS - 2] };
        if let Some(tail) = bytes.get(16..) {
            let mut k = 0;
            words(tail, |w| {
                // Callers pass at most MAX_LEN bytes: `get_mut` only keeps a longer value from
                // panicking.
                if let Some(slot) = key.rest.get_mut(k) {
                    *slot = w;
                }
                k += 1;
            });
        }
        key
    }

    /// `==` without a `memcmp` call: the words compared in registers.
    #[inline(always)]
    fn same(&self, other: &Key) -> bool {
        let head = (self.head.0 ^ other.head.0) | (self.head.1 ^ other.head.1);
        let rest = self.rest.iter().zip(&other.rest).fold(0, |d, (a, b)| d | (a ^ b));
        self.len == other.len && head == 0 && (self.len <= 16 || rest == 0)
    }

    /// A multiply-mix of the length and the first words (and the last, past 16 bytes), reduced
    /// to `bits` bits.
    #[inline(always)]
    fn slot(&self, bits: u32) -> usize {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let last = if self.len > 16 { self.rest[(self.len - 17) / 8] } else { 0 };
        let h = ((self.len as u64 ^ self.head.0).wrapping_mul(K).rotate_left(31) ^ self.head.1 ^ last)
            .wrapping_mul(K);
        (h >> (64 - bits)) as usize
    }
}

#[derive(Default)]
struct ColumnMemo {
    slots: Vec<Slot>,
    /// `slots` has `1 << bits` slots.
    bits: u32,
    /// Values not found since the table last grew.
    misses: u32,
    lookups: u32,
    hits: u32,
    /// The trial is over: the column is remembered for good (or `off`).
    decided: bool,
    off: bool,
}

/// The memory of one worker, by column index.
#[derive(Default)]
pub struct Memo {
    columns: Vec<ColumnMemo>,
}

impl Memo {
    /// What `value` of column `column` is valid as: remembered, or computed by `check` (and then
    /// remembered). The answer is always `check`'s, whatever the column index means.
    pub fn valid(&mut self, column: usize, value: &str, check: impl FnOnce() -> Kinds) -> Kinds {
        if value.is_empty() || value.len() > MAX_LEN || column >= MAX_COLUMNS {
            return check();
        }
        if self.columns.len() <= column {
            self.columns.resize_with(column + 1, ColumnMemo::default);
        }
        let memo = &mut self.columns[column];
        if memo.off {
            return check();
        }
        if memo.slots.is_empty() {
            memo.bits = FIRST_SLOT_BITS;
            memo.slots = vec![Slot::default(); 1 << memo.bits];
        }
        if !memo.decided {
            memo.lookups += 1;
            if memo.lookups == TRIAL {
                memo.decided = true;
                if memo.hits < TRIAL / 2 {
                    // Values of this column rarely repeat: stop paying for the lookups.
                    memo.off = true;
                    memo.slots = Vec::new();
                    return check();
                }
            }
        }
        let key = Key::of(value.as_bytes());
        let slot = &mut memo.slots[key.slot(memo.bits)];
        if slot.key.same(&key) {
            memo.hits += u32::from(!memo.decided);
            return slot.valid;
        }
        let valid = check();
        *slot = Slot { key, valid };
        if memo.bits < MAX_SLOT_BITS {
            memo.misses += 1;
        }
        if memo.misses > 2 << memo.bits && memo.bits < MAX_SLOT_BITS {
            // More misses than twice the slots: too many values, or two that share a slot.
            memo.bits += 1;
            memo.slots = vec![Slot::default(); 1 << memo.bits];
            memo.misses = 0;
        }
        valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn valid(memo: &mut Memo, column: usize, value: &str, check: impl FnOnce() -> [bool; 5]) -> [bool; 5] {
        memo.valid(column, value, || Kinds::of(check())).to_array()
    }

    #[test]
    fn a_repeated_value_is_checked_once() {
        let mut memo = Memo::default();
        let calls = Cell::new(0);
        let check = |v: [bool; 5]| {
            let calls = &calls;
            move || {
                calls.set(calls.get() + 1);
                v
            }
        };
        let a = [true, false, false, true, false];
        assert_eq!(valid(&mut memo, 0, "Bandung", check(a)), a);
        assert_eq!(valid(&mut memo, 0, "Bandung", check([false; 5])), a, "remembered");
        assert_eq!(calls.get(), 1);
        // Another column and another value are their own.
        assert_eq!(valid(&mut memo, 1, "Bandung", check([false; 5])), [false; 5]);
        assert_eq!(valid(&mut memo, 0, "Bandungan", check([true; 5])), [true; 5]);
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn long_values_and_columns_of_distinct_values_are_not_remembered() {
        let mut memo = Memo::default();
        let long = "x".repeat(MAX_LEN + 1);
        valid(&mut memo, 0, &long, || [true; 5]);
        assert_eq!(valid(&mut memo, 0, &long, || [false; 5]), [false; 5]);
        for i in 0..TRIAL {
            valid(&mut memo, 1, &format!("{i:016}"), || [true; 5]);
        }
        assert!(memo.columns[1].off && memo.columns[1].slots.is_empty());
        // Columns past the first few are never remembered.
        valid(&mut memo, MAX_COLUMNS, "L", || [true; 5]);
        assert_eq!(valid(&mut memo, MAX_COLUMNS, "L", || [false; 5]), [false; 5]);
        assert!(memo.columns.len() <= MAX_COLUMNS);
        // A value seen just before the column was given up is checked again.
        assert_eq!(valid(&mut memo, 1, &format!("{:016}", TRIAL - 2), || [false; 5]), [false; 5]);
    }

    #[test]
    fn long_values_are_told_apart_past_their_first_16_bytes() {
        let mut memo = Memo::default();
        let base = "Puskesmas Kecamatan Sukajadi Bandung Kota"; // 41 bytes: the longest is 40
        for len in 17..=MAX_LEN {
            let value = &base[..len];
            // Differ in one byte past the first 16: the last, then the middle of the rest.
            for at in [len - 1, 16 + (len - 16) / 2] {
                let mut other = value.as_bytes().to_vec();
                other[at] ^= 0x20;
                let other = String::from_utf8(other).unwrap();
                let expected = [len % 2 == 0, len % 3 == 0, true, false, true];
                valid(&mut memo, 3, value, || expected);
                assert_eq!(valid(&mut memo, 3, value, || [false; 5]), expected, "{value:?} remembered");
                assert_eq!(
                    valid(&mut memo, 3, &other, || [false; 5]),
                    [false; 5],
                    "{other:?} is not {value:?}"
                );
            }
        }
    }

    #[test]
    fn colliding_values_never_answer_for_each_other() {
        let mut memo = Memo::default();
        // More values than slots: some share a slot, and each must still get its own answer.
        for round in 0..2 {
            for i in 0..(2 << MAX_SLOT_BITS) {
                let expected = [i % 2 == 0, i % 3 == 0, i % 5 == 0, i % 7 == 0, round == 0];
                let got = valid(&mut memo, 0, &format!("v{i}"), || expected);
                assert_eq!(&got[..4], &expected[..4], "value v{i}");
            }
        }
    }
}
