//! The bundled demo (README's first command) against the ground truth `fixtures/demo/expected.csv`,
//! which `fixtures/demo/make_demo.py` built by construction, independently of this code.

use crate::common;
use common::*;

fn expected(watchlist: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(fixture("demo/expected.csv")).unwrap();
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == watchlist)
        .map(|r| row(r[1].parse().unwrap(), r[2].parse().unwrap(), &r[3], &r[4], &r[5]))
        .collect()
}

fn scan(watchlist: &str, format: &str) -> std::process::Output {
    leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("--watch")
        .arg(fixture(&format!("demo/{watchlist}")))
        .args(["--format", format])
        .output()
        .unwrap()
}

#[test]
fn demo_finds_exactly_the_planted_exposures() {
    for watchlist in ["watchlist.csv", "watchlist.txt"] {
        let out = scan(watchlist, "csv");
        assert_eq!(out.status.code(), Some(1), "{watchlist}");
        let mut got = csv_rows(&out.stdout);
        let mut want = expected(watchlist);
        got.sort();
        want.sort();
        assert!(!want.is_empty());
        assert_eq!(got, want, "{watchlist}");
    }
}

#[test]
fn json_and_ndjson_agree_with_csv() {
    let csv = csv_rows(&scan("watchlist.csv", "csv").stdout);
    let report = json(&scan("watchlist.csv", "json").stdout);
    let from_json: Vec<Row> = report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let matched: Vec<&str> =
                e["matched"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
            row(
                e["record"].as_u64().unwrap(),
                e["line"].as_u64().unwrap(),
                e["watch"].as_str().unwrap(),
                e["confidence"].as_str().unwrap(),
                &matched.join("+"),
            )
        })
        .collect();
    assert_eq!(from_json, csv);
    let summary = &report["summary"];
    assert_eq!(summary["records"], 300);
    assert_eq!(summary["watch_entries"], 12);
    assert_eq!(summary["complete"], true);
    let exposed_records = csv
        .iter()
        .filter(|r| r.confidence == "exposed")
        .map(|r| r.record)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(summary["exposed_records"], exposed_records as u64);

    let ndjson = scan("watchlist.csv", "ndjson").stdout;
    let lines: Vec<serde_json::Value> =
        String::from_utf8(ndjson).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), csv.len() + 1);
    assert!(lines[..csv.len()].iter().all(|l| l["type"] == "exposure"));
    assert_eq!(lines.last().unwrap()["type"], "summary");
    assert_eq!(lines.last().unwrap()["exposed_records"], summary["exposed_records"]);
}

#[test]
fn reports_are_masked_unless_revealed() {
    // Every NIK and e-mail of the dump, as canonical digits/lowercase: none may appear.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(fixture("demo/pasien.csv")).unwrap();
    let mut secrets = Vec::new();
    for r in reader.records() {
        let r = r.unwrap();
        if let Ok(nik) = leakcheck::normalize::canonical(leakcheck::kind::Kind::Nik, &r[1]) {
            secrets.push(nik);
        }
        if let Some(email) =
            r.get(7).and_then(|e| leakcheck::normalize::canonical(leakcheck::kind::Kind::Email, e).ok())
        {
            secrets.push(email);
        }
    }
    assert!(secrets.len() > 100);
    for format in ["human", "json", "ndjson", "csv"] {
        let out = String::from_utf8(scan("watchlist.csv", format).stdout).unwrap();
        for secret in &secrets {
            assert!(!out.contains(secret.as_str()), "{format} report shows an identifier");
        }
    }
    let revealed = leakcheck()
        .arg("scan")
        .arg(fixture("demo/pasien.csv"))
        .arg("--watch")
        .arg(fixture("demo/watchlist.csv"))
        .args(["--format", "csv", "--reveal"])
        .output()
        .unwrap();
    let text = String::from_utf8(revealed.stdout).unwrap();
    assert!(secrets.iter().any(|s| text.to_lowercase().contains(s.as_str())), "--reveal shows values");
}

#[test]
fn human_report_reads_well() {
    let out = scan("watchlist.csv", "human");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("EXPOSED: 8 of 12 watched entries appear in the dump"), "{text}");
    for label in [
        "records scanned",
        "exposed records",
        "watch entries exposed",
        "invalid values",
        "bad records",
        "time",
    ] {
        assert!(text.contains(label), "missing {label}");
    }
    assert!(text.contains("P-007") && text.contains("nik+phone+email+name_dob"));
    assert!(!text.contains('\u{1b}'), "no colour when stdout is not a terminal");
}

#[test]
fn a_same_name_with_another_birth_date_is_not_a_possible_match() {
    // Record 177 is "Hj. Siti Aminah" born on another day than P-006 (Siti Aminah, 1980-01-05):
    // rules 1.0 reported it as possible; 1.1 counts it as contradicted, and keeps record 241
    // (the same name with no birth date) as possible.
    let report = json(&scan("watchlist.csv", "json").stdout);
    assert_eq!(report["summary"]["contradicted_name_matches"], 1, "{}", report["summary"]);
    assert_eq!(report["summary"]["possible_records"], 1);
    let possible: Vec<u64> = report["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["confidence"] == "possible")
        .map(|e| e["record"].as_u64().unwrap())
        .collect();
    assert_eq!(possible, [241]);
    let text = String::from_utf8(scan("watchlist.csv", "human").stdout).unwrap();
    assert!(text.contains("names ruled out          1 (same name, but another birth date or NIK"), "{text}");
    // A plain list has no birth dates: nothing to contradict.
    assert_eq!(json(&scan("watchlist.txt", "json").stdout)["summary"]["contradicted_name_matches"], 0);
}

#[test]
fn matched_never_lists_name_beside_name_dob() {
    let report = json(&scan("watchlist.csv", "json").stdout);
    let mut name_dob = 0;
    for e in report["exposures"].as_array().unwrap() {
        let matched: Vec<&str> =
            e["matched"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
        if matched.contains(&"name_dob") {
            name_dob += 1;
            assert!(!matched.contains(&"name"), "{e}");
        }
    }
    assert_eq!(report["summary"]["by_kind"]["name_dob"], name_dob);
    assert_eq!(report["summary"]["by_kind"]["name"], 0);
}
