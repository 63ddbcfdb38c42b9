//! What the SQL and JSON splitters share when they look for the way back after a record that
//! does not parse (STYLE habit 15): how far one candidate restart point is read ahead to be
//! verified, what a verification found, and the budget that keeps the verifying of one
//! resynchronization linear in the input. The splitters own their grammars and their candidate
//! scans; nothing here reads a record.

/// A candidate restart point is read ahead at most this far. A record that is still consistent
/// there is taken as the next record (not proved: the splitter then bounds it at the record limit
/// and makes it a bad record if it breaks), so a long record after a bad one is read, not lost.
pub(crate) const VERIFY_LIMIT: usize = 1 << 20;

/// Bytes all the verifications of one resynchronization may read, re-reads after a short read
/// included. Candidates can be a few bytes apart (`),((` repeated), each readable far ahead: without
/// a budget a 100 MB line would take days.
pub(crate) const RESYNC_BUDGET: usize = 8 * VERIFY_LIMIT;

/// What a look at the bytes from a candidate restart point found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// A whole record that parses and is followed as a record is.
    Record,
    /// Still consistent where the look had to stop (the limit, or the budget): taken, not proved.
    Unproved,
    NotRecord,
    NeedMore,
}

/// How much verifying one resynchronization has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Budget {
    left: usize,
}

impl Budget {
    pub(crate) fn fresh() -> Self {
        Budget { left: RESYNC_BUDGET }
    }

    /// Nothing left: what the splitter does then is its own (SQL takes statement boundaries only,
    /// JSON the next candidate unread).
    pub(crate) fn spent() -> Self {
        Budget { left: 0 }
    }

    pub(crate) fn is_spent(&self) -> bool {
        self.left == 0
    }

    /// Runs one verification, which may read up to the limit it is given and says how many bytes
    /// it read; they are charged whatever it found.
    pub(crate) fn verify(&mut self, look: impl FnOnce(usize) -> (Verdict, usize)) -> Verdict {
        let limit = self.left.min(VERIFY_LIMIT);
        if limit == 0 {
            return Verdict::Unproved;
        }
        let (verdict, read) = look(limit);
        self.left = self.left.saturating_sub(read.max(1));
        if verdict == Verdict::NeedMore {
            // The candidate waiting for more input gets its last look (taken unproved if it is
            // still consistent then): a spent budget would pass it over unread.
            self.left = self.left.max(1);
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_bounds_all_the_reading_of_one_resynchronization() {
        let mut budget = Budget::fresh();
        let mut read = 0;
        let mut looks = 0;
        while !budget.is_spent() {
            let verdict = budget.verify(|limit| {
                read += limit;
                (Verdict::NotRecord, limit)
            });
            assert_eq!(verdict, Verdict::NotRecord);
            looks += 1;
        }
        assert_eq!((read, looks), (RESYNC_BUDGET, RESYNC_BUDGET / VERIFY_LIMIT));
        assert_eq!(budget.verify(|_| unreachable!()), Verdict::Unproved);
    }
}
