//! Micro-benchmarks of the per-field hot path: each normalizer, hashing, the record loop
//! (extract + normalize + hash + look up), and the CSV splitter.
//!
//! `cargo bench --features bench --bench hot_paths`; whole-program timings are `scripts/bench.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leakcheck::hash::Hasher;
use leakcheck::input::csv::{CsvExtractor, CsvSplitter};
use leakcheck::input::{Batch, BatchLimits, Column, Extractor, Splitter};
use leakcheck::kind::Kind;
use leakcheck::matcher::{MatchScratch, Matcher};
use leakcheck::normalize::normalize_into;
use leakcheck::roles::{Role, RoleSource};
use leakcheck::watchlist::{LoadOptions, load};
use std::hint::black_box;
use std::io::Write;

fn normalizers(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize");
    let cases = [
        (Kind::Nik, "3201014107900001"),
        (Kind::Nik, "'3201.0141.0790.0001"),
        (Kind::Phone, "081234567890"),
        (Kind::Phone, "0812-3456-7890"),
        (Kind::Phone, "(0361) 8261-68 psw 123"),
        (Kind::Email, "Budi.Santoso+bpjs@Gmail.com"),
        (Kind::Name, "Hj. Siti Nurhaliza, S.E."),
        (Kind::Name, "Nguyễn Văn Thị"),
        (Kind::Dob, "17 Agustus 1945"),
        (Kind::Dob, "1945-08-17"),
        (Kind::Dob, "JAKARTA, 17-08-1945"),
        (Kind::Email, "Budi <budi@x.com>"),
    ];
    let mut out = String::new();
    for (kind, raw) in cases {
        group.bench_function(format!("{kind}/{raw}"), |b| {
            b.iter(|| normalize_into(kind, black_box(raw), &mut out).is_ok())
        });
    }
    group.finish();
}

fn hashing(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash");
    let unkeyed = Hasher::unkeyed();
    let keyed = Hasher::keyed(b"kunci-rahasia-rumah-sakit-2021").unwrap();
    group.bench_function("sha256/nik", |b| {
        b.iter(|| unkeyed.digest(Kind::Nik, black_box("3201014107900001")))
    });
    group.bench_function("hmac/nik", |b| b.iter(|| keyed.digest(Kind::Nik, black_box("3201014107900001"))));
    // A task's worth of values, one at a time and all at once (two compressions interleaved).
    let values: Vec<(Kind, String)> = (0..1024u64).map(|i| (Kind::Nik, format!("32010141{i:08}"))).collect();
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function("sha256/1024 one by one", |b| {
        b.iter(|| values.iter().map(|(k, v)| unkeyed.digest(*k, black_box(v))[0]).fold(0u8, |a, x| a ^ x))
    });
    let mut scratch = leakcheck::hash::HashScratch::default();
    let mut out = Vec::new();
    group.bench_function("sha256/1024 digest_all", |b| {
        b.iter(|| {
            unkeyed.digest_all(
                values.iter().map(|(k, v)| (*k, black_box(v.as_str()))),
                &mut scratch,
                &mut out,
            );
            out.len()
        })
    });
    group.bench_function("hmac/1024 digest_all", |b| {
        b.iter(|| {
            keyed.digest_all(values.iter().map(|(k, v)| (*k, black_box(v.as_str()))), &mut scratch, &mut out);
            out.len()
        })
    });
    group.finish();
}

const RECORD: &str = "'3201.0141.0790.0001,Hj. Siti Nurhaliza,01-07-1990,0812-3456-7890,P,\"Jl. Mawar 1, Bandung\",Bandung,RSUD,3";

fn watchlist() -> leakcheck::watchlist::Watchlist {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(f, "id,nik,nama,tgl_lahir,no_hp").unwrap();
    for i in 0..1000 {
        writeln!(f, "W{i},32010141079{i:05},Pasien {i},01-01-1980,0812{i:08}").unwrap();
    }
    load(&[f.path().to_path_buf()], &Hasher::unkeyed(), LoadOptions::default()).unwrap()
}

fn record_loop(c: &mut Criterion) {
    let watchlist = watchlist();
    let hasher = Hasher::unkeyed();
    let matcher = Matcher { watchlist: &watchlist, hasher: &hasher };
    let columns: Vec<Column> = [Kind::Nik, Kind::Name, Kind::Dob, Kind::Phone]
        .map(|kind| Column {
            name: Some(kind.to_string()),
            role: Some(Role { kind, source: RoleSource::Header }),
        })
        .to_vec();
    let extractor = CsvExtractor::new(b',', &columns);
    let mut scratch = MatchScratch::default();
    let mut text = String::new();
    let mut group = c.benchmark_group("record");
    // One task of records, as a worker matches them: all normalized, then hashed, then looked up.
    const TASK: u64 = 256;
    group.throughput(Throughput::Bytes(RECORD.len() as u64 * TASK));
    group.bench_function("extract+normalize+hash+lookup", |b| {
        b.iter(|| {
            matcher.begin_task(&mut scratch);
            for n in 0..TASK {
                matcher.begin(&mut scratch);
                let mut sink = |kind, raw: &str| matcher.add_field(kind, raw, &mut scratch);
                extractor.extract(black_box(RECORD), None, &mut text, &mut sink).unwrap();
                matcher.end(&mut scratch, n + 1, n + 2).unwrap();
            }
            let mut matched = 0;
            matcher.finish_task(&mut scratch, |m| matched += m.pairs.len());
            matched
        })
    });
    group.finish();
}

fn splitter(c: &mut Criterion) {
    let mut data = Vec::new();
    for _ in 0..20_000 {
        data.extend_from_slice(RECORD.as_bytes());
        data.push(b'\n');
    }
    let mut group = c.benchmark_group("split");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("csv", |b| {
        let mut batch = Batch::default();
        b.iter(|| {
            let mut s =
                CsvSplitter::new(Box::new(std::io::empty()), data.clone(), b',', false, "bench".into());
            let mut n = 0;
            while s.next_batch(&mut batch, BatchLimits::STEADY).unwrap() {
                n += batch.spans.len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, normalizers, hashing, record_loop, splitter);
criterion_main!(benches);
