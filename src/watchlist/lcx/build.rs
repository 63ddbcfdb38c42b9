//! Writing a `.lcx` index in bounded memory (`leakcheck hash --index`): entries stream in, their
//! labels and kinds go straight to temporary files, their (digest, entry) records are sorted in
//! runs of at most the memory budget spilled to temporary files, and one k-way merge writes the
//! sorted table, the Bloom filter and the bucket table. The value filter's keys go to a temporary
//! file too (8 bytes each), read back once their number, so the filter's size, is known.
//! Temporary files are unnamed (`O_TMPFILE`
//! where the system has it) in the output's directory: nothing outlives the process.

use super::format::{self, RECORD_LEN, Trailer};
use crate::hash::Digest;
use crate::kind::{Kind, KindSet};
use sha2::Digest as _;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

type Record = [u8; RECORD_LEN];
/// What [`Summed::finish`] returns.
type Written<'a> = (Vec<u64>, [u8; 32], u64, &'a mut dyn Write);

/// The default memory for sorted runs: 512 MiB, about 27 M identifiers a run. The merge of the
/// runs reads them through buffers that share as much.
pub const RUN_BUDGET: usize = 512 << 20;

/// In a dev or test build (the tests), the run budget in bytes can be set by this variable, to prove
/// with a small list that memory stays bounded whatever the list's size. A release build (what
/// users run) never reads it.
pub const TEST_BUDGET_VAR: &str = "LEAKCHECK_TEST_INDEX_RUN_BUDGET";

/// [`RUN_BUDGET`], or in a dev or test build the value of [`TEST_BUDGET_VAR`].
pub fn run_budget() -> usize {
    crate::test_hook::value(TEST_BUDGET_VAR).unwrap_or(RUN_BUDGET)
}

/// Each run's read buffer in the merge: the budget shared, between 64 KiB and 1 MiB.
fn merge_buffer(budget: usize, runs: usize) -> usize {
    (budget / runs.max(1)).clamp(64 << 10, 1 << 20)
}

/// What the index says about its digests, besides what it counts itself.
pub struct Meta {
    pub keyed: bool,
    pub key_check: Option<String>,
    /// Rules the digests were made with (those of a hashed list it was made from).
    pub rules: String,
    /// A digest held by more entries than this is counted as crowded.
    pub crowded_limit: u64,
    /// Show a progress bar of the merge (on a terminal).
    pub progress: bool,
}

/// An index being built.
pub struct IndexBuilder {
    dir: PathBuf,
    budget: usize,
    run_records: usize,
    buffer: Vec<Record>,
    runs: Vec<File>,
    identifiers: u64,
    entries: u64,
    ends: BufWriter<File>,
    kinds: BufWriter<File>,
    labels: BufWriter<File>,
    label_bytes: u64,
    /// The value filter's keys (u64 LE), and how many.
    keys: BufWriter<File>,
    key_count: u64,
    /// False once an entry came as digests only (a hashed list): no value filter then.
    filtered: bool,
}

fn entry_of(record: &Record) -> u32 {
    u32::from_le_bytes([record[16], record[17], record[18], record[19]])
}

fn order(a: &Record, b: &Record) -> std::cmp::Ordering {
    a[..16].cmp(&b[..16]).then_with(|| entry_of(a).cmp(&entry_of(b)))
}

impl IndexBuilder {
    /// A builder whose temporary files go in `dir` and whose sort runs hold `budget` bytes.
    pub fn new(dir: &Path, budget: usize) -> io::Result<Self> {
        let temp = || tempfile::tempfile_in(dir).map(|f| BufWriter::with_capacity(1 << 20, f));
        Ok(IndexBuilder {
            dir: dir.to_path_buf(),
            budget,
            run_records: (budget / RECORD_LEN).max(1),
            buffer: Vec::new(),
            runs: Vec::new(),
            identifiers: 0,
            entries: 0,
            ends: temp()?,
            kinds: temp()?,
            labels: temp()?,
            label_bytes: 0,
            keys: temp()?,
            key_count: 0,
            filtered: true,
        })
    }

    /// Entries added so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Adds the next entry (its id is the number added before it), with the value filter's
    /// keys of the canonical values its digests were made from; `None` when they are not
    /// known (a hashed list): the index then has no value filter, and a scan hashes every value.
    pub fn add(
        &mut self,
        label: &str,
        kinds: KindSet,
        digests: &[(Kind, Digest)],
        keys: Option<&[u64]>,
    ) -> io::Result<()> {
        let id = u32::try_from(self.entries)
            .map_err(|_| io::Error::other("more than 4294967295 entries do not fit one index"))?;
        self.labels.write_all(label.as_bytes())?;
        self.label_bytes += label.len() as u64;
        self.ends.write_all(&self.label_bytes.to_le_bytes())?;
        self.kinds.write_all(&[kinds.bits()])?;
        match keys {
            Some(keys) if self.filtered => {
                for key in keys {
                    self.keys.write_all(&key.to_le_bytes())?;
                }
                self.key_count += keys.len() as u64;
            }
            Some(_) => {}
            None => self.filtered = false,
        }
        self.entries += 1;
        for (_, digest) in digests {
            let mut record = [0u8; RECORD_LEN];
            record[..16].copy_from_slice(&digest[..16]);
            record[16..].copy_from_slice(&id.to_le_bytes());
            self.buffer.push(record);
            self.identifiers += 1;
            if self.buffer.len() >= self.run_records {
                self.spill()?;
            }
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        use rayon::slice::ParallelSliceMut;
        self.buffer.par_sort_unstable_by(order);
        let mut run = BufWriter::with_capacity(1 << 20, tempfile::tempfile_in(&self.dir)?);
        for record in &self.buffer {
            run.write_all(record)?;
        }
        self.runs.push(run.into_inner().map_err(io::IntoInnerError::into_error)?);
        self.buffer.clear();
        Ok(())
    }

    /// Writes the whole index to `out`.
    pub fn finish(mut self, out: &mut dyn Write, meta: &Meta) -> io::Result<()> {
        if !self.runs.is_empty() && !self.buffer.is_empty() {
            self.spill()?;
        }
        self.buffer.shrink_to_fit();
        let mut out = Summed::new(out);
        out.write(&format::prelude())?;
        let bucket_bits = format::bucket_bits(self.identifiers);
        let bloom_blocks = (self.identifiers * format::BLOOM_BITS_PER_ID).div_ceil(512).max(1);
        let mut table = Table {
            bloom: vec![0u8; bloom_blocks as usize * format::BLOOM_BLOCK],
            bloom_blocks,
            bucket_bits,
            buckets: vec![0u64; (1usize << bucket_bits) + 1],
            written: 0,
            last: None,
            run_len: 0,
            crowded: 0,
            most: 0,
            limit: meta.crowded_limit,
        };
        let mut sections = [(0u64, 0u64); format::SECTIONS];
        let start = out.pos;
        let bar = progress_bar(meta.progress, self.identifiers);
        if self.runs.is_empty() {
            use rayon::slice::ParallelSliceMut;
            self.buffer.par_sort_unstable_by(order);
            for record in std::mem::take(&mut self.buffer) {
                table.push(&record, &mut out)?;
            }
        } else {
            let buffer = merge_buffer(self.budget, self.runs.len());
            merge(std::mem::take(&mut self.runs), buffer, |record| {
                if let Some(bar) = &bar
                    && table.written.is_multiple_of(65536)
                {
                    bar.set_position(table.written);
                }
                table.push(record, &mut out)
            })?;
        }
        table.end_group();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        sections[format::TABLE] = (start, out.pos - start);
        out.align()?;
        sections[format::BLOOM] = (out.pos, table.bloom.len() as u64);
        out.write(&table.bloom)?;
        drop(std::mem::take(&mut table.bloom));
        out.align()?;
        let filter_blocks = if self.filtered { format::filter_blocks(self.key_count) } else { 0 };
        let filter = value_filter(self.keys, filter_blocks)?;
        sections[format::FILTER] = (out.pos, filter.len() as u64);
        out.write(&filter)?;
        drop(filter);
        out.align()?;
        // `buckets[b + 1]` counted bucket `b`: the running sum makes `buckets[b]` its start.
        let mut total = 0u64;
        for count in table.buckets.iter_mut() {
            total += *count;
            *count = total;
        }
        sections[format::BUCKETS] = (out.pos, table.buckets.len() as u64 * 8);
        for position in &table.buckets {
            out.write(&position.to_le_bytes())?;
        }
        for (section, file) in
            [(format::ENDS, self.ends), (format::KINDS, self.kinds), (format::LABELS, self.labels)]
        {
            out.align()?;
            let start = out.pos;
            let mut file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.rewind()?;
            let mut reader = BufReader::with_capacity(1 << 20, file);
            let mut chunk = vec![0u8; 1 << 20];
            loop {
                let n = reader.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                out.write(&chunk[..n])?;
            }
            sections[section] = (start, out.pos - start);
        }
        out.align()?;
        let (sums, sha256, pos, sink) = out.finish()?;
        let sums_bytes: Vec<u8> = sums.iter().flat_map(|s| s.to_le_bytes()).collect();
        sections[format::SUMS] = (pos, sums_bytes.len() as u64);
        sink.write_all(&sums_bytes)?;
        let trailer = Trailer {
            keyed: meta.keyed,
            key_check: meta.key_check.clone().unwrap_or_default(),
            rules: meta.rules.clone(),
            leakcheck: env!("CARGO_PKG_VERSION").to_string(),
            entries: self.entries,
            identifiers: table.written,
            crowded: table.crowded,
            most: table.most,
            bloom_blocks,
            bucket_bits,
            filter_blocks,
            sections,
            sums_check: xxhash_rust::xxh3::xxh3_64(&sums_bytes),
            sha256,
        };
        sink.write_all(&trailer.encode())?;
        sink.flush()
    }
}

/// The value filter of the keys written to `keys`, in `blocks` 64-byte blocks (none: empty).
fn value_filter(keys: BufWriter<File>, blocks: u64) -> io::Result<Vec<u8>> {
    let len = usize::try_from(blocks * format::BLOOM_BLOCK as u64)
        .map_err(|_| io::Error::other("the value filter does not fit this machine's memory"))?;
    let mut filter = vec![0u8; len];
    if blocks == 0 {
        return Ok(filter);
    }
    let mut file = keys.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.rewind()?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut key = [0u8; 8];
    loop {
        match reader.read_exact(&mut key) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let (block, bits) = format::filter_place(u64::from_le_bytes(key), blocks);
        let block = &mut filter[block * format::BLOOM_BLOCK..][..format::BLOOM_BLOCK];
        for bit in bits {
            block[bit / 8] |= 1 << (bit % 8);
        }
    }
    Ok(filter)
}

fn progress_bar(enabled: bool, total: u64) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    (enabled && io::stderr().is_terminal()).then(|| {
        let bar =
            indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "merging [{elapsed_precise}] {wide_bar} {pos}/{len} identifiers ETA {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    })
}

/// The sorted table as it is written, and what is counted from it on the way.
struct Table {
    bloom: Vec<u8>,
    bloom_blocks: u64,
    bucket_bits: u32,
    /// Identifiers per bucket, turned into each bucket's first position at the end.
    buckets: Vec<u64>,
    written: u64,
    last: Option<Record>,
    run_len: u64,
    crowded: u64,
    most: u64,
    limit: u64,
}

impl Table {
    fn push(&mut self, record: &Record, out: &mut Summed<'_>) -> io::Result<()> {
        if self.last.as_ref() == Some(record) {
            return Ok(());
        }
        if self.last.is_some_and(|last| last[..16] != record[..16]) {
            self.end_group();
        }
        self.run_len += 1;
        self.last = Some(*record);
        out.write(record)?;
        self.written += 1;
        let mut digest = [0u8; 16];
        digest.copy_from_slice(&record[..16]);
        let (block, probes) = format::bloom_place(&digest, self.bloom_blocks);
        let block = &mut self.bloom[block * format::BLOOM_BLOCK..][..format::BLOOM_BLOCK];
        for bit in format::bloom_bits(probes) {
            block[bit / 8] |= 1 << (bit % 8);
        }
        self.buckets[format::bucket_of(&digest, self.bucket_bits) + 1] += 1;
        Ok(())
    }

    fn end_group(&mut self) {
        if self.run_len > self.limit {
            self.crowded += 1;
            self.most = self.most.max(self.run_len);
        }
        self.run_len = 0;
    }
}

/// Calls `each` with the records of every sorted run, in order, each run read through a buffer
/// of `buffer` bytes.
fn merge(runs: Vec<File>, buffer: usize, mut each: impl FnMut(&Record) -> io::Result<()>) -> io::Result<()> {
    let mut readers = Vec::with_capacity(runs.len());
    for mut run in runs {
        run.rewind()?;
        readers.push(BufReader::with_capacity(buffer, run));
    }
    let next = |reader: &mut BufReader<File>| -> io::Result<Option<Record>> {
        let mut record = [0u8; RECORD_LEN];
        match reader.read_exact(&mut record) {
            Ok(()) => Ok(Some(record)),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e),
        }
    };
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (i, reader) in readers.iter_mut().enumerate() {
        if let Some(record) = next(reader)? {
            heap.push(Reverse((key(&record), i)));
        }
    }
    while let Some(Reverse((k, i))) = heap.pop() {
        each(&unkey(&k))?;
        if let Some(record) = next(&mut readers[i])? {
            heap.push(Reverse((key(&record), i)));
        }
    }
    Ok(())
}

/// A record whose byte order is its sort order (the entry big-endian).
fn key(record: &Record) -> Record {
    let mut k = *record;
    k[16..].copy_from_slice(&entry_of(record).to_be_bytes());
    k
}

fn unkey(k: &Record) -> Record {
    let mut record = *k;
    record[16..].copy_from_slice(&u32::from_be_bytes([k[16], k[17], k[18], k[19]]).to_le_bytes());
    record
}

/// The output, counted, hashed (SHA-256) and checksummed block by block as it is written.
struct Summed<'a> {
    sink: &'a mut dyn Write,
    pos: u64,
    sha: sha2::Sha256,
    block: xxhash_rust::xxh3::Xxh3,
    in_block: usize,
    sums: Vec<u64>,
}

impl<'a> Summed<'a> {
    fn new(sink: &'a mut dyn Write) -> Self {
        Summed {
            sink,
            pos: 0,
            sha: sha2::Sha256::new(),
            block: xxhash_rust::xxh3::Xxh3::new(),
            in_block: 0,
            sums: Vec::new(),
        }
    }

    fn write(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        self.sink.write_all(bytes)?;
        self.sha.update(bytes);
        self.pos += bytes.len() as u64;
        while !bytes.is_empty() {
            let n = (format::BLOCK - self.in_block).min(bytes.len());
            self.block.update(&bytes[..n]);
            self.in_block += n;
            bytes = &bytes[n..];
            if self.in_block == format::BLOCK {
                self.sums.push(self.block.digest());
                self.block.reset();
                self.in_block = 0;
            }
        }
        Ok(())
    }

    /// Zeros up to the next 64-byte boundary.
    fn align(&mut self) -> io::Result<()> {
        let pad = (64 - self.pos % 64) % 64;
        self.write(&[0u8; 64][..pad as usize])
    }

    /// The block checksums (the last block may be short), the SHA-256 and the length, and the
    /// output to write the rest to.
    fn finish(mut self) -> io::Result<Written<'a>> {
        if self.in_block > 0 {
            self.sums.push(self.block.digest());
        }
        Ok((self.sums, self.sha.finalize().into(), self.pos, self.sink))
    }
}
