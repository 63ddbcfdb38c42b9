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
/// Unpacked bytes of a part of a `.xlsx`/`.ods` workbook that `calamine` reads whole before the
/// first cell (`xl/sharedStrings.xml`, styles, an `.ods`'s `content.xml`): a workbook with a
/// larger part (a zip bomb: 1.5 MB on disk, gigabytes of shared strings) is not read. Checked by
/// the size the zip declares and again by the bytes it really unpacks to, which can differ.
pub const MAX_WORKBOOK_PART_BYTES: u64 = 256 << 20;
/// Memory `calamine` may take for a workbook part it holds whole, as estimated before it is read:
/// the part's bytes, plus [`SHARED_STRING_COST`] for each of its strings. A shared-strings part of
/// tiny strings just under [`MAX_WORKBOOK_PART_BYTES`] took 1.3 GB; a larger estimate is not read.
pub const MAX_WORKBOOK_PART_MEMORY: u64 = 512 << 20;
/// What one shared string costs `calamine` besides its bytes: a 24-byte `String` in a `Vec` that
/// grows by doubling (old and new buffers both held while it grows), and its allocation's
/// header and rounding (a part of one-letter strings just under 256 MiB took 1.3 GB: 5 times
/// its bytes, about 80 bytes a string besides its 17 bytes of XML).
pub const SHARED_STRING_COST: u64 = 96;
/// `.xls` and `.ods` workbooks are held whole by `calamine` (no cell-by-cell reader): a larger
/// file is not read (its sheets saved as CSV are).
pub const MAX_WHOLE_WORKBOOK_BYTES: u64 = 128 << 20;
