//! `gendump` — deterministic generator of a large, messy "leak" of Indonesian
//! patient/insurance records plus a CSV-of-people watchlist, for whole-program benchmarks
//! of `leakcheck` (see `scripts/bench.sh`, SPEC.md §2 normalization, §4 watchlists, §5 dumps).
//! The leak is CSV, NDJSON, JSON, a MySQL dump or a PostgreSQL dump (`--format`); every
//! format holds the same records in the same order, so only the truth's `line`s differ.
//!
//! std only, no crates: it builds as `cargo run --release --features examples --example gendump
//! -- …` and with plain `rustc -O examples/gendump.rs` (any edition). The same arguments give byte-identical
//! files on every platform: a hand-written SplitMix64, no hash-map iteration, no clock in
//! the output.
//!
//! Ground truth: of the K watchlist people exactly P are planted, each in exactly one dump
//! record, by NIK and/or phone spelled differently than in the watchlist. No other record
//! shares a NIK, a phone or a canonical name with any watchlist person, so a correct scan of
//! the dump reports exactly P exposed records, P exposed watch entries and no possible
//! matches. `--truth-out` lists the planted records with the kinds a scan should match.
//! `--extra-people M` appends M people who share nothing with any dump record, so every
//! prefix of that longer watchlist that holds the first K people has the same ground truth.

use std::collections::{HashMap, HashSet};
use std::env;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Write};
use std::process;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

const USAGE: &str = "\
gendump — write a large synthetic leak of Indonesian patient records plus a watchlist

USAGE:
    gendump --size-mb N --out DUMP --watch-out WATCHLIST.csv --watch-people K
            [--format F] [--planted P] [--seed S] [--truth-out TRUTH.csv]
            [--extra-people M]

OPTIONS:
    --size-mb N         dump size in MB of the CSV format (1 MB = 1,000,000 bytes;
                        fractions allowed); the last record crosses the mark, so the file
                        is slightly larger. Other formats hold the same records, so their
                        files are larger: ndjson ~1.7x, json ~1.8x, mysql ~1.1x, pgcopy ~1x
    --out PATH          the dump (`-` for stdout); columns
                        nik,nama,tgl_lahir,no_hp,jenis_kelamin,alamat,kota,faskes,kelas
    --format F          the dump's format [default: csv]:
                          csv     header line, RFC 4180 quoting (some quoted newlines)
                          ndjson  one JSON object per line, keys as the CSV header; all
                                  values strings, except a clean NIK as a JSON number in
                                  ~10 % of records; the phone nested as
                                  \"kontak\": {\"no_hp\": …} in ~half of them
                          json    {\"meta\": {…}, \"data\": [ … ]}, the same objects, one
                                  array element per line
                          mysql   mysqldump-like: CREATE TABLE `pasien`, extended
                                  INSERT INTO `pasien` VALUES (…),(…); statements of
                                  ~1 MB, each on one line; backslash escapes; NULL if empty
                          pgcopy  pg_dump-like: CREATE TABLE public.pasien, then
                                  COPY public.pasien (…) FROM stdin; tab-separated
                                  lines, COPY escapes, \\N if empty, ended by \\.
    --watch-out PATH    the watchlist, a CSV of people: id,nik,nama,tgl_lahir,no_hp
    --watch-people K    number of watchlist people (ids W-000001 …)
    --planted P         how many of them appear in the dump [default: K/10, rounded up]
    --extra-people M    append M more people to the watchlist (ids W-(K+1)…), none of them
                        in the dump, for big-watchlist benchmarks [default: 0]. The dump,
                        the truth and the watchlist's first K rows are byte-identical to a
                        run without it, so the first N >= K rows (`head -n N+1`) are a
                        watchlist of N people with the same ground truth. Their identifiers
                        cannot occur in the dump: names of four tokens (dump names have at
                        most three), NIK district codes 31-79 (the dump's are 01-30) and
                        landline phones (the dump's are mobiles)
    --messy             spell most values as real exports do, and add an e-mail column
                        (CSV only): nik,nama,tgl_lahir,no_hp,email,jenis_kelamin,…;
                        NIKs mostly with ', .0, dots or spaces; phones mostly (0812) 3456-7890,
                        +62 812-…, 62812… or with dashes; dates mostly DD/MM/YYYY; names half
                        upper case, most with a title or a degree; e-mails upper-case, in
                        <…>, mailto:, (…), `Name <…>`. The watchlist and the planted people
                        are the same as without it (the watchlist has no e-mails)
    --seed S            PRNG seed [default: 42]
    --truth-out PATH    also write the planted records: watch,record,line,matched.
                        `record` is the same in every format (SPEC §5: data rows, lines,
                        array elements, tuples); `line` is where the record starts:
                          csv     after the header, counting quoted newlines
                          ndjson  record n is on line n
                          json    record n is on line n + 1 (line 1 opens the array)
                          mysql   the line of the INSERT statement holding the tuple
                          pgcopy  record n is on line n + the COPY statement's line
    -h, --help          this text

Same arguments => byte-identical output. The watchlist depends only on --seed,
--watch-people, --planted and --extra-people, not on --size-mb or --format; the dump not on
--extra-people. A summary goes to stderr.";

/// "MB" in `--size-mb` and in throughput figures is decimal, like the bench table.
const BYTES_PER_MB: f64 = 1_000_000.0;
/// Output is handed to the OS in chunks of about this size.
const FLUSH_AT: usize = 1 << 20;
const DEFAULT_SEED: u64 = 42;
/// The watchlist and the dump draw from independent streams, so the watchlist (and which
/// people are planted) does not depend on `--size-mb`.
const WATCH_STREAM: u64 = 0x5741_5443_484c_4953;
const DUMP_STREAM: u64 = 0x4455_4d50_5f43_5356;
/// Choices that only change how a format spells a record (JSON number NIKs, nested phones)
/// come from a third stream, so all formats hold the same records.
const SHAPE_STREAM: u64 = 0x5348_4150_455f_4a53;
/// `--extra-people` draws from a fourth stream, so the rest of the output does not change.
const EXTRA_STREAM: u64 = 0x4558_5452_415f_5050;
/// Extra people's NIK district codes: above the dump's 01–30 (`random_nik`).
const EXTRA_DISTRICTS: (u32, u32) = (31, 79);
/// Ids are W-000001 … W-9999999 (seven digits at most).
const MAX_WATCH_PEOPLE: usize = 9_999_999;
const DUMP_HEADER: &[u8] = b"nik,nama,tgl_lahir,no_hp,jenis_kelamin,alamat,kota,faskes,kelas\n";
/// `--messy`: the same columns with an e-mail column after the phone.
const MESSY_HEADER: &[u8] = b"nik,nama,tgl_lahir,no_hp,email,jenis_kelamin,alamat,kota,faskes,kelas\n";
const WATCH_HEADER: &[u8] = b"id,nik,nama,tgl_lahir,no_hp\n";

// Rates are per mille (‰) of records unless said otherwise.
/// Random dump rows whose NIK is written messily (spaces, dots, `'`, `.0`, …): ~20 %.
const MESSY_NIK_PERMILLE: u32 = 200;
const EMPTY_NIK_PERMILLE: u32 = 3;
const EMPTY_DOB_PERMILLE: u32 = 20;
const EMPTY_PHONE_PERMILLE: u32 = 40;
/// Rows whose phone field holds two numbers (`0812… / 0857…`, SPEC §2 allows several).
const TWO_PHONES_PERMILLE: u32 = 25;
const EMPTY_ADDRESS_PERMILLE: u32 = 10;
/// Addresses containing `"` (written doubled inside a quoted field).
const QUOTE_IN_ADDRESS_PERMILLE: u32 = 5;
/// Addresses spanning two physical lines (quoted field with an embedded newline).
const NEWLINE_IN_ADDRESS_PER_10K: u32 = 10;
const HONORIFIC_PERMILLE: u32 = 80;
const DEGREE_PERMILLE: u32 = 70;

// ---------------------------------------------------------------------------------------
// PRNG and a cheap hasher for u64 keys

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is far below what matters here).
    fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    fn between(&mut self, lo: u32, hi_inclusive: u32) -> u32 {
        lo + self.below((hi_inclusive - lo + 1) as usize) as u32
    }

    fn permille(&mut self, rate: u32) -> bool {
        (self.below(1000) as u32) < rate
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Like `weighted`, given the running sums of the weights (binary search, for long lists).
    fn cumulative(&mut self, running_sums: &[u32]) -> usize {
        let total = running_sums[running_sums.len() - 1];
        let roll = self.below(total as usize) as u32;
        running_sums.partition_point(|&sum| sum <= roll)
    }

    /// Index into `weights`, chosen with probability proportional to each weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if roll < w {
                return i;
            }
            roll -= w;
        }
        weights.len() - 1
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a u64 key with the SplitMix64 finalizer: much cheaper than SipHash, and we only
/// ever ask membership questions (never iterate), so the output stays deterministic.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        mix64(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

// ---------------------------------------------------------------------------------------
// Vocabulary

const MALE_FIRST: &str = "\
    Budi Agus Andi Ahmad Muhammad Muh. Moh. M. Rizki Dedi Eko Hendra Joko Bambang Slamet Wahyu Yusuf \
    Arif Fajar Hadi Imam Irfan Rahmat Ridwan Rudi Sigit Taufik Teguh Yudi Adi Aditya Bayu Dimas Dwi \
    Gilang Ilham Krisna Lukman Reza Rian Rizal Sandi Surya Tri Wawan Yoga Zainal Fauzi Hasan Husein Iwan \
    Januar Kurnia Nanang Oki Ramli Samsul Syaiful Tono Umar Veri Wahid Yanto Zulkifli Ma'ruf Aris Benny \
    Daniel Yohanes Stefanus Markus Petrus Abdul Firman Galih Hafiz Indra Jaka Kevin Lutfi Nur Rendi \
    Sahrul Toni Wisnu Yosua Fikri Ardi Dani Heru";
const FEMALE_FIRST: &str = "\
    Siti Sri Dewi Ani Rina Yuni Wati Fitri Indah Putri Ayu Dian Eka Endang Nur Nurul Ratna Rini Sari \
    Tuti Wulan Yanti Agustina Anisa Aisyah Bunga Citra Desi Dina Elis Fatimah Hana Ika Intan Kartika \
    Lina Maya Mega Melati Novi Nining Puji Ratih Rosa Sinta Susi Tari Umi Vina Winda Yulia Zahra \
    Khadijah Theresia Maria Lestari Nia Oktavia Febri Rahma Laila Nadia Safira Salsabila Tiara Wahyuni \
    Yuliana Zulaikha Annisa Dwi";
/// Javanese-style single names (no surname), common among older people.
const MALE_MONONYM: &str = "\
    Sutrisno Suparman Sukirman Paijo Subagyo Sumarno Sugiono Mulyadi Suwarno Karyadi Sarijo Tukimin \
    Wagiman Darmaji Suroso Poniman";
const FEMALE_MONONYM: &str = "\
    Sumarni Tukiyem Sukarni Painem Suyatmi Wagiyem Sumiati Parinem Kasiyem Sulastri Suminah Ngatini \
    Rukmini Sarinah Juminten Suharti";
const SURNAME: &str = "\
    Santoso Wijaya Nugroho Setiawan Hidayat Wibowo Susanto Purnomo Gunawan Hartono Siregar Nasution \
    Harahap Lubis Simanjuntak Sitompul Hutapea Situmorang Panjaitan Sinaga Tambunan Pardede Manurung \
    Ginting Sembiring Tarigan Sihombing Simatupang Pohan Daulay Rangkuti Wowor Rumondor Pangaribuan \
    Pattinama Tuhumury Latuconsina Sahetapy Mandagi Kaunang Sondakh Pasaribu Halim Tanoto Kusuma Permana \
    Ramadhan Firmansyah Hakim Maulana Susilo Sutanto Prabowo Sulistyo Rachman Suryadi Haryanto Budiman \
    Effendi Iskandar Sudirman Sulaiman Tanjung Matondang Batubara Napitupulu Marpaung Silalahi Rambe \
    Hasibuan Ritonga Tampubolon Sianturi Saragih Purba Damanik Syahputra Hutagalung Nainggolan Kurniadi \
    Salim Lim Tanuwijaya Hendrawan Rusdi Fauzan Baharuddin Nasrullah Mappanyukki Daeng";
const MALE_SURNAME: &str = "\
    Saputra Pratama Kurniawan Ramadhani Hermawan Wicaksono Prasetyo Kusumo Nugraha Adinata Darmawan \
    Firdaus Syahrial Wardana Putra";
const FEMALE_SURNAME: &str = "\
    Saputri Wulandari Handayani Rahmawati Puspitasari Safitri Anggraini Utami Permatasari Kusumawati \
    Novitasari Oktaviani Febriani Yuliani Susanti Hartati Rahayu Suryani Lestari Maharani";
/// Balinese birth-order names, then given names; `I` / `Ni` mark male / female.
const BALI_ORDER: &str = "Wayan Made Nyoman Ketut Putu Kadek Komang Gede";
const BALI_NAME: &str = "\
    Sudarma Suarjana Artawan Wirawan Sukerti Ariani Astiti Sudiarta Mahendra Suastika Widiasih Darmayasa \
    Suartini Adnyana Budiasa";
/// Canonical tokens SPEC §2 strips from names; no vocabulary token may be one of them.
const STRIPPED_NAME_TOKENS: &[&str] = &[
    "h", "hj", "dr", "drs", "dra", "ir", "prof", "bpk", "bapak", "ibu", "sdr", "sdri", "tn", "ny", "nn",
    "an", "skom", "sh", "se", "st", "spd", "amd", "mm", "mt", "mkes", "ssos", "sked", "sip", "ssi", "mpd",
    "mba",
];
const MALE_HONORIFIC: &[&str] =
    &["H.", "Dr.", "dr.", "Drs.", "Ir.", "Prof. Dr.", "Tn.", "Bpk.", "Bapak", "Sdr."];
const FEMALE_HONORIFIC: &[&str] = &["Hj.", "Dr.", "dr.", "Dra.", "Ir.", "Ny.", "Ibu", "Sdri.", "Nn."];
/// Degrees: after a comma (SPEC drops everything from the first comma) or bare tokens it
/// strips as trailing degrees.
const DEGREES: &[&str] = &[
    ", S.Kom.",
    ", S.H.",
    ", S.E.",
    ", S.E., M.M.",
    ", S.Pd.",
    ", S.Kep., Ners",
    ", A.Md.Kep.",
    ", S.T., M.T.",
    ", M.Kes.",
    ", S.Sos.",
    ", Sp.PD",
    " SH",
    " SE",
    " S.Pd",
    " S.Kom",
    " ST",
    " A.Md",
    " MM",
    " M.Kes",
];

/// (province code, regency code, name). Regency codes ≥ 71 are cities (`Kota`), below are
/// regencies (`Kab.`), as in real NIKs; the last field is a rough population weight.
const REGIONS: &[(u8, u8, &str, u32)] = &[
    (31, 71, "Jakarta Selatan", 8),
    (31, 72, "Jakarta Timur", 10),
    (31, 73, "Jakarta Pusat", 3),
    (31, 74, "Jakarta Barat", 8),
    (31, 75, "Jakarta Utara", 6),
    (32, 1, "Bogor", 10),
    (32, 71, "Bogor", 3),
    (32, 73, "Bandung", 8),
    (32, 4, "Bandung", 7),
    (32, 75, "Bekasi", 7),
    (32, 16, "Bekasi", 6),
    (32, 76, "Depok", 6),
    (32, 77, "Cimahi", 2),
    (32, 78, "Tasikmalaya", 2),
    (32, 9, "Cirebon", 4),
    (32, 5, "Garut", 5),
    (32, 3, "Cianjur", 4),
    (32, 2, "Sukabumi", 4),
    (32, 15, "Karawang", 4),
    (33, 74, "Semarang", 4),
    (33, 72, "Surakarta", 2),
    (33, 2, "Banyumas", 4),
    (33, 9, "Boyolali", 2),
    (33, 28, "Tegal", 3),
    (34, 71, "Yogyakarta", 2),
    (34, 4, "Sleman", 3),
    (34, 2, "Bantul", 2),
    (35, 78, "Surabaya", 7),
    (35, 73, "Malang", 3),
    (35, 7, "Malang", 6),
    (35, 15, "Sidoarjo", 5),
    (35, 9, "Jember", 5),
    (35, 25, "Gresik", 3),
    (35, 77, "Madiun", 1),
    (36, 71, "Tangerang", 5),
    (36, 3, "Tangerang", 6),
    (36, 74, "Tangerang Selatan", 4),
    (36, 73, "Serang", 2),
    (11, 71, "Banda Aceh", 1),
    (12, 71, "Medan", 6),
    (12, 7, "Deli Serdang", 4),
    (13, 71, "Padang", 2),
    (14, 71, "Pekanbaru", 3),
    (15, 71, "Jambi", 1),
    (16, 71, "Palembang", 4),
    (17, 71, "Bengkulu", 1),
    (18, 71, "Bandar Lampung", 3),
    (19, 71, "Pangkalpinang", 1),
    (21, 71, "Batam", 3),
    (51, 71, "Denpasar", 2),
    (51, 3, "Badung", 2),
    (52, 71, "Mataram", 1),
    (53, 71, "Kupang", 1),
    (61, 71, "Pontianak", 2),
    (62, 71, "Palangka Raya", 1),
    (63, 71, "Banjarmasin", 2),
    (64, 71, "Balikpapan", 2),
    (64, 72, "Samarinda", 2),
    (65, 71, "Tarakan", 1),
    (71, 71, "Manado", 2),
    (72, 71, "Palu", 1),
    (73, 71, "Makassar", 4),
    (74, 71, "Kendari", 1),
    (75, 71, "Gorontalo", 1),
    (76, 4, "Mamuju", 1),
    (81, 71, "Ambon", 1),
    (82, 71, "Ternate", 1),
    (91, 71, "Sorong", 1),
    (94, 71, "Jayapura", 1),
];
/// Bali's province code: Balinese names are common there.
const BALI_PROVINCE: u8 = 51;
/// Indonesian mobile prefixes after the trunk 0 (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
const MOBILE_PREFIXES: &[u32] = &[
    811, 812, 813, 821, 822, 823, 851, 852, 853, 814, 815, 816, 855, 856, 857, 858, 817, 818, 819, 859, 877,
    878, 831, 832, 833, 838, 895, 896, 897, 898, 899, 881, 882, 883, 885, 887,
];
/// Landline area codes (without the trunk 0) and subscriber digits, for extra watchlist
/// people: the dump only has mobiles, so their phones never occur in it.
const LANDLINE_AREAS: &[(u32, u32)] = &[
    (21, 8),
    (22, 7),
    (24, 7),
    (31, 7),
    (61, 7),
    (251, 7),
    (274, 6),
    (341, 6),
    (361, 6),
    (411, 6),
    (431, 6),
    (511, 6),
    (541, 6),
    (711, 6),
    (721, 6),
    (761, 6),
    (778, 6),
];
const STREETS: &str = "\
    Merdeka, Jend. Sudirman, Ahmad Yani, Diponegoro, Gatot Subroto, Pahlawan, Imam Bonjol, Gajah Mada, \
    Hayam Wuruk, Veteran, Pemuda, Kartini, Cut Nyak Dien, Raya Bogor, Mawar, Melati, Kenanga, Anggrek, \
    Flamboyan, Cendrawasih, Rajawali, Kutilang, Nusantara, Pattimura, Sisingamangaraja, Teuku Umar, \
    Hasanuddin, Dr. Sutomo, KH. Hasyim Asyari, Letjen Suprapto, Raya Serpong, Kaliurang, Asia Afrika, \
    Setiabudi, Kebon Sirih, Gunung Sahari, Mangga Besar, Pramuka, Cempaka, Margonda Raya, Siliwangi, \
    Basuki Rahmat, Panglima Polim";
const KELURAHAN: &str = "\
    Sukamaju, Sukamulya, Mekarsari, Margahayu, Sidomulyo, Karangasem, Tanjung Duren, Kebon Jeruk, \
    Cempaka Putih, Sumbersari, Wonorejo, Tegalrejo, Kedung Badak, Pondok Cina, Jati Padang, Pasir Putih, \
    Sukarame, Bojong Gede, Cilandak Timur, Rawamangun, Kampung Baru, Tanah Tinggi, Sungai Bambu, \
    Lebak Bulus";
const KECAMATAN: &str = "\
    Cibinong, Sukajadi, Coblong, Tebet, Menteng, Gubeng, Tegalsari, Banyumanik, Medan Baru, Ilir Timur, \
    Tamalanrea, Denpasar Barat, Kebayoran Baru, Cakung, Pasar Minggu, Sawangan, Ciputat, Serpong, Kraton, \
    Umbulharjo, Lowokwaru, Klojen, Wonokromo, Rungkut, Tembalang, Pedurungan, Antapani, Cimahi Tengah";
const PERUMAHAN: &str = "\
    Griya Asri, Bumi Indah, Taman Sari, Villa Nusa Indah, Citra Raya, Pesona Depok, Graha Permai, \
    Bukit Cimanggu, Puri Harmoni, Taman Kenari";
const HOSPITALS: &str = "\
    RS Siloam, RS Mitra Keluarga, RS Hermina, RS Awal Bros, RS Bhayangkara, RS Islam Jakarta, \
    RS PKU Muhammadiyah, RS Panti Rapih, RSUP Dr. Sardjito, RSUPN Dr. Cipto Mangunkusumo, RSUP Fatmawati, \
    RSUP Persahabatan, RS Santo Borromeus, RS Immanuel, RS Advent, RS Primaya, Eka Hospital, RS Mayapada";
const MONTHS_ID: &[&str] = &[
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_ID_SHORT: &[&str] =
    &["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];
const ROMAN: &[&str] = &["I", "II", "III", "IV", "V", "VI", "VII"];

/// Token ids of every name pool, over one vocabulary deduplicated by canonical form, so that
/// two names are the same canonical name (SPEC §2) exactly when their id sequences are equal;
/// plus the place-name lists and region weights.
struct Vocab {
    display: Vec<&'static str>,
    male_first: Vec<u16>,
    female_first: Vec<u16>,
    male_mononym: Vec<u16>,
    female_mononym: Vec<u16>,
    surname: Vec<u16>,
    male_surname: Vec<u16>,
    female_surname: Vec<u16>,
    bali_order: Vec<u16>,
    bali_name: Vec<u16>,
    bali_male: u16,
    bali_female: u16,
    streets: Vec<&'static str>,
    kelurahan: Vec<&'static str>,
    kecamatan: Vec<&'static str>,
    perumahan: Vec<&'static str>,
    hospitals: Vec<&'static str>,
    /// Running sums of the REGIONS weights, for `Rng::cumulative`.
    region_cumulative: Vec<u32>,
}

impl Vocab {
    fn new() -> Vocab {
        let mut ids: HashMap<String, u16> = HashMap::new();
        let mut display = Vec::new();
        let mut pool = |words: &'static str| -> Vec<u16> {
            words.split_whitespace().map(|w| token_id(&mut ids, &mut display, w)).collect()
        };
        let places = |list: &'static str| -> Vec<&'static str> { list.split(", ").collect() };
        let male_first = pool(MALE_FIRST);
        let female_first = pool(FEMALE_FIRST);
        let male_mononym = pool(MALE_MONONYM);
        let female_mononym = pool(FEMALE_MONONYM);
        let surname = pool(SURNAME);
        let male_surname = pool(MALE_SURNAME);
        let female_surname = pool(FEMALE_SURNAME);
        let bali_order = pool(BALI_ORDER);
        let bali_name = pool(BALI_NAME);
        let markers = pool("I Ni");
        Vocab {
            display,
            male_first,
            female_first,
            male_mononym,
            female_mononym,
            surname,
            male_surname,
            female_surname,
            bali_order,
            bali_name,
            bali_male: markers[0],
            bali_female: markers[1],
            streets: places(STREETS),
            kelurahan: places(KELURAHAN),
            kecamatan: places(KECAMATAN),
            perumahan: places(PERUMAHAN),
            hospitals: places(HOSPITALS),
            region_cumulative: REGIONS
                .iter()
                .scan(0, |total, r| {
                    *total += r.3;
                    Some(*total)
                })
                .collect(),
        }
    }
}

fn token_id(ids: &mut HashMap<String, u16>, display: &mut Vec<&'static str>, word: &'static str) -> u16 {
    let canonical: String =
        word.chars().filter(|c| *c != '.' && *c != '\'').flat_map(char::to_lowercase).collect();
    if !canonical.bytes().all(|b| b.is_ascii_lowercase())
        || STRIPPED_NAME_TOKENS.contains(&canonical.as_str())
    {
        // `panic_any`, not `panic!("{word}")`: edition 2015 (plain rustc) would not format that.
        std::panic::panic_any(format!(
            "name token {word:?} would not survive SPEC §2 name normalization as one token"
        ));
    }
    let next = display.len() as u16;
    *ids.entry(canonical).or_insert_with(|| {
        display.push(word);
        next
    })
}

// ---------------------------------------------------------------------------------------
// People and their identifiers

#[derive(Clone, Copy, PartialEq)]
struct Date {
    year: u32,
    month: u32,
    day: u32,
}

/// A name as vocabulary ids: up to four tokens.
#[derive(Clone, Copy)]
struct Name {
    tokens: [u16; 4],
    len: usize,
}

impl Name {
    fn of(tokens: &[u16]) -> Name {
        let mut name = Name { tokens: [0; 4], len: tokens.len() };
        name.tokens[..tokens.len()].copy_from_slice(tokens);
        name
    }

    /// Equal keys ⇔ equal canonical names.
    fn key(&self) -> u64 {
        self.tokens[..self.len].iter().fold(0, |acc, &t| (acc << 16) | (u64::from(t) + 1))
    }
}

/// Everything the dump or the watchlist knows about one person.
struct Person {
    female: bool,
    region: usize,
    name: Name,
    dob: Date,
    /// The 16 canonical digits as a number (a NIK never starts with 0).
    nik: u64,
    /// The national significant number after +62, e.g. 81234567890.
    phone: u64,
}

/// Watchlist people's canonical identifiers; random dump rows never use any of them.
#[derive(Default)]
struct Reserved {
    niks: KeySet,
    phones: KeySet,
    names: KeySet,
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Birth years 1940–2019, peaked around 1980 (sum of two uniforms).
fn random_date(rng: &mut Rng) -> Date {
    let year = 1940 + rng.between(0, 40) + rng.between(0, 39);
    let month = rng.between(1, 12);
    let day = rng.between(1, days_in_month(year, month));
    Date { year, month, day }
}

/// A structurally valid NIK (SPEC §2) consistent with the person's region, birth date and sex.
fn random_nik(rng: &mut Rng, region: usize, dob: Date, female: bool) -> u64 {
    let (province, regency, _, _) = REGIONS[region];
    let district = rng.between(1, 30);
    let day = dob.day + if female { 40 } else { 0 };
    let serial = if rng.permille(900) { rng.between(1, 600) } else { rng.between(1, 9999) };
    let fields = [
        (u64::from(province), 100_000_000_000_000u64),
        (u64::from(regency), 1_000_000_000_000),
        (u64::from(district), 10_000_000_000),
        (u64::from(day), 100_000_000),
        (u64::from(dob.month), 1_000_000),
        (u64::from(dob.year % 100), 10_000),
        (u64::from(serial), 1),
    ];
    fields.iter().map(|&(v, scale)| v * scale).sum()
}

/// A mobile number: a 3-digit operator prefix and 7–9 more digits (10–12 national digits).
fn random_phone(rng: &mut Rng) -> u64 {
    let prefix = u64::from(*rng.pick(MOBILE_PREFIXES));
    let rest_len = rng.weighted(&[15, 45, 40]) as u32 + 7;
    let rest = rng.next_u64() % 10u64.pow(rest_len);
    prefix * 10u64.pow(rest_len) + rest
}

fn random_name(rng: &mut Rng, vocab: &Vocab, female: bool, region: usize, allow_mononym: bool) -> Name {
    let bali_permille = if REGIONS[region].0 == BALI_PROVINCE { 600 } else { 10 };
    if rng.permille(bali_permille) {
        let marker = if female { vocab.bali_female } else { vocab.bali_male };
        return Name::of(&[marker, *rng.pick(&vocab.bali_order), *rng.pick(&vocab.bali_name)]);
    }
    let (first, mononym, gendered) = if female {
        (&vocab.female_first, &vocab.female_mononym, &vocab.female_surname)
    } else {
        (&vocab.male_first, &vocab.male_mononym, &vocab.male_surname)
    };
    let shape = rng.weighted(&[if allow_mononym { 12 } else { 0 }, 50, 38]);
    if shape == 0 {
        return Name::of(&[*rng.pick(mononym)]);
    }
    let given = *rng.pick(first);
    let middle = if shape == 2 { Some(other_token(rng, first, given)) } else { None };
    let last = if rng.permille(700) { *rng.pick(&vocab.surname) } else { *rng.pick(gendered) };
    match middle {
        Some(middle) => Name::of(&[given, middle, last]),
        None => Name::of(&[given, last]),
    }
}

/// A token from `pool` other than `avoid` ("Tuti Tuti Hartati" is not a name).
fn other_token(rng: &mut Rng, pool: &[u16], avoid: u16) -> u16 {
    loop {
        let token = *rng.pick(pool);
        if token != avoid {
            return token;
        }
    }
}

fn random_person(rng: &mut Rng, vocab: &Vocab, allow_mononym: bool) -> Person {
    let female = rng.permille(500);
    let region = rng.cumulative(&vocab.region_cumulative);
    let dob = random_date(rng);
    Person {
        female,
        region,
        name: random_name(rng, vocab, female, region, allow_mononym),
        dob,
        nik: random_nik(rng, region, dob, female),
        phone: random_phone(rng),
    }
}

/// A NIK no watchlist person has.
fn fresh_nik(rng: &mut Rng, reserved: &Reserved, region: usize, dob: Date, female: bool) -> u64 {
    loop {
        let nik = random_nik(rng, region, dob, female);
        if !reserved.niks.contains(&nik) {
            return nik;
        }
    }
}

fn fresh_phone(rng: &mut Rng, reserved: &Reserved) -> u64 {
    loop {
        let phone = random_phone(rng);
        if !reserved.phones.contains(&phone) {
            return phone;
        }
    }
}

fn fresh_name(rng: &mut Rng, vocab: &Vocab, reserved: &Reserved, female: bool, region: usize) -> Name {
    loop {
        let name = random_name(rng, vocab, female, region, true);
        if !reserved.names.contains(&name.key()) {
            return name;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Spellings

#[derive(Clone, Copy, PartialEq)]
enum NikStyle {
    Plain,
    Spaced,
    Dotted,
    Dashed,
    Apostrophe,
    FloatSuffix,
    TrailingSpace,
}

const MESSY_NIK_STYLES: &[NikStyle] = &[
    NikStyle::Spaced,
    NikStyle::Dotted,
    NikStyle::Dashed,
    NikStyle::Apostrophe,
    NikStyle::FloatSuffix,
    NikStyle::TrailingSpace,
];
const MESSY_NIK_WEIGHTS: &[u32] = &[20, 25, 10, 25, 15, 5];

#[derive(Clone, Copy, PartialEq)]
enum PhoneStyle {
    Zero,
    ZeroDashes,
    ZeroSpaces,
    ZeroDots,
    ParenZero,
    Plus,
    PlusSpaced,
    PlusTrunk,
    CountryCode,
    Bare,
}

const PHONE_STYLES: &[PhoneStyle] = &[
    PhoneStyle::Zero,
    PhoneStyle::ZeroDashes,
    PhoneStyle::ZeroSpaces,
    PhoneStyle::ZeroDots,
    PhoneStyle::ParenZero,
    PhoneStyle::Plus,
    PhoneStyle::PlusSpaced,
    PhoneStyle::PlusTrunk,
    PhoneStyle::CountryCode,
    PhoneStyle::Bare,
];
const PHONE_WEIGHTS: &[u32] = &[35, 15, 8, 2, 3, 10, 8, 2, 10, 7];

#[derive(Clone, Copy, PartialEq)]
enum DateStyle {
    IsoDash,
    DayMonthDash,
    DayMonthSlash,
    DayMonthDot,
    MonthName,
    MonthAbbrev,
}

const DATE_STYLES: &[DateStyle] = &[
    DateStyle::IsoDash,
    DateStyle::DayMonthDash,
    DateStyle::DayMonthSlash,
    DateStyle::DayMonthDot,
    DateStyle::MonthName,
    DateStyle::MonthAbbrev,
];
const DATE_WEIGHTS: &[u32] = &[25, 30, 25, 5, 10, 5];

/// How often each spelling is drawn: the clean benchmark's mix, or `--messy`'s, where most
/// values are spelled as real exports spell them. Clean output does not depend on the messy
/// mix: it draws exactly what it drew before `--messy` existed.
struct Spelling {
    /// Random rows whose NIK takes a style of `MESSY_NIK_STYLES` (weighted by `nik_weights`).
    messy_nik_permille: u32,
    nik_weights: &'static [u32],
    phone_weights: &'static [u32],
    date_weights: &'static [u32],
    honorific_permille: u32,
    degree_permille: u32,
    /// Title, upper, lower case names.
    case_weights: [u32; 3],
    /// Whether records have an e-mail column (`MESSY_HEADER`).
    email: bool,
}

const CLEAN: Spelling = Spelling {
    messy_nik_permille: MESSY_NIK_PERMILLE,
    nik_weights: MESSY_NIK_WEIGHTS,
    phone_weights: PHONE_WEIGHTS,
    date_weights: DATE_WEIGHTS,
    honorific_permille: HONORIFIC_PERMILLE,
    degree_permille: DEGREE_PERMILLE,
    case_weights: [70, 25, 5],
    email: false,
};

/// `--messy`: NIKs mostly with `'`, `.0`, dots or spaces; phones mostly in parentheses, as
/// `+62 8xx-…`, `62…` or with dashes; dates mostly `DD/MM/YYYY`; half the names upper case,
/// most with a title or a degree; e-mails upper-case or wrapped (`push_email`).
const MESSY: Spelling = Spelling {
    messy_nik_permille: 700,
    // Spaced, Dotted, Dashed, Apostrophe, FloatSuffix, TrailingSpace.
    nik_weights: &[10, 15, 10, 30, 30, 5],
    // Zero, ZeroDashes, ZeroSpaces, ZeroDots, ParenZero, Plus, PlusSpaced, PlusTrunk,
    // CountryCode, Bare.
    phone_weights: &[10, 20, 5, 3, 22, 5, 15, 5, 12, 3],
    // IsoDash, DayMonthDash, DayMonthSlash, DayMonthDot, MonthName, MonthAbbrev.
    date_weights: &[10, 15, 55, 5, 10, 5],
    honorific_permille: 450,
    degree_permille: 400,
    case_weights: [45, 50, 5],
    email: true,
};

#[derive(Clone, Copy, PartialEq)]
enum Case {
    Title,
    Upper,
    Lower,
}

/// How a name is dressed up; none of it changes the canonical name.
#[derive(Clone, Copy)]
struct Decor {
    case: Case,
    honorific: Option<&'static str>,
    degree: Option<&'static str>,
}

impl Decor {
    const PLAIN: Decor = Decor { case: Case::Title, honorific: None, degree: None };

    fn random(rng: &mut Rng, female: bool, spelling: &Spelling) -> Decor {
        let case = [Case::Title, Case::Upper, Case::Lower][rng.weighted(&spelling.case_weights)];
        let honorifics = if female { FEMALE_HONORIFIC } else { MALE_HONORIFIC };
        let honorific =
            if rng.permille(spelling.honorific_permille) { Some(*rng.pick(honorifics)) } else { None };
        let degree = if rng.permille(spelling.degree_permille) { Some(*rng.pick(DEGREES)) } else { None };
        Decor { case, honorific, degree }
    }
}

/// Picks a style other than `avoid`, so a planted value is spelled unlike the watchlist's.
fn other_style<T: Copy + PartialEq>(rng: &mut Rng, styles: &[T], weights: &[u32], avoid: T) -> T {
    loop {
        let style = styles[rng.weighted(weights)];
        if style != avoid {
            return style;
        }
    }
}

/// "00" "01" … "99": two digits per division, the usual itoa trick.
const DIGIT_PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// The decimal digits of `n`, written into the end of `out`.
fn digits(mut n: u64, out: &mut [u8; 20]) -> &[u8] {
    let mut i = out.len();
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        out[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        i -= 2;
        out[i..i + 2].copy_from_slice(&DIGIT_PAIRS[n as usize * 2..n as usize * 2 + 2]);
    } else {
        i -= 1;
        out[i] = b'0' + n as u8;
    }
    &out[i..]
}

fn push_padded(buf: &mut Vec<u8>, n: u32, width: usize) {
    let mut tmp = [0u8; 20];
    let d = digits(u64::from(n), &mut tmp);
    buf.extend(std::iter::repeat_n(b'0', width.saturating_sub(d.len())));
    buf.extend_from_slice(d);
}

fn push_number(buf: &mut Vec<u8>, n: u64) {
    let mut tmp = [0u8; 20];
    buf.extend_from_slice(digits(n, &mut tmp));
}

fn push_nik(buf: &mut Vec<u8>, nik: u64, style: NikStyle) {
    let mut tmp = [0u8; 20];
    let d = digits(nik, &mut tmp);
    let groups: &[(usize, usize)] = match style {
        NikStyle::Spaced | NikStyle::Dashed => &[(0, 4), (4, 8), (8, 12), (12, 16)],
        NikStyle::Dotted => &[(0, 2), (2, 4), (4, 6), (6, 12), (12, 16)],
        _ => &[(0, 16)],
    };
    let sep = match style {
        NikStyle::Spaced => b' ',
        NikStyle::Dashed => b'-',
        _ => b'.',
    };
    if style == NikStyle::Apostrophe {
        buf.push(b'\'');
    }
    for (i, &(from, to)) in groups.iter().enumerate() {
        if i > 0 {
            buf.push(sep);
        }
        buf.extend_from_slice(&d[from..to]);
    }
    match style {
        NikStyle::FloatSuffix => buf.extend_from_slice(b".0"),
        NikStyle::TrailingSpace => buf.push(b' '),
        _ => {}
    }
}

/// Writes `rest` in two groups separated by `sep`: `34567890` → `3456-7890`, `3456789` → `345-6789`.
fn push_grouped(buf: &mut Vec<u8>, rest: &[u8], sep: u8) {
    let (head, tail) = rest.split_at(rest.len() / 2);
    buf.extend_from_slice(head);
    buf.push(sep);
    buf.extend_from_slice(tail);
}

fn push_phone(buf: &mut Vec<u8>, phone: u64, style: PhoneStyle) {
    let mut tmp = [0u8; 20];
    let d = digits(phone, &mut tmp);
    let (operator, rest) = d.split_at(3);
    let (lead, between, sep): (&[u8], &[u8], u8) = match style {
        PhoneStyle::Zero => (b"0", b"", 0),
        PhoneStyle::ZeroDashes => (b"0", b"-", b'-'),
        PhoneStyle::ZeroSpaces => (b"0", b" ", b' '),
        PhoneStyle::ZeroDots => (b"0", b".", b'.'),
        PhoneStyle::ParenZero => (b"(0", b") ", b'-'),
        PhoneStyle::Plus => (b"+62", b"", 0),
        PhoneStyle::PlusSpaced => (b"+62 ", b"-", b'-'),
        PhoneStyle::PlusTrunk => (b"+62 (0)", b" ", b' '),
        PhoneStyle::CountryCode => (b"62", b"", 0),
        PhoneStyle::Bare => (b"", b"", 0),
    };
    buf.extend_from_slice(lead);
    buf.extend_from_slice(operator);
    buf.extend_from_slice(between);
    if sep == 0 {
        buf.extend_from_slice(rest);
    } else {
        push_grouped(buf, rest, sep);
    }
}

fn push_date(buf: &mut Vec<u8>, date: Date, style: DateStyle) {
    let (sep, day_first) = match style {
        DateStyle::IsoDash => (b'-', false),
        DateStyle::DayMonthDash => (b'-', true),
        DateStyle::DayMonthSlash => (b'/', true),
        DateStyle::DayMonthDot => (b'.', true),
        DateStyle::MonthName | DateStyle::MonthAbbrev => {
            let months = if style == DateStyle::MonthName { MONTHS_ID } else { MONTHS_ID_SHORT };
            push_padded(buf, date.day, 2);
            buf.push(b' ');
            buf.extend_from_slice(months[date.month as usize - 1].as_bytes());
            buf.push(b' ');
            push_padded(buf, date.year, 4);
            return;
        }
    };
    let (first, last, first_width, last_width) =
        if day_first { (date.day, date.year, 2, 4) } else { (date.year, date.day, 4, 2) };
    push_padded(buf, first, first_width);
    buf.push(sep);
    push_padded(buf, date.month, 2);
    buf.push(sep);
    push_padded(buf, last, last_width);
}

fn push_cased(buf: &mut Vec<u8>, text: &str, case: Case) {
    match case {
        Case::Title => buf.extend_from_slice(text.as_bytes()),
        Case::Upper => buf.extend(text.bytes().map(|b| b.to_ascii_uppercase())),
        Case::Lower => buf.extend(text.bytes().map(|b| b.to_ascii_lowercase())),
    }
}

/// Writes a name as is; returns whether CSV must quote it.
fn push_name(buf: &mut Vec<u8>, vocab: &Vocab, name: Name, decor: Decor) -> bool {
    if let Some(honorific) = decor.honorific {
        push_cased(buf, honorific, decor.case);
        buf.push(b' ');
    }
    for (i, &token) in name.tokens[..name.len].iter().enumerate() {
        if i > 0 {
            buf.push(b' ');
        }
        push_cased(buf, vocab.display[token as usize], decor.case);
    }
    if let Some(degree) = decor.degree {
        buf.extend_from_slice(degree.as_bytes());
    }
    name_needs_quotes(decor)
}

/// A name's degree may bring a comma; name tokens never hold one.
fn name_needs_quotes(decor: Decor) -> bool {
    decor.degree.is_some_and(|d| d.contains(','))
}

// ---------------------------------------------------------------------------------------
// Non-identity columns

/// Address shapes: how often each is used, and whether it contains a comma.
const ADDRESS_WEIGHTS: &[u32] = &[40, 20, 14, 10, 10, 6];
const ADDRESS_HAS_COMMA: &[bool] = &[true, false, true, true, true, false];

/// Writes an address as is; returns whether CSV must quote it (decided up front: scanning
/// every field for delimiters afterwards cost a tenth of the run time) and the newlines it
/// holds.
fn push_address(buf: &mut Vec<u8>, rng: &mut Rng, vocab: &Vocab) -> (bool, u64) {
    if rng.permille(EMPTY_ADDRESS_PERMILLE) {
        return (false, 0);
    }
    let shape = rng.weighted(ADDRESS_WEIGHTS);
    let with_quotes = rng.permille(QUOTE_IN_ADDRESS_PERMILLE);
    let with_newline = (rng.below(10_000) as u32) < NEWLINE_IN_ADDRESS_PER_10K;
    push_address_shape(buf, rng, vocab, shape);
    if with_quotes {
        buf.extend_from_slice(b" (belakang masjid \"Al-Ikhlas\")");
    }
    if with_newline {
        buf.extend_from_slice(b"\nKec. ");
        buf.extend_from_slice(rng.pick(&vocab.kecamatan).as_bytes());
    }
    (ADDRESS_HAS_COMMA[shape] || with_quotes || with_newline, u64::from(with_newline))
}

fn push_address_shape(buf: &mut Vec<u8>, rng: &mut Rng, vocab: &Vocab, shape: usize) {
    let number = rng.between(1, 250);
    let (rt, rw) = (rng.between(1, 15), rng.between(1, 12));
    match shape {
        0 => {
            buf.extend_from_slice(b"Jl. ");
            buf.extend_from_slice(rng.pick(&vocab.streets).as_bytes());
            buf.extend_from_slice(b" No. ");
            push_number(buf, u64::from(number));
            push_rt_rw(buf, rt, rw, b", RT ", b"/RW ", 3);
            buf.extend_from_slice(b", Kel. ");
            buf.extend_from_slice(rng.pick(&vocab.kelurahan).as_bytes());
            buf.extend_from_slice(b", Kec. ");
            buf.extend_from_slice(rng.pick(&vocab.kecamatan).as_bytes());
        }
        1 => {
            buf.extend_from_slice(b"Jl. ");
            buf.extend_from_slice(rng.pick(&vocab.streets).as_bytes());
            buf.extend_from_slice(b" No. ");
            push_number(buf, u64::from(number));
            push_rt_rw(buf, rt, rw, b" RT ", b" RW ", 2);
            buf.push(b' ');
            buf.extend_from_slice(rng.pick(&vocab.kelurahan).as_bytes());
        }
        2 => {
            buf.extend_from_slice(b"Perum ");
            buf.extend_from_slice(rng.pick(&vocab.perumahan).as_bytes());
            buf.extend_from_slice(b" Blok ");
            buf.push(b'A' + rng.below(8) as u8);
            push_number(buf, u64::from(rng.between(1, 20)));
            buf.extend_from_slice(b" No. ");
            push_number(buf, u64::from(number % 40 + 1));
            buf.extend_from_slice(b", ");
            buf.extend_from_slice(rng.pick(&vocab.kelurahan).as_bytes());
        }
        3 => {
            buf.extend_from_slice(b"Dusun ");
            buf.extend_from_slice(rng.pick(&vocab.kelurahan).as_bytes());
            push_rt_rw(buf, rt, rw, b" RT ", b"/RW ", 3);
            buf.extend_from_slice(b", Desa ");
            buf.extend_from_slice(rng.pick(&vocab.kelurahan).as_bytes());
            buf.extend_from_slice(b", Kec. ");
            buf.extend_from_slice(rng.pick(&vocab.kecamatan).as_bytes());
        }
        4 => {
            buf.extend_from_slice(b"Gg. ");
            buf.extend_from_slice(rng.pick(&vocab.streets).as_bytes());
            buf.push(b' ');
            buf.extend_from_slice(rng.pick(ROMAN).as_bytes());
            buf.extend_from_slice(b" No. ");
            push_number(buf, u64::from(number % 60 + 1));
            push_rt_rw(buf, rt, rw, b", RT ", b"/RW ", 2);
        }
        _ => {
            buf.extend_from_slice(b"JL ");
            let street = *rng.pick(&vocab.streets);
            push_cased(buf, street, Case::Upper);
            buf.extend_from_slice(b" NO ");
            push_number(buf, u64::from(number));
            push_rt_rw(buf, rt, rw, b" RT", b"/", 3);
        }
    }
}

fn push_rt_rw(buf: &mut Vec<u8>, rt: u32, rw: u32, rt_label: &[u8], rw_label: &[u8], width: usize) {
    buf.extend_from_slice(rt_label);
    push_padded(buf, rt, width);
    buf.extend_from_slice(rw_label);
    push_padded(buf, rw, width);
}

fn push_city(buf: &mut Vec<u8>, rng: &mut Rng, region: usize) {
    let (_, regency, name, _) = REGIONS[region];
    let prefix = if regency >= 71 { "Kota " } else { "Kab. " };
    match rng.weighted(&[60, 30, 10]) {
        0 => {
            buf.extend_from_slice(prefix.as_bytes());
            buf.extend_from_slice(name.as_bytes());
        }
        1 => buf.extend_from_slice(name.as_bytes()),
        _ => {
            push_cased(buf, prefix, Case::Upper);
            push_cased(buf, name, Case::Upper);
        }
    }
}

fn push_facility(buf: &mut Vec<u8>, rng: &mut Rng, vocab: &Vocab, region: usize) {
    match rng.weighted(&[50, 15, 15, 20]) {
        0 => {
            buf.extend_from_slice(b"Puskesmas ");
            buf.extend_from_slice(rng.pick(&vocab.kecamatan).as_bytes());
        }
        1 => {
            buf.extend_from_slice(b"RSUD ");
            buf.extend_from_slice(REGIONS[region].2.as_bytes());
        }
        2 => {
            buf.extend_from_slice(b"Klinik Pratama ");
            buf.extend_from_slice(rng.pick(&vocab.perumahan).as_bytes());
        }
        _ => buf.extend_from_slice(rng.pick(&vocab.hospitals).as_bytes()),
    }
}

// ---------------------------------------------------------------------------------------
// Records

/// The identity columns of one dump record, as they are to be spelled.
struct IdentityFields {
    nik: Option<(u64, NikStyle)>,
    name: Name,
    decor: Decor,
    dob: Option<(Date, DateStyle)>,
    phones: [Option<(u64, PhoneStyle)>; 2],
    female: bool,
    region: usize,
}

const PHONE_SEPARATORS: &[&str] = &[" / ", "; ", ", ", " atau ", "/"];

/// The dump's columns, in order: the CSV header, the JSON keys, the SQL columns.
const COLUMNS: [&str; 9] =
    ["nik", "nama", "tgl_lahir", "no_hp", "jenis_kelamin", "alamat", "kota", "faskes", "kelas"];
const NIK_COLUMN: usize = 0;
const PHONE_COLUMN: usize = 3;
/// A digit 1–3, written as an SQL number (the table declares it `tinyint` / `smallint`).
const KELAS_COLUMN: usize = 8;
/// Columns of a `--messy` record: `COLUMNS` and the e-mail (CSV only).
const MAX_COLUMNS: usize = COLUMNS.len() + 1;

/// One record's values as they are spelled, before any quoting or escaping, so that every
/// format writes the same values.
struct Row {
    /// The values joined by `,`: already the CSV line when no value needs quotes.
    text: Vec<u8>,
    /// Where each value ends in `text`; it starts after the `,` that ends the previous one.
    ends: [usize; MAX_COLUMNS],
    filled: usize,
    /// `COLUMNS.len()`, or one more with `--messy`'s e-mail column.
    columns: usize,
    /// Whether CSV must quote the value (it holds `,`, `"` or a newline): known where the
    /// value is made.
    csv_quoted: [bool; MAX_COLUMNS],
    /// Newlines inside values, which are extra physical lines in CSV.
    newlines: u64,
}

impl Row {
    fn new(columns: usize) -> Row {
        Row {
            text: Vec::with_capacity(512),
            ends: [0; MAX_COLUMNS],
            filled: 0,
            columns,
            csv_quoted: [false; MAX_COLUMNS],
            newlines: 0,
        }
    }

    /// Draws the record's spelling and its non-identity columns. The draws from `rng` are the
    /// same whatever the output format.
    fn fill(&mut self, rng: &mut Rng, vocab: &Vocab, id: &IdentityFields) {
        self.text.clear();
        self.filled = 0;
        if let Some((nik, style)) = id.nik {
            push_nik(&mut self.text, nik, style);
        }
        self.end_value(false);
        let quoted = push_name(&mut self.text, vocab, id.name, id.decor);
        self.end_value(quoted);
        if let Some((date, style)) = id.dob {
            push_date(&mut self.text, date, style);
        }
        self.end_value(false);
        let quoted = push_phones(&mut self.text, rng, &id.phones);
        self.end_value(quoted);
        if self.columns > COLUMNS.len() {
            push_email(&mut self.text, rng, vocab, id.name);
            self.end_value(false);
        }
        push_sex(&mut self.text, rng, id.female);
        self.end_value(false);
        let (quoted, newlines) = push_address(&mut self.text, rng, vocab);
        self.end_value(quoted);
        self.newlines = newlines;
        push_city(&mut self.text, rng, id.region);
        self.end_value(false);
        push_facility(&mut self.text, rng, vocab, id.region);
        self.end_value(false);
        self.text.push(b"1223333"[rng.below(7)]);
        self.end_value(false);
    }

    fn end_value(&mut self, csv_quoted: bool) {
        self.ends[self.filled] = self.text.len();
        self.csv_quoted[self.filled] = csv_quoted;
        self.filled += 1;
        if self.filled < self.columns {
            self.text.push(b',');
        }
    }

    /// Where a value is in `text`.
    fn span(&self, column: usize) -> (usize, usize) {
        let start = if column == 0 { 0 } else { self.ends[column - 1] + 1 };
        (start, self.ends[column])
    }

    fn value(&self, column: usize) -> &[u8] {
        let (start, end) = self.span(column);
        &self.text[start..end]
    }

    /// The length of the record as a CSV line.
    fn csv_len(&self) -> u64 {
        let mut len = self.text.len() + 1; // the newline
        for column in 0..self.filled {
            if self.csv_quoted[column] {
                let value = self.value(column);
                len += 2;
                if any(value, csv_may_escape) {
                    len += value.iter().filter(|&&b| b == b'"').count();
                }
            }
        }
        len as u64
    }
}

/// Whether `may_escape` holds for any byte. Branch-free, it compiles to SIMD compares: the
/// usual case, nothing to escape, is checked for a whole record at once.
fn any(bytes: &[u8], may_escape: fn(u8) -> bool) -> bool {
    bytes.iter().fold(false, |any, &b| any | may_escape(b))
}

/// Appends `value`, escaped unless `plain` (the whole record has nothing to escape) or the
/// value itself has nothing to.
#[inline(always)]
fn push_value(
    out: &mut Vec<u8>,
    value: &[u8],
    plain: bool,
    may_escape: fn(u8) -> bool,
    escape: fn(u8) -> Option<&'static [u8]>,
) {
    if plain || !any(value, may_escape) {
        out.extend_from_slice(value);
    } else {
        push_escaped(out, value, escape);
    }
}

/// Appends `value`, replacing each byte for which `escape` gives a replacement.
fn push_escaped(out: &mut Vec<u8>, value: &[u8], escape: fn(u8) -> Option<&'static [u8]>) {
    let mut run = 0;
    for (i, &b) in value.iter().enumerate() {
        if let Some(replacement) = escape(b) {
            out.extend_from_slice(&value[run..i]);
            out.extend_from_slice(replacement);
            run = i + 1;
        }
    }
    out.extend_from_slice(&value[run..]);
}

fn csv_may_escape(b: u8) -> bool {
    b == b'"'
}

/// RFC 4180: a quote inside a quoted field is doubled.
fn csv_escape(b: u8) -> Option<&'static [u8]> {
    if b == b'"' { Some(b"\"\"") } else { None }
}

/// `\u0000` … `\u001f`, for the control characters JSON has no short escape for.
const JSON_CONTROL: [[u8; 6]; 32] = {
    let mut table = [*b"\\u0000"; 32];
    let mut i = 0;
    while i < 32 {
        table[i][4] = b"01"[i / 16];
        table[i][5] = b"0123456789abcdef"[i % 16];
        i += 1;
    }
    table
};

fn json_may_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

fn json_escape(b: u8) -> Option<&'static [u8]> {
    match b {
        b'"' => Some(b"\\\""),
        b'\\' => Some(b"\\\\"),
        b'\n' => Some(b"\\n"),
        b'\r' => Some(b"\\r"),
        b'\t' => Some(b"\\t"),
        0..=0x1f => Some(&JSON_CONTROL[b as usize]),
        _ => None,
    }
}

fn mysql_may_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'\\') | (b == b'\'') | (b == b'"')
}

/// What `mysqldump` escapes in a single-quoted string (`mysql_real_escape_string`).
fn mysql_escape(b: u8) -> Option<&'static [u8]> {
    match b {
        0 => Some(b"\\0"),
        b'\n' => Some(b"\\n"),
        b'\r' => Some(b"\\r"),
        0x1a => Some(b"\\Z"),
        b'\\' => Some(b"\\\\"),
        b'\'' => Some(b"\\'"),
        b'"' => Some(b"\\\""),
        _ => None,
    }
}

fn copy_may_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'\\')
}

/// What `pg_dump` escapes in `COPY … FROM stdin` text data.
fn copy_escape(b: u8) -> Option<&'static [u8]> {
    match b {
        b'\\' => Some(b"\\\\"),
        b'\t' => Some(b"\\t"),
        b'\n' => Some(b"\\n"),
        b'\r' => Some(b"\\r"),
        0x08 => Some(b"\\b"),
        0x0b => Some(b"\\v"),
        0x0c => Some(b"\\f"),
        _ => None,
    }
}

/// Copies the row's text, quoting the values that need it.
fn write_csv_row(out: &mut Vec<u8>, row: &Row) {
    let mut copied = 0;
    for column in 0..row.filled {
        if row.csv_quoted[column] {
            let (start, end) = row.span(column);
            out.extend_from_slice(&row.text[copied..start]);
            out.push(b'"');
            push_value(out, &row.text[start..end], false, csv_may_escape, csv_escape);
            out.push(b'"');
            copied = end;
        }
    }
    out.extend_from_slice(&row.text[copied..]);
    out.push(b'\n');
}

/// Per-record choices of the JSON formats, from their own random stream.
#[derive(Clone, Copy)]
struct JsonShape {
    /// Write a clean NIK as a JSON number (about 10 % of records).
    nik_number: bool,
    /// Write the phone as `"kontak": {"no_hp": …}` (about half of the records).
    nested_phone: bool,
}

impl JsonShape {
    fn random(rng: &mut Rng) -> JsonShape {
        let roll = rng.next_u64();
        JsonShape { nik_number: roll.is_multiple_of(10), nested_phone: (roll >> 32) & 1 == 1 }
    }
}

/// A NIK that is exactly 16 digits, not starting with 0: valid as a JSON number.
fn is_clean_nik(value: &[u8]) -> bool {
    value.len() == 16 && value[0] != b'0' && value.iter().all(u8::is_ascii_digit)
}

/// Writes `value` as a JSON string; `plain` says it has nothing to escape.
fn push_json_string(out: &mut Vec<u8>, value: &[u8], plain: bool) {
    out.push(b'"');
    push_value(out, value, plain, json_may_escape, json_escape);
    out.push(b'"');
}

/// One record as a JSON object on one line; `spaced` puts a space after `:` and `,`.
fn write_json_object(out: &mut Vec<u8>, row: &Row, shape: JsonShape, spaced: bool) {
    let (colon, comma): (&[u8], &[u8]) = if spaced { (b": ", b", ") } else { (b":", b",") };
    let plain = !any(&row.text, json_may_escape);
    out.push(b'{');
    for (column, key) in COLUMNS.iter().enumerate() {
        if column > 0 {
            out.extend_from_slice(comma);
        }
        let nested = column == PHONE_COLUMN && shape.nested_phone;
        if nested {
            out.extend_from_slice(b"\"kontak\"");
            out.extend_from_slice(colon);
            out.push(b'{');
        }
        push_json_string(out, key.as_bytes(), true);
        out.extend_from_slice(colon);
        let value = row.value(column);
        if column == NIK_COLUMN && shape.nik_number && is_clean_nik(value) {
            out.extend_from_slice(value);
        } else {
            push_json_string(out, value, plain);
        }
        if nested {
            out.push(b'}');
        }
    }
    out.push(b'}');
}

/// One record as a MySQL tuple `(…)`: strings single-quoted and escaped, empty values `NULL`.
fn write_mysql_tuple(out: &mut Vec<u8>, row: &Row) {
    let plain = !any(&row.text, mysql_may_escape);
    out.push(b'(');
    for column in 0..COLUMNS.len() {
        if column > 0 {
            out.push(b',');
        }
        let value = row.value(column);
        if value.is_empty() {
            out.extend_from_slice(b"NULL");
        } else if column == KELAS_COLUMN {
            out.extend_from_slice(value);
        } else {
            out.push(b'\'');
            push_value(out, value, plain, mysql_may_escape, mysql_escape);
            out.push(b'\'');
        }
    }
    out.push(b')');
}

/// One record as a COPY text line: tab-separated, escaped, empty values `\N`.
fn write_copy_line(out: &mut Vec<u8>, row: &Row) {
    let plain = !any(&row.text, copy_may_escape);
    if plain && (0..COLUMNS.len()).all(|column| !row.value(column).is_empty()) {
        // The usual case: the row's text with its separators turned into tabs.
        let base = out.len();
        out.extend_from_slice(&row.text);
        for &end in &row.ends[..COLUMNS.len() - 1] {
            out[base + end] = b'\t';
        }
        out.push(b'\n');
        return;
    }
    for column in 0..COLUMNS.len() {
        if column > 0 {
            out.push(b'\t');
        }
        let value = row.value(column);
        if value.is_empty() {
            out.extend_from_slice(b"\\N");
        } else {
            push_value(out, value, plain, copy_may_escape, copy_escape);
        }
    }
    out.push(b'\n');
}

/// The dump formats of `--format`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Ndjson,
    Json,
    Mysql,
    Pgcopy,
}

impl Format {
    const ALL: [(&'static str, Format); 5] = [
        ("csv", Format::Csv),
        ("ndjson", Format::Ndjson),
        ("json", Format::Json),
        ("mysql", Format::Mysql),
        ("pgcopy", Format::Pgcopy),
    ];

    fn parse(name: &str) -> Option<Format> {
        Format::ALL.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    fn name(self) -> &'static str {
        Format::ALL.iter().find(|(_, f)| *f == self).map_or("?", |(n, _)| n)
    }

    /// Where record n starts, as the truth file's `line` gives it.
    fn line_rule(self) -> &'static str {
        match self {
            Format::Csv => "record n starts on line n + 1 + the newlines quoted in the records before it",
            Format::Ndjson => "record n is line n",
            Format::Json => "record n (array element n) is line n + 1",
            Format::Mysql => "a record's line is that of the INSERT statement holding its tuple",
            Format::Pgcopy => "record n is line n + (the line of the COPY statement)",
        }
    }

    /// What comes before the first record.
    fn header(self) -> &'static [u8] {
        match self {
            Format::Csv => DUMP_HEADER,
            Format::Ndjson => b"",
            Format::Json => JSON_HEADER,
            Format::Mysql => MYSQL_HEADER,
            Format::Pgcopy => PGCOPY_HEADER,
        }
    }

    /// What comes after the last record (and after the MySQL statement that holds it).
    fn trailer(self) -> &'static [u8] {
        match self {
            Format::Csv | Format::Ndjson => b"",
            Format::Json => b"\n]}\n",
            Format::Mysql => MYSQL_TRAILER,
            Format::Pgcopy => PGCOPY_TRAILER,
        }
    }
}

/// The records array sits in an object after a `meta` object (whose `tags` array of scalars
/// is not the records array); each element goes on a line of its own, so record n is on
/// line n + 1.
const JSON_HEADER: &[u8] = br#"{"meta": {"source": "gendump", "tags": ["a","b"]}, "data": ["#;

const MYSQL_HEADER: &[u8] = b"\
-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: 10.20.1.15    Database: simrs
-- ------------------------------------------------------
-- Server version\t8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;

--
-- Table structure for table `pasien`
--

DROP TABLE IF EXISTS `pasien`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE `pasien` (
  `nik` varchar(32) DEFAULT NULL,
  `nama` varchar(128) NOT NULL,
  `tgl_lahir` varchar(32) DEFAULT NULL,
  `no_hp` varchar(64) DEFAULT NULL,
  `jenis_kelamin` varchar(16) NOT NULL,
  `alamat` text,
  `kota` varchar(64) NOT NULL,
  `faskes` varchar(128) NOT NULL,
  `kelas` tinyint NOT NULL,
  KEY `idx_nik` (`nik`),
  KEY `idx_nama` (`nama`(32))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='data peserta; ekspor SIMRS';
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table `pasien`
--

LOCK TABLES `pasien` WRITE;
/*!40000 ALTER TABLE `pasien` DISABLE KEYS */;
";
const MYSQL_INSERT: &[u8] = b"INSERT INTO `pasien` VALUES ";
/// An extended `INSERT` is closed once it is this long, as `mysqldump` does at
/// `--net-buffer-length`.
const MYSQL_INSERT_BYTES: u64 = 1_000_000;
const MYSQL_TRAILER: &[u8] = b"\
/*!40000 ALTER TABLE `pasien` ENABLE KEYS */;
UNLOCK TABLES;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2021-05-20  3:14:07
";

const PGCOPY_HEADER: &[u8] = b"\
--
-- PostgreSQL database dump
--

-- Dumped from database version 14.11 (Ubuntu 14.11-0ubuntu0.22.04.1)
-- Dumped by pg_dump version 14.11 (Ubuntu 14.11-0ubuntu0.22.04.1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: pasien; Type: TABLE; Schema: public; Owner: simrs
--

CREATE TABLE public.pasien (
    nik character varying(32),
    nama character varying(128) NOT NULL,
    tgl_lahir character varying(32),
    no_hp character varying(64),
    jenis_kelamin character varying(16) NOT NULL,
    alamat text,
    kota character varying(64) NOT NULL,
    faskes character varying(128) NOT NULL,
    kelas smallint NOT NULL
);


ALTER TABLE public.pasien OWNER TO simrs;

--
-- Data for Name: pasien; Type: TABLE DATA; Schema: public; Owner: simrs
--

COPY public.pasien (nik, nama, tgl_lahir, no_hp, jenis_kelamin, alamat, kota, faskes, kelas) FROM stdin;
";
const PGCOPY_TRAILER: &[u8] = b"\
\\.


--
-- PostgreSQL database dump complete
--

";

/// How many output buffers exist at once: one being filled, the others queued for or being
/// written by the writer thread (so generating and the write syscalls overlap).
const BUFFERS_IN_FLIGHT: usize = 3;

/// The dump file being written: a buffer filled here and handed to a writer thread when
/// full, plus running totals.
struct DumpWriter {
    format: Format,
    buf: Vec<u8>,
    /// Full buffers go to the writer thread; `None` once it has been told to stop.
    full: Option<mpsc::SyncSender<Vec<u8>>>,
    /// Written buffers come back for reuse.
    empty: mpsc::Receiver<Vec<u8>>,
    thread: Option<thread::JoinHandle<io::Result<()>>>,
    flushed: u64,
    records: u64,
    /// Newlines written so far: the next line to be started is `lines + 1`.
    lines: u64,
    /// The size of the same records written as CSV, header included. It decides where the
    /// planted records go and when the dump is done, so every format holds the same records.
    csv_bytes: u64,
    row: Row,
    /// Format-only choices (JSON number NIKs, nested phones) come from their own stream, so
    /// they leave the records' stream alone.
    shape_rng: Rng,
    /// MySQL: (byte offset, line) of the `INSERT` statement still open.
    insert: Option<(u64, u64)>,
}

impl DumpWriter {
    fn new(mut sink: Box<dyn Write + Send>, format: Format, seed: u64, spelling: &Spelling) -> DumpWriter {
        let (full, from_generator) = mpsc::sync_channel::<Vec<u8>>(BUFFERS_IN_FLIGHT);
        let (to_generator, empty) = mpsc::sync_channel::<Vec<u8>>(BUFFERS_IN_FLIGHT);
        for _ in 1..BUFFERS_IN_FLIGHT {
            to_generator.send(Vec::with_capacity(FLUSH_AT + 64 * 1024)).expect("receiver is alive");
        }
        let thread = thread::spawn(move || -> io::Result<()> {
            for mut buf in from_generator {
                sink.write_all(&buf)?;
                buf.clear();
                // The generator may already be done and gone; then the buffer is just dropped.
                let _ = to_generator.send(buf);
            }
            sink.flush()
        });
        let mut buf = Vec::with_capacity(FLUSH_AT + 64 * 1024);
        let header = if spelling.email { MESSY_HEADER } else { format.header() };
        buf.extend_from_slice(header);
        DumpWriter {
            format,
            buf,
            full: Some(full),
            empty,
            thread: Some(thread),
            flushed: 0,
            records: 0,
            lines: count_newlines(header),
            csv_bytes: header.len() as u64,
            row: Row::new(if spelling.email { MAX_COLUMNS } else { COLUMNS.len() }),
            shape_rng: Rng::new(seed ^ SHAPE_STREAM),
            insert: None,
        }
    }

    fn bytes(&self) -> u64 {
        self.flushed + self.buf.len() as u64
    }

    /// Writes one record; returns its (record number, line it starts on).
    fn record(&mut self, rng: &mut Rng, vocab: &Vocab, id: &IdentityFields) -> io::Result<(u64, u64)> {
        self.row.fill(rng, vocab, id);
        self.records += 1;
        let row = &self.row;
        let line = match self.format {
            Format::Csv => {
                let before = self.buf.len();
                write_csv_row(&mut self.buf, row);
                self.csv_bytes += (self.buf.len() - before) as u64;
                let line = self.lines + 1;
                self.lines += 1 + row.newlines;
                line
            }
            Format::Ndjson => {
                self.csv_bytes += row.csv_len();
                write_json_object(&mut self.buf, row, JsonShape::random(&mut self.shape_rng), false);
                self.buf.push(b'\n');
                self.lines += 1;
                self.lines
            }
            Format::Json => {
                self.csv_bytes += row.csv_len();
                // The comma ends the previous element's line; each element starts a line.
                if self.records > 1 {
                    self.buf.push(b',');
                }
                self.buf.push(b'\n');
                self.lines += 1;
                write_json_object(&mut self.buf, row, JsonShape::random(&mut self.shape_rng), true);
                self.lines + 1
            }
            Format::Mysql => {
                self.csv_bytes += row.csv_len();
                let (start, line) = match self.insert {
                    Some(open) => {
                        self.buf.push(b',');
                        open
                    }
                    None => {
                        let open = (self.bytes(), self.lines + 1);
                        self.buf.extend_from_slice(MYSQL_INSERT);
                        self.insert = Some(open);
                        open
                    }
                };
                write_mysql_tuple(&mut self.buf, row);
                if self.bytes() - start >= MYSQL_INSERT_BYTES {
                    self.close_insert();
                }
                line
            }
            Format::Pgcopy => {
                self.csv_bytes += row.csv_len();
                write_copy_line(&mut self.buf, row);
                self.lines += 1;
                self.lines
            }
        };
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok((self.records, line))
    }

    /// Ends the open MySQL `INSERT` statement, if any.
    fn close_insert(&mut self) {
        if self.insert.take().is_some() {
            self.buf.extend_from_slice(b";\n");
            self.lines += 1;
        }
    }

    /// Writes what follows the last record.
    fn end(&mut self) {
        self.close_insert();
        let trailer = self.format.trailer();
        self.buf.extend_from_slice(trailer);
        self.lines += count_newlines(trailer);
    }

    /// Hands the buffer to the writer thread and takes an empty one back.
    fn flush(&mut self) -> io::Result<()> {
        let (Some(full), Ok(next)) = (&self.full, self.empty.recv()) else {
            return self.stop_writer().and(Err(io::Error::other("the writer thread stopped")));
        };
        let filled = std::mem::replace(&mut self.buf, next);
        self.flushed += filled.len() as u64;
        if full.send(filled).is_err() {
            return self.stop_writer().and(Err(io::Error::other("the writer thread stopped")));
        }
        Ok(())
    }

    /// Closes the queue and waits for the writer thread; returns its write error, if any.
    fn stop_writer(&mut self) -> io::Result<()> {
        self.full = None;
        match self.thread.take().map(thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the writer thread panicked")),
            None => Ok(()),
        }
    }

    fn finish(mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.flush()?;
        }
        self.stop_writer()
    }
}

fn count_newlines(text: &[u8]) -> u64 {
    text.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Writes the phone column: one number, or two joined by a separator; returns whether CSV
/// must quote it (the separator is a comma).
fn push_phones(buf: &mut Vec<u8>, rng: &mut Rng, phones: &[Option<(u64, PhoneStyle)>; 2]) -> bool {
    match *phones {
        [Some((first, first_style)), Some((second, second_style))] => {
            let separator = *rng.pick(PHONE_SEPARATORS);
            push_phone(buf, first, first_style);
            buf.extend_from_slice(separator.as_bytes());
            push_phone(buf, second, second_style);
            separator.contains(',')
        }
        [Some((phone, style)), None] | [None, Some((phone, style))] => {
            push_phone(buf, phone, style);
            false
        }
        [None, None] => false,
    }
}

/// `--messy` e-mail domains and how often each is drawn. The watchlist has no e-mails, so no
/// address here can match: the column costs the scan its normalization, not its truth.
const EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "yahoo.co.id",
    "hotmail.com",
    "outlook.com",
    "ymail.com",
    "googlemail.com",
    "rsud.go.id",
];
const EMAIL_DOMAIN_WEIGHTS: &[u32] = &[45, 12, 12, 7, 6, 4, 4, 10];
const EMPTY_EMAIL_PERMILLE: u32 = 80;

/// Writes an e-mail made from the name, spelled as exports spell them (SPEC §2 normalizes
/// each away): upper or mixed case, `<…>`, `mailto:`, `Display Name <…>`, `(…)`, a trailing
/// `;`, spaces around; dots and a `+tag` in a Gmail local part. Never a `,` or a `"`.
fn push_email(buf: &mut Vec<u8>, rng: &mut Rng, vocab: &Vocab, name: Name) {
    if rng.permille(EMPTY_EMAIL_PERMILLE) {
        return;
    }
    let start = buf.len();
    let wrap = rng.weighted(&[30, 15, 10, 15, 10, 10, 10]);
    let tokens = &name.tokens[..name.len];
    match wrap {
        1 | 3 => {
            if wrap == 3 {
                for &token in tokens {
                    push_letters(buf, vocab.display[token as usize]);
                    buf.push(b' ');
                }
            }
            buf.push(b'<');
        }
        2 => buf.extend_from_slice(b"mailto:"),
        4 => buf.push(b'('),
        5 => buf.push(b' '),
        _ => {}
    }
    let local = buf.len();
    let first = vocab.display[tokens[0] as usize];
    let last = vocab.display[tokens[tokens.len() - 1] as usize];
    match rng.below(5) {
        0 if tokens.len() > 1 => {
            push_letters(buf, first);
            buf.push(b'.');
            push_letters(buf, last);
        }
        1 if tokens.len() > 1 => {
            push_letters(buf, first);
            buf.push(b'_');
            push_letters(buf, last);
        }
        2 => {
            push_letters(buf, first);
            push_letters(buf, last);
        }
        _ => push_letters(buf, first),
    }
    if rng.permille(600) {
        push_number(buf, rng.below(2000) as u64);
    }
    let domain = EMAIL_DOMAINS[rng.weighted(EMAIL_DOMAIN_WEIGHTS)];
    if domain.ends_with("mail.com") && domain != "hotmail.com" && rng.permille(200) {
        buf.extend_from_slice(b"+bpjs");
    }
    buf.push(b'@');
    buf.extend_from_slice(domain.as_bytes());
    match rng.weighted(&[45, 15, 40]) {
        0 => buf[local..].make_ascii_uppercase(),
        1 => buf[local..local + 1].make_ascii_uppercase(),
        _ => buf[local..].make_ascii_lowercase(),
    }
    match wrap {
        1 | 3 => buf.push(b'>'),
        4 => buf.push(b')'),
        5 => buf.push(b' '),
        6 => buf.push(b';'),
        _ => {}
    }
    debug_assert!(!buf[start..].contains(&b',') && !buf[start..].contains(&b'"'));
}

/// Appends the ASCII letters of a name token (`Ma'ruf` → `Maruf`).
fn push_letters(buf: &mut Vec<u8>, token: &str) {
    buf.extend(token.bytes().filter(u8::is_ascii_alphabetic));
}

fn push_sex(buf: &mut Vec<u8>, rng: &mut Rng, female: bool) {
    let long = rng.permille(300);
    let text: &[u8] = match (female, long) {
        (false, false) => b"L",
        (true, false) => b"P",
        (false, true) => b"Laki-laki",
        (true, true) => b"Perempuan",
    };
    buf.extend_from_slice(text);
}

fn random_phone_style(rng: &mut Rng, spelling: &Spelling) -> PhoneStyle {
    PHONE_STYLES[rng.weighted(spelling.phone_weights)]
}

fn random_date_style(rng: &mut Rng, spelling: &Spelling) -> DateStyle {
    DATE_STYLES[rng.weighted(spelling.date_weights)]
}

/// A record of someone not on the watchlist: it shares no NIK, phone or name with it.
fn random_identity(rng: &mut Rng, vocab: &Vocab, reserved: &Reserved, spelling: &Spelling) -> IdentityFields {
    let female = rng.permille(500);
    let region = rng.cumulative(&vocab.region_cumulative);
    let dob = random_date(rng);
    let name = fresh_name(rng, vocab, reserved, female, region);
    let nik = if rng.permille(EMPTY_NIK_PERMILLE) {
        None
    } else {
        let style = if rng.permille(spelling.messy_nik_permille) {
            MESSY_NIK_STYLES[rng.weighted(spelling.nik_weights)]
        } else {
            NikStyle::Plain
        };
        Some((fresh_nik(rng, reserved, region, dob, female), style))
    };
    let dob =
        if rng.permille(EMPTY_DOB_PERMILLE) { None } else { Some((dob, random_date_style(rng, spelling))) };
    let mut phones = [None, None];
    if !rng.permille(EMPTY_PHONE_PERMILLE) {
        phones[0] = Some((fresh_phone(rng, reserved), random_phone_style(rng, spelling)));
        if rng.permille(TWO_PHONES_PERMILLE) {
            phones[1] = Some((fresh_phone(rng, reserved), random_phone_style(rng, spelling)));
        }
    }
    IdentityFields { nik, name, decor: Decor::random(rng, female, spelling), dob, phones, female, region }
}

// ---------------------------------------------------------------------------------------
// Watchlist

/// One watchlist person and how the watchlist spells them.
struct WatchPerson {
    person: Person,
    nik_style: Option<NikStyle>,
    phone_style: Option<PhoneStyle>,
    dob_style: Option<DateStyle>,
}

/// Draws K people with pairwise distinct NIK, phone and canonical name (at least two name
/// tokens), each with a NIK or a phone or both.
fn make_watchlist(rng: &mut Rng, vocab: &Vocab, people: usize) -> (Vec<WatchPerson>, Reserved) {
    let mut reserved = Reserved::default();
    let mut list = Vec::with_capacity(people);
    while list.len() < people {
        let person = random_person(rng, vocab, false);
        if reserved.niks.contains(&person.nik)
            || reserved.phones.contains(&person.phone)
            || reserved.names.contains(&person.name.key())
        {
            continue;
        }
        reserved.niks.insert(person.nik);
        reserved.phones.insert(person.phone);
        reserved.names.insert(person.name.key());
        let has_phone = rng.permille(850);
        let has_nik = !has_phone || rng.permille(950);
        let nik_style = [NikStyle::Plain, NikStyle::Dotted, NikStyle::Spaced][rng.weighted(&[80, 10, 10])];
        let phone_style =
            [PhoneStyle::Zero, PhoneStyle::ZeroDashes, PhoneStyle::Plus, PhoneStyle::PlusSpaced]
                [rng.weighted(&[50, 20, 15, 15])];
        let dob_style = [DateStyle::IsoDash, DateStyle::DayMonthDash, DateStyle::DayMonthSlash]
            [rng.weighted(&[60, 25, 15])];
        list.push(WatchPerson {
            person,
            nik_style: if has_nik { Some(nik_style) } else { None },
            phone_style: if has_phone { Some(phone_style) } else { None },
            dob_style: if rng.permille(950) { Some(dob_style) } else { None },
        });
    }
    (list, reserved)
}

/// Writes the watchlist: the people of `list`, then `extra` more (`--extra-people`).
fn write_watchlist(
    path: &str,
    vocab: &Vocab,
    list: &[WatchPerson],
    rng: &mut Rng,
    extra: usize,
    seed: u64,
) -> io::Result<()> {
    let mut out = Vec::with_capacity(list.len() * 80 + WATCH_HEADER.len());
    out.extend_from_slice(WATCH_HEADER);
    for (i, wp) in list.iter().enumerate() {
        let p = &wp.person;
        out.extend_from_slice(b"W-");
        push_padded(&mut out, i as u32 + 1, 6);
        out.push(b',');
        if let Some(style) = wp.nik_style {
            push_nik(&mut out, p.nik, style);
        }
        out.push(b',');
        push_watch_name(&mut out, vocab, p.name, rng);
        out.push(b',');
        if let Some(style) = wp.dob_style {
            push_date(&mut out, p.dob, style);
        }
        out.push(b',');
        if let Some(style) = wp.phone_style {
            push_phone(&mut out, p.phone, style);
        }
        out.push(b'\n');
    }
    let mut file = create(path)?;
    file.write_all(&out)?;
    if extra > 0 {
        write_extra_people(&mut file, vocab, list.len(), extra, seed)?;
    }
    file.flush()
}

/// A watchlist row's name: as is, in upper case, or with a degree (quoted when it has a comma).
fn push_watch_name(out: &mut Vec<u8>, vocab: &Vocab, name: Name, rng: &mut Rng) {
    let decor = match rng.weighted(&[80, 15, 5]) {
        0 => Decor::PLAIN,
        1 => Decor { case: Case::Upper, ..Decor::PLAIN },
        _ => Decor { degree: Some(*rng.pick(DEGREES)), ..Decor::PLAIN },
    };
    let quoted = name_needs_quotes(decor);
    if quoted {
        out.push(b'"');
    }
    push_name(out, vocab, name, decor);
    if quoted {
        out.push(b'"');
    }
}

/// `--extra-people`: `count` watchlist rows after the first `first` people, from their own
/// random stream. No dump record can share an identifier with them (see the usage text), so
/// they change neither the dump nor the truth. Their NIKs and phones are pairwise distinct.
fn write_extra_people(
    file: &mut File,
    vocab: &Vocab,
    first: usize,
    count: usize,
    seed: u64,
) -> io::Result<()> {
    let mut rng = Rng::new(seed ^ EXTRA_STREAM);
    let (mut niks, mut phones) = (KeySet::default(), KeySet::default());
    let mut out = Vec::with_capacity(FLUSH_AT + 256);
    for i in first..first + count {
        let female = rng.permille(500);
        let region = rng.cumulative(&vocab.region_cumulative);
        let dob = random_date(&mut rng);
        let name = extra_name(&mut rng, vocab, female);
        let nik = loop {
            let nik = extra_nik(&mut rng, region, dob, female);
            if niks.insert(nik) {
                break nik;
            }
        };
        let (area, subscriber) = loop {
            let (area, digits) = *rng.pick(LANDLINE_AREAS);
            let low = 2 * 10u64.pow(digits - 1); // subscriber numbers do not start with 0 or 1
            let subscriber = low + rng.next_u64() % (10u64.pow(digits) - low);
            if phones.insert(u64::from(area) * 10u64.pow(digits) + subscriber) {
                break (area, subscriber);
            }
        };
        let has_phone = rng.permille(850);
        let has_nik = !has_phone || rng.permille(950);
        out.extend_from_slice(b"W-");
        push_padded(&mut out, i as u32 + 1, 6);
        out.push(b',');
        if has_nik {
            let style = [NikStyle::Plain, NikStyle::Dotted, NikStyle::Spaced][rng.weighted(&[80, 10, 10])];
            push_nik(&mut out, nik, style);
        }
        out.push(b',');
        push_watch_name(&mut out, vocab, name, &mut rng);
        out.push(b',');
        if rng.permille(950) {
            let style = [DateStyle::IsoDash, DateStyle::DayMonthDash, DateStyle::DayMonthSlash]
                [rng.weighted(&[60, 25, 15])];
            push_date(&mut out, dob, style);
        }
        out.push(b',');
        if has_phone {
            push_landline(&mut out, &mut rng, area, subscriber);
        }
        out.push(b'\n');
        if out.len() >= FLUSH_AT {
            file.write_all(&out)?;
            out.clear();
        }
    }
    file.write_all(&out)
}

/// Four name tokens: no dump name has more than three, so no dump record shares it.
fn extra_name(rng: &mut Rng, vocab: &Vocab, female: bool) -> Name {
    let (first, gendered) = if female {
        (&vocab.female_first, &vocab.female_surname)
    } else {
        (&vocab.male_first, &vocab.male_surname)
    };
    let given = *rng.pick(first);
    let second = other_token(rng, first, given);
    let third = loop {
        let token = *rng.pick(first);
        if token != given && token != second {
            break token;
        }
    };
    let last = if rng.permille(700) { *rng.pick(&vocab.surname) } else { *rng.pick(gendered) };
    Name::of(&[given, second, third, last])
}

/// A structurally valid NIK whose district code (digits 5–6) no dump NIK has.
fn extra_nik(rng: &mut Rng, region: usize, dob: Date, female: bool) -> u64 {
    const DISTRICT: u64 = 10_000_000_000;
    let nik = random_nik(rng, region, dob, female);
    let district = u64::from(rng.between(EXTRA_DISTRICTS.0, EXTRA_DISTRICTS.1));
    nik - (nik / DISTRICT % 100) * DISTRICT + district * DISTRICT
}

/// A landline as a watchlist would spell it: `(021) 5551234`, `021-5551234`, `+62 21 5551234`….
fn push_landline(buf: &mut Vec<u8>, rng: &mut Rng, area: u32, subscriber: u64) {
    let (lead, between): (&[u8], &[u8]) = match rng.weighted(&[25, 30, 20, 15, 10]) {
        0 => (b"(0", b") "),
        1 => (b"0", b"-"),
        2 => (b"0", b""),
        3 => (b"+62 ", b" "),
        _ => (b"+62", b""),
    };
    buf.extend_from_slice(lead);
    push_number(buf, u64::from(area));
    buf.extend_from_slice(between);
    push_number(buf, subscriber);
}

/// Which watchlist people to plant, in the order they will appear in the dump.
fn choose_planted(rng: &mut Rng, people: usize, planted: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..people).collect();
    for i in 0..planted {
        let j = i + rng.below(people - i);
        order.swap(i, j);
    }
    order.truncate(planted);
    order
}

/// The identity kinds a correct scan matches between a planted record and its person.
#[derive(Default, Clone, Copy)]
struct Matched {
    nik: bool,
    phone: bool,
    name_dob: bool,
    name: bool,
}

impl Matched {
    /// `+`-joined in SPEC §1 order, like the CSV report's `matched` column.
    fn joined(&self) -> String {
        let kinds =
            [(self.nik, "nik"), (self.phone, "phone"), (self.name_dob, "name_dob"), (self.name, "name")];
        kinds.iter().filter(|k| k.0).map(|k| k.1).collect::<Vec<_>>().join("+")
    }
}

/// The dump record of a planted person: their NIK and/or phone, spelled unlike the watchlist.
fn planted_identity(
    rng: &mut Rng,
    vocab: &Vocab,
    reserved: &Reserved,
    wp: &WatchPerson,
    spelling: &Spelling,
) -> (IdentityFields, Matched) {
    let p = &wp.person;
    let (use_nik, use_phone) = match (wp.nik_style, wp.phone_style) {
        (Some(_), Some(_)) => [(true, true), (true, false), (false, true)][rng.weighted(&[45, 30, 25])],
        (Some(_), None) => (true, false),
        _ => (false, true),
    };
    let nik = match wp.nik_style {
        Some(avoid) if use_nik => {
            Some((p.nik, other_style(rng, MESSY_NIK_STYLES, spelling.nik_weights, avoid)))
        }
        _ if rng.permille(500) => None,
        _ => Some((fresh_nik(rng, reserved, p.region, p.dob, p.female), NikStyle::Plain)),
    };
    let mut phones = [None, None];
    if let (true, Some(avoid)) = (use_phone, wp.phone_style) {
        phones[0] = Some((p.phone, other_style(rng, PHONE_STYLES, spelling.phone_weights, avoid)));
    } else if rng.permille(600) {
        phones[0] = Some((fresh_phone(rng, reserved), random_phone_style(rng, spelling)));
    }
    if phones[0].is_some() && rng.permille(150) {
        phones[1] = Some((fresh_phone(rng, reserved), random_phone_style(rng, spelling)));
        phones.swap(0, rng.below(2));
    }
    let same_name = rng.permille(900);
    let name = if same_name { p.name } else { fresh_name(rng, vocab, reserved, p.female, p.region) };
    let dob = match wp.dob_style {
        Some(avoid) => match rng.weighted(&[75, 10, 15]) {
            0 => Some((p.dob, other_style(rng, DATE_STYLES, spelling.date_weights, avoid))),
            1 => None,
            _ => Some((other_date(rng, p.dob), random_date_style(rng, spelling))),
        },
        None if rng.permille(700) => Some((random_date(rng), random_date_style(rng, spelling))),
        None => None,
    };
    let same_dob = wp.dob_style.is_some() && dob.is_some_and(|(d, _)| d == p.dob);
    // `name` is part of `name_dob` and never listed beside it (SPEC §6 1.1).
    let name_dob = same_name && same_dob;
    let matched = Matched { nik: use_nik, phone: use_phone, name_dob, name: same_name && !name_dob };
    let fields = IdentityFields {
        nik,
        name,
        decor: Decor::random(rng, p.female, spelling),
        dob,
        phones,
        female: p.female,
        region: p.region,
    };
    (fields, matched)
}

fn other_date(rng: &mut Rng, avoid: Date) -> Date {
    loop {
        let date = random_date(rng);
        if date != avoid {
            return date;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Driver

/// The parsed command line (`pub(crate)` so that tests/it/gendump.rs can run the generator).
pub(crate) struct Args {
    size_bytes: u64,
    out: String,
    watch_out: String,
    watch_people: usize,
    planted: usize,
    seed: u64,
    truth_out: Option<String>,
    format: Format,
    extra_people: usize,
    messy: bool,
}

pub(crate) fn parse_args(argv: Vec<String>) -> Result<Args, String> {
    let mut size_mb: Option<f64> = None;
    let (mut out, mut watch_out, mut truth_out) = (None, None, None);
    let (mut watch_people, mut planted): (Option<usize>, Option<usize>) = (None, None);
    let mut seed = DEFAULT_SEED;
    let mut format = Format::Csv;
    let mut extra_people = 0;
    let mut messy = false;
    let mut it = argv.into_iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            process::exit(0);
        }
        if arg == "--messy" {
            messy = true;
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg, None),
        };
        let value = match inline.or_else(|| it.next()) {
            Some(v) if flag.starts_with("--") => v,
            _ => return Err(format!("unexpected argument or missing value: {flag}")),
        };
        match flag.as_str() {
            "--size-mb" => size_mb = Some(parse_number(&flag, &value)?),
            "--out" => out = Some(value),
            "--watch-out" => watch_out = Some(value),
            "--truth-out" => truth_out = Some(value),
            "--watch-people" => watch_people = Some(parse_number(&flag, &value)?),
            "--planted" => planted = Some(parse_number(&flag, &value)?),
            "--extra-people" => extra_people = parse_number(&flag, &value)?,
            "--seed" => seed = parse_number(&flag, &value)?,
            "--format" => {
                format = Format::parse(&value).ok_or_else(|| {
                    format!("--format must be one of csv, ndjson, json, mysql, pgcopy, not {value:?}")
                })?
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let size_mb = size_mb.ok_or("--size-mb is required")?;
    if !(size_mb.is_finite() && size_mb >= 0.0) {
        return Err(format!("--size-mb must be a non-negative number, not {size_mb}"));
    }
    let watch_people = watch_people.ok_or("--watch-people is required")?;
    let planted = planted.unwrap_or(watch_people.div_ceil(10));
    if planted > watch_people {
        return Err(format!("--planted {planted} is more than --watch-people {watch_people}"));
    }
    if watch_people > 999_999 {
        return Err("--watch-people must be at most 999999 (ids are W-000001…W-999999)".to_string());
    }
    if watch_people + extra_people > MAX_WATCH_PEOPLE {
        return Err(format!("--watch-people plus --extra-people must be at most {MAX_WATCH_PEOPLE}"));
    }
    if messy && format != Format::Csv {
        return Err("--messy writes CSV only (--format csv)".to_string());
    }
    Ok(Args {
        size_bytes: (size_mb * BYTES_PER_MB) as u64,
        out: out.ok_or("--out is required")?,
        watch_out: watch_out.ok_or("--watch-out is required")?,
        watch_people,
        planted,
        seed,
        truth_out,
        format,
        extra_people,
        messy,
    })
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.trim().parse().map_err(|_| format!("{flag}: not a valid number: {value:?}"))
}

/// Byte offset at which the `i`-th of `n` planted records is due: spread evenly over the dump.
fn plant_offset(size: u64, i: usize, n: usize) -> u64 {
    (u128::from(size) * (2 * i as u128 + 1) / (2 * n as u128)) as u64
}

/// A planted record, where it went and what a scan should match.
struct Planted {
    watch: usize,
    record: u64,
    line: u64,
    matched: Matched,
}

fn write_dump(
    args: &Args,
    vocab: &Vocab,
    list: &[WatchPerson],
    reserved: &Reserved,
    plan: &[usize],
) -> io::Result<(DumpWriter, Vec<Planted>)> {
    let sink: Box<dyn Write + Send> =
        if args.out == "-" { Box::new(io::stdout()) } else { Box::new(create(&args.out)?) };
    let spelling = if args.messy { &MESSY } else { &CLEAN };
    let mut writer = DumpWriter::new(sink, args.format, args.seed, spelling);
    let mut rng = Rng::new(args.seed ^ DUMP_STREAM);
    let mut planted = Vec::with_capacity(plan.len());
    // Sizes are measured in CSV bytes whatever the format, so every format holds the same
    // records, with the planted ones at the same record numbers.
    while writer.csv_bytes < args.size_bytes || planted.len() < plan.len() {
        let due = planted.len() < plan.len()
            && writer.csv_bytes >= plant_offset(args.size_bytes, planted.len(), plan.len());
        if due {
            let watch = plan[planted.len()];
            let (fields, matched) = planted_identity(&mut rng, vocab, reserved, &list[watch], spelling);
            let (record, line) = writer.record(&mut rng, vocab, &fields)?;
            planted.push(Planted { watch, record, line, matched });
        } else {
            let fields = random_identity(&mut rng, vocab, reserved, spelling);
            writer.record(&mut rng, vocab, &fields)?;
        }
    }
    writer.end();
    Ok((writer, planted))
}

fn write_truth(path: &str, planted: &[Planted]) -> io::Result<()> {
    let mut out = String::from("watch,record,line,matched\n");
    for p in planted {
        out.push_str(&format!("W-{:06},{},{},{}\n", p.watch + 1, p.record, p.line, p.matched.joined()));
    }
    create(path)?.write_all(out.as_bytes())
}

/// `File::create` whose error names the file.
fn create(path: &str) -> io::Result<File> {
    File::create(path).map_err(|err| io::Error::new(err.kind(), format!("cannot create {path}: {err}")))
}

pub(crate) fn run(args: &Args) -> io::Result<()> {
    let vocab = Vocab::new();
    let mut watch_rng = Rng::new(args.seed ^ WATCH_STREAM);
    let (list, reserved) = make_watchlist(&mut watch_rng, &vocab, args.watch_people);
    let plan = choose_planted(&mut watch_rng, args.watch_people, args.planted);
    write_watchlist(&args.watch_out, &vocab, &list, &mut watch_rng, args.extra_people, args.seed)?;

    let started = Instant::now();
    let (writer, planted) = write_dump(args, &vocab, &list, &reserved, &plan)?;
    let totals = Totals {
        records: writer.records,
        lines: writer.lines,
        bytes: writer.bytes(),
        csv_bytes: writer.csv_bytes,
    };
    writer.finish()?;
    let secs = started.elapsed().as_secs_f64();
    if let Some(path) = &args.truth_out {
        write_truth(path, &planted)?;
    }
    report(args, &totals, secs, &planted);
    Ok(())
}

/// What went into the dump.
#[derive(Clone, Copy)]
struct Totals {
    records: u64,
    lines: u64,
    bytes: u64,
    /// The size of the same records as CSV (what `--size-mb` measures).
    csv_bytes: u64,
}

fn report(args: &Args, totals: &Totals, secs: f64, planted: &[Planted]) {
    let count = |f: fn(&Matched) -> bool| planted.iter().filter(|p| f(&p.matched)).count();
    let Totals { records, lines, bytes, csv_bytes } = *totals;
    eprintln!(
        "gendump: {}: {} {records} records, {bytes} bytes ({:.1} MB), {lines} lines, in {secs:.2} s = {:.0} MB/s",
        args.out,
        args.format.name(),
        bytes as f64 / BYTES_PER_MB,
        bytes as f64 / BYTES_PER_MB / secs.max(1e-9),
    );
    if args.format != Format::Csv {
        eprintln!(
            "gendump: the same records as CSV would be {csv_bytes} bytes ({:.1} MB); {}",
            csv_bytes as f64 / BYTES_PER_MB,
            args.format.line_rule(),
        );
    }
    eprintln!(
        "gendump: {}: {} people (W-000001…), {} planted in the dump, {} not (seed {})",
        args.watch_out,
        args.watch_people,
        planted.len(),
        args.watch_people - planted.len(),
        args.seed,
    );
    if args.extra_people > 0 {
        eprintln!(
            "gendump: {}: then {} extra people (W-{:06}…W-{:06}), none in the dump",
            args.watch_out,
            args.extra_people,
            args.watch_people + 1,
            args.watch_people + args.extra_people,
        );
    }
    eprintln!(
        "gendump: a correct scan finds exposed_records={n} watch_entries_exposed={n} possible_records=0, \
         by_kind nik={} phone={} name_dob={} name={}",
        count(|m| m.nik),
        count(|m| m.phone),
        count(|m| m.name_dob),
        count(|m| m.name),
        n = planted.len(),
    );
}

fn main() {
    let args = match parse_args(env::args().skip(1).collect()) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("gendump: {message}\n\n{USAGE}");
            process::exit(2);
        }
    };
    if let Err(err) = run(&args) {
        eprintln!("gendump: {err}");
        process::exit(1);
    }
}
