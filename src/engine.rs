//! The batch engine that scan and inspect share: a worker pool, and ordered batches of whole
//! records read by one splitter while the previous batch is processed in parallel.
//!
//! Per input, `rayon::join` runs the read of the next batch beside a `par_chunks` over the
//! current one; results come back in input order and are emitted from the calling thread, so
//! what a command reports is the same whatever the number of threads. Memory is two batches
//! plus one worker scratch per thread. It knows nothing of watchlists or reports.

use crate::input::{Batch, BatchLimits, InputError, Span, Splitter};
use rayon::prelude::*;

/// Why the engine stopped before the end of an input.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("cannot start worker threads ({0} of them): {1}")]
    Threads(usize, String),
    /// A signal stopped it between batches: [`crate::interrupt::Interrupted`], the one interrupt
    /// type, kept as the source so that `interrupt::is_interruption` finds it in any chain.
    #[error("interrupted")]
    Interrupted(#[source] crate::interrupt::Interrupted),
}

/// A worker pool of `threads` threads, or of [`workers`] of them on this machine.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, EngineError> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let workers = workers(threads, cpus);
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|e| EngineError::Threads(workers, e.to_string()))
}

/// How many of the `threads` asked for are started on `cpus` CPUs: at least one, and at most
/// four per CPU (eight on one or two). The workers do CPU work only, so more would only wait,
/// and hundreds of idle rayon workers slow every steal (crossbeam's epoch walks all of them): a
/// 15 MB scan on two CPUs took 0.08 s with `-j 2`, 0.58 s with `-j 512` and 6 s with `-j 1024`.
/// Reports are the same whatever the count.
pub fn workers(threads: usize, cpus: usize) -> usize {
    threads.clamp(1, cpus.saturating_mul(4).max(8))
}

/// Runs `process` on `first` and each following batch of `splitter` while the next batch is
/// read, and hands the results to `emit` in input order, on this thread. With `limit`, stops
/// after that many records, and returns whether records were left unread.
pub fn run_batches<T: Send, E: From<EngineError>>(
    pool: &rayon::ThreadPool,
    splitter: &mut dyn Splitter,
    first: Batch,
    limit: Option<u64>,
    process: impl Fn(&Batch) -> T + Sync,
    mut emit: impl FnMut(T) -> Result<(), E>,
) -> Result<bool, E> {
    let mut current = first;
    let mut next = Batch::default();
    let mut more = true;
    let mut left = false;
    while more || !current.spans.is_empty() {
        if crate::interrupt::requested() {
            return Err(EngineError::Interrupted(crate::interrupt::Interrupted).into());
        }
        // At the limit the next batch is read only to tell whether records are left.
        let mut peek = false;
        if let Some(limit) = limit
            && current.spans.last().is_some_and(|s| s.record >= limit)
        {
            left = current.spans.last().is_some_and(|s| s.record > limit);
            current.spans.retain(|s| s.record <= limit);
            peek = more && !left;
            more = false;
        }
        // Read the next batch while this one is processed; emit on this thread, in order. When
        // nothing more is read, `next` must be emptied: it still holds the batch before
        // `current`, which would otherwise be processed a second time after the swap.
        let (read, result) = pool.install(|| {
            rayon::join(
                || {
                    if more || peek {
                        splitter.next_batch(&mut next, BatchLimits::STEADY)
                    } else {
                        next.clear();
                        Ok(false)
                    }
                },
                || process(&current),
            )
        });
        emit(result)?;
        if peek {
            // Records past the limit, or an input that cannot be read past it: not all was read.
            left = read.is_err() || !next.spans.is_empty();
            next.clear();
        }
        more = more && read.map_err(EngineError::from)?;
        std::mem::swap(&mut current, &mut next);
    }
    Ok(left)
}

/// Runs `f` on slices of `chunk` records of a batch in parallel, each worker with its own
/// scratch `S`; the results keep record order. Each slice done is a [`crate::interrupt::beat`].
pub fn map_batch<S: Default, T: Send>(
    batch: &Batch,
    chunk: usize,
    f: impl Fn(&[Span], &mut S) -> T + Sync,
) -> Vec<T> {
    batch
        .spans
        .par_chunks(chunk.max(1))
        .map_init(S::default, |scratch, spans| {
            let done = f(spans, scratch);
            crate::interrupt::beat();
            done
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::workers;

    #[test]
    fn workers_are_what_was_asked_up_to_four_per_cpu() {
        for (threads, cpus, expected) in [
            (0, 2, 1),
            (1, 2, 1),
            (2, 2, 2),
            (8, 2, 8),
            (9, 2, 8),
            (1024, 2, 8),
            (8, 1, 8),
            (1024, 1, 8),
            (12, 3, 12),
            (13, 3, 12),
            (256, 64, 256),
            (1024, 64, 256),
            (1024, 512, 1024),
            (1024, usize::MAX, 1024),
        ] {
            assert_eq!(workers(threads, cpus), expected, "{threads} threads on {cpus} CPUs");
        }
    }
}
