//! The bounds that keep reading a dump's records in bounded memory, in one place: how large a
//! record may be, how many columns are planned, how much is read and sampled at a time. Input
//! and column roles both read them; this module depends on nothing.

/// A record larger than this is a bad record, not an allocation (SPEC §9).
pub const MAX_RECORD_BYTES: usize = 64 << 20;
/// Columns (or JSON paths, or SQL columns) planned per input; fields beyond are ignored, so a
/// hostile record of millions of fields cannot make planning allocate per field.
pub const MAX_COLUMNS: usize = 4096;
/// Bytes read from an input at a time.
pub const READ_CHUNK: usize = 256 << 10;
/// Records sampled for sniffing column roles (SPEC §5).
pub const SNIFF_RECORDS: usize = 1000;
/// Bytes the first batch (the one sniffed) may hold, so that huge records cannot make sniffing
/// hold gigabytes.
pub const SNIFF_BATCH_BYTES: usize = 16 << 20;
/// Bytes of a steady-state batch: large enough to amortize scheduling, small enough for the
/// cache.
pub const STEADY_BATCH_BYTES: usize = 4 << 20;
