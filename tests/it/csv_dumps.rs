//! The same records written as every CSV flavour of SPEC §5, scanned against both watchlist
//! formats: exactly the (record, watch, matched) pairs SPEC §6 defines, no miss and no extra.

use crate::common;
use common::*;

const HEADER: [&str; 7] = ["no_rm", "nik", "nama_lengkap", "tgl_lahir", "no_hp", "email", "alamat"];

fn records() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "RM001",
            "3201014107900001",
            "Siti Nurhaliza, S.E.",
            "01-07-1990",
            "0812-3456-7890",
            "siti@example.com",
            "Jl. Mawar 1, Bandung",
        ],
        vec![
            "RM002",
            "'3174 0512 0388 0003",
            "Budi Santoso",
            "1988-03-12",
            "+62 813 1111 2222",
            "budi.santoso@gmail.com",
            "Jl. Melati",
        ],
        vec!["RM003", "3578011505850002", "Agus Salim", "15/05/1985", "", "AGUS@EXAMPLE.CO.ID", "Surabaya"],
        vec!["RM004", "", "Dewi Lestari", "", "085712345678 / 0813 9999 0000", "", "Jl. Kenanga\nNo. 5"],
        vec![
            "RM005",
            "3273015506920001",
            "Rina Wati",
            "15 Juni 1992",
            "0821-0000-1111",
            "rina@example.com",
            "Bandung",
        ],
    ]
}

fn people() -> String {
    std::fs::read_to_string(fixture("csv/people.csv")).unwrap()
}

fn plain() -> String {
    std::fs::read_to_string(fixture("csv/plain.txt")).unwrap()
}

fn with_header() -> Vec<Vec<&'static str>> {
    let mut rows = vec![HEADER.to_vec()];
    rows.extend(records());
    rows
}

fn expected_people(header: bool, names: bool) -> Vec<Row> {
    // With a header each record starts one line later; record 4 spans two lines.
    let line = |record: u64| record + u64::from(header) + u64::from(record > 4);
    let mut rows = vec![
        row(1, line(1), "W1", "exposed", "nik"),
        row(2, line(2), "W2", "exposed", "phone"),
        row(2, line(2), "W5", "exposed", "email"),
        row(4, line(4), "W7", "exposed", "phone"),
    ];
    if names {
        rows.push(row(4, line(4), "W3", "possible", "name"));
        rows.push(row(5, line(5), "W4", "exposed", "name_dob"));
    }
    rows.sort();
    rows
}

fn expected_plain(header: bool, names: bool) -> Vec<Row> {
    let line = |record: u64| record + u64::from(header);
    let mut rows = vec![
        row(1, line(1), "L2", "exposed", "nik"),
        row(2, line(2), "L3", "exposed", "phone"),
        row(3, line(3), "L5", "exposed", "email"),
    ];
    if names {
        rows.push(row(4, line(4), "L4", "possible", "name"));
    }
    rows
}

fn scan(s: &Scratch, dump: &std::path::Path, extra: &[&str]) -> (Vec<Row>, Vec<Row>) {
    let people = s.write("people.csv", people());
    let plain = s.write("plain.txt", plain());
    let mut results = Vec::new();
    for watch in [&people, &plain] {
        let out = leakcheck()
            .arg("scan")
            .arg(dump)
            .arg("--watch")
            .arg(watch)
            .args(["--format", "csv"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let mut rows = csv_rows(&out.stdout);
        rows.sort();
        results.push(rows);
    }
    let plain_rows = results.pop().unwrap();
    (results.pop().unwrap(), plain_rows)
}

#[test]
fn bundled_fixtures_are_these_records() {
    let read = |name: &str| std::fs::read(fixture(&format!("csv/{name}"))).unwrap();
    assert_eq!(read("comma.csv"), delimited(&with_header(), ',', "\n").into_bytes());
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(delimited(&with_header(), ';', "\r\n").into_bytes());
    assert_eq!(read("semicolon_bom_crlf.csv"), bom);
    assert_eq!(read("tabs.tsv"), delimited(&with_header(), '\t', "\n").into_bytes());
    assert_eq!(read("headerless.csv"), delimited(&records(), ',', "\n").into_bytes());
}

#[test]
fn bundled_fixtures_scan_as_expected() {
    let s = Scratch::new();
    for (name, header, extra) in [
        ("comma.csv", true, &[][..]),
        ("semicolon_bom_crlf.csv", true, &[][..]),
        ("tabs.tsv", true, &[][..]),
        ("headerless.csv", false, &["--no-header"][..]),
    ] {
        let (people, plain) = scan(&s, &fixture(&format!("csv/{name}")), extra);
        assert_eq!(people, expected_people(header, header), "{name}");
        assert_eq!(plain, expected_plain(header, header), "{name}");
    }
}

#[test]
fn comma_separated_with_lf() {
    let s = Scratch::new();
    let dump = s.write("dump.csv", delimited(&with_header(), ',', "\n"));
    let (people, plain) = scan(&s, &dump, &[]);
    assert_eq!(people, expected_people(true, true));
    assert_eq!(plain, expected_plain(true, true));
}

#[test]
fn semicolon_separated_with_bom_and_crlf() {
    let s = Scratch::new();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(delimited(&with_header(), ';', "\r\n").into_bytes());
    let dump = s.write("dump.csv", bytes);
    let (people, plain) = scan(&s, &dump, &[]);
    assert_eq!(people, expected_people(true, true));
    assert_eq!(plain, expected_plain(true, true));
}

#[test]
fn tab_separated_by_extension_and_by_sniffing() {
    let s = Scratch::new();
    let text = delimited(&with_header(), '\t', "\n");
    for name in ["dump.tsv", "dump.csv", "dump.txt"] {
        let dump = s.write(name, &text);
        let (people, plain) = scan(&s, &dump, &[]);
        assert_eq!(people, expected_people(true, true), "{name}");
        assert_eq!(plain, expected_plain(true, true), "{name}");
    }
}

#[test]
fn pipe_separated() {
    let s = Scratch::new();
    let dump = s.write("dump.psv", delimited(&with_header(), '|', "\n"));
    let (people, _) = scan(&s, &dump, &[]);
    assert_eq!(people, expected_people(true, true));
}

#[test]
fn headerless_dump_sniffs_strong_columns_only() {
    let s = Scratch::new();
    let dump = s.write("dump.csv", delimited(&records(), ',', "\n"));
    let (people, plain) = scan(&s, &dump, &["--no-header"]);
    assert_eq!(people, expected_people(false, false));
    assert_eq!(plain, expected_plain(false, false));
}

#[test]
fn headerless_dump_with_map_by_column_number() {
    let s = Scratch::new();
    let dump = s.write("dump.csv", delimited(&records(), ';', "\r\n"));
    let (people, plain) = scan(&s, &dump, &["--no-header", "--map", "name=3", "--map", "dob=4"]);
    assert_eq!(people, expected_people(false, true));
    assert_eq!(plain, expected_plain(false, true));
}

#[test]
fn unrecognized_headers_are_sniffed_and_map_renames() {
    let s = Scratch::new();
    let mut rows = with_header();
    rows[0] = vec!["id", "identitas", "pasien", "lahir", "kontak", "surat", "alamat"];
    let dump = s.write("dump.csv", delimited(&rows, ',', "\n"));
    // identitas/kontak/surat are sniffed as nik/phone/email; pasien/lahir need --map.
    let (people, _) = scan(&s, &dump, &[]);
    assert_eq!(people, expected_people(true, false));
    let (people, _) = scan(&s, &dump, &["--map", "name=pasien", "--map", "dob=Lahir"]);
    assert_eq!(people, expected_people(true, true));
}

#[test]
fn family_card_columns_never_match_as_nik() {
    let s = Scratch::new();
    let dump = s.write("dump.csv", "no_kk,nama\n3201014107900001,Someone Else\n");
    let watch = s.write("w.txt", "3201014107900001\n");
    leakcheck().arg("scan").arg(&dump).arg("--watch").arg(&watch).assert().code(0);
    let dump = s.write("dump2.csv", "nomor_kk,catatan\n3201014107900001,x\n");
    leakcheck().arg("scan").arg(&dump).arg("--watch").arg(&watch).assert().code(0);
}

#[test]
fn stdin_and_several_inputs_in_one_run() {
    let s = Scratch::new();
    let text = delimited(&with_header(), ',', "\n");
    let a = s.write("a.csv", &text);
    let watch = s.write("plain.txt", plain());
    let out = leakcheck()
        .arg("scan")
        .arg(&a)
        .arg("-")
        .arg("--watch")
        .arg(&watch)
        .args(["--format", "json"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    let inputs = report["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[1]["path"], "-");
    assert_eq!(inputs[0]["records"], 5);
    assert_eq!(report["summary"]["records"], 10);
    let exposures = report["exposures"].as_array().unwrap();
    assert_eq!(exposures.len(), 8);
    assert!(exposures[..4].iter().all(|e| e["input"] == a.display().to_string()));
    assert!(exposures[4..].iter().all(|e| e["input"] == "-"));
}

#[test]
fn ragged_rows_are_read_not_rejected() {
    let s = Scratch::new();
    let dump =
        s.write("dump.csv", "nama,nik,no_hp\nBudi\nAni,3201014107900001\n,,0812-3456-7890,extra,fields\n");
    let watch = s.write("w.txt", "3201014107900001\n0812 3456 7890\n");
    let out = leakcheck()
        .arg("scan")
        .arg(&dump)
        .arg("--watch")
        .arg(&watch)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        csv_rows(&out.stdout),
        [row(2, 3, "L1", "exposed", "nik"), row(3, 4, "L2", "exposed", "phone")]
    );
}

/// An Excel export in `;` (or `|`) whose addresses or names hold commas has more commas than
/// delimiters per record: it was split by `,`, no column got a role and the run said CLEAR.
#[test]
fn semicolon_and_pipe_exports_with_commas_in_their_fields_are_split_by_their_header() {
    let s = Scratch::new();
    let watch = s.write(
        "w.csv",
        "id,nik,nama,tgl_lahir\nP1,3201014107900001,,\nP2,,\"Siti Aminah, S.Kom, M.T\",1990-07-01\n",
    );
    for (name, d, nama) in [("semi.csv", ';', "nama"), ("pipe.csv", '|', "Nama Lengkap")] {
        let mut text = format!("nik{d}{nama}{d}tgl_lahir{d}alamat\n");
        for i in 0..50 {
            text.push_str(&format!(
                "32010141079{:05}{d}Nama {i}, S.Kom, M.T{d}1980-01-01{d}Jl. A, No 1, RT 1, Kec. B, Kota C\n",
                i + 2
            ));
        }
        text.push_str(&format!("3201014107900001{d}Budi{d}1970-01-01{d}Jl. X, No 2, RT 3, Kec. Y, Kota Z\n"));
        text.push_str(&format!("3201014107900099{d}Siti Aminah, S.Kom, M.T{d}01-07-1990{d}Jl. Z, No 9\n"));
        let dump = s.write(name, &text);
        let out = leakcheck()
            .arg("scan")
            .arg(&dump)
            .arg("--watch")
            .arg(&watch)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let mut rows = csv_rows(&out.stdout);
        rows.sort();
        assert_eq!(
            rows,
            [row(51, 52, "P1", "exposed", "nik"), row(52, 53, "P2", "exposed", "name_dob")],
            "{name}"
        );
        let inspect = leakcheck().arg("inspect").arg(&dump).args(["--format", "json"]).output().unwrap();
        assert_eq!(json(&inspect.stdout)["inputs"][0]["delimiter"], d.to_string(), "{name}");
    }
}

#[test]
fn a_tempat_tanggal_lahir_column_is_read_as_the_birth_date() {
    // Rules 1.0 knew no TTL header: the column was sniffed, found no strong kind, and the
    // person's name and birth date never formed `name_dob`.
    let s = Scratch::new();
    let watch = s.write("people.csv", people());
    for header in ["TTL", "Tempat, Tanggal Lahir", "tempat_tgl_lahir", "TMP_TGL_LAHIR", "tempat tgl lhr"] {
        let dump = s.write("dump.csv", format!("nama,\"{header}\",kota\nRina Wati,15-06-1992,Bandung\n"));
        let out = leakcheck()
            .arg("scan")
            .arg(&dump)
            .arg("--watch")
            .arg(&watch)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{header}: {}", String::from_utf8_lossy(&out.stderr));
        let rows = csv_rows(&out.stdout);
        assert_eq!(rows.len(), 1, "{header}: {rows:?}");
        assert_eq!((rows[0].watch.as_str(), rows[0].confidence.as_str()), ("W4", "exposed"), "{header}");
        assert!(rows[0].matched.starts_with("name_dob"), "{header}: {rows:?}");
    }
}
