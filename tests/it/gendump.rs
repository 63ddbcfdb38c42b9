//! examples/gendump.rs, the benchmark's generator: `--messy` spells most values as exports do
//! and adds an e-mail column, the people it plants are exactly the ones leakcheck finds, and
//! the same seed gives the same bytes.

use crate::common;
#[allow(dead_code)]
#[path = "../../examples/gendump.rs"]
mod generator;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Runs gendump with `args` (paths relative to `dir`): dump.csv, watch.csv and truth.csv.
fn generate(dir: &Path, args: &[&str]) {
    let mut argv: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    for (flag, name) in [("--out", "dump.csv"), ("--watch-out", "watch.csv"), ("--truth-out", "truth.csv")] {
        argv.push(flag.to_string());
        argv.push(dir.join(name).to_string_lossy().into_owned());
    }
    let args = generator::parse_args(argv).expect("gendump arguments");
    generator::run(&args).expect("gendump");
}

const MESSY: &[&str] =
    &["--messy", "--size-mb", "1", "--watch-people", "300", "--planted", "40", "--seed", "7"];

#[test]
fn a_messy_dump_holds_the_planted_people_and_a_scan_finds_exactly_them() {
    let s = Scratch::new();
    generate(s.dir(), MESSY);
    let out = leakcheck()
        .arg("scan")
        .arg(s.path("dump.csv"))
        .arg("--watch")
        .arg(s.path("watch.csv"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &report["summary"];
    assert_eq!(summary["exposed_records"], 40);
    assert_eq!(summary["possible_records"], 0);
    assert_eq!(summary["bad_records"], 0);
    // Every messy spelling is one SPEC §2 reads: no value of any kind is invalid.
    for (kind, count) in summary["invalid_values"].as_object().unwrap() {
        assert_eq!(count, 0, "invalid {kind} values");
    }
    let sorted_kinds = |kinds: &str| {
        let mut kinds: Vec<&str> = kinds.split('+').collect();
        kinds.sort_unstable();
        kinds.join("+")
    };
    let found: BTreeSet<String> = report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let matched: Vec<&str> =
                e["matched"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
            format!(
                "{},{},{},{}",
                e["watch"].as_str().unwrap(),
                e["record"],
                e["line"],
                sorted_kinds(&matched.join("+"))
            )
        })
        .collect();
    let truth = std::fs::read_to_string(s.path("truth.csv")).unwrap();
    let planted: BTreeSet<String> = truth
        .lines()
        .skip(1)
        .map(|line| {
            let (head, kinds) = line.rsplit_once(',').unwrap();
            format!("{head},{}", sorted_kinds(kinds))
        })
        .collect();
    assert_eq!(planted.len(), 40);
    assert_eq!(found, planted);
}

#[test]
fn a_messy_dump_spells_most_values_as_exports_do() {
    let s = Scratch::new();
    generate(s.dir(), MESSY);
    let mut reader = csv::Reader::from_path(s.path("dump.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["nik", "nama", "tgl_lahir", "no_hp", "email", "jenis_kelamin", "alamat", "kota", "faskes", "kelas"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let share = |column: usize, messy: &dyn Fn(&str) -> bool| {
        let values: Vec<&str> = rows.iter().map(|r| &r[column]).filter(|v| !v.is_empty()).collect();
        values.iter().filter(|v| messy(v)).count() as f64 / values.len() as f64
    };
    let nik = share(0, &|v| !(v.len() == 16 && v.bytes().all(|b| b.is_ascii_digit())));
    let name = share(1, &|v| {
        let all_upper = !v.bytes().any(|b| b.is_ascii_lowercase());
        let plain_title = v.split(' ').any(|t| ["Ibu", "Bapak", "SH", "SE", "ST", "MM"].contains(&t));
        all_upper || plain_title || v.contains('.') || v.contains(',')
    });
    let dob_slash = share(2, &|v| v.len() == 10 && v.as_bytes()[2] == b'/' && v.as_bytes()[5] == b'/');
    let phone =
        share(3, &|v| v.contains('(') || v.starts_with("+62 ") || v.starts_with("62") || v.contains('-'));
    let email = share(4, &|v| {
        v.bytes().any(|b| b.is_ascii_uppercase())
            || v.contains(['<', '(', ';', ' '])
            || v.starts_with("mailto:")
    });
    for (what, got) in
        [("nik", nik), ("name", name), ("dob DD/MM/YYYY", dob_slash), ("phone", phone), ("email", email)]
    {
        assert!(got > 0.5, "{what}: only {:.0} % spelled messily", got * 100.0);
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_messy_leaves_the_watchlist_alone() {
    let (a, b, clean) = (Scratch::new(), Scratch::new(), Scratch::new());
    generate(a.dir(), MESSY);
    generate(b.dir(), MESSY);
    generate(clean.dir(), &MESSY[1..]);
    for name in ["dump.csv", "watch.csv", "truth.csv"] {
        assert_eq!(std::fs::read(a.path(name)).unwrap(), std::fs::read(b.path(name)).unwrap(), "{name}");
    }
    // The planted people and the list are the clean run's; only the dump's spelling differs.
    assert_eq!(std::fs::read(a.path("watch.csv")).unwrap(), std::fs::read(clean.path("watch.csv")).unwrap());
    let clean_dump = std::fs::read_to_string(clean.path("dump.csv")).unwrap();
    assert!(clean_dump.starts_with("nik,nama,tgl_lahir,no_hp,jenis_kelamin,"));
    let other = Scratch::new();
    let mut seed8 = MESSY.to_vec();
    *seed8.last_mut().unwrap() = "8";
    generate(other.dir(), &seed8);
    assert_ne!(std::fs::read(a.path("dump.csv")).unwrap(), std::fs::read(other.path("dump.csv")).unwrap());
}

#[test]
fn messy_refuses_a_format_other_than_csv() {
    let args = [
        "--messy",
        "--format",
        "ndjson",
        "--size-mb",
        "0",
        "--out",
        "x",
        "--watch-out",
        "y",
        "--watch-people",
        "1",
    ];
    let err = generator::parse_args(args.iter().map(|a| a.to_string()).collect()).err().unwrap();
    assert!(err.contains("--messy writes CSV only"), "{err}");
}
